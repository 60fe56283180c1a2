import DisparityIngest
import DisparityLinearAlgebra

/// An input to a regression model that cannot be fitted, with where it is and what to do.
///
/// Rows are zero-based indices into the arrays handed to the model; `location`, when the caller
/// supplied one, names the file, line and column the row came from.
public enum RegressionError: DisparityError, Equatable {
  /// A count of events is negative.
  case negativeCount(row: Int, value: Double, location: SourceLocation?)
  /// A population (the Poisson offset is its logarithm) is zero or negative.
  case nonPositivePopulation(row: Int, value: Double, location: SourceLocation?)
  /// A number of trials is negative.
  case negativeTrials(row: Int, value: Double, location: SourceLocation?)
  /// More events than trials in a binomial row.
  case eventsExceedTrials(row: Int, events: Double, trials: Double, location: SourceLocation?)
  /// A value is not a finite number (NaN or infinite).
  case notFinite(row: Int, variable: String, location: SourceLocation?)
  /// Arrays that must have one entry per row have different lengths.
  case lengthMismatch(variable: String, expected: Int, actual: Int)
  /// The data have no rows (or, for binomial models, no row with trials).
  case noData
  /// The chosen reference level does not occur in the variable.
  case unknownReferenceLevel(variable: String, level: String, available: [String])
  /// A categorical variable has a single level, so it has no contrasts to estimate.
  case singleLevelFactor(variable: String, level: String)
  /// A variable was added to the design twice.
  case duplicateVariable(String)
  /// A linear-algebra routine failed unexpectedly.
  case linearAlgebra(LinearAlgebraError)
  /// The fit broke down: the deviance was not finite even after halving the step (R's glm stops
  /// with "inner loop 1; cannot correct step size" in the same situation).
  case divergentFit(iteration: Int)

  /// Bad values in the data are `.data` errors; mismatched inputs and unknown levels are `.usage`.
  public var kind: ErrorKind {
    switch self {
    case .negativeCount, .nonPositivePopulation, .negativeTrials, .eventsExceedTrials, .notFinite,
      .noData, .singleLevelFactor, .divergentFit:
      return .data
    case .lengthMismatch, .unknownReferenceLevel, .duplicateVariable, .linearAlgebra:
      return .usage
    }
  }

  /// The file, line and column of the offending row, when the caller supplied them.
  public var location: SourceLocation? {
    switch self {
    case .negativeCount(_, _, let location), .nonPositivePopulation(_, _, let location),
      .negativeTrials(_, _, let location), .eventsExceedTrials(_, _, _, let location),
      .notFinite(_, _, let location):
      return location
    default:
      return nil
    }
  }

  public var description: String {
    switch self {
    case .negativeCount(let row, let value, let location):
      return "\(Self.place(row, location)): the event count \(Self.format(value)) is negative; "
        + "counts must be zero or more"
    case .nonPositivePopulation(let row, let value, let location):
      return "\(Self.place(row, location)): the population \(Self.format(value)) is not positive; "
        + "the Poisson model uses log(population) as its offset, so remove or correct rows with "
        + "no population"
    case .negativeTrials(let row, let value, let location):
      return "\(Self.place(row, location)): the number of trials \(Self.format(value)) is "
        + "negative; trials must be zero or more"
    case .eventsExceedTrials(let row, let events, let trials, let location):
      return "\(Self.place(row, location)): \(Self.format(events)) events out of "
        + "\(Self.format(trials)) trials; events cannot exceed trials (check that the columns "
        + "are not swapped)"
    case .notFinite(let row, let variable, let location):
      return "\(Self.place(row, location)): \(variable) is not a finite number; "
        + "supply a number or remove the row"
    case .lengthMismatch(let variable, let expected, let actual):
      return "\(variable) has \(actual) values but the model has \(expected) rows; "
        + "give one value per row"
    case .noData:
      return "there are no rows to fit the model to (a binomial model needs rows with trials)"
    case .unknownReferenceLevel(let variable, let level, let available):
      return "the reference level \"\(level)\" does not occur in \(variable); choose one of: "
        + available.map { "\"\($0)\"" }.joined(separator: ", ")
    case .singleLevelFactor(let variable, let level):
      return "\(variable) has only one level (\"\(level)\"), so there is nothing to compare; "
        + "drop it from the model"
    case .duplicateVariable(let name):
      return "\(name) is in the model twice; list each variable once"
    case .linearAlgebra(let error):
      return "the model could not be solved: \(error)"
    case .divergentFit(let iteration):
      return "the fit broke down at iteration \(iteration) (the deviance is not finite even "
        + "after halving the step); check for extreme values or separated groups"
    }
  }

  private static func place(_ row: Int, _ location: SourceLocation?) -> String {
    if let location { return location.description }
    return "row \(row + 1)"
  }

  private static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
