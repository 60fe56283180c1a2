import DisparityIngest
import Foundation
import Testing

@testable import DisparityStatistics

/// Behaviour the reference tables do not reach: edge cases, errors, flags and the comparisons.
@Suite("Statistics behaviour")
struct StatisticsBehaviourTests {
  static let fiveBandStandard: [Double] = [20_000, 25_000, 25_000, 20_000, 10_000]

  // MARK: Confidence levels

  @Test(arguments: [95, 0, 1, -0.5, Double.nan])
  func confidenceLevelsOutsideZeroToOneAreUsageErrors(value: Double) {
    #expect(throws: StatisticsError.self) { try ConfidenceLevel(value) }
    do {
      _ = try ConfidenceLevel(value)
    } catch {
      #expect(error.kind == .usage)
      #expect(error.description.contains("between 0 and 1"))
    }
  }

  @Test func confidenceLevelsLabelColumnsAsTheArchitectureSays() throws {
    #expect(ConfidenceLevel.ninetyFive.percentLabel == "95")
    #expect(ConfidenceLevel.ninetyNinePointEight.percentLabel == "99.8")
    #expect(try ConfidenceLevel(0.9).percentLabel == "90")
    #expect(ConfidenceLevel.ninetyNinePointEight.description == "99.8%")
  }

  /// Two levels in one computation give two tagged intervals, in the order asked, the 99.8% one wider.
  @Test func twoLevelsGiveTwoTaggedIntervalsInOrder() throws {
    let rate = try CrudeRate(
      events: 25, population: 10_000, levels: [.ninetyFive, .ninetyNinePointEight])
    #expect(rate.levels == [.ninetyFive, .ninetyNinePointEight])
    let (inner, outer) = (rate.intervals[0], rate.intervals[1])
    #expect(outer.lower < inner.lower && inner.upper < outer.upper)
    #expect(rate.intervals.allSatisfy { $0.method == .byar })
  }

  // MARK: Crude rates, proportions, means

