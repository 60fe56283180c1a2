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
    var out = CSVByteSink(delimiter: delimiterBytes)
    for (i, column) in table.machineColumns.enumerated() {
      if i > 0 { out.bytes += delimiterBytes }
      out.text(column.name)
    }
    out.bytes.append(0x0A)
    let rows = table.rows
    let blockRows = 1024
    let blocks = (rows.count + blockRows - 1) / blockRows
    // The kinds alone: copying a column would retain its name and title, and the blocks run on
    // several cores, where shared reference counts are contended.
    let kinds = table.columns.map(\.kind)
    func renderBlock(_ b: Int) -> [UInt8] {
      var sink = CSVByteSink(delimiter: delimiterBytes)
      let end = min(rows.count, (b + 1) * blockRows)
      sink.bytes.reserveCapacity((end - b * blockRows) * kinds.count * 24)
      for r in (b * blockRows)..<end { sink.row(rows[r], kinds: kinds) }
      return sink.bytes
    }
    if blocks <= 1 {
      if blocks == 1 { out.bytes += renderBlock(0) }
      return [out.bytes]
    }
    return [out.bytes] + ParallelMap.blocks(count: blocks, renderBlock)
  }

  /// The shortest round-trip decimal for `x`; integral values up to 2^53 print without `.0`;
  /// non-finite values print as nothing.
  public static func format(_ x: Double) -> String {
    var sink = CSVByteSink(delimiter: [])
    sink.number(x)
    return String(decoding: sink.bytes, as: UTF8.self)
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
struct CSVByteSink {
  var bytes: [UInt8] = []
  /// The delimiter's UTF-8 bytes.
  let delimiter: [UInt8]

  init(delimiter: [UInt8]) {
    self.delimiter = delimiter
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
        bytes.append(single)
      } else {
        bytes += delimiter
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
    bytes.append(0x0A)
  }

  /// A cell that is not an estimate.
  mutating func cell(_ cell: ResultTable.Cell) {
    switch cell {
    case .empty: break
    case .number(let x): number(x)
    case .text(let s): text(s)
    case .symbol(let s): bytes += s.rawValue.utf8
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
    ShortestDecimal.write(x, to: &bytes)
  }

  /// The decimal digits of `n`.
  mutating func integer(_ n: Int64) {
    if n < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = n.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, written backwards
    withUnsafeMutableBytes(of: &digits) { buffer in
      var i = buffer.count
      repeat {
        i -= 1
        buffer[i] = 0x30 + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      bytes.append(contentsOf: buffer[i...])
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
      if needsQuotes { bytes.append(0x22) }
      if let first = utf8.first,
        first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
          || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
      {
        bytes.append(UInt8(ascii: "'"))
      }
      if needsQuotes {
        for b in utf8 {
          if b == 0x22 { bytes.append(0x22) }
          bytes.append(b)
        }
        bytes.append(0x22)
      } else {
        bytes.append(contentsOf: utf8)
      }
    }
  }
}
