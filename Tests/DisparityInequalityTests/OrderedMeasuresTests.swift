import Testing

@testable import DisparityInequality

private func ordered5(direction: IndicatorDirection = .favourable) throws -> InequalityInput {
  try InequalityInput(
    groups: groups(
      "healthequal_tests_ordered5.csv", estimate: "est", se: "se", population: "pop",
      reference: nil, order: "subgroup_order"),
    direction: direction, scale: 100, isOrdered: true, dimensionName: "income quintile")
}

@Suite struct OrderedMeasuresTests {
  // Expected values: healthequal_tests_ordered5_expected.csv (healthequal 1.0.1, R 4.2.2).

  @Test func concentrationIndicesMatchHealthequal() throws {
    let expected = try ReferenceCSV("healthequal_tests_ordered5_expected.csv").rows
    let report = try Inequality.measures(ordered5(), only: [.aci, .rci])
    for kind in [InequalityMeasureKind.aci, .rci] {
      let row = try #require(expected.first { $0["measure"] == kind.rawValue })
      let m = try #require(report[kind])
      #expect(close(m.estimate, Double(row["estimate"]!), relative: 1e-9), "\(kind)")
      #expect(close(m.standardError, Double(row["se"]!), relative: 1e-9), "\(kind) se")
      #expect(close(m.lower, Double(row["lowerci"]!), relative: 1e-9), "\(kind) lower")
      #expect(close(m.upper, Double(row["upperci"]!), relative: 1e-9), "\(kind) upper")
    }
  }

  @Test func attributableMeasuresUseTheMostAdvantagedGroup() throws {
    let expected = try ReferenceCSV("healthequal_tests_ordered5_expected.csv").rows
    let report = try Inequality.measures(ordered5(), only: [.paf, .par])
    let paf = try #require(expected.first { $0["measure"] == "paf" })
    let par = try #require(expected.first { $0["measure"] == "par" })
    #expect(close(report[.paf]?.estimate, Double(paf["estimate"]!), relative: 1e-9))
    // Our PAF SE is in per cent: 100 × healthequal's fraction-scale SE.
    #expect(close(report[.paf]?.standardError, 100 * Double(paf["se"]!)!, relative: 1e-9))
    #expect(close(report[.par]?.estimate, Double(par["estimate"]!), relative: 1e-9))
    #expect(close(report[.par]?.standardError, Double(par["se"]!), relative: 1e-9))
    #expect(close(report[.par]?.lower, Double(par["lowerci"]!), relative: 1e-9))
  }

  @Test func logisticSlopeWithPopulationSquaredWeightsReproducesHealthequal() throws {
    // healthequal's SE comes from marginaleffects' finite-difference Jacobian, so it agrees with
    // our analytic delta method to about 1e-7 relative; point estimates to 1e-9. Our SII SE is on
    // the indicator scale: 100 × healthequal's 0–1 value.
    let expected = try ReferenceCSV("healthequal_tests_ordered5_expected.csv").rows
    let options = InequalityOptions(slopeIndexMethod: .logistic(.populationSquared))
    let report = try Inequality.measures(ordered5(), options: options, only: [.sii, .rii])
    let sii = try #require(expected.first { $0["measure"] == "sii" })
    let rii = try #require(expected.first { $0["measure"] == "rii" })
    let mSII = try #require(report[.sii])
    let mRII = try #require(report[.rii])
    #expect(close(mSII.estimate, Double(sii["estimate"]!), relative: 1e-9))
    #expect(close(mSII.standardError, 100 * Double(sii["se"]!)!, relative: 1e-6))
    #expect(close(mSII.lower, Double(sii["lowerci"]!), relative: 1e-6))
    #expect(close(mSII.upper, Double(sii["upperci"]!), relative: 1e-6))
    #expect(close(mRII.estimate, Double(rii["estimate"]!), relative: 1e-9))
    #expect(close(mRII.standardError, Double(rii["se"]!), relative: 1e-6))
    #expect(mRII.standardErrorScale == .naturalLogarithm)
    #expect(close(mRII.lower, Double(rii["lowerci"]!), relative: 1e-6))
    #expect(close(mRII.upper, Double(rii["upperci"]!), relative: 1e-6))
  }

  @Test func logisticSlopeWithPopulationWeightsMatchesStatsmodels() throws {
    // Independent fit: statsmodels 0.15.0 GLM(Binomial, var_weights = population), HC0 × J/(J−2),
    // delta method by central differences (Resources/independent_checks.py).
    let options = InequalityOptions(slopeIndexMethod: .logistic(.population))
    let report = try Inequality.measures(ordered5(), options: options, only: [.sii, .rii])
    #expect(close(report[.sii]?.estimate, 44.890533590198565, relative: 1e-9))
    #expect(close(report[.sii]?.standardError, 2.647097425965313, relative: 1e-6))
    #expect(close(report[.rii]?.estimate, 3.236339736524502, relative: 1e-9))
    #expect(close(report[.rii]?.standardError, 0.09719219915182281, relative: 1e-6))
  }

  @Test func weightedLeastSquaresSlopeIsPHEStyleWithMonteCarloInterval() throws {
    // Independent: numpy.polyfit with sqrt(population share) weights gives SII 46.25381094243093,
    // RII 3.5558002721553974; the slope's exact SD under independent normal errors is
    // 16.198756490266696 (Resources/independent_checks.py). Draws are truncated at 0 and 100, so
    // the simulated SD is near, not equal to, that value.
    let report = try Inequality.measures(ordered5(), only: [.sii, .rii])
    let sii = try #require(report[.sii])
    let rii = try #require(report[.rii])
    #expect(close(sii.estimate, 46.25381094243093, relative: 1e-9))
    #expect(close(rii.estimate, 3.5558002721553974, relative: 1e-9))
    #expect(close(sii.standardError, 16.198756490266696, relative: 0.05))
    #expect(sii.lower < sii.estimate && sii.estimate < sii.upper)
    #expect(rii.lower < rii.estimate && rii.estimate < rii.upper)
    #expect(sii.intervalMethod == .monteCarlo(simulations: 10_000, seed: 123_456))
  }

  @Test func differenceAndRatioCompareTheExtremeQuintiles() throws {
    // By hand from the input: Q5 60, Q1 20 (se 14 and 5).
    let favourable = try Inequality.measures(ordered5(), only: [.d, .r])
    #expect(favourable[.d]?.estimate == 40)
    #expect(favourable[.r]?.estimate == 3)
    #expect(close(favourable[.d]?.standardError, (14.0 * 14 + 5 * 5).squareRoot(), relative: 1e-12))
    let adverse = try Inequality.measures(ordered5(direction: .adverse), only: [.d, .r])
    #expect(adverse[.d]?.estimate == -40)
    #expect(close(adverse[.r]?.estimate, 1.0 / 3, relative: 1e-12))
  }

  @Test func everyApplicableMeasureIsReturnedForAnOrderedDimension() throws {
    let report = try Inequality.measures(ordered5())
    #expect(
      report.measures.map(\.abbreviation) == ["d", "r", "paf", "par", "sii", "rii", "aci", "rci"])
    #expect(report.inapplicable.count == 13)
    #expect(report.inapplicable.allSatisfy { $0.reason.contains("unordered") })
  }
}
