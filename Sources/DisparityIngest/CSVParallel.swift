import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// Parallel reading: how a file is split into chunks at record boundaries, correctly even when
// quoted fields contain line ends.
//
// A byte offset alone cannot tell whether it is inside a quoted field, so the split points are
// guesses, checked afterwards:
// 1. Nominal split points divide the data (after the header) into N equal parts; each is moved to
//    just after the next LF. These guesses g_1 < ... < g_{N-1} are record starts unless the LF
//    is inside a quoted field. g_0 is the first record after the header, which is exact.
// 2. Physical line numbers do not depend on quoting, so the number of line ends before each g_k is
//    counted first (in parallel), giving every chunk the exact line number of its first byte.
//    Or, where the partial results can move the line numbers they hold (`moveLines`), there is
//    no such pass: each chunk k > 0 numbers its lines from 0, and is moved to the file's lines
//    when it is accepted (step 4), at the line where the chunk before it ended.
// 3. Each chunk k is parsed concurrently from g_k, and reports every record that starts before
//    g_{k+1}, then the offset r_k (and line) of the first record start at or after g_{k+1}.
// 4. The chunks are accepted in file order. Chunk 0 starts at a true record boundary. If chunk k
//    started at a true boundary, it parsed exactly as a sequential pass would, so r_k is the true
//    start of the sequential pass's first record at or after g_{k+1}. Chunk k+1 is accepted only
//    if g_{k+1} == r_k, i.e. its guess was a true boundary; otherwise its speculative result (and
//    any error it raised) is discarded and it is parsed again from r_k, up to g_{k+2}. By induction
//    every accepted chunk starts at a true boundary, and together they cover each record of the
//    sequential pass once, in order: the result equals the sequential one.
// Errors: a chunk's error counts only once the chunk is accepted, and chunks are accepted in file
// order, so the error reported is the first in the file, as in a sequential pass. A split inside a
// quoted field costs one chunk parsed twice; in ordinary files it never happens. A chunk that
// numbered its lines from 0 and failed is parsed again from its start at its file line, so that
// its error, whatever its type, carries the line of the file.

/// Results of the workers, written from several threads.
private final class ChunkResults<Partial: Sendable>: @unchecked Sendable {
  private var slots: [Result<ChunkOutcome<Partial>, any Error>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Result<ChunkOutcome<Partial>, any Error>) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  func take(_ index: Int) -> Result<ChunkOutcome<Partial>, any Error>? {
    lock.lock()
    defer { lock.unlock() }
    let value = slots[index]
    slots[index] = nil
    return value
  }
}

/// The chunks of a parallel read accepted so far, in file order, and their merged result; all
/// of it is read and changed only with ``lock`` held.
private final class AcceptedChunks<Partial: Sendable>: @unchecked Sendable {
  let lock = NSLock()
  /// The next chunk to accept.
  var next = 0
  var accumulated: Partial?
  /// Where the next chunk must start (the end of the last one accepted).
  var expectedOffset: Int
  var expectedLine: Int
  /// Chunks parsed again from the right start, their guessed start being wrong.
  var redone = 0
  /// The first error in file order; nothing after it is accepted.
  var failure: (any Error)?

  init(offset: Int, line: Int) {
    expectedOffset = offset
    expectedLine = line
  }
}

private struct ChunkOutcome<Partial: Sendable>: Sendable {
  var partial: Partial
  /// File offset and line of the first record this chunk did not process.
  var endOffset: Int
  var endLine: Int
}

/// What a worker needs to read a chunk: everything here is immutable and sendable.
private struct ChunkPlan: Sendable {
  var fd: Int32
  var delimiter: UInt8
  var bufferSize: Int
  var maxRecordBytes: Int
  var fieldCount: Int
  var context: CSVRecordContext

  func run<Partial: Sendable>(
    from offset: Int, line: Int, stop: Int, initial: () -> Partial,
    body: (inout Partial, CSVRecord) throws -> Void
  ) -> Result<ChunkOutcome<Partial>, any Error> {
    let cursor = CSVCursor(
      fd: fd, positioned: true, offset: offset, line: line, delimiter: delimiter,
      bufferSize: bufferSize, maxRecordBytes: maxRecordBytes, context: context)
    cursor.expectedFields = fieldCount
    var partial = initial()
    do {
      while let record = try cursor.next(stop: stop) { try body(&partial, record) }
      return .success(
        ChunkOutcome(partial: partial, endOffset: cursor.recordOffset, endLine: cursor.line))
    } catch {
      return .failure(error)
    }
  }
}

