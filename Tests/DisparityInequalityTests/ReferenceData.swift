import Foundation
import Testing

@testable import DisparityInequality

/// Reads the reference CSVs in Resources/ (copied from shared/reference; see README.md).
struct ReferenceCSV {
  let header: [String]
  let rows: [[String: String]]

  init(_ name: String) throws {
    let url = try #require(Bundle.module.url(forResource: "Resources/\(name)", withExtension: nil))
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let names = Self.fields(lines.removeFirst())
    header = names
    rows = lines.filter { !$0.isEmpty }.map { line in
      Dictionary(uniqueKeysWithValues: zip(names, Self.fields(line)))
    }
  }

  /// Splits one record; fields may be double-quoted (none of these files has embedded newlines).
  static func fields(_ line: String) -> [String] {
    var out: [String] = []
    var current = ""
    var quoted = false
    var iterator = Array(line).makeIterator()
    var pending: Character? = nil
    while let c = pending ?? iterator.next() {
      pending = nil
      if quoted {
        if c == "\"" {
          if let next = iterator.next() {
            if next == "\"" {
              current.append("\"")
            } else {
              quoted = false
              pending = next
            }
          } else {
            quoted = false
          }
        } else {
          current.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        out.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    out.append(current)
    return out
  }
}

/// One expected row of a healthequal `_expected.csv` file.
struct ExpectedMeasure {
  let estimate: Double
  let se: Double?
  let lower: Double?
  let upper: Double?
}

/// Expected rows keyed by "variant/measure" (variant "" for measures without one).
func expectedMeasures(_ file: String, indicator: String? = nil) throws -> [String: ExpectedMeasure]
{
  let csv = try ReferenceCSV(file)
  var out: [String: ExpectedMeasure] = [:]
  for row in csv.rows {
    if let indicator, row["indicator"] != indicator { continue }
    let key = "\(row["variant"] ?? "")/\(row["measure"]!)"
    out[key] = ExpectedMeasure(
      estimate: Double(row["estimate"]!)!, se: Double(row["se"]!), lower: Double(row["lowerci"]!),
      upper: Double(row["upperci"]!))
  }
  return out
}

/// Builds groups from a reference input file.
func groups(
  _ file: String, estimate: String, se: String, population: String, reference: String?,
  order: String? = nil, useReference: Bool = true
) throws -> [InequalityGroup] {
  let csv = try ReferenceCSV(file)
  return csv.rows.map { row in
    InequalityGroup(
      name: row["subgroup"]!, estimate: Double(row[estimate]!)!, standardError: Double(row[se]!),
      population: Double(row[population]!)!, order: order.flatMap { Int(row[$0]!) },
      isReference: useReference && reference.map { row[$0] == "1" } ?? false)
  }
}

/// |a − b| ≤ tolerance × max(|b|, tiny).
func close(_ a: Double?, _ b: Double?, relative tolerance: Double) -> Bool {
  guard let a, let b else { return false }
  return abs(a - b) <= tolerance * max(abs(b), 1e-300)
}
