import DisparityDatasets
import DisparityIngest
import Foundation

/// Something an input value can stand for: a group of a scheme, an ad hoc set of categories
/// (an alias such as "Gypsy or Roma", or a combination such as "Pakistani and Bangladeshi"),
/// not stated / not known, a collective term, or a total.
struct EthnicityConcept: Sendable, Hashable {
  enum Kind: Sendable, Hashable {
    case group, notStated, notKnown, collective, total
  }
  var kind: Kind
  /// The atoms covered (empty unless `kind == .group`).
  var atoms: Set<String>
  /// The scheme and code when the concept is a group of a scheme.
  var schemeID: String?
  var code: String?
  var label: String
  var broad: String
  var residual: Set<String>
  /// A high-level group, or a union of groups: a row with it beside detailed rows double-counts.
  var isAggregate: Bool

  /// `nhs-2001 C "White - Any other White background"`, or `"Gypsy or Roma"`.
  var reference: String {
    if let schemeID, let code { return "\(schemeID) \(code) \"\(label)\"" }
    return "\"\(label)\""
  }
}

/// One way a normalised label can be read.
struct EthnicityLabelCandidate: Sendable, Hashable {
  var concept: Int
  /// The scheme whose label it is (nil for a built-in alias with its own set of categories).
  var schemeID: String?
  /// How a built-in alias matched, for the classification's rule; nil for a scheme's label,
  /// whose rule is made from its concept when it is used (see ``origin(label:)``): the
  /// thousands of label keys of the schemes need no string each at load.
  var aliasOrigin: String?

  /// How it matched, for the classification's rule, e.g. `label of ons-2011 "White: Irish"`;
  /// `label` is its concept's label.
  func origin(label: String) -> String {
    aliasOrigin ?? "label of \(schemeID ?? "") \"\(label)\""
  }
}

/// The built-in ethnicity classifications, loaded from data files and validated, with the alias
/// table that ``EthnicityNormaliser`` reads values through.
///
/// The files live in `datasets/ethnicity/` (see its README): `schemes.csv` lists the schemes,
/// one CSV per scheme lists its groups, `atoms.csv` the finest categories every group is
/// expressed in (the pivot for mapping between schemes), and `aliases.csv` extra codes, labels,
/// collective terms and total markers.
public struct EthnicityCatalogue: Sendable {
  /// The schemes in the order of `schemes.csv`, then `raw`.
  public let schemes: [EthnicityScheme]
  /// The atom ids and their descriptions, in the order of `atoms.csv`.
  let atomDescriptions: [String: String]
  let atomOrder: [String]
  /// Atom → its ONS 2021 code; ONS 2021 code → a description of the whole code.
  let atomONSCode: [String: String]
  let onsCodeDescriptions: [String: String]
  /// Atom → broad family as in ONS 2021 (Chinese is Asian), to recognise a list of every group.
  let atomBroad: [String: String]
  let concepts: [EthnicityConcept]
  /// Normalised label → the readings, one per scheme (or alias) that has that label.
  let labelIndex: [String: [EthnicityLabelCandidate]]
  /// Scheme id → upper-cased code → concept.
  let codeIndex: [String: [String: Int]]
  /// Code system (`nhs-2001`, `wales`, `any`) → upper-cased extra code → concept (T, W, X, 9, -8).
  let extraCodes: [String: [String: Int]]
  /// Extra code → its note, for rules.
  let extraCodeNotes: [String: String]
  /// Collective terms as keys, with the wording to show.
  let collectiveTerms: [(key: String, display: String)]
  /// Keys that mark a total when a value starts with them ("all").
  let totalPrefixes: [String]
  /// Keys of leading words dropped before reading a value ("ethnicity minor"), longest first.
  let stripPrefixes: [String]
  /// Every single-word key that could stop a plain ASCII word being kept as it is under `raw`
  /// (a label, a collective term, a total, or a word the key rules rewrite); see
  /// ``EthnicityNormaliser/keptPlainWord(_:)``.
  let rawWordBlockers: Set<String>
  /// The first and last bytes of the ``rawWordBlockers``, by length: a word none of them could
  /// be is not looked up in the set.
  let rawWordBlockerEnds: WordEnds
  /// The length in UTF-8 bytes of the longest extra code (see ``extraCodes``).
  let longestExtraCode: Int

