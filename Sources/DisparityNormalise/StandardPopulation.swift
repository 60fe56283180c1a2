import DisparityDatasets
import DisparityIngest
import Foundation

/// A standard population: the age bands and weights that direct standardisation averages over.
///
/// The built-in standards are data files in `datasets/standard-populations/` (CSV
/// `age_band,population`, listed with their names and sources in `index.csv`), loaded and
/// validated when first asked for: ``builtIn(named:)``. A user's own standard is a CSV with the
/// same two columns, read with ``load(csvAt:displayName:)``; its weights need not sum to
/// 100,000, and it may cover only the ages the data use.
///
/// The weights are used as they are published; a directly standardised rate divides by their
/// sum, so their scale does not matter (the WHO standard, for instance, sums to 100,035).
public struct StandardPopulation: Sendable, Hashable {
  /// The short identifier: `esp2013`, or the file's name for a custom standard.
  public let id: String
  /// The full name, e.g. "European Standard Population 2013".
  public let name: String
  /// The name used in sentences of a methods note, e.g. "ESP2013".
  public let abbreviation: String
  /// Where the weights come from (a citation), or the file a custom standard was read from.
  public let source: String
  /// The bands in age order, without overlaps.
  public let bands: [AgeBand]
  /// The weight of each band, in the order of ``bands``; every weight is positive.
  public let weights: [Double]
  /// Whether the standard ships with the toolkit.
  public let isBuiltIn: Bool

  /// The identifier of the default standard, `esp2013`.
  public static let defaultID = "esp2013"

  /// The sum of the weights.
  public var total: Double { weights.reduce(0, +) }

  /// Creates a standard from bands and weights, checking them as for a custom standard.
  ///
  /// - Throws: ``StandardPopulationError`` when the bands overlap or a weight is not positive.
  public init(
    id: String, name: String, abbreviation: String? = nil, source: String, bands: [AgeBand],
    weights: [Double]
  ) throws(StandardPopulationError) {
    precondition(bands.count == weights.count, "one weight per band")
    let rows = zip(bands, weights).map {
      (band: $0, weight: $1, location: SourceLocation(file: id))
    }
    try self.init(
      id: id, name: name, abbreviation: abbreviation ?? id, source: source, rows: rows,
      isBuiltIn: false, file: id)
  }

  private init(
    id: String, name: String, abbreviation: String, source: String,
    rows: [(band: AgeBand, weight: Double, location: SourceLocation)], isBuiltIn: Bool,
    file: String
  ) throws(StandardPopulationError) {
    guard !rows.isEmpty else { throw .noBands(file: file) }
    for row in rows where !(row.weight > 0 && row.weight.isFinite) {
      throw .badWeight(String(row.weight), row.location)
    }
    let sorted = rows.sorted { $0.band < $1.band }
    for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.band.overlaps(next.band)
    {
      throw .overlappingBands(previous.band, previous.location, next.band, next.location)
    }
    if isBuiltIn {
      // The shipped standards must cover every age: 0 to an open top band, without gaps.
      if sorted[0].band.lower != 0 { throw .doesNotStartAtZero(sorted[0].band, sorted[0].location) }
      for (previous, next) in zip(sorted, sorted.dropFirst())
      where previous.band.upper.map({ $0 + 1 }) != next.band.lower {
        throw .gap(previous.band, previous.location, next.band, next.location)
      }
      if let last = sorted.last, !last.band.isOpen {
        throw .closedTopBand(last.band, last.location)
      }
    }
    self.id = id
    self.name = name
    self.abbreviation = abbreviation
    self.source = source
    self.bands = sorted.map(\.band)
    self.weights = sorted.map(\.weight)
    self.isBuiltIn = isBuiltIn
  }

  // MARK: - Built-in standards

  /// One entry of `standard-populations/index.csv`.
  private struct IndexEntry {
    var id: String
    var file: String
    var name: String
    var abbreviation: String
    var source: String
  }

  private static let folder = "standard-populations"

