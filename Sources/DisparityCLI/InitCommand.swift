import ArgumentParser
import Disparity
import Foundation

/// `disparity init`: writes a commented configuration template.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a commented configuration file to edit, for `disparity analyse --config`.",
    discussion: """
      The file names every setting of `disparity analyse` as a key (the long flag names), with \
      the common ones set to example values and the others commented out at their defaults. \
      An existing file is kept unless --force is given; `-` writes the template to standard \
      output.

      Example:
        disparity init analysis.toml
        # edit inputs, numerator, population and age, then:
        disparity validate --config analysis.toml && disparity analyse --config analysis.toml
      """
  )

  @Argument(help: "The file to write (default analysis.toml; `-` for standard output).")
  var file: String = "analysis.toml"

  @Flag(help: "Overwrite the file if it exists.")
  var force = false

  func run() throws {
    if file == "-" {
      FileHandle.standardOutput.write(Data(AnalysisOptions.template.utf8))
      return
    }
    if !force && FileManager.default.fileExists(atPath: file) {
      throw ConfigurationError.fileExists(file)
    }
    // Written to a temporary file and renamed, so an interrupted run leaves no half template.
    let output = try StreamingAtomicFile(path: file)
    try output.write(AnalysisOptions.template)
    try output.commit()
    printError("Wrote \(file). Edit it, then run: disparity analyse --config \(file)")
  }
}
