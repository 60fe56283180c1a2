/// Which confidence limits to put on a Poisson count.
public enum PoissonCountMethod: String, Sendable, Hashable, CaseIterable {
  /// Exact limits from chi-square quantiles at every count.
  case exact
  /// Byar's approximation at every count.
  case byar
  /// PHE's rule (`phe_rate`, `calculate_ISRatio`): exact below 10 events, Byar from 10.
  case pheRule = "phe"

  /// The method actually used for `count`.
  public func resolved(for count: Double) -> IntervalMethod {
    switch self {
    case .exact: return .exact
    case .byar: return .byar
    case .pheRule: return count < 10 ? .exact : .byar
    }
  }
}

/// Confidence limits for a Poisson count (METHODS.md, "Counts and crude rates").
public enum PoissonLimits {
  /// Exact limits: L = χ²(α/2; 2x)/2 (0 when x = 0), U = χ²(1 − α/2; 2x + 2)/2.
  public static func exact(_ count: Double, level: ConfidenceLevel) -> (
    lower: Double, upper: Double
  ) {
    let alpha = level.alpha
    let lower =
      count == 0 ? 0 : Distributions.chiSquaredQuantile(alpha / 2, degreesOfFreedom: 2 * count) / 2
    let upper = Distributions.chiSquaredQuantile(1 - alpha / 2, degreesOfFreedom: 2 * count + 2) / 2
    return (lower, upper)
  }

  /// Byar's limits: L = x(1 − 1/(9x) − z/(3√x))³, U = (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³.
  ///
  /// The lower limit is 0 when x = 0, and also where the approximation would go below 0
  /// (tiny counts at high levels, e.g. x = 1 at 99.8%); PHE returns NA there. PHE's rule
  /// never uses Byar below 10 events, where this cannot happen at 95% or 99.8%.
  public static func byar(_ count: Double, level: ConfidenceLevel) -> (lower: Double, upper: Double)
  {
    let z = level.z
    var lower = 0.0
    if count > 0 {
      let base = 1 - 1 / (9 * count) - z / (3 * count.squareRoot())
      lower = base > 0 ? count * base * base * base : 0
    }
    let next = count + 1
    let upperBase = 1 - 1 / (9 * next) + z / (3 * next.squareRoot())
    return (lower, next * upperBase * upperBase * upperBase)
  }

  /// The limits for `count` by `method`, on the count scale.
  public static func interval(
    _ count: Double, level: ConfidenceLevel, method: PoissonCountMethod
  ) -> ConfidenceInterval {
    let used = method.resolved(for: count)
    let limits = used == .exact ? exact(count, level: level) : byar(count, level: level)
    return ConfidenceInterval(level: level, method: used, lower: limits.lower, upper: limits.upper)
  }
}

/// The flags every count-based result carries.
func countFlags(_ count: Double) -> [ResultFlag] {
  if count == 0 { return [.fewerThan10Events, .noEvents] }
  return count < 10 ? [.fewerThan10Events] : []
}

/// A crude rate, events / population × multiplier, with Poisson limits on the count.
///
/// Matches PHEindicatormethods `phe_rate` with the default ``PoissonCountMethod/pheRule``.
/// Events may exceed the population (repeat events) and need not be whole numbers
/// (e.g. counts scaled up for unknown ethnicity).
public struct CrudeRate: Sendable, Hashable, RateEstimate {
  /// The number of events.
  public let events: Double
  /// The population, person-years or other denominator.
  public let population: Double
  /// The scale of the rate (100,000: per 100,000).
  public let multiplier: Double
  /// events / population × multiplier.
  public let value: Double
  /// One interval per requested level.
  public let intervals: [ConfidenceInterval]
  /// "fewer than 10 events", "no events".
  public let flags: [ResultFlag]

  /// The Poisson variance of ``value``: events / population² × multiplier².
  public var variance: Double { events / (population * population) * multiplier * multiplier }

  /// Computes the rate and its limits.
  ///
  /// - Throws: ``StatisticsError`` when events are negative or not finite, the population is not
  ///   positive, a level list is empty or the multiplier is not positive.
  public init(
    events: Double, population: Double, levels: borrowing [ConfidenceLevel] = [.ninetyFive],
    method: PoissonCountMethod = .pheRule, multiplier: Double = 100_000
  ) throws(StatisticsError) {
    try validateValue(events, "events")
    guard population.isFinite else {
      throw StatisticsError(.notFinite(quantity: "population", band: nil))
    }
    guard population > 0 else { throw StatisticsError(.nonPositivePopulation(population)) }
    try validateLevels(levels)
    try validateMultiplier(multiplier)
    self.events = events
    self.population = population
    self.multiplier = multiplier
    let scale = multiplier / population
    value = events * scale
    intervals = levels.map { level in
      var interval = PoissonLimits.interval(events, level: level, method: method)
      interval.lower *= scale
      interval.upper *= scale
      return interval
    }
    flags = countFlags(events)
  }
}