  /// The names accepted by ``scheme(named:)``.
  public var schemeNames: [String] { schemes.map(\.id) }

  /// The built-in classifications from the `DisparityDatasets` bundle, loaded once per process.
  ///
  /// - Throws: ``EthnicityError`` or `CSVTableError` naming the file, line and column of the
  ///   first problem in the data files.
  public static func builtIn() throws -> EthnicityCatalogue {
    switch cachedBuiltIn {
    case .success(let catalogue): return catalogue
    case .failure(let error): throw error.underlying
    }
  }

  /// Starts loading the built-in classifications on a thread of their own, once per process:
  /// later calls (and ``builtIn()`` meanwhile) find the load under way.
  ///
  /// One loader only: a second thread started to load them waited for the first in a lock
  /// whose waiters spin, taking a core from the work the load was meant to run beside.
  public static func preloadBuiltIn() {
    guard preload.start() else { return }
    BackgroundWork.start { _ = try? builtIn() }
  }

  /// Whether the preload has started (an `NSLock`, as elsewhere here, for macOS 13).
  private final class Preload: @unchecked Sendable {
    private let lock = NSLock()
    private var started = false

    /// True for the first caller only.
    func start() -> Bool {
      lock.lock()
      defer { lock.unlock() }
      if started { return false }
      started = true
      return true
    }
  }

  private static let preload = Preload()

  private struct LoadFailure: Error { var underlying: any Error }
  private static let cachedBuiltIn: Result<EthnicityCatalogue, LoadFailure> = {
    do {
      return .success(try EthnicityCatalogue(directory: BuiltInDatasets.url("ethnicity")))
    } catch {
      return .failure(LoadFailure(underlying: error))
    }
  }()

  /// The scheme called `name` (case-insensitive), or `raw`.
  ///
  /// - Throws: ``EthnicityError/unknownSchemeName(_:available:nearest:)`` (a usage error) listing
  ///   the schemes and the nearest name.
  public func scheme(named name: String) throws -> EthnicityScheme {
    let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
    if let found = schemes.first(where: { $0.id == wanted }) { return found }
    let nearest = schemeNames.min { editDistance($0, wanted) < editDistance($1, wanted) }
    let close = nearest.flatMap { editDistance($0, wanted) <= max(3, wanted.count / 2) ? $0 : nil }
    throw EthnicityError.unknownSchemeName(name, available: schemeNames, nearest: close)
  }

  /// Loads and validates the classification files in `directory` (a copy of `datasets/ethnicity`).
  ///
  /// - Throws: ``EthnicityError`` or `CSVTableError` naming the file, line and column of the first problem.
  public init(directory: URL) throws {
    var loader = Loader(directory: directory)
    try loader.load()
    schemes = loader.schemes + [.raw]
    atomDescriptions = loader.atomDescriptions
    atomOrder = loader.atomOrder
    atomONSCode = loader.atomONSCode
    var descriptions: [String: String] = [:]
    for (code, atoms) in loader.atomsByONSCode {
      if atoms.count == 1 {
        descriptions[code] = loader.atomDescriptions[atoms.first!]
      } else if let category = loader.categories["ons-2021\u{0}" + code], !category.isEmpty {
        descriptions[code] = category
      } else {
        descriptions[code] = loader.atomOrder.filter(atoms.contains).compactMap {
          loader.atomDescriptions[$0]
        }.joined(separator: ", ")
      }
    }
    onsCodeDescriptions = descriptions
    var broadOfAtom: [String: String] = [:]
    for group in loader.schemes.first(where: { $0.id == "ons-2021" })?.groups ?? [] {
      for atom in group.atoms where !group.broad.isEmpty { broadOfAtom[atom] = group.broad }
    }
    atomBroad = broadOfAtom
    concepts = loader.concepts
    labelIndex = loader.labelIndex
    codeIndex = loader.codeIndex
    extraCodes = loader.extraCodes
    extraCodeNotes = loader.extraCodeNotes
    collectiveTerms = loader.collectiveTerms
    totalPrefixes = loader.totalPrefixes
    stripPrefixes = loader.stripPrefixes.sorted { $0.count > $1.count }
    // A superset is safe: a word found here is read by the general rules.
    var blockers: Set<String> = ["and", "or", "groups", "backgrounds", "ethnicity", "ethnicities"]
    blockers.insert("total")
    for key in loader.labelIndex.keys where !key.utf8.contains(0x20) { blockers.insert(key) }
    for term in loader.collectiveTerms where !term.key.utf8.contains(0x20) {
      blockers.insert(term.key)
    }
    for prefix in loader.totalPrefixes where !prefix.utf8.contains(0x20) { blockers.insert(prefix) }
    rawWordBlockers = blockers
    rawWordBlockerEnds = WordEnds(blockers)
    longestExtraCode = loader.extraCodes.values.flatMap(\.keys).map(\.utf8.count).max() ?? 0
  }

