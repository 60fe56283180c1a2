import Foundation

/// The data-quality summary of a normalised ethnicity column: rows per group, not stated and not
/// known, collective terms, unmapped values and the lossy steps applied.
///
/// Add each row (or each distinct value with its row count) with ``add(raw:classification:weight:)``;
/// summaries built in parallel combine with ``merge(_:)``.
public struct EthnicityDataQuality: Sendable {
  /// Rows and summed weight (e.g. a count column) of one category.
  public struct Tally: Sendable, Hashable {
    /// Rows with it.
    public var rows: Int = 0
    /// The sum of the rows' weights.
    public var weight: Double = 0
  }

  /// A value that was not placed in a group, with its count and how it was read.
  public struct FlaggedValue: Sendable, Hashable {
    /// The value as found (trimmed).
    public var value: String
    /// Rows and weight.
    public var tally: Tally
    /// Why it was not placed (the classification's rule).
    public var rule: String
  }

  /// The target scheme.
  public let scheme: EthnicityScheme
  /// Rows added.
  public private(set) var rowsRead = 0
  /// Sum of the weights added.
  public private(set) var totalWeight: Double = 0
  /// Group code → its position in ``groupEntries``.
  var groupSlots: [String: Int] = [:]
  /// The groups in order of first appearance, with their labels and tallies.
  var groupEntries: [(code: String, label: String, tally: Tally)] = []
  /// The tally of each status that has been added, by ``statusSlot(_:)``.
  var statusTallies: [Tally?] = Array(repeating: nil, count: 6)
  var flagged: [EthnicityStatus: [String: FlaggedValue]] = [:]
  var losses: [String: Tally] = [:]

  /// Creates an empty summary for a target scheme.
  public init(scheme: EthnicityScheme) {
    self.scheme = scheme
  }

  /// Makes room for `count` groups in all, so that adding thousands of distinct values (areas
  /// or practices under `raw`) does not re-hash the tallies as they grow.
  public mutating func reserveCapacity(groups count: Int) {
    groupSlots.reserveCapacity(count)
    groupEntries.reserveCapacity(count)
  }

  /// The position of a status in ``statusTallies``.
  static func statusSlot(_ status: EthnicityStatus) -> Int {
    switch status {
    case .group: 0
    case .notStated: 1
    case .notKnown: 2
    case .collective: 3
    case .total: 4
    case .unmapped: 5
    }
  }

  /// Adds `tally` to the status at `slot` of ``statusTallies``.
  mutating func addStatus(_ slot: Int, _ tally: Tally) {
    var total = statusTallies[slot] ?? Tally()
    total.add(tally)
    statusTallies[slot] = total
  }

  /// The position of group `code` in ``groupEntries``, added with `label` if it is new.
  ///
  /// One hash of the code per call: with a dictionary of tallies and another of labels, adding
  /// each of tens of thousands of raw labels cost about 1,400 instructions.
  mutating func groupSlot(_ code: String, label: @autoclosure () -> String) -> Int {
    let next = groupEntries.count
    func read(_ slot: inout Int) -> Int { slot }
    let slot = read(&groupSlots[code, default: next])
    if slot == next { groupEntries.append((code, label(), Tally())) }
    return slot
  }

  /// Counts `rows` rows (`weight` people or events) of one raw value with its classification.
  public mutating func add(
    raw: String, classification: EthnicityClassification, rows: Int = 1, weight: Double = 1
  ) {
    rowsRead += rows
    totalWeight += weight
    addStatus(Self.statusSlot(classification.status), Tally(rows: rows, weight: weight))
    switch classification.status {
    case .group, .notStated, .notKnown:
      let slot = groupSlot(classification.code, label: classification.label)
      groupEntries[slot].tally.add(rows: rows, weight: weight)
    case .collective, .unmapped, .total:
      let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      flagged[classification.status, default: [:]][
        value, default: FlaggedValue(value: value, tally: Tally(), rule: classification.rule)
      ].tally.add(rows: rows, weight: weight)
    }
    if let note = classification.lossNote {
      losses[note, default: Tally()].add(rows: rows, weight: weight)
    }
  }

  /// Adds another summary of the same scheme (e.g. from another file or thread).
  public mutating func merge(_ other: EthnicityDataQuality) {
    rowsRead += other.rowsRead
    totalWeight += other.totalWeight
    for entry in other.groupEntries {
      let slot = groupSlot(entry.code, label: entry.label)
      groupEntries[slot].tally.add(entry.tally)
    }
    for (slot, tally) in other.statusTallies.enumerated() {
      if let tally { addStatus(slot, tally) }
    }
    for (status, values) in other.flagged {
      for (value, flaggedValue) in values {
        flagged[status, default: [:]][
          value, default: FlaggedValue(value: value, tally: Tally(), rule: flaggedValue.rule)
        ]
        .tally.add(flaggedValue.tally)
      }
    }
    for (note, tally) in other.losses { losses[note, default: Tally()].add(tally) }
  }

