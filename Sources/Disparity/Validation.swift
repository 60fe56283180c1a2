import DisparityIngest
import DisparityNormalise
import Foundation

/// One problem found by ``InputValidator``: what is wrong and where.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
  /// Whether the data or the usage is at fault.
  public var kind: ErrorKind
  /// Where it is: file, line and column when known.
  public var location: SourceLocation?
  /// The whole message, place first, as the analysis would report it.
  public var message: String

  /// Creates a problem from any toolkit error.
  public init(_ error: any DisparityError) {
    kind = error.kind
    location = error.location
    message = error.description
  }

  /// Creates a problem from its parts.
  public init(kind: ErrorKind, location: SourceLocation?, message: String) {
    self.kind = kind
    self.location = location
    self.message = message
  }

  public var description: String { message }
}

/// Everything ``InputValidator`` found: the problems (up to a limit) and how many there were.
public struct ValidationReport: Sendable {
  /// The first problems, in file and line order, at most ``InputValidator/limit``.
  public var problems: [ValidationProblem] = []
  /// How many problems there were in all, listed or not.
  public var problemCount = 0
  /// Notes that are not problems: unmapped ethnicity values without `strict`, for instance.
  public var warnings: [String] = []
  /// The data rows checked in each file, in the order read.
  public var rowsChecked: [(file: String, rows: Int)] = []

  /// Whether no problem was found.
  public var isValid: Bool { problemCount == 0 }

  /// How many problems were found but not listed.
  public var unlistedCount: Int { problemCount - problems.count }

  /// The report in plain English: every listed problem on its own line, then the count of those
  /// left out, then a summary line.
  public var text: String {
    var lines = problems.map { "error: " + $0.message }
    if unlistedCount > 0 {
      lines.append(
        "… and \(unlistedCount) more problem\(unlistedCount == 1 ? "" : "s") not listed (raise the limit with --max-problems)."
      )
    }
    lines += warnings.map { "warning: " + $0 }
    let rows = rowsChecked.map { "\($0.file) (\($0.rows) row\($0.rows == 1 ? "" : "s"))" }
      .joined(separator: ", ")
    if isValid {
      lines.append("No problems found in \(rows).")
    } else {
      lines.append(
        "\(problemCount) problem\(problemCount == 1 ? "" : "s") found in \(rows).")
    }
    return lines.joined(separator: "\n")
  }

  mutating func add(_ problem: ValidationProblem, limit: Int) {
    problemCount += 1
    if problems.count < limit { problems.append(problem) }
  }
}

/// Checks input files against an analysis specification and reports every problem at once,
/// instead of stopping at the first as ``Analysis/run()`` does.
///
/// For each input (and the population file) it checks that the file can be read, that every
/// column the specification names is there (all missing columns, each with the nearest name),
/// and then every row: its number of fields and UTF-8, every count and population (negative,
/// not a number), every age label, and every distinct ethnicity value (total rows; with
/// `strict`, unmapped values and collective terms). Ages are then fitted to the standard
/// population's bands, and the reference-rates and mapping files are read, as the analysis
/// would. The first ``limit`` problems are kept; all are counted.
///
/// ```swift
/// var spec = AnalysisSpecification(inputs: ["deaths.csv"])
/// spec.numerator = "deaths"
/// spec.age = "age"
/// let report = try InputValidator(specification: spec).validate()
/// if !report.isValid { print(report.text) }
/// ```
public struct InputValidator: Sendable {
  /// What the files are checked against.
  public var specification: AnalysisSpecification
  /// How many problems are listed (all are counted).
  public var limit: Int

  /// Creates a validator listing at most `limit` problems.
  public init(specification: AnalysisSpecification, limit: Int = 100) {
    self.specification = specification
    self.limit = max(0, limit)
  }

