// MARK: - Rules that band one number question

/// Finds families of rules that conclude the same thing from different ranges of one
/// number (or scale) question, otherwise testing the same things: "bands" such as
/// `sitting_hours between 4 and 7` and `sitting_hours >= 8`.
///
/// Shared by the checks for overlapping and for gapped ranges. Only tests at the top level
/// of a rule's condition (joined by `and`) make a band; a rule with `or` around its number
/// test is left alone.
struct NumberBands {
  /// One rule's range of the question.
  struct Band {
    let rule: Int
    let range: NumberRange
  }

  /// Rules that band the same question, concluding the same things.
  struct Family {
    let question: Int
    /// Bands sorted by their low end, then rule id.
    let bands: [Band]

    /// Walks the bands by their low ends, giving each band after the first with the
    /// earlier band that reaches highest so far: the one it overlaps if it overlaps any,
    /// and the one a gap before it opens after.
    func walkByReach(_ visit: (_ reach: Band, _ band: Band) -> Void) {
      guard var reach = bands.first else { return }
      for band in bands.dropFirst() {
        visit(reach, band)
        if band.range.high > reach.range.high || (band.range.high == reach.range.high && !band.range.highOpen) {
          reach = band
        }
      }
    }
  }

  let families: [Family]

  init(_ knowledgeBase: KnowledgeBase) {
    // Bands are grouped first by a hash of what makes a family (the question, the other
    // tests, what the rule concludes): a band alone in its hash group is in no family,
    // and most are. Only groups of two or more have their keys (text) worked out, so the
    // families, and their order (by key), are those the keys alone give.
    var candidates: [UInt64: [Candidate]] = [:]
    var parts: [Condition] = []
    var numberQuestions: [Int] = []
    let rules = knowledgeBase.rules
    for index in rules.indices {
      parts.removeAll(keepingCapacity: true)
      Self.conjuncts(rules[index].condition, into: &parts)
      numberQuestions.removeAll(keepingCapacity: true)
      for part in parts {
        guard case .answer(let question, let test) = part, Self.isRangeTest(test),
          knowledgeBase.questions[question].kind.numberRange != nil
        else { continue }
        numberQuestions.append(question)
      }
      // Most rules band no number: what they conclude is not worked out for them.
      guard !numberQuestions.isEmpty else { continue }
      numberQuestions.sort()
      let targets = Self.targetsHash(rules[index].conclusions)
      for (position, question) in numberQuestions.enumerated() where position == 0 || numberQuestions[position - 1] != question {
        let kind = knowledgeBase.questions[question].kind
        guard var range = NumberRange(kind) else { continue }
        var rest: [UInt64] = []
        for part in parts {
          if case .answer(question, let test) = part, Self.isRangeTest(test) {
            range = range.restricted(by: test)
          } else {
            rest.append(ConditionKey.hash(part))
          }
        }
        guard !range.isEmpty else { continue }
        // The other tests as a set, as their keys are below.
        rest.sort()
        var hash = ConditionKey.mix(UInt64(question), targets)
        for (position, part) in rest.enumerated() where position == 0 || rest[position - 1] != part { hash = ConditionKey.mix(hash, part) }
        candidates[hash, default: []].append(Candidate(question: question, band: Band(rule: index, range: range)))
      }
    }
    var grouped: [String: (question: Int, bands: [Band])] = [:]
    for group in candidates.values where group.count > 1 {
      for candidate in group {
        let key = Self.key(of: knowledgeBase.rules[candidate.band.rule], question: candidate.question)
        grouped[key, default: (candidate.question, [])].bands.append(candidate.band)
      }
    }
    families = grouped.keys.sorted().compactMap { key in
      guard let group = grouped[key], group.bands.count > 1 else { return nil }
      // No two bands of a family are one rule's, so this order is total: the order the
      // bands were gathered in does not matter.
      let sorted = group.bands.sorted {
        ($0.range.low, knowledgeBase.rules[$0.rule].id) < ($1.range.low, knowledgeBase.rules[$1.rule].id)
      }
      return Family(question: group.question, bands: sorted)
    }
  }

  /// A band, and the question it bands, before families are known.
  private struct Candidate {
    let question: Int
    let band: Band
  }

  /// What makes a rule's band of `question` one of a family: the question, the rule's other
  /// tests (by key, as a set) and what it concludes.
  private static func key(of rule: Rule, question: Int) -> String {
    var parts: [Condition] = []
    conjuncts(rule.condition, into: &parts)
    var rest: [String] = []
    for part in parts {
      if case .answer(question, let test) = part, isRangeTest(test) { continue }
      rest.append(ConditionKey.of(part))
    }
    let targets = rule.conclusions.map(Self.target).sorted().joined(separator: ";")
    return "\(question)|\(Set(rest).sorted().joined(separator: ","))|\(targets)"
  }

  /// What a rule's conclusions act on, as a hash: the same for conclusions whose targets
  /// (below) are the same, in any order.
  private static func targetsHash(_ conclusions: [Conclusion]) -> UInt64 {
    var hashes = conclusions.map { conclusion -> UInt64 in
      switch conclusion {
      case .certainty(let finding, let value): ConditionKey.mix(ConditionKey.mix(1, UInt64(finding)), value < 0 ? 1 : 2)
      case .upstream(let contributor, let of): ConditionKey.mix(ConditionKey.mix(2, UInt64(contributor)), UInt64(of))
      case .addPoints(let score, _): ConditionKey.mix(3, UInt64(score))
      case .recommend(let recommendation): ConditionKey.mix(4, UInt64(recommendation))
      case .redFlag(let flag, _): ConditionKey.mix(5, UInt64(flag))
      }
    }
    hashes.sort()
    return hashes.reduce(9) { ConditionKey.mix($0, $1) }
  }

