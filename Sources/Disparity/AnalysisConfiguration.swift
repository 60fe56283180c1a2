import DisparityIngest
import DisparityNormalise
import DisparityReport
import Foundation
import TOMLKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The settings of an analysis as a person writes them, on the command line or in a TOML file.
///
/// Every setting is optional: `nil` means "not given". A configuration file and the command line
/// each fill one of these; ``overriding(with:)`` lays the command line over the file, and
/// ``specification()`` applies the stated defaults to whatever is still unset and checks every
/// value, naming the flag or the file, line and key of a bad one.
///
/// ```swift
/// let file = try AnalysisOptions(configurationAt: "analysis.toml")
/// var flags = AnalysisOptions()
/// flags.confidence = [0.95, 0.998]
/// let specification = try file.overriding(with: flags).specification()
/// let result = try Analysis(specification: specification).run()
/// ```
///
/// A configuration file's keys are the long flag names of `disparity analyse`:
///
/// ```toml
/// inputs = ["deaths.csv"]          # or "data/*.csv"; paths are relative to this file
/// numerator = "deaths"
/// population = "population.csv"
/// age = "age"
/// by = ["sex"]
/// confidence = [0.95, 0.998]
/// reference-rates = "england.csv"
/// ```
public struct AnalysisOptions: Sendable, Equatable {
  /// A setting, named as its long flag and its configuration key.
  public enum Key: String, Sendable, CaseIterable, Comparable {
    case inputs, numerator, denominator, population, group, scheme, age, standard, by, measure
    case multiplier, confidence, reference, indirect
    case referenceRates = "reference-rates"
    case ciMethod = "ci-method"
    case unknown, strict, mapping, delimiter
    case noSuppress = "no-suppress"
    case suppress
    case inequality, favourable, ordered, adjust, quasi
    case eventFrequency = "event-frequency"
    case table
    case format, output, quiet
    case logFormat = "log-format"

    /// The flag, e.g. `--reference-rates` (`INPUT` for the positional inputs).
    public var flag: String { self == .inputs ? "INPUT" : "--" + rawValue }

    /// Whether the value is a path, resolved against the configuration file's folder.
    var isPath: Bool {
      switch self {
      case .inputs, .population, .referenceRates, .mapping, .output, .standard: return true
      default: return false
      }
    }

    /// The TOML types the key accepts, in words, with an example.
    var expectedType: String {
      switch self {
      case .inputs: return "a string or a list of strings (e.g. [\"deaths.csv\"] or \"data/*.csv\")"
      case .by: return "a string or a list of strings (e.g. [\"sex\", \"region\"])"
      case .adjust: return "a string or a list of strings (e.g. [\"age\", \"sex\", \"imd\"])"
      case .format: return "a string or a list of strings (e.g. \"csv\" or [\"csv\", \"md\"])"
      case .multiplier: return "a number (e.g. 100000)"
      case .suppress: return "a number (e.g. 7)"
      case .confidence: return "a number or a list of numbers (e.g. 0.95 or [0.95, 0.998])"
      case .indirect, .strict, .noSuppress, .quiet, .inequality, .favourable, .quasi:
        return "true or false"
      default: return "a string (in double quotes)"
      }
    }

    public static func < (a: Key, b: Key) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  /// Where a setting came from, for messages.
  public enum Source: Sendable, Equatable {
    /// A flag on the command line.
    case commandLine
    /// A key of a configuration file, at this place.
    case configuration(SourceLocation)
  }

