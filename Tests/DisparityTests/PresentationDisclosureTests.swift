import Foundation
import Testing

@testable import Disparity

/// An attacker who reads the published tidy table and knows the rule, trying to recover a
/// withheld count exactly. What they can use:
/// - a withheld group's published rate × its population (rates × population);
/// - a published ratio and rate of any group, which give the reference's rate, hence a withheld
///   reference's events (differences work the same way);
/// - the stratum's total, when the tables reveal it (a total row, a comparison with all groups
///   together, or expected counts that add up to the observed total): total minus the published
///   counts is the sum of the withheld ones, each at least 1 (zero is shown). Every split of that
///   sum over the withheld cells is enumerated; a cell with only one possible value is recovered.
struct Attacker {
  var table: ResultTable
  var total: Double?

  func cell(_ row: [ResultTable.Cell], _ name: String) -> Double? {
    guard let i = table.columnIndex(name), case .number(let x) = row[i] else { return nil }
    return x
  }

  func withheld(_ row: [ResultTable.Cell], _ name: String) -> Bool {
    guard let i = table.columnIndex(name) else { return false }
    return row[i].gssSymbol == .confidential
  }

  /// The withheld counts recovered, by group.
  func recovered() -> [String: Double] {
    var found: [String: Double] = [:]
    let groupColumn = table.columnIndex("group")!
    func label(_ row: [ResultTable.Cell]) -> String {
      if case .text(let s) = row[groupColumn] { return s }
      return ""
    }
    for row in table.rows where withheld(row, "events") {
      if let rate = cell(row, "crude_rate"), let population = cell(row, "population") {
        found[label(row)] = (rate * population / PresentationFixtures.multiplier).rounded()
      }
    }
    let flagColumn = table.columnIndex("flag")!
    if let reference = table.rows.first(where: {
      if case .text(let f) = $0[flagColumn] { return f.contains("reference group") }
      return false
    }), withheld(reference, "events"), let population = cell(reference, "population") {
      for row in table.rows {
        if let ratio = cell(row, "ratio"), let rate = cell(row, "crude_rate"), ratio > 0 {
          found[label(reference)] = (rate / ratio * population / PresentationFixtures.multiplier)
            .rounded()
        }
      }
    }
    if let total {
      let hidden = table.rows.filter { withheld($0, "events") }
      let published = table.rows.compactMap { cell($0, "events") }.reduce(0, +)
      let residual = Int((total - published).rounded())
      var possible = Array(repeating: Set<Int>(), count: hidden.count)
      func split(_ i: Int, _ left: Int, _ chosen: [Int]) {
        if i == hidden.count - 1 {
          guard left >= 1 else { return }
          for (j, v) in (chosen + [left]).enumerated() { possible[j].insert(v) }
          return
        }
        guard left >= 1 else { return }
        for v in 1...max(1, left) { split(i + 1, left - v, chosen + [v]) }
      }
      if !hidden.isEmpty && residual >= hidden.count { split(0, residual, []) }
      for (j, row) in hidden.enumerated() where possible[j].count == 1 {
        found[label(row)] = Double(possible[j].first!)
      }
    }
    return found
  }
}

@Suite("Disclosure control")
struct PresentationDisclosureTests {
  typealias F = PresentationFixtures

  func publish(_ results: [GroupResult]) -> ResultTable {
    TidyTableBuilder(byColumns: [], levels: [.ninetyFive], proportions: false, indirect: false)
      .build(results)
  }

  /// The overall reference: any group's ratio gives the overall rate, so the total; with one
  /// group withheld, total minus the rest recovers it. Primary suppression alone leaks; the rule
  /// withholds a second group (the smallest published count) and nothing can be recovered.
  @Test func overallReferenceNeedsASecondSuppression() {
    let groups = F.compare(
      [
        F.group("White - British", events: 500, population: 100_000),
        F.group("Asian or Asian British - Indian", events: 120, population: 20_000),
        F.group("Other Ethnic Groups - Chinese", events: 3, population: 5_000),
      ], reference: nil)
    let total = 623.0
    let primaryOnly = DisclosureControl(threshold: 7, comparisonsEmbedTotals: false).apply(
      to: groups)
    #expect(
      Attacker(table: publish(primaryOnly), total: total).recovered() == [
        "Other Ethnic Groups - Chinese": 3
      ])

