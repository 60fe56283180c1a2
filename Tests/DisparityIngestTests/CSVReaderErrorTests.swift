import Foundation
import Testing

@testable import DisparityIngest

// Each test writes a real malformed file and checks the exact error: file, line, column and
// column name are worked out by hand from the file's text (lines and columns 1-based).

@Suite("CSVReader: errors name the file, line and column")
struct CSVReaderErrorTests {
  @Test func missingFileIsAUsageError() throws {
    let folder = try TemporaryFolder()
    let path = folder.url.appendingPathComponent("absent.csv").path
    let error = #expect(throws: IngestError.self) { try CSVReader(path: path) }
    #expect(error == .unreadable(file: path, reason: "No such file or directory"))
    #expect(error?.kind == .usage)
    #expect(error?.kind.exitStatus == 2)
    #expect(error?.description.hasPrefix("\(path): cannot read the file") == true)
  }

  @Test func directoryIsAUsageError() throws {
    let folder = try TemporaryFolder()
    let path = folder.url.path
    #expect(throws: IngestError.unreadable(file: path, reason: "it is a directory, not a file")) {
      try CSVReader(path: path)
    }
  }

  @Test(arguments: [[], [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8)] as [[UInt8]])
  func fileWithoutAHeaderIsEmpty(bytes: [UInt8]) throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("empty.csv", bytes: bytes)
    let error = #expect(throws: IngestError.self) { try CSVReader(path: path) }
    #expect(error == .emptyFile(file: path))
    #expect(error?.kind == .data)
    #expect(error?.kind.exitStatus == 1)
  }

  @Test func rowWithTooFewFieldsNamesTheFirstMissingColumn() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("few.csv", "group,age,deaths\nWhite,10,3\n\"Black\nAfrican\",20\n")
    let error = #expect(throws: IngestError.self) { try readRows(path) }
    #expect(
      error
        == .raggedRow(
          SourceLocation(file: path, line: 3, column: 3, columnName: "deaths"), expected: 3,
          found: 2))
    #expect(
      error?.description
        == "\(path):3:3 (column \"deaths\"): this row has 2 fields but the header has 3 (the field for column 3 onwards is missing). Check for a missing or extra delimiter, and put double quotes around any field that contains the delimiter."
    )
  }

  @Test func rowWithTooManyFieldsNamesTheFirstExtraColumn() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("many.csv", "group,deaths\nWhite,3\nAsian,1,469\n")
    #expect(
      throws: IngestError.raggedRow(
        SourceLocation(file: path, line: 3, column: 3), expected: 2, found: 3)
    ) { try readRows(path) }
  }

  @Test func unterminatedQuoteIsReportedWhereItOpens() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "open.csv", "group,note\nWhite,ok\nAsian,\"never closed\nmore,text\n")
    #expect(
      throws: IngestError.unterminatedQuote(
        SourceLocation(file: path, line: 3, column: 2, columnName: "note"))
    ) { try readRows(path, options: smallBuffer(8)) }
  }

  @Test func textAfterClosingQuoteIsReportedOnTheLineOfTheQuote() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("after.csv", "group,note\nWhite,\"two\nlines\"x,\nAsian,a\n")
    let error = #expect(throws: IngestError.self) { try readRows(path) }
    #expect(
      error
        == .textAfterClosingQuote(
          SourceLocation(file: path, line: 3, column: 2, columnName: "note")))
    #expect(error?.kind == .data)
  }

  @Test func invalidUTF8IsReportedAtItsLineAndColumn() throws {
    let folder = try TemporaryFolder()
    // 0xFF can never occur in UTF-8; here on the third physical line, inside column 2.
    let bytes =
      Array("group,note\nWhite,ok\nAsian,\"first line\nsecond ".utf8) + [0xFF]
      + Array("line\"\n".utf8)
    let path = try folder.write("latin.csv", bytes: bytes)
    #expect(
      throws: IngestError.invalidUTF8(
        SourceLocation(file: path, line: 4, column: 2, columnName: "note"))
    ) { try readRows(path) }
  }

  @Test(
    arguments: [
      [0xC0, 0xAF],  // overlong encoding of "/"
      [0xED, 0xA0, 0x80],  // UTF-16 surrogate U+D800
      [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
      [0xE9, 0x74, 0x65],  // Latin-1 "éte"
      [0xE4, 0xB8],  // truncated three-byte sequence
    ] as [[UInt8]])
  func malformedUTF8SequencesAreRejected(sequence: [UInt8]) throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("bad.csv", bytes: Array("a,b\nx,".utf8) + sequence + [0x0A])
    #expect(
      throws: IngestError.invalidUTF8(
        SourceLocation(file: path, line: 2, column: 2, columnName: "b"))
    ) { try readRows(path) }
  }

  @Test(arguments: 0..<20)
  func invalidByteAnywhereInALongUnquotedFieldIsFound(offset: Int) throws {
    // Long fields are scanned eight bytes at a time; the bad byte may sit in any lane.
    var field = Array("abcdefghijklmnopqrst".utf8)
    field[offset] = 0xFF
    let folder = try TemporaryFolder()
    let options = CSVReadOptions(delimiter: .comma)
    let exact = try folder.write(
      "lane2.csv", bytes: Array("a,b\nWhite British long label,".utf8) + field + Array("\n".utf8))
    #expect(
      throws: IngestError.invalidUTF8(
        SourceLocation(file: exact, line: 2, column: 2, columnName: "b"))
    ) { try readRows(exact, options: options) }
  }

  @Test func nonASCIIUnquotedFieldsAreReadWhole() throws {
    let folder = try TemporaryFolder()
    let text = "name,place\nZoë Ñandú-Łukasiewicz,Ynys Môn / Isle of Anglesey\n"
    let path = try folder.write("utf8.csv", text)
    #expect(
      try readRows(path) == [Row(2, ["Zoë Ñandú-Łukasiewicz", "Ynys Môn / Isle of Anglesey"])])
  }

  @Test func invalidUTF8InTheHeaderIsReported() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "header.csv", bytes: Array("a,".utf8) + [0xE9] + Array("\n1,2\n".utf8))
    #expect(throws: IngestError.invalidUTF8(SourceLocation(file: path, line: 1, column: 2))) {
      try CSVReader(path: path)
    }
  }

  @Test func overlongRecordIsReportedWithTheOpenQuote() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "long.csv", "a,b\n1,2\n3,\"" + String(repeating: "x,y\n", count: 100) + "\n")
    let options = CSVReadOptions(bufferSize: 16, maxRecordBytes: 64)
    #expect(
      throws: IngestError.recordTooLarge(
        SourceLocation(file: path, line: 3), limit: 64,
        openQuote: SourceLocation(file: path, line: 3, column: 2, columnName: "b"))
    ) { try readRows(path, options: options) }
  }

  @Test func duplicateColumnNamesAreAnError() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("dup.csv", "age,sex, age \n1,F,2\n")
    let error = #expect(throws: IngestError.self) { try CSVReader(path: path) }
    #expect(
      error
        == .duplicateColumn(
          "age", SourceLocation(file: path, line: 1, column: 3, columnName: "age"), firstColumn: 1))
    #expect(
      error?.description
        == "\(path):1:3 (column \"age\"): the header names column \"age\" twice (columns 1 and 3). Rename one of them so that every column has its own name."
    )
  }

  @Test func missingColumnListsColumnsAndSuggestsTheNearest() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("cols.csv", "ethnicity,age,deaths\n")
    let reader = try CSVReader(path: path)
    let error = #expect(throws: IngestError.self) { try reader.header.index(of: "ethnicty") }
    #expect(
      error
        == .missingColumn(
          "ethnicty", file: path, available: ["ethnicity", "age", "deaths"], suggestion: "ethnicity"
        ))
    #expect(
      error?.description
        == "\(path): there is no column \"ethnicty\"; did you mean \"ethnicity\"? The columns are: \"ethnicity\", \"age\", \"deaths\". Name one of these columns."
    )
    // Bad input (exit status 1), as issue 2 lists missing columns.
    #expect(error?.kind == .data)
  }

  @Test func negativeAndNonNumericCountsNameTheField() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "counts.csv", "group,deaths,population\nWhite,3,100\nAsian,-2,50\nBlack,4,lots\n")
    let reader = try CSVReader(path: path)
    var errors: [IngestError] = []
    try reader.forEachRecord { record in
      for column in 1...2 {
        do throws(IngestError) {
          _ = try record.countValue(at: column)
        } catch {
          errors.append(error)
        }
      }
    }
    #expect(
      errors == [
        .negativeCount(
          SourceLocation(file: path, line: 3, column: 2, columnName: "deaths"), text: "-2"),
        .nonNumericCount(
          SourceLocation(file: path, line: 4, column: 3, columnName: "population"), text: "lots"),
      ])
    #expect(
      errors.last?.description
        == "\(path):4:3 (column \"population\"): expected a count or population (a number such as 12, 1,469 or 12.5), found \"lots\". Correct the value; write a missing value as empty or NA, and a suppressed one as e.g. <5, * or [c]."
    )
  }

  @Test func unknownDelimiterIsAUsageError() {
    let error = #expect(throws: IngestError.self) { try CSVDelimiter(argument: "|") }
    #expect(error == .unknownDelimiter("|"))
    #expect(error?.kind == .usage)
  }

  @Test func errorFromTheCallbackStopsReadingAndPropagates() throws {
    struct Stop: Error {}
    let folder = try TemporaryFolder()
    let path = try folder.write("stop.csv", "a\n1\n2\n3\n")
    var seen: [Int] = []
    #expect(throws: Stop.self) {
      try CSVReader(path: path).forEachRecord { record in
        seen.append(record.line)
        if record.line == 3 { throw Stop() }
      }
    }
    #expect(seen == [2, 3])
  }
}
