import DisparityReport

/// Statistical disclosure control of the results (the NHS Digital HES rule by default): no count
/// from 1 to the threshold is published, nor anything from which one could be worked out.
///
/// The rule, for the tables this toolkit publishes (one row per group per stratum of `--by`, with
/// events, population, rates, ratios and differences against a reference, SMRs and expected
/// counts):
///
/// 1. **Primary suppression.** A group whose events number from 1 to ``threshold`` is
///    confidential: its events and every value computed from them (crude and standardised rates,
///    ratios, differences, observed, SMR, ISR, and their limits) are withheld as `[c]`. Zero is
///    shown. Populations are shown: they are published denominators, and a rate × population
///    reveals nothing once the rate is withheld.
/// 2. **A withheld reference.** Every ratio and difference is the group's rate against the
///    reference's, so with the group's rate published, each one gives the reference's rate, and
///    with its population, its events. When the reference group is withheld, every comparison in
///    its stratum is withheld too.
/// 3. **Derivable totals (secondary suppression).** The stratum's total events can be worked out
///    when a total row is published (``publishesStratumTotals``), when the reference is all
///    groups together (``comparisonsEmbedTotals``: a comparison gives the overall rate, and with
///    the populations the total), or when indirect standardisation takes its reference rates
///    from the data (``expectedEmbedsTotals``: the expected counts then add up to the observed
///    total). Total minus the published events is the sum of the withheld ones. Each withheld
///    count is at least 1 (zero is shown), so the sum pins a value down exactly when only one
///    count is withheld, or when the sum equals the number withheld (all are 1). In either case
///    the group with the smallest published non-zero count (other than the reference, where
///    possible) is withheld as well, and the test repeated. If no group is left to withhold, the
///    total itself is withheld: the comparisons (overall reference) or the expected counts
///    (internal reference) of the stratum.
///
/// Withheld values of both kinds carry the same symbol and the same flag, and flags that would
/// narrow a withheld count (such as "fewer than 10 events") are removed, so that a reader cannot
/// tell primary from secondary suppression or bound a withheld count more tightly.
/// ``apply(to:)`` is idempotent: results that are already controlled come back unchanged.
public struct DisclosureControl: Sendable {
  /// The GSS symbol for a confidential value.
  public static let symbol = GSSSymbol.confidential.rawValue
  /// The flag of every withheld group, whichever rule withheld it.
  public static let flag = "[c] withheld to protect confidentiality"
  /// The flag of groups whose comparison alone is withheld.
  public static let comparisonFlag = "[c] comparison withheld to protect confidentiality"

  /// Counts from 1 to this value are suppressed.
  public var threshold: Double
  /// Whether comparisons embed the stratum's total (`--reference overall`).
  public var comparisonsEmbedTotals: Bool
  /// Whether a total row (all groups together) is published for each stratum.
  public var publishesStratumTotals: Bool
  /// Whether expected counts add up to the stratum's observed total (indirect standardisation
  /// with reference rates from the data).
  public var expectedEmbedsTotals: Bool

  /// Creates the rule.
  public init(
    threshold: Double = 7, comparisonsEmbedTotals: Bool = false,
    publishesStratumTotals: Bool = false, expectedEmbedsTotals: Bool = false
  ) {
    self.threshold = threshold
    self.comparisonsEmbedTotals = comparisonsEmbedTotals
    self.publishesStratumTotals = publishesStratumTotals
    self.expectedEmbedsTotals = expectedEmbedsTotals
  }

  /// The rule for an analysis: its threshold, and which totals its tables reveal.
  public init(specification spec: AnalysisSpecification) {
    self.init(
      threshold: spec.suppressThreshold, comparisonsEmbedTotals: spec.reference == .overall,
      publishesStratumTotals: false,
      expectedEmbedsTotals: spec.indirect && spec.referenceRates == nil)
  }

