import Testing

@testable import DisparityStatistics

/// Agreement with PHEindicatormethods 2.1.0 on randomised inputs (zero bands, totals either side of
/// 10, very large counts, 95% and 99.8%, several multipliers), to 1e-9 relative.
///
/// Expected values: Resources/pheoracle/*.csv, written by Resources/pheoracle/phe_oracle.py, an
/// independent scipy implementation of the package's documented formulas (see the README there).
/// Cells PHE returns as NA (Byar lower limits below 0) are empty and skipped.
@Suite("PHEindicatormethods 2.1.0 agreement")
struct PHEOracleTests {
  static let tolerance = 1e-9
  static let levels = [ConfidenceLevel.ninetyFive, .ninetyNinePointEight]
  static let limitColumns = [("lower95", "upper95"), ("lower998", "upper998")]

  /// Checks each interval against the row's `lower95`… columns (with `prefix`), skipping NA.
  func checkLimits(
    _ intervals: [ConfidenceInterval], _ table: ReferenceTable, row: Int, prefix: String = "",
    context: String
  ) {
    for (interval, (lowerName, upperName)) in zip(intervals, Self.limitColumns) {
      if let lower = table.optionalColumn(prefix + lowerName)[row] {
        #expect(close(interval.lower, lower, relative: Self.tolerance), "\(context) \(lowerName)")
      }
      if let upper = table.optionalColumn(prefix + upperName)[row] {
        #expect(close(interval.upper, upper, relative: Self.tolerance), "\(context) \(upperName)")
      }
    }
  }

  /// `phe_rate`: exact below 10 events, Byar from 10, x > n allowed.
  @Test func crudeRatesAgreeWithPheRate() throws {
    let table = try ReferenceTable(resource: "rate_expected", folder: "pheoracle")
    let (xs, ns, ms, values) = (
      table.column("x"), table.column("n"), table.column("multiplier"), table.column("value")
    )
    #expect(xs.count > 60)
    for i in xs.indices {
      let rate = try CrudeRate(
        events: xs[i], population: ns[i], levels: Self.levels, multiplier: ms[i])
      #expect(close(rate.value, values[i], relative: Self.tolerance))
      checkLimits(rate.intervals, table, row: i, context: "rate \(xs[i])/\(ns[i])")
    }
  }

  /// `phe_proportion`: Wilson score limits × multiplier.
  @Test func proportionsAgreeWithPheProportion() throws {
    let table = try ReferenceTable(resource: "proportion_expected", folder: "pheoracle")
    let (xs, ns, ms, values) = (
      table.column("x"), table.column("n"), table.column("multiplier"), table.column("value")
    )
    for i in xs.indices {
      let proportion = try Proportion(
        numerator: xs[i], denominator: ns[i], levels: Self.levels, multiplier: ms[i])
      #expect(close(proportion.value, values[i], relative: Self.tolerance))
      checkLimits(proportion.intervals, table, row: i, context: "proportion \(xs[i])/\(ns[i])")
    }
  }

  /// `calculate_dsr` (Dobson with Byar limits on O at every O). PHE suppresses O < 10; we compute
  /// and flag, so those rows are compared with the unsuppressed formula value. With O = 0 PHE's
  /// limits are NaN (√(0/0)); ours are documented in `DirectlyStandardisedRate`.
  @Test func directlyStandardisedRatesAgreeWithCalculateDSR() throws {
    let input = try ReferenceTable(resource: "dsr_input", folder: "pheoracle")
    let expected = try ReferenceTable(resource: "dsr_expected", folder: "pheoracle")
    let cases = expected.strings("case")
    #expect(cases.count >= 40)
    for (row, id) in cases.enumerated() {
      let bands = input.filtered("case", equals: id)
      let dsr = try DirectlyStandardisedRate(
        events: bands.column("x"), populations: bands.column("n"), standard: bands.column("stdpop"),
        levels: Self.levels, multiplier: expected.column("multiplier")[row])
      try checkDSR(dsr, expected, row: row, context: "case \(id)")
    }
  }

