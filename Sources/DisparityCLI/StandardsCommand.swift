import ArgumentParser
import Disparity
import Foundation

/// `disparity standards`: the standard populations loaded from the data files.
struct StandardsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "standards",
    abstract: "List the standard populations (for --standard), each with its source.",
    discussion: """
      The standards are read from the toolkit's data files (datasets/standard-populations), so \
      the list is what `disparity analyse --standard NAME` accepts; a CSV file with columns \
      age_band,population may be given instead. With --bands, each standard's age bands and \
      weights are listed too.

      Examples:
        disparity standards
        disparity standards --bands esp2013
      """
  )

  @Flag(help: "List each standard's age bands and weights.")
  var bands = false

  @Argument(help: "Only these standards (default: all).")
  var names: [String] = []

  func run() throws {
    let standards =
      try names.isEmpty
      ? StandardPopulation.allBuiltIn() : names.map { try StandardPopulation.builtIn(named: $0) }
    var lines: [String] = []
    for standard in standards {
      let marker = standard.id == StandardPopulation.defaultID ? " (default)" : ""
      lines.append("\(standard.id)\(marker): \(standard.name)")
      lines.append("  Source: \(standard.source)")
      let total = standard.total
      let totalText = total == total.rounded() ? String(Int64(total)) : "\(total)"
      lines.append(
        "  \(standard.bands.count) age bands, \(standard.bands.first.map { "\($0)" } ?? "") to \(standard.bands.last.map { "\($0)" } ?? ""); weights sum to \(totalText)"
      )
      if bands {
        for (band, weight) in zip(standard.bands, standard.weights) {
          let w = weight == weight.rounded() ? String(Int64(weight)) : "\(weight)"
          lines.append("    \(band)\t\(w)")
        }
      }
    }
    print(lines.joined(separator: "\n"))
  }
}
