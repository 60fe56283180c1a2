/// The shortest decimal that reads back as a given `Double`, written as the standard library's
/// `description` writes it, straight into bytes.
///
/// Hand-written because the standard library's formatter (`Double.write(to:)`) took 520
/// instructions a number, a tenth of all the instructions of 20,000 groups × 19 bands to a CSV
/// file of 200,000 such numbers; libstdc++'s `std::to_chars` took 790 (libfmt's Dragonbox is
/// not among the system packages the project builds with, and was not measured). This is
/// Raffaello Giulietti's Schubfach ("The Schubfach way to render doubles", 2020; the algorithm
/// of Java's `Double.toString` since JDK 19), with 64-bit multiplications where the standard
/// library's port multiplies 128-bit numbers in software. Like `description` it gives the
/// shortest digits that round-trip, the nearest to the exact value when several are as short
/// (the even one on a tie), and the same layout: fixed notation from 0.0001 to 2^53,
/// exponential notation (`1.5e-05`, `9.5e+15`) outside. Subnormal values, zero, infinities and
/// NaN are left to `description`.
enum ShortestDecimal {
  /// The decimal digits `f` and exponent `e` of `v` (`v` = `f` × 10^`e`, `f` without trailing
  /// zeros), for a positive normal `v`.
  @inline(__always)
  static func decimal(_ v: Double, _ tables: Tables = tables) -> (
    significand: UInt64, exponent: Int
  ) {
    let bits = v.bitPattern
    let fraction = bits & ((1 << 52) - 1)
    let biased = Int((bits >> 52) & 0x7FF)
    // v = c × 2^q with the hidden bit in c.
    let c = fraction | (1 << 52)
    let q = biased &- 1075
    var (f, e) = toDecimal(q: q, c: c, tables)
    while f % 10 == 0 {
      f /= 10
      e &+= 1
    }
    return (f, e)
  }

  /// Schubfach's choice among the decimals of the rounding interval of c × 2^q (section 9 of
  /// the paper): the shortest, at the precision 10^k where the interval holds one or two.
  @inline(__always)
  private static func toDecimal(q: Int, c: UInt64, _ tables: Tables) -> (UInt64, Int) {
    // (Wrapping operators throughout: nothing here can overflow, and the checked ones were a
    // branch each.) The interval's bounds are in it for an even significand.
    let out: UInt64 = c & 1
    let cb = c &<< 2
    let cbr = cb &+ 2
    let cbl: UInt64
    let k: Int
    if c != 1 &<< 52 || q == -1074 {
      cbl = cb &- 2
      k = floorLog10Pow2(q)
    } else {
      // At a power of two the interval below is half as wide.
      cbl = cb &- 1
      k = floorLog10ThreeQuartersPow2(q)
    }
    let h = q &+ floorLog2Pow10(-k) &+ 2
    let (g1, g0) = g(k, tables)
    let vb = roundOdd(g1, g0, cb &<< h)
    let vbl = roundOdd(g1, g0, cbl &<< h)
    let vbr = roundOdd(g1, g0, cbr &<< h)
    let s = vb &>> 2
    if s >= 100 {
      // One digit fewer, if the interval holds exactly one such decimal.
      let sp10 = 10 &* (s / 10)
      let tp10 = sp10 &+ 10
      let upin = vbl &+ out <= sp10 &<< 2
      let wpin = (tp10 &<< 2) &+ out <= vbr
      if upin != wpin { return (upin ? sp10 : tp10, k) }
    }
    let t = s &+ 1
    let uin = vbl &+ out <= s &<< 2
    let win = (t &<< 2) &+ out <= vbr
    if uin != win { return (uin ? s : t, k) }
    // Both in the interval: the nearer to v, the even one on a tie.
    let mid = (s &+ t) &<< 1
    return (vb < mid || (vb == mid && s & 1 == 0) ? s : t, k)
  }

  /// ⌊g × cp / 2^127⌋ with its lowest bit set when the division leaves a remainder ("round to
  /// odd", which keeps the comparisons with the interval's bounds exact), for the 126-bit g
  /// given as its top and bottom 63 bits.
  @inline(__always)
  private static func roundOdd(_ g1: UInt64, _ g0: UInt64, _ cp: UInt64) -> UInt64 {
    let low63: UInt64 = (1 &<< 63) &- 1
    let x1 = g0.multipliedFullWidth(by: cp).high
    let y = g1.multipliedFullWidth(by: cp)
    let z = (y.low &>> 1) &+ x1
    let vbp = y.high &+ (z &>> 63)
    return vbp | (((z & low63) &+ low63) &>> 63)
  }

