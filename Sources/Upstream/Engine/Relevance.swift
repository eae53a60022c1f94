// MARK: - Which questions can still change the result

/// A set of question indices, one bit per question.
struct QuestionSet: Sendable, Hashable {
  private var words: [UInt64] = []

  static let empty = QuestionSet()

  init() {}

  init(_ question: Int) { insert(question) }

  init<S: Sequence>(_ questions: S) where S.Element == Int {
    for question in questions { insert(question) }
  }

  var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  func contains(_ question: Int) -> Bool {
    let word = question >> 6
    return word < words.count && words[word] & (UInt64(1) << UInt64(question & 63)) != 0
  }

  mutating func insert(_ question: Int) {
    let word = question >> 6
    while words.count <= word { words.append(0) }
    words[word] |= UInt64(1) << UInt64(question & 63)
  }

  mutating func remove(_ question: Int) {
    let word = question >> 6
    if word < words.count { words[word] &= ~(UInt64(1) << UInt64(question & 63)) }
  }

  mutating func formUnion(_ other: QuestionSet) {
    while words.count < other.words.count { words.append(0) }
    for (index, word) in other.words.enumerated() { words[index] |= word }
  }

  func union(_ other: QuestionSet) -> QuestionSet {
    var copy = self
    copy.formUnion(other)
    return copy
  }

  /// The questions in the set, in index order.
  var members: [Int] {
    var result: [Int] = []
    for (index, word) in words.enumerated() where word != 0 {
      for bit in 0..<64 where word & (UInt64(1) << UInt64(bit)) != 0 { result.append(index * 64 + bit) }
    }
    return result
  }
}

/// Which of the questions still open could change what an assessment concludes, worked
/// out from the compiled rule network and the assessment of the answers so far, as MYCIN
/// asked only what its goals needed.
///
/// A condition *depends on* an open question when answering it could change the
/// condition's outcome: whether it holds, and the certainty it holds with. Dependence is
/// traced through the rules in evaluation order. An answer test depends on its question
/// while that is unanswered and open. A finding depends on every question the rules that
/// conclude it depend on, and a score on every question its rules depend on. A test
/// decided for every value the finding or score can still reach depends on nothing, and
/// neither does `A and B` when one part has failed for good, nor `A or B` when one part
/// holds for good with certainty 1.
///
/// Dependence is conservative: a condition that depends on nothing keeps its outcome
/// whatever the open questions are answered, so once the result depends on no open
/// question, answering the rest cannot change it.
struct Relevance {
  /// What a condition's outcome depends on.
  struct Dependence: Sendable, Hashable {
    /// Questions that could change whether it holds.
    var truth: QuestionSet
    /// Questions that could change whether it holds or the certainty it holds with.
    var value: QuestionSet

    static let none = Dependence(truth: .empty, value: .empty)

    static func both(_ questions: QuestionSet) -> Dependence { Dependence(truth: questions, value: questions) }
  }

  let assessment: Assessment
  /// For each question: unanswered, not skipped, and askable (its `ask when` holds, or
  /// could still come to hold).
  let open: [Bool]

  /// Each rule's outcome and dependence, in evaluation order.
  private(set) var ruleOutcomes: [Truth] = []
  private(set) var ruleDependence: [Dependence] = []
  /// For each finding, the questions its certainty depends on.
  private(set) var findingDependence: [QuestionSet]
  /// Whether a finding's reachable range is exact: every rule that fired or failed for it
  /// did so for good, so only its undecided rules can still move it.
  private var findingRangeExact: [Bool]
  /// For each score, the questions its total depends on.
  private(set) var scoreDependence: [QuestionSet]
  private var scoreRangeExact: [Bool]
  private var strataDependence: [QuestionSet?]

  private var knowledgeBase: KnowledgeBase { assessment.knowledgeBase }

