import _CByteScan

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// The byte-level CSV parser behind `CSVReader`.
//
// Hand-written rather than taken from a library: the Swift CSV libraries available to us measured
// 40-50x slower than a byte-level reader on a 1M-row file, because they build a `String` (or a
// dictionary) per field and decode Unicode per character. This parser works on raw bytes in a
// fixed-size buffer filled with read()/pread(), records fields as offsets into that buffer (no copy,
// no allocation per record), unescapes doubled quotes in place only in fields that have them, and
// validates UTF-8 only in records where a byte with the high bit set was seen.
//
// Grammar (RFC 4180, with the leniency of R's read.csv and pandas):
// - records end at LF, CRLF or a lone CR (each counts as one physical line; so do line ends inside
//   quoted fields); the last record may lack a line end;
// - a field that starts with `"` is quoted: it ends at the next `"` not followed by another `"`
//   (`""` stands for one quote); the closing quote must be followed by the delimiter, a line end or
//   the end of the file, otherwise `textAfterClosingQuote`;
// - a `"` anywhere else in a field is an ordinary character;
// - a line holding nothing at all (one empty unquoted field) is blank and skipped, as R and pandas
//   skip blank lines; a line holding `""` is a record with one empty field.

// Literal values, so that the globals are initialised statically (no lazy-initialisation check
// in the loops).
let quoteByte: UInt8 = 0x22  // "
let lineFeed: UInt8 = 0x0A
let carriageReturn: UInt8 = 0x0D
let onesWord: UInt64 = 0x0101_0101_0101_0101
let highBitsWord: UInt64 = 0x8080_8080_8080_8080
let lineFeedWord: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
let carriageReturnWord: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
let quoteWord: UInt64 = 0x2222_2222_2222_2222

/// Reads bytes from a file descriptor into a growable buffer and parses them into records.
final class CSVCursor {
  enum Outcome {
    /// A complete record of `fields` fields, ending before `next`, spanning `lines` line ends.
    case record(fields: Int, next: Int, lines: Int, highBits: UInt8)
    /// The buffer ends inside the record: fill it and parse the record again.
    case needMore
    /// No bytes are left.
    case endOfInput
  }

  let fd: Int32
  /// Read with pread() at `readOffset` (a regular file) rather than read() (a pipe or terminal).
  let positioned: Bool
  var context: CSVRecordContext
  var delimiter: UInt8
  let maxRecordBytes: Int
  /// The number of fields every record must have; 0 accepts any number (for the header).
  var expectedFields = 0

  private(set) var buffer: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// Offset in `buffer` of the next record.
  var pos = 0
  /// Number of valid bytes in `buffer`.
  private(set) var end = 0
  /// Whether the source has no more bytes after `end`.
  private(set) var eof = false
  /// File offset of `buffer[0]`.
  private(set) var bufferOffset: Int
  private var readOffset: Int
  /// The 1-based physical line at `pos`.
  var line: Int
  private(set) var spans: UnsafeMutablePointer<FieldSpan>
  private var spanCapacity = 64
  /// Where the quoted field that was open when the buffer last ran out began (line, column).
  private var openQuote: (line: Int, column: Int)?

  init(
    fd: Int32, positioned: Bool, offset: Int, line: Int, delimiter: UInt8, bufferSize: Int,
    maxRecordBytes: Int, context: CSVRecordContext
  ) {
    self.fd = fd
    self.positioned = positioned
    self.bufferOffset = offset
    self.readOffset = offset
    self.line = line
    self.delimiter = delimiter
    self.capacity = max(bufferSize, 4)
    self.maxRecordBytes = max(maxRecordBytes, self.capacity)
    self.context = context
    buffer = .allocate(capacity: capacity)
    spans = .allocate(capacity: spanCapacity)
  }

  deinit {
    buffer.deallocate()
    spans.deallocate()
  }

  /// The file offset of the next record.
  var recordOffset: Int { bufferOffset + pos }

