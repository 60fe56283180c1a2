import DisparityIngest

/// Events and population accumulated for one stratum.
public struct StratumTotals: Sendable, Equatable {
  /// The number of events (a sum of counts, or of rows for record-level data).
  public var events: Double = 0
  /// The population, person-years or trials.
  public var population: Double = 0
  /// The number of input rows that contributed.
  public var rows: Int = 0
  /// The sum of the squared event values (for means and their standard deviations).
  public var eventsSquared: Double = 0
  /// The four tallies of incomplete rows below, in 32 bits each (more than 4,294,967,295 such
  /// rows in one stratum, a file of hundreds of gigabytes, would stop the program on the
  /// overflow rather than count wrong). ``StrataCounts`` keeps them apart from the rest, as it
  /// keeps ``rows`` and ``eventsSquared`` (see ``StoredTotals``).
  @usableFromInline var incomplete: IncompleteTallies = (0, 0, 0, 0)

  /// Rows whose event count was marked missing (empty, NA, ...): counted here, not as zero.
  public var eventsMissing: Int {
    get { Int(incomplete.0) }
    set { incomplete.0 = UInt32(newValue) }
  }
  /// Rows whose event count was suppressed at source (e.g. "<5"): counted here, never read as a number.
  public var eventsSuppressed: Int {
    get { Int(incomplete.1) }
    set { incomplete.1 = UInt32(newValue) }
  }
  /// Rows whose population was marked missing.
  public var populationMissing: Int {
    get { Int(incomplete.2) }
    set { incomplete.2 = UInt32(newValue) }
  }
  /// Rows whose population was suppressed at source.
  public var populationSuppressed: Int {
    get { Int(incomplete.3) }
    set { incomplete.3 = UInt32(newValue) }
  }

  /// Creates empty totals.
  public init() {}

  /// The totals of a stratum as ``StrataCounts`` keeps them.
  @inlinable @inline(__always)
  init(_ stored: StoredTotals, _ details: RowDetails, _ incomplete: IncompleteTallies) {
    events = stored.events
    population = stored.population
    rows = details.rows
    eventsSquared = details.eventsSquared
    self.incomplete = incomplete
  }

  /// Whether any row was counted as missing or suppressed.
  var hasIncompleteRows: Bool {
    incomplete.0 | incomplete.1 | incomplete.2 | incomplete.3 != 0
  }

  /// Adds another stratum's totals.
  @inline(__always)
  public mutating func add(_ other: StratumTotals) {
    events += other.events
    eventsSquared += other.eventsSquared
    population += other.population
    rows += other.rows
    incomplete.0 += other.incomplete.0
    incomplete.1 += other.incomplete.1
    incomplete.2 += other.incomplete.2
    incomplete.3 += other.incomplete.3
  }

  public static func == (a: StratumTotals, b: StratumTotals) -> Bool {
    a.events == b.events && a.population == b.population && a.rows == b.rows
      && a.eventsSquared == b.eventsSquared && a.incomplete == b.incomplete
  }
}

/// The four tallies of incomplete rows of a stratum: events missing, events suppressed,
/// population missing, population suppressed.
@usableFromInline typealias IncompleteTallies = (UInt32, UInt32, UInt32, UInt32)

/// A stratum's events and population, as ``StrataCounts`` keeps them.
///
/// The rest of its totals are kept in arrays of their own, made only when needed: the rows
/// and the sum of squared events (``RowDetails``) once a stratum has other than one row of
/// plain counts, the tallies of incomplete rows once one has any. Aggregated inputs have a
/// stratum per row, nearly all of one plain row: 16 bytes a stratum rather than 48 are 12 MB
/// less memory touched for 380,000 strata (memory a fresh process pays for in page faults,
/// about 2 µs a page here).
@usableFromInline
struct StoredTotals: Sendable {
  @usableFromInline var events: Double = 0
  @usableFromInline var population: Double = 0

  init() {}

  /// Adds a stratum's events and population.
  @inline(__always)
  mutating func add(_ other: StratumTotals) {
    events += other.events
    population += other.population
  }
}

/// A stratum's rows and sum of squared events, as ``StrataCounts`` keeps them where a stratum
/// has other than one row of plain counts (which has one row, and its events squared).
@usableFromInline
struct RowDetails: Sendable {
  @usableFromInline var rows: Int = 0
  @usableFromInline var eventsSquared: Double = 0

  @inlinable init(rows: Int, eventsSquared: Double) {
    self.rows = rows
    self.eventsSquared = eventsSquared
  }

  /// The details of a stratum of one row of plain counts, with `stored` events.
  @inlinable @inline(__always)
  static func oneRow(_ stored: StoredTotals) -> RowDetails {
    RowDetails(rows: 1, eventsSquared: stored.events * stored.events)
  }

  /// The details of strata of one plain row each.
  static func oneRowEach(_ stored: [StoredTotals]) -> [RowDetails] {
    stored.map(oneRow)
  }

  /// Adds a stratum's rows and sum of squares.
  @inline(__always)
  mutating func add(_ other: StratumTotals) {
    rows += other.rows
    eventsSquared += other.eventsSquared
  }
}

/// Adds the tallies `b` to `a`.
@inline(__always)
func addTallies(_ a: inout IncompleteTallies, _ b: IncompleteTallies) {
  a.0 += b.0
  a.1 += b.1
  a.2 += b.2
  a.3 += b.3
}

