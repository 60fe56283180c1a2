import DisparityIngest
import DisparityNormalise
import DisparityReport
import DisparityStatistics
import Foundation

/// Computes every statistic of one stratum's groups and compares them with the reference group.
struct GroupCalculator: Sendable {
  let specification: AnalysisSpecification
  let levels: [ConfidenceLevel]
  let methods: IntervalChoice
  /// The standard population's weights per analysis band (nil without age standardisation).
  let weights: [Double]?
  let referenceFile: ReferenceRateFile?
  let referenceBandCount: Int
  /// Group codes in report order.
  let groupOrder: [String]
  /// Their numbers (see ``GroupPlacement/group(_:number:)``), in the same order.
  let groupOrderNumbers: [Int]
  /// The official label of each group code in ``groupOrder``, in the same order (a row per
  /// group reads it by place rather than hashing the code).
  let groupOrderLabels: [String]
  /// Each code's official label.
  let labels: GroupLabels
  /// Reads a named reference group the way the data's labels were read.
  let normaliser: EthnicityNormaliser
  /// A group whose age-specific rates are the reference for indirect standardisation.
  let referenceRatesGroup: String?

  init(
    specification: AnalysisSpecification, levels: [ConfidenceLevel], methods: IntervalChoice,
    weights: [Double]?, referenceFile: ReferenceRateFile?, referenceBandCount: Int,
    groupOrder: [String], groupOrderNumbers: [Int], groupOrderLabels: [String],
    labels: GroupLabels,
    normaliser: EthnicityNormaliser, referenceRatesGroup: String? = nil
  ) {
    self.groupOrderNumbers = groupOrderNumbers
    self.groupOrderLabels = groupOrderLabels
    self.referenceRatesGroup = referenceRatesGroup
    self.labels = labels
    self.normaliser = normaliser
    self.specification = specification
    self.levels = levels
    self.methods = methods
    self.weights = weights
    self.referenceFile = referenceFile
    self.referenceBandCount = referenceBandCount
    self.groupOrder = groupOrder
  }

  /// The statistics of one group.
  struct Statistics {
    var crude: CrudeRate?
    var proportion: Proportion?
    var mean: Mean?
    /// The mean's standard deviation and number of values.
    var meanSpread: (sd: Double, n: Double)?
    var standardised: DirectlyStandardisedRate?
    var smr: IndirectlyStandardisedRatio?
    var isr: IndirectlyStandardisedRate?
  }

  /// One stratum's results and the name of its reference group.
  struct StratumResults {
    var results: [GroupResult]
    var referenceName: String?
  }

  var multiplier: Double { specification.effectiveMultiplier }

