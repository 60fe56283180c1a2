import Foundation
import Testing

/// Bad data ends with exit status 1 and a message naming file, line and column; bad usage with
/// exit status 2 (ARCHITECTURE.md, issue 2). Inputs: the malformed files of `Resources/errors`
/// (see its README), run from that folder so messages name them as a user typed them.
@Suite("Errors of disparity analyse and normalise")
struct ErrorBehaviourTests {
  struct DataErrorCase: CustomTestStringConvertible, Sendable {
    let file: String
    let arguments: [String]
    /// `file:line:column` the message must start with (after `error: `).
    let place: String
    /// Words the message must contain: what is wrong and what to do.
    let words: [String]
    var testDescription: String { file }
  }

  static let counts = ["--numerator", "deaths", "--denominator", "population"]

  static let dataErrors: [DataErrorCase] = [
    .init(
      file: "ragged_row.csv", arguments: counts, place: "ragged_row.csv:3:5",
      words: ["5 fields", "header has 4"]),
    .init(
      file: "unterminated_quote.csv", arguments: counts, place: "unterminated_quote.csv:3:1",
      words: ["never closed"]),
    .init(
      file: "invalid_utf8.csv", arguments: counts, place: "invalid_utf8.csv:3:1",
      words: ["not valid UTF-8"]),
    .init(
      file: "negative_count.csv", arguments: counts, place: "negative_count.csv:3:3",
      words: ["\"deaths\"", "\"-2\""]),
    .init(
      file: "non_numeric_count.csv", arguments: counts, place: "non_numeric_count.csv:3:3",
      words: ["\"deaths\"", "\"two\""]),
    .init(
      file: "unplaceable_age_band.csv", arguments: counts + ["--age", "age"],
      place: "unplaceable_age_band.csv:4:2", words: ["\"12-15\"", "ESP2013", "--standard"]),
    .init(
      file: "total_row.csv", arguments: counts, place: "total_row.csv:4:1",
      words: ["\"All ethnic groups\"", "total"]),
  ]

  static var errorsFolder: URL {
    URL(fileURLWithPath: TestResources.error("README.md")).deletingLastPathComponent()
  }

  @Test("A malformed file is exit status 1 with file, line and column", arguments: dataErrors)
  func malformedFileIsDataError(_ c: DataErrorCase) throws {
    let run = try CLI.run(["analyse", c.file] + c.arguments, in: Self.errorsFolder)
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty, "nothing is printed as results")
    #expect(run.stderr.errorLine.hasPrefix("error: \(c.place)"), "\(run.stderr)")
    for word in c.words { #expect(run.stderr.contains(word), "\(run.stderr) lacks \(word)") }
  }

