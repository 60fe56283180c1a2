import DisparityInequality
import DisparityIngest
import DisparityReport
import Foundation

/// What `disparity inequality` computes: the columns of a file of group-level estimates (the
/// table HEAT Plus users upload) and the choices that decide the measures.
public struct InequalityTableSpecification: Sendable {
  /// The CSV file, one row per group (`-` reads standard input).
  public var input: String
  /// The column naming each group.
  public var group: String
  /// The column of estimates, on the indicator's scale (decimals allowed, 0 or more).
  public var estimate: String
  /// The column of standard errors, on the same scale. An empty (or `NA`, or suppressed) cell
  /// means "not published": measures that need it are left out, or refused when asked for.
  public var standardError: String
  /// The column of populations (the weights of the weighted measures), above 0.
  public var population: String
  /// The reference group of a non-ordered dimension, named as in the group column.
  public var reference: String?
  /// Whether higher values are good or bad; required only when a measure depends on it.
  public var direction: IndicatorDirection?
  /// The column of each group's order (1 = most disadvantaged); it makes the dimension ordered.
  public var order: String?
  /// The indicator scale (100 for %, 1000 for per 1,000); required only when a measure uses it.
  public var scale: Double?
  /// The column of event counts behind the estimates, when known (gamma draws in simulations).
  public var events: String?
  /// The measures to compute; `nil` computes every one that applies.
  public var measures: [InequalityMeasureKind]?
  /// Confidence level, simulations and seed.
  public var options: InequalityOptions
  /// The input delimiter, or `nil` to detect it.
  public var delimiter: CSVDelimiter?

  /// Creates a specification; the optional parts default to `nil` and the options to
  /// ``DisparityInequality/InequalityOptions``'s defaults.
  public init(
    input: String, group: String, estimate: String, standardError: String, population: String
  ) {
    self.input = input
    self.group = group
    self.estimate = estimate
    self.standardError = standardError
    self.population = population
    self.options = InequalityOptions()
  }
}

/// The outcome of ``InequalityTable/run(_:)``: the measures as a table, and those left out.
public struct InequalityTableResult: Sendable {
  /// A measure that was not computed, and why.
  public struct Omission: Sendable, Hashable {
    /// The measure.
    public var kind: InequalityMeasureKind
    /// Why it was left out, in words.
    public var reason: String
  }

  /// The computed measures, in HEAT's order.
  public var measures: [InequalityMeasure]
  /// The measures that were left out, in HEAT's order, each with its reason.
  public var omitted: [Omission]
  /// One row per measure: `measure, estimate, se, lower, upper`.
  public var table: ResultTable

  /// The omissions as lines for standard error, e.g. `sii: not computed: SII needs …`.
  public var omissionText: String {
    omitted.map { "\($0.kind.abbreviation): not computed: \($0.reason)" }.joined(separator: "\n")
  }
}

/// `disparity inequality` as a library call: summary measures of inequality from a file of
/// group-level estimates with standard errors and populations.
///
/// ```swift
/// var spec = InequalityTableSpecification(
///   input: "screening.csv", group: "subgroup", estimate: "cov_est", standardError: "cov_se",
///   population: "pop")
/// spec.reference = "White"
/// spec.direction = .favourable
/// spec.scale = 100
/// let result = try InequalityTable.run(spec)
/// print(CSVRenderer().render(result.table))
/// ```
///
/// Every value is checked as it is read, and a bad one is an error naming the file, line and
/// column: a missing or suppressed estimate or population, a negative or non-numeric number,
/// an order that is not a whole number, an empty group name. Standard errors may be empty: the
/// measures whose intervals need them (see ``DisparityInequality/Inequality``) are then left out
/// and listed in ``InequalityTableResult/omitted`` with the groups concerned, or, when asked for
/// by name, refused with ``InequalityTableError/missingStandardErrors(groups:locations:measures:)``.
public enum InequalityTable {
  /// The output columns.
  public static let columns: [ResultTable.Column] = [
    .init("measure", .text), .init("estimate", .number), .init("se", .number),
    .init("lower", .number), .init("upper", .number),
  ]

  /// Measures whose value depends on whether the indicator is favourable or adverse: D and R of
  /// an ordered dimension or with a reference group (which groups they compare), MDBU and MDBW
  /// (the best group), PAF and PAR (the reference group and the sign).
  static func dependsOnDirection(
    _ kind: InequalityMeasureKind, isOrdered: Bool, hasReference: Bool
  ) -> Bool {
    switch kind {
    case .d, .r: return isOrdered || hasReference
    case .mdbu, .mdbw, .paf, .par: return true
    default: return false
    }
  }

