import DisparityReport
import DisparityStatistics
import Foundation

/// The policy-ready table, key findings and charts built from the group results: what a board
/// paper or a press release needs, under disclosure control whatever the machine outputs do.
///
/// Per group (per stratum of `--by`): events, population, the rate with its interval as "12.3
/// (10.1 to 14.8)", the ratio to the reference with its interval, and a words column (higher,
/// similar or lower than the reference: "similar" whenever the ratio's interval includes 1).
/// Groups are named and ordered as the style guide asks (``EthnicGroupNames``). Values are
/// rounded consistently down each column, to 1 decimal place unless the smallest value needs
/// more to show two significant figures (at most 3); counts have thousands separators. Values
/// from fewer than 10 events are marked `[u]`; withheld values are `[c]`; values that do not
/// exist `[x]`; the reference's own ratio `[z]`.
public struct PolicyTableBuilder: Sendable {
  /// The confidence levels of the run; the table and findings use the first.
  public var levels: [ConfidenceLevel]
  /// Rates or proportions.
  public var measure: AnalysisSpecification.Measure
  /// The multiplier of rates (100,000) or proportions (100).
  public var multiplier: Double
  /// The `--by` column names.
  public var byColumns: [String]
  /// How the reference was chosen.
  public var reference: AnalysisSpecification.Reference
  /// The disclosure control rule, always applied to this table.
  public var disclosure: DisclosureControl
  /// At most this many strata get charts (each stratum has two).
  public var maximumChartedStrata = 6
  /// Whether the run standardised indirectly: when it has no directly standardised rates, its
  /// headline comparison is the standardised ratio (observed ÷ expected), not a crude ratio,
  /// which age alone can make misleading.
  public var indirect = false
  /// Set while building: the headline is the SMR rather than a ratio to a reference group.
  private var smrHeadline = false
  /// Means are compared by their difference, not a ratio.
  private var differenceHeadline: Bool { measure == .mean }

  /// Creates a builder from explicit settings.
  public init(
    levels: [ConfidenceLevel], measure: AnalysisSpecification.Measure, multiplier: Double,
    byColumns: [String] = [], reference: AnalysisSpecification.Reference,
    disclosure: DisclosureControl = DisclosureControl()
  ) {
    self.levels = levels
    self.measure = measure
    self.multiplier = multiplier
    self.byColumns = byColumns
    self.reference = reference
    self.disclosure = disclosure
  }

  /// Creates a builder for an analysis.
  public init(specification spec: AnalysisSpecification, levels: [ConfidenceLevel]) {
    self.init(
      levels: levels, measure: spec.measure, multiplier: spec.effectiveMultiplier,
      byColumns: spec.by, reference: spec.reference,
      disclosure: DisclosureControl(specification: spec))
    self.indirect = spec.indirect
  }

  /// The built table with its findings, charts and notes.
  public struct Output: Sendable, Equatable {
    /// The policy-ready table (role `presentation`).
    public var table: ResultTable
    /// Key findings in plain English.
    public var keyFindings: [String]
    /// A forest plot of ratios and a chart of rates per stratum.
    public var charts: [IntervalChart]
  }

  /// One stratum's groups in report order, with its reference.
  struct Stratum {
    var by: [String]
    var rows: [GroupResult]
    var reference: GroupResult?
  }

  /// Builds the table, findings and charts. `results` may or may not have had disclosure control
  /// applied already: it is applied (again) here.
  public func build(_ results: [GroupResult]) -> Output {
    var builder = self
    var controlled = disclosure.apply(to: results)
    // Observed totals without ages: the standardised comparison is the SMR. Each group is then
    // compared with what the reference rates would give it, not with another group.
    if indirect && !controlled.contains(where: { $0.standardised != nil })
      && controlled.contains(where: { $0.smr != nil })
    {
      builder.smrHeadline = true
      controlled = controlled.map { r in
        var r = r
        r.ratio = r.smr
        r.significance = []
        r.flags.removeAll { $0 == "reference group" }
        r.comparisonSuppressed = r.comparisonSuppressed || r.indirectSuppressed
        return r
      }
    }
    if measure == .mean {
      // The comparison of means is their difference (the cell that a ratio fills for rates).
      controlled = controlled.map { r in
        var r = r
        r.ratio = r.difference
        return r
      }
    }
    return builder.buildTable(controlled)
  }

