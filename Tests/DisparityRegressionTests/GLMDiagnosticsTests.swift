import DisparityIngest
import DisparityRegression
import Foundation
import Testing

@Suite("Separation, non-convergence and invalid input are reported, not hidden")
struct GLMDiagnosticsTests {
  /// A group with no deaths has no finite rate ratio. R 4.2.2 `glm` stops after 19 iterations with
  /// ethnicityMixed = −24.90 (SE 6892) and no warning (poisson_separated_*.csv); we take the same
  /// iterations and name the diverging term. The estimable terms agree with R to 1e-6.
  @Test func poissonGroupWithNoEventsIsReportedAsDiverging() throws {
    let (fit, problem) = try ProblemSetup.poissonSeparated.fit()
    #expect(fit.iterations == Int(problem.summary["iterations"]!)!)
    #expect(fit.warnings.contains(.divergingEstimates(["ethnicityMixed"])))
    for (ours, r) in zip(fit.coefficients, problem.coefficients)
    where ours.term.name != "ethnicityMixed" {
      #expect(relativeDifference(ours.estimate, Double(r["estimate"]!)!) < 1e-6, "\(ours.term)")
      #expect(
        relativeDifference(ours.standardError, Double(r["std_error"]!)!) < 5e-4, "\(ours.term)")
    }
    let mixed = fit.coefficient(named: "ethnicityMixed")!
    #expect(mixed.estimate < -20 && mixed.standardError > 1000)
  }

  /// Every trial in one group an event: the odds ratio heads to infinity (R: ethnicityBlack = 23.5,
  /// SE 4789, binomial_separated_*.csv); named as diverging, the other terms as R's.
  @Test func binomialGroupWithAllEventsIsReportedAsDiverging() throws {
    let (fit, problem) = try ProblemSetup.binomialSeparated.fit()
    #expect(fit.warnings.contains(.divergingEstimates(["ethnicityBlack"])))
    for (ours, r) in zip(fit.coefficients, problem.coefficients)
    where ours.term.name != "ethnicityBlack" {
      #expect(relativeDifference(ours.estimate, Double(r["estimate"]!)!) < 1e-6, "\(ours.term)")
      #expect(
        relativeDifference(ours.standardError, Double(r["std_error"]!)!) < 5e-4, "\(ours.term)")
    }
  }

  /// Well-posed fits carry no separation or convergence warning.
  @Test(arguments: ProblemSetup.agreement)
  func wellPosedFitsHaveNoDivergenceWarning(setup: ProblemSetup) throws {
    let (fit, _) = try setup.fit()
    #expect(!fit.warnings.contains { if case .divergingEstimates = $0 { true } else { false } })
    #expect(!fit.warnings.contains { if case .notConverged = $0 { true } else { false } })
  }

  /// Two iterations are not enough for the Poisson problem (R needs 4): the fit says so.
  @Test func iterationLimitIsReportedAsNonConvergence() throws {
    var options = GLMOptions()
    options.maximumIterations = 2
    let (fit, _) = try ProblemSetup.agreement[0].fit(options: options)
    #expect(!fit.converged)
    #expect(fit.iterations == 2)
    let warning = fit.warnings.first { if case .notConverged = $0 { true } else { false } }
    guard case .notConverged(let iterations, let change) = warning else {
      Issue.record("no non-convergence warning")
      return
    }
    #expect(iterations == 2 && change > options.convergenceTolerance)
    // Stopping early is not separation.
    #expect(!fit.warnings.contains { if case .divergingEstimates = $0 { true } else { false } })
  }

  private func design(_ values: [String]) throws -> DesignMatrix {
    var builder = DesignMatrixBuilder(rowCount: values.count)
    try builder.addFactor("group", values: values, reference: "A")
    return try builder.build()
  }

  @Test func negativeCountIsADataErrorNamingTheRow() throws {
    let d = try design(["A", "B", "A"])
    let place = SourceLocation(file: "deaths.csv", line: 4, column: 3, columnName: "deaths")
    #expect(throws: RegressionError.negativeCount(row: 2, value: -1, location: place)) {
      try PoissonRegression.fit(
        design: d, events: [1, 2, -1], population: [10, 10, 10],
        locateRow: { $0 == 2 ? place : nil })
    }
    do {
      _ = try PoissonRegression.fit(design: d, events: [1, 2, -1], population: [10, 10, 10])
    } catch {
      let e: any DisparityError = error
      #expect(e.kind == .data)
      #expect(e.description.contains("row 3") && e.description.contains("negative"))
    }
  }

  @Test(arguments: [0.0, -5.0])
  func nonPositivePopulationIsADataError(population: Double) throws {
    let d = try design(["A", "B", "A"])
    do {
      _ = try PoissonRegression.fit(
        design: d, events: [1, 2, 3], population: [10, population, 10])
      Issue.record("no error")
    } catch {
      #expect(error == .nonPositivePopulation(row: 1, value: population, location: nil))
      #expect(error.kind == .data)
      #expect(error.description.contains("population") && error.description.contains("row 2"))
    }
  }

  @Test func moreEventsThanTrialsIsADataError() throws {
    let d = try design(["A", "B", "A"])
    do {
      _ = try LogisticRegression.fit(design: d, events: [1, 12, 3], trials: [10, 10, 10])
      Issue.record("no error")
    } catch {
      #expect(error == .eventsExceedTrials(row: 1, events: 12, trials: 10, location: nil))
      #expect(error.kind == .data && error.description.contains("12 events out of 10 trials"))
    }
    #expect(throws: RegressionError.negativeTrials(row: 0, value: -1, location: nil)) {
      try LogisticRegression.fit(design: d, events: [0, 1, 1], trials: [-1, 10, 10])
    }
  }

  @Test func nonFiniteValuesAndMismatchedLengthsAreRejected() throws {
    let d = try design(["A", "B", "A"])
    #expect(throws: RegressionError.notFinite(row: 1, variable: "the outcome", location: nil)) {
      try PoissonRegression.fit(design: d, events: [1, .nan, 3], population: [10, 10, 10])
    }
    do {
      _ = try PoissonRegression.fit(design: d, events: [1, 2], population: [10, 10, 10])
      Issue.record("no error")
    } catch {
      #expect(error == .lengthMismatch(variable: "the outcome", expected: 3, actual: 2))
      #expect(error.kind == .usage)
    }
  }

  /// Rows with no trials carry no information: R drops them from the degrees of freedom
  /// (glm's n.ok), and so do we, with a warning.
  @Test func rowsWithoutTrialsAreLeftOutOfTheDegreesOfFreedomWithAWarning() throws {
    let d = try design(["A", "B", "A", "B", "A"])
    let fit = try LogisticRegression.fit(
      design: d, events: [3, 5, 4, 6, 0], trials: [10, 10, 10, 10, 0])
    #expect(fit.residualDegreesOfFreedom == 2)
    #expect(fit.warnings.contains(.rowsWithoutTrials(count: 1)))
    // Saturated by group: the odds ratio is (11/9)/(7/13) exactly.
    let ratio = fit.coefficient(named: "groupB")!.ratio
    #expect(relativeDifference(ratio, (11.0 / 9.0) / (7.0 / 13.0)) < 1e-9)
  }
}
