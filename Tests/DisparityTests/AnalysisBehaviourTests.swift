import Foundation
import Testing

@testable import Disparity

/// `Analysis.run()` as a library user sees it, for the behaviours fixed in the end-to-end review:
/// flags, a reference group absent from a stratum, secondary suppression, file order of strata,
/// and error locations. Expected values are worked by hand from the small inputs in each test.
@Suite("Analysis behaviour")
struct AnalysisBehaviourTests {
  /// Writes `lines` to a new temporary file and returns its path.
  func file(_ lines: [String], name: String = "input.csv") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "disparity-analysis-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
    return url.path
  }

  func specification(_ path: String) -> AnalysisSpecification {
    var spec = AnalysisSpecification(inputs: [path])
    spec.numerator = "deaths"
    spec.denominator = "population"
    spec.noSuppress = true
    return spec
  }

  @Test("A group with a population of 0 is flagged 'no population'")
  func zeroPopulationIsFlagged() throws {
    let path = try file([
      "ethnicity,area,deaths,population", "White British,N,10,1000", "Indian,N,0,0",
    ])
    var spec = specification(path)
    spec.by = ["area"]
    let result = try Analysis(specification: spec).run()
    let indian = try #require(result.groups.first { $0.code == "H" })
    #expect(indian.crude == nil)
    #expect(indian.flags.contains("no population"))
  }

  @Test("A reference group absent from a stratum: that stratum's groups are flagged, not an error")
  func referenceAbsentFromStratum() throws {
    let path = try file([
      "ethnicity,area,deaths,population", "White British,N,40,1000", "Indian,N,30,3000",
      "Indian,S,20,500",
    ])
    var spec = specification(path)
    spec.by = ["area"]
    spec.reference = .group("A")
    let result = try Analysis(specification: spec).run()
    let north = try #require(result.groups.first { $0.code == "H" && $0.by == ["N"] })
    #expect(abs((north.ratio?.value ?? 0) - 0.25) < 1e-12)  // (30/3000) / (40/1000)
    let south = try #require(result.groups.first { $0.code == "H" && $0.by == ["S"] })
    #expect(south.ratio == nil)
    #expect(south.flags.contains("no reference group in this stratum (White - British)"))
    #expect(result.groups.filter(\.isReference).map(\.by) == [["N"]])
  }

  @Test("A suppressed reference group suppresses every comparison of its stratum")
  func secondarySuppressionOfComparisons() throws {
    let path = try file([
      "ethnicity,deaths,population", "White British,3,1000", "Indian,20,500",
    ])
    var spec = specification(path)
    spec.noSuppress = false
    spec.reference = .group("A")
    let result = try Analysis(specification: spec).run()
    let white = try #require(result.groups.first { $0.code == "A" })
    let indian = try #require(result.groups.first { $0.code == "H" })
    #expect(white.suppressed && white.isReference)
    #expect(!indian.suppressed && indian.comparisonSuppressed)
    #expect(indian.flags.contains("reference group: fewer than 10 events"))
    #expect(!indian.flags.contains("fewer than 10 events"))
  }

  @Test("Strata come in the order first seen in the file, whatever the hash seed")
  func strataInFileOrder() throws {
    let path = try file(
      ["ethnicity,year,deaths,population"]
        + (2000..<2020).reversed().flatMap { year in
          ["White British,\(year),40,1000", "Indian,\(year),30,3000"]
        })
    var spec = specification(path)
    spec.by = ["year"]
    let result = try Analysis(specification: spec).run()
    #expect(
      result.groups.map { $0.by[0] } == (2000..<2020).reversed().flatMap { ["\($0)", "\($0)"] })
  }

  @Test("Strict mode and age-band errors name file, line and column")
  func errorLocations() throws {
    let path = try file([
      "ethnicity,age,deaths,population", "White British,0-4,1,10", "BAME,0-4,1,10",
      "White British,12-15,1,10",
    ])
    var strict = specification(path)
    strict.strict = true
    #expect {
      try Analysis(specification: strict).run()
    } throws: { error in
      let e = error as? any DisparityError
      return e?.kind == .data && e?.location?.line == 3 && e?.location?.column == 1
    }
    var aged = specification(path)
    aged.age = "age"
    #expect {
      try Analysis(specification: aged).run()
    } throws: { error in
      let e = error as? any DisparityError
      return e?.kind == .data && e?.location?.line == 4 && e?.location?.column == 2
        && e?.location?.file == path
    }
  }

  @Test("Counts suppressed at source are flagged on the group, which is not said to have no events")
  func suppressedAtSource() throws {
    let path = try file([
      "ethnicity,deaths,population", "White British,40,1000", "Indian,<5,300",
    ])
    let result = try Analysis(specification: specification(path)).run()
    let indian = try #require(result.groups.first { $0.code == "H" })
    #expect(indian.events == 0)
    #expect(indian.flags.contains { $0.contains("suppressed at source in 1 row(s)") })
    #expect(!indian.flags.contains("no events"))
  }
}