/// The totals of a block of strata, as ``StrataCounts/forEachBlock(_:)`` hands them over: a
/// stratum's ``StratumTotals`` by its index in the block.
///
/// Inlinable: its subscript is read once per stratum by the loops of other modules (out of
/// line, 48 instructions a stratum).
public struct StratumTotalsBuffer: RandomAccessCollection {
  @usableFromInline let stored: UnsafeBufferPointer<StoredTotals>
  /// The rows and sums of squares, by stratum; empty when every stratum of the block has one
  /// row of plain counts.
  @usableFromInline let details: UnsafeBufferPointer<RowDetails>
  /// The tallies of incomplete rows, by stratum; empty when no stratum of the block has any.
  @usableFromInline let incomplete: UnsafeBufferPointer<IncompleteTallies>

  init(
    _ stored: UnsafeBufferPointer<StoredTotals>, _ details: UnsafeBufferPointer<RowDetails>,
    _ incomplete: UnsafeBufferPointer<IncompleteTallies>
  ) {
    self.stored = stored
    self.details = details
    self.incomplete = incomplete
  }

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { stored.count }

  /// The totals of the stratum at `i`.
  @inlinable @inline(__always)
  public subscript(i: Int) -> StratumTotals {
    StratumTotals(
      stored[i], details.isEmpty ? .oneRow(stored[i]) : details[i],
      incomplete.isEmpty ? (0, 0, 0, 0) : incomplete[i])
  }

  /// Whether any stratum of the block has a missing or suppressed row (false: every
  /// stratum's tallies of incomplete rows are zero).
  @inlinable public var mayHaveIncompleteRows: Bool { !incomplete.isEmpty }
}

/// The key of a stratum at the finest level the input has: raw group label, raw age value and
/// the combination of `--by` values, each as an interned id (−1 where the column is absent).
public struct RawStratumKey: Hashable, Sendable {
  /// The interned raw group label.
  public var group: Int32
  /// The interned raw age value or band label, or −1 without an age column.
  public var age: Int32
  /// The interned combination of `--by` values, or −1 without `--by`.
  public var by: Int32

  /// Creates a key.
  public init(group: Int32, age: Int32, by: Int32) {
    self.group = group
    self.age = age
    self.by = by
  }

  /// Hashes the three ids as two words (fewer rounds of `Hasher` than three separate ids: the
  /// totals dictionary has an entry per stratum, hundreds of thousands for aggregated inputs).
  public func hash(into hasher: inout Hasher) {
    hasher.combine(UInt64(UInt32(bitPattern: group)) << 32 | UInt64(UInt32(bitPattern: age)))
    hasher.combine(by)
  }
}

/// Counts by raw stratum: memory grows with the number of distinct strata, never with the rows.
///
/// Tabulation happens before classification and re-banding: the few distinct raw labels are
/// classified and re-banded once each afterwards, not once per row.
public struct StrataCounts: Sendable {
  /// Raw group labels.
  public var groups = ByteStringInterner()
  /// Raw age values or band labels.
  public var ages = ByteStringInterner()
  /// `--by` combinations, their values joined by U+001F.
  public var byCombinations = ByteStringInterner()
  /// Where each raw group label was first seen, indexed by its id, for error messages.
  public var groupFirstSeen = FirstSightLocations()

  /// The strata in order of first sight, their totals, and two indexes of the keys: a dense
  /// table by (group, age) for strata without `--by` values (see ``densePosition(of:plain:)``), and
  /// an open-addressing hash index for the others (slot value: position + 1, 0 = empty).
  /// Hand-written rather than a `Dictionary` because the tabulation loop adds to a stratum once
  /// per input row, and `Hasher`'s seeded SipHash cost more than reading and splitting the row
  /// itself; and because later stages want the strata in a fixed order, which the arrays keep
  /// without sorting.
  private var keys: [RawStratumKey] = []
  private var values: [StoredTotals] = []
  /// The rows and sums of squares of the strata of `keys`: empty while each has one row of
  /// plain counts (see ``StoredTotals``), then one per stratum.
  private var details: [RowDetails] = []
  /// The tallies of incomplete rows of the strata of `keys`: empty until one has any (see
  /// ``StoredTotals``), then one per stratum.
  private var incompletes: [IncompleteTallies] = []
  /// The strata after `keys` and `values`, a block per large merge (see ``absorb(_:)``): each
  /// block is another worker's strata left in that worker's own arrays, positions running on
  /// from the block before. An aggregated file has a stratum per row; copying a worker's
  /// 190,000 strata onto the end of the first worker's arrays touched 14 MB of fresh memory,
  /// most of the merge's 12 ms in page faults.
  private var blocks: [StrataBlock] = []
  private var slots = [Int32](repeating: 0, count: 64)
  /// Strata in the hash index.
  private var hashedCount = 0
  /// Position + 1 by `group * denseStride + age + 1` (0 = not seen) for keys that
  /// ``densePosition(of:plain:)`` takes: a row per group label, a column per age label. Aggregated
  /// inputs have a stratum per row, hundreds of thousands, met in group order, so the table is
  /// read almost in sequence, where a hash index would miss the cache on every new stratum.
  private var dense: [Int32] = []
  private var denseStride = 0
  private var denseGroups = 0
  /// Whether the dense table has reached ``denseCapacity`` and takes no new strata.
  private var denseFull = false
  /// Whether the strata from ``unindexedStart`` on are in neither index yet (see
  /// ``absorb(_:)``): they are indexed before the next lookup, and never if none comes (the
  /// merges at the end of a parallel read).
  private var hasUnindexed = false
  private var unindexedStart = 0
  /// Whether totals with missing or suppressed rows were added (false: ``incompleteRows`` is
  /// all zeros without a pass over the strata, 0.7 ms on one core for 380,000 of them).
  private var mayHaveIncompleteRows = false

