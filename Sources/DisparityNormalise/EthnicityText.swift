import Foundation

/// The text normalisation behind every ethnicity lookup: the same function builds the alias
/// table from the data files and reads the input values, so a match is an exact comparison of keys.
///
/// Hand-written because the rules are specific to how ethnic group labels vary in practice
/// (punctuation between a high-level group and its category, "and"/"or"/"&" joins, plurals)
/// and must stay explainable; no library offers them.
enum EthnicityText {
  /// The lightly normalised form used before splitting a label into parts: case and diacritics
  /// folded, underscores and runs of whitespace turned into single spaces, `&` and `+` written as
  /// ` and `, surrounding whitespace removed. Separators such as `/`, `,`, `-` and `:` are kept.
  static func light(_ text: String) -> String {
    // Plain ASCII (nearly every label) needs only lower-casing; other text is case- and
    // diacritic-folded by Foundation. Scalars are appended directly: building a String per
    // character made this the hot spot of classifying many distinct labels.
    let folded =
      text.utf8.allSatisfy { $0 < 0x80 }
      ? text.lowercased()
      : text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    func emit(_ scalar: Unicode.Scalar) {
      if pendingSpace && !out.isEmpty { out.append(" ") }
      pendingSpace = false
      out.append(scalar)
    }
    for scalar in folded.unicodeScalars {
      switch scalar {
      case "_", " ", "\t", "\n", "\r", "\u{A0}":
        pendingSpace = true
      case "&", "+":
        pendingSpace = true
        emit("a")
        out.append("n")
        out.append("d")
        pendingSpace = true
      case "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}": emit("-")
      case "\u{2018}", "\u{2019}": emit("'")
      default: emit(scalar)
      }
    }
    return String(out)
  }

  /// Joins dropped from keys: they vary freely between publications ("White and Asian",
  /// "White & Asian", "White/Asian"; "Asian or Asian British", "Asian/Asian British").
  /// A join next to "other" is kept, because there it adds a group: "Asian and other" is not
  /// "Asian other", and "Chinese or other ethnic group" is not "Chinese: other ethnic group".
  static let joins: Set<Substring> = ["and", "or"]

  /// The lookup key: the words of the label (letters and digits), lower case, joins dropped (see
  /// ``joins``), "ethnicity" read as "ethnic group", plurals "groups" and "backgrounds" made
  /// singular, separated by single spaces. A `/` next to "other" is read as "or".
  ///
  /// `"White - British"`, `"White: British"` and `"white british "` all give `"white british"`.
  static func key(_ text: String) -> String {
    if let word = asciiWord(text) { return word }
    return words(light(text)).joined(separator: " ")
  }

  /// The key of a single word of ASCII letters and digits (most codes, and labels such as area
  /// or practice codes under `raw`), read without the general rules' character handling; `nil`
  /// for any other text. The result is what ``words(_:)`` gives for such a word.
  static func asciiWord(_ text: String) -> String? {
    guard !text.isEmpty,
      text.utf8.allSatisfy({
        ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)
      })
    else { return nil }
    let word = text.lowercased()
    switch word {
    case "and", "or": return ""  // a join alone, dropped
    case "groups": return "group"
    case "backgrounds": return "background"
    case "ethnicity", "ethnicities": return "ethnic group"
    default: return word
    }
  }

  /// The text without surrounding whitespace and line ends: as `trimmingCharacters(in:
  /// .whitespacesAndNewlines)`, without Foundation's work when the first and last bytes are
  /// plain ASCII that is not whitespace (nearly every label).
  static func trimmed(_ text: String) -> String {
    let utf8 = text.utf8
    if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20,
      last < 0x7F
    {
      return text
    }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The words of an already light-normalised text, as used in keys.
  ///
  /// `readingCharacters` forces the general reading, character by character, that plain ASCII
  /// text skips (for tests that the two agree).
  static func words(_ lightText: String, readingCharacters: Bool = false) -> [Substring] {
    var raw: [Substring] = []
    var previousWasSlash = false
    var slashBefore: [Bool] = []
    var current = lightText.startIndex
    var start: String.Index?
    func flush(_ end: String.Index) {
      if let begin = start {
        raw.append(lightText[begin..<end])
        slashBefore.append(previousWasSlash)
        previousWasSlash = false
        start = nil
      }
    }
    if !readingCharacters && lightText.utf8.allSatisfy({ $0 < 0x80 }) {
      // Plain ASCII (nearly every label): the same reading byte by byte, where a letter or
      // number is [A-Za-z0-9], without the cost of reading characters.
      let utf8 = lightText.utf8
      while current < utf8.endIndex {
        let b = utf8[current]
        if (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) {
          if start == nil { start = current }
        } else {
          flush(current)
          if b == UInt8(ascii: "/") { previousWasSlash = true }
        }
        current = utf8.index(after: current)
      }
    } else {
      while current < lightText.endIndex {
        let character = lightText[current]
        if character.isLetter || character.isNumber {
          if start == nil { start = current }
        } else {
          flush(current)
          if character == "/" { previousWasSlash = true }
        }
        current = lightText.index(after: current)
      }
    }
    flush(lightText.endIndex)
    var result: [Substring] = []
    for (index, word) in raw.enumerated() {
      let nextIsOther = index + 1 < raw.count && raw[index + 1] == "other"
      let previousIsOther = index > 0 && raw[index - 1] == "other"
      if joins.contains(word) {
        if nextIsOther || previousIsOther { result.append(word) }
        continue
      }
      // "Mixed/other", "other/Chinese": a slash beside "other" joins two groups.
      if slashBefore[index] && (word == "other" || previousIsOther) { result.append("or") }
      switch word {
      case "groups": result.append("group")
      case "backgrounds": result.append("background")
      case "ethnicity", "ethnicities":
        result.append("ethnic")
        result.append("group")
      default: result.append(word)
      }
    }
    return result
  }

  /// Whether `key` contains `term` (also a key) as a whole-word sequence.
  static func containsWords(_ key: String, _ term: String) -> Bool {
    if key == term { return true }
    return key.hasPrefix(term + " ") || key.hasSuffix(" " + term) || key.contains(" " + term + " ")
  }
}
