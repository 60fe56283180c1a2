import Foundation

/// Runs the built `disparity` binary as a user or a batch job would, and captures what it does.
struct CLIRun {
  let status: Int32
  let stdout: String
  let stderr: String
}

enum CLI {
  /// The built executable: `DISPARITY_BINARY` if set, else beside the test bundle.
  static var binary: URL {
    if let path = ProcessInfo.processInfo.environment["DISPARITY_BINARY"] {
      return URL(fileURLWithPath: path)
    }
    var candidates: [URL] = []
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      candidates.append(bundle.bundleURL.deletingLastPathComponent())
    }
    candidates.append(Bundle.main.bundleURL)
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for folder in candidates {
      let url = folder.appendingPathComponent("disparity")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    fatalError("the disparity executable was not found near \(candidates); build it first")
  }

  /// The package's root folder (for the bundled datasets), found from this source file.
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// A path below the package root.
  static func repoPath(_ relative: String) -> String {
    packageRoot.appendingPathComponent(relative).path
  }

  /// Runs `disparity` with arguments, optional standard input, in `directory`.
  static func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil) throws
    -> CLIRun
  {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes to the end before waiting, so a large output cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIRun(
      status: process.terminationStatus,
      stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}

/// A temporary folder for one test, removed afterwards.
struct TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "disparity-test-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// Writes a file into the folder and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try Data(text.utf8).write(to: file)
    return file.path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Parses the tidy CSV output (no quoted newlines in it) into header and rows keyed by column.
func parseTidyCSV(_ text: String) -> [[String: String]] {
  var lines = text.split(separator: "\n").map(String.init)
  guard !lines.isEmpty else { return [] }
  func fields(_ line: String) -> [String] {
    var out: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(line)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if quoted {
        if c == "\"" {
          if i + 1 < chars.count && chars[i + 1] == "\"" {
            field.append("\"")
            i += 1
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        out.append(field)
        field = ""
      } else {
        field.append(c)
      }
      i += 1
    }
    out.append(field)
    chars = []
    return out
  }
  let header = fields(lines.removeFirst())
  return lines.map { line in
    Dictionary(uniqueKeysWithValues: zip(header, fields(line)))
  }
}