  /// The strata's keys in order of first appearance in the input (files in order, rows in file
  /// order): the same order on every run, so results and sums are reproducible.
  ///
  /// After a large merge the strata are held in several blocks, which this joins into a new
  /// array; loops over many strata take them block by block with ``forEachBlock(_:)``.
  public var stratumKeys: [RawStratumKey] {
    blocks.isEmpty ? keys : keys + blocks.flatMap(\.keys)
  }

  /// The strata's totals, in the order of ``stratumKeys`` (joined like it).
  public var stratumTotals: [StratumTotals] {
    var all: [StratumTotals] = []
    all.reserveCapacity(strataCount)
    forEachBlock { _, totals in all.append(contentsOf: totals) }
    return all
  }

  /// Calls `body` with the strata's keys and totals a block at a time, in the order of
  /// ``stratumKeys``: together the blocks hold every stratum once.
  ///
  /// For loops over hundreds of thousands of strata, which ``stratumKeys`` and
  /// ``stratumTotals`` would first copy when there are several blocks.
  public func forEachBlock(
    _ body: (UnsafeBufferPointer<RawStratumKey>, StratumTotalsBuffer) throws -> Void
  ) rethrows {
    try keys.withUnsafeBufferPointer { k in
      try values.withUnsafeBufferPointer { v in
        try details.withUnsafeBufferPointer { d in
          try incompletes.withUnsafeBufferPointer { i in
            try body(k, StratumTotalsBuffer(v, d, i))
          }
        }
      }
    }
    for block in blocks {
      try block.keys.withUnsafeBufferPointer { k in
        try block.values.withUnsafeBufferPointer { v in
          try block.details.withUnsafeBufferPointer { d in
            try block.incompletes.withUnsafeBufferPointer { i in
              try body(k, StratumTotalsBuffer(v, d, i))
            }
          }
        }
      }
    }
  }

  /// One block of strata as ``withBlocks(_:)`` hands it over: keys and totals, in step.
  public typealias BlockPointers = (
    keys: UnsafeBufferPointer<RawStratumKey>, totals: StratumTotalsBuffer
  )

  /// Calls `body` once with all the blocks of ``forEachBlock(_:)``, in the same order.
  ///
  /// For loops that share every block between threads in one parallel pass: a pass per block
  /// waited for the slowest thread at the end of each (an aggregated file read in eight chunks
  /// has eight blocks).
  public func withBlocks<R>(_ body: ([BlockPointers]) throws -> R) rethrows -> R {
    var gathered: [BlockPointers] = []
    gathered.reserveCapacity(blocks.count + 1)
    return try keys.withUnsafeBufferPointer { k in
      try values.withUnsafeBufferPointer { v in
        try details.withUnsafeBufferPointer { d in
          try incompletes.withUnsafeBufferPointer { i in
            gathered.append((k, StratumTotalsBuffer(v, d, i)))
            return try Self.gather(blocks[...], into: &gathered, body)
          }
        }
      }
    }
  }

  /// The pointers of `rest`'s blocks appended to `gathered`, each valid while `body` runs.
  private static func gather<R>(
    _ rest: ArraySlice<StrataBlock>, into gathered: inout [BlockPointers],
    _ body: ([BlockPointers]) throws -> R
  ) rethrows -> R {
    guard let block = rest.first else { return try body(gathered) }
    return try block.keys.withUnsafeBufferPointer { k in
      try block.values.withUnsafeBufferPointer { v in
        try block.details.withUnsafeBufferPointer { d in
          try block.incompletes.withUnsafeBufferPointer { i in
            gathered.append((k, StratumTotalsBuffer(v, d, i)))
            return try gather(rest.dropFirst(), into: &gathered, body)
          }
        }
      }
    }
  }

  /// The rows with a missing or suppressed count, over all strata, counted in `Int` (the
  /// strata's own tallies are 32-bit; all strata together may pass that).
  public var incompleteRows:
    (eventsMissing: Int, eventsSuppressed: Int, populationMissing: Int, populationSuppressed: Int)
  {
    guard mayHaveIncompleteRows else { return (0, 0, 0, 0) }
    var sums = (0, 0, 0, 0)
    for tallies in [incompletes] + blocks.map(\.incompletes) {
      for t in tallies {
        sums.0 += Int(t.0)
        sums.1 += Int(t.1)
        sums.2 += Int(t.2)
        sums.3 += Int(t.3)
      }
    }
    return sums
  }

  /// The totals of all strata together (with 32-bit tallies of incomplete rows, like each
  /// stratum's: ``incompleteRows`` counts those in full).
  public var grandTotal: StratumTotals {
    var total = StratumTotals()
    forEachBlock { _, totals in
      // Summed in a local (the captured total went through memory on each addition), in the
      // same order.
      var sum = total
      for t in totals { sum.add(t) }
      total = sum
    }
    return total
  }

  /// Creates empty counts.
  public init() {}

  /// The number of distinct strata.
  public var strataCount: Int {
    guard let last = blocks.last else { return keys.count }
    return last.start + last.keys.count
  }

  /// Totals per raw stratum, in order of first appearance in the input (files in order, rows in
  /// file order): the same order on every run, so results and sums are reproducible.
  public var orderedTotals: [(key: RawStratumKey, value: StratumTotals)] {
    zip(stratumKeys, stratumTotals).map { (key: $0, value: $1) }
  }

