/// Gives each distinct byte string (a group label, an age band, a stratum) a small integer id.
///
/// Tabulation meets the same few labels millions of times; hashing the field's bytes in place and
/// storing each distinct label once keeps the hot loop free of `String` allocations. Hand-written
/// because `Dictionary<String, Int>` would need a `String` built per field (the reason the CSV
/// reader is byte-level too). Open addressing with linear probing; each slot holds the id and the
/// top half of the string's hash, so a probe reads one word and compares bytes only on a likely
/// match. The hash takes eight bytes at a time (a multiply–xorshift mix).
public struct ByteStringInterner: Sendable {
  private struct Entry: Sendable {
    var start: Int
    var length: Int
    var hash: UInt64
    /// The bytes themselves when there are at most eight (see ``packed(_:)``), else 0.
    var word: UInt64
  }
  private var arena: [UInt8] = []
  private var entries: [Entry] = []
  /// Per slot: `id + 1` in the low 32 bits (0 = empty), the hash's top 32 bits above.
  private var slots: [UInt64]
  private var mask: Int
  /// The id given last (−1 before the first), tried before hashing (see the byte form of `id(for:)`).
  private var lastID: Int32 = -1
  /// Above 0, the guesses' credit; below 0, the calls left (negated) before they are tried
  /// again.
  private var guessCredit: Int32 = ByteStringInterner.mostGuessCredit

  /// Creates an empty interner.
  public init() {
    slots = Array(repeating: 0, count: 64)
    mask = 63
  }

  /// The number of distinct strings seen.
  public var count: Int { entries.count }

  /// The id of `bytes`, adding it if it is new. Ids are dense, from 0, in order of first sight.
  @inline(__always)
  public mutating func id(for bytes: UnsafeRawBufferPointer) -> Int32 {
    // The likely ids first, without hashing: the last one given, then the one after it
    // (wrapping to the first). An aggregated file repeats a group label on consecutive rows
    // (one per age band) and lists the age bands in the same order for every group; checked
    // this way they cost a length comparison and one word compare instead of a hash and a
    // probe. Where the guesses keep missing (record-level rows in random order, whose labels
    // are often all one letter long), they cost more than they save, so they are tried only
    // while they earn their keep: a hit adds credit, a miss on a string already known spends
    // it (new strings are no fault of the guess), and without credit the guesses rest for
    // ``guessRest`` calls before they are tried again. The guessing path is a call of its own
    // so that this one, the hashing path, stays small enough to be inlined into the
    // tabulation loop (inlining both cost record-level input 3% more instructions).
    //
    // A string of at most eight bytes (group codes, age bands) is compared as one word with the
    // word kept in its entry, inline and without touching the arena: on 380,000 aggregated rows
    // (two labels each) this took the guesses from 82 instructions a call to about 25.
    if guessCredit > 0 {
      if bytes.count <= 8 {
        if let id = shortGuess(Self.packed(bytes), count: bytes.count) { return id }
        return guessMissed(for: bytes)
      }
      return guessedID(for: bytes)
    }
    guessCredit &+= 1
    if guessCredit == 0 { guessCredit = Self.mostGuessCredit / 4 }
    let id = hashedID(for: bytes)
    lastID = id
    return id
  }

  /// The guesses of ``id(for:)`` for a string of at most eight bytes, given as its
  /// ``packed(_:)`` word: the last id or the next, or nil when neither is the string.
  @inline(__always)
  private mutating func shortGuess(_ word: UInt64, count: Int) -> Int32? {
    let last = Int(lastID)
    guard last >= 0 else { return nil }
    let hit: Int = entries.withUnsafeBufferPointer { entries in
      let e = entries[last]
      if e.length == count && e.word == word { return last }
      let next = last + 1 == entries.count ? 0 : last + 1
      let f = entries[next]
      return f.length == count && f.word == word ? next : -1
    }
    guard hit >= 0 else { return nil }
    if guessCredit < Self.mostGuessCredit { guessCredit += 1 }
    lastID = Int32(truncatingIfNeeded: hit)
    return lastID
  }

  /// ``id(for:)`` while the guesses have credit, for a string longer than eight bytes: the last
  /// id and the next, then the hash.
  @inline(never)
  private mutating func guessedID(for bytes: UnsafeRawBufferPointer) -> Int32 {
    let last = lastID
    if last >= 0 {
      if matches(last, bytes) {
        if guessCredit < Self.mostGuessCredit { guessCredit += 1 }
        return last
      }
      let next = Int(last) + 1 == entries.count ? 0 : last + 1
      if matches(next, bytes) {
        if guessCredit < Self.mostGuessCredit { guessCredit += 1 }
        lastID = next
        return next
      }
    }
    return guessMissed(for: bytes)
  }

  /// ``id(for:)`` once the guesses have missed: the id through the hash, spending the guesses'
  /// credit if the string was known.
  @inline(never)
  private mutating func guessMissed(for bytes: UnsafeRawBufferPointer) -> Int32 {
    let known = entries.count
    let id = hashedID(for: bytes)
    if Int(id) < known {
      guessCredit -= 1
      if guessCredit == 0 { guessCredit = -Self.guessRest }
    }
    lastID = id
    return id
  }

  /// The most credit the guesses of the byte form of `id(for:)` can hold.
  static let mostGuessCredit: Int32 = 16