  func statistics(
    of cell: Cube.Cell, code: String, reference: ReferenceRates?, by: [String] = []
  ) throws -> Statistics {
    var s = Statistics()
    let events = cell.events.reduce(0, +)
    let population = cell.population.reduce(0, +)
    do {
      if cell.hasPopulation && population > 0 {
        switch specification.measure {
        case .rate:
          s.crude = try CrudeRate(
            events: events, population: population, levels: levels, method: methods.counts,
            multiplier: multiplier)
        case .proportion:
          s.proportion = try Proportion(
            numerator: events, denominator: population, levels: levels,
            method: methods.proportions, multiplier: multiplier)
        case .mean: break
        }
      }
      if specification.measure == .mean && cell.valueCount >= 2 {
        let n = cell.valueCount
        let m = events / n
        let sd = (max(0, cell.valueSquares - n * m * m) / (n - 1)).squareRoot()
        s.mean = try Mean(
          mean: m * multiplier, standardDeviation: sd * multiplier, count: Int(n), levels: levels)
        s.meanSpread = (sd * multiplier, n)
      }
      if let weights, specification.measure == .rate, cell.hasPopulation, population > 0,
        cell.events.count == weights.count
      {
        if cell.eventsByFrequency.isEmpty {
          s.standardised = try DirectlyStandardisedRate(
            events: cell.events, populations: cell.population, standard: weights, levels: levels,
            method: methods.standardised, multiplier: multiplier)
        } else {
          // People with f events each: the row's events ÷ f (PHE's eventfreq convention).
          let frequencies = cell.eventsByFrequency.keys.sorted()
          let people = weights.indices.map { band in
            frequencies.map { f in cell.eventsByFrequency[f]![band] / f }
          }
          s.standardised = try DirectlyStandardisedRate(
            peopleByFrequency: people, eventFrequencies: frequencies,
            populations: cell.population, standard: weights, levels: levels,
            method: methods.standardised, multiplier: multiplier)
        }
      }
      if specification.indirect, cell.hasPopulation {
        if let referenceFile {
          var populations: [Double] = []
          var rates: [Double] = []
          // A fixed order (band, then the extra keys) keeps the sum the same on every run.
          let ordered = cell.referencePopulation.sorted { a, b in
            a.key.band != b.key.band
              ? a.key.band < b.key.band : a.key.keys.lexicographicallyPrecedes(b.key.keys)
          }
          for (key, n) in ordered where n > 0 {
            guard let r = referenceFile.rates[key] else {
              throw AnalysisError.referenceRates(
                "no reference rate for age \(key.band.label)\(key.keys.isEmpty ? "" : " and " + key.keys.joined(separator: ", ")), where group \(code) has population \(CSVRenderer.format(n)). Add that row to the reference rates.",
                SourceLocation(file: referenceFile.file))
            }
            populations.append(n)
            rates.append(r)
          }
          if !populations.isEmpty {
            let ref = try ReferenceRates(rates: rates, crudeRate: referenceFile.crudeRate)
            s.smr = try IndirectlyStandardisedRatio(
              observed: events, populations: populations, reference: ref, levels: levels,
              method: .poisson(methods.counts))
            if ref.crudeRate != nil {
              s.isr = try IndirectlyStandardisedRate(
                ratio: s.smr!, reference: ref, multiplier: multiplier)
            }
          }
        } else if let reference, cell.events.count == reference.rates.count {
          s.smr = try IndirectlyStandardisedRatio(
            events: cell.events, populations: cell.population, reference: reference,
            levels: levels, method: .poisson(methods.counts))
          s.isr = try IndirectlyStandardisedRate(
            ratio: s.smr!, reference: reference, multiplier: multiplier)
        }
      }
    } catch let error as StatisticsError {
      // Name the stratum of --by too: the group alone does not say where to look.
      let stratum = zip(specification.by, by).map { "\($0) \($1)" }.joined(separator: ", ")
      let group = labels[code] ?? code
      throw error.located(at: nil, group: stratum.isEmpty ? group : "\(group)\" in \"\(stratum)")
    }
    return s
  }

  /// Computes a stratum.
  func compute(stratum: Cube.Stratum, cube: Cube) throws -> StratumResults {
    // The stratum's groups in report order, and where each one's cell is: one lookup per
    // group (thousands under `raw`), and the cells read in place rather than copied.
    var codes: [String] = []
    var codeLabels: [String] = []
    var positions: [Int] = []
    codes.reserveCapacity(stratum.codes.count)
    codeLabels.reserveCapacity(stratum.codes.count)
    positions.reserveCapacity(stratum.codes.count)
    for (i, number) in groupOrderNumbers.enumerated() {
      if let p = stratum.position(ofNumber: number) {
        codes.append(groupOrder[i])
        codeLabels.append(groupOrderLabels[i])
        positions.append(p)
      }
    }

    // Reference rates from all groups together, when standardising indirectly without a file.
    var internalReference: ReferenceRates? = nil
    if specification.indirect && referenceFile == nil {
      guard weights != nil else { throw AnalysisError.indirectNeedsAgeSpecificEvents }
      if let name = referenceRatesGroup {
        let code = try resolveReference(name, among: codes)
        let cell = stratum.cells[positions[codes.firstIndex(of: code)!]]
        internalReference = try ReferenceRates(events: cell.events, populations: cell.population)
      } else {
        let bands = positions.map { stratum.cells[$0] }
        internalReference = try ReferenceRates.combining(
          bands.map { AgeSpecificCounts(events: $0.events, populations: $0.population) })
      }
    }

    // The reference group, found before the groups' statistics: its own statistics are
    // computed alone, so that each group's statistics and row are then made in one pass.
    var referenceStats: Statistics? = nil
    var referenceName: String? = nil
    var referenceCode: String? = nil
    var absentReference: String? = nil
    switch specification.reference {
    case .none: break
    case .overall:
      var all = Cube.Cell()
      for p in positions {
        let c = stratum.cells[p]
        if all.events.isEmpty {
          all.events = c.events.map { _ in 0 }
          all.population = c.population.map { _ in 0 }
        }
        for i in c.events.indices {
          all.events[i] += c.events[i]
          all.population[i] += c.population[i]
        }
        all.hasEvents = all.hasEvents || c.hasEvents
        all.hasPopulation = all.hasPopulation || c.hasPopulation
      }
      referenceStats = try statistics(
        of: all, code: "overall", reference: internalReference, by: stratum.by)
      referenceName = "all groups together"
    case .largest:
      referenceCode = codes.indices.max { a, b in
        let ca = stratum.cells[positions[a]]
        let cb = stratum.cells[positions[b]]
        let pa = ca.population.reduce(0, +)
        let pb = cb.population.reduce(0, +)
        if pa != pb { return pa < pb }
        return ca.events.reduce(0, +) < cb.events.reduce(0, +)
      }.map { codes[$0] }
    case .group(let name):
      do {
        referenceCode = try resolveReference(name, among: codes)
      } catch {
        // A group of the data that this stratum of --by lacks: no comparisons here (flagged),
        // rather than an error saying the group is not in the data.
        let everywhere = zip(groupOrder, groupOrderNumbers).filter { _, number in
          cube.strata.contains { $0.position(ofNumber: number) != nil }
        }.map(\.0)
        let code = try resolveReference(name, among: everywhere)
        absentReference = labels[code] ?? code
      }
    }
    if let referenceCode {
      let i = codes.firstIndex(of: referenceCode)!
      referenceStats = try statistics(
        of: stratum.cells[positions[i]], code: codes[i], reference: internalReference,
        by: stratum.by)
      referenceName = labels[referenceCode] ?? referenceCode
    }

    // Each group's statistics and row: independent of one another, so computed on the
    // available cores (thousands of groups under `raw`), in one pass: the statistics of
    // 20,000 groups kept in an array between two passes were 15 MB of memory touched once.
    // (The same function of the same counts: the reference group's statistics here are the
    // ones computed above.)
    let results = try ParallelMap.map(count: codes.count, blockSize: 512) { i in
      let cell = stratum.cells[positions[i]]
      return try result(
        code: codes[i], label: codeLabels[i], cell: cell,
        statistics: try statistics(
          of: cell, code: codes[i], reference: internalReference, by: stratum.by),
        stratum: stratum, referenceCode: referenceCode, referenceStats: referenceStats,
        absentReference: absentReference)
    }
    return StratumResults(results: results, referenceName: referenceName)
  }

