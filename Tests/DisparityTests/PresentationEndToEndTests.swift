import DisparityReport
import Foundation
import Testing

@testable import Disparity

/// The whole flow on the synthetic record-level admissions in `datasets/synthetic` (generated,
/// no real people): analysis, policy report, all five formats.
@Suite("Presentation report end to end")
struct PresentationEndToEndTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  func analyse(by: [String] = []) throws -> (Report, AnalysisResult) {
    let data = Self.repository.appendingPathComponent("datasets/synthetic")
    var spec = AnalysisSpecification(inputs: [data.appendingPathComponent("admissions.csv").path])
    spec.populationFile = data.appendingPathComponent("population.csv").path
    spec.age = "age"
    spec.by = by
    spec.title = "Hospital admissions by ethnic group (synthetic data)"
    spec.reference = .group("A")
    let result = try Analysis(specification: spec).run()
    // Analysis.run() builds the presentation report itself; only the command is added here,
    // as the CLI does.
    var report = result.report
    report.provenance.command = "disparity analyse admissions.csv"
    return (report, result)
  }

  @Test func syntheticAnalysisWritesEveryFormat() throws {
    let (report, _) = try analyse()
    #expect(
      report.keyFindings.first?.hasPrefix(
        "Compared with the White British group, age-standardised rates were") == true)
    #expect(report.provenance.inputs.count == 2)
    #expect(report.provenance.inputs.allSatisfy { $0.sha256?.count == 64 })
    #expect(
      report.footnotes.first?.hasPrefix("Ethnicity was unknown (not stated or not known) for ")
        == true)
    // No count per group in the data-quality lines of the published report.
    #expect(!report.dataQuality.contains { $0.contains("rows") })
    let folder: URL
    if let preview = ProcessInfo.processInfo.environment["DISPARITY_REPORT_PREVIEW"] {
      folder = URL(fileURLWithPath: preview)
    } else {
      folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    }
    defer {
      if ProcessInfo.processInfo.environment["DISPARITY_REPORT_PREVIEW"] == nil {
        try? FileManager.default.removeItem(at: folder)
      }
    }
    try ReportWriter(formats: OutputFormat.allCases, destination: folder.path).write(report)
    let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("<svg"))
    #expect(html.contains("White British"))
    #expect(!html.contains("BAME"))
  }

  @Test func stratifiedReportHasChartsPerStratum() throws {
    let (report, _) = try analyse(by: ["sex"])
    #expect(report.charts.count == 4)
    #expect(report.tables[0].columns[0].heading == "sex")
  }

  /// By region and sex the synthetic data has small counts: no count from 1 to 7 is shown in
  /// the policy table or the tidy table, and charts stop at six strata.
  @Test func smallCountsNeverAppearInTheReport() throws {
    let (report, result) = try analyse(by: ["region", "sex"])
    #expect(result.groups.contains { $0.events >= 1 && $0.events <= 7 })
    for table in report.tables {
      let events = try #require(table.columnIndex("events"))
      for row in table.rows {
        if case .number(let n) = row[events] { #expect(n == 0 || n > 7) }
      }
    }
    #expect(report.tables[0].rows.contains { $0[3] == .symbol(.confidential) })
    #expect(report.charts.count == 12)
    if let preview = ProcessInfo.processInfo.environment["DISPARITY_REPORT_PREVIEW"] {
      try ReportWriter(formats: [.html, .md], destination: preview, baseName: "stratified").write(
        report)
    }
  }
}
