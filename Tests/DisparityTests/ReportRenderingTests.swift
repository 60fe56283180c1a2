import Foundation
import Testing

@testable import Disparity
@testable import DisparityTabulate

@Suite("Report rendering and output")
struct ReportRenderingTests {
  private func table() -> ResultTable {
    var t = ResultTable(
      name: "results",
      columns: [.init("group", .text), .init("events", .count), .init("rate", .number)])
    t.append([.text("White, British"), .number(12538), .number(0.1)])
    t.append([.text("=HYPERLINK(\"x\")"), .number(-3), .number(1.0 / 3.0)])
    t.append([.text("-2"), .empty, .value(.nan)])
    return t
  }

  /// A tidy table cell holds a number or short text inline; an estimate (presentation tables
  /// only) is boxed, so that 20,000 rows × 27 cells do not take 40 bytes a cell.
  @Test func tidyTableCellsStaySmallAndEstimatesCompareByValue() {
    #expect(MemoryLayout<ResultTable.Cell>.stride <= 24)
    let a = ResultTable.Cell.estimate(
      .init(value: 1.5, lower: 1, upper: 2, marker: .lowReliability))
    let b = ResultTable.Cell.estimate(
      .init(value: 1.5, lower: 1, upper: 2, marker: .lowReliability))
    #expect(a == b)
    #expect(a != .estimate(.init(value: 1.5, lower: 1, upper: nil)))
  }

  /// A result keeps its rarely used values (odds ratio, observed, expected, SMR, ISR) out of
  /// line, and stays a value: a copy changed leaves the original as it was, and results with
  /// the same values are equal however they got them.
  @Test func groupResultsStaySmallAndKeepValueSemantics() {
    // 340 bytes with the five inline (224 without them, on 64-bit platforms).
    #expect(MemoryLayout<GroupResult>.size <= 224)
    var a = GroupResult(by: [], code: "A", label: "A", events: 5, population: 100)
    let plain = a
    a.smr = EstimateWithLimits(value: 1.2, limits: [ClosedLimits(lower: 1, upper: 1.4)])
    a.expected = 4.2
    let original = a
    var b = a
    b.smr = nil
    b.observed = 5
    #expect(a.smr?.value == 1.2 && a.expected == 4.2 && a.observed == nil)
    #expect(a == original)
    #expect(b.smr == nil && b.expected == 4.2 && b.observed == 5)
    #expect(b != a)
    // Set and cleared again: equal to a result that never had them.
    b.observed = nil
    b.expected = nil
    #expect(b == plain)
    #expect(a != plain)
    var c = plain
    c.oddsRatio = EstimateWithLimits(value: 2, limits: [])
    c.isr = EstimateWithLimits(value: 3, limits: [])
    #expect(c.oddsRatio?.value == 2 && c.isr?.value == 3 && plain.oddsRatio == nil)
  }