  /// Input files or glob patterns (`-` is standard input).
  public var inputs: [String]?
  /// The column of event counts.
  public var numerator: String?
  /// The column of population, person-years or trials.
  public var denominator: String?
  /// A separate file of denominators.
  public var population: String?
  /// The grouping column.
  public var group: String?
  /// The target ethnicity classification.
  public var scheme: String?
  /// The age column.
  public var age: String?
  /// The standard population: a built-in name or a CSV file.
  public var standard: String?
  /// Further strata.
  public var by: [String]?
  /// `rate` or `proportion`.
  public var measure: String?
  /// The multiplier.
  public var multiplier: Double?
  /// One or two confidence levels.
  public var confidence: [Double]?
  /// The reference group: a group, `largest`, `overall` or `none`.
  public var reference: String?
  /// Whether to standardise indirectly as well.
  public var indirect: Bool?
  /// Reference rates for indirect standardisation.
  public var referenceRates: String?
  /// The interval method.
  public var ciMethod: String?
  /// `exclude` or `redistribute` records of unknown ethnicity.
  public var unknown: String?
  /// Whether unmapped ethnicity values are an error.
  public var strict: Bool?
  /// A user mapping file.
  public var mapping: String?
  /// The input delimiter: `comma`, `tab` or `semicolon`.
  public var delimiter: String?
  /// Whether machine outputs skip disclosure control.
  public var noSuppress: Bool?
  /// Counts from 1 to this value are withheld (default 7).
  public var suppress: Double?
  /// Whether to add the summary measures of inequality.
  public var inequality: Bool?
  /// Whether higher values of the indicator are better.
  public var favourable: Bool?
  /// A `by` column that is an ordered dimension.
  public var ordered: String?
  /// Columns to adjust for in a regression.
  public var adjust: [String]?
  /// Whether the regression uses the quasi-likelihood dispersion.
  public var quasi: Bool?
  /// The column of events per person (non-independent events).
  public var eventFrequency: String?
  /// The table a CSV output carries: results, inequality or adjusted.
  public var table: String?
  /// Output formats.
  public var format: [String]?
  /// An output folder, or `-` for standard output.
  public var output: String?
  /// Whether to print nothing on standard error but errors.
  public var quiet: Bool?
  /// `text` or `json` messages on standard error.
  public var logFormat: String?

  /// Where each given setting came from.
  public var sources: [Key: Source] = [:]

  /// Options with nothing set.
  public init() {}

  // MARK: - Defaults

  /// The output formats when none is given.
  public static let defaultFormat = ["csv"]
  /// The output destination when none is given: standard output.
  public static let defaultOutput = "-"
  /// The log format when none is given.
  public static let defaultLogFormat = "text"

  /// The output formats in force.
  public var effectiveFormat: [String] { format ?? Self.defaultFormat }
  /// The output destination in force.
  public var effectiveOutput: String { output ?? Self.defaultOutput }

  /// Whether a setting was given (by either source).
  public func isSet(_ key: Key) -> Bool {
    switch key {
    case .inputs: return inputs != nil
    case .numerator: return numerator != nil
    case .denominator: return denominator != nil
    case .population: return population != nil
    case .group: return group != nil
    case .scheme: return scheme != nil
    case .age: return age != nil
    case .standard: return standard != nil
    case .by: return by != nil
    case .measure: return measure != nil
    case .multiplier: return multiplier != nil
    case .confidence: return confidence != nil
    case .reference: return reference != nil
    case .indirect: return indirect != nil
    case .referenceRates: return referenceRates != nil
    case .ciMethod: return ciMethod != nil
    case .unknown: return unknown != nil
    case .strict: return strict != nil
    case .mapping: return mapping != nil
    case .delimiter: return delimiter != nil
    case .noSuppress: return noSuppress != nil
    case .suppress: return suppress != nil
    case .inequality: return inequality != nil
    case .favourable: return favourable != nil
    case .ordered: return ordered != nil
    case .adjust: return adjust != nil
    case .quasi: return quasi != nil
    case .eventFrequency: return eventFrequency != nil
    case .table: return table != nil
    case .format: return format != nil
    case .output: return output != nil
    case .quiet: return quiet != nil
    case .logFormat: return logFormat != nil
    }
  }

  // MARK: - Merging