  /// The concept of a scheme's group.
  func concept(scheme: String, code: String) -> Int? {
    codeIndex[scheme]?[code.uppercased()]
  }

  /// Describes a set of atoms for a loss note: "Gypsy or Irish Traveller, Roma"; an ONS 2021
  /// category whose atoms are all present is named once.
  func describe(atoms: Set<String>) -> String {
    var parts: [String] = []
    var done: Set<String> = []
    for atom in atomOrder where atoms.contains(atom) {
      guard let code = atomONSCode[atom] else { continue }
      let all = atomOrder.filter { atomONSCode[$0] == code }
      if all.allSatisfy(atoms.contains) {
        if done.insert(code).inserted { parts.append(onsCodeDescriptions[code] ?? code) }
      } else if let description = atomDescriptions[atom] {
        parts.append(description)
      }
    }
    return parts.joined(separator: ", ")
  }
}

/// Case-insensitive edit distance, for suggesting the nearest scheme or label in messages.
func editDistance(_ a: String, _ b: String) -> Int {
  NearestName.editDistance(a.lowercased(), b.lowercased())
}

/// Reads the files of `datasets/ethnicity` and builds the catalogue's tables.
private struct Loader {
  let directory: URL
  var schemes: [EthnicityScheme] = []
  var atomDescriptions: [String: String] = [:]
  var atomOrder: [String] = []
  var atomsByONSCode: [String: Set<String>] = [:]
  var atomONSCode: [String: String] = [:]
  var concepts: [EthnicityConcept] = []
  var labelIndex: [String: [EthnicityLabelCandidate]] = [:]
  var codeIndex: [String: [String: Int]] = [:]
  var extraCodes: [String: [String: Int]] = [:]
  var extraCodeNotes: [String: String] = [:]
  var collectiveTerms: [(key: String, display: String)] = []
  var totalPrefixes: [String] = []
  var stripPrefixes: [String] = []

  init(directory: URL) { self.directory = directory }

  func table(_ file: String) throws -> CSVTable {
    try CSVTable(
      contentsOf: directory.appendingPathComponent(file).path, displayName: "ethnicity/\(file)")
  }

  struct Columns {
    let table: CSVTable
    let indices: [String: Int]
    init(_ table: CSVTable, _ names: [String]) throws {
      self.table = table
      var indices: [String: Int] = [:]
      for name in names { indices[name] = try table.columnIndex(name) }
      self.indices = indices
    }
    func value(_ row: CSVTable.Row, _ name: String) -> String {
      let field = row.fields[indices[name]!]
      // Nothing to trim (nearly every field): skip Foundation, which cost more than reading the
      // classification files themselves.
      if let first = field.utf8.first, let last = field.utf8.last, first > 0x20, first < 0x7F,
        last > 0x20, last < 0x7F
      {
        return field
      }
      return field.trimmingCharacters(in: .whitespaces)
    }
    func required(_ row: CSVTable.Row, _ name: String) throws -> String {
      let text = value(row, name)
      if text.isEmpty { throw EthnicityError.emptyField(location(row, name)) }
      return text
    }
    func location(_ row: CSVTable.Row, _ name: String) -> SourceLocation {
      table.location(row: row, column: indices[name]!)
    }
  }

