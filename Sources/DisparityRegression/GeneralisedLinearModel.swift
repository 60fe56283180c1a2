import DisparityIngest
import DisparityLinearAlgebra
import DisparityStatistics
import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fits generalised linear models (Poisson and binomial, and their quasi forms) by iteratively
/// reweighted least squares.
///
/// Each iteration forms XᵀWX and XᵀWz in blocks of rows with BLAS `dsyrk` and `dgemv` (the
/// design is never held densely), factorises XᵀWX by Cholesky keeping columns in order and
/// setting aside aliased ones (``OrderedCholesky``), and solves with LAPACK `dpotrs`. The starting
/// values, the numerical safeguards of the families, the step halving and the convergence rule
/// are R's `glm.fit`, so the coefficients agree with R's to many digits and aliased terms are the
/// ones R reports as NA. Standard errors come from (XᵀWX)⁻¹ at the last iteration's weights, as
/// R's `summary.glm`, scaled by the dispersion.
public enum GeneralisedLinearModel {
  /// Fits a model of `events` against `design`.
  ///
  /// - Parameters:
  ///   - design: the design matrix (intercept, categorical terms, covariates).
  ///   - family: the family; Poisson families use log link and offset ln(`exposure`), binomial
  ///     families use logit link with `exposure` the number of trials.
  ///   - events: the event count of each row.
  ///   - exposure: the population (Poisson; must be positive) or trials (binomial; at least
  ///     `events`).
  ///   - options: convergence, interval and threading settings.
  ///   - locateRow: maps a zero-based row to its place in the input, for error messages.
  /// - Throws: ``RegressionError`` for invalid data, naming the row.
  public static func fit(
    design: DesignMatrix, family: GLMFamily, events: [Double], exposure: [Double],
    options: GLMOptions = GLMOptions(), locateRow: ((Int) -> SourceLocation?)? = nil
  ) throws(RegressionError) -> GLMFit {
    let n = design.rowCount
    guard events.count == n else {
      throw .lengthMismatch(variable: "the outcome", expected: n, actual: events.count)
    }
    guard exposure.count == n else {
      throw .lengthMismatch(
        variable: family.isBinomial ? "the trials" : "the population", expected: n,
        actual: exposure.count)
    }
    guard n > 0 else { throw .noData }

    // Validate, and put the data in R's form: y and prior weights (binomial: y = events/trials,
    // weight = trials), offset ln(population) for Poisson.
    var y = [Double](repeating: 0, count: n)
    var priorWeights: [Double]? = nil
    var offset: [Double]? = nil
    var nonInteger = 0
    var withoutTrials = 0
    if family.isBinomial {
      var weights = [Double](repeating: 0, count: n)
      for i in 0..<n {
        let k = events[i]
        let t = exposure[i]
        guard k.isFinite else {
          throw .notFinite(row: i, variable: "the outcome", location: locateRow?(i))
        }
        guard t.isFinite else {
          throw .notFinite(row: i, variable: "the trials", location: locateRow?(i))
        }
        guard k >= 0 else { throw .negativeCount(row: i, value: k, location: locateRow?(i)) }
        guard t >= 0 else { throw .negativeTrials(row: i, value: t, location: locateRow?(i)) }
        guard k <= t else {
          throw .eventsExceedTrials(row: i, events: k, trials: t, location: locateRow?(i))
        }
        if k != k.rounded() || t != t.rounded() { nonInteger += 1 }
        if t == 0 { withoutTrials += 1 }
        y[i] = t > 0 ? k / t : 0
        weights[i] = t
      }
      priorWeights = weights
    } else {
      var logPopulation = [Double](repeating: 0, count: n)
      for i in 0..<n {
        let k = events[i]
        let p = exposure[i]
        guard k.isFinite else {
          throw .notFinite(row: i, variable: "the outcome", location: locateRow?(i))
        }
        guard p.isFinite else {
          throw .notFinite(row: i, variable: "the population", location: locateRow?(i))
        }
        guard k >= 0 else { throw .negativeCount(row: i, value: k, location: locateRow?(i)) }
        guard p > 0 else { throw .nonPositivePopulation(row: i, value: p, location: locateRow?(i)) }
        if k != k.rounded() { nonInteger += 1 }
        y[i] = k
        logPopulation[i] = log(p)
      }
      offset = logPopulation
    }
    let informative = n - withoutTrials
    guard informative > 0 else { throw .noData }

    var fitter = IRLS(
      design: design, family: FamilyFunctions(binomial: family.isBinomial), y: y,
      priorWeights: priorWeights, offset: offset, options: options)
    OneBLASThread.enter()
    defer { OneBLASThread.leave() }
    let state = try fitter.run()

    var warnings: [GLMWarning] = []
    if nonInteger > 0 { warnings.append(.nonIntegerCounts(count: nonInteger)) }
    if withoutTrials > 0 { warnings.append(.rowsWithoutTrials(count: withoutTrials)) }
    for iteration in state.halvedSteps { warnings.append(.stepHalved(iteration: iteration)) }
    if !state.converged {
      warnings.append(
        .notConverged(iterations: state.iterations, relativeDevianceChange: state.lastChange))
    }
    let names = design.terms.map(\.name)
    if !state.cholesky.dependent.isEmpty {
      warnings.append(.aliasedTerms(state.cholesky.dependent.map { names[$0] }))
    }
    // A coefficient with no finite maximum keeps moving: in a separated fit the Newton step of
    // the affected terms stays near ±1 on the log scale, iteration after iteration, while in a
    // converged fit every other term's last step is many orders of magnitude below 0.01. A fit
    // stopped by the iteration limit moves all its terms, so there a term must also have gone
    // beyond ±10 (a ratio past e¹⁰ ≈ 22,000, which no health comparison reaches; the intercept,
    // a log rate that can legitimately be below −10, is left out of that test).
    let diverging = state.cholesky.kept.filter { j in
      guard abs(state.lastStep[j]) > 0.01 else { return false }
      return state.converged || (j > 0 && abs(state.beta[j]) > 10)
    }
    if !diverging.isEmpty { warnings.append(.divergingEstimates(diverging.map { names[$0] })) }

    // Fit summaries.
    let fam = fitter.family
    var pearson = 0.0
    var boundary = 0
    var logLikelihood = 0.0
    let boundaryEpsilon = 10 * Double.ulpOfOne
    for i in 0..<n {
      let w = priorWeights?[i] ?? 1
      if w == 0 { continue }
      let mu = state.mu[i]
      let r = y[i] - mu
      pearson += w * r * r / fam.variance(mu)
      if mu < boundaryEpsilon || (family.isBinomial && mu > 1 - boundaryEpsilon) { boundary += 1 }
      logLikelihood += fam.logLikelihood(y: y[i], mu: mu, weight: w)
    }
    if boundary > 0 { warnings.append(.fittedValuesAtBoundary(count: boundary)) }
    let rank = state.cholesky.kept.count
    let residualDF = informative - rank
    let estimatedDispersion = residualDF > 0 ? pearson / Double(residualDF) : .nan
    let dispersion = family.estimatesDispersion ? estimatedDispersion : 1

    // Null deviance: the intercept-only model with the same offset, in closed form (R fits it
    // by IRLS; its optimum is the overall rate Σy/Σpopulation or proportion Σevents/Σtrials).
    var nullDeviance = 0.0
    if family.isBinomial {
      var events = 0.0
      var trials = 0.0
      for i in 0..<n {
        let w = priorWeights![i]
        events += w * y[i]
        trials += w
      }
      let p = events / trials
      for i in 0..<n where priorWeights![i] > 0 {
        nullDeviance += fam.deviance(y: y[i], mu: p, weight: priorWeights![i])
      }
    } else {
      var total = 0.0
      var population = 0.0
      for i in 0..<n {
        total += y[i]
        population += exposure[i]
      }
      if total > 0 {
        let rate = total / population
        for i in 0..<n { nullDeviance += fam.deviance(y: y[i], mu: rate * exposure[i], weight: 1) }
      }
    }

    // Coefficients, standard errors and Wald intervals.
    let p = design.columnCount
    let unscaled: Matrix
    do { unscaled = try state.cholesky.inverse() } catch { throw .linearAlgebra(error) }
    var covariance = Matrix(rows: p, columns: p, columnMajor: Array(repeating: .nan, count: p * p))
    for (a, i) in state.cholesky.kept.enumerated() {
      for (b, j) in state.cholesky.kept.enumerated() {
        covariance[i, j] = dispersion * unscaled[a, b]
      }
    }
    let z = Distributions.zCritical(confidence: options.confidenceLevel)
    var coefficients: [GLMCoefficient] = []
    let aliased = Set(state.cholesky.dependent)
    for j in 0..<p {
      if aliased.contains(j) {
        coefficients.append(
          GLMCoefficient(
            term: design.terms[j], estimate: .nan, standardError: .nan, statistic: .nan,
            pValue: .nan, ratio: .nan, ratioLower: .nan, ratioUpper: .nan, aliased: true))
        continue
      }
      let b = state.beta[j]
      let se = covariance[j, j].squareRoot()
      let statistic = b / se
      let pValue: Double
      if family.estimatesDispersion {
        pValue =
          residualDF > 0
          ? 2 * Distributions.studentsTCDF(-abs(statistic), degreesOfFreedom: Double(residualDF))
          : .nan
      } else {
        pValue = 2 * Distributions.normalCDF(-abs(statistic))
      }
      coefficients.append(
        GLMCoefficient(
          term: design.terms[j], estimate: b, standardError: se, statistic: statistic,
          pValue: pValue, ratio: exp(b), ratioLower: exp(b - z * se), ratioUpper: exp(b + z * se),
          aliased: false))
    }
    return GLMFit(
      family: family, coefficients: coefficients, deviance: state.deviance,
      nullDeviance: nullDeviance, residualDegreesOfFreedom: residualDF,
      nullDegreesOfFreedom: informative - 1, rank: rank, iterations: state.iterations,
      converged: state.converged, dispersion: dispersion, pearsonChiSquared: pearson,
      estimatedDispersion: estimatedDispersion,
      aic: family.estimatesDispersion ? nil : -2 * logLikelihood + 2 * Double(rank),
      covariance: covariance, fittedValues: state.mu, confidenceLevel: options.confidenceLevel,
      warnings: warnings)
  }
}

