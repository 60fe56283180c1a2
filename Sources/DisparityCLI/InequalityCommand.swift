import ArgumentParser
import Disparity
import Foundation

/// `disparity inequality`: summary measures of inequality from group-level estimates.
struct InequalityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inequality",
    abstract: "Summary measures of inequality (D, R, BGV, … SII, RII) from group-level estimates.",
    discussion: """
      The input has one row per group: its estimate, standard error and population, as HEAT \
      Plus users upload them. Writes one row per measure: measure (the lower-case abbreviation), \
      estimate, se, lower, upper, at full precision. The se of r and rii is that of their \
      natural logarithm; TI and MLD are ×1000 and so are their se and limits; PAF and its se are \
      in per cent. Measures that do not apply (and measures whose intervals need a standard \
      error the file leaves empty) are listed on standard error with the reason; one asked for \
      by name with --measures is refused instead.

      --order makes the dimension ordered (1 = most disadvantaged): SII, RII, ACI and RCI \
      instead of the measures for unordered groups such as ethnicity. --favourable or \
      --adverse is needed by D and R (with a reference or an order), MDBU, MDBW, PAF and PAR; \
      --scale by PAF, PAR and the simulated measures. Simulated intervals (BGSD … MDRW, SII, \
      RII) are seeded: the same --seed gives the same limits.

      Examples:
        disparity inequality screening.csv --group subgroup \\
          --estimate cov_est --se cov_se --population pop \\
          --reference White --favourable --scale 100 --output -
        disparity inequality imd.csv --group quintile --order rank \\
          --estimate rate --se se --population pop \\
          --adverse --scale 100000 --measures sii,rii --output sii.csv
      """
  )

  @Argument(help: "The CSV file, one row per group (`-` reads standard input).")
  var input: String

  @Option(help: "Column naming the groups.")
  var group: String

  @Option(help: "Column of estimates on the indicator's scale.")
  var estimate: String

  @Option(help: "Column of standard errors (an empty cell: not published).")
  var se: String

  @Option(help: "Column of populations (weights), above 0.")
  var population: String

  @Option(help: "The reference group, as named in the group column.")
  var reference: String?

  @Flag(help: "Whether higher values are good (--favourable) or bad (--adverse).")
  var direction: Direction?

  @Option(help: "Column of each group's order (1 = most disadvantaged): an ordered dimension.")
  var order: String?

  @Option(help: "The indicator scale: 100 for %, 1000 for per 1,000, 1 for a proportion.")
  var scale: Double?

  @Option(help: "Column of the event counts behind the estimates (gamma draws in simulations).")
  var events: String?

  @Option(help: "Measures to compute, comma-separated (default: every one that applies).")
  var measures: String?

  @Option(
    help: """
      SII and RII by weighted least squares on the cumulative-midpoint rank (wls, as PHE's \
      phe_sii; default), by a logistic fit weighting each group by its population (logistic, as \
      HEAT describes), or weighting by population squared (logistic-pop2, as healthequal's code).
      """)
  var siiMethod: String = "wls"

  @Option(help: "Seed of the Monte Carlo intervals.")
  var seed: UInt64 = 123_456

  @Option(help: "Monte Carlo simulations (at least 100).")
  var simulations: Int = 10_000

  @Option(help: "Confidence level of the intervals.")
  var confidence: String = "0.95"

  @Option(help: "Input delimiter: comma, tab or semicolon (default: detected).")
  var delimiter: String?

  @Option(help: "Output format: csv.")
  var format: String = "csv"

  @Option(help: "Output file, or `-` for standard output.")
  var output: String = "-"

  @Flag(help: "Print nothing on standard error but errors.")
  var quiet = false

  enum Direction: String, EnumerableFlag {
    case favourable, adverse
  }

  func run() throws {
    guard try OutputFormat.parseList(format) == [.csv] else {
      throw ValidationError("disparity inequality writes csv only; use --format csv.")
    }
    let levels = try AnalysisOptions.parseConfidence(confidence)
    guard levels.count == 1 else {
      throw ValidationError("--confidence takes one level here, e.g. 0.95.")
    }
    var spec = InequalityTableSpecification(
      input: input, group: group, estimate: estimate, standardError: se, population: population)
    spec.reference = reference
    spec.direction = direction.map { $0 == .favourable ? .favourable : .adverse }
    spec.order = order
    if let scale, !(scale > 0 && scale.isFinite) {
      throw ValidationError("--scale must be a positive number, not \(scale).")
    }
    spec.scale = scale
    spec.events = events
    spec.measures = try measures.map { text throws(InequalityTableError) in
      try InequalityTable.parseMeasures(text)
    }
    let slope: SlopeIndexMethod
    switch siiMethod.lowercased() {
    case "wls": slope = .weightedLeastSquares
    case "logistic": slope = .logistic(.population)
    case "logistic-pop2": slope = .logistic(.populationSquared)
    default:
      throw ValidationError(
        "--sii-method must be wls, logistic or logistic-pop2, not \"\(siiMethod)\".")
    }
    spec.options = InequalityOptions(
      confidence: levels[0], simulations: simulations, seed: seed, slopeIndexMethod: slope)
    spec.delimiter = try delimiter.map { text throws(IngestError) in
      try CSVDelimiter(argument: text)
    }
    let result = try InequalityTable.run(spec)
    try writeCSV(CSVRenderer().render(result.table), to: output)
    if !quiet && !result.omitted.isEmpty { printError(result.omissionText) }
  }
}

/// Writes CSV text to standard output (`-`) or atomically to a file.
func writeCSV(_ text: String, to output: String) throws {
  if output == "-" {
    FileHandle.standardOutput.write(Data(text.utf8))
  } else {
    try AtomicOutput().write([AtomicOutput.File(path: output, text: text)])
  }
}
