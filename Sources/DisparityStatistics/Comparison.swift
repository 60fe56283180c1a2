import Foundation

/// How a group compares with the reference group, in words.
public enum Significance: String, Sendable, Hashable, CaseIterable {
  /// The interval lies wholly above the null value (1 for ratios, 0 for differences).
  case higher
  /// The interval contains the null value.
  case similar
  /// The interval lies wholly below the null value.
  case lower

  /// The word for an interval around a measure whose null value is `null`.
  public init(_ interval: ConfidenceInterval, null: Double) {
    if interval.lower > null {
      self = .higher
    } else if interval.upper < null {
      self = .lower
    } else {
      self = .similar
    }
  }
}

/// A comparison of a group with the reference group: a ratio or difference with intervals.
///
/// Zero counts are handled deliberately, never as NaN or a crash:
/// - a ratio whose reference has no events is undefined: `estimate` is `nil`, no intervals,
///   flag ``ResultFlag/noEventsInReference``;
/// - a ratio whose group has no events has `estimate` 0 and no intervals (the log scale is
///   undefined), flag ``ResultFlag/noEvents``;
/// - a risk or odds ratio with an empty 2×2 cell has its estimate when finite (else `nil`) and
///   no intervals, flag ``ResultFlag/emptyCell``;
/// - differences are always defined (a group with no events has variance 0).
/// ``significance(at:)`` is `nil` wherever there is no interval.
public struct Comparison: Sendable, Hashable, IntervalEstimate {
  /// What is being compared.
  public enum Measure: String, Sendable, Hashable, CaseIterable {
    /// Ratio of two rates (crude or standardised), on the ×1 scale.
    case rateRatio = "rate ratio"
    /// Difference of two rates, on the rates' multiplier scale.
    case rateDifference = "rate difference"
    /// Ratio of two proportions.
    case riskRatio = "risk ratio"
    /// Odds ratio of two proportions.
    case oddsRatio = "odds ratio"
    /// Difference of two proportions, on their multiplier scale.
    case proportionDifference = "proportion difference"

    /// 1 for ratios, 0 for differences.
    public var nullValue: Double {
      switch self {
      case .rateRatio, .riskRatio, .oddsRatio: return 1
      case .rateDifference, .proportionDifference: return 0
      }
    }
  }

  /// What is being compared.
  public let measure: Measure
  /// The ratio or difference; `nil` where undefined (see the type's documentation).
  public let estimate: Double?
  /// One interval per level; empty where undefined.
  public let intervals: [ConfidenceInterval]
  /// Why an estimate or interval is missing, and small-count warnings of either side.
  public let flags: [ResultFlag]

  /// Higher, similar or lower than the reference at `level`; `nil` when there is no interval.
  public func significance(at level: ConfidenceLevel) -> Significance? {
    interval(at: level).map { Significance($0, null: measure.nullValue) }
  }

  init(measure: Measure, estimate: Double?, intervals: [ConfidenceInterval], flags: [ResultFlag]) {
    self.measure = measure
    self.estimate = estimate
    self.intervals = intervals
    var seen = Set<ResultFlag>()
    self.flags = flags.filter { seen.insert($0).inserted }
  }

  /// A ratio with a log-scale interval exp(ln R ∓ z·se), or the zero-count cases.
  private static func logRatio(
    measure: Measure, groupEvents: Double, referenceEvents: Double, ratio: () -> Double,
    logStandardError: () -> Double, levels: [ConfidenceLevel], method: IntervalMethod,
    flags: [ResultFlag]
  ) -> Comparison {
    if referenceEvents == 0 {
      return Comparison(
        measure: measure, estimate: nil, intervals: [], flags: flags + [.noEventsInReference])
    }
    if groupEvents == 0 {
      return Comparison(measure: measure, estimate: 0, intervals: [], flags: flags + [.noEvents])
    }
    let estimate = ratio()
    let se = logStandardError()
    let intervals = levels.map { level in
      ConfidenceInterval(
        level: level, method: method, lower: estimate * exp(-level.z * se),
        upper: estimate * exp(level.z * se))
    }
    return Comparison(measure: measure, estimate: estimate, intervals: intervals, flags: flags)
  }

  private static func difference(
    measure: Measure, estimate: Double, variance: Double, levels: [ConfidenceLevel],
    flags: [ResultFlag]
  ) -> Comparison {
    let se = variance.squareRoot()
    let intervals = levels.map { level in
      ConfidenceInterval(
        level: level, method: .normal, lower: estimate - level.z * se,
        upper: estimate + level.z * se)
    }
    return Comparison(measure: measure, estimate: estimate, intervals: intervals, flags: flags)
  }

  // MARK: Rates

  /// Crude rate ratio with a Wald interval on the log scale, se = √(1/a + 1/b)
  /// (Rothman 1998; epitools `rateratio.wald`). `levels` defaults to the group's levels.
  public static func rateRatio(
    _ group: CrudeRate, versus reference: CrudeRate, levels: [ConfidenceLevel]? = nil
  ) -> Comparison {
    logRatio(
      measure: .rateRatio, groupEvents: group.events, referenceEvents: reference.events,
      ratio: { group.value / group.multiplier / (reference.value / reference.multiplier) },
      logStandardError: { (1 / group.events + 1 / reference.events).squareRoot() },
      levels: levels ?? group.levels, method: .waldLog, flags: group.flags + reference.flags)
  }

