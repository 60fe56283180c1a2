/// The character between fields: comma, tab or semicolon.
public enum CSVDelimiter: Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// `,`, the RFC 4180 delimiter.
  case comma
  /// A horizontal tab (tab-separated values).
  case tab
  /// `;`, common where the decimal separator is a comma.
  case semicolon

  /// The delimiter's byte.
  public var byte: UInt8 {
    switch self {
    case .comma: return UInt8(ascii: ",")
    case .tab: return UInt8(ascii: "\t")
    case .semicolon: return UInt8(ascii: ";")
    }
  }

  /// The delimiter's name, as in messages and `--delimiter`.
  public var description: String {
    switch self {
    case .comma: return "comma"
    case .tab: return "tab"
    case .semicolon: return "semicolon"
    }
  }

  /// Reads a delimiter as a user writes it: `,` `comma`, `\t` `tab` (or a tab character),
  /// `;` `semicolon`; case does not matter.
  ///
  /// - Throws: ``IngestError/unknownDelimiter(_:)`` for anything else.
  public init(argument: String) throws(IngestError) {
    switch argument.lowercased() {
    case ",", "comma": self = .comma
    case "\t", "\\t", "tab", "tsv": self = .tab
    case ";", "semicolon": self = .semicolon
    default: throw .unknownDelimiter(argument)
    }
  }
}
