/// Renders a ``Report`` as one self-contained HTML file: inline CSS and SVG charts, no scripts and
/// nothing fetched from the network (a Content-Security-Policy forbids both).
///
/// Accessibility: every table has a caption, header cells carry `scope` (`col` for headings,
/// `row` for the group name), charts are `role="img"` with a title and description and repeat
/// their numbers as text, and no meaning is carried by colour alone (words and marker shapes).
/// A print style sheet keeps tables and charts whole and repeats table headings on each page.
/// Every piece of text is escaped, so a group called `<script>` is shown as text.
public struct HTMLRenderer: Sendable {
  /// Creates a renderer.
  public init() {}

  /// The report as an HTML document.
  public func render(_ report: Report) -> String {
    var out = """
      <!DOCTYPE html>
      <html lang="en-GB">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
      <meta name="viewport" content="width=device-width, initial-scale=1">

      """
    if let version = report.provenance.version {
      out += "<meta name=\"generator\" content=\"\(HTMLEscaping.attribute(version))\">\n"
    }
    out += "<title>\(HTMLEscaping.text(report.title))</title>\n"
    out += "<style>\n\(Self.styleSheet)</style>\n</head>\n<body>\n<main>\n"
    out += "<h1>\(HTMLEscaping.text(report.title))</h1>\n"
    if let subtitle = report.subtitle {
      out += "<p class=\"subtitle\">\(HTMLEscaping.text(subtitle))</p>\n"
    }
    if !report.keyFindings.isEmpty {
      out +=
        "<section aria-labelledby=\"key-findings\">\n<h2 id=\"key-findings\">Key findings</h2>\n<ul>\n"
      out += report.keyFindings.map { "<li>\(HTMLEscaping.text($0))</li>\n" }.joined()
      out += "</ul>\n</section>\n"
    }
    for (i, table) in report.presentationTables.enumerated() {
      out += render(table, id: "table-\(i + 1)")
    }
    if !report.charts.isEmpty {
      out += "<section aria-labelledby=\"charts\">\n<h2 id=\"charts\">Charts</h2>\n"
      for (i, chart) in report.charts.enumerated() {
        out += "<figure>\n"
        out += SVGChartRenderer().render(chart, id: "chart-\(i + 1)")
        out +=
          "<figcaption>\(HTMLEscaping.text(chart.title)). \(HTMLEscaping.text(chart.summary))</figcaption>\n"
        out += "</figure>\n"
      }
      out += "</section>\n"
    }
    let symbols = report.symbolsUsed
    if !symbols.isEmpty {
      out +=
        "<section aria-labelledby=\"symbols\">\n<h2 id=\"symbols\">Symbols</h2>\n<dl class=\"key\">\n"
      for s in symbols {
        out += "<dt>\(HTMLEscaping.text(s.rawValue))</dt><dd>\(HTMLEscaping.text(s.meaning))</dd>\n"
      }
      out += "</dl>\n</section>\n"
    }
    out += list("Things you need to know", id: "things-to-know", report.footnotes)
    out += list("Methods", id: "methods", report.methods)
    out += list("Data quality", id: "data-quality", report.dataQuality)
    let about = report.aboutLines
    if !about.isEmpty {
      out +=
        "<section aria-labelledby=\"about\">\n<h2 id=\"about\">About this report</h2>\n<dl class=\"about\">\n"
      for line in about {
        out += "<dt>\(HTMLEscaping.text(line.key))</dt><dd>\(HTMLEscaping.text(line.value))</dd>\n"
      }
      out += "</dl>\n</section>\n"
    }
    out += "</main>\n</body>\n</html>\n"
    return out
  }

  private func list(_ heading: String, id: String, _ items: [String]) -> String {
    guard !items.isEmpty else { return "" }
    var out =
      "<section aria-labelledby=\"\(id)\">\n<h2 id=\"\(id)\">\(HTMLEscaping.text(heading))</h2>\n<ul>\n"
    out += items.map { "<li>\(HTMLEscaping.text($0))</li>\n" }.joined()
    return out + "</ul>\n</section>\n"
  }

