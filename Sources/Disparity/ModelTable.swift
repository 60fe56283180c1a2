import DisparityIngest
import DisparityNormalise
import DisparityRegression
import DisparityReport
import DisparityTabulate
import Foundation

/// What `disparity model` fits: one generalised linear model of a CSV file's rows.
///
/// Every model has an intercept, the group column as a categorical variable compared with
/// ``reference``, and each ``adjust`` column as a further categorical variable (treatment
/// contrasts; its reference is its first level in sorted order, as R's `factor()` sorts in the C
/// locale). Poisson families take the population column and use its logarithm as the offset;
/// binomial families take the trials column.
public struct ModelSpecification: Sendable {
  /// The column that is the model's denominator.
  public enum Exposure: Sendable, Hashable {
    /// Population or person-years: the Poisson offset is its logarithm.
    case population(String)
    /// Trials: the binomial denominator (events out of trials).
    case trials(String)
  }

  /// The CSV file (`-` reads standard input).
  public var input: String
  /// The family: poisson, quasipoisson, binomial or quasibinomial.
  public var family: GLMFamily
  /// The column of event counts.
  public var outcome: String
  /// The population (Poisson) or trials (binomial) column.
  public var exposure: Exposure
  /// The grouping column (usually ethnicity).
  public var group: String
  /// The group level the others are compared with: a value of the group column, or with
  /// ``scheme`` a code or label of that scheme.
  public var reference: String
  /// Further categorical columns to adjust for (age band, sex, deprivation, area).
  public var adjust: [String]
  /// An ethnicity scheme to normalise the group column to first (e.g. `nhs-2001`); `nil` keeps
  /// the values as they are.
  public var scheme: String?
  /// The confidence level of the Wald intervals of the ratios.
  public var confidence: Double
  /// The input delimiter, or `nil` to detect it.
  public var delimiter: CSVDelimiter?

  /// Creates a specification with no adjustment, no scheme and 95% intervals.
  public init(
    input: String, family: GLMFamily, outcome: String, exposure: Exposure, group: String,
    reference: String
  ) {
    self.input = input
    self.family = family
    self.outcome = outcome
    self.exposure = exposure
    self.group = group
    self.reference = reference
    self.adjust = []
    self.confidence = 0.95
  }
}

/// The outcome of ``ModelTable/fit(_:)``.
public struct ModelResult: Sendable {
  /// The fitted model.
  public var fit: GLMFit
  /// One row per coefficient (see ``ModelTable/table(_:)``).
  public var table: ResultTable
  /// Rows read from the file.
  public var rowsRead: Int
  /// Rows in the model (rows read minus those left out for unknown or unmapped ethnicity).
  public var rowsUsed: Int
  /// The group level compared against (with a scheme, its label).
  public var referenceLevel: String
  /// With a scheme: how the group column was classified, including the rows left out.
  public var dataQuality: EthnicityDataQuality?

  /// Rows left out because their ethnicity is not stated, not known, unmapped or collective.
  public var rowsLeftOut: Int { rowsRead - rowsUsed }

  /// The fit summary for standard error: family, rows, deviance, residual degrees of freedom,
  /// iterations and dispersion, numbers at full precision.
  public var summaryText: String {
    let f = fit
    let format = CSVRenderer.format
    let name: String
    switch f.family {
    case .poisson: name = "Poisson regression (log link, offset log population)"
    case .quasipoisson:
      name = "quasi-Poisson regression (log link, offset log population, dispersion estimated)"
    case .binomial: name = "logistic regression (binomial, logit link)"
    case .quasibinomial: name = "quasi-binomial regression (logit link, dispersion estimated)"
    }
    var lines = ["model: \(name); \(rowsUsed) rows; reference \"\(referenceLevel)\""]
    if let dataQuality, rowsLeftOut > 0 {
      let notStated = dataQuality.tally(.notStated).rows
      let notKnown = dataQuality.tally(.notKnown).rows
      let unmapped = dataQuality.tally(.unmapped).rows + dataQuality.tally(.collective).rows
      lines.append(
        "left out: \(rowsLeftOut) of \(rowsRead) rows whose ethnicity is not stated "
          + "(\(notStated)), not known (\(notKnown)) or unmapped (\(unmapped))")
    }
    lines.append("deviance: \(format(f.deviance))")
    lines.append("residual df: \(f.residualDegreesOfFreedom)")
    lines.append(
      "null deviance: \(format(f.nullDeviance)) on \(f.nullDegreesOfFreedom) df")
    lines.append("iterations: \(f.iterations)\(f.converged ? " (converged)" : " (not converged)")")
    if f.family.estimatesDispersion {
      lines.append("dispersion: \(format(f.dispersion)) (Pearson chi-squared / residual df)")
    } else {
      lines.append(
        "dispersion: 1 (fixed; Pearson chi-squared / residual df is "
          + "\(format(f.estimatedDispersion)): well above 1 means overdispersion, refit with --quasi)"
      )
    }
    if let aic = f.aic { lines.append("AIC: \(format(aic))") }
    return lines.joined(separator: "\n")
  }

