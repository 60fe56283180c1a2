/// A report as data: titles, tables, notes and metadata, rendered by separate renderers.
public struct Report: Sendable, Equatable {
  /// The report's title.
  public var title: String
  /// The tables, the first being the main results table.
  public var tables: [ResultTable]
  /// Methods footnotes: standard population, interval methods, reference group, confidence.
  public var methods: [String]
  /// Data-quality notes: rows read, unknown ethnicity and what was done with it, unmapped values.
  public var dataQuality: [String]
  /// Metadata: the command, input files and their checksums, the toolkit version.
  public var metadata: [(key: String, value: String)]

  /// Creates a report.
  public init(
    title: String, tables: [ResultTable], methods: [String] = [], dataQuality: [String] = [],
    metadata: [(key: String, value: String)] = []
  ) {
    self.title = title
    self.tables = tables
    self.methods = methods
    self.dataQuality = dataQuality
    self.metadata = metadata
  }

  public static func == (a: Report, b: Report) -> Bool {
    a.title == b.title && a.tables == b.tables && a.methods == b.methods
      && a.dataQuality == b.dataQuality
      && a.metadata.map { [$0.key, $0.value] } == b.metadata.map { [$0.key, $0.value] }
  }
}