  /// ⌊q log10 2⌋, exact for |q| ≤ 5,456,721.
  @inline(__always)
  static func floorLog10Pow2(_ q: Int) -> Int { (q &* 661_971_961_083) >> 41 }

  /// ⌊log10(3/4 × 2^q)⌋, exact for |q| ≤ 5,456,721.
  @inline(__always)
  static func floorLog10ThreeQuartersPow2(_ q: Int) -> Int {
    (q &* 661_971_961_083 &- 274_743_187_321) >> 41
  }

  /// ⌊e log2 10⌋, exact for |e| ≤ 1,838,394.
  @inline(__always)
  static func floorLog2Pow10(_ e: Int) -> Int { (e &* 913_124_641_741) >> 38 }

  /// The smallest and largest k of the table: ⌊q log10 2⌋ for the exponents of normal doubles.
  static let smallestK = -324
  static let largestK = 292

  /// g(k) = ⌊10^−k × 2^(125 − ⌊−k log2 10⌋)⌋ + 1, in [2^125, 2^126), as its top and bottom 63
  /// bits.
  @inline(__always)
  private static func g(_ k: Int, _ tables: Tables) -> (UInt64, UInt64) {
    let i = 2 &* (k &- smallestK)
    return (tables.g[i], tables.g[i &+ 1])
  }

  /// The tables ``write(_:into:tables:)`` reads, made once: g(k), the digit pairs and the
  /// powers of ten, each behind a pointer.
  ///
  /// A writer of many numbers takes them once (``tables``): read from three lazily made
  /// arrays, each number paid three checks that they were made (`swift_once`), and two byte
  /// stores per digit pair where one two-byte store does.
  struct Tables: @unchecked Sendable {
    /// ``table``'s words.
    let g: UnsafePointer<UInt64>
    /// "00", "01", ... "99", each pair as the two bytes of a `UInt16` in memory order.
    let pairs: UnsafePointer<UInt16>
    /// 10^0 ... 10^19.
    let powersOfTen: UnsafePointer<UInt64>
  }

  /// The tables, made on first use and kept for the life of the process.
  static let tables: Tables = {
    let g = UnsafeMutablePointer<UInt64>.allocate(capacity: table.count)
    g.initialize(from: table, count: table.count)
    let pairs = UnsafeMutablePointer<UInt16>.allocate(capacity: 100)
    for i in 0..<100 {
      pairs[i] = UInt16(littleEndian: UInt16(0x30 + i / 10) | UInt16(0x30 + i % 10) << 8)
    }
    let powers = UnsafeMutablePointer<UInt64>.allocate(capacity: 20)
    var p: UInt64 = 1
    for k in 0..<20 {
      powers[k] = p
      p = p &* 10
    }
    return Tables(g: g, pairs: pairs, powersOfTen: powers)
  }()

  /// The 617 values of g, worked out once from exact powers of ten (about 0.1 ms) rather than
  /// kept as a table of 1,234 literals.
  static let table: [UInt64] = makeTable()

  /// g(k) for every k from ``smallestK`` to ``largestK``, two words each (see ``g(_:)``).
  static func makeTable() -> [UInt64] {
    var table = [UInt64](repeating: 0, count: 2 * (largestK - smallestK + 1))
    func store(_ k: Int, _ value: BigUInt) {
      // g = value + 1, in [2^125, 2^126).
      var g = value
      g.addOne()
      precondition(g.bitWidth == 126, "ShortestDecimal: g(\(k)) is not 126 bits")
      let low = g.limbs[0]
      let high = g.limbs.count > 1 ? g.limbs[1] : 0
      table[2 * (k - smallestK)] = high << 1 | low >> 63
      table[2 * (k - smallestK) + 1] = low & ((1 << 63) - 1)
    }
    // k ≤ 0: 10^m for m = −k, shifted to 126 bits (exact: ⌊log2 10^m⌋ is its bit width − 1).
    var power = BigUInt(1)
    for m in 0...(-smallestK) {
      let r = floorLog2Pow10(m)
      precondition(r == power.bitWidth - 1, "ShortestDecimal: ⌊log2 10^\(m)⌋")
      store(-m, 125 - r >= 0 ? power.shiftedLeft(125 - r) : power.shiftedRight(r - 125))
      power.multiply(by: 10)
    }
    // k > 0: ⌊2^(125 − r) / 10^k⌋ with r = ⌊−k log2 10⌋ < 0, from ⌊2^M / 10^k⌋ (floors of
    // floors: dividing by ten k times is dividing by 10^k once).
    let m = 125 - floorLog2Pow10(-largestK)
    var quotient = BigUInt(1).shiftedLeft(m)
    for k in 1...largestK {
      quotient.divide(by: 10)
      let shift = m - (125 - floorLog2Pow10(-k))
      store(k, quotient.shiftedRight(shift))
    }
    return table
  }