  /// One group's row: its statistics, flags and comparison with the reference group.
  private func result(
    code: String, label: String, cell: Cube.Cell, statistics s: Statistics, stratum: Cube.Stratum,
    referenceCode: String?, referenceStats: Statistics?, absentReference: String?
  ) throws -> GroupResult {
    var r = GroupResult(
      by: stratum.by, code: code, label: label,
      events: cell.events.reduce(0, +),
      population: cell.hasPopulation ? cell.population.reduce(0, +) : nil)
    var flags: [String] = []
    if let crude = s.crude {
      r.crude = estimate(crude.value, crude.intervals, standardError: crude.variance.squareRoot())
      flags += crude.flags.map(\.rawValue)
    }
    if let mean = s.mean, let spread = s.meanSpread {
      r.crude = estimate(
        mean.value, mean.intervals, standardError: spread.sd / spread.n.squareRoot())
      // For means the count is the number of values (what disclosure control protects).
      r.events = spread.n
      r.population = spread.n
    } else if specification.measure == .mean {
      flags.append("fewer than 2 values: no mean interval")
    }
    if let p = s.proportion {
      let se = (p.fraction * (1 - p.fraction) / p.denominator).squareRoot() * multiplier
      r.crude = estimate(p.value, p.intervals, standardError: se)
      flags += p.flags.map(\.rawValue)
    }
    if let dsr = s.standardised {
      r.standardised = estimate(dsr.value, dsr.intervals, standardError: dsr.standardError)
      flags += dsr.flags.map(\.rawValue)
    }
    if let smr = s.smr {
      r.observed = smr.observed
      r.expected = smr.expected
      r.smr = estimate(smr.value, smr.intervals)
      flags += smr.flags.map(\.rawValue)
    }
    if let isr = s.isr { r.isr = estimate(isr.value, isr.intervals) }
    // Counts missing or suppressed at source ("<5") were added as nothing: the group's values
    // are underestimates, and "no events" would be untrue.
    if cell.incompleteEventRows > 0 {
      flags.removeAll { $0 == ResultFlag.noEvents.rawValue }
      flags.append(
        "events missing or suppressed at source in \(cell.incompleteEventRows) row(s): values are underestimates"
      )
    }
    if cell.incompletePopulationRows > 0 {
      flags.append(
        "population missing or suppressed at source in \(cell.incompletePopulationRows) row(s)")
    }
    // A population of 0 leaves every rate empty, as a missing one does: say why.
    if specification.denominatorExpected
      && (!cell.hasPopulation || cell.population.reduce(0, +) == 0)
    {
      flags.append("no population")
    }
    if code == referenceCode {
      r.isReference = true
      flags.append("reference group")
    } else if specification.measure == .mean, let ref = referenceStats {
      // Means are compared by their difference; the words follow its interval against 0.
      if let d = meanDifference(s, ref) {
        r.difference = d
        r.significance = d.limits.map { l in
          l.lower > 0 ? .higher : (l.upper < 0 ? .lower : .similar)
        }
        if r.significance.count != levels.count { r.significance = [] }
      }
    } else if let ref = referenceStats {
      let comparison = try compare(s, with: ref)
      if let (ratio, difference) = comparison {
        if let value = ratio.estimate { r.ratio = estimate(value, ratio.intervals) }
        if let value = difference.estimate {
          r.difference = estimate(value, difference.intervals)
        }
        if let a = s.proportion, let b = referenceStats?.proportion {
          let odds = Comparison.oddsRatio(a, versus: b)
          if let value = odds.estimate { r.oddsRatio = estimate(value, odds.intervals) }
        }
        r.significance = levels.compactMap { ratio.significance(at: $0) }
        if r.significance.count != levels.count { r.significance = [] }
        // Flags the group's own estimates did not raise came from the reference side: say so,
        // rather than flag a group of 20 events "fewer than 10 events".
        for f in ratio.flags where !flags.contains(f.rawValue) {
          switch f {
          case .fewerThan10Events: flags.append("reference group: fewer than 10 events")
          case .noEvents: continue  // the reference's; "no events in the reference group" says it
          default: flags.append(f.rawValue)
          }
        }
      }
    } else if let absentReference {
      flags.append("no reference group in this stratum (\(absentReference))")
    }
    // Each flag once, in order (a group has a handful: a linear search beats hashing).
    var unique: [String] = []
    unique.reserveCapacity(flags.count)
    for flag in flags where !unique.contains(flag) { unique.append(flag) }
    r.flags = unique
    return r
  }