  private func buildTable(_ controlled: [GroupResult]) -> Output {
    let strata = self.strata(controlled)
    let standardised = controlled.contains { $0.standardised != nil }
    let level = levels.first ?? .ninetyFive
    let levelText = level.description

    // Consistent decimals down each column, from the values that are shown.
    let shown = controlled.filter { !$0.suppressed }
    let rateDecimals = Self.decimals(for: shown.compactMap { rate(of: $0)?.value })
    let ratioDecimals = Self.decimals(
      for: shown.filter { !$0.comparisonSuppressed }.compactMap { $0.ratio?.value })

    let noun = measureNoun(standardised: standardised)
    let comparing = reference != .none || smrHeadline
    let references = Set(strata.map { referenceName($0) })
    let oneReference = references.count == 1 ? references.first! : "the reference group"

    var columns: [ResultTable.Column] = byColumns.map { .init($0, .text, title: $0) }
    columns.append(.init("ethnicity", .text, title: "Ethnicity"))
    columns.append(
      .init(
        "events", .count,
        title: measure == .rate
          ? "Events" : (measure == .mean ? "Number of values" : "Number with the outcome")))
    columns.append(
      .init(
        "population", .count,
        title: measure == .rate ? "Population" : "Number in the group"))
    columns.append(
      .init(
        standardised ? "asr" : (measure == .rate ? "rate" : "percentage"), .estimate,
        title: [noun.capitalisedFirst, scaleText, "(\(levelText) CI)"].filter { !$0.isEmpty }
          .joined(separator: " "), decimals: rateDecimals))
    if smrHeadline {
      columns.append(
        .init(
          "smr", .estimate, title: "Standardised ratio, observed ÷ expected (\(levelText) CI)",
          decimals: ratioDecimals))
      columns.append(.init("compared", .text, title: "Compared with expected"))
    } else if comparing && differenceHeadline {
      columns.append(
        .init(
          "difference", .estimate, title: "Difference from \(oneReference) (\(levelText) CI)",
          decimals: rateDecimals))
      columns.append(.init("compared", .text, title: "Compared with \(oneReference)"))
    } else if comparing {
      columns.append(
        .init(
          "ratio", .estimate, title: "Ratio to \(oneReference) (\(levelText) CI)",
          decimals: ratioDecimals))
      columns.append(.init("compared", .text, title: "Compared with \(oneReference)"))
    }
    columns.append(.init("notes", .text, title: "Notes"))

    var rows: [[ResultTable.Cell]] = []
    for stratum in strata {
      let referenceEvents = stratum.reference?.events
      for r in stratum.rows {
        rows.append(
          row(r, stratum: stratum, referenceEvents: referenceEvents, comparing: comparing))
      }
    }
    // A notes column with no notes says nothing: leave it out.
    if rows.allSatisfy({ $0.last == .empty }) {
      columns.removeLast()
      rows = rows.map { Array($0.dropLast()) }
    }
    var table = ResultTable(
      name: "rates_by_ethnic_group", columns: columns,
      title: tableTitle(noun: noun), role: .presentation)
    for r in rows { table.append(r) }
    table.footnotes = tableNotes(
      standardised: standardised, level: level, comparing: comparing, rows: controlled)

    let findings = keyFindings(
      strata, noun: noun, level: level, ratioDecimals: ratioDecimals, rateDecimals: rateDecimals)
    let charts = self.charts(
      strata, noun: noun, level: level, ratioDecimals: ratioDecimals, rateDecimals: rateDecimals)
    return Output(table: table, keyFindings: findings, charts: charts)
  }