  /// Moves the unparsed bytes to the front of the buffer (growing it when one record fills it)
  /// and reads more after them; sets `eof` when the source is exhausted.
  func fill() throws(IngestError) {
    if pos > 0 {
      let remaining = end - pos
      if remaining > 0 { memmove(buffer, buffer + pos, remaining) }
      bufferOffset += pos
      end = remaining
      pos = 0
    }
    if end == capacity {
      guard capacity < maxRecordBytes else {
        throw .recordTooLarge(
          SourceLocation(file: context.file, line: line), limit: maxRecordBytes,
          openQuote: openQuote.map {
            SourceLocation(
              file: context.file, line: $0.line, column: $0.column,
              columnName: columnName($0.column - 1))
          })
      }
      let newCapacity = min(capacity * 2, maxRecordBytes)
      let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
      newBuffer.update(from: buffer, count: end)
      buffer.deallocate()
      buffer = newBuffer
      capacity = newCapacity
    }
    while true {
      let n =
        positioned
        ? pread(fd, buffer + end, capacity - end, off_t(readOffset))
        : read(fd, buffer + end, capacity - end)
      if n > 0 {
        end += n
        readOffset += n
        return
      }
      if n == 0 {
        eof = true
        return
      }
      if errno == EINTR { continue }
      throw .unreadable(file: context.file, reason: String(cString: strerror(errno)))
    }
  }

  /// Fills until at least `count` bytes are buffered after `pos`, or the source ends.
  func fill(atLeast count: Int) throws(IngestError) {
    while end - pos < count && !eof { try fill() }
  }

  func columnName(_ index: Int) -> String? {
    guard let header = context.header, index >= 0, index < header.count else { return nil }
    return header.names[index]
  }

  private func growSpans() {
    let newCapacity = spanCapacity * 2
    let newSpans = UnsafeMutablePointer<FieldSpan>.allocate(capacity: newCapacity)
    newSpans.moveInitialize(from: spans, count: spanCapacity)
    spans.deallocate()
    spans = newSpans
    spanCapacity = newCapacity
  }

  /// Parses the record at `pos` without consuming it.
  func parse() throws(IngestError) -> Outcome {
    let buf = buffer
    let end = self.end
    let eof = self.eof
    let d = delimiter
    var p = pos
    if p == end { return eof ? .endOfInput : .needMore }
    var n = 0
    var lines = 0
    var high: UInt8 = 0
    var spans = self.spans
    let delimiterWord = onesWord &* UInt64(d)
    openQuote = nil
    while true {
      if n == spanCapacity {
        growSpans()
        spans = self.spans
      }
      if p == end {
        // Only after a delimiter: the record ends with an empty field at the end of the input.
        if !eof { return .needMore }
        spans[n] = FieldSpan(start: p, end: p, quoted: false, escaped: false)
        return .record(fields: n + 1, next: p, lines: lines, highBits: high)
      }
      if buf[p] == quoteByte {
        let openLines = lines
        p += 1
        let start = p
        var escaped = false
        while true {
          while p < end {
            let c = buf[p]
            if c == quoteByte { break }
            high |= c
            if c == lineFeed {
              lines += 1
            } else if c == carriageReturn {
              if p + 1 < end {
                if buf[p + 1] != lineFeed { lines += 1 }
              } else if !eof {
                openQuote = (line + openLines, n + 1)
                return .needMore
              } else {
                lines += 1
              }
            }
            p += 1
          }
          if p == end {
            if !eof {
              openQuote = (line + openLines, n + 1)
              return .needMore
            }
            throw .unterminatedQuote(
              SourceLocation(
                file: context.file, line: line + openLines, column: n + 1,
                columnName: columnName(n)))
          }
          if p + 1 == end {
            if !eof { return .needMore }
            // The closing quote is the last byte of the input.
            spans[n] = FieldSpan(start: start, end: p, quoted: true, escaped: escaped)
            return .record(fields: n + 1, next: p + 1, lines: lines, highBits: high)
          }
          if buf[p + 1] == quoteByte {
            escaped = true
            p += 2
            continue
          }
          break
        }
        spans[n] = FieldSpan(start: start, end: p, quoted: true, escaped: escaped)
        n += 1
        p += 1
        let c = buf[p]
        if c == d {
          p += 1
          continue
        }
        if c == lineFeed {
          return .record(fields: n, next: p + 1, lines: lines + 1, highBits: high)
        }
        if c == carriageReturn {
          if p + 1 < end {
            p += buf[p + 1] == lineFeed ? 2 : 1
          } else if !eof {
            return .needMore
          } else {
            p += 1
          }
          return .record(fields: n, next: p, lines: lines + 1, highBits: high)
        }
        throw .textAfterClosingQuote(
          SourceLocation(
            file: context.file, line: line + lines, column: n, columnName: columnName(n - 1)))
      } else {
        let start = p
        #if _endian(little)
          // Eight bytes at a time: the classic "has a zero byte" test on the word XORed with each
          // stop byte. Its lowest flagged byte is exact (false flags occur only above a true
          // one), which is all the scan needs.
          while p + 8 <= end {
            let word = UnsafeRawPointer(buf + p).loadUnaligned(as: UInt64.self)
            let x1 = word ^ delimiterWord
            let x2 = word ^ lineFeedWord
            let x3 = word ^ carriageReturnWord
            let stops =
              ((x1 &- onesWord) & ~x1 | (x2 &- onesWord) & ~x2 | (x3 &- onesWord) & ~x3)
              & highBitsWord
            if stops == 0 {
              if word & highBitsWord != 0 { high = 0x80 }
              p += 8
              continue
            }
            let offset = stops.trailingZeroBitCount >> 3
            let before = word & ((1 &<< UInt64(offset &* 8)) &- 1)
            if before & highBitsWord != 0 { high = 0x80 }
            p += offset
            break
          }
        #endif
        while p < end {
          let c = buf[p]
          if c == d || c == lineFeed || c == carriageReturn { break }
          high |= c
          p += 1
        }
        if p == end {
          if !eof { return .needMore }
          spans[n] = FieldSpan(start: start, end: p, quoted: false, escaped: false)
          return .record(fields: n + 1, next: p, lines: lines, highBits: high)
        }
        spans[n] = FieldSpan(start: start, end: p, quoted: false, escaped: false)
        n += 1
        let c = buf[p]
        if c == d {
          p += 1
          continue
        }
        if c == lineFeed {
          return .record(fields: n, next: p + 1, lines: lines + 1, highBits: high)
        }
        if p + 1 < end {
          p += buf[p + 1] == lineFeed ? 2 : 1
        } else if !eof {
          return .needMore
        } else {
          p += 1
        }
        return .record(fields: n, next: p, lines: lines + 1, highBits: high)
      }
    }
  }