  /// The fit's warnings (aliasing, separation, non-convergence, …), one line each, prefixed
  /// `warning: `; empty when there are none.
  public var warningText: String {
    fit.warnings.map { "warning: \($0.description)" }.joined(separator: "\n")
  }
}

/// `disparity model` as a library call: reads a file, builds the design and fits one GLM.
///
/// ```swift
/// var spec = ModelSpecification(
///   input: "deaths.csv", family: .poisson, outcome: "deaths",
///   exposure: .population("population"), group: "ethnicity", reference: "A")
/// spec.adjust = ["age_band", "sex"]
/// spec.scheme = "nhs-2001"
/// let result = try ModelTable.fit(spec)
/// print(CSVRenderer().render(result.table))
/// ```
///
/// Every value is checked as it is read: a missing, suppressed, negative or non-numeric count,
/// population or trials, and an empty group or adjustment value, are errors naming the file,
/// line and column (kind `.data`); so are a zero population and more events than trials, which
/// the model refuses (``DisparityRegression/RegressionError``). With a scheme, rows whose
/// ethnicity is not stated, not known, unmapped or a collective term are left out and counted
/// in ``ModelResult/dataQuality``; a total row is an error.
public enum ModelTable {
  /// The output columns.
  public static let columns: [ResultTable.Column] = [
    .init("variable", .text), .init("level", .text), .init("estimate", .number),
    .init("std_error", .number), .init("ratio", .number), .init("ratio_lower", .number),
    .init("ratio_upper", .number), .init("aliased", .text),
  ]

