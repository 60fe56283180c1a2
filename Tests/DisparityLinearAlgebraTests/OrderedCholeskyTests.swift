import Testing

@testable import DisparityLinearAlgebra

@Suite("Blockwise Gram matrices and in-order Cholesky with aliased columns")
struct OrderedCholeskyTests {
  /// X = [[1,0,2],[1,1,0],[1,2,1],[1,3,5]], y = (1,2,3,4): XᵀX and Xᵀy by hand are
  /// [[4,6,8],[6,14,17],[8,17,30]] and (10, 20, 25); two blocks (rows 1–3, row 4) sum to them.
  @Test func blocksOfRowsSumToTheGramMatrix() {
    var acc = GramAccumulator(columns: 3)
    let first: [Double] = [1, 0, 2, 1, 1, 0, 1, 2, 1]
    let second: [Double] = [1, 3, 5]
    first.withUnsafeBufferPointer { b in
      [1.0, 2, 3].withUnsafeBufferPointer { y in acc.add(block: b, response: y, rows: 3) }
    }
    second.withUnsafeBufferPointer { b in
      [4.0].withUnsafeBufferPointer { y in acc.add(block: b, response: y, rows: 1) }
    }
    #expect(acc.gram == Matrix(rowMajor: [[4, 6, 8], [6, 14, 17], [8, 17, 30]]))
    #expect(acc.moment == [10, 20, 25])
  }

  /// Column 3 = column 1 + column 2: the later column is the dependent one (R's rule); the kept
  /// columns solve as LAPACK dposv does on the reduced system.
  @Test func laterOfDependentColumnsIsSetAside() throws {
    let x = Matrix(rowMajor: [
      [1, 0, 1, 2], [1, 1, 2, 0], [1, 2, 3, 1], [1, 3, 4, 5], [1, 1, 2, 2],
    ])
    var gram = Matrix(rows: 4, columns: 4)
    for i in 0..<4 {
      for j in 0..<4 {
        var s = 0.0
        for r in 0..<5 { s += x[r, i] * x[r, j] }
        gram[i, j] = s
      }
    }
    let chol = try OrderedCholesky(gram)
    #expect(chol.kept == [0, 1, 3])
    #expect(chol.dependent == [2])
    let b: [Double] = [1, 2, 3, 4]
    let solution = try chol.solve(b)
    var reduced = Matrix(rows: 3, columns: 3)
    for (a, i) in chol.kept.enumerated() {
      for (c, j) in chol.kept.enumerated() { reduced[a, c] = gram[i, j] }
    }
    let (expected, inverse) = try LinearAlgebra.solvePositiveDefinite(reduced, [1, 2, 4])
    for k in 0..<3 { #expect(abs(solution[k] - expected[k]) < 1e-12) }
    let ours = try chol.inverse()
    for k in 0..<9 { #expect(abs(ours.storage[k] - inverse.storage[k]) < 1e-12) }
  }

  /// A zero column (a level with no weight) is aliased rather than dividing by zero.
  @Test func zeroColumnIsDependent() throws {
    let chol = try OrderedCholesky(Matrix(rowMajor: [[2, 0], [0, 0]]))
    #expect(chol.kept == [0] && chol.dependent == [1])
  }
}
