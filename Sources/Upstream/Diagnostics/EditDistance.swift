// MARK: - "Did you mean" suggestions

/// Suggests the closest known name to a misspelt one, for "did you mean" hints.
///
/// Shared by the rule checker, the answers validator and the command-line parser, so
/// every "did you mean" in Upstream agrees.
public enum Suggestion {
  /// The edit distance between two strings, in characters: insertions, deletions,
  /// substitutions and swaps of neighbouring characters each count one (optimal string
  /// alignment), so `hihg` is one edit from `high`.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }

  /// The candidate closest to `name`, if it is close enough to be a plausible typo.
  ///
  /// Close enough means at most a third of the name's length in edits (at least 1, at most
  /// 4), or one of the two contains the other. Ties go to the alphabetically first
  /// candidate, so suggestions are deterministic.
  public static func closest<S: Sequence>(to name: String, in candidates: S) -> String?
  where S.Element == String {
    let lowered = name.lowercased()
    let length = lowered.count
    let limit = max(1, min(4, name.count / 3))
    var best: (distance: Int, name: String)?
    for candidate in candidates where candidate != name {
      let other = candidate.lowercased()
      let contained = length >= 3 && (other.contains(lowered) || lowered.contains(other))
      // The distance is at least the difference in length: skip the table when that
      // already puts it over the limit (a long name would make the table huge).
      let distance = abs(length - other.count) > limit ? limit + 1 : editDistance(lowered, other)
      guard distance <= limit || contained else { continue }
      let score = contained && distance > limit ? limit : distance
      if let current = best, (current.distance, current.name) <= (score, candidate) { continue }
      best = (score, candidate)
    }
    return best?.name
  }
}
