import DisparityIngest

/// Fits the age labels of the data to a standard population's bands.
///
/// The flow has two passes, so that labels need reading only once per distinct value:
///
/// 1. While reading the inputs (events and population files alike), call
///    ``observe(label:location:)`` with each age field (or only each new distinct one).
/// 2. Call ``align(unobservedBands:)``: it decides the analysis bands and returns an
///    ``AlignedStandardPopulation``.
/// 3. Map each label to its analysis band with
///    ``AlignedStandardPopulation/bandIndex(forLabel:location:)`` (or an integer age with
///    ``AlignedStandardPopulation/bandIndex(forAge:)``) and add the counts there.
///
/// The rules for each distinct data band, against the standard's bands:
/// - inside one standard band: it goes to that band (`Age 5 to 7` → `5-9`, `47` → `45-49`);
/// - exactly a union of consecutive standard bands (`85+` against `85-89` and `90+`): those
///   standard bands merge into one analysis band whose weight is their sum, and the merge is
///   reported in ``AlignedStandardPopulation/merges``;
/// - crossing a standard boundary otherwise (`82-87` against `80-84`, `85-89`): an error naming
///   the band and the standard's bands;
/// - holding ages the standard does not cover: an error.
///
/// In aggregated data, two different bands in one file that share ages (`85+` and `90+`) are an
/// error, since people would be counted twice; across files (events in `85+`, population in
/// `85-89` and `90+`) they are fine. Record-level files, where each row is one person, may mix
/// them (`47`, `90+`): pass `overlapsWithinFile: .allow` for those.
public struct AgeBanding: Sendable {
  /// What to do with standard bands for which the data have no label at all.
  public enum UnobservedBands: Sendable, Hashable {
    /// Stop with ``AgeBandingError/standardBandsWithoutData(standard:bands:dataBands:)`` (the default).
    case error
    /// Leave them out of the analysis bands, and report it in
    /// ``AlignedStandardPopulation/excludedBands`` and the notes.
    case exclude
  }

  /// Whether one file may hold different bands that share ages.
  public enum OverlapsWithinFile: Sendable, Hashable {
    /// Stop with ``AgeBandingError/overlappingLabels(first:firstLocation:second:secondLocation:)``:
    /// for aggregated rows, where overlapping bands count people twice (the default).
    case error
    /// Accept them: for record-level rows, where each row is one person.
    case allow
  }

  private struct Observation: Sendable {
    var label: AgeLabel
    /// The first place the label was seen in each file, keyed by file.
    var firstLocations: [String: SourceLocation]
    var firstLocation: SourceLocation
  }

  /// The standard the data are fitted to.
  public let standard: StandardPopulation
  private var observations: [String: Observation] = [:]
  private var order: [String] = []

  /// Starts with no labels seen.
  public init(standard: StandardPopulation) {
    self.standard = standard
  }

  /// The distinct labels seen so far, in the order first seen.
  public var observedLabels: [String] { order }

  /// Records an age field from an input.
  ///
  /// Each distinct label is parsed once; later sightings cost a dictionary look-up.
  ///
  /// - Throws: ``AgeBandingError`` when the label is not an age or age band.
  public mutating func observe(label: String, location: SourceLocation) throws(AgeBandingError) {
    if var seen = observations[label] {
      if seen.firstLocations[location.file] == nil {
        seen.firstLocations[location.file] = location
        observations[label] = seen
      }
      return
    }
    let parsed = try AgeLabel(label, location: location)
    observations[label] = Observation(
      label: parsed, firstLocations: [location.file: location], firstLocation: location)
    order.append(label)
  }

  /// Records an age in whole years (from a numeric column), as the label `"\(age)"`.
  ///
  /// - Throws: ``AgeBandingError/implausibleAge(_:location:)`` or
  ///   ``AgeBandingError/unrecognisedLabel(_:location:)`` for a negative age.
  public mutating func observe(age: Int, location: SourceLocation) throws(AgeBandingError) {
    try observe(label: String(age), location: location)
  }

