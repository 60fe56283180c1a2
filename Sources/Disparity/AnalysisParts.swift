import DisparityIngest
import DisparityNormalise
import DisparityReport
import DisparityStatistics
import DisparityTabulate
import Foundation

/// The interval methods in force, from `--ci-method` and the measure.
struct IntervalChoice: Sendable {
  var counts: PoissonCountMethod = .pheRule
  var standardised: DirectStandardisationMethod = .dobson()
  var proportions: ProportionMethod = .wilson
  var name: String?

  init(_ name: String?, measure: AnalysisSpecification.Measure) throws(AnalysisError) {
    self.name = name
    guard let name else { return }
    switch (name, measure) {
    case ("dobson", .rate): standardised = .dobson()
    case ("fay-feuer", .rate), ("fayfeuer", .rate), ("gamma", .rate): standardised = .fayFeuer
    case ("tiwari", .rate): standardised = .tiwari
    case ("exact", .rate):
      counts = .exact
      standardised = .dobson(counts: .exact)
    case ("byar", .rate):
      counts = .byar
    case ("wilson", .proportion): proportions = .wilson
    case ("clopper-pearson", .proportion), ("exact", .proportion): proportions = .clopperPearson
    default:
      let available =
        measure == .rate
        ? ["dobson", "fay-feuer", "tiwari", "exact", "byar"] : ["wilson", "clopper-pearson"]
      throw .unknownIntervalMethod(name, available: available)
    }
  }
}

/// Reference rates read from `--reference-rates`: the age column, any extra key columns (such as
/// region), and `events,population` or `rate` (per the multiplier).
struct ReferenceRateFile: Sendable {
  struct Row: Sendable {
    var age: String
    var keys: [String]
    var rate: Double
    var line: Int
  }

  var file: String
  var ageColumn: String
  var extraKeys: [String]
  var rows: [Row]
  /// The crude rate of the reference population (per person), when events and population are given.
  var crudeRate: Double?
  /// The distinct age bands of the file, in order.
  var bands: [AgeBand]
  /// The rate (per person) for each age band and extra keys.
  var rates: [Cube.ReferenceKey: Double]

  init(path: String, ageColumn: String, multiplier: Double) throws {
    let table = try CSVTable(contentsOf: path)
    file = table.file
    self.ageColumn = ageColumn
    let age = try table.columnIndex(ageColumn)
    let eventsColumn = table.header.firstIndex(of: "events")
    let populationColumn = table.header.firstIndex(of: "population")
    let rateColumn = table.header.firstIndex(of: "rate")
    guard (eventsColumn != nil && populationColumn != nil) || rateColumn != nil else {
      throw AnalysisError.referenceRates(
        "the reference rates need columns events and population, or rate (per \(CSVRenderer.format(multiplier))); the columns are: \(table.header.joined(separator: ", ")).",
        SourceLocation(file: table.file, line: 1))
    }
    let used = Set([age, eventsColumn, populationColumn, rateColumn].compactMap { $0 })
    let keyColumns = table.header.indices.filter { !used.contains($0) }
    extraKeys = keyColumns.map { table.header[$0] }
    var rows: [Row] = []
    var totalEvents = 0.0
    var totalPopulation = 0.0
    for row in table.rows {
      func number(_ column: Int) throws -> Double {
        let location = table.location(row: row, column: column)
        guard case .number(let x) = try CountValue.parse(row.fields[column], at: location) else {
          throw AnalysisError.referenceRates(
            "a reference rate needs a number here, not \"\(row.fields[column])\".", location)
        }
        return x
      }
      let rate: Double
      if let e = eventsColumn, let p = populationColumn {
        let events = try number(e)
        let population = try number(p)
        guard population > 0 else {
          throw AnalysisError.referenceRates(
            "the reference population must be positive.", table.location(row: row, column: p))
        }
        rate = events / population
        totalEvents += events
        totalPopulation += population
      } else {
        rate = try number(rateColumn!) / multiplier
      }
      rows.append(
        Row(
          age: row.fields[age].trimmingCharacters(in: .whitespaces),
          keys: keyColumns.map { row.fields[$0].trimmingCharacters(in: .whitespaces) },
          rate: rate, line: row.line))
    }
    self.rows = rows
    crudeRate =
      eventsColumn != nil && totalPopulation > 0 ? totalEvents / totalPopulation : nil
    // Each row's age band, read with all the file's labels in view (so that "age80" after
    // "age60_79" is read as 80 and over).
    let labels = try rows.map { row in
      try AgeLabel(
        row.age, location: SourceLocation(file: table.file, line: row.line, columnName: ageColumn))
    }
    let interpreted = AgeLabel.interpret(labels)
    var bands: [AgeBand] = []
    var rates: [Cube.ReferenceKey: Double] = [:]
    for (row, label) in zip(rows, labels) {
      let band = interpreted[row.age] ?? label.band
      if !bands.contains(band) { bands.append(band) }
      let key = Cube.ReferenceKey(band: band, keys: row.keys)
      guard rates[key] == nil else {
        throw AnalysisError.referenceRates(
          "a second reference rate for age \(row.age)\(row.keys.isEmpty ? "" : " and " + row.keys.joined(separator: ", ")); give one rate per age band\(row.keys.isEmpty ? "" : " and " + extraKeys.joined(separator: ", ")).",
          SourceLocation(file: table.file, line: row.line))
      }
      rates[key] = row.rate
    }
    self.bands = bands.sorted()
    self.rates = rates
  }

  /// Places the population's age labels in the reference rates' bands; a population band that
  /// spans several reference bands cannot be given one rate, so it is an error.
  func alignment(populationLabels: [String], file: String, ageColumn: String) throws
    -> AgeAlignment
  {
    let standard = try StandardPopulation(
      id: "reference-rates", name: "the reference rates' age bands",
      abbreviation: "reference rates", source: self.file, bands: bands,
      weights: bands.map { _ in 1 })
    let labels = populationLabels.map { ($0, SourceLocation(file: file, columnName: ageColumn)) }
    let alignment = try AgeAlignment(
      standard: standard, labels: labels, recordLevel: true, unobserved: .exclude)
    if let merge = alignment.aligned.merges.first {
      throw AnalysisError.referenceRates(
        "\(merge.description) The population's age bands must each lie within one band of the reference rates, so that each can be given one rate.",
        SourceLocation(file: file, columnName: ageColumn))
    }
    return alignment
  }
}

