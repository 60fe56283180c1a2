import DisparityIngest
import DisparityRegression
import Testing

@Suite("Design matrices with treatment contrasts, named as R names them")
struct DesignMatrixTests {
  /// R: `model.matrix(~ relevel(factor(g), "White") + x)` with g = c("White","Black","Asian",
  /// "White") has columns (Intercept), gAsian, gBlack, x: the reference first, others sorted.
  @Test func referenceLevelIsLeftOutAndOtherLevelsAreSorted() throws {
    var builder = DesignMatrixBuilder(rowCount: 4)
    try builder.addFactor("g", values: ["White", "Black", "Asian", "White"], reference: "White")
    try builder.addCovariate("x", values: [1.5, 2, 3, 4])
    let design = try builder.build()
    #expect(design.terms.map(\.name) == ["(Intercept)", "gAsian", "gBlack", "x"])
    #expect(design.factors[0].levels == ["White", "Asian", "Black"])
    #expect(design.row(0) == [1, 0, 0, 1.5])
    #expect(design.row(1) == [1, 0, 1, 2])
    #expect(design.row(2) == [1, 1, 0, 3])
    let dense = design.dense()
    #expect(dense.rows == 4 && dense.columns == 4 && dense[3, 3] == 4 && dense[3, 1] == 0)
  }

  @Test func firstAppearanceOrderKeepsTheDataOrder() throws {
    var builder = DesignMatrixBuilder(rowCount: 4)
    try builder.addFactor(
      "g", values: ["White", "Black", "Asian", "White"], reference: "Asian", order: .firstAppearance
    )
    let design = try builder.build()
    #expect(design.terms.map(\.name) == ["(Intercept)", "gWhite", "gBlack"])
    #expect(design.terms[1] == ModelTerm(variable: "g", level: "White"))
  }

  /// Without a reference the first level in sorted order is the reference, as R's default.
  @Test func defaultReferenceIsTheFirstSortedLevel() throws {
    var builder = DesignMatrixBuilder(rowCount: 3)
    try builder.addFactor("sex", values: ["M", "F", "M"])
    #expect(try builder.build().terms.map(\.name) == ["(Intercept)", "sexM"])
  }

  @Test func unknownReferenceLevelIsAUsageErrorListingTheLevels() throws {
    var builder = DesignMatrixBuilder(rowCount: 2)
    try builder.addFactor("g", values: ["A", "B"], reference: "C")
    do {
      _ = try builder.build()
      Issue.record("no error")
    } catch {
      #expect(error == .unknownReferenceLevel(variable: "g", level: "C", available: ["A", "B"]))
      let e: any DisparityError = error
      #expect(e.kind == .usage && e.description.contains("\"A\", \"B\""))
    }
  }

  @Test func singleLevelAndDuplicateVariablesAreRefused() throws {
    var builder = DesignMatrixBuilder(rowCount: 2)
    try builder.addFactor("g", values: ["A", "A"])
    #expect(throws: RegressionError.singleLevelFactor(variable: "g", level: "A")) {
      try builder.build()
    }
    #expect(throws: RegressionError.duplicateVariable("g")) {
      try builder.addCovariate("g", values: [1, 2])
    }
    #expect(throws: RegressionError.lengthMismatch(variable: "h", expected: 2, actual: 3)) {
      try builder.addFactor("h", values: ["A", "B", "C"])
    }
  }
}
