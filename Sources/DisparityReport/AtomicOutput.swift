import DisparityIngest
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a set of output files so that either all of them appear, complete, or none does.
///
/// Each file is first written to a temporary file in its destination folder, then every temporary
/// file is renamed into place once all have been written. A failure part-way removes the temporary
/// files and puts back any earlier outputs already replaced, so a batch job never finds a
/// half-written or mixed report. (A rename within one folder is atomic on POSIX file systems.)
public struct AtomicOutput: Sendable {
  /// One file to write: where, and its bytes.
  public struct File: Sendable {
    /// The destination path.
    public var path: String
    /// The contents, in the pieces they were rendered in (written one after another).
    public var pieces: [[UInt8]]

    /// The contents as one array.
    public var contents: [UInt8] {
      get { CSVRenderer.joined(pieces) }
      set { pieces = [newValue] }
    }

    /// Creates a file from bytes.
    public init(path: String, contents: [UInt8]) {
      self.init(path: path, pieces: [contents])
    }

    /// Creates a file from pieces of bytes, written in order without being joined first (a
    /// report of 20,000 groups is 4.5 MB: joining it, then copying it into `Data` for
    /// `FileManager`, touched 9 MB of fresh memory).
    public init(path: String, pieces: [[UInt8]]) {
      self.path = path
      self.pieces = pieces
    }

    /// Creates a file from UTF-8 text.
    public init(path: String, text: String) {
      self.init(path: path, contents: Array(text.utf8))
    }
  }

  /// Creates an atomic writer.
  public init() {}

  /// Writes every file, or none.
  ///
  /// - Throws: ``OutputError`` naming the file that could not be written.
  public func write(_ files: [File]) throws(OutputError) {
    let fm = FileManager.default
    var staged: [(temporary: String, final: String)] = []
    func cleanUp() {
      for s in staged { try? fm.removeItem(atPath: s.temporary) }
    }
    for file in files {
      let url = URL(fileURLWithPath: file.path)
      let folder = url.deletingLastPathComponent().path
      var isDirectory: ObjCBool = false
      if !fm.fileExists(atPath: folder, isDirectory: &isDirectory) {
        do {
          try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
          cleanUp()
          throw .cannotCreateFolder(folder)
        }
      } else if !isDirectory.boolValue {
        cleanUp()
        throw .cannotCreateFolder(folder)
      }
      // Unique to this write (not only this process): two writes of one process to the same
      // destination at once must not share, or remove, each other's temporary file.
      let unique = String(UInt64.random(in: .min ... .max), radix: 36)
      let temporary =
        folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(unique)-\(staged.count)"
      guard Self.writeDurably(file.pieces, to: temporary) else {
        cleanUp()
        throw .cannotWrite(file.path)
      }
      staged.append((temporary, file.path))
    }
    // A destination that is a folder can never be replaced: refuse before renaming anything.
    for s in staged {
      var isDirectory: ObjCBool = false
      if fm.fileExists(atPath: s.final, isDirectory: &isDirectory), isDirectory.boolValue {
        cleanUp()
        throw .cannotWrite(s.final)
      }
    }
    // Rename each file into place, keeping a hard link to any earlier version until all are in
    // place, so that a failure part-way can put every earlier output back (and a reader never
    // finds the file missing: the rename replaces it in one step).
    var placed: [(final: String, backup: String?)] = []
    func rollBack() {
      for p in placed.reversed() {
        unlink(p.final)
        if let backup = p.backup { rename(backup, p.final) }
      }
      cleanUp()
    }
    for (i, s) in staged.enumerated() {
      var backup: String? = nil
      if fm.fileExists(atPath: s.final) {
        let aside = s.temporary + ".previous-\(i)"
        if link(s.final, aside) == 0 { backup = aside }
      }
      if rename(s.temporary, s.final) != 0 {
        if let backup { unlink(backup) }
        rollBack()
        throw .cannotWrite(s.final)
      }
      placed.append((s.final, backup))
    }
    for p in placed {
      if let backup = p.backup { unlink(backup) }
    }
  }
}

