import Foundation
import Testing

/// `disparity analyse` against an independent oracle: every printed number of the tidy CSV, for
/// the synthetic record-level admissions (full and a small variant with 0–9 events and empty age
/// bands) and the New Zealand vaccination data (rates and proportions), by stratum, at one and two
/// confidence levels, Dobson and Fay–Feuer, against a named, the largest and the overall group.
///
/// Expected tables: `Resources/pipeline/oracle.py` (Python 3.11, numpy, scipy 1.x), written from
/// METHODS.md and not from the Swift sources; see `Resources/pipeline/README.md`.
@Suite("Independent agreement of disparity analyse")
struct IndependentAgreementTests {
  @Test(
    "Every printed number agrees with the independent oracle to 1e-9", arguments: OracleScenario.all
  )
  func printedNumbersAgreeWithOracle(_ scenario: OracleScenario) throws {
    let expected = try scenario.expected()
    let run = try CLI.run(try scenario.arguments())
    #expect(run.status == 0, "\(run.stderr)")
    let got = CSVText(run.stdout)

    // The columns of ARCHITECTURE.md in its order: the oracle's, then `flag`.
    let expectedColumns = expected.header.filter { $0 != "expected_flags" }
    #expect(got.header == expectedColumns + ["flag"])

    // One row per group per stratum, matched on the --by values and the group code.
    let keyColumns = Array(expectedColumns.prefix { $0 != "group" }) + ["group_code"]
    func key(_ row: [String: String]) -> [String] { keyColumns.map { row[$0] ?? "" } }
    #expect(
      got.rows.map(key).sorted { $0.lexicographicallyPrecedes($1) }
        == expected.rows.map(key).sorted { $0.lexicographicallyPrecedes($1) })
    let byKey = Dictionary(got.rows.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })

    for want in expected.rows {
      guard let row = byKey[key(want)] else { continue }
      for column in expectedColumns {
        let g = row[column] ?? "<missing>"
        let w = want[column] ?? ""
        #expect(
          numbersAgree(g, w), "\(scenario.name) \(key(want)) \(column): printed \(g), oracle \(w)")
      }
      // Flags: each of the oracle's reasons appears; no flag where the oracle expects none.
      let flag = row["flag"] ?? ""
      let reasons = (want["expected_flags"] ?? "").split(separator: ";").map(String.init)
      for reason in reasons {
        #expect(
          flag.contains(reason), "\(scenario.name) \(key(want)) flag \"\(flag)\" lacks \(reason)")
      }
      if reasons.isEmpty {
        #expect(flag.isEmpty, "\(scenario.name) \(key(want)): unexpected flag \"\(flag)\"")
      }
    }
  }

  @Test("The oracle covers the scenarios the brief asks for")
  func scenarioListIsComplete() {
    let names = Set(OracleScenario.all.map(\.name))
    for name in [
      "synthetic-full-dsr", "synthetic-full-dsr-by-sex", "synthetic-full-dsr-two-levels",
      "synthetic-full-dsr-fay-feuer", "synthetic-small-dsr-fay-feuer-two-levels-by-sex",
      "synthetic-small-crude-by-region-two-levels", "synthetic-small-dsr-overall",
      "nz-rate", "nz-rate-by-gender-two-levels", "nz-female-proportion",
      "nz-female-proportion-two-levels", "nz-rate-by-gender-largest",
    ] {
      #expect(names.contains(name), "missing scenario \(name)")
    }
  }
}
