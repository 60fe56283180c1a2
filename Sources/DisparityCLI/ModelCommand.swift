import ArgumentParser
import Disparity
import Foundation

/// `disparity model`: one Poisson or logistic regression, one row per coefficient.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Adjusted rate ratios (Poisson) or odds ratios (logistic) by group, from one GLM.",
    discussion: """
      Fits outcome ~ group + adjust columns (all categorical, treatment contrasts) as R's glm \
      does: Poisson with offset log(population), or binomial events out of trials. Writes one \
      row per coefficient: variable, level, estimate, std_error (log scale), ratio = \
      exp(estimate), ratio_lower, ratio_upper (Wald), aliased (true for terms that are \
      combinations of earlier ones, R's NA; their numbers are empty). The deviance, residual \
      degrees of freedom, iterations and dispersion go to standard error; warnings (aliased \
      terms, separation, non-convergence) are printed even with --quiet.

      With --scheme the group column is first placed in that ethnicity classification; rows of \
      unknown or unmapped ethnicity are left out and counted on standard error, and --reference \
      may be a code or a label of the scheme. An adjustment column's reference is its first \
      level in sorted order.

      Example:
        disparity model deaths.csv --family poisson \\
          --outcome deaths --offset population \\
          --group ethnicity --scheme nhs-2001 --reference A \\
          --adjust age_band,sex --output -
      """
  )

  @Argument(help: "The CSV file (`-` reads standard input).")
  var input: String

  @Option(help: "poisson or binomial.")
  var family: String

  @Option(help: "Column of event counts.")
  var outcome: String

  @Option(help: "Population column (Poisson): the model's offset is its logarithm.")
  var offset: String?

  @Option(help: "Trials column (binomial): events out of trials.")
  var trials: String?

  @Option(help: "Grouping column (e.g. ethnicity).")
  var group: String

  @Option(help: "The group the others are compared with.")
  var reference: String

  @Option(help: "Further categorical columns to adjust for, comma-separated.")
  var adjust: String?

  @Option(help: "Ethnicity classification to normalise the group column to, e.g. nhs-2001.")
  var scheme: String?

  @Flag(help: "Estimate the dispersion (quasi-Poisson, quasi-binomial).")
  var quasi = false

  @Option(help: "Confidence level of the Wald intervals.")
  var confidence: String = "0.95"

  @Option(help: "Input delimiter: comma, tab or semicolon (default: detected).")
  var delimiter: String?

  @Option(help: "Output format: csv.")
  var format: String = "csv"

  @Option(help: "Output file, or `-` for standard output.")
  var output: String = "-"

  @Flag(help: "Print nothing on standard error but errors and the model's warnings.")
  var quiet = false

  func run() throws {
    guard try OutputFormat.parseList(format) == [.csv] else {
      throw ValidationError("disparity model writes csv only; use --format csv.")
    }
    let levels = try AnalysisOptions.parseConfidence(confidence)
    guard levels.count == 1 else {
      throw ValidationError("--confidence takes one level here, e.g. 0.95.")
    }
    let familyName = family.lowercased()
    guard familyName == "poisson" || familyName == "binomial" else {
      throw ValidationError("--family must be poisson or binomial, not \"\(family)\".")
    }
    let exposure: ModelSpecification.Exposure
    switch (offset, trials) {
    case (let column?, nil): exposure = .population(column)
    case (nil, let column?): exposure = .trials(column)
    case (nil, nil):
      throw ValidationError(
        "give --offset COL (population, Poisson) or --trials COL (binomial).")
    case (_?, _?):
      throw ValidationError("give either --offset or --trials, not both.")
    }
    let glmFamily: GLMFamily =
      familyName == "poisson"
      ? (quasi ? .quasipoisson : .poisson) : (quasi ? .quasibinomial : .binomial)
    var spec = ModelSpecification(
      input: input, family: glmFamily, outcome: outcome, exposure: exposure, group: group,
      reference: reference)
    spec.adjust =
      adjust.map {
        $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      } ?? []
    spec.scheme = scheme
    spec.confidence = levels[0]
    spec.delimiter = try delimiter.map { text throws(IngestError) in
      try CSVDelimiter(argument: text)
    }
    let result = try ModelTable.fit(spec)
    try writeCSV(CSVRenderer().render(result.table), to: output)
    if !quiet { printError(result.summaryText) }
    if !result.warningText.isEmpty { printError(result.warningText) }
  }
}
