import DisparityLinearAlgebra

/// How the non-reference levels of a categorical variable are ordered in the design.
public enum FactorLevelOrder: Sendable, Hashable {
  /// In sorted order of their labels, by Unicode scalar values (`String <`); this is what R's
  /// `factor()` does in the C locale. The default.
  case sorted
  /// In the order they first appear in the data.
  case firstAppearance
}

/// One column of a model's design matrix, named as R names it.
public struct ModelTerm: Sendable, Hashable, CustomStringConvertible {
  /// The variable (the input column name), or `(Intercept)` for the intercept.
  public let variable: String
  /// The level of a categorical variable; empty for the intercept and numeric covariates.
  public let level: String

  /// Creates a term.
  public init(variable: String, level: String) {
    self.variable = variable
    self.level = level
  }

  /// The intercept term, `(Intercept)`.
  public static let intercept = ModelTerm(variable: "(Intercept)", level: "")

  /// R's name for the term: the variable followed directly by the level, e.g. `ethnicityBlack`.
  public var name: String { variable + level }

  public var description: String { name }
}

/// A categorical variable coded with treatment contrasts against its reference level.
public struct EncodedFactor: Sendable {
  /// The variable's name.
  public let name: String
  /// All levels: the reference first, then the others in the chosen order.
  public let levels: [String]
  /// The reference level (`levels[0]`).
  public var reference: String { levels[0] }
  /// For each row, the design column of its level, or −1 for the reference level.
  public let columnOfRow: [Int32]
}

/// A design matrix of treatment-coded categorical variables and numeric covariates, with an
/// intercept, stored compactly (one level code per row and variable) rather than densely.
///
/// The columns are, in order: `(Intercept)`; then for each categorical variable in the order it
/// was added, one column per non-reference level (in the variable's ``FactorLevelOrder``); then
/// for each numeric covariate in the order added, its values. This is R's `model.matrix` for
/// `~ f1 + f2 + x` with `contr.treatment` and the reference level set by `relevel`.
/// Build one with ``DesignMatrixBuilder``.
public struct DesignMatrix: Sendable {
  /// The number of rows (observations).
  public let rowCount: Int
  /// The columns' terms, in column order; `terms[0]` is the intercept.
  public let terms: [ModelTerm]
  /// The categorical variables, in the order added.
  public let factors: [EncodedFactor]
  /// The numeric covariates: name, design column and one value per row.
  public let covariates: [(name: String, column: Int, values: [Double])]

  /// The number of columns (parameters).
  public var columnCount: Int { terms.count }

  /// Row `i` of the design as dense values.
  public func row(_ i: Int) -> [Double] {
    var values = [Double](repeating: 0, count: columnCount)
    values[0] = 1
    for factor in factors {
      let c = Int(factor.columnOfRow[i])
      if c >= 0 { values[c] = 1 }
    }
    for covariate in covariates { values[covariate.column] = covariate.values[i] }
    return values
  }

  /// The whole design as a dense `rowCount × columnCount` matrix (for small problems and checks).
  public func dense() -> Matrix {
    var m = Matrix(rows: rowCount, columns: columnCount)
    for i in 0..<rowCount {
      for (j, v) in row(i).enumerated() { m[i, j] = v }
    }
    return m
  }

  /// Writes √wᵢ·xᵢ for rows `range` into `block`, row after row, `columnCount` values per row.
  ///
  /// `sqrtWeights` is indexed by the row's position in `range` (0 for the first row).
  func fillWeightedBlock(
    rows range: Range<Int>, sqrtWeights: UnsafePointer<Double>,
    into block: UnsafeMutablePointer<Double>
  ) {
    let p = columnCount
    block.update(repeating: 0, count: range.count * p)
    for (t, i) in range.enumerated() {
      let base = block + t * p
      let s = sqrtWeights[t]
      base[0] = s
      for factor in factors {
        let c = Int(factor.columnOfRow[i])
        if c >= 0 { base[c] = s }
      }
      for covariate in covariates { base[covariate.column] = s * covariate.values[i] }
    }
  }

  /// Writes Xβ + offset for rows `range` into `eta` (indexed from 0 at `range.lowerBound`).
  func linearPredictor(
    _ beta: [Double], offset: [Double]?, rows range: Range<Int>,
    into eta: UnsafeMutablePointer<Double>
  ) {
    let b0 = beta[0]
    for i in range { eta[i - range.lowerBound] = b0 + (offset?[i] ?? 0) }
    for factor in factors {
      factor.columnOfRow.withUnsafeBufferPointer { codes in
        for i in range {
          let c = Int(codes[i])
          if c >= 0 { eta[i - range.lowerBound] += beta[c] }
        }
      }
    }
    for covariate in covariates {
      let b = beta[covariate.column]
      for i in range { eta[i - range.lowerBound] += b * covariate.values[i] }
    }
  }
}