/// Age labels fitted to a standard's (or the reference rates') bands.
struct AgeAlignment: Sendable {
  var aligned: AlignedStandardPopulation

  init(
    standard: StandardPopulation, labels: [(String, SourceLocation)], recordLevel: Bool,
    unobserved: AgeBanding.UnobservedBands = .error
  ) throws {
    var banding = AgeBanding(standard: standard)
    for (label, location) in labels {
      try banding.observe(label: label, location: location)
    }
    aligned = try banding.align(
      unobservedBands: unobserved, overlapsWithinFile: recordLevel ? .allow : .error)
  }

  /// The band index of a raw age label.
  func index(of label: String) throws -> Int {
    try aligned.bandIndex(forLabel: label, location: nil)
  }
}

/// The place of a raw group label in the analysis.
enum GroupPlacement: Sendable, Equatable {
  /// A group of the target scheme, by code, with the code's number: its place in
  /// ``GroupClassifier``'s first-seen order, the same for events and population, so that the
  /// cube's loops compare integers rather than hash codes.
  case group(String, number: Int)
  /// Ethnicity not stated or not known.
  case unknown
  /// Collective terms and unmapped values: left out, and reported.
  case excluded
}

/// Classifies each distinct raw label once, and remembers the groups' labels and order.
struct GroupClassifier: Sendable {
  let normaliser: EthnicityNormaliser
  /// The group codes in order of first sight; a code's place here is its number.
  private(set) var firstSeen: [String] = []
  /// The number of each code (its place in ``firstSeen``).
  private(set) var numbers: [String: Int] = [:]
  /// The official label of each code, by number.
  private(set) var labelsByNumber: [String] = []

  init(normaliser: EthnicityNormaliser) {
    self.normaliser = normaliser
  }

  /// The placement of every raw group id of `counts`; totals are refused.
  mutating func classify(
    _ counts: StrataCounts, quality: inout EthnicityDataQuality, file: String
  ) throws -> [GroupPlacement] {
    let rawLabels = counts.groups.strings
    let classifications = Self.classifyAll(rawLabels, with: normaliser)
    // Two independent halves: the placements (and the codes' numbers), and the data-quality
    // summary (with the events and rows of each label, a pass over every stratum). With
    // thousands of labels each half has thousands of hashes of strings, so they run at once
    // when there are many labels, each writing only its own state.
    var placements: [GroupPlacement] = []
    var totalLabel: Int? = nil
    if counts.groups.count >= concurrentHalves && ProcessInfo.processInfo.activeProcessorCount > 1 {
      withUnsafeMutablePointer(to: &self) { me in
        withUnsafeMutablePointer(to: &quality) { q in
          withUnsafeMutablePointer(to: &placements) { p in
            withUnsafeMutablePointer(to: &totalLabel) { t in
              nonisolated(unsafe) let me = me
              nonisolated(unsafe) let q = q
              nonisolated(unsafe) let p = p
              nonisolated(unsafe) let t = t
              DispatchQueue.concurrentPerform(iterations: 2) { half in
                if half == 0 {
                  (p.pointee, t.pointee) = me.pointee.place(classifications)
                } else {
                  Self.tally(counts, rawLabels, classifications, into: &q.pointee)
                }
              }
            }
          }
        }
      }
    } else {
      Self.tally(counts, rawLabels, classifications, into: &quality)
      (placements, totalLabel) = place(classifications)
    }
    if let id = totalLabel {
      let location =
        id < counts.groupFirstSeen.count
        ? counts.groupFirstSeen[id] : SourceLocation(file: file)
      throw AnalysisError.totalRow(rawLabels[id], location)
    }
    return placements
  }

  /// The number of distinct labels from which ``classify(_:quality:file:)`` runs its halves at
  /// once (tests set it higher to compare with one thread).
  var concurrentHalves = 2048

  /// The placement of each classified label, numbering new codes in order; the id of the
  /// first label that is a total row, if any (the placements then stop there).
  private mutating func place(_ classifications: [EthnicityClassification]) -> (
    [GroupPlacement], Int?
  ) {
    var placements: [GroupPlacement] = []
    placements.reserveCapacity(classifications.count)
    // Room for every label at once: under `raw` there may be tens of thousands, each a group.
    numbers.reserveCapacity(numbers.count + classifications.count)
    for (id, c) in classifications.enumerated() {
      switch c.status {
      case .group:
        // One hash of a new code (under `raw`, tens of thousands of labels are each a new
        // code); a code seen before gets its number back. (Through `numbers[code, default:]`
        // the default and the access were two closures allocated on the heap per label.)
        let next = firstSeen.count
        var number = next
        if let known = numbers.updateValue(next, forKey: c.code) {
          numbers[c.code] = known
          number = known
        } else {
          labelsByNumber.append(c.label)
          firstSeen.append(c.code)
        }
        placements.append(.group(c.code, number: number))
      case .notStated, .notKnown:
        placements.append(.unknown)
      case .collective, .unmapped:
        placements.append(.excluded)
      case .total:
        return (placements, id)
      }
    }
    return (placements, nil)
  }

