#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Settings for ``CSVReader``; the defaults suit files of any size.
public struct CSVReadOptions: Sendable {
  /// The delimiter, or nil to detect it from the first lines (see ``CSVReader/delimiter``).
  public var delimiter: CSVDelimiter?
  /// Bytes read at a time, per worker (default 256 KiB). Memory use is about this times the
  /// number of workers, whatever the file's size; a record longer than the buffer grows it.
  /// (4 MiB, the earlier default, was no faster on 10 million rows and cost every run its
  /// first touch: 256 KiB took 3–4% off a 20,000-group aggregated file and 3M record-level
  /// rows, and 8 MB of peak memory.)
  public var bufferSize: Int
  /// The longest record accepted (default 64 MiB); a longer one is an error, which stops an
  /// unclosed quote from pulling the rest of a large file into memory.
  public var maxRecordBytes: Int
  /// The smallest part of a file given to one worker by ``CSVReader/parallelReduce(workers:initial:body:merge:)``
  /// (default 1 MiB); smaller files use fewer workers.
  public var minimumChunkBytes: Int

  /// Creates options; every argument has the default described on its property.
  public init(
    delimiter: CSVDelimiter? = nil, bufferSize: Int = 256 << 10, maxRecordBytes: Int = 64 << 20,
    minimumChunkBytes: Int = 1 << 20
  ) {
    self.delimiter = delimiter
    self.bufferSize = bufferSize
    self.maxRecordBytes = maxRecordBytes
    self.minimumChunkBytes = minimumChunkBytes
  }
}

/// A streaming reader of a CSV file with a header line, in bounded memory.
///
/// The reader opens the file, detects the delimiter (unless given) and reads the header when it is
/// created; records are then read with ``forEachRecord(_:)`` (one pass, in order) or
/// ``parallelReduce(workers:initial:body:merge:)`` (several threads over parts of the file).
/// Memory is a few buffers of ``CSVReadOptions/bufferSize`` bytes, whatever the file's size; the
/// file is read with `pread`/`read`, never mapped or loaded whole.
///
/// ```swift
/// let reader = try CSVReader(path: "deaths.csv")
/// let deaths = try reader.header.index(of: "deaths")
/// var total = 0.0
/// try reader.forEachRecord { record in
///   if case .number(let n) = try record.countValue(at: deaths) { total += n }
/// }
/// ```
///
/// Every record is checked as it is read: it must have as many fields as the header, its quotes
/// must be well formed, and it must be valid UTF-8. The first problem stops reading with an
/// ``IngestError`` naming the file, line and column.
public final class CSVReader {
  /// The file as the user named it; `<stdin>` for standard input.
  public let file: String
  /// The header: the column names from the first non-blank line.
  public let header: CSVHeader
  /// The delimiter, given in the options or detected.
  ///
  /// Detection parses the first lines (up to 20 records, from the first 64 KiB) with each of
  /// comma, tab and semicolon, quotes respected. A delimiter qualifies if it gives the header more
  /// than one field; among those, one that gives every sampled record the header's number of
  /// fields wins over one that does not, then the one with more fields, then comma, tab,
  /// semicolon in that order. A file where none qualifies has a single column (comma).
  public let delimiter: CSVDelimiter
  /// Whether the input is standard input or another stream that can be read only once.
  public let isStream: Bool

  let fd: Int32
  let ownsDescriptor: Bool
  let options: CSVReadOptions
  let context: CSVRecordContext
  /// File offset and line of the first record after the header.
  let dataOffset: Int
  let dataLine: Int
  /// The cursor of a stream, positioned after the header, until its one pass.
  private var streamCursor: CSVCursor?
  /// Chunks of the last parallel pass, and those parsed again because their guessed start was
  /// not a record's (for tests; a failed chunk parsed again for its file lines is not counted).
  var lastParallelRun = (chunks: 0, redone: 0)

  /// Opens `path` (`-` for standard input) and reads its header.
  ///
  /// - Parameter displayName: how to name the file in messages (default: `path`, or `<stdin>`).
  /// - Throws: ``IngestError/unreadable(file:reason:)`` (the file is missing, a directory or not
  ///   readable), ``IngestError/emptyFile(file:)``, ``IngestError/duplicateColumn(_:_:firstColumn:)``
  ///   or an error in the header line itself.
  public convenience init(
    path: String, displayName: String? = nil, options: CSVReadOptions = CSVReadOptions()
  ) throws(IngestError) {
    if path == "-" {
      try self.init(
        fileDescriptor: STDIN_FILENO, file: displayName ?? "<stdin>", ownsDescriptor: false,
        options: options)
      return
    }
    let name = displayName ?? path
    var fd: Int32
    repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
    guard fd >= 0 else {
      throw .unreadable(file: name, reason: String(cString: strerror(errno)))
    }
    try self.init(fileDescriptor: fd, file: name, ownsDescriptor: true, options: options)
  }

