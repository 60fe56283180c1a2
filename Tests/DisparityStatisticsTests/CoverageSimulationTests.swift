import Foundation
import Testing

@testable import DisparityStatistics

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit state advanced by a Weyl constant and mixed by
/// two xor-shift-multiply rounds. Small, fast, seedable and identical on every platform, which
/// is all a reproducible simulation test needs (Swift's SystemRandomNumberGenerator is not
/// seedable).
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform draw in [0, 1) from the top 53 bits.
  mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A Poisson draw by inversion (sequential search of the CDF from 0): exact, and quick for the
  /// means used here (under 100; e^−mean does not underflow below about 700).
  mutating func poisson(mean: Double) -> Double {
    let u = uniform()
    var k = 0.0
    var probability = exp(-mean)
    var cumulative = probability
    while u > cumulative && probability > 0 {
      k += 1
      probability *= mean / k
      cumulative += probability
    }
    return k
  }
}

/// Coverage of the 95% DSR intervals over simulated Poisson data with known true rates.
@Suite("DSR interval coverage by simulation")
struct CoverageSimulationTests {
  /// 2,000 data sets of 19 age bands standardised to ESP2013 (reference/esp2013.csv). In each,
  /// band populations are uniform on 5,000–20,000 and true rates rise 8% a band from a base drawn
  /// uniform on 1–3 per 10,000, so about 40–200 events are expected per data set; events are
  /// Poisson. Seed 20240611. Each method must cover the true DSR in 93%–97% of data sets.
  @Test func ninetyFivePercentIntervalsCoverTheTrueRate() throws {
    let standard = try ReferenceTable(resource: "esp2013").column("esp2013")
    let methods: [(String, DirectStandardisationMethod)] = [
      ("Dobson", .dobson()), ("Fay-Feuer", .fayFeuer), ("Tiwari", .tiwari),
    ]
    var covered = [Int](repeating: 0, count: methods.count)
    var random = SplitMix64(seed: 20_240_611)
    let dataSets = 2000
    let totalStandard = standard.reduce(0, +)
    for _ in 0..<dataSets {
      let base = (1 + 2 * random.uniform()) * 1e-4
      var populations: [Double] = []
      var events: [Double] = []
      var truth = 0.0
      for band in standard.indices {
        let population = (5000 + 15000 * random.uniform()).rounded()
        let rate = base * exp(0.08 * Double(band))
        populations.append(population)
        events.append(random.poisson(mean: rate * population))
        truth += standard[band] * rate / totalStandard
      }
      for (m, (_, method)) in methods.enumerated() {
        let dsr = try DirectlyStandardisedRate(
          events: events, populations: populations, standard: standard, method: method)
        if try #require(dsr.interval(at: .ninetyFive)).contains(truth * 100_000) { covered[m] += 1 }
      }
    }
    for (m, (name, _)) in methods.enumerated() {
      let coverage = Double(covered[m]) / Double(dataSets)
      print("95% coverage of \(name) over \(dataSets) simulated data sets: \(coverage)")
      #expect(coverage >= 0.93 && coverage <= 0.97, "\(name) covered \(coverage)")
    }
  }

  /// The Poisson sampler's mean and variance match its parameter (a check of the generator the
  /// coverage figures rest on): 20,000 draws at mean 7.5 give mean and variance within 2%.
  @Test func poissonSamplerHasTheRightMeanAndVariance() {
    var random = SplitMix64(seed: 1)
    let draws = (0..<20_000).map { _ in random.poisson(mean: 7.5) }
    let mean = draws.reduce(0, +) / Double(draws.count)
    let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
    #expect(abs(mean - 7.5) < 0.15)
    #expect(abs(variance - 7.5) < 0.3)
  }
}
