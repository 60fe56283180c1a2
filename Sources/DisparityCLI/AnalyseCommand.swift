import ArgumentParser
import Disparity
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `disparity analyse`: ingest, normalise, tabulate, compute and report in one run.
struct AnalyseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyse",
    abstract: "Rates, standardised rates and ratios by ethnic group, from one or more CSV files.",
    discussion: """
      Defaults, stated on standard error and in every report: the NHS 2001 ethnic categories \
      (nhs-2001), the 2013 European Standard Population (esp2013), 95% intervals (exact Poisson \
      below 10 events, Byar from 10; Dobson for standardised rates), the largest group as the \
      reference, records of unknown ethnicity excluded, counts from 1 to 7 suppressed, CSV on \
      standard output.

      Settings can come from a TOML file (--config, written by `disparity init`) whose keys are \
      the long flag names; flags given on the command line override it. Relative paths in the \
      file are taken from its folder. Inputs may be glob patterns ("data/*.csv", expanded in \
      name order) or - for standard input. Outputs hold no timestamps: the same inputs give \
      byte-identical files, written atomically (a failed run leaves no partial file).

      Examples:
        # Age-standardised rates of the bundled synthetic admissions (one row
        # per admission; population by age band in a separate file):
        disparity analyse datasets/synthetic/admissions.csv \\
          --population datasets/synthetic/population.csv --age age \\
          --format csv,md --output results

        # The same from a configuration file, with 99.8% intervals as well:
        disparity analyse --config analysis.toml --confidence 0.95,0.998

        # Deaths, indirectly standardised by age against reference rates:
        disparity analyse deaths.csv --group ethnicity --numerator deaths \\
          --population census.csv --age age --indirect --reference-rates rates.csv

        # In a pipeline: JSON messages on standard error, exit status checked:
        disparity analyse --config nightly.toml --log-format json --quiet || exit $?
      """,
    aliases: ["analyze"]
  )

  @OptionGroup var flags: AnalysisFlags

  func run() throws {
    // The log format is known before anything else can fail, so that a pipeline asking for JSON
    // gets its errors as JSON too.
    var log = MessageLog(
      format: flags.logFormat?.lowercased() == "json" ? .json : .text, quiet: flags.quiet)
    do {
      let options = try flags.mergedOptions()
      log = MessageLog(
        format: options.logFormat?.lowercased() == "json" ? .json : .text,
        quiet: options.quiet ?? false)
      var specification = try options.specification()
      if specification.inputs.isEmpty { throw AnalysisError.noInput }
      let formats = try OutputFormat.parseList(options.effectiveFormat.joined(separator: ","))
      // CSV carries the tidy table only: the presentation report need not be built for it.
      specification.presentation = formats != [.csv]
      log.info("settings", options.settingsSummary(for: specification))

      let progress = ProgressBar.startIfWanted(
        files: specification.inputs + [specification.populationFile].compactMap { $0 },
        enabled: !log.quiet && log.format == .text)
      let result: AnalysisResult
      do {
        result = try Analysis(specification: specification).run()
        progress?.stop()
      } catch {
        progress?.stop()
        throw error
      }
      var report = result.report
      if let table = options.table {
        // The chosen table first: a CSV output carries the first table.
        guard let chosen = report.tables.firstIndex(where: { $0.name == table }) else {
          throw ValidationError(
            "--table \(table): this run has the tables \(report.tables.map(\.name).joined(separator: ", ")) (inequality needs --inequality, adjusted needs --adjust)."
          )
        }
        report.tables.insert(report.tables.remove(at: chosen), at: 0)
      }
      report.provenance.command = ReportProvenance.commandLine(Self.recordedArguments())
      try ReportWriter(formats: formats, destination: options.effectiveOutput).write(report)
      log.dataQuality(result)
      // Every output is written and closed: end the process here, while the results are still
      // alive, rather than return and release them. Tearing down 20,000 groups' results and
      // table rows freed about 200,000 blocks, one by one, which the system reclaims at once.
      withExtendedLifetime((result, report)) { terminate(0) }
    } catch {
      log.fail(error)
    }
  }
}

extension AnalyseCommand {
  /// The command line as the report records it: without `--output` and its value, which say
  /// where the report goes rather than what it contains, so that the same analysis written to
  /// two places gives byte-identical files.
  static func recordedArguments(_ arguments: [String] = CommandLine.arguments) -> [String] {
    var kept: [String] = []
    var skipNext = false
    for argument in arguments {
      if skipNext {
        skipNext = false
        continue
      }
      if argument == "--output" {
        skipNext = true
        continue
      }
      if argument.hasPrefix("--output=") { continue }
      kept.append(argument)
    }
    return kept
  }
}

