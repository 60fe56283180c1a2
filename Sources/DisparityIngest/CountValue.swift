/// The value of a count or population field: a number, missing, or suppressed.
///
/// Parsing (``CountValue/parse(_:at:)``, ``CSVField/countValue(at:)``,
/// ``CSVRecord/countValue(at:)``) first trims spaces and tabs, then:
/// - **missing** (``missing``), ignoring case: empty, `NA`, `N/A`, `N.A.`, `#N/A`, `NaN`, `NULL`,
///   `None`, `.`, `..`, `...`, `-`, `--`, `x`, `[x]`, `z`, `[z]`, `:` (R, pandas, ONS
///   "not available"/"not applicable" and Eurostat conventions);
/// - **suppressed** (``suppressed(_:)``, keeping the text as written), ignoring case: `<` or `<=`
///   followed by a number (`<5`, `< 10`, `<=3`), `*`, `**`, `***`, `c`, `[c]`, `~`, `s`, `supp`,
///   `suppressed`, `redacted` (NHS, ONS "confidential" and US CDC conventions). A suppressed value is
///   never read as a number;
/// - **a number**: digits, optionally with a decimal point and fraction (`12.5`), an exponent
///   (`1e3`), a leading `+`, and thousands separators in groups of three (`1,469`, `12,345,678`:
///   inside quotes in a comma-separated file);
/// - a negative number is ``IngestError/negativeCount(_:text:)``; anything else (`12a`, `1,46`,
///   `inf`) is ``IngestError/nonNumericCount(_:text:)``.
public enum CountValue: Sendable, Hashable {
  /// A number of zero or more.
  case number(Double)
  /// No value was recorded.
  case missing
  /// The value was withheld for disclosure control; the text is the marker as written.
  case suppressed(String)

  /// The number, or nil when missing or suppressed.
  public var number: Double? {
    if case .number(let value) = self { return value }
    return nil
  }

  /// The missing-value markers, lower-cased.
  public static let missingMarkers: [String] = [
    "", "na", "n/a", "n.a.", "#n/a", "nan", "null", "none", ".", "..", "...", "-", "--", "x",
    "[x]", "z", "[z]", ":",
  ]
  /// The suppression markers, lower-cased, besides `<N` and `<=N`.
  public static let suppressedMarkers: [String] = [
    "*", "**", "***", "c", "[c]", "~", "s", "supp", "suppressed", "redacted",
  ]

  private static let missingBytes = missingMarkers.map { Array($0.utf8) }
  private static let suppressedBytes = suppressedMarkers.map { Array($0.utf8) }

  /// Parses `text` as a count or population; `location` names it in errors.
  public static func parse(_ text: String, at location: @autoclosure () -> SourceLocation)
    throws(IngestError) -> CountValue
  {
    var text = text
    let result = text.withUTF8 { bytes in
      Result { () throws(IngestError) in try parse(bytes: bytes, at: location()) }
    }
    return try result.get()
  }

  /// Parses UTF-8 bytes as a count or population; `location` is evaluated only for an error.
  @inlinable
  public static func parse(
    bytes: UnsafeBufferPointer<UInt8>, at location: @autoclosure () -> SourceLocation
  ) throws(IngestError) -> CountValue {
    // Fast path: nothing but up to 15 digits (exactly representable).
    if let base = bytes.baseAddress, bytes.count > 0, bytes.count <= 15 {
      var value = 0
      var i = 0
      while i < bytes.count {
        let digit = base[i] &- 0x30
        if digit > 9 { break }
        value = value &* 10 &+ Int(digit)
        i += 1
      }
      if i == bytes.count { return .number(Double(value)) }
    }
    return try parseGeneral(bytes: bytes, at: location())
  }