  /// Appends the parts of a condition joined by `and` at its top level to `parts`.
  private static func conjuncts(_ condition: Condition, into parts: inout [Condition]) {
    if case .all(let inner) = condition {
      for part in inner { conjuncts(part, into: &parts) }
    } else {
      parts.append(condition)
    }
  }

  private static func isRangeTest(_ test: AnswerTest) -> Bool {
    switch test {
    case .compare, .between, .equals(_, negated: false): true
    default: false
    }
  }

  /// What a conclusion acts on, without its amount: bands differ only in amounts.
  private static func target(_ conclusion: Conclusion) -> String {
    switch conclusion {
    case .certainty(let finding, let value): "f\(finding)\(value < 0 ? "-" : "+")"
    case .upstream(let contributor, let of): "u\(contributor)>\(of)"
    case .addPoints(let score, _): "s\(score)"
    case .recommend(let recommendation): "r\(recommendation)"
    case .redFlag(let flag, _): "x\(flag)"
    }
  }
}

/// The numbers a question's answer may take that satisfy some tests: an interval, whole
/// numbers only for questions without `decimals allowed`.
struct NumberRange: Sendable, Hashable {
  var low: Double
  var lowOpen = false
  var high: Double
  var highOpen = false
  let wholeNumbers: Bool

  init?(_ kind: Question.Kind) {
    guard let range = kind.numberRange else { return nil }
    low = range.lowerBound
    high = range.upperBound
    if case .number(_, _, _, let decimals) = kind { wholeNumbers = !decimals } else { wholeNumbers = true }
  }

  init(low: Double, lowOpen: Bool, high: Double, highOpen: Bool, wholeNumbers: Bool) {
    self.low = low
    self.lowOpen = lowOpen
    self.high = high
    self.highOpen = highOpen
    self.wholeNumbers = wholeNumbers
  }

  /// The range narrowed by a test that holds.
  func restricted(by test: AnswerTest) -> NumberRange {
    var copy = self
    switch test {
    case .compare(.greater, let bound): copy.raiseLow(bound, open: true)
    case .compare(.greaterOrEqual, let bound): copy.raiseLow(bound, open: false)
    case .compare(.less, let bound): copy.lowerHigh(bound, open: true)
    case .compare(.lessOrEqual, let bound): copy.lowerHigh(bound, open: false)
    case .between(let a, let b):
      copy.raiseLow(a, open: false)
      copy.lowerHigh(b, open: false)
    case .equals(let value, false):
      copy.raiseLow(value, open: false)
      copy.lowerHigh(value, open: false)
    default: break
    }
    return copy.normalised
  }

  private mutating func raiseLow(_ bound: Double, open: Bool) {
    if bound > low || (bound == low && open) {
      low = bound
      lowOpen = open
    }
  }

  private mutating func lowerHigh(_ bound: Double, open: Bool) {
    if bound < high || (bound == high && open) {
      high = bound
      highOpen = open
    }
  }

  /// For whole numbers, the closed range of the whole numbers inside.
  private var normalised: NumberRange {
    guard wholeNumbers else { return self }
    let first = lowOpen ? low.rounded(.down) + 1 : low.rounded(.up)
    let last = highOpen ? high.rounded(.up) - 1 : high.rounded(.down)
    return NumberRange(low: first, lowOpen: false, high: last, highOpen: false, wholeNumbers: true)
  }

  /// Whether no number satisfies the range.
  var isEmpty: Bool { low > high || (low == high && (lowOpen || highOpen)) }

  /// The numbers in both ranges.
  func intersection(_ other: NumberRange) -> NumberRange {
    var copy = self
    copy.raiseLow(other.low, open: other.lowOpen)
    copy.lowerHigh(other.high, open: other.highOpen)
    return copy
  }

  /// The numbers strictly after `self` and before `next` (`next` starting no lower), if any.
  func gap(before next: NumberRange) -> NumberRange? {
    let between: NumberRange
    if wholeNumbers {
      between = NumberRange(low: high + 1, lowOpen: false, high: next.low - 1, highOpen: false, wholeNumbers: true)
    } else {
      between = NumberRange(low: high, lowOpen: !highOpen, high: next.low, highOpen: !next.lowOpen, wholeNumbers: false)
    }
    return between.isEmpty ? nil : between
  }

  /// The range in words: `7`, `6 to 8`, `above 6 and below 8`, `6 to below 8`.
  var text: String {
    if low == high { return NumberText.plain(low) }
    switch (lowOpen, highOpen) {
    case (false, false): return "\(NumberText.plain(low)) to \(NumberText.plain(high))"
    case (true, true): return "above \(NumberText.plain(low)) and below \(NumberText.plain(high))"
    case (false, true): return "\(NumberText.plain(low)) to below \(NumberText.plain(high))"
    case (true, false): return "above \(NumberText.plain(low)) up to \(NumberText.plain(high))"
    }
  }
}