  /// Totals per raw stratum as a dictionary (built on each call: for lookups, not for loops).
  public var totals: [RawStratumKey: StratumTotals] {
    Dictionary(uniqueKeysWithValues: zip(stratumKeys, stratumTotals))
  }

  /// Adds totals to a stratum.
  public mutating func add(_ key: RawStratumKey, _ t: StratumTotals) {
    add(t, at: position(of: key))
  }

  /// The block holding `position` (an index into ``blocks``), for a position past `keys`.
  private func block(holding position: Int) -> Int {
    var b = blocks.count - 1
    while blocks[b].start > position { b -= 1 }
    return b
  }

  /// The key of the stratum at `position`.
  @inline(__always)
  private func key(at position: Int) -> RawStratumKey {
    if position < keys.count { return keys[position] }
    let b = block(holding: position)
    return blocks[b].keys[position - blocks[b].start]
  }

  /// Adds a stratum after the last one, with zero totals, or with the one row of plain counts
  /// `plain` (events, population); returns its position.
  @inline(__always)
  private mutating func appendStratum(_ key: RawStratumKey, plain: (Double, Double)?) -> Int {
    // Added to zero totals, as a row to a new stratum is.
    var stored = StoredTotals()
    if let (events, population) = plain {
      stored.events += events
      stored.population += population
    }
    if blocks.isEmpty {
      keys.append(key)
      if plain == nil || !details.isEmpty { appendDetails(of: stored, plain: plain != nil) }
      values.append(stored)
      if !incompletes.isEmpty { appendZeroTallies() }
      return keys.count - 1
    }
    let b = blocks.count - 1
    blocks[b].keys.append(key)
    if plain == nil || !blocks[b].details.isEmpty {
      appendDetails(of: stored, plain: plain != nil)
    }
    blocks[b].values.append(stored)
    if !blocks[b].incompletes.isEmpty { appendZeroTallies() }
    return blocks[b].start + blocks[b].keys.count - 1
  }

  /// Appends the details of a new last stratum, before its totals: one plain row, or none (which
  /// first makes the details of the block's other strata, of one plain row each). Out of line:
  /// not the aggregated hot path.
  @inline(never)
  private mutating func appendDetails(of stored: StoredTotals, plain: Bool) {
    let new = plain ? RowDetails.oneRow(stored) : RowDetails(rows: 0, eventsSquared: 0)
    if blocks.isEmpty {
      if details.count != values.count { details = RowDetails.oneRowEach(values) }
      details.append(new)
    } else {
      let b = blocks.count - 1
      if blocks[b].details.count != blocks[b].values.count {
        blocks[b].details = RowDetails.oneRowEach(blocks[b].values)
      }
      blocks[b].details.append(new)
    }
  }

  /// Appends zero tallies for a new last stratum, whose block has tallies (out of line: seldom
  /// so, and the tabulation's loop is smaller without it).
  @inline(never)
  private mutating func appendZeroTallies() {
    if blocks.isEmpty {
      incompletes.append((0, 0, 0, 0))
    } else {
      blocks[blocks.count - 1].incompletes.append((0, 0, 0, 0))
    }
  }

  /// Adds totals to the stratum at `position`, which is past `keys`.
  @inline(never)
  private mutating func addInBlock(_ t: StratumTotals, at position: Int) {
    let b = block(holding: position)
    let i = position - blocks[b].start
    // The details of one plain row each, from the events before this addition.
    if blocks[b].details.count != blocks[b].values.count {
      blocks[b].details = RowDetails.oneRowEach(blocks[b].values)
    }
    blocks[b].values[i].add(t)
    blocks[b].details[i].add(t)
    if t.hasIncompleteRows {
      if blocks[b].incompletes.isEmpty {
        blocks[b].incompletes = Array(repeating: (0, 0, 0, 0), count: blocks[b].values.count)
      }
      addTallies(&blocks[b].incompletes[i], t.incomplete)
    }
  }

  /// Makes room for `count` strata in all, and for `groups` group labels' rows of the dense
  /// table, so that adding them copies nothing.
  mutating func reserveStrata(_ count: Int, groups: Int = 0) {
    keys.reserveCapacity(count)
    values.reserveCapacity(count)
    reserveDenseRows(groups)
  }

  /// Makes room in the dense table for rows up to `groups` group labels (as many as fit under
  /// ``denseCapacity``), so that its growth appends rows in place rather than copying the table.
  private mutating func reserveDenseRows(_ groups: Int) {
    let stride = max(denseStride, 8)
    let rows = min(groups, Self.denseCapacity / stride)
    if !denseFull && rows > denseGroups { dense.reserveCapacity(rows * stride) }
  }

  /// The end of a tabulation. The counts are kept in place (nothing to move).
  mutating func seal() {}

  /// The position of `key` in the working totals, adding the stratum (with zero totals) if it is
  /// new.
  @inline(__always)
  mutating func position(of key: RawStratumKey) -> Int {
    locate(key, plain: nil).position
  }

  /// Adds one row of plain counts (no missing or suppressed value) to the stratum `key`, which
  /// is added if it is new; returns its position. The aggregated hot path: a new stratum of
  /// one such row needs no ``RowDetails``.
  @inline(__always)
  mutating func addPlainRow(key: RawStratumKey, events: Double, population: Double) -> Int {
    let (position, isNew) = locate(key, plain: (events, population))
    if !isNew { addPlainRow(events: events, population: population, at: position) }
    return position
  }

