import Foundation
import Testing

@testable import DisparityReport

@Suite("SHA-256 (FIPS 180-4)")
struct SHA256Tests {
  /// The example digests of FIPS 180-4 (NIST "SHA256.pdf" examples and the one-million-"a" vector
  /// of FIPS 180-2 Appendix B.3), and the empty string (as `printf '' | sha256sum` prints it).
  @Test(arguments: [
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func digestsMatchThePublishedExamples(message: String, digest: String) {
    #expect(SHA256.hash(Array(message.utf8)).hexadecimal == digest)
  }

  @Test func oneMillionLettersAMatchesThePublishedDigest() {
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { hasher.update(chunk) }
    #expect(
      hasher.finalize().hexadecimal
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Padding edge cases: messages of 55, 56, 63, 64 and 65 bytes, hashed whole and in ragged
  /// pieces, give the same digest (the split must not matter).
  @Test(arguments: [55, 56, 63, 64, 65, 119, 120, 1000])
  func anySplitOfTheMessageGivesTheSameDigest(length: Int) {
    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let whole = SHA256.hash(bytes)
    var hasher = SHA256()
    var i = 0
    var step = 1
    while i < bytes.count {
      let end = min(bytes.count, i + step)
      hasher.update(Array(bytes[i..<end]))
      i = end
      step = step * 3 % 17 + 1
    }
    #expect(hasher.finalize() == whole)
  }

  /// 55 zero bytes: checked against Python's hashlib (`hashlib.sha256(bytes(55)).hexdigest()`,
  /// Python 3.11.7), the longest message that pads into one block.
  @Test func fiftyFiveZeroBytesMatchPython() {
    #expect(
      SHA256.hash([UInt8](repeating: 0, count: 55)).hexadecimal
        == "02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7")
  }

  /// A file's checksum streams the file and records its size; standard input has none.
  @Test func fileChecksumStreamsTheFile() throws {
    let folder = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("abc.csv")
    try Data("abc".utf8).write(to: file)
    let record = try InputFileChecksum.compute(path: file.path)
    #expect(record.bytes == 3)
    #expect(record.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      record.summary.hasSuffix(
        "(3 bytes, SHA-256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad)"))
    #expect(try InputFileChecksum.compute(path: "-").sha256 == nil)
    #expect(throws: ReportError.cannotChecksum(folder.appendingPathComponent("missing").path)) {
      try InputFileChecksum.compute(path: folder.appendingPathComponent("missing").path)
    }
  }
}
