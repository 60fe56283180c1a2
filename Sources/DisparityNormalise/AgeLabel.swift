import DisparityIngest
import Foundation

/// An age or age-band label from an input file, read into an ``AgeBand``.
///
/// Matching is deterministic and case-insensitive; surrounding spaces, repeated spaces, the
/// words "year", "years", "yrs", "yr" and "old" are ignored, and an en dash, em dash, minus sign
/// or hyphen all count as a hyphen. Every accepted form:
///
/// | form | examples | read as |
/// |---|---|---|
/// | whole years | `0`, `47`, `103` | that single year |
/// | decimal years | `47.5`, `0.25` | the completed years (`47`, `0`): age is counted as on a death certificate |
/// | range | `0-4`, `00-04`, `0 - 4`, `0–4`, `0 to 4`, `0-4 years`, `0_19` | `0-4` |
/// | prefixed | `Age 0 to 4`, `Aged 0-4`, `Ages 5-9`, `Age: 0-4`, `Age 15`, `Aged 85+` | as without the prefix |
/// | under | `<1`, `< 5`, `Under 1`, `under 1 year`, `Less than 1`, `Below 5` | `<1` is `0-0` (shown `<1`); `Under 5` is `0-4` |
/// | open | `85+`, `85 +`, `85 and over`, `85 and older`, `85 or over`, `85 & over`, `85 and above`, `85 plus`, `85+ years`, `>=85`, `≥85` | `85+` |
/// | compact | `age0_19`, `age20_39`, `age80` (variable-name style, as in NHS England's COVID-19 deaths tables) | `0-19`, `20-39`; a bare `ageN` is `N+` when it is the highest label of the data and another compact label ends at `N-1` (the top of an `age0_19 … age80` series), otherwise the single year `N` |
///
/// Anything else is an error (``AgeBandingError/unrecognisedLabel(_:location:)``): in
/// particular "over 85" (does it include 85?), "85-" and "Unknown" are not guessed. Ages above
/// ``maximumAge`` are rejected as implausible, as is a band whose upper end is below its lower end.
public struct AgeLabel: Sendable, Hashable {
  /// How a label was written, which decides how it counts when bands are aligned.
  public enum Form: Sendable, Hashable {
    /// A number of years (`47`, `47.5`): an individual's age.
    case age
    /// A closed band or a prefixed single year (`0-4`, `Age 15`, `Under 5`).
    case band
    /// An open band (`85+`, `85 and over`).
    case open
    /// A compact bare `ageN` (`age80`): the single year `N`, or `N+` at the top of a compact series.
    case compactBare
  }

  /// The label as it appeared in the input.
  public let text: String
  /// The ages the label stands for (for ``Form/compactBare``, the single year until aligned).
  public let band: AgeBand
  /// How the label was written.
  public let form: Form

  /// The oldest age accepted (the oldest recorded human lived to 122).
  public static let maximumAge = 130

  /// Reads a label, or throws an error naming it and where it is.
  ///
  /// - Parameters:
  ///   - text: the field as read from the file.
  ///   - location: where the field is, for the error message.
  /// - Throws: ``AgeBandingError/unrecognisedLabel(_:location:)``,
  ///   ``AgeBandingError/implausibleAge(_:location:)`` or
  ///   ``AgeBandingError/reversedBand(_:location:)``.
  public init(_ text: String, location: SourceLocation? = nil) throws(AgeBandingError) {
    self.text = text
    guard let (prefix, tokens) = Self.tokens(of: text),
      let (lower, upper, form) = Self.match(tokens, prefix: prefix)
    else {
      throw .unrecognisedLabel(text, location: location)
    }
    if lower > Self.maximumAge || (upper ?? 0) > Self.maximumAge {
      throw .implausibleAge(text, location: location)
    }
    if let upper, upper < lower { throw .reversedBand(text, location: location) }
    self.band = AgeBand(lower: lower, upper: upper)
    self.form = form
  }

  // MARK: - Tokens

  private enum Token: Equatable {
    case number(whole: Int, isDecimal: Bool)
    case word(String)
    case symbol(String)
  }

  /// Words that carry no meaning for the band.
  private static let ignoredWords: Set<String> = ["year", "years", "yrs", "yr", "old"]

  /// How the label began.
  private enum Prefix { case none, spaced, compact }

