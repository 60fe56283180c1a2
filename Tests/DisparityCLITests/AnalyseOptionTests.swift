import Foundation
import Testing

/// Options of `disparity analyse` seen from outside: --mapping, --unknown redistribute,
/// --reference, and disclosure control. Expected values are worked by hand in the comments from
/// the small inputs written in each test.
@Suite("Options of disparity analyse")
struct AnalyseOptionTests {
  static let counts = ["--numerator", "deaths", "--denominator", "population"]

  func row(_ rows: [[String: String]], _ code: String, by: String? = nil, column: String = "sex")
    -> [String: String]
  {
    rows.first { $0["group_code"] == code && (by == nil || $0[column] == by) } ?? [:]
  }

  @Test("--mapping overrides the built-in matching, and maps values it does not know")
  func mappingOverrides() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "deaths.csv",
      ["ethnicity,deaths,population", "White British,30,1000", "Indian,20,500", "Martian,9,10"])
    try writeLines(
      folder, "map.csv",
      ["value,target", "Martian,Any other ethnic group", "Indian,Any other Asian background"])
    let builtIn = parseTidyCSV(
      try CLI.run(["analyse", folder.path("deaths.csv"), "--no-suppress"] + Self.counts).stdout)
    #expect(builtIn.map { $0["group_code"]! } == ["A", "H"], "Martian is unmapped: left out")
    let mapped = try CLI.run(
      [
        "analyse", folder.path("deaths.csv"), "--mapping", folder.path("map.csv"), "--strict",
        "--no-suppress",
      ] + Self.counts)
    #expect(mapped.status == 0)
    let rows = parseTidyCSV(mapped.stdout)
    #expect(rows.map { $0["group_code"]! } == ["A", "L", "S"])
    #expect(row(rows, "L")["events"] == "20")
    #expect(row(rows, "S")["events"] == "9")
  }

  @Test("--unknown redistribute scales known events by total ÷ known within each stratum")
  func redistributeUnknown() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "deaths.csv",
      [
        "ethnicity,sex,deaths,population", "White British,F,60,10000", "Indian,F,20,2000",
        "Not stated,F,20,0", "White British,M,80,10000", "Indian,M,10,2000", "Not known,M,10,0",
        "BAME,M,5,0",
      ])
    let base = ["analyse", folder.path("deaths.csv"), "--by", "sex", "--no-suppress"] + Self.counts
    let excluded = parseTidyCSV(try CLI.run(base).stdout)
    #expect(row(excluded, "A", by: "F")["events"] == "60")
    let run = try CLI.run(base + ["--unknown", "redistribute", "--format", "md", "--output", "-"])
    #expect(run.status == 0)
    // F: 100 events, 80 known: x 1.25 -> 75 and 25. M: 105 events (BAME and not known included),
    // 90 known: x 1.1667 -> 93.33 and 11.67, rounded to whole events 93 and 12.
    let rows = parseTidyCSV(
      try CLI.run(base + ["--unknown", "redistribute", "--quiet"]).stdout)
    #expect(row(rows, "A", by: "F")["events"] == "75")
    #expect(row(rows, "H", by: "F")["events"] == "25")
    #expect(row(rows, "A", by: "M")["events"] == "93")
    #expect(row(rows, "H", by: "M")["events"] == "12")
    #expect(row(rows, "H", by: "F")["crude_rate"] == "1250")
    // The report says what was done and how much was unknown.
    #expect(run.stdout.contains("in F (20 of 100) were redistributed"))
    #expect(run.stdout.contains("scaled up by 1.2500"))
  }

  @Test("--reference: a named group, the largest, all groups together, or none")
  func referenceChoices() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // Indian has the largest population although White British has more events.
    try writeLines(
      folder, "deaths.csv",
      [
        "ethnicity,deaths,population", "White British,40,1000", "Indian,30,3000",
        "Pakistani,20,500",
      ])
    func run(_ reference: String) throws -> [[String: String]] {
      let r = try CLI.run(
        [
          "analyse", folder.path("deaths.csv"), "--reference", reference, "--quiet",
          "--no-suppress",
        ] + Self.counts)
      #expect(r.status == 0)
      return parseTidyCSV(r.stdout)
    }
    // Named by code or label: ratios against White British (rate 4000 per 100,000).
    for name in ["A", "White - British", "white british"] {
      let rows = try run(name)
      #expect(row(rows, "A")["flag"]?.contains("reference group") == true)
      #expect(row(rows, "A")["ratio"] == "")
      #expect(numbersAgree(row(rows, "H")["ratio"] ?? "", "0.25"))  // 1000 / 4000
      #expect(numbersAgree(row(rows, "J")["difference"] ?? "", "0"))  // 4000 - 4000
    }
    // Largest population: Indian (3000).
    let largest = try run("largest")
    #expect(row(largest, "H")["flag"]?.contains("reference group") == true)
    #expect(numbersAgree(row(largest, "A")["ratio"] ?? "", "4"))  // 4000 / 1000
    // Overall: 90 events in 4500, rate 2000; no row is the reference.
    let overall = try run("overall")
    #expect(overall.allSatisfy { !($0["flag"] ?? "").contains("reference group") })
    #expect(numbersAgree(row(overall, "A")["ratio"] ?? "", "2"))
    #expect(numbersAgree(row(overall, "H")["difference"] ?? "", "-1000"))
    // None: no comparisons at all.
    let none = try run("none")
    #expect(
      none.allSatisfy { $0["ratio"] == "" && $0["difference"] == "" && $0["significance"] == "" })
  }

  @Test("A named reference group missing from one stratum leaves that stratum uncompared, flagged")
  func referenceAbsentFromStratum() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "deaths.csv",
      [
        "ethnicity,area,deaths,population", "White British,North,40,1000", "Indian,North,30,3000",
        "Indian,South,20,500", "Pakistani,South,20,500",
      ])
    let run = try CLI.run(
      [
        "analyse", folder.path("deaths.csv"), "--by", "area", "--reference", "A", "--quiet",
        "--no-suppress",
      ] + Self.counts)
    #expect(run.status == 0, "\(run.stderr)")
    let rows = parseTidyCSV(run.stdout)
    #expect(numbersAgree(row(rows, "H", by: "North", column: "area")["ratio"] ?? "", "0.25"))
    let south = rows.filter { $0["area"] == "South" }
    #expect(south.count == 2)
    #expect(
      south.allSatisfy {
        $0["ratio"] == "" && ($0["flag"] ?? "").contains("no reference group in this stratum")
      })
    // A group in no stratum at all is still a usage error.
    let missing = try CLI.run(
      ["analyse", folder.path("deaths.csv"), "--by", "area", "--reference", "Chinese"]
        + Self.counts)
    #expect(missing.status == 2)
  }

  @Test("Disclosure control by default: counts 1-7 and everything derived from them are [c]")
  func defaultDisclosureControl() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try writeLines(
      folder, "deaths.csv",
      [
        "ethnicity,deaths,population", "White British,40,1000", "Indian,7,300", "Pakistani,8,400",
        "Chinese,0,200", "Bangladeshi,1,100",
      ])
    let suppressed = parseTidyCSV(
      try CLI.run(["analyse", folder.path("deaths.csv"), "--quiet"] + Self.counts).stdout)
    for code in ["H", "K"] {  // 7 and 1 events
      let r = row(suppressed, code)
      for column in [
        "events", "crude_rate", "crude_lower", "crude_upper", "ratio", "ratio_lower",
        "ratio_upper", "difference", "difference_lower", "difference_upper",
      ] {
        #expect(r[column] == "[c]", "\(code) \(column) = \(r[column] ?? "nil")")
      }
      #expect(r["population"] != "[c]", "published denominators are shown")
      #expect(r["significance"] == "")
      #expect(r["flag"]?.contains("[c] withheld to protect confidentiality") == true)
    }
    #expect(row(suppressed, "J")["events"] == "8")  // 8 is above the threshold
    #expect(row(suppressed, "R")["events"] == "0")  // zero is shown
    // --no-suppress: the same table with every value.
    let open = parseTidyCSV(
      try CLI.run(["analyse", folder.path("deaths.csv"), "--quiet", "--no-suppress"] + Self.counts)
        .stdout)
    #expect(row(open, "H")["events"] == "7")
    #expect(numbersAgree(row(open, "H")["crude_rate"] ?? "", String(7.0 / 300 * 100_000)))
    #expect(!open.contains { $0.values.contains("[c]") })
  }

  @Test("A suppressed reference group suppresses the comparisons that would reveal its count")
  func suppressedReferenceGroup() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // Without secondary suppression: difference 4000 - 300 reveals the reference rate 300, and
    // with its population 1000 its count 3.
    try writeLines(
      folder, "deaths.csv",
      ["ethnicity,deaths,population", "White British,3,1000", "Indian,20,500", "Pakistani,30,400"])
    let rows = parseTidyCSV(
      try CLI.run(
        ["analyse", folder.path("deaths.csv"), "--reference", "A", "--quiet"]
          + Self.counts
      ).stdout)
    #expect(row(rows, "A")["events"] == "[c]")
    for code in ["H", "J"] {
      #expect(row(rows, code)["crude_rate"] != "[c]", "the group's own values are shown")
      for column in ["ratio", "ratio_lower", "difference", "difference_upper"] {
        #expect(row(rows, code)[column] == "[c]", "\(code) \(column)")
      }
      #expect(row(rows, code)["flag"]?.contains("[c] comparison withheld") == true)
      #expect(row(rows, code)["flag"]?.contains("reference group: fewer than 10 events") == true)
      #expect(
        row(rows, code)["flag"]?.hasPrefix("fewer than 10 events") == false,
        "the group's own 20 or 30 events are not 'fewer than 10'")
    }
  }

  @Test(
    "With reference rates from the data, a second group is withheld so the total cannot reveal the first"
  )
  func indirectWithSuppressedGroup() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // Σ expected = Σ observed (125) with internal reference rates, so Indian's 5 deaths were
    // 125 - 90 - 30 from the other rows.
    try writeLines(
      folder, "deaths.csv",
      [
        "ethnicity,age,deaths,population", "White British,0-49,30,1000", "White British,50+,60,500",
        "Indian,0-49,3,500", "Indian,50+,2,100", "Pakistani,0-49,20,400", "Pakistani,50+,10,100",
      ])
    try writeLines(folder, "standard.csv", ["age_band,population", "0-49,60000", "50+,40000"])
    let base =
      [
        "analyse", folder.path("deaths.csv"), "--age", "age", "--standard",
        folder.path("standard.csv"), "--indirect", "--reference", "A", "--quiet",
      ] + Self.counts
    let rows = parseTidyCSV(try CLI.run(base).stdout)
    // Indian (5) is withheld; Σ observed = Σ expected would give 125 − 90 − 30 = 5, so the
    // smallest other non-reference count (Pakistani, 30) is withheld too: the withheld sum 35
    // then pins neither. Expected counts stay published; the withheld groups' SMRs do not.
    for code in ["H", "J"] {
      for column in ["observed", "smr", "smr_upper", "isr", "isr_lower"] {
        #expect(row(rows, code)[column] == "[c]", "\(code) \(column)")
      }
      #expect(Double(row(rows, code)["expected"] ?? "") != nil, "expected counts are shown")
    }
    #expect(row(rows, "A")["observed"] == "90")
    let open = parseTidyCSV(try CLI.run(base + ["--no-suppress"]).stdout)
    let expected = open.compactMap { Double($0["expected"] ?? "") }.reduce(0, +)
    #expect(abs(expected - 125) < 1e-9, "the identity that made the leak")
  }

  /// A table of thousands of rows, rendered in several pieces, comes out on standard output
  /// byte for byte as it is written to a folder.
  @Test func largeTableOnStandardOutputEqualsTheFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var text = "group,age,deaths,population\n"
    for g in 0..<2_500 { text += "G\(g),0-4,\(g % 40),\(1000 + g)\nG\(g),5-9,\(g % 9),900\n" }
    let input = try folder.write("aggregated.csv", text)
    let arguments =
      ["analyse", input, "--scheme", "raw", "--group", "group", "--quiet"]
      + Self.counts
    let out = try CLI.run(arguments + ["--output", "-"])
    #expect(out.status == 0)
    let written = try CLI.run(arguments + ["--format", "csv", "--output", folder.path("out")])
    #expect(written.status == 0)
    let file = try String(contentsOfFile: folder.path("out/report.csv"), encoding: .utf8)
    #expect(out.stdout == file)
    // The header and a row per group, more than the 1,024 rows of one rendered piece.
    #expect(out.stdout.split(separator: "\n").count == 2_501)
  }
}