  /// These options with every setting that `other` gives replaced by `other`'s (the command line
  /// over a configuration file).
  public func overriding(with other: AnalysisOptions) -> AnalysisOptions {
    var merged = self
    func take<T>(_ path: WritableKeyPath<AnalysisOptions, T?>, _ key: Key) {
      if let value = other[keyPath: path] {
        merged[keyPath: path] = value
        merged.sources[key] = other.sources[key] ?? .commandLine
      }
    }
    take(\.inputs, .inputs)
    take(\.numerator, .numerator)
    take(\.denominator, .denominator)
    take(\.population, .population)
    take(\.group, .group)
    take(\.scheme, .scheme)
    take(\.age, .age)
    take(\.standard, .standard)
    take(\.by, .by)
    take(\.measure, .measure)
    take(\.multiplier, .multiplier)
    take(\.confidence, .confidence)
    take(\.reference, .reference)
    take(\.indirect, .indirect)
    take(\.referenceRates, .referenceRates)
    take(\.ciMethod, .ciMethod)
    take(\.unknown, .unknown)
    take(\.strict, .strict)
    take(\.mapping, .mapping)
    take(\.delimiter, .delimiter)
    take(\.noSuppress, .noSuppress)
    take(\.suppress, .suppress)
    take(\.inequality, .inequality)
    take(\.favourable, .favourable)
    take(\.ordered, .ordered)
    take(\.adjust, .adjust)
    take(\.quasi, .quasi)
    take(\.eventFrequency, .eventFrequency)
    take(\.table, .table)
    take(\.format, .format)
    take(\.output, .output)
    take(\.quiet, .quiet)
    take(\.logFormat, .logFormat)
    return merged
  }

  // MARK: - The specification

