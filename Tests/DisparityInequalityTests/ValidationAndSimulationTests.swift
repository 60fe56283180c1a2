import DisparityIngest
import Testing

@testable import DisparityInequality

private func group(
  _ name: String, _ estimate: Double, se: Double? = 1, population: Double = 1000,
  order: Int? = nil, reference: Bool = false, events: Double? = nil
) -> InequalityGroup {
  InequalityGroup(
    name: name, estimate: estimate, standardError: se, population: population, order: order,
    isReference: reference, events: events)
}

private let ethnicGroups = [
  group("White", 10, reference: true), group("Black", 14), group("Asian", 12), group("Mixed", 9),
]

@Suite struct ValidationTests {
  @Test func applicabilityRulesFollowHEATsTable() throws {
    // heat_summary_measures_applicability.csv: HEAT-Measures v6.0 HEAT_summary_measures.rda.
    let table = try ReferenceCSV("heat_summary_measures_applicability.csv").rows
    #expect(table.count == InequalityMeasureKind.allCases.count)
    for row in table {
      let kind = try #require(InequalityMeasureKind(rawValue: row["measure_abbr"]!.lowercased()))
      let ordered = row["ordered_dimension"] == "1"
      let nonOrdered = row["non_ordered_dimension"] == "1"
      #expect(kind.needsOrderedDimension == (ordered && !nonOrdered), "\(kind)")
      #expect(kind.needsNonOrderedDimension == (nonOrdered && !ordered), "\(kind)")
      #expect(kind.allowsTwoGroups == (row["two_subgroups"] == "1"), "\(kind)")
    }
  }

  @Test func orderedMeasureOnAnUnorderedDimensionIsRefusedWithTheReason() throws {
    let input = try InequalityInput(
      groups: ethnicGroups, direction: .adverse, scale: 1000, isOrdered: false,
      dimensionName: "ethnicity")
    #expect(
      throws: InequalityError.notApplicable(
        measure: "SII",
        reason:
          "SII needs an ordered dimension such as deprivation quintiles; ethnicity has no natural order"
      )
    ) {
      try Inequality.measures(input, only: [.sii])
    }
    do {
      _ = try Inequality.measures(input, only: [.rci])
      Issue.record("RCI should be refused")
    } catch {
      #expect(error.kind == .usage)
      #expect(error.description.hasPrefix("RCI cannot be computed: RCI needs an ordered dimension"))
    }
  }

  @Test func duplicateGroupsAreADataError() {
    #expect(throws: InequalityError.duplicateGroup(name: "Black", location: nil)) {
      try InequalityInput(
        groups: ethnicGroups + [group("Black", 3)], direction: .adverse, scale: 1000,
        isOrdered: false)
    }
  }

  @Test(arguments: [0.0, -5, .nan])
  func nonPositivePopulationIsADataError(_ population: Double) {
    do {
      _ = try InequalityInput(
        groups: [group("A", 1, population: population), group("B", 2)], direction: .adverse,
        scale: 100, isOrdered: false)
      Issue.record("population \(population) should be refused")
    } catch {
      #expect(error.kind == .data)
      #expect(error.description.contains("group \"A\" has population"))
    }
  }

  @Test func missingStandardErrorNamesTheGroupsAndMeasures() throws {
    let input = try InequalityInput(
      groups: [group("A", 10), group("B", 12, se: nil), group("C", 15)], direction: .adverse,
      scale: 100, isOrdered: false)
    #expect(
      throws: InequalityError.missingStandardError(groups: ["B"], measures: ["BGV", "BGSD"])
    ) {
      try Inequality.measures(input, only: [.bgv, .bgsd, .paf])
    }
    // PAF and PAR need populations, not standard errors.
    let report = try Inequality.measures(input, only: [.paf, .par])
    #expect(report.measures.count == 2)
  }

  @Test func orderedDimensionNeedsAnOrderForEveryGroupAndNoSharedOrders() {
    #expect(throws: InequalityError.missingOrder(group: "Q2", location: nil)) {
      try InequalityInput(
        groups: [group("Q1", 1, order: 1), group("Q2", 2)], direction: .adverse, scale: 100,
        isOrdered: true)
    }
    #expect(throws: InequalityError.duplicateOrder(order: 1, groups: ["Q1", "Q2"])) {
      try InequalityInput(
        groups: [group("Q1", 1, order: 1), group("Q2", 2, order: 1)], direction: .adverse,
        scale: 100, isOrdered: true)
    }
  }

  @Test func moreThanOneReferenceGroupIsADataError() {
    #expect(throws: InequalityError.multipleReferenceGroups(["A", "B"])) {
      try InequalityInput(
        groups: [group("A", 1, reference: true), group("B", 2, reference: true)],
        direction: .adverse, scale: 100, isOrdered: false)
    }
  }

  @Test func referenceMeasuresWithoutAReferenceAreListedAsInapplicable() throws {
    let input = try InequalityInput(
      groups: [group("A", 10), group("B", 12), group("C", 15)], direction: .adverse, scale: 100,
      isOrdered: false)
    let report = try Inequality.measures(input)
    #expect(report[.mdru] == nil)
    #expect(
      report.inapplicable.contains { $0.kind == .mdrw && $0.reason.contains("reference group") })
  }

  @Test func twoGroupsGetOnlyTheTwoGroupMeasures() throws {
    let input = try InequalityInput(
      groups: [group("A", 10), group("B", 12)], direction: .adverse, scale: 100, isOrdered: false)
    let report = try Inequality.measures(input)
    #expect(report.measures.map(\.kind) == [.d, .r, .paf, .par])
  }

  @Test func differenceTiesGoToTheFirstGroupInInputOrder() throws {
    // By hand: A and C tie at the maximum 15, B and D at the minimum 10; D is reported with the
    // first of each (A's SE 1, B's SE 2), so its SE is √(1 + 4), not C's or D's.
    let input = try InequalityInput(
      groups: [
        group("A", 15, se: 1), group("B", 10, se: 2), group("C", 15, se: 3),
        group("D", 10, se: 4),
      ],
      direction: .favourable, scale: 100, isOrdered: false)
    let d = try #require(try Inequality.measures(input, only: [.d])[.d])
    #expect(d.estimate == 5)
    #expect(close(d.standardError, 5.0.squareRoot(), relative: 1e-12))
  }
}

