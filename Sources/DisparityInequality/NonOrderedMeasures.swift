import Foundation

/// Point estimates and analytic standard errors of the measures for any dimension, as pure
/// functions of the group values so that the Monte Carlo code can re-evaluate them on draws.
///
/// Notation (METHODS.md): y_j estimate, s_j its standard error, p_j population share,
/// μ = Σ p_j y_j, r_j = y_j/μ. Formulas follow WHO healthequal 1.0.1 and the HEAT technical notes.
enum SummaryFormulas {
  static func mean(_ y: [Double], _ p: [Double]) -> Double {
    zip(y, p).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// BGV = Σ p_j (y_j − μ)².
  static func bgv(_ y: [Double], _ p: [Double]) -> Double {
    let mu = mean(y, p)
    return zip(y, p).reduce(0) { $0 + $1.1 * ($1.0 - mu) * ($1.0 - mu) }
  }

  /// The analytic SE of BGV (Ahn et al. 2018):
  /// √(4 Σ p²s²(y−μ)² + 2[(Σ p²s²)² − Σ p⁴s⁴ + Σ p²(1−p)²s⁴]).
  static func bgvStandardError(_ y: [Double], _ s: [Double], _ p: [Double]) -> Double {
    let mu = mean(y, p)
    var se2 = 0.0
    var s2 = 0.0
    var s4 = 0.0
    var se4 = 0.0
    for j in y.indices {
      let p2 = p[j] * p[j]
      let v = s[j] * s[j]
      se2 += p2 * v * (y[j] - mu) * (y[j] - mu)
      s2 += p2 * v
      s4 += p2 * p2 * v * v
      se4 += p2 * (1 - p[j]) * (1 - p[j]) * v * v
    }
    return (4 * se2 + 2 * (s2 * s2 - s4 + se4)).squareRoot()
  }

  /// The best-performing value: the highest for a favourable indicator, the lowest for an adverse one.
  static func best(_ y: [Double], _ direction: IndicatorDirection) -> Double {
    direction == .favourable ? y.max()! : y.min()!
  }

  /// TI = 1000 Σ p_j r_j ln r_j.
  static func theil(_ y: [Double], _ p: [Double]) -> Double {
    let mu = mean(y, p)
    return 1000
      * zip(y, p).reduce(0) { acc, pair in
        let r = pair.0 / mu
        return acc + pair.1 * r * log(r)
      }
  }

  /// The SE of TI on the same ×1000 scale as the estimate (healthequal leaves it unscaled):
  /// 1000 √(Σ (1 + ln r_j − Σ_k p_k r_k (1 + ln r_k))² p_j² s_j² / μ²).
  static func theilStandardError(_ y: [Double], _ s: [Double], _ p: [Double]) -> Double {
    let mu = mean(y, p)
    let r = y.map { $0 / mu }
    let centre = r.indices.reduce(0) { $0 + r[$1] * (1 + log(r[$1])) * p[$1] }
    let v = r.indices.reduce(0) { acc, j in
      let g = 1 + log(r[j]) - centre
      return acc + g * g * p[j] * p[j] * s[j] * s[j] / (mu * mu)
    }
    return 1000 * v.squareRoot()
  }

  /// MLD = 1000 Σ p_j (−ln r_j).
  static func meanLogDeviation(_ y: [Double], _ p: [Double]) -> Double {
    let mu = mean(y, p)
    return 1000 * zip(y, p).reduce(0) { $0 - $1.1 * log($1.0 / mu) }
  }

  /// The SE of MLD on the same ×1000 scale as the estimate (healthequal leaves it unscaled):
  /// 1000 √(Σ s_j² p_j² / μ² · (1 − 1/r_j)²).
  static func meanLogDeviationStandardError(_ y: [Double], _ s: [Double], _ p: [Double]) -> Double {
    let mu = mean(y, p)
    let v = y.indices.reduce(0) { acc, j in
      let g = 1 - mu / y[j]
      return acc + s[j] * s[j] * p[j] * p[j] / (mu * mu) * g * g
    }
    return 1000 * v.squareRoot()
  }

  /// Walter's (1978) standard error of the attributable fraction, on the fraction scale, from the
  /// 2×2 table that the reference group and the whole population imply (counts = estimate/scale ×
  /// population).
  static func walterFractionStandardError(
    referenceEstimate: Double, referencePopulation: Double, mean mu: Double,
    totalPopulation: Double, scale: Double
  ) -> Double {
    let c = referenceEstimate / scale * referencePopulation
    let d = referencePopulation - c
    let a = mu / scale * totalPopulation - c
    let b = totalPopulation - a - referencePopulation
    let n = a + b + c + d
    let numerator = c * n * (a * d * (n - c) + b * c * c)
    let denominator = pow(a + c, 3) * pow(c + d, 3)
    return (numerator / denominator).squareRoot()
  }
}

/// The measures whose intervals are simulated, evaluated together on one data set (the observed
/// one for the point estimates, and each simulated one), sharing μ, the best value and the
/// reference value, in plain loops since this is the inner loop of the simulation:
/// BGSD = √BGV; COV = 100·BGSD/μ; IDISU = (100/J) Σ|y−μ|/μ; IDISW = 100 Σ p|y−μ|/μ;
/// MDBU = Σ|y−best|/J; MDBW = Σ p|y−best|; MDMU = Σ|y−μ|/J (μ weighted, as healthequal);
/// MDMW = Σ p|y−μ|; MDRU = Σ|y−y_ref|/J; MDRW = Σ p|y−y_ref|. "best" is the highest value for a
/// favourable indicator and the lowest for an adverse one.
enum SimulatedSummary {
  static func evaluate(
    _ kinds: [InequalityMeasureKind], _ y: [Double], _ p: [Double],
    direction: IndicatorDirection, reference: Int, into out: inout [Double]
  ) {
    let count = y.count
    var mu = 0.0
    var best = y[0]
    for j in 0..<count {
      mu += p[j] * y[j]
      best = direction == .favourable ? max(best, y[j]) : min(best, y[j])
    }
    let ref = y[reference]
    var variance = 0.0
    var absMean = 0.0
    var absMeanWeighted = 0.0
    var absBest = 0.0
    var absBestWeighted = 0.0
    var absRef = 0.0
    var absRefWeighted = 0.0
    for j in 0..<count {
      let d = y[j] - mu
      variance += p[j] * d * d
      absMean += abs(d)
      absMeanWeighted += p[j] * abs(d)
      absBest += abs(y[j] - best)
      absBestWeighted += p[j] * abs(y[j] - best)
      absRef += abs(y[j] - ref)
      absRefWeighted += p[j] * abs(y[j] - ref)
    }
    let n = Double(count)
    for (i, kind) in kinds.enumerated() {
      switch kind {
      case .bgsd: out[i] = variance.squareRoot()
      case .cov: out[i] = 100 * variance.squareRoot() / mu
      case .idisu: out[i] = 100 / n * absMean / mu
      case .idisw: out[i] = 100 * absMeanWeighted / mu
      case .mdbu: out[i] = absBest / n
      case .mdbw: out[i] = absBestWeighted
      case .mdmu: out[i] = absMean / n
      case .mdmw: out[i] = absMeanWeighted
      case .mdru: out[i] = absRef / n
      case .mdrw: out[i] = absRefWeighted
      default: preconditionFailure("\(kind) is not a simulated measure")
      }
    }
  }
}
