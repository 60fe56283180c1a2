/// Gives each distinct byte string (a group label, an age band, a stratum) a small integer id.
///
/// Tabulation meets the same few labels millions of times; hashing the field's bytes in place and
/// storing each distinct label once keeps the hot loop free of `String` allocations. Hand-written
/// because `Dictionary<String, Int>` would need a `String` built per field (the reason the CSV
/// reader is byte-level too). Open addressing with linear probing, FNV-1a hashes.
public struct ByteStringInterner: Sendable {
  private var arena: [UInt8] = []
  private var starts: [Int] = []
  private var lengths: [Int] = []
  private var hashes: [UInt64] = []
  private var slots: [Int32]
  private var mask: Int

  /// Creates an empty interner.
  public init() {
    slots = Array(repeating: -1, count: 64)
    mask = 63
  }

  /// The number of distinct strings seen.
  public var count: Int { starts.count }

  /// The id of `bytes`, adding it if it is new. Ids are dense, from 0, in order of first sight.
  public mutating func id(for bytes: UnsafeRawBufferPointer) -> Int32 {
    let hash = Self.hash(bytes)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let existing = slots[slot]
      if existing < 0 { break }
      let e = Int(existing)
      if hashes[e] == hash && lengths[e] == bytes.count && equal(e, bytes) { return existing }
      slot = (slot + 1) & mask
    }
    let newID = Int32(starts.count)
    starts.append(arena.count)
    lengths.append(bytes.count)
    hashes.append(hash)
    arena.append(contentsOf: bytes)
    slots[slot] = newID
    if starts.count * 2 > slots.count { grow() }
    return newID
  }

  /// The id of a `String`, adding it if it is new.
  public mutating func id(for string: String) -> Int32 {
    var s = string
    return s.withUTF8 { id(for: UnsafeRawBufferPointer($0)) }
  }

  /// The string with the given id (invalid UTF-8 is replaced, though the reader rejects it first).
  public func string(_ id: Int32) -> String {
    let i = Int(id)
    return String(decoding: arena[starts[i]..<(starts[i] + lengths[i])], as: UTF8.self)
  }

  /// Every string, in id order.
  public var strings: [String] { (0..<count).map { string(Int32($0)) } }

  private func equal(_ e: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
    let start = starts[e]
    return arena.withUnsafeBytes { a in
      guard let base = a.baseAddress, let other = bytes.baseAddress else { return bytes.isEmpty }
      return memcmp(base + start, other, bytes.count) == 0
    }
  }

  private mutating func grow() {
    let capacity = slots.count * 2
    slots = Array(repeating: -1, count: capacity)
    mask = capacity - 1
    for (i, h) in hashes.enumerated() {
      var slot = Int(truncatingIfNeeded: h) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(i)
    }
  }

  @inline(__always)
  private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
    }
    return h ^ (h >> 29)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