  /// Parses the record at `pos` if it is a plain one — no quote or CR before its LF, which lies
  /// in the buffer at least eight bytes before its end — returning its field count (spans set)
  /// and the offset after its LF; nil otherwise, for ``parse()`` to decide, as it does for
  /// every other record (its result for a plain record is the same).
  ///
  /// Eight bytes at a time, all fields of a word at once: the exact mask of the delimiters
  /// (no false flags) gives every field end, and the "has a zero byte" test of the line ends
  /// and quotes only needs its lowest flag, which is exact. Hand-written because ``parse()``,
  /// which scans field by field, took 90 instructions a field on the 22-byte rows of an
  /// aggregated file (137 million for 380,000 rows); this takes about a third of that.
  @inline(__always)
  func parsePlain(_ fields: inout Int, _ highBits: inout UInt8) -> Int? {
    #if _endian(little)
      let buf = UnsafeRawPointer(buffer)
      let end = self.end
      let spans = self.spans
      let spanCapacity = self.spanCapacity
      let delimiterWord = onesWord &* UInt64(delimiter)
      let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
      var p = pos
      var fieldStart = p
      var n = 0
      var high: UInt64 = 0
      /// Records the field that ends at offset `at` (false when the spans are full).
      @inline(__always) func field(endingAt at: Int) -> Bool {
        guard n < spanCapacity else { return false }
        spans[n] = FieldSpan(start: fieldStart, end: at, quoted: false, escaped: false)
        n &+= 1
        fieldStart = at &+ 1
        return true
      }
      // Sixteen bytes at a time while they last (a comparison per byte class and a bit mask,
      // see ByteScan.h), then words of eight. The SWAR words alone took 35 instructions for
      // eight bytes, a third of the reading of an aggregated file's 22-byte rows.
      let bytes = buffer
      let delimiter = self.delimiter
      while p &+ 16 <= end {
        let masks = disparity_scan16(bytes + p, delimiter)
        let stops = UInt32(truncatingIfNeeded: masks) & 0xFFFF
        var delimiters = UInt32(truncatingIfNeeded: masks &>> 16) & 0xFFFF
        var nonASCII = UInt32(truncatingIfNeeded: masks &>> 32)
        var stop = 16
        if stops != 0 {
          stop = stops.trailingZeroBitCount
          guard bytes[p &+ stop] == lineFeed else { return nil }
          let below: UInt32 = (1 &<< UInt32(stop)) &- 1
          delimiters &= below
          nonASCII &= below
        }
        if nonASCII != 0 { high = highBitsWord }
        while delimiters != 0 {
          guard field(endingAt: p &+ delimiters.trailingZeroBitCount) else { return nil }
          delimiters &= delimiters &- 1
        }
        if stop < 16 {
          guard field(endingAt: p &+ stop) else { return nil }
          fields = n
          highBits = high & highBitsWord != 0 ? 0x80 : 0
          return p &+ stop &+ 1
        }
        p &+= 16
      }
      while p &+ 8 <= end {
        let word = buf.loadUnaligned(fromByteOffset: p, as: UInt64.self)
        let xl = word ^ lineFeedWord
        let xc = word ^ carriageReturnWord
        let xq = word ^ quoteWord
        let stops =
          ((xl &- onesWord) & ~xl | (xc &- onesWord) & ~xc | (xq &- onesWord) & ~xq)
          & highBitsWord
        let xd = word ^ delimiterWord
        var delimiters = ~(((xd & low7) &+ low7) | xd) & highBitsWord
        var stop = 8
        if stops != 0 {
          stop = stops.trailingZeroBitCount &>> 3
          guard buf.load(fromByteOffset: p &+ stop, as: UInt8.self) == lineFeed else {
            return nil
          }
          let below: UInt64 = (1 &<< UInt64(stop &* 8)) &- 1
          delimiters &= below
          high |= word & below
        } else {
          high |= word
        }
        while delimiters != 0 {
          guard field(endingAt: p &+ (delimiters.trailingZeroBitCount &>> 3)) else { return nil }
          delimiters &= delimiters &- 1
        }
        if stop < 8 {
          guard field(endingAt: p &+ stop) else { return nil }
          fields = n
          highBits = high & highBitsWord != 0 ? 0x80 : 0
          return p &+ stop &+ 1
        }
        p &+= 8
      }
    #endif
    return nil
  }

