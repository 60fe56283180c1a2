import DisparityIngest
import Foundation
import Testing

@testable import DisparityNormalise

/// The built-in standard populations and users' own standards.
@Suite struct StandardPopulationTests {
  /// A temporary folder holding the given files, removed by the caller.
  static func folder(with files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
      try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return folder
  }

  @Test("the built-in standards are listed in index order")
  func builtInIDs() throws {
    #expect(try StandardPopulation.builtInIDs() == ["esp2013", "esp1976", "who2000", "us2000"])
    #expect(StandardPopulation.defaultID == "esp2013")
  }

  @Test("every built-in standard loads and passes the built-in checks")
  func allBuiltIns() throws {
    let all = try StandardPopulation.allBuiltIn()
    #expect(all.count == 4)
    for standard in all {
      #expect(standard.isBuiltIn)
      #expect(standard.bands.first?.lower == 0)
      #expect(standard.bands.last?.isOpen == true)
      #expect(!standard.source.isEmpty && !standard.name.isEmpty)
    }
  }

  @Test("ESP2013 is the 19 published bands, equal to the reference file, summing to 100,000")
  func esp2013() throws {
    let esp = try StandardPopulation.builtIn(named: "esp2013")
    // shared/reference/esp2013.csv (Eurostat 2013, as PHEindicatormethods::esp2013).
    #expect(
      esp.weights == [
        5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000,
        4000, 2500, 1500, 1000,
      ])
    #expect(esp.bands.map(\.label).first == "0-4")
    #expect(esp.bands.map(\.label).suffix(2) == ["85-89", "90+"])
    #expect(esp.total == 100_000)
    #expect(esp.abbreviation == "ESP2013")
  }

  @Test("ESP1976: 18 bands to 85+, summing to 100,000")
  func esp1976() throws {
    let esp = try StandardPopulation.builtIn(named: "esp1976")
    // Waterhouse et al. 1976 (IARC), as tabulated in SocEpi's st_pop documentation (esp1976_18ag).
    #expect(esp.bands.count == 18)
    #expect(esp.weights.first == 8000 && esp.weights.last == 1000)
    #expect(esp.bands.last == AgeBand(lower: 85, upper: nil))
    #expect(esp.total == 100_000)
  }

  @Test("WHO 2000-2025: 21 bands to 100+, summing to 100,035 as published")
  func who2000() throws {
    let who = try StandardPopulation.builtIn(named: "who2000")
    // Ahmad et al. 2001 (WHO GPE Discussion Paper 31), Table 1: 8.86% … 0.005%; the published
    // percentages add to 100.035%, so the weights per 100,000 add to 100,035.
    #expect(who.bands.count == 21)
    #expect(who.weights.prefix(4) == [8860, 8690, 8600, 8470])
    #expect(who.weights.suffix(4) == [440, 150, 40, 5])
    #expect(who.bands.last == AgeBand(lower: 100, upper: nil))
    #expect(who.total == 100_035)
  }

  @Test("US 2000: SEER's 19 groups with <1 and 1-4, summing to 1,000,000")
  func us2000() throws {
    let us = try StandardPopulation.builtIn(named: "us2000")
    // NCI SEER 2000 U.S. standard million (19 age groups); NCHS (Anderson & Rosenberg 1998)
    // Table I gives <1 13,818, 1-4 55,317 and 85+ 15,508.
    #expect(us.bands.count == 19)
    #expect(us.bands.prefix(2) == [AgeBand(age: 0), AgeBand(lower: 1, upper: 4)])
    #expect(us.weights.prefix(2) == [13_818, 55_317])
    #expect(us.weights.last == 15_508)
    #expect(us.total == 1_000_000)
    // The 10-year sums match NCHS Table I (5-14 145,565; 25-34 135,573; 35-44 162,613;
    // 45-54 134,834; 55-64 87,247; 65-74 66,037). 15-24 and 75-84 differ by one there
    // (138,646 and 44,842), where NCHS rounded the 10-year groups to force the total.
    let w = us.weights
    #expect(
      [w[2] + w[3], w[6] + w[7], w[8] + w[9], w[10] + w[11], w[12] + w[13], w[14] + w[15]] == [
        145_565, 135_573, 162_613, 134_834, 87_247, 66_037,
      ])
  }

  @Test("names ignore case, spaces, hyphens and underscores")
  func nameVariants() throws {
    #expect(try StandardPopulation.builtIn(named: "ESP-2013").id == "esp2013")
    #expect(try StandardPopulation.builtIn(named: "who_2000").id == "who2000")
    #expect(try StandardPopulation.named(orPath: "US 2000").id == "us2000")
  }

  @Test("an unknown name is a usage error listing the names and suggesting the nearest")
  func unknownName() throws {
    let all = ["esp2013", "esp1976", "who2000", "us2000"]
    #expect(
      throws: StandardPopulationError.unknownName("esp2031", available: all, suggestion: "esp2013")
    ) {
      try StandardPopulation.builtIn(named: "esp2031")
    }
    #expect(
      throws: StandardPopulationError.unknownName("who", available: all, suggestion: "who2000")
    ) {
      try StandardPopulation.builtIn(named: "who")
    }
    #expect(throws: StandardPopulationError.unknownName("segi", available: all, suggestion: nil)) {
      try StandardPopulation.named(orPath: "segi")
    }
    let error = StandardPopulationError.unknownName(
      "esp2031", available: all, suggestion: "esp2013")
    #expect(error.kind == .usage)
    #expect(
      error.description
        == "there is no standard population \"esp2031\" and no file of that name. Did you mean esp2013? The built-in standards are esp2013, esp1976, who2000, us2000; a custom standard is a CSV file with columns age_band,population."
    )
  }

  @Test("a custom standard: any label form, any order, thousands separators, extra columns")
  func customStandard() throws {
    let folder = try Self.folder(with: [
      "mine.csv": """
      note,age_band,population
      older,Age 65 and over,"1,234.5"
      young,Age 15 to 44,2000
      middle,45-64,0.75
      """
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("mine.csv").path
    let standard = try StandardPopulation.load(csvAt: path, displayName: "mine.csv")
    #expect(
      standard.bands == [
        AgeBand(lower: 15, upper: 44), AgeBand(lower: 45, upper: 64),
        AgeBand(lower: 65, upper: nil),
      ])
    #expect(standard.weights == [2000, 0.75, 1234.5])
    #expect(standard.total == 3235.25)
    #expect(!standard.isBuiltIn && standard.id == "mine")
    #expect(try StandardPopulation.named(orPath: path).bands == standard.bands)
  }

  @Test("custom standard errors name the file, line and column")
  func customErrors() throws {
    let folder = try Self.folder(with: [
      "nocolumn.csv": "age_band,weight\n0-4,5\n",
      "badweight.csv": "age_band,population\n0-4,5\n5-9,abc\n",
      "zero.csv": "age_band,population\n0-4,0\n",
      "overlap.csv": "age_band,population\n0-9,5\n5-14,5\n",
      "badband.csv": "age_band,population\n0-4,5\nUnknown,5\n",
      "empty.csv": "age_band,population\n",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    func load(_ name: String) throws {
      _ = try StandardPopulation.load(
        csvAt: folder.appendingPathComponent(name).path, displayName: name)
    }
    #expect(
      throws: StandardPopulationError.csv(
        .missingColumn("population", file: "nocolumn.csv", available: ["age_band", "weight"]))
    ) { try load("nocolumn.csv") }
    let weightLocation = DisparityIngest.SourceLocation(
      file: "badweight.csv", line: 3, column: 2, columnName: "population")
    #expect(throws: StandardPopulationError.badWeight("abc", weightLocation)) {
      try load("badweight.csv")
    }
    #expect(
      StandardPopulationError.badWeight("abc", weightLocation).description
        == "badweight.csv:3:2 (column \"population\"): the weight \"abc\" is not a positive number. Each band needs a population above 0."
    )
    #expect(
      throws: StandardPopulationError.badWeight(
        "0",
        DisparityIngest.SourceLocation(
          file: "zero.csv", line: 2, column: 2, columnName: "population"))
    ) { try load("zero.csv") }
    let first = DisparityIngest.SourceLocation(
      file: "overlap.csv", line: 2, column: 1, columnName: "age_band")
    let second = DisparityIngest.SourceLocation(
      file: "overlap.csv", line: 3, column: 1, columnName: "age_band")
    let overlap = StandardPopulationError.overlappingBands(
      AgeBand(lower: 0, upper: 9), first, AgeBand(lower: 5, upper: 14), second)
    #expect(throws: overlap) { try load("overlap.csv") }
    #expect(
      overlap.description.hasPrefix(
        "overlap.csv:3:1 (column \"age_band\"): the band 5-14 overlaps the band 0-9 on line 2"))
    #expect(
      throws: StandardPopulationError.badBand(
        .unrecognisedLabel(
          "Unknown",
          location: DisparityIngest.SourceLocation(
            file: "badband.csv", line: 3, column: 1, columnName: "age_band")))
    ) { try load("badband.csv") }
    #expect(throws: StandardPopulationError.noBands(file: "empty.csv")) { try load("empty.csv") }
    #expect(throws: StandardPopulationError.csv(.unreadable(file: "missing.csv"))) {
      try load("missing.csv")
    }
  }

  @Test("a shipped standard must run from 0 to an open band without gaps")
  func builtInRules() throws {
    let folder = try Self.folder(with: [
      "gap.csv": "age_band,population\n0-4,5\n10-14,5\n15+,5\n",
      "late.csv": "age_band,population\n1-4,5\n5+,5\n",
      "closed.csv": "age_band,population\n0-4,5\n5-9,5\n",
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    func load(_ name: String) throws {
      _ = try StandardPopulation.loadBuiltIn(
        csvAt: folder.appendingPathComponent(name).path, displayName: name, id: "x", name: "x",
        abbreviation: "X", source: "test")
    }
    func at(_ file: String, _ line: Int) -> DisparityIngest.SourceLocation {
      DisparityIngest.SourceLocation(file: file, line: line, column: 1, columnName: "age_band")
    }
    #expect(
      throws: StandardPopulationError.gap(
        AgeBand(lower: 0, upper: 4), at("gap.csv", 2), AgeBand(lower: 10, upper: 14),
        at("gap.csv", 3))
    ) { try load("gap.csv") }
    #expect(
      throws: StandardPopulationError.doesNotStartAtZero(
        AgeBand(lower: 1, upper: 4), at("late.csv", 2))
    ) {
      try load("late.csv")
    }
    #expect(
      throws: StandardPopulationError.closedTopBand(
        AgeBand(lower: 5, upper: 9), at("closed.csv", 3))
    ) {
      try load("closed.csv")
    }
    // The same gap is allowed in a custom standard: only data in the gap would be an error.
    let custom = try StandardPopulation.load(csvAt: folder.appendingPathComponent("gap.csv").path)
    #expect(custom.bands.count == 3)
  }

  @Test("a standard built in code is checked like a custom file")
  func codeBuiltStandard() {
    #expect(throws: StandardPopulationError.self) {
      try StandardPopulation(
        id: "x", name: "x", source: "test", bands: [AgeBand(lower: 0, upper: 4)], weights: [-1])
    }
  }
}
