// swift-tools-version: 6.1
// Benchmarks of disparity, in their own package so that CI and `make test` never build them.
//
//   cd Benchmarks
//   swift package benchmark                       # run every benchmark
//   swift package benchmark thresholds check      # compare a run with Thresholds/ (exit 2: regression)
//   swift package --allow-writing-to-package-directory benchmark thresholds update
//   swift run -c release glm-compare FILE.csv     # the GLM side of bench/compare.sh
import Foundation
import PackageDescription

// The main package is the parent folder; a path dependency's identity is that folder's name,
// which differs between clones and worktrees, so it is read rather than written out.
let parentFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent()
let disparityIdentity = parentFolder.lastPathComponent.lowercased()

let package = Package(
  name: "DisparityBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(path: ".."),
    .package(
      url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "DisparityBenchmarks",
      dependencies: [
        .product(name: "Disparity", package: disparityIdentity),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/DisparityBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "glm-compare",
      dependencies: [.product(name: "Disparity", package: disparityIdentity)],
      path: "Sources/GLMCompare"
    ),
    .executableTarget(
      name: "analysis-phases",
      dependencies: [.product(name: "Disparity", package: disparityIdentity)],
      path: "Sources/AnalysisPhases"
    ),
  ],
  swiftLanguageModes: [.v6]
)