  /// Adds each label, with its events and rows over all strata, to the data-quality summary.
  private static func tally(
    _ counts: StrataCounts, _ rawLabels: [String],
    _ classifications: [EthnicityClassification], into quality: inout EthnicityDataQuality
  ) {
    var weights = [Double](repeating: 0, count: counts.groups.count)
    var rows = [Int](repeating: 0, count: counts.groups.count)
    // Through pointers: captured arrays cost a uniqueness and a bounds check per access, and
    // aggregated inputs have a stratum per row (56 instructions a stratum that way, 380,000 of
    // them in a 20,000-label file).
    weights.withUnsafeMutableBufferPointer { weights in
      rows.withUnsafeMutableBufferPointer { rows in
        counts.forEachBlock { keys, totals in
          for i in keys.indices {
            let g = Int(keys[i].group)
            weights[g] += totals[i].events
            rows[g] += totals[i].rows
          }
        }
      }
    }
    quality.reserveCapacity(groups: counts.groups.count)
    for id in 0..<counts.groups.count {
      let c = classifications[id]
      // A total row stops the analysis (see ``place(_:)``): the summary is not read then.
      if c.status == .total { break }
      quality.add(raw: rawLabels[id], classification: c, rows: rows[id], weight: weights[id])
    }
  }

  /// Classifies each label; thousands of distinct labels (areas, practices under `raw`) are
  /// shared between the cores, each classification being independent of the others.
  static func classifyAll(_ labels: [String], with normaliser: EthnicityNormaliser)
    -> [EthnicityClassification]
  {
    // Written straight into the result in blocks of labels (in optional slots first, then
    // copied out, the 2 MB of classifications of 20,000 labels were made twice, once on one
    // core).
    ParallelMap.map(count: labels.count, blockSize: 1024) { normaliser.classify(labels[$0]) }
  }

  /// The numbers of the group codes (see ``GroupPlacement/group(_:number:)``) in the scheme's
  /// order (first appearance for `raw`).
  func orderNumbers(for scheme: EthnicityScheme) -> [Int] {
    if scheme.isRaw { return Array(firstSeen.indices) }
    let position = Dictionary(
      scheme.groups.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
    return firstSeen.indices.sorted {
      (position[firstSeen[$0]] ?? .max, firstSeen[$0])
        < (position[firstSeen[$1]] ?? .max, firstSeen[$1])
    }
  }

  /// The official labels of the group codes.
  var labels: GroupLabels { GroupLabels(numbers: numbers, labelsByNumber: labelsByNumber) }

  /// The official label of a group code.
  func label(of code: String) -> String { labels[code] ?? code }
}

/// The official label of each group code met, looked up through the code's number (see
/// ``GroupClassifier``), without a dictionary of its own.
struct GroupLabels: Sendable {
  let numbers: [String: Int]
  let labelsByNumber: [String]

  /// The label of `code`, or nil for a code not met.
  subscript(code: String) -> String? { numbers[code].map { labelsByNumber[$0] } }
}

/// One thread's sums in ``Cube``'s `addPlainStrata`: a row of bands per group of its range of
/// group numbers, in order of first sight, and the cells made from them.
///
/// A class with buffers written through pointers, each used by one thread at a time (the
/// parallel loops hand each worker its own).
private final class PlainSums: @unchecked Sendable {
  /// One block of strata, and what the workers read to add it.
  struct Block: @unchecked Sendable {
    let keys: UnsafeBufferPointer<RawStratumKey>
    let totals: StratumTotalsBuffer
    /// The position of the block's first stratum among all the strata.
    let offset: Int
    let codeOf: UnsafeBufferPointer<Int>
    let bandOf: UnsafeBufferPointer<Int>
    /// The row of each group number (−1 before first sight), shared: each worker writes only
    /// the entries of its own numbers.
    let row: UnsafeMutableBufferPointer<Int32>
    let events: Bool
    let population: Bool
  }

  let bands: Int
  /// Whether this worker tallies the events of unknown and excluded labels (the first does).
  let sumsOther: Bool
  /// Per row: its group number and the position of its first stratum.
  var rowNumber: [Int] = []
  var firstStratum: [Int] = []
  let eventSums: UnsafeMutableBufferPointer<Double>
  let populationSums: UnsafeMutableBufferPointer<Double>
  /// Per row: rows missing or suppressed at source (events, population), number of values and
  /// their squares.
  let incompleteEvents: UnsafeMutableBufferPointer<Int>
  let incompletePopulation: UnsafeMutableBufferPointer<Int>
  let valueCounts: UnsafeMutableBufferPointer<Double>
  let valueSquares: UnsafeMutableBufferPointer<Double>
  var unknown = 0.0
  var excluded = 0.0
  var seenOther = false
  /// Per row: the new cell made from its sums, or nil where the stratum has the group already.
  var newCells: [Cube.Cell?] = []

  /// Room for `rows` groups of `bands` bands (allocated whole, so that the loop writes through
  /// pointers, without a uniqueness or bounds check of an array per addition).
  init(rows: Int, bands: Int, sumsOther: Bool) {
    self.bands = bands
    self.sumsOther = sumsOther
    let rows = max(1, rows)
    rowNumber.reserveCapacity(rows)
    firstStratum.reserveCapacity(rows)
    eventSums = .allocate(capacity: rows * bands)
    populationSums = .allocate(capacity: rows * bands)
    incompleteEvents = .allocate(capacity: rows)
    incompletePopulation = .allocate(capacity: rows)
    valueCounts = .allocate(capacity: rows)
    valueSquares = .allocate(capacity: rows)
  }

  /// Sets every sum to zero: called by the worker that sums into these buffers, before its
  /// first ``add(_:numbers:groups:)``. Zeroed in the initialiser, the 6 MB of 20,000 groups ×
  /// 19 bands were first touched on one core before the parallel pass (2.4 ms of page faults
  /// in (c)); zeroed here, each worker faults in its own.
  func zero() {
    for buffer in [eventSums, populationSums, valueCounts, valueSquares] {
      buffer.initialize(repeating: 0)
    }
    for buffer in [incompleteEvents, incompletePopulation] { buffer.initialize(repeating: 0) }
  }

  deinit {
    for buffer in [eventSums, populationSums, valueCounts, valueSquares] { buffer.deallocate() }
    for buffer in [incompleteEvents, incompletePopulation] { buffer.deallocate() }
  }