/// Poisson regression of event counts with offset ln(population): adjusted rate ratios.
public enum PoissonRegression {
  /// Fits `events ~ design + offset(log(population))` with family Poisson (or quasi-Poisson when
  /// `quasi` is true: the same estimates, standard errors scaled by √(Pearson χ²/df)).
  public static func fit(
    design: DesignMatrix, events: [Double], population: [Double], quasi: Bool = false,
    options: GLMOptions = GLMOptions(), locateRow: ((Int) -> SourceLocation?)? = nil
  ) throws(RegressionError) -> GLMFit {
    try GeneralisedLinearModel.fit(
      design: design, family: quasi ? .quasipoisson : .poisson, events: events,
      exposure: population, options: options, locateRow: locateRow)
  }
}

/// Logistic regression of events out of trials: adjusted odds ratios.
public enum LogisticRegression {
  /// Fits `cbind(events, trials − events) ~ design` with family binomial, logit link (or
  /// quasi-binomial when `quasi` is true).
  public static func fit(
    design: DesignMatrix, events: [Double], trials: [Double], quasi: Bool = false,
    options: GLMOptions = GLMOptions(), locateRow: ((Int) -> SourceLocation?)? = nil
  ) throws(RegressionError) -> GLMFit {
    try GeneralisedLinearModel.fit(
      design: design, family: quasi ? .quasibinomial : .binomial, events: events,
      exposure: trials, options: options, locateRow: locateRow)
  }
}

