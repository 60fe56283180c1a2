import Foundation

/// A worked analysis exported as a Jupyter notebook (nbformat 4): the commands, in order, each
/// as a cell with the output it gives, between explanatory Markdown cells.
///
/// The notebook is built from what the commands print, so it shows exactly what the current
/// toolkit produces; regenerating it after a change of code shows any drift. JSON keys are sorted
/// and nothing time-dependent is written, so identical inputs give byte-identical notebooks.
public struct NotebookExport: Sendable {
  /// One cell of the notebook.
  public enum Cell: Sendable, Equatable {
    /// Explanatory text.
    case markdown(String)
    /// A shell command (run in a Bash kernel) and the text it printed.
    case command(String, output: String)
  }

  /// The notebook's cells, in order.
  public var cells: [Cell]

  /// Creates a notebook.
  public init(cells: [Cell]) {
    self.cells = cells
  }

  /// The notebook as nbformat 4.4 JSON (Bash kernel), with sorted keys and a final newline.
  public func json() throws -> String {
    var executionCount = 0
    let cellObjects: [[String: Any]] = cells.map { cell in
      switch cell {
      case .markdown(let text):
        return ["cell_type": "markdown", "metadata": [String: Any](), "source": lines(text)]
      case .command(let command, let output):
        executionCount += 1
        var outputs: [[String: Any]] = []
        if !output.isEmpty {
          outputs.append(["output_type": "stream", "name": "stdout", "text": lines(output)])
        }
        return [
          "cell_type": "code", "execution_count": executionCount,
          "metadata": [String: Any](), "outputs": outputs, "source": lines(command),
        ]
      }
    }
    let notebook: [String: Any] = [
      "cells": cellObjects,
      "metadata": [
        "kernelspec": ["display_name": "Bash", "language": "bash", "name": "bash"],
        "language_info": ["name": "bash"],
      ],
      "nbformat": 4,
      "nbformat_minor": 4,
    ]
    let data = try JSONSerialization.data(
      withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Splits text into the line list nbformat stores (each line keeps its newline but the last).
  private func lines(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    for c in text {
      current.append(c)
      if c == "\n" {
        out.append(current)
        current = ""
      }
    }
    if !current.isEmpty { out.append(current) }
    return out
  }
}
