import Foundation
import Testing

@testable import Disparity

@Suite("Indirect standardisation against a named group's rates")
struct ReferenceRatesGroupTests {
  /// Group A's rates (10/1,000 and 40/2,000 = 0.01 and 0.02 per person) applied to group B's
  /// population (500 and 1,000) give E = 5 + 20 = 25; B observed 35, so SMR = 1.4. Limits by
  /// Byar's approximation (35 ≥ 10), computed here from the formula in METHODS.md with
  /// z = 1.959963984540054: L = O(1 − 1/(9O) − z/(3√O))³ / E, U = (O+1)(1 − 1/(9(O+1)) +
  /// z/(3√(O+1)))³ / E.
  @Test func namedGroupRatesGiveTheExpectedSMR() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("d.csv").path
    try Data(
      """
      group,age,events,population
      A,0-49,10,1000
      A,50+,40,2000
      B,0-49,5,500
      B,50+,30,1000

      """.utf8
    ).write(to: URL(fileURLWithPath: path))
    let standard = dir.appendingPathComponent("s.csv").path
    try Data("age_band,population\n0-49,60\n50+,40\n".utf8).write(
      to: URL(fileURLWithPath: standard))
    var spec = AnalysisSpecification(inputs: [path])
    spec.group = "group"
    spec.scheme = "raw"
    spec.age = "age"
    spec.standard = standard
    spec.numerator = "events"
    spec.denominator = "population"
    spec.indirect = true
    spec.referenceRates = "A"
    spec.reference = .none
    spec.noSuppress = true
    let result = try Analysis(specification: spec).run()
    let b = try #require(result.groups.first { $0.code == "B" })
    let a = try #require(result.groups.first { $0.code == "A" })
    #expect(abs(b.expected! - 25) < 1e-12)
    #expect(abs(b.smr!.value - 1.4) < 1e-12)
    #expect(abs(a.smr!.value - 1) < 1e-12)
    let z = 1.959963984540054
    let o = 35.0
    let lower = o * pow(1 - 1 / (9 * o) - z / (3 * o.squareRoot()), 3) / 25
    let upper = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * (o + 1).squareRoot()), 3) / 25
    #expect(abs(b.smr!.limits[0].lower - lower) <= 1e-12 * lower)
    #expect(abs(b.smr!.limits[0].upper - upper) <= 1e-12 * upper)
    #expect(result.report.methods.contains { $0.contains("rates of the group A") })
  }
}
