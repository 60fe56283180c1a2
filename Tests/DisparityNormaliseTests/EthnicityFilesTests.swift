import DisparityDatasets
import DisparityIngest
import Foundation
import Testing

@testable import DisparityNormalise

/// Real files (NHS England COVID-19 deaths, 2011 Census labels), the data-quality summary, strict
/// mode, user mapping files, and validation of broken classification files.
struct EthnicityFilesTests {
  let catalogue: EthnicityCatalogue
  init() throws { catalogue = try EthnicityCatalogue.builtIn() }

  func resource(_ name: String) throws -> CSVTable {
    let url = try #require(
      Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources"))
    return try CSVTable(contentsOf: url.path, displayName: name + ".csv")
  }

  func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func nhsEnglandCovidLabelsAreReadAndNoMatchIsReported() throws {
    // NHS England COVID-19 deaths to 21 April 2020 (Resources/nhse_ethnicity_26apr2020.csv):
    // 16 NHS 2001 groups labelled "British (White)" etc., "Not stated" 1,256 and "No match " 281.
    let table = try resource("nhse_ethnicity_26apr2020")
    let normaliser = try EthnicityNormaliser(catalogue: catalogue, target: "nhs-2001")
    var quality = EthnicityDataQuality(scheme: normaliser.target)
    var codes: [String] = []
    for row in table.rows {
      let classification = normaliser.classify(row.fields[0])
      quality.add(
        raw: row.fields[0], classification: classification, weight: Double(row.fields[1])!)
      if classification.status == .group { codes.append(classification.code) }
    }
    #expect(
      codes == ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S"])
    #expect(quality.rowsRead == 18)
    #expect(quality.totalWeight == 16272)  // README of datasets/nhse-covid-deaths-2020
    #expect(quality.tally(.notStated).weight == 1256)
    let unmapped = quality.values(.unmapped)
    #expect(
      unmapped.count == 1 && unmapped[0].value == "No match" && unmapped[0].tally.weight == 281)
    #expect(quality.groupCounts.map(\.code).last == "Z")
    #expect(abs(quality.percentNotStated - 100 * 1256 / 16272) < 1e-9)
    #expect(quality.text.contains("Unmapped values: 1 distinct, 1 rows, 281 people."))
    #expect(quality.text.contains("\"No match\": 1 rows, 281 people"))
    #expect(throws: EthnicityError.self) { try quality.checkStrict() }
  }

  @Test func census2011LabelsAndTheirTotalRows() throws {
    // The 24 distinct ethnicity labels of the Nomis DC2101EW extract
    // (datasets/nhse-covid-deaths-2020/nomis_reformatted.csv): 18 groups, 5 ": Total" rows and
    // "All categories: Ethnic group".
    let table = try resource("nomis_2011_ethnicity_labels")
    let normaliser = try EthnicityNormaliser(catalogue: catalogue, target: "ons-2011")
    var groups: [String] = []
    var totals = 0
    for row in table.rows {
      let classification = normaliser.classify(row.fields[0])
      switch classification.status {
      case .group:
        groups.append(classification.code)
        #expect(classification.label == row.fields[0])
        #expect(classification.lossNote == nil)
      case .total: totals += 1
      default: Issue.record("\(row.fields[0]): \(classification.status) \(classification.rule)")
      }
    }
    #expect(totals == 6)
    #expect(Set(groups) == Set((1...18).map(String.init)) && groups.count == 18)
  }

  @Test func dataQualityMergesAndStrictListsValues() throws {
    let normaliser = try EthnicityNormaliser(catalogue: catalogue, target: "ons-2021", strict: true)
    var first = EthnicityDataQuality(scheme: normaliser.target)
    var second = EthnicityDataQuality(scheme: normaliser.target)
    for value in ["White: Irish", "BAME", "Martian", "Not stated"] {
      first.add(raw: value, classification: normaliser.classify(value))
    }
    for value in ["Indian", "Martian", "C", "unknown", "White: Irish"] {
      second.add(raw: value, classification: normaliser.classify(value))
    }
    first.merge(second)
    #expect(first.rowsRead == 9)
    // Scheme order: 3 Indian, 14 Irish, 17 Other White, then Z and 99.
    #expect(first.groupCounts.map(\.code) == ["3", "14", "17", "Z", "99"])
    #expect(first.groupCounts.map(\.tally.rows) == [1, 2, 1, 1, 1])
    #expect(abs(first.percentNotStated - 100.0 / 9) < 1e-12)
    #expect(abs(first.percentNotKnown - 100.0 / 9) < 1e-12)
    #expect(first.values(.unmapped).map(\.value) == ["Martian"])
    #expect(first.values(.unmapped)[0].tally.rows == 2)
    #expect(first.values(.collective).map(\.value) == ["BAME"])
    #expect(first.lossySteps.count == 1)
    #expect(first.lossySteps[0].note.contains("cannot be split"))
    do {
      try first.checkStrict()
      Issue.record("strict mode should fail")
    } catch let error as EthnicityError {
      #expect(error.kind == .data)
      #expect(
        error.description.hasPrefix(
          "strict mode: values not placed in a group of ons-2021: \"Martian\" (2 rows); collective terms, which name no single group: \"BAME\" (1 rows)"
        ))
    }
  }

  @Test func userMappingOverridesBuiltInsAndReportsBadRows() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let scheme = try catalogue.scheme(named: "nhs-2001")
    let good = folder.appendingPathComponent("map.csv")
    try
      "value,target\nMartian,S\nWhite: Polish,White - Any other White background\nBAME,Any other ethnic group\n"
      .write(to: good, atomically: true, encoding: .utf8)
    let mapping = try EthnicityUserMapping(
      contentsOf: good.path, displayName: "map.csv", scheme: scheme)
    let normaliser = try EthnicityNormaliser(
      catalogue: catalogue, target: "nhs-2001", userMapping: mapping)
    let martian = normaliser.classify(" martian ")
    #expect(martian.code == "S" && martian.rule == "user mapping map.csv line 2")
    #expect(normaliser.classify("white - polish").code == "C")
    // The user may map even a collective term; the mapping file says so in the rule.
    #expect(normaliser.classify("BAME").code == "S")

    func failure(_ text: String) throws -> EthnicityError? {
      let file = folder.appendingPathComponent(UUID().uuidString + ".csv")
      try text.write(to: file, atomically: true, encoding: .utf8)
      do {
        _ = try EthnicityUserMapping(contentsOf: file.path, displayName: "bad.csv", scheme: scheme)
      } catch let error as EthnicityError {
        return error
      }
      return nil
    }
    let unknown = try #require(try failure("value,target\nMartian,S\nVenusian,White Brtish\n"))
    #expect(
      unknown.location == SourceLocation(file: "bad.csv", line: 3, column: 2, columnName: "target"))
    #expect(unknown.description.contains("Did you mean \"White - British\"?"))
    let conflict = try #require(try failure("value,target\nMartian,S\nMARTIAN,A\n"))
    #expect(conflict.location?.line == 3)
    #expect(conflict.description.contains("already mapped to \"S\" on line 2"))
    let empty = try #require(try failure("value,target\n,S\n"))
    #expect(
      empty.location == SourceLocation(file: "bad.csv", line: 2, column: 1, columnName: "value"))
    #expect(throws: CSVTableError.self) {
      _ = try EthnicityUserMapping(
        table: try CSVTable(text: "label,group\nx,A\n", file: "cols.csv"), scheme: scheme)
    }
  }

  /// Copies the built-in files to a temporary folder, applies `edit` to one, and loads the copy.
  func loadBroken(_ file: String, _ edit: (String) -> String) throws -> (any Error)? {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent("ethnicity")
    try FileManager.default.copyItem(at: BuiltInDatasets.url("ethnicity"), to: copy)
    let path = copy.appendingPathComponent(file)
    let text = try String(contentsOf: path, encoding: .utf8)
    try edit(text).write(to: path, atomically: true, encoding: .utf8)
    do {
      _ = try EthnicityCatalogue(directory: copy)
      return nil
    } catch {
      return error
    }
  }

  @Test func brokenClassificationFilesAreErrorsNamingFileAndLine() throws {
    let duplicate = try loadBroken("nhs-2001.csv") {
      $0.replacingOccurrences(of: "B,White - Irish", with: "A,White - Irish")
    }
    let d = try #require(duplicate as? EthnicityError)
    #expect(
      d.description
        == "ethnicity/nhs-2001.csv:3:1 (column \"code\"): code \"A\" is already defined on line 2. Each code must appear once."
    )
    let parent = try loadBroken("ons-2021.csv") {
      $0.replacingOccurrences(of: "White: Irish,group,White,", with: "White: Irish,group,Whyte,")
    }
    let p = try #require(parent as? EthnicityError)
    #expect(
      p.location
        == SourceLocation(
          file: "ethnicity/ons-2021.csv", line: 15, column: 4, columnName: "high_level"))
    let atom = try loadBroken("wales.csv") { $0.replacingOccurrences(of: ",3,\n", with: ",33,\n") }
    #expect((atom as? EthnicityError)?.description.contains("\"33\" is neither an atom") == true)
    let alias = try loadBroken("aliases.csv") { $0 + "label,white  BRITISH,nhs-2001,A,,,,\n" }
    #expect(
      (alias as? EthnicityError)?.description.contains(
        "alias \"white  BRITISH\" is already defined on line") == true)
    let target = try loadBroken("aliases.csv") { $0 + "label,Zzz,nhs-2001,Q,,,,\n" }
    #expect((target as? EthnicityError)?.description.contains("nhs-2001 has no code \"Q\"") == true)
    let ragged = try loadBroken("schemes.csv") { $0 + "extra\n" }
    #expect(ragged is CSVTableError)
    let kind = try loadBroken("ni-2021.csv") {
      $0.replacingOccurrences(of: ",not-known,", with: ",unknown,")
    }
    #expect((kind as? EthnicityError)?.location?.columnName == "kind")
  }

  @Test func everySchemeIsComplete() throws {
    // Group counts from the issue and the sources in datasets/ethnicity/README.md.
    let expected = [
      "nhs-2001": 16, "ons-2021": 19, "ons-2011": 18, "ons-2001": 16, "nhs-2001-5": 5,
      "ons-2021-5": 5, "ons-2011-5": 5, "ons-2001-5": 5, "scotland-2011": 19, "scotland-2022": 18,
      "wales": 16, "ni-2021": 10,
    ]
    for (id, count) in expected {
      let scheme = try catalogue.scheme(named: id)
      #expect(scheme.groups.filter { $0.kind == .group }.count == count, "\(id)")
      #expect(
        scheme.groups.contains { $0.kind == .notStated }
          && scheme.groups.contains { $0.kind == .notKnown })
    }
    #expect(catalogue.schemeNames.last == "raw")
  }
}