  private static func readIndex() throws(StandardPopulationError) -> [IndexEntry] {
    let display = "\(folder)/index.csv"
    let table: CSVTable
    do {
      table = try CSVTable(
        contentsOf: BuiltInDatasets.url(display).path, displayName: display)
    } catch { throw .csv(error) }
    let columns: [Int]
    do {
      columns = try ["id", "file", "name", "abbreviation", "source"].map {
        name throws(CSVTableError) in
        try table.columnIndex(name)
      }
    } catch { throw .csv(error) }
    var seen: Set<String> = []
    var entries: [IndexEntry] = []
    for row in table.rows {
      let f = columns.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }
      guard !f[0].isEmpty, seen.insert(f[0]).inserted else {
        throw .badIndexEntry(f[0], table.location(row: row, column: columns[0]))
      }
      entries.append(IndexEntry(id: f[0], file: f[1], name: f[2], abbreviation: f[3], source: f[4]))
    }
    return entries
  }

  /// The identifiers of the built-in standards, in the order `index.csv` lists them.
  ///
  /// - Throws: ``StandardPopulationError`` when the built-in index cannot be read.
  public static func builtInIDs() throws(StandardPopulationError) -> [String] {
    try readIndex().map(\.id)
  }

  /// Loads a built-in standard by identifier: `esp2013`, `esp1976`, `who2000` or `us2000`.
  ///
  /// Case, spaces, hyphens and underscores are ignored (`ESP-2013` is `esp2013`).
  ///
  /// - Throws: ``StandardPopulationError/unknownName(_:available:suggestion:)`` (a usage error)
  ///   listing the names and suggesting the nearest; a data error naming the file and line when
  ///   the shipped file is broken.
  public static func builtIn(named name: String) throws(StandardPopulationError)
    -> StandardPopulation
  {
    let entries = try readIndex()
    let wanted = comparable(name)
    guard let entry = entries.first(where: { comparable($0.id) == wanted }) else {
      let ids = entries.map(\.id)
      throw .unknownName(name, available: ids, suggestion: nearest(to: wanted, among: ids))
    }
    let display = "\(folder)/\(entry.file)"
    return try loadBuiltIn(
      csvAt: BuiltInDatasets.url(display).path, displayName: display, id: entry.id,
      name: entry.name, abbreviation: entry.abbreviation, source: entry.source)
  }

  /// Reads a file under the rules for a shipped standard: bands from 0 to an open top band
  /// without gaps. Internal so that tests can check the rules on broken copies.
  static func loadBuiltIn(
    csvAt path: String, displayName: String, id: String, name: String, abbreviation: String,
    source: String
  ) throws(StandardPopulationError) -> StandardPopulation {
    let rows = try readRows(path: path, displayName: displayName)
    return try StandardPopulation(
      id: id, name: name, abbreviation: abbreviation, source: source, rows: rows, isBuiltIn: true,
      file: displayName)
  }

  /// Loads and validates every built-in standard (for a start-up check).
  ///
  /// - Throws: the first problem found, naming the file and line.
  public static func allBuiltIn() throws(StandardPopulationError) -> [StandardPopulation] {
    var all: [StandardPopulation] = []
    for id in try builtInIDs() { all.append(try builtIn(named: id)) }
    return all
  }

  /// Reads a custom standard: a CSV with columns `age_band` and `population` (others ignored).
  ///
  /// Bands may be written in any form ``AgeLabel`` accepts and in any order; they must not
  /// overlap, and each weight must be a positive number (`1,234` with a thousands separator is
  /// accepted). The standard may start above 0, stop at a closed band, and leave gaps: ages it
  /// does not cover are an error only if the data have them.
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - displayName: the name errors give the file; the path by default.
  /// - Throws: ``StandardPopulationError`` naming the file, line and column of the problem.
  public static func load(csvAt path: String, displayName: String? = nil)
    throws(StandardPopulationError) -> StandardPopulation
  {
    let display = displayName ?? path
    let rows = try readRows(path: path, displayName: display)
    let stem = URL(fileURLWithPath: display).deletingPathExtension().lastPathComponent
    return try StandardPopulation(
      id: stem, name: "custom standard population (\(display))",
      abbreviation: "the custom standard",
      source: display, rows: rows, isBuiltIn: false, file: display)
  }

  /// The standard a `--standard NAME|FILE` option names: a built-in identifier, or else a file.
  ///
  /// - Throws: ``StandardPopulationError/unknownName(_:available:suggestion:)`` when the
  ///   argument is neither a built-in name nor an existing file.
  public static func named(orPath argument: String) throws(StandardPopulationError)
    -> StandardPopulation
  {
    let ids = try builtInIDs()
    if ids.contains(where: { comparable($0) == comparable(argument) }) {
      return try builtIn(named: argument)
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      return try load(csvAt: argument)
    }
    throw .unknownName(
      argument, available: ids, suggestion: nearest(to: comparable(argument), among: ids))
  }

  private static func readRows(path: String, displayName: String) throws(StandardPopulationError)
    -> [(band: AgeBand, weight: Double, location: SourceLocation)]
  {
    let table: CSVTable
    let bandColumn: Int
    let weightColumn: Int
    do {
      table = try CSVTable(contentsOf: path, displayName: displayName)
      bandColumn = try table.columnIndex("age_band")
      weightColumn = try table.columnIndex("population")
    } catch { throw .csv(error) }
    var labels: [(label: AgeLabel, location: SourceLocation)] = []
    var weights: [Double] = []
    for row in table.rows {
      let bandLocation = table.location(row: row, column: bandColumn)
      let weightLocation = table.location(row: row, column: weightColumn)
      let label: AgeLabel
      do {
        label = try AgeLabel(row.fields[bandColumn], location: bandLocation)
      } catch { throw .badBand(error) }
      guard let weight = parseWeight(row.fields[weightColumn]), weight > 0 else {
        throw .badWeight(row.fields[weightColumn], weightLocation)
      }
      labels.append((label, bandLocation))
      weights.append(weight)
    }
    let interpreted = AgeLabel.interpret(labels.map(\.label))
    return zip(labels, weights).map { entry, weight in
      (interpreted[entry.label.text] ?? entry.label.band, weight, entry.location)
    }
  }

  /// A decimal number, allowing thousands separators in groups of three (`1,234.5`).
  private static func parseWeight(_ field: String) -> Double? {
    let text = field.trimmingCharacters(in: .whitespaces)
    if let value = Double(text), value.isFinite { return value }
    let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
    guard groups.count > 1, (1...3).contains(groups[0].count),
      groups.dropFirst().allSatisfy({ $0.count == 3 }),
      groups.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
    else { return nil }
    let plain = groups.joined() + (parts.count > 1 ? "." + parts[1] : "")
    return Double(plain).flatMap { $0.isFinite ? $0 : nil }
  }

  /// A name reduced for comparison: lower case, without spaces, hyphens or underscores.
  private static func comparable(_ name: String) -> String {
    String(name.lowercased().filter { !" -_".contains($0) })
  }

  /// The closest identifier by edit distance, if it is close enough to be a plausible slip.
  ///
  private static func nearest(to name: String, among ids: [String]) -> String? {
    let scored = ids.map { (id: $0, score: NearestName.editDistance(name, $0)) }
      .sorted { $0.score < $1.score }
    guard let best = scored.first else { return nil }
    // A prefix ("who", "esp") or a distance of at most half the name is a plausible slip.
    if best.id.hasPrefix(name) && !name.isEmpty { return best.id }
    return best.score <= max(2, best.id.count / 2) ? best.id : nil
  }
}