@Suite struct SimulationTests {
  @Test func xoshiroMatchesThePublishedOutputs() {
    // Reference outputs of xoshiro256** from state {1, 2, 3, 4} (Blackman & Vigna's xoshiro256starstar.c).
    var rng = Xoshiro256StarStar(state: (1, 2, 3, 4))
    #expect(
      [rng.next(), rng.next(), rng.next(), rng.next()] == [
        11520, 0, 1_509_978_240, 1_215_971_899_390_074_240,
      ])
  }

  @Test func theSameSeedGivesIdenticalIntervalsAndAnotherSeedDoesNot() throws {
    let input = try InequalityInput(
      groups: ethnicGroups, direction: .adverse, scale: 1000, isOrdered: false)
    let first = try Inequality.measures(input, options: InequalityOptions(simulations: 2000))
    let again = try Inequality.measures(input, options: InequalityOptions(simulations: 2000))
    #expect(first == again)
    let other = try Inequality.measures(
      input, options: InequalityOptions(simulations: 2000, seed: 42))
    #expect(first[.bgsd]?.lower != other[.bgsd]?.lower)
    // A measure's interval does not depend on which other measures were asked for.
    let alone = try Inequality.measures(
      input, options: InequalityOptions(simulations: 2000), only: [.mdmw])
    #expect(alone[.mdmw] == first[.mdmw])
  }

  @Test func gammaDrawsFromSmallCountsIncludingZeroGiveIntervalsThatBracketTheEstimate() throws {
    // Rates per 1,000 from 0, 3, 7 and 40 events; no standard errors needed with counts.
    let groups = [
      group("A", 0, se: nil, population: 2000, reference: true, events: 0),
      group("B", 1.5, se: nil, population: 2000, events: 3),
      group("C", 3.5, se: nil, population: 2000, events: 7),
      group("D", 4, se: nil, population: 10_000, events: 40),
    ]
    let input = try InequalityInput(
      groups: groups, direction: .adverse, scale: 1000, isOrdered: false)
    let report = try Inequality.measures(input, only: [.bgsd, .mdrw, .mdbu])
    for m in report.measures {
      #expect(m.lower <= m.estimate && m.estimate <= m.upper, "\(m.kind)")
      #expect(m.lower >= 0)
    }
    // With normal draws these groups would need standard errors.
    #expect(throws: InequalityError.self) {
      try Inequality.measures(
        input, options: InequalityOptions(simulationDistribution: .truncatedNormal), only: [.bgsd])
    }
  }

  @Test func gammaDrawsHaveTheEstimateAsMeanAndTheCountsSpread() {
    // Gamma(x) scaled by y/x has mean y and SD y/√x: 9 events at rate 4.5 → mean 4.5, SD 1.5.
    let sampler = GroupSampler(
      estimates: [4.5], standardErrors: [0], events: [9], populations: [2000], scale: 1000,
      distribution: .automatic)
    var rng = Xoshiro256StarStar(seed: 7)
    let draws = (0..<20_000).map { _ in sampler.draw(using: &rng)[0] }
    let mean = draws.reduce(0, +) / Double(draws.count)
    #expect(abs(mean - 4.5) < 0.05)
    #expect(abs(sampleStandardDeviation(draws) - 1.5) < 0.05)
  }

  @Test func truncatedNormalDrawsStayWithinZeroAndOneHundredForPercentages() {
    let sampler = GroupSampler(
      estimates: [99, 1], standardErrors: [3, 3], events: [nil, nil], populations: [10, 10],
      scale: 100, distribution: .truncatedNormal)
    var rng = Xoshiro256StarStar(seed: 1)
    for _ in 0..<5000 {
      let v = sampler.draw(using: &rng)
      #expect(v[0] >= 0 && v[0] <= 100 && v[1] >= 0 && v[1] <= 100)
    }
  }
}
