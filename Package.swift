// swift-tools-version: 6.1
// disparity: measuring ethnic inequalities in health.
// The modules follow the data flow of ARCHITECTURE.md:
// Ingest -> Normalise -> Tabulate -> Statistics -> Inequality/Regression -> Report,
// with `Disparity` re-exporting them and the `disparity` executable a thin layer on top.
import PackageDescription

let package = Package(
  name: "disparity",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Disparity", targets: ["Disparity"]),
    .executable(name: "disparity", targets: ["DisparityCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // C and C++ shims.
    .systemLibrary(
      name: "_COpenBLAS",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),
    .target(name: "_CByteScan"),
    .target(
      name: "_CBoostMath",
      cSettings: [.headerSearchPath("include")],
      linkerSettings: [.linkedLibrary("m")]
    ),

    // Built-in data: ethnicity classifications and standard populations, loaded at start.
    .target(
      name: "DisparityDatasets",
      path: "datasets",
      exclude: [
        "README.md",
        "nhse-covid-deaths-2020",
        "nz-covid-vaccination",
        "synthetic",
      ],
      sources: ["DatasetsBundle.swift"],
      resources: [
        .copy("ethnicity"),
        .copy("standard-populations"),
      ]
    ),

    // The data flow.
    .target(name: "DisparityIngest", dependencies: ["_CByteScan"]),
    .target(
      name: "DisparityNormalise",
      dependencies: ["DisparityIngest", "DisparityDatasets"]
    ),
    .target(
      name: "DisparityTabulate",
      dependencies: ["DisparityIngest", "DisparityNormalise"]
    ),
    .target(name: "DisparityStatistics", dependencies: ["_CBoostMath", "DisparityIngest"]),
    // OpenBLAS and LAPACKE (both: Debian's OpenBLAS has no LAPACKE symbols) are linked from
    // their static archives, which libopenblas-dev and liblapacke-dev install beside the shared
    // libraries. Loaded as shared libraries, they cost every run about 3 ms before `main`:
    // libopenblas.so has 14,000 symbol relocations, and liblapacke.so brings in liblapack,
    // libblas, libtmglib and libgfortran, two of them bound at load (a small analysis 13.5 ->
    // 10.5 ms, 21 interleaved rounds; bench/README.md). OpenBLAS's LAPACK is Fortran, hence
    // libgfortran, which stays shared (its development package is not needed for that).
    .target(
      name: "DisparityLinearAlgebra", dependencies: ["_COpenBLAS"],
      linkerSettings: [
        .linkedLibrary(":liblapacke.a"),
        .linkedLibrary(":libopenblas.a"),
        .linkedLibrary(":libgfortran.so.5"),
        .linkedLibrary("pthread"),
        .linkedLibrary("m"),
      ]),
    .target(
      name: "DisparityInequality",
      dependencies: ["DisparityIngest", "DisparityStatistics", "DisparityLinearAlgebra"]
    ),
    .target(
      name: "DisparityRegression",
      dependencies: ["DisparityIngest", "DisparityStatistics", "DisparityLinearAlgebra"]
    ),
    .target(
      name: "DisparityReport",
      dependencies: [
        "DisparityIngest", "DisparityStatistics", "DisparityNormalise",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]
    ),
    .target(
      name: "Disparity",
      dependencies: [
        "DisparityIngest", "DisparityNormalise", "DisparityTabulate", "DisparityStatistics",
        "DisparityLinearAlgebra", "DisparityInequality", "DisparityRegression", "DisparityReport",
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]
    ),
    .executableTarget(
      name: "DisparityCLI",
      dependencies: [
        "Disparity",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // Tests.
    .testTarget(
      name: "DisparityIngestTests",
      dependencies: ["DisparityIngest"]
    ),
    .testTarget(
      name: "DisparityNormaliseTests",
      dependencies: ["DisparityNormalise"],
      resources: [.copy("Resources")]
    ),
    .testTarget(
      name: "DisparityStatisticsTests",
      dependencies: ["DisparityStatistics"],
      resources: [.copy("Resources")]
    ),
    .testTarget(
      name: "DisparityLinearAlgebraTests",
      dependencies: ["DisparityLinearAlgebra"]
    ),
    .testTarget(
      name: "DisparityRegressionTests",
      dependencies: ["DisparityRegression", "DisparityIngest"],
      resources: [.copy("Resources")]
    ),
    .testTarget(
      name: "DisparityInequalityTests",
      dependencies: ["DisparityInequality"],
      resources: [.copy("Resources")]
    ),
    .testTarget(
      name: "DisparityTests",
      dependencies: ["Disparity", "DisparityTabulate"]
    ),
    .testTarget(
      name: "DisparityReportTests",
      dependencies: [
        "DisparityReport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      resources: [.copy("Resources")]
    ),
    .testTarget(
      name: "DisparityCLITests",
      dependencies: ["Disparity"],
      resources: [.copy("Resources")]
    ),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
