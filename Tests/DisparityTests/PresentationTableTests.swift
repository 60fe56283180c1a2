import Foundation
import Testing

@testable import Disparity

@Suite("Policy-ready table, names and key findings")
struct PresentationTableTests {
  typealias F = PresentationFixtures

  /// Names as the style guide writes them: full, capitalised, no dashes or slashes, never a
  /// collective term; unknown labelled "Unknown".
  @Test(arguments: [
    ("White - British", "White British"),
    ("Black or Black British - African", "Black African"),
    ("Asian or Asian British - Indian", "Indian"),
    ("Mixed - Any other mixed background", "Any other Mixed background"),
    ("Mixed - White and Black Caribbean", "Mixed White and Black Caribbean"),
    ("Other Ethnic Groups - Chinese", "Chinese"),
    ("White: Gypsy or Irish Traveller", "White Gypsy or Irish Traveller"),
    ("White: Roma", "White Roma"),
    ("Asian, Asian British or Asian Welsh: Other Asian", "Other Asian"),
    ("Other ethnic group: Arab", "Arab"),
    ("BAME", "Other than White"),
    ("BME", "Other than White"),
    ("Unknown", "Unknown"),
    ("Not stated", "Unknown (not stated)"),
    ("White/Irish", "White and Irish"),
    ("Indian", "Indian"),
  ])
  func groupNamesFollowTheStyleGuide(label: String, name: String) {
    #expect(EthnicGroupNames.displayName(for: label) == name)
  }

