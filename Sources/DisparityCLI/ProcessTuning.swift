import Disparity

#if canImport(Glibc)
  import Glibc
#endif

/// Settings of the process that a command-line run wants and a library should not impose.
enum ProcessTuning {
  /// Keeps freed memory for reuse instead of returning it to the system at once (glibc only).
  ///
  /// An analysis of an aggregated file builds arrays of hundreds of thousands of strata, cells
  /// and results, growing each by doubling. By default glibc gives every block above 128 KiB its
  /// own mapping and unmaps it when freed, so each doubling touches fresh pages, and page faults
  /// were 15% of the CPU time of 20,000 groups × 19 bands. Serving blocks up to 32 MiB from the
  /// heap, and trimming the heap only past 256 MiB, lets later arrays reuse freed ones: 18%
  /// fewer page faults and about 8% less time there; peak memory of record-level runs is
  /// unchanged (it is bounded by design). `mallopt` is looked up at run time, so a C library
  /// without it is left as it is.
  static func keepFreedMemory() {
    #if canImport(Glibc)
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD in <malloc.h>
      let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
      _ = mallopt(mmapThreshold, 32 << 20)
      _ = mallopt(trimThreshold, 256 << 20)
    #endif
  }

  /// The subcommands that classify ethnicity labels, and so load the built-in classifications.
  static let classifyingCommands: Set<String> = [
    "analyse", "normalise", "validate", "model", "schemes",
  ]

  /// Starts loading the built-in classifications on a thread of their own, for a subcommand
  /// that will need them, before the command line is parsed.
  ///
  /// The load takes about 5 ms of one core; parsing the options of `analyse` and starting the
  /// process leave the other core idle for about as long. The analysis asks for the
  /// classifications again (it waits for this load, or finds them loaded); a subcommand that
  /// needs none does not start it.
  static func startLoadingClassifications(
    arguments: [String] = CommandLine.arguments
  ) {
    guard arguments.count > 1, classifyingCommands.contains(arguments[1]) else { return }
    EthnicityCatalogue.preloadBuiltIn()
  }
}
