/// Renders a ``Report`` as Markdown, with numbers rounded for reading.
public struct MarkdownRenderer: Sendable {
  /// Creates a renderer.
  public init() {}

  /// The report as Markdown text.
  public func render(_ report: Report) -> String {
    var out = "# \(escape(report.title))\n\n"
    for table in report.tables {
      out += "| " + table.columns.map { escape($0.name) }.joined(separator: " | ") + " |\n"
      out += "|" + table.columns.map { $0.kind == .text ? "---" : "---:" }.joined(separator: "|")
      out += "|\n"
      for row in table.rows {
        let cells = zip(table.columns, row).map { column, cell -> String in
          switch cell {
          case .empty: return ""
          case .text(let s): return escape(s)
          case .number(let x): return ReadableNumber.format(x, kind: column.kind)
          }
        }
        out += "| " + cells.joined(separator: " | ") + " |\n"
      }
      out += "\n"
    }
    if !report.methods.isEmpty {
      out += "## Methods\n\n" + report.methods.map { "- \(escape($0))\n" }.joined() + "\n"
    }
    if !report.dataQuality.isEmpty {
      out += "## Data quality\n\n" + report.dataQuality.map { "- \(escape($0))\n" }.joined() + "\n"
    }
    if !report.metadata.isEmpty {
      out += "## About this report\n\n"
      out += report.metadata.map { "- \(escape($0.key)): \(escape($0.value))\n" }.joined()
    }
    return out
  }

  /// Escapes the characters that Markdown tables and inline text would interpret.
  private func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "|", "\\", "*", "_", "`", "<", ">", "[", "]": out += "\\\(c)"
      case "\n": out += " "
      default: out.append(c)
      }
    }
    return out
  }
}

/// Rounds numbers for people: counts with thousands separators; other values to three significant
/// figures (one decimal place from 10 upwards), e.g. 139.2, 3.24, 0.0253.
public enum ReadableNumber {
  /// A number formatted for reading.
  public static func format(_ x: Double, kind: ResultTable.ColumnKind) -> String {
    if kind == .count || (x == x.rounded() && abs(x) >= 1000) {
      return thousands(Int64(x.rounded()))
    }
    let magnitude = abs(x)
    let decimals: Int
    if magnitude >= 10 {
      decimals = 1
    } else if magnitude >= 1 {
      decimals = 2
    } else if magnitude == 0 {
      decimals = 1
    } else {
      decimals = max(2, Int((-log10(magnitude)).rounded(.up)) + 2)
    }
    let rounded = fixed(x, decimals: decimals)
    if magnitude >= 1000 {
      let parts = rounded.split(separator: ".", maxSplits: 1)
      let whole = thousands(Int64(parts[0]) ?? 0)
      return parts.count == 2 ? "\(whole).\(parts[1])" : whole
    }
    return rounded
  }

  /// An integer with comma thousands separators, e.g. 12,538.
  public static func thousands(_ n: Int64) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return n < 0 ? "-" + out : out
  }

  /// `x` with exactly `decimals` digits after the point, rounded half away from zero.
  public static func fixed(_ x: Double, decimals: Int) -> String {
    let scale = pow(10, Double(decimals))
    let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
    let whole = Int64(scaled / scale)
    var frac = String(Int64(scaled) - whole * Int64(scale))
    while frac.count < decimals { frac = "0" + frac }
    let sign = x < 0 && scaled != 0 ? "-" : ""
    return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac)"
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
