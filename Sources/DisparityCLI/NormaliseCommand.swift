import ArgumentParser
import Disparity
import Foundation

/// `disparity normalise`: the rows of a file with their ethnicity placed in a classification.
struct NormaliseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "normalise",
    abstract: "Add the standard ethnic group (code and label) to every row of a CSV file.",
    discussion: """
      Writes the rows as CSV with the original columns plus group_code (the target scheme's code: \
      NHS letter or Z/99, ONS number) and group_label (its official label; "Unmapped" with an \
      empty code for anything not mapped, collective terms such as BAME included). The \
      data-quality summary (rows per group, % unknown, unmapped values) goes to standard error.

      Example:
        disparity normalise admissions.csv --group ethnicity --scheme ons-2021 --output clean.csv
      """,
    aliases: ["normalize"]
  )

  @Argument(help: "The CSV file (`-` reads standard input).")
  var input: String

  @Option(help: "The column holding ethnicity (default: the column whose name mentions it).")
  var group: String?

  @Option(help: "Target classification, e.g. nhs-2001, ons-2021, ons-2011-5; raw keeps labels.")
  var scheme: String = "nhs-2001"

  @Option(help: "CSV value,target overriding the built-in matching.")
  var mapping: String?

  @Flag(help: "Treat unmapped values and collective terms as an error (exit status 1).")
  var strict = false

  @Option(help: "Input delimiter: comma, tab or semicolon (default: detected).")
  var delimiter: String?

  @Option(help: "Output file, or `-` for standard output.")
  var output: String = "-"

  @Flag(help: "Print nothing on standard error but errors.")
  var quiet = false

  func run() throws {
    let delimiterChoice = try delimiter.map { text throws(IngestError) in
      try CSVDelimiter(argument: text)
    }
    // A file output is written to a temporary file and renamed only when complete.
    let file = output == "-" ? nil : try StreamingAtomicFile(path: output)
    let result = try EthnicityColumnNormaliser.normalise(
      input: input, groupColumn: group, scheme: scheme, mappingFile: mapping, strict: strict,
      delimiter: delimiterChoice
    ) { text in
      if let file { try file.write(text) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
    try file?.commit()
    if !quiet { printError(result.summary) }
  }
}