/// The part of a file one partial result of ``CSVReader/parallelReduce(workers:initialForChunk:body:merge:)``
/// comes from, so that the partial result can size itself.
public struct CSVChunk: Sendable, Equatable {
  /// The chunk's place in file order. The partial result of chunk 0 is the one the others are
  /// merged into.
  public var index: Int
  /// The chunk's bytes (0 for standard input, whose size is not known).
  public var byteCount: Int
  /// The bytes of the file's records, after the header (0 for standard input).
  public var fileByteCount: Int

  /// Creates a chunk description.
  public init(index: Int, byteCount: Int, fileByteCount: Int) {
    self.index = index
    self.byteCount = byteCount
    self.fileByteCount = fileByteCount
  }
}

extension CSVReader {
  /// Reads the records on several threads, each folding its part of the file into its own
  /// partial result, then merges the partial results in file order.
  ///
  /// The same as ``parallelReduce(workers:initialForChunk:body:merge:)`` with partial results
  /// that do not need to know their chunk.
  ///
  /// - Throws: the first error in file order, whether the reader's (``IngestError``) or `body`'s.
  public func parallelReduce<Partial: Sendable>(
    workers: Int,
    initial: @Sendable () -> Partial,
    body: @Sendable (inout Partial, CSVRecord) throws -> Void,
    merge: (inout Partial, consuming Partial) throws -> Void
  ) throws -> Partial {
    try parallelReduce(
      workers: workers, initialForChunk: { _ in initial() }, body: body, merge: merge)
  }

