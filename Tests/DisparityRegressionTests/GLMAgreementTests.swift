import DisparityRegression
import Foundation
import Testing

/// How each reference problem is set up: R's formula, family and columns (Resources/README.md).
struct ProblemSetup: Sendable, CustomStringConvertible {
  let name: String
  let family: GLMFamily
  let outcome: String
  let exposure: String
  let factors: [(String, String)]
  let covariates: [String]

  var description: String { name }

  static let agreement: [ProblemSetup] = [
    ProblemSetup(
      name: "poisson_offset", family: .poisson, outcome: "deaths", exposure: "population",
      factors: [("ethnicity", "White British"), ("age", "0-17"), ("sex", "F")], covariates: []),
    ProblemSetup(
      name: "binomial_trials", family: .binomial, outcome: "vaccinated", exposure: "trials",
      factors: [("ethnicity", "White British"), ("imd", "1")], covariates: []),
    ProblemSetup(
      name: "poisson_rank_deficient", family: .poisson, outcome: "cases", exposure: "population",
      factors: [("ethnicity", "White British"), ("area", "E01"), ("region", "Midlands")],
      covariates: []),
    ProblemSetup(
      name: "quasipoisson", family: .quasipoisson, outcome: "admissions", exposure: "population",
      factors: [("ethnicity", "White British"), ("sex", "F")], covariates: ["year"]),
  ]

  static let poissonSeparated = ProblemSetup(
    name: "poisson_separated", family: .poisson, outcome: "deaths", exposure: "population",
    factors: [("ethnicity", "White British"), ("age", "0-17")], covariates: [])

  static let binomialSeparated = ProblemSetup(
    name: "binomial_separated", family: .binomial, outcome: "vaccinated", exposure: "trials",
    factors: [("ethnicity", "White British"), ("imd", "1")], covariates: [])

  func fit(options: GLMOptions = GLMOptions()) throws -> (GLMFit, ReferenceProblem) {
    let problem = try ReferenceProblem(name)
    let design = try problem.design(factors: factors, covariates: covariates)
    let fit = try GeneralisedLinearModel.fit(
      design: design, family: family, events: problem.numbers(outcome),
      exposure: problem.numbers(exposure), options: options)
    return (fit, problem)
  }
}

@Suite("Agreement with R's glm on randomised problems (R 4.2.2, Resources/glm/make_reference.R)")
struct GLMAgreementTests {
  /// Coefficients to 1e-6 relative, standard errors to 5e-4 relative, aliasing as R's NA: the
  /// expected values are R's `coef(fit)` and `summary(fit)$coefficients[, 2]`.
  @Test(arguments: ProblemSetup.agreement)
  func coefficientsStandardErrorsAndAliasingMatchR(setup: ProblemSetup) throws {
    let (fit, problem) = try setup.fit()
    #expect(fit.coefficients.count == problem.coefficients.count)
    for (ours, r) in zip(fit.coefficients, problem.coefficients) {
      #expect(ours.term.name == r["term"]!)
      #expect(ours.variable == r["variable"]!)
      #expect(ours.level == r["level"]!)
      #expect(ours.aliased == (r["aliased"]! == "true"), "\(r["term"]!)")
      if ours.aliased {
        #expect(ours.estimate.isNaN && ours.standardError.isNaN && ours.ratio.isNaN)
        continue
      }
      let estimate = Double(r["estimate"]!)!
      let se = Double(r["std_error"]!)!
      #expect(relativeDifference(ours.estimate, estimate) < 1e-6, "\(r["term"]!) estimate")
      #expect(relativeDifference(ours.standardError, se) < 5e-4, "\(r["term"]!) standard error")
    }
  }

  /// Deviance, null deviance, degrees of freedom, iteration count, dispersion and AIC as R's
  /// `fit$deviance`, `fit$null.deviance`, `fit$df.residual`, `fit$df.null`, `fit$iter`,
  /// `summary(fit)$dispersion` and `fit$aic`: the same convergence rule gives the same iterations.
  @Test(arguments: ProblemSetup.agreement)
  func fitSummaryMatchesR(setup: ProblemSetup) throws {
    let (fit, problem) = try setup.fit()
    let s = problem.summary
    #expect(fit.converged)
    #expect(fit.iterations == Int(s["iterations"]!)!)
    #expect(relativeDifference(fit.deviance, Double(s["deviance"]!)!) < 1e-8)
    #expect(relativeDifference(fit.nullDeviance, Double(s["null_deviance"]!)!) < 1e-8)
    #expect(fit.residualDegreesOfFreedom == Int(s["df_residual"]!)!)
    #expect(fit.nullDegreesOfFreedom == Int(s["df_null"]!)!)
    // R's summary.glm weights the Pearson residuals with the working weights of the last IRLS
    // iteration (μ before the final update); we use the fitted μ, the textbook Pearson χ² (and
    // statsmodels'). The two differ by the last step, about 2e-6 relative here.
    #expect(relativeDifference(fit.dispersion, Double(s["dispersion"]!)!) < 1e-5)
    if let aic = Double(s["aic"]!) {
      #expect(relativeDifference(fit.aic!, aic) < 1e-8)
    } else {
      #expect(fit.aic == nil)
    }
  }

