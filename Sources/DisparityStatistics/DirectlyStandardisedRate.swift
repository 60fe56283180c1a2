/// Which interval to put on a directly standardised rate.
public enum DirectStandardisationMethod: Sendable, Hashable {
  /// Dobson et al. (1991): DSR + √(v/O)·(O_limit − O), with O_limit the limits on the total count O.
  /// The default, Byar at every O, is PHEindicatormethods `calculate_dsr`; `.exact` uses exact
  /// limits at every O and `.pheRule` exact below 10 events.
  case dobson(counts: PoissonCountMethod = .byar)
  /// Fay & Feuer (1997) gamma interval (epitools `ageadjust.direct`, SEER*Stat).
  case fayFeuer
  /// Tiwari, Clegg & Zou (2006) modified gamma interval.
  case tiwari
}

/// A directly standardised rate (DSR) with its variance and confidence intervals.
///
/// With w_i = s_i / (Σs · n_i): DSR = Σ w_i x_i × multiplier, v = Σ w_i² x_i, O = Σ x_i
/// (METHODS.md). Age bands with no population and no events contribute nothing (their standard
/// weight stays in Σs, so weights are never silently re-scaled); a band with no population but
/// with events is an error. Results from fewer than 10 events are computed and flagged,
/// never dropped (PHE returns NA there).
///
/// With no events (O = 0) the DSR is 0 with lower limit 0; the upper limit is w_M × U(0) for
/// Dobson, with w_M the largest band weight and U(0) the upper limit on a count of 0 by the
/// chosen count method (3.689 exact, 3.668 Byar, at 95%): √(v/O) is 0/0 there, and w_M × U(0)
/// is what Fay–Feuer gives (with exact U(0)). Fay–Feuer and Tiwari are defined at O = 0.
public struct DirectlyStandardisedRate: Sendable, Hashable, RateEstimate {
  /// The total number of events, O.
  public let events: Double
  /// The total population, Σ n_i.
  public let population: Double
  /// The scale of the rate.
  public let multiplier: Double
  /// The DSR on the multiplier scale.
  public let value: Double
  /// The variance of ``value`` on the multiplier scale, v × multiplier² (for ratios and
  /// differences). For non-independent events it is the adjusted Σ_f f² v_f × multiplier².
  public let variance: Double
  /// The interval method.
  public let method: DirectStandardisationMethod
  /// One interval per requested level, on the multiplier scale.
  public let intervals: [ConfidenceInterval]
  /// "fewer than 10 events", "no events".
  public let flags: [ResultFlag]

  /// The standard error √variance on the multiplier scale.
  public var standardError: Double { variance.squareRoot() }

  /// Standardises counts of independent events.
  ///
  /// - Parameters:
  ///   - events: events per age band.
  ///   - populations: population per age band, aligned with `events`.
  ///   - standard: standard population per band (need not sum to 100,000).
  /// - Throws: ``StatisticsError`` for misaligned bands, negative or non-finite values, events in
  ///   a band with no population, a standard summing to zero, no levels or a bad multiplier.
  public init(
    events: borrowing [Double], populations: borrowing [Double], standard: borrowing [Double],
    levels: borrowing [ConfidenceLevel] = [.ninetyFive],
    method: DirectStandardisationMethod = .dobson(), multiplier: Double = 100_000
  ) throws(StatisticsError) {
    try validateBandValues(events, "events")
    let sums = try Self.withWeights(populations: populations, standard: standard, events: events) {
      weights in
      var sums = WeightSums(weights, populations: populations)
      events.withUnsafeBufferPointer { events in
        for i in 0..<events.count where events[i] > 0 {
          let x = events[i]
          sums.rate += weights[i] * x
          sums.variance += weights[i] * weights[i] * x
        }
      }
      return sums
    }
    try self.init(
      total: events.reduce(0, +), populations: populations, sums: sums, levels: levels,
      method: method, multiplier: multiplier)
  }

