/// A problem reading an input file with ``CSVReader`` or parsing one of its values.
///
/// Every case names the file, and where it can, the line and the column (number and header name),
/// what was expected, and what to do about it.
public enum IngestError: DisparityError, Equatable {
  /// The file does not exist, is a directory, or cannot be opened or read.
  case unreadable(file: String, reason: String)
  /// The file holds no header line (it is empty, or holds only blank lines or a byte-order mark).
  case emptyFile(file: String)
  /// A record has a different number of fields from the header.
  ///
  /// The location's column is the first missing column, or the first extra one.
  case raggedRow(SourceLocation, expected: Int, found: Int)
  /// A quoted field is never closed; the location is where its opening quote is.
  case unterminatedQuote(SourceLocation)
  /// A closing quote is followed by text before the next delimiter or line end.
  case textAfterClosingQuote(SourceLocation)
  /// A field holds bytes that are not valid UTF-8; the location is the line of the first bad byte.
  case invalidUTF8(SourceLocation)
  /// A record is longer than the reader allows, usually because a quote is never closed.
  ///
  /// `openQuote` is where the quoted field that was still open began, when there was one.
  case recordTooLarge(SourceLocation, limit: Int, openQuote: SourceLocation?)
  /// A column named on the command line or in a configuration is not in the header.
  case missingColumn(String, file: String, available: [String], suggestion: String?)
  /// Two columns of the header have the same name; the location is the second one.
  case duplicateColumn(String, SourceLocation, firstColumn: Int)
  /// A count or population is negative.
  case negativeCount(SourceLocation, text: String)
  /// A count or population is neither a number nor a known missing or suppressed marker.
  case nonNumericCount(SourceLocation, text: String)
  /// A delimiter given by the user is not one the reader knows.
  case unknownDelimiter(String)
  /// Standard input was asked for a second pass; it can be read only once.
  case inputAlreadyRead(file: String)

  public var kind: ErrorKind {
    switch self {
    case .unreadable, .unknownDelimiter, .inputAlreadyRead: return .usage
    // A file without a column the analysis needs is bad input (exit 1), as issue 2 lists it: in
    // a scheduled job it is usually an extract that changed, not a mistyped option.
    case .missingColumn, .emptyFile, .raggedRow, .unterminatedQuote, .textAfterClosingQuote,
      .invalidUTF8,
      .recordTooLarge, .duplicateColumn, .negativeCount, .nonNumericCount:
      return .data
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .unreadable(let file, _), .emptyFile(let file), .missingColumn(_, let file, _, _),
      .inputAlreadyRead(let file):
      return SourceLocation(file: file)
    case .raggedRow(let l, _, _), .unterminatedQuote(let l), .textAfterClosingQuote(let l),
      .invalidUTF8(let l), .recordTooLarge(let l, _, _), .duplicateColumn(_, let l, _),
      .negativeCount(let l, _), .nonNumericCount(let l, _):
      return l
    case .unknownDelimiter: return nil
    }
  }

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return
        "\(file): cannot read the file (\(reason)). Check the path and that the file is readable."
    case .emptyFile(let file):
      return
        "\(file): the file is empty. It needs a header line naming its columns, then one line per row."
    case .raggedRow(let l, let expected, let found):
      let detail =
        found < expected
        ? "the field for column \(l.column ?? found + 1) onwards is missing"
        : "column \(l.column ?? expected + 1) onwards is extra"
      return
        "\(l): this row has \(found) field\(found == 1 ? "" : "s") but the header has \(expected) (\(detail)). Check for a missing or extra delimiter, and put double quotes around any field that contains the delimiter."
    case .unterminatedQuote(let l):
      return
        "\(l): a quoted field opens here but is never closed. Add the closing double quote, or write a double quote inside a quoted field as two (\"\")."
    case .textAfterClosingQuote(let l):
      return
        "\(l): text follows the closing double quote of a quoted field. Quote the whole field and write each double quote inside it as two (\"\"), e.g. \"5\"\" tall\"."
    case .invalidUTF8(let l):
      return
        "\(l): this field is not valid UTF-8 text. Save the file as UTF-8 (with or without a byte-order mark); in Excel choose \"CSV UTF-8\"."
    case .recordTooLarge(let l, let limit, let openQuote):
      let size = limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit) bytes"
      if let openQuote {
        return
          "\(l): the row starting here is longer than \(size). A quoted field opens at \(openQuote) and is probably never closed: add the closing double quote."
      }
      return
        "\(l): the row starting here is longer than \(size), which is not a plausible CSV row. Check that this is a CSV file with one row per line."
    case .missingColumn(let name, let file, let available, let suggestion):
      var text = "\(file): there is no column \"\(name)\""
      if let suggestion { text += "; did you mean \"\(suggestion)\"?" } else { text += "." }
      let list = available.map { "\"\($0)\"" }.joined(separator: ", ")
      return text + " The columns are: \(list). Name one of these columns."
    case .duplicateColumn(let name, let l, let first):
      return
        "\(l): the header names column \"\(name)\" twice (columns \(first) and \(l.column ?? 0)). Rename one of them so that every column has its own name."
    case .negativeCount(let l, let text):
      return
        "\(l): expected a count or population of zero or more, found \"\(text)\". Correct the value, or write NA if it is not known."
    case .nonNumericCount(let l, let text):
      return
        "\(l): expected a count or population (a number such as 12, 1,469 or 12.5), found \"\(text)\". Correct the value; write a missing value as empty or NA, and a suppressed one as e.g. <5, * or [c]."
    case .unknownDelimiter(let text):
      return
        "unknown delimiter \"\(text)\". Use comma (,), tab (\\t) or semicolon (;), or leave it out to detect it from the header."
    case .inputAlreadyRead(let file):
      return
        "\(file): standard input can be read only once. Save it to a file to read it more than once."
    }
  }
}
