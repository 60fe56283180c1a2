/// A confidence level such as 95% or 99.8%, stored as a fraction strictly between 0 and 1.
///
/// Several levels can be computed in one pass (Fingertips' 95% and 99.8% control limits):
/// every result type takes `levels: [ConfidenceLevel]` and returns one interval per level.
public struct ConfidenceLevel: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The level as a fraction, e.g. 0.95.
  public let value: Double

  /// The two-sided normal critical value z = Φ⁻¹(1 − α/2), computed once: every interval of
  /// every group needs it, and a quantile costs more than the rest of a Byar limit.
  public let z: Double

  /// Creates a level from a fraction strictly between 0 and 1 (0.95, not 95).
  public init(_ value: Double) throws(StatisticsError) {
    guard value.isFinite, value > 0, value < 1 else {
      throw StatisticsError(.invalidConfidenceLevel(value))
    }
    self.init(unchecked: value)
  }

  private init(unchecked value: Double) {
    self.value = value
    self.z = Distributions.zCritical(confidence: value)
  }

  /// The 95% level, the default everywhere.
  public static let ninetyFive = ConfidenceLevel(unchecked: 0.95)
  /// The 99.8% level (Fingertips' outer control limits).
  public static let ninetyNinePointEight = ConfidenceLevel(unchecked: 0.998)

  /// α = 1 − level.
  public var alpha: Double { 1 - value }

  /// The level as a percentage without trailing zeros, for column suffixes: "95", "99.8".
  public var percentLabel: String {
    let percent = (value * 100 * 1e9).rounded() / 1e9
    if percent == percent.rounded() { return String(Int(percent)) }
    return String(percent)
  }

  /// "95%", "99.8%".
  public var description: String { percentLabel + "%" }

  public static func < (lhs: ConfidenceLevel, rhs: ConfidenceLevel) -> Bool {
    lhs.value < rhs.value
  }
}

/// How an interval was computed; the raw value is the name shown to users.
public enum IntervalMethod: String, Sendable, Hashable, CaseIterable {
  /// Exact Poisson limits from chi-square quantiles.
  case exact = "exact"
  /// Byar's approximation to the exact Poisson limits.
  case byar = "Byar"
  /// Wilson score interval for a proportion.
  case wilson = "Wilson"
  /// Clopper–Pearson exact binomial interval.
  case clopperPearson = "Clopper-Pearson"
  /// Student t interval for a mean.
  case studentT = "Student t"
  /// Dobson et al. (1991) with Byar limits on the total count.
  case dobsonByar = "Dobson (Byar)"
  /// Dobson et al. (1991) with exact Poisson limits on the total count.
  case dobsonExact = "Dobson (exact)"
  /// Fay & Feuer (1997) gamma interval.
  case fayFeuer = "Fay-Feuer"
  /// Tiwari, Clegg & Zou (2006) modified gamma interval.
  case tiwari = "Tiwari"
  /// Log-normal interval for an SMR, ln SMR ± z/√O (epitools `ageadjust.indirect`).
  case logNormal = "log-normal"
  /// Wald interval on the log scale for a ratio of two Poisson rates.
  case waldLog = "Wald (log scale)"
  /// Delta-method interval on the log scale for a ratio of two standardised rates.
  case deltaMethodLog = "delta method (log scale)"
  /// Normal-approximation interval for a difference, ± z√(var₁ + var₀).
  case normal = "normal"
  /// Katz log interval for a risk ratio.
  case katzLog = "Katz (log scale)"
  /// Woolf (logit) interval for an odds ratio.
  case woolf = "Woolf"
  /// Newcombe (1998) hybrid score interval for a difference of proportions.
  case newcombe = "Newcombe hybrid score"
}

/// A two-sided confidence interval, tagged with its level and the method that produced it.
public struct ConfidenceInterval: Sendable, Hashable {
  /// The confidence level.
  public var level: ConfidenceLevel
  /// The method that produced the limits.
  public var method: IntervalMethod
  /// The lower limit, on the same scale as the estimate.
  public var lower: Double
  /// The upper limit, on the same scale as the estimate.
  public var upper: Double

  /// Creates an interval.
  public init(level: ConfidenceLevel, method: IntervalMethod, lower: Double, upper: Double) {
    self.level = level
    self.method = method
    self.lower = lower
    self.upper = upper
  }

  /// Whether `value` lies within the closed interval.
  public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// Why a result needs care; the raw value is the text of the `flag` column.
public enum ResultFlag: String, Sendable, Hashable, CaseIterable {
  /// Fewer than 10 events: the value is computed but unreliable (suppressed in presentation).
  case fewerThan10Events = "fewer than 10 events"
  /// No events in the group: the value is 0; a ratio against it has no interval.
  case noEvents = "no events"
  /// No events in the reference group: ratios against it are undefined.
  case noEventsInReference = "no events in the reference group"
  /// A 2×2 table has an empty cell, so the log-scale interval of a risk or odds ratio is undefined.
  case emptyCell = "a 2x2 table cell is zero"
}

/// A result that carries one confidence interval per requested level.
public protocol IntervalEstimate {
  /// One interval per requested level, in the order requested.
  var intervals: [ConfidenceInterval] { get }
}

extension IntervalEstimate {
  /// The interval at `level`, or `nil` when that level was not requested.
  public func interval(at level: ConfidenceLevel) -> ConfidenceInterval? {
    intervals.first { $0.level == level }
  }

  /// The levels that intervals were computed at, in order.
  public var levels: [ConfidenceLevel] { intervals.map(\.level) }
}

func validateLevels(_ levels: [ConfidenceLevel]) throws(StatisticsError) {
  if levels.isEmpty { throw StatisticsError(.noConfidenceLevel) }
}

func validateMultiplier(_ multiplier: Double) throws(StatisticsError) {
  guard multiplier.isFinite, multiplier > 0 else {
    throw StatisticsError(.invalidMultiplier(multiplier))
  }
}

/// A rate with a variance on its multiplier scale: a crude or a directly standardised rate.
public protocol RateEstimate: IntervalEstimate {
  /// The number of events behind the rate.
  var events: Double { get }
  /// The rate on the multiplier scale.
  var value: Double { get }
  /// The variance of ``value`` on the multiplier scale.
  var variance: Double { get }
  /// The scale of the rate (100,000: per 100,000).
  var multiplier: Double { get }
  /// Small-count flags.
  var flags: [ResultFlag] { get }
}
