import DisparityIngest

/// The columns to tabulate, by name, as the user gave them.
public struct TabulationRequest: Sendable, Equatable {
  /// The grouping column (ethnicity); `nil` means the first column whose name mentions
  /// ethnicity ("ethnicity", "Ethnic group", "ethnic_category", ...).
  public var group: String?
  /// The age column, if standardising.
  public var age: String?
  /// Whether a file without the age column is read without ages (observed totals for indirect
  /// standardisation) rather than refused.
  public var ageOptional: Bool = false
  /// Further strata, plus any extra key columns a join needs.
  public var by: [String]
  /// The column of event counts; `nil` counts each row as one event.
  public var events: String?
  /// The column of population (or trials); `nil` when there is none in this file.
  public var population: String?

  /// Creates a request.
  public init(
    group: String?, age: String? = nil, by: [String] = [], events: String? = nil,
    population: String? = nil
  ) {
    self.group = group
    self.age = age
    self.by = by
    self.events = events
    self.population = population
  }
}

/// Reads CSV files into ``StrataCounts``: one pass, memory bounded by the distinct strata.
public enum Tabulator {
  /// The resolved column positions of a request in one file's header.
  struct Columns: Sendable {
    var group: Int
    var groupName: String
    var age: Int
    var by: [Int]
    var events: Int
    var population: Int
  }

  /// Finds the columns a request names in a header.
  ///
  /// - Throws: ``IngestError/missingColumn(_:file:available:suggestion:)`` for a name the file
  ///   lacks, listing the columns there are and the nearest name.
  static func resolve(_ request: TabulationRequest, in header: CSVHeader) throws -> Columns {
    var by: [Int] = []
    for name in request.by { by.append(try header.index(of: name)) }
    let group: Int
    if let name = request.group {
      group = try header.index(of: name)
    } else if let detected = header.names.firstIndex(where: { $0.lowercased().contains("ethnic") }) {
      group = detected
    } else {
      throw TabulationError.noGroupColumn(file: header.file, available: header.names)
    }
    return Columns(
      group: group,
      groupName: header.names[group],
      age: try request.age.map { name throws(IngestError) in
        if request.ageOptional && header.firstIndex(of: name) == nil { return -1 }
        return try header.index(of: name)
      } ?? -1,
      by: by,
      events: try request.events.map { name throws(IngestError) in try header.index(of: name) }
        ?? -1,
      population: try request.population.map { name throws(IngestError) in
        try header.index(of: name)
      } ?? -1)
  }

  /// The counts of one input, and the grouping column they were tabulated by.
  public struct Result: Sendable {
    /// The counts by raw stratum.
    public var counts: StrataCounts
    /// The name of the grouping column (as given, or as detected).
    public var groupColumn: String
  }

  /// Tabulates one input (a path, or `-` for standard input).
  ///
  /// Files are read by `workers` threads in parallel, split at record boundaries; standard input
  /// is read sequentially. Every count is checked: negative or non-numeric values are errors with
  /// their file, line and column; missing and suppressed values are counted, not read as zero.
  public static func tabulate(
    _ path: String, request: TabulationRequest, delimiter: CSVDelimiter? = nil, workers: Int = 2
  ) throws -> Result {
    let reader = try CSVReader(path: path, options: CSVReadOptions(delimiter: delimiter))
    let columns = try resolve(request, in: reader.header)
    if reader.isStream || workers <= 1 {
      var counts = StrataCounts()
      var scratch: [UInt8] = []
      try reader.forEachRecord { record in
        try add(record, columns: columns, to: &counts, scratch: &scratch)
      }
      return Result(counts: counts, groupColumn: columns.groupName)
    }
    let counts = try reader.parallelReduce(
      workers: workers,
      initial: { (StrataCounts(), [UInt8]()) },
      body: { state, record in
        try add(record, columns: columns, to: &state.0, scratch: &state.1)
      },
      merge: { into, part in into.0.merge(part.0) }
    ).0
    return Result(counts: counts, groupColumn: columns.groupName)
  }

  /// Adds one record to the counts.
  @inline(__always)
  static func add(
    _ record: CSVRecord, columns: Columns, to counts: inout StrataCounts,
    scratch: inout [UInt8]
  ) throws(IngestError) {
    let g = record[columns.group].trimmed.withBytes { counts.groups.id(for: $0) }
    if Int(g) == counts.groupFirstSeen.count {
      counts.groupFirstSeen.append(record.location(column: columns.group))
    }
    let a: Int32 =
      columns.age < 0 ? -1 : record[columns.age].trimmed.withBytes { counts.ages.id(for: $0) }
    var b: Int32 = -1
    if columns.by.count == 1 {
      b = record[columns.by[0]].trimmed.withBytes { counts.byCombinations.id(for: $0) }
    } else if !columns.by.isEmpty {
      scratch.removeAll(keepingCapacity: true)
      for (i, c) in columns.by.enumerated() {
        if i > 0 { scratch.append(StrataCounts.bySeparator) }
        record[c].trimmed.withBytes { scratch.append(contentsOf: $0) }
      }
      b = scratch.withUnsafeBytes { counts.byCombinations.id(for: $0) }
    }
    var t = StratumTotals()
    t.rows = 1
    if columns.events < 0 {
      t.events = 1
    } else {
      switch try record.countValue(at: columns.events) {
      case .number(let x): t.events = x
      case .missing: t.eventsMissing = 1
      case .suppressed: t.eventsSuppressed = 1
      }
    }
    if columns.population >= 0 {
      switch try record.countValue(at: columns.population) {
      case .number(let x): t.population = x
      case .missing: t.populationMissing = 1
      case .suppressed: t.populationSuppressed = 1
      }
    }
    counts.add(RawStratumKey(group: g, age: a, by: b), t)
  }
}

/// A problem choosing what to tabulate.
public enum TabulationError: DisparityError, Equatable {
  /// No `--group` was given and no column name mentions ethnicity.
  case noGroupColumn(file: String, available: [String])

  public var kind: ErrorKind { .usage }

  public var location: SourceLocation? {
    switch self {
    case .noGroupColumn(let file, _): return SourceLocation(file: file, line: 1)
    }
  }

  public var description: String {
    switch self {
    case .noGroupColumn(let file, let available):
      return
        "\(file):1: no column name mentions ethnicity, so the grouping column is not known. Name it with --group COL; the columns are: \(available.joined(separator: ", "))."
    }
  }
}
