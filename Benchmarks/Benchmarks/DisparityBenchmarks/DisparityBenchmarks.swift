@preconcurrency import Benchmark
import Disparity
import Foundation

// One benchmark per stage of the flow (ARCHITECTURE.md) plus the whole `analyse` run.
//
// Thresholds: `Thresholds/` holds the p90 of each metric from a run on the project's machine
// (`swift package --allow-writing-to-package-directory benchmark thresholds update`);
// `swift package benchmark thresholds check` fails (exit 2) when a metric is worse than that by
// more than the tolerance below. The machines are shared 2-core builders, so time tolerances are
// wide (a real regression of the hot loops is a multiple, not a few per cent); allocation counts
// are deterministic and checked tightly.
let benchmarks: @Sendable () -> Void = {
  let timeTolerance = BenchmarkThresholds(relative: [.p90: 35.0])
  let allocationTolerance = BenchmarkThresholds(relative: [.p90: 5.0], absolute: [.p90: 200])
  let memoryTolerance = BenchmarkThresholds(relative: [.p90: 25.0])
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(3),
    maxIterations: 50,
    thresholds: [
      .wallClock: timeTolerance,
      .cpuTotal: timeTolerance,
      .mallocCountTotal: allocationTolerance,
      .peakMemoryResident: memoryTolerance,
    ]
  )

  // MARK: Ingest

  // Every field of 200,000 record-level rows (about 9 MB), sequentially.
  Benchmark("Ingest: read 200k-row CSV (sequential)") { benchmark in
    let path = Inputs.records.records
    benchmark.startMeasurement()
    let reader = try CSVReader(path: path)
    var bytes = 0
    try reader.forEachRecord { record in
      for field in record { bytes &+= field.byteCount }
    }
    benchmark.stopMeasurement()
    blackHole(bytes)
  }

  // The same file on two threads, split at record boundaries.
  Benchmark("Ingest: read 200k-row CSV (2 workers)") { benchmark in
    let path = Inputs.records.records
    benchmark.startMeasurement()
    let reader = try CSVReader(path: path, options: CSVReadOptions(minimumChunkBytes: 64 << 10))
    let bytes = try reader.parallelReduce(
      workers: 2, initial: { 0 },
      body: { total, record in
        for field in record { total &+= field.byteCount }
      }, merge: { $0 += $1 })
    benchmark.stopMeasurement()
    blackHole(bytes)
  }

  // MARK: Normalise

  // Classifying every distinct label variant of the synthetic data into NHS 2001 and ONS 2021
  // (the analysis classifies distinct labels once, not once per row).
  Benchmark("Normalise: classify 1,000 labels") { benchmark in
    let catalogue = try EthnicityCatalogue.builtIn()
    let nhs = try EthnicityNormaliser(catalogue: catalogue, target: "nhs-2001")
    let ons = try EthnicityNormaliser(catalogue: catalogue, target: "ons-2021")
    var labels = Inputs.groups.flatMap { [$0.label] + $0.variants }
    labels += [
      "Not stated", "Z", "Refused", "", "99", "Not known", "BAME", "Mixed: White and Asian",
    ]
    let sample = (0..<1_000).map { labels[$0 % labels.count] + ($0 >= labels.count ? " " : "") }
    benchmark.startMeasurement()
    var groups = 0
    for label in sample {
      if nhs.classify(label).status == .group { groups += 1 }
      if ons.classify(label).status == .group { groups += 1 }
    }
    benchmark.stopMeasurement()
    blackHole(groups)
  }

  Benchmark("Normalise: load built-in catalogue") { _ in
    blackHole(try EthnicityCatalogue.builtIn())
  }

  // MARK: Tabulate

  Benchmark("Tabulate: 200k record-level rows by ethnicity x age") { benchmark in
    let path = Inputs.records.records
    benchmark.startMeasurement()
    let result = try Tabulator.tabulate(
      path, request: TabulationRequest(group: "ethnicity", age: "age"))
    benchmark.stopMeasurement()
    blackHole(result)
  }

  // MARK: Statistics

  // 20,000 groups x 19 bands, Dobson with Byar limits at two levels (issue 3's speed target,
  // without the CSV).
  Benchmark("DSR: 20,000 groups x 19 bands, two levels") { benchmark in
    let data = Inputs.aggregated(groupCount: 20_000)
    let standard = try StandardPopulation.named(orPath: "esp2013").weights
    benchmark.startMeasurement()
    var total = 0.0
    for g in data.events.indices {
      let dsr = try DirectlyStandardisedRate(
        events: data.events[g], populations: data.populations[g], standard: standard,
        levels: [.ninetyFive, .ninetyNinePointEight])
      total += dsr.intervals[1].upper
    }
    benchmark.stopMeasurement()
    blackHole(total)
  }

  Benchmark("ISR: 20,000 groups x 19 bands, two levels") { benchmark in
    let data = Inputs.aggregated(groupCount: 20_000)
    let reference = try ReferenceRates.combining(
      zip(data.events, data.populations).map { AgeSpecificCounts(events: $0, populations: $1) })
    benchmark.startMeasurement()
    var total = 0.0
    for g in data.events.indices {
      let ratio = try IndirectlyStandardisedRatio(
        events: data.events[g], populations: data.populations[g], reference: reference,
        levels: [.ninetyFive, .ninetyNinePointEight])
      total += ratio.intervals[1].upper
    }
    benchmark.stopMeasurement()
    blackHole(total)
  }

  // MARK: Inequality

  // Every measure that applies to 16 ethnic groups (non-ordered) with 10,000 simulations.
  Benchmark("Inequality: all measures, 16 groups, 10,000 simulations") { benchmark in
    let data = Inputs.aggregated(groupCount: 16)
    let groups = data.events.indices.map { g in
      let events = data.events[g].reduce(0, +)
      let population = data.populations[g].reduce(0, +)
      let rate = events / population * 100_000
      return InequalityGroup(
        name: Inputs.groups[g].label, estimate: rate,
        standardError: rate / max(events, 1).squareRoot(), population: population,
        isReference: g == 0, events: events)
    }
    let input = try InequalityInput(
      groups: groups, direction: .adverse, scale: 100_000, isOrdered: false,
      dimensionName: "ethnicity")
    benchmark.startMeasurement()
    blackHole(try Inequality.measures(input))
    benchmark.stopMeasurement()
  }

  // SII/RII, ACI and RCI over deprivation deciles.
  Benchmark("Inequality: ordered measures, 10 deciles, 10,000 simulations") { benchmark in
    let data = Inputs.aggregated(groupCount: 10)
    let groups = data.events.indices.map { g in
      let events = data.events[g].reduce(0, +)
      let population = data.populations[g].reduce(0, +)
      let rate = events / population * 100_000
      return InequalityGroup(
        name: "Decile \(g + 1)", estimate: rate,
        standardError: rate / max(events, 1).squareRoot(), population: population,
        order: g + 1, events: events)
    }
    let input = try InequalityInput(
      groups: groups, direction: .adverse, scale: 100_000, isOrdered: true,
      dimensionName: "IMD decile")
    benchmark.startMeasurement()
    blackHole(try Inequality.measures(input))
    benchmark.stopMeasurement()
  }

  // MARK: Regression

  // Poisson GLM, 100,000 aggregated rows x 39 parameters (bench/compare.sh runs 1,000,000 rows
  // against statsmodels with the glm-compare executable).
  Benchmark("GLM: Poisson, 100k rows x 39 parameters") { benchmark in
    let problem = Inputs.regression(rows: 100_000)
    benchmark.startMeasurement()
    let fit = try GeneralisedLinearModel.fit(
      design: problem.design, family: .poisson, events: problem.events,
      exposure: problem.population)
    benchmark.stopMeasurement()
    blackHole(fit)
  }

  // MARK: The whole flow

  // `disparity analyse records.csv --age age --population population.csv`: read, normalise to
  // NHS 2001, re-band to ESP2013, DSRs by ethnic group.
  Benchmark("Analyse: 200k record-level rows to DSRs by ethnic group") { benchmark in
    var spec = AnalysisSpecification(inputs: [Inputs.records.records])
    spec.group = "ethnicity"
    spec.age = "age"
    spec.populationFile = Inputs.records.population
    benchmark.startMeasurement()
    blackHole(try Analysis(specification: spec).run())
    benchmark.stopMeasurement()
  }

  // Issue 3's target, from CSV: 2,000 groups x 19 bands here (compare.sh runs 20,000).
  Benchmark("Analyse: aggregated 2,000 groups x 19 bands, two levels") { benchmark in
    var spec = AnalysisSpecification(inputs: [Inputs.aggregatedFile])
    spec.group = "group"
    spec.scheme = "raw"
    spec.age = "age"
    spec.numerator = "events"
    spec.denominator = "population"
    spec.confidence = [0.95, 0.998]
    spec.reference = .none
    benchmark.startMeasurement()
    blackHole(try Analysis(specification: spec).run())
    benchmark.stopMeasurement()
  }
}