  /// Ratio of two DSRs with the log-scale delta method:
  /// exp(ln R ∓ z√(v₁/DSR₁² + v₀/DSR₀²)).
  public static func rateRatio(
    _ group: DirectlyStandardisedRate, versus reference: DirectlyStandardisedRate,
    levels: [ConfidenceLevel]? = nil
  ) -> Comparison {
    logRatio(
      measure: .rateRatio, groupEvents: group.events, referenceEvents: reference.events,
      ratio: { group.value / group.multiplier / (reference.value / reference.multiplier) },
      logStandardError: {
        (group.variance / (group.value * group.value) + reference.variance
          / (reference.value * reference.value)).squareRoot()
      },
      levels: levels ?? group.levels, method: .deltaMethodLog,
      flags: group.flags + reference.flags)
  }

  /// Rate difference ∓ z√(var₁ + var₀) on the multiplier scale, for crude rates (Poisson
  /// variances x/n²) and DSRs (v) alike.
  ///
  /// - Throws: ``StatisticsError/Problem/mismatchedMultipliers(_:_:)``.
  public static func rateDifference<Rate: RateEstimate>(
    _ group: Rate, versus reference: Rate, levels: [ConfidenceLevel]? = nil
  ) throws(StatisticsError) -> Comparison {
    guard group.multiplier == reference.multiplier else {
      throw StatisticsError(.mismatchedMultipliers(group.multiplier, reference.multiplier))
    }
    return difference(
      measure: .rateDifference, estimate: group.value - reference.value,
      variance: group.variance + reference.variance, levels: levels ?? group.levels,
      flags: group.flags + reference.flags)
  }

  // MARK: Proportions

  /// Risk ratio (p₁/p₀) with the Katz log interval, se = √(1/a − 1/n₁ + 1/c − 1/n₀).
  public static func riskRatio(
    _ group: Proportion, versus reference: Proportion, levels: [ConfidenceLevel]? = nil
  ) -> Comparison {
    let (a, n1, c, n0) = (
      group.numerator, group.denominator, reference.numerator, reference.denominator
    )
    return logRatio(
      measure: .riskRatio, groupEvents: a, referenceEvents: c, ratio: { (a / n1) / (c / n0) },
      logStandardError: { max(0, 1 / a - 1 / n1 + 1 / c - 1 / n0).squareRoot() },
      levels: levels ?? group.levels, method: .katzLog, flags: group.flags + reference.flags)
  }

  /// Odds ratio (ad/bc) with Woolf's interval, se = √(1/a + 1/b + 1/c + 1/d).
  public static func oddsRatio(
    _ group: Proportion, versus reference: Proportion, levels: [ConfidenceLevel]? = nil
  ) -> Comparison {
    let a = group.numerator
    let b = group.denominator - a
    let c = reference.numerator
    let d = reference.denominator - c
    let flags = group.flags + reference.flags
    guard a > 0, b > 0, c > 0, d > 0 else {
      let estimate: Double? = b * c > 0 ? a * d / (b * c) : nil
      return Comparison(
        measure: .oddsRatio, estimate: estimate, intervals: [], flags: flags + [.emptyCell])
    }
    let estimate = a * d / (b * c)
    let se = (1 / a + 1 / b + 1 / c + 1 / d).squareRoot()
    let intervals = (levels ?? group.levels).map { level in
      ConfidenceInterval(
        level: level, method: .woolf, lower: estimate * exp(-level.z * se),
        upper: estimate * exp(level.z * se))
    }
    return Comparison(measure: .oddsRatio, estimate: estimate, intervals: intervals, flags: flags)
  }

  /// Difference p₁ − p₀ with Newcombe's hybrid score interval (Newcombe 1998, method 10),
  /// from the Wilson limits of each proportion; on the proportions' multiplier scale.
  ///
  /// - Throws: ``StatisticsError/Problem/mismatchedMultipliers(_:_:)``.
  public static func proportionDifference(
    _ group: Proportion, versus reference: Proportion, levels: [ConfidenceLevel]? = nil
  ) throws(StatisticsError) -> Comparison {
    guard group.multiplier == reference.multiplier else {
      throw StatisticsError(.mismatchedMultipliers(group.multiplier, reference.multiplier))
    }
    let p1 = group.fraction
    let p0 = reference.fraction
    let scale = group.multiplier
    let intervals = (levels ?? group.levels).map { level in
      let (l1, u1) = wilsonLimits(group.numerator, group.denominator, z: level.z)
      let (l0, u0) = wilsonLimits(reference.numerator, reference.denominator, z: level.z)
      let d = p1 - p0
      let lower = d - ((p1 - l1) * (p1 - l1) + (u0 - p0) * (u0 - p0)).squareRoot()
      let upper = d + ((u1 - p1) * (u1 - p1) + (p0 - l0) * (p0 - l0)).squareRoot()
      return ConfidenceInterval(
        level: level, method: .newcombe, lower: lower * scale, upper: upper * scale)
    }
    return Comparison(
      measure: .proportionDifference, estimate: (p1 - p0) * scale, intervals: intervals,
      flags: group.flags + reference.flags)
  }
}