  /// The calls for which the guesses rest once their credit is spent.
  static let guessRest: Int32 = 4096

  /// Whether the string of `id` is `bytes`.
  @inline(__always)
  private func matches(_ id: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    let e = entries[Int(id)]
    guard e.length == bytes.count else { return false }
    if e.length <= 8 { return e.word == Self.packed(bytes) }
    return arena.withUnsafeBytes { arena in
      Self.equalBytes(arena.baseAddress! + e.start, bytes.baseAddress!, e.length)
    }
  }

  /// The bytes of a string of at most eight bytes in one word, which identifies the string
  /// among those of its length (0 for longer strings).
  @inline(__always)
  static func packed(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let count = bytes.count
    guard count <= 8, let base = bytes.baseAddress else { return 0 }
    if count == 8 { return base.loadUnaligned(as: UInt64.self) }
    return shortWord(base, count)
  }

  /// The id of `bytes` through the hash index, adding it if it is new.
  @inline(__always)
  private mutating func hashedID(for bytes: UnsafeRawBufferPointer) -> Int32 {
    let hash = Self.hash(bytes)
    let tag = hash & 0xFFFF_FFFF_0000_0000
    let count = bytes.count
    let mask = self.mask
    var slot = Int(truncatingIfNeeded: hash) & mask
    let found: Int = slots.withUnsafeBufferPointer { table in
      entries.withUnsafeBufferPointer { entries in
        arena.withUnsafeBytes { arena in
          while true {
            let entry = table[slot]
            if entry == 0 { return -1 }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
              let e = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
              let stored = entries[e]
              if stored.length == count
                && (count == 0
                  || Self.equalBytes(arena.baseAddress! + stored.start, bytes.baseAddress!, count))
              {
                return e
              }
            }
            slot = (slot + 1) & mask
          }
        }
      }
    }
    if found >= 0 { return Int32(truncatingIfNeeded: found) }
    return insert(bytes, hash: hash, slot: slot)
  }

  private mutating func insert(_ bytes: UnsafeRawBufferPointer, hash: UInt64, slot: Int) -> Int32 {
    let newID = Int32(entries.count)
    entries.append(
      Entry(start: arena.count, length: bytes.count, hash: hash, word: Self.packed(bytes)))
    arena.append(contentsOf: bytes)
    slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(newID + 1)
    if entries.count * 2 > slots.count { grow() }
    return newID
  }

  /// The id of a `String`, adding it if it is new.
  public mutating func id(for string: String) -> Int32 {
    var s = string
    return s.withUTF8 { id(for: UnsafeRawBufferPointer($0)) }
  }

  /// The ids here of every string of `other`, in `other`'s id order, adding those that are new
  /// (read from `other`'s bytes, without building a `String` each).
  public mutating func ids(for other: ByteStringInterner) -> [Int32] {
    other.arena.withUnsafeBytes { arena in
      other.entries.map { e in
        id(for: UnsafeRawBufferPointer(rebasing: arena[e.start..<(e.start + e.length)]))
      }
    }
  }

  /// The string with the given id (invalid UTF-8 is replaced, though the reader rejects it first).
  public func string(_ id: Int32) -> String {
    let e = entries[Int(id)]
    return String(decoding: arena[e.start..<(e.start + e.length)], as: UTF8.self)
  }

  /// Every string, in id order.
  public var strings: [String] { (0..<count).map { string(Int32($0)) } }

  /// Byte equality of `count` (> 0) bytes: eight bytes at a time (the last eight overlapping)
  /// for the short strings tabulation meets, `memcmp` for long ones.
  @inline(__always)
  static func equalBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    if count >= 8 {
      if count > 64 { return memcmp(a, b, count) == 0 }
      var i = 0
      while i + 8 < count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
          != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        {
          return false
        }
        i += 8
      }
      return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    return shortWord(a, count) == shortWord(b, count)
  }

  /// The bytes of a string shorter than eight bytes, in one word (overlapping loads).
  @inline(__always)
  static func shortWord(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
    if count >= 4 {
      return UInt64(p.loadUnaligned(as: UInt32.self))
        | UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
    }
    if count == 0 { return 0 }
    return UInt64(p.load(as: UInt8.self)) | UInt64(
      p.load(fromByteOffset: count / 2, as: UInt8.self)) << 8
      | UInt64(p.load(fromByteOffset: count - 1, as: UInt8.self)) << 16
  }

  private mutating func grow() {
    let capacity = slots.count * 2
    slots = Array(repeating: 0, count: capacity)
    mask = capacity - 1
    for (i, e) in entries.enumerated() {
      var slot = Int(truncatingIfNeeded: e.hash) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = (e.hash & 0xFFFF_FFFF_0000_0000) | UInt64(i + 1)
    }
  }

  /// A 64-bit hash of the bytes, eight at a time (the length is mixed in first, so the
  /// overlapping last word of a string whose length is not a multiple of eight is harmless).
  @inline(__always)
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let count = bytes.count
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
    guard let base = bytes.baseAddress, count > 0 else { return mix(h) }
    if count < 8 { return mix((h ^ shortWord(base, count)) &* 0x94D0_49BB_1331_11EB) }
    var i = 0
    while i + 8 < count {
      h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i += 8
    }
    h =
      (h ^ base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
    return mix(h)
  }

  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