  // MARK: Rows

  private func row(
    _ r: GroupResult, stratum: Stratum, referenceEvents: Double?, comparing: Bool
  ) -> [ResultTable.Cell] {
    var cells: [ResultTable.Cell] = r.by.map { .text($0) }
    cells.append(.text(EthnicGroupNames.displayName(for: r.label)))
    cells.append(r.suppressed ? .symbol(.confidential) : .value(r.events))
    cells.append(r.population.map { .number($0) } ?? .symbol(.notAvailable))
    let unreliable = r.events < 10
    var notes: [String] = []
    if r.suppressed {
      cells.append(.symbol(.confidential))
    } else if let e = rate(of: r) {
      let limits = e.limits.first
      cells.append(
        .estimate(
          .init(
            value: e.value, lower: limits?.lower, upper: limits?.upper,
            marker: unreliable ? .lowReliability : nil)))
      if unreliable { notes.append("[u] fewer than 10 events") }
    } else {
      cells.append(.symbol(.notAvailable))
      notes.append("[x] no population, so no rate")
    }
    if comparing {
      let isReference = r.flags.contains("reference group")
      if isReference {
        cells.append(.symbol(.notApplicable))
        cells.append(.text("Reference group"))
      } else if r.suppressed {
        cells.append(.symbol(.confidential))
        cells.append(.symbol(.confidential))
      } else if r.comparisonSuppressed {
        cells.append(.symbol(.confidential))
        cells.append(.symbol(.confidential))
        notes.append("[c] comparison withheld")
      } else if let ratio = r.ratio {
        let limits = ratio.limits.first
        let ratioUnreliable = unreliable || (referenceEvents.map { $0 < 10 } ?? false)
        if limits == nil {
          cells.append(.symbol(.notAvailable))
          cells.append(.symbol(.notAvailable))
          notes.append(
            r.events == 0 ? "[x] no events, so the ratio has no interval" : "[x] no interval")
        } else {
          cells.append(
            .estimate(
              .init(
                value: ratio.value, lower: limits?.lower, upper: limits?.upper,
                marker: ratioUnreliable ? .lowReliability : nil)))
          cells.append(.text(words(for: r)?.rawValue ?? GSSSymbol.notAvailable.rawValue))
          if ratioUnreliable && !unreliable {
            notes.append("[u] the reference has fewer than 10 events")
          }
        }
      } else {
        cells.append(.symbol(.notAvailable))
        cells.append(.symbol(.notAvailable))
        if r.flags.contains(ResultFlag.noEventsInReference.rawValue) {
          notes.append("[x] no events in the reference group")
        } else if r.population == nil {
          // Already noted under the rate.
        } else {
          notes.append("[x] no comparison")
        }
      }
    }
    cells.append(notes.isEmpty ? .empty : .text(notes.joined(separator: "; ")))
    return cells
  }

  /// The rate compared in this run: standardised where there is one, else crude.
  func rate(of r: GroupResult) -> EstimateWithLimits? { r.standardised ?? r.crude }

  /// Higher, similar or lower at the first confidence level.
  func words(for r: GroupResult) -> Significance? {
    if let s = r.significance.first { return s }
    if differenceHeadline { return nil }
    guard let l = r.ratio?.limits.first else { return nil }
    return l.lower > 1 ? .higher : (l.upper < 1 ? .lower : .similar)
  }

  // MARK: Strata and names

  func strata(_ results: [GroupResult]) -> [Stratum] {
    var order: [[String]] = []
    var members: [[String]: [GroupResult]] = [:]
    for r in results {
      if members[r.by] == nil { order.append(r.by) }
      members[r.by, default: []].append(r)
    }
    order.sort { a, b in
      a.lexicographicallyPrecedes(b) {
        $0.localizedStandardCompare($1) == .orderedAscending
      }
    }
    return order.map { by in
      let rows = EthnicGroupNames.ordered(members[by]!) { $0.label }
      return Stratum(
        by: by, rows: rows, reference: rows.first { $0.flags.contains("reference group") })
    }
  }

