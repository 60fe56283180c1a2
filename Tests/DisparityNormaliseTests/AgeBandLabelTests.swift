import DisparityIngest
import Testing

@testable import DisparityNormalise

/// Reading age labels in the forms real files use (see the table in `AgeLabel`'s documentation).
@Suite struct AgeBandLabelTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var text: String
    var lower: Int
    var upper: Int?
    var form: AgeLabel.Form
    var testDescription: String { "\"\(text)\"" }
  }

  static let accepted: [Case] = [
    // Whole and decimal years (decimals are completed years, so floored).
    Case(text: "0", lower: 0, upper: 0, form: .age),
    Case(text: "47", lower: 47, upper: 47, form: .age),
    Case(text: "103", lower: 103, upper: 103, form: .age),
    Case(text: " 47 ", lower: 47, upper: 47, form: .age),
    Case(text: "47.5", lower: 47, upper: 47, form: .age),
    Case(text: "47.99", lower: 47, upper: 47, form: .age),
    Case(text: "0.25", lower: 0, upper: 0, form: .age),
    Case(text: "47 years", lower: 47, upper: 47, form: .age),
    // Ranges.
    Case(text: "0-4", lower: 0, upper: 4, form: .band),
    Case(text: "00-04", lower: 0, upper: 4, form: .band),
    Case(text: "0 - 4", lower: 0, upper: 4, form: .band),
    Case(text: "0\u{2013}4", lower: 0, upper: 4, form: .band),  // en dash
    Case(text: "0\u{2014}4", lower: 0, upper: 4, form: .band),  // em dash
    Case(text: "0 to 4", lower: 0, upper: 4, form: .band),
    Case(text: "0 TO 4", lower: 0, upper: 4, form: .band),
    Case(text: "0-4 years", lower: 0, upper: 4, form: .band),
    Case(text: "0-4yrs", lower: 0, upper: 4, form: .band),
    Case(text: "0-4 yrs.", lower: 0, upper: 4, form: .band),
    Case(text: "85-89", lower: 85, upper: 89, form: .band),
    // Prefixed.
    Case(text: "Age 0 to 4", lower: 0, upper: 4, form: .band),
    Case(text: "Aged 0-4", lower: 0, upper: 4, form: .band),
    Case(text: "Ages 5-9", lower: 5, upper: 9, form: .band),
    Case(text: "Age: 0-4", lower: 0, upper: 4, form: .band),
    Case(text: "age 5 to 7", lower: 5, upper: 7, form: .band),
    Case(text: "Age 15", lower: 15, upper: 15, form: .band),
    Case(text: "Aged 85+", lower: 85, upper: nil, form: .open),
    Case(text: "Age 85 and over", lower: 85, upper: nil, form: .open),
    // Under.
    Case(text: "<1", lower: 0, upper: 0, form: .band),
    Case(text: "< 5", lower: 0, upper: 4, form: .band),
    Case(text: "Under 1", lower: 0, upper: 0, form: .band),
    Case(text: "under 1 year", lower: 0, upper: 0, form: .band),
    Case(text: "Under 5 years", lower: 0, upper: 4, form: .band),
    Case(text: "Less than 1", lower: 0, upper: 0, form: .band),
    Case(text: "Below 5", lower: 0, upper: 4, form: .band),
    // Open.
    Case(text: "85+", lower: 85, upper: nil, form: .open),
    Case(text: "85 +", lower: 85, upper: nil, form: .open),
    Case(text: "90+", lower: 90, upper: nil, form: .open),
    Case(text: "85 and over", lower: 85, upper: nil, form: .open),
    Case(text: "85 AND OVER", lower: 85, upper: nil, form: .open),
    Case(text: "85 years and over", lower: 85, upper: nil, form: .open),
    Case(text: "85 and older", lower: 85, upper: nil, form: .open),
    Case(text: "85 or over", lower: 85, upper: nil, form: .open),
    Case(text: "85 & over", lower: 85, upper: nil, form: .open),
    Case(text: "85 and above", lower: 85, upper: nil, form: .open),
    Case(text: "85 plus", lower: 85, upper: nil, form: .open),
    Case(text: "85+ years", lower: 85, upper: nil, form: .open),
    Case(text: ">=85", lower: 85, upper: nil, form: .open),
    Case(text: "\u{2265}85", lower: 85, upper: nil, form: .open),
    // Compact (NHS England COVID-19 deaths tables: age0_19 ... age80).
    Case(text: "age0_19", lower: 0, upper: 19, form: .band),
    Case(text: "age20_39", lower: 20, upper: 39, form: .band),
    Case(text: "age80", lower: 80, upper: 80, form: .compactBare),
    Case(text: "age85+", lower: 85, upper: nil, form: .open),
  ]

  @Test("accepted label forms read as the right band", arguments: accepted)
  func acceptedForms(_ c: Case) throws {
    let label = try AgeLabel(c.text)
    #expect(label.band == AgeBand(lower: c.lower, upper: c.upper))
    #expect(label.form == c.form)
    #expect(label.text == c.text)
  }

  static let unrecognised = [
    "", "   ", "Unknown", "Various", "Not known", "over 85", "85-", "-4", "-1", "abc", "4/5",
    "0-4-9", "age", "Under 0", "Less than 0", "47.5-50", "0.5-4", "age80.5", "85 and", "5 to",
  ]

  @Test("labels in no accepted form are errors naming the label and place", arguments: unrecognised)
  func unrecognisedForms(_ text: String) {
    let location = DisparityIngest.SourceLocation(
      file: "deaths.csv", line: 12, column: 3, columnName: "age")
    #expect(throws: AgeBandingError.unrecognisedLabel(text, location: location)) {
      try AgeLabel(text, location: location)
    }
    let message = AgeBandingError.unrecognisedLabel(text, location: location).description
    #expect(message.hasPrefix("deaths.csv:12:3 (column \"age\"): \"\(text)\" is not an age"))
    #expect(AgeBandingError.unrecognisedLabel(text, location: location).kind == .data)
  }

  @Test(
    "ages above 130 are implausible", arguments: ["131", "200", "0-150", "131+", "99999999999"])
  func implausible(_ text: String) {
    let location = DisparityIngest.SourceLocation(file: "a.csv", line: 2, column: 1)
    #expect(throws: AgeBandingError.implausibleAge(text, location: location)) {
      try AgeLabel(text, location: location)
    }
    #expect(
      AgeBandingError.implausibleAge(text, location: location).description.contains(
        "above 130 years"))
  }

  @Test("a band ending before it starts is an error", arguments: ["10-4", "Age 9 to 5"])
  func reversed(_ text: String) {
    let location = DisparityIngest.SourceLocation(file: "a.csv", line: 5, column: 2)
    #expect(throws: AgeBandingError.reversedBand(text, location: location)) {
      try AgeLabel(text, location: location)
    }
  }

  @Test("the oldest accepted age is 130")
  func oldestAge() throws {
    #expect(try AgeLabel("130").band == AgeBand(age: 130))
    #expect(try AgeLabel("130+").band == AgeBand(lower: 130, upper: nil))
  }

  @Test("canonical labels: <1, single years, ranges and open bands")
  func canonicalLabels() {
    #expect(AgeBand(age: 0).label == "<1")
    #expect(AgeBand(age: 15).label == "15")
    #expect(AgeBand(lower: 0, upper: 4).label == "0-4")
    #expect(AgeBand(lower: 90, upper: nil).label == "90+")
    #expect("\(AgeBand(lower: 5, upper: 9))" == "5-9")
  }

  @Test("containment, overlap and order of bands")
  func bandRelations() {
    let young = AgeBand(lower: 5, upper: 9)
    let old = AgeBand(lower: 85, upper: nil)
    #expect(young.contains(age: 5) && young.contains(age: 9) && !young.contains(age: 10))
    #expect(old.contains(age: 130) && !old.contains(age: 84))
    #expect(young.contains(AgeBand(lower: 5, upper: 7)))
    #expect(!young.contains(AgeBand(lower: 8, upper: 10)))
    #expect(old.contains(AgeBand(lower: 90, upper: nil)))
    #expect(!AgeBand(lower: 85, upper: 89).contains(old))
    #expect(young.overlaps(AgeBand(lower: 9, upper: 12)))
    #expect(!young.overlaps(AgeBand(lower: 10, upper: 14)))
    #expect(old.overlaps(AgeBand(lower: 90, upper: 94)))
    #expect(AgeBand(lower: 85, upper: 89).union(AgeBand(lower: 90, upper: nil)) == old)
    #expect(
      [old, young, AgeBand(lower: 5, upper: 5), AgeBand(lower: 85, upper: 89)].sorted() == [
        AgeBand(lower: 5, upper: 5), young, AgeBand(lower: 85, upper: 89), old,
      ])
  }
}
