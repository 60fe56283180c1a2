import DisparityInequality
import DisparityIngest
import DisparityReport

/// Summary measures of inequality from an analysis's group results (`analyse --inequality`).
///
/// Ethnicity is a non-ordered dimension: within each stratum of `--by`, the non-ordered measures
/// (D, R, BGV, BGSD, COV, IDIS, MD, Theil, MLD, PAF, PAR) are computed across the ethnic groups
/// from each group's standardised rate (crude rate or proportion without ages), its standard
/// error and population, with the reference group of the run. With `--ordered COL` (one of the
/// `--by` columns, such as deprivation quintile, 1 the most deprived), the ordered measures (SII,
/// RII, ACI, RCI) are computed across that column's levels within each ethnic group: the
/// cross-cutting analysis of ethnicity × deprivation.
public struct AnalysisInequality: Sendable {
  /// The `--by` columns of the run.
  public var byColumns: [String]
  /// The `--by` column that is an ordered dimension, if any.
  public var ordered: String?
  /// Whether higher values are better (favourable) or worse (adverse).
  public var direction: IndicatorDirection
  /// The rate multiplier (the indicator's scale).
  public var scale: Double
  /// The options (confidence, simulations, seed).
  public var options: InequalityOptions

  /// Creates the calculation.
  public init(
    byColumns: [String], ordered: String?, direction: IndicatorDirection, scale: Double,
    options: InequalityOptions
  ) {
    self.byColumns = byColumns
    self.ordered = ordered
    self.direction = direction
    self.scale = scale
    self.options = options
  }

  /// The measures as a table: the strata, the dimension, then `measure, estimate, se, lower,
  /// upper, interval`.
  public func table(from results: [GroupResult]) throws -> ResultTable {
    let orderedIndex = try ordered.map { name throws(AnalysisError) in
      guard let i = byColumns.firstIndex(of: name) else {
        throw .orderedNotABy(name, by: byColumns)
      }
      return i
    }
    var columns: [ResultTable.Column] = byColumns.enumerated()
      .filter { $0.offset != orderedIndex }
      .map { .init($0.element, .text) }
    if orderedIndex != nil { columns.append(.init("group", .text)) }
    columns += [
      .init("dimension", .text), .init("measure", .text), .init("estimate", .number),
      .init("se", .number), .init("lower", .number), .init("upper", .number),
      .init("interval", .text),
    ]
    var table = ResultTable(name: "inequality", columns: columns)

    // Non-ordered: across ethnic groups within each stratum.
    var strata: [[String]] = []
    var byStratum: [[String]: [GroupResult]] = [:]
    for r in results {
      if byStratum[r.by] == nil { strata.append(r.by) }
      byStratum[r.by, default: []].append(r)
    }
    if orderedIndex == nil {
      for stratum in strata {
        let groups = byStratum[stratum]!.compactMap {
          inequalityGroup($0, order: nil, name: $0.label)
        }
        guard groups.count >= 2 else { continue }
        let input = try InequalityInput(
          groups: groups, direction: direction, scale: scale, isOrdered: false,
          dimensionName: "ethnicity")
        let report = try Inequality.measures(input, options: options)
        for m in report.measures {
          table.append(row(stratum.map { .text($0) }, dimension: "ethnic group", m))
        }
      }
      return table
    }

    // Ordered: across the levels of the ordered column within each ethnic group.
    let o = orderedIndex!
    var keys: [[String]] = []
    var cells: [[String]: [GroupResult]] = [:]
    for r in results {
      var key = r.by
      key.remove(at: o)
      key.append(r.code)
      if cells[key] == nil { keys.append(key) }
      cells[key, default: []].append(r)
    }
    for key in keys {
      let members = cells[key]!
      let levels = members.map { $0.by[o] }
      let order = Self.rank(levels)
      let groups = zip(members, order).compactMap {
        inequalityGroup($0, order: $1, name: $0.by[o])
      }
      guard groups.count >= 2, groups.count == members.count else { continue }
      let input = try InequalityInput(
        groups: groups, direction: direction, scale: scale, isOrdered: true,
        dimensionName: byColumns[o])
      let report = try Inequality.measures(input, options: options)
      let label = members[0].label
      for m in report.measures where m.kind.needsOrderedDimension {
        let prefix: [ResultTable.Cell] = key.dropLast().map { .text($0) } + [.text(label)]
        table.append(row(prefix, dimension: byColumns[o], m))
      }
    }
    return table
  }

  /// 1 for the first level in numeric order (or input order when the levels are not numbers).
  static func rank(_ levels: [String]) -> [Int] {
    let numbers = levels.map { Double($0) }
    if numbers.allSatisfy({ $0 != nil }) {
      let sorted = Array(Set(numbers.map { $0! })).sorted()
      return numbers.map { sorted.firstIndex(of: $0!)! + 1 }
    }
    var seen: [String] = []
    for l in levels where !seen.contains(l) { seen.append(l) }
    return levels.map { seen.firstIndex(of: $0)! + 1 }
  }

  func inequalityGroup(_ r: GroupResult, order: Int?, name: String) -> InequalityGroup? {
    guard !r.suppressed, let population = r.population, population > 0,
      let e = r.standardised ?? r.crude
    else { return nil }
    return InequalityGroup(
      name: name, estimate: e.value, standardError: e.standardError, population: population,
      // In the ordered analysis the levels have no reference group (the ethnic group's own
      // reference flag does not carry over to its quintiles).
      order: order, isReference: order == nil && r.flags.contains("reference group"),
      events: r.events)
  }

  func row(_ prefix: [ResultTable.Cell], dimension: String, _ m: InequalityMeasure)
    -> [ResultTable.Cell]
  {
    let interval: String
    switch m.intervalMethod {
    case .analytic: interval = "analytic"
    case .analyticLogScale: interval = "analytic (log scale)"
    case .robustLogistic: interval = "robust logistic"
    case .monteCarlo(let n, let seed): interval = "Monte Carlo (\(n) draws, seed \(seed))"
    }
    return prefix + [
      .text(dimension), .text(m.abbreviation), .value(m.estimate), .value(m.standardError),
      .value(m.lower), .value(m.upper), .text(interval),
    ]
  }
}