/// The settings of an analysis as flags, shared by `analyse` and `validate`.
///
/// Every option is optional, so that a flag that was not given leaves the configuration file's
/// key (or the default, applied after merging) in force.
struct AnalysisFlags: ParsableArguments {
  @Argument(help: "Input CSV files or glob patterns (`-` reads standard input).")
  var inputs: [String] = []

  @Option(help: "A TOML configuration file (see `disparity init`); flags override its keys.")
  var config: String?

  @Option(help: "Column of event counts; omitted: each row is one event (record-level data).")
  var numerator: String?

  @Option(help: "Column of population, person-years or trials.")
  var denominator: String?

  @Option(help: "Denominators in a separate file with the same group, age and --by column names.")
  var population: String?

  @Option(help: "Grouping column (default: the column whose name mentions ethnicity).")
  var group: String?

  @Option(
    help: "Target classification (default nhs-2001; see `disparity schemes`); `raw` keeps labels.")
  var scheme: String?

  @Option(help: "Age column (years or bands); enables standardisation.")
  var age: String?

  @Option(
    help:
      "Standard population (default esp2013; see `disparity standards`), or a CSV age_band,population."
  )
  var standard: String?

  @Option(help: "Further strata, comma-separated (sex, area, period): results per stratum.")
  var by: String?

  @Option(help: "rate (default), proportion or mean (of a value per row, e.g. length of stay).")
  var measure: String?

  @Option(help: "Multiplier (default 100000 for rates, 100 for proportions).")
  var multiplier: Double?

  @Option(help: "One or two confidence levels (default 0.95), e.g. 0.95,0.998.")
  var confidence: String?

  @Option(help: "Reference group: a group code or label, largest (default), overall or none.")
  var reference: String?

  @Flag(inversion: .prefixedNo, help: "Also standardise indirectly (SMR, ISR); default off.")
  var indirect: Bool?

  @Option(
    help:
      "Reference rates for --indirect: a CSV (the age column plus events,population or rate per --multiplier), or a group whose rates are the reference (default: all groups together)."
  )
  var referenceRates: String?

  @Option(
    help:
      "dobson (default) | fay-feuer | tiwari (standardised rates); exact | byar (counts); wilson | clopper-pearson (proportions)."
  )
  var ciMethod: String?

  @Option(
    help:
      "Records of unknown ethnicity: exclude (default), or redistribute (scale known groups up by total/known)."
  )
  var unknown: String?

  @Flag(inversion: .prefixedNo, help: "Treat unmapped ethnicity values as an error; default off.")
  var strict: Bool?

  @Option(help: "CSV value,target overriding the built-in ethnicity matching.")
  var mapping: String?

  @Option(help: "Input delimiter: comma, tab or semicolon (default: detected).")
  var delimiter: String?

  @Flag(
    inversion: .prefixedNo,
    help: "Add summary measures of inequality across groups (D, R, BGV, Theil, PAF, ...).")
  var inequality: Bool?

  @Flag(
    inversion: .prefixedNo,
    help: "Higher values are better (e.g. screening uptake); the default is adverse (e.g. deaths).")
  var favourable: Bool?

  @Option(
    help:
      "A --by column that is ordered (e.g. deprivation quintile, 1 most deprived): SII, RII, ACI, RCI within each group."
  )
  var ordered: String?

  @Option(
    help:
      "Adjust for these columns (e.g. age,sex,imd) in a Poisson regression: adjusted rate ratios.")
  var adjust: String?

  @Flag(
    inversion: .prefixedNo,
    help: "With --adjust: use the quasi-likelihood dispersion for the standard errors.")
  var quasi: Bool?

  @Option(
    help:
      "Column of events per person (PHE eventfreq): standardised rates allow for people with repeat events."
  )
  var eventFrequency: String?

  @Option(help: "The table a CSV output carries: results (default), inequality or adjusted.")
  var table: String?

  @Option(help: "Withhold counts from 1 to N as [c], with secondary suppression (default 7).")
  var suppress: Double?

  @Flag(help: "Machine outputs without disclosure control (never the default).")
  var noSuppress = false

  @Option(help: "Output formats, comma-separated: csv (default), md, html, json, xlsx.")
  var format: String?

  @Option(
    help: "Output folder, or `-` (default) to write the single requested format to standard output."
  )
  var output: String?

