import Foundation

/// Events and populations by age band for one group: the raw material of reference rates.
public struct AgeSpecificCounts: Sendable, Hashable {
  /// Events per age band.
  public var events: [Double]
  /// Population per age band, aligned with `events`.
  public var populations: [Double]

  /// Creates the counts of one group.
  public init(events: [Double], populations: [Double]) {
    self.events = events
    self.populations = populations
  }
}

/// Age-specific reference rates r_i for indirect standardisation, per person.
public struct ReferenceRates: Sendable, Hashable {
  /// r_i = events_i / population_i per person; `nil` for a band with no reference population.
  public let rates: [Double?]
  /// The reference crude rate Σ events / Σ population per person, when known (needed for ISRate).
  public let crudeRate: Double?

  /// Rates from reference events and populations by band (PHE `x_ref`, `n_ref`).
  ///
  /// - Throws: ``StatisticsError`` for misaligned, negative or non-finite values, or events in a
  ///   band with no population.
  public init(events: [Double], populations: [Double]) throws(StatisticsError) {
    guard !events.isEmpty else { throw StatisticsError(.noBands) }
    guard populations.count == events.count else {
      throw StatisticsError(
        .bandCountMismatch(
          quantity: "reference populations", expected: events.count, found: populations.count))
    }
    try validateBandValues(events, "reference events")
    try validateBandValues(populations, "reference population")
    var rates: [Double?] = []
    for i in events.indices {
      if populations[i] > 0 {
        rates.append(events[i] / populations[i])
      } else if events[i] > 0 {
        throw StatisticsError(.eventsWithoutPopulation(band: i + 1, events: events[i]))
      } else {
        rates.append(nil)
      }
    }
    self.rates = rates
    let totalPopulation = populations.reduce(0, +)
    guard totalPopulation > 0 else { throw StatisticsError(.nonPositivePopulation(0)) }
    crudeRate = events.reduce(0, +) / totalPopulation
  }

  /// Rates given directly per person (e.g. a `rate` column), with the crude rate if known.
  public init(rates: [Double], crudeRate: Double? = nil) throws(StatisticsError) {
    guard !rates.isEmpty else { throw StatisticsError(.noBands) }
    try validateBandValues(rates, "reference rate")
    if let crudeRate { try validateValue(crudeRate, "reference crude rate") }
    self.rates = rates
    self.crudeRate = crudeRate
  }

  /// Reference rates from all groups together: events and populations summed band by band.
  public static func combining(_ groups: [AgeSpecificCounts]) throws(StatisticsError)
    -> ReferenceRates
  {
    guard let first = groups.first else { throw StatisticsError(.noBands) }
    var events = [Double](repeating: 0, count: first.events.count)
    var populations = events
    for group in groups {
      guard group.events.count == events.count else {
        throw StatisticsError(
          .bandCountMismatch(quantity: "events", expected: events.count, found: group.events.count))
      }
      guard group.populations.count == events.count else {
        throw StatisticsError(
          .bandCountMismatch(
            quantity: "populations", expected: events.count, found: group.populations.count))
      }
      for i in events.indices {
        events[i] += group.events[i]
        populations[i] += group.populations[i]
      }
    }
    return try ReferenceRates(events: events, populations: populations)
  }

  /// Reference rates from one named group.
  ///
  /// - Throws: ``StatisticsError/Problem/unknownReferenceGroup(_:available:)`` when `name` is not
  ///   a key of `groups`.
  public static func group(_ name: String, in groups: [String: AgeSpecificCounts])
    throws(StatisticsError) -> ReferenceRates
  {
    guard let counts = groups[name] else {
      throw StatisticsError(.unknownReferenceGroup(name, available: groups.keys.sorted()))
    }
    return try ReferenceRates(events: counts.events, populations: counts.populations)
  }

  /// E = Σ r_i n_i. Bands with no population in the group contribute nothing.
  func expected(populations: [Double]) throws(StatisticsError) -> Double {
    guard populations.count == rates.count else {
      throw StatisticsError(
        .bandCountMismatch(quantity: "populations", expected: rates.count, found: populations.count)
      )
    }
    try validateBandValues(populations, "population")
    var expected = 0.0
    for (i, population) in populations.enumerated() where population > 0 {
      guard let rate = rates[i] else { throw StatisticsError(.undefinedReferenceRate(band: i + 1)) }
      expected += rate * population
    }
    guard expected > 0 else { throw StatisticsError(.zeroExpected) }
    return expected
  }
}

/// Which interval to put on an indirectly standardised ratio.
public enum IndirectStandardisationMethod: Sendable, Hashable {
  /// Poisson limits on the observed count divided by E; the default `.pheRule` is PHE's
  /// `calculate_ISRatio` (exact below 10 events, Byar from 10).
  case poisson(PoissonCountMethod = .pheRule)
  /// SMR × exp(∓ z/√O), as epitools `ageadjust.indirect`. With O = 0 this is undefined, so the
  /// exact interval is given instead (and tagged ``IntervalMethod/exact``).
  case logNormal
}

