import Foundation
import Testing

@testable import DisparityReport

@Suite("Report writer")
struct ReportWriterTests {
  /// `--format md,html,csv,json,xlsx --output DIR` writes the five files, each starting as its
  /// format should, and leaves no temporary file behind.
  @Test func writesAllFiveFormats() throws {
    let folder = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let formats = try OutputFormat.parseList("md,html,csv,json,xlsx")
    #expect(formats == [.md, .html, .csv, .json, .xlsx])
    try ReportWriter(formats: formats, destination: folder.path).write(Fixtures.report())
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names == ["report.csv", "report.html", "report.json", "report.md", "report.xlsx"])
    let read = { (name: String) in try Data(contentsOf: folder.appendingPathComponent(name)) }
    #expect(try read("report.xlsx").prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))  // "PK\3\4"
    #expect(String(decoding: try read("report.html"), as: UTF8.self).hasPrefix("<!DOCTYPE html>"))
    #expect(
      String(decoding: try read("report.json"), as: UTF8.self).hasPrefix(
        "{\n  \"schema\": \"disparity-report\""))
    #expect(
      String(decoding: try read("report.md"), as: UTF8.self).hasPrefix("# Deaths by ethnic group"))
    #expect(String(decoding: try read("report.csv"), as: UTF8.self).hasPrefix("group,events,"))
  }

  /// A format that cannot be written leaves none of the others behind (all or nothing).
  @Test func failureLeavesNoFiles() throws {
    let folder = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A folder where report.json should go makes that rename fail after the others are staged.
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("report.json"), withIntermediateDirectories: false)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("report.json/x"), withIntermediateDirectories: false)
    #expect(throws: OutputError.self) {
      try ReportWriter(formats: [.md, .html, .json, .xlsx], destination: folder.path).write(
        Fixtures.report())
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(left == ["report.json"])
  }

  /// Unknown formats name the formats on offer.
  @Test func unknownFormatListsTheChoices() {
    #expect(
      throws: ReportError.unknownFormat("pdf", available: ["csv", "md", "html", "json", "xlsx"])
    ) {
      try OutputFormat.parseList("html,pdf")
    }
  }
}
