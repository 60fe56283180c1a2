import Foundation
import Testing

/// The same data in any accepted form gives the same table: standard input, several files,
/// tab or semicolon delimiters (detected or named), a byte-order mark with CRLF line ends.
/// The reference output is the plain comma-separated file's; `datasets/synthetic` is the data.
@Suite("Input forms of disparity analyse")
struct InputFormTests {
  static let admissions = CLI.repoPath("datasets/synthetic/admissions.csv")
  static let population = CLI.repoPath("datasets/synthetic/population.csv")
  static let options = ["--age", "age", "--by", "sex", "--no-suppress", "--quiet"]

  /// The reference table: the comma-separated files as shipped.
  static func referenceTable() throws -> String {
    let run = try CLI.run(["analyse", admissions, "--population", population] + options)
    #expect(run.status == 0)
    #expect(run.stdout.split(separator: "\n").count == 1 + 2 * 16, "16 groups x 2 sexes")
    return run.stdout
  }

  static func admissionsText() throws -> String {
    try String(contentsOfFile: admissions, encoding: .utf8)
  }

  @Test("Standard input (-) gives the same table as the file")
  func standardInput() throws {
    let run = try CLI.run(
      ["analyse", "-", "--population", Self.population] + Self.options,
      stdin: try Self.admissionsText())
    #expect(run.status == 0)
    #expect(run.stdout == (try Self.referenceTable()))
  }

  @Test("Rows in any order give the same rows")
  func rowsInAnyOrder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // Reversed and interleaved, so that a group's strata never come one after another.
    func shuffled(_ path: String) throws -> String {
      let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
      let body = Array(lines.dropFirst().reversed())
      let evens = stride(from: 0, to: body.count, by: 2).map { body[$0] }
      let odds = stride(from: 1, to: body.count, by: 2).map { body[$0] }
      return ([lines[0]] + evens + odds).joined(separator: "\n") + "\n"
    }
    let admissions = try folder.write("admissions.csv", try shuffled(Self.admissions))
    let population = try folder.write("population.csv", try shuffled(Self.population))
    let run = try CLI.run(["analyse", admissions, "--population", population] + Self.options)
    #expect(run.status == 0)
    // The same rows, number for number; the --by strata come in order of first appearance.
    func rows(_ table: String) -> [Substring] {
      let lines = table.split(separator: "\n")
      return [lines[0]] + lines.dropFirst().sorted()
    }
    #expect(rows(run.stdout) == rows(try Self.referenceTable()))
  }

  @Test("Several input files are added together")
  func severalInputFiles() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let lines = try Self.admissionsText().split(separator: "\n").map(String.init)
    let header = lines[0]
    let middle = lines.count / 2
    try writeLines(folder, "first.csv", Array(lines[0..<middle]))
    try writeLines(folder, "second.csv", [header] + Array(lines[middle...]))
    let run = try CLI.run(
      [
        "analyse", folder.path("first.csv"), folder.path("second.csv"), "--population",
        Self.population,
      ] + Self.options)
    #expect(run.status == 0)
    #expect(run.stdout == (try Self.referenceTable()))
    // A file given twice counts twice: every events column doubles.
    let twice = try CLI.run(
      ["analyse", Self.admissions, Self.admissions, "--population", Self.population]
        + Self.options)
    let once = parseTidyCSV(try Self.referenceTable())
    let doubled = parseTidyCSV(twice.stdout)
    #expect(doubled.map { Double($0["events"]!)! } == once.map { 2 * Double($0["events"]!)! })
  }

  @Test(
    "Tab and semicolon files are detected, or named with --delimiter",
    arguments: [("\t", "tab"), (";", "semicolon")])
  func otherDelimiters(_ delimiter: String, _ name: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let events = try Self.admissionsText().replacingOccurrences(of: ",", with: delimiter)
    let people = try String(contentsOfFile: Self.population, encoding: .utf8)
      .replacingOccurrences(of: ",", with: delimiter)
    try folder.write("events.txt", events)
    try folder.write("population.txt", people)
    let reference = try Self.referenceTable()
    let detected = try CLI.run(
      ["analyse", folder.path("events.txt"), "--population", folder.path("population.txt")]
        + Self.options)
    #expect(detected.status == 0)
    #expect(detected.stdout == reference)
    let named = try CLI.run(
      [
        "analyse", folder.path("events.txt"), "--population", folder.path("population.txt"),
        "--delimiter", name,
      ] + Self.options)
    #expect(named.stdout == reference)
    // The wrong delimiter named: the header is one column, and the message lists it.
    let wrong = try CLI.run(
      [
        "analyse", folder.path("events.txt"), "--population", folder.path("population.txt"),
        "--delimiter", "comma",
      ] + Self.options)
    #expect(wrong.status == 1)
    #expect(wrong.stderr.contains("there is no column"))
    #expect(wrong.stderr.contains("\"ethnicity\(delimiter)age\(delimiter)sex\(delimiter)region\""))
  }

  @Test("A byte-order mark and CRLF line ends read the same as plain LF")
  func byteOrderMarkAndCRLF() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let crlf = try Self.admissionsText().replacingOccurrences(of: "\n", with: "\r\n")
    var bytes = Data([0xEF, 0xBB, 0xBF])
    bytes.append(Data(crlf.utf8))
    try bytes.write(to: folder.url.appendingPathComponent("bom.csv"))
    let run = try CLI.run(
      ["analyse", folder.path("bom.csv"), "--population", Self.population] + Self.options)
    #expect(run.status == 0)
    #expect(run.stdout == (try Self.referenceTable()))
  }

  @Test("Quoted fields with commas, doubled quotes and thousands separators are read")
  func quotedFields() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "quoted.csv",
      [
        "ethnicity,deaths,population", "\"White, British\",\"1,469\",\"100,000\"",
        "\"Indian\",12,\"5,000\"", "Pakistani,<5,4000",
      ])
    try writeLines(folder, "map.csv", ["value,target", "\"White, British\",A"])
    let run = try CLI.run([
      "analyse", folder.path("quoted.csv"), "--numerator", "deaths", "--denominator",
      "population", "--mapping", folder.path("map.csv"), "--no-suppress",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = parseTidyCSV(run.stdout)
    #expect(rows.first { $0["group_code"] == "A" }?["events"] == "1469")
    #expect(rows.first { $0["group_code"] == "A" }?["population"] == "100000")
    #expect(rows.first { $0["group_code"] == "H" }?["population"] == "5000")
    // "<5" is suppressed at source: reported, never read as a number, and the group is not
    // said to have "no events".
    #expect(run.stderr.contains("suppressed at source"))
    let pakistani = rows.first { $0["group_code"] == "J" }?["flag"] ?? ""
    #expect(pakistani.contains("suppressed at source in 1 row(s)"))
    #expect(!pakistani.contains("no events"))
  }
}
