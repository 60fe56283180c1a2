import Foundation
import Testing

/// The path of a file in Resources/inequality (copied from shared/reference; see its README).
private func inequalityResource(_ name: String) throws -> String {
  try #require(
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources/inequality")
  ).path
}

/// healthequal's expected rows keyed by "variant/measure" for one indicator (or all rows).
private func healthequalExpected(_ file: String, indicator: String? = nil) throws
  -> [String: [String: String]]
{
  let text = try String(contentsOfFile: try inequalityResource(file), encoding: .utf8)
  var out: [String: [String: String]] = [:]
  for row in parseTidyCSV(text) where indicator == nil || row["indicator"] == indicator {
    out["\(row["variant"] ?? "")/\(row["measure"]!)"] = row
  }
  return out
}

/// |a − b| ≤ tolerance × |b|.
private func close(_ a: Double?, _ b: Double?, relative tolerance: Double) -> Bool {
  guard let a, let b else { return false }
  return abs(a - b) <= tolerance * max(abs(b), 1e-300)
}

/// The output rows keyed by measure, each with its numbers (nil for an empty cell).
private func measuresByName(_ stdout: String) -> [String: [String: Double?]] {
  var out: [String: [String: Double?]] = [:]
  for row in parseTidyCSV(stdout) {
    var numbers: [String: Double?] = [:]
    for column in ["estimate", "se", "lower", "upper"] { numbers[column] = Double(row[column]!) }
    out[row["measure"]!] = numbers
  }
  return out
}

/// One indicator of the synthetic 6-group ethnicity example (ethnicity6_input.csv).
struct EthnicityIndicator: CustomTestStringConvertible, Sendable {
  let indicator: String
  let estimate: String
  let se: String
  let direction: String
  let scale: String
  var testDescription: String { indicator }
}

private let ethnicityIndicators = [
  EthnicityIndicator(
    indicator: "screening_pct_favourable", estimate: "cov_est", se: "cov_se",
    direction: "--favourable", scale: "100"),
  EthnicityIndicator(
    indicator: "imr_per1000_adverse", estimate: "imr_est", se: "imr_se", direction: "--adverse",
    scale: "1000"),
]

@Suite struct InequalityCommandTests {
  func runEthnicity(_ c: EthnicityIndicator, extra: [String] = []) throws -> CLIRun {
    try CLI.run(
      [
        "inequality", try inequalityResource("ethnicity6_input.csv"), "--group", "subgroup",
        "--estimate", c.estimate, "--se", c.se, "--population", "pop", "--reference", "White",
        c.direction, "--scale", c.scale, "--format", "csv", "--output", "-",
      ] + extra)
  }

  func runOrdered(extra: [String] = []) throws -> CLIRun {
    try CLI.run(
      [
        "inequality", try inequalityResource("healthequal_tests_ordered5.csv"), "--group",
        "subgroup", "--estimate", "est", "--se", "se", "--population", "pop", "--order",
        "subgroup_order", "--favourable", "--scale", "100", "--format", "csv", "--output", "-",
      ] + extra)
  }

