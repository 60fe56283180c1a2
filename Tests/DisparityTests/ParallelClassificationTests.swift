import Foundation
import Testing

@testable import Disparity

@Suite("Classifying many labels on several cores")
struct ParallelClassificationTests {
  /// 5,000 distinct labels (areas under `raw`, with unknown markers, codes and real labels among
  /// them) classify the same in parallel as one by one, in the same order.
  @Test func parallelClassificationEqualsSequential() throws {
    var labels = (0..<5000).map { "E0\($0)" }
    labels[7] = "Not stated"
    labels[100] = "BAME"
    labels[2049] = "99"
    labels[4999] = "White - British"
    for scheme in ["raw", "nhs-2001"] {
      let normaliser = try EthnicityNormaliser(
        catalogue: try EthnicityCatalogue.builtIn(), target: scheme)
      let parallel = GroupClassifier.classifyAll(labels, with: normaliser)
      let sequential = labels.map(normaliser.classify)
      #expect(parallel == sequential, "\(scheme)")
    }
  }
}

@Suite("Summing many strata on several cores")
struct ParallelCubeTests {
  /// An aggregated file with more strata than `Cube.parallelStrata` gives the same cube summed
  /// by one thread as by three (uneven ranges of groups): the same cells in the same order, with
  /// bitwise the same sums (fractional counts, so that the order of the additions shows), the
  /// same unknown and excluded events, in one pass with the population and in two.
  @Test func plainStrataSummedByThreadsEqualOnePass() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let ages = [
      "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
      "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
    ]
    let groups = 3_600
    var text = "group,age,events,population\n"
    // Each band of every group, the groups' rows interleaved (group g's strata far apart),
    // some labels unknown or excluded, and a group's band repeated at the end.
    for (a, age) in ages.enumerated() {
      for g in 0..<groups {
        let label = g == 5 ? "Not stated" : g == 6 ? "BAME" : "G\((g * 7) % groups)"
        text += "\(label),\(age),\(Double(g % 13) * 0.1 + Double(a)),\(1000 + g * 3 + a)\n"
      }
    }
    text += "G1,0-4,0.3,7\n"
    let path = folder.appendingPathComponent("aggregated.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let request = TabulationRequest(
      group: "group", age: "age", events: "events", population: "population")
    let counts = try Tabulator.tabulate(path, request: request).counts
    #expect(counts.strataCount > Cube.parallelStrata)
    let normaliser = try EthnicityNormaliser(
      catalogue: try EthnicityCatalogue.builtIn(), target: "raw")
    var classifier = GroupClassifier(normaliser: normaliser)
    var quality = EthnicityDataQuality(scheme: normaliser.target)
    let placements = try classifier.classify(counts, quality: &quality, file: path)
    let bands = try AgeAlignment(
      standard: try StandardPopulation.named(orPath: "esp2013"),
      labels: counts.ages.strings.map { ($0, SourceLocation(file: path, columnName: "age")) },
      recordLevel: false)
    func cube(workers: Int, onePass: Bool) throws -> Cube {
      var cube = Cube(byColumns: 0, adjustColumns: 0, extraKeys: 0)
      cube.plainStrataWorkers = workers
      let added = try cube.addEvents(
        counts, groups: placements, bands: bands, hasAge: true, populationToo: onePass)
      if !added {
        try cube.addPopulation(counts, groups: placements, bands: bands, referenceBands: nil)
      }
      return cube
    }
    func described(_ cube: Cube) -> [String] {
      cube.strata.flatMap { stratum in
        ["unknown \(stratum.unknownEvents) excluded \(stratum.excludedEvents)"]
          + zip(stratum.codes, stratum.cells).map { code, cell in
            let bits = (cell.events + cell.population).map { String($0.bitPattern, radix: 16) }
            return
              "\(code) \(bits) \(cell.incompleteEventRows) \(cell.valueCount.bitPattern) \(cell.valueSquares.bitPattern) \(cell.hasEvents) \(cell.hasPopulation)"
          }
      }
    }
    for onePass in [true, false] {
      let one = try cube(workers: 1, onePass: onePass)
      let sequential = described(one)
      #expect(sequential.count == 1 + groups - 2)
      // Independent checks, from the rows written above: "Not stated" (g = 5) has 0.5 + a
      // events in band a, 180.5 in all; "BAME" (g = 6) 0.6 + a, about 182.4. G1 is g = 1,543
      // (7 × 1,543 = 3 × 3,600 + 1): 0.9 events and 1,000 + 4,629 population at 0-4, plus the
      // repeated row's 0.3 and 7.
      #expect(one.strata[0].unknownEvents == 180.5)
      #expect(abs(one.strata[0].excludedEvents - 182.4) < 1e-9)
      let g1 = try #require(one.strata[0].codes.firstIndex(of: "G1"))
      #expect(abs(one.strata[0].cells[g1].events[0] - 1.2) < 1e-12)
      #expect(one.strata[0].cells[g1].population[0] == 5_636)
      #expect(described(try cube(workers: 3, onePass: onePass)) == sequential)
    }
  }
}