  /// "the White British group", or "all ethnic groups combined".
  func referenceName(_ s: Stratum) -> String {
    if smrHeadline { return "the number expected from the reference rates" }
    if reference == .overall { return "all ethnic groups combined" }
    if let r = s.reference { return "the \(EthnicGroupNames.displayName(for: r.label)) group" }
    return "the reference group"
  }

  func measureNoun(standardised: Bool) -> String {
    switch measure {
    case .rate: return standardised ? "age-standardised rate" : "rate"
    case .proportion: return multiplier == 100 ? "percentage" : "proportion"
    case .mean: return "mean"
    }
  }

  var scaleText: String {
    switch measure {
    case .rate: return "per \(ReadableNumber.thousands(Int64(multiplier.rounded())))"
    case .mean: return ""
    case .proportion:
      return multiplier == 100 ? "" : "per \(ReadableNumber.thousands(Int64(multiplier.rounded())))"
    }
  }

  private func tableTitle(noun: String) -> String {
    var title = "\(noun.capitalisedFirst)s by ethnic group"
    if measure == .proportion && multiplier == 100 { title = "Percentages by ethnic group" }
    if !byColumns.isEmpty { title += " and " + byColumns.joined(separator: ", ") }
    return title
  }

  private func stratumText(_ s: Stratum) -> String {
    zip(byColumns, s.by).map { "\($0): \($1)" }.joined(separator: ", ")
  }

  private func tableNotes(
    standardised: Bool, level: ConfidenceLevel, comparing: Bool, rows: [GroupResult]
  ) -> [String] {
    var notes: [String] = []
    if standardised {
      notes.append(
        "Rates are age-standardised, so that groups can be compared as if they had the same age profile. They do not show the actual rate in each group."
      )
    }
    notes.append(
      "CI: \(level.description) confidence interval. Values are rounded for reading; the CSV and JSON outputs have full precision."
    )
    if comparing {
      notes.append(
        "\"Similar\" means the ratio's \(level.description) confidence interval includes 1; \"higher\" and \"lower\" mean it lies wholly above or below 1."
      )
    }
    if levels.count > 1 {
      notes.append(
        "Intervals at \(levels.dropFirst().map(\.description).joined(separator: " and ")) are in the CSV and JSON outputs."
      )
    }
    return notes
  }

  /// Decimal places for a column: 1, or more (up to 3) so that the smallest non-zero value
  /// shows two significant figures.
  public static func decimals(for values: [Double]) -> Int {
    let magnitudes = values.filter { $0.isFinite && $0 != 0 }.map(abs)
    guard let smallest = magnitudes.min() else { return 1 }
    let needed = 1 - Int(floor(log10(smallest)))
    return min(max(needed, 1), 3)
  }

  // MARK: Key findings

