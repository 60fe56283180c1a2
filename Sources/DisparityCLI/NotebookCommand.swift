import ArgumentParser
import Disparity
import Foundation

/// `disparity notebook FOLDER`: regenerates a worked analysis in notebooks-export/.
///
/// The folder's `notebook.json` lists the steps: Markdown text, and `disparity` commands (run
/// from the repository root, as a reader would type them). Each command is run with this same
/// executable; its reports go to the output folder and what it prints becomes the cell's output.
/// The notebook (`analysis.ipynb`, nbformat 4) and the reports are written atomically.
struct NotebookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notebook",
    abstract: "Regenerate a worked analysis (reports and Jupyter notebook) in notebooks-export/.",
    discussion: """
      Run from the repository root. In a step's arguments, {output} stands for the output folder \
      (shown in the notebook as the analysis's own folder).

      Example:
        disparity notebook notebooks-export/nhse-covid-deaths-2020
      """,
    shouldDisplay: false
  )

  @Argument(help: "The analysis folder holding notebook.json.")
  var folder: String

  @Option(help: "Where to write the reports and notebook (default: the folder itself).")
  var output: String?

  /// One step of notebook.json.
  struct Step: Decodable {
    var text: String?
    var arguments: [String]?
  }

  struct Definition: Decodable {
    var title: String
    var steps: [Step]
  }

  func run() throws {
    let definitionPath = folder + "/notebook.json"
    guard let data = FileManager.default.contents(atPath: definitionPath) else {
      throw ValidationError("\(definitionPath): cannot read the notebook definition.")
    }
    let definition: Definition
    do {
      definition = try JSONDecoder().decode(Definition.self, from: data)
    } catch {
      throw ValidationError("\(definitionPath): not a notebook definition (\(error)).")
    }
    let destination = output ?? folder
    let staging = FileManager.default.temporaryDirectory
      .appendingPathComponent("disparity-notebook-\(getpid())").path
    try? FileManager.default.removeItem(atPath: staging)
    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: staging) }

    var cells: [NotebookExport.Cell] = [.markdown("# " + definition.title)]
    for step in definition.steps {
      if let text = step.text { cells.append(.markdown(text)) }
      guard let arguments = step.arguments else { continue }
      let executed = arguments.map { $0.replacingOccurrences(of: "{output}", with: staging) }
      let shown = arguments.map { $0.replacingOccurrences(of: "{output}", with: folder) }
      let (status, stdout, stderr) = try runSelf(executed)
      guard status == 0 else {
        throw ValidationError(
          "step `disparity \(shown.joined(separator: " "))` failed with status \(status):\n\(stderr)"
        )
      }
      let shell = "disparity " + shown.map(shellQuote).joined(separator: " \\\n  ")
      let printed = [stdout, stderr].filter { !$0.isEmpty }.joined(separator: "\n")
      cells.append(.command(shell, output: printed))
    }
    var files: [AtomicOutput.File] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: staging).sorted() {
      let contents = FileManager.default.contents(atPath: staging + "/" + name) ?? Data()
      files.append(.init(path: destination + "/" + name, contents: Array(contents)))
    }
    files.append(
      .init(path: destination + "/analysis.ipynb", text: try NotebookExport(cells: cells).json()))
    try AtomicOutput().write(files)
  }

  /// Runs this executable with arguments; returns the status and what it printed.
  func runSelf(_ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path),
      let path = Bundle.main.executablePath
    {
      process.executableURL = URL(fileURLWithPath: path)
    }
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outData, as: UTF8.self),
      String(decoding: errData, as: UTF8.self)
    )
  }

  func shellQuote(_ s: String) -> String {
    let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./,=:+".contains($0) }
    return safe ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