  /// Standardises events that may repeat within a person (PHE 2.1 `independent_events = FALSE`).
  ///
  /// `peopleByFrequency[i][k]` is the number of people in band i with `eventFrequencies[k]`
  /// events each. Events per band are x_i = Σ_k f_k p_ik; the variance is Σ_k f_k² v_k with
  /// v_k = Σ_i w_i² p_ik. Fay–Feuer and Tiwari use this variance in place of Σ w_i² x_i.
  /// (PHE sums the standard over the rows present for each frequency; with every band listed
  /// for every frequency, zeros allowed, that is Σs as here.)
  public init(
    peopleByFrequency: [[Double]], eventFrequencies: [Double], populations: [Double],
    standard: [Double], levels: [ConfidenceLevel] = [.ninetyFive],
    method: DirectStandardisationMethod = .dobson(), multiplier: Double = 100_000
  ) throws(StatisticsError) {
    for frequency in eventFrequencies where !(frequency.isFinite && frequency > 0) {
      throw StatisticsError(.invalidEventFrequency(frequency))
    }
    var events = [Double](repeating: 0, count: peopleByFrequency.count)
    for (i, people) in peopleByFrequency.enumerated() {
      guard people.count == eventFrequencies.count else {
        throw StatisticsError(
          .bandCountMismatch(
            quantity: "people by event frequency in band \(i + 1)",
            expected: eventFrequencies.count, found: people.count))
      }
      try validateBandValues(people, "people with repeat events in band \(i + 1), frequency")
      for (k, count) in people.enumerated() { events[i] += eventFrequencies[k] * count }
    }
    let sums = try Self.withWeights(populations: populations, standard: standard, events: events) {
      weights in
      var sums = WeightSums(weights, populations: populations)
      for (i, people) in peopleByFrequency.enumerated() where events[i] > 0 {
        sums.rate += weights[i] * events[i]
        for (k, count) in people.enumerated() {
          sums.variance +=
            eventFrequencies[k] * eventFrequencies[k] * weights[i] * weights[i] * count
        }
      }
      return sums
    }
    try self.init(
      total: events.reduce(0, +), populations: populations, sums: sums, levels: levels,
      method: method, multiplier: multiplier)
  }

  /// What a rate and its intervals need from the band weights: the rate and variance (before
  /// the multiplier), and the largest and mean weights of the bands with population.
  private struct WeightSums {
    var rate = 0.0
    var variance = 0.0
    /// w_M, for Fay–Feuer and for Dobson at O = 0.
    var maximumWeight = 0.0
    /// The mean weight and mean squared weight, for Tiwari.
    var meanWeight = 0.0
    var meanSquaredWeight = 0.0

    /// The largest and mean weights of the bands with population, in one pass in band order
    /// (the sums are the same as over a filtered array, without building it: the filter's
    /// growing array was half of the initialiser's cost for 20,000 groups).
    /// (By index through pointers: `zip` over the weights and the populations was 25
    /// instructions a band.)
    init(_ weights: UnsafeMutableBufferPointer<Double>, populations: borrowing [Double]) {
      var weightSum = 0.0
      var squaredWeightSum = 0.0
      var present = 0
      var largest = 0.0
      populations.withUnsafeBufferPointer { populations in
        for i in 0..<min(weights.count, populations.count) where populations[i] > 0 {
          let w = weights[i]
          largest = max(largest, w)  // weights are ≥ 0: as the filtered max ?? 0
          weightSum += w
          squaredWeightSum += w * w
          present &+= 1
        }
      }
      maximumWeight = largest
      meanWeight = weightSum / Double(max(present, 1))
      meanSquaredWeight = squaredWeightSum / Double(max(present, 1))
    }
  }

