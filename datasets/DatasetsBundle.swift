// The `DisparityDatasets` target: the data files in this folder that the toolkit loads at start
// (ethnicity classifications, standard populations), shipped as SwiftPM resources.
import Foundation

/// Where the built-in data files live: the ethnicity classifications and standard populations.
public enum BuiltInDatasets {
  /// The environment variable that points the toolkit at another copy of this folder.
  public static let environmentVariable = "DISPARITY_DATASETS"

  /// The folder holding `ethnicity/` and `standard-populations/`.
  ///
  /// `DISPARITY_DATASETS` wins when it is set (for an installed binary whose resource bundle
  /// was not copied beside it); otherwise the package's resource bundle is used.
  public static var directory: URL {
    if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
      return URL(fileURLWithPath: override, isDirectory: true)
    }
    return Bundle.module.resourceURL ?? Bundle.module.bundleURL
  }

  /// The URL of a file below the built-in data folder, e.g. `"ethnicity/nhs-2001.csv"`.
  public static func url(_ relativePath: String) -> URL {
    directory.appendingPathComponent(relativePath)
  }
}