  /// Traces the rules of an assessment; with `tracingRules` false, only conditions on
  /// answers (such as `ask when`) can be evaluated.
  init(_ assessment: Assessment, open: [Bool], tracingRules: Bool = true) {
    self.assessment = assessment
    self.open = open
    let kb = assessment.knowledgeBase
    findingDependence = Array(repeating: .empty, count: kb.findings.count)
    findingRangeExact = Array(repeating: true, count: kb.findings.count)
    scoreDependence = Array(repeating: .empty, count: kb.scores.count)
    scoreRangeExact = Array(repeating: true, count: kb.scores.count)
    strataDependence = Array(repeating: nil, count: kb.scores.count)
    guard tracingRules else { return }
    ruleOutcomes.reserveCapacity(kb.rules.count)
    ruleDependence.reserveCapacity(kb.rules.count)
    for rule in kb.rules { trace(rule) }
  }

  // MARK: Rules

  /// Records one rule's outcome and what its findings and scores now depend on.
  private mutating func trace(_ rule: Rule) {
    let (outcome, dependence) = evaluate(rule.condition)
    ruleOutcomes.append(outcome)
    ruleDependence.append(dependence)
    for conclusion in rule.conclusions {
      switch conclusion {
      case .certainty(let finding, _):
        switch outcome {
        case .holds:
          // The rule's premise is part of the certainty it gives.
          findingDependence[finding].formUnion(dependence.value)
          if !dependence.value.isEmpty { findingRangeExact[finding] = false }
        case .fails:
          findingDependence[finding].formUnion(dependence.truth)
          if !dependence.truth.isEmpty { findingRangeExact[finding] = false }
        case .unknown:
          // Counted in the finding's reachable range at full strength already.
          findingDependence[finding].formUnion(dependence.value)
        }
      case .addPoints(let score, _):
        scoreDependence[score].formUnion(dependence.truth)
        if outcome != .unknown && !dependence.truth.isEmpty { scoreRangeExact[score] = false }
      default: break
      }
    }
  }

  // MARK: Conditions

  /// A condition's outcome on the answers so far, and what could still change it.
  mutating func evaluate(_ condition: Condition) -> (Truth, Dependence) {
    let (outcome, dependence) = evaluateParts(condition)
    // An outcome that will never hold carries no certainty to depend on.
    if dependence.truth.isEmpty && !outcome.isHolding { return (outcome, .none) }
    return (outcome, dependence)
  }

  private mutating func evaluateParts(_ condition: Condition) -> (Truth, Dependence) {
    switch condition {
    case .answer(let question, let test):
      let outcome = ConditionMatcher.match(test, assessment.sheet.slots[question])
      if outcome == .unknown && open[question] { return (outcome, .both(QuestionSet(question))) }
      return (outcome, .none)
    case .finding(let finding, let op, let bound):
      let outcome = ConditionMatcher.match(assessment.findings[finding], op, bound)
      let dependence = findingDependence[finding]
      if dependence.isEmpty { return (outcome, .none) }
      if outcome != .unknown && findingRangeExact[finding] {
        // Decided for every certainty the finding can still reach; a test that it is
        // present still carries its certainty.
        let carries = outcome.isHolding && (op == .greater || op == .greaterOrEqual)
        return (outcome, Dependence(truth: .empty, value: carries ? dependence : .empty))
      }
      return (outcome, .both(dependence))
    case .score(let score, let test):
      let result = assessment.scores[score]
      let outcome = ConditionMatcher.match(
        test, low: result.lowestThousandths, high: result.highestThousandths,
        stratum: (result.stratum, result.stratumDecided))
      if case .stratum = test { return (outcome, .both(stratumDependence(score))) }
      let decided = outcome != .unknown && scoreRangeExact[score]
      return (outcome, decided ? .none : .both(scoreDependence[score]))
    case .all(let parts):
      let outcomes = parts.map { evaluate($0) }
      let outcome = Truth.all(outcomes.map(\.0))
      if outcomes.contains(where: { $0.0 == .fails && $0.1.truth.isEmpty }) { return (outcome, .none) }
      return (outcome, union(outcomes))
    case .any(let parts):
      let outcomes = parts.map { evaluate($0) }
      let outcome = Truth.any(outcomes.map(\.0))
      if outcomes.contains(where: { $0.0 == .holds(1) && $0.1.value.isEmpty }) { return (outcome, .none) }
      let all = union(outcomes)
      if outcomes.contains(where: { $0.0.isHolding && $0.1.truth.isEmpty }) {
        return (outcome, Dependence(truth: .empty, value: all.value))
      }
      return (outcome, all)
    case .not(let inner):
      let (outcome, dependence) = evaluate(inner)
      return (outcome.negated, .both(dependence.truth))
    case .atLeast(let count, let parts):
      let outcomes = parts.map { evaluate($0) }
      let outcome = Truth.atLeast(count, outcomes.map(\.0))
      let stillPossible = outcomes.filter { !($0.0 == .fails && $0.1.truth.isEmpty) }.count
      if stillPossible < count { return (outcome, .none) }
      if outcomes.filter({ $0.0 == .holds(1) && $0.1.value.isEmpty }).count >= count { return (outcome, .none) }
      let all = union(outcomes)
      if outcomes.filter({ $0.0.isHolding && $0.1.truth.isEmpty }).count >= count {
        return (outcome, Dependence(truth: .empty, value: all.value))
      }
      return (outcome, all)
    }
  }