  /// Calls `body` with the band weights w_i = s_i / (Σs · n_i), 0 for bands with no population
  /// (validated to have no events), and returns what it sums from them.
  private static func withWeights(
    populations: [Double], standard: [Double], events: [Double],
    _ body: (UnsafeMutableBufferPointer<Double>) -> WeightSums
  ) throws(StatisticsError) -> WeightSums {
    guard !events.isEmpty else { throw StatisticsError(.noBands) }
    guard populations.count == events.count else {
      throw StatisticsError(
        .bandCountMismatch(
          quantity: "populations", expected: events.count, found: populations.count))
    }
    guard standard.count == events.count else {
      throw StatisticsError(
        .bandCountMismatch(
          quantity: "the standard population", expected: events.count, found: standard.count))
    }
    try validateBandValues(populations, "population")
    try validateBandValues(standard, "standard population")
    guard populations.contains(where: { $0 > 0 }) else {
      throw StatisticsError(.nonPositivePopulation(0))
    }
    let total = standard.reduce(0, +)
    guard total > 0 else { throw StatisticsError(.standardSumsToZero) }
    for i in events.indices where populations[i] == 0 && events[i] > 0 {
      throw StatisticsError(.eventsWithoutPopulation(band: i + 1, events: events[i]))
    }
    // On the stack: an array per rate cost more to allocate (about 500 instructions, most of
    // it the runtime's look-up of the array's storage type) than the rest of the weights.
    // (The counts are checked equal above; read through pointers, without a bounds check per
    // band and array.)
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: events.count) { weights in
      populations.withUnsafeBufferPointer { populations in
        standard.withUnsafeBufferPointer { standard in
          for i in 0..<weights.count {
            weights[i] = populations[i] == 0 ? 0 : standard[i] / (total * populations[i])
          }
        }
      }
      return body(weights)
    }
  }

  private init(
    total: Double, populations: borrowing [Double], sums: WeightSums,
    levels: borrowing [ConfidenceLevel], method: DirectStandardisationMethod, multiplier: Double
  ) throws(StatisticsError) {
    try validateLevels(levels)
    try validateMultiplier(multiplier)
    events = total
    population = populations.reduce(0, +)
    self.multiplier = multiplier
    self.method = method
    let rate = sums.rate
    let variance = sums.variance
    value = rate * multiplier
    self.variance = variance * multiplier * multiplier
    flags = countFlags(total)
    let maximumWeight = sums.maximumWeight
    let meanWeight = sums.meanWeight
    let meanSquaredWeight = sums.meanSquaredWeight

    intervals = levels.map { level in
      let limits: (lower: Double, upper: Double)
      let used: IntervalMethod
      switch method {
      case .dobson(let counts):
        let count = PoissonLimits.interval(total, level: level, method: counts)
        used = count.method == .exact ? .dobsonExact : .dobsonByar
        if total > 0 {
          let factor = (variance / total).squareRoot()
          limits = (rate + factor * (count.lower - total), rate + factor * (count.upper - total))
        } else {
          limits = (0, maximumWeight * count.upper)
        }
      case .fayFeuer:
        used = .fayFeuer
        limits = Self.gammaLimits(
          rate: rate, variance: variance, alpha: level.alpha, extra: maximumWeight,
          extraSquared: maximumWeight * maximumWeight)
      case .tiwari:
        used = .tiwari
        limits = Self.gammaLimits(
          rate: rate, variance: variance, alpha: level.alpha, extra: meanWeight,
          extraSquared: meanSquaredWeight)
      }
      return ConfidenceInterval(
        level: level, method: used, lower: limits.lower * multiplier,
        upper: limits.upper * multiplier)
    }
  }

  /// L = G⁻¹(α/2; y²/v, v/y) (0 when y = 0);
  /// U = G⁻¹(1 − α/2; (y + a)²/(v + b), (v + b)/(y + a)) with a = w_M, b = w_M² (Fay–Feuer)
  /// or a = mean w, b = mean w² (Tiwari).
  private static func gammaLimits(
    rate y: Double, variance v: Double, alpha: Double, extra a: Double, extraSquared b: Double
  ) -> (lower: Double, upper: Double) {
    let lower =
      y > 0 ? Distributions.gammaQuantile(alpha / 2, shape: y * y / v, scale: v / y) : 0
    let upper = Distributions.gammaQuantile(
      1 - alpha / 2, shape: (y + a) * (y + a) / (v + b), scale: (v + b) / (y + a))
    return (lower, upper)
  }
}
