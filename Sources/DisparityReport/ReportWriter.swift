import Foundation
import DisparityIngest

/// An output format of `disparity analyse`.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// The tidy table at full precision.
  case csv
  /// A readable report.
  case md

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

  /// The report rendered in one format.
  public func render(_ report: Report, as format: OutputFormat) -> String {
    switch format {
    case .csv: return CSVRenderer().render(report.tables.first ?? ResultTable(name: "", columns: []))
    case .md: return MarkdownRenderer().render(report)
    }
  }

  /// Writes the report.
  ///
  /// - Throws: ``ReportError`` for a bad destination, or ``OutputError`` when a file cannot be
  ///   written (in which case no file is left behind).
  public func write(_ report: Report) throws {
    if destination == "-" {
      guard formats.count == 1 else { throw ReportError.severalFormatsToStandardOutput }
      let text = render(report, as: formats[0])
      FileHandle.standardOutput.write(Data(text.utf8))
      return
    }
    let files = formats.map { format in
      AtomicOutput.File(
        path: destination + "/" + baseName + "." + format.fileExtension,
        text: render(report, as: format))
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

  public var kind: ErrorKind { .usage }
  public var location: SourceLocation? { nil }

  public var description: String {
    switch self {
    case .unknownFormat(let name, let available):
      return
        "--format: \"\(name)\" is not a format. Choose from: \(available.joined(separator: ", "))."
    case .severalFormatsToStandardOutput:
      return
        "--output - writes a single format to standard output; give one --format, or an output folder."
    }
  }
}