  private func keyFindings(
    _ strata: [Stratum], noun: String, level: ConfidenceLevel, ratioDecimals: Int,
    rateDecimals: Int
  ) -> [String] {
    var findings: [String] = []
    for s in strata {
      let stratumSuffix = byColumns.isEmpty ? "" : " (\(stratumText(s)))"
      let prefix = byColumns.isEmpty ? "" : "For \(stratumText(s)): "
      if reference == .none && !smrHeadline {
        findings += extremes(s, noun: noun, level: level, decimals: rateDecimals, prefix: prefix)
        continue
      }
      let ref = referenceName(s)
      let comparable = s.rows.filter { !$0.flags.contains("reference group") && !$0.suppressed }
      if s.reference?.suppressed == true
        || (!comparable.isEmpty && comparable.allSatisfy(\.comparisonSuppressed))
      {
        findings.append(
          "\(prefix)comparisons with \(ref) are withheld to protect confidentiality [c]."
            .capitalisedFirst)
        continue
      }
      var higher: [GroupResult] = []
      var lower: [GroupResult] = []
      var similar: [GroupResult] = []
      for r in s.rows where !r.suppressed && !r.comparisonSuppressed {
        guard r.ratio?.limits.first != nil else { continue }
        switch words(for: r) {
        case .higher: higher.append(r)
        case .lower: lower.append(r)
        case .similar: similar.append(r)
        case nil: break
        }
      }
      let compared = higher.count + lower.count + similar.count
      guard compared > 0 else { continue }
      if smrHeadline {
        // Observed against expected: no group is the reference.
        var parts: [String] = []
        if !higher.isEmpty { parts.append("higher than expected in \(Self.groups(higher.count))") }
        if !lower.isEmpty { parts.append("lower than expected in \(Self.groups(lower.count))") }
        if !similar.isEmpty { parts.append("similar to expected in \(Self.groups(similar.count))") }
        findings.append(
          "\(prefix)standardised for the reference rates, events were \(Self.list(parts)) (\(level.description) confidence intervals)."
            .capitalisedFirst)
        func smrLine(_ r: GroupResult) -> String {
          let e = r.ratio!
          let l = e.limits.first!
          let ratio = ReadableNumber.grouped(e.value, decimals: ratioDecimals)
          let lo = ReadableNumber.grouped(l.lower, decimals: ratioDecimals)
          let hi = ReadableNumber.grouped(l.upper, decimals: ratioDecimals)
          var text =
            "\(EthnicGroupNames.displayName(for: r.label))\(stratumSuffix): \(ratio) times the number expected (\(level.description) CI \(lo) to \(hi))"
          if r.events < 10 { text += "; based on fewer than 10 events, so less reliable [u]" }
          return text + "."
        }
        findings += higher.sorted { $0.ratio!.value > $1.ratio!.value }.map(smrLine)
        findings += lower.sorted { $0.ratio!.value < $1.ratio!.value }.map(smrLine)
        if !similar.isEmpty {
          let names = similar.map { EthnicGroupNames.displayName(for: $0.label) }
          findings.append(
            "\(prefix)similar to the number expected (the \(level.description) confidence interval includes 1): \(Self.list(names))."
              .capitalisedFirst)
        }
        continue
      }
      var parts: [String] = []
      if !higher.isEmpty { parts.append("higher in \(Self.groups(higher.count))") }
      if !lower.isEmpty { parts.append("lower in \(Self.groups(lower.count))") }
      if !similar.isEmpty { parts.append("similar in \(Self.groups(similar.count))") }
      let overview: String
      if parts.count == 1 && similar.count == compared {
        let all =
          compared == 1
          ? "the 1 ethnic group"
          : (compared == 2 ? "both ethnic groups" : "all \(Self.groups(compared))")
        overview =
          "\(prefix)compared with \(ref), \(noun)s were similar in \(all) compared (\(level.description) confidence intervals)."
      } else {
        overview =
          "\(prefix)compared with \(ref), \(noun)s were \(Self.list(parts)) (\(level.description) confidence intervals)."
      }
      findings.append(overview.capitalisedFirst)
      let referenceFew = (s.reference?.events ?? 10) < 10
      func line(_ r: GroupResult) -> String {
        let e = r.ratio!
        let l = e.limits.first!
        if differenceHeadline {
          let f = { ReadableNumber.grouped($0, decimals: rateDecimals) }
          let direction = e.value >= 0 ? "higher" : "lower"
          var text =
            "\(EthnicGroupNames.displayName(for: r.label))\(stratumSuffix): mean \(f(abs(e.value))) \(direction) than \(ref) (\(level.description) CI for the difference \(f(l.lower)) to \(f(l.upper)))"
          if r.events < 10 { text += "; based on fewer than 10 values, so less reliable [u]" }
          return text + "."
        }
        let ratio = ReadableNumber.grouped(e.value, decimals: ratioDecimals)
        let lo = ReadableNumber.grouped(l.lower, decimals: ratioDecimals)
        let hi = ReadableNumber.grouped(l.upper, decimals: ratioDecimals)
        let of = reference == .overall ? "for" : "of"
        var text =
          "\(EthnicGroupNames.displayName(for: r.label))\(stratumSuffix): \(ratio) times the \(noun) \(of) \(ref) (\(level.description) CI \(lo) to \(hi))"
        if r.events < 10 || referenceFew {
          text += "; based on fewer than 10 events, so less reliable [u]"
        }
        return text + "."
      }
      findings += higher.sorted { $0.ratio!.value > $1.ratio!.value }.map(line)
      findings += lower.sorted { $0.ratio!.value < $1.ratio!.value }.map(line)
      if !similar.isEmpty {
        let names = similar.map { EthnicGroupNames.displayName(for: $0.label) }
        findings.append(
          "\(prefix)similar to \(ref) (the \(level.description) confidence interval of the ratio includes 1): \(Self.list(names))."
            .capitalisedFirst)
      }
    }
    let withheld = strata.flatMap(\.rows).filter(\.suppressed).count
    if withheld > 0 {
      findings.append(
        "Figures for \(Self.groups(withheld)) are withheld to protect confidentiality [c].")
    }
    return findings
  }

