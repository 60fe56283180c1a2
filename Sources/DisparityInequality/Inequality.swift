import DisparityStatistics
import Foundation

/// Settings for ``Inequality/measures(_:options:only:)``.
public struct InequalityOptions: Sendable, Hashable {
  /// The confidence level of every interval (default 0.95).
  public var confidence: Double
  /// Monte Carlo simulations for the simulated intervals (default 10,000; healthequal uses 100,
  /// PHEindicatormethods 100,000).
  public var simulations: Int
  /// The seed of the ``Xoshiro256StarStar`` generator (default 123456, healthequal's default).
  /// The same seed, input and options give identical intervals on every run.
  public var seed: UInt64
  /// The distribution the group estimates are drawn from in simulations.
  public var simulationDistribution: SimulationDistribution
  /// How SII and RII are estimated (default: PHE weighted least squares).
  public var slopeIndexMethod: SlopeIndexMethod

  /// Creates options; every argument has the default described on its property.
  public init(
    confidence: Double = 0.95, simulations: Int = 10_000, seed: UInt64 = 123_456,
    simulationDistribution: SimulationDistribution = .automatic,
    slopeIndexMethod: SlopeIndexMethod = .weightedLeastSquares
  ) {
    self.confidence = confidence
    self.simulations = simulations
    self.seed = seed
    self.simulationDistribution = simulationDistribution
    self.slopeIndexMethod = slopeIndexMethod
  }
}

/// Summary measures of inequality across the groups of one dimension (WHO HEAT / healthequal,
/// PHEindicatormethods `phe_sii`).
///
/// ```swift
/// let input = try InequalityInput(groups: groups, direction: .adverse, scale: 1000,
///                                 isOrdered: false, dimensionName: "ethnicity")
/// let report = try Inequality.measures(input)
/// for m in report.measures { print(m.abbreviation, m.estimate, m.lower, m.upper) }
/// ```
///
/// Where we differ from healthequal 1.0.1 on purpose:
/// - TI and MLD are reported ×1000 (as healthequal) and so are their standard errors and
///   intervals; healthequal leaves the SE unscaled, which makes its interval about 1000× too narrow.
/// - PAF is reported in per cent and so is its standard error; healthequal gives Walter's SE on the
///   fraction scale, so its interval is about 100× too narrow.
/// - SII's standard error is on the indicator scale like its estimate (healthequal: 0–1 scale).
/// - The logistic SII/RII weight each group by its population by default; healthequal's
///   pop² weighting is ``LogisticWeighting/populationSquared``.
/// - BGV, BGSD, … MDRW simulated intervals use 10,000 draws by default (healthequal 100) and our
///   own generator, so they agree with healthequal's only to Monte Carlo error.
public enum Inequality {
  /// Computes the summary measures for `input`.
  ///
  /// - Parameters:
  ///   - input: validated group-level data.
  ///   - options: confidence, simulations, seed and method choices.
  ///   - only: the measures wanted; `nil` computes every measure that applies and lists the rest
  ///     in ``InequalityReport/inapplicable`` with the reason.
  /// - Throws: ``InequalityError/notApplicable(measure:reason:)`` when a measure named in `only`
  ///   does not apply; ``InequalityError/missingStandardError(groups:measures:)`` when an interval
  ///   needs standard errors that are missing; option errors.
  public static func measures(
    _ input: InequalityInput, options: InequalityOptions = InequalityOptions(),
    only: [InequalityMeasureKind]? = nil
  ) throws(InequalityError) -> InequalityReport {
    guard options.confidence > 0, options.confidence < 1 else {
      throw .invalidConfidence(options.confidence)
    }
    guard options.simulations >= 100 else { throw .tooFewSimulations(options.simulations) }
    let calculator = Calculator(input: input, options: options)
    let requested = only.map { Array(Set($0)).sorted() } ?? InequalityMeasureKind.allCases
    var wanted: [InequalityMeasureKind] = []
    var inapplicable: [InapplicableMeasure] = []
    for kind in requested {
      if let reason = calculator.reasonNotApplicable(kind) {
        if only != nil { throw .notApplicable(measure: kind.rawValue.uppercased(), reason: reason) }
        inapplicable.append(InapplicableMeasure(kind: kind, reason: reason))
      } else {
        wanted.append(kind)
      }
    }
    try calculator.checkStandardErrors(for: wanted)
    var results = calculator.compute(wanted)
    // Measures that turned out undefined only after fitting (e.g. RII with a non-positive
    // intercept) are reported as inapplicable, never silently dropped.
    for (kind, reason) in results.failures {
      if only != nil { throw .notApplicable(measure: kind.rawValue.uppercased(), reason: reason) }
      inapplicable.append(InapplicableMeasure(kind: kind, reason: reason))
    }
    results.measures.sort { $0.kind < $1.kind }
    inapplicable.sort { $0.kind < $1.kind }
    return InequalityReport(measures: results.measures, inapplicable: inapplicable)
  }
}

