/// The column names of a CSV file, from its first line.
///
/// Names are trimmed of surrounding spaces and tabs, and a byte-order mark is removed. No two
/// columns have the same name (``CSVReader`` rejects such a header).
public struct CSVHeader: Sendable, Hashable {
  /// The file the header came from, as the user named it.
  public let file: String
  /// The column names, in file order.
  public let names: [String]

  /// Creates a header from names already trimmed; checks that no name appears twice.
  ///
  /// - Parameter line: the physical line of the header, for the duplicate-column error.
  /// - Throws: ``IngestError/duplicateColumn(_:_:firstColumn:)`` for a repeated name.
  public init(file: String, names: [String], line: Int = 1) throws(IngestError) {
    var seen: [String: Int] = [:]
    for (index, name) in names.enumerated() {
      if let first = seen[name] {
        throw .duplicateColumn(
          name, SourceLocation(file: file, line: line, column: index + 1, columnName: name),
          firstColumn: first + 1)
      }
      seen[name] = index
    }
    self.file = file
    self.names = names
  }

  /// The number of columns.
  public var count: Int { names.count }

  /// The index of the column called `name`, or nil.
  ///
  /// An exact match wins; otherwise a match ignoring case and surrounding spaces is accepted when
  /// exactly one column has it (so `--group Ethnicity` finds `ethnicity`).
  public func firstIndex(of name: String) -> Int? {
    if let index = names.firstIndex(of: name) { return index }
    let key = Self.foldCase(name)
    let matches = names.indices.filter { Self.foldCase(names[$0]) == key }
    return matches.count == 1 ? matches[0] : nil
  }

  /// The index of the column called `name` (see ``firstIndex(of:)`` for how names match).
  ///
  /// - Throws: ``IngestError/missingColumn(_:file:available:suggestion:)`` listing the columns
  ///   there are, and the nearest name when one is close.
  public func index(of name: String) throws(IngestError) -> Int {
    if let index = firstIndex(of: name) { return index }
    throw .missingColumn(name, file: file, available: names, suggestion: suggestion(for: name))
  }

  /// The column name nearest to `name`, ignoring case, when one is close enough to be a likely typo.
  ///
  /// Nearest by Levenshtein edit distance, accepted up to a third of the name's length (at least 2);
  /// failing that, a column whose name contains `name` or is contained in it. Ties go to the
  /// earlier column.
  public func suggestion(for name: String) -> String? {
    let folded = Self.foldCase(name)
    guard !folded.isEmpty else { return nil }
    let trimmed = names.map(Self.foldCase)
    if let best = NearestName.suggest(folded, among: trimmed) {
      return names[trimmed.firstIndex(of: best)!]
    }
    return names.first { candidate in
      let other = Self.foldCase(candidate)
      return !other.isEmpty && (other.contains(folded) || folded.contains(other))
    }
  }

  static func foldCase(_ text: String) -> String {
    text.lowercased().trimmingASCIIWhitespace()
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs (and a leading byte-order mark).
  func trimmingASCIIWhitespace() -> String {
    var scalars = Substring(self).unicodeScalars
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }
}
