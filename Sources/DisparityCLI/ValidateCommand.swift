import ArgumentParser
import Disparity
import Foundation

/// `disparity validate`: every problem of the inputs against the analysis settings, at once.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check input files against an analysis's settings, listing every problem at once.",
    discussion: """
      Takes the same settings as `disparity analyse` (flags, or --config with flags overriding \
      it) and checks the files without analysing them: that every named column is there, and \
      every row's fields, UTF-8, counts, populations, ages and ethnicity values (total rows \
      always; unmapped values and collective terms with --strict, as warnings otherwise); then \
      the ages against the standard's bands and the population, reference-rates and mapping \
      files. Each problem is listed with its file, line and column; after --max-problems \
      (default 100) the rest are counted. Files given here replace the configuration's inputs.

      Exit status: 0 no problem, 1 problems found, 2 bad usage (options or configuration).

      Examples:
        disparity validate --config analysis.toml
        disparity validate new-extract.csv --config analysis.toml --strict
        disparity validate deaths.csv --numerator deaths --age age --log-format json
      """
  )

  @OptionGroup var flags: AnalysisFlags

  @Option(help: "List at most this many problems; the rest are counted (default 100).")
  var maxProblems: Int = 100

  func run() throws {
    var log = MessageLog(
      format: flags.logFormat?.lowercased() == "json" ? .json : .text, quiet: flags.quiet)
    let report: ValidationReport
    do {
      let options = try flags.mergedOptions()
      log = MessageLog(
        format: options.logFormat?.lowercased() == "json" ? .json : .text,
        quiet: options.quiet ?? false)
      guard maxProblems >= 0 else {
        throw ValidationError("--max-problems must be zero or more, not \(maxProblems).")
      }
      let specification = try options.specification()
      report = try InputValidator(specification: specification, limit: maxProblems).validate()
    } catch {
      log.fail(error)
    }
    log.validation(report)
    if !report.isValid { terminate(ErrorKind.data.exitStatus) }
  }
}

extension MessageLog {
  /// A validation report: problems always (they are the point of the command), warnings and the
  /// summary unless quiet.
  func validation(_ report: ValidationReport) {
    switch format {
    case .text:
      for problem in report.problems { printError("error: " + problem.message) }
      if report.unlistedCount > 0 {
        printError(
          "… and \(report.unlistedCount) more problem\(report.unlistedCount == 1 ? "" : "s") not listed (raise the limit with --max-problems)."
        )
      }
      if !quiet {
        for warning in report.warnings { printError("warning: " + warning) }
        printError(report.text.split(separator: "\n").last.map(String.init) ?? "")
      }
    case .json:
      for problem in report.problems {
        write(
          Entry(
            level: "error", event: "problem", message: problem.message,
            kind: problem.kind == .data ? "data" : "usage", file: problem.location?.file,
            line: problem.location?.line, column: problem.location?.column,
            columnName: problem.location?.columnName))
      }
      if !quiet {
        for warning in report.warnings {
          write(Entry(level: "warning", event: "warning", message: warning))
        }
      }
      var summary = Entry(
        level: report.isValid ? "info" : "error", event: "validation-summary",
        message: report.text.split(separator: "\n").last.map(String.init) ?? "")
      summary.problems = report.problemCount
      summary.exitStatus = report.isValid ? 0 : ErrorKind.data.exitStatus
      write(summary)
    }
  }
}
