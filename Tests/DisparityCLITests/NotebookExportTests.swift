import Foundation
import Testing

/// The committed worked analyses in notebooks-export/ are what the current code produces.
@Suite("notebooks-export is up to date")
struct NotebookExportTests {
  static let folders = ["nhse-covid-deaths-2020", "nz-covid-vaccination", "synthetic-admissions"]

  /// Regenerates a folder into a temporary directory and compares every file byte for byte with
  /// the committed one. A failure means `make notebooks` needs to be run and the result reviewed.
  @Test(arguments: folders)
  func committedExportsMatchWhatTheCodeProduces(folder: String) throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let run = try CLI.run(
      ["notebook", "notebooks-export/" + folder, "--output", dir.url.path], in: CLI.packageRoot)
    #expect(run.status == 0, "\(run.stderr)")
    let produced = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()
    #expect(produced.contains("analysis.ipynb"))
    #expect(produced.contains("report.md"))
    for name in produced {
      let committed = FileManager.default.contents(
        atPath: CLI.repoPath("notebooks-export/\(folder)/\(name)"))
      let fresh = FileManager.default.contents(atPath: dir.path(name))
      #expect(committed != nil, "\(folder)/\(name) is produced but not committed")
      #expect(committed == fresh, "\(folder)/\(name) differs from what the code produces now")
    }
  }

  /// The notebooks are nbformat 4: cells with sources, code cells with outputs and counts.
  /// (Also checked with Python's nbformat.validate when they were generated.)
  @Test(arguments: folders)
  func notebooksHaveTheNbformat4Structure(folder: String) throws {
    let data = try #require(
      FileManager.default.contents(
        atPath: CLI.repoPath("notebooks-export/\(folder)/analysis.ipynb")))
    let notebook = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(notebook["nbformat"] as? Int == 4)
    let cells = try #require(notebook["cells"] as? [[String: Any]])
    #expect(cells.count >= 3)
    for cell in cells {
      let type = try #require(cell["cell_type"] as? String)
      #expect(["markdown", "code"].contains(type))
      #expect(cell["source"] is [String])
      #expect(cell["metadata"] is [String: Any])
      if type == "code" {
        #expect(cell["outputs"] is [[String: Any]])
        #expect(cell["execution_count"] is Int)
      }
    }
    let kernel = (notebook["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
    #expect(kernel?["name"] as? String == "bash")
  }
}