  /// Full precision: the shortest decimal that reads back to the same Double (Swift's own
  /// round-trip printing), integral values without ".0"; RFC 4180 quoting of commas and quotes.
  @Test func csvKeepsFullPrecisionAndQuotesFieldsThatNeedIt() {
    let csv = CSVRenderer().render(table())
    let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0] == "group,events,rate")
    #expect(lines[1] == "\"White, British\",12538,0.1")
    #expect(Double(String(lines[2].split(separator: ",").last!)) == 1.0 / 3.0)
    #expect(lines[2].hasPrefix("\"'=HYPERLINK(\"\"x\"\")\",-3,"))
  }

  /// Text that a spreadsheet would run as a formula is made inert; negative numbers stay numbers.
  @Test func csvNeutralisesFormulaInjectionButKeepsNegativeNumbers() {
    #expect(CSVRenderer.neutraliseFormula("=1+1") == "'=1+1")
    #expect(CSVRenderer.neutraliseFormula("+44 20") == "'+44 20")
    #expect(CSVRenderer.neutraliseFormula("@SUM(A1)") == "'@SUM(A1)")
    #expect(CSVRenderer.neutraliseFormula("-2") == "'-2")
    #expect(CSVRenderer.neutraliseFormula("White") == "White")
    let csv = CSVRenderer().render(table())
    #expect(csv.contains(",-3,"))
    #expect(csv.contains("\n'-2,,\n"))
  }

  /// Empty and non-finite values are empty cells, never "nan" or "inf".
  @Test func nonFiniteValuesBecomeEmptyCells() {
    #expect(ResultTable.Cell.value(.infinity) == .empty)
    #expect(ResultTable.Cell.value(nil) == .empty)
    #expect(ResultTable.Cell.value(2.5) == .number(2.5))
  }

  /// Readable numbers: thousands separators for counts; rates to a sensible precision.
  @Test func readableNumbersAreRoundedForPeople() {
    #expect(ReadableNumber.format(12538, kind: .count) == "12,538")
    #expect(ReadableNumber.format(1_234_567, kind: .count) == "1,234,567")
    #expect(ReadableNumber.format(139.2478, kind: .number) == "139.2")
    #expect(ReadableNumber.format(3.2449, kind: .number) == "3.24")
    #expect(ReadableNumber.format(0.0253178, kind: .number) == "0.0253")
    #expect(ReadableNumber.format(-0.5, kind: .number) == "-0.500")
    #expect(
      ReadableNumber.fixed(2.675, decimals: 2) == "2.68"
        || ReadableNumber.fixed(2.675, decimals: 2) == "2.67")
  }

  /// Markdown escapes characters that would break the table or inject markup.
  @Test func markdownEscapesLabels() {
    var t = ResultTable(name: "r", columns: [.init("group", .text)])
    t.append([.text("<script>|x")])
    let md = MarkdownRenderer().render(Report(title: "T", tables: [t]))
    #expect(md.contains("\\<script\\>\\|x"))
    #expect(!md.contains("<script>"))
  }

  /// All or nothing: when the second file cannot be written, the first does not appear either,
  /// and no temporary file is left behind.
  @Test func atomicOutputWritesAllFilesOrNone() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let blocker = dir.appendingPathComponent("blocker")
    try Data("x".utf8).write(to: blocker)
    let good = dir.appendingPathComponent("report.csv").path
    let bad = blocker.appendingPathComponent("report.md").path  // a folder that is a file
    #expect(throws: OutputError.self) {
      try AtomicOutput().write([.init(path: good, text: "a\n"), .init(path: bad, text: "b\n")])
    }
    #expect(!FileManager.default.fileExists(atPath: good))
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(left == ["blocker"])

    try AtomicOutput().write([.init(path: good, text: "a\n")])
    #expect(try String(contentsOfFile: good, encoding: .utf8) == "a\n")
  }

  /// A file given in pieces is written as their concatenation, empty pieces included, and
  /// replaces the earlier version; a CSV table's pieces join to its bytes.
  @Test func atomicOutputWritesPiecesInOrder() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("report.csv").path
    try AtomicOutput().write([.init(path: path, text: "old\n")])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    let pieces: [[UInt8]] = [Array("a,b\n".utf8), [], Array("1,2\n".utf8), Array("3,4\n".utf8)]
    try AtomicOutput().write([.init(path: path, pieces: pieces)])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,2\n3,4\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.csv"])
    // Writes of one process to the same file at once each leave a complete file, never one
    // renamed into place while another write fills it.
    let big = [UInt8](repeating: 0x41, count: 1 << 20) + [0x0A]
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      for _ in 0..<4 { try? AtomicOutput().write([.init(path: path, pieces: [big])]) }
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(big))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.csv"])
    // 2,500 rows: the header and three blocks of rows.
    var table = ResultTable(name: "t", columns: [.init("x", .count)])
    for i in 0..<2_500 { table.append([.number(Double(i))]) }
    let rendered = CSVRenderer().renderPieces(table)
    #expect(rendered.count == 4)
    #expect(Array(rendered.joined()) == CSVRenderer().renderBytes(table))
    #expect(
      Array(rendered.joined()) == Array(("x\n" + (0..<2_500).map { "\($0)\n" }.joined()).utf8))
  }

  /// Several formats to standard output is a usage error, as is an unknown format.
  @Test func reportWriterRejectsUnusableRequests() throws {
    #expect(throws: ReportError.severalFormatsToStandardOutput) {
      try ReportWriter(formats: [.csv, .md], destination: "-").write(Report(title: "", tables: []))
    }
    #expect(throws: ReportError.self) { try OutputFormat.parseList("csv,pdf") }
    #expect((try? OutputFormat.parseList("csv, md,csv")) == [.csv, .md])
  }
}

@Suite("Tabulation building blocks")
struct TabulationBlocksTests {
  /// Counts of (group, age) strata without `--by`, a row at a time, as one worker tabulates them.
  static func plainCounts(
    _ part: ArraySlice<(group: String, age: String, events: Double)>
  ) -> StrataCounts {
    var counts = StrataCounts()
    for row in part {
      var t = StratumTotals()
      t.events = row.events
      t.rows = 1
      counts.add(
        RawStratumKey(
          group: counts.groups.id(for: row.group), age: counts.ages.id(for: row.age), by: -1),
        t)
    }
    return counts
  }

  /// Ids are dense and stable; the same bytes always give the same id, across growth.
  @Test func internerGivesEachDistinctStringOneId() {
    var interner = ByteStringInterner()
    var ids: [Int32] = []
    for i in 0..<1000 { ids.append(interner.id(for: "label \(i % 300)")) }
    #expect(interner.count == 300)
    #expect(ids[0] == 0 && ids[299] == 299 && ids[300] == 0 && ids[999] == 99)
    #expect(interner.string(42) == "label 42")
    #expect(interner.id(for: "") == 300)
    #expect(interner.string(300) == "")
  }