  /// Reads `spec.input` and fits the model.
  ///
  /// - Throws: ``ModelTableError``, ``DisparityIngest/IngestError``,
  ///   ``DisparityRegression/RegressionError`` and, with a scheme,
  ///   ``DisparityNormalise/EthnicityError`` (an unknown scheme name is a usage error).
  public static func fit(_ spec: ModelSpecification) throws -> ModelResult {
    switch (spec.family.isBinomial, spec.exposure) {
    case (true, .population): throw ModelTableError.binomialNeedsTrials(spec.family)
    case (false, .trials): throw ModelTableError.poissonNeedsPopulation(spec.family)
    default: break
    }
    guard spec.confidence > 0, spec.confidence < 1 else {
      throw ModelTableError.invalidConfidence(spec.confidence)
    }
    var seen = Set([spec.group])
    for name in spec.adjust {
      guard seen.insert(name).inserted else { throw ModelTableError.repeatedColumn(name) }
    }
    let normaliser = try spec.scheme.map { scheme in
      try EthnicityNormaliser(catalogue: EthnicityCatalogue.builtIn(), target: scheme)
    }

    let reader = try CSVReader(path: spec.input, options: CSVReadOptions(delimiter: spec.delimiter))
    let header = reader.header
    let groupColumn = try header.index(of: spec.group)
    let outcomeColumn = try header.index(of: spec.outcome)
    let exposureName: String
    switch spec.exposure {
    case .population(let name), .trials(let name): exposureName = name
    }
    let exposureColumn = try header.index(of: exposureName)
    let adjustColumns = try spec.adjust.map { name throws(IngestError) in
      try header.index(of: name)
    }

    // Categorical values are interned: one id per distinct value and column.
    var groupInterner = ByteStringInterner()
    var adjustInterners = [ByteStringInterner](
      repeating: ByteStringInterner(), count: adjustColumns.count)
    var groupIDs: [Int32] = []
    var adjustIDs = [[Int32]](repeating: [], count: adjustColumns.count)
    var events: [Double] = []
    var exposure: [Double] = []
    var lines: [Int] = []
    var groupFirstLine: [Int] = []
    var groupEvents: [Double] = []
    var groupRows: [Int] = []

    func number(_ record: CSVRecord, _ column: Int) throws -> Double {
      let value = try record.countValue(at: column)
      guard let x = value.number else {
        throw ModelTableError.valueRequired(
          column: header.names[column], text: record[column].string,
          location: record.location(column: column))
      }
      return x
    }
    try reader.forEachRecord { record in
      let k = try number(record, outcomeColumn)
      let n = try number(record, exposureColumn)
      let field = record[groupColumn].trimmed
      let id = field.withBytes { groupInterner.id(for: $0) }
      if Int(id) == groupFirstLine.count {
        groupFirstLine.append(record.line)
        groupEvents.append(0)
        groupRows.append(0)
      }
      groupEvents[Int(id)] += k
      groupRows[Int(id)] += 1
      if normaliser == nil && field.isEmpty {
        throw ModelTableError.emptyCategory(
          column: spec.group, location: record.location(column: groupColumn))
      }
      for (a, column) in adjustColumns.enumerated() {
        let value = record[column].trimmed
        if value.isEmpty {
          throw ModelTableError.emptyCategory(
            column: spec.adjust[a], location: record.location(column: column))
        }
        adjustIDs[a].append(value.withBytes { adjustInterners[a].id(for: $0) })
      }
      groupIDs.append(id)
      events.append(k)
      exposure.append(n)
      lines.append(record.line)
    }
    let rowsRead = groupIDs.count

    // The level of each distinct group value, or nil for a row left out.
    var levelOfID: [String?] = []
    var quality: EthnicityDataQuality? = nil
    var codeOfLabel: [String: String] = [:]
    if let normaliser {
      var q = EthnicityDataQuality(scheme: normaliser.target)
      for id in 0..<groupInterner.count {
        let raw = groupInterner.string(Int32(id))
        let c = normaliser.classify(raw)
        q.add(raw: raw, classification: c, rows: groupRows[id], weight: groupEvents[id])
        switch c.status {
        case .group:
          levelOfID.append(c.label)
          codeOfLabel[c.label] = c.code
        case .notStated, .notKnown, .unmapped, .collective:
          levelOfID.append(nil)
        case .total:
          throw ModelTableError.totalRow(
            raw,
            SourceLocation(
              file: reader.file, line: groupFirstLine[id], column: groupColumn + 1,
              columnName: spec.group))
        }
      }
      quality = q
    } else {
      levelOfID = groupInterner.strings
    }

    // The rows in the model.
    let kept = (0..<rowsRead).filter { levelOfID[Int(groupIDs[$0])] != nil }
    guard !kept.isEmpty else {
      throw ModelTableError.noRowsLeft(file: reader.file, rowsRead: rowsRead)
    }
    let groupValues = kept.map { levelOfID[Int(groupIDs[$0])]! }
    let reference = try resolveReference(
      spec.reference, levels: Set(groupValues), codeOfLabel: codeOfLabel, normaliser: normaliser,
      variable: spec.group)
    var builder = DesignMatrixBuilder(rowCount: kept.count)
    try builder.addFactor(spec.group, values: groupValues, reference: reference)
    for (a, name) in spec.adjust.enumerated() {
      let strings = adjustInterners[a].strings
      try builder.addFactor(name, values: kept.map { strings[Int(adjustIDs[a][$0])] })
    }
    let design = try builder.build()
    var options = GLMOptions()
    options.confidenceLevel = spec.confidence
    let file = reader.file
    let exposureLocation = { (row: Int) -> SourceLocation? in
      SourceLocation(
        file: file, line: lines[kept[row]], column: exposureColumn + 1, columnName: exposureName)
    }
    let fit = try GeneralisedLinearModel.fit(
      design: design, family: spec.family, events: kept.map { events[$0] },
      exposure: kept.map { exposure[$0] }, options: options, locateRow: exposureLocation)
    return ModelResult(
      fit: fit, table: table(fit), rowsRead: rowsRead, rowsUsed: kept.count,
      referenceLevel: reference, dataQuality: quality)
  }

  /// The coefficients as a table: `variable` (the column name, `(Intercept)` for the
  /// intercept), `level` (the category; empty for the intercept), `estimate` and `std_error` on
  /// the link scale, `ratio` = exp(estimate) with its Wald limits, and `aliased` (`true` or
  /// `false`). An aliased term's numbers are empty cells.
  public static func table(_ fit: GLMFit) -> ResultTable {
    var table = ResultTable(name: "model", columns: columns)
    for c in fit.coefficients {
      table.append([
        .text(c.variable), .text(c.level), .value(c.estimate), .value(c.standardError),
        .value(c.ratio), .value(c.ratioLower), .value(c.ratioUpper),
        .text(c.aliased ? "true" : "false"),
      ])
    }
    return table
  }