  mutating func load() throws {
    try loadAtoms()
    let list = try Columns(
      table("schemes.csv"), ["id", "name", "file", "high_level_scheme", "source"])
    var seen: [String: Int] = [:]
    struct Pending {
      var id, name, file, highLevel, source: String
      var row: CSVTable.Row
    }
    var pending: [Pending] = []
    for row in list.table.rows {
      let id = try list.required(row, "id")
      if let first = seen[id] {
        throw EthnicityError.duplicateScheme(list.location(row, "id"), id: id, firstLine: first)
      }
      seen[id] = row.line
      pending.append(
        Pending(
          id: id, name: try list.required(row, "name"), file: try list.required(row, "file"),
          highLevel: list.value(row, "high_level_scheme"), source: try list.required(row, "source"),
          row: row))
    }
    let ids = pending.map(\.id)
    for p in pending where !p.highLevel.isEmpty && !ids.contains(p.highLevel) {
      throw EthnicityError.unknownScheme(
        list.location(p.row, "high_level_scheme"), id: p.highLevel, available: ids)
    }
    let detailedOf = Dictionary(
      pending.filter { !$0.highLevel.isEmpty }.map { ($0.highLevel, $0.id) },
      uniquingKeysWith: { first, _ in first })
    // Detailed schemes first (5-group schemes take their atoms from them), then keep the listed order.
    var built: [String: EthnicityScheme] = [:]
    for p in pending where detailedOf[p.id] == nil {
      let fiveGroup: Set<String>? =
        try p.highLevel.isEmpty
        ? nil : highLevelLabels(pending.first { $0.id == p.highLevel }!.file)
      built[p.id] = try loadDetailed(p.id, p.name, p.file, p.source, p.highLevel, fiveGroup)
    }
    for p in pending where detailedOf[p.id] != nil {
      built[p.id] = try loadHighLevel(
        p.id, p.name, p.file, p.source, detailed: built[detailedOf[p.id]!]!)
    }
    schemes = pending.map { built[$0.id]! }
    for scheme in schemes { register(scheme) }
    try loadAliases()
  }

  mutating func loadAtoms() throws {
    let atoms = try Columns(table("atoms.csv"), ["atom", "ons2021_code", "description"])
    var seen: [String: Int] = [:]
    for row in atoms.table.rows {
      let id = try atoms.required(row, "atom")
      if let first = seen[id] {
        throw EthnicityError.duplicateCode(atoms.location(row, "atom"), code: id, firstLine: first)
      }
      seen[id] = row.line
      atomOrder.append(id)
      atomDescriptions[id] = try atoms.required(row, "description")
      let code = try atoms.required(row, "ons2021_code")
      atomsByONSCode[code, default: []].insert(id)
      atomONSCode[id] = code
    }
  }

  /// Atom ids or ONS 2021 codes (which stand for all their atoms), separated by spaces.
  func parseAtoms(_ text: String, at location: SourceLocation) throws -> Set<String> {
    var result: Set<String> = []
    for item in text.split(separator: " ").map(String.init) {
      if atomDescriptions[item] != nil {
        result.insert(item)
      } else if let expanded = atomsByONSCode[item] {
        result.formUnion(expanded)
      } else {
        throw EthnicityError.unknownAtom(location, atom: item)
      }
    }
    return result
  }

  func parseKind(_ columns: Columns, _ row: CSVTable.Row) throws -> EthnicityGroupKind {
    let text = try columns.required(row, "kind")
    guard let kind = EthnicityGroupKind(rawValue: text) else {
      throw EthnicityError.invalidValue(
        columns.location(row, "kind"), value: text,
        allowed: EthnicityGroupKind.allCases.map(\.rawValue))
    }
    return kind
  }

  func highLevelLabels(_ file: String) throws -> Set<String> {
    let columns = try Columns(table(file), ["code", "label", "kind"])
    return Set(try columns.table.rows.map { try columns.required($0, "label") })
  }

  static let broads = ["white", "mixed", "asian", "black", "other"]

