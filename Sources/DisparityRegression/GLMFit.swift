import DisparityLinearAlgebra
import Foundation

/// Settings for fitting a generalised linear model.
public struct GLMOptions: Sendable {
  /// IRLS stops when |dev − dev_old| / (|dev| + 0.1) < `convergenceTolerance`: R's `glm` rule
  /// and default (`glm.control(epsilon = 1e-8)`), so fits agree with R's iteration for iteration.
  public var convergenceTolerance: Double = 1e-8
  /// The most IRLS iterations before giving up (R's `maxit`, default 25).
  public var maximumIterations: Int = 25
  /// The confidence level of the Wald intervals.
  public var confidenceLevel: Double = 0.95
  /// A column is aliased when its squared residual norm, after projection on the earlier kept
  /// columns in the weighted metric, is at most this fraction of its squared norm
  /// (see `OrderedCholesky`).
  public var aliasingTolerance: Double = 1e-10
  /// How many threads fill and accumulate the blocks of XᵀWX (default: the active processors,
  /// at most 8), sharing chunks of 32,768 rows (so smaller data use one). OpenBLAS is set to one
  /// thread during the fit and restored afterwards, so the two do not oversubscribe the cores.
  /// The chunks' partial sums are added in a fixed order: the result is identical, digit for
  /// digit, whatever the thread count.
  public var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, 8)
  /// Rows per block of the weighted design handed to BLAS `dsyrk`.
  public var blockRows: Int = 2048

  /// The defaults above.
  public init() {}
}

/// One estimated coefficient of a model, with its ratio (exp of the estimate) and Wald interval.
public struct GLMCoefficient: Sendable, Hashable {
  /// The term (variable and level).
  public let term: ModelTerm
  /// The variable name, `(Intercept)` for the intercept.
  public var variable: String { term.variable }
  /// The level for a categorical term, empty otherwise.
  public var level: String { term.level }
  /// The estimate on the link scale (log rate ratio or log odds ratio); NaN when aliased.
  public let estimate: Double
  /// The standard error, scaled by the dispersion when it is estimated; NaN when aliased.
  public let standardError: Double
  /// The Wald statistic, estimate / standard error (z, or t for quasi families).
  public let statistic: Double
  /// The two-sided p-value: normal for fixed dispersion, Student t on the residual degrees of
  /// freedom when the dispersion is estimated (as R's `summary.glm`).
  public let pValue: Double
  /// exp(estimate): the rate ratio (Poisson) or odds ratio (binomial) against the reference.
  public let ratio: Double
  /// exp(estimate − z·se), the lower Wald limit.
  public let ratioLower: Double
  /// exp(estimate + z·se), the upper Wald limit.
  public let ratioUpper: Double
  /// Whether the term is a linear combination of earlier terms and so not estimable (R: NA).
  public let aliased: Bool
}

/// Something about a fit that the reader must know; the fit is returned, but not silently.
public enum GLMWarning: Sendable, Hashable, CustomStringConvertible {
  /// IRLS stopped at the iteration limit before the deviance settled.
  case notConverged(iterations: Int, relativeDevianceChange: Double)
  /// Terms that are combinations of earlier terms; their coefficients are not estimable.
  case aliasedTerms([String])
  /// Terms whose estimates were still moving by a large step when the fit stopped: the
  /// maximum-likelihood estimate does not exist (separation, e.g. a group with no events).
  case divergingEstimates([String])
  /// Fitted rates numerically 0, or fitted probabilities numerically 0 or 1, in `count` rows
  /// (R's "glm.fit: fitted rates numerically 0 occurred" / "probabilities numerically 0 or 1").
  case fittedValuesAtBoundary(count: Int)
  /// Event counts that are not whole numbers (allowed, as R allows them with a warning).
  case nonIntegerCounts(count: Int)
  /// Binomial rows with no trials: they carry no information and, as in R, are left out of
  /// the residual degrees of freedom.
  case rowsWithoutTrials(count: Int)
  /// The deviance was not finite after an iteration's step, and the step was halved (R does too).
  case stepHalved(iteration: Int)

  public var description: String {
    switch self {
    case .notConverged(let iterations, let change):
      return "the fit did not converge in \(iterations) iterations (relative change in deviance "
        + "\(change)); the estimates are not reliable"
    case .aliasedTerms(let terms):
      return "not estimable, being combinations of earlier terms (aliased, NA in R): "
        + terms.joined(separator: ", ")
    case .divergingEstimates(let terms):
      return "estimates heading to infinity (separation: some group has no events, or all "
        + "events, in part of the data); their ratios and intervals are not meaningful: "
        + terms.joined(separator: ", ")
    case .fittedValuesAtBoundary(let count):
      return "\(count) fitted values are numerically 0 (or 1 for probabilities)"
    case .nonIntegerCounts(let count):
      return "\(count) event counts are not whole numbers"
    case .rowsWithoutTrials(let count):
      return "\(count) rows have no trials and carry no information"
    case .stepHalved(let iteration):
      return "the step at iteration \(iteration) was halved to keep the deviance finite"
    }
  }
}

/// A fitted generalised linear model: coefficients with ratios and Wald intervals, and fit summary.
public struct GLMFit: Sendable {
  /// The family fitted.
  public let family: GLMFamily
  /// One entry per design column, in column order (the intercept first).
  public let coefficients: [GLMCoefficient]
  /// The residual deviance.
  public let deviance: Double
  /// The deviance of the intercept-only model (with the same offset).
  public let nullDeviance: Double
  /// Residual degrees of freedom: rows with information minus the rank.
  public let residualDegreesOfFreedom: Int
  /// Degrees of freedom of the null model: rows with information minus 1.
  public let nullDegreesOfFreedom: Int
  /// The number of estimable (non-aliased) coefficients.
  public let rank: Int
  /// IRLS iterations used.
  public let iterations: Int
  /// Whether the convergence rule was met within the iteration limit.
  public let converged: Bool
  /// The dispersion used for the standard errors: 1, or Pearson χ²/df for quasi families.
  public let dispersion: Double
  /// Pearson's χ² = Σ wᵢ(yᵢ − μᵢ)²/V(μᵢ) at the fitted values.
  ///
  /// R's `summary.glm` weights the residuals with the working weights of the last IRLS iteration
  /// (μ one step before the fitted values), so its dispersion differs from this one in about
  /// the sixth significant digit; statsmodels' `pearson_chi2` is this one.
  public let pearsonChiSquared: Double
  /// Pearson χ² / residual df, reported for every family (values well above 1 mean overdispersion:
  /// refit as quasi-Poisson).
  public let estimatedDispersion: Double
  /// Akaike's information criterion (as R's `AIC`); nil for quasi families, which have no likelihood.
  public let aic: Double?
  /// The covariance matrix of the estimates (dispersion included), in column order; rows and
  /// columns of aliased terms are NaN.
  public let covariance: Matrix
  /// The fitted means: expected counts (Poisson) or probabilities (binomial), one per row.
  public let fittedValues: [Double]
  /// The confidence level of the intervals.
  public let confidenceLevel: Double
  /// What the reader must know about this fit.
  public let warnings: [GLMWarning]

  /// The coefficient for a term, by R's name (`ethnicityBlack`, `(Intercept)`).
  public func coefficient(named name: String) -> GLMCoefficient? {
    coefficients.first { $0.term.name == name }
  }
}
