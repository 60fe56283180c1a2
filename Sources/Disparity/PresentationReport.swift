import DisparityNormalise
import DisparityReport
import DisparityStatistics
import Foundation

/// Assembles the whole report of an analysis: the policy-ready table, key findings, charts,
/// things you need to know, methods, data quality, provenance and the tidy table.
///
/// ```swift
/// let report = PresentationReportBuilder(specification: spec, levels: levels).report(
///   results: results, tidyTable: table, methods: methodsNotes, dataQuality: quality,
///   notes: inputNotes, provenance: try ReportProvenance.analysis(spec))
/// ```
///
/// The presentation tables are always under disclosure control; the tidy table is used as
/// given (the caller builds it from suppressed results unless `--no-suppress`). The data-quality
/// lines state shares of records as percentages only, never counts per group (the ethnicity
/// summary printed on standard error lists row counts per group, which would reveal withheld
/// counts).
public struct PresentationReportBuilder: Sendable {
  /// The analysis.
  public var specification: AnalysisSpecification
  /// Its confidence levels.
  public var levels: [ConfidenceLevel]

  /// Creates a builder.
  public init(specification: AnalysisSpecification, levels: [ConfidenceLevel]) {
    self.specification = specification
    self.levels = levels
  }

  /// The report.
  ///
  /// - Parameters:
  ///   - results: the group results, with or without disclosure control applied.
  ///   - tidyTable: the tidy table for the CSV and JSON outputs.
  ///   - methods: methods footnotes (standard population, interval methods, reference).
  ///   - dataQuality: the ethnicity data-quality summary of the events input.
  ///   - notes: further data-quality notes that state no per-group counts (missing or
  ///     suppressed-at-source values, groups without population).
  ///   - provenance: the command, the inputs' checksums and the version.
  ///   - metadata: further key–value pairs for "About this report".
  public func report(
    results: [GroupResult], tidyTable: ResultTable, methods: [String],
    dataQuality: EthnicityDataQuality?, notes: [String] = [],
    provenance: ReportProvenance = ReportProvenance(),
    metadata: [(key: String, value: String)] = []
  ) -> Report {
    let spec = specification
    let builder = PolicyTableBuilder(specification: spec, levels: levels)
    let policy = builder.build(results)
    var tidy = tidyTable
    tidy.role = .tidy
    if tidy.title == nil { tidy.title = "All results at full precision" }

    var footnotes: [String] = []
    var quality: [String] = []
    if let dq = dataQuality {
      let unknown = dq.percentNotStated + dq.percentNotKnown
      let unknownText = Self.percent(unknown)
      switch spec.unknown {
      case .exclude:
        footnotes.append(
          "Ethnicity was unknown (not stated or not known) for \(unknownText) of records. These records are not included in any ethnic group."
        )
      case .redistribute:
        footnotes.append(
          "Ethnicity was unknown (not stated or not known) for \(unknownText) of records. Their events were redistributed: each group's events were scaled up in proportion, so that the groups add up to all records."
        )
      }
      let total = dq.totalWeight
      let unassigned = dq.tally(.collective).weight + dq.tally(.unmapped).weight
      if unassigned > 0 && total > 0 {
        footnotes.append(
          "A further \(Self.percent(100 * unassigned / total)) of records had an ethnicity value that could not be placed in one group of the classification (such as a collective term covering several groups); "
            + (spec.unknown == .redistribute
              ? "their events were redistributed with those of unknown ethnicity."
              : "they are not included in any ethnic group.")
        )
      }
      quality.append(
        "Ethnicity not stated: \(Self.percent(dq.percentNotStated)) of records; not known: \(Self.percent(dq.percentNotKnown))."
      )
      if unassigned > 0 && total > 0 {
        quality.append(
          "Values not placed in a group (collective terms or unrecognised values): \(Self.percent(100 * unassigned / total)) of records."
        )
      }
      for step in dq.lossySteps {
        quality.append(step.note)
      }
      quality.append("Ethnicity classification: \(dq.scheme.name).")
    }
    quality += notes

    footnotes.append(
      "Ethnic groups are named and ordered as in the government's style guide for writing about ethnicity: alphabetically, with 'Other' groups and 'Unknown' last."
    )
    let d = builder.disclosure
    footnotes.append(
      "Disclosure control: counts from 1 to \(ReadableNumber.trimmed(d.threshold, decimals: 3)) are withheld ([c]), with every rate, ratio and difference computed from them. Where a withheld count could otherwise be worked out from a total, the reference group or other cells, further values are withheld as well. Zero counts are shown."
    )
    if spec.noSuppress {
      footnotes.append(
        "The CSV and JSON outputs of this run were produced without disclosure control (--no-suppress). They may contain small counts and must not be published; the tables and charts of this report are under disclosure control."
      )
    }
    return Report(
      title: spec.title, tables: [policy.table, tidy], methods: methods, dataQuality: quality,
      metadata: metadata, keyFindings: policy.keyFindings, charts: policy.charts,
      footnotes: footnotes, provenance: provenance,
      machineOutputsDisclosureControlled: !spec.noSuppress)
  }

  /// A percentage to 1 decimal place; "less than 0.1%" for a small non-zero share.
  static func percent(_ p: Double) -> String {
    if p > 0 && p < 0.05 { return "less than 0.1%" }
    return ReadableNumber.fixed(p, decimals: 1) + "%"
  }
}

extension ReportProvenance {
  /// The provenance of an analysis: every file it read (inputs, population, reference rates,
  /// mapping, custom standard) with its size and SHA-256, and the toolkit's version. The command
  /// is set by the caller that knows it (see ``commandLine(_:)``).
  ///
  /// - Throws: ``ReportError/cannotChecksum(_:)`` when a file cannot be read.
  public static func analysis(_ spec: AnalysisSpecification, command: String? = nil)
    throws(ReportError) -> ReportProvenance
  {
    var paths = spec.inputs
    for extra in [spec.populationFile, spec.mappingFile].compactMap({ $0 }) {
      paths.append(extra)
    }
    // --reference-rates is a file, or else the name of a group (nothing to checksum).
    if let rates = spec.referenceRates, FileManager.default.fileExists(atPath: rates) {
      paths.append(rates)
    }
    if FileManager.default.fileExists(atPath: spec.standard) { paths.append(spec.standard) }
    var seen = Set<String>()
    var inputs: [InputFileChecksum] = []
    for path in paths where seen.insert(path).inserted {
      inputs.append(try InputFileChecksum.compute(path: path))
    }
    return ReportProvenance(
      command: command, version: "disparity \(DisparityVersion.current)", inputs: inputs)
  }

  /// A command line as one string a shell would read back: `disparity` for the program, and
  /// arguments quoted where they contain spaces or shell characters.
  public static func commandLine(_ arguments: [String]) -> String {
    guard !arguments.isEmpty else { return "" }
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@%")
    let words =
      ["disparity"]
      + arguments.dropFirst().map { arg -> String in
        if !arg.isEmpty && arg.allSatisfy({ safe.contains($0) }) { return arg }
        return "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
      }
    return words.joined(separator: " ")
  }
}
