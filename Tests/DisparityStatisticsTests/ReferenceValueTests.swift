import Testing

@testable import DisparityStatistics

/// Every published or peer-computed value in Resources/reference that the statistics core covers,
/// to the 1e-9 relative tolerance that reference/README.md gives for analytic values.
@Suite("Published reference values")
struct ReferenceValueTests {
  static let tolerance = 1e-9

  // MARK: Fay & Feuer (1997) Table 1

  static let birthOrders = ["1", "2", "3", "4", "5+"]

  /// Fleiss (1981, p.249) births by maternal age for one birth order; standard = the mean
  /// population of orders 1–5 (the `stdpop` column).
  static func fleiss(_ order: String) throws -> (
    events: [Double], populations: [Double], standard: [Double]
  ) {
    let input = try ReferenceTable(resource: "fleiss_fayfeuer_input").filtered(
      "birth_order", equals: order)
    return (input.column("count"), input.column("pop"), input.column("stdpop"))
  }

  /// Expected: reference/fleiss_fayfeuer_expected.csv, i.e. Fay & Feuer (1997) Table 1 as
  /// reproduced by epitools 0.5-10.1 `ageadjust.direct` (dsr, se, ff_lci/ff_uci: e.g. order 5+
  /// 75.5 (67.7, 188.3)), base-R Tiwari–Clegg–Zou (tcz_*), Dobson with Byar (PHE) and with exact
  /// limits on O (dobson_*), all per 100,000.
  @Test(arguments: birthOrders)
  func directlyStandardisedRatesReproduceFayFeuerTable1(order: String) throws {
    let data = try Self.fleiss(order)
    let expected = try ReferenceTable(resource: "fleiss_fayfeuer_expected").filtered(
      "birth_order", equals: order)
    func value(_ column: String) -> Double { expected.column(column)[0] }

    let methods: [(DirectStandardisationMethod, String, IntervalMethod)] = [
      (.fayFeuer, "ff", .fayFeuer), (.tiwari, "tcz", .tiwari),
      (.dobson(), "dobson_byar", .dobsonByar),
      (.dobson(counts: .exact), "dobson_exact", .dobsonExact),
    ]
    for (method, prefix, tag) in methods {
      let dsr = try DirectlyStandardisedRate(
        events: data.events, populations: data.populations, standard: data.standard, method: method)
      #expect(close(dsr.value, value("dsr"), relative: Self.tolerance))
      #expect(close(dsr.standardError, value("se_dsr"), relative: Self.tolerance))
      let interval = try #require(dsr.interval(at: .ninetyFive))
      #expect(interval.method == tag)
      #expect(
        close(interval.lower, value(prefix + "_lci"), relative: Self.tolerance), "\(prefix) lower")
      #expect(
        close(interval.upper, value(prefix + "_uci"), relative: Self.tolerance), "\(prefix) upper")
    }
    let crude = try CrudeRate(
      events: data.events.reduce(0, +), population: data.populations.reduce(0, +))
    #expect(close(crude.value, value("crude"), relative: Self.tolerance))
  }

  // MARK: Selvin (2004): US deaths 1940 standardised to 1960

  /// Expected: reference/selvin_1940_1960_expected.csv (epitools 0.5-10.1 `ageadjust.direct` and
  /// `ageadjust.indirect`): direct 139.25 (138.21, 140.29) per 100,000 (Fay–Feuer);
  /// SMR 0.8305 (0.8245, 0.8367) on the log-normal 1/√O interval; ISR 137.94 per 100,000.
  @Test func selvinDirectAndIndirectStandardisationMatchEpitools() throws {
    let input = try ReferenceTable(resource: "selvin_1940_1960_input")
    let table = try ReferenceTable(resource: "selvin_1940_1960_expected")
    let quantities = table.strings("quantity")
    let values = table.column("value")
    func expected(_ name: String) -> Double { values[quantities.firstIndex(of: name)!] }
    let (deaths, population) = (input.column("dth40"), input.column("pop40"))
    let (referenceDeaths, referencePopulation) = (input.column("dth60"), input.column("pop60"))

    let direct = try DirectlyStandardisedRate(
      events: deaths, populations: population, standard: referencePopulation, method: .fayFeuer)
    let interval = try #require(direct.interval(at: .ninetyFive))
    #expect(close(direct.value, expected("direct_adj.rate_per1e5"), relative: Self.tolerance))
    #expect(close(interval.lower, expected("direct_lci_per1e5"), relative: Self.tolerance))
    #expect(close(interval.upper, expected("direct_uci_per1e5"), relative: Self.tolerance))
    let crude = try CrudeRate(events: deaths.reduce(0, +), population: population.reduce(0, +))
    #expect(close(crude.value, expected("direct_crude.rate_per1e5"), relative: Self.tolerance))

    let reference = try ReferenceRates(events: referenceDeaths, populations: referencePopulation)
    let smr = try IndirectlyStandardisedRatio(
      events: deaths, populations: population, reference: reference, method: .logNormal)
    let smrInterval = try #require(smr.interval(at: .ninetyFive))
    #expect(smr.observed == expected("indirect_sir_observed"))
    #expect(close(smr.expected, expected("indirect_sir_exp"), relative: Self.tolerance))
    #expect(close(smr.value, expected("indirect_sir_sir"), relative: Self.tolerance))
    #expect(smrInterval.method == .logNormal)
    #expect(close(smrInterval.lower, expected("indirect_sir_lci"), relative: Self.tolerance))
    #expect(close(smrInterval.upper, expected("indirect_sir_uci"), relative: Self.tolerance))

    let isr = try IndirectlyStandardisedRate(ratio: smr, reference: reference)
    let isrInterval = try #require(isr.interval(at: .ninetyFive))
    #expect(close(isr.value, expected("indirect_rate_adj.rate_per1e5"), relative: Self.tolerance))
    #expect(
      close(isrInterval.lower, expected("indirect_rate_lci_per1e5"), relative: Self.tolerance))
    #expect(
      close(isrInterval.upper, expected("indirect_rate_uci_per1e5"), relative: Self.tolerance))
  }

  // MARK: Rothman (1998, p.238) rate ratio

  /// Breast cancer 41 / 28,010 person-years exposed vs 15 / 19,017 unexposed. Expected:
  /// reference/rateratio_rothman_expected.csv, epitools `rateratio.wald`: 1.8558 (1.0272, 3.3526).
  @Test func crudeRateRatioMatchesRothmanWald() throws {
    let table = try ReferenceTable(resource: "rateratio_rothman_expected")
      .filtered("example", equals: "rothman_p238_rateratio_wald").filtered("row", equals: "Exposed")
    let exposed = try CrudeRate(events: 41, population: 28010)
    let unexposed = try CrudeRate(events: 15, population: 19017)
    let ratio = Comparison.rateRatio(exposed, versus: unexposed)
    let interval = try #require(ratio.interval(at: .ninetyFive))
    #expect(
      close(try #require(ratio.estimate), table.column("estimate")[0], relative: Self.tolerance))
    #expect(close(interval.lower, table.column("lower")[0], relative: Self.tolerance))
    #expect(close(interval.upper, table.column("upper")[0], relative: Self.tolerance))
    #expect(interval.method == .waldLog)
    #expect(ratio.significance(at: .ninetyFive) == .higher)
  }

  // MARK: Risk and odds ratios (Selvin 1998 p.289; tap water and cryptosporidiosis)

  static func proportion(_ example: String, _ row: String) throws -> Proportion {
    let input = try ReferenceTable(resource: "riskratio_oddsratio_input")
      .filtered("example", equals: example).filtered("row", equals: row)
    let cases = input.column("cases")[0]
    return try Proportion(
      numerator: cases, denominator: cases + input.column("noncases")[0], multiplier: 1)
  }

  static func expected(_ example: String, _ row: String) throws -> (Double, Double, Double) {
    let table = try ReferenceTable(resource: "riskratio_oddsratio_expected")
      .filtered("example", equals: example).filtered("row", equals: row)
    return (table.column("estimate")[0], table.column("lower")[0], table.column("upper")[0])
  }

  func check(
    _ comparison: Comparison, _ expected: (Double, Double, Double), _ method: IntervalMethod
  ) throws {
    let interval = try #require(comparison.interval(at: .ninetyFive))
    #expect(close(try #require(comparison.estimate), expected.0, relative: Self.tolerance))
    #expect(close(interval.lower, expected.1, relative: Self.tolerance))
    #expect(close(interval.upper, expected.2, relative: Self.tolerance))
    #expect(interval.method == method)
  }

  /// Type A vs type B behaviour and CHD. Expected: reference/riskratio_oddsratio_expected.csv,
  /// epitools `riskratio.wald` / `oddsratio.wald`: Katz RR 2.2191 (1.7186, 2.8654), Woolf OR
  /// 2.3729 (1.8028, 3.1234).
  @Test func riskAndOddsRatiosMatchSelvinKatzAndWoolf() throws {
    let typeA = try Self.proportion("selvin_p289", "TypeA")
    let typeB = try Self.proportion("selvin_p289", "TypeB")
    try check(
      Comparison.riskRatio(typeA, versus: typeB),
      Self.expected("selvin_p289_riskratio_wald_revboth", "Exposed1"), .katzLog)
    try check(
      Comparison.oddsRatio(typeA, versus: typeB),
      Self.expected("selvin_p289_oddsratio_wald_revboth", "Exposed1"), .woolf)
  }

  /// Tap water exposure (lowest as reference). Expected: epitools `riskratio.wald(rev = "c")`,
  /// reference/riskratio_oddsratio_expected.csv: intermediate 5.4798 (1.3971, 21.4931), highest
  /// 10.3333 (2.6005, 41.0609).
  @Test(arguments: [("Intermediate", "Exposed2"), ("Highest", "Exposed3")])
  func riskRatiosMatchTapWaterExample(row: String, expectedRow: String) throws {
    let lowest = try Self.proportion("tapwater", "Lowest")
    let group = try Self.proportion("tapwater", row)
    try check(
      Comparison.riskRatio(group, versus: lowest),
      Self.expected("tapwater_riskratio_wald_revc", expectedRow), .katzLog)
  }

  // MARK: Poisson and binomial interval tables

  /// Exact limits against the chi-square columns and Byar against the classic Byar columns of
  /// reference/poisson_count_ci_expected.csv (R 4.2.2 `qchisq`; base-R Byar), x = 0…10.
  @Test(arguments: [ConfidenceLevel.ninetyFive])
  func poissonCountLimitsMatchRTable(level: ConfidenceLevel) throws {
    let table = try ReferenceTable(resource: "poisson_count_ci_expected")
    let xs = table.column("x")
    for (i, x) in xs.enumerated() {
      let exact = PoissonLimits.exact(x, level: level)
      let byar = PoissonLimits.byar(x, level: level)
      #expect(
        close(exact.lower, table.column("chisq_lower")[i], relative: Self.tolerance), "x = \(x)")
      #expect(
        close(exact.upper, table.column("chisq_upper")[i], relative: Self.tolerance), "x = \(x)")
      #expect(
        close(byar.lower, table.column("classic_byar_lower")[i], relative: Self.tolerance),
        "x = \(x)")
      #expect(
        close(byar.upper, table.column("classic_byar_upper")[i], relative: Self.tolerance),
        "x = \(x)")
      // PHE's rule switches at 10.
      let rule = PoissonLimits.interval(x, level: level, method: .pheRule)
      #expect(rule.method == (x < 10 ? .exact : .byar))
    }
  }

  /// Clopper–Pearson and Wilson limits through `Proportion` against epitools `binom.exact` and
  /// `binom.wilson` (reference/binomial_ci_expected.csv), x/n = 1/10 … 10/100.
  @Test func proportionLimitsMatchEpitoolsBinomialTable() throws {
    let table = try ReferenceTable(resource: "binomial_ci_expected")
    let (xs, ns) = (table.column("x"), table.column("n"))
    for i in xs.indices {
      let wilson = try Proportion(numerator: xs[i], denominator: ns[i], multiplier: 1)
      let exact = try Proportion(
        numerator: xs[i], denominator: ns[i], method: .clopperPearson, multiplier: 1)
      let w = try #require(wilson.interval(at: .ninetyFive))
      let e = try #require(exact.interval(at: .ninetyFive))
      #expect(close(wilson.value, table.column("p")[i], relative: Self.tolerance))
      #expect(close(w.lower, table.column("wilson_lower")[i], relative: Self.tolerance))
      #expect(close(w.upper, table.column("wilson_upper")[i], relative: Self.tolerance))
      #expect(close(e.lower, table.column("clopper_pearson_lower")[i], relative: Self.tolerance))
      #expect(close(e.upper, table.column("clopper_pearson_upper")[i], relative: Self.tolerance))
    }
  }
}