/// Keeps OpenBLAS on one thread while any fit runs, and restores its thread count after the
/// last.
///
/// The count is one setting for the whole process and fits may run at the same time (an
/// analyst's own tasks, the test runner): when each fit restored the count it found as it
/// ended, another fit still running could make its `dsyrk` calls threaded, which changed the
/// last digit of its standard errors.
private enum OneBLASThread {
  private final class State: @unchecked Sendable {
    let lock = NSLock()
    var running = 0
    var previous = 1
  }
  private static let state = State()

  static func enter() {
    state.lock.lock()
    defer { state.lock.unlock() }
    if state.running == 0 {
      state.previous = LinearAlgebra.blasThreads
      LinearAlgebra.blasThreads = 1
    }
    state.running += 1
  }

  static func leave() {
    state.lock.lock()
    defer { state.lock.unlock() }
    state.running -= 1
    if state.running == 0 { LinearAlgebra.blasThreads = state.previous }
  }
}

/// A pointer that may be shared by the worker threads of one fit, each of which touches only
/// its own part of the memory.
private struct SharedPointer<T>: @unchecked Sendable {
  let base: UnsafeMutablePointer<T>
}

/// Hands out chunk numbers 0, 1, 2, … to worker threads, each exactly once.
private final class ChunkQueue: @unchecked Sendable {
  private let lock = NSLock()
  private var next = 0
  private let count: Int

