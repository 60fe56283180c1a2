import Foundation
import Testing

/// `disparity validate`: every problem of a file against the settings, in one run.
@Suite("disparity validate")
struct ValidateCommandTests {
  /// Six problems of different kinds, each on its own line (the line numbers below count the
  /// header as line 1).
  static let brokenFile = """
    ethnicity,age,sex,deaths
    A,0-4,Male,3
    B,5-9,Male,-2
    C,abc,Female,4
    All,10-14,Female,1
    D,20-24,Female
    H,30-34,Male,five
    J,200,Male,1
    K,40-44,Male,2

    """

  @Test func listsEveryProblemInOneRun() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write("deaths.csv", Self.brokenFile)
    let run = try CLI.run(
      ["validate", file, "--numerator", "deaths", "--age", "age", "--by", "sex,region"])
    #expect(run.status == 1)
    let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
    let expected = [
      "there is no column \"region\"",  // the missing --by column
      "deaths.csv:3:4 (column \"deaths\")",  // -2
      "deaths.csv:4:2 (column \"age\")",  // abc
      "deaths.csv:6:4 (column \"deaths\")",  // a field missing
      "deaths.csv:7:4 (column \"deaths\")",  // five
      "deaths.csv:8:2 (column \"age\")",  // 200
      "deaths.csv:5:1 (column \"ethnicity\")",  // the total row "All"
    ]
    for part in expected {
      #expect(errors.contains { $0.contains(part) }, "missing: \(part)\n\(run.stderr)")
    }
    #expect(run.stderr.contains("problems found in \(file) (8 rows)"))
  }

  @Test func aCleanFileHasNoProblems() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write(
      "deaths.csv", "ethnicity,sex,deaths\nA,Male,3\nB,Female,0\nN,Male,12\n")
    let run = try CLI.run(["validate", file, "--numerator", "deaths", "--by", "sex"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("No problems found in \(file) (3 rows)."))
  }

  @Test func theListIsCappedAndTheRestCounted() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var text = "ethnicity,deaths\n"
    for _ in 0..<250 { text += "A,-1\n" }
    let file = try folder.write("deaths.csv", text)
    let run = try CLI.run(["validate", file, "--numerator", "deaths", "--max-problems", "20"])
    #expect(run.status == 1)
    let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
    #expect(errors.count == 20)
    #expect(run.stderr.contains("and 230 more problems not listed"))
    #expect(run.stderr.contains("250 problems found"))
  }

  @Test func checksTheFilesOfAConfiguration() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("deaths.csv", "ethnicity,age,deaths\nA,0-4,1\nB,old,2\n")
    try folder.write("population.csv", "ethnicity,age,pop\nA,0-4,100\n")
    try folder.write(
      "analysis.toml",
      """
      inputs = ["deaths.csv"]
      numerator = "deaths"
      age = "age"
      population = "population.csv"
      """)
    let run = try CLI.run(["validate", "--config", folder.path("analysis.toml")])
    #expect(run.status == 1)
    #expect(run.stderr.contains("deaths.csv:3:2 (column \"age\"): \"old\""))
    // The population file has no column "population" (the default name): named, with the nearest.
    #expect(
      run.stderr.contains(
        "population.csv: there is no column \"population\"; did you mean \"pop\"?"))
  }

  @Test func strictMakesUnmappedValuesProblems() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write("deaths.csv", "ethnicity,deaths\nA,1\nBAME,2\nMartian,3\n")
    let lenient = try CLI.run(["validate", file, "--numerator", "deaths"])
    #expect(lenient.status == 0)
    #expect(
      lenient.stderr.contains(
        "warning: \(file):3:1 (column \"ethnicity\"): \"BAME\" is a collective term"))
    let strict = try CLI.run(["validate", file, "--numerator", "deaths", "--strict"])
    #expect(strict.status == 1)
    #expect(strict.stderr.contains("error: \(file):4:1 (column \"ethnicity\"): \"Martian\""))
    #expect(strict.stderr.contains("2 problems found"))
  }

  @Test func jsonLogListsEachProblemAsAnObject() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write("deaths.csv", Self.brokenFile)
    let run = try CLI.run(
      ["validate", file, "--numerator", "deaths", "--age", "age", "--log-format", "json"])
    #expect(run.status == 1)
    let objects = try run.stderr.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    let problems = objects.filter { $0["event"] as? String == "problem" }
    // Six problems in rows, and the ESP2013 bands without data (a problem of the whole file).
    #expect(problems.count == 7)
    let inRows = problems.filter { $0["line"] is Int }
    #expect(inRows.count == 6)
    #expect(inRows.allSatisfy { $0["file"] as? String == file && $0["column"] is Int })
    let summary = try #require(objects.last)
    #expect(summary["event"] as? String == "validation-summary")
    #expect(summary["problems"] as? Int == 7)
  }
}