  /// The position of `key`, and whether it was added: with zero totals, or with the one row of
  /// plain counts `plain`.
  @inline(__always)
  private mutating func locate(_ key: RawStratumKey, plain: (Double, Double)?) -> (
    position: Int, isNew: Bool
  ) {
    if hasUnindexed { indexUnindexed() }
    if Self.denseCandidate(key), let found = densePosition(of: key, plain: plain) {
      return found
    }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
    while true {
      let entry = Int(slots[slot])
      if entry == 0 { break }
      if self.key(at: entry - 1) == key { return (entry - 1, false) }
      slot = (slot + 1) & mask
    }
    let position = appendStratum(key, plain: plain)
    slots[slot] = Int32(position + 1)
    hashedCount += 1
    if hashedCount * 2 > slots.count { grow(indexed: strataCount) }
    return (position, true)
  }

  /// Indexes the strata from ``unindexedStart`` on, block by block, in order.
  @inline(never)
  private mutating func indexUnindexed() {
    hasUnindexed = false
    let from = unindexedStart
    var spans: [(start: Int, keys: [RawStratumKey])] = [(0, keys)]
    for block in blocks { spans.append((block.start, block.keys)) }
    for (start, keys) in spans where start + keys.count > from {
      for p in max(from, start)..<(start + keys.count) { index(keys[p - start], at: p) }
    }
  }

  /// The most group labels ``merged(_:scanned:)`` looks up by a scan of the strata not yet
  /// indexed in one merge, before it indexes them all instead.
  static let mostScannedGroups = 8

  /// The position of `key` during a merge (``absorb(_:)``), or `nil` if it is not a stratum yet,
  /// without indexing the strata not indexed yet unless many labels are looked up.
  ///
  /// A chunk of an aggregated file usually starts inside the last group of the chunk before, so
  /// each merge looked up one group's strata, and indexed the 50,000 strata of the merges
  /// before for them (21 million instructions over (c)'s merges, the last on one core at the
  /// end of the reading). The strata not indexed yet are scanned for the label's instead, once
  /// per label in `scanned` (the merge's own: its new strata are appended only after its
  /// lookups), and indexed all at once only past ``mostScannedGroups`` labels.
  private mutating func merged(_ key: RawStratumKey, scanned: inout [Int32: [Int]]) -> Int? {
    guard hasUnindexed else { return find(key) }
    if let position = find(key) { return position }
    if scanned[key.group] == nil && scanned.count >= Self.mostScannedGroups {
      indexUnindexed()
      return find(key)
    }
    if scanned[key.group] == nil { scanned[key.group] = unindexedPositions(ofGroup: key.group) }
    for position in scanned[key.group]! where self.key(at: position) == key { return position }
    return nil
  }

  /// The positions of the strata from ``unindexedStart`` on whose group is `group`.
  private func unindexedPositions(ofGroup group: Int32) -> [Int] {
    var found: [Int] = []
    var spans: [(start: Int, keys: [RawStratumKey])] = [(0, keys)]
    for block in blocks { spans.append((block.start, block.keys)) }
    for (start, keys) in spans where start + keys.count > unindexedStart {
      keys.withUnsafeBufferPointer { keys in
        for i in max(unindexedStart - start, 0)..<keys.count where keys[i].group == group {
          found.append(start + i)
        }
      }
    }
    return found
  }

  /// The position of `key`, or `nil` if it is not a stratum yet (nothing is added). The strata
  /// must all be indexed (see ``indexUnindexed()``), or `key` be among the indexed ones.
  private func find(_ key: RawStratumKey) -> Int? {
    if Self.denseCandidate(key) {
      let g = Int(key.group)
      let column = Int(key.age) + 1
      if g < denseGroups && column < denseStride {
        let known = Int(dense[g * denseStride + column])
        if known > 0 { return known - 1 }
      }
      // A key the dense table could take went to the hash index only once the table was full.
      if !denseFull { return nil }
    }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
    while true {
      let entry = Int(slots[slot])
      if entry == 0 { return nil }
      if self.key(at: entry - 1) == key { return entry - 1 }
      slot = (slot + 1) & mask
    }
  }

  /// Indexes a new stratum, already stored at `position`, where ``position(of:)`` would have put
  /// it: in the dense table if it takes the key, else in the hash index.
  private mutating func index(_ key: RawStratumKey, at position: Int) {
    if Self.denseCandidate(key) {
      let g = Int(key.group)
      let column = Int(key.age) + 1
      let fits =
        (g < denseGroups && column < denseStride)
        || (!denseFull && growDense(group: g, column: column))
      if fits && !denseFull {
        dense[g * denseStride + column] = Int32(position + 1)
        return
      }
    }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = Int32(position + 1)
    hashedCount += 1
    if hashedCount * 2 > slots.count { grow(indexed: position + 1) }
  }

  /// The most entries the dense table may have (16 MB): past that, new strata go to the hash
  /// index, so that an input with tens of thousands of distinct labels and ages cannot make the
  /// table large (each worker of a parallel read has its own).
  static let denseCapacity = 1 << 22

  /// Whether a key may be in the dense (group, age) table: a stratum without `--by` values.
  @inline(__always)
  static func denseCandidate(_ key: RawStratumKey) -> Bool {
    key.by < 0 && key.age < 255
  }

  /// Whether the stratum at `position` is held by the dense table (rather than the hash index).
  private func denseHolds(_ key: RawStratumKey, at position: Int) -> Bool {
    guard Self.denseCandidate(key) else { return false }
    let g = Int(key.group)
    let column = Int(key.age) + 1
    return g < denseGroups && column < denseStride
      && Int(dense[g * denseStride + column]) == position + 1
  }

