import _CBoostMath

/// Quantiles and distribution functions of the continuous distributions the methods need.
///
/// Every value comes from Boost.Math through the `_CBoostMath` shim; nothing here is a
/// hand-written series. Arguments outside a distribution's domain give `.nan`.
public enum Distributions {
  /// The quantile of the standard normal distribution, Φ⁻¹(p).
  public static func normalQuantile(_ p: Double) -> Double {
    disparity_normal_quantile(p)
  }

  /// The cumulative distribution function of the standard normal distribution, Φ(x).
  public static func normalCDF(_ x: Double) -> Double {
    disparity_normal_cdf(x)
  }

  /// The quantile of the chi-square distribution with `degreesOfFreedom` degrees of freedom.
  public static func chiSquaredQuantile(_ p: Double, degreesOfFreedom: Double) -> Double {
    disparity_chi_squared_quantile(p, degreesOfFreedom)
  }

  /// The cumulative distribution function of the chi-square distribution.
  public static func chiSquaredCDF(_ x: Double, degreesOfFreedom: Double) -> Double {
    disparity_chi_squared_cdf(x, degreesOfFreedom)
  }

  /// The quantile of the gamma distribution with the given shape and scale.
  public static func gammaQuantile(_ p: Double, shape: Double, scale: Double) -> Double {
    disparity_gamma_quantile(p, shape, scale)
  }

  /// The quantile of the beta distribution with shape parameters `a` and `b`.
  public static func betaQuantile(_ p: Double, a: Double, b: Double) -> Double {
    disparity_beta_quantile(p, a, b)
  }

  /// The quantile of Student's t distribution with `degreesOfFreedom` degrees of freedom.
  public static func studentsTQuantile(_ p: Double, degreesOfFreedom: Double) -> Double {
    disparity_students_t_quantile(p, degreesOfFreedom)
  }

  /// The cumulative distribution function of Student's t distribution.
  public static func studentsTCDF(_ x: Double, degreesOfFreedom: Double) -> Double {
    disparity_students_t_cdf(x, degreesOfFreedom)
  }

  /// The Poisson cumulative distribution function, P(X ≤ k) for X ~ Poisson(mean).
  public static func poissonCDF(_ k: Double, mean: Double) -> Double {
    disparity_poisson_cdf(k, mean)
  }

  /// The two-sided critical value z = Φ⁻¹(1 − α/2) for a confidence level such as 0.95.
  public static func zCritical(confidence: Double) -> Double {
    normalQuantile(1 - (1 - confidence) / 2)
  }
}
