import Foundation
import Testing

/// The test target's resource folders (copied into the test bundle by SwiftPM).
enum TestResources {
  /// `Resources/` in the test bundle.
  static var root: URL {
    Bundle.module.url(forResource: "Resources", withExtension: nil)!
  }

  /// `Resources/pipeline`: the independent oracle, its inputs and expected tables.
  static var pipeline: URL { root.appendingPathComponent("pipeline") }

  /// A malformed input in `Resources/errors`.
  static func error(_ name: String) -> String {
    root.appendingPathComponent("errors").appendingPathComponent(name).path
  }
}

/// One scenario written by `Resources/pipeline/oracle.py`: the arguments and the expected table.
struct OracleScenario: CustomTestStringConvertible, Sendable {
  let name: String

  var testDescription: String { name }

  /// Every scenario in `Resources/pipeline/expected`, by name.
  static var all: [OracleScenario] {
    let folder = TestResources.pipeline.appendingPathComponent("expected")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".args") }.map { String($0.dropLast(5)) }.sorted()
      .map(OracleScenario.init(name:))
  }

  /// The `disparity` arguments, with `{pipeline}` and `{repo}` made real paths.
  func arguments() throws -> [String] {
    let url = TestResources.pipeline.appendingPathComponent("expected/\(name).args")
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
      $0.replacingOccurrences(of: "{pipeline}", with: TestResources.pipeline.path)
        .replacingOccurrences(of: "{repo}", with: CLI.packageRoot.path)
    }
  }

  /// The expected table.
  func expected() throws -> CSVText {
    let url = TestResources.pipeline.appendingPathComponent("expected/\(name).csv")
    return CSVText(try String(contentsOf: url, encoding: .utf8))
  }
}

/// A CSV text with its header kept in order (the tidy output and the oracle's tables).
struct CSVText {
  let header: [String]
  let rows: [[String: String]]

  init(_ text: String) {
    let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
    header = CSVText.fields(firstLine)
    rows = parseTidyCSV(text)
  }

  /// The fields of one line (quotes respected).
  static func fields(_ line: String) -> [String] {
    var out: [String] = []
    var field = ""
    var quoted = false
    var previousQuote = false
    for c in line {
      if quoted {
        if c == "\"" {
          quoted = false
          previousQuote = true
        } else {
          field.append(c)
        }
      } else if c == "\"" {
        if previousQuote { field.append("\"") }
        quoted = true
        previousQuote = false
      } else if c == "," {
        out.append(field)
        field = ""
        previousQuote = false
      } else {
        field.append(c)
        previousQuote = false
      }
    }
    out.append(field)
    return out
  }
}

/// Whether two printed numbers agree to `relative` (both empty, or both numbers within
/// `relative` × the larger magnitude, with an absolute floor of 1e-12 for values near zero).
func numbersAgree(_ got: String, _ expected: String, relative: Double = 1e-9) -> Bool {
  if got == expected { return true }
  guard let a = Double(got), let b = Double(expected) else { return false }
  return abs(a - b) <= relative * max(abs(a), abs(b)) || abs(a - b) < 1e-12
}

/// A path in a temporary folder with `lines` written to it (each line ends with `\n`).
@discardableResult
func writeLines(_ folder: TemporaryFolder, _ name: String, _ lines: [String]) throws -> String {
  try folder.write(name, lines.map { $0 + "\n" }.joined())
}

extension String {
  /// The first line of standard error that reports an error (a "Settings:" line comes first).
  var errorLine: String {
    split(separator: "\n").first { $0.hasPrefix("error:") }.map(String.init) ?? self
  }
}