  /// The position of a key through the dense table, adding the stratum there if it is new and
  /// the table has room; `nil` when the key belongs to the hash index (the table is full).
  @inline(__always)
  private mutating func densePosition(of key: RawStratumKey, plain: (Double, Double)?) -> (
    position: Int, isNew: Bool
  )? {
    let g = Int(key.group)
    let column = Int(key.age) + 1
    if g >= denseGroups || column >= denseStride {
      guard !denseFull, growDense(group: g, column: column) else { return nil }
    }
    let cell = g * denseStride + column
    let known = Int(dense[cell])
    if known > 0 { return (known - 1, false) }
    if denseFull { return nil }
    let position = appendStratum(key, plain: plain)
    dense[cell] = Int32(position + 1)
    return (position, true)
  }

  /// Grows the table to hold (`group`, `column`); false (and no new entries from then on) when
  /// that would pass ``denseCapacity``.
  private mutating func growDense(group: Int, column: Int) -> Bool {
    // The row is widened a few columns at a time while narrow: an aggregated file meets its
    // bands in order on its first label, so its rows end as wide as its bands (20 entries for
    // 19 bands, not 32), and each early widening copies only a few rows.
    var stride = max(denseStride, 8)
    while stride <= column { stride = stride < 64 ? stride + 4 : stride * 2 }
    // Rows for new labels: within the room already made (see ``reserveDenseRows(_:)``) a
    // quarter more at a time, since appending there copies nothing; else twice as many, for
    // as few copies of the table as doubling makes. Rows appended are zeroed, so touched.
    let room = stride == denseStride ? dense.capacity / stride : 0
    var groups = denseGroups
    if group >= denseGroups {
      groups = max(16, (group + 1) * 2)
      if group < room { groups = min(room, max(group + 1, denseGroups + denseGroups / 4 + 16)) }
    }
    // Past the capacity, as many rows as fit (never one more at a time: each growth copies).
    if groups * stride > Self.denseCapacity { groups = Self.denseCapacity / stride }
    guard group < groups, groups >= denseGroups else {
      denseFull = true
      return false
    }
    if stride == denseStride {
      // More rows of the same width: the table so far is the start of the grown one, copied
      // in one block (element by element, the growths of a 20,000-label aggregated file cost
      // about 24 million instructions).
      dense.append(contentsOf: repeatElement(0, count: (groups - denseGroups) * stride))
    } else {
      var grown = [Int32](repeating: 0, count: groups * stride)
      for g in 0..<denseGroups {
        for c in 0..<denseStride { grown[g * stride + c] = dense[g * denseStride + c] }
      }
      dense = grown
    }
    denseStride = stride
    denseGroups = groups
    return true
  }

  /// Adds one row with a plain event count and population (no missing or suppressed value) to
  /// the stratum at `position`: the aggregated hot path.
  ///
  /// The values go to the stratum's fields straight from registers. Built as a
  /// ``StratumTotals`` on the stack and added as one, they were stored field by field and read
  /// back in 16-byte pairs, a store-forwarding stall on every row.
  @inline(__always)
  mutating func addPlainRow(events: Double, population: Double, at position: Int) {
    guard position < values.count else {
      var t = StratumTotals()
      t.events = events
      t.eventsSquared = events * events
      t.population = population
      t.rows = 1
      return addInBlock(t, at: position)
    }
    if details.count != values.count { makeDetails() }
    values.withUnsafeMutableBufferPointer { values in
      values[position].events += events
      values[position].population += population
    }
    details.withUnsafeMutableBufferPointer { details in
      details[position].eventsSquared += events * events
      details[position].rows += 1
    }
  }

  /// Makes the details of the strata of `keys`, each of one plain row so far.
  @inline(never)
  private mutating func makeDetails() {
    details = RowDetails.oneRowEach(values)
  }

  /// Adds totals to the stratum at `position`.
  @inline(__always)
  mutating func add(_ t: StratumTotals, at position: Int) {
    if t.hasIncompleteRows { mayHaveIncompleteRows = true }
    guard position < values.count else { return addInBlock(t, at: position) }
    if details.count != values.count { makeDetails() }
    values[position].add(t)
    details[position].add(t)
    if t.hasIncompleteRows { addIncomplete(t.incomplete, at: position) }
  }

  /// Adds tallies of incomplete rows to the stratum at `position`, which is in `keys`, making
  /// the array of tallies first if it is the first.
  @inline(never)
  private mutating func addIncomplete(_ tallies: IncompleteTallies, at position: Int) {
    if incompletes.isEmpty { incompletes = Array(repeating: (0, 0, 0, 0), count: values.count) }
    addTallies(&incompletes[position], tallies)
  }

  /// Doubles the hash index, for the strata before position `indexed` (those after it, a
  /// merged block's, are still being indexed: ``index(_:at:)``).
  private mutating func grow(indexed: Int) {
    rebuildSlots(slots.count * 2, indexed: indexed)
  }

  /// A new hash index of `capacity` (a power of two) slots for the strata it holds among the
  /// first `indexed`.
  private mutating func rebuildSlots(_ capacity: Int, indexed: Int) {
    slots = [Int32](repeating: 0, count: capacity)
    let mask = capacity - 1
    for i in 0..<indexed {
      let key = self.key(at: i)
      if denseHolds(key, at: i) { continue }
      var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(i + 1)
    }
  }

  @inline(__always)
  private static func hash(_ key: RawStratumKey) -> UInt64 {
    var h = UInt64(UInt32(bitPattern: key.group)) &* 0x9E37_79B9_7F4A_7C15
    h ^= UInt64(UInt32(bitPattern: key.age)) &* 0xC2B2_AE3D_27D4_EB4F
    h ^= UInt64(UInt32(bitPattern: key.by)) &* 0x1656_67B1_9E37_79F9
    return h ^ (h >> 29)
  }

