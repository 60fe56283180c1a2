import Foundation
import Testing

@testable import DisparityReport

@Suite("JSON renderer")
struct JSONRendererTests {
  private func parsed(_ report: Report) throws -> [String: Any] {
    let text = JSONReportRenderer().render(report)
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
  }

  /// The schema name and version come first; tables keep typed columns and full precision.
  @Test func jsonCarriesSchemaVersionAndFullPrecision() throws {
    let json = try parsed(Fixtures.report())
    #expect(json["schema"] as? String == "disparity-report")
    #expect(json["schema_version"] as? String == Report.schemaVersion)
    let tables = try #require(json["tables"] as? [[String: Any]])
    #expect(tables.map { $0["role"] as? String } == ["presentation", "tidy"])
    let tidy = tables[1]
    let rows = try #require(tidy["rows"] as? [[String: Any]])
    #expect(rows[0]["ratio"] as? Double == 1.0 / 3.0)
    #expect(rows[1]["events"] as? String == "[c]")
    #expect(rows[2]["ratio"] is NSNull)
    #expect(rows[1]["group"] as? String == Fixtures.hostile)
    let columns = try #require(tidy["columns"] as? [[String: Any]])
    #expect(
      columns.map { $0["type"] as? String } == [
        "text", "count", "count", "number", "number", "text",
      ])
    let policyRows = try #require(tables[0]["rows"] as? [[String: Any]])
    #expect(policyRows[0]["rate_lower"] as? Double == 116.6)
    let provenance = try #require(json["provenance"] as? [String: Any])
    let inputs = try #require(provenance["inputs"] as? [[String: Any]])
    #expect(inputs[0]["sha256"] as? String == String(repeating: "ab", count: 32))
    #expect((json["disclosure_control"] as? [String: Any])?["applied"] as? Bool == true)
    #expect(
      (json["symbols"] as? [[String: Any]])?.compactMap { $0["symbol"] as? String } == [
        "[c]", "[z]", "[u]",
      ])
  }

  /// Strings are escaped for JSON and for embedding in HTML (`<`, `>`, `&` as \u escapes);
  /// control characters never appear raw; the same report gives the same bytes.
  @Test func jsonEscapesStringsAndIsDeterministic() {
    var report = Fixtures.report()
    report.keyFindings.append("tab\there \"quoted\" back\\slash \u{01} line\nbreak")
    let text = JSONReportRenderer().render(report)
    #expect(!text.contains("<script"))
    #expect(text.contains("\\u003cscript\\u003e"))
    #expect(text.contains("tab\\there \\\"quoted\\\" back\\\\slash \\u0001 line\\nbreak"))
    #expect(text == JSONReportRenderer().render(report))
    #expect(text.range(of: #"[:,\[] *-?(nan|inf)"#, options: .regularExpression) == nil)
  }

  /// The schema is itself valid JSON.
  @Test func schemaIsJSON() throws {
    let schema = try JSONSerialization.jsonObject(with: Data(JSONReportRenderer.schema.utf8))
    #expect((schema as? [String: Any])?["$id"] as? String == "urn:disparity:report:1.0")
  }

  /// The output validates against the schema with Python's jsonschema (Draft 2020-12 validator),
  /// with and without disclosure control, and an empty report too.
  @Test(.enabled(if: Fixtures.pythonHas("jsonschema")))
  func jsonValidatesAgainstItsSchema() throws {
    let folder = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let schema = folder.appendingPathComponent("schema.json")
    try Data(JSONReportRenderer.schema.utf8).write(to: schema)
    let reports = [
      Fixtures.report(), Fixtures.report(controlled: false), Report(title: "", tables: []),
    ]
    for (i, report) in reports.enumerated() {
      let file = folder.appendingPathComponent("report\(i).json")
      try Data(JSONReportRenderer().render(report).utf8).write(to: file)
      let (status, output) = try Fixtures.run(
        Fixtures.executable("python3")!,
        [Fixtures.resource("validate_json.py").path, schema.path, file.path])
      #expect(status == 0, "report \(i): \(output)")
    }
    // And a broken report fails, so the check is not vacuous.
    let broken = folder.appendingPathComponent("broken.json")
    try Data(#"{"schema": "disparity-report"}"#.utf8).write(to: broken)
    let (status, _) = try Fixtures.run(
      Fixtures.executable("python3")!,
      [Fixtures.resource("validate_json.py").path, schema.path, broken.path])
    #expect(status == 1)
  }
}
