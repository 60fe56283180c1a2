import Disparity
import Foundation
import Testing

/// `disparity analyse --config`: settings from a TOML file, flags over them, errors with places.
@Suite("Configuration files")
struct ConfigFileTests {
  /// A folder holding copies of the bundled synthetic admissions and population (MIT, generated
  /// by datasets/synthetic/generate.py; see datasets/synthetic/README.md).
  static func syntheticFolder() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    for name in ["admissions.csv", "population.csv"] {
      try FileManager.default.copyItem(
        atPath: CLI.repoPath("datasets/synthetic/" + name), toPath: folder.path(name))
    }
    return folder
  }

  @Test func configFileRunGivesTheSameTableAsTheFlags() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    try folder.write(
      "analysis.toml",
      """
      inputs = ["admissions.csv"]
      population = "population.csv"
      age = "age"
      by = ["sex"]
      confidence = [0.95, 0.998]
      """)
    // Run from another folder: the file's relative paths are taken from its own folder.
    let elsewhere = try TemporaryFolder()
    defer { elsewhere.remove() }
    let fromConfig = try CLI.run(
      ["analyse", "--config", folder.path("analysis.toml"), "--quiet"], in: elsewhere.url)
    #expect(fromConfig.status == 0, "\(fromConfig.stderr)")
    let fromFlags = try CLI.run(
      [
        "analyse", "admissions.csv", "--population", "population.csv", "--age", "age", "--by",
        "sex", "--confidence", "0.95,0.998", "--quiet",
      ], in: folder.url)
    #expect(fromFlags.status == 0, "\(fromFlags.stderr)")
    #expect(fromConfig.stdout == fromFlags.stdout)
    let rows = parseTidyCSV(fromConfig.stdout)
    #expect(rows.count > 10)
    #expect(rows.first?["asr_lower_99.8"] != nil)
    #expect(fromConfig.stderr.isEmpty)
  }

  @Test func flagsOverrideTheConfigFile() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    try folder.write(
      "analysis.toml",
      """
      inputs = ["admissions.csv"]
      population = "population.csv"
      age = "age"
      by = "sex"
      format = "md"
      reference = "largest"
      """)
    let run = try CLI.run(
      [
        "analyse", "--config", folder.path("analysis.toml"), "--by", "region", "--format", "csv",
        "--reference", "none",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    let header = run.stdout.split(separator: "\n").first.map(String.init) ?? ""
    #expect(header.hasPrefix("region,group,"))
    #expect(!header.hasPrefix("sex"))
    // --reference none leaves the ratio columns empty; the file's "largest" would fill them.
    let rows = parseTidyCSV(run.stdout)
    #expect(!rows.isEmpty)
    #expect(rows.allSatisfy { ($0["ratio"] ?? "x").isEmpty })
    // The settings line says which values are defaults and which were given.
    #expect(run.stderr.contains("reference none;"))
    #expect(run.stderr.contains("scheme nhs-2001 (default)"))
  }

  @Test func unknownKeyIsNamedWithItsLineAndTheNearestKey() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("in.csv", "ethnicity,events\nA,1\n")
    try folder.write(
      "analysis.toml",
      """
      inputs = ["in.csv"]
      # a comment
      numerator = "events"
      refrence = "A"
      """)
    let run = try CLI.run(["analyse", "--config", folder.path("analysis.toml")])
    #expect(run.status == 2)
    #expect(run.stderr.contains("analysis.toml:4: unknown key \"refrence\""))
    #expect(run.stderr.contains("did you mean \"reference\"?"))
    #expect(run.stdout.isEmpty)
  }

  @Test func everyBadKeyIsReportedAtOnceWithItsLine() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "analysis.toml",
      """
      inputs = "in.csv"
      age = 5
      reference_rates = "rates.csv"
      indirect = "yes"
      """)
    let run = try CLI.run(["analyse", "--config", folder.path("analysis.toml")])
    #expect(run.status == 2)
    #expect(run.stderr.contains("3 problems in the configuration"))
    #expect(run.stderr.contains("analysis.toml:2: key \"age\" takes a string"))
    #expect(
      run.stderr.contains(
        "analysis.toml:3: unknown key \"reference_rates\"; did you mean \"reference-rates\"?"))
    #expect(
      run.stderr.contains("analysis.toml:4: key \"indirect\" takes true or false, not a string"))
  }

  @Test func invalidTOMLIsReportedWithLineAndColumn() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("analysis.toml", "inputs = [\"a.csv\"\nage = \"age\"\n")
    let run = try CLI.run(["analyse", "--config", folder.path("analysis.toml")])
    #expect(run.status == 2)
    #expect(run.stderr.contains("analysis.toml:"))
    #expect(run.stderr.contains("not valid TOML"))
  }

  @Test func missingConfigFileIsAUsageError() throws {
    let run = try CLI.run(["analyse", "--config", "/nonexistent/analysis.toml"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("cannot read the configuration file (no such file)"))
  }

  @Test func jsonLogLinesAreEachAJSONObject() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    let run = try CLI.run(
      [
        "analyse", "admissions.csv", "--population", "population.csv", "--age", "age",
        "--log-format", "json",
      ], in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count > 3)
    var events: [String] = []
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object != nil, "not a JSON object: \(line)")
      events.append(object?["event"] as? String ?? "")
    }
    #expect(events.contains("settings"))
    #expect(events.contains("data-quality-summary"))
    // The synthetic admissions hold the collective term "BAME" (datasets/synthetic/README.md).
    #expect(events.contains("ethnicity-collective"))
  }

  @Test func jsonLogReportsAnErrorWithItsPlaceAndExitStatus() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("in.csv", "ethnicity,events\nA,1\nB,-4\n")
    let run = try CLI.run(
      ["analyse", folder.path("in.csv"), "--numerator", "events", "--log-format", "json"])
    #expect(run.status == 1)
    let objects = try run.stderr.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    // The settings line, then the error (nothing else: the run stopped).
    #expect(objects.map { $0["event"] as? String } == ["settings", "error"])
    let object = try #require(objects.last)
    #expect(object["level"] as? String == "error")
    #expect(object["kind"] as? String == "data")
    #expect(object["exit_status"] as? Int == 1)
    #expect(object["line"] as? Int == 3)
    #expect(object["column"] as? Int == 2)
  }

  @Test func jsonLogGivesEachConfigurationProblemItsOwnLine() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("analysis.toml", "numeratr = \"x\"\nage = 3\n")
    let run = try CLI.run(
      ["analyse", "--config", folder.path("analysis.toml"), "--log-format", "json"])
    #expect(run.status == 2)
    let objects = try run.stderr.split(separator: "\n").map {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    #expect(objects.count == 2)
    #expect(objects.map { $0?["line"] as? Int } == [1, 2])
  }

  @Test func quietPrintsNothingButTheOutput() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    let run = try CLI.run(
      ["analyse", "admissions.csv", "--population", "population.csv", "--age", "age", "--quiet"],
      in: folder.url)
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty)
    #expect(!run.stdout.isEmpty)
  }

  @Test func noProgressBarWhenStandardErrorIsNotATerminal() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    let run = try CLI.run(
      ["analyse", "admissions.csv", "--population", "population.csv", "--age", "age"],
      in: folder.url)
    #expect(run.status == 0)
    #expect(!run.stderr.contains("\r"))
    #expect(!run.stderr.contains("Reading ["))
  }

  @Test func identicalInputsGiveByteIdenticalOutputs() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    // Several strata (sex × region): their order must not follow the per-process hash seed
    // of a dictionary, as it once did.
    var outputs: [[Data]] = []
    for name in ["first", "second", "third", "fourth"] {
      let run = try CLI.run(
        [
          "analyse", "admissions.csv", "--population", "population.csv", "--age", "age",
          "--by", "sex,region", "--format", "csv,md", "--output", name, "--quiet",
        ], in: folder.url)
      #expect(run.status == 0, "\(run.stderr)")
      outputs.append(
        try ["report.csv", "report.md"].map {
          try Data(contentsOf: folder.url.appendingPathComponent(name + "/" + $0))
        })
    }
    for other in outputs.dropFirst() { #expect(other == outputs[0]) }
  }

  @Test func standardInputAndAGlobGiveTheSameTableAsTheFile() throws {
    let folder = try Self.syntheticFolder()
    defer { folder.remove() }
    let arguments = ["--population", "population.csv", "--age", "age", "--quiet"]
    let file = try CLI.run(["analyse", "admissions.csv"] + arguments, in: folder.url)
    let text = try String(
      contentsOf: folder.url.appendingPathComponent("admissions.csv"), encoding: .utf8)
    let stdin = try CLI.run(["analyse", "-"] + arguments, stdin: text, in: folder.url)
    let glob = try CLI.run(["analyse", "adm*.csv"] + arguments, in: folder.url)
    #expect(file.status == 0)
    #expect(stdin.stdout == file.stdout)
    #expect(glob.stdout == file.stdout)
  }

  @Test func aGlobThatMatchesNothingIsAUsageError() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let run = try CLI.run(["analyse", "nothing-*.csv"], in: folder.url)
    #expect(run.status == 2)
    #expect(run.stderr.contains("no file matches the pattern \"nothing-*.csv\""))
  }

  @Test func initTemplateRoundTrips() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let run = try CLI.run(["init", "analysis.toml"], in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    let path = folder.path("analysis.toml")
    let options = try AnalysisOptions(configurationAt: path)
    // The template's active keys, with paths from the file's folder.
    #expect(options.inputs == [folder.path("events.csv")])
    #expect(options.numerator == "events")
    #expect(options.population == folder.path("population.csv"))
    #expect(options.age == "age")
    #expect(options.format == ["csv", "md"])
    #expect(options.output == folder.path("results"))
    // With every commented key uncommented, it still parses and sets every key.
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasPrefix("# ")
        && line.dropFirst(2).range(of: #"^[a-z-]+ = "#, options: .regularExpression) != nil
        ? String(line.dropFirst(2)) : String(line)
    }.joined(separator: "\n")
    let all = try AnalysisOptions(toml: uncommented, file: "uncommented.toml")
    for key in AnalysisOptions.Key.allCases { #expect(all.isSet(key), "\(key.rawValue)") }
  }

  @Test func initRefusesToOverwriteWithoutForce() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("analysis.toml", "kept = true\n")
    let refused = try CLI.run(["init", "analysis.toml"], in: folder.url)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("already exists"))
    #expect(
      try String(contentsOfFile: folder.path("analysis.toml"), encoding: .utf8) == "kept = true\n")
    let forced = try CLI.run(["init", "analysis.toml", "--force"], in: folder.url)
    #expect(forced.status == 0)
    #expect(
      try String(contentsOfFile: folder.path("analysis.toml"), encoding: .utf8)
        == AnalysisOptions.template)
  }
}