  mutating func loadDetailed(
    _ id: String, _ name: String, _ file: String, _ source: String, _ highLevelScheme: String,
    _ fiveGroupLabels: Set<String>?
  ) throws -> EthnicityScheme {
    let columns = try Columns(
      table(file),
      ["code", "label", "kind", "high_level", "broad", "category", "atoms", "residual"])
    var groups: [EthnicityGroup] = []
    var seen: [String: Int] = [:]
    for row in columns.table.rows {
      let code = try columns.required(row, "code")
      if let first = seen[code.uppercased()] {
        throw EthnicityError.duplicateCode(
          columns.location(row, "code"), code: code, firstLine: first)
      }
      seen[code.uppercased()] = row.line
      let kind = try parseKind(columns, row)
      let highLevel = try columns.required(row, "high_level")
      if let fiveGroupLabels, !fiveGroupLabels.contains(highLevel) {
        throw EthnicityError.unknownHighLevel(
          columns.location(row, "high_level"), value: highLevel, scheme: highLevelScheme,
          available: fiveGroupLabels.sorted())
      }
      let broad = columns.value(row, "broad")
      if !broad.isEmpty && !Loader.broads.contains(broad) {
        throw EthnicityError.invalidValue(
          columns.location(row, "broad"), value: broad, allowed: Loader.broads)
      }
      let atoms = try parseAtoms(columns.value(row, "atoms"), at: columns.location(row, "atoms"))
      let residual = try parseAtoms(
        columns.value(row, "residual"), at: columns.location(row, "residual"))
      if kind == .group && atoms.isEmpty {
        throw EthnicityError.invalidAtoms(
          columns.location(row, "atoms"), reason: "a group needs the atoms it covers.")
      }
      if kind != .group && !atoms.isEmpty {
        throw EthnicityError.invalidAtoms(
          columns.location(row, "atoms"), reason: "not stated and not known rows take no atoms.")
      }
      if !residual.isSubset(of: atoms) {
        throw EthnicityError.invalidAtoms(
          columns.location(row, "residual"),
          reason: "the residual must be part of the group's atoms.")
      }
      groups.append(
        EthnicityGroup(
          code: code, label: try columns.required(row, "label"), highLevel: highLevel, kind: kind,
          broad: broad, atoms: atoms, residual: residual))
      categories[id + "\u{0}" + code] = columns.value(row, "category")
    }
    return EthnicityScheme(
      id: id, name: name, source: source, groups: groups,
      highLevelSchemeID: highLevelScheme.isEmpty ? nil : highLevelScheme, detailedSchemeID: nil)
  }

  /// The category (label without its high-level group) of each detailed group, for aliases.
  var categories: [String: String] = [:]

  mutating func loadHighLevel(
    _ id: String, _ name: String, _ file: String, _ source: String, detailed: EthnicityScheme
  ) throws -> EthnicityScheme {
    let columns = try Columns(table(file), ["code", "label", "kind"])
    var groups: [EthnicityGroup] = []
    var seen: [String: Int] = [:]
    for row in columns.table.rows {
      let code = try columns.required(row, "code")
      if let first = seen[code.uppercased()] {
        throw EthnicityError.duplicateCode(
          columns.location(row, "code"), code: code, firstLine: first)
      }
      seen[code.uppercased()] = row.line
      let label = try columns.required(row, "label")
      let kind = try parseKind(columns, row)
      let children = detailed.groups.filter { $0.highLevel == label }
      if children.isEmpty {
        throw EthnicityError.emptyHighLevelGroup(file: columns.table.file, label: label)
      }
      let atoms = children.reduce(into: Set<String>()) { $0.formUnion($1.atoms) }
      let broads = Set(children.map(\.broad))
      groups.append(
        EthnicityGroup(
          code: code, label: label, highLevel: label, kind: kind,
          broad: broads.count == 1 ? broads.first! : "", atoms: atoms, residual: []))
    }
    return EthnicityScheme(
      id: id, name: name, source: source, groups: groups, highLevelSchemeID: nil,
      detailedSchemeID: detailed.id)
  }

  /// Short names of a broad family, used with a category ("White British", "Asian other").
  static let shortNames: [String: [String]] = [
    "white": ["white"], "mixed": ["mixed", "mixed multiple", "multiple"],
    "asian": ["asian", "asian british"], "black": ["black", "black british"],
    "other": ["other", "other ethnic group"],
  ]

  /// Variants of a category: "Any other White background" also reads as "other white",
  /// "white other", "any other white", "other".
  static func categoryVariants(_ category: String, broad: String) -> [String] {
    let key = EthnicityText.key(category)
    var variants = [key]
    var core: String?
    for lead in ["any other ", "other "] where key.hasPrefix(lead) {
      core = String(key.dropFirst(lead.count))
      break
    }
    if key == "any other" || key == "other" { core = "" }
    guard var core else { return variants }
    if core.hasSuffix(" background") { core = String(core.dropLast(" background".count)) }
    // "Any other ethnic group" must not also read as "Other ethnic group", the high-level label.
    if core == "ethnic group" { core = "" }
    if core.isEmpty {
      variants += ["other", "any other"]
    } else {
      variants += [
        "other \(core)", "any other \(core)", "any other \(core) background", "\(core) other",
        "other \(core) background", "other", "any other",
      ]
    }
    return variants
  }

