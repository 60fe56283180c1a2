import Foundation
import Testing

/// The path of a file in Resources/model (written by generate_model_reference.R; see README.md).
private func modelResource(_ name: String) throws -> String {
  try #require(
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources/model")
  ).path
}

/// |a − b| ≤ tolerance × |b|.
private func close(_ a: Double?, _ b: Double?, relative tolerance: Double) -> Bool {
  guard let a, let b else { return false }
  return abs(a - b) <= tolerance * max(abs(b), 1e-300)
}

/// The number after `label: ` on a line of standard error.
private func reported(_ label: String, in stderr: String) -> Double? {
  for line in stderr.split(separator: "\n") where line.hasPrefix(label + ": ") {
    return Double(line.dropFirst(label.count + 2).split(separator: " ").first ?? "")
  }
  return nil
}

/// One model of glm_expected.csv and the command line that fits it.
struct ModelCase: CustomTestStringConvertible, Sendable {
  let model: String
  let file: String
  let arguments: [String]
  var testDescription: String { model }
}

private let poissonArguments = [
  "--family", "poisson", "--outcome", "deaths", "--offset", "population", "--group", "ethnicity",
]
private let binomialArguments = [
  "--family", "binomial", "--outcome", "events", "--trials", "trials", "--group", "group",
  "--reference", "White", "--adjust", "imd_quintile,sex",
]

private let modelCases = [
  ModelCase(
    model: "poisson", file: "poisson_input.csv",
    arguments: poissonArguments + ["--reference", "A", "--adjust", "age_band,sex"]),
  ModelCase(
    model: "quasipoisson", file: "poisson_input.csv",
    arguments: poissonArguments + ["--reference", "A", "--adjust", "age_band,sex", "--quasi"]),
  ModelCase(
    model: "poisson_rank_deficient", file: "poisson_input.csv",
    arguments: poissonArguments + ["--reference", "A", "--adjust", "age_band,sex,age_group"]),
  ModelCase(
    model: "poisson_nhs2001", file: "poisson_input.csv",
    arguments: poissonArguments + [
      "--scheme", "nhs-2001", "--reference", "White - British", "--adjust", "age_band,sex",
    ]),
  ModelCase(model: "binomial", file: "binomial_input.csv", arguments: binomialArguments),
  ModelCase(
    model: "quasibinomial", file: "binomial_input.csv", arguments: binomialArguments + ["--quasi"]),
]

