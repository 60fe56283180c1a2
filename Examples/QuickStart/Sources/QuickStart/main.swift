// The getting-started walk-through as a program: validate, analyse, print, write a report.
//
//   cd Examples/QuickStart && swift run QuickStart [DATA_FOLDER] [OUTPUT_FOLDER]
//
// DATA_FOLDER defaults to the bundled synthetic admissions (../../datasets/synthetic).
// Tests/DisparityTests/ConfigurationExampleTests.swift runs the code between the snippet markers
// on the same data and fails if the two copies differ.
import Disparity
import Foundation

// snippet:start
/// Checks, then analyses, admissions by ethnic group: age-standardised rates (ESP2013) for each
/// sex, with 95% and 99.8% limits, compared with the largest group.
func quickStart(data: String) throws -> (validation: ValidationReport, result: AnalysisResult) {
  var specification = AnalysisSpecification(inputs: [data + "/admissions.csv"])
  specification.populationFile = data + "/population.csv"
  specification.age = "age"
  specification.by = ["sex"]
  specification.confidence = [0.95, 0.998]

  // Every problem of the files at once (none here), before the analysis stops at the first.
  let validation = try InputValidator(specification: specification).validate()
  let result = try Analysis(specification: specification).run()
  return (validation, result)
}
// snippet:end

let arguments = CommandLine.arguments
let data = arguments.count > 1 ? arguments[1] : "../../datasets/synthetic"
let output = arguments.count > 2 ? arguments[2] : "quick-start-report"
do {
  let (validation, result) = try quickStart(data: data)
  print(validation.text)
  print("sex\tgroup\trate per 100,000 (95% limits)\tratio vs reference (95% limits)")
  for group in result.groups {
    func show(_ estimate: EstimateWithLimits?) -> String {
      guard let estimate, let limits = estimate.limits.first else { return "" }
      return String(format: "%.1f (%.1f to %.1f)", estimate.value, limits.lower, limits.upper)
    }
    print(
      "\(group.by.joined(separator: ", "))\t\(group.label)\t\(show(group.standardised))\t\(show(group.ratio))"
    )
  }
  try ReportWriter(formats: [.csv, .md], destination: output).write(result.report)
  print("Wrote \(output)/report.csv and \(output)/report.md")
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
