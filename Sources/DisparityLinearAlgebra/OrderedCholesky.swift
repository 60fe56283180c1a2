import _COpenBLAS

/// A Cholesky factorisation of a symmetric positive semi-definite matrix that keeps its columns
/// in order and sets aside each column that is (numerically) a combination of earlier ones.
///
/// This is the rule R's `lm` and `glm` apply through LINPACK `dqrdc2`: the columns are taken in
/// order, and a column whose residual after projection on the columns already kept is negligible
/// is declared aliased (its coefficient is `NA`), so of two identical columns the later one is
/// dropped. LAPACK's pivoted Cholesky (`dpotrf`'s sibling `dpstrf`) and pivoted QR (`dgeqp3`)
/// choose the largest remaining pivot instead, which would alias a different term than R does;
/// hence this short loop. Each step is a BLAS triangular solve (`dtrsv`); solves and the
/// inverse use LAPACK `dpotrs` and `dpotri` on the factor of the kept columns.
///
/// On a Gram matrix A = XᵀWX, column j is dependent when its squared residual norm is at most
/// `tolerance` times its squared norm Aⱼⱼ. The default, 1e-10 (a relative residual norm of 1e-5),
/// sits well above the rounding of a Gram matrix (about 1e-14 relative for exactly dependent
/// columns) and well below any column that carries usable information.
public struct OrderedCholesky: Sendable {
  /// The zero-based columns of A in the factor, in their original order.
  public let kept: [Int]
  /// The zero-based columns of A found to be combinations of earlier kept columns.
  public let dependent: [Int]
  /// The upper-triangular factor R of the kept columns, RᵀR = A[kept, kept].
  public let factor: Matrix
  /// The order of A.
  public let order: Int

  /// Factorises `a`, which must be square and symmetric (only its upper triangle is read).
  public init(_ a: Matrix, tolerance: Double = 1e-10) throws(LinearAlgebraError) {
    guard a.rows == a.columns else {
      throw .dimensionMismatch("A is \(a.rows)×\(a.columns), not square")
    }
    let n = a.rows
    var r = [Double](repeating: 0, count: n * n)  // leading dimension n while it grows
    var kept: [Int] = []
    var dependent: [Int] = []
    var s = [Double](repeating: 0, count: n)
    for j in 0..<n {
      let ajj = a[j, j]
      let k = kept.count
      for (t, column) in kept.enumerated() { s[t] = a[column, j] }
      if k > 0 {
        r.withUnsafeBufferPointer { rp in
          s.withUnsafeMutableBufferPointer { sp in
            // Solve Rᵀ s = A[kept, j].
            cblas_dtrsv(
              CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, blasint(k), rp.baseAddress,
              blasint(n), sp.baseAddress, 1)
          }
        }
      }
      var projected = 0.0
      for t in 0..<k { projected += s[t] * s[t] }
      let residual = ajj - projected
      if ajj > 0, residual > tolerance * ajj, residual.isFinite {
        for t in 0..<k { r[t + k * n] = s[t] }
        r[k + k * n] = residual.squareRoot()
        kept.append(j)
      } else {
        dependent.append(j)
      }
    }
    let k = kept.count
    var compact = Matrix(rows: k, columns: k)
    for j in 0..<k {
      for i in 0...j { compact[i, j] = r[i + j * n] }
    }
    self.kept = kept
    self.dependent = dependent
    self.factor = compact
    self.order = n
  }

  /// Solves A[kept, kept] x = b[kept] and returns x, one entry per kept column.
  ///
  /// - Parameter b: the full right-hand side, `order` entries.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    guard b.count == order else {
      throw .dimensionMismatch("A has order \(order) but b has \(b.count) entries")
    }
    let k = kept.count
    if k == 0 { return [] }
    var rhs = kept.map { b[$0] }
    var f = factor.storage
    let info = f.withUnsafeMutableBufferPointer { fp in
      rhs.withUnsafeMutableBufferPointer { bp in
        LAPACKE_dpotrs(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), disparity_lapack_int(k), 1, fp.baseAddress,
          disparity_lapack_int(k), bp.baseAddress, disparity_lapack_int(k))
      }
    }
    if info != 0 { throw .lapack(routine: "dpotrs", info: Int(info)) }
    return rhs
  }

  /// The inverse of A[kept, kept], `kept.count` square, from the factor (`dpotri`).
  public func inverse() throws(LinearAlgebraError) -> Matrix {
    let k = kept.count
    if k == 0 { return Matrix(rows: 0, columns: 0) }
    var f = factor.storage
    let info = f.withUnsafeMutableBufferPointer { fp in
      LAPACKE_dpotri(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), disparity_lapack_int(k), fp.baseAddress,
        disparity_lapack_int(k))
    }
    if info != 0 { throw .lapack(routine: "dpotri", info: Int(info)) }
    var inverse = Matrix(rows: k, columns: k, columnMajor: f)
    for j in 0..<k {
      for i in (j + 1)..<k { inverse[i, j] = inverse[j, i] }
    }
    return inverse
  }
}
