import Foundation

/// Renders a ``ResultTable`` as CSV at full precision (the machine output of ARCHITECTURE.md).
///
/// Numbers are written as the shortest decimal that reads back to the same `Double`; integral
/// values without a trailing `.0`. Text cells are quoted when RFC 4180 needs it, and text that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
/// is prefixed with a single quote; negative numbers are numbers, so they stay as they are.
public struct CSVRenderer: Sendable {
  /// The field delimiter.
  public var delimiter: Character

  /// Creates a renderer; comma-delimited by default.
  public init(delimiter: Character = ",") {
    self.delimiter = delimiter
  }

  /// The whole table as CSV text, header first, each line ending in `\n`. An estimate column
  /// becomes three (`name`, `name_lower`, `name_upper`); a GSS symbol is written as itself.
  public func render(_ table: ResultTable) -> String {
    var out = ""
    out += table.machineColumns.map { quote(Self.neutraliseFormula($0.name)) }.joined(
      separator: String(delimiter))
    out += "\n"
    for row in table.rows {
      var first = true
      for cell in table.machineRow(row) {
        if !first { out.append(delimiter) }
        first = false
        switch cell {
        case .empty: break
        case .number(let x): out += Self.format(x)
        case .text(let s): out += quote(Self.neutraliseFormula(s))
        case .symbol(let s): out += s.rawValue
        case .estimate(let e): out += Self.format(e.value)
        }
      }
      out += "\n"
    }
    return out
  }

  /// The shortest round-trip decimal for `x`; integral values up to 2^53 print without `.0`;
  /// non-finite values print as nothing.
  public static func format(_ x: Double) -> String {
    guard x.isFinite else { return "" }
    if x == x.rounded(), abs(x) < 9_007_199_254_740_992 {
      if x == 0 { return "0" }
      return String(Int64(x))
    }
    return "\(x)"
  }

  /// Text that a spreadsheet would evaluate as a formula, made inert with a leading `'`.
  public static func neutraliseFormula(_ s: String) -> String {
    guard let first = s.unicodeScalars.first else { return s }
    switch first {
    case "=", "+", "-", "@", "\t", "\r": return "'" + s
    default: return s
    }
  }

  private func quote(_ s: String) -> String {
    let needs = s.contains { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    guard needs else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