  /// Merges counts tabulated separately (e.g. by another worker or from another file),
  /// re-mapping their ids through the strings.
  public mutating func merge(_ other: StrataCounts) {
    var other = other
    absorb(&other)
  }

  /// The fewest new strata a merge keeps as a block of their own (see ``absorb(_:)``); fewer
  /// are copied onto the last block.
  static let leastBlock = 4096

  /// Merges `other` like ``merge(_:)``, taking its arrays: `other` is left empty.
  ///
  /// Aggregated inputs have a stratum per row, hundreds of thousands of them, and the strata of
  /// each worker's part of the file are mostly new: they are kept in `other`'s own arrays as a
  /// block of their own (re-mapped and compacted in place, memory already touched) rather than
  /// copied. Strata already seen are added to where they are; the strata keep their order of
  /// first sight, and each total gets the same additions in the same order as in one pass.
  public mutating func absorb(_ other: inout StrataCounts) {
    if groups.count == 0 && ages.count == 0 && byCombinations.count == 0 && strataCount == 0
      && groupFirstSeen.isEmpty
    {
      // Nothing to re-map: the merged counts are `other`'s (the usual first merge of one file).
      swap(&self, &other)
      return
    }
    if other.mayHaveIncompleteRows { mayHaveIncompleteRows = true }
    // Labels from this number on are new here: a stratum of one cannot be here already.
    let groupsBefore = Int32(groups.count)
    let g = groups.ids(for: other.groups)
    // The other counts' new labels get rows after these: room for them at once.
    reserveDenseRows(groups.count)
    let a = ages.ids(for: other.ages)
    let b = byCombinations.ids(for: other.byCombinations)
    // Taken out of `other` so that each array is held once, and changed in place.
    var incoming = [StrataBlock.empty]
    // The labels already here looked up by a scan of the strata not indexed yet (see
    // ``merged(_:scanned:)``): valid until this merge appends its new strata.
    var scanned: [Int32: [Int]] = [:]
    swap(&incoming[0].keys, &other.keys)
    swap(&incoming[0].values, &other.values)
    swap(&incoming[0].details, &other.details)
    swap(&incoming[0].incompletes, &other.incompletes)
    for n in other.blocks.indices {
      incoming.append(.empty)
      swap(&incoming[n + 1], &other.blocks[n])
    }
    other.blocks = []
    for n in incoming.indices {
      var block = StrataBlock.empty
      swap(&block, &incoming[n])
      // In the other counts' order of first sight: strata already here are added to, new
      // ones compacted to the front of the block, in the same order.
      // (Through pointers: a uniqueness check per write to the block's arrays cost a fifth of
      // the loop.)
      var kept = 0
      let hasTallies = !block.incompletes.isEmpty
      let hasDetails = !block.details.isEmpty
      block.keys.withUnsafeMutableBufferPointer { keys in
        block.values.withUnsafeMutableBufferPointer { values in
          block.details.withUnsafeMutableBufferPointer { details in
            block.incompletes.withUnsafeMutableBufferPointer { tallies in
              for i in 0..<keys.count {
                let key = keys[i]
                let mapped = RawStratumKey(
                  group: g[Int(key.group)],
                  age: key.age < 0 ? -1 : a[Int(key.age)],
                  by: key.by < 0 ? -1 : b[Int(key.by)])
                let row = hasDetails ? details[i] : .oneRow(values[i])
                // (Looked up only for a label seen here before: the other counts' strata are
                // distinct, so one of a new label is new. An aggregated file's later chunks
                // have mostly new labels, whose strata then need no index until a lookup.)
                if mapped.group < groupsBefore, let position = merged(mapped, scanned: &scanned) {
                  add(
                    StratumTotals(values[i], row, hasTallies ? tallies[i] : (0, 0, 0, 0)),
                    at: position)
                } else {
                  // Added to zero totals, as a stratum new here would be in one pass.
                  let t = StratumTotals(values[i], row, (0, 0, 0, 0))
                  var stored = StoredTotals()
                  stored.add(t)
                  keys[kept] = mapped
                  values[kept] = stored
                  if hasDetails {
                    var d = RowDetails(rows: 0, eventsSquared: 0)
                    d.add(t)
                    details[kept] = d
                  }
                  if hasTallies { tallies[kept] = tallies[i] }
                  kept += 1
                }
              }
            }
          }
        }
      }
      guard kept > 0 else { continue }
      block.keys.removeLast(block.keys.count - kept)
      block.values.removeLast(block.values.count - kept)
      if hasDetails { block.details.removeLast(block.details.count - kept) }
      if hasTallies { block.incompletes.removeLast(block.incompletes.count - kept) }
      let start = strataCount
      if kept < Self.leastBlock {
        if blocks.isEmpty {
          Self.appendTallies(of: block, to: &incompletes, holding: values.count)
          Self.appendDetails(of: block, to: &details, of: values)
          keys.append(contentsOf: block.keys)
          values.append(contentsOf: block.values)
        } else {
          let last = blocks.count - 1
          Self.appendTallies(
            of: block, to: &blocks[last].incompletes, holding: blocks[last].values.count)
          Self.appendDetails(of: block, to: &blocks[last].details, of: blocks[last].values)
          blocks[last].keys.append(contentsOf: block.keys)
          blocks[last].values.append(contentsOf: block.values)
        }
      } else {
        block.start = start
        blocks.append(block)
      }
      if !hasUnindexed {
        hasUnindexed = true
        unindexedStart = start
      }
      // The strata not indexed yet have changed.
      scanned.removeAll()
    }
    // New labels got the next ids in order, so their first places append in step; merging in
    // input order keeps the earliest place each label was seen.
    groupFirstSeen.append(other.groupFirstSeen, where: { Int(g[$0]) == $1 })
  }

