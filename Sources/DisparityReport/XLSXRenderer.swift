import Foundation
import ZIPFoundation

/// Renders a ``Report`` as an Excel workbook (Office Open XML, ECMA-376), laid out as the GSS
/// guidance on releasing statistics in spreadsheets asks.
///
/// Sheets: `Cover` (title, key findings, contents, about this report), `Notes` (symbols, notes,
/// methods, data quality), one sheet per presentation table (`Table_1`, …) and, when the machine
/// outputs are under disclosure control, `Data` with the tidy table at full precision. Each table
/// sheet has its caption in A1, a line saying where the notes are, then the header row, frozen so
/// it stays in view. Numbers are stored as numbers (rounded to the decimals shown, so what is seen
/// is what is stored) with number formats (`#,##0`, `#,##0.0`, …); withheld values are the GSS
/// symbol as text; an estimate column becomes three numeric columns (value, lower and upper limit).
///
/// The workbook is written by hand as XML parts zipped with ZIPFoundation; the parts are the
/// minimal set that Excel, LibreOffice and openpyxl open without repair (content types, package
/// and workbook relationships, workbook, styles, shared strings, sheets, core and app properties).
/// Output is deterministic: entries carry a fixed date.
public struct XLSXRenderer: Sendable {
  /// Creates a renderer.
  public init() {}

  /// A worksheet being laid out: rows of cells, the row to freeze below, column widths.
  struct Sheet {
    enum Value {
      case string(String, style: Int)
      case number(Double, style: Int)
    }
    var name: String
    var rows: [[Value?]] = []
    var frozenRows = 0
    var widths: [Int: Double] = [:]

    mutating func add(_ row: [Value?]) { rows.append(row) }
  }

  /// Cell styles, in the order of `cellXfs` in styles.xml.
  enum Style {
    static let normal = 0
    static let header = 1
    static let title = 2
    static let wrapped = 3
    static let symbol = 4
    static let bold = 5
    /// Numbers with 0…4 decimals and thousands separators: 6…10; general: 11.
    static func number(decimals: Int?) -> Int {
      guard let d = decimals else { return 11 }
      return 6 + min(max(d, 0), 4)
    }
  }

  /// The workbook's bytes.
  ///
  /// - Throws: ``ReportError/cannotBuildWorkbook(_:)`` if the zip archive cannot be written.
  public func render(_ report: Report) throws(ReportError) -> [UInt8] {
    var sheets: [Sheet] = []
    let tables = report.presentationTables.filter { $0.role == .presentation }
    var dataTables: [ResultTable] = []
    if report.machineOutputsDisclosureControlled,
      let tidy = report.tables.first(where: { $0.role == .tidy })
    {
      dataTables.append(tidy)
    }
    if tables.isEmpty && dataTables.isEmpty, let first = report.tables.first {
      dataTables.append(first)
    }
    let tableSheetNames = tables.indices.map { "Table_\($0 + 1)" }
    let dataSheetNames = dataTables.indices.map { $0 == 0 ? "Data" : "Data_\($0 + 1)" }

    let contents =
      Array(zip(tableSheetNames, tables.map(\.caption)))
      + Array(zip(dataSheetNames, dataTables.map { $0.title ?? "All results at full precision" }))
    sheets.append(cover(report, contents: contents))
    sheets.append(notes(report, tables: zip(tableSheetNames, tables).map { ($0, $1) }))
    for (name, table) in zip(tableSheetNames, tables) {
      sheets.append(sheet(for: table, name: name, rounded: true))
    }
    for (name, table) in zip(dataSheetNames, dataTables) {
      sheets.append(sheet(for: table, name: name, rounded: false))
    }
    return try package(sheets, title: report.title)
  }

  // MARK: Sheets

  private func cover(_ report: Report, contents: [(String, String)]) -> Sheet {
    var s = Sheet(name: "Cover")
    s.widths = [0: 28, 1: 100]
    s.add([.string(report.title, style: Style.title)])
    if let subtitle = report.subtitle { s.add([.string(subtitle, style: Style.normal)]) }
    if !report.keyFindings.isEmpty {
      s.add([.string("Key findings", style: Style.bold)])
      for f in report.keyFindings { s.add([nil, .string(f, style: Style.wrapped)]) }
    }
    s.add([.string("Contents", style: Style.bold)])
    s.add([.string("Worksheet", style: Style.header), .string("Description", style: Style.header)])
    s.add([
      .string("Notes", style: Style.normal),
      .string("Symbols, notes, methods and data quality", style: Style.wrapped),
    ])
    for (name, caption) in contents {
      s.add([.string(name, style: Style.normal), .string(caption, style: Style.wrapped)])
    }
    let about = report.aboutLines
    if !about.isEmpty {
      s.add([.string("About this report", style: Style.bold)])
      for line in about {
        s.add([.string(line.key, style: Style.normal), .string(line.value, style: Style.wrapped)])
      }
    }
    return s
  }