  /// The typed specification: these settings, the defaults for the rest, glob patterns among the
  /// inputs expanded (sorted), every value checked.
  ///
  /// - Throws: ``ConfigurationError`` (a usage error) naming the flag, or the configuration
  ///   file, line and key, of the first bad value.
  public func specification() throws(ConfigurationError) -> AnalysisSpecification {
    var s = AnalysisSpecification(inputs: try InputFiles.expand(inputs ?? []))
    s.numerator = numerator
    s.denominator = denominator
    s.populationFile = population
    s.group = group
    if let scheme { s.scheme = scheme }
    s.age = age
    if let standard { s.standard = standard }
    s.by = (by ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    if let measure {
      guard let m = AnalysisSpecification.Measure(rawValue: measure.lowercased()) else {
        throw invalid(.measure, "must be rate, proportion or mean, not \"\(measure)\".")
      }
      s.measure = m
    }
    if let multiplier {
      guard multiplier > 0 && multiplier.isFinite else {
        throw invalid(.multiplier, "must be a positive number, not \(multiplier).")
      }
      s.multiplier = multiplier
    }
    if let confidence { s.confidence = try checkedConfidence(confidence) }
    if let reference { s.reference = .init(parsing: reference) }
    s.indirect = indirect ?? false
    s.referenceRates = referenceRates
    if referenceRates != nil && !s.indirect {
      throw invalid(
        .referenceRates, "is used by indirect standardisation; add --indirect (or indirect = true)."
      )
    }
    s.ciMethod = ciMethod?.lowercased()
    if let unknown {
      guard let u = AnalysisSpecification.UnknownEthnicity(rawValue: unknown.lowercased()) else {
        throw invalid(.unknown, "must be exclude or redistribute, not \"\(unknown)\".")
      }
      s.unknown = u
    }
    s.strict = strict ?? false
    s.mappingFile = mapping
    if let delimiter {
      do { s.delimiter = try CSVDelimiter(argument: delimiter) } catch {
        throw invalid(.delimiter, "must be comma, tab or semicolon, not \"\(delimiter)\".")
      }
    }
    s.noSuppress = noSuppress ?? false
    if let suppress {
      guard suppress >= 0 && suppress.isFinite else {
        throw invalid(
          .suppress,
          "must be a count of 0 or more (counts from 1 to it are withheld), not \(suppress).")
      }
      s.suppressThreshold = suppress
    }
    s.ordered = ordered
    s.inequality = (inequality ?? false) || ordered != nil
    s.favourable = favourable ?? false
    s.adjust = (adjust ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    s.quasi = quasi ?? false
    s.eventFrequency = eventFrequency
    if let table, !["results", "inequality", "adjusted"].contains(table) {
      throw invalid(.table, "must be results, inequality or adjusted, not \"\(table)\".")
    }
    if let format {
      do { _ = try OutputFormat.parseList(format.joined(separator: ",")) } catch {
        let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        throw invalid(
          .format, "must be one or more of \(names), not \"\(format.joined(separator: ","))\".")
      }
    }
    if let logFormat, !["text", "json"].contains(logFormat.lowercased()) {
      throw invalid(.logFormat, "must be text or json, not \"\(logFormat)\".")
    }
    return s
  }

  /// Checks one or two levels: each between 0 and 1 (95 is read as 95%), no two the same.
  func checkedConfidence(_ values: [Double]) throws(ConfigurationError) -> [Double] {
    var levels: [Double] = []
    for value in values {
      var level = value
      // 95 or 99.8 mean per cent; 1.5 would be read as 1.5%, which is surely a slip, so levels
      // below 50% are refused.
      if level >= 50 && level < 100 { level /= 100 }
      guard level >= 0.5 && level < 1 else {
        throw invalid(
          .confidence,
          "levels are between 0.5 and 1 (or 50 and 100 per cent), e.g. 0.95 or 0.998; not \(value)."
        )
      }
      levels.append(level)
    }
    guard (1...2).contains(levels.count), Set(levels).count == levels.count else {
      throw invalid(.confidence, "takes one or two different levels, e.g. 0.95 or 0.95,0.998.")
    }
    return levels
  }

  /// Parses `--confidence 0.95` or `0.95,0.998`.
  ///
  /// - Throws: ``ConfigurationError/invalidValue(_:_:problem:)`` for text that is not a list of
  ///   numbers.
  public static func parseConfidence(_ text: String, source: Source = .commandLine)
    throws(ConfigurationError) -> [Double]
  {
    var levels: [Double] = []
    for part in text.split(separator: ",") {
      guard let level = Double(part.trimmingCharacters(in: .whitespaces)) else {
        throw ConfigurationError.invalidValue(
          .confidence, source,
          problem: "takes levels such as 0.95 or 0.95,0.998, not \"\(text)\".")
      }
      levels.append(level)
    }
    return levels
  }

  /// Splits a comma-separated list (`sex,region`), trimming spaces and dropping empty parts.
  public static func splitList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
  }

  func invalid(_ key: Key, _ problem: String) -> ConfigurationError {
    .invalidValue(key, sources[key] ?? .commandLine, problem: problem)
  }

  // MARK: - Stating the defaults

  /// One line for standard error saying the settings that matter and which are defaults, e.g.
  /// `Settings: scheme nhs-2001 (default); standard esp2013 (default); ...`.
  public func settingsSummary(for s: AnalysisSpecification) -> String {
    func mark(_ key: Key) -> String { isSet(key) ? "" : " (default)" }
    var parts: [String] = []
    parts.append("scheme \(s.scheme)\(mark(.scheme))")
    if s.age != nil { parts.append("standard \(s.standard)\(mark(.standard))") }
    parts.append("measure \(s.measure.rawValue)\(mark(.measure))")
    parts.append(
      "multiplier \(CSVRenderer.format(s.effectiveMultiplier))\(mark(.multiplier))")
    let levels = s.confidence.map { "\($0)" }
    parts.append("confidence \(levels.joined(separator: ","))\(mark(.confidence))")
    let intervals: String
    if let method = s.ciMethod {
      intervals = method
    } else if s.measure == .proportion {
      intervals = "wilson (default)"
    } else {
      intervals =
        "exact below 10 events, byar from 10"
        + (s.age != nil ? ", dobson for standardised rates" : "")
        + " (default)"
    }
    parts.append("intervals \(intervals)")
    let reference: String
    switch s.reference {
    case .group(let name): reference = name
    case .largest: reference = "largest"
    case .overall: reference = "overall"
    case .none: reference = "none"
    }
    parts.append("reference \(reference)\(mark(.reference))")
    parts.append("unknown ethnicity \(s.unknown.rawValue)\(mark(.unknown))")
    parts.append(
      "disclosure control \(s.noSuppress ? "off" : "counts 1 to \(CSVRenderer.format(s.suppressThreshold)) suppressed")\(mark(.noSuppress))"
    )
    return "Settings: " + parts.joined(separator: "; ") + "."
  }
}

// MARK: - Reading a configuration file

extension AnalysisOptions {
  /// Reads a TOML configuration file; relative paths in it are taken from the file's folder.
  ///
  /// - Throws: ``ConfigurationError``: the file cannot be read, is not valid TOML (with line and
  ///   column), or has unknown keys or values of the wrong type (every one of them, each with
  ///   its line and, for an unknown key, the nearest valid key).
  public init(configurationAt path: String) throws(ConfigurationError) {
    let text: String
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      guard let decoded = String(data: data, encoding: .utf8) else {
        throw ConfigurationError.unreadable(file: path, reason: "it is not UTF-8 text")
      }
      text = decoded
    } catch let error as ConfigurationError {
      throw error
    } catch {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      let reason =
        !exists ? "no such file" : isDirectory.boolValue ? "it is a folder" : "it cannot be read"
      throw ConfigurationError.unreadable(file: path, reason: reason)
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    try self.init(toml: text, file: path, baseDirectory: folder)
  }