  /// Whether the stratum's total events can be worked out from what is published.
  public var totalsDerivable: Bool {
    comparisonsEmbedTotals || publishesStratumTotals || expectedEmbedsTotals
  }

  /// Whether a count is confidential on its own (primary suppression).
  public func isConfidential(_ count: Double) -> Bool {
    count > 0 && count <= threshold
  }

  /// The results with suppression applied and flagged.
  public func apply(to results: [GroupResult]) -> [GroupResult] {
    var out = results
    apply(to: &out)
    return out
  }

  /// Applies suppression to the results in place, and flags it: the same rule as the form
  /// that returns the results.
  ///
  /// In place, so that the results of thousands of groups are not copied: a copy of a result
  /// retains its strings and arrays, and the old array's release frees them again.
  public func apply(to results: inout [GroupResult]) {
    var strata: [[String]: Int] = [:]
    var members: [[Int]] = []
    var last = -1
    for i in results.indices {
      // A stratum's groups are usually together: the one before is checked without a hash.
      if last >= 0 && results[i - 1].by == results[i].by {
        members[last].append(i)
        continue
      }
      if let known = strata[results[i].by] {
        last = known
      } else {
        last = members.count
        strata[results[i].by] = last
        members.append([])
      }
      members[last].append(i)
    }
    for stratum in members {
      control(stratum: stratum, in: &results)
    }
  }

  private func control(stratum members: [Int], in out: inout [GroupResult]) {
    // 1. Primary suppression.
    for i in members where isConfidential(out[i].events) {
      out[i].suppressed = true
    }
    // 3. Secondary suppression while the total pins a withheld count down.
    var totalWithheld = false
    if totalsDerivable {
      while true {
        let hidden = members.filter { out[$0].suppressed }
        guard !hidden.isEmpty else { break }
        let residual = hidden.reduce(0) { $0 + out[$1].events }
        let exposed = hidden.count == 1 || residual <= Double(hidden.count)
        guard exposed else { break }
        let candidates = members.filter { !out[$0].suppressed && out[$0].events > 0 }
        let preferred = candidates.filter { !isReference(out[$0]) }
        let pool = preferred.isEmpty ? candidates : preferred
        guard
          let next = pool.min(by: { (out[$0].events, $0) < (out[$1].events, $1) })
        else {
          totalWithheld = true
          break
        }
        out[next].suppressed = true
      }
    }
    // 2. A withheld reference (or a withheld total, when the reference is all groups together)
    //    withholds every comparison in the stratum.
    let referenceWithheld = members.contains { isReference(out[$0]) && out[$0].suppressed }
    let comparisonsWithheld = referenceWithheld || (totalWithheld && comparisonsEmbedTotals)
    for i in members {
      if out[i].suppressed {
        out[i].flags = out[i].flags.filter { Self.keptWhenWithheld.contains($0) }
        if !out[i].flags.contains(Self.flag) { out[i].flags.append(Self.flag) }
        out[i].significance = []
      } else if comparisonsWithheld && !isReference(out[i])
        && (out[i].ratio != nil || out[i].difference != nil)
      {
        out[i].comparisonSuppressed = true
        out[i].significance = []
        if !out[i].flags.contains(Self.comparisonFlag) { out[i].flags.append(Self.comparisonFlag) }
      }
      if totalWithheld && expectedEmbedsTotals && out[i].expected != nil {
        out[i].expected = nil
        if !out[i].flags.contains(Self.expectedFlag) { out[i].flags.append(Self.expectedFlag) }
      }
    }
  }

  /// The flag of expected counts withheld because they would add up to a confidential total.
  public static let expectedFlag = "[c] expected count withheld to protect confidentiality"

  /// Flags that say nothing about a withheld count, kept on withheld groups.
  static let keptWhenWithheld: Set<String> = [
    "reference group", "no population", flag, expectedFlag,
  ]

  func isReference(_ r: GroupResult) -> Bool { r.flags.contains("reference group") }
}