  init(count: Int) { self.count = count }

  func take() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < count else { return nil }
    next += 1
    return next - 1
  }
}

/// The IRLS iteration of R's `glm.fit`, with XᵀWX built blockwise on several threads.
private struct IRLS {
  let design: DesignMatrix
  let family: FamilyFunctions
  let y: [Double]
  let priorWeights: [Double]?
  let offset: [Double]?
  let options: GLMOptions

  struct State {
    var beta: [Double]
    var lastStep: [Double]
    var mu: [Double]
    var deviance: Double
    var iterations: Int
    var converged: Bool
    var lastChange: Double
    var cholesky: OrderedCholesky
    var halvedSteps: [Int]
  }

  /// Rows per chunk of work. The chunks depend on the number of rows only, and their partial
  /// sums are added in chunk order, so the fit is the same to the last digit whatever the
  /// number of threads.
  static let chunkRows = 32_768

  /// The rows split into chunks of ``chunkRows``.
  private var chunks: [Range<Int>] {
    let n = design.rowCount
    return stride(from: 0, to: n, by: Self.chunkRows).map { $0..<min($0 + Self.chunkRows, n) }
  }

  /// Runs `work` on up to `options.threads` threads; each takes chunks from `queue` until none
  /// is left, so a thread slowed by other load on the machine simply takes fewer chunks.
  private func onWorkers(chunkCount: Int, _ work: @Sendable (ChunkQueue) -> Void) {
    let queue = ChunkQueue(count: chunkCount)
    let workers = max(1, min(options.threads, chunkCount))
    if workers == 1 {
      work(queue)
    } else {
      DispatchQueue.concurrentPerform(iterations: workers) { _ in work(queue) }
    }
  }

