import CommitCheckExplorer

extension Cancellation {
  /// Throws `MarkovError.stopped` once the computation must stop.
  func check() throws(MarkovError) {
    if let reason { throw .stopped(reason) }
  }
}