  @Test("A bad age in the population file names that file's line and column")
  func badAgeInPopulationFile() throws {
    let run = try CLI.run(
      [
        "analyse", "events_for_population_bad_age.csv", "--population", "population_bad_age.csv",
        "--age", "age",
      ], in: Self.errorsFolder)
    #expect(run.status == 1)
    #expect(
      run.stderr.errorLine.hasPrefix("error: population_bad_age.csv:5:2 (column \"age\")"),
      "\(run.stderr)")
    #expect(run.stderr.contains("\"five to nine\""))
  }

  @Test("An age label in the second input file is placed in that file, not the first")
  func ageErrorInSecondInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(folder, "a.csv", ["ethnicity,age,deaths,population", "Indian,0-4,3,100"])
    try writeLines(
      folder, "b.csv",
      ["ethnicity,age,deaths,population", "Indian,5-9,3,100", "White British,toddlers,1,50"])
    let run = try CLI.run(
      ["analyse", "a.csv", "b.csv", "--age", "age"] + Self.counts, in: folder.url)
    #expect(run.status == 1)
    #expect(run.stderr.errorLine.hasPrefix("error: b.csv:3:2 (column \"age\")"), "\(run.stderr)")
    #expect(run.stderr.contains("\"toddlers\" is not an age"))
  }

  @Test("A missing column lists the columns and suggests the nearest name")
  func missingColumnSuggestsName() throws {
    let run = try CLI.run(
      ["analyse", "missing_column.csv", "--numerator", "death", "--denominator", "population"],
      in: Self.errorsFolder)
    // A file without a column the analysis needs is bad input: exit status 1 (issue 2).
    #expect(run.status == 1)
    #expect(run.stderr.errorLine.hasPrefix("error: missing_column.csv"))
    #expect(run.stderr.contains("did you mean \"deaths\"?"))
    #expect(run.stderr.contains("\"ethnicity\", \"age\", \"deaths\", \"population\""))
  }

  @Test("Doses above the population are an error for proportions, naming group and stratum")
  func proportionAboveOneIsDataError() throws {
    // NZ first doses exceed the HSU population for Asian people (616,531 of 598,108).
    let nz = CLI.repoPath("datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv")
    let base = [
      "analyse", nz, "--group", "Ethnic group", "--scheme", "raw", "--numerator",
      "First dose administered", "--denominator", "Population", "--measure", "proportion",
    ]
    let whole = try CLI.run(base)
    #expect(whole.status == 1)
    #expect(whole.stderr.contains("group \"Asian\": numerator 616531"), "\(whole.stderr)")
    let byAge = try CLI.run(base + ["--by", "Age group"])
    #expect(byAge.status == 1)
    #expect(byAge.stderr.contains("in \"Age group "), "the stratum is named: \(byAge.stderr)")
    // As rates the same data are fine (doses can exceed an undercounted population).
    #expect(try CLI.run(base.dropLast(2) + ["--quiet"]).status == 0)
  }

  @Test("--strict: unmapped values and collective terms are exit status 1 at their first row")
  func strictFailsOnUnmappedAndCollective() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "deaths.csv",
      ["ethnicity,deaths,population", "White British,30,1000", "BAME,5,10", "Martian,5,10"])
    let analyse = try CLI.run(
      ["analyse", "deaths.csv", "--strict"] + Self.counts, in: folder.url)
    #expect(analyse.status == 1)
    #expect(
      analyse.stderr.errorLine.hasPrefix(
        "error: deaths.csv:4:1 (column \"ethnicity\"): strict mode"))
    #expect(analyse.stderr.contains("\"Martian\" (1 rows)"))
    #expect(analyse.stderr.contains("\"BAME\" (1 rows)"))
    let normalise = try CLI.run(["normalise", "deaths.csv", "--strict"], in: folder.url)
    #expect(normalise.status == 1)
    #expect(normalise.stdout.isEmpty, "strict mode fails before writing anything")
    #expect(normalise.stderr.hasPrefix("error: deaths.csv:4:1 (column \"ethnicity\"): strict mode"))
    // Without --strict both are reported as Unmapped and the run succeeds.
    let lenient = try CLI.run(["analyse", "deaths.csv"] + Self.counts, in: folder.url)
    #expect(lenient.status == 0)
    #expect(lenient.stderr.contains("\"Martian\": 1 rows"))
    #expect(lenient.stderr.contains("\"BAME\": 1 rows"))
  }

  struct UsageCase: CustomTestStringConvertible, Sendable {
    let name: String
    let arguments: [String]
    let words: [String]
    var testDescription: String { name }
  }

  static let usageErrors: [UsageCase] = [
    .init(
      name: "unknown scheme", arguments: ["--scheme", "ons2021"],
      words: ["no ethnicity scheme \"ons2021\"", "Did you mean \"ons-2021\"?"]),
    .init(
      name: "unknown --ci-method", arguments: ["--ci-method", "wald"],
      words: ["\"wald\"", "dobson", "fay-feuer"]),
    .init(
      name: "--confidence not a number", arguments: ["--confidence", "abc"], words: ["\"abc\""]),
    .init(
      name: "--confidence of 1", arguments: ["--confidence", "1"], words: ["between 0.5 and 1"]),
    .init(
      name: "--confidence of 0", arguments: ["--confidence", "0"], words: ["between 0.5 and 1"]),
    .init(
      name: "three confidence levels", arguments: ["--confidence", "0.9,0.95,0.998"],
      words: ["one or two"]),
    .init(
      name: "a repeated confidence level", arguments: ["--confidence", "0.95,0.95"],
      words: ["one or two different levels"]),
    .init(
      name: "unknown standard", arguments: ["--age", "age", "--standard", "esp2031"],
      words: ["no standard population \"esp2031\"", "Did you mean esp2013?"]),
    .init(name: "unknown measure", arguments: ["--measure", "rates"], words: ["\"rates\""]),
    .init(name: "unknown --unknown", arguments: ["--unknown", "drop"], words: ["\"drop\""]),
    .init(
      name: "unknown reference group", arguments: ["--reference", "Martian"],
      words: ["no group \"Martian\"", "largest, overall or none"]),
    .init(name: "unknown delimiter", arguments: ["--delimiter", "pipe"], words: ["pipe"]),
    .init(name: "unknown option", arguments: ["--colour"], words: ["--colour"]),
  ]

  @Test("Bad usage is exit status 2 with a message saying what to write", arguments: usageErrors)
  func badUsageIsExitTwo(_ c: UsageCase) throws {
    let data = CLI.repoPath("datasets/synthetic/admissions.csv")
    let population = CLI.repoPath("datasets/synthetic/population.csv")
    let run = try CLI.run(["analyse", data, "--population", population] + c.arguments)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stdout.isEmpty)
    for word in c.words { #expect(run.stderr.contains(word), "\(run.stderr) lacks \(word)") }
  }

  @Test("normalise: an unknown scheme is exit status 2")
  func normaliseUnknownScheme() throws {
    let run = try CLI.run([
      "normalise", CLI.repoPath("datasets/synthetic/admissions.csv"), "--scheme", "nhs2001",
    ])
    #expect(run.status == 2)
    #expect(run.stderr.contains("Did you mean \"nhs-2001\"?"))
  }
}
