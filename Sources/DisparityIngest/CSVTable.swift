import Foundation

/// A small CSV file read whole into memory: its header and rows of text, with line numbers.
///
/// For the toolkit's own data files (ethnicity classifications, standard populations) and small
/// user files (mapping files, custom standards, reference rates). Large inputs go through the
/// streaming reader instead. Parsing follows RFC 4180: quoted fields may hold the delimiter,
/// doubled quotes and newlines; a UTF-8 byte-order mark and CRLF line ends are accepted.
public struct CSVTable: Sendable {
  /// One data row: its fields and the physical line on which it starts.
  public struct Row: Sendable {
    /// The fields, one per header column.
    public var fields: [String]
    /// The 1-based physical line on which the row starts.
    public var line: Int
  }

  /// The file the table came from, as the user named it.
  public let file: String
  /// The column names from the first line.
  public let header: [String]
  /// The data rows, each with as many fields as the header.
  public let rows: [Row]

  /// Reads and parses a whole file.
  ///
  /// - Throws: ``CSVTableError`` naming the file, line and column of the first problem.
  public init(contentsOf path: String, displayName: String? = nil) throws(CSVTableError) {
    let name = displayName ?? path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .unreadable(file: name)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .invalidUTF8(SourceLocation(file: name))
    }
    try self.init(text: text, file: name)
  }

  /// Parses CSV text already in memory; `file` names it in errors.
  ///
  /// Byte by byte over the text's UTF-8 (the delimiter's bytes are matched as a sequence): a
  /// loop over `Character`s and scalars appended one at a time took 16 million instructions for
  /// the 30 KB of built-in classifications, a seventh of a small analysis.
  public init(text: String, file: String, delimiter: Character = ",") throws(CSVTableError) {
    self.file = file
    var text = text
    let delimiterBytes = Array(String(delimiter).utf8)
    let outcome = text.withUTF8 { bytes in
      Self.records(bytes, delimiter: delimiterBytes, file: file)
    }
    let records: [(fields: [String], line: Int)]
    switch outcome {
    case .success(let found): records = found
    case .failure(let error): throw error
    }
    guard let first = records.first else { throw .empty(file: file) }
    header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    var parsed: [Row] = []
    parsed.reserveCapacity(records.count - 1)
    for record in records.dropFirst() {
      guard record.fields.count == header.count else {
        throw .raggedRow(
          SourceLocation(file: file, line: record.line), expected: header.count,
          found: record.fields.count)
      }
      parsed.append(Row(fields: record.fields, line: record.line))
    }
    rows = parsed
  }

  /// The records of `bytes` (RFC 4180, see ``init(text:file:delimiter:)``), each with the line
  /// on which it starts; blank lines are skipped.
  private static func records(
    _ bytes: UnsafeBufferPointer<UInt8>, delimiter: [UInt8], file: String
  ) -> Result<[(fields: [String], line: Int)], CSVTableError> {
    let quote = UInt8(ascii: "\"")
    let newline = UInt8(ascii: "\n")
    let carriageReturn = UInt8(ascii: "\r")
    var records: [(fields: [String], line: Int)] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var inQuotes = false
    var quotedField = false
    var line = 1
    var recordLine = 1
    var quoteLine = 1
    let n = bytes.count
    // A UTF-8 byte-order mark.
    var i = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    func isDelimiter(at j: Int) -> Bool {
      guard j + delimiter.count <= n else { return false }
      for (k, b) in delimiter.enumerated() where bytes[j + k] != b { return false }
      return true
    }
    func endField() {
      fields.append(String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
    }
    func endRecord() {
      endField()
      if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
        records.append((fields, recordLine))
      }
      fields = []
      quotedField = false
    }
    while i < n {
      let c = bytes[i]
      if inQuotes {
        if c == quote {
          if i + 1 < n && bytes[i + 1] == quote {
            field.append(quote)
            i += 1
          } else {
            inQuotes = false
            if i + 1 < n && !isDelimiter(at: i + 1) && bytes[i + 1] != newline
              && bytes[i + 1] != carriageReturn
            {
              return .failure(
                .textAfterClosingQuote(
                  SourceLocation(file: file, line: line, column: fields.count + 1)))
            }
          }
        } else {
          if c == newline { line += 1 }
          field.append(c)
        }
      } else if c == quote && field.isEmpty {
        inQuotes = true
        quotedField = true
        quoteLine = line
      } else if c == delimiter[0] && isDelimiter(at: i) {
        endField()
        i += delimiter.count - 1
      } else if c == carriageReturn {
        if i + 1 < n && bytes[i + 1] == newline { i += 1 }
        endRecord()
        line += 1
        recordLine = line
      } else if c == newline {
        endRecord()
        line += 1
        recordLine = line
      } else {
        field.append(c)
      }
      i += 1
    }
    if inQuotes {
      return .failure(
        .unterminatedQuote(SourceLocation(file: file, line: quoteLine, column: fields.count + 1)))
    }
    if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
    return .success(records)
  }

  /// The index of the column called `name`.
  ///
  /// - Throws: ``CSVTableError/missingColumn(_:file:available:)`` listing the columns there are.
  public func columnIndex(_ name: String) throws(CSVTableError) -> Int {
    guard let index = header.firstIndex(of: name) else {
      throw .missingColumn(name, file: file, available: header)
    }
    return index
  }

  /// The location of a field, for error messages.
  public func location(row: Row, column: Int) -> SourceLocation {
    SourceLocation(file: file, line: row.line, column: column + 1, columnName: header[column])
  }
}

/// A problem reading a small CSV file with ``CSVTable``.
public enum CSVTableError: DisparityError, Equatable {
  /// The file does not exist or cannot be read.
  case unreadable(file: String)
  /// The file is not valid UTF-8.
  case invalidUTF8(SourceLocation)
  /// The file has no header line.
  case empty(file: String)
  /// A quoted field is never closed.
  case unterminatedQuote(SourceLocation)
  /// A closing quote is followed by text before the next delimiter.
  case textAfterClosingQuote(SourceLocation)
  /// A row has a different number of fields from the header.
  case raggedRow(SourceLocation, expected: Int, found: Int)
  /// A required column is not in the header.
  case missingColumn(String, file: String, available: [String])

  public var kind: ErrorKind {
    switch self {
    case .unreadable: return .usage
    default: return .data
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .unreadable(let file), .empty(let file), .missingColumn(_, let file, _):
      return SourceLocation(file: file)
    case .invalidUTF8(let l), .unterminatedQuote(let l), .textAfterClosingQuote(let l),
      .raggedRow(let l, _, _):
      return l
    }
  }

  public var description: String {
    switch self {
    case .unreadable(let file):
      return "\(file): cannot read the file. Check that the path is right and the file is readable."
    case .invalidUTF8(let l):
      return
        "\(l): the file is not valid UTF-8. Save it as UTF-8 (with or without a byte-order mark)."
    case .empty(let file):
      return "\(file): the file is empty; it needs a header line naming its columns."
    case .unterminatedQuote(let l):
      return "\(l): a quoted field starts here but is never closed. Add the closing double quote."
    case .textAfterClosingQuote(let l):
      return
        "\(l): text follows a closing double quote. Write a quote inside a quoted field as two quotes (\"\")."
    case .raggedRow(let l, let expected, let found):
      return
        "\(l): this row has \(found) fields but the header has \(expected). Check for a missing or extra delimiter, or quote fields that contain one."
    case .missingColumn(let name, let file, let available):
      return
        "\(file): there is no column \"\(name)\". The columns are: \(available.joined(separator: ", "))."
    }
  }
}
