import Foundation
import Testing

@testable import Disparity

/// `analyse --inequality`: the summary measures are computed from the groups the analysis printed.
@Suite("Inequality measures from an analysis")
struct AnalysisInequalityTests {
  func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Deaths by NHS group and deprivation quintile (1 most deprived), with populations.
  func writeInputs(_ dir: URL) throws -> (String, String) {
    var events = "ethnicity,imd,deaths,population\n"
    let groups = [("A", 1.0), ("H", 1.4), ("J", 2.0), ("N", 1.7)]
    for (g, rr) in groups {
      for q in 1...5 {
        let population = 20_000.0 + Double(q) * 1_000
        let rate = 0.004 * rr * (1 + 0.15 * Double(5 - q))
        events += "\(g),\(q),\(Int((population * rate).rounded())),\(Int(population))\n"
      }
    }
    let path = dir.appendingPathComponent("deaths.csv").path
    try Data(events.utf8).write(to: URL(fileURLWithPath: path))
    return (path, events)
  }

  func column(_ table: ResultTable, _ name: String) -> Int { table.columnIndex(name)! }

  func number(_ cell: ResultTable.Cell) -> Double? {
    if case .number(let x) = cell { return x }
    return nil
  }

  /// D and R against the reference group, and BGV = Σ p_j (y_j − μ)², recomputed here from the
  /// crude rates and populations in the results table (WHO Handbook on health inequality
  /// monitoring 2013, formulas as in METHODS.md).
  @Test func nonOrderedMeasuresUseThePrintedGroupRates() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, _) = try writeInputs(dir)
    var spec = AnalysisSpecification(inputs: [path])
    spec.numerator = "deaths"
    spec.denominator = "population"
    spec.reference = .group("A")
    spec.inequality = true
    spec.noSuppress = true
    let report = try Analysis(specification: spec).run().report
    let results = try #require(report.tables.first { $0.name == "results" })
    let inequality = try #require(report.tables.first { $0.name == "inequality" })
    let rates = results.rows.map { number($0[column(results, "crude_rate")])! }
    let populations = results.rows.map { number($0[column(results, "population")])! }
    let total = populations.reduce(0, +)
    let mu = zip(rates, populations).reduce(0) { $0 + $1.0 * $1.1 } / total
    let bgv = zip(rates, populations).reduce(0) { $0 + $1.1 / total * ($1.0 - mu) * ($1.0 - mu) }
    func measure(_ name: String) -> Double {
      let row = inequality.rows.first { $0[column(inequality, "measure")] == .text(name) }!
      return number(row[column(inequality, "estimate")])!
    }
    // Adverse indicator with a reference group: D = max(others) − reference, R = max/reference.
    let reference = rates[0]
    let highest = rates.dropFirst().max()!
    #expect(abs(measure("d") - (highest - reference)) <= 1e-9 * highest)
    #expect(abs(measure("r") - highest / reference) <= 1e-12)
    #expect(abs(measure("bgv") - bgv) <= 1e-9 * bgv)
    #expect(
      inequality.rows.allSatisfy { $0[column(inequality, "dimension")] == .text("ethnic group") })
  }

  /// With --ordered imd, SII, RII, ACI and RCI come per ethnic group across the quintiles; rates
  /// fall from quintile 1 to 5 by construction, so an adverse SII is negative (rank 1 = most
  /// deprived), for every group.
  @Test func orderedMeasuresComeWithinEachGroup() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, _) = try writeInputs(dir)
    var spec = AnalysisSpecification(inputs: [path])
    spec.numerator = "deaths"
    spec.denominator = "population"
    spec.by = ["imd"]
    spec.ordered = "imd"
    spec.inequality = true
    spec.noSuppress = true
    let table = try #require(
      try Analysis(specification: spec).run().report.tables.first { $0.name == "inequality" })
    func text(_ cell: ResultTable.Cell) -> String {
      if case .text(let s) = cell { return s }
      return ""
    }
    let groups = Set(table.rows.map { text($0[column(table, "group")]) })
    #expect(groups.count == 4)
    let measures = Set(table.rows.map { text($0[column(table, "measure")]) })
    #expect(measures == ["sii", "rii", "aci", "rci"])
    for row in table.rows where row[column(table, "measure")] == .text("sii") {
      #expect(number(row[column(table, "estimate")])! < 0)
    }
  }

  /// An ordered column must be one of the strata.
  @Test func orderedColumnMustBeAByColumn() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, _) = try writeInputs(dir)
    var spec = AnalysisSpecification(inputs: [path])
    spec.numerator = "deaths"
    spec.denominator = "population"
    spec.ordered = "imd"
    spec.inequality = true
    #expect(throws: AnalysisError.orderedNotABy("imd", by: [])) {
      try Analysis(specification: spec).run()
    }
  }
}
