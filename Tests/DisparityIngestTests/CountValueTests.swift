import Testing

@testable import DisparityIngest

@Suite("CountValue: counts, missing and suppressed values")
struct CountValueTests {
  let here = SourceLocation(file: "f.csv", line: 2, column: 3, columnName: "deaths")

  // Expected values: the decimal number each text denotes (thousands separators removed), which is
  // what strtod and Python's float() give for the same digits.
  @Test(
    arguments: [
      ("0", 0.0), ("12", 12), (" 12 ", 12), ("\t7", 7), ("+7", 7), ("1,469", 1469),
      ("12,345,678", 12_345_678), ("1,234.5", 1234.5), ("12.5", 12.5), ("0.1", 0.1), (".5", 0.5),
      ("7.", 7), ("1e3", 1000), ("2.5E-3", 0.0025), ("-0", 0), ("000123", 123),
      ("123456789012345678901", 123_456_789_012_345_678_901.0),
      ("0.30000000000000004", 0.30000000000000004), ("9007199254740993", 9_007_199_254_740_992),
    ])
  func numbersAreRead(text: String, value: Double) throws {
    #expect(try CountValue.parse(text, at: here) == .number(value))
  }

  @Test func decimalsAgreeWithTheStandardLibrarysCorrectlyRoundedParser() throws {
    // A fixed linear congruential sequence of digit strings; Double(String) (strtod) is the peer.
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    func nextDigits(_ count: Int) -> String {
      var text = ""
      for _ in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        text.append(Character(Unicode.Scalar(UInt8(48 + (state >> 33) % 10))))
      }
      return text
    }
    for i in 0..<5000 {
      let text = nextDigits(1 + i % 12) + "." + nextDigits(i % 9 + 1)
      #expect(try CountValue.parse(text, at: here) == .number(Double(text)!), "\(text)")
    }
  }

  @Test(
    arguments: CountValue.missingMarkers + ["NA", "n/a", "NULL", "NaN", "None", " .. ", "X", "[X]"])
  func missingMarkersAreMissing(text: String) throws {
    #expect(try CountValue.parse(text, at: here) == .missing)
  }

  @Test(
    arguments: CountValue.suppressedMarkers + [
      "<5", "< 10", "<=3", "<1,000", "C", "[C]", " * ", "Supp", "REDACTED",
    ])
  func suppressedMarkersAreSuppressedAndKeepTheirText(text: String) throws {
    let trimmed = text.trimmingASCIIWhitespace()
    #expect(try CountValue.parse(text, at: here) == .suppressed(trimmed))
  }

  @Test(arguments: ["-5", "-0.5", "\u{2212}3", " -1,469 "])
  func negativeNumbersAreAnError(text: String) {
    #expect(throws: IngestError.negativeCount(here, text: text.trimmingASCIIWhitespace())) {
      try CountValue.parse(text, at: here)
    }
  }

  @Test(
    arguments: [
      "12a", "1,46", "1,4690", ",123", "1,,234", "inf", "1.2.3", "e5", "1e", "++1", "<", "<x",
      "five", "1 469", "12,5", "0x10",
    ])
  func nonNumericTextIsAnError(text: String) {
    #expect(throws: IngestError.nonNumericCount(here, text: text)) {
      try CountValue.parse(text, at: here)
    }
  }

  @Test func numberAccessorIsNilUnlessANumber() {
    #expect(CountValue.number(3).number == 3)
    #expect(CountValue.missing.number == nil)
    #expect(CountValue.suppressed("<5").number == nil)
  }
}