  /// The ratio and difference of a group against the reference: of standardised rates with
  /// age, of crude rates (or proportions) without.
  func compare(_ s: Statistics, with ref: Statistics) throws -> (Comparison, Comparison)? {
    if let a = s.standardised, let b = ref.standardised {
      return (Comparison.rateRatio(a, versus: b), try Comparison.rateDifference(a, versus: b))
    }
    if weights == nil, let a = s.crude, let b = ref.crude {
      return (Comparison.rateRatio(a, versus: b), try Comparison.rateDifference(a, versus: b))
    }
    if let a = s.proportion, let b = ref.proportion {
      return (
        Comparison.riskRatio(a, versus: b), try Comparison.proportionDifference(a, versus: b)
      )
    }
    return nil
  }

  /// The difference of two means with Welch's t interval (Welch–Satterthwaite degrees of
  /// freedom): (m₁ − m₀) ± t(1 − α/2; ν) √(s₁²/n₁ + s₀²/n₀).
  func meanDifference(_ s: Statistics, _ ref: Statistics) -> EstimateWithLimits? {
    guard let a = s.mean, let b = ref.mean, let sa = s.meanSpread, let sb = ref.meanSpread
    else { return nil }
    let va = sa.sd * sa.sd / sa.n
    let vb = sb.sd * sb.sd / sb.n
    let se = (va + vb).squareRoot()
    let d = a.value - b.value
    guard se > 0 else { return EstimateWithLimits(value: d, limits: [], standardError: 0) }
    let df = (va + vb) * (va + vb) / (va * va / (sa.n - 1) + vb * vb / (sb.n - 1))
    let limits = levels.map { level -> ClosedLimits in
      let t = Distributions.studentsTQuantile(1 - level.alpha / 2, degreesOfFreedom: df)
      return ClosedLimits(lower: d - t * se, upper: d + t * se)
    }
    return EstimateWithLimits(value: d, limits: limits, standardError: se)
  }

  /// A named reference group: a code or label of the target scheme, as the user wrote it.
  func resolveReference(_ name: String, among codes: [String]) throws -> String {
    let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
    if let code = codes.first(where: {
      $0.lowercased() == wanted || (labels[$0] ?? "").lowercased() == wanted
    }) {
      return code
    }
    let classified = normaliser.classify(name)
    if classified.status == .group, codes.contains(classified.code) {
      return classified.code
    }
    throw AnalysisError.unknownReferenceGroup(
      name, available: codes.map { "\($0) (\(labels[$0] ?? $0))" })
  }