  mutating func addConcept(_ concept: EthnicityConcept) -> Int {
    concepts.append(concept)
    return concepts.count - 1
  }

  mutating func register(_ scheme: EthnicityScheme) {
    // Each key's concept, or −1 once a second concept of the scheme has the key.
    var keys: [String: Int] = [:]
    for group in scheme.groups {
      let kind: EthnicityConcept.Kind =
        switch group.kind {
        case .group: .group
        case .notStated: .notStated
        case .notKnown: .notKnown
        }
      let index = addConcept(
        EthnicityConcept(
          kind: kind, atoms: group.atoms, schemeID: scheme.id, code: group.code, label: group.label,
          broad: group.broad, residual: group.residual, isAggregate: scheme.detailedSchemeID != nil)
      )
      codeIndex[scheme.id, default: [:]][group.code.uppercased()] = index
      var mine: [String] = [EthnicityText.key(group.label)]
      let shorts = Loader.shortNames[group.broad] ?? []
      if scheme.detailedSchemeID != nil {
        if group.kind == .group { mine += shorts }
      } else {
        let category = categories[scheme.id + "\u{0}" + group.code] ?? ""
        let variants = Loader.categoryVariants(category, broad: group.broad)
        let highLevels = [EthnicityText.key(group.highLevel)] + shorts
        for variant in variants {
          let generic = variant == "other" || variant == "any other"
          // Alone, "any other" is the residual Other group; "other" alone is the high-level group.
          if !generic || (group.broad == "other" && variant == "any other") { mine.append(variant) }
          if group.kind != .group { continue }
          for high in highLevels where !high.isEmpty {
            mine.append(high + " " + variant)
            if !generic { mine.append(variant + " " + high) }
          }
        }
      }
      for key in mine where !key.isEmpty {
        func mark(_ known: inout Int) { if known != index { known = -1 } }
        mark(&keys[key, default: index])
      }
    }
    // A key that means two different groups within one scheme is not used for that scheme.
    for (key, concept) in keys where concept >= 0 {
      labelIndex[key, default: []].append(
        EthnicityLabelCandidate(concept: concept, schemeID: scheme.id, aliasOrigin: nil))
    }
  }

