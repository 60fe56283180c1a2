import Foundation
import Testing

@testable import Disparity

/// The "Use from Swift" snippet of README.md compiles and runs: the code between the markers
/// below is the README's, with `folder + ` in front of each path so that it runs on copies of the
/// bundled synthetic data in a temporary folder. The second test checks the two copies agree.
@Suite("README's Swift snippet")
struct ReadmeSnippetTests {
  static var repository: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  @Test func theSnippetRunsOnTheSyntheticData() throws {
    let folder =
      FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
      .path + "/"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in ["admissions.csv", "population.csv"] {
      try FileManager.default.copyItem(
        atPath: Self.repository.appendingPathComponent("datasets/synthetic/" + name).path,
        toPath: folder + name)
    }
    var printed: [String] = []
    func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }
    // snippet:start
    var specification = AnalysisSpecification(inputs: [folder + "admissions.csv"])
    specification.populationFile = folder + "population.csv"
    specification.age = "age"
    specification.by = ["sex"]
    specification.confidence = [0.95, 0.998]
    let result = try Analysis(specification: specification).run()
    for group in result.groups {
      print(group.by, group.label, group.standardised?.value ?? .nan, group.ratio?.value ?? .nan)
    }
    try ReportWriter(formats: [.csv, .html], destination: folder + "report").write(result.report)
    // snippet:end
    #expect(printed.count == 32)  // 16 groups × 2 sexes
    #expect(FileManager.default.fileExists(atPath: folder + "report/report.html"))
    #expect(FileManager.default.fileExists(atPath: folder + "report/report.csv"))
  }

  @Test func theReadmeShowsTheSameCode() throws {
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let start = try #require(source.range(of: "    // snippet:start\n"))
    let end = try #require(source.range(of: "    // snippet:end\n"))
    let tested = source[start.upperBound..<end.lowerBound]
      .split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.dropFirst(4) }.joined(separator: "\n")
      .replacingOccurrences(of: "folder + ", with: "")
    let readme = try String(
      contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains("import Disparity\n\n" + tested + "```"))
  }
}
