import ArgumentParser
import Foundation
import Disparity

/// `disparity analyse`: ingest, normalise, tabulate, compute and report in one run.
struct AnalyseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyse",
    abstract: "Rates, standardised rates and ratios by ethnic group, from one or more CSV files.",
    discussion: """
      Defaults, stated in every report: the NHS 2001 ethnic categories, the 2013 European Standard \
      Population, 95% intervals (exact Poisson below 10 events, Byar from 10; Dobson for \
      standardised rates), and the largest group as the reference.

      Example (observed deaths by ethnic group, indirectly standardised by age):
        disparity analyse deaths.csv --group ethnicity --numerator deaths \\
          --population census.csv --age age --indirect --reference-rates rates.csv \\
          --format csv --output -
      """,
    aliases: ["analyze"]
  )

  @Argument(help: "Input CSV files (`-` reads standard input).")
  var inputs: [String]

  @Option(help: "Column of event counts; omitted: each row is one event (record-level data).")
  var numerator: String?

  @Option(help: "Column of population, person-years or trials.")
  var denominator: String?

  @Option(help: "Denominators in a separate file with the same group, age and --by column names.")
  var population: String?

  @Option(help: "Grouping column (default: the column whose name mentions ethnicity).")
  var group: String?

  @Option(help: "Target classification, e.g. nhs-2001, ons-2021, ons-2021-5; `raw` keeps labels.")
  var scheme: String = "nhs-2001"

  @Option(help: "Age column (years or bands); enables standardisation.")
  var age: String?

  @Option(help: "Standard population: esp2013, esp1976, who2000, us2000, or a CSV age_band,population.")
  var standard: String = "esp2013"

  @Option(help: "Further strata, comma-separated (sex, area, period): results per stratum.")
  var by: String?

  @Option(help: "rate or proportion.")
  var measure: String = "rate"

  @Option(help: "Multiplier (default 100000 for rates, 100 for proportions).")
  var multiplier: Double?

  @Option(help: "One or two confidence levels, e.g. 0.95 or 0.95,0.998.")
  var confidence: String = "0.95"

  @Option(help: "Reference group: a group code or label, largest, overall or none.")
  var reference: String = "largest"

  @Flag(help: "Also standardise indirectly (SMR, ISR).")
  var indirect = false

  @Option(help: "Reference rates for --indirect: a CSV (the age column plus events,population or rate per --multiplier), or a group whose rates are the reference (default: all groups together).")
  var referenceRates: String?

  @Option(help: "dobson | fay-feuer | tiwari (standardised rates); exact | byar (counts); wilson | clopper-pearson (proportions).")
  var ciMethod: String?

  @Option(help: "Records of unknown ethnicity: exclude, or redistribute (scale known groups up by total/known).")
  var unknown: String = "exclude"

  @Flag(help: "Treat unmapped ethnicity values as an error.")
  var strict = false

  @Option(help: "CSV value,target overriding the built-in ethnicity matching.")
  var mapping: String?

  @Option(help: "Input delimiter: comma, tab or semicolon (default: detected).")
  var delimiter: String?

  @Flag(help: "Add summary measures of inequality across groups (D, R, BGV, Theil, PAF, ...).")
  var inequality = false

  @Flag(help: "Higher values are better (e.g. screening uptake); the default is adverse (e.g. deaths).")
  var favourable = false

  @Option(help: "A --by column that is ordered (e.g. deprivation quintile, 1 most deprived): SII, RII, ACI, RCI within each group.")
  var ordered: String?

  @Option(help: "Adjust for these columns (e.g. age,sex,imd) in a Poisson regression: adjusted rate ratios.")
  var adjust: String?

  @Flag(help: "With --adjust: use the quasi-Poisson dispersion for the standard errors.")
  var quasi = false

  @Option(help: "Column of events per person (PHE eventfreq): standardised rates allow for people with repeat events.")
  var eventFrequency: String?

  @Option(help: "The table a CSV output carries: results (default), inequality or adjusted.")
  var table: String?

  @Flag(help: "Machine outputs without disclosure control (never the default).")
  var noSuppress = false

  @Option(help: "Output formats, comma-separated: csv, md.")
  var format: String = "csv"

  @Option(help: "Output folder, or `-` to write the single requested format to standard output.")
  var output: String = "-"

  @Flag(help: "Print nothing on standard error but errors.")
  var quiet = false

  func run() throws {
    let specification = try makeSpecification()
    let formats = try OutputFormat.parseList(format)
    let result = try Analysis(specification: specification).run()
    var report = result.report
    if let table {
      guard let chosen = report.tables.firstIndex(where: { $0.name == table }) else {
        throw ValidationError(
          "--table \(table): this run has the tables \(report.tables.map(\.name).joined(separator: ", ")) (inequality needs --inequality, adjusted needs --adjust).")
      }
      report.tables.insert(report.tables.remove(at: chosen), at: 0)
    }
    try ReportWriter(formats: formats, destination: output).write(report)
    if !quiet { printError(result.dataQualityText) }
  }

  /// The typed specification, or a usage error naming the option at fault.
  func makeSpecification() throws -> AnalysisSpecification {
    var s = AnalysisSpecification(inputs: inputs)
    s.numerator = numerator
    s.denominator = denominator
    s.populationFile = population
    s.group = group
    s.scheme = scheme
    s.age = age
    s.standard = standard
    s.by = by.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
    guard let m = AnalysisSpecification.Measure(rawValue: measure.lowercased()) else {
      throw ValidationError("--measure must be rate or proportion, not \"\(measure)\".")
    }
    s.measure = m
    if let multiplier, !(multiplier > 0) {
      throw ValidationError("--multiplier must be a positive number, not \(multiplier).")
    }
    s.multiplier = multiplier
    s.confidence = try parseConfidence(confidence)
    s.reference = .init(parsing: reference)
    s.indirect = indirect
    s.referenceRates = referenceRates
    if referenceRates != nil && !indirect {
      throw ValidationError("--reference-rates is used by --indirect; add --indirect.")
    }
    s.ciMethod = ciMethod?.lowercased()
    guard let u = AnalysisSpecification.UnknownEthnicity(rawValue: unknown.lowercased()) else {
      throw ValidationError("--unknown must be exclude or redistribute, not \"\(unknown)\".")
    }
    s.unknown = u
    s.strict = strict
    s.mappingFile = mapping
    s.delimiter = try delimiter.map { text throws(IngestError) in try CSVDelimiter(argument: text) }
    s.noSuppress = noSuppress
    s.inequality = inequality || ordered != nil
    s.favourable = favourable
    s.ordered = ordered
    s.adjust =
      adjust.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
      ?? []
    s.quasi = quasi
    s.eventFrequency = eventFrequency
    return s
  }
}

/// Parses `0.95` or `0.95,0.998`: one or two levels strictly between 0 and 1.
func parseConfidence(_ text: String) throws -> [Double] {
  let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
  var levels: [Double] = []
  for part in parts {
    guard var level = Double(part) else {
      throw ValidationError("--confidence takes levels such as 0.95 or 0.95,0.998, not \"\(text)\".")
    }
    if level > 1 && level < 100 { level /= 100 }  // 95 means 95%
    guard level > 0 && level < 1 else {
      throw ValidationError("--confidence levels must lie between 0 and 1, not \(part).")
    }
    levels.append(level)
  }
  guard (1...2).contains(levels.count), Set(levels).count == levels.count else {
    throw ValidationError("--confidence takes one or two different levels, e.g. 0.95,0.998.")
  }
  return levels
}
