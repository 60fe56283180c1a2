import DisparityIngest

/// One group of an inequality dimension: its published estimate, standard error and population.
///
/// This is the group-level input HEAT Plus users upload: one row per group (an ethnic group, a
/// deprivation quintile), with the indicator on its own scale (per cent, per 1,000, …).
public struct InequalityGroup: Sendable, Hashable {
  /// The group's name, unique within the dimension.
  public var name: String
  /// The indicator's value for the group, on the indicator's scale (e.g. 72.4 for 72.4%).
  public var estimate: Double
  /// The standard error of `estimate`, on the same scale; `nil` when not published.
  public var standardError: Double?
  /// The number of people in the group (its weight in the weighted measures).
  public var population: Double
  /// The group's position on an ordered dimension, 1 for the most disadvantaged group
  /// (e.g. the most deprived quintile) rising to the most advantaged; `nil` when not ordered.
  public var order: Int?
  /// Whether this is the reference group of a non-ordered dimension (e.g. White British).
  public var isReference: Bool
  /// The number of events behind the estimate, when known. It switches the Monte Carlo
  /// draws for this group to the gamma distribution (see ``SimulationDistribution``).
  public var events: Double?
  /// Where the group's row is in an input file, for error messages.
  public var location: SourceLocation?

  /// Creates a group.
  public init(
    name: String, estimate: Double, standardError: Double?, population: Double,
    order: Int? = nil, isReference: Bool = false, events: Double? = nil,
    location: SourceLocation? = nil
  ) {
    self.name = name
    self.estimate = estimate
    self.standardError = standardError
    self.population = population
    self.order = order
    self.isReference = isReference
    self.events = events
    self.location = location
  }
}

/// Whether higher values of the indicator are good or bad.
public enum IndicatorDirection: String, Sendable, Hashable, CaseIterable {
  /// Higher is better (e.g. screening coverage, skilled birth attendance).
  case favourable
  /// Higher is worse (e.g. infant mortality).
  case adverse
}

/// Validated group-level input for the summary measures of inequality.
///
/// The initialiser checks the groups and throws ``InequalityError`` for the first problem found:
/// duplicate names, non-positive populations, negative estimates or standard errors, more than
/// one reference group, and for an ordered dimension a missing or shared order.
/// The groups keep their input order, which decides ties (the first group wins).
public struct InequalityInput: Sendable {
  /// The groups in input order.
  public let groups: [InequalityGroup]
  /// Whether higher values are favourable or adverse.
  public let direction: IndicatorDirection
  /// The scale of the indicator: 100 for a percentage, 1000 for a rate per 1,000, 1 for a
  /// proportion. Walter's PAF standard error and the logistic SII/RII turn estimates into counts
  /// with it, and draws of a percentage (scale 100) are kept within 0–100.
  public let scale: Double
  /// Whether the dimension has a natural order (deprivation quintiles) or not (ethnicity).
  public let isOrdered: Bool
  /// A short name for the dimension used in messages, e.g. "ethnicity" or "IMD quintile".
  public let dimensionName: String

  /// Validates and stores the input.
  ///
  /// - Parameters:
  ///   - groups: one entry per group, in the order they should be reported.
  ///   - direction: favourable (higher is better) or adverse.
  ///   - scale: the indicator scale (100 for %, 1000 for per 1,000).
  ///   - isOrdered: `true` for an ordered dimension such as deprivation quintiles.
  ///   - dimensionName: the dimension's name for messages (default "this dimension").
  public init(
    groups: [InequalityGroup], direction: IndicatorDirection, scale: Double, isOrdered: Bool,
    dimensionName: String = "this dimension"
  ) throws(InequalityError) {
    guard !groups.isEmpty else { throw .noGroups }
    guard scale.isFinite, scale > 0 else { throw .invalidScale(scale) }
    var seen = Set<String>()
    for group in groups {
      guard seen.insert(group.name).inserted else {
        throw .duplicateGroup(name: group.name, location: group.location)
      }
      guard group.population.isFinite, group.population > 0 else {
        throw .nonPositivePopulation(
          group: group.name, value: group.population, location: group.location)
      }
      guard group.estimate.isFinite, group.estimate >= 0 else {
        throw .invalidEstimate(group: group.name, value: group.estimate, location: group.location)
      }
      if let se = group.standardError, !(se.isFinite && se >= 0) {
        throw .invalidStandardError(group: group.name, value: se, location: group.location)
      }
      if let events = group.events, !(events.isFinite && events >= 0) {
        throw .invalidEvents(group: group.name, value: events, location: group.location)
      }
    }
    let references = groups.filter(\.isReference).map(\.name)
    if references.count > 1 { throw .multipleReferenceGroups(references) }
    if isOrdered {
      var byOrder: [Int: [String]] = [:]
      for group in groups {
        guard let order = group.order else {
          throw .missingOrder(group: group.name, location: group.location)
        }
        byOrder[order, default: []].append(group.name)
      }
      if let clash = byOrder.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
        throw .duplicateOrder(order: clash.key, groups: clash.value)
      }
    }
    self.groups = groups
    self.direction = direction
    self.scale = scale
    self.isOrdered = isOrdered
    self.dimensionName = dimensionName
  }

  /// The index of the reference group, if one is flagged.
  public var referenceIndex: Int? { groups.firstIndex(where: \.isReference) }

  /// Population shares p_j = n_j / Σ n, in input order.
  public var populationShares: [Double] {
    let total = groups.reduce(0) { $0 + $1.population }
    return groups.map { $0.population / total }
  }

  /// The population-weighted mean μ = Σ p_j y_j (the setting average).
  public var weightedMean: Double {
    zip(populationShares, groups).reduce(0) { $0 + $1.0 * $1.1.estimate }
  }
}
