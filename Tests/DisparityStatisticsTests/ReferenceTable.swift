import Foundation

/// A small reader for the reference CSVs in the test bundle (plain numeric tables with an
/// optionally quoted header). Kept separate from the toolkit's own CSV reader on purpose:
/// reference values must not be read through the code they check.
struct ReferenceTable {
  let header: [String]
  let rows: [[String]]

  init(resource name: String) throws {
    guard
      let url = Bundle.module.url(
        forResource: name, withExtension: "csv", subdirectory: "Resources/reference")
    else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    func unquote(_ s: Substring) -> String {
      var t = String(s)
      if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 { t = String(t.dropFirst().dropLast()) }
      return t
    }
    header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(unquote)
    rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(unquote) }
  }

  /// The numeric value of `column` in every row.
  func column(_ name: String) -> [Double] {
    guard let index = header.firstIndex(of: name) else {
      fatalError("no column \(name) in reference table (have \(header))")
    }
    return rows.map { Double($0[index])! }
  }
}

/// |a − b| ≤ tolerance × max(|b|, tiny): relative agreement, exact zero allowed.
func close(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
  if a == b { return true }
  return abs(a - b) <= tolerance * max(abs(b), 1e-300)
}
