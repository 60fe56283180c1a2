import Foundation
import Testing

@testable import DisparityReport

/// ``ShortestDecimal`` against the standard library's `description`, the text it replaces: the
/// same bytes for every value checked. Run with `DISPARITY_LONG_CHECKS=1 swift test -c release
/// --filter ShortestDecimal` for ten million random values more (48 million, with the values
/// below, gave no difference when it was written).
@Suite("Shortest round-trip decimals")
struct ShortestDecimalTests {
  /// The text of `x` from ``ShortestDecimal/write(_:into:)``.
  static func text(_ x: Double) -> String {
    let bytes = [UInt8](unsafeUninitializedCapacity: ShortestDecimal.longestText) {
      $1 = ShortestDecimal.write(x, into: $0.baseAddress!)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The first value, if any, whose text differs from `description`, with both texts.
  static func firstDifference(_ values: some Sequence<Double>) -> (Double, String, String)? {
    for x in values where x.isFinite {
      let mine = text(x)
      if mine != x.description { return (x, x.description, mine) }
    }
    return nil
  }

  /// Where the layout and the algorithm change course: the notation's limits (0.0001 and
  /// 2^53), every power of two (where the interval below is half as wide) and of ten with their
  /// neighbours, the extremes, subnormals (left to `description`), zeros, and both signs.
  @Test func boundariesReadAsTheStandardLibraryWritesThem() {
    var values: [Double] = [
      0.0001, 0.0001.nextDown, 0.0001.nextUp, 0.00001, 1e15, 1e16, 9.5e15, 9e15,
      9_007_199_254_740_992, 9_007_199_254_740_994, 9_007_199_254_740_990, 0.1, 1.0 / 3,
      1756.4667628242175, 100, 120.5, 1e22, 1e23, 4.35e-5, 9.999999999999999e-5, 1.23e102,
      .greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude,
      .leastNormalMagnitude.nextDown, Double(bitPattern: 5_000), 0, -0.0,
    ]
    for e in -1074...1023 {
      let p = Double(sign: .plus, exponent: e, significand: 1)
      values += [p, p.nextUp, p.nextDown]
    }
    var power = 1.0
    for _ in 0..<309 {
      values += [power, power.nextUp, power.nextDown, 1 / power, (1 / power).nextUp]
      power *= 10
    }
    let difference = Self.firstDifference(values + values.map { -$0 })
    #expect(difference == nil, "\(String(describing: difference))")
    // Spot checks written out: the two notations and the fallback.
    #expect(Self.text(1756.4667628242175) == "1756.4667628242175")
    #expect(Self.text(0.00012345) == "0.00012345")
    #expect(Self.text(-1.2345e-05) == "-1.2345e-05")
    #expect(Self.text(9_007_199_254_740_992) == "9007199254740992.0")
    #expect(Self.text(9.5e15) == "9.5e+15")
    #expect(Self.text(1.7976931348623157e308) == "1.7976931348623157e+308")
    #expect(Self.text(.leastNonzeroMagnitude) == "5e-324")
  }

  /// Bit patterns spread over every exponent alike (a Weyl sequence: multiples of an odd
  /// constant, the same on every run), and values like the rates and limits of a report.
  @Test func spreadValuesReadAsTheStandardLibraryWritesThem() {
    let long = ProcessInfo.processInfo.environment["DISPARITY_LONG_CHECKS"] != nil
    let count: UInt64 = long ? 10_000_000 : 50_000
    let spread = (1...count).lazy.map { $0 &* 0x9E37_79B9_7F4A_7C15 }
    var difference = Self.firstDifference(spread.map { Double(bitPattern: $0) })
    #expect(difference == nil, "\(String(describing: difference))")
    difference = Self.firstDifference(spread.map { Double($0 >> 11) / 0x1p53 * 10_000 })
    #expect(difference == nil, "\(String(describing: difference))")
  }

  /// The table's values are 126 bits each (the table is built at first use and checks this).
  @Test func tableHoldsAValueForEveryPowerOfTen() {
    #expect(ShortestDecimal.table.count == 2 * (292 + 324 + 1))
    #expect(ShortestDecimal.table.allSatisfy { $0 < 1 << 63 })
  }

  /// Digit counts at and around every power of ten, against the length of the integer's text.
  @Test func digitCountsAreTheLengthsOfTheDigits() {
    var values: [UInt64] = [1, UInt64.max]
    var p: UInt64 = 1
    for _ in 0..<19 {
      p *= 10
      values += [p - 1, p, p + 1]
    }
    for f in values {
      #expect(ShortestDecimal.digitCount(f) == String(f).count, "\(f)")
    }
  }
}