  private func notes(_ report: Report, tables: [(String, ResultTable)]) -> Sheet {
    var s = Sheet(name: "Notes")
    s.widths = [0: 28, 1: 110]
    s.add([.string("Notes", style: Style.title)])
    s.add([.string("Section", style: Style.header), .string("Note", style: Style.header)])
    s.frozenRows = 2
    for symbol in report.symbolsUsed {
      s.add([
        .string("Symbol \(symbol.rawValue)", style: Style.normal),
        .string(symbol.meaning, style: Style.wrapped),
      ])
    }
    for (name, table) in tables {
      for note in table.footnotes {
        s.add([.string(name, style: Style.normal), .string(note, style: Style.wrapped)])
      }
    }
    let sections: [(String, [String])] = [
      ("Things you need to know", report.footnotes), ("Methods", report.methods),
      ("Data quality", report.dataQuality),
    ]
    for (title, lines) in sections {
      for line in lines {
        s.add([.string(title, style: Style.normal), .string(line, style: Style.wrapped)])
      }
    }
    if !report.machineOutputsDisclosureControlled {
      s.add([
        .string("Data", style: Style.normal),
        .string(
          "The full-precision tidy table is not in this workbook: it was produced without disclosure control (--no-suppress) and is in the CSV and JSON outputs only.",
          style: Style.wrapped),
      ])
    }
    return s
  }