  /// The interner tries the last id and the one after it before hashing; whatever the order
  /// of the strings (an aggregated file's repeated labels and cycling age bands, shuffled
  /// labels, near misses such as "0-4" and "0-40", the empty string), every string gets the
  /// id that a plain dictionary handing out ids in order of first sight gives it. The
  /// shuffled part is long enough (twice ``ByteStringInterner/guessRest`` calls) for the
  /// guesses to spend their credit, rest and be tried again, and the aggregated pattern after
  /// it to earn credit back, so the ids are compared while the guessing is in each of those
  /// states (the credit itself is private and not observed).
  @Test func internerIdsMatchFirstSightOrderWhateverTheOrderOfRepeats() {
    let bands = ["0-4", "5-9", "10-14", "0-40", "90+", "", "0-4 "]
    var sequence: [String] = []
    for g in 0..<300 {
      for band in bands {
        sequence.append("G\(g)")
        sequence.append(band)
      }
    }
    for g in stride(from: 299, through: 0, by: -1) { sequence += ["G\(g)", "G\(g)"] }
    // Shuffled labels from a fixed linear congruential sequence.
    var state: UInt64 = 20_261_207
    for _ in 0..<Int(2 * ByteStringInterner.guessRest) + 1000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      sequence.append("L\((state >> 33) % 700)")
    }
    for g in 0..<50 {
      for band in bands {
        sequence.append("G\(g)")
        sequence.append(band)
      }
    }
    var interner = ByteStringInterner()
    var reference: [String: Int32] = [:]
    for s in sequence {
      let expected = reference[s] ?? Int32(reference.count)
      reference[s] = expected
      #expect(interner.id(for: s) == expected, "\(s)")
    }
    #expect(interner.count == reference.count)
    #expect(reference.allSatisfy { interner.string($0.value) == $0.key })
  }

  /// The dense (group × age) table grows by rows of the same width as more group labels come,
  /// and by width when a later age label needs it; every stratum keeps its position (the order
  /// of first sight) and is found again after each growth.
  @Test func denseTableGrowthKeepsEveryStratumInPlace() {
    var counts = StrataCounts()
    var t = StratumTotals()
    t.events = 1
    t.rows = 1
    var order: [RawStratumKey] = []
    for round in 0..<2 {
      for g in 0..<20_000 {
        // Group 12,345 brings an age column past the table's first width.
        let ages = g == 12_345 ? Array(0..<19) + [40] : Array(0..<19)
        for age in ages {
          let key = RawStratumKey(group: Int32(g), age: Int32(age), by: -1)
          counts.add(key, t)
          if round == 0 { order.append(key) }
        }
      }
    }
    #expect(counts.stratumKeys == order)
    #expect(counts.stratumTotals.allSatisfy { $0.rows == 2 && $0.events == 2 })
  }

  /// A stratum's totals stay 48 bytes (aggregated inputs have one per row), and the tallies of
  /// incomplete rows, kept in 32 bits, read, add and compare as the numbers they were given.
  @Test func stratumTotalsStaySmallAndAddTheirTallies() {
    #expect(MemoryLayout<StratumTotals>.stride == 48)
    var a = StratumTotals()
    a.eventsMissing = 3
    a.eventsSuppressed = 1
    a.populationMissing = 2
    a.populationSuppressed = 2_000_000_000
    var b = a
    b.add(a)
    #expect(b.eventsMissing == 6 && b.eventsSuppressed == 2 && b.populationMissing == 4)
    #expect(b.populationSuppressed == 4_000_000_000)
    #expect(b != a)
    b = a
    #expect(b == a)
    b.populationMissing = 0
    #expect(b != a)
  }

  /// Counts tabulated separately merge by label, whatever ids each side gave.
  @Test func strataCountsMergeByLabelNotById() {
    var a = StrataCounts()
    var b = StrataCounts()
    let ga = a.groups.id(for: "Indian")
    _ = b.groups.id(for: "Pakistani")
    let gb = b.groups.id(for: "Indian")
    var t = StratumTotals()
    t.events = 2
    t.rows = 2
    a.add(RawStratumKey(group: ga, age: -1, by: -1), t)
    t.events = 3
    b.add(RawStratumKey(group: gb, age: -1, by: -1), t)
    a.merge(b)
    #expect(a.groups.count == 2)
    #expect(a.totals[RawStratumKey(group: ga, age: -1, by: -1)]?.events == 5)
    #expect(a.totals[RawStratumKey(group: ga, age: -1, by: -1)]?.rows == 4)
  }

  /// Merging chunk after chunk (an aggregated file read on several cores) gives the strata of
  /// one sequential pass, in its order: strata of new labels are appended, those of labels
  /// already seen are added to, whatever the ids and the number of merges.
  @Test func strataCountsMergedInChunksEqualOnePass() {
    // 300 groups x 4 ages; group g's strata come in rows 4g ..< 4g + 4, with group 17 seen again
    // at the end, and the file cut into five chunks (one cutting through a group).
    var rows: [(group: String, age: String, events: Double)] = []
    for g in 0..<300 {
      for a in 0..<4 { rows.append(("G\(g)", "\(a * 10)", Double(g * 4 + a))) }
    }
    rows.append(("G17", "10", 1000))
    rows.append(("G17", "99", 5))
    let tabulate = Self.plainCounts
    let sequential = tabulate(rows[...])
    var merged = StrataCounts()
    for cut in stride(from: 0, to: rows.count, by: 241) {
      merged.merge(tabulate(rows[cut..<min(rows.count, cut + 241)]))
    }
    func described(_ c: StrataCounts) -> [String] {
      zip(c.stratumKeys, c.stratumTotals).map {
        "\(c.groups.string($0.group)) \(c.ages.string($0.age)) \($1.events) \($1.rows)"
      }
    }
    #expect(merged.strataCount == 1201)
    #expect(described(merged) == described(sequential))
    #expect(merged.grandTotal.events == sequential.grandTotal.events)
  }

  /// Merges of many new strata keep them as blocks of their own (see
  /// ``StrataCounts/absorb(_:)``); the strata, their order and their totals are still those of
  /// one pass when later parts add to strata held in an earlier block, through the dense table
  /// and through the hash index (strata with `--by` values), and when a merged part has blocks
  /// of its own.
  @Test func strataCountsMergedInLargeBlocksEqualOnePass() {
    // 2,400 groups x 3 ages without --by (dense table) and with --by "x" (hash index): a
    // part of 14,400 strata, well past StrataCounts.leastBlock, ...
    var rows: [(group: String, age: String, by: String?, events: Double)] = []
    for g in 0..<2_400 {
      for a in 0..<3 {
        rows.append(("G\(g)", "\(a)", nil, Double(g + a + 1)))
        rows.append(("G\(g)", "\(a)", "x", Double(2 * g + a)))
      }
    }
    // ... then strata of the first parts again (held in their blocks once merged), new ones,
    // and a label seen before with a new age.
    for g in stride(from: 0, to: 2_400, by: 7) {
      rows.append(("G\(g)", "1", nil, 1))
      rows.append(("G\(g)", "2", "x", 2))
    }
    for g in 2_400..<4_000 { rows.append(("G\(g)", "0", "y", 3)) }
    rows.append(("G5", "9", nil, 4))
    func tabulate(
      _ part: ArraySlice<(group: String, age: String, by: String?, events: Double)>
    ) -> StrataCounts {
      var counts = StrataCounts()
      for row in part {
        var t = StratumTotals()
        t.events = row.events
        t.rows = 1
        let by = row.by.map { counts.byCombinations.id(for: $0) } ?? -1
        counts.add(
          RawStratumKey(
            group: counts.groups.id(for: row.group), age: counts.ages.id(for: row.age), by: by),
          t)
      }
      return counts
    }
    func described(_ c: StrataCounts) -> [String] {
      zip(c.stratumKeys, c.stratumTotals).map {
        let by = $0.by < 0 ? "-" : c.byCombinations.string($0.by)
        return "\(c.groups.string($0.group)) \(c.ages.string($0.age)) \(by) \($1.events) \($1.rows)"
      }
    }
    let sequential = tabulate(rows[...])
    let cuts = [0, 4_800, 9_600, 14_400, 15_100, rows.count]
    var merged = StrataCounts()
    for k in 0..<(cuts.count - 1) {
      var part = tabulate(rows[cuts[k]..<cuts[k + 1]])
      merged.absorb(&part)
      #expect(part.strataCount == 0)
    }
    #expect(merged.strataCount == 2 * 2_400 * 3 + 1_600 + 1)
    #expect(described(merged) == described(sequential))
    var blockCount = 0
    merged.forEachBlock { keys, totals in
      #expect(keys.count == totals.count)
      blockCount += 1
    }
    #expect(blockCount > 1)
    // All the blocks at once are the same blocks, in the same order.
    merged.withBlocks { blocks in
      #expect(blocks.count == blockCount)
      #expect(blocks.flatMap { Array($0.keys) } == merged.stratumKeys)
      #expect(
        blocks.flatMap { Array($0.totals).map(\.events) } == merged.stratumTotals.map(\.events))
    }
    // Counts that already have blocks, merged into others (a second input file).
    var twice = tabulate(rows[0..<1])
    twice.merge(merged)
    #expect(described(twice).dropFirst() == described(sequential).dropFirst())
    #expect(twice.stratumTotals[0].events == 2 * sequential.stratumTotals[0].events)
    // The merged counts are a value: merging them elsewhere left them as they were.
    #expect(described(merged) == described(sequential))
    // Adding to a stratum by key finds it in its block.
    let last = merged.stratumKeys[merged.strataCount - 2]
    var t = StratumTotals()
    t.events = 100
    merged.add(last, t)
    #expect(merged.stratumTotals[merged.strataCount - 2].events == 103)
    #expect(merged.strataCount == 2 * 2_400 * 3 + 1_600 + 1)
  }

  /// The rows counted as missing or suppressed are summed over every stratum, through merges
  /// (into empty counts and into others), and are zero without a pass when none were added.
  /// Worked by hand: 2 + 3 rows with a missing event count, 1 with a suppressed population.
  @Test func incompleteRowsAreCountedThroughMerges() {
    let rows = (0..<5_000).map { (group: "G\($0)", age: "0", events: 1.0) }
    var plain = Self.plainCounts(rows[...])
    #expect(plain.incompleteRows == (0, 0, 0, 0))
    func incomplete(_ label: String, missing: Int, suppressed: Int) -> StrataCounts {
      var counts = StrataCounts()
      var t = StratumTotals()
      t.rows = missing + suppressed
      t.eventsMissing = missing
      t.populationSuppressed = suppressed
      counts.add(
        RawStratumKey(group: counts.groups.id(for: label), age: counts.ages.id(for: "0"), by: -1),
        t)
      return counts
    }
    var first = incomplete("G1", missing: 2, suppressed: 1)
    var empty = StrataCounts()
    empty.absorb(&first)
    #expect(empty.incompleteRows == (2, 0, 0, 1))
    var second = incomplete("new", missing: 3, suppressed: 0)
    plain.absorb(&empty)
    plain.absorb(&second)
    #expect(plain.incompleteRows == (5, 0, 0, 1))
    #expect(plain.strataCount == 5_001)
  }

  /// The tallies of missing and suppressed rows are kept apart from the other totals, and only
  /// for blocks of strata that have any: merged in every arrangement (parts with and without
  /// such rows, small parts copied onto the arrays before them and large ones kept as blocks,
  /// strata met again in later parts), each stratum's totals equal those of one pass over the
  /// same rows.
  @Test func incompleteTalliesFollowTheirStrataThroughMerges() {
    struct Row {
      var group: String
      var age: String
      var totals: StratumTotals
    }
    func row(_ i: Int, part: Int, incomplete: Bool) -> Row {
      var t = StratumTotals()
      t.events = Double(i % 11)
      t.eventsSquared = Double((i % 11) * (i % 11))
      t.population = Double(100 + i)
      t.rows = 1
      // Every seventh row of a part with incomplete rows: a tally of each kind in turn.
      if incomplete && i % 7 == 0 {
        switch (i / 7) % 4 {
        case 0: t.eventsMissing = 1
        case 1: t.eventsSuppressed = 2
        case 2: t.populationMissing = 3
        default: t.populationSuppressed = 4
        }
      }
      // Labels shared with the parts before (a tenth of each part), and labels of its own.
      let group = i % 10 == 0 ? "shared\(i % 50)" : "p\(part)-\(i)"
      return Row(group: group, age: "\(i % 3)", totals: t)
    }
    // (size, has incomplete rows): small parts are copied onto the last block, large ones
    // (at least StrataCounts.leastBlock new strata) stay blocks of their own.
    let plan = [
      (5_000, false), (300, true), (6_000, true), (200, false), (6_500, false), (100, true),
    ]
    var parts: [[Row]] = []
    for (k, (size, incomplete)) in plan.enumerated() {
      parts.append((0..<size).map { row($0, part: k, incomplete: incomplete) })
    }
    func counts(_ rows: [Row]) -> StrataCounts {
      var c = StrataCounts()
      for r in rows {
        c.add(
          RawStratumKey(group: c.groups.id(for: r.group), age: c.ages.id(for: r.age), by: -1),
          r.totals)
      }
      return c
    }
    func described(_ c: StrataCounts) -> [String] {
      zip(c.stratumKeys, c.stratumTotals).map { key, t in
        "\(c.groups.string(key.group))/\(c.ages.string(key.age)): \(t.events) \(t.eventsSquared) "
          + "\(t.population) \(t.rows) \(t.eventsMissing) \(t.eventsSuppressed) "
          + "\(t.populationMissing) \(t.populationSuppressed)"
      }
    }
    let onePass = counts(parts.flatMap { $0 })
    // Worked out independently of the counts: the tallies over all rows.
    var expected = (0, 0, 0, 0)
    for part in parts {
      for r in part {
        expected.0 += r.totals.eventsMissing
        expected.1 += r.totals.eventsSuppressed
        expected.2 += r.totals.populationMissing
        expected.3 += r.totals.populationSuppressed
      }
    }
    #expect(expected.0 > 0 && expected.3 > 0)
    #expect(onePass.incompleteRows == expected)
    var merged = StrataCounts()
    for part in parts {
      var c = counts(part)
      merged.absorb(&c)
    }
    var blocks = 0
    merged.forEachBlock { _, _ in blocks += 1 }
    #expect(blocks == 3)
    #expect(described(merged) == described(onePass))
    #expect(merged.incompleteRows == expected)
    #expect(merged.grandTotal == onePass.grandTotal)
    // After the merges, rows added to strata of every block keep their tallies there too.
    var t = StratumTotals()
    t.rows = 1
    t.eventsSuppressed = 5
    var again = onePass
    for key in [merged.stratumKeys.first!, merged.stratumKeys.last!] {
      let label = merged.groups.string(key.group)
      let age = merged.ages.string(key.age)
      merged.add(key, t)
      again.add(
        RawStratumKey(group: again.groups.id(for: label), age: again.ages.id(for: age), by: -1), t)
    }
    #expect(described(merged) == described(again))
    #expect(merged.incompleteRows.eventsSuppressed == expected.1 + 10)
  }

  /// The labels' first sightings are kept as lines and a few shared places (file, column),
  /// and read back as the locations they were given, through merges of counts from other
  /// files and columns, with and without lines.
  @Test func firstSightingsReadBackAsTheLocationsGiven() {
    let a = SourceLocation(file: "a.csv", line: 2, column: 1, columnName: "group")
    let b = SourceLocation(file: "b.csv", line: 7, column: 3, columnName: "ethnicity")
    let noLine = SourceLocation(file: "c.csv", column: 2)
    var first: FirstSightLocations = [
      a, SourceLocation(file: "a.csv", line: 9, column: 1, columnName: "group"),
    ]
    #expect(first.count == 2)
    #expect(first[1] == SourceLocation(file: "a.csv", line: 9, column: 1, columnName: "group"))
    let other: FirstSightLocations = [b, noLine, a]
    // Only the second and third of the other's labels are new here.
    first.append(other, where: { i, _ in i > 0 })
    #expect(
      Array(first) == [
        a, SourceLocation(file: "a.csv", line: 9, column: 1, columnName: "group"), noLine, a,
      ])
    #expect(first[2].line == nil)
    var same = FirstSightLocations()
    for location in Array(first) { same.append(location) }
    #expect(same == first)
    same.append(b)
    #expect(same != first)
  }

  /// A stratum of one row of plain counts keeps no rows or sum of squares of its own (they
  /// are 1 and its events squared); the first stratum with anything else (a second row, a row
  /// that is not plain, a stratum with no row yet) makes them for its whole block. In every
  /// order and through merges of parts with and without them, each stratum reads back the rows
  /// and squares of its rows, worked out here from the rows themselves.
  @Test func rowsAndSquaresAreKeptOnlyWhereAStratumHasOtherThanOnePlainRow() {
    // (label, events, plain): plain rows go through the hot path, the others through a
    // stratum found or added first (as rows with missing counts, or of record-level files, do).
    func part(_ k: Int, size: Int, repeats: Bool) -> [(String, Double, Bool)] {
      var rows: [(String, Double, Bool)] = (0..<size).map { i in ("p\(k)-\(i)", Double(i % 9), true)
      }
      if repeats {
        // A second plain row for some strata of this part and of the first part, a row that
        // is not plain, and a stratum of the first part met again.
        rows += [
          ("p\(k)-1", 4, true), ("p0-2", 5, true), ("p\(k)-3", 2, false), ("p0-5", 1, false),
        ]
        // Strata of the third part, which merges as a block of its own (with no details).
        if k > 2 { rows += [("p2-7", 3, true), ("p2-8", 6, false)] }
      }
      return rows
    }
    func counts(_ rows: [(String, Double, Bool)]) -> StrataCounts {
      var c = StrataCounts()
      for (label, events, plain) in rows {
        let key = RawStratumKey(group: c.groups.id(for: label), age: c.ages.id(for: "0"), by: -1)
        if plain {
          _ = c.addPlainRow(key: key, events: events, population: 10)
        } else {
          var t = StratumTotals()
          t.events = events
          t.eventsSquared = events * events
          t.population = 10
          t.rows = 1
          c.add(key, t)
        }
      }
      return c
    }
    let plan = [(5_000, false), (200, true), (6_000, false), (4_500, true), (100, false)]
    let parts = plan.enumerated().map { k, p in part(k, size: p.0, repeats: p.1) }
    var expected: [String: (rows: Int, squares: Double, events: Double)] = [:]
    for (label, events, _) in parts.flatMap({ $0 }) {
      let e = expected[label] ?? (0, 0, 0)
      expected[label] = (e.rows + 1, e.squares + events * events, e.events + events)
    }
    func check(_ c: StrataCounts) {
      #expect(c.strataCount == expected.count)
      for (key, t) in zip(c.stratumKeys, c.stratumTotals) {
        let e = expected[c.groups.string(key.group)]!
        #expect(t.rows == e.rows && t.eventsSquared == e.squares && t.events == e.events)
        #expect(t.population == Double(10 * e.rows))
      }
    }
    check(counts(parts.flatMap { $0 }))
    var merged = StrataCounts()
    for rows in parts {
      var c = counts(rows)
      merged.absorb(&c)
    }
    check(merged)
    // A stratum with no row yet (found or added before its first row) reads as none.
    var pending = counts(parts[0])
    let key = RawStratumKey(
      group: pending.groups.id(for: "new"), age: pending.ages.id(for: "0"), by: -1)
    let position = pending.position(of: key)
    #expect(pending.stratumTotals[position].rows == 0)
    #expect(pending.stratumTotals[position - 1].rows == 1)
    #expect(pending.stratumTotals[position - 1].eventsSquared == expected["p0-4999"]!.squares)
  }

  /// A row of plain counts added by ``StrataCounts/addPlainRow(events:population:at:)`` (the
  /// aggregated hot path of the tabulation) leaves the totals that the same row added as
  /// ``StratumTotals`` does: events, their squares, population and rows, for a stratum in the
  /// counts' own arrays and for one held in a merged block. Worked by hand: 3 events added to
  /// a stratum of 2 events (``plainCounts`` adds no squares) give 5 events and 0 + 9 as the
  /// sum of squares.
  @Test func plainRowsAddTheTotalsOfTheRow() {
    var rows: [(group: String, age: String, events: Double)] = []
    for g in 0..<3_200 {
      for a in 0..<3 { rows.append(("G\(g)", "\(a)", 2)) }
    }
    // Two parts of 4,800 strata: the second, past StrataCounts.leastBlock, stays a block.
    var counts = StrataCounts()
    for cut in [0, 4_800] {
      var part = Self.plainCounts(rows[cut..<(cut + 4_800)])
      counts.absorb(&part)
    }
    var blocks = 0
    counts.forEachBlock { _, _ in blocks += 1 }
    #expect(blocks == 2)
    for position in [1, 6_000] {
      var plain = counts
      plain.addPlainRow(events: 3, population: 70, at: position)
      var general = counts
      var t = StratumTotals()
      t.events = 3
      t.eventsSquared = 9
      t.population = 70
      t.rows = 1
      general.add(t, at: position)
      #expect(plain.stratumTotals == general.stratumTotals)
      let totals = plain.stratumTotals[position]
      #expect(totals.events == 5)
      #expect(totals.eventsSquared == 0 + 9)
      #expect(totals.population == 70)
      #expect(totals.rows == 2)
    }
  }

  /// Parts cut inside a group's rows, as the chunks of an aggregated file are, merge to the
  /// strata and totals of one pass: the group at each cut is looked up by a scan of the strata
  /// not indexed yet (``StrataCounts/mostScannedGroups``), including a group spread over three
  /// parts, one whose later part repeats a stratum already merged, and a part with more old
  /// groups than the scan takes (then everything is indexed). Worked by construction: each
  /// (group, age) stratum's events are the sum of the rows written for it.
  @Test func strataCountsMergedAcrossCutsInsideGroupsEqualOnePass() {
    var rows: [(group: String, age: String, events: Double)] = []
    for g in 0..<3_000 {
      for a in 0..<19 { rows.append(("G\(g)", "\(a)", Double(g * 19 + a))) }
    }
    // G2999 again (a stratum merged already, and new ages), then many old groups at once.
    rows.append(("G2999", "3", 1_000))
    rows.append(("G2999", "40", 7))
    for g in stride(from: 0, to: 3_000, by: 100) { rows.append(("G\(g)", "5", 1)) }
    let tabulate = Self.plainCounts
    func described(_ c: StrataCounts) -> [String] {
      zip(c.stratumKeys, c.stratumTotals).map {
        "\(c.groups.string($0.group)) \(c.ages.string($0.age)) \($1.events) \($1.rows)"
      }
    }
    // Cuts at 19 × 1,000 + 5 (inside G1000), inside G1999 and twice inside G2999 (rows
    // 56,981 to 56,999), then at the repeats and before the many old groups.
    let cuts = [0, 19_005, 37_990, 56_985, 56_995, 57_001, rows.count]
    var merged = StrataCounts()
    for k in 0..<(cuts.count - 1) {
      var part = tabulate(rows[cuts[k]..<cuts[k + 1]])
      merged.absorb(&part)
    }
    let sequential = tabulate(rows[...])
    #expect(merged.strataCount == 3_000 * 19 + 1)
    #expect(described(merged) == described(sequential))
    // A lookup after the merges finds a stratum of a scanned group in its block.
    var t = StratumTotals()
    t.events = 1
    merged.add(
      RawStratumKey(group: merged.groups.id(for: "G2999"), age: merged.ages.id(for: "3"), by: -1), t
    )
    #expect(merged.stratumTotals[2_999 * 19 + 3].events == 2_999 * 19 + 3 + 1_000 + 1)
  }

  /// A file large enough to be read in several chunks, whose chunks count their lines from
  /// their own starts: each group label's first sighting still has its file line, for labels
  /// first met in every chunk, and with quoted fields over two lines so that lines and records
  /// differ; a bad count in the last chunk names its file line.
  @Test func parallelTabulationGivesFileLinesOfFirstSightingsAndErrors() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    // About 2.6 MB (two chunks of at least 1 MiB with two workers). Group G<i / 40> first
    // appears at record i = 40 * g, so new labels keep coming to the end of the file; every
    // seventh record has a note over two lines. The first lines are counted here, as the
    // text is written.
    var text = "group,note,events,population\n"
    var line = 2
    var firstLines: [Int] = []
    let records = 100_000
    for i in 0..<records {
      if i % 40 == 0 { firstLines.append(line) }
      let note = i % 7 == 0 ? "\"two\nlines\"" : "one line of text here"
      text += "G\(i / 40),\(note),\(i % 11),\(1000 + i % 13)\n"
      line += i % 7 == 0 ? 2 : 1
    }
    let path = folder.appendingPathComponent("lines.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(text.utf8.count > 2 << 20)
    let request = TabulationRequest(group: "group", events: "events", population: "population")
    var expected = FirstSightLocations()
    for first in firstLines {
      expected.append(SourceLocation(file: path, line: first, column: 1, columnName: "group"))
    }
    // Record 40 * 10 = 400 starts on line 2 + 400 + ceil(400 / 7) = 460, counted by hand.
    #expect(firstLines[10] == 460)
    for workers in [1, 2] {
      let counts = try Tabulator.tabulate(path, request: request, workers: workers).counts
      #expect(counts.groupFirstSeen.count == records / 40)
      #expect(counts.groupFirstSeen == expected)
      #expect(counts.grandTotal.rows == records)
    }
    // The last record but one given a negative count: record 99,998 starts on line
    // 2 + 99,998 + ceil(99,998 / 7) = 114,286.
    let badLine = 2 + 99_998 + (99_998 + 6) / 7
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var bad = lines.map(String.init)
    #expect(bad[badLine - 1].hasPrefix("G2499,one line of text here,"))
    bad[badLine - 1] = "G2499,one line of text here,-4,1000"
    let badPath = folder.appendingPathComponent("bad.csv").path
    try bad.joined(separator: "\n").write(toFile: badPath, atomically: true, encoding: .utf8)
    for workers in [1, 2] {
      #expect(
        throws: IngestError.negativeCount(
          SourceLocation(file: badPath, line: badLine, column: 3, columnName: "events"),
          text: "-4")
      ) { _ = try Tabulator.tabulate(badPath, request: request, workers: workers) }
    }
  }

  /// An aggregated file with more strata than ``Tabulator/State/manyStrata`` (so that room is
  /// made for the rest, from an estimate) gives the same strata and totals read in parallel as
  /// in one pass, however far off the estimate: here the first part of the file is dense in
  /// new strata and the rest repeats them.
  @Test func tabulationPastTheStrataReservationEqualsOnePass() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let groups = 3_500
    let ages = 19
    var text = "group,age,events,population\n"
    for g in 0..<groups {
      for a in 0..<ages { text += "G\(g),\(a * 5),\(g % 7 + a),\(1000 + g)\n" }
    }
    for g in stride(from: 0, to: groups, by: 3) { text += "G\(g),0,1,10\n" }
    let path = folder.appendingPathComponent("aggregated.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let request = TabulationRequest(
      group: "group", age: "age", events: "events", population: "population")
    let sequential = try Tabulator.tabulate(path, request: request, workers: 1).counts
    #expect(sequential.strataCount == groups * ages)
    #expect(sequential.strataCount > Tabulator.State.manyStrata)
    func described(_ c: StrataCounts) -> [String] {
      zip(c.stratumKeys, c.stratumTotals).map {
        "\(c.groups.string($0.group)) \(c.ages.string($0.age)) \($1.events) \($1.population) \($1.rows) \($1.eventsSquared)"
      }
    }
    let expected = described(sequential)
    // Independent check of one stratum: G0 age 0 has 0 events on its own row and 1 on the
    // repeat, 1000 + 10 population, two rows, 0² + 1² squared events.
    #expect(expected[0] == "G0 0 1.0 1010.0 2 1.0")
    // Each label's first row: G1's is line 21 (the header, then G0's 19 rows).
    #expect(
      sequential.groupFirstSeen[1]
        == SourceLocation(file: path, line: 21, column: 1, columnName: "group"))
    #expect(sequential.groupFirstSeen.count == groups)
    for workers in [2, 3] {
      let parallel = try Tabulator.tabulate(path, request: request, workers: workers).counts
      #expect(described(parallel) == expected)
      #expect(parallel.groupFirstSeen == sequential.groupFirstSeen)
    }
  }

  /// Labels with spaces or tabs around them are trimmed; counts that are not plain digits
  /// (spaces, thousands separators, a sign, a fraction, an exponent, 16 digits, missing and
  /// suppressed markers) are read as ``CountValue`` reads them, next to plain ones.
  @Test func tabulationTrimsLabelsAndReadsEveryFormOfCount() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = """
      group,age,events,population
      A,0-4,5,100
       A ,0-4, 7,"1,000"
      	A	,0-4,+2,1e3
      B,0-4,1.5,1234567890123456
      B, 0-4 ,NA,<5
      B,0-4,*,
      B,5-9,007,0

      """
    let path = folder.appendingPathComponent("forms.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let request = TabulationRequest(
      group: "group", age: "age", events: "events", population: "population")
    let counts = try Tabulator.tabulate(path, request: request, workers: 1).counts
    #expect(counts.groups.strings == ["A", "B"])
    #expect(counts.ages.strings == ["0-4", "5-9"])
    let totals = counts.stratumTotals
    #expect(totals.count == 3)
    // A, 0-4: 5 + 7 + 2 events, 100 + 1,000 + 1e3 population, three rows.
    #expect(totals[0].events == 14)
    #expect(totals[0].eventsSquared == 25 + 49 + 4)
    #expect(totals[0].population == 2100)
    #expect(totals[0].rows == 3)
    // B, 0-4: 1.5 events, one missing and one suppressed; 1234567890123456 population, one
    // suppressed and one missing.
    #expect(totals[1].events == 1.5)
    #expect(totals[1].eventsMissing == 1)
    #expect(totals[1].eventsSuppressed == 1)
    #expect(totals[1].population == 1_234_567_890_123_456)
    #expect(totals[1].populationSuppressed == 1)
    #expect(totals[1].populationMissing == 1)
    #expect(totals[2].events == 7)
    #expect(totals[2].population == 0)
    #expect(
      counts.groupFirstSeen == [
        SourceLocation(file: path, line: 2, column: 1, columnName: "group"),
        SourceLocation(file: path, line: 5, column: 1, columnName: "group"),
      ])
    // A bad count names its line and column, as before.
    let bad = folder.appendingPathComponent("bad.csv").path
    try "group,age,events,population\nA,0-4,5,100\nA,0-4,-3,100\n".write(
      toFile: bad, atomically: true, encoding: .utf8)
    #expect(
      throws: IngestError.negativeCount(
        SourceLocation(file: bad, line: 3, column: 3, columnName: "events"), text: "-3")
    ) {
      try Tabulator.tabulate(bad, request: request, workers: 1)
    }
  }

  /// Strata beyond the dense (group × age) table's bounds (more than 65,536 group labels or 255
  /// age labels, or with `--by` values) are found through the hash index instead, each once.
  @Test func strataOutsideTheDenseTableAreFoundOnce() {
    var counts = StrataCounts()
    var t = StratumTotals()
    t.events = 1
    t.rows = 1
    var expected: [RawStratumKey: Double] = [:]
    for round in 0..<2 {
      for g in stride(from: 0, to: 70_000, by: 70) {
        for age in [0, 254, 255, 300] {
          for by: Int32 in [-1, 3] {
            let key = RawStratumKey(group: Int32(g), age: Int32(age), by: by)
            counts.add(key, t)
            if round == 0 { expected[key] = 0 }
            expected[key]! += 1
          }
        }
      }
    }
    #expect(counts.strataCount == expected.count)
    let totals = counts.totals
    #expect(totals.count == expected.count)
    #expect(totals.allSatisfy { expected[$0.key] == $0.value.events && $0.value.rows == 2 })
  }
}