  /// `calculate_dsr(independent_events = FALSE)`: people by event frequency 1, 2, 3, 5.
  @Test func nonIndependentEventDSRsAgreeWithCalculateDSR() throws {
    let input = try ReferenceTable(resource: "dsr_nonindependent_input", folder: "pheoracle")
    let expected = try ReferenceTable(resource: "dsr_nonindependent_expected", folder: "pheoracle")
    for (row, id) in expected.strings("case").enumerated() {
      let rows = input.filtered("case", equals: id)
      let frequencies = Array(Set(rows.column("eventfreq"))).sorted()
      let bandNumbers = rows.column("band")
      let bandCount = Int(bandNumbers.max()!)
      var people = [[Double]](
        repeating: [Double](repeating: 0, count: frequencies.count), count: bandCount)
      var populations = [Double](repeating: 0, count: bandCount)
      var standard = populations
      for (i, band) in bandNumbers.enumerated() {
        let b = Int(band) - 1
        people[b][frequencies.firstIndex(of: rows.column("eventfreq")[i])!] =
          rows.column("people")[i]
        populations[b] = rows.column("n")[i]
        standard[b] = rows.column("stdpop")[i]
      }
      let dsr = try DirectlyStandardisedRate(
        peopleByFrequency: people, eventFrequencies: frequencies, populations: populations,
        standard: standard, levels: Self.levels, multiplier: expected.column("multiplier")[row])
      try checkDSR(dsr, expected, row: row, context: "non-independent case \(id)")
    }
  }

  func checkDSR(
    _ dsr: DirectlyStandardisedRate, _ expected: ReferenceTable, row: Int, context: String
  ) throws {
    let multiplier = expected.column("multiplier")[row]
    #expect(dsr.events == expected.column("total_count")[row], "\(context)")
    #expect(dsr.population == expected.column("total_pop")[row], "\(context)")
    #expect(close(dsr.value, expected.column("value")[row], relative: Self.tolerance), "\(context)")
    // PHE's vardsr is per person; ours is on the multiplier scale.
    #expect(
      close(
        dsr.variance, expected.column("vardsr")[row] * multiplier * multiplier,
        relative: Self.tolerance),
      "\(context) variance")
    let suppressed = expected.column("phe_suppressed")[row] == 1
    #expect(dsr.flags.contains(.fewerThan10Events) == suppressed, "\(context) flag")
    checkLimits(dsr.intervals, expected, row: row, context: context)
    #expect(dsr.intervals.map(\.method) == [.dobsonByar, .dobsonByar])
  }

  /// `calculate_ISRatio` (refvalue 1 or 100) and `calculate_ISRate`, with age-specific observed
  /// counts and with observed totals only.
  @Test func indirectlyStandardisedRatiosAndRatesAgreeWithCalculateISRatioAndISRate() throws {
    let input = try ReferenceTable(resource: "isr_input", folder: "pheoracle")
    let expected = try ReferenceTable(resource: "isr_expected", folder: "pheoracle")
    var totalsOnlyCases = 0
    for (row, id) in expected.strings("case").enumerated() {
      let bands = input.filtered("case", equals: id)
      let reference = try ReferenceRates(
        events: bands.column("x_ref"), populations: bands.column("n_ref"))
      let scale = expected.column("refvalue")[row]
      let multiplier = expected.column("multiplier")[row]
      let ratio: IndirectlyStandardisedRatio
      if expected.column("observed_totals_only")[row] == 1 {
        totalsOnlyCases += 1
        #expect(bands.optionalColumn("x").allSatisfy { $0 == nil })
        ratio = try IndirectlyStandardisedRatio(
          observed: expected.column("observed")[row], populations: bands.column("n"),
          reference: reference, levels: Self.levels, scale: scale)
      } else {
        ratio = try IndirectlyStandardisedRatio(
          events: bands.column("x"), populations: bands.column("n"), reference: reference,
          levels: Self.levels, scale: scale)
      }
      let context = "case \(id)"
      #expect(ratio.observed == expected.column("observed")[row], "\(context)")
      #expect(
        close(ratio.expected, expected.column("expected")[row], relative: Self.tolerance),
        "\(context)")
      #expect(
        close(ratio.value, expected.column("ratio_value")[row], relative: Self.tolerance),
        "\(context)")
      checkLimits(ratio.intervals, expected, row: row, prefix: "ratio_", context: context)
      let method: IntervalMethod = ratio.observed < 10 ? .exact : .byar
      #expect(ratio.intervals.allSatisfy { $0.method == method })

      let rate = try IndirectlyStandardisedRate(
        ratio: ratio, reference: reference, multiplier: multiplier)
      #expect(close(rate.referenceRate, expected.column("ref_rate")[row], relative: Self.tolerance))
      #expect(
        close(rate.value, expected.column("rate_value")[row], relative: Self.tolerance),
        "\(context)")
      checkLimits(rate.intervals, expected, row: row, prefix: "rate_", context: context)
    }
    #expect(totalsOnlyCases > 0)
  }
}
