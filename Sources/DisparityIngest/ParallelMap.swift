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

  /// `transform` of each element, computed in blocks of `blockSize` on the available cores; the
  /// results in the elements' order.
  public static func map<S, T, E: Error>(
    _ items: [S], blockSize: Int = 1024, _ transform: (S) throws(E) -> T
  ) throws(E) -> [T] {
    let blockCount = (items.count + blockSize - 1) / blockSize
    let parts = try blocks(count: blockCount) { b throws(E) -> [T] in
      var part: [T] = []
      for item in items[(b * blockSize)..<min(items.count, (b + 1) * blockSize)] {
        part.append(try transform(item))
      }
      return part
    }
    if parts.count == 1 { return parts[0] }
    var out: [T] = []
    out.reserveCapacity(items.count)
    for part in parts { out += part }
    return out
  }
}