@Suite("Placing many labels and summarising their quality at once")
struct ClassifierHalvesTests {
  /// Writes an aggregated file of `labels` × 2 bands and tabulates it.
  func counts(_ labels: [String]) throws -> StrataCounts {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = "group,age,events,population\n"
    for (i, label) in labels.enumerated() {
      text += "\(label),0-4,\(i % 13),\(100 + i)\n\(label),5-9,\(i % 7),\(90 + i)\n"
    }
    let file = folder.appendingPathComponent("aggregated.csv").path
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    let request = TabulationRequest(
      group: "group", age: "age", events: "events", population: "population")
    return try Tabulator.tabulate(file, request: request).counts
  }

  /// 3,000 labels (codes, unknowns, a collective term and unmapped text among them) give the
  /// same placements, numbers, labels and data-quality summary with the two halves of the
  /// classification at once as one after the other, under `raw` and under NHS 2001.
  @Test func halvesAtOnceEqualOneAfterTheOther() throws {
    var labels = (0..<3000).map { "E0\($0)" }
    labels[5] = "Not stated"
    labels[300] = "BAME"
    labels[1999] = "A"
    labels[2500] = "White - British"
    labels[2999] = "Z"
    let counts = try counts(labels)
    for scheme in ["raw", "nhs-2001"] {
      let normaliser = try EthnicityNormaliser(
        catalogue: try EthnicityCatalogue.builtIn(), target: scheme)
      var atOnce = GroupClassifier(normaliser: normaliser)
      var inTurn = GroupClassifier(normaliser: normaliser)
      inTurn.concurrentHalves = .max
      var qualityAtOnce = EthnicityDataQuality(scheme: normaliser.target)
      var qualityInTurn = EthnicityDataQuality(scheme: normaliser.target)
      let placedAtOnce = try atOnce.classify(counts, quality: &qualityAtOnce, file: "f")
      let placedInTurn = try inTurn.classify(counts, quality: &qualityInTurn, file: "f")
      #expect(placedAtOnce == placedInTurn, "\(scheme)")
      #expect(atOnce.firstSeen == inTurn.firstSeen, "\(scheme)")
      #expect(atOnce.labelsByNumber == inTurn.labelsByNumber, "\(scheme)")
      #expect(
        qualityAtOnce.text(weightUnit: "events") == qualityInTurn.text(weightUnit: "events"),
        "\(scheme)")
      #expect(qualityAtOnce.rowsRead == 6000)
    }
  }

  /// A total row among thousands of labels stops the classification with the same error at
  /// once as in turn: the label and the line it was first seen on.
  @Test func totalRowAmongManyLabelsIsRefusedEitherWay() throws {
    var labels = (0..<3000).map { "E0\($0)" }
    labels[2100] = "Total"
    let counts = try counts(labels)
    let normaliser = try EthnicityNormaliser(
      catalogue: try EthnicityCatalogue.builtIn(), target: "raw")
    for threshold in [2048, Int.max] {
      var classifier = GroupClassifier(normaliser: normaliser)
      classifier.concurrentHalves = threshold
      var quality = EthnicityDataQuality(scheme: normaliser.target)
      do {
        _ = try classifier.classify(counts, quality: &quality, file: "f")
        Issue.record("a total row was accepted (threshold \(threshold))")
      } catch let AnalysisError.totalRow(label, location) {
        #expect(label == "Total")
        // The header is line 1; label i's first row is line 2 + 2i.
        #expect(location.line == 2 + 2 * 2100)
      }
    }
  }
}

@Suite("Disclosure control in place")
struct DisclosureInPlaceTests {
  /// Results of three strata, one of them in two runs apart, are suppressed in place exactly as
  /// the returning form suppresses a copy (the same strata, members and secondary choices).
  @Test func inPlaceEqualsReturningForm() {
    func result(_ by: String, _ code: String, _ events: Double) -> GroupResult {
      GroupResult(by: [by], code: code, label: code, events: events, population: 1000)
    }
    let results = [
      result("North", "A", 3), result("North", "B", 40), result("North", "C", 12),
      result("South", "A", 2), result("South", "B", 9),
      result("North", "D", 5), result("East", "A", 100), result("East", "B", 6),
    ]
    let rule = DisclosureControl(threshold: 7, comparisonsEmbedTotals: true)
    var inPlace = results
    rule.apply(to: &inPlace)
    #expect(inPlace == rule.apply(to: results))
    // Worked by hand from the rule (METHODS.md, disclosure control): North withholds A (3)
    // and D (5), whose sum 8 is more than their number, so nothing more; South withholds A (2),
    // then B, else the total would give A away; East withholds B (6), then A likewise.
    #expect(inPlace.map(\.suppressed) == [true, false, false, true, true, true, true, true])
  }
}