  /// Without a reference: the highest and lowest rates, and whether their intervals overlap.
  private func extremes(
    _ s: Stratum, noun: String, level: ConfidenceLevel, decimals: Int, prefix: String
  ) -> [String] {
    let shown = s.rows.filter { !$0.suppressed && rate(of: $0)?.limits.first != nil }
    guard shown.count >= 2,
      let high = shown.max(by: { rate(of: $0)!.value < rate(of: $1)!.value }),
      let low = shown.min(by: { rate(of: $0)!.value < rate(of: $1)!.value }),
      rate(of: high)!.value > rate(of: low)!.value
    else { return [] }
    func describe(_ r: GroupResult) -> String {
      let e = rate(of: r)!
      let l = e.limits.first!
      let f = { ReadableNumber.grouped($0, decimals: decimals) }
      return
        "\(EthnicGroupNames.displayName(for: r.label)) (\(f(e.value)) \(scaleText), \(level.description) CI \(f(l.lower)) to \(f(l.upper)))"
    }
    let lh = rate(of: high)!.limits.first!
    let ll = rate(of: low)!.limits.first!
    let overlap = lh.lower <= ll.upper
    var text =
      "\(prefix)the highest \(noun) was in the \(describe(high)) group and the lowest in the \(describe(low)) group"
    text +=
      overlap
      ? "; their intervals overlap, so the difference may be due to chance." : "."
    return [text.capitalisedFirst]
  }

  static func groups(_ n: Int) -> String { n == 1 ? "1 ethnic group" : "\(n) ethnic groups" }

