// MARK: - "Did you mean" suggestions

/// Suggests the closest known name to a misspelt one, for "did you mean" hints.
///
/// Shared by the rule checker, the answers validator and the command-line parser, so
/// every "did you mean" in Upstream agrees.
package enum Suggestion {
  /// The edit distance between two strings, in characters: insertions, deletions,
  /// substitutions and swaps of neighbouring characters each count one (optimal string
  /// alignment), so `hihg` is one edit from `high`.
  package static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    return distance(a, b, limit: max(a.count, b.count))
  }

  /// The optimal-string-alignment distance of `a` and `b`, or `limit + 1` as soon as it is
  /// known to exceed `limit`: only the band of cells within `limit` of the diagonal is
  /// worked out, in three rows, so a check costs O(length × limit) and no table.
  static func distance<T: Equatable>(_ a: [T], _ b: [T], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    let big = limit + 1
    var before = [Int](repeating: big, count: b.count + 1)  // row i - 2
    var previous = [Int](repeating: big, count: b.count + 1)  // row i - 1
    var row = [Int](repeating: big, count: b.count + 1)
    for j in 0...min(b.count, limit) { previous[j] = j }
    for i in 1...a.count {
      for j in 0...b.count { row[j] = big }
      if i <= limit { row[0] = i }
      let low = max(1, i - limit)
      let high = min(b.count, i + limit)
      var smallest = row[0]
      if low <= high {
        for j in low...high {
          let cost = a[i - 1] == b[j - 1] ? 0 : 1
          var value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
          if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
          row[j] = min(value, big)
          smallest = min(smallest, row[j])
        }
      }
      if smallest > limit { return big }
      swap(&before, &previous)
      swap(&previous, &row)
    }
    return min(previous[b.count], big)
  }

  /// The candidate closest to `name`, if it is close enough to be a plausible typo.
  ///
  /// Close enough means at most a third of the name's length in edits (at least 1, at most
  /// 4), or one of the two contains the other. Ties go to the alphabetically first
  /// candidate, so suggestions are deterministic. The search is linear in the number of
  /// candidates and allocates nothing per candidate: one whose length, or whose count of
  /// each character, already differs by more than the limit is skipped before any
  /// distance is worked out, and a distance is only worked out within the limit.
  package static func closest<S: Sequence>(to name: String, in candidates: S) -> String?
  where S.Element == String {
    let lowered = Array(name.lowercased().utf8)
    let length = lowered.count
    let limit = max(1, min(4, name.count / 3))
    var counts = [Int](repeating: 0, count: 64)
    for byte in lowered { counts[Int(byte & 63)] += 1 }
    var scratch = counts
    var best: (distance: Int, name: String)?
    for candidate in candidates where candidate != name {
      var other = Array(candidate.utf8)
      for index in other.indices where other[index] >= 65 && other[index] <= 90 { other[index] += 32 }
      let contained = length >= 3 && other.count >= 3 && (Self.contains(other, lowered) || Self.contains(lowered, other))
      if !contained {
        guard abs(length - other.count) <= limit else { continue }
        // Each edit changes at most two character counts, so half the difference in
        // counts is a lower bound on the distance.
        for index in 0..<64 { scratch[index] = counts[index] }
        for byte in other { scratch[Int(byte & 63)] -= 1 }
        var difference = 0
        for value in scratch { difference += abs(value) }
        guard difference <= 2 * limit else { continue }
      }
      let distance = Self.distance(lowered, other, limit: limit)
      guard distance <= limit || contained else { continue }
      let score = contained && distance > limit ? limit : distance
      if let current = best, (current.distance, current.name) <= (score, candidate) { continue }
      best = (score, candidate)
    }
    return best?.name
  }

  /// Whether `text` contains `part` (bytes; both short ids).
  private static func contains(_ text: [UInt8], _ part: [UInt8]) -> Bool {
    guard part.count <= text.count else { return false }
    if part.isEmpty { return true }
    outer: for start in 0...(text.count - part.count) {
      for offset in part.indices where text[start + offset] != part[offset] { continue outer }
      return true
    }
    return false
  }
}