  /// The next record whose first byte is before file offset `stop`, or nil at the end.
  ///
  /// Blank lines are skipped. The record is checked for its field count and UTF-8, and its
  /// doubled quotes are unescaped; it stays valid until the next call.
  @inline(__always)
  func next(stop: Int = .max) throws(IngestError) -> CSVRecord? {
    while true {
      if bufferOffset + pos >= stop { return nil }
      var plainFields = 0
      var plainHighBits: UInt8 = 0
      // The plain path repeats the checks of the `.record` case below (blank line, field
      // count, UTF-8) rather than share them through an `Outcome`: sharing them cost the 3M-row
      // record-level run 5% more instructions (2,632 M against 2,767 M, callgrind).
      if let next = parsePlain(&plainFields, &plainHighBits) {
        let recordLine = line
        let start = pos
        pos = next
        line += 1
        if plainFields == 1 && spans[0].start == spans[0].end { continue }
        if expectedFields != 0 && plainFields != expectedFields {
          throw raggedRow(plainFields, recordLine)
        }
        if plainHighBits != 0 {
          try validateUTF8(fields: plainFields, recordStart: start, recordLine)
        }
        return CSVRecord(
          base: UnsafePointer(buffer), spans: UnsafePointer(spans), fieldCount: plainFields,
          line: recordLine, context: context)
      }
      switch try parse() {
      case .needMore:
        try fill()
      case .endOfInput:
        return nil
      case .record(let fields, let next, let lines, let highBits):
        let start = pos
        let recordLine = line
        pos = next
        line += lines
        if fields == 1 && spans[0].start == spans[0].end && !spans[0].quoted { continue }
        if expectedFields != 0 && fields != expectedFields { throw raggedRow(fields, recordLine) }
        if highBits & 0x80 != 0 { try validateUTF8(fields: fields, recordStart: start, recordLine) }
        unescape(fields: fields)
        return CSVRecord(
          base: UnsafePointer(buffer), spans: UnsafePointer(spans), fieldCount: fields,
          line: recordLine, context: context)
      }
    }
  }

  private func raggedRow(_ found: Int, _ recordLine: Int) -> IngestError {
    let column = min(found, expectedFields) + 1
    return .raggedRow(
      SourceLocation(
        file: context.file, line: recordLine, column: column, columnName: columnName(column - 1)),
      expected: expectedFields, found: found)
  }

  /// Replaces each `""` by `"` in the fields that have them, in place.
  private func unescape(fields: Int) {
    for i in 0..<fields where spans[i].escaped {
      var write = spans[i].start
      var read = write
      let stop = spans[i].end
      while read < stop {
        let c = buffer[read]
        buffer[write] = c
        write += 1
        read += c == quoteByte ? 2 : 1
      }
      spans[i].end = write
      spans[i].escaped = false
    }
  }