  private func sheet(for table: ResultTable, name: String, rounded: Bool) -> Sheet {
    var s = Sheet(name: name)
    let columns = table.machineColumns
    s.add([.string(table.caption, style: Style.title)])
    let symbols = table.symbolsUsed
    var line = "This worksheet contains one table."
    if !symbols.isEmpty {
      line +=
        " Some cells contain symbols: "
        + symbols.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: "; ") + "."
    }
    line += " Notes are on the Notes worksheet."
    s.add([.string(line, style: Style.normal)])
    s.add(columns.map { .string(rounded ? $0.heading : $0.name, style: Style.header) })
    s.frozenRows = 3
    var widths = columns.map { Double(min(max((rounded ? $0.heading : $0.name).count, 8), 40)) + 2 }
    for row in table.rows {
      var out: [Sheet.Value?] = []
      for (j, (column, cell)) in zip(columns, table.machineRow(row)).enumerated() {
        let value: Sheet.Value?
        switch cell {
        case .empty: value = nil
        case .text(let t):
          value = .string(t, style: GSSSymbol(rawValue: t) != nil ? Style.symbol : Style.normal)
        case .symbol(let sym): value = .string(sym.rawValue, style: Style.symbol)
        case .number(_), .estimate(_):
          let x: Double
          if case .estimate(let e) = cell {
            x = e.value
          } else if case .number(let n) = cell {
            x = n
          } else {
            x = .nan
          }
          if !x.isFinite {
            value = .string(GSSSymbol.notAvailable.rawValue, style: Style.symbol)
          } else if rounded {
            let d = column.kind == .count ? 0 : (column.decimals ?? Self.decimals(for: x))
            value = .number(
              Double(ReadableNumber.fixed(x, decimals: d)) ?? x, style: Style.number(decimals: d))
          } else {
            value = .number(
              x,
              style: column.kind == .count ? Style.number(decimals: 0) : Style.number(decimals: nil)
            )
          }
        }
        if case .string(let t, _)? = value {
          widths[j] = max(widths[j], Double(min(t.count, 60)) + 2)
        } else if case .number(let x, _)? = value {
          widths[j] = max(widths[j], Double(min(CSVRenderer.format(x).count, 24)) + 3)
        }
        out.append(value)
      }
      s.add(out)
    }
    for (j, w) in widths.enumerated() { s.widths[j] = w }
    return s
  }

  /// Decimals for a value in a column without fixed decimals: as ``ReadableNumber`` rounds it.
  static func decimals(for x: Double) -> Int {
    let m = abs(x)
    if m >= 10 || m == 0 { return 1 }
    if m >= 1 { return 2 }
    return min(4, max(2, Int((-log10(m)).rounded(.up)) + 2))
  }

  // MARK: Package

  private func package(_ sheets: [Sheet], title: String) throws(ReportError) -> [UInt8] {
    var strings = SharedStrings()
    var parts: [(String, String)] = []
    for (i, sheet) in sheets.enumerated() {
      parts.append(
        (
          "xl/worksheets/sheet\(i + 1).xml",
          worksheetXML(sheet, selected: i == 0, strings: &strings)
        ))
    }
    let names = uniqueSheetNames(sheets.map(\.name))
    var workbook = xmlHeader
    workbook +=
      "<workbook xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\"><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
    for (i, name) in names.enumerated() {
      workbook += "<sheet name=\"\(xml(name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
    }
    workbook += "</sheets></workbook>"
    var workbookRels = xmlHeader + "<Relationships xmlns=\"\(packageRelNS)\">"
    for i in sheets.indices {
      workbookRels +=
        "<Relationship Id=\"rId\(i + 1)\" Type=\"\(relNS)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
    }
    workbookRels +=
      "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
    workbookRels +=
      "<Relationship Id=\"rId\(sheets.count + 2)\" Type=\"\(relNS)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    workbookRels += "</Relationships>"

    var types =
      xmlHeader + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    types +=
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    types += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    types +=
      "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    for i in sheets.indices {
      types +=
        "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    }
    types +=
      "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    types +=
      "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
    types +=
      "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    types +=
      "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    types += "</Types>"

    let rootRels =
      xmlHeader + "<Relationships xmlns=\"\(packageRelNS)\">"
      + "<Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/>"
      + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
      + "<Relationship Id=\"rId3\" Type=\"\(relNS)/extended-properties\" Target=\"docProps/app.xml\"/>"
      + "</Relationships>"
    let core =
      xmlHeader
      + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      + "<dc:title>\(xml(title))</dc:title><dc:creator>disparity</dc:creator><dc:language>en-GB</dc:language></cp:coreProperties>"
    let app =
      xmlHeader
      + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>disparity</Application></Properties>"

    let all: [(String, String)] =
      [
        ("[Content_Types].xml", types), ("_rels/.rels", rootRels), ("docProps/core.xml", core),
        ("docProps/app.xml", app), ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbookRels), ("xl/styles.xml", stylesXML),
        ("xl/sharedStrings.xml", strings.xml),
      ] + parts
    do {
      let archive = try Archive(accessMode: .create)
      let date = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01: the same bytes every run
      for (path, text) in all {
        let data = Data(text.utf8)
        try archive.addEntry(
          with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
          compressionMethod: .deflate
        ) { position, size in
          data.subdata(in: Int(position)..<Int(position) + size)
        }
      }
      guard let data = archive.data else {
        throw ReportError.cannotBuildWorkbook("no archive data")
      }
      return [UInt8](data)
    } catch let error as ReportError {
      throw error
    } catch {
      throw .cannotBuildWorkbook(String(describing: error))
    }
  }

  private func worksheetXML(_ sheet: Sheet, selected: Bool, strings: inout SharedStrings) -> String
  {
    var out = xmlHeader + "<worksheet xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
    out += "<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>"
    if sheet.frozenRows > 0 {
      let top = "A\(sheet.frozenRows + 1)"
      out +=
        "<pane ySplit=\"\(sheet.frozenRows)\" topLeftCell=\"\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
      out += "<selection pane=\"bottomLeft\" activeCell=\"\(top)\" sqref=\"\(top)\"/>"
    }
    out += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
    if !sheet.widths.isEmpty {
      out += "<cols>"
      for (j, w) in sheet.widths.sorted(by: { $0.key < $1.key }) {
        out +=
          "<col min=\"\(j + 1)\" max=\"\(j + 1)\" width=\"\(ReadableNumber.trimmed(w, decimals: 1))\" customWidth=\"1\"/>"
      }
      out += "</cols>"
    }
    out += "<sheetData>"
    for (i, row) in sheet.rows.enumerated() {
      out += "<row r=\"\(i + 1)\">"
      for (j, value) in row.enumerated() {
        guard let value else { continue }
        let ref = Self.columnLetters(j) + String(i + 1)
        switch value {
        case .string(let t, let style):
          out += "<c r=\"\(ref)\" s=\"\(style)\" t=\"s\"><v>\(strings.index(of: t))</v></c>"
        case .number(let x, let style):
          out += "<c r=\"\(ref)\" s=\"\(style)\"><v>\(CSVRenderer.format(x))</v></c>"
        }
      }
      out += "</row>"
    }
    out +=
      "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
    return out
  }

  /// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
  static func columnLetters(_ index: Int) -> String {
    var n = index + 1
    var letters: [Character] = []
    while n > 0 {
      let r = (n - 1) % 26
      letters.insert(Character(UnicodeScalar(UInt8(65 + r))), at: 0)
      n = (n - 1) / 26
    }
    return String(letters)
  }

  /// Sheet names as Excel requires: at most 31 characters, none of `[]:*?/\`, unique ignoring case.
  func uniqueSheetNames(_ names: [String]) -> [String] {
    var seen = Set<String>()
    return names.map { raw in
      var base = String(raw.filter { !"[]:*?/\\'".contains($0) }.prefix(31))
      if base.isEmpty { base = "Sheet" }
      var name = base
      var k = 2
      while seen.contains(name.lowercased()) {
        let suffix = "_\(k)"
        name = String(base.prefix(31 - suffix.count)) + suffix
        k += 1
      }
      seen.insert(name.lowercased())
      return name
    }
  }

  private struct SharedStrings {
    var list: [String] = []
    var index: [String: Int] = [:]

    mutating func index(of s: String) -> Int {
      if let i = index[s] { return i }
      index[s] = list.count
      list.append(s)
      return list.count - 1
    }

    var xml: String {
      var out = xmlHeader
      out += "<sst xmlns=\"\(mainNS)\" count=\"\(list.count)\" uniqueCount=\"\(list.count)\">"
      for s in list {
        let escaped = XLSXRenderer.xmlText(s)
        let preserve = s.first?.isWhitespace == true || s.last?.isWhitespace == true
        out +=
          preserve
          ? "<si><t xml:space=\"preserve\">\(escaped)</t></si>" : "<si><t>\(escaped)</t></si>"
      }
      return out + "</sst>"
    }
  }

  /// Text for an XML element or attribute: escaped, with characters XML 1.0 forbids removed.
  static func xmlText(_ s: String) -> String { HTMLEscaping.text(s) }

  private func xml(_ s: String) -> String { Self.xmlText(s) }

  private var stylesXML: String {
    var out = xmlHeader + "<styleSheet xmlns=\"\(mainNS)\">"
    out += "<numFmts count=\"4\">"
    out +=
      "<numFmt numFmtId=\"164\" formatCode=\"#,##0.0\"/><numFmt numFmtId=\"165\" formatCode=\"#,##0.00\"/>"
    out +=
      "<numFmt numFmtId=\"166\" formatCode=\"#,##0.000\"/><numFmt numFmtId=\"167\" formatCode=\"#,##0.0000\"/>"
    out += "</numFmts>"
    out += "<fonts count=\"3\">"
    out += "<font><sz val=\"11\"/><name val=\"Arial\"/><family val=\"2\"/></font>"
    out += "<font><b/><sz val=\"11\"/><name val=\"Arial\"/><family val=\"2\"/></font>"
    out += "<font><b/><sz val=\"14\"/><name val=\"Arial\"/><family val=\"2\"/></font>"
    out += "</fonts>"
    out +=
      "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
    out +=
      "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    out +=
      "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    let xfs = [
      "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
      "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><alignment wrapText=\"1\" vertical=\"top\"/></xf>",
      "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>",
      "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment wrapText=\"1\" vertical=\"top\"/></xf>",
      "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment horizontal=\"right\"/></xf>",
      "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>",
      "<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
      "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
      "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
      "<xf numFmtId=\"166\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
      "<xf numFmtId=\"167\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
      "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
    ]
    out += "<cellXfs count=\"\(xfs.count)\">" + xfs.joined() + "</cellXfs>"
    out +=
      "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    return out + "</styleSheet>"
  }
}

private let xmlHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
private let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
private let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
private let packageRelNS = "http://schemas.openxmlformats.org/package/2006/relationships"
