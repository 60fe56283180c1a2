import Foundation
import Testing

/// Proportions compared with the reference group through `analyse --measure proportion`.
@Suite("Risk and odds ratios through analyse")
struct ProportionComparisonTests {
  /// Selvin (1998, p.289): coronary heart disease in 1,589 type A and 1,565 type B men (178 and 79
  /// cases). Expected: epitools 0.5-10.1 `riskratio`/`oddsratio` (Wald), from
  /// shared/reference/riskratio_oddsratio_expected.csv: Katz risk ratio 2.21913312249564
  /// (1.71859864413882, 2.86544611922751); Woolf odds ratio 2.37292879634697 (1.80277154633301,
  /// 3.12340800141103).
  @Test func riskAndOddsRatiosMatchEpitools() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let path = try dir.write(
      "chd.csv", "behaviour,chd,men\nTypeA,178,1589\nTypeB,79,1565\n")
    let run = try CLI.run([
      "analyse", path, "--group", "behaviour", "--scheme", "raw", "--numerator", "chd",
      "--denominator", "men", "--measure", "proportion", "--reference", "TypeB", "--format",
      "csv", "--output", "-", "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let row = try #require(parseTidyCSV(run.stdout).first { $0["group"] == "TypeA" })
    func value(_ column: String) -> Double { Double(row[column] ?? "") ?? .nan }
    let expected: [(String, Double)] = [
      ("ratio", 2.21913312249564), ("ratio_lower", 1.71859864413882),
      ("ratio_upper", 2.86544611922751), ("odds_ratio", 2.37292879634697),
      ("odds_ratio_lower", 1.80277154633301), ("odds_ratio_upper", 3.12340800141103),
    ]
    for (column, e) in expected {
      #expect(abs(value(column) - e) <= 1e-9 * e, "\(column): \(value(column)) vs \(e)")
    }
    #expect(row["significance"] == "higher")
  }
}