/// The work behind ``Inequality/measures(_:options:only:)``.
private struct Calculator {
  let input: InequalityInput
  let options: InequalityOptions
  let y: [Double]
  let p: [Double]
  let z: Double

  init(input: InequalityInput, options: InequalityOptions) {
    self.input = input
    self.options = options
    y = input.groups.map(\.estimate)
    p = input.populationShares
    z = Distributions.zCritical(confidence: options.confidence)
  }

  var name: String { input.dimensionName }
  var mean: Double { SummaryFormulas.mean(y, p) }

  static let simulated: Set<InequalityMeasureKind> = [
    .bgsd, .cov, .idisu, .idisw, .mdbu, .mdbw, .mdmu, .mdmw, .mdru, .mdrw,
  ]

  /// Why `kind` cannot be computed for this input, or `nil` if it can.
  func reasonNotApplicable(_ kind: InequalityMeasureKind) -> String? {
    let abbr = kind.rawValue.uppercased()
    let count = y.count
    if kind.needsOrderedDimension && !input.isOrdered {
      return "\(abbr) needs an ordered dimension such as deprivation quintiles; "
        + "\(name) has no natural order"
    }
    if kind.needsNonOrderedDimension && input.isOrdered {
      return "\(abbr) treats the groups as unordered; for an ordered dimension such as \(name) "
        + "HEAT uses SII, RII, ACI and RCI instead"
    }
    if count < 2 { return "\(abbr) needs at least two groups; \(name) has \(count)" }
    if count == 2 && !kind.allowsTwoGroups {
      return "\(abbr) needs more than two groups; \(name) has 2"
    }
    let relative: Set<InequalityMeasureKind> = [.cov, .idisu, .idisw, .ti, .mld, .paf, .rci]
    if relative.contains(kind) && !(mean > 0) {
      return "\(abbr) divides by the population-weighted mean, which is 0"
    }
    switch kind {
    case .mdru, .mdrw:
      if input.referenceIndex == nil {
        return "\(abbr) needs a reference group: flag one group as the reference"
      }
    case .ti, .mld:
      if let zero = input.groups.first(where: { $0.estimate == 0 }) {
        return "\(abbr) takes the logarithm of every group's estimate, and \"\(zero.name)\" is 0"
      }
    case .r:
      let (first, second) = pairForDifference()
      if !(y[first] > 0 && y[second] > 0) {
        return "R divides \"\(input.groups[first].name)\" by \"\(input.groups[second].name)\", "
          + "and a ratio needs both estimates above 0"
      }
    case .sii, .rii:
      if case .logistic = options.slopeIndexMethod,
        let over = input.groups.first(where: { $0.estimate > input.scale })
      {
        return "the logistic \(abbr) treats estimates as proportions of the scale "
          + "\(input.scale), and \"\(over.name)\" is \(over.estimate)"
      }
    default: break
    }
    return nil
  }

