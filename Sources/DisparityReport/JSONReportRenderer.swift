import Foundation

/// Renders a ``Report`` as JSON for machines, at full precision, following ``schema``.
///
/// Top level: `schema` (`"disparity-report"`), `schema_version` (``Report/schemaVersion``),
/// `title`, `subtitle`, `key_findings`, `tables` (each with typed `columns` and `rows` as objects
/// keyed by column name; an estimate column becomes `name`, `name_lower`, `name_upper`), `charts`,
/// `symbols` (the key to the GSS symbols used), `footnotes`, `methods`, `data_quality`,
/// `provenance` (command, version, inputs with SHA-256) and `metadata` (key–value pairs in
/// order), and `disclosure_control.applied`. A cell is a number, a string (text, or a GSS symbol
/// such as `"[c]"` in place of a number) or `null` where no value applies. Output is deterministic:
/// the same report gives the same bytes.
public struct JSONReportRenderer: Sendable {
  /// Creates a renderer.
  public init() {}

  /// The report as JSON text, ending in a newline.
  public func render(_ report: Report) -> String {
    var root: [(String, JSONValue)] = [
      ("schema", .string("disparity-report")),
      ("schema_version", .string(Report.schemaVersion)),
      ("title", .string(report.title)),
      ("subtitle", report.subtitle.map(JSONValue.string) ?? .null),
      ("key_findings", .array(report.keyFindings.map(JSONValue.string))),
    ]
    root.append(("tables", .array(report.tables.map(table))))
    root.append(("charts", .array(report.charts.map(chart))))
    root.append(
      (
        "symbols",
        .array(
          report.symbolsUsed.map {
            .object([("symbol", .string($0.rawValue)), ("meaning", .string($0.meaning))])
          })
      ))
    root.append(("footnotes", .array(report.footnotes.map(JSONValue.string))))
    root.append(("methods", .array(report.methods.map(JSONValue.string))))
    root.append(("data_quality", .array(report.dataQuality.map(JSONValue.string))))
    let p = report.provenance
    root.append(
      (
        "provenance",
        .object([
          ("command", p.command.map(JSONValue.string) ?? .null),
          ("version", p.version.map(JSONValue.string) ?? .null),
          (
            "inputs",
            .array(
              p.inputs.map { input in
                .object([
                  ("path", .string(input.path)),
                  ("bytes", input.bytes.map { .number(Double($0)) } ?? .null),
                  ("sha256", input.sha256.map(JSONValue.string) ?? .null),
                ])
              })
          ),
        ])
      ))
    root.append(
      (
        "metadata",
        .array(
          report.metadata.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) })
      ))
    root.append(
      (
        "disclosure_control",
        .object([("applied", .bool(report.machineOutputsDisclosureControlled))])
      ))
    var out = ""
    JSONValue.object(root).write(to: &out, indent: 0)
    return out + "\n"
  }

  private func table(_ t: ResultTable) -> JSONValue {
    let columns = t.machineColumns
    let rows: [JSONValue] = t.rows.map { row in
      .object(
        zip(columns, t.machineRow(row)).map { column, cell in
          let value: JSONValue
          switch cell {
          case .empty: value = .null
          case .number(let x): value = x.isFinite ? .number(x) : .null
          case .text(let s): value = .string(s)
          case .symbol(let s): value = .string(s.rawValue)
          case .estimate(let e): value = .number(e.value)
          }
          return (column.name, value)
        })
    }
    return .object([
      ("name", .string(t.name)),
      ("title", t.title.map(JSONValue.string) ?? .null),
      ("role", .string(t.role.rawValue)),
      (
        "columns",
        .array(
          columns.map { c in
            .object([
              ("name", .string(c.name)),
              ("title", .string(c.heading)),
              ("type", .string(c.kind.rawValue)),
              ("decimals", c.decimals.map { .number(Double($0)) } ?? .null),
            ])
          })
      ),
      ("rows", .array(rows)),
      ("footnotes", .array(t.footnotes.map(JSONValue.string))),
    ])
  }

  private func chart(_ c: IntervalChart) -> JSONValue {
    func number(_ x: Double?) -> JSONValue {
      x.flatMap { $0.isFinite ? .number($0) : nil } ?? .null
    }
    return .object([
      ("title", .string(c.title)),
      ("summary", .string(c.summary)),
      ("axis_label", .string(c.axisLabel)),
      ("value_heading", .string(c.valueHeading)),
      ("scale", .string(c.scale.rawValue)),
      ("reference_value", number(c.referenceValue)),
      (
        "rows",
        .array(
          c.rows.map { r in
            .object([
              ("label", .string(r.label)),
              ("value", number(r.value)),
              ("lower", number(r.lower)),
              ("upper", number(r.upper)),
              ("text", .string(r.text)),
              ("symbol", r.symbol.map { .string($0.rawValue) } ?? .null),
              ("comparison", .string(r.comparison.rawValue)),
            ])
          })
      ),
    ])
  }

  /// The JSON Schema (draft 2020-12) of the report, version ``Report/schemaVersion``.
  public static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "urn:disparity:report:1.0",
      "title": "disparity report",
      "type": "object",
      "additionalProperties": false,
      "required": ["schema", "schema_version", "title", "subtitle", "key_findings", "tables", "charts",
        "symbols", "footnotes", "methods", "data_quality", "provenance", "metadata", "disclosure_control"],
      "properties": {
        "schema": { "const": "disparity-report" },
        "schema_version": { "type": "string", "pattern": "^1\\.[0-9]+$" },
        "title": { "type": "string" },
        "subtitle": { "type": ["string", "null"] },
        "key_findings": { "$ref": "#/$defs/strings" },
        "tables": { "type": "array", "items": { "$ref": "#/$defs/table" } },
        "charts": { "type": "array", "items": { "$ref": "#/$defs/chart" } },
        "symbols": {
          "type": "array",
          "items": {
            "type": "object", "additionalProperties": false, "required": ["symbol", "meaning"],
            "properties": {
              "symbol": { "enum": ["[c]", "[x]", "[z]", "[u]"] },
              "meaning": { "type": "string" }
            }
          }
        },
        "footnotes": { "$ref": "#/$defs/strings" },
        "methods": { "$ref": "#/$defs/strings" },
        "data_quality": { "$ref": "#/$defs/strings" },
        "provenance": {
          "type": "object", "additionalProperties": false, "required": ["command", "version", "inputs"],
          "properties": {
            "command": { "type": ["string", "null"] },
            "version": { "type": ["string", "null"] },
            "inputs": {
              "type": "array",
              "items": {
                "type": "object", "additionalProperties": false, "required": ["path", "bytes", "sha256"],
                "properties": {
                  "path": { "type": "string" },
                  "bytes": { "type": ["integer", "null"], "minimum": 0 },
                  "sha256": { "oneOf": [ { "type": "string", "pattern": "^[0-9a-f]{64}$" }, { "type": "null" } ] }
                }
              }
            }
          }
        },
        "metadata": {
          "type": "array",
          "items": {
            "type": "object", "additionalProperties": false, "required": ["key", "value"],
            "properties": { "key": { "type": "string" }, "value": { "type": "string" } }
          }
        },
        "disclosure_control": {
          "type": "object", "additionalProperties": false, "required": ["applied"],
          "properties": { "applied": { "type": "boolean" } }
        }
      },
      "$defs": {
        "strings": { "type": "array", "items": { "type": "string" } },
        "number_or_null": { "type": ["number", "null"] },
        "table": {
          "type": "object", "additionalProperties": false,
          "required": ["name", "title", "role", "columns", "rows", "footnotes"],
          "properties": {
            "name": { "type": "string" },
            "title": { "type": ["string", "null"] },
            "role": { "enum": ["tidy", "presentation"] },
            "columns": {
              "type": "array",
              "items": {
                "type": "object", "additionalProperties": false,
                "required": ["name", "title", "type", "decimals"],
                "properties": {
                  "name": { "type": "string" },
                  "title": { "type": "string" },
                  "type": { "enum": ["text", "count", "number"] },
                  "decimals": { "type": ["integer", "null"], "minimum": 0 }
                }
              }
            },
            "rows": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": { "type": ["number", "string", "null"] }
              }
            },
            "footnotes": { "$ref": "#/$defs/strings" }
          }
        },
        "chart": {
          "type": "object", "additionalProperties": false,
          "required": ["title", "summary", "axis_label", "value_heading", "scale", "reference_value", "rows"],
          "properties": {
            "title": { "type": "string" },
            "summary": { "type": "string" },
            "axis_label": { "type": "string" },
            "value_heading": { "type": "string" },
            "scale": { "enum": ["linear", "logarithmic"] },
            "reference_value": { "$ref": "#/$defs/number_or_null" },
            "rows": {
              "type": "array",
              "items": {
                "type": "object", "additionalProperties": false,
                "required": ["label", "value", "lower", "upper", "text", "symbol", "comparison"],
                "properties": {
                  "label": { "type": "string" },
                  "value": { "$ref": "#/$defs/number_or_null" },
                  "lower": { "$ref": "#/$defs/number_or_null" },
                  "upper": { "$ref": "#/$defs/number_or_null" },
                  "text": { "type": "string" },
                  "symbol": { "enum": ["[c]", "[x]", "[z]", "[u]", null] },
                  "comparison": { "enum": ["higher", "similar", "lower", "reference", "none"] }
                }
              }
            }
          }
        }
      }
    }
    """#
}

/// A JSON value with ordered object keys, written deterministically.
enum JSONValue {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  func write(to out: inout String, indent: Int) {
    let pad = String(repeating: "  ", count: indent)
    let inner = String(repeating: "  ", count: indent + 1)
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let x): out += x.isFinite ? CSVRenderer.format(x) : "null"
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      let scalars = items.allSatisfy {
        if case .array = $0 { return false }
        if case .object = $0 { return false }
        return true
      }
      if scalars && items.count <= 8 {
        out += "["
        for (i, item) in items.enumerated() {
          if i > 0 { out += ", " }
          item.write(to: &out, indent: indent + 1)
        }
        out += "]"
        return
      }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += inner
        item.write(to: &out, indent: indent + 1)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += pad + "]"
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{\n"
      for (i, (key, value)) in members.enumerated() {
        out += inner
        JSONValue.writeString(key, to: &out)
        out += ": "
        value.write(to: &out, indent: indent + 1)
        out += i + 1 < members.count ? ",\n" : "\n"
      }
      out += pad + "}"
    }
  }

  /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped; `<`,
  /// `>` and `&` too, so the JSON can be embedded in HTML safely.
  static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "<", ">", "&", "\u{2028}", "\u{2029}":
        out += String(format: "\\u%04x", scalar.value)
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
