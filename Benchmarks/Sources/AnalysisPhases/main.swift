// analysis-phases: where the time of one `disparity analyse` run goes, phase by phase.
//
//   analysis-phases aggregated FILE.csv     # --scheme raw --group group --age age
//                                           # --numerator events --denominator population
//                                           # --confidence 0.95,0.998 --reference none
//   analysis-phases records FILE.csv POPULATION.csv   # --age age --population POPULATION.csv
//
// Times the public building blocks that `Analysis.run()` calls, in its order (tabulation,
// classification of each distinct group label, DSRs, the CSV rendering), then the whole
// `Analysis.run()` and rendering, so that a target that is missed can be attributed. Each line:
// `phase seconds`.
import Disparity
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  FileHandle.standardError.write(
    "usage: analysis-phases aggregated FILE.csv | records FILE.csv POPULATION.csv\n".data(
      using: .utf8)!)
  exit(2)
}
let clock = ContinuousClock()
func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
  let start = clock.now
  let value = try body()
  print(name, String(format: "%.4f", seconds(clock.now - start)))
  return value
}

do {
  let aggregated = arguments[1] == "aggregated"
  var spec = AnalysisSpecification(inputs: [arguments[2]])
  spec.age = "age"
  if aggregated {
    spec.scheme = "raw"
    spec.group = "group"
    spec.numerator = "events"
    spec.denominator = "population"
    spec.confidence = [0.95, 0.998]
    spec.reference = .none
  } else {
    spec.populationFile = arguments[3]
  }

  // The building blocks, as Analysis.run() uses them.
  let events = try time("tabulate-input") {
    try Tabulator.tabulate(
      arguments[2],
      request: TabulationRequest(
        group: spec.group, age: "age", events: spec.numerator, population: spec.denominator))
  }
  if ProcessInfo.processInfo.environment["PHASES_TABULATE_ONLY"] != nil {
    // PHASES_WORKERS: the number of reading threads (default: one per core).
    let workers = ProcessInfo.processInfo.environment["PHASES_WORKERS"].flatMap { Int($0) }
    for _ in 0..<9 {
      _ = try time("tabulate-input") {
        try Tabulator.tabulate(
          arguments[2],
          request: TabulationRequest(
            group: spec.group, age: "age", events: spec.numerator, population: spec.denominator),
          workers: workers ?? Tabulator.defaultWorkers)
      }
    }
    exit(0)
  }
  let population = try spec.populationFile.map { file in
    try time("tabulate-population") {
      try Tabulator.tabulate(
        file, request: TabulationRequest(group: "ethnicity", age: "age", population: "population"))
    }
  }
  let normaliser = try time("normaliser-init") {
    try EthnicityNormaliser(catalogue: try EthnicityCatalogue.builtIn(), target: spec.scheme)
  }
  let labels = events.counts.groups.strings
  _ = time("classify-\(labels.count)-input-labels") { labels.map { normaliser.classify($0) } }
  if let population {
    let more = population.counts.groups.strings
    _ = time("classify-\(more.count)-population-labels") { more.map { normaliser.classify($0) } }
  }
  if aggregated {
    // DSRs from the tabulated counts: the arithmetic alone.
    let standard = try StandardPopulation.named(orPath: "esp2013")
    let bandOf = events.counts.ages.strings.map { label in
      standard.bands.firstIndex { $0.description == label } ?? 0
    }
    var e = [[Double]](repeating: Array(repeating: 0, count: 19), count: labels.count)
    var p = e
    for (key, t) in events.counts.totals {
      e[Int(key.group)][bandOf[Int(key.age)]] += t.events
      p[Int(key.group)][bandOf[Int(key.age)]] += t.population
    }
    _ = try time("dsr-\(labels.count)-groups-two-levels") {
      try (0..<labels.count).map { g in
        try DirectlyStandardisedRate(
          events: e[g], populations: p[g], standard: standard.weights,
          levels: [.ninetyFive, .ninetyNinePointEight])
      }
    }
  }

  // The whole run, and the rendering of its table.
  let result = try time("analysis-run-total") { try Analysis(specification: spec).run() }
  let text = time("render-csv") { CSVRenderer().render(result.report.tables[0]) }
  _ = time("data-quality-text-\(result.dataQualityText.utf8.count)-bytes") {
    result.dataQualityText.count
  }
  print("output-bytes", text.utf8.count)
} catch {
  FileHandle.standardError.write("analysis-phases: \(error)\n".data(using: .utf8)!)
  exit(1)
}