  /// Throws when an interval that needs standard errors lacks one.
  ///
  /// D and R need the standard errors of the two groups they compare; BGV, TI and MLD those of
  /// every group; the simulated measures those of every group not drawn from a gamma
  /// distribution built from its event count.
  func checkStandardErrors(for kinds: [InequalityMeasureKind]) throws(InequalityError) {
    let groups = input.groups
    var missing = Set<Int>()
    var measures: [InequalityMeasureKind] = []
    let (a, b) = pairForDifference()
    let gammaCovers = { (j: Int) -> Bool in
      options.simulationDistribution != .truncatedNormal && groups[j].events != nil
    }
    for kind in kinds {
      let lacking: [Int]
      switch kind {
      case .d, .r: lacking = [a, b].filter { groups[$0].standardError == nil }
      case .bgv, .ti, .mld: lacking = groups.indices.filter { groups[$0].standardError == nil }
      case .sii, .rii:
        lacking =
          options.slopeIndexMethod == .weightedLeastSquares
          ? groups.indices.filter { groups[$0].standardError == nil && !gammaCovers($0) } : []
      default:
        lacking =
          Self.simulated.contains(kind)
          ? groups.indices.filter { groups[$0].standardError == nil && !gammaCovers($0) } : []
      }
      if !lacking.isEmpty {
        missing.formUnion(lacking)
        measures.append(kind)
      }
    }
    if !missing.isEmpty {
      throw .missingStandardError(
        groups: missing.sorted().map { groups[$0].name },
        measures: measures.map { $0.rawValue.uppercased() })
    }
  }

  /// The indices (y₁, y₂) compared by D and R.
  ///
  /// Ordered: favourable y₁ = most advantaged (highest order), y₂ = most disadvantaged; adverse the
  /// other way round. Non-ordered without a reference: the highest and the lowest estimate,
  /// whatever the direction. With a reference: favourable y₁ = reference, y₂ = lowest of the
  /// others; adverse y₁ = highest of the others, y₂ = reference (what healthequal's code and the
  /// HEAT technical notes do). Ties go to the first group in input order.
  func pairForDifference() -> (Int, Int) {
    let indices = Array(y.indices)
    func firstMax(_ set: [Int]) -> Int { set.reduce(set[0]) { y[$1] > y[$0] ? $1 : $0 } }
    func firstMin(_ set: [Int]) -> Int { set.reduce(set[0]) { y[$1] < y[$0] ? $1 : $0 } }
    if input.isOrdered {
      let orders = input.groups.map { $0.order! }
      let high = indices.max { orders[$0] < orders[$1] }!
      let low = indices.min { orders[$0] < orders[$1] }!
      return input.direction == .favourable ? (high, low) : (low, high)
    }
    guard let ref = input.referenceIndex, y.count > 1 else {
      return (firstMax(indices), firstMin(indices))
    }
    let others = indices.filter { $0 != ref }
    return input.direction == .favourable ? (ref, firstMin(others)) : (firstMax(others), ref)
  }

  /// The reference of PAF and PAR: the most advantaged group (highest order) of an ordered
  /// dimension; otherwise the best-performing group (first on ties).
  func attributableReference() -> Int {
    if input.isOrdered {
      let orders = input.groups.map { $0.order! }
      return y.indices.max { orders[$0] < orders[$1] }!
    }
    let best = SummaryFormulas.best(y, input.direction)
    return y.firstIndex(of: best)!
  }

  struct Results {
    var measures: [InequalityMeasure] = []
    var failures: [(InequalityMeasureKind, String)] = []
  }

  var scaleText: String {
    let s = input.scale
    let number = s == s.rounded() ? String(Int(s)) : String(s)
    return s == 100 ? "indicator scale (%)" : "indicator scale (per \(number))"
  }

