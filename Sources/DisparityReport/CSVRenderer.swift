import DisparityIngest
import Foundation

/// Renders a ``ResultTable`` as CSV at full precision (the machine output of ARCHITECTURE.md).
///
/// Numbers are written as the shortest decimal that reads back to the same `Double`; integral
/// values without a trailing `.0`. Text cells are quoted when RFC 4180 needs it, and text that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
/// is prefixed with a single quote; negative numbers are numbers, so they stay as they are.
public struct CSVRenderer: Sendable {
  /// The field delimiter.
  public var delimiter: Character

  /// Creates a renderer; comma-delimited by default.
  public init(delimiter: Character = ",") {
    self.delimiter = delimiter
  }

  /// The whole table as CSV text, header first, each line ending in `\n`. An estimate column
  /// becomes three (`name`, `name_lower`, `name_upper`); a GSS symbol is written as itself.
  public func render(_ table: ResultTable) -> String {
    String(decoding: renderBytes(table), as: UTF8.self)
  }

  /// The whole table as the UTF-8 bytes of its CSV text (see ``render(_:)``).
  ///
  /// Written byte by byte rather than by appending `String`s: a tidy table of national size has
  /// hundreds of thousands of numbers, and a `String` per number (17 digits do not fit in a small
  /// string) cost three times the formatting itself. Large tables are rendered in row blocks on
  /// the available cores and joined in order, so the text is the same as from one pass.
  public func renderBytes(_ table: ResultTable) -> [UInt8] {
    let pieces = renderPieces(table)
    return Self.joined(pieces)
  }

  /// Pieces of bytes joined into one array, each copied whole (iterating `joined()` copied them
  /// byte by byte: about 5 ms for the 4.5 MB of a 20,000-row table).
  static func joined(_ pieces: [[UInt8]]) -> [UInt8] {
    if pieces.count == 1 { return pieces[0] }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
    for piece in pieces { bytes += piece }
    return bytes
  }

  /// The table as CSV bytes in pieces (the header, then blocks of rows rendered on several
  /// cores), to be written one after another: the same bytes as ``renderBytes(_:)``.
  public func renderPieces(_ table: ResultTable) -> [[UInt8]] {
    let delimiterBytes = Array(String(delimiter).utf8)
    let names = table.machineColumns.map(\.name)
    let headerBound = names.reduce(1) {
      $0 + delimiterBytes.count + CSVByteSink.textBound($1)
    }
    let header = CSVByteSink.bytes(capacity: headerBound, delimiter: delimiterBytes) { out in
      for (i, name) in names.enumerated() {
        if i > 0 { out.put(delimiterBytes) }
        out.text(name)
      }
      out.put(0x0A)
    }
    let rows = table.rows
    let blockRows = 1024
    let blocks = (rows.count + blockRows - 1) / blockRows
    // The kinds alone: copying a column would retain its name and title, and the blocks run on
    // several cores, where shared reference counts are contended.
    let kinds = table.columns.map(\.kind)
    let numbersBound = CSVByteSink.numbersBound(kinds: kinds, delimiter: delimiterBytes.count)
    func renderBlock(_ b: Int) -> [UInt8] {
      let range = (b * blockRows)..<min(rows.count, (b + 1) * blockRows)
      // Room for the block's rows at their longest; only what is written is ever touched.
      var bound = 0
      for r in range { bound += numbersBound + CSVByteSink.textBound(of: rows[r], kinds: kinds) }
      return CSVByteSink.bytes(capacity: bound, delimiter: delimiterBytes) { sink in
        for r in range { sink.row(rows[r], kinds: kinds) }
      }
    }
    if blocks <= 1 {
      return [blocks == 1 ? header + renderBlock(0) : header]
    }
    return [header] + ParallelMap.blocks(count: blocks, renderBlock)
  }

