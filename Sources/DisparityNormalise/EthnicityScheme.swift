/// What a group of a classification stands for: an ethnic group, or one of the two kinds of
/// missing ethnicity that the NHS Data Dictionary keeps apart.
public enum EthnicityGroupKind: String, Sendable, Hashable, CaseIterable {
  /// An ethnic group.
  case group
  /// Asked and declined (NHS code Z): "not stated", "refused", "prefer not to say".
  case notStated = "not-stated"
  /// Not asked or not recorded (NHS code 99; HES X; blank or NULL).
  case notKnown = "not-known"
}

/// One group of an ``EthnicityScheme``: its code, official label and high-level group.
public struct EthnicityGroup: Sendable, Hashable {
  /// The code in its scheme: an NHS letter (`"A"`), an ONS number (`"13"`), an NHS Scotland code
  /// (`"1A"`), or `"Z"`/`"99"` for not stated/not known.
  public let code: String
  /// The official label, e.g. `"White: English, Welsh, Scottish, Northern Irish or British"`.
  public let label: String
  /// The label of the high-level group it belongs to, e.g. `"White"`; for a 5-group scheme, itself.
  public let highLevel: String
  /// A group, or not stated / not known.
  public let kind: EthnicityGroupKind
  /// The broad family used to report a change of high-level group between schemes:
  /// `white`, `mixed`, `asian`, `black`, `other`, or empty when the group spans several.
  let broad: String
  /// The finest categories (ONS 2021 codes, split where Scotland or Northern Ireland distinguish
  /// more) that the group covers: the pivot of every mapping between schemes.
  let atoms: Set<String>
  /// For a group that a target may need to split (NHS C, S), the atoms of the target group the
  /// published crosswalk counts it under ("Any other White background" under "Other White").
  let residual: Set<String>
}

/// A classification of ethnic groups that values can be normalised to, such as `nhs-2001` or `ons-2021`.
///
/// Built-in schemes are loaded from `datasets/ethnicity/` by ``EthnicityCatalogue/builtIn()``.
/// The special scheme `raw` has no groups: it keeps each value's label, trimmed.
public struct EthnicityScheme: Sendable, Hashable {
  /// The name used with `--scheme`, e.g. `"ons-2021-5"`.
  public let id: String
  /// A display name, e.g. `"ONS Census 2021 ethnic group (19 categories)"`.
  public let name: String
  /// The publication the groups come from.
  public let source: String
  /// The groups in the scheme's published order, then not stated and not known.
  public let groups: [EthnicityGroup]
  /// For a detailed scheme, the id of its 5-group scheme (e.g. `ons-2021` → `ons-2021-5`).
  public let highLevelSchemeID: String?
  /// For a 5-group scheme, the id of the detailed scheme whose groups it aggregates.
  public let detailedSchemeID: String?

  /// Whether this is `raw` (labels kept as they are).
  public var isRaw: Bool { id == EthnicityScheme.rawID }

  /// The id of the scheme that keeps labels untouched.
  public static let rawID = "raw"

  /// The group with this code (exact match), if any.
  public func group(code: String) -> EthnicityGroup? {
    groups.first { $0.code == code }
  }

  /// The first group of a kind: where not stated and not known values go in this scheme.
  func firstGroup(ofKind kind: EthnicityGroupKind) -> EthnicityGroup? {
    groups.first { $0.kind == kind }
  }

  static let raw = EthnicityScheme(
    id: rawID, name: "Labels as found (trimmed)", source: "the input data", groups: [],
    highLevelSchemeID: nil, detailedSchemeID: nil)
}
