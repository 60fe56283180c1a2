/// Renders a ``Report`` as Markdown, with numbers rounded for reading.
///
/// Layout: title, key findings, each presentation table with its caption and notes, the key to
/// GSS symbols, things you need to know, methods, data quality and "About this report" (version,
/// command, input checksums). Every piece of text from the data is escaped, so a group called
/// `<script>` or `|x` is shown as text and cannot break the table.
public struct MarkdownRenderer: Sendable {
  /// Creates a renderer.
  public init() {}

  /// The report as Markdown text.
  public func render(_ report: Report) -> String {
    var out = "# \(escape(report.title))\n\n"
    if let subtitle = report.subtitle { out += "\(escape(subtitle))\n\n" }
    if !report.keyFindings.isEmpty {
      out += "## Key findings\n\n" + report.keyFindings.map { "- \(escape($0))\n" }.joined() + "\n"
    }
    for table in report.presentationTables {
      if let title = table.title { out += "### \(escape(title))\n\n" }
      out += "| " + table.columns.map { escape($0.heading) }.joined(separator: " | ") + " |\n"
      out += "|" + table.columns.map { $0.kind == .text ? "---" : "---:" }.joined(separator: "|")
      out += "|\n"
      for row in table.rows {
        let cells = zip(table.columns, row).map { column, cell in
          escape(CellText.reading(cell, column: column))
        }
        out += "| " + cells.joined(separator: " | ") + " |\n"
      }
      out += "\n"
      for note in table.footnotes { out += "\(escape(note))\n\n" }
    }
    if !report.charts.isEmpty {
      out += "Charts of these figures are in the HTML report.\n\n"
    }
    let symbols = report.symbolsUsed
    if !symbols.isEmpty {
      out += "## Symbols\n\n"
      out += symbols.map { "- \(escape($0.rawValue)): \(escape($0.meaning))\n" }.joined() + "\n"
    }
    if !report.footnotes.isEmpty {
      out += "## Things you need to know\n\n"
      out += report.footnotes.map { "- \(escape($0))\n" }.joined() + "\n"
    }
    if !report.methods.isEmpty {
      out += "## Methods\n\n" + report.methods.map { "- \(escape($0))\n" }.joined() + "\n"
    }
    if !report.dataQuality.isEmpty {
      out += "## Data quality\n\n" + report.dataQuality.map { "- \(escape($0))\n" }.joined() + "\n"
    }
    let about = report.aboutLines
    if !about.isEmpty {
      out += "## About this report\n\n"
      out += about.map { "- \(escape($0.key)): \(escape($0.value))\n" }.joined()
    }
    return out
  }

  /// Escapes the characters that Markdown tables and inline text would interpret.
  private func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "|", "\\", "*", "_", "`", "<", ">", "[", "]", "#": out += "\\\(c)"
      case "\n", "\r": out += " "
      default: out.append(c)
      }
    }
    return out
  }
}

/// A cell as text for people: counts with thousands separators, numbers at the column's decimals
/// (or by their size), estimates as "12.3 (10.1 to 14.8)", symbols as themselves.
public enum CellText {
  /// The cell as presentation renderers show it.
  public static func reading(_ cell: ResultTable.Cell, column: ResultTable.Column) -> String {
    switch cell {
    case .empty: return ""
    case .text(let s): return s
    case .symbol(let s): return s.rawValue
    case .number(let x): return number(x, column: column)
    case .estimate(let e):
      var text = number(e.value, column: column)
      if let lo = e.lower, let hi = e.upper, lo.isFinite, hi.isFinite {
        text += " (\(number(lo, column: column)) to \(number(hi, column: column)))"
      }
      if let m = e.marker { text += " " + m.rawValue }
      return text
    }
  }

  /// A number at the column's decimals, or rounded by its size.
  public static func number(_ x: Double, column: ResultTable.Column) -> String {
    guard x.isFinite else { return GSSSymbol.notAvailable.rawValue }
    if column.kind == .count { return ReadableNumber.format(x, kind: .count) }
    if let d = column.decimals { return ReadableNumber.grouped(x, decimals: d) }
    return ReadableNumber.format(x, kind: .number)
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

  /// `x` with exactly `decimals` digits and comma thousands separators, e.g. 12,345.6.
  public static func grouped(_ x: Double, decimals: Int) -> String {
    let text = fixed(x, decimals: decimals)
    let negative = text.hasPrefix("-")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", maxSplits: 1)
    let whole = thousands(Int64(parts[0]) ?? 0)
    return (negative ? "-" : "") + (parts.count == 2 ? "\(whole).\(parts[1])" : whole)
  }

  /// `x` with at most `decimals` digits after the point and no trailing zeros (for axis labels
  /// and coordinates), e.g. 0.5, 2, 12.25.
  public static func trimmed(_ x: Double, decimals: Int) -> String {
    var text = fixed(x, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  /// `x` with exactly `decimals` digits after the point, rounded half away from zero.
  public static func fixed(_ x: Double, decimals: Int) -> String {
    let scale = pow(10, Double(decimals))
    let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled.isFinite, scaled < 9e18 else { return "\(x)" }
    let p = Int64(scale)
    let whole = Int64(scaled) / p
    var frac = String(Int64(scaled) % p)
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