  /// The shortest round-trip decimal for `x`; integral values up to 2^53 print without `.0`;
  /// non-finite values print as nothing.
  public static func format(_ x: Double) -> String {
    let bytes = CSVByteSink.bytes(capacity: CSVByteSink.numberBound, delimiter: []) {
      $0.number(x)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Text that a spreadsheet would evaluate as a formula, made inert with a leading `'`.
  public static func neutraliseFormula(_ s: String) -> String {
    guard let first = s.unicodeScalars.first else { return s }
    switch first {
    case "=", "+", "-", "@", "\t", "\r": return "'" + s
    default: return s
    }
  }
}

/// The bytes of CSV text being written: cells, numbers and text, quoted where RFC 4180 needs it.
///
/// Written through a pointer into room made beforehand (``bytes(capacity:delimiter:_:)``, with
/// ``numbersBound(kinds:delimiter:)`` and ``textBound(of:kinds:)`` for rows): appended to an
/// array one at a time, each byte was a check that the array was uniquely referenced and had
/// room, over half the instructions of a row of numbers. Every write still checks that it
/// fits, so a bound too small stops the program rather than write past the room.
struct CSVByteSink {
  private let base: UnsafeMutablePointer<UInt8>
  private let capacity: Int
  /// The number writer's tables, taken once (see ``ShortestDecimal/Tables``).
  private let decimalTables = ShortestDecimal.tables
  /// The bytes written so far.
  private(set) var count = 0
  /// The delimiter's UTF-8 bytes.
  let delimiter: [UInt8]

  private init(writingTo base: UnsafeMutablePointer<UInt8>, capacity: Int, delimiter: [UInt8]) {
    self.base = base
    self.capacity = capacity
    self.delimiter = delimiter
  }

  /// The bytes `body` writes, in an array with room for `capacity` (uninitialised: only what
  /// is written is touched).
  static func bytes(capacity: Int, delimiter: [UInt8], _ body: (inout CSVByteSink) -> Void)
    -> [UInt8]
  {
    [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, initialized in
      var sink = CSVByteSink(
        writingTo: buffer.baseAddress!, capacity: capacity, delimiter: delimiter)
      body(&sink)
      initialized = sink.count
    }
  }

  /// The most bytes ``number(_:)`` writes ("-1.7976931348623157e+308"), and more than a GSS
  /// symbol's.
  static let numberBound = ShortestDecimal.longestText

  /// The most bytes ``text(_:)`` writes for `s`: quotes, a formula's `'`, every byte doubled.
  static func textBound(_ s: String) -> Int { 3 + 2 * s.utf8.count }

  /// The most bytes a row of `kinds` takes but for its text: every cell a number (three in an
  /// estimate column), each after a delimiter, and the line end.
  static func numbersBound(kinds: [ResultTable.ColumnKind], delimiter: Int) -> Int {
    kinds.reduce(1) { $0 + ($1 == .estimate ? 3 : 1) * (delimiter + numberBound) }
  }

  /// The most bytes the text cells of a row take (three times in an estimate column): with
  /// ``numbersBound(kinds:delimiter:)``, the most ``row(_:kinds:)`` writes.
  static func textBound(of cells: [ResultTable.Cell], kinds: [ResultTable.ColumnKind]) -> Int {
    var n = 0
    for i in 0..<min(cells.count, kinds.count) {
      if case .text(let s) = cells[i] { n += (kinds[i] == .estimate ? 3 : 1) * textBound(s) }
    }
    return n
  }

  /// Writes one byte.
  @inline(__always)
  mutating func put(_ byte: UInt8) {
    precondition(count < capacity, "CSVByteSink: more bytes than its bound")
    base[count] = byte
    count &+= 1
  }

  /// Writes bytes.
  @inline(__always)
  mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
    precondition(capacity - count >= bytes.count, "CSVByteSink: more bytes than its bound")
    guard let from = bytes.baseAddress else { return }
    (base + count).update(from: from, count: bytes.count)
    count &+= bytes.count
  }

  /// Writes bytes.
  @inline(__always)
  mutating func put(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { put($0) }
  }

  /// One row laid out as ``ResultTable/machineColumns`` (an estimate column as its value and
  /// limits; a symbol in an estimate column fills all three), then a line end.
  mutating func row(_ cells: [ResultTable.Cell], kinds: [ResultTable.ColumnKind]) {
    var first = true
    let single = delimiter.count == 1 ? delimiter[0] : nil
    func separate() {
      if first {
        first = false
      } else if let single {
        put(single)
      } else {
        put(delimiter)
      }
    }
    for (kind, cell) in zip(kinds, cells) {
      guard kind == .estimate else {
        separate()
        if case .estimate(let e) = cell { number(e.value) } else { self.cell(cell) }
        continue
      }
      switch cell {
      case .estimate(let e):
        separate()
        number(e.value)
        separate()
        if let lower = e.lower { number(lower) }
        separate()
        if let upper = e.upper { number(upper) }
      case .number(let x):
        separate()
        number(x)
        separate()
        separate()
      case .symbol, .text, .empty:
        for _ in 0..<3 {
          separate()
          self.cell(cell)
        }
      }
    }
    put(0x0A)
  }

  /// A cell that is not an estimate.
  mutating func cell(_ cell: ResultTable.Cell) {
    switch cell {
    case .empty: break
    case .number(let x): number(x)
    case .text(let s): text(s)
    case .symbol(let s):
      var raw = s.rawValue
      raw.withUTF8 { put($0) }
    case .estimate(let e): number(e.value)
    }
  }

  /// The shortest round-trip decimal for `x`; integral values below 2^53 without `.0`; nothing
  /// for a non-finite value.
  mutating func number(_ x: Double) {
    guard x.isFinite else { return }
    // Integral below 2^53 exactly when the value survives a round trip through Int64 (which
    // truncates): two conversions, where `rounded()` was a call of the C library's `round`.
    if abs(x) < 9_007_199_254_740_992 {
      let n = Int64(x)
      if Double(n) == x {
        integer(n)
        return
      }
    }
    // The same text as `Double.write(to:)` or `description`, in fewer instructions.
    precondition(capacity - count >= Self.numberBound, "CSVByteSink: more bytes than its bound")
    count &+= ShortestDecimal.write(x, into: base + count, tables: decimalTables)
  }

  /// The decimal digits of `n`.
  mutating func integer(_ n: Int64) {
    if n < 0 { put(UInt8(ascii: "-")) }
    var magnitude = n.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, written backwards
    withUnsafeMutableBytes(of: &digits) { buffer in
      var i = buffer.count
      repeat {
        i -= 1
        buffer[i] = 0x30 + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      put(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[i...]))
    }
  }

  /// Text, made inert if a spreadsheet would read it as a formula, and quoted if it holds the
  /// delimiter, a double quote or a line end.
  mutating func text(_ s: String) {
    var s = s
    s.withUTF8 { utf8 in
      var needsQuotes = false
      if delimiter.count == 1 {
        let d = delimiter[0]
        for b in utf8 where b == d || b == 0x22 || b == 0x0A || b == 0x0D {
          needsQuotes = true
          break
        }
      } else {
        needsQuotes = utf8.contains { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes && !delimiter.isEmpty && utf8.count >= delimiter.count {
          needsQuotes = (0...(utf8.count - delimiter.count)).contains { i in
            delimiter.indices.allSatisfy { utf8[i + $0] == delimiter[$0] }
          }
        }
      }
      if needsQuotes { put(0x22) }
      if let first = utf8.first,
        first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
          || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
      {
        put(UInt8(ascii: "'"))
      }
      if needsQuotes {
        for b in utf8 {
          if b == 0x22 { put(0x22) }
          put(b)
        }
        put(0x22)
      } else {
        put(utf8)
      }
    }
  }
}
