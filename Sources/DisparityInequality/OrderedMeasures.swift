import DisparityLinearAlgebra
import Foundation

/// How SII and RII are estimated.
public enum SlopeIndexMethod: Sendable, Hashable {
  /// PHEindicatormethods `phe_sii` (Low & Low 2004): weighted least squares of the estimate on the
  /// cumulative-midpoint rank, each group weighted by its population share; SII is the slope and
  /// RII = (intercept + slope)/intercept, the fitted value at rank 1 over that at rank 0. The
  /// interval is from Monte Carlo simulation of the group estimates. This is the default.
  case weightedLeastSquares
  /// HEAT / healthequal: a logistic regression of the estimate (as a proportion of the scale) on
  /// the rank; SII = p(1) − p(0) and RII = p(1)/p(0) of the fitted curve, with an HC1 robust
  /// standard error by the delta method. See ``LogisticWeighting`` for the weights.
  case logistic(LogisticWeighting)
}

/// The weights of HEAT's logistic SII/RII.
public enum LogisticWeighting: String, Sendable, Hashable, CaseIterable {
  /// Each group's binomial likelihood counts its population once (successes estimate/scale × n out
  /// of n). The statistically consistent choice, and the default.
  case population
  /// healthequal 1.0.1 / HEAT: `glm(cbind(y, n − y) ~ rank, weights = pop)` with y rounded to whole
  /// events and n = ⌈pop⌉, which weights each group by pop² (prior weight × trials). Gives
  /// healthequal's numbers (SII 44.45 rather than 44.89 on its 5-quintile test data).
  case populationSquared
}

/// The ordered-dimension calculations.
enum OrderedFormulas {
  /// Cumulative-midpoint ranks of groups sorted by order (most disadvantaged first):
  /// (Σ_{k<j} n_k + n_j/2) / Σ n. Returns ranks in the sorted order.
  static func ranks(populations: [Double]) -> [Double] {
    let total = populations.reduce(0, +)
    var cumulative = 0.0
    return populations.map { n in
      defer { cumulative += n }
      return (cumulative + n / 2) / total
    }
  }

