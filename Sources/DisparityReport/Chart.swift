import Foundation

/// A chart of estimates with intervals, one row per group: a forest plot of ratios on a log scale
/// with the reference line at 1, or rates with intervals on a linear scale from 0.
///
/// Charts are data, like tables; ``SVGChartRenderer`` draws them for the HTML report.
public struct IntervalChart: Sendable, Equatable {
  /// How the value axis is scaled.
  public enum Scale: String, Sendable, Equatable {
    /// Linear from 0 (rates).
    case linear
    /// Logarithmic (ratios), so that 0.5 and 2 lie the same distance from 1.
    case logarithmic
  }

  /// How a row compares with the reference, drawn by marker shape (never by colour alone).
  public enum Comparison: String, Sendable, Equatable {
    /// The interval lies above the reference value.
    case higher
    /// The interval includes the reference value.
    case similar
    /// The interval lies below the reference value.
    case lower
    /// The reference group itself.
    case reference
    /// No comparison (e.g. a rates chart without a reference).
    case none
  }

  /// One group: its label, estimate, interval and how it compares.
  public struct Row: Sendable, Equatable {
    /// The group's name.
    public var label: String
    /// The estimate; `nil` when it is withheld or missing.
    public var value: Double?
    /// The lower limit.
    public var lower: Double?
    /// The upper limit.
    public var upper: Double?
    /// The value as the table shows it, e.g. "3.20 (2.90 to 3.60)" or "[c]".
    public var text: String
    /// The GSS symbol in place of (or beside) the value.
    public var symbol: GSSSymbol?
    /// How the row compares with the reference.
    public var comparison: Comparison

    /// Creates a row.
    public init(
      label: String, value: Double?, lower: Double?, upper: Double?, text: String,
      symbol: GSSSymbol? = nil, comparison: Comparison = .none
    ) {
      self.label = label
      self.value = value
      self.lower = lower
      self.upper = upper
      self.text = text
      self.symbol = symbol
      self.comparison = comparison
    }
  }

  /// The chart's title.
  public var title: String
  /// A description for people who cannot see the chart (the SVG's `desc`).
  public var summary: String
  /// The value axis label, e.g. "Ratio to the White British group (log scale)".
  public var axisLabel: String
  /// The value axis scale.
  public var scale: Scale
  /// A vertical reference line (1 for ratios), if any.
  public var referenceValue: Double?
  /// The reference line's label, e.g. "1 = same rate as the White British group".
  public var referenceLabel: String?
  /// The rows, top to bottom.
  public var rows: [Row]
  /// The heading over the values written beside the plot, e.g. "Rate (95% CI)".
  public var valueHeading: String

  /// Creates a chart.
  public init(
    title: String, summary: String, axisLabel: String, scale: Scale, referenceValue: Double? = nil,
    referenceLabel: String? = nil, rows: [Row], valueHeading: String? = nil
  ) {
    self.valueHeading =
      valueHeading ?? (scale == .logarithmic ? "Ratio (interval)" : "Value (interval)")
    self.title = title
    self.summary = summary
    self.axisLabel = axisLabel
    self.scale = scale
    self.referenceValue = referenceValue
    self.referenceLabel = referenceLabel
    self.rows = rows
  }
}

/// Draws an ``IntervalChart`` as an inline SVG: no scripts, no external fonts or images.
///
/// Layout for print: 760 units wide (about the text width of an A4 page), 14-unit type, a row
/// per group with its label on the left, the marker and interval in the middle, and the value in
/// words on the right, so the chart reads without colour and without the table. Higher, lower,
/// similar and reference rows have different marker shapes, explained in a legend.
public struct SVGChartRenderer: Sendable {
  /// The drawing's width in SVG units.
  public var width: Double = 760
  /// The height of one row.
  public var rowHeight: Double = 26
  /// The type size.
  public var fontSize: Double = 14

  /// Creates a renderer.
  public init() {}

