import DisparityIngest

/// Events and population accumulated for one stratum.
public struct StratumTotals: Sendable, Equatable {
  /// The number of events (a sum of counts, or of rows for record-level data).
  public var events: Double = 0
  /// The population, person-years or trials.
  public var population: Double = 0
  /// The number of input rows that contributed.
  public var rows: Int = 0
  /// Rows whose event count was marked missing (empty, NA, ...): counted here, not as zero.
  public var eventsMissing: Int = 0
  /// Rows whose event count was suppressed at source (e.g. "<5"): counted here, never read as a number.
  public var eventsSuppressed: Int = 0
  /// Rows whose population was marked missing.
  public var populationMissing: Int = 0
  /// Rows whose population was suppressed at source.
  public var populationSuppressed: Int = 0

  /// Creates empty totals.
  public init() {}

  /// Adds another stratum's totals.
  public mutating func add(_ other: StratumTotals) {
    events += other.events
    population += other.population
    rows += other.rows
    eventsMissing += other.eventsMissing
    eventsSuppressed += other.eventsSuppressed
    populationMissing += other.populationMissing
    populationSuppressed += other.populationSuppressed
  }
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
  /// Totals per raw stratum.
  public var totals: [RawStratumKey: StratumTotals] = [:]
  /// Where each raw group label was first seen, indexed by its id, for error messages.
  public var groupFirstSeen: [SourceLocation] = []

  /// Creates empty counts.
  public init() {}

  /// Adds totals to a stratum.
  @inline(__always)
  public mutating func add(_ key: RawStratumKey, _ t: StratumTotals) {
    totals[key, default: StratumTotals()].add(t)
  }

  /// Merges counts tabulated separately (e.g. by another worker or from another file),
  /// re-mapping their ids through the strings.
  public mutating func merge(_ other: StrataCounts) {
    let g = other.groups.strings.map { groups.id(for: $0) }
    let a = other.ages.strings.map { ages.id(for: $0) }
    let b = other.byCombinations.strings.map { byCombinations.id(for: $0) }
    for (key, t) in other.totals {
      let k = RawStratumKey(
        group: g[Int(key.group)],
        age: key.age < 0 ? -1 : a[Int(key.age)],
        by: key.by < 0 ? -1 : b[Int(key.by)])
      add(k, t)
    }
    // New labels got the next ids in order, so their first places append in step; merging in
    // input order keeps the earliest place each label was seen.
    for (i, location) in other.groupFirstSeen.enumerated()
    where Int(g[i]) == groupFirstSeen.count {
      groupFirstSeen.append(location)
    }
  }

  /// The separator between `--by` values in an interned combination.
  public static let bySeparator: UInt8 = 0x1F
}