/// An indirectly standardised ratio (SMR): observed / expected, with E = Σ r_i n_i.
public struct IndirectlyStandardisedRatio: Sendable, Hashable, IntervalEstimate {
  /// The observed number of events, O.
  public let observed: Double
  /// The expected number of events, E.
  public let expected: Double
  /// The scale: 1 gives ratios (1 = as expected), 100 percentages (PHE `refvalue`).
  public let scale: Double
  /// O / E × scale.
  public let value: Double
  /// One interval per requested level, on the same scale.
  public let intervals: [ConfidenceInterval]
  /// "fewer than 10 events", "no events".
  public let flags: [ResultFlag]

  /// The SMR of a group with events by age band.
  public init(
    events: [Double], populations: [Double], reference: ReferenceRates,
    levels: [ConfidenceLevel] = [.ninetyFive], method: IndirectStandardisationMethod = .poisson(),
    scale: Double = 1
  ) throws(StatisticsError) {
    guard events.count == populations.count else {
      throw StatisticsError(
        .bandCountMismatch(quantity: "events", expected: populations.count, found: events.count))
    }
    try validateBandValues(events, "events")
    for i in events.indices where events[i] > 0 && populations[i] == 0 {
      throw StatisticsError(.eventsWithoutPopulation(band: i + 1, events: events[i]))
    }
    try self.init(
      observed: events.reduce(0, +), populations: populations, reference: reference,
      levels: levels, method: method, scale: scale)
  }

  /// The SMR of a group whose observed total has no age breakdown (populations still by band).
  public init(
    observed: Double, populations: [Double], reference: ReferenceRates,
    levels: [ConfidenceLevel] = [.ninetyFive], method: IndirectStandardisationMethod = .poisson(),
    scale: Double = 1
  ) throws(StatisticsError) {
    try validateValue(observed, "observed events")
    try validateLevels(levels)
    try validateMultiplier(scale)
    let expected = try reference.expected(populations: populations)
    self.observed = observed
    self.expected = expected
    self.scale = scale
    value = observed / expected * scale
    let factor = scale / expected
    intervals = levels.map { level in
      var interval: ConfidenceInterval
      switch method {
      case .poisson(let counts):
        interval = PoissonLimits.interval(observed, level: level, method: counts)
      case .logNormal where observed > 0:
        let spread = level.z / observed.squareRoot()
        interval = ConfidenceInterval(
          level: level, method: .logNormal, lower: observed * exp(-spread),
          upper: observed * exp(spread))
      case .logNormal:
        interval = PoissonLimits.interval(observed, level: level, method: .exact)
      }
      interval.lower *= factor
      interval.upper *= factor
      return interval
    }
    flags = countFlags(observed)
  }
}

/// An indirectly standardised rate: SMR × the reference crude rate × multiplier.
public struct IndirectlyStandardisedRate: Sendable, Hashable, IntervalEstimate {
  /// The underlying ratio (on the ×1 scale).
  public let ratio: IndirectlyStandardisedRatio
  /// The reference crude rate on the multiplier scale.
  public let referenceRate: Double
  /// The scale of the rate.
  public let multiplier: Double
  /// SMR × reference crude rate, on the multiplier scale.
  public let value: Double
  /// The ratio's intervals × the reference crude rate.
  public let intervals: [ConfidenceInterval]

  /// "fewer than 10 events", "no events" (those of the ratio).
  public var flags: [ResultFlag] { ratio.flags }

  /// The rate from a ratio; `reference` must carry its crude rate.
  public init(
    ratio: IndirectlyStandardisedRatio, reference: ReferenceRates, multiplier: Double = 100_000
  ) throws(StatisticsError) {
    try validateMultiplier(multiplier)
    guard let crude = reference.crudeRate else {
      throw StatisticsError(.missingReferenceCrudeRate)
    }
    self.ratio = ratio
    self.multiplier = multiplier
    referenceRate = crude * multiplier
    let factor = referenceRate / ratio.scale
    value = ratio.value * factor
    intervals = ratio.intervals.map {
      ConfidenceInterval(
        level: $0.level, method: $0.method, lower: $0.lower * factor, upper: $0.upper * factor)
    }
  }

  /// The ISRate of a group with events by age band (PHE `calculate_ISRate`).
  public init(
    events: [Double], populations: [Double], reference: ReferenceRates,
    levels: [ConfidenceLevel] = [.ninetyFive], method: IndirectStandardisationMethod = .poisson(),
    multiplier: Double = 100_000
  ) throws(StatisticsError) {
    let ratio = try IndirectlyStandardisedRatio(
      events: events, populations: populations, reference: reference, levels: levels,
      method: method)
    try self.init(ratio: ratio, reference: reference, multiplier: multiplier)
  }

  /// The ISRate of a group whose observed total has no age breakdown.
  public init(
    observed: Double, populations: [Double], reference: ReferenceRates,
    levels: [ConfidenceLevel] = [.ninetyFive], method: IndirectStandardisationMethod = .poisson(),
    multiplier: Double = 100_000
  ) throws(StatisticsError) {
    let ratio = try IndirectlyStandardisedRatio(
      observed: observed, populations: populations, reference: reference, levels: levels,
      method: method)
    try self.init(ratio: ratio, reference: reference, multiplier: multiplier)
  }
}
