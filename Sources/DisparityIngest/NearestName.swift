/// Suggestions for a mistyped name: the column, scheme, standard or key the user most likely meant.
///
/// Hand-written because it is a dozen lines: Levenshtein distance does not justify a dependency.
public enum NearestName {
  /// The Levenshtein edit distance between two strings, by Unicode scalars (two-row dynamic
  /// programme), with no case folding: callers fold as their names need.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// The candidate nearest to `name`, ignoring case, if its distance is at most `tolerance`
  /// (default: a third of the name's length, at least 2). Ties go to the earlier candidate.
  public static func suggest(_ name: String, among candidates: [String], tolerance: Int? = nil)
    -> String?
  {
    let key = name.lowercased()
    guard !key.isEmpty else { return nil }
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(key, candidate.lowercased())
      if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let limit = tolerance ?? max(2, key.unicodeScalars.count / 3)
    return best.distance <= limit ? best.name : nil
  }
}
