import Foundation
import Testing

@testable import DisparityIngest

// Expected fields and line numbers below follow from RFC 4180 section 2 applied by hand to each
// input; lines are counted as an editor counts them (a line end inside a quoted field starts a
// new line).

@Suite("CSVReader: RFC 4180 parsing")
struct CSVReaderTests {
  @Test func quotedFieldsKeepDelimitersDoubledQuotesAndLineEnds() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "quoted.csv",
      "name,note,n\n\"Smith, J\",\"said \"\"hi\"\"\",3\n\"multi\nline\",x,4\nplain,\"\",5\n")
    let reader = try CSVReader(path: path)
    #expect(reader.header.names == ["name", "note", "n"])
    #expect(reader.delimiter == .comma)
    #expect(
      try readRows(reader) == [
        Row(2, ["Smith, J", "said \"hi\"", "3"]),
        Row(3, ["multi\nline", "x", "4"]),
        Row(5, ["plain", "", "5"]),
      ])
  }

  @Test func byteOrderMarkIsRemovedAndHeaderNamesAreTrimmed() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(" age , sex\n1,F\n".utf8))
    let reader = try CSVReader(path: path)
    #expect(reader.header.names == ["age", "sex"])
    #expect(try readRows(reader) == [Row(2, ["1", "F"])])
  }

  @Test(arguments: ["\n", "\r\n", "\r"], [true, false])
  func lineEndsAndLastLineWithOrWithoutLineEnd(lineEnd: String, finalLineEnd: Bool) throws {
    let folder = try TemporaryFolder()
    let text =
      ["a,b", "1,\"x\(lineEnd)y\"", "2,z"].joined(separator: lineEnd)
      + (finalLineEnd ? lineEnd : "")
    let path = try folder.write("ends.csv", text)
    #expect(try readRows(path) == [Row(2, ["1", "x\(lineEnd)y"]), Row(4, ["2", "z"])])
  }

  @Test(
    arguments: [
      ("group,age,deaths\nWhite,10,\"1,469\"\n", CSVDelimiter.comma, ["White", "10", "1,469"]),
      ("group\tage\tdeaths\n\"Asian, other\"\t10\t5\n", .tab, ["Asian, other", "10", "5"]),
      ("group;rate;deaths\nWhite;12,5;3\n", .semicolon, ["White", "12,5", "3"]),
      ("\"a,b\";c\n1;2\n", .semicolon, ["1", "2"]),
    ])
  func delimiterIsDetectedFromTheFirstLinesOutsideQuotes(
    text: String, delimiter: CSVDelimiter, firstRow: [String]
  ) throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("detect.csv", text)
    let reader = try CSVReader(path: path)
    #expect(reader.delimiter == delimiter)
    #expect(try readRows(reader).first?.fields == firstRow)
  }

  @Test func detectionPrefersTheDelimiterThatGivesEveryRowTheHeadersFieldCount() throws {
    // Header "a,b;c" has two commas-or-semicolon fields either way; only ";" fits the rows.
    let folder = try TemporaryFolder()
    let path = try folder.write("tie.csv", "a,b;c\n1,5;2\n3;4\n")
    let reader = try CSVReader(path: path)
    #expect(reader.delimiter == .semicolon)
    #expect(reader.header.names == ["a,b", "c"])
  }

  @Test func singleColumnFileIsReadWithComma() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("one.csv", "ethnicity\nWhite British\nIndian\n")
    let reader = try CSVReader(path: path)
    #expect(reader.delimiter == .comma)
    #expect(try readRows(reader) == [Row(2, ["White British"]), Row(3, ["Indian"])])
  }

  @Test func explicitDelimiterOverridesDetection() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("explicit.csv", "a;b,c\n1;2,3\n")
    let reader = try CSVReader(path: path, options: CSVReadOptions(delimiter: .comma))
    #expect(reader.header.names == ["a;b", "c"])
    #expect(try readRows(reader) == [Row(2, ["1;2", "3"])])
  }

  @Test func delimiterArgumentsAreRead() throws {
    #expect(try CSVDelimiter(argument: ",") == .comma)
    #expect(try CSVDelimiter(argument: "TAB") == .tab)
    #expect(try CSVDelimiter(argument: "\\t") == .tab)
    #expect(try CSVDelimiter(argument: "\t") == .tab)
    #expect(try CSVDelimiter(argument: "semicolon") == .semicolon)
  }

  @Test func quoteInsideAnUnquotedFieldIsTakenLiterally() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("literal.csv", "height,n\n5\" tall,2\nab\"\"c,3\n")
    #expect(try readRows(path) == [Row(2, ["5\" tall", "2"]), Row(3, ["ab\"\"c", "3"])])
  }

  @Test func emptyFieldsQuotedOrNotAndTrailingEmptyField() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("empty.csv", "a,b,c\n\"\",,\n,\"\",")
    let reader = try CSVReader(path: path)
    var quoted: [[Bool]] = []
    var rows: [Row] = []
    try reader.forEachRecord { record in
      quoted.append(record.map(\.wasQuoted))
      rows.append(Row(record.line, record.strings))
      let allEmpty = record.allSatisfy { $0.isEmpty }
      #expect(allEmpty)
    }
    #expect(rows == [Row(2, ["", "", ""]), Row(3, ["", "", ""])])
    #expect(quoted == [[true, false, false], [false, true, false]])
  }

  @Test func blankLinesAreSkippedButCountedInLineNumbers() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("blank.csv", "\na,b\n\n1,2\r\n\r\n3,4\n\n")
    let reader = try CSVReader(path: path)
    #expect(reader.header.names == ["a", "b"])
    #expect(try readRows(reader) == [Row(4, ["1", "2"]), Row(6, ["3", "4"])])
  }

  @Test func fieldViewGivesBytesTrimmedViewAndComparison() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("field.csv", "label,n\n\"  Indian \",12\n")
    let reader = try CSVReader(path: path)
    try reader.forEachRecord { record in
      #expect(record.count == 2)
      let label = record[0]
      #expect(label.byteCount == 9)
      #expect(label.trimmed.string == "Indian")
      #expect(label.trimmed.equals("Indian"))
      #expect(!label.equals("Indian"))
      #expect(label.withBytes { $0.count } == 9)
      #expect(Array(record[1].bytes) == Array("12".utf8))
      #expect(
        record.location(column: 1)
          == SourceLocation(file: path, line: 2, column: 2, columnName: "n"))
      #expect(record.file == path)
    }
  }

  @Test func fileCanBeReadMoreThanOnce() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("twice.csv", "a\n1\n2\n")
    let reader = try CSVReader(path: path)
    let first = try readRows(reader)
    #expect(first == [Row(2, ["1"]), Row(3, ["2"])])
    #expect(try readRows(reader) == first)
  }

  /// A file whose records mix every quoting case, for reading with tiny buffers.
  static let mixedText =
    "id,text,n\r\n1,\"a, \"\"quoted\"\" word\",10\r\n2,\"line one\r\nline two\nline three\",20\n"
    + "3,plain text,30\n\n4,\"\",40\r5,\"é中😀 \"\"x\"\"\",50\n6,last,60"

  static let mixedRows = [
    Row(2, ["1", "a, \"quoted\" word", "10"]),
    Row(3, ["2", "line one\r\nline two\nline three", "20"]),
    Row(6, ["3", "plain text", "30"]),
    Row(8, ["4", "", "40"]),
    Row(9, ["5", "é中😀 \"x\"", "50"]),
    Row(10, ["6", "last", "60"]),
  ]

  @Test(arguments: [4, 5, 7, 11, 16, 64, 1 << 20])
  func recordsCrossingBufferBoundariesAreReadWhole(bufferSize: Int) throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("mixed.csv", Self.mixedText)
    #expect(try readRows(path, options: smallBuffer(bufferSize)) == Self.mixedRows)
  }

  @Test(arguments: [4, 9, 64])
  func standardInputStyleStreamIsReadOnceWithBoundaryCrossing(bufferSize: Int) throws {
    let readEnd = try writeToPipe(Array(Self.mixedText.utf8))
    let reader = try CSVReader(
      fileDescriptor: readEnd, file: "<stdin>", ownsDescriptor: true,
      options: smallBuffer(bufferSize))
    #expect(reader.isStream)
    #expect(reader.header.names == ["id", "text", "n"])
    #expect(try readRowsInParallel(reader, workers: 2) == Self.mixedRows)
    #expect(throws: IngestError.inputAlreadyRead(file: "<stdin>")) { try readRows(reader) }
  }

  /// Records that take the word-at-a-time path (no quote or CR before the LF, the LF at least
  /// eight bytes before the buffer's end) and records that do not, interleaved, so that each
  /// kind follows the other: long plain rows, a quote or CR in the word of the line end, a
  /// quote in the middle of an unquoted field, an empty last field, a blank line, UTF-8, and a
  /// row of 70 fields (more than the field spans first allocated).
  static let plainAndOtherText: String = {
    var text = "a,b,c\n"
    text += "G00000,0-4,75\n"
    text += "G00000,5-9,\"7,5\"\n"
    text += "long label with spaces,85+,123456789012\n"
    text += "x,y,z\r\n"
    text += "a\"b,c\"d,e\n"
    text += "\n"
    text += "é中😀,10-14,\n"
    text += "p,q,r\rs,t,u\n"
    text += "12345678,12345678,12345678\n"
    text += "1234567,1234567,1234567\n"
    text += (0..<68).map { "f\($0)" }.joined(separator: ",") + ",\"q\",end\n"
    text += "last,row,9"
    return text
  }()

  static let plainAndOtherRows: [Row] = [
    Row(2, ["G00000", "0-4", "75"]),
    Row(3, ["G00000", "5-9", "7,5"]),
    Row(4, ["long label with spaces", "85+", "123456789012"]),
    Row(5, ["x", "y", "z"]),
    Row(6, ["a\"b", "c\"d", "e"]),
    Row(8, ["é中😀", "10-14", ""]),
    Row(9, ["p", "q", "r"]),
    Row(10, ["s", "t", "u"]),
    Row(11, ["12345678", "12345678", "12345678"]),
    Row(12, ["1234567", "1234567", "1234567"]),
  ]

  @Test(arguments: [4, 8, 9, 16, 23, 40, 1 << 20])
  func plainRecordsAndOthersAreReadAlike(bufferSize: Int) throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("plain.csv", Self.plainAndOtherText)
    // The 70-field row is ragged against the three-field header: the error names it.
    #expect(
      throws: IngestError.raggedRow(
        SourceLocation(file: path, line: 13, column: 4), expected: 3, found: 70)
    ) {
      try readRows(path, options: smallBuffer(bufferSize))
    }
    let reader = try CSVReader(path: path, options: smallBuffer(bufferSize))
    var rows: [Row] = []
    #expect(throws: IngestError.self) {
      try reader.forEachRecord { record in rows.append(Row(record.line, record.strings)) }
    }
    #expect(rows == Self.plainAndOtherRows)
  }

  /// Plain records are scanned sixteen bytes at a time, then a word of eight, then byte by
  /// byte by the general parser: with fields of every length up to and past those widths, each
  /// delimiter, line end, quote, CR and non-ASCII byte falls at every place in a block, and
  /// every record reads as its fields were written.
  @Test(arguments: [23, 64, 1 << 20])
  func recordsReadAlikeWhereverTheirBytesFallInTheScanBlocks(bufferSize: Int) throws {
    var text = "a,b,c\n"
    var expected: [Row] = []
    var line = 2
    for first in 0..<20 {
      for second in [0, 1, 7, 8, 15, 16, 17, 31] {
        for kind in 0..<5 {
          let a = String(repeating: "a", count: first)
          let b = String(repeating: "b", count: second)
          switch kind {
          case 0:
            text += "\(a),\(b),c\n"
            expected.append(Row(line, [a, b, "c"]))
          case 1:
            text += "\(a),\(b),\"q,\"\"q\"\n"
            expected.append(Row(line, [a, b, "q,\"q"]))
          case 2:
            text += "\(a),\(b),c\r\n"
            expected.append(Row(line, [a, b, "c"]))
          case 3:
            text += "\(a),\(b)é,中c\n"
            expected.append(Row(line, [a, b + "é", "中c"]))
          default:
            // A quote inside an unquoted field (not its first byte) is taken literally.
            text += "\(a)x\"y,\(b),\n"
            expected.append(Row(line, [a + "x\"y", b, ""]))
          }
          line += 1
        }
      }
    }
    let folder = try TemporaryFolder()
    let path = try folder.write("blocks.csv", text)
    #expect(try readRows(path, options: smallBuffer(bufferSize)) == expected)
    let reader = try CSVReader(path: path, options: smallBuffer(bufferSize))
    #expect(try readRowsInParallel(reader, workers: 3) == expected)
    // A byte that is no UTF-8 in the second sixteen-byte block of a plain record whose line
    // end is in its third (a record follows, so the third block is whole): named at its column.
    let bad = try folder.write(
      "bad.csv",
      bytes: Array("a,b,c\n".utf8) + Array("aaaaaaaaaaaaaaaaaaaa,b".utf8) + [0xFF]
        + Array("bbbbbbbbbbbbbbbb,c\nx,y,zzzzzzzzzzzzzzzzzzzz\n".utf8))
    #expect(
      throws: IngestError.invalidUTF8(
        SourceLocation(file: bad, line: 2, column: 2, columnName: "b"))
    ) {
      try readRows(bad, options: smallBuffer(bufferSize))
    }
  }

  @Test(arguments: [9, 16, 40, 1 << 20])
  func manyFieldsOnAPlainRecordAreAllRead(bufferSize: Int) throws {
    let folder = try TemporaryFolder()
    let names = (0..<70).map { "c\($0)" }
    let values = (0..<70).map { "v\($0)" }
    let text =
      names.joined(separator: ",") + "\n" + values.joined(separator: ",") + "\n"
      + values.joined(separator: ",") + "\n"
    let path = try folder.write("wide.csv", text)
    let rows = try readRows(path, options: smallBuffer(bufferSize))
    #expect(rows == [Row(2, values), Row(3, values)])
  }

  /// Line ends counted a word at a time equal those counted byte by byte: all LFs (the most
  /// each byte's sum holds), none, and a pseudo-random mix of LF, CR, CRLF and other bytes, at
  /// lengths around the 255-word blocks of the sums.
  @Test(arguments: [0, 1, 7, 8, 9, 2039, 2040, 2041, 4096, 20_001])
  func lineEndsCountedByWordEqualThoseCountedByByte(count: Int) {
    func naive(_ bytes: [UInt8]) -> Int {
      var lines = 0
      for (i, b) in bytes.enumerated() {
        if b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
          lines += 1
        }
      }
      return lines
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let mixed: [UInt8] = (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      switch state >> 61 {
      case 0: return 0x0A
      case 1: return 0x0D
      default: return UInt8(truncatingIfNeeded: state >> 33)
      }
    }
    for bytes in [
      [UInt8](repeating: 0x0A, count: count), [UInt8](repeating: 0x41, count: count), mixed,
    ] {
      let counted = bytes.withUnsafeBufferPointer { countLineEnds($0.baseAddress!, count: count) }
      #expect(counted == naive(bytes))
    }
  }
}
