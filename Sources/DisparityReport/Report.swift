import DisparityIngest
import Foundation

/// A report as data: titles, key findings, tables, charts, notes and metadata, rendered by
/// separate renderers (``MarkdownRenderer``, ``HTMLRenderer``, ``CSVRenderer``,
/// ``JSONReportRenderer``, ``XLSXRenderer``).
public struct Report: Sendable, Equatable {
  /// The version of the JSON report schema (``JSONReportRenderer/schema``). The major number
  /// changes when a field is removed or changes meaning; the minor number when fields are added.
  public static let schemaVersion = "1.0"

  /// The report's title.
  public var title: String
  /// A line under the title, e.g. the period and place the data covers.
  public var subtitle: String?
  /// Key findings in plain English, generated from the numbers.
  public var keyFindings: [String]
  /// The tables: presentation tables for reading, and the tidy table for machines.
  public var tables: [ResultTable]
  /// Charts, drawn as SVG in the HTML report.
  public var charts: [IntervalChart]
  /// Things you need to know: report-wide notes shown after the tables.
  public var footnotes: [String]
  /// Methods footnotes: standard population, interval methods, reference group, confidence.
  public var methods: [String]
  /// Data-quality notes: rows read, unknown ethnicity and what was done with it, unmapped values.
  public var dataQuality: [String]
  /// How the report was made: the command, the inputs and their checksums, the version.
  public var provenance: ReportProvenance
  /// Further metadata as key–value pairs (e.g. the ethnicity classification).
  public var metadata: [(key: String, value: String)]
  /// Whether the machine outputs (CSV, JSON) are under disclosure control; `false` only when the
  /// user asked for `--no-suppress`. Presentation outputs always are.
  public var machineOutputsDisclosureControlled: Bool

  /// Creates a report.
  public init(
    title: String, tables: [ResultTable], methods: [String] = [], dataQuality: [String] = [],
    metadata: [(key: String, value: String)] = [], subtitle: String? = nil,
    keyFindings: [String] = [], charts: [IntervalChart] = [], footnotes: [String] = [],
    provenance: ReportProvenance = ReportProvenance(),
    machineOutputsDisclosureControlled: Bool = true
  ) {
    self.title = title
    self.tables = tables
    self.methods = methods
    self.dataQuality = dataQuality
    self.metadata = metadata
    self.subtitle = subtitle
    self.keyFindings = keyFindings
    self.charts = charts
    self.footnotes = footnotes
    self.provenance = provenance
    self.machineOutputsDisclosureControlled = machineOutputsDisclosureControlled
  }

  public static func == (a: Report, b: Report) -> Bool {
    a.title == b.title && a.subtitle == b.subtitle && a.keyFindings == b.keyFindings
      && a.tables == b.tables && a.charts == b.charts && a.footnotes == b.footnotes
      && a.methods == b.methods && a.dataQuality == b.dataQuality && a.provenance == b.provenance
      && a.machineOutputsDisclosureControlled == b.machineOutputsDisclosureControlled
      && a.metadata.map { [$0.key, $0.value] } == b.metadata.map { [$0.key, $0.value] }
  }

  /// The tables for reading; when there are none, every table (so a report with only the tidy
  /// table still shows it).
  public var presentationTables: [ResultTable] {
    let p = tables.filter { $0.role == .presentation }
    return p.isEmpty ? tables : p
  }

  /// The tidy table written as CSV: the first tidy table, else the first table.
  public var tidyTable: ResultTable? {
    tables.first { $0.role == .tidy } ?? tables.first
  }

  /// The GSS symbols used anywhere in the report's tables and charts, in the key's order.
  public var symbolsUsed: [GSSSymbol] {
    var used = Set(tables.flatMap(\.symbolsUsed))
    for chart in charts {
      for row in chart.rows { if let s = row.symbol { used.insert(s) } }
    }
    return GSSSymbol.allCases.filter { used.contains($0) }
  }

  /// The metadata lines of "About this report": version, command, inputs with checksums, then
  /// the free-form metadata.
  public var aboutLines: [(key: String, value: String)] {
    var lines: [(key: String, value: String)] = []
    if let v = provenance.version { lines.append(("Version", v)) }
    if let c = provenance.command { lines.append(("Command", c)) }
    for input in provenance.inputs {
      lines.append(("Input", input.summary))
    }
    lines += metadata
    return lines
  }
}

/// How a report was made: enough to reproduce it and to check that the inputs are the same.
public struct ReportProvenance: Sendable, Equatable {
  /// The command line that produced the report.
  public var command: String?
  /// The toolkit's name and version, e.g. `disparity 0.1.0`.
  public var version: String?
  /// The input files with their sizes and SHA-256 checksums.
  public var inputs: [InputFileChecksum]

  /// Creates provenance.
  public init(command: String? = nil, version: String? = nil, inputs: [InputFileChecksum] = []) {
    self.command = command
    self.version = version
    self.inputs = inputs
  }
}

/// An input file's name, size and SHA-256 checksum (FIPS 180-4), so that a reader can check they
/// have the same data (`sha256sum FILE` prints the same hexadecimal digest).
public struct InputFileChecksum: Sendable, Equatable {
  /// The path as given on the command line (`-` for standard input).
  public var path: String
  /// The size in bytes; `nil` for standard input.
  public var bytes: Int?
  /// The SHA-256 digest in lower-case hexadecimal; `nil` for standard input, which cannot be read
  /// twice.
  public var sha256: String?

  /// Creates a record from known values.
  public init(path: String, bytes: Int?, sha256: String?) {
    self.path = path
    self.bytes = bytes
    self.sha256 = sha256
  }

  /// Reads the file and computes its checksum, streaming in 1 MiB chunks. Standard input (`-`)
  /// is recorded without a checksum.
  ///
  /// - Throws: ``ReportError/cannotChecksum(_:)`` when the file cannot be read.
  public static func compute(path: String) throws(ReportError) -> InputFileChecksum {
    if path == "-" { return InputFileChecksum(path: path, bytes: nil, sha256: nil) }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .cannotChecksum(path)
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    var total = 0
    while true {
      let chunk: Data?
      do {
        chunk = try handle.read(upToCount: 1 << 20)
      } catch {
        throw .cannotChecksum(path)
      }
      guard let chunk, !chunk.isEmpty else { break }
      total += chunk.count
      hasher.update(chunk)
    }
    return InputFileChecksum(path: path, bytes: total, sha256: hasher.finalize().hexadecimal)
  }

  /// One line for people: `deaths.csv (12,345 bytes, SHA-256 9f86…)`.
  public var summary: String {
    guard let bytes, let sha256 else { return "\(path) (standard input: no checksum)" }
    return "\(path) (\(ReadableNumber.thousands(Int64(bytes))) bytes, SHA-256 \(sha256))"
  }
}
