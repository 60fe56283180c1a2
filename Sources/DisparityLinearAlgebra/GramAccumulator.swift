import _COpenBLAS

/// A running sum of XᵀX and Xᵀy over blocks of rows, computed with BLAS `dsyrk` and `dgemv`.
///
/// Large aggregated data sets do not need X in memory at once: fill a block of rows, add it, and
/// reuse the block. Each block is stored row after row (the `columns` values of one row are
/// contiguous), which is a column-major `columns × rows` matrix B, so XᵀX += B Bᵀ is one `dsyrk`
/// and Xᵀy += B y one `dgemv`.
public struct GramAccumulator: Sendable {
  /// The number of columns of X (the order of XᵀX).
  public let columns: Int
  /// XᵀX, column-major `columns × columns`; only the upper triangle is maintained.
  public private(set) var gramUpper: [Double]
  /// Xᵀy, `columns` entries.
  public private(set) var moment: [Double]

  /// Creates an accumulator holding zero for a design with `columns` columns.
  public init(columns: Int) {
    precondition(columns >= 0, "the number of columns must be non-negative")
    self.columns = columns
    self.gramUpper = Array(repeating: 0, count: columns * columns)
    self.moment = Array(repeating: 0, count: columns)
  }

  /// Resets the sums to zero, keeping the storage.
  public mutating func reset() {
    for i in gramUpper.indices { gramUpper[i] = 0 }
    for i in moment.indices { moment[i] = 0 }
  }

  /// Adds a block of `rows` rows stored row after row (`rows * columns` values) and its responses.
  ///
  /// - Parameters:
  ///   - block: the rows of X, row `i` at `block[i * columns ..< (i + 1) * columns]`.
  ///   - response: the `rows` entries of y that go with the block.
  ///   - rows: how many rows of the buffers are used.
  public mutating func add(
    block: UnsafeBufferPointer<Double>, response: UnsafeBufferPointer<Double>, rows: Int
  ) {
    precondition(block.count >= rows * columns && response.count >= rows, "block too small")
    if rows == 0 || columns == 0 { return }
    let n = blasint(columns)
    let k = blasint(rows)
    gramUpper.withUnsafeMutableBufferPointer { c in
      cblas_dsyrk(
        CblasColMajor, CblasUpper, CblasNoTrans, n, k, 1.0, block.baseAddress, n, 1.0,
        c.baseAddress, n)
    }
    moment.withUnsafeMutableBufferPointer { m in
      cblas_dgemv(
        CblasColMajor, CblasNoTrans, n, k, 1.0, block.baseAddress, n, response.baseAddress, 1,
        1.0, m.baseAddress, 1)
    }
  }

  /// Adds another accumulator's sums (for example one filled by another thread).
  public mutating func add(_ other: GramAccumulator) {
    precondition(other.columns == columns, "accumulators of different sizes")
    for i in gramUpper.indices { gramUpper[i] += other.gramUpper[i] }
    for i in moment.indices { moment[i] += other.moment[i] }
  }

  /// XᵀX as a full symmetric matrix.
  public var gram: Matrix {
    var m = Matrix(rows: columns, columns: columns, columnMajor: gramUpper)
    for j in 0..<columns {
      for i in (j + 1)..<columns { m[i, j] = m[j, i] }
    }
    return m
  }
}
