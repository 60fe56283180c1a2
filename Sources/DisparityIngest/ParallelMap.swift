import Dispatch

/// Independent pieces of work shared between the cores, with their results kept in order.
///
/// The analysis stages after reading (classifying thousands of distinct labels, the statistics
/// of thousands of groups, the rows of the tables) are each a map over independent items; this
/// runs such a map in blocks on the available cores so that the result equals the sequential one.
public enum ParallelMap {
  /// `body(0), ..., body(count - 1)`, computed concurrently (directly for one block); the results
  /// in index order. An error is the first in index order, as a sequential map would throw.
  public static func blocks<T, E: Error>(count: Int, _ body: (Int) throws(E) -> T) throws(E)
    -> [T]
  {
    if count <= 1 {
      var out: [T] = []
      for i in 0..<count { out.append(try body(i)) }
      return out
    }
    let slots = UnsafeMutableBufferPointer<Result<T, E>?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
      slots.deinitialize()
      slots.deallocate()
    }
    // Each iteration writes only its own slot, and `concurrentPerform` returns after all of them.
    nonisolated(unsafe) let out = slots
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let body = body
      DispatchQueue.concurrentPerform(iterations: count) { i in
        do throws(E) {
          out[i] = .success(try body(i))
        } catch {
          out[i] = .failure(error)
        }
      }
    }
    var results: [T] = []
    results.reserveCapacity(count)
    for slot in slots { results.append(try slot!.get()) }
    return results
  }

  /// `transform(0), ..., transform(count - 1)`, computed in blocks of `blockSize` indices on
  /// the available cores and written straight into the result (no copy of the elements, which
  /// matters for large values such as a group's results); an error is the first in index order.
  public static func map<T, E: Error>(
    count: Int, blockSize: Int = 1024, _ transform: (Int) throws(E) -> T
  ) throws(E) -> [T] {
    let blockCount = (count + blockSize - 1) / blockSize
    if blockCount <= 1 {
      var out: [T] = []
      out.reserveCapacity(count)
      for i in 0..<count { out.append(try transform(i)) }
      return out
    }
    // Each block initialises its own range of the result, or records its error.
    let errors = UnsafeMutableBufferPointer<E?>.allocate(capacity: blockCount)
    errors.initialize(repeating: nil)
    defer {
      errors.deinitialize()
      errors.deallocate()
    }
    var failure: E?
    let result = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      nonisolated(unsafe) let out = buffer
      nonisolated(unsafe) let errorSlots = errors
      withoutActuallyEscaping(transform) { transform in
        nonisolated(unsafe) let transform = transform
        DispatchQueue.concurrentPerform(iterations: blockCount) { b in
          let range = (b * blockSize)..<min(count, (b + 1) * blockSize)
          var done = range.lowerBound
          do throws(E) {
            for i in range {
              (out.baseAddress! + i).initialize(to: try transform(i))
              done = i + 1
            }
          } catch {
            // Undo this block's part, so that a failed block leaves nothing initialised.
            (out.baseAddress! + range.lowerBound).deinitialize(count: done - range.lowerBound)
            errorSlots[b] = error
          }
        }
      }
      if let first = errors.firstIndex(where: { $0 != nil }) {
        failure = errors[first]
        for b in 0..<blockCount where errors[b] == nil {
          let range = (b * blockSize)..<min(count, (b + 1) * blockSize)
          (buffer.baseAddress! + range.lowerBound).deinitialize(count: range.count)
        }
        initialized = 0
      } else {
        initialized = count
      }
    }
    if let failure { throw failure }
    return result
  }

  /// `transform` of each element, computed in blocks of `blockSize` on the available cores; the
  /// results in the elements' order.
  public static func map<S, T, E: Error>(
    _ items: [S], blockSize: Int = 1024, _ transform: (S) throws(E) -> T
  ) throws(E) -> [T] {
    try map(count: items.count, blockSize: blockSize) { i throws(E) in try transform(items[i]) }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Work started on a thread of its own, outside the thread pool of ``ParallelMap`` and
/// `DispatchQueue.concurrentPerform`.
///
/// The pool has a thread per core. A task queued on it (loading the classifications while a file
/// is read, freeing a large structure) holds one of those threads until it ends, and a parallel
/// loop started meanwhile got no helper on a two-core machine: the reading of an aggregated file
/// ran on one core while the classifications loaded. On a thread of its own the task shares the
/// cores with the loop instead.
public enum BackgroundWork {
  /// Runs `body` on a new detached thread; falls back to the pool if no thread can be made.
  public static func start(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
      let body: @Sendable () -> Void
      init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    #if canImport(Glibc)
      var thread = pthread_t()
    #else
      var thread: pthread_t? = nil
    #endif
    let started = pthread_create(
      &thread, &attributes,
      { context in
        #if canImport(Glibc)
          let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        #else
          let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
        #endif
        box.body()
        return nil
      }, box)
    if started != 0 {
      let box = Unmanaged<Box>.fromOpaque(box).takeRetainedValue()
      DispatchQueue.global().async { box.body() }
    }
  }
}