  @Test func ratesAllowMoreEventsThanPopulationButProportionsDoNot() throws {
    #expect(try CrudeRate(events: 30, population: 12, multiplier: 1).value == 2.5)
    #expect(throws: StatisticsError(.numeratorExceedsDenominator(numerator: 30, denominator: 12))) {
      try Proportion(numerator: 30, denominator: 12)
    }
    #expect(throws: StatisticsError(.nonPositiveDenominator(0))) {
      try Proportion(numerator: 0, denominator: 0)
    }
    #expect(throws: StatisticsError(.negative(quantity: "numerator", value: -1, band: nil))) {
      try Proportion(numerator: -1, denominator: 10)
    }
    #expect(throws: StatisticsError(.nonPositivePopulation(0))) {
      try CrudeRate(events: 3, population: 0)
    }
    #expect(throws: StatisticsError(.invalidMultiplier(0))) {
      try CrudeRate(events: 3, population: 10, multiplier: 0)
    }
  }

  /// A group with no events has rate 0, its exact limits (0, 3.689 / n), and both flags.
  @Test func aRateWithNoEventsIsZeroWithExactLimitsAndFlagged() throws {
    let rate = try CrudeRate(events: 0, population: 1000, multiplier: 1000)
    #expect(rate.value == 0)
    #expect(rate.flags == [.fewerThan10Events, .noEvents])
    let interval = try #require(rate.interval(at: .ninetyFive))
    // reference/poisson_count_ci_expected.csv, x = 0: chisq_upper 3.68887945411394 (R qchisq).
    #expect(interval.lower == 0)
    #expect(close(interval.upper, 3.68887945411394, relative: 1e-9))
  }

  /// Values 1…10: mean 5.5, sd √(55/6); t(0.975; 9) = 2.262157162798205 (R 4.2.2 `qt`).
  @Test func meansHaveStudentTIntervals() throws {
    let mean = try Mean(values: (1...10).map(Double.init))
    let halfWidth = 2.262157162798205 * (55.0 / 6).squareRoot() / 10.0.squareRoot()
    let interval = try #require(mean.interval(at: .ninetyFive))
    #expect(mean.value == 5.5)
    #expect(close(interval.lower, 5.5 - halfWidth, relative: 1e-12))
    #expect(close(interval.upper, 5.5 + halfWidth, relative: 1e-12))
    #expect(throws: StatisticsError(.tooFewValuesForMean(1))) { try Mean(values: [3]) }
  }

  // MARK: Directly standardised rates

  /// A band with no population and no events contributes nothing: the same DSR, variance and
  /// Dobson limits as with any population in that band (its weight times 0 events).
  @Test func zeroPopulationBandsWithoutEventsContributeNothing() throws {
    let events: [Double] = [0, 4, 9, 12, 20]
    let empty = try DirectlyStandardisedRate(
      events: events, populations: [0, 900, 1200, 1000, 700], standard: Self.fiveBandStandard)
    let filled = try DirectlyStandardisedRate(
      events: events, populations: [5000, 900, 1200, 1000, 700], standard: Self.fiveBandStandard)
    #expect(empty.value == filled.value)
    #expect(empty.variance == filled.variance)
    #expect(empty.intervals == filled.intervals)
    #expect(empty.population == 3800)
  }

  @Test func eventsInABandWithoutPopulationAreADataError() throws {
    #expect(throws: StatisticsError(.eventsWithoutPopulation(band: 2, events: 3))) {
      try DirectlyStandardisedRate(
        events: [1, 3, 9, 12, 20], populations: [100, 0, 1200, 1000, 700],
        standard: Self.fiveBandStandard)
    }
    #expect(
      throws: StatisticsError(
        .bandCountMismatch(quantity: "the standard population", expected: 2, found: 5))
    ) {
      try DirectlyStandardisedRate(
        events: [1, 2], populations: [10, 10], standard: Self.fiveBandStandard)
    }
    #expect(throws: StatisticsError(.nonPositivePopulation(0))) {
      try DirectlyStandardisedRate(events: [0, 0], populations: [0, 0], standard: [1, 1])
    }
    #expect(throws: StatisticsError(.standardSumsToZero)) {
      try DirectlyStandardisedRate(events: [1, 2], populations: [10, 10], standard: [0, 0])
    }
    #expect(throws: StatisticsError(.negative(quantity: "population", value: -10, band: 2))) {
      try DirectlyStandardisedRate(events: [1, 2], populations: [10, -10], standard: [1, 1])
    }
    // Not a number and infinity are refused with their band; −0 is a population of 0.
    #expect(throws: StatisticsError(.notFinite(quantity: "population", band: 1))) {
      try DirectlyStandardisedRate(events: [1, 2], populations: [.nan, 10], standard: [1, 1])
    }
    #expect(throws: StatisticsError(.notFinite(quantity: "standard population", band: 2))) {
      try DirectlyStandardisedRate(
        events: [1, 2], populations: [10, 10], standard: [1, .infinity])
    }
    let negativeZero = try DirectlyStandardisedRate(
      events: [1, 0], populations: [10, -0.0], standard: [1, 1])
    #expect(negativeZero.population == 10)
  }

  /// Fewer than 10 events: computed (not dropped) and flagged.
  @Test func smallCountsAreComputedAndFlagged() throws {
    let dsr = try DirectlyStandardisedRate(
      events: [0, 1, 2, 3, 2], populations: [900, 900, 1200, 1000, 700],
      standard: Self.fiveBandStandard,
      levels: [.ninetyFive, .ninetyNinePointEight])
    #expect(dsr.events == 8)
    #expect(dsr.flags == [.fewerThan10Events])
    #expect(dsr.value > 0)
    #expect(dsr.intervals.count == 2)
    #expect(
      dsr.intervals.allSatisfy { $0.lower.isFinite && $0.upper.isFinite && $0.lower < dsr.value })
  }

  /// With no events Dobson's √(v/O) is 0/0; the upper limit is w_M × U(0), which with exact U(0)
  /// is exactly Fay–Feuer's G⁻¹(0.975; 1, w_M): two independent routes (chi-square vs gamma).
  @Test func noEventsGiveZeroWithTheFayFeuerUpperLimit() throws {
    let populations: [Double] = [900, 900, 1200, 1000, 700]
    let zero = [Double](repeating: 0, count: 5)
    let dobson = try DirectlyStandardisedRate(
      events: zero, populations: populations, standard: Self.fiveBandStandard,
      method: .dobson(counts: .exact))
    let fayFeuer = try DirectlyStandardisedRate(
      events: zero, populations: populations, standard: Self.fiveBandStandard, method: .fayFeuer)
    #expect(dobson.value == 0 && fayFeuer.value == 0)
    #expect(dobson.flags == [.fewerThan10Events, .noEvents])
    let (d, f) = (
      try #require(dobson.interval(at: .ninetyFive)),
      try #require(fayFeuer.interval(at: .ninetyFive))
    )
    #expect(d.lower == 0 && f.lower == 0)
    #expect(close(d.upper, f.upper, relative: 1e-12))
    #expect(d.upper > 0)
  }

  /// Non-independent events where everyone has one event are independent events.
  @Test func nonIndependentEventsWithFrequencyOneEqualIndependentEvents() throws {
    let events: [Double] = [3, 4, 9, 12, 20]
    let populations: [Double] = [900, 900, 1200, 1000, 700]
    let independent = try DirectlyStandardisedRate(
      events: events, populations: populations, standard: Self.fiveBandStandard)
    let repeated = try DirectlyStandardisedRate(
      peopleByFrequency: events.map { [$0] }, eventFrequencies: [1], populations: populations,
      standard: Self.fiveBandStandard)
    #expect(repeated.value == independent.value)
    #expect(repeated.variance == independent.variance)
    #expect(repeated.intervals == independent.intervals)
  }

  /// Everyone with exactly two events: the same DSR as the events taken as independent, with
  /// twice the variance (Σ 2² w² p = 2 Σ w² (2p)), so a wider interval.
  @Test func repeatEventsDoubleTheVarianceWhenEveryoneHasTwo() throws {
    let people: [Double] = [3, 4, 9, 12, 20]
    let populations: [Double] = [900, 900, 1200, 1000, 700]
    let asIndependent = try DirectlyStandardisedRate(
      events: people.map { 2 * $0 }, populations: populations, standard: Self.fiveBandStandard)
    let repeated = try DirectlyStandardisedRate(
      peopleByFrequency: people.map { [$0] }, eventFrequencies: [2], populations: populations,
      standard: Self.fiveBandStandard)
    #expect(close(repeated.value, asIndependent.value, relative: 1e-15))
    #expect(close(repeated.variance, 2 * asIndependent.variance, relative: 1e-14))
    let (r, i) = (repeated.intervals[0], asIndependent.intervals[0])
    #expect(r.lower < i.lower && i.upper < r.upper)
    #expect(throws: StatisticsError(.invalidEventFrequency(0))) {
      try DirectlyStandardisedRate(
        peopleByFrequency: [[1]], eventFrequencies: [0], populations: [10], standard: [1])
    }
  }

  // MARK: Indirect standardisation

  @Test func referenceRatesFromAllGroupsOrANamedGroup() throws {
    let a = AgeSpecificCounts(events: [1, 10], populations: [100, 200])
    let b = AgeSpecificCounts(events: [3, 30], populations: [100, 400])
    let pooled = try ReferenceRates.combining([a, b])
    #expect(pooled.rates == [0.02, 40.0 / 600])
    #expect(pooled.crudeRate == 44.0 / 800)
    let named = try ReferenceRates.group("B", in: ["A": a, "B": b])
    #expect(named.rates == [0.03, 0.075])
    #expect(throws: StatisticsError(.unknownReferenceGroup("C", available: ["A", "B"]))) {
      try ReferenceRates.group("C", in: ["A": a, "B": b])
    }
  }

  /// Observed totals without an age breakdown give the same SMR as the same events by band.
  @Test func observedTotalsWithoutAgeBreakdownGiveTheSameRatio() throws {
    let reference = try ReferenceRates(events: [10, 50, 200], populations: [10_000, 8000, 4000])
    let byBand = try IndirectlyStandardisedRatio(
      events: [2, 6, 30], populations: [3000, 2500, 900], reference: reference, scale: 100)
    let total = try IndirectlyStandardisedRatio(
      observed: 38, populations: [3000, 2500, 900], reference: reference, scale: 100)
    #expect(byBand == total)
    #expect(close(byBand.expected, 3 + 15.625 + 45, relative: 1e-15))
  }

  @Test func indirectStandardisationErrorsNameTheProblem() throws {
    let reference = try ReferenceRates(events: [10, 0], populations: [1000, 0])
    #expect(throws: StatisticsError(.undefinedReferenceRate(band: 2))) {
      try IndirectlyStandardisedRatio(observed: 3, populations: [100, 50], reference: reference)
    }
    let ratesOnly = try ReferenceRates(rates: [0.01, 0.02])
    let ratio = try IndirectlyStandardisedRatio(
      observed: 3, populations: [100, 50], reference: ratesOnly)
    #expect(throws: StatisticsError(.missingReferenceCrudeRate)) {
      try IndirectlyStandardisedRate(ratio: ratio, reference: ratesOnly)
    }
    #expect(throws: StatisticsError(.zeroExpected)) {
      try IndirectlyStandardisedRatio(observed: 3, populations: [0, 0], reference: ratesOnly)
    }
  }

  // MARK: Comparisons

  /// Ratio and difference of two DSRs from the published DSRs and standard errors of Fay & Feuer
  /// Table 1 (reference/fleiss_fayfeuer_expected.csv), order 5+ against order 1:
  /// R = DSR₁/DSR₀, exp(ln R ∓ z√(se₁²/DSR₁² + se₀²/DSR₀²)); difference ∓ z√(se₁² + se₀²).
  @Test func dsrRatioAndDifferenceUseTheDeltaMethodOnTheLogScale() throws {
    let expected = try ReferenceTable(resource: "fleiss_fayfeuer_expected")
    let (dsr, se) = (expected.column("dsr"), expected.column("se_dsr"))
    let z = 1.959963984540054  // R 4.2.2 qnorm(0.975)
    let reference = try ReferenceValueTests.fleiss("1")
    let group = try ReferenceValueTests.fleiss("5+")
    let r0 = try DirectlyStandardisedRate(
      events: reference.events, populations: reference.populations, standard: reference.standard)
    let r1 = try DirectlyStandardisedRate(
      events: group.events, populations: group.populations, standard: group.standard)

    let ratio = Comparison.rateRatio(r1, versus: r0)
    let logSE = (se[4] * se[4] / (dsr[4] * dsr[4]) + se[0] * se[0] / (dsr[0] * dsr[0])).squareRoot()
    let r = dsr[4] / dsr[0]
    let ri = try #require(ratio.interval(at: .ninetyFive))
    #expect(close(try #require(ratio.estimate), r, relative: 1e-9))
    #expect(close(ri.lower, r * exp(-z * logSE), relative: 1e-9))
    #expect(close(ri.upper, r * exp(z * logSE), relative: 1e-9))
    #expect(ri.method == .deltaMethodLog)
    #expect(ratio.significance(at: .ninetyFive) == .lower)

    let difference = try Comparison.rateDifference(r1, versus: r0)
    let di = try #require(difference.interval(at: .ninetyFive))
    let dse = (se[4] * se[4] + se[0] * se[0]).squareRoot()
    #expect(close(try #require(difference.estimate), dsr[4] - dsr[0], relative: 1e-9))
    #expect(close(di.lower, dsr[4] - dsr[0] - z * dse, relative: 1e-9))
    #expect(close(di.upper, dsr[4] - dsr[0] + z * dse, relative: 1e-9))
    #expect(difference.significance(at: .ninetyFive) == .lower)
  }

  /// Crude rate difference: Poisson variances x/n² on the multiplier scale (Rothman's data).
  @Test func crudeRateDifferenceUsesPoissonVariances() throws {
    let exposed = try CrudeRate(events: 41, population: 28010)
    let unexposed = try CrudeRate(events: 15, population: 19017)
    let difference = try Comparison.rateDifference(exposed, versus: unexposed)
    let d = (41.0 / 28010 - 15.0 / 19017) * 1e5
    let se = (41.0 / (28010.0 * 28010) + 15.0 / (19017.0 * 19017)).squareRoot() * 1e5
    let interval = try #require(difference.interval(at: .ninetyFive))
    #expect(close(interval.lower, d - 1.959963984540054 * se, relative: 1e-9))
    #expect(close(interval.upper, d + 1.959963984540054 * se, relative: 1e-9))
    let other = try CrudeRate(events: 15, population: 19017, multiplier: 1000)
    #expect(throws: StatisticsError(.mismatchedMultipliers(100_000, 1000))) {
      try Comparison.rateDifference(exposed, versus: other)
    }
  }

  /// Zero counts: no NaN, no crash; documented estimates, no interval, a flag, no significance.
  @Test func ratiosWithZeroCountsAreDocumentedNotNaN() throws {
    let none = try CrudeRate(events: 0, population: 5000)
    let some = try CrudeRate(events: 12, population: 4000)
    let againstEmpty = Comparison.rateRatio(some, versus: none)
    #expect(againstEmpty.estimate == nil)
    #expect(againstEmpty.intervals.isEmpty)
    #expect(againstEmpty.flags.contains(.noEventsInReference))
    #expect(againstEmpty.significance(at: .ninetyFive) == nil)

    let emptyGroup = Comparison.rateRatio(none, versus: some)
    #expect(emptyGroup.estimate == 0)
    #expect(emptyGroup.intervals.isEmpty)
    #expect(emptyGroup.flags == [.fewerThan10Events, .noEvents])

    let zeroDifference = try Comparison.rateDifference(none, versus: some)
    #expect(zeroDifference.intervals.allSatisfy { $0.lower.isFinite && $0.upper.isFinite })

    let p0 = try Proportion(numerator: 0, denominator: 40, multiplier: 1)
    let p1 = try Proportion(numerator: 7, denominator: 40, multiplier: 1)
    let odds = Comparison.oddsRatio(p0, versus: p1)
    #expect(odds.estimate == 0)
    #expect(odds.intervals.isEmpty)
    #expect(odds.flags.contains(.emptyCell))
    #expect(Comparison.oddsRatio(p1, versus: p0).estimate == nil)
    #expect(Comparison.riskRatio(p1, versus: p0).estimate == nil)
  }

  /// Newcombe (1998, Stat Med 17:873) Table II, method 10 (hybrid score), to 4 decimals:
  /// 56/70 − 48/80: (0.0524, 0.3339); 9/10 − 3/10: (0.1705, 0.8090); 5/56 − 0/29: (−0.0381, 0.1926);
  /// 0/10 − 0/20: (−0.1611, 0.2775).
  @Test(arguments: [
    (56.0, 70.0, 48.0, 80.0, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090),
    (5, 56, 0, 29, -0.0381, 0.1926), (0, 10, 0, 20, -0.1611, 0.2775),
  ])
  func proportionDifferencesMatchNewcombeTableII(
    a: Double, m: Double, b: Double, n: Double, lower: Double, upper: Double
  ) throws {
    let group = try Proportion(numerator: a, denominator: m, multiplier: 1)
    let reference = try Proportion(numerator: b, denominator: n, multiplier: 1)
    let difference = try Comparison.proportionDifference(group, versus: reference)
    let interval = try #require(difference.interval(at: .ninetyFive))
    #expect(abs(interval.lower - lower) < 5e-5)
    #expect(abs(interval.upper - upper) < 5e-5)
    #expect(interval.method == .newcombe)
  }

  @Test func significanceComesFromWhetherTheIntervalExcludesTheNull() {
    func interval(_ lower: Double, _ upper: Double) -> ConfidenceInterval {
      ConfidenceInterval(level: .ninetyFive, method: .waldLog, lower: lower, upper: upper)
    }
    #expect(Significance(interval(1.1, 2), null: 1) == .higher)
    #expect(Significance(interval(0.5, 0.9), null: 1) == .lower)
    #expect(Significance(interval(0.5, 1), null: 1) == .similar)
    #expect(Significance(interval(-2, -0.1), null: 0) == .lower)
  }

  // MARK: Errors

  @Test func errorsNameTheFileTheGroupAndWhatToDo() {
    let error = StatisticsError(.eventsWithoutPopulation(band: 3, events: 4))
      .located(
        at: SourceLocation(file: "deaths.csv", line: 12, column: 4, columnName: "deaths"),
        group: "Asian")
    #expect(error.kind == .data)
    #expect(error.location?.line == 12)
    #expect(error.description.hasPrefix("deaths.csv:12:4 (column \"deaths\"): group \"Asian\": "))
    #expect(error.description.contains("age band 3"))
    #expect(error.description.contains("check the population file"))
  }
}