  /// Decides the analysis bands from the labels seen and the standard.
  ///
  /// - Parameters:
  ///   - unobservedBands: what to do with standard bands that no label falls in.
  ///   - overlapsWithinFile: whether different bands sharing ages in one file are an error
  ///     (aggregated rows: the default) or allowed (record-level rows).
  /// - Throws: ``AgeBandingError`` for a band that crosses a standard boundary or lies outside
  ///   the standard, two overlapping bands in one file, or (by default) standard bands without data.
  public func align(
    unobservedBands: UnobservedBands = .error, overlapsWithinFile: OverlapsWithinFile = .error
  ) throws(AgeBandingError)
    -> AlignedStandardPopulation
  {
    let standardBands = standard.bands
    let name = standard.abbreviation
    let labels = order.map { observations[$0]!.label }
    let interpreted = AgeLabel.interpret(labels)
    func band(of text: String) -> AgeBand { interpreted[text] ?? observations[text]!.label.band }

    if overlapsWithinFile == .error { try checkOverlapsWithinFiles(band: band) }

    // Place each distinct data band: inside one standard band, or a union of a run of them.
    var unionRuns: [(first: Int, last: Int, label: String)] = []
    for text in order {
      let data = band(of: text)
      let location = observations[text]!.firstLocation
      let touched = standardBands.indices.filter { standardBands[$0].overlaps(data) }
      guard let first = touched.first, let last = touched.last else {
        throw .outsideStandard(
          label: text, band: data, location: location, standard: name, standardBands: standardBands)
      }
      if first == last && standardBands[first].contains(data) { continue }
      let run = standardBands[first...last]
      let contiguous = zip(run, run.dropFirst()).allSatisfy { $0.upper.map { $0 + 1 } == $1.lower }
      let startsBelow = data.lower < run.first!.lower
      let endsAbove = run.last!.upper.map { top in data.upper.map { $0 > top } ?? true } ?? false
      guard contiguous && !startsBelow && !endsAbove else {
        throw .outsideStandard(
          label: text, band: data, location: location, standard: name, standardBands: standardBands)
      }
      guard data.lower == run.first!.lower && data.upper == run.last!.upper else {
        throw .straddlesStandard(
          label: text, band: data, location: location, standard: name, standardBands: standardBands)
      }
      unionRuns.append((first, last, text))
    }

    // Standard bands joined by a union run form one group of consecutive bands.
    var joinedToNext = Array(repeating: false, count: standardBands.count)
    for run in unionRuns {
      for i in run.first..<run.last { joinedToNext[i] = true }
    }
    var groups: [[Int]] = []
    for i in standardBands.indices {
      if i > 0 && joinedToNext[i - 1] {
        groups[groups.count - 1].append(i)
      } else {
        groups.append([i])
      }
    }

    // Which data labels fall in each group.
    func groupBand(_ members: [Int]) -> AgeBand {
      AgeBand(lower: standardBands[members.first!].lower, upper: standardBands[members.last!].upper)
    }
    var labelsInGroup = Array(repeating: [String](), count: groups.count)
    for text in order {
      let data = band(of: text)
      if let g = groups.firstIndex(where: { groupBand($0).contains(data) }) {
        labelsInGroup[g].append(text)
      }
    }

    let empty = groups.indices.filter { labelsInGroup[$0].isEmpty }
    let emptyBands = empty.flatMap { groups[$0].map { standardBands[$0] } }
    if !empty.isEmpty && unobservedBands == .error {
      let dataBands = Set(order.map(band(of:))).sorted()
      throw .standardBandsWithoutData(standard: name, bands: emptyBands, dataBands: dataBands)
    }

    var bands: [AgeBand] = []
    var weights: [Double] = []
    var members: [[Int]] = []
    var merges: [StandardBandMerge] = []
    var coverage: [PartialAgeCoverage] = []
    var labelIndex: [String: Int] = [:]
    for g in groups.indices where !labelsInGroup[g].isEmpty {
      let index = bands.count
      let merged = groupBand(groups[g])
      bands.append(merged)
      weights.append(groups[g].reduce(0) { $0 + standard.weights[$1] })
      members.append(groups[g])
      for text in labelsInGroup[g] { labelIndex[text] = index }
      if groups[g].count > 1 {
        let causes = labelsInGroup[g].filter { text in
          unionRuns.contains { $0.label == text }
        }
        merges.append(
          StandardBandMerge(
            standardBands: groups[g].map { standardBands[$0] }, band: merged,
            dataLabels: causes, dataBands: Set(causes.map(band(of:))).sorted(),
            standardName: name))
      }
      if let gap = Self.uncovered(
        merged, by: labelsInGroup[g].map(band(of:)),
        hasIndividualAges: labelsInGroup[g].contains { observations[$0]!.label.form == .age })
      {
        coverage.append(PartialAgeCoverage(band: merged, missing: gap, standardName: name))
      }
    }

    let readings = order.compactMap { text -> LabelReading? in
      let label = observations[text]!.label
      let read = band(of: text)
      return label.form == .compactBare && read.isOpen
        ? LabelReading(label: text, band: read, reason: "the top of a compact age series") : nil
    }
    return AlignedStandardPopulation(
      standard: standard, bands: bands, weights: weights, standardBandIndices: members,
      merges: merges, excludedBands: emptyBands, partialCoverage: coverage,
      labelBands: Dictionary(uniqueKeysWithValues: order.map { ($0, band(of: $0)) }),
      readings: readings, labelIndex: labelIndex)
  }