  /// Splits a label into numbers, words and symbols, after the prefix `age`/`aged`/`ages`.
  /// `nil` when a character outside the label grammar appears.
  private static func tokens(of text: String) -> (Prefix, [Token])? {
    var result: [Token] = []
    var scalars = Array(text.lowercased().unicodeScalars)
    var i = 0
    var prefixKind = Prefix.none
    func skipSpaces() {
      while i < scalars.count && isSpace(scalars[i]) { i += 1 }
    }
    skipSpaces()
    // Prefix: "age", "aged", "ages", optionally followed by ":"; "age" glued to a digit is compact.
    for prefix in ["aged", "ages", "age"] {
      let p = Array(prefix.unicodeScalars)
      guard scalars.count >= i + p.count, Array(scalars[i..<(i + p.count)]) == p else { continue }
      let next = i + p.count < scalars.count ? scalars[i + p.count] : nil
      if let next, isDigit(next) {
        prefixKind = prefix == "age" ? .compact : .spaced
        i += p.count
      } else if let next, isSpace(next) || next == ":" {
        prefixKind = .spaced
        i += p.count
        skipSpaces()
        if i < scalars.count && scalars[i] == ":" { i += 1 }
      } else {
        continue
      }
      break
    }
    scalars = Array(scalars[i...])
    i = 0
    while i < scalars.count {
      let c = scalars[i]
      if isSpace(c) {
        i += 1
      } else if isDigit(c) {
        var whole = 0
        while i < scalars.count && isDigit(scalars[i]) {
          // Cap the accumulation: anything this long is rejected as implausible later.
          whole = Swift.min(whole * 10 + Int(scalars[i].value - 48), 1_000_000)
          i += 1
        }
        var isDecimal = false
        if i + 1 < scalars.count && scalars[i] == "." && isDigit(scalars[i + 1]) {
          isDecimal = true
          i += 1
          while i < scalars.count && isDigit(scalars[i]) { i += 1 }
        }
        result.append(.number(whole: whole, isDecimal: isDecimal))
      } else if isLetter(c) {
        var word = ""
        while i < scalars.count && isLetter(scalars[i]) {
          word.unicodeScalars.append(scalars[i])
          i += 1
        }
        if !ignoredWords.contains(word) { result.append(.word(word)) }
      } else {
        switch c {
        case "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}":
          result.append(.symbol("-"))
        case "+", "<", "_", "&":
          result.append(.symbol(String(c)))
        case "\u{2265}":
          result.append(.symbol(">="))
        case ">":
          guard i + 1 < scalars.count, scalars[i + 1] == "=" else { return nil }
          result.append(.symbol(">="))
          i += 1
        default:
          return nil
        }
        i += 1
      }
    }
    return (prefixKind, result)
  }

  private static func isSpace(_ c: Unicode.Scalar) -> Bool {
    c == " " || c == "\t" || c == "\u{00A0}" || c == "\u{202F}" || c == "\n" || c == "\r"
  }
  private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
  private static func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || c == "." }

  // MARK: - Grammar

  private static let openTails: [[String]] = [
    ["and", "over"], ["and", "older"], ["and", "above"], ["and", "upwards"], ["and", "more"],
    ["or", "over"], ["or", "older"], ["or", "more"], ["plus"],
  ]

  /// Matches the token sequence against the accepted forms: (lower, upper, form).
  private static func match(_ all: [Token], prefix: Prefix) -> (Int, Int?, Form)? {
    var tokens = all
    // Stray full stops from abbreviations ("yrs.") are words of their own: drop them.
    tokens.removeAll { $0 == .word(".") }
    tokens = tokens.map { token in
      if case .word(let w) = token, w.hasSuffix("."), w.count > 1 {
        return .word(String(w.dropLast()))
      }
      return token
    }
    tokens.removeAll {
      if case .word(let w) = $0 { return ignoredWords.contains(w) } else { return false }
    }

    func whole(_ token: Token) -> Int? {
      if case .number(let n, false) = token { return n }
      return nil
    }
    switch tokens.count {
    case 1:
      if case .number(let n, let isDecimal) = tokens[0] {
        switch prefix {
        case .compact: return isDecimal ? nil : (n, n, .compactBare)
        case .spaced: return (n, n, isDecimal ? .age : .band)
        case .none: return (n, n, .age)
        }
      }
    case 2:
      if let n = whole(tokens[1]) {
        switch tokens[0] {
        case .symbol("<"), .word("under"), .word("below"):
          return n >= 1 ? (0, n - 1, .band) : nil
        case .symbol(">="):
          return (n, nil, .open)
        default: break
        }
      }
      if let n = whole(tokens[0]) {
        if tokens[1] == .symbol("+") || tokens[1] == .word("plus") { return (n, nil, .open) }
      }
    case 3:
      if let lower = whole(tokens[0]), let upper = whole(tokens[2]) {
        switch tokens[1] {
        case .symbol("-"), .symbol("_"), .word("to"): return (lower, upper, .band)
        default: break
        }
      }
      if tokens[0] == .word("less"), tokens[1] == .word("than"), let n = whole(tokens[2]) {
        return n >= 1 ? (0, n - 1, .band) : nil
      }
      if let n = whole(tokens[0]) {
        for tail in openTails where tail.count == 2 {
          if tokens[1] == .word(tail[0]) && tokens[2] == .word(tail[1]) { return (n, nil, .open) }
        }
        if tokens[1] == .symbol("&") && tokens[2] == .word("over") { return (n, nil, .open) }
      }
    default:
      break
    }
    return nil
  }

  /// Applies the compact-series rule to a set of labels: a bare `ageN` becomes `N+` when it is
  /// the highest label and another compact label ends at `N-1`.
  ///
  /// - Returns: the band each label stands for, keyed by the label's text.
  public static func interpret(_ labels: [AgeLabel]) -> [String: AgeBand] {
    var bands: [String: AgeBand] = [:]
    for label in labels { bands[label.text] = label.band }
    let compactRangeUppers = labels.lazy.filter { $0.form == .band && $0.isCompactRange }
      .compactMap(\.band.upper)
    let highestLower = labels.map(\.band.lower).max() ?? 0
    let highestCeiling = labels.compactMap(\.band.upper).max() ?? 0
    for label in labels where label.form == .compactBare {
      let n = label.band.lower
      if n == highestLower && n >= highestCeiling && compactRangeUppers.contains(n - 1) {
        bands[label.text] = AgeBand(lower: n, upper: nil)
      }
    }
    return bands
  }

  /// Whether the label was a compact range such as `age0_19`.
  var isCompactRange: Bool {
    let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
    guard lowered.hasPrefix("age"), let next = lowered.dropFirst(3).first else { return false }
    return next.isNumber
  }
}
