/// Which interval to put on a proportion.
public enum ProportionMethod: String, Sendable, Hashable, CaseIterable {
  /// Wilson score interval (default; PHEindicatormethods `phe_proportion`).
  case wilson
  /// Clopper–Pearson exact interval from beta quantiles.
  case clopperPearson = "clopper-pearson"
}

/// Wilson score limits for x successes in n trials, as fractions.
func wilsonLimits(_ x: Double, _ n: Double, z: Double) -> (lower: Double, upper: Double) {
  let z2 = z * z
  let root = z * (z2 + 4 * x * (1 - x / n)).squareRoot()
  let denominator = 2 * (n + z2)
  return ((2 * x + z2 - root) / denominator, (2 * x + z2 + root) / denominator)
}

/// A proportion x / n × multiplier with a Wilson or Clopper–Pearson interval.
public struct Proportion: Sendable, Hashable, IntervalEstimate {
  /// The number of people with the outcome (x).
  public let numerator: Double
  /// The number of people (n).
  public let denominator: Double
  /// The scale: 100 gives percentages, 1 fractions.
  public let multiplier: Double
  /// x / n × multiplier.
  public let value: Double
  /// One interval per requested level, on the multiplier scale.
  public let intervals: [ConfidenceInterval]
  /// "fewer than 10 events" when x < 10 (and "no events" when x = 0).
  public let flags: [ResultFlag]

  /// The fraction x / n.
  public var fraction: Double { numerator / denominator }

  /// Computes the proportion and its limits.
  ///
  /// - Throws: ``StatisticsError`` when x < 0, n ≤ 0 or x > n (errors for proportions, unlike
  ///   rates), or a level list is empty or the multiplier is not positive.
  public init(
    numerator: Double, denominator: Double, levels: [ConfidenceLevel] = [.ninetyFive],
    method: ProportionMethod = .wilson, multiplier: Double = 100
  ) throws(StatisticsError) {
    try validateValue(numerator, "numerator")
    guard denominator.isFinite else {
      throw StatisticsError(.notFinite(quantity: "denominator", band: nil))
    }
    guard denominator > 0 else { throw StatisticsError(.nonPositiveDenominator(denominator)) }
    guard numerator <= denominator else {
      throw StatisticsError(
        .numeratorExceedsDenominator(numerator: numerator, denominator: denominator))
    }
    try validateLevels(levels)
    try validateMultiplier(multiplier)
    self.numerator = numerator
    self.denominator = denominator
    self.multiplier = multiplier
    value = numerator / denominator * multiplier
    intervals = levels.map { level in
      let limits: (lower: Double, upper: Double)
      switch method {
      case .wilson:
        limits = wilsonLimits(numerator, denominator, z: level.z)
      case .clopperPearson:
        let alpha = level.alpha
        let lower =
          numerator == 0
          ? 0
          : Distributions.betaQuantile(alpha / 2, a: numerator, b: denominator - numerator + 1)
        let upper =
          numerator == denominator
          ? 1
          : Distributions.betaQuantile(1 - alpha / 2, a: numerator + 1, b: denominator - numerator)
        limits = (lower, upper)
      }
      return ConfidenceInterval(
        level: level, method: method == .wilson ? .wilson : .clopperPearson,
        lower: limits.lower * multiplier, upper: limits.upper * multiplier)
    }
    flags = countFlags(numerator)
  }
}

/// A mean with a Student t interval, mean ∓ t(1 − α/2; m − 1)·sd/√m (PHE `phe_mean`).
public struct Mean: Sendable, Hashable, IntervalEstimate {
  /// The number of values (m).
  public let count: Int
  /// The mean.
  public let value: Double
  /// The sample standard deviation (denominator m − 1).
  public let standardDeviation: Double
  /// One interval per requested level.
  public let intervals: [ConfidenceInterval]

  /// The mean of `values` with t intervals.
  ///
  /// - Throws: ``StatisticsError`` for fewer than 2 values or a non-finite value.
  public init(values: [Double], levels: [ConfidenceLevel] = [.ninetyFive]) throws(StatisticsError) {
    for value in values where !value.isFinite {
      throw StatisticsError(.notFinite(quantity: "value", band: nil))
    }
    guard values.count >= 2 else { throw StatisticsError(.tooFewValuesForMean(values.count)) }
    let m = Double(values.count)
    let mean = values.reduce(0, +) / m
    let sumOfSquares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    try self.init(
      mean: mean, standardDeviation: (sumOfSquares / (m - 1)).squareRoot(), count: values.count,
      levels: levels)
  }

  /// A t interval from summary statistics.
  public init(
    mean: Double, standardDeviation: Double, count: Int, levels: [ConfidenceLevel] = [.ninetyFive]
  ) throws(StatisticsError) {
    guard mean.isFinite else { throw StatisticsError(.notFinite(quantity: "mean", band: nil)) }
    try validateValue(standardDeviation, "standard deviation")
    guard count >= 2 else { throw StatisticsError(.tooFewValuesForMean(count)) }
    try validateLevels(levels)
    self.count = count
    value = mean
    self.standardDeviation = standardDeviation
    let standardError = standardDeviation / Double(count).squareRoot()
    intervals = levels.map { level in
      let t = Distributions.studentsTQuantile(
        1 - level.alpha / 2, degreesOfFreedom: Double(count - 1))
      return ConfidenceInterval(
        level: level, method: .studentT, lower: mean - t * standardError,
        upper: mean + t * standardError)
    }
  }
}