  /// Throws when two different bands seen in the same file share ages.
  private func checkOverlapsWithinFiles(band: (String) -> AgeBand) throws(AgeBandingError) {
    var byFile: [String: [(band: AgeBand, label: String, location: SourceLocation)]] = [:]
    for text in order {
      for (file, location) in observations[text]!.firstLocations {
        byFile[file, default: []].append((band(text), text, location))
      }
    }
    for file in byFile.keys.sorted() {
      var entries = byFile[file]!.sorted { $0.band < $1.band }
      // Identical bands written differently ("0-4", "00-04") are the same ages, not an overlap.
      var unique: [(band: AgeBand, label: String, location: SourceLocation)] = []
      for entry in entries where unique.last?.band != entry.band { unique.append(entry) }
      entries = unique
      var widest: (band: AgeBand, label: String, location: SourceLocation)? = nil
      for entry in entries {
        if let w = widest, w.band.overlaps(entry.band) {
          let (first, second) =
            (w.location.line ?? 0) <= (entry.location.line ?? 0) ? (w, entry) : (entry, w)
          throw .overlappingLabels(
            first: first.label, firstLocation: first.location, second: second.label,
            secondLocation: second.location)
        }
        if widest == nil || entry.band.upper == nil
          || (widest!.band.upper != nil && entry.band.upper! > widest!.band.upper!)
        {
          widest = entry
        }
      }
    }
  }

  /// The ages of `band` that none of `dataBands` covers, unless individual ages were seen
  /// (record-level ages are observations, not a tiling, so gaps among them mean nothing).
  private static func uncovered(_ band: AgeBand, by dataBands: [AgeBand], hasIndividualAges: Bool)
    -> [AgeBand]?
  {
    if hasIndividualAges { return nil }
    var missing: [AgeBand] = []
    var next = band.lower  // the youngest age not yet covered
    for data in dataBands.sorted() {
      if data.lower > next { missing.append(AgeBand(lower: next, upper: data.lower - 1)) }
      guard let upper = data.upper else { return missing.isEmpty ? nil : missing }
      next = Swift.max(next, upper + 1)
    }
    if let top = band.upper {
      if next <= top { missing.append(AgeBand(lower: next, upper: top)) }
    } else {
      missing.append(AgeBand(lower: next, upper: nil))
    }
    return missing.isEmpty ? nil : missing
  }
}

/// The standard's weights on the analysis bands: the standard bands, merged where the data's
/// bands span several of them, with every label of the data mapped to one of them.
public struct AlignedStandardPopulation: Sendable {
  /// The standard the bands came from.
  public let standard: StandardPopulation
  /// The analysis bands, in age order.
  public let bands: [AgeBand]
  /// The weight of each analysis band: the sum of the standard bands it is made of.
  public let weights: [Double]
  /// For each analysis band, the indices into `standard.bands` of the bands it is made of.
  public let standardBandIndices: [[Int]]
  /// The standard bands merged to match the data's wider bands.
  public let merges: [StandardBandMerge]
  /// Standard bands left out because the data have no ages there (only with `.exclude`).
  public let excludedBands: [AgeBand]
  /// Analysis bands that the data's bands cover only in part (a note, not an error).
  public let partialCoverage: [PartialAgeCoverage]
  /// How each observed label was read.
  public let labelBands: [String: AgeBand]
  /// Labels whose reading depended on the other labels (a bare `age80` read as `80+`).
  public let readings: [LabelReading]
  private let labelIndex: [String: Int]
  /// The analysis band of each single year of age 0...``AgeLabel/maximumAge``, or -1.
  private let ageIndex: [Int]