  private func union(_ outcomes: [(Truth, Dependence)]) -> Dependence {
    var result = Dependence.none
    for (_, dependence) in outcomes {
      result.truth.formUnion(dependence.truth)
      result.value.formUnion(dependence.value)
    }
    return result
  }

  /// What a score's stratum depends on: the strata conditions up to the first one that
  /// decides it for good.
  private mutating func stratumDependence(_ score: Int) -> QuestionSet {
    if let known = strataDependence[score] { return known }
    var dependence = QuestionSet()
    for stratum in knowledgeBase.scores[score].strata {
      let (outcome, part) = evaluate(stratum.condition)
      dependence.formUnion(part.truth)
      if outcome != .fails && part.truth.isEmpty { break }
    }
    strataDependence[score] = dependence
    return dependence
  }

  // MARK: The result

  /// The open questions the assessment depends on: every rule's outcome and premise (and
  /// so every finding, link, red flag, recommendation and score), each score's stratum,
  /// and how declared conflicts between recommendations are settled.
  mutating func resultDependence() -> QuestionSet {
    var result = QuestionSet()
    for dependence in ruleDependence { result.formUnion(dependence.value) }
    for score in knowledgeBase.scores.indices where !knowledgeBase.scores[score].strata.isEmpty {
      result.formUnion(stratumDependence(score))
    }
    result.formUnion(conflictDependence())
    return result
  }

  /// Whether a finding is present, or could still become present.
  func couldBePresent(_ finding: Int) -> Bool {
    let result = assessment.findings[finding]
    if !findingRangeExact[finding] { return true }
    return result.highest > Condition.defaultThreshold
  }

  /// Whether some rule that calls for a recommendation holds or could still hold.
  func couldBeCalledFor(_ recommendation: Int) -> Bool {
    knowledgeBase.rules.indices.contains { index in
      knowledgeBase.rules[index].conclusions.contains(.recommend(recommendation))
        && (ruleOutcomes[index].isHolding || !ruleDependence[index].truth.isEmpty)
    }
  }

  /// What the settling of declared conflicts depends on, for conflicts whose two
  /// recommendations could both be called for.
  private mutating func conflictDependence() -> QuestionSet {
    var result = QuestionSet()
    for (index, recommendation) in knowledgeBase.recommendations.enumerated() {
      for conflict in recommendation.conflicts where couldBeCalledFor(index) && couldBeCalledFor(conflict.other) {
        for preference in conflict.preferences { result.formUnion(evaluate(preference.when).1.truth) }
      }
    }
    return result
  }

  /// Whether a question could change a finding's certainty.
  func bears(_ question: Int, onFinding finding: Int) -> Bool { findingDependence[finding].contains(question) }

  /// Whether a question could change a score's total or stratum.
  mutating func bears(_ question: Int, onScore score: Int) -> Bool {
    scoreDependence[score].contains(question) || stratumDependence(score).contains(question)
  }
}