  /// Reads configuration text.
  ///
  /// - Parameters:
  ///   - toml: the TOML document.
  ///   - file: how to name it in messages.
  ///   - baseDirectory: the folder relative paths are taken from; `nil` leaves them as written.
  /// - Throws: ``ConfigurationError`` as for ``init(configurationAt:)``.
  public init(toml: String, file: String, baseDirectory: String? = nil)
    throws(ConfigurationError)
  {
    self.init()
    let table: TOMLTable
    do {
      table = try TOMLTable(string: toml)
    } catch let error as TOMLParseError {
      throw ConfigurationError.syntax(
        error.description,
        SourceLocation(
          file: file, line: error.source.begin.line, column: error.source.begin.column))
    } catch {
      throw ConfigurationError.syntax("\(error)", SourceLocation(file: file))
    }
    let lines = TOMLKeyLines(toml)
    var problems: [ConfigurationError] = []
    for name in table.keys.sorted(by: { lines.line(of: $0) ?? 0 < lines.line(of: $1) ?? 0 }) {
      let location = SourceLocation(file: file, line: lines.line(of: name))
      guard let key = Key(rawValue: name) else {
        problems.append(.unknownKey(name, location, nearest: Self.nearestKey(to: name)))
        continue
      }
      guard let value = table[name] else { continue }
      do {
        try set(key, from: value, location: location, baseDirectory: baseDirectory)
      } catch {
        problems.append(error)
      }
    }
    if problems.count == 1 { throw problems[0] }
    if !problems.isEmpty { throw ConfigurationError.several(problems) }
  }

  /// The valid key nearest to a misspelt one (edit distance, ignoring case and `_` for `-`).
  static func nearestKey(to name: String) -> String? {
    let keys = Key.allCases.map(\.rawValue)
    let folded = name.replacingOccurrences(of: "_", with: "-")
    if keys.contains(folded.lowercased()) { return folded.lowercased() }
    return NearestName.suggest(folded, among: keys)
  }

  private mutating func set(
    _ key: Key, from value: any TOMLValueConvertible, location: SourceLocation,
    baseDirectory: String?
  ) throws(ConfigurationError) {
    func wrongType() -> ConfigurationError {
      .wrongType(key, location, expected: key.expectedType, found: Self.describe(value.type))
    }
    func string() throws(ConfigurationError) -> String {
      guard let text = value.string else { throw wrongType() }
      return text
    }
    func strings() throws(ConfigurationError) -> [String] {
      if let text = value.string { return [text] }
      guard let array = value.array else { throw wrongType() }
      var out: [String] = []
      for element in array {
        guard let text = element.string else { throw wrongType() }
        out.append(text)
      }
      return out
    }
    func number(_ element: any TOMLValueConvertible) -> Double? {
      element.double ?? element.int.map(Double.init)
    }
    func bool() throws(ConfigurationError) -> Bool {
      guard let flag = value.bool else { throw wrongType() }
      return flag
    }
    func path(_ text: String) -> String { Self.resolve(text, against: baseDirectory) }

    switch key {
    case .inputs: inputs = try strings().map(path)
    case .numerator: numerator = try string()
    case .denominator: denominator = try string()
    case .population: population = path(try string())
    case .group: group = try string()
    case .scheme: scheme = try string()
    case .age: age = try string()
    case .standard:
      let text = try string()
      standard = Self.isBuiltInStandard(text) ? text : path(text)
    case .by:
      by = try strings().flatMap(Self.splitList)
    case .measure: measure = try string()
    case .multiplier:
      guard let x = number(value) else { throw wrongType() }
      multiplier = x
    case .confidence:
      if let text = value.string {
        confidence = try Self.parseConfidence(text, source: .configuration(location))
      } else if let x = number(value) {
        confidence = [x]
      } else if let array = value.array {
        var levels: [Double] = []
        for element in array {
          guard let x = number(element) else { throw wrongType() }
          levels.append(x)
        }
        confidence = levels
      } else {
        throw wrongType()
      }
    case .reference: reference = try string()
    case .indirect: indirect = try bool()
    case .referenceRates: referenceRates = path(try string())
    case .ciMethod: ciMethod = try string()
    case .unknown: unknown = try string()
    case .strict: strict = try bool()
    case .mapping: mapping = path(try string())
    case .delimiter: delimiter = try string()
    case .noSuppress: noSuppress = try bool()
    case .suppress:
      guard let x = number(value) else { throw wrongType() }
      suppress = x
    case .inequality: inequality = try bool()
    case .favourable: favourable = try bool()
    case .ordered: ordered = try string()
    case .adjust: adjust = try strings().flatMap(Self.splitList)
    case .quasi: quasi = try bool()
    case .eventFrequency: eventFrequency = try string()
    case .table: table = try string()
    case .format: format = try strings().flatMap(Self.splitList)
    case .output: output = path(try string())
    case .quiet: quiet = try bool()
    case .logFormat: logFormat = try string()
    }
    sources[key] = .configuration(location)
  }

