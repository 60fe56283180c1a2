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
  /// was not copied beside it); otherwise the package's resource bundle is used: the folder
  /// SwiftPM puts beside the executable, or else wherever `Bundle.module` finds it (the build
  /// folder, for tests).
  public static var directory: URL {
    if let override = getenv(environmentVariable).map({ String(cString: $0) }), !override.isEmpty {
      return URL(fileURLWithPath: override, isDirectory: true)
    }
    return besideExecutable ?? Bundle.module.resourceURL ?? Bundle.module.bundleURL
  }

  /// The name of the resource bundle SwiftPM builds for this target.
  static let bundleName = "disparity_DisparityDatasets.resources"

  /// The resource bundle beside the running executable, where `Bundle.module` looks first,
  /// found without Foundation's `Bundle`: making `Bundle.main` lists every file of the
  /// executable's folder (a `bin` folder or a build folder of hundreds) and read 8 million
  /// instructions of a 107-million-instruction small analysis. Linux only; elsewhere, and when
  /// the folder is not there, `nil`.
  static let besideExecutable: URL? = {
    #if os(Linux)
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let length = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
      guard length > 0 else { return nil }
      let executable = String(
        decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      guard let slash = executable.lastIndex(of: "/") else { return nil }
      let folder = String(executable[..<slash]) + "/" + bundleName
      var info = stat()
      guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
      return URL(fileURLWithPath: folder, isDirectory: true)
    #else
      return nil
    #endif
  }()

  /// The URL of a file below the built-in data folder, e.g. `"ethnicity/nhs-2001.csv"`.
  public static func url(_ relativePath: String) -> URL {
    directory.appendingPathComponent(relativePath)
  }
}