  /// The chart as an `<svg>` element; `id` makes its `title` and `desc` ids unique in the page.
  public func render(_ chart: IntervalChart, id: String) -> String {
    let labelWidth = 250.0
    let valueWidth = 190.0
    let plotLeft = labelWidth + 10
    let plotRight = width - valueWidth - 10
    let top = 34.0
    let plotHeight = Double(max(chart.rows.count, 1)) * rowHeight
    let axisY = top + plotHeight + 4
    let legendY = axisY + 62
    let legendLines = legendLineCount(chart)
    let height = legendY + 16 + Double(max(legendLines - 1, 0)) * rowHeight

    let axis = Axis(chart: chart, from: plotLeft, to: plotRight)
    var svg = ""
    svg +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"\(n(fontSize))\">\n"
    svg += "<title id=\"\(id)-title\">\(HTMLEscaping.text(chart.title))</title>\n"
    svg += "<desc id=\"\(id)-desc\">\(HTMLEscaping.text(chart.summary))</desc>\n"
    svg +=
      "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
    // Column headings.
    svg += text("Ethnic group", x: 4, y: 18, anchor: "start", weight: "bold")
    svg += text(chart.valueHeading, x: width - 4, y: 18, anchor: "end", weight: "bold")

    // Grid lines and ticks.
    for tick in axis.ticks {
      let x = axis.position(tick)
      svg +=
        "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(axisY))\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>\n"
      svg +=
        "<line x1=\"\(n(x))\" y1=\"\(n(axisY))\" x2=\"\(n(x))\" y2=\"\(n(axisY + 5))\" stroke=\"#000000\" stroke-width=\"1\"/>\n"
      svg += text(Axis.label(tick), x: x, y: axisY + 20, anchor: "middle")
    }
    svg +=
      "<line x1=\"\(n(plotLeft))\" y1=\"\(n(axisY))\" x2=\"\(n(plotRight))\" y2=\"\(n(axisY))\" stroke=\"#000000\" stroke-width=\"1\"/>\n"
    svg += text(
      chart.axisLabel, x: (plotLeft + plotRight) / 2, y: axisY + 40, anchor: "middle",
      weight: "bold")

    // The reference line, dashed, labelled above the plot.
    if let r = chart.referenceValue, axis.contains(r) {
      let x = axis.position(r)
      svg +=
        "<line x1=\"\(n(x))\" y1=\"\(n(top - 6))\" x2=\"\(n(x))\" y2=\"\(n(axisY))\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
      if let label = chart.referenceLabel {
        svg += text(label, x: x, y: top - 10, anchor: "middle", size: fontSize - 2)
      }
    }

    // Rows.
    for (i, row) in chart.rows.enumerated() {
      let y = top + (Double(i) + 0.5) * rowHeight
      if i % 2 == 1 {
        svg +=
          "<rect x=\"0\" y=\"\(n(y - rowHeight / 2))\" width=\"\(n(width))\" height=\"\(n(rowHeight))\" fill=\"#f3f3f3\"/>\n"
      }
      svg += text(truncate(row.label, to: 34), x: 4, y: y + 5, anchor: "start")
      svg += text(row.text, x: width - 4, y: y + 5, anchor: "end")
      guard let value = row.value, axis.contains(value) else {
        if let s = row.symbol, row.value == nil {
          svg += text(s.rawValue, x: plotLeft + 6, y: y + 5, anchor: "start")
        }
        continue
      }
      if let lo = row.lower, let hi = row.upper, lo.isFinite, hi.isFinite {
        let x1 = axis.position(axis.clamp(lo))
        let x2 = axis.position(axis.clamp(hi))
        svg +=
          "<line x1=\"\(n(x1))\" y1=\"\(n(y))\" x2=\"\(n(x2))\" y2=\"\(n(y))\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
        for x in [x1, x2] {
          svg +=
            "<line x1=\"\(n(x))\" y1=\"\(n(y - 5))\" x2=\"\(n(x))\" y2=\"\(n(y + 5))\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
        }
      }
      svg += marker(row.comparison, x: axis.position(value), y: y)
    }

    // Legend: shapes, not colours, carry the meaning.
    let legend = legendEntries(chart)
    var x = 10.0
    var y = legendY
    for (comparison, words) in legend {
      let itemWidth = 30 + Double(words.count) * (fontSize - 1) * 0.56
      if x > 10 && x + itemWidth > width {
        x = 10
        y += rowHeight
      }
      svg += marker(comparison, x: x, y: y - 5)
      svg += text(words, x: x + 12, y: y, anchor: "start", size: fontSize - 1)
      x += itemWidth
    }
    svg += "</svg>\n"
    return svg
  }

  /// The legend's entries: one per kind of row present, in a fixed order.
  private func legendEntries(_ chart: IntervalChart) -> [(IntervalChart.Comparison, String)] {
    let present = Set(chart.rows.filter { $0.value != nil }.map(\.comparison))
    let all: [(IntervalChart.Comparison, String)] = [
      (.higher, "higher than the reference"),
      (.similar, "similar (interval includes the reference)"),
      (.lower, "lower than the reference"),
      (.reference, "reference group"),
    ]
    return all.filter { present.contains($0.0) }
  }

  /// How many lines the legend takes at this width.
  private func legendLineCount(_ chart: IntervalChart) -> Int {
    var lines = 1
    var x = 10.0
    for (_, words) in legendEntries(chart) {
      let itemWidth = 30 + Double(words.count) * (fontSize - 1) * 0.56
      if x > 10 && x + itemWidth > width {
        lines += 1
        x = 10
      }
      x += itemWidth
    }
    return lines
  }

