import Foundation
import Testing
import ZIPFoundation

@testable import DisparityReport

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("XLSX renderer")
struct XLSXRendererTests {
  private func parts(_ bytes: [UInt8]) throws -> [String: String] {
    let archive = try Archive(data: Data(bytes), accessMode: .read)
    var out: [String: String] = [:]
    for entry in archive {
      var data = Data()
      _ = try archive.extract(entry) { data.append($0) }
      out[entry.path] = String(decoding: data, as: UTF8.self)
    }
    return out
  }

  /// Every part is well-formed XML; every part has a content type; every relationship target
  /// exists: the package-level checks that decide whether Excel offers to "repair" a file.
  @Test func workbookPackageIsComplete() throws {
    let files = try parts(try XLSXRenderer().render(Fixtures.report()))
    for (path, text) in files {
      let parser = XMLParser(data: Data(text.utf8))
      #expect(
        parser.parse(), "\(path) is not well-formed XML: \(String(describing: parser.parserError))")
    }
    let types = try #require(files["[Content_Types].xml"])
    for path in files.keys where !path.hasSuffix(".rels") && path != "[Content_Types].xml" {
      #expect(types.contains("PartName=\"/\(path)\""), "no content type for \(path)")
    }
    let workbookRels = try #require(files["xl/_rels/workbook.xml.rels"])
    for target in workbookRels.components(separatedBy: "Target=\"").dropFirst() {
      let path = "xl/" + target.prefix { $0 != "\"" }
      #expect(files[path] != nil, "missing \(path)")
    }
    let workbook = try #require(files["xl/workbook.xml"])
    #expect(workbook.contains("<sheet name=\"Cover\" sheetId=\"1\" r:id=\"rId1\"/>"))
    #expect(workbook.contains("<sheet name=\"Notes\""))
    #expect(workbook.contains("<sheet name=\"Table_1\""))
    #expect(workbook.contains("<sheet name=\"Data\""))
  }

  /// Table sheets: caption in A1, the header row frozen, numbers stored as numbers (rounded to
  /// the decimals shown) with a number format, symbols as text, hostile labels as plain strings.
  @Test func tableSheetsHaveFrozenHeadersAndNumbers() throws {
    let files = try parts(try XLSXRenderer().render(Fixtures.report()))
    let sheet = try #require(files["xl/worksheets/sheet3.xml"])
    #expect(
      sheet.contains(
        "<pane ySplit=\"3\" topLeftCell=\"A4\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
    // D4 is the rate 123.4567 shown to 1 decimal place: stored as 123.5 with format #,##0.0.
    #expect(sheet.contains("<c r=\"D4\" s=\"7\"><v>123.5</v></c>"))
    #expect(sheet.contains("<c r=\"B4\" s=\"6\"><v>1234</v></c>"))
    let strings = try #require(files["xl/sharedStrings.xml"])
    #expect(strings.contains("&lt;script&gt;"))
    #expect(!strings.contains("<script"))
    let styles = try #require(files["xl/styles.xml"])
    #expect(styles.contains("formatCode=\"#,##0.0\""))
    // The tidy data sheet keeps full precision.
    let data = try #require(files["xl/worksheets/sheet4.xml"])
    #expect(data.contains("<v>0.3333333333333333</v>"))
  }

  /// Without disclosure control for machine outputs, the workbook leaves the tidy table out
  /// and says so on the notes sheet.
  @Test func uncontrolledTidyTableStaysOutOfTheWorkbook() throws {
    let files = try parts(try XLSXRenderer().render(Fixtures.report(controlled: false)))
    #expect(files["xl/worksheets/sheet4.xml"] == nil)
    #expect(try #require(files["xl/sharedStrings.xml"]).contains("--no-suppress"))
  }

  /// Characters XML forbids (control characters) are dropped rather than breaking the file, and
  /// sheet names are made valid and unique.
  @Test func controlCharactersAndLongNamesAreHandled() throws {
    var report = Fixtures.report()
    report.title = "bad \u{01}\u{1F} title"
    let files = try parts(try XLSXRenderer().render(report))
    let strings = try #require(files["xl/sharedStrings.xml"])
    #expect(strings.contains("bad  title"))
    #expect(XMLParser(data: Data(strings.utf8)).parse())
    #expect(
      XLSXRenderer().uniqueSheetNames(["a[1]", "A1", String(repeating: "x", count: 40)]) == [
        "a1", "A1_2", String(repeating: "x", count: 31),
      ])
    #expect(
      XLSXRenderer.columnLetters(0) == "A" && XLSXRenderer.columnLetters(25) == "Z"
        && XLSXRenderer.columnLetters(26) == "AA" && XLSXRenderer.columnLetters(701) == "ZZ"
        && XLSXRenderer.columnLetters(702) == "AAA")
  }

  /// The same report gives the same bytes (entries carry a fixed date).
  @Test func workbookIsDeterministic() throws {
    #expect(
      try XLSXRenderer().render(Fixtures.report()) == XLSXRenderer().render(Fixtures.report()))
  }

  /// openpyxl 3.1 opens the workbook without a warning and reads numbers as numbers with their
  /// formats and the frozen header.
  @Test(.enabled(if: Fixtures.pythonHas("openpyxl")))
  func openpyxlOpensTheWorkbook() throws {
    let folder = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("report.xlsx")
    try Data(try XLSXRenderer().render(Fixtures.report())).write(to: file)
    let (status, output) = try Fixtures.run(
      Fixtures.executable("python3")!, [Fixtures.resource("check_xlsx.py").path, file.path])
    try #require(status == 0, "openpyxl: \(output)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    #expect(json["sheets"] as? [String] == ["Cover", "Notes", "Table_1", "Data"])
    let content = try #require(json["content"] as? [String: [String: Any]])
    let table = try #require(content["Table_1"])
    #expect(table["frozen"] as? String == "A4")
    let cells = try #require(table["cells"] as? [[Any]])
    func cell(_ ref: String) -> [Any]? { cells.first { $0[0] as? String == ref } }
    #expect(cell("A1")?[1] as? String == "Rates by ethnic group")
    #expect(cell("D4")?[1] as? Double == 123.5)
    #expect(cell("D4")?[2] as? String == "float")
    #expect(cell("D4")?[3] as? String == "#,##0.0")
    #expect(cell("B4")?[1] as? Int == 1234)
    #expect(cell("B4")?[3] as? String == "#,##0")
    #expect(cell("G4")?[1] as? Double == 3.2 && cell("G4")?[3] as? String == "#,##0.00")
    #expect(cell("A5")?[1] as? String == Fixtures.hostile)
    #expect(cell("B5")?[1] as? String == "[c]")
    #expect(cell("A6")?[1] as? String == "=HYPERLINK(\"http://evil\")")
    #expect(cell("A6")?[2] as? String == "str")
  }

  /// LibreOffice Calc converts every sheet to CSV (so it opened the file, and did not need a
  /// repair to read it) and shows the rounded numbers with their formats.
  @Test(.enabled(if: Fixtures.executable("soffice") != nil))
  func libreOfficeOpensTheWorkbook() throws {
    let folder = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("report.xlsx")
    try Data(try XLSXRenderer().render(Fixtures.report())).write(to: file)
    let profile = folder.appendingPathComponent("profile")
    // Filter options: comma, double quote, UTF-8, first line 1, no column formats, language
    // default, quoted text, detect numbers, save as shown, no formulas, no BOM, all sheets (-1).
    let (status, output) = try Fixtures.run(
      Fixtures.executable("soffice")!,
      [
        "-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
        "--outdir", folder.path, file.path,
      ])
    try #require(status == 0, "soffice: \(output)")
    let table = try String(
      contentsOf: folder.appendingPathComponent("report-Table_1.csv"), encoding: .utf8)
    #expect(
      table.contains(
        "Black African,\"1,234\",\"1,000,000\",123.5,116.6,130.5,3.20,2.90,3.60,higher"))
    #expect(table.contains(Fixtures.hostile))
    let cover = try String(
      contentsOf: folder.appendingPathComponent("report-Cover.csv"), encoding: .utf8)
    #expect(cover.contains("Key findings"))
  }
}
