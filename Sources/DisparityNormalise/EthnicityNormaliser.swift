import Foundation

/// How a value was classified.
public enum EthnicityStatus: String, Sendable, Hashable {
  /// Placed in a group of the target scheme.
  case group
  /// Asked and declined (NHS Z, "refused", "prefer not to say").
  case notStated
  /// Not known (NHS 99, HES X, blank, NULL, "not recorded").
  case notKnown
  /// A collective term (BAME, BME, non-White, ethnic minority, other than White): never a group.
  case collective
  /// A total or subtotal row ("All", "Total", "White: Total"): not a group; callers refuse it as a row.
  case total
  /// Not recognised, or not placeable in one group of the target scheme.
  case unmapped
}

/// The result of classifying one raw value: the target group and why.
public struct EthnicityClassification: Sendable, Hashable {
  /// The target scheme's code (`"C"`, `"13"`, `"Z"`, `"99"`); empty when unmapped, collective or a total.
  public var code: String
  /// The target scheme's official label; `"Unmapped"` for anything not mapped (collective terms
  /// included) and `"Total"` for totals. For `raw`, the trimmed value.
  public var label: String
  /// What kind of value it is.
  public var status: EthnicityStatus
  /// The explanation: which rule matched and how it reached the target, e.g.
  /// `label of ons-2011 "White: Irish" → nhs-2001 B`.
  public var rule: String
  /// What was lost on the way, when anything was: a group folded into a broader one, a group
  /// that could not be split, or a change of high-level group (Chinese).
  public var lossNote: String?
  /// The group or built-in category the value was read as, e.g. `ons-2011 3 "White: Gypsy or Irish Traveller"`.
  public var matched: String?
  /// The atoms of the value as read (for tests and the data-quality summary).
  var atoms: Set<String> = []
  /// Whether the value was read as a high-level group or a union of groups.
  var isAggregate = false
}

/// Reads raw ethnicity values (codes or labels of any built-in scheme, with real-world variation)
/// and places them in a target scheme, explaining every decision.
///
/// Matching is exact lookup of a normalised key (case, punctuation, spacing, "and"/"or", plurals)
/// in the alias table built from the data files, plus a few documented structural rules; there
/// is no fuzzy matching. In order:
/// 1. a blank value is not known; the user mapping file is consulted first;
/// 2. codes: a single letter is an NHS England code (NHS Wales with
///    ``Options/letterCodes`` = `.nhsWales`), T/W are GDPPR's Traveller/Arab, X is HES not known,
///    9 the legacy default; a bare number is a code of ``Options/numericCodes`` (ONS 2021 TS021 by
///    default; 98 is NHS Scotland refused); a digit and a letter is an NHS Scotland code;
/// 3. labels: a value containing a collective term is collective; otherwise exact lookup, then:
///    dropping a leading column name ("ethnicity minor ..."), reading a parenthesised part first
///    ("British (White)"), "All ..." as a total, "X total" (a subtotal when X is a high-level group),
///    a redundant qualifier ("White: White British"), and combinations ("Pakistani and Bangladeshi",
///    "Other inc Mixed", "Asian excluding Chinese") whose every part matches exactly;
/// 4. a two-character code whose first letter is an NHS code is that code (NHS DD local codes);
/// 5. anything else is unmapped.
///
/// When a label means different things in different schemes ("Asian or Asian British" with or
/// without Chinese), the reading of ``Options/labelPreference``, then the target scheme and its
/// 5-group partner, then built-in aliases, then ``defaultLabelOrder`` is used, and the rule says so.
///
/// Classification is cheap but not free: cache it per distinct raw value.
public struct EthnicityNormaliser: Sendable {
  /// Choices for values whose reading depends on the data's origin.
  public struct Options: Sendable, Hashable {
    /// Which NHS letter codes single letters are.
    public enum LetterCodes: String, Sendable, Hashable {
      /// NHS Data Dictionary (England): A White British, B White Irish, T/W from GDPPR.
      case nhsEngland
      /// NHS Wales: A any White background, B Gypsy or Irish Traveller, T Arab.
      case nhsWales
    }
    /// Which letters single-letter codes are (default NHS England).
    public var letterCodes: LetterCodes
    /// The scheme whose codes bare numbers are (default `ons-2021`, TS021 codes).
    public var numericCodes: String
    /// Schemes whose reading of an ambiguous label wins, before the target scheme.
    public var labelPreference: [String]

