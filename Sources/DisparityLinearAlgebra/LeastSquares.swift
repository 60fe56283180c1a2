import _COpenBLAS

/// An error from a LAPACK routine, with the routine's name and its `info` code.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
  /// The arguments had the wrong shape: `what` says which.
  case dimensionMismatch(String)
  /// The matrix does not have full column rank, so the solution is not unique.
  ///
  /// `column` is the zero-based column at which LAPACK found the problem.
  case rankDeficient(column: Int)
  /// The matrix is not positive definite (Cholesky failed at the given zero-based minor).
  case notPositiveDefinite(minor: Int)
  /// LAPACK reported an illegal argument: a programming error inside the toolkit.
  case lapack(routine: String, info: Int)

  public var description: String {
    switch self {
    case .dimensionMismatch(let what): return "matrix dimensions do not match: \(what)"
    case .rankDeficient(let column):
      return "the design matrix is rank deficient (column \(column + 1) is a combination of others)"
    case .notPositiveDefinite(let minor):
      return "the matrix is not positive definite (leading minor \(minor + 1))"
    case .lapack(let routine, let info): return "LAPACK \(routine) failed with info = \(info)"
    }
  }
}

/// Linear least squares and symmetric positive-definite solves on LAPACK.
public enum LinearAlgebra {
  /// The number of threads OpenBLAS may use.
  ///
  /// Set it to 1 where Swift code already runs work in parallel, so the two do not
  /// oversubscribe the cores.
  public static var blasThreads: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(newValue)) }
  }

  /// Keeps BLAS on the calling thread and stops OpenBLAS's worker threads.
  ///
  /// The threaded OpenBLAS starts a worker per core when it loads, and the workers spin waiting
  /// for work for a while, taking cores from the toolkit's own parallel stages. Nothing here asks
  /// BLAS for threads (the GLM shares its work between cores itself), so a program calls this
  /// once at start; setting ``blasThreads`` above 1 later starts the workers again.
  public static func useCallingThreadOnly() {
    _ = disparity_openblas_stop_threads()
  }

  /// Solves min ‖A x − b‖₂ for a full-column-rank `A` with LAPACK's `dgelsy` (QR with column
  /// pivoting).
  ///
  /// The rank is found numerically: it is the order of the largest leading triangle of the
  /// pivoted QR factor whose estimated condition number is below 1 / (ε · max(rows, columns)),
  /// the tolerance numpy's `lstsq` uses by default for its singular values. Plain
  /// `dgels` reports a rank deficiency only for an exactly zero pivot, which rounding rarely
  /// gives: on one processor's kernels two identical columns left a pivot of about 1e-16 and
  /// `dgels` returned coefficients of ±3.9e16 instead of an error.
  ///
  /// - Returns: `x`, with `A.columns` entries.
  /// - Throws: ``LinearAlgebraError/rankDeficient(column:)`` when `A` lacks full column rank,
  ///   naming the first column the pivoting set aside.
  public static func leastSquares(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double]
  {
    guard b.count == a.rows else {
      throw .dimensionMismatch("A has \(a.rows) rows but b has \(b.count) entries")
    }
    guard a.rows >= a.columns else {
      throw .dimensionMismatch("A has fewer rows (\(a.rows)) than columns (\(a.columns))")
    }
    if a.columns == 0 { return [] }
    var aCopy = a.storage
    var rhs = b
    let m = disparity_lapack_int(a.rows)
    let n = disparity_lapack_int(a.columns)
    // 0: every column free to be pivoted; on return, the columns in pivot order (1-based).
    var pivots = [disparity_lapack_int](repeating: 0, count: a.columns)
    var rank = disparity_lapack_int(0)
    let tolerance = Double.ulpOfOne * Double(max(a.rows, a.columns))
    let info = aCopy.withUnsafeMutableBufferPointer { ap in
      rhs.withUnsafeMutableBufferPointer { bp in
        pivots.withUnsafeMutableBufferPointer { jp in
          LAPACKE_dgelsy(
            LAPACK_COL_MAJOR, m, n, 1, ap.baseAddress, m, bp.baseAddress, m, jp.baseAddress,
            tolerance, &rank)
        }
      }
    }
    if info < 0 { throw .lapack(routine: "dgelsy", info: Int(info)) }
    if Int(rank) < a.columns { throw .rankDeficient(column: Int(pivots[Int(rank)]) - 1) }
    return Array(rhs.prefix(a.columns))
  }

  /// Solves A x = b for a symmetric positive-definite `A` by Cholesky factorisation (`dposv`).
  ///
  /// - Returns: `x` and the Cholesky factor's inverse product (A⁻¹), which gives covariances.
  public static func solvePositiveDefinite(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError)
    -> (solution: [Double], inverse: Matrix)
  {
    guard a.rows == a.columns else {
      throw .dimensionMismatch("A is \(a.rows)×\(a.columns), not square")
    }
    guard b.count == a.rows else {
      throw .dimensionMismatch("A has \(a.rows) rows but b has \(b.count) entries")
    }
    let n = disparity_lapack_int(a.rows)
    if n == 0 { return ([], Matrix(rows: 0, columns: 0)) }
    var factor = a.storage
    var rhs = b
    let info = factor.withUnsafeMutableBufferPointer { ap in
      rhs.withUnsafeMutableBufferPointer { bp in
        LAPACKE_dposv(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), n, 1, ap.baseAddress, n, bp.baseAddress, n)
      }
    }
    if info > 0 { throw .notPositiveDefinite(minor: Int(info) - 1) }
    if info < 0 { throw .lapack(routine: "dposv", info: Int(info)) }
    let invInfo = factor.withUnsafeMutableBufferPointer { ap in
      LAPACKE_dpotri(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), n, ap.baseAddress, n)
    }
    if invInfo != 0 { throw .lapack(routine: "dpotri", info: Int(invInfo)) }
    var inverse = Matrix(rows: a.rows, columns: a.rows, columnMajor: factor)
    for j in 0..<a.rows {
      for i in (j + 1)..<a.rows { inverse[i, j] = inverse[j, i] }
    }
    return (rhs, inverse)
  }
}
