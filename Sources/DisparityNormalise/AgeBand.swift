/// A range of ages in completed years, closed (`0-4`, `85-89`) or open at the top (`90+`).
///
/// Both ends are inclusive: `AgeBand(lower: 0, upper: 4)` holds ages 0, 1, 2, 3 and 4.
/// A single year of age is a band whose ends are equal. Bands order by their lower end, then
/// closed before open, then by upper end.
///
/// The canonical ``label`` is what reports and methods notes print: `0-4`, `90+`, a single year
/// as its number (`15`), and the first year of life as `<1`.
public struct AgeBand: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The youngest age in the band, in completed years.
  public let lower: Int
  /// The oldest age in the band, or `nil` when the band is open (`90+`).
  public let upper: Int?

  /// Creates a band from its inclusive ends; `upper` is `nil` for an open band.
  ///
  /// - Precondition: `lower >= 0` and, for a closed band, `upper >= lower`. The label parser
  ///   and the standard-population loader check this and report a data error first.
  public init(lower: Int, upper: Int?) {
    precondition(lower >= 0, "an age band cannot start below 0")
    if let upper { precondition(upper >= lower, "an age band cannot end before it starts") }
    self.lower = lower
    self.upper = upper
  }

  /// A single year of age as a band (`47` is `47-47`).
  public init(age: Int) {
    self.init(lower: age, upper: age)
  }

  /// Whether the band has no upper end (`85+`).
  public var isOpen: Bool { upper == nil }

  /// The canonical label: `0-4`, `90+`, `15` for a single year, `<1` for the first year of life.
  public var label: String {
    guard let upper else { return "\(lower)+" }
    if upper == lower { return lower == 0 ? "<1" : "\(lower)" }
    return "\(lower)-\(upper)"
  }

  /// The canonical ``label``.
  public var description: String { label }

  /// Whether `age` (in completed years) lies in the band.
  public func contains(age: Int) -> Bool {
    age >= lower && (upper.map { age <= $0 } ?? true)
  }

  /// Whether every age of `other` lies in this band.
  public func contains(_ other: AgeBand) -> Bool {
    guard other.lower >= lower else { return false }
    guard let upper else { return true }
    guard let otherUpper = other.upper else { return false }
    return otherUpper <= upper
  }

  /// Whether the two bands share at least one age.
  public func overlaps(_ other: AgeBand) -> Bool {
    let startsBeforeOtherEnds = other.upper.map { lower <= $0 } ?? true
    let otherStartsBeforeThisEnds = upper.map { other.lower <= $0 } ?? true
    return startsBeforeOtherEnds && otherStartsBeforeThisEnds
  }

  /// The smallest band holding both (they need not touch).
  public func union(_ other: AgeBand) -> AgeBand {
    let top: Int? =
      if let upper, let otherUpper = other.upper { Swift.max(upper, otherUpper) } else { nil }
    return AgeBand(lower: Swift.min(lower, other.lower), upper: top)
  }

  public static func < (lhs: AgeBand, rhs: AgeBand) -> Bool {
    if lhs.lower != rhs.lower { return lhs.lower < rhs.lower }
    switch (lhs.upper, rhs.upper) {
    case (let l?, let r?): return l < r
    case (.some, nil): return true
    default: return false
    }
  }
}

extension Array where Element == AgeBand {
  /// The bands' labels joined for a message: `0-4, 5-9, …, 90+`.
  var joinedLabels: String { map(\.label).joined(separator: ", ") }
}
