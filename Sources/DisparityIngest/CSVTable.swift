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
  public init(text: String, file: String, delimiter: Character = ",") throws(CSVTableError) {
    self.file = file
    var records: [(fields: [String], line: Int)] = []
    var fields: [String] = []
    var field = ""
    var inQuotes = false
    var quotedField = false
    var line = 1
    var recordLine = 1
    var quoteLine = 1
    var chars = Array(text.unicodeScalars)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var i = 0
    func endRecord() {
      fields.append(field)
      if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
        records.append((fields, recordLine))
      }
      fields = []
      field = ""
      quotedField = false
    }
    while i < chars.count {
      let c = chars[i]
      if inQuotes {
        if c == "\"" {
          if i + 1 < chars.count && chars[i + 1] == "\"" {
            field.unicodeScalars.append("\"")
            i += 1
          } else {
            inQuotes = false
            let next = i + 1 < chars.count ? chars[i + 1] : "\n"
            if next != delimiter.unicodeScalars.first! && next != "\n" && next != "\r" {
              throw .textAfterClosingQuote(
                SourceLocation(file: file, line: line, column: fields.count + 1))
            }
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" && field.isEmpty {
        inQuotes = true
        quotedField = true
        quoteLine = line
      } else if Character(c) == delimiter {
        fields.append(field)
        field = ""
      } else if c == "\r" {
        if i + 1 < chars.count && chars[i + 1] == "\n" { i += 1 }
        endRecord()
        line += 1
        recordLine = line
      } else if c == "\n" {
        endRecord()
        line += 1
        recordLine = line
      } else {
        field.unicodeScalars.append(c)
      }
      i += 1
    }
    if inQuotes {
      throw .unterminatedQuote(
        SourceLocation(file: file, line: quoteLine, column: fields.count + 1))
    }
    if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
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