  /// A TOML type with its article: "a string", "an integer".
  static func describe(_ type: TOMLType) -> String {
    switch type {
    case .int: return "an integer"
    case .array: return "an array"
    case .double: return "a number with a decimal point"
    case .bool: return "a boolean"
    case .table: return "a table"
    case .string: return "a string"
    default: return "a \(type.description)"
    }
  }

  /// A path from a configuration file: absolute paths and `-` as they are, others from `folder`.
  static func resolve(_ path: String, against folder: String?) -> String {
    guard let folder, !path.isEmpty, path != "-", !path.hasPrefix("/") else { return path }
    if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
    return URL(fileURLWithPath: folder).appendingPathComponent(path).path
  }

  /// Whether a `standard` value names a built-in standard rather than a file.
  static func isBuiltInStandard(_ text: String) -> Bool {
    func comparable(_ s: String) -> String {
      String(s.lowercased().filter { $0.isLetter || $0.isNumber })
    }
    let ids = (try? StandardPopulation.builtInIDs()) ?? []
    return ids.contains { comparable($0) == comparable(text) }
  }
}

/// The line of each top-level key of a TOML document.
///
/// TOMLKit does not expose where a value is, so the lines are found by reading the text: a line
/// that starts (after spaces) with the key, bare or quoted, followed by `=` or `.`, or a table
/// header `[key]`. Only keys the parser found are looked up, so a match inside a multi-line
/// string is the only way to be misled, and the first occurrence is taken.
struct TOMLKeyLines {
  private var lines: [Substring]

  init(_ text: String) {
    lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  }

  /// The 1-based line where `key` is set, if found.
  func line(of key: String) -> Int? {
    let forms = [key, "\"\(key)\"", "'\(key)'"]
    for (index, raw) in lines.enumerated() {
      var line = raw.drop { $0 == " " || $0 == "\t" }
      if line.hasPrefix("[") {
        line = line.dropFirst().drop { $0 == "[" || $0 == " " || $0 == "\t" }
      }
      for form in forms where line.hasPrefix(form) {
        let rest = line.dropFirst(form.count).drop { $0 == " " || $0 == "\t" }
        if let next = rest.first, next == "=" || next == "." || next == "]" { return index + 1 }
      }
    }
    return nil
  }
}

// MARK: - Input files and glob patterns

/// Input names as the user gave them, with glob patterns expanded.
public enum InputFiles {
  /// Each name as it is, or, for a pattern with `*`, `?` or `[` that is not itself an existing
  /// file, the files it matches, sorted by path (byte order, the same on every machine).
  ///
  /// Patterns are expanded here rather than left to the shell so that a quoted pattern, or one
  /// in a configuration file, means the same everywhere; the C library's `glob` matches.
  ///
  /// - Throws: ``ConfigurationError/noMatchingFiles(_:)`` for a pattern that matches nothing.
  public static func expand(_ names: [String]) throws(ConfigurationError) -> [String] {
    var out: [String] = []
    for name in names {
      guard name != "-", isPattern(name), !FileManager.default.fileExists(atPath: name) else {
        out.append(name)
        continue
      }
      let matches = glob(name)
      guard !matches.isEmpty else { throw .noMatchingFiles(name) }
      for match in matches where !out.contains(match) { out.append(match) }
    }
    return out
  }

