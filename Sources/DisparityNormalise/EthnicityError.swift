import DisparityIngest

/// A problem with an ethnicity classification file, a user mapping file, an option, or (in strict
/// mode) values that could not be placed in a group.
public enum EthnicityError: DisparityError, Equatable {
  /// A required field of a classification or mapping file is empty.
  case emptyField(SourceLocation)
  /// A value is not one of those allowed in that column.
  case invalidValue(SourceLocation, value: String, allowed: [String])
  /// A code appears twice in one scheme.
  case duplicateCode(SourceLocation, code: String, firstLine: Int)
  /// A scheme id appears twice in `schemes.csv`.
  case duplicateScheme(SourceLocation, id: String, firstLine: Int)
  /// A file names a scheme that `schemes.csv` does not define.
  case unknownScheme(SourceLocation, id: String, available: [String])
  /// A detailed group names a high-level group that its 5-group scheme lacks.
  case unknownHighLevel(SourceLocation, value: String, scheme: String, available: [String])
  /// A group lists an atom that `atoms.csv` does not define.
  case unknownAtom(SourceLocation, atom: String)
  /// An alias or mapping names a code that the scheme lacks.
  case unknownCode(SourceLocation, code: String, scheme: String)
  /// A residual is not part of the group's atoms, or a group has no atoms.
  case invalidAtoms(SourceLocation, reason: String)
  /// The same alias (after normalisation) appears twice in `aliases.csv`.
  case duplicateAlias(SourceLocation, value: String, firstLine: Int)
  /// A 5-group scheme's group has no detailed groups under it.
  case emptyHighLevelGroup(file: String, label: String)
  /// `--scheme` (or another option) names a scheme that does not exist.
  case unknownSchemeName(String, available: [String], nearest: String?)
  /// An option value is not valid, e.g. a numbering scheme whose codes are not numbers.
  case invalidOption(String, reason: String)
  /// A user mapping target is not a code or label of the target scheme.
  case unknownMappingTarget(SourceLocation, target: String, scheme: String, nearest: String?)
  /// A user mapping file gives one value two different targets.
  case conflictingMapping(SourceLocation, value: String, firstLine: Int, firstTarget: String)
  /// Strict mode: some values were not placed in a group of the target scheme.
  case unmappedValues(scheme: String, unmapped: [ValueCount], collective: [ValueCount])

  /// A raw value and how many rows held it, for error messages and the data-quality summary.
  public struct ValueCount: Sendable, Hashable {
    /// The value as found (trimmed).
    public var value: String
    /// Rows with that value.
    public var rows: Int
    /// Creates a count.
    public init(value: String, rows: Int) {
      self.value = value
      self.rows = rows
    }
  }

  public var kind: ErrorKind {
    switch self {
    case .unknownSchemeName, .invalidOption: return .usage
    default: return .data
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .emptyField(let l), .invalidValue(let l, _, _), .duplicateCode(let l, _, _),
      .duplicateScheme(let l, _, _), .unknownScheme(let l, _, _), .unknownHighLevel(let l, _, _, _),
      .unknownAtom(let l, _), .unknownCode(let l, _, _), .invalidAtoms(let l, _),
      .duplicateAlias(let l, _, _), .unknownMappingTarget(let l, _, _, _),
      .conflictingMapping(let l, _, _, _):
      return l
    case .emptyHighLevelGroup(let file, _): return SourceLocation(file: file)
    case .unknownSchemeName, .invalidOption, .unmappedValues: return nil
    }
  }

  public var description: String {
    switch self {
    case .emptyField(let l):
      return "\(l): this field is empty but is required. Fill it in."
    case .invalidValue(let l, let value, let allowed):
      return
        "\(l): \"\(value)\" is not allowed here; use one of: \(allowed.joined(separator: ", "))."
    case .duplicateCode(let l, let code, let firstLine):
      return
        "\(l): code \"\(code)\" is already defined on line \(firstLine). Each code must appear once."
    case .duplicateScheme(let l, let id, let firstLine):
      return
        "\(l): scheme \"\(id)\" is already defined on line \(firstLine). Scheme ids must be unique."
    case .unknownScheme(let l, let id, let available):
      return
        "\(l): there is no scheme \"\(id)\". The schemes are: \(available.joined(separator: ", "))."
    case .unknownHighLevel(let l, let value, let scheme, let available):
      return
        "\(l): high-level group \"\(value)\" is not a group of \(scheme). Its groups are: \(available.joined(separator: "; "))."
    case .unknownAtom(let l, let atom):
      return
        "\(l): \"\(atom)\" is neither an atom of atoms.csv nor an ONS 2021 code. Use the ids listed in atoms.csv."
    case .unknownCode(let l, let code, let scheme):
      return "\(l): \(scheme) has no code \"\(code)\". Use a code from that scheme's file."
    case .invalidAtoms(let l, let reason):
      return "\(l): \(reason)"
    case .duplicateAlias(let l, let value, let firstLine):
      return
        "\(l): alias \"\(value)\" is already defined on line \(firstLine) (aliases are compared after normalising case, punctuation and spacing). Keep one."
    case .emptyHighLevelGroup(let file, let label):
      return
        "\(file): high-level group \"\(label)\" has no detailed groups under it. Give it detailed groups or remove it."
    case .unknownSchemeName(let name, let available, let nearest):
      var text = "there is no ethnicity scheme \"\(name)\"."
      if let nearest { text += " Did you mean \"\(nearest)\"?" }
      return text + " The schemes are: \(available.joined(separator: ", "))."
    case .invalidOption(let option, let reason):
      return "\(option): \(reason)"
    case .unknownMappingTarget(let l, let target, let scheme, let nearest):
      var text = "\(l): \"\(target)\" is not a code or label of \(scheme)."
      if let nearest { text += " Did you mean \"\(nearest)\"?" }
      return text
        + " Write the target as a code or official label of the scheme chosen with --scheme."
    case .conflictingMapping(let l, let value, let firstLine, let firstTarget):
      return
        "\(l): \"\(value)\" was already mapped to \"\(firstTarget)\" on line \(firstLine). Keep one target per value."
    case .unmappedValues(let scheme, let unmapped, let collective):
      var parts: [String] = []
      if !unmapped.isEmpty {
        parts.append(
          "values not placed in a group of \(scheme): "
            + unmapped.map { "\"\($0.value)\" (\($0.rows) rows)" }.joined(separator: ", "))
      }
      if !collective.isEmpty {
        parts.append(
          "collective terms, which name no single group: "
            + collective.map { "\"\($0.value)\" (\($0.rows) rows)" }.joined(separator: ", "))
      }
      return "strict mode: "
        + parts.joined(separator: "; ")
        + ". Add them to a mapping file (--mapping, columns value,target) or drop --strict to report them as Unmapped."
    }
  }
}
