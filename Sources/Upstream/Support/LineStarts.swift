// MARK: - Finding the line of an offset

extension Array where Element == Int {
  /// The index of the line holding a byte offset, when this array holds the byte offsets
  /// at which lines start (ascending, the first 0): the last start at or before `offset`.
  ///
  /// Shared by the diagnostics' line and column and the language server's positions.
  package func lineIndex(containing offset: Int) -> Int {
    var low = 0
    var high = count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if self[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return low
  }
}
