import Testing

@testable import DisparityIngest

/// ``CSVTable``, the reader of the toolkit's own data files and small user files: RFC 4180
/// fields, line numbers and error locations. Expected values are worked by hand from the texts.
@Suite struct CSVTableTests {
  @Test func quotedFieldsHoldDelimitersDoubledQuotesAndNewlines() throws {
    let text =
      "label,group\n\"Asian, other\",A9\n\"said \"\"other\"\"\",X\n\"two\nlines\",B\nplain,C\n"
    let table = try CSVTable(text: text, file: "t.csv")
    #expect(table.header == ["label", "group"])
    #expect(
      table.rows.map(\.fields) == [
        ["Asian, other", "A9"], ["said \"other\"", "X"], ["two\nlines", "B"], ["plain", "C"],
      ])
    // Each row's line is the physical line it starts on: the quoted newline moves "plain" on.
    #expect(table.rows.map(\.line) == [2, 3, 4, 6])
  }

  @Test func byteOrderMarkCRLFBlankLinesAndHeaderSpacesAreAccepted() throws {
    let text = "\u{FEFF} code , label \r\nA1,White British\r\n\r\nB2,\"Mixed\"\r\n"
    let table = try CSVTable(text: text, file: "t.csv")
    #expect(table.header == ["code", "label"])
    #expect(table.rows.map(\.fields) == [["A1", "White British"], ["B2", "Mixed"]])
    #expect(table.rows.map(\.line) == [2, 4])
  }

  @Test func aLastRowWithoutLineEndAndEmptyFieldsAreKept() throws {
    let table = try CSVTable(text: "a,b,c\n,,\n\"\",x,", file: "t.csv")
    #expect(table.rows.map(\.fields) == [["", "", ""], ["", "x", ""]])
  }

  @Test func nonASCIITextAndOtherDelimitersAreRead() throws {
    let tab = try CSVTable(text: "name\tgroup\nMāori\tM\n", file: "t.tsv", delimiter: "\t")
    #expect(tab.rows.map(\.fields) == [["Māori", "M"]])
    // A delimiter of several UTF-8 bytes is matched whole.
    let wide = try CSVTable(text: "a；b\nx；y\n", file: "w.csv", delimiter: "；")
    #expect(wide.header == ["a", "b"])
    #expect(wide.rows.map(\.fields) == [["x", "y"]])
    #expect(
      throws: CSVTableError.raggedRow(SourceLocation(file: "w.csv", line: 2), expected: 2, found: 3)
    ) {
      try CSVTable(text: "a；b\nx；y；z\n", file: "w.csv", delimiter: "；")
    }
    let two = try CSVTable(text: "a；b\nx；\"y；z\"\n", file: "w.csv", delimiter: "；")
    #expect(two.rows.map(\.fields) == [["x", "y；z"]])
  }

  @Test func problemsNameTheFileLineAndColumn() {
    #expect(
      throws: CSVTableError.unterminatedQuote(SourceLocation(file: "q.csv", line: 3, column: 2))
    ) {
      try CSVTable(text: "a,b\nx,y\nz,\"open\nstill open\n", file: "q.csv")
    }
    #expect(
      throws: CSVTableError.textAfterClosingQuote(SourceLocation(file: "q.csv", line: 2, column: 1))
    ) {
      try CSVTable(text: "a,b\n\"x\"y,z\n", file: "q.csv")
    }
    #expect(
      throws: CSVTableError.raggedRow(SourceLocation(file: "r.csv", line: 3), expected: 2, found: 3)
    ) {
      try CSVTable(text: "a,b\n1,2\n1,2,3\n", file: "r.csv")
    }
    #expect(throws: CSVTableError.empty(file: "e.csv")) {
      try CSVTable(text: "\n\n", file: "e.csv")
    }
  }
}