  @Test(arguments: ethnicityIndicators)
  func ethnicityExampleMatchesHealthequal(_ c: EthnicityIndicator) throws {
    // Expected: ethnicity6_healthequal_expected.csv (WHO healthequal 1.0.1, R 4.2.2), variant
    // "ref" for D and R since White is the reference group.
    let run = try runEthnicity(c)
    #expect(run.status == 0, "\(run.stderr)")
    let expected = try healthequalExpected(
      "ethnicity6_healthequal_expected.csv", indicator: c.indicator)
    let got = measuresByName(run.stdout)
    #expect(
      parseTidyCSV(run.stdout).map { $0["measure"]! } == [
        "d", "r", "bgv", "bgsd", "cov", "idisu", "idisw", "mdbu", "mdbw", "mdmu", "mdmw", "mdru",
        "mdrw", "ti", "mld", "paf", "par",
      ])
    #expect(run.stdout.hasPrefix("measure,estimate,se,lower,upper\n"))
    // Analytic measures: estimate, standard error and limits as healthequal, to 1e-9.
    for key in ["ref/d", "ref/r", "/bgv", "best/par"] {
      let e = try #require(expected[key])
      let m = try #require(got[String(key.split(separator: "/").last!)])
      for (column, reference) in [
        ("estimate", "estimate"), ("se", "se"), ("lower", "lowerci"), ("upper", "upperci"),
      ] {
        #expect(close(m[column]!, Double(e[reference]!), relative: 1e-9), "\(key) \(column)")
      }
    }
    // TI, MLD and PAF: the same estimates. Their standard errors are on the estimate's scale,
    // on purpose (DisparityInequality's documentation): 1000 × healthequal's for TI and MLD
    // (reported ×1000), 100 × healthequal's for PAF (reported in per cent).
    for (key, factor) in [("/ti", 1000.0), ("/mld", 1000), ("best/paf", 100)] {
      let e = try #require(expected[key])
      let m = try #require(got[String(key.split(separator: "/").last!)])
      #expect(close(m["estimate"]!, Double(e["estimate"]!), relative: 1e-9), "\(key)")
      #expect(close(m["se"]!, factor * Double(e["se"]!)!, relative: 1e-9), "\(key) se")
      let z = 1.959963984540054
      #expect(close(m["lower"]!, m["estimate"]!! - z * m["se"]!!, relative: 1e-12), "\(key)")
    }
    // Simulated measures: exact estimates; seeded Monte Carlo intervals that bracket them.
    for name in [
      "bgsd", "cov", "idisu", "idisw", "mdbu", "mdbw", "mdmu", "mdmw", "mdru", "mdrw",
    ] {
      let e = try #require(expected["sim100/\(name)"])
      let m = try #require(got[name])
      let estimate = try #require(m["estimate"]!)
      #expect(close(estimate, Double(e["estimate"]!), relative: 1e-9), "\(name)")
      #expect(m["lower"]!! < estimate && estimate < m["upper"]!!, "\(name) brackets")
    }
    // The ordered measures do not apply to ethnicity: listed on standard error with the reason.
    for name in ["sii", "rii", "aci", "rci"] {
      #expect(
        run.stderr.contains(
          "\(name): not computed: \(name.uppercased()) needs an ordered dimension"))
    }
  }

  @Test func orderedQuintilesMatchHealthequalAndTheIndependentSlope() throws {
    // Expected: healthequal_tests_ordered5_expected.csv (healthequal 1.0.1 test assertions).
    let run = try runOrdered()
    #expect(run.status == 0, "\(run.stderr)")
    let expected = try healthequalExpected("healthequal_tests_ordered5_expected.csv")
    let got = measuresByName(run.stdout)
    #expect(
      parseTidyCSV(run.stdout).map { $0["measure"]! } == [
        "d", "r", "paf", "par", "sii", "rii", "aci", "rci",
      ])
    for key in ["/aci", "/rci", "/par"] {
      let e = try #require(expected[key])
      let m = try #require(got[String(key.dropFirst())])
      for (column, reference) in [
        ("estimate", "estimate"), ("se", "se"), ("lower", "lowerci"), ("upper", "upperci"),
      ] {
        #expect(close(m[column]!, Double(e[reference]!), relative: 1e-9), "\(key) \(column)")
      }
    }
    let paf = try #require(got["paf"])
    #expect(close(paf["estimate"]!, Double(expected["/paf"]!["estimate"]!), relative: 1e-9))
    // PAF's standard error in per cent: 100 × healthequal's fraction-scale value.
    #expect(close(paf["se"]!, 100 * Double(expected["/paf"]!["se"]!)!, relative: 1e-9))
    // SII and RII by PHE's weighted least squares on the cumulative-midpoint rank (the default),
    // not healthequal's logistic fit: numpy.polyfit with sqrt(population share) weights gives
    // SII 46.25381094243093 and RII 3.5558002721553974 (Tests/DisparityInequalityTests/Resources/
    // independent_checks.py, Python 3.11, numpy 2). Intervals: seeded Monte Carlo, bracketing.
    let sii = try #require(got["sii"])
    let rii = try #require(got["rii"])
    #expect(close(sii["estimate"]!, 46.25381094243093, relative: 1e-9))
    #expect(close(rii["estimate"]!, 3.5558002721553974, relative: 1e-9))
    for m in [sii, rii] {
      #expect(m["lower"]!! < m["estimate"]!! && m["estimate"]!! < m["upper"]!!)
    }
  }

  @Test func theSlopeIndexIsRefusedForEthnicityWithTheReason() throws {
    let run = try CLI.run([
      "inequality", try inequalityResource("ethnicity6_input.csv"), "--group", "subgroup",
      "--estimate", "cov_est", "--se", "cov_se", "--population", "pop", "--measures", "sii",
      "--format", "csv", "--output", "-",
    ])
    #expect(run.status == 2)
    #expect(run.stdout.isEmpty)
    #expect(
      run.stderr.contains(
        "SII cannot be computed: SII needs an ordered dimension such as deprivation quintiles; "
          + "subgroup has no natural order"))
  }

  @Test(arguments: [
    // (file contents, the location the message must name)
    (
      "group,est,se,pop\nA,1.5,0.1,100\nB,2.x,0.2,100\nC,3,0.3,50\n", "bad.csv:3:2 (column \"est\")"
    ),
    (
      "group,est,se,pop\nA,1.5,0.1,100\nB,2.5,-0.2,100\nC,3,0.3,50\n", "bad.csv:3:3 (column \"se\")"
    ),
    ("group,est,se,pop\nA,1.5,0.1,\nB,2.5,0.2,100\nC,3,0.3,50\n", "bad.csv:2:4 (column \"pop\")"),
    ("group,est,se,pop\nA,1.5,0.1,100\nB,2.5,0.2,100\nC,3,0.3,0\n", "bad.csv:4:4 (column \"pop\")"),
    ("group,est,se,pop\nA,1.5,0.1,100\nB,2.5,0.2\nC,3,0.3,50\n", "bad.csv:3:4"),
  ])
  func aMalformedFileIsBadDataNamingLineAndColumn(_ text: String, _ place: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write("bad.csv", text)
    let run = try CLI.run(
      [
        "inequality", "bad.csv", "--group", "group", "--estimate", "est", "--se", "se",
        "--population", "pop", "--adverse", "--scale", "100", "--output", "-",
      ], in: folder.url)
    #expect(FileManager.default.fileExists(atPath: file))
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stdout.isEmpty)
    #expect(run.stderr.contains("error: \(place)"), "\(run.stderr)")
  }

  @Test func aFileOutputIsWrittenWholeAndRunsAreReproducible() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.path("measures.csv")
    let toFile = try runOrdered(extra: ["--output", path, "--quiet"])
    #expect(toFile.status == 0, "\(toFile.stderr)")
    #expect(toFile.stdout.isEmpty && toFile.stderr.isEmpty)
    let written = try String(contentsOfFile: path, encoding: .utf8)
    // The same seed gives the same Monte Carlo intervals, digit for digit.
    #expect(written == (try runOrdered()).stdout)
    // No temporary file is left beside the output.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["measures.csv"])
    // A different seed moves the simulated limits but not the estimates.
    let reseeded = measuresByName(try runOrdered(extra: ["--seed", "7"]).stdout)
    let original = measuresByName(written)
    #expect(reseeded["sii"]!["estimate"]! == original["sii"]!["estimate"]!)
    #expect(reseeded["sii"]!["lower"]! != original["sii"]!["lower"]!)
    #expect(reseeded["aci"]! == original["aci"]!)
  }

  @Test func measuresNeedingAMissingStandardErrorAreLeftOutAndSaidWhy() throws {
    // An empty standard error means "not published": measures whose intervals need it are left
    // out with the reason (default run), or refused when asked for by name (bad data, exit 1).
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "se.csv", "group,est,se,pop\nA,1.5,0.1,100\nB,2.5,0.2,100\nC,3,,50\nD,2.2,0.3,80\n")
    let common = [
      "inequality", "se.csv", "--group", "group", "--estimate", "est", "--se", "se",
      "--population", "pop", "--adverse", "--scale", "1000", "--output", "-",
    ]
    let run = try CLI.run(common, in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    // PAF and PAR use Walter's formula on estimates and populations only.
    #expect(parseTidyCSV(run.stdout).map { $0["measure"]! } == ["paf", "par"])
    #expect(
      run.stderr.contains(
        "bgv: not computed: the interval of BGV needs the standard error of \"C\", which the "
          + "file leaves empty (line 4)"))
    let quiet = try CLI.run(common + ["--quiet"], in: folder.url)
    #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    let asked = try CLI.run(common + ["--measures", "bgv"], in: folder.url)
    #expect(asked.status == 1)
    #expect(asked.stderr.contains("no standard error for \"C\" (line 4)"))
  }

  @Test func measuresThatNeedTheDirectionOrScaleAskForThem() throws {
    let input = try inequalityResource("ethnicity6_input.csv")
    let common = [
      "inequality", input, "--group", "subgroup", "--estimate", "imr_est", "--se", "imr_se",
      "--population", "pop", "--output", "-",
    ]
    let noDirection = try CLI.run(common + ["--scale", "1000"])
    #expect(noDirection.status == 2)
    #expect(noDirection.stderr.contains("add --favourable"))
    let noScale = try CLI.run(common + ["--adverse"])
    #expect(noScale.status == 2)
    #expect(noScale.stderr.contains("add --scale"))
    // BGV, TI and MLD need neither.
    let neither = try CLI.run(common + ["--measures", "bgv,ti,mld"])
    #expect(neither.status == 0, "\(neither.stderr)")
    #expect(parseTidyCSV(neither.stdout).map { $0["measure"]! } == ["bgv", "ti", "mld"])
    let unknown = try CLI.run(common + ["--measures", "gini"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("\"gini\" is not a measure"))
    let reference = try CLI.run(common + ["--measures", "bgv", "--reference", "Welsh"])
    #expect(reference.status == 2)
    #expect(reference.stderr.contains("no group \"Welsh\""))
  }

  /// `--sii-method logistic-pop2` reproduces healthequal's logistic SII and RII (its glm weights
  /// each group by pop², reference/README.md): estimates and limits to 1e-8 relative against
  /// healthequal_tests_ordered5_expected.csv; our SII standard error is on the indicator scale,
  /// i.e. healthequal's × the scale (100).
  @Test func logisticSlopeIndexMatchesHealthequal() throws {
    let run = try runOrdered(extra: ["--measures", "sii,rii", "--sii-method", "logistic-pop2"])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = parseTidyCSV(run.stdout)
    let sii = try #require(rows.first { $0["measure"] == "sii" })
    let rii = try #require(rows.first { $0["measure"] == "rii" })
    func near(_ a: String?, _ b: Double, _ tol: Double = 1e-8) -> Bool {
      guard let a = a.flatMap(Double.init) else { return false }
      return abs(a - b) <= tol * abs(b)
    }
    #expect(near(sii["estimate"], 44.4450191015199))
    #expect(near(sii["lower"], 40.15108769182, 1e-6))
    #expect(near(sii["upper"], 48.7389505112199, 1e-6))
    #expect(near(sii["se"], 0.0219082158834035 * 100, 1e-6))
    #expect(near(rii["estimate"], 3.15950571562617))
    #expect(near(rii["lower"], 2.71990220886807, 1e-6))
    #expect(near(rii["upper"], 3.67016002800659, 1e-6))
    let bad = try runOrdered(extra: ["--sii-method", "probit"])
    #expect(bad.status == 2)
  }
}