  @usableFromInline
  static func parseGeneral(
    bytes raw: UnsafeBufferPointer<UInt8>, at location: @autoclosure () -> SourceLocation
  ) throws(IngestError) -> CountValue {
    var start = 0
    var end = raw.count
    while start < end && (raw[start] == 0x20 || raw[start] == 0x09) { start += 1 }
    while end > start && (raw[end - 1] == 0x20 || raw[end - 1] == 0x09) { end -= 1 }
    let bytes = UnsafeBufferPointer(rebasing: raw[start..<end])
    func text() -> String { String(decoding: bytes, as: UTF8.self) }

    if bytes.count <= 12 {
      let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
      if missingBytes.contains(lower) { return .missing }
      if suppressedBytes.contains(lower) { return .suppressed(text()) }
    }
    if bytes.first == UInt8(ascii: "<") {
      var i = 1
      if i < bytes.count && bytes[i] == UInt8(ascii: "=") { i += 1 }
      while i < bytes.count && bytes[i] == 0x20 { i += 1 }
      if i < bytes.count, parseNumber(UnsafeBufferPointer(rebasing: bytes[i...])) != nil {
        return .suppressed(text())
      }
    }
    // A minus sign (ASCII or U+2212) before a number: a negative count.
    var unsigned = bytes
    if bytes.first == UInt8(ascii: "-") {
      unsigned = UnsafeBufferPointer(rebasing: bytes[1...])
    } else if bytes.count > 3 && bytes[0] == 0xE2 && bytes[1] == 0x88 && bytes[2] == 0x92 {
      unsigned = UnsafeBufferPointer(rebasing: bytes[3...])
    }
    guard let value = parseNumber(unsigned) else {
      throw .nonNumericCount(location(), text: text())
    }
    if unsigned.count != bytes.count && value != 0 {
      throw .negativeCount(location(), text: text())
    }
    return .number(value)
  }

  /// A non-negative decimal number: `[+]digits[.digits][e[+-]digits]`, the integer part either
  /// plain or grouped in threes with commas; nil if the bytes are anything else.
  static func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    let n = bytes.count
    if i < n && bytes[i] == UInt8(ascii: "+") { i += 1 }
    var mantissa: UInt64 = 0
    var significant = 0  // digits in the mantissa from the first non-zero one
    var dropped = 0  // integer digits beyond what the mantissa holds
    var truncated = false  // whether any digit was left out of the mantissa
    var fractionDigits = 0  // fraction digits in the mantissa
    var integerDigits = 0
    var groupDigits = 0
    var grouped = false
    var cleaned: [UInt8] = []  // the number without separators, for the slow path
    @inline(__always) func take(_ digit: UInt8, fraction: Bool) {
      if significant < 19 {
        mantissa = mantissa &* 10 &+ UInt64(digit &- 0x30)
        if mantissa != 0 { significant += 1 }
        if fraction { fractionDigits += 1 }
      } else {
        truncated = true
        if !fraction { dropped += 1 }
      }
      cleaned.append(digit)
    }
    while i < n {
      let c = bytes[i]
      if c >= 0x30 && c <= 0x39 {
        take(c, fraction: false)
        integerDigits += 1
        groupDigits += 1
      } else if c == UInt8(ascii: ",") {
        // The first group has 1-3 digits, every later one exactly 3.
        if grouped ? groupDigits != 3 : (groupDigits == 0 || groupDigits > 3) { return nil }
        grouped = true
        groupDigits = 0
      } else {
        break
      }
      i += 1
    }
    if grouped && groupDigits != 3 { return nil }
    if i < n && bytes[i] == UInt8(ascii: ".") {
      cleaned.append(UInt8(ascii: "."))
      i += 1
      var digits = 0
      while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
        take(bytes[i], fraction: true)
        digits += 1
        i += 1
      }
      if digits == 0 && integerDigits == 0 { return nil }
    } else if integerDigits == 0 {
      return nil
    }
    var exponent = 0
    if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
      cleaned.append(UInt8(ascii: "e"))
      i += 1
      var negative = false
      if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
        negative = bytes[i] == UInt8(ascii: "-")
        cleaned.append(bytes[i])
        i += 1
      }
      var digits = 0
      while i < n, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
        if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] - 0x30) }
        cleaned.append(bytes[i])
        digits += 1
        i += 1
      }
      if digits == 0 { return nil }
      if negative { exponent = -exponent }
    }
    if i != n { return nil }
    // Exact fast path (Clinger): a mantissa below 2^53 scaled by a power of ten up to 1e22 is
    // correctly rounded by one IEEE multiplication or division.
    let power = exponent - fractionDigits + dropped
    if mantissa < (1 << 53) && !truncated && abs(power) <= 22 {
      let value = Double(mantissa)
      return power >= 0 ? value * powersOfTen[power] : value / powersOfTen[-power]
    }
    guard let value = Double(String(decoding: cleaned, as: UTF8.self)), value.isFinite else {
      return nil
    }
    return value
  }

  private static let powersOfTen: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
  }
}

extension CSVField {
  /// Parses the field as a count or population (see ``CountValue``); `location` names the field
  /// in errors and is evaluated only for an error.
  @inlinable
  public func countValue(at location: @autoclosure () -> SourceLocation) throws(IngestError)
    -> CountValue
  {
    try CountValue.parse(bytes: bytes, at: location())
  }
}