  mutating func run() throws(RegressionError) -> State {
    let n = design.rowCount
    let p = design.columnCount
    var eta = [Double](repeating: 0, count: n)
    var mu = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let start = family.initialMean(y: y[i], weight: priorWeights?[i] ?? 1)
      eta[i] = family.link(start)
      mu[i] = family.linkInverse(eta[i])
    }
    var devianceOld = deviance(mu: mu)
    var beta = [Double](repeating: 0, count: p)
    var betaOld: [Double]? = nil
    var lastStep = [Double](repeating: .nan, count: p)
    var converged = false
    var lastChange = Double.nan
    var halved: [Int] = []
    var cholesky: OrderedCholesky
    var iteration = 0
    repeat {
      iteration += 1
      let (gram, moment) = accumulate(eta: eta, mu: mu)
      do {
        cholesky = try OrderedCholesky(gram, tolerance: options.aliasingTolerance)
        let solution = try cholesky.solve(moment)
        beta = [Double](repeating: 0, count: p)
        for (k, j) in cholesky.kept.enumerated() { beta[j] = solution[k] }
      } catch {
        throw .linearAlgebra(error)
      }
      var dev = update(beta: beta, eta: &eta, mu: &mu)
      if !dev.isFinite {
        guard let previous = betaOld else { throw .divergentFit(iteration: iteration) }
        halved.append(iteration)
        var inner = 1
        while !dev.isFinite {
          if inner > options.maximumIterations { throw .divergentFit(iteration: iteration) }
          inner += 1
          for j in 0..<p { beta[j] = (beta[j] + previous[j]) / 2 }
          dev = update(beta: beta, eta: &eta, mu: &mu)
        }
      }
      lastStep = zip(beta, betaOld ?? [Double](repeating: 0, count: p)).map { $0 - $1 }
      lastChange = abs(dev - devianceOld) / (abs(dev) + 0.1)
      devianceOld = dev
      betaOld = beta
      if lastChange < options.convergenceTolerance {
        converged = true
        break
      }
    } while iteration < options.maximumIterations
    return State(
      beta: beta, lastStep: lastStep, mu: mu, deviance: devianceOld, iterations: iteration,
      converged: converged, lastChange: lastChange, cholesky: cholesky, halvedSteps: halved)
  }

  private func deviance(mu: [Double]) -> Double {
    var total = 0.0
    for i in 0..<mu.count {
      total += family.deviance(y: y[i], mu: mu[i], weight: priorWeights?[i] ?? 1)
    }
    return total
  }

  /// XᵀWX and XᵀWz at the current η and μ (W and z as in R's glm.fit), summed over blocks.
  private func accumulate(eta: [Double], mu: [Double]) -> (Matrix, [Double]) {
    let p = design.columnCount
    let parts = chunks
    let blockRows = max(1, options.blockRows)
    var partial = [GramAccumulator](repeating: GramAccumulator(columns: 0), count: parts.count)
    let family = self.family
    let design = self.design
    eta.withUnsafeBufferPointer { etaP in
      mu.withUnsafeBufferPointer { muP in
        y.withUnsafeBufferPointer { yP in
          partial.withUnsafeMutableBufferPointer { accP in
            let shared = SharedPointer(base: accP.baseAddress!)
            let etaS = SharedPointer(base: UnsafeMutablePointer(mutating: etaP.baseAddress!))
            let muS = SharedPointer(base: UnsafeMutablePointer(mutating: muP.baseAddress!))
            let yS = SharedPointer(base: UnsafeMutablePointer(mutating: yP.baseAddress!))
            let weights = priorWeights
            let offset = self.offset
            onWorkers(chunkCount: parts.count) { queue in
              // Scratch space per worker, reused for every block it fills.
              let block = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * p)
              let sqrtW = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
              let zw = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
              defer {
                block.deallocate()
                sqrtW.deallocate()
                zw.deallocate()
              }
              while let chunk = queue.take() {
                let range = parts[chunk]
                var accumulator = GramAccumulator(columns: p)
                var start = range.lowerBound
                while start < range.upperBound {
                  let end = min(start + blockRows, range.upperBound)
                  for i in start..<end {
                    let t = i - start
                    let e = etaS.base[i]
                    let m = muS.base[i]
                    let d = family.muEta(e)
                    let w = (weights?[i] ?? 1) * d * d / family.variance(m)
                    let s = w.squareRoot()
                    sqrtW[t] = s
                    zw[t] = s * ((e - (offset?[i] ?? 0)) + (yS.base[i] - m) / d)
                  }
                  design.fillWeightedBlock(rows: start..<end, sqrtWeights: sqrtW, into: block)
                  accumulator.add(
                    block: UnsafeBufferPointer(start: block, count: (end - start) * p),
                    response: UnsafeBufferPointer(start: zw, count: end - start),
                    rows: end - start)
                  start = end
                }
                shared.base[chunk] = accumulator
              }
            }
          }
        }
      }
    }
    var total = partial[0]
    for k in 1..<partial.count { total.add(partial[k]) }
    return (total.gram, total.moment)
  }

  /// Sets η = Xβ + offset and μ = g⁻¹(η), and returns the deviance.
  private func update(beta: [Double], eta: inout [Double], mu: inout [Double]) -> Double {
    let parts = chunks
    var partialDeviance = [Double](repeating: 0, count: parts.count)
    let family = self.family
    let design = self.design
    let weights = priorWeights
    let offset = self.offset
    eta.withUnsafeMutableBufferPointer { etaP in
      mu.withUnsafeMutableBufferPointer { muP in
        y.withUnsafeBufferPointer { yP in
          partialDeviance.withUnsafeMutableBufferPointer { devP in
            let etaS = SharedPointer(base: etaP.baseAddress!)
            let muS = SharedPointer(base: muP.baseAddress!)
            let yS = SharedPointer(base: UnsafeMutablePointer(mutating: yP.baseAddress!))
            let devS = SharedPointer(base: devP.baseAddress!)
            onWorkers(chunkCount: parts.count) { queue in
              while let chunk = queue.take() {
                let range = parts[chunk]
                design.linearPredictor(
                  beta, offset: offset, rows: range, into: etaS.base + range.lowerBound)
                var dev = 0.0
                for i in range {
                  let m = family.linkInverse(etaS.base[i])
                  muS.base[i] = m
                  dev += family.deviance(y: yS.base[i], mu: m, weight: weights?[i] ?? 1)
                }
                devS.base[chunk] = dev
              }
            }
          }
        }
      }
    }
    return partialDeviance.reduce(0, +)
  }
}