  /// Checks the inputs and the other files the specification names.
  ///
  /// - Throws: only a usage error that makes checking impossible (an unknown ethnicity scheme);
  ///   everything found in the files is in the report.
  public func validate() throws -> ValidationReport {
    let spec = specification
    var report = ValidationReport()
    guard !spec.inputs.isEmpty else { throw AnalysisError.noInput }
    let catalogue = try EthnicityCatalogue.builtIn()
    let scheme = try catalogue.scheme(named: spec.scheme)
    var mapping: EthnicityUserMapping? = nil
    if let path = spec.mappingFile {
      do {
        mapping = try EthnicityUserMapping(contentsOf: path, scheme: scheme)
      } catch {
        record(error, in: &report)
      }
    }
    let normaliser = try EthnicityNormaliser(
      catalogue: catalogue, target: spec.scheme, userMapping: mapping, strict: spec.strict)
    var state = FileState(normaliser: normaliser)

    let populationInSameFile = spec.populationFile == nil && spec.denominator != nil
    var groupColumn = spec.group
    for input in spec.inputs {
      var columns = Columns(
        group: groupColumn, age: spec.age, by: spec.by,
        counts: [spec.numerator, populationInSameFile ? spec.denominator : nil].compactMap { $0 })
      columns.ageOptional = spec.indirect && spec.populationFile != nil
      check(input, columns: &columns, state: &state, report: &report)
      if groupColumn == nil { groupColumn = columns.resolvedGroup }
    }
    if let file = spec.populationFile {
      var columns = Columns(
        group: groupColumn, age: spec.age, by: spec.by,
        counts: [spec.denominator ?? "population"])
      check(file, columns: &columns, state: &state, report: &report)
    }
    state.finishEthnicity(strict: spec.strict, report: &report, limit: limit)

    // Ages against the standard's bands, as the analysis fits them.
    if spec.age != nil && !state.ageLabels.isEmpty {
      do {
        let standard = try StandardPopulation.named(orPath: spec.standard)
        _ = try AgeAlignment(
          standard: standard, labels: state.ageLabels, recordLevel: spec.numerator == nil)
      } catch {
        record(error, in: &report)
      }
    }
    if let path = spec.referenceRates, let age = spec.age {
      do {
        _ = try ReferenceRateFile(path: path, ageColumn: age, multiplier: spec.effectiveMultiplier)
      } catch {
        record(error, in: &report)
      }
    }
    return report
  }

  // MARK: - One file

  /// The columns to check in one file, by name, and their positions once resolved.
  struct Columns {
    var group: String?
    var age: String?
    var by: [String]
    var counts: [String]
    var ageOptional = false
    var resolvedGroup: String?
  }

  /// What is learnt across files: distinct ethnicity values and age labels.
  struct FileState {
    let normaliser: EthnicityNormaliser
    /// Each distinct ethnicity value: its status, first place and rows.
    var ethnicity: [String: (status: EthnicityStatus, first: SourceLocation, rows: Int)] = [:]
    var ethnicityOrder: [String] = []
    /// Each distinct age label: whether it parsed.
    var ageParsed: [String: Bool] = [:]
    /// The labels that parsed, each with its first place, for fitting to the standard.
    var ageLabels: [(String, SourceLocation)] = []

    init(normaliser: EthnicityNormaliser) { self.normaliser = normaliser }

    mutating func ethnicityValue(_ value: String, at location: @autoclosure () -> SourceLocation) {
      if var entry = ethnicity[value] {
        entry.rows += 1
        ethnicity[value] = entry
        return
      }
      let status = normaliser.classify(value).status
      ethnicity[value] = (status, location(), 1)
      ethnicityOrder.append(value)
    }