    let controlled = DisclosureControl(threshold: 7, comparisonsEmbedTotals: true).apply(to: groups)
    #expect(controlled.map(\.suppressed) == [false, true, true])
    #expect(Attacker(table: publish(controlled), total: total).recovered().isEmpty)
    // Both withheld groups carry the same flag: primary and secondary cannot be told apart.
    #expect(controlled[1].flags == [DisclosureControl.flag])
    #expect(controlled[2].flags == [DisclosureControl.flag])
  }

  /// A published total row with two groups of 1 event: the withheld sum is 2 over two cells,
  /// so each must be 1. The rule withholds a third group.
  @Test func totalRowWithAllOnesNeedsAThirdSuppression() {
    let groups = [
      F.group("White - British", events: 400, population: 100_000),
      F.group("Mixed - White and Asian", events: 1, population: 2_000),
      F.group("Black or Black British - Caribbean", events: 1, population: 3_000),
      F.group("Asian or Asian British - Pakistani", events: 40, population: 9_000),
    ]
    let total = 442.0
    let primaryOnly = DisclosureControl(threshold: 7).apply(to: groups)
    #expect(Attacker(table: publish(primaryOnly), total: total).recovered().count == 2)

    let controlled = DisclosureControl(threshold: 7, publishesStratumTotals: true).apply(to: groups)
    #expect(controlled.map(\.suppressed) == [false, true, true, true])
    #expect(Attacker(table: publish(controlled), total: total).recovered().isEmpty)
  }

  /// A withheld reference group: every published ratio and rate gives the reference's rate and
  /// so its events. The rule withholds every comparison in the stratum.
  @Test func withheldReferenceWithholdsEveryComparison() {
    let groups = F.compare(
      [
        F.group("White - British", events: 6, population: 100_000),
        F.group("Asian or Asian British - Indian", events: 30, population: 20_000),
        F.group("Black or Black British - African", events: 45, population: 15_000),
      ], reference: "White - British")
    var primaryOnly = groups
    primaryOnly[0].suppressed = true
    #expect(Attacker(table: publish(primaryOnly), total: nil).recovered() == ["White - British": 6])

    let controlled = DisclosureControl(threshold: 7).apply(to: groups)
    #expect(controlled[0].suppressed)
    #expect(controlled[1].comparisonSuppressed && controlled[2].comparisonSuppressed)
    #expect(controlled[1].significance.isEmpty)
    let table = publish(controlled)
    #expect(Attacker(table: table, total: nil).recovered().isEmpty)
    // The groups' own rates stay published: only the comparisons go.
    let rate = table.columnIndex("crude_rate")!
    #expect(table.rows[1][rate] == .number(150))
  }

  /// Indirect standardisation against the data's own rates: the expected counts add up to the
  /// observed total. The rule withholds a second group.
  @Test func expectedCountsThatAddUpToTheTotalNeedASecondSuppression() {
    var groups = [
      F.group("White - British", events: 300, population: 60_000),
      F.group("Asian or Asian British - Indian", events: 50, population: 10_000),
      F.group("Asian or Asian British - Bangladeshi", events: 2, population: 1_000),
    ]
    // Expected counts from pooled rates: they sum to the observed total, 352.
    let pooled = 352.0 / 71_000
    for i in groups.indices { groups[i].expected = groups[i].population! * pooled }
    let rule = DisclosureControl(threshold: 7, expectedEmbedsTotals: true)
    let controlled = rule.apply(to: groups)
    #expect(controlled.map(\.suppressed) == [false, true, true])
    let total = controlled.compactMap(\.expected).reduce(0, +)
    #expect(abs(total - 352) < 1e-9)
    #expect(Attacker(table: publish(controlled), total: total).recovered().isEmpty)
    let primaryOnly = DisclosureControl(threshold: 7).apply(to: groups)
    #expect(
      Attacker(table: publish(primaryOnly), total: total).recovered() == [
        "Asian or Asian British - Bangladeshi": 2
      ])
  }

  /// Nothing left to withhold (the only other groups have no events): the total itself is
  /// withheld, so every comparison with all groups together goes.
  @Test func withNothingLeftToWithholdTheComparisonsGo() {
    let groups = F.compare(
      [
        F.group("White - British", events: 0, population: 100_000),
        F.group("White - Irish", events: 4, population: 5_000),
        F.group("Mixed - White and Asian", events: 0, population: 2_000),
      ], reference: nil)
    let controlled = DisclosureControl(threshold: 7, comparisonsEmbedTotals: true).apply(to: groups)
    #expect(controlled.map(\.suppressed) == [false, true, false])
    #expect(controlled[0].comparisonSuppressed && controlled[2].comparisonSuppressed)
    #expect(Attacker(table: publish(controlled), total: nil).recovered().isEmpty)
  }

  /// Where no total can be worked out, primary suppression is enough and nothing more is
  /// withheld; zero is shown; the threshold is the user's.
  @Test func withoutDerivableTotalsOnlySmallCountsGo() {
    let groups = F.compare(
      [
        F.group("White - British", events: 500, population: 100_000),
        F.group("Asian or Asian British - Indian", events: 7, population: 20_000),
        F.group("Asian or Asian British - Pakistani", events: 8, population: 20_000),
        F.group("Other Ethnic Groups - Chinese", events: 0, population: 5_000),
      ], reference: "White - British")
    let controlled = DisclosureControl(threshold: 7).apply(to: groups)
    #expect(controlled.map(\.suppressed) == [false, true, false, false])
    #expect(!controlled.contains { $0.comparisonSuppressed })
    // "fewer than 10 events" would bound the withheld count more tightly: it is removed.
    #expect(!controlled[1].flags.contains("fewer than 10 events"))
    #expect(controlled[2].flags.contains("fewer than 10 events"))
    let ten = DisclosureControl(threshold: 10).apply(to: groups)
    #expect(ten.map(\.suppressed) == [false, true, true, false])
    let none = DisclosureControl(threshold: 0).apply(to: groups)
    #expect(!none.contains { $0.suppressed })
  }

  /// Applying the rule twice changes nothing more (the presentation builder re-applies it).
  @Test func applyingTwiceIsTheSameAsOnce() {
    let groups = F.compare(
      [
        F.group("White - British", events: 500, population: 100_000),
        F.group("Asian or Asian British - Indian", events: 120, population: 20_000),
        F.group("Other Ethnic Groups - Chinese", events: 3, population: 5_000),
      ], reference: nil)
    let rule = DisclosureControl(threshold: 7, comparisonsEmbedTotals: true)
    let once = rule.apply(to: groups)
    #expect(rule.apply(to: once) == once)
  }

  /// Strata are controlled separately: a small count in one stratum withholds nothing in another.
  @Test func strataAreControlledSeparately() {
    let groups =
      F.compare(
        [
          F.group("White - British", events: 200, population: 50_000, by: ["Female"]),
          F.group("White - Irish", events: 2, population: 1_000, by: ["Female"]),
          F.group("Mixed - White and Asian", events: 30, population: 2_000, by: ["Female"]),
        ], reference: nil)
      + F.compare(
        [
          F.group("White - British", events: 210, population: 50_000, by: ["Male"]),
          F.group("White - Irish", events: 20, population: 1_000, by: ["Male"]),
          F.group("Mixed - White and Asian", events: 30, population: 2_000, by: ["Male"]),
        ], reference: nil)
    let controlled = DisclosureControl(threshold: 7, comparisonsEmbedTotals: true).apply(to: groups)
    #expect(controlled.map(\.suppressed) == [false, true, true, false, false, false])
  }

  /// The rule for an analysis follows its reference and indirect settings.
  @Test func ruleFollowsTheSpecification() {
    var spec = AnalysisSpecification(inputs: ["x.csv"])
    spec.suppressThreshold = 5
    spec.reference = .overall
    let a = DisclosureControl(specification: spec)
    #expect(a.threshold == 5 && a.comparisonsEmbedTotals && !a.expectedEmbedsTotals)
    spec.reference = .largest
    spec.indirect = true
    let b = DisclosureControl(specification: spec)
    #expect(!b.comparisonsEmbedTotals && b.expectedEmbedsTotals)
    spec.referenceRates = "rates.csv"
    #expect(!DisclosureControl(specification: spec).totalsDerivable)
  }
}