  mutating func loadAliases() throws {
    let columns = try Columns(
      table("aliases.csv"),
      ["match", "value", "system", "target", "kind", "atoms", "label", "note"])
    var seen: [String: Int] = [:]
    let schemeIDs = schemes.map(\.id)
    for row in columns.table.rows {
      let match = try columns.required(row, "match")
      let value = try columns.required(row, "value")
      let system = columns.value(row, "system")
      let target = columns.value(row, "target")
      let note = columns.value(row, "note")
      let key = match == "code" ? value.uppercased() : EthnicityText.key(value)
      let seenKey = match + "\u{0}" + system + "\u{0}" + key
      if let first = seen[seenKey] {
        throw EthnicityError.duplicateAlias(
          columns.location(row, "value"), value: value, firstLine: first)
      }
      seen[seenKey] = row.line
      switch match {
      case "strip-prefix":
        stripPrefixes.append(key)
        continue
      case "contains":
        guard columns.value(row, "kind") == "collective" else {
          throw EthnicityError.invalidValue(
            columns.location(row, "kind"), value: columns.value(row, "kind"),
            allowed: ["collective"])
        }
        collectiveTerms.append((key, value))
        continue
      case "prefix":
        guard columns.value(row, "kind") == "total" else {
          throw EthnicityError.invalidValue(
            columns.location(row, "kind"), value: columns.value(row, "kind"), allowed: ["total"])
        }
        totalPrefixes.append(key)
      case "code", "label": break
      default:
        throw EthnicityError.invalidValue(
          columns.location(row, "match"), value: match,
          allowed: ["code", "label", "contains", "prefix", "strip-prefix"])
      }
      let conceptIndex: Int
      var schemeForCandidate: String?
      if !target.isEmpty {
        guard schemeIDs.contains(system) else {
          throw EthnicityError.unknownScheme(
            columns.location(row, "system"), id: system, available: schemeIDs)
        }
        guard let index = codeIndex[system]?[target.uppercased()] else {
          throw EthnicityError.unknownCode(
            columns.location(row, "target"), code: target, scheme: system)
        }
        conceptIndex = index
        schemeForCandidate = system
      } else {
        let kindText = try columns.required(row, "kind")
        let kind: EthnicityConcept.Kind
        switch kindText {
        case "group": kind = .group
        case "not-stated": kind = .notStated
        case "not-known": kind = .notKnown
        case "collective": kind = .collective
        case "total": kind = .total
        default:
          throw EthnicityError.invalidValue(
            columns.location(row, "kind"), value: kindText,
            allowed: ["group", "not-stated", "not-known", "collective", "total"])
        }
        let atoms = try parseAtoms(columns.value(row, "atoms"), at: columns.location(row, "atoms"))
        if kind == .group && atoms.isEmpty {
          throw EthnicityError.invalidAtoms(
            columns.location(row, "atoms"), reason: "a group alias needs the atoms it covers.")
        }
        let broads = Set(
          schemes.flatMap(\.groups).filter {
            !$0.broad.isEmpty && atoms.isSubset(of: $0.atoms) && $0.highLevel == $0.label
          }
          .map(\.broad))
        let label = columns.value(row, "label").isEmpty ? value : columns.value(row, "label")
        conceptIndex = addConcept(
          EthnicityConcept(
            kind: kind, atoms: atoms, schemeID: nil, code: nil, label: label,
            broad: broads.count == 1 ? broads.first! : "", residual: [], isAggregate: false))
      }
      if match == "code" {
        if system != "any" && !schemeIDs.contains(system) {
          throw EthnicityError.unknownScheme(
            columns.location(row, "system"), id: system, available: schemeIDs + ["any"])
        }
        extraCodes[system, default: [:]][key] = conceptIndex
        extraCodeNotes[system + "\u{0}" + key] = note
      } else {
        labelIndex[key, default: []].insert(
          EthnicityLabelCandidate(
            concept: conceptIndex, schemeID: schemeForCandidate,
            aliasOrigin: "built-in alias \"\(value)\"" + (note.isEmpty ? "" : " (\(note))")),
          at: 0)
      }
    }
  }
}

/// The first and last bytes of a set of words, by length: a test that a word is not in the set
/// without hashing it.
///
/// For `raw` groupings of tens of thousands of labels (areas, practices): the hash and lookup
/// of each label in a `Set<String>` cost about 500 instructions, this test about 15.
struct WordEnds: Sendable {
  /// Lengths below this have their own masks; longer words are always "may be in the set".
  static let lengths = 32
  /// A bit for each of a word's first (last) bytes, by length: bits 0–9 for digits, 10–35 for
  /// lower-case and 36–61 for upper-case ASCII letters, 63 for any other byte.
  private var first: [UInt64]
  private var last: [UInt64]

  init(_ words: some Sequence<String>) {
    first = Array(repeating: 0, count: Self.lengths)
    last = Array(repeating: 0, count: Self.lengths)
    for word in words {
      let bytes = Array(word.utf8)
      guard let head = bytes.first, let tail = bytes.last, bytes.count < Self.lengths else {
        continue
      }
      first[bytes.count] |= Self.bit(head)
      last[bytes.count] |= Self.bit(tail)
    }
  }

  @inline(__always)
  private static func bit(_ b: UInt8) -> UInt64 {
    switch b {
    case 0x30...0x39: return 1 &<< UInt64(b &- 0x30)
    case 0x61...0x7A: return 1 &<< UInt64(b &- 0x61 &+ 10)
    case 0x41...0x5A: return 1 &<< UInt64(b &- 0x41 &+ 36)
    default: return 1 &<< 63
    }
  }

  /// Whether `word` may be one of the words (false: it is certainly not).
  @inline(__always)
  func mayContain(_ word: String) -> Bool {
    let count = word.utf8.count
    guard count > 0 else { return false }
    guard count < Self.lengths else { return true }
    return word.utf8.withContiguousStorageIfAvailable { bytes in
      first[count] & Self.bit(bytes[0]) != 0 && last[count] & Self.bit(bytes[count &- 1]) != 0
    } ?? true
  }
}
