import Foundation
import Testing

/// `analyse --measure mean`: means with Student t intervals, differences with Welch's interval.
@Suite("Means by group")
struct MeanMeasureTests {
  /// Lengths of stay: White British 3,5,4,6,2,7,5,4; Indian 6,8,7,9,5,6,8,7,10. Expected values
  /// from scipy 1.17.1: `stats.t.interval(0.95, 7, loc=4.5, scale=stats.sem(a))` =
  /// (3.1593840613228426, 5.840615938677157); `stats.ttest_ind(h, a, equal_var=False)
  /// .confidence_interval(0.95)` = (1.1805979049895345, 4.4860687616771315), difference
  /// 2.833333333333333.
  @Test func meansAndWelchDifferencesMatchScipy() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let a = [3, 5, 4, 6, 2, 7, 5, 4]
    let h = [6, 8, 7, 9, 5, 6, 8, 7, 10]
    let text =
      "ethnicity,los\n" + a.map { "A,\($0)\n" }.joined() + h.map { "H,\($0)\n" }.joined()
    let path = try dir.write("los.csv", text)
    let run = try CLI.run([
      "analyse", path, "--measure", "mean", "--numerator", "los", "--reference", "A",
      "--no-suppress", "--format", "csv", "--output", "-", "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = parseTidyCSV(run.stdout)
    let white = try #require(rows.first { $0["group_code"] == "A" })
    let indian = try #require(rows.first { $0["group_code"] == "H" })
    func near(_ text: String?, _ value: Double) -> Bool {
      guard let x = text.flatMap(Double.init) else { return false }
      return abs(x - value) <= 1e-12 * max(1, abs(value))
    }
    #expect(near(white["mean"], 4.5))
    #expect(near(white["mean_lower"], 3.1593840613228426))
    #expect(near(white["mean_upper"], 5.840615938677157))
    #expect(white["events"] == "8")
    #expect(near(indian["difference"], 2.833333333333333))
    #expect(near(indian["difference_lower"], 1.1805979049895345))
    #expect(near(indian["difference_upper"], 4.4860687616771315))
    #expect(indian["significance"] == "higher")
  }

  /// Means take no denominators or age standardisation: a usage error says so.
  @Test func meansRefuseRateOptions() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let path = try dir.write("los.csv", "ethnicity,los,age\nA,3,40\nA,4,50\n")
    let run = try CLI.run([
      "analyse", path, "--measure", "mean", "--numerator", "los", "--age", "age",
    ])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--measure mean"))
  }
}
