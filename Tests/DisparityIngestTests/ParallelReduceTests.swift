import Dispatch
import Synchronization
import Testing

@testable import DisparityIngest

#if canImport(Glibc)
  import Glibc
#endif

@Suite("CSVReader.parallelReduce: same records, lines and errors as a sequential pass")
struct ParallelReduceTests {
  /// A file where most bytes are inside quoted fields that span lines and hold text that looks
  /// like records (`fake,1`, lone quotes, CRLF), so that split points land inside quotes.
  static func quotedHeavyText(records: Int) -> String {
    var text = "id,text,n\n"
    var state: UInt64 = 42
    for i in 0..<records {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let lines = Int(state >> 59)  // 0...31
      if i % 3 == 0 {
        var payload = ""
        for j in 0..<lines {
          payload += j % 4 == 0 ? "fake,\(j)\n" : j % 4 == 1 ? "\"\"q\"\",x,y\r\n" : "line \(j) é\n"
        }
        text += "\(i),\"\(payload)\",\(i * 7)\n"
      } else {
        text += "\(i),plain \(lines),\(i * 7)\r\n"
      }
    }
    return text
  }

  /// Both ways of numbering lines: the line ends before each chunk counted first, or each
  /// chunk's lines counted from its own start and moved when it is accepted.
  static let lineNumbering = [false, true]