  /// Whether a name has glob metacharacters.
  public static func isPattern(_ name: String) -> Bool {
    name.contains { $0 == "*" || $0 == "?" || $0 == "[" }
  }

  /// The regular files matching a pattern, sorted by the bytes of their paths.
  static func glob(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    #if canImport(Darwin)
      let status = Darwin.glob(pattern, 0, nil, &result)
    #else
      let status = Glibc.glob(pattern, 0, nil, &result)
    #endif
    guard status == 0 else { return [] }
    var paths: [String] = []
    for i in 0..<Int(result.gl_pathc) {
      if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
    }
    var isDirectory: ObjCBool = false
    return paths.filter {
      FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory)
        && !isDirectory.boolValue
    }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }
}

// MARK: - Errors

/// A problem with a configuration file or with the value of a setting.
public enum ConfigurationError: DisparityError, Equatable {
  /// The configuration file cannot be read.
  case unreadable(file: String, reason: String)
  /// The file is not valid TOML; the location is where the parser stopped.
  case syntax(String, SourceLocation)
  /// A key that is not a setting, with the nearest valid key.
  case unknownKey(String, SourceLocation, nearest: String?)
  /// A value of the wrong TOML type.
  case wrongType(AnalysisOptions.Key, SourceLocation, expected: String, found: String)
  /// A value of the right type that is not allowed (from a flag or a key).
  case invalidValue(AnalysisOptions.Key, AnalysisOptions.Source, problem: String)
  /// Several problems in one file, each reported.
  case several([ConfigurationError])
  /// A glob pattern that matches no file.
  case noMatchingFiles(String)
  /// A file that would be overwritten without `--force`.
  case fileExists(String)

  public var kind: ErrorKind { .usage }

  public var location: SourceLocation? {
    switch self {
    case .unreadable(let file, _), .fileExists(let file): return SourceLocation(file: file)
    case .syntax(_, let l), .unknownKey(_, let l, _), .wrongType(_, let l, _, _): return l
    case .invalidValue(_, let source, _):
      if case .configuration(let l) = source { return l }
      return nil
    case .several(let all): return all.first?.location
    case .noMatchingFiles: return nil
    }
  }

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return
        "\(file): cannot read the configuration file (\(reason)). Check the path given to --config."
    case .syntax(let message, let l):
      return
        "\(l): this is not valid TOML: \(message). Write each setting as key = value, strings in double quotes."
    case .unknownKey:
      return describe(listingKeys: true)
    case .wrongType(let key, let l, let expected, let found):
      return "\(l): key \"\(key.rawValue)\" takes \(expected), not \(found)."
    case .invalidValue(let key, let source, let problem):
      switch source {
      case .commandLine: return "\(key.flag) \(problem)"
      case .configuration(let l): return "\(l): key \"\(key.rawValue)\" \(problem)"
      }
    case .several(let all):
      var text =
        "\(all.count) problems in the configuration:\n"
        + all.map { "  " + $0.describe(listingKeys: false) }.joined(separator: "\n")
      if all.contains(where: { if case .unknownKey = $0 { return true } else { return false } }) {
        text += "\n" + Self.keyList
      }
      return text
    case .noMatchingFiles(let pattern):
      return
        "no file matches the pattern \"\(pattern)\". Check the folder and the pattern (e.g. data/*.csv); patterns are expanded in file-name order."
    case .fileExists(let file):
      return "\(file) already exists; choose another name, or add --force to overwrite it."
    }
  }

  /// The valid keys, for a message about an unknown one.
  public static var keyList: String {
    let keys = AnalysisOptions.Key.allCases.map(\.rawValue).joined(separator: ", ")
    return "The keys are the long flag names of disparity analyse: \(keys)."
  }

  /// The message, with or without the list of valid keys after an unknown key.
  public func describe(listingKeys: Bool) -> String {
    guard case .unknownKey(let key, let l, let nearest) = self else { return description }
    var text = "\(l): unknown key \"\(key)\""
    if let nearest { text += "; did you mean \"\(nearest)\"?" } else { text += "." }
    return listingKeys ? text + " " + Self.keyList : text
  }
}