    /// Totals are always problems; unmapped values and collective terms are problems with
    /// `strict` and warnings without.
    func finishEthnicity(strict: Bool, report: inout ValidationReport, limit: Int) {
      for value in ethnicityOrder {
        guard let entry = ethnicity[value] else { continue }
        let rows = "\(entry.rows) row\(entry.rows == 1 ? "" : "s")"
        switch entry.status {
        case .total:
          report.add(
            ValidationProblem(AnalysisError.totalRow(value, entry.first)), limit: limit)
        case .unmapped, .collective:
          let what =
            entry.status == .collective
            ? "\"\(value)\" is a collective term (not one ethnic group)"
            : "\"\(value)\" is not a value of any known ethnicity classification"
          let message =
            "\(entry.first): \(what); \(rows), left out of every group. Map it with --mapping FILE (value,target) or correct the data."
          if strict {
            report.add(
              ValidationProblem(kind: .data, location: entry.first, message: message),
              limit: limit)
          } else {
            report.warnings.append(message)
          }
        default:
          break
        }
      }
    }
  }

  private func record(_ error: any Error, in report: inout ValidationReport) {
    if let error = error as? any DisparityError {
      report.add(ValidationProblem(error), limit: limit)
    } else {
      report.add(
        ValidationProblem(kind: .data, location: nil, message: "\(error)"), limit: limit)
    }
  }

  private func check(
    _ path: String, columns: inout Columns, state: inout FileState,
    report: inout ValidationReport
  ) {
    let reader: CSVReader
    do {
      reader = try CSVReader(
        path: path, options: CSVReadOptions(delimiter: specification.delimiter))
    } catch {
      record(error, in: &report)
      return
    }
    let header = reader.header
    var missing = 0
    func index(_ name: String) -> Int? {
      do {
        return try header.index(of: name)
      } catch {
        record(error, in: &report)
        missing += 1
        return nil
      }
    }
    // Every named column, each missing one reported.
    var group: Int? = nil
    if let name = columns.group {
      group = index(name)
    } else if let detected = Tabulator.detectedGroupColumn(in: header) {
      group = detected
    } else {
      record(
        TabulationError.noGroupColumn(file: header.file, available: header.names), in: &report)
    }
    if let group { columns.resolvedGroup = header.names[group] }
    var age: Int? = nil
    if let name = columns.age {
      if columns.ageOptional && header.firstIndex(of: name) == nil {
        age = nil
      } else {
        age = index(name)
      }
    }
    for name in columns.by { _ = index(name) }
    let counts = columns.counts.compactMap { index($0) }

    var rows = 0
    var ageErrors: [String: AgeBandingError] = [:]
    let limit = self.limit
    do {
      try reader.forEachRecord(
        skippingMalformed: { error in
          rows += 1
          report.add(ValidationProblem(error), limit: limit)
        },
        { record in
          rows += 1
          for column in counts {
            do throws(IngestError) {
              _ = try record.countValue(at: column)
            } catch {
              report.add(ValidationProblem(error), limit: limit)
            }
          }
          if let age {
            let text = record[age].trimmed.string
            if let parsed = state.ageParsed[text] {
              if !parsed, let error = ageErrors[text] {
                report.add(
                  ValidationProblem(error.relocated(to: record.location(column: age))),
                  limit: limit)
              }
            } else {
              let location = record.location(column: age)
              do throws(AgeBandingError) {
                _ = try AgeLabel(text, location: location)
                state.ageParsed[text] = true
                state.ageLabels.append((text, location))
              } catch {
                state.ageParsed[text] = false
                ageErrors[text] = error
                report.add(ValidationProblem(error), limit: limit)
              }
            }
          }
          if let group {
            state.ethnicityValue(
              record[group].trimmed.string, at: record.location(column: group))
          }
        })
    } catch {
      record(error, in: &report)
    }
    report.rowsChecked.append((reader.file, rows))
  }
}

extension AgeBandingError {
  /// The same error at another place (for a bad label that repeats on many rows).
  fileprivate func relocated(to location: SourceLocation) -> AgeBandingError {
    switch self {
    case .unrecognisedLabel(let text, _): return .unrecognisedLabel(text, location: location)
    case .implausibleAge(let text, _): return .implausibleAge(text, location: location)
    case .reversedBand(let text, _): return .reversedBand(text, location: location)
    default: return self
    }
  }
}