  @Test(arguments: [2, 3, 4, 5, 8], lineNumbering)
  func parallelResultEqualsSequentialWithMultiLineFieldsAtSplitPoints(
    workers: Int, movingLines: Bool
  ) throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("heavy.csv", Self.quotedHeavyText(records: 1500))
    let sequential = try readRows(path)
    #expect(sequential.count == 1500)
    let reader = try CSVReader(path: path, options: smallBuffer(512))
    #expect(
      try readRowsInParallel(reader, workers: workers, movingLines: movingLines) == sequential)
    #expect(reader.lastParallelRun.chunks == workers)
  }

  /// Each partial result learns its chunk: in file order, the bytes of the chunks adding up to
  /// the file's records (the header excluded), each told the file's size too; a sequential
  /// pass has one chunk of the whole.
  @Test func partialResultsAreToldTheirChunks() throws {
    let folder = try TemporaryFolder()
    var text = "a,b\n"
    for i in 0..<2000 { text += "\(i),row \(i)\n" }
    let path = try folder.write("chunks.csv", text)
    let records = text.utf8.count - "a,b\n".utf8.count
    for workers in [1, 2, 4] {
      let reader = try CSVReader(path: path, options: smallBuffer(256))
      // Per chunk: its description and the bytes of its records (unquoted, so each record's
      // byte count plus its line end is its length in the file).
      let chunks = try reader.parallelReduce(
        workers: workers, initialForChunk: { chunk in [(chunk, 0)] },
        body: { parts, record in parts[0].1 += record.byteCount + 1 },
        merge: { all, more in all += more })
      #expect(chunks.map(\.0.index) == Array(0..<workers))
      #expect(chunks.map(\.0.byteCount).reduce(0, +) == records)
      #expect(chunks.allSatisfy { $0.0.fileByteCount == records && $0.0.byteCount == $0.1 })
    }
  }

  /// Merges, made by whichever worker has finished a chunk, come one at a time and in file
  /// order, with 16 chunks on 4 workers: each merge sees the chunks before it merged already,
  /// and no two merges overlap.
  @Test func mergesComeOneAtATimeInFileOrder() throws {
    let folder = try TemporaryFolder()
    var text = "a,b\n"
    for i in 0..<20_000 { text += "\(i),row \(i)\n" }
    let path = try folder.write("chunks.csv", text)
    let reader = try CSVReader(path: path, options: smallBuffer(256))
    let inside = Atomic<Int>(0)
    let overlaps = Atomic<Int>(0)
    let merged = try reader.parallelReduce(
      workers: 16, initialForChunk: { chunk in [chunk.index] },
      body: { _, _ in },
      merge: { all, more in
        if inside.add(1, ordering: .sequentiallyConsistent).newValue > 1 {
          overlaps.add(1, ordering: .relaxed)
        }
        // The chunks so far, in order, and this one next.
        #expect(all == Array(0..<all.count) && more == [all.count])
        all += more
        inside.subtract(1, ordering: .sequentiallyConsistent)
      })
    #expect(merged == Array(0..<16))
    #expect(overlaps.load(ordering: .relaxed) == 0)
  }

  @Test(arguments: ["\r\n", "\n\r\n"], lineNumbering)
  func lineNumbersAreExactWhenCRLFPairsStraddleCountingPieces(
    lineEnd: String, movingLines: Bool
  ) throws {
    // Tiny buffers make the line-end counting pieces 16 bytes long, so CR and LF of a pair
    // fall into different pieces; "\n\r\n" adds blank lines too.
    var text = "a,b" + lineEnd
    for i in 0..<300 { text += "\(i),\"x\(lineEnd)y\"" + lineEnd }
    let folder = try TemporaryFolder()
    let path = try folder.write("crlf.csv", text)
    let sequential = try readRows(path)
    for workers in [2, 3, 6] {
      let reader = try CSVReader(path: path, options: smallBuffer(7))
      #expect(
        try readRowsInParallel(reader, workers: workers, movingLines: movingLines) == sequential)
    }
  }

  @Test(arguments: lineNumbering)
  func chunkStartingInsideAQuotedFieldIsParsedAgainAndItsErrorsIgnored(movingLines: Bool) throws {
    // One record holds a quoted field over most of the file, so the 2-worker split point falls
    // inside it. The lines inside look like 2-field records (ragged against the 3-column header)
    // and one has text after a closing quote when read outside the field: a chunk that started
    // there fails, so a correct result proves its speculative attempt was discarded. The field
    // opens on line 3 and closes on line 403 (400 inner lines), so record 3 is on line 404.
    var text = "id,text,n\n1,short,10\n2,\""
    for j in 0..<400 { text += j == 200 ? "x,\"\"open\n" : "fake,\(j)\n" }
    text += "\",20\n3,after,30\n"
    let folder = try TemporaryFolder()
    let path = try folder.write("split.csv", text)
    let reader = try CSVReader(path: path, options: smallBuffer(256))
    let rows = try readRowsInParallel(reader, workers: 2, movingLines: movingLines)
    #expect(rows == (try readRows(path)))
    #expect(rows.map(\.line) == [2, 3, 404])
    #expect(reader.lastParallelRun.chunks == 2)
    #expect(reader.lastParallelRun.redone == 1)
  }

  /// 1000 records, every fifth with a two-line quoted field, so record and line numbers differ.
  static func countsText(badLines: [Int: String]) -> String {
    var text = "group,note,deaths\n"
    var line = 2
    for i in 0..<1000 {
      let note = i % 5 == 0 ? "\"two\nlines\"" : "one"
      let deaths = badLines[line] ?? "\(i % 13)"
      text += "g\(i % 7),\(note),\(deaths)\n"
      line += i % 5 == 0 ? 2 : 1
    }
    return text
  }

  @Test(arguments: [1, 2, 3, 4], lineNumbering)
  func earliestErrorInFileOrderWinsWithFileLineNumbers(workers: Int, movingLines: Bool) throws {
    // Record i starts on line 2 + i + ceil(i / 5): record 249 on line 301, record 831 on line
    // 1000 (a later error, which must not win).
    let folder = try TemporaryFolder()
    let path = try folder.write(
      "errors.csv", Self.countsText(badLines: [301: "many", 1000: "-4"]))
    let reader = try CSVReader(path: path, options: smallBuffer(300))
    let expected = IngestError.nonNumericCount(
      SourceLocation(file: path, line: 301, column: 3, columnName: "deaths"), text: "many")
    #expect(throws: expected) { try sumDeaths(reader, workers: 1) }
    #expect(throws: expected) {
      try sumDeaths(reader, workers: workers, movingLines: movingLines)
    }
  }

  @Test(arguments: [2, 4], lineNumbering)
  func errorInTheLastChunkHasItsFileLineNumber(workers: Int, movingLines: Bool) throws {
    let folder = try TemporaryFolder()
    // Record 956 starts on line 2 + 956 + ceil(956 / 5) = 1150.
    let path = try folder.write("late.csv", Self.countsText(badLines: [1150: "-4"]))
    let reader = try CSVReader(path: path, options: smallBuffer(300))
    #expect(
      throws: IngestError.negativeCount(
        SourceLocation(file: path, line: 1150, column: 3, columnName: "deaths"), text: "-4")
    ) { try sumDeaths(reader, workers: workers, movingLines: movingLines) }
    #expect(reader.lastParallelRun.chunks == workers)
  }

  @Test(arguments: [2, 3, 7], lineNumbering)
  func raggedRowInAnyChunkIsReportedAtItsLine(workers: Int, movingLines: Bool) throws {
    var text = Self.countsText(badLines: [:])
    text += "g1,one\n"  // 1000 records over 1200 lines follow the header: this is line 1202
    let folder = try TemporaryFolder()
    let path = try folder.write("ragged.csv", text)
    let reader = try CSVReader(path: path, options: smallBuffer(300))
    #expect(
      throws: IngestError.raggedRow(
        SourceLocation(file: path, line: 1202, column: 3, columnName: "deaths"), expected: 3,
        found: 2)
    ) { try sumDeaths(reader, workers: workers, movingLines: movingLines) }
  }

  /// An error of the body's own type, raised in a later chunk whose lines were counted from its
  /// start, carries the record's file line: such a chunk is parsed again at its file line. (One
  /// line per record, so that every split point is a record start and no chunk is parsed again
  /// for that reason.)
  @Test(arguments: [2, 4])
  func bodyErrorOfItsOwnTypeInALaterChunkHasItsFileLine(workers: Int) throws {
    struct Stop: Error, Equatable { let line: Int }
    var text = "group,note,deaths\n"
    for i in 0..<2000 { text += "g\(i % 7),one,\(i == 1500 ? 999 : i % 13)\n" }
    let folder = try TemporaryFolder()
    let path = try folder.write("stop.csv", text)
    let reader = try CSVReader(path: path, options: smallBuffer(300))
    let deaths = try reader.header.index(of: "deaths")
    // Record 1500 is on line 1502 (the header is line 1).
    #expect(throws: Stop(line: 1502)) {
      try reader.parallelReduce(
        workers: workers, initialForChunk: { _ in 0 },
        body: { _, record in
          if case .number(999) = try record.countValue(at: deaths) {
            throw Stop(line: record.line)
          }
        },
        merge: { $0 += $1 },
        moveLines: { _, _ in })
    }
    #expect(reader.lastParallelRun.chunks == workers)
    #expect(reader.lastParallelRun.redone == 0)
  }

  @Test func sumsAgreeAcrossWorkerCounts() throws {
    // Sum of i % 13 for i in 0..<1000: 76 full cycles of 0...12 (78 each) plus 0...11 (66).
    let folder = try TemporaryFolder()
    let path = try folder.write("sum.csv", Self.countsText(badLines: [:]))
    let reader = try CSVReader(path: path, options: smallBuffer(1000))
    for workers in 1...6 {
      #expect(try sumDeaths(reader, workers: workers) == Double(76 * 78 + 66))
      #expect(try sumDeaths(reader, workers: workers, movingLines: true) == Double(76 * 78 + 66))
    }
  }

  /// The sum of the deaths column; with `movingLines`, the chunks' lines are counted from their
  /// own starts (the sum holds no lines to move, but its errors must still name file lines).
  func sumDeaths(_ reader: CSVReader, workers: Int, movingLines: Bool = false) throws -> Double {
    let deaths = try reader.header.index(of: "deaths")
    return try reader.parallelReduce(
      workers: workers, initialForChunk: { _ in 0.0 },
      body: { total, record in
        if case .number(let n) = try record.countValue(at: deaths) { total += n }
      },
      merge: { $0 += $1 },
      moveLines: movingLines ? { _, _ in } : nil)
  }
}