  init(
    standard: StandardPopulation, bands: [AgeBand], weights: [Double],
    standardBandIndices: [[Int]], merges: [StandardBandMerge], excludedBands: [AgeBand],
    partialCoverage: [PartialAgeCoverage], labelBands: [String: AgeBand],
    readings: [LabelReading], labelIndex: [String: Int]
  ) {
    self.standard = standard
    self.bands = bands
    self.weights = weights
    self.standardBandIndices = standardBandIndices
    self.merges = merges
    self.excludedBands = excludedBands
    self.partialCoverage = partialCoverage
    self.labelBands = labelBands
    self.readings = readings
    self.labelIndex = labelIndex
    self.ageIndex = (0...AgeLabel.maximumAge).map { age in
      bands.firstIndex { $0.contains(age: age) } ?? -1
    }
  }

  /// The analysis band of every label seen before alignment, keyed by the label as written.
  public var bandIndexByLabel: [String: Int] { labelIndex }

  /// The sum of the analysis bands' weights.
  public var totalWeight: Double { weights.reduce(0, +) }

  /// The sentences a methods note needs: merges, exclusions, label readings, partial coverage.
  public var notes: [String] {
    var notes = merges.map(\.description)
    if !excludedBands.isEmpty {
      notes.append(
        "\(standard.abbreviation) bands \(Self.list(excludedBands.map(\.label))) left out: the data have no ages there."
      )
    }
    notes += readings.map(\.description)
    notes += partialCoverage.map(\.description)
    return notes
  }

  /// The analysis band of a label.
  ///
  /// Labels seen by ``AgeBanding/observe(label:location:)`` are a dictionary look-up; a label
  /// not seen then is parsed and placed if it lies inside one analysis band.
  ///
  /// - Throws: ``AgeBandingError`` when the label is not an age band, lies outside the analysis
  ///   bands, or crosses one of their boundaries.
  public func bandIndex(forLabel label: String, location: SourceLocation? = nil)
    throws(AgeBandingError) -> Int
  {
    if let index = labelIndex[label] { return index }
    let band = try AgeLabel(label, location: location).band
    if let index = bandIndex(containing: band) { return index }
    if bands.contains(where: { $0.overlaps(band) }) {
      throw .straddlesAnalysisBands(
        label: label, band: band, location: location, analysisBands: bands)
    }
    throw .outsideStandard(
      label: label, band: band, location: location, standard: standard.abbreviation,
      standardBands: bands)
  }

  /// The analysis band holding an age in completed years, or `nil` when none does.
  public func bandIndex(forAge age: Int) -> Int? {
    guard age >= 0 && age < ageIndex.count, ageIndex[age] >= 0 else { return nil }
    return ageIndex[age]
  }

  /// The analysis band that wholly contains `band`, or `nil`.
  public func bandIndex(containing band: AgeBand) -> Int? {
    bands.firstIndex { $0.contains(band) }
  }

  /// "a, b and c".
  static func list(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
  }
}

/// Standard bands combined into one analysis band because the data's band spans them.
public struct StandardBandMerge: Sendable, Hashable, CustomStringConvertible {
  /// The standard's bands that were combined, in age order.
  public let standardBands: [AgeBand]
  /// The analysis band they make.
  public let band: AgeBand
  /// The data labels that span several standard bands (`Age 85 and over`).
  public let dataLabels: [String]
  /// Those labels' bands, canonical and in age order (`85+`).
  public let dataBands: [AgeBand]
  /// The standard's abbreviation, for the sentence.
  public let standardName: String

  /// "ESP2013 bands 85-89 and 90+ combined to match the data's 85+."
  public var description: String {
    let standard = AlignedStandardPopulation.list(standardBands.map(\.label))
    let data = AlignedStandardPopulation.list(dataBands.map(\.label))
    return "\(standardName) bands \(standard) combined to match the data's \(data)."
  }
}

/// An analysis band that the data's bands cover only in part.
public struct PartialAgeCoverage: Sendable, Hashable, CustomStringConvertible {
  /// The analysis band.
  public let band: AgeBand
  /// The ages in it that no data band covers.
  public let missing: [AgeBand]
  /// The standard's abbreviation, for the sentence.
  public let standardName: String

  /// "ESP2013 band 5-9: the data have no band for ages 8-9."
  public var description: String {
    let ages = AlignedStandardPopulation.list(missing.map(\.label))
    return "\(standardName) band \(band): the data have no band for ages \(ages)."
  }
}

/// A label whose reading depended on the other labels of the data.
public struct LabelReading: Sendable, Hashable, CustomStringConvertible {
  /// The label as written.
  public let label: String
  /// How it was read.
  public let band: AgeBand
  /// Why.
  public let reason: String

  /// "\"age80\" read as 80+ (the top of a compact age series)."
  public var description: String { "\"\(label)\" read as \(band) (\(reason))." }
}
