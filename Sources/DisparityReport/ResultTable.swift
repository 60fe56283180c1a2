/// A table of results with typed columns, ready to be rendered in any format.
///
/// Machine renderers (CSV, JSON) print numbers at full precision; presentation renderers round them
/// for reading. A cell is empty where a value does not apply.
public struct ResultTable: Sendable, Equatable {
  /// What a column holds, which decides how renderers format it.
  public enum ColumnKind: Sendable, Equatable {
    /// Free text, such as a group label or a flag.
    case text
    /// A count of events or people.
    case count
    /// A rate, ratio, proportion or other real number.
    case number
  }

  /// A column: its machine name and what it holds.
  public struct Column: Sendable, Equatable {
    /// The column name, as in the tidy CSV (`asr_lower_95`, `group`, ...).
    public var name: String
    /// What the column holds.
    public var kind: ColumnKind

    /// Creates a column.
    public init(_ name: String, _ kind: ColumnKind) {
      self.name = name
      self.kind = kind
    }
  }

  /// One cell: text, a number, or nothing.
  public enum Cell: Sendable, Equatable {
    /// Text.
    case text(String)
    /// A number.
    case number(Double)
    /// No value applies here.
    case empty

    /// A number cell, or an empty one for `nil` or a non-finite value.
    public static func value(_ x: Double?) -> Cell {
      guard let x, x.isFinite else { return .empty }
      return .number(x)
    }
  }

  /// The table's name (e.g. `results`), used for file and sheet names.
  public var name: String
  /// The columns, in order.
  public var columns: [Column]
  /// The rows, each with one cell per column.
  public private(set) var rows: [[Cell]]

  /// Creates an empty table with the given columns.
  public init(name: String, columns: [Column]) {
    self.name = name
    self.columns = columns
    self.rows = []
  }

  /// Appends a row, which must have one cell per column.
  public mutating func append(_ row: [Cell]) {
    precondition(row.count == columns.count, "a row needs one cell per column")
    rows.append(row)
  }

  /// The index of the column called `name`, if there is one.
  public func columnIndex(_ name: String) -> Int? {
    columns.firstIndex { $0.name == name }
  }
}
