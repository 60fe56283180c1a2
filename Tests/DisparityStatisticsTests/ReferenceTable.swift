import Foundation

/// A small reader for the reference CSVs in the test bundle (plain numeric tables with an
/// optionally quoted header). Kept separate from the toolkit's own CSV reader on purpose:
/// reference values must not be read through the code they check.
struct ReferenceTable {
  let header: [String]
  let rows: [[String]]

  init(resource name: String, folder: String = "reference") throws {
    guard
      let url = Bundle.module.url(
        forResource: name, withExtension: "csv", subdirectory: "Resources/\(folder)")
    else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    func unquote(_ s: Substring) -> String {
      var t = String(s)
      if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 {
        t = String(t.dropFirst().dropLast())
      }
      return t
    }
    header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(
      unquote)
    rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(unquote) }
  }

  /// The numeric value of `column` in every row.
  func column(_ name: String) -> [Double] {
    guard let index = header.firstIndex(of: name) else {
      fatalError("no column \(name) in reference table (have \(header))")
    }
    return rows.map { Double($0[index])! }
  }

  /// The values of `column` as text (labels such as group names).
  func strings(_ name: String) -> [String] {
    guard let index = header.firstIndex(of: name) else {
      fatalError("no column \(name) in reference table (have \(header))")
    }
    return rows.map { $0[index] }
  }

  /// The numeric values of `column`, `nil` where the cell is empty or `NA`.
  func optionalColumn(_ name: String) -> [Double?] {
    strings(name).map { $0.isEmpty || $0 == "NA" ? nil : Double($0)! }
  }

  /// The rows whose `key` column equals `value`.
  func filtered(_ key: String, equals value: String) -> ReferenceTable {
    guard let index = header.firstIndex(of: key) else {
      fatalError("no column \(key) in reference table (have \(header))")
    }
    return ReferenceTable(header: header, rows: rows.filter { $0[index] == value })
  }

  private init(header: [String], rows: [[String]]) {
    self.header = header
    self.rows = rows
  }
}

/// |a − b| ≤ tolerance × max(|b|, tiny): relative agreement, exact zero allowed.
func close(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
  if a == b { return true }
  return abs(a - b) <= tolerance * max(abs(b), 1e-300)
}