  /// One table: caption, column headings with `scope="col"`, the group name as `scope="row"`.
  func render(_ table: ResultTable, id: String) -> String {
    let rowHeader =
      table.columns.firstIndex { ["group", "ethnicity"].contains($0.name.lowercased()) }
      ?? table.columns.firstIndex { $0.kind == .text } ?? 0
    var out = "<section class=\"table\" aria-labelledby=\"\(id)-caption\">\n"
    out += "<div class=\"table-wrap\">\n<table id=\"\(id)\">\n"
    out += "<caption id=\"\(id)-caption\">\(HTMLEscaping.text(table.caption))</caption>\n"
    out += "<thead>\n<tr>"
    for column in table.columns {
      let cls = column.kind == .text ? "" : " class=\"num\""
      out += "<th scope=\"col\"\(cls)>\(HTMLEscaping.text(column.heading))</th>"
    }
    out += "</tr>\n</thead>\n<tbody>\n"
    for row in table.rows {
      out += "<tr>"
      for (j, (column, cell)) in zip(table.columns, row).enumerated() {
        let text = HTMLEscaping.text(CellText.reading(cell, column: column))
        if j == rowHeader {
          out += "<th scope=\"row\">\(text)</th>"
        } else {
          let cls = column.kind == .text ? "" : " class=\"num\""
          out += "<td\(cls)>\(text)</td>"
        }
      }
      out += "</tr>\n"
    }
    out += "</tbody>\n</table>\n</div>\n"
    for note in table.footnotes {
      out += "<p class=\"note\">\(HTMLEscaping.text(note))</p>\n"
    }
    return out + "</section>\n"
  }

  /// The style sheet: black on white, system fonts, readable on screen and on paper.
  static let styleSheet = """
    body { font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.45; color: #0b0c0c; background: #ffffff; margin: 0; }
    main { max-width: 1100px; margin: 0 auto; padding: 24px; }
    h1 { font-size: 2rem; margin: 0 0 8px; }
    h2 { font-size: 1.4rem; margin: 32px 0 8px; border-top: 2px solid #0b0c0c; padding-top: 8px; }
    .subtitle { font-size: 1.15rem; margin-top: 0; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; margin: 16px 0 8px; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-weight: bold; font-size: 1.1rem; padding-bottom: 8px; }
    th, td { border-bottom: 1px solid #b1b4b6; padding: 6px 10px; vertical-align: top; text-align: left; }
    thead th { border-bottom: 2px solid #0b0c0c; }
    th[scope="row"] { font-weight: normal; }
    td.num { text-align: right; white-space: nowrap; }
    th.num { text-align: right; }
    thead th { vertical-align: bottom; }
    .note { font-size: 0.9rem; margin: 4px 0; }
    figure { margin: 16px 0; }
    figcaption { font-size: 0.9rem; margin-top: 4px; }
    svg.chart { width: 100%; max-width: 900px; height: auto; }
    dl.key dt, dl.about dt { font-weight: bold; float: left; clear: left; margin-right: 8px; }
    dl.key dd, dl.about dd { margin: 0 0 4px 0; overflow-wrap: anywhere; }
    @media print {
      body { font-size: 10pt; }
      main { max-width: none; padding: 0; }
      h2 { break-after: avoid; page-break-after: avoid; }
      .table-wrap { overflow: visible; }
      figure { break-inside: avoid; page-break-inside: avoid; }
      caption { break-after: avoid; page-break-after: avoid; }
      thead { display: table-header-group; }
      tr { break-inside: avoid; page-break-inside: avoid; }
    }

    """
}

/// Escaping for HTML and XML text and attribute values.
public enum HTMLEscaping {
  /// Text content: `&`, `<`, `>`, quotes escaped; control characters that HTML and XML forbid
  /// dropped (they cannot be shown and would make the document invalid).
  public static func text(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE
          || scalar.value == 0xFFFF
        {
          continue
        }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// An attribute value (always written in double quotes).
  public static func attribute(_ s: String) -> String {
    text(s).replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(
      of: "\r", with: "&#13;")
  }
}