  /// Adds the block's strata of the groups numbered `numbers` (and, if ``sumsOther``, the
  /// events of unknown and excluded labels), in the order of the strata.
  func add(_ block: Block, numbers: Range<Int>, groups: [GroupPlacement]) {
    let bands = bands
    for i in 0..<block.keys.count {
      let key = block.keys[i]
      let code = block.codeOf[Int(key.group)]
      if code < 0 {
        // The population of unknown and excluded labels is not used; their events are
        // tallied.
        if sumsOther {
          seenOther = true
          if case .unknown = groups[Int(key.group)] {
            unknown += block.totals[i].events
          } else {
            excluded += block.totals[i].events
          }
        }
        continue
      }
      guard numbers.contains(code) else { continue }
      var r = Int(block.row[code])
      if r < 0 {
        r = rowNumber.count
        block.row[code] = Int32(r)
        rowNumber.append(code)
        firstStratum.append(block.offset + i)
      }
      let b = key.age >= 0 ? block.bandOf[Int(key.age)] : 0
      let t = block.totals[i]
      if block.events {
        eventSums[r * bands + b] += t.events
        incompleteEvents[r] += t.eventsMissing + t.eventsSuppressed
        valueCounts[r] += Double(t.rows - t.eventsMissing - t.eventsSuppressed)
        valueSquares[r] += t.eventsSquared
      }
      if block.population {
        populationSums[r * bands + b] += t.population
        incompletePopulation[r] += t.populationMissing + t.populationSuppressed
      }
    }
  }

  /// Makes ``newCells``: a cell from each row's sums where `stratum` has no cell for the group
  /// (what zero bands plus the sums would be), nil where it has.
  func makeCells(in stratum: Cube.Stratum, events: Bool, population: Bool) {
    newCells.reserveCapacity(rowNumber.count)
    for (r, code) in rowNumber.enumerated() {
      guard stratum.position(ofNumber: code) == nil else {
        newCells.append(nil)
        continue
      }
      newCells.append(cell(row: r, events: events, population: population))
    }
  }

  /// The cell of row `r`'s sums: what zero bands plus the sums would be.
  func cell(row r: Int, events: Bool, population: Bool) -> Cube.Cell {
    let bands = bands
    /// A cell's bands from a row of the sums, copied. (The sums started at +0 and were only
    /// added to, so each is already what adding it to a zero band gives: never −0.)
    ///
    /// Copied from a buffer, the array is made by code specialised here. `Array(repeating:count:)`
    /// and `Array(unsafeUninitializedCapacity:)` go through the standard library's generic,
    /// out-of-line allocation, which looks up the array's storage type at run time: 670
    /// instructions an array, 27 million for the 40,000 arrays of 20,000 groups' cells.
    func bandValues(_ sums: UnsafeMutableBufferPointer<Double>, row r: Int) -> [Double] {
      Array(UnsafeBufferPointer(rebasing: sums[(r * bands)..<(r * bands + bands)]))
    }
    var cell = Cube.Cell(
      events: events ? bandValues(eventSums, row: r) : [Double](repeating: 0, count: bands),
      population: population
        ? bandValues(populationSums, row: r) : [Double](repeating: 0, count: bands))
    if events {
      cell.hasEvents = true
      cell.incompleteEventRows = incompleteEvents[r]
      cell.valueCount = 0 + valueCounts[r]
      cell.valueSquares = 0 + valueSquares[r]
    }
    if population {
      cell.hasPopulation = true
      cell.incompletePopulationRows = incompletePopulation[r]
    }
    return cell
  }
}

/// Events and population by stratum × group × age band.
struct Cube: Sendable {
  struct Cell: Sendable {
    /// Events by standard band (one entry when there is no age breakdown).
    var events: [Double] = []
    /// Population by standard band.
    var population: [Double] = []
    /// Population by reference band and extra keys, for indirect standardisation.
    var referencePopulation: [ReferenceKey: Double] = [:]
    var hasEvents = false
    var hasPopulation = false
    /// Events by event frequency and band, when people may have several events.
    var eventsByFrequency: [Double: [Double]] = [:]
    /// Population by event frequency and band, when the population comes on each frequency row.
    var populationByFrequency: [Double: [Double]] = [:]
    /// Rows whose event count was missing or suppressed at source (e.g. "<5").
    var incompleteEventRows = 0
    /// For means: the number of values and the sum of their squares.
    var valueCount = 0.0
    var valueSquares = 0.0
    /// Rows whose population was missing or suppressed at source.
    var incompletePopulationRows = 0

    /// Adds a raw stratum's events in band `b` (and under its event frequency, if any).
    mutating func add(events t: StratumTotals, band b: Int, frequency: Double?, bands: Int) {
      events[b] += t.events
      if let frequency {
        eventsByFrequency[frequency, default: Array(repeating: 0, count: bands)][b] += t.events
      }
      hasEvents = true
      incompleteEventRows += t.eventsMissing + t.eventsSuppressed
      valueCount += Double(t.rows - t.eventsMissing - t.eventsSuppressed)
      valueSquares += t.eventsSquared
    }

    /// Adds the sums of several raw strata: events (or population) by band, with their rows
    /// missing or suppressed at source and, for events, the number and squares of the values.
    mutating func add(
      sums: UnsafeBufferPointer<Double>, incompleteRows: Int, valueCount: Double,
      valueSquares: Double, population isPopulation: Bool
    ) {
      if isPopulation {
        for (b, x) in zip(population.indices, sums) { population[b] += x }
        incompletePopulationRows += incompleteRows
        hasPopulation = true
      } else {
        for (b, x) in zip(events.indices, sums) { events[b] += x }
        incompleteEventRows += incompleteRows
        self.valueCount += valueCount
        self.valueSquares += valueSquares
        hasEvents = true
      }
    }

    /// Adds a raw stratum's population in band `b` (and in its reference band, if any).
    mutating func add(
      population t: StratumTotals, band b: Int, referenceKey: ReferenceKey?, frequency: Double?,
      bands: Int
    ) {
      if let frequency {
        // The population is repeated on each frequency row: keep it per frequency and check
        // later that the rows agree, rather than add it up once per frequency.
        populationByFrequency[frequency, default: Array(repeating: 0, count: bands)][b] +=
          t.population
      } else {
        population[b] += t.population
      }
      incompletePopulationRows += t.populationMissing + t.populationSuppressed
      if let referenceKey { referencePopulation[referenceKey, default: 0] += t.population }
      hasPopulation = true
    }
  }

