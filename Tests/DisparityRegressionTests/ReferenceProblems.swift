import DisparityRegression
import Foundation

/// The reference problems of `Resources/glm` (R's glm; see Resources/README.md).
struct ReferenceProblem {
  let name: String
  let data: [String: [String]]
  let rowCount: Int
  let coefficients: [[String: String]]
  let summary: [String: String]

  static let directory: URL = Bundle.module.url(forResource: "Resources", withExtension: nil)!
    .appendingPathComponent("glm")

  init(_ name: String) throws {
    self.name = name
    let (dataHeader, dataRows) = try Self.readCSV("\(name)_data.csv")
    var columns: [String: [String]] = [:]
    for (k, column) in dataHeader.enumerated() { columns[column] = dataRows.map { $0[k] } }
    data = columns
    rowCount = dataRows.count
    let (coefHeader, coefRows) = try Self.readCSV("\(name)_coefficients.csv")
    coefficients = coefRows.map { Dictionary(uniqueKeysWithValues: zip(coefHeader, $0)) }
    let (summaryHeader, summaryRows) = try Self.readCSV("\(name)_summary.csv")
    summary = Dictionary(uniqueKeysWithValues: zip(summaryHeader, summaryRows[0]))
  }

  func numbers(_ column: String) -> [Double] { data[column]!.map { Double($0)! } }

  /// Builds the design with the factors in the order given (R's formula order), each with its
  /// reference level; the levels are sorted, as the R script sorts them in the C locale.
  func design(factors: [(String, String)], covariates: [String] = []) throws -> DesignMatrix {
    var builder = DesignMatrixBuilder(rowCount: rowCount)
    for (name, reference) in factors {
      try builder.addFactor(name, values: data[name]!, reference: reference)
    }
    for name in covariates { try builder.addCovariate(name, values: numbers(name)) }
    return try builder.build()
  }

  /// A minimal reader for the R script's output: comma-separated, fields optionally in double
  /// quotes without embedded quotes or commas.
  static func readCSV(_ file: String) throws -> ([String], [[String]]) {
    let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    func fields(_ line: String) -> [String] {
      line.split(separator: ",", omittingEmptySubsequences: false).map {
        var f = String($0)
        if f.hasPrefix("\""), f.hasSuffix("\""), f.count >= 2 {
          f = String(f.dropFirst().dropLast())
        }
        return f
      }
    }
    return (fields(lines[0]), lines.dropFirst().map(fields))
  }
}

/// |a − b| / |b|, or |a − b| when b is 0.
func relativeDifference(_ a: Double, _ b: Double) -> Double {
  b == 0 ? abs(a - b) : abs(a - b) / abs(b)
}