    /// Creates options; the defaults are NHS England letters and ONS 2021 numbers.
    public init(
      letterCodes: LetterCodes = .nhsEngland, numericCodes: String = "ons-2021",
      labelPreference: [String] = []
    ) {
      self.letterCodes = letterCodes
      self.numericCodes = numericCodes
      self.labelPreference = labelPreference
    }
  }

  /// The order in which schemes' readings of an ambiguous label are preferred after the target.
  public static let defaultLabelOrder = [
    "ons-2021", "ons-2021-5", "ons-2011", "ons-2011-5", "nhs-2001", "nhs-2001-5", "ons-2001",
    "ons-2001-5", "wales", "scotland-2022", "scotland-2011", "ni-2021",
  ]

  /// The catalogue the schemes and aliases come from.
  public let catalogue: EthnicityCatalogue
  /// The scheme values are placed in.
  public let target: EthnicityScheme
  /// The ambiguity rules in force.
  public let options: Options
  /// The user's own mappings, consulted before everything else.
  public let userMapping: EthnicityUserMapping?
  /// Whether unmapped values (and collective terms) should stop the run; see ``EthnicityDataQuality/checkStrict()``.
  public let strict: Bool
  let rank: [String: Int]
  let aliasRank: Int

  /// Creates a normaliser for the target scheme called `target` (see ``EthnicityCatalogue/scheme(named:)``).
  ///
  /// - Throws: ``EthnicityError/unknownSchemeName(_:available:nearest:)`` or
  ///   ``EthnicityError/invalidOption(_:reason:)`` (usage errors).
  public init(
    catalogue: EthnicityCatalogue, target: String, options: Options = Options(),
    userMapping: EthnicityUserMapping? = nil, strict: Bool = false
  ) throws {
    self.catalogue = catalogue
    self.target = try catalogue.scheme(named: target)
    self.options = options
    self.userMapping = userMapping
    self.strict = strict
    let numbering = try catalogue.scheme(named: options.numericCodes)
    if numbering.isRaw
      || !numbering.groups.contains(where: { Int($0.code) != nil && $0.kind == .group })
    {
      throw EthnicityError.invalidOption(
        "numeric codes",
        reason: "\(numbering.id) has no numeric codes; choose ons-2021, ons-2011 or ons-2001.")
    }
    for id in options.labelPreference { _ = try catalogue.scheme(named: id) }
    if let userMapping, userMapping.schemeID != self.target.id {
      throw EthnicityError.invalidOption(
        "mapping file",
        reason:
          "\(userMapping.file) was read for scheme \(userMapping.schemeID), not \(self.target.id).")
    }
    var order = options.labelPreference + [self.target.id]
    if let partner = self.target.highLevelSchemeID ?? self.target.detailedSchemeID {
      order.append(partner)
    }
    let aliasPosition = order.count
    order += EthnicityNormaliser.defaultLabelOrder + catalogue.schemeNames
    var rank: [String: Int] = [:]
    for (index, id) in order.enumerated() where rank[id] == nil {
      rank[id] = index < aliasPosition ? index : index + 1
    }
    self.rank = rank
    self.aliasRank = aliasPosition
  }

  // MARK: Reading a value

  /// A value as read, before it is placed in the target scheme.
  struct Reading {
    var concept: EthnicityConcept
    var rule: String
  }

  /// Classifies one raw value into the target scheme.
  public func classify(_ raw: String) -> EthnicityClassification {
    let trimmed = EthnicityText.trimmed(raw)
    if trimmed.isEmpty {
      return place(
        Reading(concept: special(.notKnown, "blank"), rule: "blank value: not known"), trimmed)
    }
    if let userMapping, let entry = userMapping.entries[EthnicityUserMapping.key(trimmed)] {
      return userMapped(entry, trimmed)
    }
    if target.isRaw, let quick = readRawToken(trimmed) {
      return quick
    }
    if let reading = readCode(trimmed) ?? readLabel(EthnicityText.light(trimmed), depth: 0)
      ?? readLocalCode(trimmed)
    {
      return place(reading, trimmed)
    }
    let rule: String
    if trimmed.count == 1, trimmed.first!.isLetter {
      rule = "\"\(trimmed)\" is not an \(letterName) code"
    } else if Int(trimmed) != nil {
      rule =
        "\(trimmed) is not a code of \(options.numericCodes) (bare numbers are read as \(options.numericCodes) codes)"
    } else {
      rule =
        "no built-in code or label matches \"\(trimmed)\" (after normalising case, punctuation and spacing)"
    }
    if target.isRaw {
      return EthnicityClassification(
        code: trimmed, label: trimmed, status: .group, rule: "raw: label kept (\(rule))")
    }
    return EthnicityClassification(code: "", label: "Unmapped", status: .unmapped, rule: rule)
  }

