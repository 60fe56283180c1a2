/// A table of results with typed columns, ready to be rendered in any format.
///
/// Machine renderers (CSV, JSON) print numbers at full precision; presentation renderers round them
/// for reading. A cell is empty where a value does not apply.
public struct ResultTable: Sendable, Equatable {
  /// What a column holds, which decides how renderers format it.
  public enum ColumnKind: String, Sendable, Equatable {
    /// Free text, such as a group label or a flag.
    case text
    /// A count of events or people.
    case count
    /// A rate, ratio, proportion or other real number.
    case number
    /// An estimate with its confidence interval (cells are ``Cell/estimate(_:)``): one column for
    /// reading ("12.3 (10.1 to 14.8)"), three (`name`, `name_lower`, `name_upper`) for machines.
    case estimate
  }

  /// Who the table is for, which decides the renderers that show it.
  public enum Role: String, Sendable, Equatable {
    /// The tidy table at full precision: the CSV output, and a data sheet of the workbook.
    case tidy
    /// A table for reading: Markdown, HTML and a sheet of the workbook.
    case presentation
  }

  /// A column: its machine name, its heading for people and what it holds.
  public struct Column: Sendable, Equatable {
    /// The column name, as in the tidy CSV (`asr_lower_95`, `group`, ...).
    public var name: String
    /// What the column holds.
    public var kind: ColumnKind
    /// The heading shown to people (e.g. "Rate per 100,000 (95% CI)"); `nil` shows ``name``.
    public var title: String?
    /// Decimal places for reading; `nil` rounds each value by its size (``ReadableNumber``).
    public var decimals: Int?

    /// Creates a column.
    public init(_ name: String, _ kind: ColumnKind, title: String? = nil, decimals: Int? = nil) {
      self.name = name
      self.kind = kind
      self.title = title
      self.decimals = decimals
    }

    /// The heading for people.
    public var heading: String { title ?? name }
  }

  /// An estimate with its interval, and a GSS marker such as `[u]` (low reliability).
  public struct Estimate: Sendable, Equatable {
    /// The point estimate.
    public var value: Double
    /// The lower limit, when there is one.
    public var lower: Double?
    /// The upper limit, when there is one.
    public var upper: Double?
    /// A marker shown after the value, e.g. ``GSSSymbol/lowReliability``.
    public var marker: GSSSymbol?

    /// Creates an estimate.
    public init(value: Double, lower: Double?, upper: Double?, marker: GSSSymbol? = nil) {
      self.value = value
      self.lower = lower
      self.upper = upper
      self.marker = marker
    }
  }

  /// One cell: text, a number, an estimate with its interval, a GSS symbol, or nothing.
  public enum Cell: Sendable, Equatable {
    /// Text.
    case text(String)
    /// A number.
    case number(Double)
    /// An estimate with its interval.
    ///
    /// Held indirectly: inline, its 34 bytes made every cell 40, and a tidy table (numbers and
    /// text only) of 20,000 rows × 27 cells took 22 MB; boxed, a cell is 24 bytes. Only the
    /// presentation tables, a row per group, hold estimates.
    indirect case estimate(Estimate)
    /// A value that is withheld or missing, shown as its GSS symbol (e.g. `[c]`).
    case symbol(GSSSymbol)
    /// No value applies here.
    case empty

    /// A number cell, or an empty one for `nil` or a non-finite value.
    public static func value(_ x: Double?) -> Cell {
      guard let x, x.isFinite else { return .empty }
      return .number(x)
    }

    /// The GSS symbol of this cell: a ``symbol(_:)`` cell, or a text cell holding exactly a
    /// symbol such as `[c]` (as the tidy table writes them).
    public var gssSymbol: GSSSymbol? {
      switch self {
      case .symbol(let s): return s
      case .text(let t): return GSSSymbol(rawValue: t)
      default: return nil
      }
    }
  }

