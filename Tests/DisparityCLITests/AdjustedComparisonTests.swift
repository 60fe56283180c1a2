import Foundation
import Testing

/// `disparity analyse --adjust`: adjusted rate ratios from a Poisson regression agree with R's glm.
@Suite("Adjusted rate ratios (analyse --adjust) against R glm")
struct AdjustedComparisonTests {
  /// Expected: Resources/adjust/glm_expected.txt, from R 4.2.2's glm on the same cells
  /// (Resources/adjust/glm_reference.R). Ratios to 1e-8 relative; R stops IRLS at the same rule.
  @Test func adjustedRatiosMatchRsGlm() throws {
    let folder = try #require(
      Bundle.module.url(forResource: "adjust", withExtension: nil, subdirectory: "Resources"))
    let expected = try String(
      contentsOf: folder.appendingPathComponent("glm_expected.txt"), encoding: .utf8
    ).split(separator: "\n").filter { !$0.hasPrefix("R version") }.map {
      $0.split(separator: " ").map(String.init)
    }
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let run = try CLI.run([
      "analyse", folder.appendingPathComponent("input.csv").path, "--group", "ethnicity",
      "--numerator", "events", "--denominator", "population", "--age", "age", "--reference", "A",
      "--adjust", "age,sex", "--no-suppress", "--format", "md", "--output", dir.url.path,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let report = try String(contentsOfFile: dir.path("report.md"), encoding: .utf8)
    #expect(report.contains("adjusted for age band, sex"))
    // The machine-readable numbers: run again through the library-level CSV of that table.
    let csvRun = try CLI.run([
      "analyse", folder.appendingPathComponent("input.csv").path, "--group", "ethnicity",
      "--numerator", "events", "--denominator", "population", "--age", "age", "--reference", "A",
      "--adjust", "age,sex", "--no-suppress", "--table", "adjusted", "--format", "csv",
      "--output", "-",
    ])
    #expect(csvRun.status == 0, "\(csvRun.stderr)")
    let rows = parseTidyCSV(csvRun.stdout)
    #expect(rows.count == 4)
    for line in expected {
      let row = try #require(rows.first { $0["group_code"] == line[0] }, "group \(line[0])")
      for (column, value) in zip(
        ["adjusted_ratio", "adjusted_ratio_lower", "adjusted_ratio_upper"], line.dropFirst())
      {
        let ours = try #require(Double(row[column] ?? ""))
        let theirs = try #require(Double(value))
        #expect(abs(ours - theirs) <= 1e-8 * theirs, "\(line[0]) \(column): \(ours) vs \(theirs)")
      }
      #expect(row["aliased"] == "false")
    }
  }

  /// Proportions are modelled by logistic regression: adjusted odds ratios. Expected values from
  /// R 4.2.2: glm(cbind(screened, eligible - screened) ~ ethnicity + sex, family = binomial) on
  /// the same six rows, exp(b) and exp(b ± qnorm(0.975)·se).
  @Test func proportionsGiveAdjustedOddsRatiosAsRsLogisticGlm() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let path = try dir.write(
      "screening.csv",
      """
      ethnicity,sex,screened,eligible
      A,F,800,1000
      A,M,700,1000
      H,F,300,400
      H,M,250,400
      N,F,150,300
      N,M,120,300

      """)
    let run = try CLI.run([
      "analyse", path, "--group", "ethnicity", "--numerator", "screened", "--denominator",
      "eligible", "--measure", "proportion", "--reference", "A", "--adjust", "sex", "--table",
      "adjusted", "--format", "csv", "--output", "-", "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = parseTidyCSV(run.stdout)
    let expected: [(String, Double, Double, Double)] = [
      ("H", 0.73022903607761458, 0.60883217135319334, 0.8758315841715012),
      ("N", 0.26719549782411567, 0.22054285792322781, 0.32371682642441069),
    ]
    for (code, ratio, lower, upper) in expected {
      let row = try #require(rows.first { $0["group_code"] == code })
      for (column, value) in [
        ("adjusted_ratio", ratio), ("adjusted_ratio_lower", lower), ("adjusted_ratio_upper", upper),
      ] {
        let ours = try #require(Double(row[column] ?? ""))
        #expect(abs(ours - value) <= 1e-9 * value, "\(code) \(column)")
      }
    }
  }
}
