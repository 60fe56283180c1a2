import Disparity
import Foundation
import Testing

/// `AnalysisOptions`: TOML settings, merging with flags, defaults; `InputFiles`; `InputValidator`.
@Suite("Analysis configuration")
struct ConfigurationTests {
  @Test func readsEveryTypeOfValue() throws {
    let options = try AnalysisOptions(
      toml: """
        inputs = "deaths.csv"
        by = ["sex", "region"]
        confidence = [0.95, 0.998]
        multiplier = 1000
        indirect = true
        reference-rates = "/data/rates.csv"
        format = "csv,md"
        standard = "ESP-2013"
        """, file: "a.toml", baseDirectory: "/srv/analysis")
    #expect(options.inputs == ["/srv/analysis/deaths.csv"])
    #expect(options.by == ["sex", "region"])
    #expect(options.confidence == [0.95, 0.998])
    #expect(options.multiplier == 1000)
    #expect(options.indirect == true)
    #expect(options.referenceRates == "/data/rates.csv")  // absolute: as written
    #expect(options.format == ["csv", "md"])
    #expect(options.standard == "ESP-2013")  // a built-in name, not a path
    #expect(options.sources[.by] == .configuration(SourceLocation(file: "a.toml", line: 2)))
  }

  @Test func aSingleConfidenceMayBeANumberOrText() throws {
    #expect(try AnalysisOptions(toml: "confidence = 0.9", file: "a").confidence == [0.9])
    #expect(
      try AnalysisOptions(toml: "confidence = \"0.95,0.998\"", file: "a").confidence == [
        0.95, 0.998,
      ])
  }

  @Test func unknownKeysGetTheNearestValidKey() {
    #expect(
      throws: ConfigurationError.unknownKey(
        "ci_method", SourceLocation(file: "a", line: 2), nearest: "ci-method")
    ) {
      try AnalysisOptions(toml: "age = \"age\"\nci_method = \"byar\"", file: "a")
    }
    #expect(
      throws: ConfigurationError.unknownKey(
        "numeratr", SourceLocation(file: "a", line: 1), nearest: "numerator")
    ) {
      try AnalysisOptions(toml: "numeratr = \"deaths\"", file: "a")
    }
  }

  @Test func wrongTypesNameTheKeyTheLineAndTheType() {
    #expect(
      throws: ConfigurationError.wrongType(
        .strict, SourceLocation(file: "a", line: 3), expected: "true or false", found: "a string")
    ) {
      try AnalysisOptions(toml: "\n# strict mode\nstrict = \"yes\"", file: "a")
    }
  }

  @Test func flagsOverrideTheFileAndDefaultsApplyAfter() throws {
    let file = try AnalysisOptions(
      toml: "inputs = [\"a.csv\"]\nscheme = \"ons-2021\"\nconfidence = 0.9\nmeasure = \"rate\"",
      file: "a.toml")
    var flags = AnalysisOptions()
    flags.confidence = [0.95, 0.998]
    flags.sources[.confidence] = .commandLine
    let merged = file.overriding(with: flags)
    let spec = try merged.specification()
    #expect(spec.confidence == [0.95, 0.998])
    #expect(spec.scheme == "ons-2021")
    #expect(spec.standard == "esp2013")  // the default, applied after merging
    #expect(spec.reference == .largest)
    let summary = merged.settingsSummary(for: spec)
    #expect(summary.contains("scheme ons-2021;"))
    #expect(summary.contains("confidence 0.95,0.998;"))
    #expect(summary.contains("reference largest (default)"))
  }

  @Test func badValuesNameTheirSource() {
    var flags = AnalysisOptions()
    flags.measure = "rates"
    flags.inputs = ["a.csv"]
    #expect(
      throws: ConfigurationError.invalidValue(
        .measure, .commandLine, problem: "must be rate, proportion or mean, not \"rates\".")
    ) {
      try flags.specification()
    }
    let error = #expect(throws: ConfigurationError.self) {
      try AnalysisOptions(toml: "inputs = [\"a.csv\"]\nmeasure = \"rates\"", file: "x.toml")
        .specification()
    }
    #expect(
      error?.description.hasPrefix("x.toml:2: key \"measure\" must be rate, proportion or mean")
        == true)
  }

  @Test func globPatternsExpandSortedAndLiteralNamesStay() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["b-2021.csv", "a-2020.csv", "B-2019.csv", "c.txt"] {
      try Data("x\n".utf8).write(to: folder.appendingPathComponent(name))
    }
    let base = folder.path
    let expanded = try InputFiles.expand(["\(base)/*.csv", "-", "\(base)/c.txt"])
    // Byte order: upper case before lower case.
    #expect(
      expanded == [
        "\(base)/B-2019.csv", "\(base)/a-2020.csv", "\(base)/b-2021.csv", "-", "\(base)/c.txt",
      ])
    #expect(throws: ConfigurationError.noMatchingFiles("\(base)/*.json")) {
      try InputFiles.expand(["\(base)/*.json"])
    }
  }

  @Test func theTemplateNamesEveryKey() throws {
    for key in AnalysisOptions.Key.allCases {
      #expect(AnalysisOptions.template.contains("\(key.rawValue) = "), "\(key.rawValue)")
    }
    _ = try AnalysisOptions(toml: AnalysisOptions.template, file: "template.toml")
  }

  @Test func validatorCollectsEveryProblem() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("deaths.csv").path
    try Data("ethnicity,deaths\nA,1\nB,-1\nC\nD,n/a?\nTotal,5\nH,2\n".utf8).write(
      to: URL(fileURLWithPath: path))
    var spec = AnalysisSpecification(inputs: [path])
    spec.numerator = "deaths"
    let report = try InputValidator(specification: spec).validate()
    #expect(!report.isValid)
    #expect(report.problems.map { $0.location?.line } == [3, 4, 5, 6])
    #expect(report.problemCount == 4)
    #expect(report.rowsChecked.first?.rows == 6)
    let capped = try InputValidator(specification: spec, limit: 2).validate()
    #expect(capped.problems.count == 2)
    #expect(capped.problemCount == 4)
    #expect(capped.text.contains("… and 2 more problems not listed"))
  }
}
