/// The summary measures of inequality, named by HEAT's lower-case abbreviations.
///
/// Applicability follows HEAT's own table (`HEAT_summary_measures.rda`, v6.0): SII, RII, ACI and
/// RCI need an ordered dimension; BGV, BGSD, COV, IDISU/W, MDBU/W, MDMU/W, MDRU/W, TI and MLD
/// are for non-ordered dimensions; D, R, PAF and PAR apply to both. Only D, R, PAF and PAR are
/// defined for two groups; the others need three or more.
public enum InequalityMeasureKind: String, Sendable, Hashable, CaseIterable, Comparable {
  /// Difference between two groups.
  case d
  /// Ratio of two groups.
  case r
  /// Between-group variance.
  case bgv
  /// Between-group standard deviation.
  case bgsd
  /// Coefficient of variation (per cent).
  case cov
  /// Index of disparity, unweighted (per cent).
  case idisu
  /// Index of disparity, weighted (per cent).
  case idisw
  /// Mean difference from the best-performing group, unweighted.
  case mdbu
  /// Mean difference from the best-performing group, weighted.
  case mdbw
  /// Mean difference from the mean, unweighted.
  case mdmu
  /// Mean difference from the mean, weighted.
  case mdmw
  /// Mean difference from the reference group, unweighted.
  case mdru
  /// Mean difference from the reference group, weighted.
  case mdrw
  /// Theil index (×1000).
  case ti
  /// Mean log deviation (×1000).
  case mld
  /// Population attributable fraction (per cent).
  case paf
  /// Population attributable risk (indicator scale).
  case par
  /// Slope index of inequality.
  case sii
  /// Relative index of inequality.
  case rii
  /// Absolute concentration index.
  case aci
  /// Relative concentration index.
  case rci

  /// The lower-case abbreviation used in output (`d`, `bgv`, `sii`, …).
  public var abbreviation: String { rawValue }

  /// The measure's full English name, e.g. "Slope index of inequality".
  public var name: String {
    switch self {
    case .d: return "Difference"
    case .r: return "Ratio"
    case .bgv: return "Between-group variance"
    case .bgsd: return "Between-group standard deviation"
    case .cov: return "Coefficient of variation"
    case .idisu: return "Index of disparity (unweighted)"
    case .idisw: return "Index of disparity (weighted)"
    case .mdbu: return "Mean difference from best-performing group (unweighted)"
    case .mdbw: return "Mean difference from best-performing group (weighted)"
    case .mdmu: return "Mean difference from mean (unweighted)"
    case .mdmw: return "Mean difference from mean (weighted)"
    case .mdru: return "Mean difference from reference group (unweighted)"
    case .mdrw: return "Mean difference from reference group (weighted)"
    case .ti: return "Theil index"
    case .mld: return "Mean log deviation"
    case .paf: return "Population attributable fraction"
    case .par: return "Population attributable risk"
    case .sii: return "Slope index of inequality"
    case .rii: return "Relative index of inequality"
    case .aci: return "Absolute concentration index"
    case .rci: return "Relative concentration index"
    }
  }

  /// Whether the measure needs an ordered dimension (SII, RII, ACI, RCI).
  public var needsOrderedDimension: Bool {
    switch self {
    case .sii, .rii, .aci, .rci: return true
    default: return false
    }
  }

  /// Whether the measure is defined only for a non-ordered dimension (HEAT's table).
  public var needsNonOrderedDimension: Bool {
    switch self {
    case .bgv, .bgsd, .cov, .idisu, .idisw, .mdbu, .mdbw, .mdmu, .mdmw, .mdru, .mdrw, .ti, .mld:
      return true
    default: return false
    }
  }

  /// Whether the measure is defined for exactly two groups (D, R, PAF, PAR) as well as more.
  public var allowsTwoGroups: Bool {
    switch self {
    case .d, .r, .paf, .par: return true
    default: return false
    }
  }