  /// A reference band (an age band and the values of any extra key columns).
  struct ReferenceKey: Hashable, Sendable {
    var band: AgeBand
    var keys: [String]
  }

  struct Stratum: Sendable {
    var by: [String]
    /// The groups' codes, in the order their cells were made.
    var codes: [String] = []
    /// The groups' cells, in the order of ``codes``.
    var cells: [Cell] = []
    /// The position + 1 of each group's cell by the code's number (0: no cell; see
    /// ``GroupPlacement/group(_:number:)``): cells are found by integer, not by hashing codes.
    private(set) var positionByNumber: [Int32] = []
    var unknownEvents = 0.0
    var excludedEvents = 0.0

    /// Makes room for `count` groups' cells in all, numbered below `numbers`.
    mutating func reserveCapacity(_ count: Int, numbers: Int) {
      codes.reserveCapacity(count)
      cells.reserveCapacity(count)
      if numbers > positionByNumber.count {
        positionByNumber += repeatElement(0, count: numbers - positionByNumber.count)
      }
    }

    /// The position of the cell of the group numbered `number`, if the stratum has one.
    func position(ofNumber number: Int) -> Int? {
      number < positionByNumber.count && positionByNumber[number] > 0
        ? Int(positionByNumber[number]) - 1 : nil
    }

    /// The position of a group's cell, made (with `bands` zero bands) if it is new; `number` is
    /// the code's number (see ``GroupPlacement/group(_:number:)``).
    mutating func position(of code: String, number: Int, bands: Int) -> Int {
      if let known = position(ofNumber: number) { return known }
      return append(
        Cell(
          events: Array(repeating: 0, count: bands), population: Array(repeating: 0, count: bands)),
        code: code, number: number)
    }

    /// Sets the cells of a stratum that has none yet: `numbers[i]` is the number of the group
    /// of `cells[i]` and `codes[i]` its code.
    mutating func setCells(_ placed: (cells: [Cell], codes: [String], numbers: [Int])) {
      precondition(cells.isEmpty && placed.cells.count == placed.numbers.count)
      for (i, number) in placed.numbers.enumerated() {
        if number >= positionByNumber.count {
          positionByNumber += repeatElement(0, count: number + 1 - positionByNumber.count)
        }
        positionByNumber[number] = Int32(i + 1)
      }
      codes = placed.codes
      cells = placed.cells
    }

    /// Adds the cell of a group that has none yet; returns its position.
    mutating func append(_ cell: consuming Cell, code: String, number: Int) -> Int {
      if number >= positionByNumber.count {
        positionByNumber += repeatElement(0, count: number + 1 - positionByNumber.count)
      }
      positionByNumber[number] = Int32(cells.count + 1)
      codes.append(code)
      cells.append(cell)
      return cells.count - 1
    }
  }

  let byColumns: Int
  /// Columns tabulated after the `--by` columns only for `--adjust`: summed over here.
  let adjustColumns: Int
  let extraKeys: Int
  /// Whether an event-frequency column follows the adjustment columns.
  var hasFrequency = false
  /// The threads that sum plain strata (see ``addPlainStrata``); `nil` chooses by the number of
  /// strata.
  var plainStrataWorkers: Int? = nil
  var strataIndex: [[String]: Int] = [:]
  var strata: [Stratum] = []
  var bandCount = 1
  var eventsWithoutPopulation: [String] = []

  init(byColumns: Int, adjustColumns: Int, extraKeys: Int) {
    self.byColumns = byColumns
    self.adjustColumns = adjustColumns
    self.extraKeys = extraKeys
  }

  private mutating func stratumIndex(_ by: [String]) -> Int {
    if let i = strataIndex[by] { return i }
    strataIndex[by] = strata.count
    strata.append(Stratum(by: by))
    return strata.count - 1
  }

  /// A raw `--by` combination read once: its stratum, event frequency and extra key values.
  private struct ByPlace {
    var stratum: Int
    var frequency: Double?
    var extra: [String]
  }

  /// The place of each raw `--by` combination (index `id + 1`, so that −1, no `--by`, is 0),
  /// worked out on first use: there are far fewer combinations than strata.
  private struct ByPlaces {
    var places: [ByPlace?]
    init(_ counts: borrowing StrataCounts) {
      places = Array(repeating: nil, count: counts.byCombinations.count + 1)
    }
  }

  private mutating func place(
    _ id: Int32, in places: inout ByPlaces, counts: StrataCounts?, population: Bool
  ) throws -> ByPlace {
    if let known = places.places[Int(id) + 1] { return known }
    let all: [String] =
      id < 0
      ? []
      : counts!.byCombinations.string(id).split(
        separator: "\u{1F}", omittingEmptySubsequences: false
      )
      .map(String.init)
    let by = Array(all.prefix(byColumns))
    let frequency =
      try hasFrequency && (!population || all.count > byColumns + adjustColumns)
      ? Self.frequency(all[byColumns + adjustColumns]) : nil
    let extra =
      population
      ? Array(all.dropFirst(byColumns + adjustColumns + (frequency == nil ? 0 : 1))) : []
    let found = ByPlace(stratum: stratumIndex(by), frequency: frequency, extra: extra)
    places.places[Int(id) + 1] = found
    return found
  }

  /// The group code of each raw group id's number (−1 for unknown and excluded labels), and the
  /// code of each number, so that the loops over strata compare integers rather than strings.
  /// The numbers are the classifier's, shared by events and population.
  private static func codeIndices(_ groups: [GroupPlacement]) -> (codes: [String], index: [Int]) {
    var codes: [String] = []
    var index: [Int] = []
    index.reserveCapacity(groups.count)
    for placement in groups {
      guard case .group(let code, let number) = placement else {
        index.append(-1)
        continue
      }
      // Numbers come in order of first sight, so a new one is usually the next: appended
      // (under `raw`, 20,000 of them), rather than made room for and then set.
      if number == codes.count {
        codes.append(code)
      } else {
        if number > codes.count { codes += repeatElement("", count: number + 1 - codes.count) }
        codes[number] = code
      }
      index.append(number)
    }
    return (codes, index)
  }