  /// Measures that use the indicator scale: PAF and PAR (Walter's standard error turns the
  /// estimates into proportions with it) and the simulated ones (draws of a percentage stay
  /// within 0–100; a group with no events is drawn as one event per population on that scale).
  static func usesScale(_ kind: InequalityMeasureKind) -> Bool {
    switch kind {
    case .paf, .par, .bgsd, .cov, .idisu, .idisw, .mdbu, .mdbw, .mdmu, .mdmw, .mdru, .mdrw, .sii,
      .rii:
      return true
    default: return false
    }
  }

  /// Parses a comma-separated list of lower-case abbreviations such as `sii,rii`.
  ///
  /// - Throws: ``InequalityTableError/unknownMeasure(_:)`` for a name that is not a measure.
  public static func parseMeasures(_ text: String) throws(InequalityTableError)
    -> [InequalityMeasureKind]
  {
    var kinds: [InequalityMeasureKind] = []
    for part in text.split(separator: ",") {
      let name = part.trimmingCharacters(in: .whitespaces).lowercased()
      guard let kind = InequalityMeasureKind(rawValue: name) else { throw .unknownMeasure(name) }
      if !kinds.contains(kind) { kinds.append(kind) }
    }
    guard !kinds.isEmpty else { throw .unknownMeasure(text) }
    return kinds
  }

  /// Reads the groups of `spec.input`, one per row, checking every value.
  ///
  /// - Returns: the groups in file order, with ``DisparityInequality/InequalityGroup/location``
  ///   set to the row's line and the reference group flagged.
  /// - Throws: ``InequalityTableError``, ``DisparityIngest/IngestError`` (kind `.data` for bad
  ///   values, `.usage` for a missing column or file).
  public static func readGroups(_ spec: InequalityTableSpecification) throws -> [InequalityGroup] {
    let reader = try CSVReader(path: spec.input, options: CSVReadOptions(delimiter: spec.delimiter))
    let header = reader.header
    let g = try header.index(of: spec.group)
    let e = try header.index(of: spec.estimate)
    let s = try header.index(of: spec.standardError)
    let p = try header.index(of: spec.population)
    let o = try spec.order.map { name throws(IngestError) in try header.index(of: name) }
    let k = try spec.events.map { name throws(IngestError) in try header.index(of: name) }
    var groups: [InequalityGroup] = []
    try reader.forEachRecord { record in
      let location = record.location(column: g)
      let name = record[g].trimmed.string
      guard !name.isEmpty else { throw InequalityTableError.emptyGroupName(location) }
      // A value as CountValue reads it, its errors worded for this file's columns.
      func value(_ column: Int, _ role: String) throws -> CountValue {
        do {
          return try record.countValue(at: column)
        } catch .negativeCount(let l, let text), .nonNumericCount(let l, let text) {
          throw InequalityTableError.invalidNumber(role: role, text: text, location: l)
        }
      }
      func required(_ column: Int, _ role: String) throws -> Double {
        switch try value(column, role) {
        case .number(let x): return x
        case .missing:
          throw InequalityTableError.valueRequired(
            role: role, group: name, text: record[column].string,
            location: record.location(column: column))
        case .suppressed(let text):
          throw InequalityTableError.valueRequired(
            role: role, group: name, text: text, location: record.location(column: column))
        }
      }
      let estimate = try required(e, "estimate")
      let standardError = try value(s, "standard error").number
      let population = try required(p, "population")
      guard population > 0 else {
        throw InequalityError.nonPositivePopulation(
          group: name, value: population, location: record.location(column: p))
      }
      var order: Int? = nil
      if let o, let rank = try value(o, "order").number {
        guard rank == rank.rounded(), rank >= 1, rank < 1e9 else {
          throw InequalityTableError.notAnOrder(
            text: record[o].string, location: record.location(column: o))
        }
        order = Int(rank)
      }
      let events = try k.flatMap { column throws in try value(column, "event count").number }
      groups.append(
        InequalityGroup(
          name: name, estimate: estimate, standardError: standardError, population: population,
          order: order, isReference: false, events: events,
          location: location))
    }
    if let reference = spec.reference {
      let wanted = reference.trimmingCharacters(in: .whitespaces)
      var index = groups.firstIndex { $0.name == wanted }
      if index == nil {
        let matches = groups.indices.filter {
          groups[$0].name.lowercased() == wanted.lowercased()
        }
        if matches.count == 1 { index = matches[0] }
      }
      guard let index else {
        throw InequalityTableError.unknownReference(reference, available: groups.map(\.name))
      }
      groups[index].isReference = true
    }
    return groups
  }

