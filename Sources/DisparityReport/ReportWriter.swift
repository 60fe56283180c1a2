import DisparityIngest
import Foundation

/// An output format of `disparity analyse`.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// The tidy table at full precision.
  case csv
  /// A readable report in Markdown.
  case md
  /// A readable report as one self-contained HTML file with charts.
  case html
  /// The whole report for machines, at full precision, with a schema version.
  case json
  /// An Excel workbook: one sheet per table, a notes sheet.
  case xlsx

  /// Parses a comma-separated list such as `csv,md`.
  public static func parseList(_ text: String) throws(ReportError) -> [OutputFormat] {
    var formats: [OutputFormat] = []
    for part in text.split(separator: ",") {
      let name = part.trimmingCharacters(in: .whitespaces).lowercased()
      guard let format = OutputFormat(rawValue: name) else {
        throw .unknownFormat(name, available: OutputFormat.allCases.map(\.rawValue))
      }
      if !formats.contains(format) { formats.append(format) }
    }
    guard !formats.isEmpty else { throw .unknownFormat(text, available: allCases.map(\.rawValue)) }
    return formats
  }

  /// The file extension.
  public var fileExtension: String { rawValue }
}

/// Renders a report in each requested format and writes the files atomically, or writes the
/// single requested format to standard output.
public struct ReportWriter: Sendable {
  /// The formats to write.
  public var formats: [OutputFormat]
  /// A folder, or `-` for standard output.
  public var destination: String
  /// The base name of the files written into the folder.
  public var baseName: String

  /// Creates a writer.
  public init(formats: [OutputFormat], destination: String, baseName: String = "report") {
    self.formats = formats
    self.destination = destination
    self.baseName = baseName
  }

  /// The report rendered in one format: the tidy table for `csv`, the whole report otherwise.
  public func render(_ report: Report, as format: OutputFormat) throws(ReportError) -> [UInt8] {
    switch format {
    case .csv:
      return CSVRenderer().renderBytes(report.tidyTable ?? ResultTable(name: "", columns: []))
    case .md: return Array(MarkdownRenderer().render(report).utf8)
    case .html: return Array(HTMLRenderer().render(report).utf8)
    case .json: return Array(JSONReportRenderer().render(report).utf8)
    case .xlsx: return try XLSXRenderer().render(report)
    }
  }

  /// Writes the report: every format rendered first, then all files written atomically (all
  /// appear, complete, or none does).
  ///
  /// - Throws: ``ReportError`` for a bad destination, or ``OutputError`` when a file cannot be
  ///   written (in which case no file is left behind).
  public func write(_ report: Report) throws {
    if destination == "-" {
      guard formats.count == 1 else { throw ReportError.severalFormatsToStandardOutput }
      if formats[0] == .csv {
        // The pieces one after another: joined, a national table's text was copied once more
        // into memory touched for the first time.
        let table = report.tidyTable ?? ResultTable(name: "", columns: [])
        try StandardOutput.write(pieces: CSVRenderer().renderPieces(table))
        return
      }
      let bytes = try render(report, as: formats[0])
      try StandardOutput.write(bytes)
      return
    }
    var files: [AtomicOutput.File] = []
    for format in formats {
      let path = destination + "/" + baseName + "." + format.fileExtension
      if format == .csv {
        // In the pieces rendered on several cores, written without joining them.
        let table = report.tidyTable ?? ResultTable(name: "", columns: [])
        files.append(AtomicOutput.File(path: path, pieces: CSVRenderer().renderPieces(table)))
      } else {
        files.append(AtomicOutput.File(path: path, contents: try render(report, as: format)))
      }
    }
    try AtomicOutput().write(files)
  }
}

/// A problem with the requested report formats or destination.
public enum ReportError: DisparityError, Equatable {
  /// A format name that is not offered.
  case unknownFormat(String, available: [String])
  /// `--output -` with more than one format.
  case severalFormatsToStandardOutput
  /// An input file could not be read to compute its checksum.
  case cannotChecksum(String)
  /// The workbook's zip archive could not be built.
  case cannotBuildWorkbook(String)

  public var kind: ErrorKind {
    switch self {
    case .unknownFormat, .severalFormatsToStandardOutput: return .usage
    case .cannotChecksum, .cannotBuildWorkbook: return .data
    }
  }

  public var location: SourceLocation? {
    if case .cannotChecksum(let path) = self { return SourceLocation(file: path) }
    return nil
  }

  public var description: String {
    switch self {
    case .unknownFormat(let name, let available):
      return
        "--format: \"\(name)\" is not a format. Choose from: \(available.joined(separator: ", "))."
    case .severalFormatsToStandardOutput:
      return
        "--output - writes a single format to standard output; give one --format, or an output folder."
    case .cannotChecksum(let path):
      return
        "\(path): cannot read the file to compute its SHA-256 checksum for the report. Check that it still exists and is readable."
    case .cannotBuildWorkbook(let problem):
      return
        "cannot build the Excel workbook (\(problem)); no output was written. Try another format, and report this as a bug."
    }
  }
}
