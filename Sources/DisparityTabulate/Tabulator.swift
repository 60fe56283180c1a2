import DisparityIngest

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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

  /// The first column whose name mentions ethnicity ("ethnicity", "Ethnic group",
  /// "ethnic_category", ...): the grouping column when none is named.
  public static func detectedGroupColumn(in header: CSVHeader) -> Int? {
    header.names.firstIndex { $0.lowercased().contains("ethnic") }
  }

  /// The grouping column: the one named, or else the detected one.
  ///
  /// - Throws: ``IngestError/missingColumn(_:file:available:suggestion:)`` for a named column the
  ///   file lacks; ``TabulationError/noGroupColumn(file:available:)`` when none is named and no
  ///   column name mentions ethnicity.
  public static func groupColumn(_ name: String?, in header: CSVHeader) throws -> Int {
    if let name { return try header.index(of: name) }
    guard let detected = detectedGroupColumn(in: header) else {
      throw TabulationError.noGroupColumn(file: header.file, available: header.names)
    }
    return detected
  }

  /// Finds the columns a request names in a header.
  ///
  /// - Throws: ``IngestError/missingColumn(_:file:available:suggestion:)`` for a name the file
  ///   lacks, listing the columns there are and the nearest name.
  static func resolve(_ request: TabulationRequest, in header: CSVHeader) throws -> Columns {
    var by: [Int] = []
    for name in request.by { by.append(try header.index(of: name)) }
    let group = try groupColumn(request.group, in: header)
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
  /// The file is cut into several chunks per worker, handed out as workers become free, so that
  /// a core slowed by other work does not hold the others up.
  public static func tabulate(
    _ path: String, request: TabulationRequest, delimiter: CSVDelimiter? = nil,
    workers: Int = defaultWorkers
  ) throws -> Result {
    let reader = try CSVReader(path: path, options: CSVReadOptions(delimiter: delimiter))
    let columns = try resolve(request, in: reader.header)
    var info = stat()
    let size = !reader.isStream && stat(path, &info) == 0 ? Int(info.st_size) : 0
    let file = reader.file
    if reader.isStream || workers <= 1 {
      var state = State(
        chunk: CSVChunk(index: 0, byteCount: size, fileByteCount: size), file: file,
        columns: columns)
      try reader.forEachRecord { record in try add(record, columns: columns, to: &state) }
      state.finish()
      return Result(counts: state.counts, groupColumn: columns.groupName)
    }
    var state = try reader.parallelReduce(
      workers: workers * chunksPerWorker(fileBytes: size),
      initialForChunk: { chunk in State(chunk: chunk, file: file, columns: columns) },
      body: { state, record in try add(record, columns: columns, to: &state) },
      merge: { (into: inout State, part: consuming State) in
        into.flushPending()
        part.flushPending()
        into.counts.absorb(&part.counts)
      },
      // The chunks' lines are counted from their own starts, without a pass over the file to
      // count the lines before them (see CSVReader.parallelReduce).
      moveLines: { state, lines in state.moveLines(by: lines) }
    )
    state.finish()
    return Result(counts: state.counts, groupColumn: columns.groupName)
  }

  /// The processors available, the default number of workers.
  public static var defaultWorkers: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// Chunks per worker in a parallel pass over a file of `fileBytes`: enough for the free
  /// workers to take over the work of a slow one, few enough that each chunk is large.
  ///
  /// Four from 4 MiB. With one chunk each, the reading of an aggregated file of 8 MB ran on
  /// one core for its last quarter (the core that had also started the load of the
  /// classifications came last); the chunks after the first now merge cheaply and while the
  /// last ones are read (see ``StrataCounts/absorb(_:)`` and ``CSVReader/parallelReduce(workers:initialForChunk:body:merge:)``).
  /// One below, where the chunks are quick anyway.
  static func chunksPerWorker(fileBytes: Int) -> Int {
    fileBytes >= 4 << 20 ? 4 : 1
  }

  /// One worker's tabulation.
  ///
  /// The hot loop meets a few dozen group labels and about a hundred ages millions of times.
  /// Each is interned in its own small table (which stays in the L1 cache), an age written as a
  /// plain number skips hashing altogether, and the counts' dense (group × age) table gives the
  /// stratum's position; record-level rows are counted in a compact array and folded into the
  /// totals at the end (``finish()``), so the per-row work touches little memory.
  struct State: Sendable {
    var counts = StrataCounts()
    /// The part of the file this state tabulates (its size for the sequential pass).
    let chunk: CSVChunk
    /// The bytes of the records added so far (about: without line ends and quotes).
    var bytesRead = 0
    /// Whether room for the expected strata has been made (see ``reserveExpectedStrata()``).
    var reserved = false
    /// The interned id + 1 of an age written as a plain number 0...999 without leading zeros.
    var numericAge = [Int32](repeating: 0, count: 1000)
    /// Record-level rows per stratum position, not yet added to `counts`.
    var pendingRows: [Int] = []
    var byScratch: [UInt8] = []
    /// The line on which each group label was first seen, by id, from
    /// `counts.groupFirstSeen.count` on: made into ``StrataCounts/groupFirstSeen`` locations
    /// only by ``flushPending()``, kept as lines (see ``FirstSightLocations``): building a
    /// `SourceLocation` (two strings) per new label cost 7.3 million instructions on 20,000
    /// labels, more than the rest of their rows' work.
    var pendingFirstLines: [Int] = []
    /// The file, for the locations of ``pendingFirstLines``.
    let file: String
    /// The grouping column (0-based) and its name, for the same locations.
    let groupColumn: Int
    let groupColumnName: String?

    /// Creates the state of one chunk of `file`, tabulated by `columns`.
    init(chunk: CSVChunk, file: String, columns: Columns) {
      self.chunk = chunk
      self.file = file
      self.groupColumn = columns.group
      self.groupColumnName = columns.groupName
    }

    /// The number of strata after which an input is taken to have many (an aggregated input,
    /// a stratum per row), and room is made for the rest (early enough for chunks of a few
    /// MB: an aggregated file of 8 MB has 47,500 strata in each of its eight chunks). At
    /// 16,384 the arrays' growth up to it cost 15 million instructions of copying and
    /// left 800 more pages touched than at 2,048.
    static let manyStrata = 1 << 11

    /// The most strata room is made for at once (about 300 MB of address space, of which only
    /// what is used is ever touched); past it the counts grow as usual.
    static let mostReservedStrata = 1 << 22

    /// Makes room for the strata the rest of the chunk is expected to add, at the rate of
    /// strata per byte so far (the merge keeps the other chunks' many new strata in their own
    /// arrays: see ``StrataCounts/absorb(_:)``).
    ///
    /// Aggregated inputs have a stratum per row. Grown by doubling, the counts' arrays copied
    /// every stratum about once more and left freed buffers as large as themselves, all
    /// touched memory that a fresh process pays for in page faults (about a fifth of the
    /// tabulation's time on 380,000 strata). Memory that is reserved but not used is never
    /// touched.
    mutating func reserveExpectedStrata() {
      reserved = true
      let bytes = chunk.byteCount
      guard bytesRead > 0, bytes > bytesRead else { return }
      let scale = Double(bytes) / Double(bytesRead) * 1.05
      let expected = Double(counts.strataCount) * scale
      counts.reserveStrata(
        Int(min(expected, Double(Self.mostReservedStrata))),
        groups: Int(min(Double(counts.groups.count) * scale, Double(Self.mostReservedStrata))))
    }

    /// Adds the pending record-level rows to the counts, and the working totals to
    /// ``StrataCounts/totals``: the end of a tabulation.
    mutating func finish() {
      flushPending()
      counts.seal()
    }

    /// Adds the pending record-level rows to the counts' working totals, and the pending first
    /// lines of group labels to their ``StrataCounts/groupFirstSeen`` locations.
    mutating func flushPending() {
      if !pendingFirstLines.isEmpty {
        let place = counts.groupFirstSeen.place(
          of: SourceLocation(file: file, column: groupColumn + 1, columnName: groupColumnName))
        for line in pendingFirstLines { counts.groupFirstSeen.append(line: line, place: place) }
      }
      pendingFirstLines.removeAll()
      for (position, rows) in pendingRows.enumerated() where rows > 0 {
        var t = StratumTotals()
        t.events = Double(rows)
        t.eventsSquared = Double(rows)
        t.rows = rows
        counts.add(t, at: position)
      }
      pendingRows.removeAll()
    }

    /// Adds `lines` to every line this state holds: the first lines of its group labels (a
    /// chunk of the file whose lines were counted from its own start).
    mutating func moveLines(by lines: Int) {
      for i in pendingFirstLines.indices { pendingFirstLines[i] += lines }
      counts.groupFirstSeen.moveLines(by: lines)
    }

    /// Makes ``pendingRows`` long enough to hold `position`.
    @inline(never)
    mutating func growPendingRows(_ position: Int) {
      pendingRows.append(contentsOf: repeatElement(0, count: position + 1 - pendingRows.count))
    }

    /// The id of an age field: numbers through a direct table, other text through the interner.
    @inline(__always)
    mutating func ageID(_ field: CSVField) -> Int32 {
      let bytes = field.bytes
      let n = bytes.count
      if n >= 1 && n <= 3 && (bytes[0] != 0x30 || n == 1) {
        var value = 0
        var digits = true
        for b in bytes {
          let d = Int(b) &- 0x30
          if d < 0 || d > 9 {
            digits = false
            break
          }
          value = value &* 10 &+ d
        }
        if digits {
          let known = numericAge[value]
          if known > 0 { return known - 1 }
          let id = field.withBytes { counts.ages.id(for: $0) }
          numericAge[value] = id + 1
          return id
        }
      }
      return field.withBytes { counts.ages.id(for: $0) }
    }

    /// The position of the stratum (group, age) of an input without `--by`.
    @inline(__always)
    mutating func densePosition(group g: Int32, age a: Int32) -> Int {
      counts.position(of: RawStratumKey(group: g, age: a, by: -1))
    }
  }

  /// Adds one record to the counts.
  @inline(__always)
  static func add(_ record: CSVRecord, columns: Columns, to state: inout State) throws(IngestError)
  {
    state.bytesRead &+= record.byteCount &+ 1
    let g = trimmed(record[columns.group]).withBytes { state.counts.groups.id(for: $0) }
    if Int(g) == state.counts.groupFirstSeen.count &+ state.pendingFirstLines.count {
      state.pendingFirstLines.append(record.line)
    }
    let a: Int32 = columns.age < 0 ? -1 : state.ageID(trimmed(record[columns.age]))
    if columns.events < 0 && columns.population < 0 {
      let position =
        columns.by.isEmpty
        ? state.densePosition(group: g, age: a)
        : byPosition(record, columns: columns, group: g, age: a, to: &state)
      if position == State.manyStrata - 1 && !state.reserved { state.reserveExpectedStrata() }
      if position >= state.pendingRows.count { state.growPendingRows(position) }
      state.pendingRows[position] &+= 1
      return
    }
    // Plain counts (nearly every row of an aggregated file) are added without building totals,
    // and a new stratum of such a row is added with them (it needs no rows or squares of its
    // own: see ``StrataCounts/addPlainRow(key:events:population:)``).
    let events: Double? = columns.events < 0 ? 1 : plainCount(record[columns.events])
    let population: Double? = columns.population < 0 ? 0 : plainCount(record[columns.population])
    if let events, let population {
      let position: Int
      if columns.by.isEmpty {
        position = state.counts.addPlainRow(
          key: RawStratumKey(group: g, age: a, by: -1), events: events, population: population)
      } else {
        position = byPosition(record, columns: columns, group: g, age: a, to: &state)
        state.counts.addPlainRow(events: events, population: population, at: position)
      }
      if position == State.manyStrata - 1 && !state.reserved { state.reserveExpectedStrata() }
      return
    }
    let position =
      columns.by.isEmpty
      ? state.densePosition(group: g, age: a)
      : byPosition(record, columns: columns, group: g, age: a, to: &state)
    if position == State.manyStrata - 1 && !state.reserved { state.reserveExpectedStrata() }
    // A missing or suppressed count (or one that is no count: an error with its location).
    var t = StratumTotals()
    t.rows = 1
    if let events {
      t.events = events
      t.eventsSquared = events * events
    } else {
      try otherEvents(record, column: columns.events, into: &t)
    }
    if let population {
      t.population = population
    } else {
      try otherPopulation(record, column: columns.population, into: &t)
    }
    state.counts.add(t, at: position)
  }

  /// The position of the stratum of a record with `--by` columns (out of line: the rest of
  /// ``add(_:columns:to:)`` is smaller without it, and this is not the aggregated hot path).
  @inline(never)
  static func byPosition(
    _ record: CSVRecord, columns: Columns, group g: Int32, age a: Int32, to state: inout State
  ) -> Int {
    var b: Int32 = -1
    if columns.by.count == 1 {
      b = trimmed(record[columns.by[0]]).withBytes { state.counts.byCombinations.id(for: $0) }
    } else {
      state.byScratch.removeAll(keepingCapacity: true)
      for (i, c) in columns.by.enumerated() {
        if i > 0 { state.byScratch.append(StrataCounts.bySeparator) }
        trimmed(record[c]).withBytes { state.byScratch.append(contentsOf: $0) }
      }
      b = state.byScratch.withUnsafeBytes { state.counts.byCombinations.id(for: $0) }
    }
    return state.counts.position(of: RawStratumKey(group: g, age: a, by: b))
  }

  /// Adds an event count that is not plain digits (see ``CountValue``) to `t`.
  @inline(never)
  static func otherEvents(_ record: CSVRecord, column: Int, into t: inout StratumTotals)
    throws(IngestError)
  {
    switch try record.countValue(at: column) {
    case .number(let x):
      t.events = x
      t.eventsSquared = x * x
    case .missing: t.eventsMissing = 1
    case .suppressed: t.eventsSuppressed = 1
    }
  }

  /// Adds a population that is not plain digits (see ``CountValue``) to `t`.
  @inline(never)
  static func otherPopulation(_ record: CSVRecord, column: Int, into t: inout StratumTotals)
    throws(IngestError)
  {
    switch try record.countValue(at: column) {
    case .number(let x): t.population = x
    case .missing: t.populationMissing = 1
    case .suppressed: t.populationSuppressed = 1
    }
  }

  /// The value of a count written as 1 to 15 plain digits, the usual case; nil for anything
  /// else, which ``CSVRecord/countValue(at:)`` parses (with the same result for plain digits).
  ///
  /// Inlined here because the out-of-line call cost 74 instructions a value on 760,000 values
  /// of an aggregated file, about four times this loop.
  @inline(__always)
  static func plainCount(_ field: CSVField) -> Double? {
    let bytes = field.bytes
    let n = bytes.count
    guard n > 0 && n <= 15, let base = bytes.baseAddress else { return nil }
    var value = 0
    var i = 0
    while i < n {
      let digit = base[i] &- 0x30
      if digit > 9 { return nil }
      value = value &* 10 &+ Int(digit)
      i &+= 1
    }
    return Double(value)
  }

  /// The field without leading and trailing spaces and tabs (``CSVField/trimmed``), with the
  /// usual case, a field that starts and ends with a printable byte, decided inline: the call
  /// of `trimmed` cost 27 instructions a field.
  @inline(__always)
  static func trimmed(_ field: CSVField) -> CSVField {
    let bytes = field.bytes
    if let base = bytes.baseAddress, bytes.count > 0, base[0] > 0x20,
      base[bytes.count &- 1] > 0x20
    {
      return field
    }
    return field.trimmed
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
