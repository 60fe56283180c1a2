extension CSVReader {
  /// Calls `body` with each well-formed record, passing malformed records to `malformed` and
  /// reading on: for a check that lists every problem of a file rather than stopping at the first.
  ///
  /// A record with the wrong number of fields or with bytes that are not UTF-8 is skipped after
  /// `malformed` is called with its ``IngestError``; the records after it are still read. Other
  /// problems (a quote never closed, text after a closing quote, a record too long) leave the
  /// record boundaries after them unknown, so they end the pass: they are thrown.
  ///
  /// Standard input is read once by ``forEachRecord(_:)``, so there a malformed record is
  /// passed to `malformed` and ends the pass.
  ///
  /// - Throws: an error that ends the pass, or the first error `malformed` or `body` throws.
  public func forEachRecord(
    skippingMalformed malformed: (IngestError) throws -> Void, _ body: (CSVRecord) throws -> Void
  ) throws {
    if isStream {
      // Standard input's one cursor belongs to `forEachRecord(_:)`: there the first malformed
      // record ends the pass.
      do {
        try forEachRecord(body)
      } catch let error as IngestError {
        switch error {
        case .raggedRow, .invalidUTF8: try malformed(error)
        default: throw error
        }
      }
      return
    }
    let cursor = makeCursor(offset: dataOffset, line: dataLine)
    while true {
      let record: CSVRecord?
      do {
        record = try cursor.next()
      } catch {
        switch error {
        case .raggedRow, .invalidUTF8:
          // The cursor has moved past the record before reporting it: reading can go on.
          try malformed(error)
          continue
        default:
          throw error
        }
      }
      guard let record else { return }
      try body(record)
    }
  }
}