  /// The level named by `name`: exactly, or ignoring case when one level matches; with a scheme
  /// also a code of the scheme, or any value that classifies to a group present.
  static func resolveReference(
    _ name: String, levels: Set<String>, codeOfLabel: [String: String],
    normaliser: EthnicityNormaliser?, variable: String
  ) throws -> String {
    let wanted = name.trimmingCharacters(in: .whitespaces)
    if levels.contains(wanted) { return wanted }
    let folded = wanted.lowercased()
    let matches = levels.filter {
      $0.lowercased() == folded || (codeOfLabel[$0]?.lowercased() == folded)
    }
    if matches.count == 1 { return matches.first! }
    if let normaliser {
      let c = normaliser.classify(wanted)
      if c.status == .group, levels.contains(c.label) { return c.label }
    }
    let available = levels.sorted().map { level in
      codeOfLabel[level].map { "\($0) (\(level))" } ?? level
    }
    throw ModelTableError.unknownReference(name, variable: variable, available: available)
  }
}

/// A problem with the file or the request of `disparity model`.
public enum ModelTableError: DisparityError, Equatable {
  /// A binomial family was given a population column instead of trials.
  case binomialNeedsTrials(GLMFamily)
  /// A Poisson family was given a trials column instead of a population.
  case poissonNeedsPopulation(GLMFamily)
  /// The confidence level is outside (0, 1).
  case invalidConfidence(Double)
  /// A column is named twice among the group and adjustment columns.
  case repeatedColumn(String)
  /// A count, population or trials value is missing or suppressed.
  case valueRequired(column: String, text: String, location: SourceLocation)
  /// A group (without a scheme) or adjustment value is empty.
  case emptyCategory(column: String, location: SourceLocation)
  /// A total or subtotal row in the group column.
  case totalRow(String, SourceLocation)
  /// Every row was left out for unknown or unmapped ethnicity.
  case noRowsLeft(file: String, rowsRead: Int)
  /// The reference level is not among the groups in the model.
  case unknownReference(String, variable: String, available: [String])

  public var kind: ErrorKind {
    switch self {
    case .valueRequired, .emptyCategory, .totalRow, .noRowsLeft: return .data
    case .binomialNeedsTrials, .poissonNeedsPopulation, .invalidConfidence, .repeatedColumn,
      .unknownReference:
      return .usage
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .valueRequired(_, _, let l), .emptyCategory(_, let l), .totalRow(_, let l): return l
    case .noRowsLeft(let file, _): return SourceLocation(file: file)
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .binomialNeedsTrials(let family):
      return
        "--family \(family.rawValue) models events out of trials: give --trials COL instead of --offset."
    case .poissonNeedsPopulation(let family):
      return
        "--family \(family.rawValue) models counts with offset log(population): give --offset COL (the population column) instead of --trials."
    case .invalidConfidence(let level):
      return "--confidence \(level) is not valid: give a level between 0 and 1, e.g. 0.95."
    case .repeatedColumn(let name):
      return
        "column \"\(name)\" is named twice among --group and --adjust: name each variable once."
    case .valueRequired(let column, let text, let l):
      let found = text.trimmingCharacters(in: .whitespaces).isEmpty ? "nothing" : "\"\(text)\""
      return
        "\(l): expected a number in \(column), found \(found). The model needs a value in every row: correct it or remove the row."
    case .emptyCategory(let column, let l):
      return
        "\(l): the value of \(column) is empty. The model needs a category in every row: fill it in (e.g. \"Unknown\") or remove the row."
    case .totalRow(let value, let l):
      return
        "\(l): \"\(value)\" is a total, not a group; a model of groups must not include totals. Remove the total rows."
    case .noRowsLeft(let file, let rowsRead):
      return
        "\(file): all \(rowsRead) rows have unknown or unmapped ethnicity, so no row is left to fit. Check --group and --scheme."
    case .unknownReference(let name, let variable, let available):
      return
        "--reference: \"\(name)\" is not a level of \(variable) in the model. The levels are: \(available.joined(separator: "; "))."
    }
  }
}
