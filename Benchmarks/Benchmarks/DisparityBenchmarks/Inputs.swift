import Disparity
import Foundation

/// A small deterministic generator (SplitMix64), so every run benchmarks the same inputs.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A Poisson draw: Knuth's method for small means, a rounded normal above 50.
  mutating func poisson(_ mean: Double) -> Double {
    if mean <= 0 { return 0 }
    if mean > 50 {
      let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
      let u2 = Double.random(in: 0..<1, using: &self)
      let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
      return max(0, (mean + z * mean.squareRoot()).rounded())
    }
    let limit = exp(-mean)
    var k = 0.0
    var p = Double.random(in: 0..<1, using: &self)
    while p > limit {
      k += 1
      p *= Double.random(in: 0..<1, using: &self)
    }
    return k
  }
}

/// The inputs of the benchmarks, built once per process in a temporary folder.
///
/// The record-level file follows the model of `datasets/synthetic/generate.py` (NHS 2001 groups
/// written as real-world label variants, 5% unknown, 0.2% "BAME"), at 200,000 rows: big enough for
/// steady throughput, small enough for many iterations.
enum Inputs {
  static let bands = [
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
  ]
  static let baseRates: [Double] = [
    900, 300, 250, 400, 500, 550, 600, 650, 750, 900, 1100, 1400, 1800, 2400, 3200, 4300, 5600,
    7000, 8200,
  ]
  /// Official NHS 2001 label and the variants seen in data.
  static let groups: [(label: String, variants: [String])] = [
    ("White - British", ["White British", "British (White)", "WHITE - BRITISH", "A", "british"]),
    ("White - Irish", ["White Irish", "Irish (White)", "B", "White - Irish "]),
    (
      "White - Any other White background",
      ["Any other White background", "White other", "C", "CP"]
    ),
    ("Mixed - White and Black Caribbean", ["White and Black Caribbean (Mixed)", "D"]),
    ("Mixed - White and Black African", ["Mixed - White and Black African", "E"]),
    ("Mixed - White and Asian", ["White and Asian (Mixed)", "F"]),
    ("Mixed - Any other mixed background", ["Any other Mixed background", "G"]),
    ("Asian or Asian British - Indian", ["Indian (Asian or Asian British)", "Indian", "H"]),
    ("Asian or Asian British - Pakistani", ["Pakistani", "J"]),
    ("Asian or Asian British - Bangladeshi", ["Bangladeshi (Asian or Asian British)", "K"]),
    ("Asian or Asian British - Any other Asian background", ["Any other Asian background", "L"]),
    ("Black or Black British - Caribbean", ["Black or Black British - Caribbean", "M"]),
    ("Black or Black British - African", ["Black African", "N"]),
    ("Black or Black British - Any other Black background", ["Any other Black background", "P"]),
    ("Other Ethnic Groups - Chinese", ["Chinese", "R"]),
    ("Other Ethnic Groups - Any other ethnic group", ["Any other ethnic group", "S"]),
  ]
  static let regions = [
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
  ]
  static let recordRows = 200_000

  static let folder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "disparity-benchmarks-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  /// Record-level admissions (ethnicity, age, sex, area, outcome) and their population file.
  static let records: (records: String, population: String, bytes: Int) = {
    var rng = SplitMix(state: 20_260_101)
    var text = "ethnicity,age,sex,area,outcome\n"
    text.reserveCapacity(recordRows * 48)
    for _ in 0..<recordRows {
      let u = Double.random(in: 0..<1, using: &rng)
      let label: String
      if u < 0.03 {
        label = ["Not stated", "Z", "Refused"].randomElement(using: &rng)!
      } else if u < 0.05 {
        label = ["", "99", "Not known"].randomElement(using: &rng)!
      } else if u < 0.052 {
        label = "BAME"
      } else {
        // Weighted towards White British, as in England.
        let g =
          Double.random(in: 0..<1, using: &rng) < 0.8
          ? 0 : Int.random(in: 1..<groups.count, using: &rng)
        label = groups[g].variants.randomElement(using: &rng)!
      }
      let age = Int.random(in: 0..<95, using: &rng)
      let sex = Bool.random(using: &rng) ? "Female" : "Male"
      let region = regions.randomElement(using: &rng)!
      text += "\(label),\(age),\(sex),\(region),I21.9\n"
    }
    let recordsURL = folder.appendingPathComponent("records.csv")
    try! text.write(to: recordsURL, atomically: false, encoding: .utf8)
    var population = "ethnicity,age,population\n"
    for group in groups {
      for band in bands {
        population += "\(group.label),\(band),\(Int.random(in: 2_000...40_000, using: &rng))\n"
      }
    }
    let populationURL = folder.appendingPathComponent("population.csv")
    try! population.write(to: populationURL, atomically: false, encoding: .utf8)
    return (recordsURL.path, populationURL.path, text.utf8.count)
  }()

