/// A dense matrix of `Double` stored column by column, the layout LAPACK and BLAS expect.
public struct Matrix: Sendable, Equatable {
  /// The number of rows.
  public let rows: Int
  /// The number of columns.
  public let columns: Int
  /// The entries, column-major: entry (i, j) is at `i + j * rows`.
  public var storage: [Double]

  /// Creates a matrix of zeros.
  public init(rows: Int, columns: Int) {
    precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: 0, count: rows * columns)
  }

  /// Creates a matrix from column-major storage.
  public init(rows: Int, columns: Int, columnMajor: [Double]) {
    precondition(columnMajor.count == rows * columns, "storage does not match the dimensions")
    self.rows = rows
    self.columns = columns
    self.storage = columnMajor
  }

  /// Creates a matrix from an array of rows, as a matrix is written on paper.
  public init(rowMajor rowsOfValues: [[Double]]) {
    let r = rowsOfValues.count
    let c = rowsOfValues.first?.count ?? 0
    self.init(rows: r, columns: c)
    for (i, row) in rowsOfValues.enumerated() {
      precondition(row.count == c, "every row must have the same length")
      for (j, value) in row.enumerated() { storage[i + j * r] = value }
    }
  }

  /// The entry in row `i`, column `j`.
  public subscript(i: Int, j: Int) -> Double {
    get { storage[i + j * rows] }
    set { storage[i + j * rows] = newValue }
  }
}