extension AtomicOutput {
  /// Writes `pieces` one after another to a new file at `path`, then flushes it to the disk
  /// (`fsync`, as `FileManager`'s atomic write did, so that a renamed output survives a crash);
  /// false, with nothing left at `path`, if any step fails.
  static func writeDurably(_ pieces: [[UInt8]], to path: String) -> Bool {
    // A new file (never through a link planted at the name, nor another write's file: the
    // name is unique to this write).
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { return false }
    var ok = true
    for piece in pieces where ok {
      ok = piece.withUnsafeBytes { buffer in
        var done = 0
        while done < buffer.count {
          let n = posixWrite(fd, buffer.baseAddress! + done, buffer.count - done)
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { return false }
          done += n
        }
        return true
      }
    }
    if ok { ok = fsync(fd) == 0 }
    if close(fd) != 0 { ok = false }
    if !ok { unlink(path) }
    return ok
  }
}

/// `write(2)`, named apart from ``AtomicOutput/write(_:)``.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, bytes, count)
}

/// A problem writing output files.
public enum OutputError: DisparityError, Equatable {
  /// The destination folder does not exist and cannot be created.
  case cannotCreateFolder(String)
  /// The file cannot be written.
  case cannotWrite(String)

  /// Output problems are the invocation's (a wrong path or permissions): exit status 2.
  public var kind: ErrorKind { .usage }

  /// The output path at fault.
  public var location: SourceLocation? {
    switch self {
    case .cannotCreateFolder(let path), .cannotWrite(let path): return SourceLocation(file: path)
    }
  }

  public var description: String {
    switch self {
    case .cannotCreateFolder(let folder):
      return "cannot create the output folder \(folder). Check the path and its permissions."
    case .cannotWrite(let path):
      return
        "cannot write \(path). Check that its folder is writable and the disk is not full; no output was written."
    }
  }
}

/// A single output file written in pieces: to a temporary file beside the destination, renamed
/// into place by ``commit()``, removed by ``discard()`` (or when a failure leaves it uncommitted).
public final class StreamingAtomicFile {
  private let destination: String
  private let temporary: String
  private let handle: FileHandle
  private var finished = false

  /// Opens a temporary file in the destination's folder.
  public init(path: String) throws(OutputError) {
    destination = path
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw .cannotCreateFolder(folder) }
    temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else { throw .cannotWrite(path) }
    self.handle = handle
  }

  /// Appends text.
  public func write(_ text: String) throws(OutputError) {
    do {
      try handle.write(contentsOf: Data(text.utf8))
    } catch {
      throw .cannotWrite(destination)
    }
  }

  /// Closes the file and renames it into place.
  public func commit() throws(OutputError) {
    finished = true
    try? handle.close()
    if rename(temporary, destination) != 0 {
      unlink(temporary)
      throw .cannotWrite(destination)
    }
  }

  /// Closes and removes the temporary file.
  public func discard() {
    finished = true
    try? handle.close()
    unlink(temporary)
  }

  deinit {
    if !finished { discard() }
  }
}

/// Standard output, written in one piece with the errors reported rather than trapped.
public enum StandardOutput {
  /// Writes all of `bytes` to standard output.
  ///
  /// - Throws: ``OutputError/cannotWrite(_:)`` naming standard output when the write fails (a
  ///   closed pipe, a full disk).
  public static func write(_ bytes: [UInt8]) throws(OutputError) {
    try write(pieces: [bytes])
  }

  /// Writes each of `pieces` to standard output in turn: the same bytes as ``write(_:)`` of
  /// them joined.
  ///
  /// - Throws: ``OutputError/cannotWrite(_:)`` naming standard output when a write fails.
  public static func write(pieces: [[UInt8]]) throws(OutputError) {
    for bytes in pieces { try writeAll(bytes) }
  }

  private static func writeAll(_ bytes: [UInt8]) throws(OutputError) {
    let failed = bytes.withUnsafeBytes { buffer -> Bool in
      var offset = 0
      while offset < buffer.count {
        #if canImport(Glibc)
          let n = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        #else
          let n = Darwin.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        #endif
        if n < 0 {
          if errno == EINTR { continue }
          return true
        }
        offset += n
      }
      return false
    }
    if failed { throw .cannotWrite("standard output") }
  }
}