  /// The position of each (stratum, code) cell, found once per pair: aggregated inputs add to
  /// each cell once per age band, hundreds of thousands of times, so the loops below look cells
  /// up by integers rather than by hashing the code each time.
  private struct CellPositions {
    let codeCount: Int
    /// Position + 1 by `stratum * codeCount + code` (0 = not yet looked up), while that table
    /// stays small; otherwise the dictionary.
    var dense: [Int32] = []
    var sparse: [Int: Int] = [:]

    init(codes: Int, possibleStrata: Int) {
      codeCount = codes
      let size = codes.multipliedReportingOverflow(by: possibleStrata)
      if !size.overflow && size.partialValue <= 1 << 22 {
        dense = Array(repeating: 0, count: size.partialValue)
      }
    }

    /// The position of the cell, from `make` on first use.
    mutating func position(stratum s: Int, code: Int, make: () -> Int) -> Int {
      let key = s * codeCount + code
      if key < dense.count {
        let known = Int(dense[key])
        if known > 0 { return known - 1 }
        let made = make()
        dense[key] = Int32(made + 1)
        return made
      }
      if let known = sparse[key] { return known }
      let made = make()
      sparse[key] = made
      return made
    }
  }

  /// Adds the events of `counts`; with `populationToo`, the population in the same counts as
  /// well when that can be done in the same pass (no `--by`, no event frequencies), and returns
  /// whether it was (otherwise ``addPopulation(_:groups:bands:referenceBands:)`` adds it).
  @discardableResult
  /// Returns whether the population was added too: asked for with `populationToo`, and the
  /// strata summed plainly (see ``sumsPlainly(_:)``).
  ///
  /// The counts are taken (`consuming`): a caller that hands over its only copy lets the sums of
  /// strata without `--by` free them as soon as they are summed, so that the cells and the
  /// results after them reuse that memory (tens of megabytes for an aggregated file) rather
  /// than touch fresh pages.
  mutating func addEvents(
    _ counts: consuming StrataCounts, groups: [GroupPlacement], bands: AgeAlignment?,
    hasAge: Bool, populationToo: Bool = false
  ) throws -> Bool {
    bandCount = bands?.aligned.bands.count ?? 1
    // Every label was observed when the bands were aligned, so each has a band.
    let bandOf: [Int] =
      hasAge ? try bands.map { b in try counts.ages.strings.map { try b.index(of: $0) } } ?? [] : []
    if sumsPlainly(counts) {
      try addPlainStrata(
        consume counts, groups: groups, events: true, population: populationToo,
        bandOfAge: hasAge ? bandOf : nil, workers: plainStrataWorkers)
      return populationToo
    }
    let bands = bandCount
    try addStrata(
      counts, groups: groups, population: false,
      other: { stratum, placement, t in
        if placement == .unknown {
          stratum.unknownEvents += t.events
        } else {
          stratum.excludedEvents += t.events
        }
      },
      add: { cell, key, t, place in
        let b = hasAge && key.age >= 0 ? bandOf[Int(key.age)] : 0
        cell.add(events: t, band: b, frequency: place.frequency, bands: bands)
      })
    return false
  }

  /// Whether ``addEvents(_:groups:bands:hasAge:populationToo:)`` sums `counts` in flat
  /// buffers (strata without `--by` values or event frequencies), the one way it adds the
  /// population in the same pass.
  func sumsPlainly(_ counts: borrowing StrataCounts) -> Bool {
    !hasFrequency && counts.byCombinations.count == 0
  }

  mutating func addPopulation(
    _ counts: StrataCounts, groups: [GroupPlacement], bands: AgeAlignment?,
    referenceBands: AgeAlignment?
  ) throws {
    let ages = counts.ages.strings
    let bandOf = try bands.map { b in try ages.map { try b.index(of: $0) } }
    let referenceOf = try referenceBands.map { b in
      try ages.map { label in b.aligned.bands[try b.index(of: label)] }
    }
    if !hasFrequency && referenceOf == nil && counts.byCombinations.count == 0 {
      try addPlainStrata(
        counts, groups: groups, events: false, population: true, bandOfAge: bandOf,
        workers: plainStrataWorkers)
      return
    }
    let bands = bandCount
    try addStrata(
      counts, groups: groups, population: true, other: nil,
      add: { cell, key, t, place in
        let b = key.age >= 0 ? (bandOf?[Int(key.age)] ?? 0) : 0
        let band = key.age >= 0 ? referenceOf?[Int(key.age)] : nil
        cell.add(
          population: t, band: b,
          referenceKey: band.map { ReferenceKey(band: $0, keys: place.extra) },
          frequency: place.frequency, bands: bands)
      })
  }