  /// A non-negative integer of any size, for making the table only.
  struct BigUInt {
    /// 64-bit limbs, least significant first, without leading zero limbs (but one for 0).
    var limbs: [UInt64]

    init(_ value: UInt64) { limbs = [value] }

    private init(limbs: [UInt64]) {
      self.limbs = limbs
      trim()
    }

    /// The number of bits up to the highest set bit.
    var bitWidth: Int {
      let top = limbs[limbs.count - 1]
      return (limbs.count - 1) * 64 + (64 - top.leadingZeroBitCount)
    }

    private mutating func trim() {
      while limbs.count > 1 && limbs[limbs.count - 1] == 0 { limbs.removeLast() }
    }

    mutating func multiply(by factor: UInt64) {
      var carry: UInt64 = 0
      for i in limbs.indices {
        let p = limbs[i].multipliedFullWidth(by: factor)
        let (sum, overflow) = p.low.addingReportingOverflow(carry)
        limbs[i] = sum
        carry = p.high &+ (overflow ? 1 : 0)
      }
      if carry != 0 { limbs.append(carry) }
    }

    /// Replaces the number by its quotient by `divisor`, rounded down.
    mutating func divide(by divisor: UInt64) {
      var remainder: UInt64 = 0
      for i in limbs.indices.reversed() {
        let (q, r) = divisor.dividingFullWidth((remainder, limbs[i]))
        limbs[i] = q
        remainder = r
      }
      trim()
    }

    mutating func addOne() {
      for i in limbs.indices {
        limbs[i] &+= 1
        if limbs[i] != 0 { return }
      }
      limbs.append(1)
    }

    func shiftedLeft(_ n: Int) -> BigUInt {
      let words = n / 64
      let bits = n % 64
      var out = [UInt64](repeating: 0, count: words) + limbs + [0]
      if bits > 0 {
        for i in stride(from: out.count - 1, to: words, by: -1) {
          out[i] = out[i] << bits | out[i - 1] >> (64 - bits)
        }
        out[words] = limbs[0] << bits
      }
      return BigUInt(limbs: out)
    }

    func shiftedRight(_ n: Int) -> BigUInt {
      let words = n / 64
      let bits = n % 64
      guard words < limbs.count else { return BigUInt(0) }
      var out = Array(limbs[words...])
      if bits > 0 {
        for i in out.indices {
          let next = i + 1 < out.count ? out[i + 1] : 0
          out[i] = out[i] >> bits | next << (64 - bits)
        }
      }
      return BigUInt(limbs: out)
    }
  }

  /// Writes the decimal digits of `f` (at most 17) to the bytes before `end`, two at a time,
  /// the last eight and the rest as two independent chains of divisions (a chain of a division
  /// per digit was half the time of a number); returns how many.
  @inline(__always)
  private static func writeDigits(
    _ f: UInt64, endingAt end: UnsafeMutablePointer<UInt8>, _ pairs: UnsafePointer<UInt16>
  ) -> Int {
    var n = 0
    var high = f
    @inline(__always) func pair(_ r: UInt32) {
      UnsafeMutableRawPointer(end - (n &+ 2)).storeBytes(of: pairs[Int(r)], as: UInt16.self)
      n &+= 2
    }
    if f >= 100_000_000 {
      high = f / 100_000_000
      var low = UInt32(truncatingIfNeeded: f &- high &* 100_000_000)
      for _ in 0..<4 {
        let q = low / 100
        pair(low &- q &* 100)
        low = q
      }
    }
    var rest = UInt32(truncatingIfNeeded: high)
    while rest >= 100 {
      let q = rest / 100
      pair(rest &- q &* 100)
      rest = q
    }
    if rest >= 10 {
      pair(rest)
    } else {
      end[-n &- 1] = 0x30 &+ UInt8(truncatingIfNeeded: rest)
      n &+= 1
    }
    return n
  }

