import Testing

@testable import DisparityLinearAlgebra

@Suite("LAPACK through the OpenBLAS system-library target")
struct LeastSquaresTests {
  /// A straight-line fit whose answer is known in closed form: y = 1 + 2x exactly recovers (1, 2);
  /// with noise (x = 0,1,2,3; y = 0.8, 3.2, 4.8, 7.4), numpy 2.4 `linalg.lstsq` gives intercept
  /// 0.84 and slope 2.14 (by hand: Sxx = 5, Sxy = 10.7, slope = 2.14, 4.05 − 2.14 × 1.5 = 0.84).
  @Test func dgelsSolvesALinearLeastSquaresProblem() throws {
    let a = Matrix(rowMajor: [[1, 0], [1, 1], [1, 2], [1, 3]])
    let exact = try LinearAlgebra.leastSquares(a, [1, 3, 5, 7])
    #expect(abs(exact[0] - 1) < 1e-12 && abs(exact[1] - 2) < 1e-12)
    let noisy = try LinearAlgebra.leastSquares(a, [0.8, 3.2, 4.8, 7.4])
    #expect(abs(noisy[0] - 0.84) < 1e-12)
    #expect(abs(noisy[1] - 2.14) < 1e-12)
  }

  /// Two identical columns cannot be separated, nor can a column that is a combination of
  /// others (here the third is 1 + 2 × the second): the rank is found numerically, so rounding
  /// that leaves a pivot of 1e-16 rather than 0 (as some processors' kernels do) is still
  /// reported, with the column the pivoting set aside, rather than hidden in huge coefficients.
  @Test func rankDeficiencyIsReportedNotHidden() {
    let identical = Matrix(rowMajor: [[1, 1], [1, 1], [1, 1]])
    #expect(throws: LinearAlgebraError.rankDeficient(column: 1)) {
      try LinearAlgebra.leastSquares(identical, [1, 2, 3])
    }
    let combination = Matrix(rowMajor: [[1, 0, 1], [1, 1, 3], [1, 2, 5], [1, 3, 7]])
    #expect(throws: LinearAlgebraError.self) {
      try LinearAlgebra.leastSquares(combination, [1, 2, 2, 4])
    }
    // Nearly but not exactly collinear (a relative difference of 1e-6) is full rank.
    let near = Matrix(rowMajor: [[1, 1], [1, 1 + 1e-6], [1, 1 - 1e-6]])
    #expect((try? LinearAlgebra.leastSquares(near, [1, 2, 0])) != nil)
  }

  /// Cholesky solve of [[4,2],[2,3]] x = [2,1]: x = (0.5, 0), inverse = [[3,-2],[-2,4]]/8.
  @Test func choleskySolvesAndInvertsAPositiveDefiniteMatrix() throws {
    let a = Matrix(rowMajor: [[4, 2], [2, 3]])
    let (x, inverse) = try LinearAlgebra.solvePositiveDefinite(a, [2, 1])
    #expect(abs(x[0] - 0.5) < 1e-14 && abs(x[1]) < 1e-14)
    #expect(abs(inverse[0, 0] - 3.0 / 8) < 1e-14)
    #expect(abs(inverse[0, 1] + 2.0 / 8) < 1e-14)
    #expect(abs(inverse[1, 0] + 2.0 / 8) < 1e-14)
    #expect(abs(inverse[1, 1] - 4.0 / 8) < 1e-14)
  }
}