  /// For `raw`, a value that is a single token (no space, bracket or list separator) and is not
  /// a code, an exact label, a collective term or a total can only be kept as it is: the label
  /// rules for several words (prefixes, qualifiers, combinations, subtotals) cannot apply to it.
  /// Skipping them keeps raw groupings with thousands of distinct labels (areas, practices) fast.
  /// Returns `nil` when the full reading is needed.
  ///
  /// `readingInFull` skips the byte-level shortcut for plain words (for tests that the two agree).
  func readRawToken(_ trimmed: String, readingInFull: Bool = false) -> EthnicityClassification? {
    if !readingInFull, let kept = keptPlainWord(trimmed) { return kept }
    // The same test on the bytes of plain ASCII (nearly every label), without reading
    // characters.
    let ascii = trimmed.utf8.allSatisfy { $0 < 0x80 }
    guard
      ascii
        ? !trimmed.utf8.contains(where: {
          $0 == 0x20 || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ",")
            || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ";")
        })
        : !trimmed.contains(where: {
          $0 == " " || $0 == "(" || EthnicityNormaliser.listSeparators.contains($0)
        })
    else { return nil }
    if let reading = readCode(trimmed) { return place(reading, trimmed) }
    // A single ASCII word's key needs no light normalisation (which only lower-cases it).
    let key = EthnicityText.asciiWord(trimmed) ?? EthnicityText.key(EthnicityText.light(trimmed))
    guard !key.isEmpty, !key.utf8.contains(0x20) else { return nil }
    // A single-word key contains a collective term only by being one.
    if catalogue.collectiveTerms.contains(where: { $0.key == key }) { return nil }
    if exact(key) != nil || catalogue.totalPrefixes.contains(key) || key == "total" {
      return nil
    }
    if readLocalCode(trimmed) != nil { return nil }
    return EthnicityClassification(
      code: trimmed, label: trimmed, status: .group,
      rule: "raw: label kept (a single word that is no code, label or total)")
  }

  /// For `raw`, the classification of a plain word (ASCII letters and digits, at least one
  /// letter, longer than any code) that is not a label, collective term or total: kept as it is.
  /// `nil` when the general reading of ``readRawToken(_:)`` is needed.
  ///
  /// The same decision as the general reading, made in one pass over the bytes and one set
  /// lookup: there, `uppercased()`, `lowercased()`, the code tables and the list of collective
  /// terms cost about 6,000 instructions per label, which dominated raw groupings with tens of
  /// thousands of distinct labels (areas, practices).
  func keptPlainWord(_ trimmed: String) -> EthnicityClassification? {
    let count = trimmed.utf8.count
    // Shorter words may be codes (letters, numbers, local codes such as "A1"): read in full.
    guard count > 2, count > catalogue.longestExtraCode else { return nil }
    let shape: (plain: Bool, hasUpper: Bool)? = trimmed.utf8.withContiguousStorageIfAvailable {
      bytes in
      var hasLetter = false
      var hasUpper = false
      for b in bytes {
        if b >= 0x61 && b <= 0x7A {
          hasLetter = true
        } else if b >= 0x41 && b <= 0x5A {
          hasLetter = true
          hasUpper = true
        } else if b < 0x30 || b > 0x39 {
          return (false, false)
        }
      }
      // All digits is a number: a code of the numeric scheme or kept with its own rule.
      return (hasLetter, hasUpper)
    }
    guard let shape, shape.plain else { return nil }
    let word =
      shape.hasUpper
      ? String(unsafeUninitializedCapacity: count) { out in
        trimmed.utf8.withContiguousStorageIfAvailable { bytes in
          for (i, b) in bytes.enumerated() { out[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
          return count
        } ?? 0
      } : trimmed
    guard word.utf8.count == count,
      !catalogue.rawWordBlockerEnds.mayContain(word) || !catalogue.rawWordBlockers.contains(word)
    else { return nil }
    return EthnicityClassification(
      code: trimmed, label: trimmed, status: .group,
      rule: "raw: label kept (a single word that is no code, label or total)")
  }

  var letterSystem: String { options.letterCodes == .nhsWales ? "wales" : "nhs-2001" }
  var letterName: String { options.letterCodes == .nhsWales ? "NHS Wales" : "NHS England" }

  func special(_ kind: EthnicityConcept.Kind, _ label: String) -> EthnicityConcept {
    EthnicityConcept(
      kind: kind, atoms: [], schemeID: nil, code: nil, label: label, broad: "", residual: [],
      isAggregate: false)
  }

  func readCode(_ trimmed: String) -> Reading? {
    let upper = trimmed.uppercased()
    for system in [letterSystem, "any"] {
      if let index = catalogue.extraCodes[system]?[upper] {
        let note = catalogue.extraCodeNotes[system + "\u{0}" + upper] ?? ""
        return Reading(
          concept: catalogue.concepts[index],
          rule: "code \(upper)" + (note.isEmpty ? "" : " (\(note))"))
      }
    }
    // Only one- and two-character values are read further as letter codes.
    let scalars = upper.unicodeScalars.count <= 2 ? Array(upper.unicodeScalars) : []
    if scalars.count == 1, CharacterSet.uppercaseLetters.contains(scalars[0]) {
      guard let index = catalogue.concept(scheme: letterSystem, code: upper) else { return nil }
      return Reading(concept: catalogue.concepts[index], rule: "\(letterName) code \(upper)")
    }
    if Int(upper) != nil {
      let numbering = options.numericCodes
      let code = String(Int(upper)!)
      if let index = catalogue.concept(scheme: numbering, code: code) {
        return Reading(
          concept: catalogue.concepts[index],
          rule: "code \(code) of \(numbering) (bare numbers are read as \(numbering) codes)")
      }
      if let index = catalogue.concept(scheme: "scotland-2011", code: code) {
        return Reading(concept: catalogue.concepts[index], rule: "NHS Scotland code \(code)")
      }
      return nil
    }
    if scalars.count == 2, CharacterSet.decimalDigits.contains(scalars[0]),
      CharacterSet.uppercaseLetters.contains(scalars[1]),
      let index = catalogue.concept(scheme: "scotland-2011", code: upper)
    {
      return Reading(concept: catalogue.concepts[index], rule: "NHS Scotland code \(upper)")
    }
    return nil
  }

  func readLocalCode(_ trimmed: String) -> Reading? {
    guard trimmed.unicodeScalars.count == 2 else { return nil }
    let upper = trimmed.uppercased()
    let scalars = Array(upper.unicodeScalars)
    guard scalars.count == 2, CharacterSet.uppercaseLetters.contains(scalars[0]),
      CharacterSet.alphanumerics.contains(scalars[1])
    else { return nil }
    let first = String(scalars[0])
    guard let index = catalogue.concept(scheme: letterSystem, code: first) else { return nil }
    return Reading(
      concept: catalogue.concepts[index],
      rule: "\(letterName) code \(first) (first letter of local code \"\(upper)\")")
  }

  /// The preferred reading of an exact key, if any.
  func exact(_ key: String) -> Reading? {
    guard let candidates = catalogue.labelIndex[key], !candidates.isEmpty else { return nil }
    let ranked = candidates.sorted { rankOf($0) < rankOf($1) }
    let best = ranked[0]
    let concept = catalogue.concepts[best.concept]
    var rule = best.origin(label: concept.label)
    let others = ranked.dropFirst().filter { catalogue.concepts[$0.concept].atoms != concept.atoms }
    if let other = others.first, concept.kind == .group {
      rule +=
        " (also a label of \(other.schemeID ?? "a built-in alias") with a different meaning; \(best.schemeID ?? "the built-in alias") is preferred by the label order)"
    }
    return Reading(concept: concept, rule: rule)
  }

  func rankOf(_ candidate: EthnicityLabelCandidate) -> Int {
    guard let id = candidate.schemeID else { return aliasRank }
    return rank[id] ?? Int.max
  }

  /// Reads a light-normalised label (see ``EthnicityText/light(_:)``).
  func readLabel(_ light: String, depth: Int) -> Reading? {
    let key = EthnicityText.key(light)
    guard !key.isEmpty, depth < 5 else { return nil }
    for term in catalogue.collectiveTerms where EthnicityText.containsWords(key, term.key) {
      return Reading(
        concept: special(.collective, term.display),
        rule: "collective term \"\(term.display)\": names no single group")
    }
    if let reading = exact(key) { return reading }
    for prefix in catalogue.stripPrefixes where key.hasPrefix(prefix + " ") {
      if var reading = readLabel(String(key.dropFirst(prefix.count + 1)), depth: depth + 1) {
        reading.rule += " (after dropping the leading words \"\(prefix)\")"
        return reading
      }
    }
    if light.hasSuffix(")"), let open = light.lastIndex(of: "(") {
      let inner = light[light.index(after: open)..<light.index(before: light.endIndex)]
      let outer = light[..<open]
      if var reading = exact(EthnicityText.key(inner + " " + outer)) {
        reading.rule += " (parenthesised \"\(inner)\" read first)"
        return reading
      }
    }
    for prefix in catalogue.totalPrefixes where key == prefix || key.hasPrefix(prefix + " ") {
      return Reading(concept: special(.total, "Total"), rule: "total: starts with \"\(prefix)\"")
    }
    if key.hasSuffix(" total") || key.hasPrefix("total ") {
      let rest =
        key.hasSuffix(" total")
        ? String(key.dropLast(" total".count)) : String(key.dropFirst("total ".count))
      if let reading = readLabel(rest, depth: depth + 1), reading.concept.kind == .group {
        if reading.concept.isAggregate {
          var total = special(.total, "Total")
          total.atoms = reading.concept.atoms
          total.isAggregate = true
          return Reading(
            concept: total,
            rule:
              "subtotal of \(reading.concept.reference) (\(reading.rule)): a total row, not a group"
          )
        }
        return Reading(
          concept: reading.concept, rule: reading.rule + " (\"total\" of a single group)")
      }
    }
    let words = key.split(separator: " ")
    if words.count > 1 {
      for cut in 1..<words.count {
        let qualifier = words[..<cut].joined(separator: " ")
        let rest = words[cut...].joined(separator: " ")
        guard let reading = exact(rest), reading.concept.kind == .group,
          let candidates = catalogue.labelIndex[qualifier],
          candidates.contains(where: {
            let c = catalogue.concepts[$0.concept]
            return c.kind == .group && reading.concept.atoms.isSubset(of: c.atoms)
          })
        else { continue }
        return Reading(
          concept: reading.concept,
          rule: reading.rule + " (qualified by its own high-level group \"\(qualifier)\")")
      }
    }
    return combination(light, depth: depth)
  }

  static let exclusions = [
    " excluding ", " excl. ", " excl ", " exc. ", " exc ", " except ", "(excluding ", "(excl. ",
    "(excl ", "(exc. ", "(exc ",
  ]
  static let inclusions = [
    " including ", " incl. ", " incl ", " inc. ", " inc ", "(including ", "(incl. ", "(incl ",
    "(inc. ", "(inc ",
  ]
  static let listSeparators: Set<Character> = [",", "/", ";"]

  /// Reads "A excluding B", "A inc B", and lists such as "Pakistani/Bangladeshi" whose every
  /// part (possibly several adjacent pieces joined) matches exactly.
  func combination(_ light: String, depth: Int) -> Reading? {
    // Every combination has a space, a bracket or a list separator: a single token (a code, or a
    // label such as an area name) cannot be one, and need not be searched for separators.
    guard
      light.contains(where: {
        $0 == " " || $0 == "(" || EthnicityNormaliser.listSeparators.contains($0)
      })
    else { return nil }
    func clean(_ part: Substring) -> String {
      part.trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
    }
    for separator in EthnicityNormaliser.exclusions {
      guard let range = light.range(of: separator) else { continue }
      guard let whole = readLabel(clean(light[..<range.lowerBound]), depth: depth + 1),
        let excluded = readLabel(clean(light[range.upperBound...]), depth: depth + 1),
        whole.concept.kind == .group, excluded.concept.kind == .group,
        excluded.concept.atoms.isSubset(of: whole.concept.atoms),
        excluded.concept.atoms != whole.concept.atoms
      else { return nil }
      let atoms = whole.concept.atoms.subtracting(excluded.concept.atoms)
      return Reading(
        concept: EthnicityConcept(
          kind: .group, atoms: atoms, schemeID: nil, code: nil,
          label: "\(whole.concept.label) excluding \(excluded.concept.label)",
          broad: whole.concept.broad, residual: [], isAggregate: true),
        rule: "\(whole.rule), excluding \(excluded.rule)")
    }
    for separator in EthnicityNormaliser.inclusions {
      guard let range = light.range(of: separator) else { continue }
      let parts = [clean(light[..<range.lowerBound]), clean(light[range.upperBound...])]
      var readings: [Reading] = []
      for part in parts {
        guard let reading = readLabel(part, depth: depth + 1) else { return nil }
        readings.append(reading)
      }
      return union(readings)
    }
    // Lists: split on separators and the words "and"/"or", then join adjacent pieces back
    // (fewest parts first) until every part is an exact label.
    var pieces: [String] = []
    var current = ""
    for character in light {
      if EthnicityNormaliser.listSeparators.contains(character) {
        pieces.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    pieces.append(current)
    pieces = pieces.flatMap { piece in
      piece.components(separatedBy: " and ").flatMap { $0.components(separatedBy: " or ") }
    }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard pieces.count > 1, pieces.count <= 12 else { return nil }
    var best: [[Reading]?] = Array(repeating: nil, count: pieces.count + 1)
    best[0] = []
    for end in 1...pieces.count {
      for start in 0..<end {
        guard let before = best[start] else { continue }
        let text = pieces[start..<end].joined(separator: " and ")
        let key = EthnicityText.key(text)
        let reading =
          exact(key)
          ?? catalogue.totalPrefixes.first(where: { key == $0 }).map { _ in
            Reading(concept: special(.total, "Total"), rule: "total \"\(text)\"")
          }
        guard let reading else { continue }
        if best[end] == nil || best[end]!.count > before.count + 1 {
          best[end] = before + [reading]
        }
      }
    }
    guard let parts = best[pieces.count], parts.count > 1 else { return nil }
    return union(parts)
  }

  /// The union of several readings: a combined category, a total, or not known/not stated.
  func union(_ readings: [Reading]) -> Reading? {
    let rule = "combination of " + readings.map { "[\($0.rule)]" }.joined(separator: " + ")
    let kinds = Set(readings.map(\.concept.kind))
    if kinds.contains(.total) {
      return Reading(concept: special(.total, "Total"), rule: rule + ": includes a total")
    }
    if kinds.contains(.collective) {
      return Reading(
        concept: special(.collective, "collective"), rule: rule + ": includes a collective term")
    }
    if kinds.isSubset(of: [.notStated, .notKnown]) {
      let kind: EthnicityConcept.Kind = kinds.contains(.notKnown) ? .notKnown : .notStated
      return Reading(
        concept: special(kind, "Not known"),
        rule: rule + ": counted as \(kind == .notKnown ? "not known" : "not stated")")
    }
    guard kinds == [.group] else { return nil }
    let atoms = readings.reduce(into: Set<String>()) { $0.formUnion($1.concept.atoms) }
    let families = Set(atoms.compactMap { catalogue.atomBroad[$0] })
    if families.count == 5 {
      return Reading(
        concept: special(.total, "Total"),
        rule: rule + ": covers every high-level group, so it is read as a total")
    }
    let broads = Set(readings.map(\.concept.broad))
    return Reading(
      concept: EthnicityConcept(
        kind: .group, atoms: atoms, schemeID: nil, code: nil,
        label: readings.map(\.concept.label).joined(separator: " + "),
        broad: broads.count == 1 ? broads.first! : "", residual: [], isAggregate: true),
      rule: rule)
  }

  // MARK: Placing a reading in the target scheme

  func userMapped(_ entry: EthnicityUserMapping.Entry, _ trimmed: String) -> EthnicityClassification
  {
    let rule = "user mapping \(entry.file) line \(entry.line)"
    if target.isRaw {
      return EthnicityClassification(
        code: entry.target, label: entry.target, status: .group, rule: rule)
    }
    let group = target.group(code: entry.target)!
    let status: EthnicityStatus =
      switch group.kind {
      case .group: .group
      case .notStated: .notStated
      case .notKnown: .notKnown
      }
    return EthnicityClassification(
      code: group.code, label: group.label, status: status, rule: rule,
      matched: "user mapping \"\(trimmed)\"", atoms: group.atoms)
  }

  func place(_ reading: Reading, _ trimmed: String) -> EthnicityClassification {
    let concept = reading.concept
    var result = EthnicityClassification(
      code: "", label: "Unmapped", status: .unmapped, rule: reading.rule,
      matched: concept.kind == .group ? concept.reference : nil, atoms: concept.atoms,
      isAggregate: concept.isAggregate)
    switch concept.kind {
    case .collective:
      result.status = .collective
    case .total:
      result.status = .total
      result.label = "Total"
    case .notStated, .notKnown:
      let kind: EthnicityGroupKind = concept.kind == .notStated ? .notStated : .notKnown
      result.status = concept.kind == .notStated ? .notStated : .notKnown
      if let group = target.firstGroup(ofKind: kind) {
        result.code = group.code
        result.label = group.label
      }
    case .group:
      if !target.isRaw { placeGroup(concept, into: &result) }
    }
    if target.isRaw {
      result.code = trimmed
      result.label = trimmed
      if result.status == .unmapped { result.status = .group }
      result.rule = "raw: label kept; " + result.rule
    }
    return result
  }

  func placeGroup(_ concept: EthnicityConcept, into result: inout EthnicityClassification) {
    func accept(_ group: EthnicityGroup, note: String?) {
      result.code = group.code
      result.label = group.label
      result.status = .group
      var notes: [String] = []
      if let note { notes.append(note) }
      if !concept.broad.isEmpty, !group.broad.isEmpty, concept.broad != group.broad {
        notes.append(
          "high-level group changes from \(concept.broad.capitalized) to \(group.broad.capitalized): \(target.id) places \(concept.label) under \"\(group.highLevel)\""
        )
      }
      result.lossNote = notes.isEmpty ? nil : notes.joined(separator: "; ")
      if concept.schemeID != target.id { result.rule += " → \(target.id) \(group.code)" }
    }
    if concept.schemeID == target.id, let code = concept.code, let group = target.group(code: code)
    {
      accept(group, note: nil)
      return
    }
    let groups = target.groups.filter { $0.kind == .group }
    func smallestContaining(_ atoms: Set<String>) -> (EthnicityGroup?, [EthnicityGroup]) {
      let containing = groups.filter { atoms.isSubset(of: $0.atoms) }
      guard let size = containing.map(\.atoms.count).min() else { return (nil, []) }
      let smallest = containing.filter { $0.atoms.count == size }
      return (smallest.count == 1 ? smallest[0] : nil, smallest)
    }
    let (direct, ties) = smallestContaining(concept.atoms)
    if let direct {
      var note: String?
      if direct.atoms != concept.atoms {
        note =
          "\(concept.reference) is counted in \(target.id) \(direct.code) \"\(direct.label)\", which also includes \(catalogue.describe(atoms: direct.atoms.subtracting(concept.atoms)))"
      }
      accept(direct, note: note)
      return
    }
    let spanned = groups.filter { !$0.atoms.isDisjoint(with: concept.atoms) }
    if ties.isEmpty, !concept.residual.isEmpty,
      let residual = smallestContaining(concept.residual).0
    {
      accept(
        residual,
        note:
          "\(concept.reference) cannot be split into \(target.id) \(spanned.map(\.code).joined(separator: ", ")); all of it is counted under \(residual.code) \"\(residual.label)\" as in the published crosswalk"
      )
      return
    }
    if ties.count > 1 {
      result.rule +=
        "; it matches several \(target.id) groups equally (\(ties.map(\.code).joined(separator: ", "))), so it is not placed"
    } else {
      result.rule +=
        "; it spans \(spanned.count) groups of \(target.id) (\(spanned.map(\.code).joined(separator: ", "))): choose a coarser scheme or map it in a mapping file"
    }
  }
}