  /// Weighted least squares of y on x with weights w: (intercept, slope).
  static func weightedLine(x: [Double], y: [Double], w: [Double]) -> (
    intercept: Double, slope: Double
  ) {
    let sw = w.reduce(0, +)
    let mx = zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } / sw
    let my = zip(y, w).reduce(0) { $0 + $1.0 * $1.1 } / sw
    var sxy = 0.0
    var sxx = 0.0
    for j in x.indices {
      sxy += w[j] * (x[j] - mx) * (y[j] - my)
      sxx += w[j] * (x[j] - mx) * (x[j] - mx)
    }
    let slope = sxy / sxx
    return (my - slope * mx, slope)
  }

  /// The concentration-index regression (healthequal `aci`, O'Donnell et al. 2008 convenient
  /// regression): 2σ²_r · y_j regressed on rank_j with weights n_j; the coefficient of rank is
  /// ACI, and its standard error is the ordinary least-squares one with residual variance on
  /// J − 2 degrees of freedom. σ²_r = Σ (n_j/N)(rank_j − ½)².
  static func concentrationIndex(
    y: [Double], populations: [Double], ranks: [Double]
  ) -> (estimate: Double, standardError: Double) {
    let total = populations.reduce(0, +)
    let sigma2 = ranks.indices.reduce(0) {
      $0 + populations[$1] / total * (ranks[$1] - 0.5) * (ranks[$1] - 0.5)
    }
    let lhs = y.map { 2 * sigma2 * $0 }
    let line = weightedLine(x: ranks, y: lhs, w: populations)
    let sw = total
    let mx = zip(ranks, populations).reduce(0) { $0 + $1.0 * $1.1 } / sw
    var rss = 0.0
    var sxx = 0.0
    for j in ranks.indices {
      let residual = lhs[j] - line.intercept - line.slope * ranks[j]
      rss += populations[j] * residual * residual
      sxx += populations[j] * (ranks[j] - mx) * (ranks[j] - mx)
    }
    let dispersion = rss / Double(ranks.count - 2)
    return (line.slope, (dispersion / sxx).squareRoot())
  }

  /// The result of the logistic fit for SII and RII.
  struct LogisticSlope {
    var sii: Double
    var siiStandardError: Double
    var logRII: Double
    var logRIIStandardError: Double
    var iterations: Int
  }

  /// Fits logit p_j = β₀ + β₁ rank_j by iteratively reweighted least squares and returns
  /// SII = p(1) − p(0) and ln RII = ln p(1) − ln p(0) (0–1 scale), with HC1 sandwich standard
  /// errors by the delta method, as healthequal gets them from `marginaleffects::avg_comparisons`
  /// (`vcov = "HC1"`).
  ///
  /// A two-parameter IRLS is written here because the project's GLM module is being built in
  /// parallel; each step solves the 2×2 normal equations with LAPACK (`dposv`).
  /// It stops when the relative change in deviance is below 1e-12 (R stops at 1e-8).
  ///
  /// - Parameters:
  ///   - proportions: the observed proportions (successes/trials).
  ///   - weights: the binomial weights (trials, or trials × prior weight).
  static func logisticSlope(ranks: [Double], proportions: [Double], weights: [Double])
    -> LogisticSlope?
  {
    let k = ranks.count
    // Start as R's binomial family does: μ = (w y + ½)/(w + 1).
    var eta = proportions.indices.map { j -> Double in
      let mu = (weights[j] * proportions[j] + 0.5) / (weights[j] + 1)
      return log(mu / (1 - mu))
    }
    var beta = [0.0, 0.0]
    var deviance = Double.infinity
    var iterations = 0
    var converged = false
    while iterations < 100 {
      iterations += 1
      var xtwx = Matrix(rows: 2, columns: 2)
      var xtwz = [0.0, 0.0]
      for j in 0..<k {
        let mu = 1 / (1 + exp(-eta[j]))
        let variance = mu * (1 - mu)
        let w = weights[j] * variance
        let z = eta[j] + (proportions[j] - mu) / variance
        let x = [1, ranks[j]]
        for a in 0..<2 {
          xtwz[a] += w * x[a] * z
          for b in 0..<2 { xtwx[a, b] += w * x[a] * x[b] }
        }
      }
      guard let solved = try? LinearAlgebra.solvePositiveDefinite(xtwx, xtwz) else { return nil }
      beta = solved.solution
      eta = ranks.map { beta[0] + beta[1] * $0 }
      let newDeviance = binomialDeviance(eta: eta, proportions: proportions, weights: weights)
      if abs(newDeviance - deviance) / (abs(newDeviance) + 0.1) < 1e-12 {
        converged = true
        break
      }
      deviance = newDeviance
    }
    guard converged else { return nil }
    // Bread (XᵀWX)⁻¹ at the solution and the HC1 meat Σ u_j² x_j x_jᵀ, u_j = w_j (y_j − μ_j).
    var bread = Matrix(rows: 2, columns: 2)
    var meat = Matrix(rows: 2, columns: 2)
    for j in 0..<k {
      let mu = 1 / (1 + exp(-eta[j]))
      let w = weights[j] * mu * (1 - mu)
      let u = weights[j] * (proportions[j] - mu)
      let x = [1, ranks[j]]
      for a in 0..<2 {
        for b in 0..<2 {
          bread[a, b] += w * x[a] * x[b]
          meat[a, b] += u * u * x[a] * x[b]
        }
      }
    }
    guard let inverse = try? LinearAlgebra.solvePositiveDefinite(bread, [0, 0]).inverse else {
      return nil
    }
    let hc1 = Double(k) / Double(k - 2)
    func sandwichVariance(_ g: [Double]) -> Double {
      // gᵀ C M C g with C = inverse.
      let cg = [
        inverse[0, 0] * g[0] + inverse[0, 1] * g[1], inverse[1, 0] * g[0] + inverse[1, 1] * g[1],
      ]
      var v = 0.0
      for a in 0..<2 { for b in 0..<2 { v += cg[a] * meat[a, b] * cg[b] } }
      return hc1 * v
    }
    let p1 = 1 / (1 + exp(-(beta[0] + beta[1])))
    let p0 = 1 / (1 + exp(-beta[0]))
    let gradientSII = [p1 * (1 - p1) - p0 * (1 - p0), p1 * (1 - p1)]
    let gradientLogRII = [(1 - p1) - (1 - p0), 1 - p1]
    return LogisticSlope(
      sii: p1 - p0, siiStandardError: sandwichVariance(gradientSII).squareRoot(),
      logRII: log(p1 / p0), logRIIStandardError: sandwichVariance(gradientLogRII).squareRoot(),
      iterations: iterations)
  }

  private static func binomialDeviance(eta: [Double], proportions: [Double], weights: [Double])
    -> Double
  {
    var deviance = 0.0
    for j in eta.indices {
      let mu = 1 / (1 + exp(-eta[j]))
      let y = proportions[j]
      let a = y > 0 ? y * log(y / mu) : 0
      let b = y < 1 ? (1 - y) * log((1 - y) / (1 - mu)) : 0
      deviance += 2 * weights[j] * (a + b)
    }
    return deviance
  }
}
