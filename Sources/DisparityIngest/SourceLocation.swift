/// A place in an input: the file, the physical line, and the column (field) of a CSV record.
///
/// Lines and columns are 1-based, as a person counts them in an editor or a spreadsheet.
/// `columnName` is the header of the column when it is known.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file as the user named it, or `<stdin>` for standard input.
  public var file: String
  /// The 1-based physical line number (a quoted field with newlines spans several lines).
  public var line: Int?
  /// The 1-based column (field) number within the record.
  public var column: Int?
  /// The header of that column, when known.
  public var columnName: String?

  /// Creates a location; any part may be unknown.
  public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.columnName = columnName
  }

  /// `file:line:column`, then the column's name, e.g. `deaths.csv:12:3 (column "age")`.
  public var description: String {
    var text = file
    if let line { text += ":\(line)" }
    if let column {
      text += line == nil ? ": column \(column)" : ":\(column)"
    }
    if let columnName { text += " (column \"\(columnName)\")" }
    return text
  }
}

/// Whether an error is the data's fault or the invocation's: the exit status follows from it.
public enum ErrorKind: Sendable, Hashable {
  /// The input data is malformed or inconsistent (exit status 1).
  case data
  /// The command line, configuration or options are wrong (exit status 2).
  case usage

  /// The process exit status for this kind of error (ARCHITECTURE.md: 1 bad data, 2 bad usage).
  public var exitStatus: Int32 {
    switch self {
    case .data: return 1
    case .usage: return 2
    }
  }
}

/// An error that the toolkit reports to a person: what is wrong, where, and what to do.
///
/// Every module's error type conforms, so the command-line layer can print any of them the same
/// way and exit with the right status.
public protocol DisparityError: Error, CustomStringConvertible {
  /// Whether the data or the usage is at fault.
  var kind: ErrorKind { get }
  /// Where the problem is, when it is in an input file.
  var location: SourceLocation? { get }
}