@Suite struct ModelCommandTests {
  @Test(arguments: modelCases)
  func coefficientsAndStandardErrorsMatchRsGlm(_ c: ModelCase) throws {
    // Expected: glm_expected.csv and glm_summary.csv, from R 4.2.2's glm() on the same files
    // (Resources/model/generate_model_reference.R; r_version.txt).
    let run = try CLI.run(
      ["model", try modelResource(c.file)] + c.arguments + ["--format", "csv", "--output", "-"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.hasPrefix(
        "variable,level,estimate,std_error,ratio,ratio_lower,ratio_upper,aliased\n"))
    let rows = parseTidyCSV(run.stdout)
    let expectedText = try String(
      contentsOfFile: try modelResource("glm_expected.csv"), encoding: .utf8)
    let expected = parseTidyCSV(expectedText).filter { $0["model"] == c.model }
    #expect(rows.count == expected.count)
    #expect(rows.first?["variable"] == "(Intercept)" && rows.first?["level"] == "")
    let z = 1.959963984540054
    for e in expected {
      let term = e["term"]!
      let row = try #require(rows.first { $0["variable"]! + $0["level"]! == term }, "\(term)")
      #expect(row["aliased"] == e["aliased"], "\(term)")
      if e["aliased"] == "true" {
        for column in ["estimate", "std_error", "ratio", "ratio_lower", "ratio_upper"] {
          #expect(row[column] == "", "\(term) \(column)")
        }
        continue
      }
      let estimate = try #require(Double(row["estimate"]!))
      let se = try #require(Double(row["std_error"]!))
      #expect(close(estimate, Double(e["estimate"]!), relative: 1e-6), "\(term)")
      #expect(close(se, Double(e["std_error"]!), relative: 5e-4), "\(term) se")
      #expect(close(Double(row["ratio"]!), exp(estimate), relative: 1e-12))
      #expect(close(Double(row["ratio_lower"]!), exp(estimate - z * se), relative: 1e-12))
      #expect(close(Double(row["ratio_upper"]!), exp(estimate + z * se), relative: 1e-12))
    }
    let summaryText = try String(
      contentsOfFile: try modelResource("glm_summary.csv"), encoding: .utf8)
    let summary = try #require(parseTidyCSV(summaryText).first { $0["model"] == c.model })
    #expect(
      close(reported("deviance", in: run.stderr), Double(summary["deviance"]!), relative: 1e-8))
    #expect(reported("residual df", in: run.stderr) == Double(summary["df_residual"]!))
    #expect(reported("iterations", in: run.stderr) == Double(summary["iterations"]!))
    // R's summary.glm takes the Pearson statistic at the previous iteration's weights, so an
    // estimated dispersion agrees to about 1e-5 (DisparityRegression's documentation).
    #expect(
      close(reported("dispersion", in: run.stderr), Double(summary["dispersion"]!), relative: 1e-4))
  }

  @Test func aRankDeficientModelMarksTheAliasedTermsAndWarnsEvenWhenQuiet() throws {
    // age_group is a coarser grouping of age_band, so its terms are combinations of earlier
    // ones: R's glm gives NA for age_groupold and age_groupyoung (glm_expected.csv).
    let run = try CLI.run(
      ["model", try modelResource("poisson_input.csv")] + poissonArguments + [
        "--reference", "A", "--adjust", "age_band,sex,age_group", "--quiet", "--output", "-",
      ])
    #expect(run.status == 0)
    let aliased = parseTidyCSV(run.stdout).filter { $0["aliased"] == "true" }
    #expect(
      aliased.map { $0["variable"]! + ":" + $0["level"]! } == ["age_group:old", "age_group:young"])
    #expect(run.stdout.contains("age_group,old,,,,,,true\n"))
    #expect(
      run.stderr
        == "warning: not estimable, being combinations of earlier terms (aliased, NA in R): "
        + "age_groupold, age_groupyoung\n")
  }

  @Test func aSchemeLeavesOutUnknownEthnicityAndAcceptsACodeAsReference() throws {
    // 12 of the 72 rows are Z (not stated) in NHS 2001 coding.
    let run = try CLI.run(
      ["model", try modelResource("poisson_input.csv")] + poissonArguments + [
        "--scheme", "nhs-2001", "--reference", "A", "--adjust", "age_band,sex", "--output", "-",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("reference \"White - British\""))
    #expect(
      run.stderr.contains(
        "left out: 12 of 72 rows whose ethnicity is not stated (12), not known (0) or unmapped (0)")
    )
    let levels = parseTidyCSV(run.stdout).filter { $0["variable"] == "ethnicity" }.map {
      $0["level"]!
    }
    #expect(
      levels == [
        "Asian or Asian British - Indian", "Asian or Asian British - Pakistani",
        "Black or Black British - African", "Black or Black British - Caribbean",
      ])
  }

  @Test func aFileOutputIsWrittenWhole() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.path("model.csv")
    let arguments =
      ["model", try modelResource("binomial_input.csv")] + binomialArguments + ["--quiet"]
    let run = try CLI.run(arguments + ["--output", path])
    #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == (try CLI.run(arguments)).stdout)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["model.csv"])
  }

  @Test(arguments: [
    // (file contents, what the message must say)
    (
      "eth,age,deaths,pop\nA,1,3,100\nB,1,-2,100\nA,2,5,200\nB,2,4,150\n",
      "error: bad.csv:3:3 (column \"deaths\"): expected a count or population of zero or more"
    ),
    (
      "eth,age,deaths,pop\nA,1,3,100\nB,1,2,0\nA,2,5,200\nB,2,4,150\n",
      "error: bad.csv:3:4 (column \"pop\"): the population 0 is not positive"
    ),
    (
      "eth,age,deaths,pop\nA,1,3,100\nB,1,,100\nA,2,5,200\nB,2,4,150\n",
      "error: bad.csv:3:3 (column \"deaths\"): expected a number in deaths, found nothing"
    ),
    (
      "eth,age,deaths,pop\nA,1,3,100\nB,,2,100\nA,2,5,200\nB,2,4,150\n",
      "error: bad.csv:3:2 (column \"age\"): the value of age is empty"
    ),
    (
      "eth,age,deaths,pop\nA,1,3,100\nB,1,2,1O0\nA,2,5,200\nB,2,4,150\n",
      "error: bad.csv:3:4 (column \"pop\"): expected a count or population"
    ),
  ])
  func badInputIsBadDataNamingLineAndColumn(_ text: String, _ message: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("bad.csv", text)
    let run = try CLI.run(
      [
        "model", "bad.csv", "--family", "poisson", "--outcome", "deaths", "--offset", "pop",
        "--group", "eth", "--reference", "A", "--adjust", "age", "--output", "-",
      ], in: folder.url)
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
  }

  @Test(arguments: [
    (["--family", "binomial", "--offset", "pop"], "give --trials COL instead of --offset"),
    (["--family", "poisson", "--trials", "pop"], "give --offset COL"),
    (["--family", "gamma", "--offset", "pop"], "--family must be poisson or binomial"),
    (["--family", "poisson"], "give --offset COL (population, Poisson) or --trials COL"),
    (
      ["--family", "poisson", "--offset", "pop", "--reference", "Q"], "\"Q\" is not a level of eth"
    ),
    (["--family", "poisson", "--offset", "pop", "--scheme", "nhs-2020"], "nhs-2020"),
  ])
  func usageMistakesExitWithStatus2(_ extra: [String], _ message: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("data.csv", "eth,deaths,pop\nA,3,100\nB,2,100\n")
    let reference = extra.contains("--reference") ? [] : ["--reference", "A"]
    let run = try CLI.run(
      ["model", "data.csv", "--outcome", "deaths", "--group", "eth"] + reference + extra,
      in: folder.url)
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }
}
