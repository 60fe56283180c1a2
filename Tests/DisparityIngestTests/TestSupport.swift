import Dispatch
import Foundation

@testable import DisparityIngest

/// A folder under the system's temporary directory, removed when released.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "disparity-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` as UTF-8 to a file in the folder and returns its path.
  func write(_ name: String, _ text: String) throws -> String {
    try write(name, bytes: Array(text.utf8))
  }

  /// Writes raw bytes to a file in the folder and returns its path.
  func write(_ name: String, bytes: [UInt8]) throws -> String {
    let path = url.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }
}

/// A record copied out of the reader's buffer.
struct Row: Equatable, Sendable, CustomStringConvertible {
  var line: Int
  var fields: [String]

  init(_ line: Int, _ fields: [String]) {
    self.line = line
    self.fields = fields
  }

  var description: String { "\(line): \(fields)" }
}

/// Reads every record of `path` sequentially.
func readRows(_ path: String, options: CSVReadOptions = CSVReadOptions()) throws -> [Row] {
  let reader = try CSVReader(path: path, options: options)
  return try readRows(reader)
}

func readRows(_ reader: CSVReader) throws -> [Row] {
  var rows: [Row] = []
  try reader.forEachRecord { record in rows.append(Row(record.line, record.strings)) }
  return rows
}

/// Reads every record of `reader` with `workers` workers.
/// The rows read in parallel: with `movingLines`, the chunks' lines are counted from their own
/// starts and the rows moved to the file's lines (the `moveLines` form of `parallelReduce`);
/// without, the lines before each chunk are counted first.
func readRowsInParallel(_ reader: CSVReader, workers: Int, movingLines: Bool = false) throws
  -> [Row]
{
  try reader.parallelReduce(
    workers: workers, initialForChunk: { _ in [Row]() },
    body: { rows, record in rows.append(Row(record.line, record.strings)) },
    merge: { rows, more in rows += more },
    moveLines: movingLines
      ? { rows, lines in for i in rows.indices { rows[i].line += lines } } : nil)
}

/// Options with a small buffer, so that records cross buffer boundaries.
func smallBuffer(_ size: Int, delimiter: CSVDelimiter? = nil) -> CSVReadOptions {
  CSVReadOptions(delimiter: delimiter, bufferSize: size, minimumChunkBytes: 1)
}

/// Writes `bytes` into a new pipe from another thread; returns the pipe's read end.
func writeToPipe(_ bytes: [UInt8]) throws -> Int32 {
  var ends: [Int32] = [0, 0]
  guard pipe(&ends) == 0 else { throw CocoaError(.fileWriteUnknown) }
  let writeEnd = ends[1]
  DispatchQueue.global().async {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
        if n <= 0 { break }
        offset += n
      }
    }
    close(writeEnd)
  }
  return ends[0]
}
