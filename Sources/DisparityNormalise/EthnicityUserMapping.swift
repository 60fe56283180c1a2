import DisparityIngest
import Foundation

/// A user's own value → group mappings (CSV with columns `value,target`), which override the built-ins.
///
/// `value` is matched after the same normalisation as built-in labels (case, punctuation, spacing);
/// `target` is a code or official label of the target scheme, or the end of exactly one official
/// label (its category, e.g. "Any other ethnic group"); any text for `raw`.
public struct EthnicityUserMapping: Sendable {
  /// One mapping row.
  public struct Entry: Sendable, Hashable {
    /// The value as written in the file.
    public var value: String
    /// The target scheme's code it maps to (for `raw`, the target text).
    public var target: String
    /// The mapping file and the line of the row, for the classification's rule.
    public var file: String
    /// The 1-based line of the row.
    public var line: Int
  }

  /// The file as the user named it.
  public let file: String
  /// The scheme the targets belong to.
  public let schemeID: String
  /// Normalised value → entry.
  public let entries: [String: Entry]

  /// The lookup key of a value: its normalised label, or the lower-cased value when it has no words.
  static func key(_ value: String) -> String {
    let key = EthnicityText.key(value)
    return key.isEmpty ? value.lowercased() : key
  }

  /// The code of the only group whose label ends with `text` (its category, e.g. "Irish" or
  /// "Any other ethnic group"), if exactly one does.
  static func uniqueEnding(_ text: String, in scheme: EthnicityScheme) -> String? {
    let key = EthnicityText.key(text)
    guard !key.isEmpty else { return nil }
    let matches = scheme.groups.filter { EthnicityText.key($0.label).hasSuffix(" " + key) }
    return matches.count == 1 ? matches[0].code : nil
  }

  /// Reads a mapping file for `scheme`.
  ///
  /// - Throws: `CSVTableError` for malformed CSV or a missing `value`/`target` column;
  ///   ``EthnicityError`` (kind `.data`) for an empty value or target, a target that is not in the
  ///   scheme (with the nearest label), or a value mapped twice to different targets, each with
  ///   file, line and column.
  public init(
    contentsOf path: String, displayName: String? = nil, scheme: EthnicityScheme
  ) throws {
    let table = try CSVTable(contentsOf: path, displayName: displayName)
    try self.init(table: table, scheme: scheme)
  }

  /// Reads mappings from an already parsed table (columns `value` and `target`).
  public init(table: CSVTable, scheme: EthnicityScheme) throws {
    let valueColumn = try table.columnIndex("value")
    let targetColumn = try table.columnIndex("target")
    var byKey: [String: Entry] = [:]
    var labels: [String: String] = [:]
    for group in scheme.groups {
      labels[group.code.uppercased()] = group.code
      labels[EthnicityText.key(group.label)] = group.code
    }
    for row in table.rows {
      let value = row.fields[valueColumn].trimmingCharacters(in: .whitespacesAndNewlines)
      let targetText = row.fields[targetColumn].trimmingCharacters(in: .whitespacesAndNewlines)
      if value.isEmpty {
        throw EthnicityError.emptyField(table.location(row: row, column: valueColumn))
      }
      if targetText.isEmpty {
        throw EthnicityError.emptyField(table.location(row: row, column: targetColumn))
      }
      let code: String
      if scheme.isRaw {
        code = targetText
      } else if let found = labels[targetText.uppercased()] ?? labels[EthnicityText.key(targetText)]
      {
        code = found
      } else if let found = EthnicityUserMapping.uniqueEnding(targetText, in: scheme) {
        code = found
      } else {
        let names = scheme.groups.flatMap { [$0.code, $0.label] }
        let nearest = names.min { editDistance($0, targetText) < editDistance($1, targetText) }
        throw EthnicityError.unknownMappingTarget(
          table.location(row: row, column: targetColumn), target: targetText, scheme: scheme.id,
          nearest: nearest)
      }
      let key = EthnicityUserMapping.key(value)
      if let first = byKey[key] {
        if first.target != code {
          throw EthnicityError.conflictingMapping(
            table.location(row: row, column: valueColumn), value: value, firstLine: first.line,
            firstTarget: first.target)
        }
        continue
      }
      byKey[key] = Entry(value: value, target: code, file: table.file, line: row.line)
    }
    file = table.file
    schemeID = scheme.id
    entries = byKey
  }
}
