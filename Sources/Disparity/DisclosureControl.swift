/// Statistical disclosure control of the tidy table (the NHS Digital HES rule by default).
///
/// Primary suppression: a group whose events number from 1 to the threshold has its events and
/// every value computed from them (rates, ratios, differences, SMRs) replaced by `[c]`; zero is
/// shown. Secondary suppression: when the reference is all groups together, every group's ratio
/// and difference embed the stratum's total, from which a suppressed count could be recovered, so
/// in a stratum with a suppressed group those comparisons are suppressed too. Populations are
/// not suppressed (they come from published denominators).
public struct DisclosureControl: Sendable {
  /// The GSS symbol for a confidential value.
  public static let symbol = "[c]"

  /// Counts from 1 to this value are suppressed.
  public var threshold: Double
  /// Whether comparisons embed the stratum's total (`--reference overall`).
  public var comparisonsEmbedTotals: Bool

  /// Creates the rule.
  public init(threshold: Double = 7, comparisonsEmbedTotals: Bool = false) {
    self.threshold = threshold
    self.comparisonsEmbedTotals = comparisonsEmbedTotals
  }

  /// The results with suppression applied and flagged.
  public func apply(to results: [GroupResult]) -> [GroupResult] {
    var out = results
    var strataWithSuppression = Set<[String]>()
    for i in out.indices where out[i].events > 0 && out[i].events <= threshold {
      out[i].suppressed = true
      out[i].flags.append(
        "\(Self.symbol) suppressed: from 1 to \(CSVRendererFormat.number(threshold)) events")
      strataWithSuppression.insert(out[i].by)
    }
    if comparisonsEmbedTotals {
      for i in out.indices
      where !out[i].suppressed && strataWithSuppression.contains(out[i].by) && out[i].ratio != nil {
        out[i].comparisonSuppressed = true
        out[i].flags.append(
          "\(Self.symbol) comparison suppressed: it would reveal a suppressed count")
      }
    }
    return out
  }
}
