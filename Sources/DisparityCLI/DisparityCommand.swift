import ArgumentParser
import Disparity
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `disparity` command: a thin layer that parses options and calls the library.
@main
struct DisparityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "disparity",
    abstract:
      "Measure ethnic inequalities in health: standardised rates, ratios and summary measures.",
    discussion: """
      Exit status: 0 success, 1 bad data (the message names the file, line and column), \
      2 bad usage (options, configuration or paths).
      """,
    subcommands: [
      AnalyseCommand.self, NormaliseCommand.self, ValidateCommand.self, InequalityCommand.self,
      ModelCommand.self, InitCommand.self, SchemesCommand.self, StandardsCommand.self,
      NotebookCommand.self,
    ]
  )

  /// Runs the command and maps every failure to the exit status of ARCHITECTURE.md:
  /// 1 for bad data, 2 for bad usage (argument-parser's own errors included).
  static func main() {
    // Before anything runs in parallel: OpenBLAS's idle workers would compete for the cores.
    LinearAlgebra.useCallingThreadOnly()
    ProcessTuning.keepFreedMemory()
    ProcessTuning.startLoadingClassifications()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as any DisparityError {
      printError("error: \(error.description)")
      terminate(error.kind.exitStatus)
    } catch {
      let code = exitCode(for: error)
      let message = fullMessage(for: error)
      if code == .success {
        if !message.isEmpty { print(message) }
        terminate(0)
      }
      if !message.isEmpty { printError(message) }
      terminate(ErrorKind.usage.exitStatus)
    }
  }
}

/// Ends the process with a status.
func terminate(_ status: Int32) -> Never {
  #if canImport(Glibc)
    Glibc.exit(status)
  #else
    Darwin.exit(status)
  #endif
}

/// Writes a line to standard error.
func printError(_ message: String) {
  var text = message
  if !text.hasSuffix("\n") { text += "\n" }
  FileHandle.standardError.write(Data(text.utf8))
}
