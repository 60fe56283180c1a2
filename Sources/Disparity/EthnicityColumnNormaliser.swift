import DisparityIngest
import DisparityNormalise
import DisparityReport
import DisparityTabulate
import Foundation

/// `disparity normalise` as a library call: every row with its ethnicity placed in a scheme.
public enum EthnicityColumnNormaliser {
  /// The data-quality summary of a normalised file.
  public struct Result: Sendable {
    /// The plain-English data-quality summary.
    public var summary: String
    /// The summary as values.
    public var quality: EthnicityDataQuality
  }

  /// Reads `input` (`-` for standard input), classifies the ethnicity column and passes the rows
  /// as CSV text to `write`, in pieces of about a megabyte (memory stays bounded).
  ///
  /// Each distinct value is classified once. With `strict`, unmapped values and collective terms
  /// are an error (kind `.data`) raised before anything is written: a file is read twice for it,
  /// standard input is held in memory.
  public static func normalise(
    input: String, groupColumn: String?, scheme: String, mappingFile: String?, strict: Bool,
    delimiter: CSVDelimiter?, write: (String) throws -> Void
  ) throws -> Result {
    let catalogue = try EthnicityCatalogue.builtIn()
    let mapping = try mappingFile.map { path in
      try EthnicityUserMapping(contentsOf: path, scheme: try catalogue.scheme(named: scheme))
    }
    let normaliser = try EthnicityNormaliser(
      catalogue: catalogue, target: scheme, userMapping: mapping, strict: strict)
    let reader = try CSVReader(path: input, options: CSVReadOptions(delimiter: delimiter))
    let column = try Tabulator.groupColumn(groupColumn, in: reader.header)

    var interner = ByteStringInterner()
    var classifications: [EthnicityClassification] = []
    var rowsPerValue: [Int] = []
    var firstSeen: [SourceLocation] = []
    func classify(_ record: CSVRecord) -> EthnicityClassification {
      let id = Int(record[column].withBytes { interner.id(for: $0) })
      if id == classifications.count {
        classifications.append(normaliser.classify(interner.string(Int32(id))))
        rowsPerValue.append(0)
        firstSeen.append(record.location(column: column))
      }
      rowsPerValue[id] += 1
      return classifications[id]
    }
    /// Strict mode's check, its error placed at the row where the first listed value was seen.
    func checkStrict(_ quality: EthnicityDataQuality) throws {
      do {
        try quality.checkStrict()
      } catch let error as EthnicityError {
        throw StrictModeError(error: error) { value in
          (0..<interner.count).first { interner.string(Int32($0)) == value }.map { firstSeen[$0] }
        }
      }
    }
    func summary() -> EthnicityDataQuality {
      var quality = EthnicityDataQuality(scheme: normaliser.target)
      for (id, c) in classifications.enumerated() {
        quality.add(
          raw: interner.string(Int32(id)), classification: c, rows: rowsPerValue[id],
          weight: Double(rowsPerValue[id]))
      }
      return quality
    }
    if strict && !reader.isStream {
      try reader.forEachRecord { _ = classify($0) }
      try checkStrict(summary())
      rowsPerValue = rowsPerValue.map { _ in 0 }
    }
    let holdAll = strict && reader.isStream
    var out =
      (reader.header.names + ["group_code", "group_label"]).map(quote)
      .joined(separator: ",") + "\n"
    try reader.forEachRecord { record in
      let c = classify(record)
      for field in record {
        out += quote(field.string)
        out += ","
      }
      out += quote(c.code)
      out += ","
      out += quote(c.label)
      out += "\n"
      if !holdAll && out.utf8.count > 1 << 20 {
        try write(out)
        out = ""
      }
    }
    let quality = summary()
    if strict { try checkStrict(quality) }
    if !out.isEmpty { try write(out) }
    return Result(summary: quality.text, quality: quality)
  }

  private static func quote(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return s
    }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