  /// Reads the records on several threads, each folding its part of the file into its own
  /// partial result, and merges the partial results in file order.
  ///
  /// Each worker starts from `initialForChunk(chunk)` and calls `body` for each record of its chunk in file
  /// order; `merge` is called in file order, one call at a time, to fold each later chunk's
  /// result into the first one's: by a worker that has finished a chunk while others still read
  /// theirs, or by the calling thread, so it must touch nothing but the partial results it is
  /// given. `body` must change nothing but its partial result (records from
  /// a chunk that started inside a quoted field are parsed again, and the first attempt's partial
  /// result is discarded). The result equals that of one sequential pass when `merge` is
  /// associative. Line numbers in records and errors are those of the file. Standard input, small
  /// files (see ``CSVReadOptions/minimumChunkBytes``) and `workers <= 1` are read sequentially.
  ///
  /// Without `moveLines`, the line ends before each chunk are counted first, in a pass over the
  /// file of its own, so that every record has its file line. With it, that pass is left out:
  /// the records of a chunk after the first have lines counted from 0 at the chunk's start, and
  /// `moveLines(&partial, n)` is called on the chunk's partial result, before it is merged, to
  /// add `n` to every line number the partial result holds, making them the file's. (On an
  /// aggregated file of 8 MB the pass was about 3% of an analysis's time: it read the whole
  /// file once more before any chunk could start.) Errors carry file lines either way.
  ///
  /// - Throws: the first error in file order, whether the reader's (``IngestError``) or `body`'s.
  public func parallelReduce<Partial: Sendable>(
    workers: Int,
    initialForChunk: @Sendable (CSVChunk) -> Partial,
    body: @Sendable (inout Partial, CSVRecord) throws -> Void,
    merge: (inout Partial, consuming Partial) throws -> Void,
    moveLines: ((inout Partial, Int) -> Void)? = nil
  ) throws -> Partial {
    var info = stat()
    let size = !isStream && fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    let span = max(0, size - dataOffset)
    let chunkCount = min(workers, span / max(options.minimumChunkBytes, 1))
    guard !isStream, chunkCount > 1 else {
      lastParallelRun = (1, 0)
      var partial = initialForChunk(CSVChunk(index: 0, byteCount: span, fileByteCount: span))
      try forEachRecord { record in try body(&partial, record) }
      return partial
    }

    // 1. Guessed chunk starts: just after the first LF at or after each nominal split point.
    var starts = [dataOffset]
    for k in 1..<chunkCount {
      let guess = try lineStart(atOrAfter: dataOffset + span / chunkCount * k, size: size)
      if guess > starts.last! && guess < size { starts.append(guess) }
    }
    let count = starts.count
    let stops = Array(starts.dropFirst()) + [Int.max]
    let plan = ChunkPlan(
      fd: fd, delimiter: delimiter.byte, bufferSize: options.bufferSize,
      maxRecordBytes: options.maxRecordBytes, fieldCount: header.count, context: context)

    // 2. Line numbers of the chunk starts: line ends counted in pieces of at most two buffers
    //    (8 MiB by default), in parallel, then summed per chunk; or, with `moveLines`, 0 for
    //    every chunk after the first, each moved to the file's lines when accepted.
    let countStarts = starts
    let numberedFromZero = moveLines != nil
    let chunkLines =
      try numberedFromZero
      ? [dataLine] + Array(repeating: 0, count: count - 1)
      : chunkStartLines(starts: starts, plan: plan)

    // 3. Parse the chunks concurrently.
    let results = ChunkResults<Partial>(count: count)
    let chunks = (0..<count).map { k in
      CSVChunk(
        index: k, byteCount: (k + 1 < count ? starts[k + 1] : size) - starts[k],
        fileByteCount: span)
    }
    // 4. Accept the chunks in file order, re-parsing any whose guessed start was wrong, and
    //    merge each into the first one's result. A worker that finishes a chunk accepts every
    //    chunk that is ready, unless another is doing so: the merges of the early chunks then
    //    overlap the parsing of the last ones, rather than all following it on one core.
    let accepted = AcceptedChunks<Partial>(offset: dataOffset, line: dataLine)
    defer { lastParallelRun = (count, accepted.redone) }
    let chunkStarts = starts
    let noMove: (inout Partial, Int) -> Void = { _, _ in }
    withoutActuallyEscaping(merge) { merge in
      withoutActuallyEscaping(moveLines ?? noMove) { moveLines in
        nonisolated(unsafe) let merge = merge
        nonisolated(unsafe) let moveLines = moveLines
        // Called with `accepted.lock` held.
        @Sendable func acceptReady() {
          while accepted.failure == nil && accepted.next < count,
            var result = results.take(accepted.next)
          {
            let k = accepted.next
            accepted.next += 1
            // Lines to add to the chunk's (0 where it was numbered with the file's lines).
            var shift = 0
            if chunkStarts[k] != accepted.expectedOffset {
              accepted.redone += 1
              result = plan.run(
                from: accepted.expectedOffset, line: accepted.expectedLine, stop: stops[k],
                initial: { initialForChunk(chunks[k]) }, body: body)
            } else if k > 0 && numberedFromZero {
              if case .failure = result {
                // Parsed again at its file line, so that its error carries that line.
                result = plan.run(
                  from: accepted.expectedOffset, line: accepted.expectedLine, stop: stops[k],
                  initial: { initialForChunk(chunks[k]) }, body: body)
              } else {
                shift = accepted.expectedLine
              }
            }
            do {
              // Handed on without a copy, so that `merge` may change the partial result's
              // arrays in place (the only references to them are the ones passed on).
              let outcome = try (consume result).get()
              accepted.expectedOffset = outcome.endOffset
              accepted.expectedLine = outcome.endLine + shift
              var partial = (consume outcome).partial
              if shift != 0 { moveLines(&partial, shift) }
              if accepted.accumulated == nil {
                accepted.accumulated = consume partial
              } else {
                try merge(&accepted.accumulated!, consume partial)
              }
            } catch {
              accepted.failure = error
            }
          }
        }
        DispatchQueue.concurrentPerform(iterations: count) { k in
          results.set(
            k,
            plan.run(
              from: countStarts[k], line: chunkLines[k], stop: stops[k],
              initial: { initialForChunk(chunks[k]) }, body: body))
          if accepted.lock.try() {
            acceptReady()
            accepted.lock.unlock()
          }
        }
        // The chunks finished while another thread was accepting (or after the last try).
        accepted.lock.lock()
        acceptReady()
        accepted.lock.unlock()
      }
    }
    if let failure = accepted.failure { throw failure }
    return accepted.accumulated!
  }