  /// Appends the tallies of incomplete rows of `block`'s strata to `tallies`, the tallies of
  /// strata `count` in number: nothing while neither has any, else both made in full.
  private static func appendTallies(
    of block: StrataBlock, to tallies: inout [IncompleteTallies], holding count: Int
  ) {
    if block.incompletes.isEmpty && tallies.isEmpty { return }
    if tallies.isEmpty { tallies = Array(repeating: (0, 0, 0, 0), count: count) }
    if block.incompletes.isEmpty {
      tallies.append(contentsOf: repeatElement((0, 0, 0, 0), count: block.values.count))
    } else {
      tallies.append(contentsOf: block.incompletes)
    }
  }

  /// Appends the details of `block`'s strata to `details`, the details of the strata `values`:
  /// nothing while neither has any (each stratum of one plain row), else both made in full.
  private static func appendDetails(
    of block: StrataBlock, to details: inout [RowDetails], of values: [StoredTotals]
  ) {
    if block.details.isEmpty && details.isEmpty { return }
    if details.count != values.count { details = RowDetails.oneRowEach(values) }
    if block.details.isEmpty {
      details.append(contentsOf: RowDetails.oneRowEach(block.values))
    } else {
      details.append(contentsOf: block.details)
    }
  }

  /// The separator between `--by` values in an interned combination.
  public static let bySeparator: UInt8 = 0x1F
}

/// Strata kept after a merge in the arrays they were tabulated in (see
/// ``StrataCounts/absorb(_:)``).
struct StrataBlock: Sendable {
  /// The position of the block's first stratum among all the strata.
  var start: Int
  var keys: [RawStratumKey]
  var values: [StoredTotals]
  /// The rows and sums of squares, by stratum: empty while each has one plain row (see
  /// ``StoredTotals``).
  var details: [RowDetails]
  /// The tallies of incomplete rows, by stratum: empty while none has any (see
  /// ``StoredTotals``).
  var incompletes: [IncompleteTallies]

  /// A block of no strata.
  static let empty = StrataBlock(start: 0, keys: [], values: [], details: [], incompletes: [])
}

/// Where each raw group label was first seen, by the label's id: a ``SourceLocation`` each,
/// kept as its line and the index of its file and column among the few there are.
///
/// Aggregated inputs have tens of thousands of labels; as an array of `SourceLocation`s (64
/// bytes and two strings each, built per label and copied at each merge of a parallel read)
/// they were about 2.6 MB of memory touched on 20,000 labels, and millions of instructions.
public struct FirstSightLocations: RandomAccessCollection, Equatable, Sendable,
  ExpressibleByArrayLiteral
{
  /// The file and column of each place, with the column's name.
  private var places: [SourceLocation] = []
  /// Per label: its line (−1 for none) and the index of its place.
  private var entries: [(line: Int, place: Int)] = []

  /// No locations.
  public init() {}

  /// The locations given.
  public init(arrayLiteral locations: SourceLocation...) {
    for location in locations { append(location) }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { entries.count }

  /// The location of the label with id `i`.
  public subscript(i: Int) -> SourceLocation {
    var location = places[entries[i].place]
    location.line = entries[i].line < 0 ? nil : entries[i].line
    return location
  }

  /// The index of the place of `file` and `column` (`location`'s, but for its line), added if
  /// it is new.
  public mutating func place(of location: SourceLocation) -> Int {
    var place = location
    place.line = nil
    if let last = places.last, last == place { return places.count - 1 }
    if let known = places.firstIndex(of: place) { return known }
    places.append(place)
    return places.count - 1
  }

  /// Appends the location of the next label: `line` at the place ``place(of:)`` gave.
  public mutating func append(line: Int?, place: Int) {
    precondition(place >= 0 && place < places.count, "FirstSightLocations: no such place")
    entries.append((line ?? -1, place))
  }

  /// Appends the location of the next label.
  public mutating func append(_ location: SourceLocation) {
    append(line: location.line, place: place(of: location))
  }

  /// Adds `lines` to the line of every location that has one (the locations of a part of a
  /// file whose lines were counted from its own start: see
  /// ``CSVReader/parallelReduce(workers:initialForChunk:body:merge:moveLines:)``).
  public mutating func moveLines(by lines: Int) {
    for i in entries.indices where entries[i].line >= 0 { entries[i].line += lines }
  }

  /// Appends the locations of `other`'s labels `i` for which `keep(i, count)` is true, `count`
  /// being the number of locations here (a merge's new labels, in order).
  mutating func append(_ other: FirstSightLocations, where keep: (Int, Int) -> Bool) {
    var mapped: [Int?] = Array(repeating: nil, count: other.places.count)
    for (i, entry) in other.entries.enumerated() where keep(i, entries.count) {
      if mapped[entry.place] == nil { mapped[entry.place] = place(of: other.places[entry.place]) }
      entries.append((entry.line, mapped[entry.place]!))
    }
  }

  public static func == (a: FirstSightLocations, b: FirstSightLocations) -> Bool {
    a.count == b.count && a.indices.allSatisfy { a[$0] == b[$0] }
  }
}
