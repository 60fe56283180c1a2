import Foundation

@testable import Disparity

/// Group results built by hand for the presentation and disclosure tests: crude rates per
/// 100,000 from events and population, ratios against the reference's crude rate, and simple
/// symmetric limits (the tests check what is shown and withheld, not interval methods).
enum PresentationFixtures {
  static let multiplier = 100_000.0

  static func group(
    _ label: String, events: Double, population: Double, by: [String] = [],
    code: String? = nil
  ) -> GroupResult {
    var r = GroupResult(
      by: by, code: code ?? label, label: label, events: events, population: population)
    let rate = events / population * multiplier
    let half = max(rate * 0.2, 0.1)
    r.crude = EstimateWithLimits(
      value: rate, limits: [ClosedLimits(lower: max(0, rate - half), upper: rate + half)])
    if events < 10 { r.flags.append("fewer than 10 events") }
    return r
  }

  /// Compares each group with the named reference (or all groups together when `reference` is
  /// nil), with the ratio's interval given explicitly where `limits` names the group.
  static func compare(
    _ groups: [GroupResult], reference: String?, limits: [String: (Double, Double)] = [:]
  ) -> [GroupResult] {
    let referenceRate: Double
    if let reference {
      let ref = groups.first { $0.label == reference }!
      referenceRate = ref.events / ref.population!
    } else {
      referenceRate = groups.reduce(0) { $0 + $1.events } / groups.reduce(0) { $0 + $1.population! }
    }
    return groups.map { g in
      var r = g
      if g.label == reference {
        r.flags.append("reference group")
        return r
      }
      let ratio = (g.events / g.population!) / referenceRate
      let (lo, hi) = limits[g.label] ?? (ratio * 0.8, ratio * 1.25)
      r.ratio = EstimateWithLimits(value: ratio, limits: [ClosedLimits(lower: lo, upper: hi)])
      r.difference = EstimateWithLimits(
        value: (g.events / g.population! - referenceRate) * multiplier,
        limits: [ClosedLimits(lower: -1, upper: 1)])
      r.significance = [lo > 1 ? .higher : (hi < 1 ? .lower : .similar)]
      return r
    }
  }
}