  func normal(
    _ kind: InequalityMeasureKind, _ estimate: Double, _ se: Double, note: String,
    method: IntervalMethod = .analytic
  ) -> InequalityMeasure {
    InequalityMeasure(
      kind: kind, estimate: estimate, standardError: se, lower: estimate - z * se,
      upper: estimate + z * se, confidence: options.confidence, intervalMethod: method,
      scaleNote: note)
  }

  func compute(_ kinds: [InequalityMeasureKind]) -> Results {
    var results = Results()
    let wanted = Set(kinds)
    let se = input.groups.map { $0.standardError ?? 0 }
    for kind in kinds {
      switch kind {
      case .d:
        let (a, b) = pairForDifference()
        let s = (se[a] * se[a] + se[b] * se[b]).squareRoot()
        results.measures.append(normal(.d, y[a] - y[b], s, note: scaleText))
      case .r:
        let (a, b) = pairForDifference()
        let r = y[a] / y[b]
        let logSE = ((se[a] * se[a] + r * r * se[b] * se[b]) / (y[b] * y[b])).squareRoot() / r
        results.measures.append(
          InequalityMeasure(
            kind: .r, estimate: r, standardError: logSE, standardErrorScale: .naturalLogarithm,
            lower: exp(log(r) - z * logSE), upper: exp(log(r) + z * logSE),
            confidence: options.confidence, intervalMethod: .analyticLogScale, scaleNote: "ratio"))
      case .bgv:
        results.measures.append(
          normal(
            .bgv, SummaryFormulas.bgv(y, p), SummaryFormulas.bgvStandardError(y, se, p),
            note: "squared \(scaleText)"))
      case .ti:
        results.measures.append(
          normal(
            .ti, SummaryFormulas.theil(y, p), SummaryFormulas.theilStandardError(y, se, p),
            note: "×1000 (estimate, standard error and interval)"))
      case .mld:
        results.measures.append(
          normal(
            .mld, SummaryFormulas.meanLogDeviation(y, p),
            SummaryFormulas.meanLogDeviationStandardError(y, se, p),
            note: "×1000 (estimate, standard error and interval)"))
      case .paf, .par:
        results.measures.append(attributable(kind))
      case .aci, .rci:
        results.measures.append(concentration(kind))
      default: break
      }
    }
    let simulatedKinds = kinds.filter { Self.simulated.contains($0) }
    if !simulatedKinds.isEmpty {
      results.measures += simulate(simulatedKinds)
    }
    let slopeKinds = kinds.filter { $0 == .sii || $0 == .rii }
    if !slopeKinds.isEmpty {
      let slope = slopeIndex(wantRII: wanted.contains(.rii))
      for kind in slopeKinds {
        switch slope[kind] {
        case .success(let measure)?: results.measures.append(measure)
        case .failure(let failure)?: results.failures.append((kind, failure.reason))
        case nil: break
        }
      }
    }
    return results
  }

  // MARK: PAF and PAR

  func attributable(_ kind: InequalityMeasureKind) -> InequalityMeasure {
    let ref = attributableReference()
    let mu = mean
    let difference = y[ref] - mu
    let noGain =
      (input.direction == .favourable && difference < 0)
      || (input.direction == .adverse && difference > 0)
    let total = input.groups.reduce(0) { $0 + $1.population }
    let fractionSE = SummaryFormulas.walterFractionStandardError(
      referenceEstimate: y[ref], referencePopulation: input.groups[ref].population, mean: mu,
      totalPopulation: total, scale: input.scale)
    if kind == .paf {
      let paf = noGain ? 0 : 100 * difference / mu
      return normal(
        .paf, paf, 100 * fractionSE, note: "per cent of the weighted mean (estimate and SE)")
    }
    let par = noGain ? 0 : difference
    return normal(.par, par, abs(mu) * fractionSE, note: scaleText)
  }

  // MARK: ACI and RCI