/// A problem finding, reading or checking a standard population.
public enum StandardPopulationError: DisparityError, Equatable {
  /// No built-in standard has this name, and no such file exists (a usage error).
  case unknownName(String, available: [String], suggestion: String?)
  /// The file could not be read or parsed as CSV, or lacks a required column.
  case csv(CSVTableError)
  /// A band label is not an age band.
  case badBand(AgeBandingError)
  /// A weight is not a positive number.
  case badWeight(String, SourceLocation)
  /// Two bands share ages.
  case overlappingBands(AgeBand, SourceLocation, AgeBand, SourceLocation)
  /// A built-in standard skips ages between two bands.
  case gap(AgeBand, SourceLocation, AgeBand, SourceLocation)
  /// A built-in standard does not start at age 0.
  case doesNotStartAtZero(AgeBand, SourceLocation)
  /// A built-in standard's oldest band is closed, so older ages have no weight.
  case closedTopBand(AgeBand, SourceLocation)
  /// The file has a header but no bands.
  case noBands(file: String)
  /// `index.csv` has an empty or repeated identifier.
  case badIndexEntry(String, SourceLocation)

  public var kind: ErrorKind {
    switch self {
    case .unknownName: return .usage
    case .csv(let error): return error.kind
    default: return .data
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .unknownName: return nil
    case .csv(let error): return error.location
    case .badBand(let error): return error.location
    case .badWeight(_, let l), .overlappingBands(_, let l, _, _), .gap(_, let l, _, _),
      .doesNotStartAtZero(_, let l), .closedTopBand(_, let l), .badIndexEntry(_, let l):
      return l
    case .noBands(let file): return SourceLocation(file: file)
    }
  }

  public var description: String {
    switch self {
    case .unknownName(let name, let available, let suggestion):
      let hint = suggestion.map { " Did you mean \($0)?" } ?? ""
      return
        "there is no standard population \"\(name)\" and no file of that name.\(hint) The built-in standards are \(available.joined(separator: ", ")); a custom standard is a CSV file with columns age_band,population."
    case .csv(let error):
      return error.description
    case .badBand(let error):
      return "\(error.description) (in a standard population file)"
    case .badWeight(let text, let l):
      return
        "\(l): the weight \"\(text)\" is not a positive number. Each band needs a population above 0."
    case .overlappingBands(let a, let la, let b, let lb):
      return
        "\(lb): the band \(b) overlaps the band \(a) on line \(la.line.map(String.init) ?? "?"); a standard's bands must not share ages."
    case .gap(let a, let la, let b, _):
      return
        "\(la): the built-in standard skips from \(a) to \(b); its bands must cover every age without gaps."
    case .doesNotStartAtZero(let band, let l):
      return "\(l): the built-in standard starts at \(band); it must start at age 0."
    case .closedTopBand(let band, let l):
      return
        "\(l): the built-in standard ends with the closed band \(band); its last band must be open (such as 90+)."
    case .noBands(let file):
      return "\(file): the standard population has no bands. Add rows age_band,population."
    case .badIndexEntry(let id, let l):
      return "\(l): the standard-population index has an empty or repeated identifier \"\(id)\"."
    }
  }
}