  /// ``addStrata``'s work for an input without `--by` whose additions are plain sums (no event
  /// frequencies, no reference bands): each raw stratum's events and/or population added to its
  /// group's band, unknown and excluded events to the stratum's own tallies.
  ///
  /// Aggregated inputs have a stratum per row, hundreds of thousands, in one `--by` stratum: the
  /// sums are made in flat local buffers (a row of bands per group, in order of first sight) and
  /// the cells made from them once at the end, rather than through each cell's own arrays and a
  /// closure per raw stratum. With the population in the same counts (one aggregated file),
  /// events and population are summed in the same pass. From ``parallelStrata`` strata the
  /// groups are shared between `workers` threads, each summing and making the cells of its own
  /// range of group numbers (this was a sixth of (c)'s time, on one core). Each group's strata
  /// are added by one thread, in the order of the strata, as in one pass, so the sums are
  /// identical, and the cells are appended in the groups' order of first sight.
  private mutating func addPlainStrata(
    _ counts: consuming StrataCounts, groups: [GroupPlacement], events addsEvents: Bool,
    population addsPopulation: Bool, bandOfAge: [Int]?, workers requested: Int?
  ) throws {
    let (codes, codeOf) = Self.codeIndices(groups)
    let bands = bandCount
    let workers = max(
      1,
      requested
        ?? (counts.strataCount >= Self.parallelStrata
          ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1))
    // The band of each age id (0 without ages), read without an optional per stratum.
    let bandOf = (0..<counts.ages.count).map { bandOfAge?[$0] ?? 0 }
    // Worker k's group numbers: lower[k] ..< lower[k + 1].
    let lower = (0...workers).map { $0 * codes.count / workers }
    let parts = (0..<workers).map { k in
      PlainSums(rows: lower[k + 1] - lower[k], bands: bands, sumsOther: k == 0 && addsEvents)
    }
    // The row of each group number among its worker's (−1 before first sight): each worker
    // writes only its own numbers' entries.
    let row = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, codes.count))
    row.initialize(repeating: -1)
    defer { row.deallocate() }
    // One parallel pass over all the blocks, each worker taking them in order: a pass per
    // block waited for the slower worker at the end of each.
    codeOf.withUnsafeBufferPointer { codeOf in
      bandOf.withUnsafeBufferPointer { bandOf in
        counts.withBlocks { blocks in
          var offset = 0
          let work = blocks.map { block in
            defer { offset += block.keys.count }
            return PlainSums.Block(
              keys: block.keys, totals: block.totals, offset: offset, codeOf: codeOf,
              bandOf: bandOf, row: row, events: addsEvents, population: addsPopulation)
          }
          let add: @Sendable (Int) -> Void = { k in
            parts[k].zero()
            for block in work {
              parts[k].add(block, numbers: lower[k]..<lower[k + 1], groups: groups)
            }
          }
          if workers == 1 {
            add(0)
          } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: add)
          }
        }
      }
    }
    // The strata are summed: the counts are freed here if this was their last copy.
    var places = ByPlaces(counts)
    _ = consume counts
    // The one stratum, made as addStrata would make it: if there was an event, or the
    // population of a known group.
    let other = parts[0]
    guard other.seenOther || parts.contains(where: { !$0.rowNumber.isEmpty }) else { return }
    // (The stratum without `--by` values needs no counts.)
    let s = try place(-1, in: &places, counts: nil, population: !addsEvents).stratum
    strata[s].reserveCapacity(codes.count, numbers: codes.count)
    if other.seenOther {
      strata[s].unknownEvents += other.unknown
      strata[s].excludedEvents += other.excluded
    }
    if strata[s].cells.isEmpty {
      // A new stratum (the usual case): every row is a new cell. Each worker makes its cells
      // straight into their places, found first from the rows' order of first sight, rather
      // than into arrays of its own then appended one by one on one core (20,000 cells).
      strata[s].setCells(
        Self.placedCells(parts, codes: codes, events: addsEvents, population: addsPopulation))
      return
    }
    // New cells, made by each worker from its sums; sums for cells that exist already (the
    // population of an earlier file's groups) are added below.
    let stratum = strata[s]
    if workers == 1 {
      parts[0].makeCells(in: stratum, events: addsEvents, population: addsPopulation)
    } else {
      DispatchQueue.concurrentPerform(iterations: workers) { k in
        parts[k].makeCells(in: stratum, events: addsEvents, population: addsPopulation)
      }
    }
    // The copy ends here, so that appending to the stratum below does not copy its arrays.
    _ = consume stratum
    // In the groups' order of first sight.
    for (k, r) in Self.firstSightOrder(parts) {
      let part = parts[k]
      let code = part.rowNumber[r]
      // Moved out of the worker's array, not copied (a copy of a cell retains its five
      // collections, and was most of this loop).
      if let cell = part.newCells[r].take() {
        _ = strata[s].append(cell, code: codes[code], number: code)
        continue
      }
      let c = strata[s].position(ofNumber: code)!
      let range = (r * bands)..<((r + 1) * bands)
      if addsEvents {
        strata[s].cells[c].add(
          sums: UnsafeBufferPointer(rebasing: part.eventSums[range]),
          incompleteRows: part.incompleteEvents[r], valueCount: part.valueCounts[r],
          valueSquares: part.valueSquares[r], population: false)
      }
      if addsPopulation {
        strata[s].cells[c].add(
          sums: UnsafeBufferPointer(rebasing: part.populationSums[range]),
          incompleteRows: part.incompletePopulation[r], valueCount: 0, valueSquares: 0,
          population: true)
      }
    }
  }

  /// The number of raw strata from which ``addPlainStrata`` shares the groups between threads.
  static let parallelStrata = 1 << 16

  /// The workers' rows (worker, row) in the groups' order of first sight: the rows merged by
  /// their first stratum (each worker's rows are in that order already).
  private static func firstSightOrder(_ parts: [PlainSums]) -> [(worker: Int, row: Int)] {
    var order: [(worker: Int, row: Int)] = []
    order.reserveCapacity(parts.reduce(0) { $0 + $1.rowNumber.count })
    var next = [Int](repeating: 0, count: parts.count)
    while true {
      var k = -1
      for w in parts.indices where next[w] < parts[w].rowNumber.count {
        if k < 0 || parts[w].firstStratum[next[w]] < parts[k].firstStratum[next[k]] { k = w }
      }
      guard k >= 0 else { return order }
      order.append((k, next[k]))
      next[k] += 1
    }
  }

  /// The cells of the workers' rows, in the groups' order of first sight (the rows merged by
  /// their first stratum), with their codes and numbers, each worker making its own rows' cells
  /// in their places.
  private static func placedCells(
    _ parts: [PlainSums], codes: [String], events: Bool, population: Bool
  ) -> (cells: [Cell], codes: [String], numbers: [Int]) {
    // Each row's place in the groups' order of first sight.
    var place = parts.map { [Int](repeating: 0, count: $0.rowNumber.count) }
    var numbers: [Int] = []
    for (k, r) in firstSightOrder(parts) {
      place[k][r] = numbers.count
      numbers.append(parts[k].rowNumber[r])
    }
    let count = numbers.count
    let places = place
    let cells = [Cell](unsafeUninitializedCapacity: count) { buffer, initialized in
      nonisolated(unsafe) let out = buffer
      let make: @Sendable (Int) -> Void = { k in
        for (r, p) in places[k].enumerated() {
          (out.baseAddress! + p).initialize(
            to: parts[k].cell(row: r, events: events, population: population))
        }
      }
      if parts.count == 1 {
        make(0)
      } else {
        // Each worker initialises only its own rows' places: together, every place once.
        DispatchQueue.concurrentPerform(iterations: parts.count) { k in make(k) }
      }
      initialized = count
    }
    return (cells, numbers.map { codes[$0] }, numbers)
  }

  /// Adds each raw stratum of `counts` to its cell with `add`, in the order of the strata; the
  /// strata of unknown and excluded labels go to `other` (with their stratum of `--by`), or are
  /// skipped without it. Columns after the `--by` columns (for `--adjust`, or the reference
  /// rates' keys) are summed over.
  private mutating func addStrata(
    _ counts: StrataCounts, groups: [GroupPlacement], population: Bool,
    other: ((inout Stratum, GroupPlacement, StratumTotals) -> Void)?,
    add: (inout Cell, RawStratumKey, StratumTotals, ByPlace) -> Void
  ) throws {
    let (codes, codeOf) = Self.codeIndices(groups)
    var places = ByPlaces(counts)
    var positions = CellPositions(
      codes: codes.count, possibleStrata: counts.byCombinations.count + strata.count + 1)
    let bands = bandCount
    try counts.forEachBlock { keys, totals in
      for (key, t) in zip(keys, totals) {
        let code = codeOf[Int(key.group)]
        if code < 0 && other == nil { continue }
        let place =
          try places.places[Int(key.by) + 1]
          ?? self.place(key.by, in: &places, counts: counts, population: population)
        let s = place.stratum
        guard code >= 0 else {
          other?(&strata[s], groups[Int(key.group)], t)
          continue
        }
        let c = positions.position(stratum: s, code: code) {
          strata[s].position(of: codes[code], number: code, bands: bands)
        }
        add(&strata[s].cells[c], key, t, place)
      }
    }
  }

  /// Reads an event-frequency value: a positive number of events per person.
  static func frequency(_ text: String) throws -> Double {
    guard let f = Double(text), f.isFinite, f > 0 else {
      throw AnalysisError.badEventFrequency(text)
    }
    return f
  }

  /// Where the population came on each event-frequency row, takes it once per band after
  /// checking that the rows agree.
  mutating func settleFrequencyPopulations() throws {
    for s in strata.indices {
      for (c, code) in strata[s].codes.enumerated() {
        let byFrequency = strata[s].cells[c].populationByFrequency
        guard let first = byFrequency.values.first else { continue }
        for (f, values) in byFrequency where values != first {
          throw AnalysisError.inconsistentFrequencyPopulation(
            group: code, frequency: f, stratum: strata[s].by)
        }
        strata[s].cells[c].population = first
      }
    }
  }

  /// Scales each stratum's known events up by (all events) ÷ (known events) and rounds them to
  /// whole events (Poisson limits are for counts), as Aldridge et al. (2020) did; returns a note
  /// per stratum.
  mutating func redistributeUnknown() -> [String] {
    var notes: [String] = []
    for s in strata.indices {
      // In the order of the codes, so that the sum is the same however the cells were made.
      let known = zip(strata[s].codes, strata[s].cells).sorted { $0.0 < $1.0 }.reduce(0) {
        $0 + $1.1.events.reduce(0, +)
      }
      let other = strata[s].unknownEvents + strata[s].excludedEvents
      guard known > 0, other > 0 else { continue }
      let factor = (known + other) / known
      for c in strata[s].cells.indices {
        strata[s].cells[c].events = strata[s].cells[c].events.map {
          ($0 * factor).rounded(.toNearestOrAwayFromZero)
        }
        for (f, events) in strata[s].cells[c].eventsByFrequency {
          strata[s].cells[c].eventsByFrequency[f] = events.map {
            ($0 * factor).rounded(.toNearestOrAwayFromZero)
          }
        }
      }
      let stratum = strata[s].by.isEmpty ? "" : " in \(strata[s].by.joined(separator: ", "))"
      notes.append(
        "Events of unknown or unmapped ethnicity\(stratum) (\(CSVRenderer.format(other)) of \(CSVRenderer.format(known + other))) were redistributed: every group's events were scaled up by \(String(format: "%.4f", factor)) (total ÷ known) and rounded to whole events, as in Aldridge et al. (2020)."
      )
    }
    return notes
  }

  /// Notes on groups with events but no population.
  func joinNotes() -> [String] {
    var missing: [String] = []
    for stratum in strata {
      for (code, cell) in zip(stratum.codes, stratum.cells)
      where cell.hasEvents && !cell.hasPopulation {
        missing.append((stratum.by + [code]).joined(separator: " / "))
      }
    }
    guard !missing.isEmpty else { return [] }
    return [
      "\(missing.count) group(s) have events but no population, so no rate: \(missing.sorted().prefix(10).joined(separator: "; "))."
    ]
  }
}

extension StrataCounts {
  /// Data-quality notes on missing and suppressed values in an input.
  func inputNotes(file: String, kind: String) -> [String] {
    let total = incompleteRows
    var notes: [String] = []
    if total.eventsMissing > 0 {
      notes.append(
        "\(file): \(total.eventsMissing) row(s) had no event count (empty or NA) and add nothing to the events."
      )
    }
    if total.eventsSuppressed > 0 {
      notes.append(
        "\(file): \(total.eventsSuppressed) row(s) had an event count suppressed at source (e.g. <5); they add nothing to the events, so rates are underestimates."
      )
    }
    if total.populationMissing > 0 {
      notes.append("\(file): \(total.populationMissing) row(s) had no \(kind) value (empty or NA).")
    }
    if total.populationSuppressed > 0 {
      notes.append(
        "\(file): \(total.populationSuppressed) row(s) had a \(kind) value suppressed at source.")
    }
    return notes
  }
}