  func sortedByOrder() -> [Int] {
    y.indices.sorted { input.groups[$0].order! < input.groups[$1].order! }
  }

  func concentration(_ kind: InequalityMeasureKind) -> InequalityMeasure {
    let order = sortedByOrder()
    let pops = order.map { input.groups[$0].population }
    let ranks = OrderedFormulas.ranks(populations: pops)
    let values = order.map { y[$0] }
    let fit = OrderedFormulas.concentrationIndex(y: values, populations: pops, ranks: ranks)
    if kind == .aci { return normal(.aci, fit.estimate, fit.standardError, note: scaleText) }
    let mu = mean
    return normal(.rci, fit.estimate / mu, fit.standardError / mu, note: "proportion (−1 to 1)")
  }

  // MARK: Monte Carlo measures

  func sampler() -> GroupSampler {
    GroupSampler(
      estimates: y, standardErrors: input.groups.map { $0.standardError ?? 0 },
      events: input.groups.map(\.events), populations: input.groups.map(\.population),
      scale: input.scale, distribution: options.simulationDistribution)
  }

  /// All simulated measures from one stream of draws (common random numbers), so a measure's
  /// interval does not depend on which other measures were asked for.
  func simulate(_ kinds: [InequalityMeasureKind]) -> [InequalityMeasure] {
    var rng = Xoshiro256StarStar(seed: options.seed)
    let sampler = sampler()
    let ref = input.referenceIndex ?? 0
    var draws = [[Double]](
      repeating: [Double](repeating: 0, count: options.simulations), count: kinds.count)
    var values = [Double](repeating: 0, count: kinds.count)
    for s in 0..<options.simulations {
      let v = sampler.draw(using: &rng)
      SimulatedSummary.evaluate(
        kinds, v, p, direction: input.direction, reference: ref, into: &values)
      for i in kinds.indices { draws[i][s] = values[i] }
    }
    SimulatedSummary.evaluate(
      kinds, y, p, direction: input.direction, reference: ref, into: &values)
    let alpha = 1 - options.confidence
    return kinds.enumerated().map { i, kind in
      let sorted = draws[i].sorted()
      let note: String
      switch kind {
      case .cov, .idisu, .idisw: note = "per cent"
      default: note = scaleText
      }
      return InequalityMeasure(
        kind: kind, estimate: values[i],
        standardError: sampleStandardDeviation(sorted),
        lower: quantileType7(sorted: sorted, probability: alpha / 2),
        upper: quantileType7(sorted: sorted, probability: 1 - alpha / 2),
        confidence: options.confidence,
        intervalMethod: .monteCarlo(simulations: options.simulations, seed: options.seed),
        scaleNote: note)
    }
  }

  // MARK: SII and RII

  struct SlopeFailure: Error {
    let reason: String
  }

  func slopeIndex(wantRII: Bool) -> [InequalityMeasureKind: Result<InequalityMeasure, SlopeFailure>]
  {
    let order = sortedByOrder()
    let pops = order.map { input.groups[$0].population }
    let ranks = OrderedFormulas.ranks(populations: pops)
    let values = order.map { y[$0] }
    switch options.slopeIndexMethod {
    case .weightedLeastSquares:
      return linearSlope(order: order, pops: pops, ranks: ranks, values: values)
    case .logistic(let weighting):
      return logisticSlope(pops: pops, ranks: ranks, values: values, weighting: weighting)
    }
  }