  /// The table's name (e.g. `results`), used for file and sheet names.
  public var name: String
  /// The caption for people, e.g. "Table 1: Deaths by ethnic group, England, 2020".
  public var title: String?
  /// Who the table is for.
  public var role: Role
  /// The columns, in order.
  public var columns: [Column]
  /// The rows, each with one cell per column.
  public private(set) var rows: [[Cell]]
  /// Notes shown under the table.
  public var footnotes: [String]

  /// Creates an empty table with the given columns.
  public init(
    name: String, columns: [Column], title: String? = nil, role: Role = .tidy,
    footnotes: [String] = []
  ) {
    self.name = name
    self.columns = columns
    self.rows = []
    self.title = title
    self.role = role
    self.footnotes = footnotes
  }

  /// Appends a row, which must have one cell per column.
  public mutating func append(_ row: [Cell]) {
    precondition(row.count == columns.count, "a row needs one cell per column")
    rows.append(row)
  }

  /// Appends rows, each with one cell per column, in order (as ``append(_:)`` of each would).
  public mutating func append(contentsOf newRows: [[Cell]]) {
    for row in newRows {
      precondition(row.count == columns.count, "a row needs one cell per column")
    }
    if rows.isEmpty { rows = newRows } else { rows += newRows }
  }

  /// The index of the column called `name`, if there is one.
  public func columnIndex(_ name: String) -> Int? {
    columns.firstIndex { $0.name == name }
  }

  /// The caption for people: the title, or the name.
  public var caption: String { title ?? name }

  /// The GSS symbols used in the table's cells and estimate markers, in the key's order.
  public var symbolsUsed: [GSSSymbol] {
    var used = Set<GSSSymbol>()
    for row in rows {
      for cell in row {
        if let s = cell.gssSymbol { used.insert(s) }
        if case .estimate(let e) = cell, let m = e.marker { used.insert(m) }
      }
    }
    return GSSSymbol.allCases.filter { used.contains($0) }
  }

  /// Machine columns: each estimate column becomes three (`name`, `name_lower`, `name_upper`).
  public var machineColumns: [Column] {
    columns.flatMap { c -> [Column] in
      guard c.kind == .estimate else { return [c] }
      let title = c.title
      return [
        Column(c.name, .number, title: title, decimals: c.decimals),
        Column(
          c.name + "_lower", .number, title: title.map { $0 + ", lower limit" },
          decimals: c.decimals),
        Column(
          c.name + "_upper", .number, title: title.map { $0 + ", upper limit" },
          decimals: c.decimals),
      ]
    }
  }

  /// A row's cells laid out for ``machineColumns``: an estimate becomes its value and limits; a
  /// symbol in an estimate column fills all three.
  public func machineRow(_ row: [Cell]) -> [Cell] {
    zip(columns, row).flatMap { column, cell -> [Cell] in
      guard column.kind == .estimate else {
        if case .estimate(let e) = cell { return [.value(e.value)] }
        return [cell]
      }
      switch cell {
      case .estimate(let e): return [.value(e.value), .value(e.lower), .value(e.upper)]
      case .symbol, .text, .empty: return [cell, cell, cell]
      case .number(let x): return [.value(x), .empty, .empty]
      }
    }
  }
}

/// The symbols of the Government Statistical Service for values that are not shown as numbers.
///
/// From the GSS guidance "Symbols, footnotes and numbers in tables" (Analysis Function, 2021),
/// which replaced the older `!`, `?`, `-` and `N/A` of the Ethnicity facts and figures style guide.
public enum GSSSymbol: String, Sendable, Hashable, CaseIterable, Comparable {
  /// Confidential: withheld to protect confidentiality.
  case confidential = "[c]"
  /// Not available.
  case notAvailable = "[x]"
  /// Not applicable.
  case notApplicable = "[z]"
  /// Low reliability.
  case lowReliability = "[u]"

  /// What the symbol means, for the key.
  public var meaning: String {
    switch self {
    case .confidential: return "confidential: withheld so that no one can be identified"
    case .notAvailable: return "not available"
    case .notApplicable: return "not applicable"
    case .lowReliability: return "low reliability: based on fewer than 10 events"
    }
  }

  public static func < (a: GSSSymbol, b: GSSSymbol) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
