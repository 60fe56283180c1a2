// swift-tools-version: 6.1
// A runnable copy of the getting-started article: `swift run QuickStart` from this folder
// analyses the bundled synthetic admissions (datasets/synthetic) with the Disparity library.
import PackageDescription

let package = Package(
  name: "QuickStart",
  platforms: [.macOS(.v13)],
  dependencies: [.package(name: "disparity", path: "../..")],
  targets: [
    .executableTarget(
      name: "QuickStart",
      dependencies: [.product(name: "Disparity", package: "disparity")]
    )
  ],
  swiftLanguageModes: [.v6]
)