// MARK: - The template written by `disparity init`

extension AnalysisOptions {
  /// A commented configuration file naming every key, for `disparity init`.
  ///
  /// The common keys are set to example values to edit; the others are commented out at their
  /// defaults. The text parses as it is, and with every commented key uncommented.
  public static let template = """
    # disparity analysis configuration: run it with
    #   disparity analyse --config analysis.toml
    # Keys are the long flag names of `disparity analyse`; a flag given on the command line
    # overrides the key here. Relative paths are taken from this file's folder.
    # Check the data against it, listing every problem at once, with
    #   disparity validate --config analysis.toml

    # Input CSV files: a list, or a glob pattern such as "data/*.csv" (expanded in name order).
    inputs = ["events.csv"]

    # Column of event counts. Leave it out for record-level data (each row is one event).
    numerator = "events"

    # Denominators: a column of the inputs, or a separate file with the same group, age and
    # `by` columns (joined after both are normalised).
    # denominator = "population"
    population = "population.csv"

    # Grouping column (default: the column whose name mentions ethnicity).
    # group = "ethnicity"

    # Target classification: see `disparity schemes`; "raw" keeps the labels as they are.
    # scheme = "nhs-2001"

    # Age column (years or bands); enables direct standardisation.
    age = "age"

    # Standard population: see `disparity standards`, or a CSV file age_band,population.
    # standard = "esp2013"

    # Further strata: results for each combination of these columns.
    # by = ["sex"]

    # rate (per 100,000 by default) or proportion (per 100).
    # measure = "rate"
    # multiplier = 100000

    # One or two confidence levels.
    # confidence = [0.95, 0.998]

    # Reference group for ratios and differences: a group code or label, "largest", "overall"
    # or "none".
    # reference = "largest"

    # Indirect standardisation (SMR, ISR), against the age-specific rates of all groups together
    # or of a file (the age column plus events,population or rate).
    # indirect = false
    # reference-rates = "reference-rates.csv"

    # Interval method: dobson (default), fay-feuer or tiwari for standardised rates; exact or byar
    # for counts (default: exact below 10 events, Byar from 10); wilson or clopper-pearson for
    # proportions.
    # ci-method = "dobson"

    # Records of unknown ethnicity: "exclude", or "redistribute" (scale known groups by
    # total / known).
    # unknown = "exclude"

    # Treat unmapped ethnicity values as an error; a CSV value,target overriding the built-in
    # matching; the input delimiter (comma, tab or semicolon; default: detected).
    # strict = false
    # mapping = "ethnicity-mapping.csv"
    # delimiter = "comma"

    # Disclosure control: counts from 1 to `suppress` are withheld as [c] (default 7, the NHS
    # Digital HES rule), with secondary suppression; no-suppress turns it off for the CSV and
    # JSON outputs only (never the default).
    # suppress = 7
    # no-suppress = false

    # Summary measures of inequality across groups (favourable: higher is better, e.g.
    # screening); with `ordered`, a `by` column such as deprivation quintile (1 most deprived)
    # gives SII, RII, ACI and RCI within each group.
    # inequality = false
    # favourable = false
    # ordered = "imd"

    # Adjusted rate ratios (odds ratios for proportions) from a regression on these columns;
    # quasi uses the quasi-likelihood dispersion for the standard errors.
    # adjust = ["age", "sex"]
    # quasi = false

    # People with repeat events: the column of events per person (PHE eventfreq).
    # event-frequency = "eventfreq"

    # The table a CSV output carries: results, inequality or adjusted.
    # table = "results"

    # Outputs: formats (csv, md, html, json, xlsx) and a folder, or "-" for standard output (one format).
    format = ["csv", "md"]
    output = "results"

    # Messages on standard error: quiet prints only errors; log-format "json" writes one JSON
    # object per line for pipelines.
    # quiet = false
    # log-format = "text"

    """
}