@Suite("ParallelMap: the sequential result, on several cores")
struct ParallelMapTests {
  /// Results come back in index order, whatever order the blocks finish in.
  @Test func resultsKeepTheirOrder() {
    let squares = ParallelMap.map(Array(0..<10_000), blockSize: 97) { $0 * $0 }
    #expect(squares == (0..<10_000).map { $0 * $0 })
    #expect(ParallelMap.blocks(count: 0) { $0 }.isEmpty)
    #expect(ParallelMap.blocks(count: 1) { $0 + 1 } == [1])
  }

  /// Values with references (strings, arrays) are written into the result in place, and a
  /// failed map leaves none behind: each block's values are released once.
  @Test func mapOfReferenceValuesAndItsFailure() {
    let labels = ParallelMap.map(count: 5000, blockSize: 64) { ["group \($0)", "\($0 * 2)"] }
    #expect(labels.count == 5000 && labels[4999] == ["group 4999", "9998"])
    struct Failure: Error, Equatable { let index: Int }
    final class Counted: Sendable {
      static let live = Mutex(0)
      init() { Self.live.withLock { $0 += 1 } }
      deinit { Self.live.withLock { $0 -= 1 } }
    }
    #expect(throws: Failure(index: 700)) {
      _ = try ParallelMap.map(count: 3000, blockSize: 100) { i throws(Failure) -> Counted in
        if i == 700 || i == 2950 { throw Failure(index: i) }
        return Counted()
      }
    }
    #expect(Counted.live.withLock { $0 } == 0)
  }

  /// The error thrown is the first in index order, as a sequential map would throw.
  @Test func theFirstErrorInOrderIsThrown() {
    struct Failure: Error, Equatable { let index: Int }
    #expect(throws: Failure(index: 3)) {
      _ = try ParallelMap.blocks(count: 64) { i throws(Failure) -> Int in
        if i == 3 || i == 40 { throw Failure(index: i) }
        return i
      }
    }
  }
}

@Suite("Work on a thread of its own")
struct BackgroundWorkTests {
  /// The work runs, on another thread than the caller's, and while it runs a parallel loop of
  /// the pool still gets every iteration done (the work holds none of the pool's threads).
  @Test func runsOnItsOwnThreadBesideAParallelLoop() {
    let started = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let caller = pthread_self()
    final class Seen: @unchecked Sendable { var sameThread = true }
    let seen = Seen()
    BackgroundWork.start {
      seen.sameThread = pthread_equal(pthread_self(), caller) != 0
      started.signal()
      release.wait()
      finished.signal()
    }
    started.wait()
    // The background work is blocked: the loop must not need its thread.
    let squares = ParallelMap.map(count: 10_000, blockSize: 100) { $0 * $0 }
    #expect(squares == (0..<10_000).map { $0 * $0 })
    release.signal()
    finished.wait()
    #expect(!seen.sameThread)
  }
}
