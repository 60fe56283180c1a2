import DisparityIngest
import Foundation
import Testing

@testable import DisparityNormalise

/// Fitting the data's age bands to a standard population's bands.
@Suite struct AgeBandAlignmentTests {
  /// The age columns of the 2011 Census table in datasets/nhse-covid-deaths-2020/nomis_reformatted.csv
  /// (ONS 2011 Census via Nomis, Open Government Licence v3.0), in the file's order.
  static let censusBands = [
    "Age 0 to 4", "Age 5 to 7", "Age 8 to 9", "Age 10 to 14", "Age 15", "Age 16 to 17",
    "Age 18 to 19", "Age 20 to 24", "Age 25 to 29", "Age 30 to 34", "Age 35 to 39",
    "Age 40 to 44", "Age 45 to 49", "Age 50 to 54", "Age 55 to 59", "Age 60 to 64",
    "Age 65 to 69", "Age 70 to 74", "Age 75 to 79", "Age 80 to 84", "Age 85 and over",
  ]

  /// The age groups of datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv
  /// (New Zealand Ministry of Health, CC BY-SA 4.0), without its "Various" rows.
  static let nzBands = [
    "12-15", "16-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
    "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
  ]

  static func esp2013() throws -> StandardPopulation {
    try StandardPopulation.builtIn(named: "esp2013")
  }

  static func observing(
    _ labels: [String], file: String = "data.csv", standard: StandardPopulation
  ) throws -> AgeBanding {
    var banding = AgeBanding(standard: standard)
    for (i, label) in labels.enumerated() {
      try banding.observe(
        label: label, location: DisparityIngest.SourceLocation(file: file, line: i + 2, column: 1))
    }
    return banding
  }

  /// The repository's own copy of a dataset file (present in every clone).
  static func repositoryFile(_ relative: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(relative)
  }

  @Test("the census bands listed here are the nomis file's header")
  func censusHeaderMatchesFile() throws {
    let url = Self.repositoryFile("datasets/nhse-covid-deaths-2020/nomis_reformatted.csv")
    let table = try CSVTable(contentsOf: url.path)
    #expect(Array(table.header.dropFirst(3)) == Self.censusBands)
  }