  /// Rows and weight per group, in the scheme's order (not stated and not known last);
  /// for `raw`, in order of first appearance.
  public var groupCounts: [(code: String, label: String, tally: Tally)] {
    groupCounts(first: .max)
  }

  /// The first `limit` entries of ``groupCounts``, and how many there are in all (without
  /// looking up the rest: `raw` may have tens of thousands of groups).
  func groupCounts(first limit: Int) -> [(code: String, label: String, tally: Tally)] {
    if scheme.isRaw { return Array(groupEntries.prefix(limit)) }
    return scheme.groups.lazy.compactMap { groupSlots[$0.code] }.prefix(limit).map {
      groupEntries[$0]
    }
  }

  /// The number of groups in ``groupCounts``.
  var groupCount: Int {
    scheme.isRaw ? groupEntries.count : scheme.groups.filter { groupSlots[$0.code] != nil }.count
  }

  /// Rows and weight with a given status.
  public func tally(_ status: EthnicityStatus) -> Tally {
    statusTallies[Self.statusSlot(status)] ?? Tally()
  }

  /// Percentage of the total weight that is not stated.
  public var percentNotStated: Double { percent(.notStated) }
  /// Percentage of the total weight that is not known.
  public var percentNotKnown: Double { percent(.notKnown) }

  func percent(_ status: EthnicityStatus) -> Double {
    totalWeight > 0 ? 100 * tally(status).weight / totalWeight : 0
  }

  /// Values with a status (collective, unmapped, total), most rows first.
  public func values(_ status: EthnicityStatus) -> [FlaggedValue] {
    (flagged[status] ?? [:]).values.sorted {
      ($0.tally.rows, $1.value) > ($1.tally.rows, $0.value)
    }
  }

  /// The lossy steps applied, with how many rows each touched, most first.
  public var lossySteps: [(note: String, tally: Tally)] {
    losses.map { ($0.key, $0.value) }.sorted { ($0.tally.rows, $1.note) > ($1.tally.rows, $0.note) }
  }

  /// Strict mode: throws when any value was unmapped or a collective term.
  ///
  /// - Throws: ``EthnicityError/unmappedValues(scheme:unmapped:collective:)`` (kind `.data`)
  ///   listing each value with its row count.
  public func checkStrict() throws {
    let unmapped = values(.unmapped).map {
      EthnicityError.ValueCount(value: $0.value, rows: $0.tally.rows)
    }
    let collective = values(.collective).map {
      EthnicityError.ValueCount(value: $0.value, rows: $0.tally.rows)
    }
    if !unmapped.isEmpty || !collective.isEmpty {
      throw EthnicityError.unmappedValues(
        scheme: scheme.id, unmapped: unmapped, collective: collective)
    }
  }

  /// The summary in plain English, for standard error.
  public var text: String { text(weightUnit: "people") }

  /// The summary in plain English, naming what the weights count (e.g. "events", "people").
  public func text(weightUnit unit: String) -> String {
    let weighted = totalWeight != Double(rowsRead)
    func amount(_ tally: Tally) -> String {
      weighted ? "\(tally.rows) rows, \(format(tally.weight)) \(unit)" : "\(tally.rows) rows"
    }
    var lines = [
      "Ethnicity (\(scheme.id), \(scheme.name)): \(rowsRead) rows read"
        + (weighted ? ", \(format(totalWeight)) \(unit)" : "") + "."
    ]
    // Every group of a classification, but not thousands of raw labels (areas, practices).
    let listed = 40
    for (code, label, tally) in groupCounts(first: listed) {
      lines.append("  \(code.isEmpty ? "-" : code) \(label): \(amount(tally))")
    }
    if groupCount > listed {
      lines.append("  ... and \(groupCount - listed) more groups.")
    }
    lines.append(
      String(
        format: "Not stated: %.1f%%; not known: %.1f%% (%@ of the total).", percentNotStated,
        percentNotKnown, weighted ? "by weight" : "by rows"))
    let sections: [(EthnicityStatus, String)] = [
      (.collective, "Collective terms (not mapped to any group, reported as Unmapped)"),
      (.unmapped, "Unmapped values"),
      (.total, "Totals (not groups)"),
    ]
    for (status, title) in sections {
      let list = values(status)
      guard !list.isEmpty else { continue }
      lines.append("\(title): \(list.count) distinct, \(amount(tally(status))).")
      for item in list.prefix(20) {
        lines.append("  \"\(item.value)\": \(amount(item.tally)) (\(item.rule))")
      }
      if list.count > 20 { lines.append("  ... and \(list.count - 20) more") }
    }
    if !lossySteps.isEmpty {
      lines.append("Lossy steps applied:")
      for (note, tally) in lossySteps { lines.append("  \(note) [\(amount(tally))]") }
    }
    return lines.joined(separator: "\n")
  }

  func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15
      ? String(Int(value)) : String(format: "%.2f", value)
  }
}

extension EthnicityDataQuality.Tally {
  mutating func add(rows: Int, weight: Double) {
    self.rows += rows
    self.weight += weight
  }
  mutating func add(_ other: Self) { add(rows: other.rows, weight: other.weight) }
}