  func estimate(
    _ value: Double, _ intervals: [ConfidenceInterval], standardError: Double? = nil
  ) -> EstimateWithLimits {
    // A loop into a reserved array: `compactMap`'s growing array cost twice the rest here,
    // twice per group for thousands of groups.
    var limits: [ClosedLimits] = []
    limits.reserveCapacity(levels.count)
    for level in levels {
      if let interval = intervals.first(where: { $0.level == level }) {
        limits.append(ClosedLimits(lower: interval.lower, upper: interval.upper))
      }
    }
    return EstimateWithLimits(value: value, limits: limits, standardError: standardError)
  }

  /// The methods footnotes of the report.
  func methodsNotes(
    standard: AgeAlignment?, referenceBands: AgeAlignment?, referenceNames: [String],
    redistribution: [String]
  ) -> [String] {
    var notes: [String] = []
    let scale =
      multiplier == multiplier.rounded() && multiplier < 1e15
      ? ReadableNumber.thousands(Int64(multiplier)) : "\(multiplier)"
    let levelsText = levels.map(\.description).joined(separator: " and ")
    switch specification.measure {
    case .rate:
      notes.append(
        "Rates are per \(scale) population, with \(levelsText) confidence intervals: \(countMethodText) for counts and crude rates."
      )
    case .proportion:
      notes.append(
        "Proportions are per \(scale), with \(levelsText) confidence intervals by the \(methods.proportions == .wilson ? "Wilson score" : "Clopper–Pearson exact") method."
      )
    case .mean:
      notes.append(
        "Means of the values in each group, with \(levelsText) Student t confidence intervals; groups are compared with the reference by the difference of means, with Welch's t interval (Welch–Satterthwaite degrees of freedom)."
      )
    }
    if let standard {
      notes.append(
        "Directly standardised rates use the \(standard.aligned.standard.name) standard population, with \(standardisedMethodText) intervals."
      )
      notes += standard.aligned.notes
    }
    if specification.indirect {
      if let referenceFile {
        notes.append(
          "Indirectly standardised ratios (SMR = observed ÷ expected) use the reference rates in \(referenceFile.file), by age\(referenceFile.extraKeys.isEmpty ? "" : " and " + referenceFile.extraKeys.joined(separator: ", ")); limits by \(countMethodText)."
        )
      } else if let name = referenceRatesGroup {
        notes.append(
          "Indirectly standardised ratios (SMR = observed ÷ expected) use the age-specific rates of the group \(name) as the reference; limits by \(countMethodText)."
        )
      } else {
        notes.append(
          "Indirectly standardised ratios (SMR = observed ÷ expected) use age-specific rates of all groups together as the reference; limits by \(countMethodText)."
        )
      }
    }
    switch specification.reference {
    case .none: notes.append("No reference group: ratios and differences are not given.")
    default:
      if !referenceNames.isEmpty {
        let how = specification.reference == .largest ? " (the largest group)" : ""
        notes.append(
          "Ratios and differences compare each group with \(referenceNames.map { EthnicGroupNames.displayName(for: $0) }.joined(separator: "; "))\(how): of standardised rates where ages are given, of crude rates otherwise; ratio intervals on the log scale. \"Higher\" or \"lower\" means the ratio's interval excludes 1."
        )
      }
    }
    switch specification.unknown {
    case .exclude:
      notes.append(
        "Records of unknown ethnicity (not stated or not known) are left out of every group; their number is given under data quality."
      )
    case .redistribute:
      notes += redistribution
    }
    // Disclosure control is described once, in the report's own footnote.
    return notes
  }

  var countMethodText: String {
    switch methods.counts {
    case .exact: return "exact Poisson limits"
    case .byar: return "Byar's approximation"
    case .pheRule: return "exact Poisson limits below 10 events and Byar's approximation from 10"
    }
  }

  var standardisedMethodText: String {
    switch methods.standardised {
    case .dobson(let counts):
      return counts == .exact ? "Dobson (with exact Poisson limits)" : "Dobson (with Byar's limits)"
    case .fayFeuer: return "Fay–Feuer gamma"
    case .tiwari: return "Tiwari modified gamma"
    }
  }
}

extension AnalysisSpecification {
  /// Whether the run has denominators at all (a separate file or a column).
  var denominatorExpected: Bool { populationFile != nil || denominator != nil }
}
