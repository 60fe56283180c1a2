import Foundation

@testable import DisparityReport

/// A report with every kind of cell, hostile labels and a chart, for the renderer tests.
enum Fixtures {
  static let hostile = "<script>alert('x')</script>"

  static func policyTable() -> ResultTable {
    var t = ResultTable(
      name: "rates_by_ethnic_group",
      columns: [
        .init("ethnicity", .text, title: "Ethnicity"),
        .init("events", .count, title: "Events"),
        .init("population", .count, title: "Population"),
        .init("rate", .estimate, title: "Rate per 100,000 (95% CI)", decimals: 1),
        .init("ratio", .estimate, title: "Ratio to the White British group (95% CI)", decimals: 2),
        .init("compared", .text, title: "Compared with the White British group"),
        .init("notes", .text, title: "Notes"),
      ],
      title: "Rates by ethnic group", role: .presentation,
      footnotes: ["CI: 95% confidence interval."])
    t.append([
      .text("Black African"), .number(1234), .number(1_000_000),
      .estimate(.init(value: 123.4567, lower: 116.6, upper: 130.5)),
      .estimate(.init(value: 3.2049, lower: 2.9, upper: 3.6)), .text("higher"), .empty,
    ])
    t.append([
      .text(hostile), .symbol(.confidential), .number(5000), .symbol(.confidential),
      .symbol(.confidential), .symbol(.confidential),
      .text("[c] withheld to protect confidentiality"),
    ])
    t.append([
      .text("=HYPERLINK(\"http://evil\")"), .number(9), .number(20000),
      .estimate(.init(value: 45, lower: 20.6, upper: 85.4, marker: .lowReliability)),
      .estimate(.init(value: 1.1, lower: 0.5, upper: 2.1, marker: .lowReliability)),
      .text("similar"), .text("[u] fewer than 10 events"),
    ])
    t.append([
      .text("White British"), .number(41234), .number(40_000_000),
      .estimate(.init(value: 103.085, lower: 102.09, upper: 104.08)), .symbol(.notApplicable),
      .text("Reference group"), .text("reference group"),
    ])
    return t
  }

  static func tidyTable() -> ResultTable {
    var t = ResultTable(
      name: "results",
      columns: [
        .init("group", .text), .init("events", .count), .init("population", .count),
        .init("crude_rate", .number), .init("ratio", .number), .init("flag", .text),
      ])
    t.append([
      .text("Black African"), .number(1234), .number(1_000_000), .number(123.4567),
      .number(1.0 / 3.0), .empty,
    ])
    t.append([
      .text(hostile), .text("[c]"), .number(5000), .text("[c]"), .text("[c]"),
      .text("[c] withheld"),
    ])
    t.append([.text("-1+2"), .number(-3), .number(20000), .number(-0.25), .value(.nan), .empty])
    return t
  }

  static func chart() -> IntervalChart {
    IntervalChart(
      title: "Ratio to the White British group", summary: "Forest plot \(hostile).",
      axisLabel: "Ratio (log scale)", scale: .logarithmic, referenceValue: 1,
      referenceLabel: "1 = same rate",
      rows: [
        .init(
          label: "Black African", value: 3.2, lower: 2.9, upper: 3.6, text: "3.20 (2.90 to 3.60)",
          comparison: .higher),
        .init(
          label: hostile, value: nil, lower: nil, upper: nil, text: "[c]", symbol: .confidential),
        .init(
          label: "Chinese", value: 0.45, lower: 0.3, upper: 0.68, text: "0.45 (0.30 to 0.68)",
          comparison: .lower),
        .init(
          label: "White British", value: 1, lower: nil, upper: nil, text: "1 (reference)",
          comparison: .reference),
      ])
  }

  static func report(controlled: Bool = true) -> Report {
    Report(
      title: "Deaths by ethnic group \(hostile)", tables: [policyTable(), tidyTable()],
      methods: ["Rates per 100,000 & CIs by Byar's method."],
      dataQuality: ["Ethnicity not stated: 4.3% of records."],
      metadata: [(key: "Ethnicity classification", value: "NHS <2001>")],
      subtitle: "England, 2020",
      keyFindings: [
        "Black African: 3.20 times the rate of the White British group (95% CI 2.90 to 3.60)."
      ],
      charts: [chart()], footnotes: ["Counts from 1 to 7 are withheld."],
      provenance: ReportProvenance(
        command: "disparity analyse deaths.csv --format html", version: "disparity 0.1.0",
        inputs: [
          InputFileChecksum(
            path: "deaths.csv", bytes: 3, sha256: String(repeating: "ab", count: 32))
        ]),
      machineOutputsDisclosureControlled: controlled)
  }

  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "disparity-report-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The full path of an executable on PATH, if there is one.
  static func executable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Runs a program and returns its exit status and output (stdout and stderr together).
  static func run(_ program: String, _ arguments: [String], in folder: URL? = nil) throws -> (
    Int32, String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Whether python3 can import a module.
  static func pythonHas(_ module: String) -> Bool {
    guard let python = executable("python3") else { return false }
    return (try? run(python, ["-c", "import \(module)"]).0) == 0
  }

  /// The URL of a file in this target's Resources folder.
  static func resource(_ name: String) -> URL {
    let url = (name as NSString).deletingPathExtension
    let ext = (name as NSString).pathExtension
    return Bundle.module.url(forResource: url, withExtension: ext, subdirectory: "Resources")
      ?? Bundle.module.url(forResource: url, withExtension: ext)!
  }
}
