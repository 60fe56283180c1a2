import ArgumentParser
import Disparity
import Foundation

/// `disparity schemes`: the ethnicity classifications loaded from the data files.
struct SchemesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schemes",
    abstract: "List the ethnicity classifications (for --scheme), each with its source.",
    discussion: """
      The classifications are read from the toolkit's data files (datasets/ethnicity), so the \
      list is what `disparity analyse --scheme NAME` accepts. With --groups, each \
      classification's codes and labels are listed too. `raw` keeps the labels as they are.

      Examples:
        disparity schemes
        disparity schemes --groups ons-2021
      """
  )

  @Flag(help: "List each classification's group codes and labels.")
  var groups = false

  @Argument(help: "Only these classifications (default: all).")
  var names: [String] = []

  func run() throws {
    let catalogue = try EthnicityCatalogue.builtIn()
    let schemes =
      try names.isEmpty ? catalogue.schemes : names.map { try catalogue.scheme(named: $0) }
    var lines: [String] = []
    for scheme in schemes {
      let marker = scheme.id == "nhs-2001" ? " (default)" : ""
      lines.append("\(scheme.id)\(marker): \(scheme.name)")
      if scheme.isRaw {
        lines.append("  Keeps each value's text as its group, without classifying it.")
      } else {
        lines.append("  Source: \(scheme.source)")
        lines.append("  \(scheme.groups.count) codes")
      }
      if groups {
        for group in scheme.groups {
          lines.append("    \(group.code)\t\(group.label)")
        }
      }
    }
    print(lines.joined(separator: "\n"))
  }
}
