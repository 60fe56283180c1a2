import Foundation
import Testing

/// `disparity normalise` output, and the guarantees a scheduled pipeline relies on: a failing run
/// leaves no output, and the same input gives byte-identical outputs.
@Suite("normalise, atomic outputs and reproducibility")
struct NormaliseAndPipelineTests {
  @Test("normalise adds group_code and group_label and summarises on standard error")
  func normaliseColumnsAndSummary() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "people.csv",
      [
        "id,ethnicity,age", "1,White British,40", "2,\"Mixed: White and Black African\",3",
        "3,Not stated,50", "4,99,61", "5,BAME,20", "6,Martian,30", "7,CP,33",
      ])
    let run = try CLI.run(["normalise", folder.path("people.csv")])
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first == "id,ethnicity,age,group_code,group_label")
    // NHS 2001 codes and official labels; Z / 99 kept apart; collective and unknown: Unmapped.
    #expect(lines[1] == "1,White British,40,A,White - British")
    #expect(lines[2] == "2,Mixed: White and Black African,3,E,Mixed - White and Black African")
    #expect(lines[3] == "3,Not stated,50,Z,Not stated")
    #expect(lines[4] == "4,99,61,99,Not known")
    #expect(lines[5] == "5,BAME,20,,Unmapped")
    #expect(lines[6] == "6,Martian,30,,Unmapped")
    #expect(lines[7] == "7,CP,33,C,White - Any other White background")  // local code: first letter
    #expect(lines.count == 9 && lines[8].isEmpty)
    // The data-quality summary goes to standard error, not into the data.
    #expect(run.stderr.contains("7 rows read"))
    #expect(run.stderr.contains("A White - British: 1 rows"))
    #expect(run.stderr.contains("\"BAME\": 1 rows"))
    #expect(run.stderr.contains("\"Martian\": 1 rows"))
    #expect(run.stderr.contains("Not stated: 14.3%; not known: 14.3%"))  // 1 of 7 each

    // ONS 2021: numeric codes and the 2021 labels.
    let ons = try CLI.run([
      "normalise", folder.path("people.csv"), "--scheme", "ons-2021", "--quiet",
    ])
    #expect(ons.stderr.isEmpty)
    #expect(
      ons.stdout.contains(
        "1,White British,40,13,\"White: English, Welsh, Scottish, Northern Irish or British\""))
  }

  @Test("normalise --output FILE writes the file; reading standard input works too")
  func normaliseToFileAndFromStdin() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let text = "ethnicity;n\nIndian;1\nChinese;2\n"
    let out = folder.path("clean.csv")
    let run = try CLI.run(["normalise", "-", "--output", out, "--quiet"], stdin: text)
    #expect(run.status == 0)
    #expect(run.stdout.isEmpty)
    let written = try String(contentsOfFile: out, encoding: .utf8)
    #expect(
      written
        == "ethnicity,n,group_code,group_label\nIndian,1,H,Asian or Asian British - Indian\nChinese,2,R,Other Ethnic Groups - Chinese\n"
    )
  }

  /// A large generated file (about 200,000 rows, 4 MB) with one ragged row near its end.
  static func largeFileWithBadRowNearEnd(in folder: TemporaryFolder) throws -> String {
    var text = "ethnicity,age,deaths,population\n"
    text.reserveCapacity(6_000_000)
    let groups = ["White British", "Indian", "Pakistani", "Black African", "Chinese"]
    for i in 0..<200_000 {
      text += "\(groups[i % 5]),\(i % 90),\(i % 17),\(100 + i % 900)\n"
    }
    text += "Indian,40,3,500,9\n"  // line 200,002: a fifth field
    for _ in 0..<5 { text += "Indian,41,3,500\n" }
    return try folder.write("large.csv", text)
  }

  @Test("A failing run leaves no output: no folder, no files, and an existing report untouched")
  func failingRunLeavesNoOutput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.largeFileWithBadRowNearEnd(in: folder)
    let output = folder.path("reports")
    let args = [
      "analyse", input, "--numerator", "deaths", "--denominator", "population", "--age", "age",
      "--format", "csv,md", "--output", output,
    ]
    let run = try CLI.run(args)
    #expect(run.status == 1)
    #expect(run.stderr.contains("large.csv:200002:5"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output))
    // Yesterday's report stays as it was.
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    try folder.write("reports/report.csv", "yesterday\n")
    #expect(try CLI.run(args).status == 1)
    #expect(try String(contentsOfFile: output + "/report.csv", encoding: .utf8) == "yesterday\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: output) == ["report.csv"])
    // normalise --output FILE likewise.
    let clean = folder.path("clean.csv")
    let normalise = try CLI.run(["normalise", input, "--output", clean])
    #expect(normalise.status == 1)
    #expect(!FileManager.default.fileExists(atPath: clean))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        == ["large.csv", "reports"])
  }

  @Test("Two runs on the same input give byte-identical outputs")
  func runsAreByteIdentical() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let args = [
      "analyse", CLI.repoPath("datasets/synthetic/admissions.csv"), "--population",
      CLI.repoPath("datasets/synthetic/population.csv"), "--age", "age", "--by", "region,sex",
      "--confidence", "0.95,0.998", "--unknown", "redistribute", "--format", "csv,md",
    ]
    var outputs: [[Data]] = []
    var stderrs: [String] = []
    for i in 0..<3 {
      let out = folder.path("run\(i)")
      let run = try CLI.run(args + ["--output", out])
      #expect(run.status == 0)
      stderrs.append(run.stderr)
      let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
      #expect(names == ["report.csv", "report.md"])
      outputs.append(try names.map { try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0)) })
    }
    #expect(outputs[1] == outputs[0])
    #expect(outputs[2] == outputs[0])
    #expect(stderrs[1] == stderrs[0])
    // Strata in the order first seen in the file (North East is the file's first region).
    let rows = parseTidyCSV(String(decoding: outputs[0][0], as: UTF8.self))
    #expect(rows.first?["region"] == "North East")
  }
}