  /// Reads the file, computes the measures and builds the table.
  ///
  /// With ``InequalityTableSpecification/measures`` `nil`, every measure that applies is
  /// computed and the rest are listed in ``InequalityTableResult/omitted``; a measure named
  /// there that does not apply is refused (``DisparityInequality/InequalityError/notApplicable(measure:reason:)``,
  /// a usage error saying why).
  ///
  /// - Throws: the errors of ``readGroups(_:)``, ``DisparityInequality/InequalityError`` for
  ///   inconsistent groups (duplicate names, a shared order, …), and ``InequalityTableError``
  ///   when the direction or the scale is needed but not given, or standard errors are missing.
  public static func run(_ spec: InequalityTableSpecification) throws -> InequalityTableResult {
    let groups = try readGroups(spec)
    let isOrdered = spec.order != nil
    let hasReference = spec.reference != nil
    // The measures that may be computed: those asked for (all by default) that suit the
    // dimension. One asked for by name that does not suit it is refused by the library, with
    // the reason, whatever else is missing.
    let candidates = (spec.measures ?? InequalityMeasureKind.allCases).filter {
      isOrdered ? !$0.needsNonOrderedDimension : !$0.needsOrderedDimension
    }
    let needDirection = candidates.filter {
      dependsOnDirection($0, isOrdered: isOrdered, hasReference: hasReference)
    }
    if spec.direction == nil && !needDirection.isEmpty {
      throw InequalityTableError.directionNeeded(measures: needDirection.map(\.abbreviation))
    }
    let needScale = candidates.filter(usesScale)
    if spec.scale == nil && !needScale.isEmpty {
      throw InequalityTableError.scaleNeeded(measures: needScale.map(\.abbreviation))
    }
    // Without a measure that depends on them, the direction and scale change nothing: any
    // valid value will do.
    let input = try InequalityInput(
      groups: groups, direction: spec.direction ?? .favourable, scale: spec.scale ?? 1,
      isOrdered: isOrdered, dimensionName: spec.group)

    func compute(_ only: [InequalityMeasureKind]?) -> Result<InequalityReport, InequalityError> {
      Result { () throws(InequalityError) in
        try Inequality.measures(input, options: spec.options, only: only)
      }
    }
    var omitted: [InequalityTableResult.Omission] = []
    var report: InequalityReport
    switch compute(spec.measures) {
    case .success(let computed):
      report = computed
      omitted = report.inapplicable.map { .init(kind: $0.kind, reason: $0.reason) }
    case .failure(.missingStandardError(let lacking, let measures)) where spec.measures == nil:
      // Leave out the measures whose intervals need the missing standard errors, and compute
      // the others; the library names the first measure that does not apply on each call.
      var remaining = InequalityMeasureKind.allCases
      func omit(_ names: [String], _ reason: (InequalityMeasureKind) -> String) {
        for name in names {
          guard let kind = InequalityMeasureKind(rawValue: name.lowercased()) else { continue }
          remaining.removeAll { $0 == kind }
          omitted.append(.init(kind: kind, reason: reason(kind)))
        }
      }
      func missingReason(_ names: [String]) -> (InequalityMeasureKind) -> String {
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        let lines = locations(of: names, in: groups).compactMap(\.line).map(String.init)
        return { kind in
          "the interval of \(kind.abbreviation.uppercased()) needs the standard error of "
            + "\(list), which the file leaves empty (line \(lines.joined(separator: ", ")))"
        }
      }
      omit(measures, missingReason(lacking))
      while true {
        switch compute(remaining) {
        case .success(let computed):
          report = computed
        case .failure(.notApplicable(let measure, let reason)):
          omit([measure]) { _ in reason }
          continue
        case .failure(.missingStandardError(let more, let measures)):
          omit(measures, missingReason(more))
          continue
        case .failure(let error):
          throw error
        }
        break
      }
    case .failure(.missingStandardError(let lacking, let measures)):
      throw InequalityTableError.missingStandardErrors(
        groups: lacking, locations: locations(of: lacking, in: groups), measures: measures)
    case .failure(let error):
      throw error
    }
    omitted.sort { $0.kind < $1.kind }
    return InequalityTableResult(
      measures: report.measures, omitted: omitted, table: table(report.measures))
  }