  /// Order: Asian, Black, Mixed, White groups, each alphabetical with its "any other" last, then
  /// the Other groups, then Unknown (the NHS 2001 categories, shuffled).
  @Test func groupsAreOrderedAsTheStyleGuideAsks() {
    let labels = [
      "White - British", "Other Ethnic Groups - Any other ethnic group", "Not known",
      "Black or Black British - Caribbean", "Asian or Asian British - Pakistani",
      "Mixed - White and Asian", "Asian or Asian British - Any other Asian background",
      "White - Irish", "Other Ethnic Groups - Chinese", "Asian or Asian British - Bangladeshi",
      "Black or Black British - African", "Mixed - Any other mixed background",
      "White - Any other White background", "Asian or Asian British - Indian",
    ]
    let ordered = EthnicGroupNames.ordered(labels) { $0 }.map(EthnicGroupNames.displayName(for:))
    #expect(
      ordered == [
        "Bangladeshi", "Indian", "Pakistani", "Any other Asian background", "Black African",
        "Black Caribbean", "Mixed White and Asian", "Any other Mixed background", "White British",
        "White Irish", "Any other White background", "Chinese", "Any other ethnic group",
        "Unknown (not known)",
      ])
  }

  /// Column decimals: 1 unless the smallest value needs more for two significant figures.
  @Test(arguments: [
    ([123.4, 56.7], 1), ([3.2, 1.05], 1), ([3.2, 0.45], 2), ([0.035, 12], 3), ([0.0001], 3),
    ([], 1), ([0, 15], 1),
  ])
  func columnDecimalsAreSensible(values: [Double], decimals: Int) {
    #expect(PolicyTableBuilder.decimals(for: values) == decimals)
  }

  func sample() -> [GroupResult] {
    F.compare(
      [
        F.group("White - British", events: 4000, population: 4_000_000),
        F.group("Black or Black British - African", events: 320, population: 100_000),
        F.group("Asian or Asian British - Indian", events: 110, population: 100_000),
        F.group("Other Ethnic Groups - Chinese", events: 45, population: 100_000),
        F.group("Mixed - White and Asian", events: 9, population: 10_000),
        F.group("White - Irish", events: 5, population: 20_000),
      ], reference: "White - British",
      limits: [
        "Black or Black British - African": (2.9, 3.6),
        "Asian or Asian British - Indian": (0.92, 1.3),
        "Other Ethnic Groups - Chinese": (0.33, 0.6),
        "Mixed - White and Asian": (0.47, 1.71),
      ])
  }

  func builder() -> PolicyTableBuilder {
    PolicyTableBuilder(
      levels: [.ninetyFive], measure: .rate, multiplier: 100_000, reference: .largest,
      disclosure: DisclosureControl(threshold: 7))
  }

  /// The table: style-guide names and order, counts with separators, "12.3 (10.1 to 14.8)",
  /// ratios with intervals and words, [c] for the withheld group, [u] below 10 events, [z] for
  /// the reference's own ratio.
  @Test func tableReadsAsPolicyMakersExpect() {
    let out = builder().build(sample())
    let t = out.table
    #expect(t.role == .presentation)
    #expect(
      t.columns.map(\.heading) == [
        "Ethnicity", "Events", "Population", "Rate per 100,000 (95% CI)",
        "Ratio to the White British group (95% CI)", "Compared with the White British group",
        "Notes",
      ])
    let rows = t.rows.map { row in zip(t.columns, row).map { CellText.reading($1, column: $0) } }
    #expect(
      rows.map { $0[0] } == [
        "Indian", "Black African", "Mixed White and Asian", "White British", "White Irish",
        "Chinese",
      ])
    // Rates: 110 per 100,000 with the fixture's ±20% limits; ratio 1.10 against 100 per 100,000.
    #expect(
      rows[0] == [
        "Indian", "110", "100,000", "110.0 (88.0 to 132.0)", "1.10 (0.92 to 1.30)", "similar", "",
      ])
    #expect(
      rows[1] == [
        "Black African", "320", "100,000", "320.0 (256.0 to 384.0)", "3.20 (2.90 to 3.60)",
        "higher", "",
      ])
    #expect(rows[2][3] == "90.0 (72.0 to 108.0) [u]")
    #expect(rows[2][4] == "0.90 (0.47 to 1.71) [u]")
    #expect(rows[2][6] == "[u] fewer than 10 events")
    #expect(
      rows[3] == [
        "White British", "4,000", "4,000,000", "100.0 (80.0 to 120.0)", "[z]", "Reference group",
        "",
      ])
    #expect(
      rows[4] == [
        "White Irish", "[c]", "20,000", "[c]", "[c]", "[c]",
        "",
      ])
    #expect(rows[5][5] == "lower")
  }

  /// Key findings: an overview, then each higher and lower group with its ratio and interval,
  /// the similar groups together, and the withheld count. Never "significant", never "BAME".
  @Test func keyFindingsAreGeneratedFromTheNumbersAndNotOverstated() {
    let findings = builder().build(sample()).keyFindings
    #expect(
      findings == [
        "Compared with the White British group, rates were higher in 1 ethnic group, lower in 1 ethnic group and similar in 2 ethnic groups (95% confidence intervals).",
        "Black African: 3.20 times the rate of the White British group (95% CI 2.90 to 3.60).",
        "Chinese: 0.45 times the rate of the White British group (95% CI 0.33 to 0.60).",
        "Similar to the White British group (the 95% confidence interval of the ratio includes 1): Indian and Mixed White and Asian.",
        "Figures for 1 ethnic group are withheld to protect confidentiality [c].",
      ])
    for f in findings {
      for word in ["significant", "BAME", "BME", "race", "non-White", "proves", "caused"] {
        #expect(!f.contains(word), "\(f)")
      }
    }
  }

  /// A group of fewer than 10 events that is higher says so; a single-decimal example as in the
  /// issue: "Black African: 3.2 times the rate of the White British group (95% CI 2.9 to 3.6)".
  @Test func findingsCarryCaveatsAndTheTablesRounding() {
    var groups = F.compare(
      [
        F.group("White - British", events: 4000, population: 4_000_000),
        F.group("Black or Black British - African", events: 320, population: 100_000),
        F.group("Mixed - White and Asian", events: 9, population: 2_500),
      ], reference: "White - British",
      limits: [
        "Black or Black British - African": (2.9, 3.6), "Mixed - White and Asian": (1.9, 6.8),
      ])
    groups.sort { $0.label < $1.label }
    let findings = builder().build(groups).keyFindings
    #expect(
      findings.contains(
        "Black African: 3.2 times the rate of the White British group (95% CI 2.9 to 3.6)."))
    #expect(
      findings.contains(
        "Mixed White and Asian: 3.6 times the rate of the White British group (95% CI 1.9 to 6.8); based on fewer than 10 events, so less reliable [u]."
      ))
  }

  /// Age-standardised rates and the overall reference change the words; strata are named.
  @Test func wordingFollowsTheMeasureAndReference() {
    var groups = F.compare(
      [
        F.group("White - British", events: 4000, population: 4_000_000, by: ["Female"]),
        F.group(
          "Black or Black British - Caribbean", events: 300, population: 100_000, by: ["Female"]),
      ], reference: nil, limits: ["Black or Black British - Caribbean": (2.5, 3.2)])
    for i in groups.indices { groups[i].standardised = groups[i].crude }
    let b = PolicyTableBuilder(
      levels: [.ninetyFive], measure: .rate, multiplier: 100_000, byColumns: ["sex"],
      reference: .overall, disclosure: DisclosureControl(threshold: 7, comparisonsEmbedTotals: true)
    )
    let out = b.build(groups)
    #expect(out.table.columns[0].heading == "sex")
    // No row has a note, so there is no notes column.
    #expect(out.table.columns.last?.heading == "Compared with all ethnic groups combined")
    #expect(out.table.columns[4].heading == "Age-standardised rate per 100,000 (95% CI)")
    #expect(out.table.columns[5].heading == "Ratio to all ethnic groups combined (95% CI)")
    #expect(
      out.keyFindings.contains(
        "Black Caribbean (sex: Female): 2.86 times the age-standardised rate for all ethnic groups combined (95% CI 2.50 to 3.20)."
      ))
    #expect(
      out.keyFindings.first?.hasPrefix("For sex: Female: compared with all ethnic groups combined")
        == true)
  }

  /// Charts: a forest plot on a log scale with the reference line at 1, and rates on a linear
  /// scale; withheld groups appear as [c] without a marker.
  @Test func chartsShowRatiosAndRates() {
    let charts = builder().build(sample()).charts
    #expect(charts.count == 2)
    let forest = charts[0]
    #expect(forest.scale == .logarithmic && forest.referenceValue == 1)
    #expect(forest.axisLabel == "Ratio to the White British group (log scale)")
    #expect(
      forest.rows.map(\.comparison) == [.similar, .higher, .similar, .reference, .none, .lower])
    #expect(forest.rows[4].value == nil && forest.rows[4].text == "[c]")
    #expect(charts[1].scale == .linear)
    #expect(charts[1].rows[4].text == "[c]")
  }

  /// The whole report: the policy table first, the tidy table second; the share of unknown
  /// ethnicity and what was done with it; disclosure control stated.
  @Test func reportStatesUnknownShareAndDisclosureControl() {
    var spec = AnalysisSpecification(inputs: ["x.csv"])
    spec.noSuppress = true
    let tidy = TidyTableBuilder(
      byColumns: [], levels: [.ninetyFive], proportions: false, indirect: false
    )
    .build(sample())
    let report = PresentationReportBuilder(specification: spec, levels: [.ninetyFive]).report(
      results: sample(), tidyTable: tidy, methods: ["m"], dataQuality: nil)
    #expect(report.tables.map(\.role) == [.presentation, .tidy])
    #expect(!report.machineOutputsDisclosureControlled)
    #expect(report.footnotes.contains { $0.contains("--no-suppress") })
    #expect(report.footnotes.contains { $0.hasPrefix("Disclosure control: counts from 1 to 7") })
    // The presentation table is controlled even though the machine outputs are not.
    #expect(report.tables[0].rows[4][1] == .symbol(.confidential))
    #expect(report.tables[1].rows[5][report.tables[1].columnIndex("events")!] == .number(5))
  }
}
