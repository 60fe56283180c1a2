import DisparityStatistics

/// The xoshiro256** pseudo-random number generator (Blackman & Vigna 2018), seeded by SplitMix64.
///
/// Written here rather than taken from the standard library because Swift's
/// `SystemRandomNumberGenerator` cannot be seeded, and the Monte Carlo intervals must be the same
/// run to run and on every platform. The same seed always gives the same sequence.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  /// Creates a generator whose 256-bit state is filled from `seed` by SplitMix64, as the
  /// algorithm's authors recommend.
  public init(seed: UInt64) {
    var s = seed
    func splitMix() -> UInt64 {
      s &+= 0x9E37_79B9_7F4A_7C15
      var z = s
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// Creates a generator with the given raw state (for checking against the published outputs).
  init(state: (UInt64, UInt64, UInt64, UInt64)) {
    self.state = state
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotateLeft(state.3, 45)
    return result
  }

  /// A uniform draw strictly inside (0, 1), from the top 53 bits: (k + ½)/2⁵³.
  public mutating func nextOpenUnit() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}

/// The distribution each group's estimate is drawn from in a Monte Carlo interval.
public enum SimulationDistribution: String, Sendable, Hashable, CaseIterable {
  /// Gamma draws for groups whose event count is given, truncated normal for the rest (default).
  case automatic
  /// A normal distribution with the group's estimate as mean and its standard error as standard
  /// deviation, truncated to 0 and above (and to 0–100 when the scale is 100), as healthequal
  /// does; drawn exactly by inverting the normal distribution function between the bounds.
  case truncatedNormal
  /// Gamma draws for every group (Li, Dragomir & Luta 2024). With an event count x the draw is
  /// estimate × G/x with G ~ Gamma(x, 1) (a Poisson count's spread); with x = 0 it is
  /// G × scale/population with G ~ Gamma(1, 1), the rate of one event, as Fay & Feuer's upper
  /// limit adds one event. Without a count the gamma has the estimate as mean and the squared
  /// standard error as variance.
  case gamma
}

/// Draws simulated data sets from group estimates, standard errors and (optionally) event counts.
struct GroupSampler {
  let estimates: [Double]
  let standardErrors: [Double]
  let events: [Double?]
  let populations: [Double]
  let scale: Double
  let distribution: SimulationDistribution
  /// Per group: Φ at the standardised lower and upper truncation bounds, computed once.
  private let bounds: [(lower: Double, upper: Double)]

  init(
    estimates: [Double], standardErrors: [Double], events: [Double?], populations: [Double],
    scale: Double, distribution: SimulationDistribution
  ) {
    self.estimates = estimates
    self.standardErrors = standardErrors
    self.events = events
    self.populations = populations
    self.scale = scale
    self.distribution = distribution
    let upper = scale == 100 ? 100.0 : Double.infinity
    bounds = estimates.indices.map { j in
      let y = estimates[j]
      let se = standardErrors[j]
      guard se > 0 else { return (0, 1) }
      let pa = Distributions.normalCDF((0 - y) / se)
      let pb = upper.isFinite ? Distributions.normalCDF((upper - y) / se) : 1
      return (pa, pb)
    }
  }

  /// One simulated value per group.
  func draw(using rng: inout Xoshiro256StarStar) -> [Double] {
    var out = [Double](repeating: 0, count: estimates.count)
    for j in estimates.indices {
      out[j] = drawGroup(j, using: &rng)
    }
    return out
  }

  private func useGamma(_ j: Int) -> Bool {
    switch distribution {
    case .automatic: return events[j] != nil
    case .truncatedNormal: return false
    case .gamma: return true
    }
  }

  private func drawGroup(_ j: Int, using rng: inout Xoshiro256StarStar) -> Double {
    let y = estimates[j]
    let se = standardErrors[j]
    if useGamma(j) {
      let u = rng.nextOpenUnit()
      if let x = events[j] {
        if x > 0 {
          return y / x * Distributions.gammaQuantile(u, shape: x, scale: 1)
        }
        return Distributions.gammaQuantile(u, shape: 1, scale: 1) * scale / populations[j]
      }
      guard y > 0, se > 0 else { return y }
      let shape = y * y / (se * se)
      return Distributions.gammaQuantile(u, shape: shape, scale: se * se / y)
    }
    guard se > 0 else { return y }
    // Truncated normal by inversion: u uniform between Φ(a) and Φ(b), x = μ + σ Φ⁻¹(u).
    let upper = scale == 100 ? 100.0 : Double.infinity
    let (pa, pb) = bounds[j]
    guard pb > pa else { return min(max(y, 0), upper) }
    let u = pa + (pb - pa) * rng.nextOpenUnit()
    let value = y + se * Distributions.normalQuantile(u)
    return min(max(value, 0), upper)
  }
}

/// The sample quantile with linear interpolation between order statistics (R's default, type 7),
/// as healthequal and PHEindicatormethods take their percentiles.
func quantileType7(sorted values: [Double], probability p: Double) -> Double {
  precondition(!values.isEmpty)
  let h = Double(values.count - 1) * p
  let lo = Int(h.rounded(.down))
  let hi = min(lo + 1, values.count - 1)
  return values[lo] + (h - Double(lo)) * (values[hi] - values[lo])
}

/// The sample standard deviation (n − 1 denominator).
func sampleStandardDeviation(_ values: [Double]) -> Double {
  let n = Double(values.count)
  let mean = values.reduce(0, +) / n
  let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (ss / (n - 1)).squareRoot()
}