  func linearSlope(order: [Int], pops: [Double], ranks: [Double], values: [Double])
    -> [InequalityMeasureKind: Result<InequalityMeasure, SlopeFailure>]
  {
    let total = pops.reduce(0, +)
    let shares = pops.map { $0 / total }
    let line = OrderedFormulas.weightedLine(x: ranks, y: values, w: shares)
    var rng = Xoshiro256StarStar(seed: options.seed)
    let sampler = sampler()
    var siiDraws = [Double](repeating: 0, count: options.simulations)
    var riiDraws = [Double](repeating: 0, count: options.simulations)
    for s in 0..<options.simulations {
      let v = sampler.draw(using: &rng)
      let fit = OrderedFormulas.weightedLine(x: ranks, y: order.map { v[$0] }, w: shares)
      siiDraws[s] = fit.slope
      riiDraws[s] = (fit.intercept + fit.slope) / fit.intercept
    }
    siiDraws.sort()
    riiDraws.sort()
    let alpha = 1 - options.confidence
    let method = IntervalMethod.monteCarlo(simulations: options.simulations, seed: options.seed)
    var out: [InequalityMeasureKind: Result<InequalityMeasure, SlopeFailure>] = [:]
    out[.sii] = .success(
      InequalityMeasure(
        kind: .sii, estimate: line.slope, standardError: sampleStandardDeviation(siiDraws),
        lower: quantileType7(sorted: siiDraws, probability: alpha / 2),
        upper: quantileType7(sorted: siiDraws, probability: 1 - alpha / 2),
        confidence: options.confidence, intervalMethod: method,
        scaleNote: "\(scaleText), fitted value at rank 1 (most advantaged) minus rank 0"))
    if line.intercept > 0 && line.intercept + line.slope > 0 {
      let allPositive = riiDraws.first! > 0
      out[.rii] = .success(
        InequalityMeasure(
          kind: .rii, estimate: (line.intercept + line.slope) / line.intercept,
          standardError: allPositive ? sampleStandardDeviation(riiDraws.map { log($0) }) : nil,
          standardErrorScale: .naturalLogarithm,
          lower: quantileType7(sorted: riiDraws, probability: alpha / 2),
          upper: quantileType7(sorted: riiDraws, probability: 1 - alpha / 2),
          confidence: options.confidence, intervalMethod: method,
          scaleNote: "ratio of fitted values at rank 1 and rank 0"))
    } else {
      out[.rii] = .failure(
        SlopeFailure(
          reason: "the fitted line is not positive at both ends of the rank "
            + "(intercept \(line.intercept), slope \(line.slope)), so their ratio is undefined"))
    }
    return out
  }

  func logisticSlope(
    pops: [Double], ranks: [Double], values: [Double], weighting: LogisticWeighting
  )
    -> [InequalityMeasureKind: Result<InequalityMeasure, SlopeFailure>]
  {
    let proportions: [Double]
    let weights: [Double]
    switch weighting {
    case .population:
      proportions = values.map { $0 / input.scale }
      weights = pops
    case .populationSquared:
      let trials = pops.map { $0.rounded(.up) }
      proportions = values.indices.map {
        (values[$0] / input.scale * trials[$0]).rounded(.toNearestOrEven) / trials[$0]
      }
      weights = trials.map { $0 * $0 }
    }
    guard
      let fit = OrderedFormulas.logisticSlope(
        ranks: ranks, proportions: proportions, weights: weights)
    else {
      let failure = SlopeFailure(
        reason: "the logistic regression on the rank did not converge in 100 iterations")
      return [.sii: .failure(failure), .rii: .failure(failure)]
    }
    let scale = input.scale
    let siiSE = fit.siiStandardError * scale
    return [
      .sii: .success(
        normal(
          .sii, fit.sii * scale, siiSE,
          note: "\(scaleText), fitted value at rank 1 (most advantaged) minus rank 0",
          method: .robustLogistic)),
      .rii: .success(
        InequalityMeasure(
          kind: .rii, estimate: exp(fit.logRII), standardError: fit.logRIIStandardError,
          standardErrorScale: .naturalLogarithm,
          lower: exp(fit.logRII - z * fit.logRIIStandardError),
          upper: exp(fit.logRII + z * fit.logRIIStandardError), confidence: options.confidence,
          intervalMethod: .robustLogistic, scaleNote: "ratio of fitted values at rank 1 and rank 0")
      ),
    ]
  }
}
