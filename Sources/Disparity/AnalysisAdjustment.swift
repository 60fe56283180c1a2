import DisparityIngest
import DisparityRegression
import DisparityReport
import DisparityStatistics
import DisparityTabulate
import Foundation

/// Adjusted rate ratios by Poisson regression, or adjusted odds ratios by logistic regression
/// for proportions (`analyse --adjust age,sex,imd`).
///
/// Within each stratum of `--by`, events are modelled as Poisson with log link and offset
/// ln(population): log μ = ln n + β₀ + β_group + β_age band + β_sex + …, with each group compared
/// with the run's reference group (the largest group when the run has none or compares with the
/// whole population). The adjusted rate ratio of a group is exp(β_group) with Wald limits
/// exp(β ± z·se) at each confidence level. With `--quasi` the standard errors are scaled by the
/// quasi-Poisson dispersion (Pearson χ² / df). Fitting is IRLS on LAPACK (DisparityRegression),
/// stopping as R's glm does. With `--measure proportion` the model is binomial with a logit link
/// (events out of trials) and the ratios are adjusted odds ratios.
struct AnalysisAdjustment: Sendable {
  /// The `--by` columns.
  let byColumns: [String]
  /// The adjustment columns other than age, in the order given.
  let columns: [String]
  /// Whether age (re-banded to the analysis bands) is adjusted for.
  let adjustsAge: Bool
  let levels: [ConfidenceLevel]
  let quasi: Bool
  /// Whether the outcome is a proportion (logistic model) rather than a rate (Poisson model).
  var proportions = false

  struct CellKey: Hashable {
    var by: [String]
    var code: String
    var age: Int
    var values: [String]
  }

  /// Events and population per modelling cell, from the raw tabulations.
  func cells(
    events: StrataCounts, eventGroups: [GroupPlacement], population: StrataCounts,
    populationGroups: [GroupPlacement], bands: AgeAlignment?
  ) throws -> (keys: [CellKey], events: [CellKey: Double], population: [CellKey: Double]) {
    var keys: [CellKey] = []
    var e: [CellKey: Double] = [:]
    var p: [CellKey: Double] = [:]
    func key(_ counts: StrataCounts, _ raw: RawStratumKey, _ code: String) throws -> CellKey {
      let all =
        raw.by < 0
        ? []
        : counts.byCombinations.string(raw.by).split(
          separator: "\u{1F}", omittingEmptySubsequences: false
        ).map(String.init)
      let by = Array(all.prefix(byColumns.count))
      let values = Array(all.dropFirst(byColumns.count).prefix(columns.count))
      var age = -1
      if adjustsAge, let bands, raw.age >= 0 {
        age = try bands.index(of: counts.ages.string(raw.age))
      }
      return CellKey(by: by, code: code, age: age, values: values)
    }
    for (raw, t) in zip(events.stratumKeys, events.stratumTotals) {
      guard case .group(let code, _) = eventGroups[Int(raw.group)] else { continue }
      let k = try key(events, raw, code)
      if e[k] == nil && p[k] == nil { keys.append(k) }
      e[k, default: 0] += t.events
    }
    for (raw, t) in zip(population.stratumKeys, population.stratumTotals) {
      guard case .group(let code, _) = populationGroups[Int(raw.group)] else { continue }
      let k = try key(population, raw, code)
      if e[k] == nil && p[k] == nil { keys.append(k) }
      p[k, default: 0] += t.population
    }
    return (keys, e, p)
  }

