import Testing

@testable import DisparityIngest

@Suite("CSVHeader: finding columns")
struct CSVHeaderTests {
  let header = try! CSVHeader(
    file: "deaths.csv", names: ["Ethnicity", "age_band", "sex", "deaths", "population"])

  @Test func exactNameIsFound() throws {
    #expect(try header.index(of: "deaths") == 3)
  }

  @Test func nameIsFoundIgnoringCaseWhenOnlyOneColumnMatches() throws {
    #expect(try header.index(of: "ethnicity") == 0)
    #expect(try header.index(of: " SEX ") == 2)
    let ambiguous = try CSVHeader(file: "f.csv", names: ["Age", "age"])
    #expect(try ambiguous.index(of: "age") == 1)
    #expect(ambiguous.firstIndex(of: "AGE") == nil)
  }

  // Suggestions: Levenshtein distance computed by hand (e.g. "ethnicty" -> "ethnicity" inserts one
  // letter; "deths" -> "deaths" inserts one; "popluation" -> "population" swaps two letters = 2).
  @Test(
    arguments: [
      ("ethnicty", "Ethnicity"), ("deths", "deaths"), ("popluation", "population"),
      ("age", "age_band"), ("Sexe", "sex"),
    ])
  func nearestNameIsSuggested(typed: String, suggestion: String) {
    #expect(header.suggestion(for: typed) == suggestion)
  }

  @Test func distantNameHasNoSuggestionButListsTheColumns() {
    let error = #expect(throws: IngestError.self) { try header.index(of: "region") }
    #expect(
      error
        == .missingColumn(
          "region", file: "deaths.csv", available: header.names, suggestion: nil))
    #expect(
      error?.description
        == "deaths.csv: there is no column \"region\". The columns are: \"Ethnicity\", \"age_band\", \"sex\", \"deaths\", \"population\". Name one of these columns."
    )
  }

  @Test func editDistanceMatchesHandCountedExamples() {
    func distance(_ a: String, _ b: String) -> Int {
      NearestName.editDistance(a, b)
    }
    #expect(distance("kitten", "sitting") == 3)  // the textbook example
    #expect(distance("", "abc") == 3)
    #expect(distance("flaw", "lawn") == 2)
    #expect(distance("same", "same") == 0)
  }
}