  /// Reads from an open file descriptor: positioned reads for a regular file, one sequential pass
  /// otherwise. With `ownsDescriptor` the reader closes it.
  init(fileDescriptor fd: Int32, file: String, ownsDescriptor: Bool, options: CSVReadOptions)
    throws(IngestError)
  {
    self.fd = fd
    self.ownsDescriptor = ownsDescriptor
    self.file = file
    self.options = options
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let reason = String(cString: strerror(errno))
      if ownsDescriptor { close(fd) }
      throw .unreadable(file: file, reason: reason)
    }
    let type = info.st_mode & S_IFMT
    if type == S_IFDIR {
      if ownsDescriptor { close(fd) }
      throw .unreadable(file: file, reason: "it is a directory, not a file")
    }
    isStream = type != S_IFREG

    do throws(IngestError) {
      let headerContext = CSVRecordContext(file: file, header: nil)
      let cursor = CSVCursor(
        fd: fd, positioned: !isStream, offset: 0, line: 1, delimiter: UInt8(ascii: ","),
        bufferSize: options.bufferSize, maxRecordBytes: options.maxRecordBytes,
        context: headerContext)
      try cursor.fill(atLeast: 3)
      if cursor.end >= 3 && cursor.buffer[0] == 0xEF && cursor.buffer[1] == 0xBB
        && cursor.buffer[2] == 0xBF
      {
        cursor.pos = 3
      }
      try cursor.fill(atLeast: min(64 << 10, max(options.bufferSize / 2, 4)))
      delimiter = options.delimiter ?? Self.detectDelimiter(cursor)
      cursor.delimiter = delimiter.byte
      guard let headerRecord = try cursor.next() else { throw IngestError.emptyFile(file: file) }
      let names = headerRecord.map { $0.string.trimmingASCIIWhitespace() }
      header = try CSVHeader(file: file, names: names, line: headerRecord.line)
      context = CSVRecordContext(file: file, header: header)
      dataOffset = cursor.recordOffset
      dataLine = cursor.line
      if isStream {
        cursor.context = context
        cursor.expectedFields = header.count
        streamCursor = cursor
      }
    } catch {
      if ownsDescriptor { close(fd) }
      throw error
    }
  }

  deinit {
    if ownsDescriptor { close(fd) }
  }

  static func detectDelimiter(_ cursor: CSVCursor) -> CSVDelimiter {
    var best: (delimiter: CSVDelimiter, consistent: Bool, fields: Int)?
    for candidate in CSVDelimiter.allCases {
      let counts = cursor.sampleFieldCounts(delimiter: candidate.byte, limit: 20)
      guard let fields = counts.first, fields > 1 else { continue }
      let consistent = counts.allSatisfy { $0 == fields }
      if let current = best {
        if (consistent && !current.consistent)
          || (consistent == current.consistent && fields > current.fields)
        {
          best = (candidate, consistent, fields)
        }
      } else {
        best = (candidate, consistent, fields)
      }
    }
    return best?.delimiter ?? .comma
  }

  func makeCursor(offset: Int, line: Int) -> CSVCursor {
    let cursor = CSVCursor(
      fd: fd, positioned: true, offset: offset, line: line, delimiter: delimiter.byte,
      bufferSize: options.bufferSize, maxRecordBytes: options.maxRecordBytes, context: context)
    cursor.expectedFields = header.count
    return cursor
  }

  /// Calls `body` with each record after the header, in file order.
  ///
  /// The record is valid only during the call. A file can be read any number of times; standard
  /// input once.
  ///
  /// - Throws: the first ``IngestError`` in the file, or the first error `body` throws.
  public func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
    let cursor: CSVCursor
    if isStream {
      guard let streamCursor else { throw IngestError.inputAlreadyRead(file: file) }
      cursor = streamCursor
      self.streamCursor = nil
    } else {
      cursor = makeCursor(offset: dataOffset, line: dataLine)
    }
    while let record = try cursor.next() { try body(record) }
  }
}