  /// The adjusted ratios table and the model notes.
  func table(
    events: StrataCounts, eventGroups: [GroupPlacement], population: StrataCounts,
    populationGroups: [GroupPlacement], bands: AgeAlignment?, results: [GroupResult],
    labels: GroupLabels
  ) throws -> (ResultTable, [String]) {
    let (keys, e, p) = try cells(
      events: events, eventGroups: eventGroups, population: population,
      populationGroups: populationGroups, bands: bands)
    let suffixes = levels.count > 1 ? levels.map { "_" + $0.percentLabel } : [""]
    var columns: [ResultTable.Column] = byColumns.map { .init($0, .text) }
    columns += [.init("group", .text), .init("group_code", .text)]
    columns.append(.init("adjusted_ratio", .number))
    for s in suffixes {
      columns += [
        .init("adjusted_ratio_lower" + s, .number), .init("adjusted_ratio_upper" + s, .number),
      ]
    }
    columns += [.init("aliased", .text)]
    var table = ResultTable(name: "adjusted", columns: columns)
    var notes: [String] = []
    let adjustedFor = (adjustsAge ? ["age band"] : []) + self.columns

    var strata: [[String]] = []
    for k in keys where !strata.contains(k.by) { strata.append(k.by) }
    for stratum in strata {
      let rows = keys.filter { $0.by == stratum && (p[$0] ?? 0) > 0 }
      let missing = keys.filter { $0.by == stratum && (p[$0] ?? 0) <= 0 && (e[$0] ?? 0) > 0 }
      let stratumSuffix = stratum.isEmpty ? "" : " (\(stratum.joined(separator: ", ")))"
      if !missing.isEmpty {
        notes.append(
          "Adjusted model\(stratumSuffix): \(missing.count) cell(s) with events but no population were left out of the model."
        )
      }
      let groupResults = results.filter { $0.by == stratum }
      let reference =
        groupResults.first { $0.flags.contains("reference group") }?.code
        ?? groupResults.max { ($0.population ?? 0) < ($1.population ?? 0) }?.code
      guard let reference, Set(rows.map(\.code)).count >= 2 else { continue }
      var builder = DesignMatrixBuilder(rowCount: rows.count)
      try builder.addFactor(
        "group", values: rows.map(\.code), reference: reference, order: .firstAppearance)
      if adjustsAge {
        try builder.addFactor(
          "age",
          values: rows.map { $0.age < 0 ? "unknown" : (bands?.aligned.bands[$0.age].label ?? "") },
          order: .firstAppearance)
      }
      for (i, name) in self.columns.enumerated() {
        try builder.addFactor(name, values: rows.map { $0.values[i] }, order: .sorted)
      }
      var options = GLMOptions()
      options.confidenceLevel = levels[0].value
      let design = try builder.build()
      let fit =
        proportions
        ? try LogisticRegression.fit(
          design: design, events: rows.map { e[$0] ?? 0 }, trials: rows.map { p[$0]! },
          quasi: quasi, options: options)
        : try PoissonRegression.fit(
          design: design, events: rows.map { e[$0] ?? 0 }, population: rows.map { p[$0]! },
          quasi: quasi, options: options)
      let model =
        proportions
        ? "Adjusted odds ratios\(stratumSuffix): \(quasi ? "quasi-" : "")binomial (logistic) regression of events out of trials"
        : "Adjusted rate ratios\(stratumSuffix): \(quasi ? "quasi-" : "")Poisson regression of events with offset ln(population)"
      notes.append(
        "\(model), adjusted for \(adjustedFor.joined(separator: ", ")), reference group \(labels[reference] ?? reference); deviance \(String(format: "%.2f", fit.deviance)) on \(fit.residualDegreesOfFreedom) degrees of freedom, \(fit.iterations) iterations, \(fit.converged ? "converged" : "NOT converged"), dispersion \(String(format: "%.3f", fit.estimatedDispersion))\(quasi ? " (used for the standard errors)" : " (estimated, not used)")."
      )
      for warning in fit.warnings {
        notes.append("Adjusted model\(stratumSuffix): \(warning.description)")
      }
      // Rows in the order of the main table (the scheme's order).
      let position = Dictionary(
        groupResults.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
      let groupCoefficients = fit.coefficients.filter { $0.variable == "group" }
        .sorted { (position[$0.level] ?? .max) < (position[$1.level] ?? .max) }
      for c in groupCoefficients {
        var row: [ResultTable.Cell] = stratum.map { .text($0) }
        row += [.text(labels[c.level] ?? c.level), .text(c.level)]
        if c.aliased {
          row += Array(repeating: .empty, count: 1 + 2 * suffixes.count) + [.text("true")]
        } else {
          row.append(.value(c.ratio))
          for level in levels {
            row += [
              .value(exp(c.estimate - level.z * c.standardError)),
              .value(exp(c.estimate + level.z * c.standardError)),
            ]
          }
          row.append(.text("false"))
        }
        table.append(row)
      }
    }
    return (table, notes)
  }
}