  /// "a", "a and b", "a, b and c".
  static func list(_ items: [String]) -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
  }

  // MARK: Charts

  private func charts(
    _ strata: [Stratum], noun: String, level: ConfidenceLevel, ratioDecimals: Int,
    rateDecimals: Int
  ) -> [IntervalChart] {
    var charts: [IntervalChart] = []
    for s in strata.prefix(maximumChartedStrata) {
      let suffix = byColumns.isEmpty ? "" : " (\(stratumText(s)))"
      let ref = referenceName(s)
      if reference != .none {
        var rows: [IntervalChart.Row] = []
        for r in s.rows {
          let name = EthnicGroupNames.displayName(for: r.label)
          if r.flags.contains("reference group") {
            rows.append(
              .init(
                label: name, value: 1, lower: nil, upper: nil, text: "1 (reference)",
                comparison: .reference))
          } else if r.suppressed || r.comparisonSuppressed {
            rows.append(
              .init(
                label: name, value: nil, lower: nil, upper: nil, text: "[c]",
                symbol: .confidential))
          } else if let e = r.ratio, let l = e.limits.first {
            let f = { ReadableNumber.grouped($0, decimals: ratioDecimals) }
            let word = words(for: r)
            let marker = r.events < 10 || (s.reference?.events ?? 10) < 10 ? " [u]" : ""
            rows.append(
              .init(
                label: name, value: e.value, lower: l.lower, upper: l.upper,
                text:
                  "\(f(e.value)) (\(f(l.lower)) to \(f(l.upper)))\(marker) \(word?.rawValue ?? "")",
                symbol: marker.isEmpty ? nil : .lowReliability,
                comparison: word.map { IntervalChart.Comparison(rawValue: $0.rawValue)! } ?? .none))
          } else {
            rows.append(
              .init(
                label: name, value: nil, lower: nil, upper: nil, text: "[x]",
                symbol: .notAvailable))
          }
        }
        let counts = Dictionary(grouping: rows, by: \.comparison).mapValues(\.count)
        // A difference of means has no log scale: no forest plot for means.
        if !differenceHeadline {
          charts.append(
            IntervalChart(
              title: smrHeadline
                ? "Standardised ratio, observed ÷ expected\(suffix)"
                : "Ratio of the \(noun) to \(ref)\(suffix)",
              summary: (smrHeadline
                ? "Forest plot of each group's standardised ratio (observed ÷ expected) with its \(level.description) confidence interval, on a log scale; the dashed line at 1 is where the observed number equals the number expected from the reference rates."
                : "Forest plot of each group's ratio with its \(level.description) confidence interval, on a log scale; the dashed line at 1 is the same \(noun) as \(ref).")
                + " \(counts[.higher] ?? 0) higher, \(counts[.similar] ?? 0) similar, \(counts[.lower] ?? 0) lower.",
              axisLabel: smrHeadline
                ? "Observed ÷ expected (log scale)" : "Ratio to \(ref) (log scale)",
              scale: .logarithmic, referenceValue: 1,
              referenceLabel: "1 = same as \(ref)", rows: rows,
              valueHeading: "Ratio (\(level.description) CI)"))
        }
      }
      var rows: [IntervalChart.Row] = []
      for r in s.rows {
        let name = EthnicGroupNames.displayName(for: r.label)
        let isReference = r.flags.contains("reference group")
        if r.suppressed {
          rows.append(
            .init(
              label: name, value: nil, lower: nil, upper: nil, text: "[c]", symbol: .confidential))
        } else if let e = rate(of: r) {
          let l = e.limits.first
          let f = { ReadableNumber.grouped($0, decimals: rateDecimals) }
          let marker = r.events < 10 ? " [u]" : ""
          var text = f(e.value)
          if let l { text += " (\(f(l.lower)) to \(f(l.upper)))" }
          rows.append(
            .init(
              label: name, value: e.value, lower: l?.lower, upper: l?.upper, text: text + marker,
              symbol: marker.isEmpty ? nil : .lowReliability,
              comparison: isReference ? .reference : .none))
        } else {
          rows.append(
            .init(
              label: name, value: nil, lower: nil, upper: nil, text: "[x]", symbol: .notAvailable))
        }
      }
      charts.append(
        IntervalChart(
          title: [noun.capitalisedFirst, scaleText, "by ethnic group"].filter { !$0.isEmpty }
            .joined(separator: " ") + suffix,
          summary:
            "Each group's \(noun) \(scaleText) with its \(level.description) confidence interval.",
          axisLabel: [noun.capitalisedFirst, scaleText].filter { !$0.isEmpty }.joined(
            separator: " "),
          scale: .linear, rows: rows,
          valueHeading:
            "\(measure == .rate ? "Rate" : noun.capitalisedFirst) (\(level.description) CI)"))
    }
    return charts
  }
}

extension String {
  /// The string with its first letter in capitals.
  var capitalisedFirst: String {
    guard let f = first else { return self }
    return f.uppercased() + dropFirst()
  }
}