  private func validateUTF8(fields: Int, recordStart: Int, _ recordLine: Int) throws(IngestError) {
    for i in 0..<fields {
      let span = spans[i]
      guard let bad = firstInvalidUTF8(buffer + span.start, count: span.end - span.start) else {
        continue
      }
      let lineOfByte =
        recordLine + countLineEnds(buffer + recordStart, count: span.start + bad - recordStart)
      throw .invalidUTF8(
        SourceLocation(
          file: context.file, line: lineOfByte, column: i + 1, columnName: columnName(i)))
    }
  }

  /// The field counts of up to `limit` records from `pos` under `delimiter`, using only the bytes
  /// already buffered; the cursor is left as it was. Stops early at a malformed record.
  func sampleFieldCounts(delimiter: UInt8, limit: Int) -> [Int] {
    let savedPos = pos
    let savedLine = line
    let savedDelimiter = self.delimiter
    defer {
      pos = savedPos
      line = savedLine
      self.delimiter = savedDelimiter
    }
    self.delimiter = delimiter
    var counts: [Int] = []
    while counts.count < limit {
      guard let outcome = try? parse(), case .record(let fields, let next, let lines, _) = outcome
      else { break }
      pos = next
      line += lines
      if fields == 1 && spans[0].start == spans[0].end && !spans[0].quoted { continue }
      counts.append(fields)
    }
    return counts
  }
}

/// The number of physical line ends in `count` bytes: each LF, and each CR not followed by LF
/// (a CR as the last byte counts as a line end).
func countLineEnds(_ p: UnsafePointer<UInt8>, count: Int) -> Int {
  var lines = 0
  var i = 0
  let raw = UnsafeRawPointer(p)
  let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
  // Eight bytes at a time: a byte of `x` is zero exactly where the word has an LF, and
  // `((x & low7) + low7) | x` has the high bit of every non-zero byte set (no carries across
  // bytes), so the zero bytes are counted exactly. The flags (0 or 1 per byte) are summed
  // bytewise for up to 255 words, then across the bytes: the baseline x86-64 target has no
  // popcnt instruction, and the software count per word made this 29 instructions a word
  // (90 million on the 45 MB of 1,000,000 record-level rows, counted for the chunks' line
  // numbers); summed this way, 20 million (the compiler vectorises the sums).
  let byteSums: UInt64 = 0x00FF_00FF_00FF_00FF
  while i + 8 <= count {
    let blockEnd = min(count, i + 8 * 255)
    var sums: UInt64 = 0
    while i &+ 8 <= blockEnd {
      let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ lineFeedWord
      let nonZero = ((x & low7) &+ low7) | x
      sums &+= (~nonZero & highBitsWord) &>> 7
      i &+= 8
    }
    let pairs = (sums & byteSums) &+ ((sums &>> 8) & byteSums)
    lines &+= Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) &>> 48)
  }
  while i < count {
    if p[i] == lineFeed { lines += 1 }
    i += 1
  }
  if memchr(p, Int32(carriageReturn), count) != nil {
    for j in 0..<count where p[j] == carriageReturn && (j + 1 == count || p[j + 1] != lineFeed) {
      lines += 1
    }
  }
  return lines
}

/// The offset of the first byte that is not part of well-formed UTF-8 (Unicode 15, table 3-7:
/// no overlong forms, surrogates or code points above U+10FFFF), or nil if all are.
func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, count: Int) -> Int? {
  @inline(__always) func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
  var i = 0
  while i < count {
    let b0 = p[i]
    if b0 < 0x80 {
      i += 1
      continue
    }
    if b0 < 0xC2 || b0 > 0xF4 { return i }
    if b0 < 0xE0 {
      guard i + 1 < count, isContinuation(p[i + 1]) else { return i }
      i += 2
    } else if b0 < 0xF0 {
      guard i + 2 < count else { return i }
      let b1 = p[i + 1]
      let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
      let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
      guard b1 >= low && b1 <= high, isContinuation(p[i + 2]) else { return i }
      i += 3
    } else {
      guard i + 3 < count else { return i }
      let b1 = p[i + 1]
      let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
      let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
      guard b1 >= low && b1 <= high, isContinuation(p[i + 2]), isContinuation(p[i + 3]) else {
        return i
      }
      i += 4
    }
  }
  return nil
}