  @Flag(help: "Print nothing on standard error but errors (no settings, summary or progress bar).")
  var quiet = false

  @Option(help: "Messages on standard error: text (default) or json (one object per line).")
  var logFormat: String?

  /// The settings given on the command line; unset flags stay `nil`.
  var commandLineOptions: AnalysisOptions {
    get throws {
      var o = AnalysisOptions()
      if !inputs.isEmpty { o.inputs = inputs }
      o.numerator = numerator
      o.denominator = denominator
      o.population = population
      o.group = group
      o.scheme = scheme
      o.age = age
      o.standard = standard
      o.by = by.map(AnalysisOptions.splitList)
      o.measure = measure
      o.multiplier = multiplier
      o.confidence = try confidence.map { text throws(ConfigurationError) in
        try AnalysisOptions.parseConfidence(text)
      }
      o.reference = reference
      o.indirect = indirect
      o.referenceRates = referenceRates
      o.ciMethod = ciMethod
      o.unknown = unknown
      o.strict = strict
      o.mapping = mapping
      o.delimiter = delimiter
      o.noSuppress = noSuppress ? true : nil
      o.suppress = suppress
      o.inequality = inequality
      o.favourable = favourable
      o.ordered = ordered
      o.adjust = adjust.map(AnalysisOptions.splitList)
      o.quasi = quasi
      o.eventFrequency = eventFrequency
      o.table = table
      o.format = format.map(AnalysisOptions.splitList)
      o.output = output
      o.quiet = quiet ? true : nil
      o.logFormat = logFormat
      for key in AnalysisOptions.Key.allCases where o.isSet(key) { o.sources[key] = .commandLine }
      return o
    }
  }

  /// The configuration file's settings (if any) with the command line's laid over them.
  func mergedOptions() throws -> AnalysisOptions {
    let flags = try commandLineOptions
    guard let config else { return flags }
    return try AnalysisOptions(configurationAt: config).overriding(with: flags)
  }

}

// MARK: - Messages on standard error

/// Messages on standard error: plain lines for people, or one JSON object per line for pipelines.
///
/// Errors are always written (and end the process with the exit status of ARCHITECTURE.md);
/// information and warnings only without `--quiet`.
struct MessageLog {
  enum Format { case text, json }

  var format: Format
  var quiet: Bool

  /// One JSON line; keys in a fixed order so identical runs log identical bytes.
  struct Entry: Encodable {
    var level: String
    var event: String
    var message: String
    var kind: String? = nil
    var exitStatus: Int32? = nil
    var file: String? = nil
    var line: Int? = nil
    var column: Int? = nil
    var columnName: String? = nil
    var value: String? = nil
    var rows: Int? = nil
    var rowsRead: Int? = nil
    var percentNotStated: Double? = nil
    var percentNotKnown: Double? = nil
    var problems: Int? = nil

    enum CodingKeys: String, CodingKey {
      case level, event, message, kind
      case exitStatus = "exit_status"
      case file, line, column
      case columnName = "column_name"
      case value, rows
      case rowsRead = "rows_read"
      case percentNotStated = "percent_not_stated"
      case percentNotKnown = "percent_not_known"
      case problems
    }
  }

