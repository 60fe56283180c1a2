#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The error distribution and link of a generalised linear model, named as in R.
public enum GLMFamily: String, Sendable, Hashable, CaseIterable {
  /// Poisson counts with log link: rate ratios. The dispersion is fixed at 1.
  case poisson
  /// Poisson mean and variance function with the dispersion estimated by Pearson χ²/df and
  /// used for the standard errors (R's `quasipoisson`). Coefficients are those of `poisson`.
  case quasipoisson
  /// Binomial events out of trials with logit link: odds ratios. The dispersion is fixed at 1.
  case binomial
  /// Binomial mean and variance with the dispersion estimated (R's `quasibinomial`).
  case quasibinomial

  /// Whether the response is events out of trials (logit link) rather than counts (log link).
  public var isBinomial: Bool { self == .binomial || self == .quasibinomial }

  /// Whether the dispersion is estimated (Pearson χ²/df) rather than fixed at 1.
  public var estimatesDispersion: Bool { self == .quasipoisson || self == .quasibinomial }

  /// What `exp(coefficient)` is called: "rate ratio" or "odds ratio".
  public var ratioName: String { isBinomial ? "odds ratio" : "rate ratio" }
}

/// The link, variance and deviance of a family, with R's numerical safeguards.
///
/// These mirror R's `poisson()` and `binomial()` family objects (`stats/src/family.c`): the
/// inverse link and its derivative are bounded away from 0 (and 1) by machine epsilon, so that
/// a fit in which a group's rate or probability heads to 0 behaves, iteration by iteration, as
/// R's does.
struct FamilyFunctions {
  let binomial: Bool

  private static let epsilon = Double.ulpOfOne
  private static let threshold = 30.0

  @inline(__always) func linkInverse(_ eta: Double) -> Double {
    if binomial {
      let t =
        eta < -Self.threshold
        ? Self.epsilon : (eta > Self.threshold ? 1 / Self.epsilon : exp(eta))
      return t / (1 + t)
    }
    return max(exp(eta), Self.epsilon)
  }

  /// dμ/dη.
  @inline(__always) func muEta(_ eta: Double) -> Double {
    if binomial {
      if eta > Self.threshold || eta < -Self.threshold { return Self.epsilon }
      let e = exp(eta)
      let opexp = 1 + e
      return e / (opexp * opexp)
    }
    return max(exp(eta), Self.epsilon)
  }

  @inline(__always) func link(_ mu: Double) -> Double {
    binomial ? log(mu / (1 - mu)) : log(mu)
  }

  @inline(__always) func variance(_ mu: Double) -> Double {
    binomial ? mu * (1 - mu) : mu
  }

  /// The unit deviance times the prior weight (trials for binomial, 1 for Poisson).
  @inline(__always) func deviance(y: Double, mu: Double, weight: Double) -> Double {
    if binomial {
      return 2 * weight * (yLogY(y, mu) + yLogY(1 - y, 1 - mu))
    }
    if y > 0 { return 2 * weight * (y * log(y / mu) - (y - mu)) }
    return 2 * weight * mu
  }

  @inline(__always) private func yLogY(_ y: Double, _ mu: Double) -> Double {
    y != 0 ? y * log(y / mu) : 0
  }

  /// R's starting value for the mean: y + 0.1 (Poisson), (n y + 0.5)/(n + 1) (binomial).
  @inline(__always) func initialMean(y: Double, weight: Double) -> Double {
    binomial ? (weight * y + 0.5) / (weight + 1) : y + 0.1
  }

  /// The log-likelihood of one row, for the AIC (R's `aic` member of the family).
  func logLikelihood(y: Double, mu: Double, weight: Double) -> Double {
    if binomial {
      if weight == 0 { return 0 }
      let n = weight.rounded()
      let k = (weight * y).rounded()
      let choose = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
      let success = k > 0 ? k * log(mu) : 0
      let failure = n - k > 0 ? (n - k) * log(1 - mu) : 0
      return choose + success + failure
    }
    let term = y > 0 ? y * log(mu) : 0
    return term - mu - lgamma(y + 1)
  }
}