  /// The file line of each chunk's first byte: the line ends before it, counted in pieces of
  /// at most two buffers (8 MiB by default) in parallel, then summed per chunk.
  private func chunkStartLines(starts: [Int], plan: ChunkPlan) throws(IngestError) -> [Int] {
    let count = starts.count
    var pieces: [(chunk: Int, from: Int, to: Int)] = []
    for k in 0..<(count - 1) {
      var from = starts[k]
      while from < starts[k + 1] {
        let to = min(from + max(2 * options.bufferSize, 16), starts[k + 1])
        pieces.append((k, from, to))
        from = to
      }
    }
    let pieceRanges = pieces.map { ($0.from, $0.to) }
    let lineEnds = LineEndCounts(count: pieces.count)
    DispatchQueue.concurrentPerform(iterations: pieces.count) { i in
      lineEnds.set(
        i,
        Result { () throws(IngestError) -> PieceCount in
          try countFileLineEnds(
            fd: plan.fd, from: pieceRanges[i].0, to: pieceRanges[i].1, plan: plan)
        })
    }
    var chunkLineEnds = [Int](repeating: 0, count: count)
    var previous: PieceCount?
    for (i, piece) in pieces.enumerated() {
      let counted = try lineEnds.get(i).get()
      chunkLineEnds[piece.chunk] += counted.lineEnds
      // A CRLF split between two pieces was counted as a lone CR in the first and an LF in the
      // second.
      if let previous, previous.endsWithCR && counted.startsWithLF {
        chunkLineEnds[piece.chunk] -= 1
      }
      previous = counted
    }
    var lines = [dataLine]
    for k in 0..<(count - 1) { lines.append(lines[k] + chunkLineEnds[k]) }
    return lines
  }

  /// The offset just after the first LF at or after `offset - 1`, or `size` if there is none.
  private func lineStart(atOrAfter offset: Int, size: Int) throws(IngestError) -> Int {
    let blockSize = 64 << 10
    let block = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
    defer { block.deallocate() }
    var position = offset - 1
    while position < size {
      let n = pread(fd, block, blockSize, off_t(position))
      if n < 0 {
        if errno == EINTR { continue }
        throw .unreadable(file: file, reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      if let found = memchr(block, Int32(lineFeed), n) {
        return position + (UnsafeMutableRawPointer(block).distance(to: found)) + 1
      }
      position += n
    }
    return size
  }
}

/// The line ends in a piece of the file, and whether it starts with LF or ends with CR.
private struct PieceCount: Sendable {
  var lineEnds = 0
  var startsWithLF = false
  var endsWithCR = false
}

/// Line-end counts of the pieces, written from several threads.
private final class LineEndCounts: @unchecked Sendable {
  private var slots: [Result<PieceCount, IngestError>]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: .success(PieceCount()), count: count) }

  func set(_ index: Int, _ value: Result<PieceCount, IngestError>) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  func get(_ index: Int) -> Result<PieceCount, IngestError> {
    lock.lock()
    defer { lock.unlock() }
    return slots[index]
  }
}

/// The physical line ends in the file bytes `[from, to)` (a CR as the last byte counts as one).
private func countFileLineEnds(fd: Int32, from: Int, to: Int, plan: ChunkPlan) throws(IngestError)
  -> PieceCount
{
  let blockSize = 1 << 20
  let block = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
  defer { block.deallocate() }
  var position = from
  var result = PieceCount()
  var carriedCR = false
  while position < to {
    let n = pread(fd, block, min(blockSize, to - position), off_t(position))
    if n < 0 {
      if errno == EINTR { continue }
      throw .unreadable(file: plan.context.file, reason: String(cString: strerror(errno)))
    }
    if n == 0 { break }
    if position == from { result.startsWithLF = block[0] == lineFeed }
    // A CR ending the previous block was counted as a lone CR; undo that if this block opens
    // with its LF.
    if carriedCR && block[0] == lineFeed { result.lineEnds -= 1 }
    result.lineEnds += countLineEnds(UnsafePointer(block), count: n)
    carriedCR = block[n - 1] == carriageReturn
    position += n
  }
  result.endsWithCR = carriedCR
  return result
}
