import ArgumentParser
import Disparity

@main
struct DisparityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "disparity",
    abstract: "Measure ethnic inequalities in health: standardised rates, ratios and summary measures.",
    subcommands: []
  )
}