  /// The number of decimal digits of `f`, for `f` > 0.
  @inline(__always)
  static func digitCount(_ f: UInt64, _ tables: Tables = tables) -> Int {
    // ⌊log10 f⌋ from the bit width (1233 / 4096 ≈ log10 2), one too small at some powers of
    // ten, corrected by one comparison.
    let bits = 64 &- f.leadingZeroBitCount
    let guess = (bits &* 1233) &>> 12
    return guess &+ (f >= tables.powersOfTen[guess] ? 1 : 0)
  }

  /// The most bytes of the text of a `Double` ("-1.7976931348623157e+308").
  static let longestText = 24

  /// Writes the text of a finite `v` (as `v.description` writes it) to `out`, which must have
  /// room for ``longestText`` bytes; returns how many it wrote. `tables` are ``tables``, taken
  /// once by a writer of many numbers.
  @inline(__always)
  static func write(
    _ v: Double, into out: UnsafeMutablePointer<UInt8>, tables: Tables = tables
  ) -> Int {
    let magnitude = v.magnitude
    guard magnitude.isNormal else {
      var text = v.description
      return text.withUTF8 { utf8 in
        precondition(utf8.count <= longestText, "ShortestDecimal: \(v) is longer than its bound")
        out.update(from: utf8.baseAddress!, count: utf8.count)
        return utf8.count
      }
    }
    let (f, e) = decimal(magnitude, tables)
    let count = digitCount(f, tables)
    let first = e &+ count &- 1  // the exponent of the first digit
    if first >= 0 && first &+ 1 < count && magnitude <= 9_007_199_254_740_992 {
      // 1756.4667628242175, the usual case: the digits written one byte to the right, then
      // those before the point moved left over it (two calls of memcpy, through a stack
      // buffer, were a fifth of a number's instructions).
      let start: UnsafeMutablePointer<UInt8>
      if v < 0 {
        out[0] = 0x2D  // -
        start = out + 1
      } else {
        start = out
      }
      _ = writeDigits(f, endingAt: start + (count &+ 1), tables.pairs)
      for j in 0...first { start[j] = start[j &+ 1] }
      start[first &+ 1] = 0x2E  // .
      return (v < 0 ? 1 : 0) &+ count &+ 1
    }
    // The digits of f (at most 17), most significant first, in a stack buffer, then the text.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return withUnsafeMutableBytes(of: &digits) { digitBytes -> Int in
      let end = digitBytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + 24
      let n = writeDigits(f, endingAt: end, tables.pairs)
      let d = end - n
      let point = e &+ n &- 1  // the exponent of the first digit
      var i = 0
      @inline(__always) func put(_ b: UInt8) {
        out[i] = b
        i &+= 1
      }
      @inline(__always) func copy(_ from: Int, _ to: Int) {
        (out + i).update(from: d + from, count: to &- from)
        i &+= to &- from
      }
      if v < 0 { put(0x2D) }  // -
      if point < -4 || magnitude > 9_007_199_254_740_992 {
        // 1.2345e-05, 9.5e+15: at least two exponent digits.
        put(d[0])
        if n > 1 {
          put(0x2E)  // .
          copy(1, n)
        }
        put(0x65)  // e
        put(point < 0 ? 0x2D : 0x2B)
        let x = point.magnitude
        if x >= 100 { put(0x30 &+ UInt8(truncatingIfNeeded: x / 100)) }
        put(0x30 &+ UInt8(truncatingIfNeeded: x / 10 % 10))
        put(0x30 &+ UInt8(truncatingIfNeeded: x % 10))
      } else if point < 0 {
        // 0.00012345
        put(0x30)
        put(0x2E)
        for _ in 0..<(-point &- 1) { put(0x30) }
        copy(0, n)
      } else if point &+ 1 >= n {
        // 1200.0: the digits, zeros to the point, and a zero after it.
        copy(0, n)
        for _ in 0..<(point &+ 1 &- n) { put(0x30) }
        put(0x2E)
        put(0x30)
      } else {
        // 1756.4667628242175
        copy(0, point &+ 1)
        put(0x2E)
        copy(point &+ 1, n)
      }
      return i
    }
  }
}
