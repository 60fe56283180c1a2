import Foundation
import Testing

/// `analyse --event-frequency`: DSRs for people with repeat events (PHE 2.1
/// `independent_events = FALSE`) through the whole command.
@Suite("Non-independent events through analyse")
struct EventFrequencyTests {
  /// Expected: Resources/eventfrequency/expected.csv (the scipy PHEindicatormethods oracle), to
  /// 1e-9 relative, at 95% and 99.8%.
  @Test func repeatEventDSRsMatchThePHEOracle() throws {
    let folder = try #require(
      Bundle.module.url(
        forResource: "eventfrequency", withExtension: nil, subdirectory: "Resources"))
    let run = try CLI.run([
      "analyse", folder.appendingPathComponent("input.csv").path, "--group", "case",
      "--scheme", "raw", "--age", "age", "--numerator", "events", "--denominator", "population",
      "--event-frequency", "eventfreq", "--confidence", "0.95,0.998", "--reference", "none",
      "--no-suppress", "--format", "csv", "--output", "-",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = parseTidyCSV(run.stdout)
    let expected = parseTidyCSV(
      try String(contentsOf: folder.appendingPathComponent("expected.csv"), encoding: .utf8))
    #expect(rows.count == expected.count)
    func close(_ a: String?, _ b: String?) -> Bool {
      guard let a = a.flatMap(Double.init), let b = b.flatMap(Double.init) else { return false }
      return abs(a - b) <= 1e-9 * abs(b)
    }
    for e in expected {
      let row = try #require(rows.first { $0["group"] == e["case"] })
      #expect(close(row["asr"], e["value"]), "case \(e["case"]!)")
      #expect(close(row["asr_lower_95"], e["lower95"]), "case \(e["case"]!)")
      #expect(close(row["asr_upper_95"], e["upper95"]), "case \(e["case"]!)")
      #expect(close(row["asr_lower_99.8"], e["lower998"]), "case \(e["case"]!)")
      #expect(close(row["asr_upper_99.8"], e["upper998"]), "case \(e["case"]!)")
      // PHE suppresses below 10 events; we compute and flag.
      #expect((row["flag"] ?? "").contains("fewer than 10 events") == (e["phe_suppressed"] == "1"))
    }
  }

  /// The population repeated on each frequency row is counted once, and rows that disagree are
  /// refused rather than added up.
  @Test func frequencyRowsMustAgreeOnThePopulation() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let path = try dir.write(
      "bad.csv",
      "group,age,f,events,population\nCases,0-4,1,5,1000\nCases,0-4,2,4,999\n")
    let run = try CLI.run([
      "analyse", path, "--scheme", "raw", "--group", "group", "--age", "age", "--numerator",
      "events", "--denominator", "population", "--event-frequency", "f", "--standard",
      try dir.write("std.csv", "age_band,population\n0-4,100\n"), "--format", "csv", "--output",
      "-",
    ])
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stderr.contains("same on every frequency row"))
  }
}
