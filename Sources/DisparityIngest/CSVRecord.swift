#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where one field lies in the reader's buffer.
@usableFromInline
struct FieldSpan {
  /// Offset of the field's first byte (after an opening quote).
  @usableFromInline var start: Int
  /// Offset one past the field's last byte (before a closing quote; after unescaping).
  @usableFromInline var end: Int
  /// Whether the field was written in double quotes.
  @usableFromInline var quoted: Bool
  /// Whether the field holds doubled quotes still to be unescaped.
  @usableFromInline var escaped: Bool

  @inlinable
  init(start: Int, end: Int, quoted: Bool, escaped: Bool) {
    self.start = start
    self.end = end
    self.quoted = quoted
    self.escaped = escaped
  }
}

/// What a record needs to describe its own location: the file and its header.
@usableFromInline
final class CSVRecordContext: Sendable {
  @usableFromInline let file: String
  @usableFromInline let header: CSVHeader?

  init(file: String, header: CSVHeader?) {
    self.file = file
    self.header = header
  }
}

/// One record (row) of a CSV file, as a view of the reader's buffer.
///
/// A record and its fields are valid only during the callback that receives them: the reader
/// reuses its buffer for the next record. Copy out what you keep (``CSVField/string``, a parsed
/// number). Fields are in file order, one per header column; `record[i]` is the field of column
/// `i` (0-based). Doubled quotes in quoted fields are already unescaped, and every field has been
/// checked to be valid UTF-8.
public struct CSVRecord: RandomAccessCollection {
  @usableFromInline let base: UnsafePointer<UInt8>
  @usableFromInline let spans: UnsafePointer<FieldSpan>
  @usableFromInline let fieldCount: Int
  /// The 1-based physical line on which the record starts.
  public let line: Int
  @usableFromInline unowned(unsafe) let context: CSVRecordContext

  @inlinable
  init(
    base: UnsafePointer<UInt8>, spans: UnsafePointer<FieldSpan>, fieldCount: Int, line: Int,
    context: CSVRecordContext
  ) {
    self.base = base
    self.spans = spans
    self.fieldCount = fieldCount
    self.line = line
    self.context = context
  }

  /// The bytes from the start of the first field to the end of the last (about the record's
  /// length in the file, without its line end): for estimates such as rows per megabyte.
  @inlinable public var byteCount: Int {
    fieldCount == 0 ? 0 : spans[fieldCount - 1].end - spans[0].start
  }

  /// Always 0.
  @inlinable public var startIndex: Int { 0 }
  /// The number of fields.
  @inlinable public var endIndex: Int { fieldCount }

  /// The field of column `index` (0-based).
  @inlinable
  public subscript(index: Int) -> CSVField {
    precondition(index >= 0 && index < fieldCount, "CSV field index out of range")
    let span = spans[index]
    return CSVField(
      bytes: UnsafeBufferPointer(start: base + span.start, count: span.end - span.start),
      wasQuoted: span.quoted)
  }

  /// The file the record came from, as the user named it (`<stdin>` for standard input).
  public var file: String { context.file }

  /// The location of a field of this record: file, line, 1-based column and the column's name.
  ///
  /// - Parameter column: the 0-based column index, as for `record[column]`.
  public func location(column: Int) -> SourceLocation {
    SourceLocation(
      file: context.file, line: line, column: column + 1,
      columnName: context.header.flatMap { column < $0.count ? $0.names[column] : nil })
  }

  /// Parses the field of column `column` as a count or population (see ``CountValue``).
  ///
  /// - Throws: ``IngestError/negativeCount(_:text:)`` or ``IngestError/nonNumericCount(_:text:)``
  ///   naming this record's line and the column.
  public func countValue(at column: Int) throws(IngestError) -> CountValue {
    try self[column].countValue(at: location(column: column))
  }

  /// Every field as a `String` (slow; for messages, tests and small files).
  public var strings: [String] { map(\.string) }
}

/// One field of a ``CSVRecord``: a view of its UTF-8 bytes, valid during the record's callback.
public struct CSVField {
  /// The field's bytes: UTF-8, without surrounding quotes, doubled quotes unescaped.
  public let bytes: UnsafeBufferPointer<UInt8>
  /// Whether the field was written in double quotes (`""` is an empty quoted field).
  public let wasQuoted: Bool

  @inlinable
  init(bytes: UnsafeBufferPointer<UInt8>, wasQuoted: Bool) {
    self.bytes = bytes
    self.wasQuoted = wasQuoted
  }

  /// Whether the field has no bytes.
  @inlinable public var isEmpty: Bool { bytes.isEmpty }

  /// The number of bytes in the field.
  @inlinable public var byteCount: Int { bytes.count }

  /// The field as a new `String`.
  public var string: String { String(decoding: bytes, as: UTF8.self) }

  /// Calls `body` with the field's bytes.
  @inlinable
  public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R
  {
    try body(UnsafeRawBufferPointer(bytes))
  }

  /// The field without leading and trailing spaces and tabs.
  @inlinable
  public var trimmed: CSVField {
    guard var start = bytes.baseAddress else { return self }
    var end = start + bytes.count
    while start < end && (start.pointee == 0x20 || start.pointee == 0x09) { start += 1 }
    while end > start && (end[-1] == 0x20 || end[-1] == 0x09) { end -= 1 }
    return CSVField(
      bytes: UnsafeBufferPointer(start: start, count: end - start), wasQuoted: wasQuoted)
  }

  /// Whether the field's bytes are exactly those of `text`.
  @inlinable
  public func equals(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { other in
      other.count == bytes.count
        && (other.isEmpty || memcmp(other.baseAddress!, bytes.baseAddress!, other.count) == 0)
    }
  }
}