  /// The position in HEAT's reporting order (the order of the cases).
  public static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// How a confidence interval was obtained.
public enum IntervalMethod: Sendable, Hashable, CustomStringConvertible {
  /// estimate ± z·se with an analytic (delta-method or closed-form) standard error.
  case analytic
  /// exp(ln estimate ± z·se) with an analytic standard error of the logarithm.
  case analyticLogScale
  /// estimate ± z·se with a heteroskedasticity-consistent (HC1 sandwich) standard error of a
  /// logistic fit, by the delta method (HEAT's logistic SII and RII).
  case robustLogistic
  /// Percentiles of seeded Monte Carlo simulation.
  case monteCarlo(simulations: Int, seed: UInt64)

  public var description: String {
    switch self {
    case .analytic: return "analytic"
    case .analyticLogScale: return "analytic (log scale)"
    case .robustLogistic: return "logistic regression, HC1 robust standard error"
    case .monteCarlo(let simulations, let seed):
      return "Monte Carlo (\(simulations) simulations, seed \(seed))"
    }
  }
}

/// The scale a reported standard error is on.
public enum StandardErrorScale: String, Sendable, Hashable {
  /// The same scale as the estimate.
  case estimate
  /// The natural logarithm of the estimate (R and RII, as healthequal reports them).
  case naturalLogarithm
}

/// One summary measure of inequality with its standard error and confidence interval.
public struct InequalityMeasure: Sendable, Hashable {
  /// Which measure this is.
  public let kind: InequalityMeasureKind
  /// The point estimate.
  public let estimate: Double
  /// The standard error, on ``standardErrorScale``. For Monte Carlo intervals it is the standard
  /// deviation of the simulated values. `nil` when it cannot be given (e.g. a simulated ratio
  /// with a non-positive draw).
  public let standardError: Double?
  /// The scale of ``standardError``.
  public let standardErrorScale: StandardErrorScale
  /// The lower confidence limit.
  public let lower: Double
  /// The upper confidence limit.
  public let upper: Double
  /// The confidence level of the interval, e.g. 0.95.
  public let confidence: Double
  /// How the interval was obtained.
  public let intervalMethod: IntervalMethod
  /// What scale the estimate is on, in words, e.g. "indicator scale (per 1000)" or "×1000".
  public let scaleNote: String

  /// The lower-case abbreviation (`d`, `r`, `bgv`, …, `rci`).
  public var abbreviation: String { kind.abbreviation }

  /// Creates a measure.
  public init(
    kind: InequalityMeasureKind, estimate: Double, standardError: Double?,
    standardErrorScale: StandardErrorScale = .estimate, lower: Double, upper: Double,
    confidence: Double, intervalMethod: IntervalMethod, scaleNote: String
  ) {
    self.kind = kind
    self.estimate = estimate
    self.standardError = standardError
    self.standardErrorScale = standardErrorScale
    self.lower = lower
    self.upper = upper
    self.confidence = confidence
    self.intervalMethod = intervalMethod
    self.scaleNote = scaleNote
  }
}

/// A measure that was not computed, with the reason in words.
public struct InapplicableMeasure: Sendable, Hashable {
  /// The measure.
  public let kind: InequalityMeasureKind
  /// Why it does not apply, e.g. "SII needs an ordered dimension …".
  public let reason: String
}

/// The result of ``Inequality/measures(_:options:only:)``: the measures computed, in HEAT's
/// order, and those that do not apply to this input with the reason.
public struct InequalityReport: Sendable, Hashable {
  /// The computed measures.
  public let measures: [InequalityMeasure]
  /// Measures left out because they do not apply (only when all measures were asked for).
  public let inapplicable: [InapplicableMeasure]

  /// The measure of the given kind, if it was computed.
  public subscript(kind: InequalityMeasureKind) -> InequalityMeasure? {
    measures.first { $0.kind == kind }
  }
}