  /// Aggregated counts: `groupCount` groups × 19 ESP2013 bands (group, age, events, population).
  static func aggregated(groupCount: Int) -> (events: [[Double]], populations: [[Double]]) {
    var rng = SplitMix(state: 42)
    var events: [[Double]] = []
    var populations: [[Double]] = []
    for _ in 0..<groupCount {
      let ratio = Double.random(in: 0.5...2, using: &rng)
      var e: [Double] = []
      var p: [Double] = []
      for b in 0..<bands.count {
        let population = Double(Int.random(in: 500...20_000, using: &rng))
        p.append(population)
        e.append(rng.poisson(population * baseRates[b] / 100_000 * ratio))
      }
      events.append(e)
      populations.append(p)
    }
    return (events, populations)
  }

  /// The same aggregated counts written as a CSV file for `disparity analyse --scheme raw`.
  static let aggregatedFile: String = {
    let data = aggregated(groupCount: 2_000)
    var text = "group,age,events,population\n"
    for g in data.events.indices {
      for b in bands.indices {
        text += "G\(g),\(bands[b]),\(Int(data.events[g][b])),\(Int(data.populations[g][b]))\n"
      }
    }
    let url = folder.appendingPathComponent("aggregated.csv")
    try! text.write(to: url, atomically: false, encoding: .utf8)
    return url.path
  }()

  /// A Poisson regression problem: `rows` aggregated rows, ethnicity (16 levels), age band (19),
  /// sex (2) and IMD quintile (5): 39 parameters.
  static func regression(rows: Int) -> (
    design: DesignMatrix, events: [Double], population: [Double]
  ) {
    var rng = SplitMix(state: 7)
    let ethnicities = groups.map(\.label)
    let effects = (0..<ethnicities.count).map { 0.8 + 0.08 * Double($0) }
    var ethnicity: [String] = []
    var age: [String] = []
    var sex: [String] = []
    var imd: [String] = []
    var events: [Double] = []
    var population: [Double] = []
    for _ in 0..<rows {
      let g = Int.random(in: 0..<ethnicities.count, using: &rng)
      let b = Int.random(in: 0..<bands.count, using: &rng)
      let s = Int.random(in: 0..<2, using: &rng)
      let q = Int.random(in: 1...5, using: &rng)
      let n = Double(Int.random(in: 50...5_000, using: &rng))
      let rate =
        baseRates[b] / 100_000 * effects[g] * (s == 0 ? 1.05 : 0.95) * (0.8 + 0.1 * Double(q))
      ethnicity.append(ethnicities[g])
      age.append(bands[b])
      sex.append(s == 0 ? "Female" : "Male")
      imd.append("Q\(q)")
      events.append(rng.poisson(n * rate))
      population.append(n)
    }
    var builder = DesignMatrixBuilder(rowCount: rows)
    try! builder.addFactor("ethnicity", values: ethnicity, reference: "White - British")
    try! builder.addFactor("age", values: age, reference: "0-4")
    try! builder.addFactor("sex", values: sex)
    try! builder.addFactor("imd", values: imd)
    return (try! builder.build(), events, population)
  }
}