  /// The measures as a table, one row per measure: `measure` (the lower-case abbreviation),
  /// `estimate`, `se` (of the natural logarithm for R and RII; empty when not available),
  /// `lower`, `upper`.
  public static func table(_ measures: [InequalityMeasure]) -> ResultTable {
    var table = ResultTable(name: "inequality", columns: columns)
    for m in measures {
      table.append([
        .text(m.abbreviation), .value(m.estimate), .value(m.standardError), .value(m.lower),
        .value(m.upper),
      ])
    }
    return table
  }

  private static func locations(of names: [String], in groups: [InequalityGroup])
    -> [SourceLocation]
  {
    names.compactMap { name in groups.first { $0.name == name }?.location }
  }
}

/// A problem with the file or the request of `disparity inequality`.
public enum InequalityTableError: DisparityError, Equatable {
  /// A group's row has no group name.
  case emptyGroupName(SourceLocation)
  /// An estimate or population is missing or suppressed; every group needs one.
  case valueRequired(role: String, group: String, text: String, location: SourceLocation)
  /// An estimate, standard error, population, order or event count is negative or not a number.
  case invalidNumber(role: String, text: String, location: SourceLocation)
  /// An order is not a whole number of 1 or more.
  case notAnOrder(text: String, location: SourceLocation)
  /// `--reference` names no group of the file.
  case unknownReference(String, available: [String])
  /// `--measures` names something that is not a measure.
  case unknownMeasure(String)
  /// Measures that depend on the indicator's direction were asked for without it.
  case directionNeeded(measures: [String])
  /// Measures that use the indicator scale were asked for without it.
  case scaleNeeded(measures: [String])
  /// Measures asked for by name need standard errors the file leaves empty.
  case missingStandardErrors(groups: [String], locations: [SourceLocation], measures: [String])

  public var kind: ErrorKind {
    switch self {
    case .emptyGroupName, .valueRequired, .invalidNumber, .notAnOrder, .missingStandardErrors:
      return .data
    case .unknownReference, .unknownMeasure, .directionNeeded, .scaleNeeded: return .usage
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .emptyGroupName(let l), .valueRequired(_, _, _, let l), .invalidNumber(_, _, let l),
      .notAnOrder(_, let l):
      return l
    case .missingStandardErrors(_, let locations, _): return locations.first
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .emptyGroupName(let l):
      return "\(l): the group name is empty. Give every row the name of its group."
    case .valueRequired(let role, let group, let text, let l):
      let found = text.trimmingCharacters(in: .whitespaces).isEmpty ? "nothing" : "\"\(text)\""
      return
        "\(l): group \"\(group)\" has no \(role) (found \(found)). Summary measures need the \(role) of every group: supply it, or leave the group out of the file."
    case .invalidNumber(let role, let text, let l):
      return
        "\(l): expected the group's \(role) as a number of 0 or more (such as 12 or 72.4), found \"\(text)\". Correct the value; leave a standard error or event count empty (or NA) when it is not published."
    case .notAnOrder(let text, let l):
      return
        "\(l): the order \"\(text)\" is not a whole number of 1 or more. Number the groups 1 (most disadvantaged) upwards."
    case .unknownReference(let name, let available):
      return
        "--reference: no group \"\(name)\" in the file. The groups are: \(available.map { "\"\($0)\"" }.joined(separator: ", "))."
    case .unknownMeasure(let name):
      return
        "--measures: \"\(name)\" is not a measure. Choose from: \(InequalityMeasureKind.allCases.map(\.abbreviation).joined(separator: ", "))."
    case .directionNeeded(let measures):
      return
        "\(measures.joined(separator: ", ")) depend on whether higher values are good or bad: add --favourable (e.g. screening coverage) or --adverse (e.g. mortality), or ask only for other measures with --measures."
    case .scaleNeeded(let measures):
      return
        "\(measures.joined(separator: ", ")) use the indicator scale: add --scale (100 for a percentage, 1000 for a rate per 1,000, 1 for a proportion), or ask only for other measures with --measures."
    case .missingStandardErrors(let groups, let locations, let measures):
      let lines = locations.compactMap(\.line).map(String.init).joined(separator: ", ")
      let file = locations.first?.file ?? "the file"
      return
        "\(file): no standard error for \(groups.map { "\"\($0)\"" }.joined(separator: ", ")) (line \(lines)), and the confidence intervals of \(measures.joined(separator: ", ")) need one for every group concerned. Supply the standard errors, or ask for other measures."
    }
  }
}