  @Test("2011 census bands fit ESP2013, with 85-89 and 90+ merged to match 85 and over")
  func censusBandsToESP2013() throws {
    let aligned = try Self.observing(Self.censusBands, standard: Self.esp2013()).align()
    // ESP2013 has 19 bands; the census's "85 and over" merges the last two: 18 analysis bands.
    #expect(aligned.bands.count == 18)
    #expect(aligned.bands.last == AgeBand(lower: 85, upper: nil))
    #expect(aligned.bands[16] == AgeBand(lower: 80, upper: 84))
    // Weights from ESP2013 (Eurostat 2013; shared/reference/esp2013.csv): 85-89 1500 + 90+ 1000.
    #expect(aligned.weights.last == 2500)
    #expect(aligned.weights[0] == 5000)
    #expect(aligned.totalWeight == 100_000)
    #expect(aligned.standardBandIndices.last == [17, 18])
    #expect(aligned.merges.count == 1)
    #expect(aligned.merges[0].dataLabels == ["Age 85 and over"])
    #expect(
      aligned.merges[0].description
        == "ESP2013 bands 85-89 and 90+ combined to match the data's 85+.")
    #expect(aligned.notes == ["ESP2013 bands 85-89 and 90+ combined to match the data's 85+."])
    #expect(aligned.partialCoverage.isEmpty && aligned.excludedBands.isEmpty)
    // Bands inside one standard band go to it.
    let fiveToNine = aligned.bands.firstIndex(of: AgeBand(lower: 5, upper: 9))
    #expect(try aligned.bandIndex(forLabel: "Age 5 to 7") == fiveToNine)
    #expect(try aligned.bandIndex(forLabel: "Age 8 to 9") == fiveToNine)
    let fifteen = aligned.bands.firstIndex(of: AgeBand(lower: 15, upper: 19))
    for label in ["Age 15", "Age 16 to 17", "Age 18 to 19"] {
      #expect(try aligned.bandIndex(forLabel: label) == fifteen)
    }
    #expect(try aligned.bandIndex(forLabel: "Age 85 and over") == 17)
    #expect(aligned.labelBands["Age 15"] == AgeBand(age: 15))
  }

  @Test("NZ vaccination bands 12-15 straddle ESP2013's 10-14 and 15-19: an error naming both")
  func nzBandsAgainstESP2013() throws {
    let banding = try Self.observing(Self.nzBands, file: "nz.csv", standard: Self.esp2013())
    let standard = try Self.esp2013()
    let location = DisparityIngest.SourceLocation(file: "nz.csv", line: 2, column: 1)
    let expected = AgeBandingError.straddlesStandard(
      label: "12-15", band: AgeBand(lower: 12, upper: 15), location: location, standard: "ESP2013",
      standardBands: standard.bands)
    #expect(throws: expected) { try banding.align() }
    let message = expected.description
    #expect(message.hasPrefix("nz.csv:2:1: the age band \"12-15\" (12-15) crosses a boundary"))
    #expect(message.contains("0-4, 5-9, 10-14, 15-19"))
    #expect(message.contains("85-89, 90+"))
  }

  @Test("the NZ file's Various age group is not guessed")
  func nzVarious() {
    var banding = AgeBanding(standard: try! Self.esp2013())
    let location = DisparityIngest.SourceLocation(
      file: "nz.csv", line: 40, column: 3, columnName: "Age group")
    #expect(throws: AgeBandingError.unrecognisedLabel("Various", location: location)) {
      try banding.observe(label: "Various", location: location)
    }
  }

  @Test("NZ bands fit a custom standard with the same bands")
  func nzBandsCustomStandard() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("nz-standard.csv")
    // Weights: arbitrary positive numbers; a custom standard need not sum to 100,000.
    let text =
      "age_band,population\n"
      + Self.nzBands.enumerated().map { "\($0.element),\(100 + $0.offset)" }
      .joined(separator: "\n")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let standard = try StandardPopulation.load(csvAt: file.path, displayName: "nz-standard.csv")
    let aligned = try Self.observing(Self.nzBands, standard: standard).align()
    #expect(aligned.bands.count == 17 && aligned.merges.isEmpty)
    #expect(aligned.bands.first == AgeBand(lower: 12, upper: 15))
    #expect(aligned.totalWeight == Double((0..<17).map { 100 + $0 }.reduce(0, +)))
    #expect(try aligned.bandIndex(forLabel: "90+") == 16)
  }

  @Test("NHS England compact bands age0_19 … age80 fit ESP2013 as five merged bands")
  func compactSeries() throws {
    // datasets/nhse-covid-deaths-2020/age_26apr2020.csv.
    let labels = ["age0_19", "age20_39", "age40_59", "age60_79", "age80"]
    let aligned = try Self.observing(labels, standard: Self.esp2013()).align()
    #expect(
      aligned.bands == [
        AgeBand(lower: 0, upper: 19), AgeBand(lower: 20, upper: 39), AgeBand(lower: 40, upper: 59),
        AgeBand(lower: 60, upper: 79), AgeBand(lower: 80, upper: nil),
      ])
    // ESP2013 sums: 5000+5500×3; 6000+6000+6500+7000; 7000×3+6500; 6000+5500+5000+4000; 2500+1500+1000.
    #expect(aligned.weights == [21_500, 25_500, 27_500, 20_500, 5000])
    #expect(aligned.merges.count == 5)
    #expect(
      aligned.merges[4].description
        == "ESP2013 bands 80-84, 85-89 and 90+ combined to match the data's 80+.")
    #expect(
      aligned.readings == [
        LabelReading(
          label: "age80", band: AgeBand(lower: 80, upper: nil),
          reason: "the top of a compact age series")
      ])
    #expect(aligned.notes.contains("\"age80\" read as 80+ (the top of a compact age series)."))
  }

  @Test("a bare compact age that does not top a series is a single year")
  func compactBareSingleYear() throws {
    let labels = ["age0_14", "age15", "age16_64", "age65"]
    let custom = try StandardPopulation(
      id: "t", name: "t", source: "test",
      bands: [
        AgeBand(lower: 0, upper: 14), AgeBand(lower: 15, upper: 64), AgeBand(lower: 65, upper: nil),
      ],
      weights: [1, 2, 3])
    let aligned = try Self.observing(labels, standard: custom).align()
    #expect(aligned.labelBands["age15"] == AgeBand(age: 15))
    #expect(aligned.labelBands["age65"] == AgeBand(lower: 65, upper: nil))
  }

  @Test("integer ages go to their band, with no coverage notes")
  func integerAges() throws {
    var banding = AgeBanding(standard: try Self.esp2013())
    for age in 0...100 {
      try banding.observe(
        age: age, location: DisparityIngest.SourceLocation(file: "records.csv", line: age + 2))
    }
    let aligned = try banding.align()
    #expect(aligned.bands == (try Self.esp2013()).bands)
    #expect(aligned.bandIndex(forAge: 47) == 9)
    #expect(aligned.bandIndex(forAge: 0) == 0)
    #expect(aligned.bandIndex(forAge: 95) == 18)
    #expect(aligned.bandIndex(forAge: 131) == nil)
    #expect(aligned.bandIndex(forAge: -1) == nil)
    #expect(try aligned.bandIndex(forLabel: "47") == 9)
    #expect(aligned.notes.isEmpty)
  }

  @Test("a band that is a union of standard bands merges them; one that straddles is an error")
  func unionAndStraddle() throws {
    let standard = try Self.esp2013()
    var labels = (0..<16).map { "\($0 * 5)-\($0 * 5 + 4)" }  // 0-4 … 75-79
    let merged = try Self.observing(labels + ["80-89", "90+"], standard: standard).align()
    #expect(
      merged.merges.map(\.description) == [
        "ESP2013 bands 80-84 and 85-89 combined to match the data's 80-89."
      ])
    #expect(merged.weights[16] == 4000)

    labels += ["80-81", "82-87", "88-89", "90+"]
    let location = DisparityIngest.SourceLocation(file: "data.csv", line: 19, column: 1)
    #expect(
      throws: AgeBandingError.straddlesStandard(
        label: "82-87", band: AgeBand(lower: 82, upper: 87), location: location,
        standard: "ESP2013",
        standardBands: standard.bands)
    ) {
      try Self.observing(labels, standard: standard).align()
    }
  }

  @Test("bands sharing ages in one file are an error; across files they are fine")
  func overlaps() throws {
    let standard = try Self.esp2013()
    let under85 = (0..<17).map { "\($0 * 5)-\($0 * 5 + 4)" }
    #expect(
      throws: AgeBandingError.overlappingLabels(
        first: "85+",
        firstLocation: DisparityIngest.SourceLocation(file: "data.csv", line: 19, column: 1),
        second: "90+",
        secondLocation: DisparityIngest.SourceLocation(file: "data.csv", line: 20, column: 1))
    ) {
      try Self.observing(under85 + ["85+", "90+"], standard: standard).align()
    }
    // Events in 85+, population in 85-89 and 90+: the analysis band is 85+.
    var banding = try Self.observing(under85 + ["85+"], file: "deaths.csv", standard: standard)
    for (i, label) in (under85 + ["85-89", "90+"]).enumerated() {
      try banding.observe(
        label: label, location: DisparityIngest.SourceLocation(file: "population.csv", line: i + 2))
    }
    let aligned = try banding.align()
    #expect(aligned.bands.last == AgeBand(lower: 85, upper: nil))
    #expect(try aligned.bandIndex(forLabel: "90+") == 17)
    #expect(try aligned.bandIndex(forLabel: "85-89") == 17)
    // Record-level rows (one person each) may mix a top-coded band with single years.
    let records = try Self.observing(["47", "89", "90+", "90"], standard: standard)
    let allowed = try records.align(unobservedBands: .exclude, overlapsWithinFile: .allow)
    #expect(try allowed.bandIndex(forLabel: "90") == allowed.bandIndex(forLabel: "90+"))
    #expect(allowed.bandIndexByLabel.count == 4)
    // The same band written two ways in one file is not an overlap.
    let twoWays = try Self.observing(under85 + ["85-89", "90+", "00-04"], standard: standard)
      .align()
    #expect(try twoWays.bandIndex(forLabel: "00-04") == 0)
  }

  @Test("standard bands without data are an error by default, or left out and reported")
  func unobservedBands() throws {
    let standard = try Self.esp2013()
    let adults = (3..<18).map { "\($0 * 5)-\($0 * 5 + 4)" } + ["90+"]  // 15-19 … 85-89, 90+
    let banding = try Self.observing(adults, standard: standard)
    let missing = [
      AgeBand(lower: 0, upper: 4), AgeBand(lower: 5, upper: 9), AgeBand(lower: 10, upper: 14),
    ]
    let expected = AgeBandingError.standardBandsWithoutData(
      standard: "ESP2013", bands: missing, dataBands: Array(standard.bands.suffix(16)))
    #expect(throws: expected) { try banding.align() }
    #expect(
      expected.description.hasPrefix("the ESP2013 bands 0-4, 5-9, 10-14 have no rows in the data"))

    let aligned = try banding.align(unobservedBands: .exclude)
    #expect(aligned.excludedBands == missing)
    #expect(aligned.bands.first == AgeBand(lower: 15, upper: 19))
    // 100,000 less 5000 + 5500 + 5500.
    #expect(aligned.totalWeight == 84_000)
    #expect(
      aligned.notes == ["ESP2013 bands 0-4, 5-9 and 10-14 left out: the data have no ages there."])
  }

  @Test("a standard band only partly covered by the data's bands is noted")
  func partialCoverage() throws {
    let labels = ["0-4", "5-7"] + (2..<18).map { "\($0 * 5)-\($0 * 5 + 4)" } + ["90-99"]
    let aligned = try Self.observing(labels, standard: Self.esp2013()).align()
    #expect(
      aligned.partialCoverage.map(\.description) == [
        "ESP2013 band 5-9: the data have no band for ages 8-9.",
        "ESP2013 band 90+: the data have no band for ages 100+.",
      ])
  }

  @Test("data ages the standard does not cover are an error")
  func outsideStandard() throws {
    let custom = try StandardPopulation(
      id: "adults", name: "adults", source: "test",
      bands: [AgeBand(lower: 15, upper: 44), AgeBand(lower: 45, upper: 84)], weights: [3, 4])
    let location = DisparityIngest.SourceLocation(file: "data.csv", line: 2, column: 1)
    #expect(
      throws: AgeBandingError.outsideStandard(
        label: "0-4", band: AgeBand(lower: 0, upper: 4), location: location, standard: "adults",
        standardBands: custom.bands)
    ) { try Self.observing(["0-4", "15-44"], standard: custom).align() }
    #expect(
      throws: AgeBandingError.outsideStandard(
        label: "85+", band: AgeBand(lower: 85, upper: nil), location: location, standard: "adults",
        standardBands: custom.bands)
    ) { try Self.observing(["85+", "15-44"], standard: custom).align() }
    #expect(
      throws: AgeBandingError.outsideStandard(
        label: "45-89", band: AgeBand(lower: 45, upper: 89), location: location, standard: "adults",
        standardBands: custom.bands)
    ) { try Self.observing(["45-89", "15-44"], standard: custom).align() }
  }

  @Test("labels first met after alignment are placed, or rejected if they cross a band")
  func lateLabels() throws {
    let aligned = try Self.observing(Self.censusBands, standard: Self.esp2013()).align()
    #expect(try aligned.bandIndex(forLabel: "47") == 9)
    #expect(try aligned.bandIndex(forLabel: "90-94") == 17)
    #expect(throws: AgeBandingError.self) { try aligned.bandIndex(forLabel: "Unknown") }
    #expect(
      throws: AgeBandingError.straddlesAnalysisBands(
        label: "82-87", band: AgeBand(lower: 82, upper: 87), location: nil,
        analysisBands: aligned.bands)
    ) { try aligned.bandIndex(forLabel: "82-87") }
  }

  @Test("US 2000: data 0-4 merges <1 and 1-4; Under 1 lands in <1")
  func us2000FirstYear() throws {
    let us = try StandardPopulation.builtIn(named: "us2000")
    let rest = (1..<17).map { "\($0 * 5)-\($0 * 5 + 4)" } + ["85+"]
    let aligned = try Self.observing(["0-4"] + rest, standard: us).align()
    #expect(
      aligned.merges.map(\.description) == [
        "US 2000 standard bands <1 and 1-4 combined to match the data's 0-4."
      ])
    // SEER 2000 U.S. standard million: 13,818 + 55,317.
    #expect(aligned.weights[0] == 69_135)
    let fine = try Self.observing(["Under 1", "1-4"] + rest, standard: us).align()
    #expect(fine.merges.isEmpty && fine.bands.count == 19)
    #expect(try fine.bandIndex(forLabel: "Under 1") == 0)
  }

  @Test("ESP1976: data 85-89 and 90+ both fall inside 85+, without a merge")
  func esp1976Top() throws {
    let esp1976 = try StandardPopulation.builtIn(named: "esp1976")
    let labels = (0..<17).map { "\($0 * 5)-\($0 * 5 + 4)" } + ["85-89", "90+"]
    let aligned = try Self.observing(labels, standard: esp1976).align()
    #expect(aligned.bands.count == 18 && aligned.merges.isEmpty)
    #expect(try aligned.bandIndex(forLabel: "85-89") == 17)
    #expect(try aligned.bandIndex(forLabel: "90+") == 17)
    #expect(aligned.weights[17] == 1000)
  }
}
