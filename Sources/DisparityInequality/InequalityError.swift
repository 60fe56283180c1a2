import DisparityIngest

/// A problem with the input to, or the request for, a summary measure of inequality.
///
/// Each case names the problem, the group or measure concerned, and what to do about it.
/// Problems with the group-level data have kind ``DisparityIngest/ErrorKind/data`` (exit 1);
/// asking for a measure that cannot apply has kind ``DisparityIngest/ErrorKind/usage`` (exit 2).
public enum InequalityError: DisparityError, Equatable {
  /// There are no groups at all.
  case noGroups
  /// Two groups have the same name.
  case duplicateGroup(name: String, location: SourceLocation?)
  /// A group's population is zero, negative or not a number.
  case nonPositivePopulation(group: String, value: Double, location: SourceLocation?)
  /// A group's estimate is negative or not a finite number.
  case invalidEstimate(group: String, value: Double, location: SourceLocation?)
  /// A group's standard error is negative or not a finite number.
  case invalidStandardError(group: String, value: Double, location: SourceLocation?)
  /// A group's event count is negative or not a finite number.
  case invalidEvents(group: String, value: Double, location: SourceLocation?)
  /// Groups lack the standard error that the named measures' intervals need.
  case missingStandardError(groups: [String], measures: [String])
  /// More than one group is flagged as the reference group.
  case multipleReferenceGroups([String])
  /// The dimension is ordered but a group has no order.
  case missingOrder(group: String, location: SourceLocation?)
  /// Two groups of an ordered dimension share an order.
  case duplicateOrder(order: Int, groups: [String])
  /// The indicator scale is zero, negative or not a number.
  case invalidScale(Double)
  /// The confidence level is outside (0, 1).
  case invalidConfidence(Double)
  /// The number of Monte Carlo simulations is too small to give percentiles.
  case tooFewSimulations(Int)
  /// A measure asked for by name does not apply to this input; `reason` says why.
  case notApplicable(measure: String, reason: String)

  public var kind: ErrorKind {
    switch self {
    case .notApplicable, .invalidScale, .invalidConfidence, .tooFewSimulations: return .usage
    default: return .data
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .duplicateGroup(_, let location), .nonPositivePopulation(_, _, let location),
      .invalidEstimate(_, _, let location), .invalidStandardError(_, _, let location),
      .invalidEvents(_, _, let location), .missingOrder(_, let location):
      return location
    default: return nil
    }
  }

  public var description: String {
    let place = location.map { "\($0): " } ?? ""
    switch self {
    case .noGroups:
      return "no groups were given: summary measures of inequality need at least two groups"
    case .duplicateGroup(let name, _):
      return place
        + "group \"\(name)\" appears more than once: give one row per group (aggregate the rows first)"
    case .nonPositivePopulation(let group, let value, _):
      return place
        + "group \"\(group)\" has population \(value): every group needs a population above 0"
    case .invalidEstimate(let group, let value, _):
      return place
        + "group \"\(group)\" has estimate \(value): estimates must be finite numbers of 0 or more"
    case .invalidStandardError(let group, let value, _):
      return place
        + "group \"\(group)\" has standard error \(value): standard errors must be finite and 0 or more"
    case .invalidEvents(let group, let value, _):
      return place
        + "group \"\(group)\" has \(value) events: event counts must be finite and 0 or more"
    case .missingStandardError(let groups, let measures):
      return
        "no standard error for group(s) \(groups.map { "\"\($0)\"" }.joined(separator: ", ")): "
        + "the confidence intervals of \(measures.joined(separator: ", ")) need one for every group; "
        + "supply the standard errors or ask only for measures that do not need them"
    case .multipleReferenceGroups(let groups):
      return "more than one reference group is flagged "
        + "(\(groups.map { "\"\($0)\"" }.joined(separator: ", "))): flag exactly one"
    case .missingOrder(let group, _):
      return place
        + "group \"\(group)\" has no order: an ordered dimension needs an order for every group "
        + "(1 = most disadvantaged)"
    case .duplicateOrder(let order, let groups):
      return "groups \(groups.map { "\"\($0)\"" }.joined(separator: ", ")) share order \(order): "
        + "each group of an ordered dimension needs its own order"
    case .invalidScale(let scale):
      return "the indicator scale \(scale) is not valid: give the scale the estimates are on, "
        + "e.g. 100 for a percentage or 1000 for a rate per 1,000"
    case .invalidConfidence(let level):
      return "confidence level \(level) is not valid: give a level between 0 and 1, e.g. 0.95"
    case .tooFewSimulations(let count):
      return "\(count) simulations are too few for Monte Carlo intervals: use at least 100"
    case .notApplicable(let measure, let reason):
      return "\(measure) cannot be computed: \(reason)"
    }
  }
}
