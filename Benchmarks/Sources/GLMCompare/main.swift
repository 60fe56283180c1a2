// glm-compare: the disparity side of bench/compare.sh's GLM comparison.
//
//   glm-compare FILE.csv [COEFFICIENTS.csv]
//
// Reads aggregated rows (ethnicity, age, sex, imd, events, population), fits the Poisson model
// events ~ ethnicity + age + sex + imd with offset ln(population) (R's treatment contrasts,
// references "White - British", "0-4", "Female", "Q1"), prints one line of timings
// (`read_s design_s fit_s rows parameters iterations deviance`) and writes the coefficients
// (term, estimate, std_error) to COEFFICIENTS.csv so that the script can compare them with
// statsmodels'.
import Disparity
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  FileHandle.standardError.write(
    "usage: glm-compare FILE.csv [COEFFICIENTS.csv]\n".data(using: .utf8)!)
  exit(2)
}
let clock = ContinuousClock()
func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

do {
  var start = clock.now
  let reader = try CSVReader(path: arguments[1])
  let names = ["ethnicity", "age", "sex", "imd"]
  let factorColumns = try names.map { name throws(IngestError) in try reader.header.index(of: name)
  }
  let eventsColumn = try reader.header.index(of: "events")
  let populationColumn = try reader.header.index(of: "population")
  var factors = [[String]](repeating: [], count: names.count)
  var events: [Double] = []
  var population: [Double] = []
  try reader.forEachRecord { record in
    for (k, column) in factorColumns.enumerated() { factors[k].append(record[column].string) }
    events.append(try record.countValue(at: eventsColumn).number ?? .nan)
    population.append(try record.countValue(at: populationColumn).number ?? .nan)
  }
  let readTime = seconds(clock.now - start)

  start = clock.now
  var builder = DesignMatrixBuilder(rowCount: events.count)
  let references = ["White - British", "0-4", "Female", "Q1"]
  for (k, name) in names.enumerated() {
    try builder.addFactor(name, values: factors[k], reference: references[k])
  }
  let design = try builder.build()
  let designTime = seconds(clock.now - start)

  start = clock.now
  let fit = try GeneralisedLinearModel.fit(
    design: design, family: .poisson, events: events, exposure: population)
  let fitTime = seconds(clock.now - start)

  print(
    "\(readTime) \(designTime) \(fitTime) \(events.count) \(design.columnCount) \(fit.iterations) \(fit.deviance)"
  )
  if arguments.count >= 3 {
    var text = "term,estimate,std_error\n"
    for c in fit.coefficients {
      text += "\"\(c.term.name)\",\(c.estimate),\(c.standardError)\n"
    }
    try text.write(toFile: arguments[2], atomically: true, encoding: .utf8)
  }
} catch {
  FileHandle.standardError.write("glm-compare: \(error)\n".data(using: .utf8)!)
  exit(1)
}
