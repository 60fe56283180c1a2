import Foundation

/// Ethnic group names and order for reports, as the government's style guide asks (Race
/// Disparity Unit, "Writing about ethnicity" and the Ethnicity facts and figures data style
/// guide).
///
/// - Names: a full group name from the classification's label, capitalised, without slashes or
///   dashes: "White - British" → "White British", "Black or Black British - African" → "Black
///   African", "Mixed - White and Asian" → "Mixed White and Asian", "Asian or Asian British -
///   Indian" → "Indian" (Asian groups and groups under "Other" are named by their own name, as
///   Ethnicity facts and figures does), "White: Gypsy or Irish Traveller" → "White Gypsy or Irish
///   Traveller", "Any other mixed background" → "Any other Mixed background". Collective terms
///   are never used: a group labelled "BAME" or "BME" is shown as "Other than White", as the
///   style guide asks; unknown ethnicity is labelled "Unknown".
/// - Order: aggregated groups alphabetically (Asian, Black, Mixed, White), the groups within each
///   alphabetically with their "any other" group last, then the "Other" groups, then "Unknown".
///   The style guide: "Ethnic groups are ordered alphabetically in charts and tables, with
///   'Other', and occasionally 'unknown', as a final category."
public enum EthnicGroupNames {
  /// The aggregated group a name belongs to, in report order.
  public enum Family: Int, Sendable, Comparable, CaseIterable {
    case asian, black, mixed, white, unrecognised, other, unknown

    public static func < (a: Family, b: Family) -> Bool { a.rawValue < b.rawValue }
  }

  /// The name to show for a group's label.
  public static func displayName(for label: String) -> String {
    // A single word (a raw label such as an area code) is shown as it is.
    if !label.isEmpty && !label.contains(where: { $0 == " " || $0 == "/" || $0 == ":" }) {
      let lower = label.lowercased()
      if !["bame", "bme", "b.a.m.e.", "b.m.e.", "unknown", "missing"].contains(lower) {
        return label
      }
    }
    let trimmed = label.trimmingCharacters(in: .whitespaces)
    let lower = trimmed.lowercased()
    if ["bame", "bme", "b.a.m.e.", "b.m.e."].contains(lower)
      || lower.hasPrefix("bame ") || lower.hasPrefix("bme ")
    {
      return "Other than White"
    }
    if ["unknown", "not known", "not stated", "not recorded", "missing"].contains(lower) {
      return lower == "unknown" ? "Unknown" : "Unknown (\(lower))"
    }
    guard let (prefix, category) = split(trimmed) else {
      return trimmed.replacingOccurrences(of: "/", with: " and ")
    }
    let family = familyOfPrefix(prefix)
    var name = capitaliseGroupWords(category)
    let lowerName = name.lowercased()
    if lowerName.hasPrefix("any other") || lowerName.hasPrefix("other ") {
      return name.replacingOccurrences(of: "/", with: " and ")
    }
    switch family {
    case .white: name = "White " + name
    case .black: name = "Black " + name
    case .mixed: name = "Mixed " + name
    default: break
    }
    return name.replacingOccurrences(of: "/", with: " and ")
  }

  /// The aggregated group of a label (official labels by their prefix; bare names by the name).
  public static func family(of label: String) -> Family {
    let trimmed = label.trimmingCharacters(in: .whitespaces)
    let lower = trimmed.lowercased()
    if lower == "unknown" || lower.hasPrefix("unknown") || lower == "not known"
      || lower == "not stated" || lower == "not recorded" || lower == "missing"
    {
      return .unknown
    }
    if let (prefix, _) = split(trimmed) { return familyOfPrefix(prefix) }
    let first =
      lower.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ":" }).first.map(String.init)
      ?? ""
    switch first {
    case "asian", "indian", "pakistani", "bangladeshi", "chinese": return .asian
    case "black", "african", "caribbean": return .black
    case "mixed": return .mixed
    case "white", "british", "irish", "gypsy", "roma": return .white
    case "other", "any", "arab": return .other
    default: return .unrecognised
    }
  }

  /// Whether a name is the "any other" group of its aggregated group (shown last within it).
  static func isResidual(_ name: String) -> Bool {
    let lower = name.lowercased()
    return lower.hasPrefix("any other") || lower.hasPrefix("other ") || lower == "other"
  }

  /// The order in which two labels appear in a report.
  public static func precedes(_ a: String, _ b: String) -> Bool {
    sortKey(a) < sortKey(b)
  }

  /// Items sorted into report order by their labels (stable for equal keys).
  public static func ordered<T>(_ items: [T], label: (T) -> String) -> [T] {
    // Each key once (decorate, sort, undecorate): the keys parse the label, so computing them
    // inside the comparison made ordering thousands of groups slow.
    let keys = items.map { sortKey(label($0)) }
    return items.indices.sorted { x, y in
      keys[x] != keys[y] ? keys[x] < keys[y] : x < y
    }.map { items[$0] }
  }

  private struct Key: Comparable {
    var family: Int
    var residual: Int
    var name: String
    static func < (a: Key, b: Key) -> Bool {
      (a.family, a.residual, a.name) < (b.family, b.residual, b.name)
    }
  }

  private static func sortKey(_ label: String) -> Key {
    let family = family(of: label)
    let name = displayName(for: label)
    return Key(family: family.rawValue, residual: isResidual(name) ? 1 : 0, name: name.lowercased())
  }

  /// Splits "High level - category" or "High level: category" into its two parts.
  private static func split(_ label: String) -> (String, String)? {
    for separator in [" - ", ": ", " – "] {
      if let range = label.range(of: separator) {
        let prefix = String(label[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
        let rest = String(label[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        if !prefix.isEmpty && !rest.isEmpty { return (prefix, rest) }
      }
    }
    return nil
  }

  private static func familyOfPrefix(_ prefix: String) -> Family {
    let first =
      prefix.lowercased().split(whereSeparator: { $0 == " " || $0 == "," }).first.map(String.init)
      ?? ""
    switch first {
    case "asian": return .asian
    case "black", "african", "caribbean": return .black
    case "mixed": return .mixed
    case "white": return .white
    case "other", "chinese": return .other
    default: return .unrecognised
    }
  }

  /// Capitalises the names of ethnic groups inside a category ("any other mixed background" →
  /// "Any other Mixed background"), as the style guide asks.
  private static func capitaliseGroupWords(_ s: String) -> String {
    let groupWords: Set<String> = [
      "white", "black", "asian", "mixed", "british", "irish", "african", "caribbean", "chinese",
      "indian", "pakistani", "bangladeshi", "arab", "gypsy", "roma", "traveller",
    ]
    var words = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    for i in words.indices {
      let w = words[i]
      if groupWords.contains(w.lowercased()), let f = w.first, f.isLowercase {
        words[i] = f.uppercased() + w.dropFirst()
      }
    }
    if let f = words.first?.first, f.isLowercase {
      words[0] = f.uppercased() + words[0].dropFirst()
    }
    return words.joined(separator: " ")
  }
}