/// Builds a ``DesignMatrix`` from categorical columns (one string per row) and numeric covariates.
///
/// ```swift
/// var builder = DesignMatrixBuilder(rowCount: ethnicity.count)
/// try builder.addFactor("ethnicity", values: ethnicity, reference: "White British")
/// try builder.addFactor("age", values: ageBand)
/// let design = builder.build()
/// ```
public struct DesignMatrixBuilder: Sendable {
  /// The number of rows every variable must have.
  public let rowCount: Int
  private var factors:
    [(name: String, values: [String], reference: String?, order: FactorLevelOrder)] =
      []
  private var covariates: [(name: String, values: [Double])] = []

  /// Starts a design with an intercept for `rowCount` rows.
  public init(rowCount: Int) {
    self.rowCount = rowCount
  }

  /// Adds a categorical variable coded with treatment contrasts.
  ///
  /// - Parameters:
  ///   - name: the variable's name (used in term names, `name` + level).
  ///   - values: the level of each row, as text.
  ///   - reference: the level the others are compared with; `nil` takes the first level in `order`.
  ///   - order: the order of the other levels' columns.
  /// - Throws: ``RegressionError/lengthMismatch(variable:expected:actual:)``,
  ///   ``RegressionError/duplicateVariable(_:)``; the reference level and the number of levels
  ///   are checked by ``build()``.
  public mutating func addFactor(
    _ name: String, values: [String], reference: String? = nil, order: FactorLevelOrder = .sorted
  ) throws(RegressionError) {
    guard values.count == rowCount else {
      throw .lengthMismatch(variable: name, expected: rowCount, actual: values.count)
    }
    try checkNew(name)
    factors.append((name, values, reference, order))
  }

  /// Adds a numeric covariate (one column, entered linearly).
  ///
  /// - Throws: ``RegressionError/lengthMismatch(variable:expected:actual:)``,
  ///   ``RegressionError/duplicateVariable(_:)``, ``RegressionError/notFinite(row:variable:location:)``.
  public mutating func addCovariate(_ name: String, values: [Double]) throws(RegressionError) {
    guard values.count == rowCount else {
      throw .lengthMismatch(variable: name, expected: rowCount, actual: values.count)
    }
    try checkNew(name)
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      throw .notFinite(row: bad, variable: name, location: nil)
    }
    covariates.append((name, values))
  }

  private func checkNew(_ name: String) throws(RegressionError) {
    if name == ModelTerm.intercept.variable || factors.contains(where: { $0.name == name })
      || covariates.contains(where: { $0.name == name })
    {
      throw .duplicateVariable(name)
    }
  }

  /// Encodes the variables into a design matrix.
  ///
  /// - Throws: ``RegressionError/unknownReferenceLevel(variable:level:available:)`` when a
  ///   reference level does not occur, ``RegressionError/singleLevelFactor(variable:level:)``
  ///   when a variable has one level only (R's glm refuses such a factor too).
  public func build() throws(RegressionError) -> DesignMatrix {
    var terms = [ModelTerm.intercept]
    var encoded: [EncodedFactor] = []
    for factor in factors {
      var index: [String: Int32] = [:]
      var appearance: [String] = []
      var rowLevel = [Int32](repeating: 0, count: rowCount)
      for (i, value) in factor.values.enumerated() {
        if let k = index[value] {
          rowLevel[i] = k
        } else {
          let k = Int32(appearance.count)
          index[value] = k
          appearance.append(value)
          rowLevel[i] = k
        }
      }
      var levels = factor.order == .sorted ? appearance.sorted() : appearance
      if let reference = factor.reference {
        guard let position = levels.firstIndex(of: reference) else {
          throw .unknownReferenceLevel(variable: factor.name, level: reference, available: levels)
        }
        levels.remove(at: position)
        levels.insert(reference, at: 0)
      }
      guard levels.count >= 2 else {
        throw .singleLevelFactor(variable: factor.name, level: levels.first ?? "")
      }
      // Map the appearance code of each level to its design column (−1 for the reference).
      var columnOfCode = [Int32](repeating: -1, count: appearance.count)
      let firstColumn = terms.count
      for (position, level) in levels.enumerated() where position > 0 {
        columnOfCode[Int(index[level]!)] = Int32(firstColumn + position - 1)
        terms.append(ModelTerm(variable: factor.name, level: level))
      }
      let columns = rowLevel.map { columnOfCode[Int($0)] }
      encoded.append(EncodedFactor(name: factor.name, levels: levels, columnOfRow: columns))
    }
    var numeric: [(name: String, column: Int, values: [Double])] = []
    for covariate in covariates {
      numeric.append((covariate.name, terms.count, covariate.values))
      terms.append(ModelTerm(variable: covariate.name, level: ""))
    }
    return DesignMatrix(rowCount: rowCount, terms: terms, factors: encoded, covariates: numeric)
  }
}