  /// The aliased region terms of the nested design are named in a warning, as R prints NA.
  @Test func aliasedTermsAreReportedByName() throws {
    let (fit, _) = try ProblemSetup.agreement[2].fit()
    #expect(fit.warnings.contains(.aliasedTerms(["regionNorth", "regionSouth"])))
    #expect(fit.rank == 11)
    #expect(fit.covariance[11, 11].isNaN && fit.covariance[0, 0] > 0)
  }

  /// Wald limits are exp(b ± z·se) with z = Φ⁻¹(0.975) = 1.959963984540054 (R: qnorm(0.975)).
  @Test func waldIntervalsAreExpOfEstimatePlusMinusZStandardErrors() throws {
    let (fit, _) = try ProblemSetup.agreement[0].fit()
    let z = 1.959963984540054
    for c in fit.coefficients {
      #expect(relativeDifference(c.ratio, exp(c.estimate)) < 1e-14)
      #expect(relativeDifference(c.ratioLower, exp(c.estimate - z * c.standardError)) < 1e-12)
      #expect(relativeDifference(c.ratioUpper, exp(c.estimate + z * c.standardError)) < 1e-12)
    }
    var options = GLMOptions()
    options.confidenceLevel = 0.99
    let (wider, _) = try ProblemSetup.agreement[0].fit(options: options)
    let c = wider.coefficients[1]
    // R: qnorm(0.995) = 2.5758293035489004.
    #expect(
      relativeDifference(c.ratioUpper, exp(c.estimate + 2.5758293035489004 * c.standardError))
        < 1e-12)
  }

  /// Quasi-Poisson estimates are the Poisson estimates; only the standard errors scale, by
  /// √dispersion, and the Pearson dispersion is reported for plain Poisson fits too.
  @Test func quasiPoissonScalesStandardErrorsByPearsonDispersion() throws {
    let quasi = ProblemSetup.agreement[3]
    let plain = ProblemSetup(
      name: quasi.name, family: .poisson, outcome: quasi.outcome, exposure: quasi.exposure,
      factors: quasi.factors, covariates: quasi.covariates)
    let (q, _) = try quasi.fit()
    let (p, _) = try plain.fit()
    #expect(p.dispersion == 1)
    #expect(relativeDifference(p.estimatedDispersion, q.dispersion) < 1e-15)
    // R: summary(f4)$dispersion = 18.52779956473502 (quasipoisson_summary.csv), from the
    // working weights one step earlier (see fitSummaryMatchesR).
    #expect(relativeDifference(p.estimatedDispersion, 18.52779956473502) < 1e-5)
    for (a, b) in zip(q.coefficients, p.coefficients) {
      #expect(a.estimate == b.estimate)
      #expect(
        relativeDifference(a.standardError, b.standardError * q.dispersion.squareRoot()) < 1e-12)
    }
  }

  /// Block size and thread count change only the order of summation.
  @Test(arguments: [1, 7, 100])
  func blockSizeDoesNotChangeTheFit(blockRows: Int) throws {
    var options = GLMOptions()
    options.blockRows = blockRows
    options.threads = 1
    let (blocked, _) = try ProblemSetup.agreement[1].fit(options: options)
    let (standard, _) = try ProblemSetup.agreement[1].fit()
    for (a, b) in zip(blocked.coefficients, standard.coefficients) {
      #expect(relativeDifference(a.estimate, b.estimate) < 1e-10)
      #expect(relativeDifference(a.standardError, b.standardError) < 1e-10)
    }
  }
}

@Suite("Threaded accumulation")
struct GLMThreadingTests {
  /// 33,000 rows make two chunks shared between threads; the partial XᵀWX are summed in chunk
  /// order, so the fit equals the single-threaded one exactly. The counts are a deterministic
  /// function of the row (no peer needed: the check is one fit against another).
  @Test func twoThreadsGiveTheSingleThreadedFit() throws {
    let n = 33_000
    let groups = ["A", "B", "C", "D"]
    let bands = ["0-39", "40-64", "65+"]
    var builder = DesignMatrixBuilder(rowCount: n)
    try builder.addFactor("group", values: (0..<n).map { groups[$0 % 4] }, reference: "A")
    try builder.addFactor("age", values: (0..<n).map { bands[($0 / 4) % 3] })
    let design = try builder.build()
    let population = (0..<n).map { Double(1000 + ($0 * 7919) % 5000) }
    let events = (0..<n).map { i in Double((i * 104_729) % 13) + Double(i % 4) }
    var one = GLMOptions()
    one.threads = 1
    var two = GLMOptions()
    two.threads = 2
    let a = try PoissonRegression.fit(
      design: design, events: events, population: population, options: one)
    let b = try PoissonRegression.fit(
      design: design, events: events, population: population, options: two)
    #expect(a.iterations == b.iterations)
    for (x, y) in zip(a.coefficients, b.coefficients) {
      #expect(x.estimate == y.estimate)
      #expect(x.standardError == y.standardError)
    }
  }
}
