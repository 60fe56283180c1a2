import Foundation
import Testing

@testable import DisparityReport

@Suite("HTML, Markdown and CSV renderers")
struct TextRendererTests {
  /// Every label is escaped: a group, title, finding, chart label or metadata value containing
  /// `<script>` comes out as text, so the page holds no script element at all.
  @Test func htmlEscapesEveryLabel() {
    let html = HTMLRenderer().render(Fixtures.report())
    #expect(!html.lowercased().contains("<script"))
    #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
    #expect(html.contains("NHS &lt;2001&gt;"))
    #expect(html.contains("Rates per 100,000 &amp; CIs"))
  }

  /// One self-contained file: no scripts, no external resources, a policy forbidding both.
  @Test func htmlIsSelfContained() {
    let html = HTMLRenderer().render(Fixtures.report())
    #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
    for fetch in ["src=", "href=", "@import", "url(", "<link", "<iframe", "<object", "<img"] {
      #expect(!html.contains(fetch), "found \(fetch)")
    }
    // The only URLs in attributes are XML namespace names, which browsers never fetch (a URL in
    // a label is escaped text).
    let urls = html.components(separatedBy: "=\"http").count - 1
    let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
    #expect(urls == namespaces && namespaces == 1)
  }

  /// Accessible tables: a caption each, `scope="col"` on headings, the group as `scope="row"`;
  /// charts are images with a title and description; print styles keep tables whole.
  @Test func htmlTablesAndChartsAreAccessible() {
    let html = HTMLRenderer().render(Fixtures.report())
    #expect(html.contains("<caption id=\"table-1-caption\">Rates by ethnic group</caption>"))
    #expect(html.contains("<th scope=\"col\">Ethnicity</th>"))
    #expect(html.contains("<th scope=\"row\">Black African</th>"))
    #expect(html.components(separatedBy: "<th scope=\"row\">").count - 1 == 4)
    #expect(html.contains("role=\"img\" aria-labelledby=\"chart-1-title chart-1-desc\""))
    #expect(html.contains("@media print"))
    #expect(html.contains("<html lang=\"en-GB\">"))
    // Estimates read as "value (lower to upper)", with the [u] marker after.
    #expect(html.contains("<td class=\"num\">123.5 (116.6 to 130.5)</td>"))
    #expect(html.contains("45.0 (20.6 to 85.4) [u]"))
    #expect(html.contains("<td class=\"num\">3.20 (2.90 to 3.60)</td>"))
    // The key explains every symbol used, and only those.
    #expect(
      html.contains("<dt>[c]</dt>") && html.contains("<dt>[u]</dt>")
        && html.contains("<dt>[z]</dt>"))
    #expect(!html.contains("<dt>[x]</dt>"))
    // The tidy table is not shown to readers when there is a presentation table.
    #expect(!html.contains("crude_rate"))
  }

  /// The forest plot: a log axis with ticks around 1, the dashed reference line, a marker shape
  /// per comparison and a legend in words; the withheld row shows [c] and no marker.
  @Test func forestPlotHasLogAxisReferenceLineAndLegend() {
    let svg = SVGChartRenderer().render(Fixtures.chart(), id: "c")
    #expect(svg.contains("stroke-dasharray=\"6 4\""))
    #expect(svg.contains(">1 = same rate</text>"))
    for tick in [">0.5</text>", ">1</text>", ">2</text>"] { #expect(svg.contains(tick)) }
    #expect(svg.contains("higher than the reference"))
    #expect(svg.contains("lower than the reference"))
    #expect(svg.contains("reference group"))
    #expect(svg.contains(">Ratio (log scale)</text>"))
    #expect(svg.contains("&lt;script&gt;"))
    #expect(!svg.contains("<script"))
    // On a log scale 0.5 and 2 are the same distance from 1.
    func x(of tick: String) -> Double? {
      guard let r = svg.range(of: "text-anchor=\"middle\" fill=\"#000000\">\(tick)</text>") else {
        return nil
      }
      let before = svg[..<r.lowerBound]
      guard let xr = before.range(of: "x=\"", options: .backwards) else { return nil }
      return Double(before[xr.upperBound...].prefix { $0 != "\"" })
    }
    if let a = x(of: "0.5"), let b = x(of: "1"), let c = x(of: "2") {
      #expect(abs((b - a) - (c - b)) < 0.02)
    } else {
      Issue.record("ticks 0.5, 1 and 2 not found")
    }
  }

  /// Markdown: captions, estimates, the symbol key and provenance; labels escaped.
  @Test func markdownShowsTheReport() {
    let md = MarkdownRenderer().render(Fixtures.report())
    #expect(md.contains("## Key findings"))
    #expect(md.contains("### Rates by ethnic group"))
    #expect(
      md.contains(
        "| Black African | 1,234 | 1,000,000 | 123.5 (116.6 to 130.5) | 3.20 (2.90 to 3.60) | higher |  |"
      ))
    #expect(md.contains("\\<script\\>"))
    #expect(!md.contains("<script>"))
    #expect(md.contains("- \\[c\\]: confidential"))
    #expect(md.contains("SHA-256 abab"))
    #expect(md.contains("- Command: disparity analyse deaths.csv --format html"))
  }

  /// CSV: the tidy table only, at full precision; formula-like text made inert, negative
  /// numbers left as numbers; [c] written as itself; non-finite values empty.
  @Test func csvWritesTheTidyTableSafely() throws {
    let bytes = try ReportWriter(formats: [.csv], destination: "-").render(
      Fixtures.report(), as: .csv)
    let csv = String(decoding: bytes, as: UTF8.self)
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(lines[0] == "group,events,population,crude_rate,ratio,flag")
    #expect(lines[1] == "Black African,1234,1000000,123.4567,0.3333333333333333,")
    #expect(lines[2] == "<script>alert('x')</script>,[c],5000,[c],[c],[c] withheld")
    #expect(lines[3] == "'-1+2,-3,20000,-0.25,,")
  }

  /// An estimate column becomes three machine columns; formula-like headings are made inert.
  @Test func csvExpandsEstimateColumns() {
    let csv = CSVRenderer().render(Fixtures.policyTable())
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(
      lines[0]
        == "ethnicity,events,population,rate,rate_lower,rate_upper,ratio,ratio_lower,ratio_upper,compared,notes"
    )
    #expect(lines[1] == "Black African,1234,1000000,123.4567,116.6,130.5,3.2049,2.9,3.6,higher,")
    #expect(lines[3].hasPrefix("\"'=HYPERLINK(\"\"http://evil\"\")\",9,"))
    var t = ResultTable(name: "x", columns: [.init("=cmd", .text)])
    t.append([.text("a")])
    #expect(CSVRenderer().render(t).hasPrefix("'=cmd\n"))
  }

  /// Numbers are the standard library's shortest round-trip text, integral values below 2^53
  /// without ".0", non-finite values empty (as the renderer wrote them through `String`).
  @Test func csvNumbersAreShortestRoundTripText() {
    let values: [Double] = [
      0, -0.0, 1, -3, 42, 1_000_000, 123_456_789_012, 9_007_199_254_740_991, 9_007_199_254_740_992,
      -9_007_199_254_740_994, 0.1, -0.25, 1.0 / 3, 1e-5, 1756.4667628242175, 2.5e300,
      0.5, -2.5, 4_503_599_627_370_495.5, -1e-300,
    ]
    for x in values {
      let expected =
        x == x.rounded() && abs(x) < 9_007_199_254_740_992 ? String(Int64(x)) : "\(x)"
      #expect(CSVRenderer.format(x) == expected, "\(x)")
      #expect(Double(CSVRenderer.format(x)) == x)
    }
    #expect(CSVRenderer.format(.nan) == "")
    #expect(CSVRenderer.format(-.infinity) == "")
  }

  /// Another delimiter (one byte or several) quotes the text that holds it.
  @Test func csvQuotesTextHoldingTheDelimiter() {
    var t = ResultTable(name: "x", columns: [.init("a;b", .text), .init("n", .number)])
    t.append([.text("x;y"), .number(1.5)])
    t.append([.text("plain, text"), .number(2)])
    #expect(CSVRenderer(delimiter: ";").render(t) == "\"a;b\";n\n\"x;y\";1.5\nplain, text;2\n")
    #expect(CSVRenderer(delimiter: "→").render(t) == "a;b→n\nx;y→1.5\nplain, text→2\n")
    var u = ResultTable(name: "x", columns: [.init("a", .text)])
    u.append([.text("x→y")])
    #expect(CSVRenderer(delimiter: "→").render(u) == "a\n\"x→y\"\n")
  }

  /// Rows at their longest fit the room the renderer makes for them (it writes through a
  /// pointer into room reserved from the cells): text that is quoted, made inert and has every
  /// byte a quote to double, in a text column and in an estimate column (three times), the
  /// longest numbers, symbols, and a delimiter of several bytes. Expected text built by hand.
  @Test func csvRowsAtTheirLongestFitTheirRoom() {
    let worst = "=" + String(repeating: "\"", count: 40)
    // Quoted, a ' before the =, each quote doubled.
    let written = "\"'=" + String(repeating: "\"", count: 80) + "\""
    var t = ResultTable(
      name: "x", columns: [.init("t", .text), .init("e", .estimate), .init("n", .number)])
    let big = -Double.greatestFiniteMagnitude
    t.append([.text(worst), .text(worst), .number(big)])
    t.append([
      .symbol(.confidential),
      .estimate(.init(value: big, lower: big, upper: -.leastNonzeroMagnitude)),
      .number(big),
    ])
    let csv = CSVRenderer(delimiter: "→").render(t)
    let text = "-1.7976931348623157e+308"
    #expect(
      csv
        == "t→e→e_lower→e_upper→n\n"
        + [written, written, written, written, text].joined(separator: "→") + "\n"
        + ["[c]", text, text, "-5e-324", text].joined(separator: "→") + "\n")
  }

  /// A table of many rows (rendered in blocks on several cores) is the rows in order.
  @Test func csvOfManyRowsKeepsTheirOrder() {
    var t = ResultTable(name: "x", columns: [.init("i", .count), .init("half", .number)])
    for i in 0..<10_000 { t.append([.number(Double(i)), .number(Double(i) / 2)]) }
    let lines = CSVRenderer().render(t).split(separator: "\n")
    #expect(lines.count == 10_001)
    #expect(lines[1] == "0,0" && lines[4097] == "4096,2048" && lines[10_000] == "9999,4999.5")
  }

  /// Readable rounding with thousands separators at a column's fixed decimals.
  @Test(arguments: [
    (12345.678, 1, "12,345.7"), (-1234.5, 0, "-1,235"), (0.04, 2, "0.04"), (3.2049, 2, "3.20"),
    (999.96, 1, "1,000.0"), (-0.04, 1, "0.0"),
  ])
  func groupedNumbersRoundAndSeparate(value: Double, decimals: Int, expected: String) {
    #expect(ReadableNumber.grouped(value, decimals: decimals) == expected)
  }
}

@Suite("Result table rows")
struct ResultTableRowsTests {
  /// Rows appended together are the rows appended one by one, in order, after rows already
  /// there; and the table renders the same.
  @Test func rowsAppendedTogetherEqualRowsAppendedOneByOne() {
    let columns: [ResultTable.Column] = [.init("group", .text), .init("events", .count)]
    let rows: [[ResultTable.Cell]] = (0..<5).map { [.text("G\($0)"), .number(Double($0))] }
    var oneByOne = ResultTable(name: "t", columns: columns)
    for row in rows { oneByOne.append(row) }
    var together = ResultTable(name: "t", columns: columns)
    together.append(contentsOf: Array(rows[0..<2]))
    together.append(contentsOf: Array(rows[2...]))
    together.append(contentsOf: [])
    #expect(together == oneByOne)
    #expect(CSVRenderer().render(together) == "group,events\nG0,0\nG1,1\nG2,2\nG3,3\nG4,4\n")
  }
}
