import Testing

@testable import DisparityStatistics

/// The Boost.Math shim against published values.
@Suite("Boost.Math distribution quantiles")
struct DistributionsTests {
  /// Exact Poisson limits are chi-square quantiles / 2. Expected: the `chisq_lower`/`chisq_upper`
  /// columns of reference/poisson_count_ci_expected.csv (R 4.2.2 `qchisq`), x = 0…10.
  @Test func chiSquareQuantilesGiveTheExactPoissonLimitsThatRGives() throws {
    let table = try ReferenceTable(resource: "poisson_count_ci_expected")
    let xs = table.column("x")
    let lower = table.column("chisq_lower")
    let upper = table.column("chisq_upper")
    for (i, x) in xs.enumerated() {
      let l = x == 0 ? 0 : Distributions.chiSquaredQuantile(0.025, degreesOfFreedom: 2 * x) / 2
      let u = Distributions.chiSquaredQuantile(0.975, degreesOfFreedom: 2 * x + 2) / 2
      #expect(close(l, lower[i], relative: 1e-9), "x = \(x): lower \(l) vs \(lower[i])")
      #expect(close(u, upper[i], relative: 1e-9), "x = \(x): upper \(u) vs \(upper[i])")
    }
    // ARCHITECTURE.md: x = 1 gives (0.0253178, 5.571643), as R does.
    #expect(
      abs(Distributions.chiSquaredQuantile(0.025, degreesOfFreedom: 2) / 2 - 0.0253178) < 1e-7)
    #expect(abs(Distributions.chiSquaredQuantile(0.975, degreesOfFreedom: 4) / 2 - 5.571643) < 1e-6)
  }

  /// The gamma quantile with scale 1 is the same exact Poisson limit (Daly's formulation):
  /// `daly_lower`/`daly_upper` of reference/poisson_count_ci_expected.csv.
  @Test func gammaQuantilesGiveDalysPoissonLimits() throws {
    let table = try ReferenceTable(resource: "poisson_count_ci_expected")
    let xs = table.column("x")
    let lower = table.column("daly_lower")
    for (i, x) in xs.enumerated() where x > 0 {
      let l = Distributions.gammaQuantile(0.025, shape: x, scale: 1)
      #expect(close(l, lower[i], relative: 1e-9), "x = \(x): \(l) vs \(lower[i])")
    }
  }

  /// Clopper–Pearson limits are beta quantiles. Expected: epitools `binom.exact`
  /// (reference/binomial_ci_expected.csv), x/n = 1/10 … 10/100.
  @Test func betaQuantilesGiveClopperPearsonLimits() throws {
    let table = try ReferenceTable(resource: "binomial_ci_expected")
    let xs = table.column("x")
    let ns = table.column("n")
    let lower = table.column("clopper_pearson_lower")
    let upper = table.column("clopper_pearson_upper")
    for i in xs.indices {
      let (x, n) = (xs[i], ns[i])
      let l = Distributions.betaQuantile(0.025, a: x, b: n - x + 1)
      let u = Distributions.betaQuantile(0.975, a: x + 1, b: n - x)
      #expect(close(l, lower[i], relative: 1e-9), "\(x)/\(n): lower \(l) vs \(lower[i])")
      #expect(close(u, upper[i], relative: 1e-9), "\(x)/\(n): upper \(u) vs \(upper[i])")
    }
  }

  /// The normal quantile gives the Wilson limits of epitools `binom.wilson`
  /// (reference/binomial_ci_expected.csv).
  @Test func normalQuantileGivesWilsonLimits() throws {
    let table = try ReferenceTable(resource: "binomial_ci_expected")
    let xs = table.column("x")
    let ns = table.column("n")
    let lower = table.column("wilson_lower")
    let upper = table.column("wilson_upper")
    let z = Distributions.zCritical(confidence: 0.95)
    for i in xs.indices {
      let (x, n) = (xs[i], ns[i])
      let root = z * (z * z + 4 * x * (1 - x / n)).squareRoot()
      let l = (2 * x + z * z - root) / (2 * (n + z * z))
      let u = (2 * x + z * z + root) / (2 * (n + z * z))
      #expect(close(l, lower[i], relative: 1e-9))
      #expect(close(u, upper[i], relative: 1e-9))
    }
  }

  /// Student t and normal quantiles against values printed by R 4.2.2:
  /// qt(0.975, 9) = 2.262157162798205, qt(0.975, 1) = 12.70620473617471,
  /// qnorm(0.975) = 1.959963984540054, qnorm(0.999) = 3.090232306167813.
  @Test func studentsTAndNormalQuantilesMatchR() {
    #expect(
      close(
        Distributions.studentsTQuantile(0.975, degreesOfFreedom: 9), 2.262157162798205,
        relative: 1e-12))
    #expect(
      close(
        Distributions.studentsTQuantile(0.975, degreesOfFreedom: 1), 12.70620473617471,
        relative: 1e-12))
    #expect(close(Distributions.normalQuantile(0.975), 1.959963984540054, relative: 1e-14))
    #expect(close(Distributions.zCritical(confidence: 0.998), 3.090232306167813, relative: 1e-14))
  }

  /// Arguments outside the domain give NaN rather than crashing or throwing across C++.
  @Test func outOfDomainArgumentsGiveNaN() {
    #expect(Distributions.normalQuantile(1.5).isNaN)
    #expect(Distributions.chiSquaredQuantile(0.5, degreesOfFreedom: 0).isNaN)
    #expect(Distributions.gammaQuantile(0.5, shape: -1, scale: 1).isNaN)
    #expect(Distributions.betaQuantile(-0.1, a: 1, b: 1).isNaN)
  }
}