  func write(_ entry: Entry) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(entry) else { return }
    printError(String(decoding: data, as: UTF8.self))
  }

  /// An information line (settings, summaries).
  func info(_ event: String, _ message: String) {
    guard !quiet else { return }
    switch format {
    case .text: printError(message)
    case .json: write(Entry(level: "info", event: event, message: message))
    }
  }

  /// The data-quality summary of an analysis: its lines, then (in JSON) the figures and a
  /// warning per unmapped value or collective term.
  func dataQuality(_ result: AnalysisResult) {
    guard !quiet else { return }
    switch format {
    case .text:
      if !result.dataQualityText.isEmpty { printError(result.dataQualityText) }
    case .json:
      let quality = result.dataQuality
      write(
        Entry(
          level: "info", event: "data-quality-summary",
          message:
            "\(quality.rowsRead) rows read; \(quality.percentNotStated)% not stated, \(quality.percentNotKnown)% not known.",
          rowsRead: quality.rowsRead, percentNotStated: quality.percentNotStated,
          percentNotKnown: quality.percentNotKnown))
      for line in result.dataQualityText.split(separator: "\n") {
        write(Entry(level: "info", event: "data-quality", message: String(line)))
      }
      for (status, what) in [(EthnicityStatus.unmapped, "unmapped"), (.collective, "collective")] {
        for flagged in quality.values(status) {
          write(
            Entry(
              level: "warning", event: "ethnicity-\(what)",
              message:
                "\"\(flagged.value)\" (\(flagged.tally.rows) rows) is \(what == "unmapped" ? "not mapped to any group" : "a collective term, not a group"); it is left out.",
              value: flagged.value, rows: flagged.tally.rows))
        }
      }
    }
  }

  /// Reports an error and ends the process: exit 1 for bad data, 2 for bad usage.
  func fail(_ error: any Error) -> Never {
    if format == .json, case .several(let all) = error as? ConfigurationError {
      // One line per problem, so that a pipeline can read each with its own place.
      for problem in all { report(problem) }
      terminate(ErrorKind.usage.exitStatus)
    }
    report(error)
    let kind = (error as? any DisparityError)?.kind ?? .usage
    terminate(kind.exitStatus)
  }

  /// Writes an error without ending the process.
  func report(_ error: any Error) {
    let kind: ErrorKind
    let message: String
    var location: SourceLocation? = nil
    if let error = error as? ConfigurationError {
      kind = error.kind
      message = format == .json ? error.describe(listingKeys: true) : error.description
      location = error.location
    } else if let error = error as? any DisparityError {
      kind = error.kind
      message = error.description
      location = error.location
    } else if let error = error as? ValidationError {
      kind = .usage
      message = error.message
    } else {
      kind = .usage
      message = "\(error)"
    }
    switch format {
    case .text:
      printError("error: \(message)")
    case .json:
      write(
        Entry(
          level: "error", event: "error", message: message,
          kind: kind == .data ? "data" : "usage", exitStatus: kind.exitStatus,
          file: location?.file, line: location?.line, column: location?.column,
          columnName: location?.columnName))
    }
  }
}

// MARK: - Progress

/// A progress bar on standard error while large inputs are read, only when standard error is a
/// terminal.
///
/// The library reads files in parallel without reporting progress, so the bar measures the
/// bytes the process has read (`rchar` of `/proc/self/io`, which counts `read` and `pread`)
/// against the inputs' total size. Where that counter is missing (not Linux) there is no bar.
final class ProgressBar: @unchecked Sendable {
  /// Inputs smaller than this in all finish too quickly for a bar.
  static let minimumBytes: Int64 = 32 << 20

  private let total: Int64
  private let start: Int64
  private let lock = NSLock()
  private var running = true
  private var drawn = false
  private let done = DispatchSemaphore(value: 0)

  private init(total: Int64, start: Int64) {
    self.total = total
    self.start = start
  }

  /// Starts a bar when it is enabled, standard error is a terminal, the inputs are regular files
  /// of at least ``minimumBytes`` in all, and the read counter exists.
  static func startIfWanted(files: [String], enabled: Bool) -> ProgressBar? {
    guard enabled, isatty(STDERR_FILENO) == 1, let start = bytesRead() else { return nil }
    var total: Int64 = 0
    for file in files {
      guard file != "-",
        let attributes = try? FileManager.default.attributesOfItem(atPath: file),
        let size = attributes[.size] as? NSNumber
      else { return nil }
      total += size.int64Value
    }
    guard total >= minimumBytes else { return nil }
    let bar = ProgressBar(total: total, start: start)
    Thread.detachNewThread { bar.loop() }
    return bar
  }

  /// The bytes this process has read so far, from `/proc/self/io`.
  static func bytesRead() -> Int64? {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("rchar:") {
      return Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
    }
    return nil
  }

  private func loop() {
    while true {
      lock.lock()
      let keepGoing = running
      lock.unlock()
      guard keepGoing else { break }
      draw()
      usleep(200_000)
    }
    done.signal()
  }

  private func draw() {
    guard let now = Self.bytesRead() else { return }
    let fraction = min(1, max(0, Double(now - start) / Double(total)))
    let width = 30
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
    let mib = { (bytes: Int64) in String(format: "%.0f", Double(bytes) / 1_048_576) }
    let text =
      "\rReading [\(bar)] \(String(format: "%3.0f", fraction * 100))% of \(mib(total)) MiB"
    lock.lock()
    if running {
      FileHandle.standardError.write(Data(text.utf8))
      drawn = true
    }
    lock.unlock()
  }

  /// Stops the bar and clears its line.
  func stop() {
    lock.lock()
    running = false
    let clear = drawn
    lock.unlock()
    done.wait()
    if clear { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