  private func marker(_ comparison: IntervalChart.Comparison, x: Double, y: Double) -> String {
    switch comparison {
    case .higher:
      return
        "<path d=\"M\(n(x)) \(n(y - 7)) L\(n(x + 7)) \(n(y + 5)) L\(n(x - 7)) \(n(y + 5)) Z\" fill=\"#1d3f72\" stroke=\"#000000\"/>\n"
    case .lower:
      return
        "<path d=\"M\(n(x)) \(n(y + 7)) L\(n(x + 7)) \(n(y - 5)) L\(n(x - 7)) \(n(y - 5)) Z\" fill=\"#1d3f72\" stroke=\"#000000\"/>\n"
    case .similar, .none:
      return
        "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"5.5\" fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
    case .reference:
      return
        "<path d=\"M\(n(x)) \(n(y - 7)) L\(n(x + 7)) \(n(y)) L\(n(x)) \(n(y + 7)) L\(n(x - 7)) \(n(y)) Z\" fill=\"#000000\"/>\n"
    }
  }

  private func text(
    _ s: String, x: Double, y: Double, anchor: String, weight: String? = nil, size: Double? = nil
  ) -> String {
    var attributes = "x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\""
    if let weight { attributes += " font-weight=\"\(weight)\"" }
    if let size { attributes += " font-size=\"\(n(size))\"" }
    return "<text \(attributes) fill=\"#000000\">\(HTMLEscaping.text(s))</text>\n"
  }

  private func truncate(_ s: String, to count: Int) -> String {
    s.count <= count ? s : String(s.prefix(count - 1)) + "…"
  }

  /// A coordinate with at most two decimals.
  private func n(_ x: Double) -> String { ReadableNumber.trimmed(x, decimals: 2) }

  /// The value axis: domain, ticks and the mapping to x.
  struct Axis {
    var scale: IntervalChart.Scale
    var low: Double
    var high: Double
    var from: Double
    var to: Double
    var ticks: [Double]

    init(chart: IntervalChart, from: Double, to: Double) {
      self.scale = chart.scale
      self.from = from
      self.to = to
      var values: [Double] = []
      for r in chart.rows {
        values += [r.value, r.lower, r.upper].compactMap { $0 }.filter { $0.isFinite }
      }
      if let ref = chart.referenceValue { values.append(ref) }
      switch chart.scale {
      case .logarithmic:
        let positive = values.filter { $0 > 0 }
        var lo = positive.min() ?? 0.5
        var hi = positive.max() ?? 2
        lo = min(lo, 1) / 1.15
        hi = max(hi, 1) * 1.15
        if hi / lo < 4 {
          let mid = (log(lo) + log(hi)) / 2
          lo = exp(mid - log(2))
          hi = exp(mid + log(2))
        }
        low = lo
        high = hi
        var t: [Double] = []
        let candidates = [1.0, 2, 5]
        var decade = pow(10, floor(log10(lo)))
        while decade <= hi {
          for c in candidates where c * decade >= lo && c * decade <= hi { t.append(c * decade) }
          decade *= 10
        }
        if t.count < 4 {
          t = []
          decade = pow(10, floor(log10(lo)))
          while decade <= hi {
            for c in [1.0, 1.5, 2, 3, 5, 7] where c * decade >= lo && c * decade <= hi {
              t.append(c * decade)
            }
            decade *= 10
          }
        }
        ticks = t
      case .linear:
        let hi = max(values.max() ?? 1, 0) * 1.05
        low = 0
        let step = Axis.niceStep(hi > 0 ? hi / 5 : 1)
        high = max(step, (hi / step).rounded(.up) * step)
        ticks = stride(from: 0, through: high + step / 1000, by: step).map { $0 }
      }
    }

    static func niceStep(_ raw: Double) -> Double {
      let magnitude = pow(10, floor(log10(raw)))
      for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw { return m * magnitude }
      return 10 * magnitude
    }

    func contains(_ x: Double) -> Bool {
      x.isFinite && (scale == .linear ? x >= low && x <= high : x > 0 && x >= low && x <= high)
    }

    func clamp(_ x: Double) -> Double { Swift.min(Swift.max(x, low), high) }

    func position(_ x: Double) -> Double {
      switch scale {
      case .linear: return from + (x - low) / (high - low) * (to - from)
      case .logarithmic: return from + (log(x) - log(low)) / (log(high) - log(low)) * (to - from)
      }
    }

    static func label(_ x: Double) -> String {
      if x >= 1000 { return ReadableNumber.thousands(Int64(x.rounded())) }
      return ReadableNumber.trimmed(x, decimals: 3)
    }
  }
}
