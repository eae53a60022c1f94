// MARK: - Which questions can still change the result

/// A set of question indices, one bit per question.
///
/// The first 128 questions are held in two words of the value itself, so the sets the
/// questionnaire builds at every step (one per rule, finding and score) allocate nothing
/// for a knowledge base of that size; questions beyond go in an array of further words.
struct QuestionSet: Sendable, Hashable {
  /// Questions 0 to 63.
  private var low: UInt64 = 0
  /// Questions 64 to 127.
  private var high: UInt64 = 0
  /// Questions from 128 on, 64 to a word; trailing zero words are not significant.
  private var beyond: [UInt64] = []

  static let empty = QuestionSet()

  init() {}

  init(_ question: Int) { insert(question) }

  init<S: Sequence>(_ questions: S) where S.Element == Int {
    for question in questions { insert(question) }
  }

  var isEmpty: Bool {
    guard low == 0, high == 0 else { return false }
    for word in beyond where word != 0 { return false }
    return true
  }

  var count: Int {
    var count = low.nonzeroBitCount + high.nonzeroBitCount
    for word in beyond { count += word.nonzeroBitCount }
    return count
  }

  func contains(_ question: Int) -> Bool {
    let bit = UInt64(1) << UInt64(question & 63)
    switch question >> 6 {
    case 0: return low & bit != 0
    case 1: return high & bit != 0
    case let word: return word - 2 < beyond.count && beyond[word - 2] & bit != 0
    }
  }

  mutating func insert(_ question: Int) {
    let bit = UInt64(1) << UInt64(question & 63)
    switch question >> 6 {
    case 0: low |= bit
    case 1: high |= bit
    case let word:
      while beyond.count <= word - 2 { beyond.append(0) }
      beyond[word - 2] |= bit
    }
  }

  mutating func remove(_ question: Int) {
    let bit = UInt64(1) << UInt64(question & 63)
    switch question >> 6 {
    case 0: low &= ~bit
    case 1: high &= ~bit
    case let word: if word - 2 < beyond.count { beyond[word - 2] &= ~bit }
    }
  }

  mutating func formUnion(_ other: QuestionSet) {
    low |= other.low
    high |= other.high
    guard !other.beyond.isEmpty else { return }
    while beyond.count < other.beyond.count { beyond.append(0) }
    for index in other.beyond.indices { beyond[index] |= other.beyond[index] }
  }

  func union(_ other: QuestionSet) -> QuestionSet {
    var copy = self
    copy.formUnion(other)
    return copy
  }

  /// The questions in the set, in index order.
  var members: [Int] {
    var result: [Int] = []
    func add(_ word: UInt64, from first: Int) {
      var word = word
      while word != 0 {
        result.append(first + word.trailingZeroBitCount)
        word &= word - 1
      }
    }
    add(low, from: 0)
    add(high, from: 64)
    for (index, word) in beyond.enumerated() { add(word, from: 128 + index * 64) }
    return result
  }

  /// The words from question 128 on, without trailing zero words.
  private var significantBeyond: ArraySlice<UInt64> {
    var end = beyond.count
    while end > 0 && beyond[end - 1] == 0 { end -= 1 }
    return beyond[..<end]
  }

  static func == (lhs: QuestionSet, rhs: QuestionSet) -> Bool {
    lhs.low == rhs.low && lhs.high == rhs.high && lhs.significantBeyond.elementsEqual(rhs.significantBeyond)
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(low)
    hasher.combine(high)
    for word in significantBeyond { hasher.combine(word) }
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
  /// Whether finding tests are decided over each finding's sound range (``soundRange(_:)``)
  /// rather than only once its range is exact.
  private let usingSoundRanges: Bool
  /// For each finding, what the rules traced so far give it: contributions that can no
  /// longer change, and the largest of those that still can (each anywhere from 0 to it),
  /// for and against.
  private var fixedFor: [[Double]]
  private var fixedAgainst: [[Double]]
  private var looseFor: [[Double]]
  private var looseAgainst: [[Double]]

  private var knowledgeBase: KnowledgeBase { assessment.knowledgeBase }

  /// Traces the rules of an assessment; with `tracingRules` false, only conditions on
  /// answers (such as `ask when`) can be evaluated.
  ///
  /// With `usingSoundRanges`, a test on a finding is decided as soon as it has the same
  /// outcome over the finding's sound range (every certainty the open questions could
  /// still give it), which settles more than waiting for the range to be exact.
  init(_ assessment: Assessment, open: [Bool], tracingRules: Bool = true, usingSoundRanges: Bool = false) {
    self.assessment = assessment
    self.open = open
    self.usingSoundRanges = usingSoundRanges
    let kb = assessment.knowledgeBase
    fixedFor = Array(repeating: [], count: kb.findings.count)
    fixedAgainst = fixedFor
    looseFor = fixedFor
    looseAgainst = fixedFor
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
      case .certainty(let finding, let certainty):
        if usingSoundRanges { record(certainty, of: ruleOutcomes.count - 1, for: finding, outcome, dependence) }
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

  /// Records what one rule gives a finding, for its sound range.
  private mutating func record(_ certainty: Double, of rule: Int, for finding: Int, _ outcome: Truth, _ dependence: Dependence) {
    if dependence.value.isEmpty {
      // Fired for good with a premise that cannot change, or never to fire.
      guard outcome.isHolding else { return }
      let given = assessment.findings[finding].evidence.first { $0.rule == rule }?.certainty ?? 0
      if given > 0 { fixedFor[finding].append(given) } else if given < 0 { fixedAgainst[finding].append(-given) }
    } else if certainty > 0 {
      looseFor[finding].append(certainty)
    } else if certainty < 0 {
      looseAgainst[finding].append(-certainty)
    }
  }

  /// Every certainty a finding could still reach, whatever the open questions are
  /// answered: rules that fired for good give what they gave, and every rule that could
  /// still fire, stop firing or change its premise anything from nothing to its full
  /// certainty. Sound once the rules concluding the finding have been traced, in a
  /// relevance made `usingSoundRanges` (only that one records what each rule gives).
  func soundRange(_ finding: Int) -> ClosedRange<Double> {
    let certainty = assessment.findings[finding].certainty
    if findingDependence[finding].isEmpty || (looseFor[finding].isEmpty && looseAgainst[finding].isEmpty) {
      return certainty...certainty
    }
    let supportLow = Certainty.combinePositive(fixedFor[finding])
    let supportHigh = Certainty.combinePositive(fixedFor[finding] + looseFor[finding])
    let againstLow = Certainty.combinePositive(fixedAgainst[finding])
    let againstHigh = Certainty.combinePositive(fixedAgainst[finding] + looseAgainst[finding])
    let low = min(certainty, Certainty.combine(supportLow, againstHigh))
    let high = max(certainty, Certainty.combine(supportHigh, againstLow))
    return low...high
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
      if usingSoundRanges {
        let range = soundRange(finding)
        if op.holds(range.lowerBound, bound) == op.holds(range.upperBound, bound) {
          // The same outcome for every certainty the finding can still reach.
          let carries = outcome.isHolding && (op == .greater || op == .greaterOrEqual)
          return (outcome, Dependence(truth: .empty, value: carries ? dependence : .empty))
        }
      }
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
  /// how declared conflicts between recommendations are settled, which dose and
  /// instructions variant each recommendation that could be called for gets, and whether a
  /// `not for` of it holds (and which one, for its reason).
  mutating func resultDependence() -> QuestionSet {
    var result = QuestionSet()
    for dependence in ruleDependence { result.formUnion(dependence.value) }
    for score in knowledgeBase.scores.indices where !knowledgeBase.scores[score].strata.isEmpty {
      result.formUnion(stratumDependence(score))
    }
    result.formUnion(conflictDependence())
    let couldBeCalledFor = recommendationsThatCouldBeCalledFor()
    for (index, recommendation) in knowledgeBase.recommendations.enumerated() where couldBeCalledFor[index] {
      result.formUnion(variantDependence(recommendation.doseVariants))
      result.formUnion(variantDependence(recommendation.instructionVariants))
      result.formUnion(notForDependence(recommendation.notFor))
    }
    result.formUnion(safetyNettingDependence())
    return result
  }

  /// What decides which safety-netting signs are shown: the open questions of each
  /// sign's condition (the tree carries them, so they are part of the result).
  private mutating func safetyNettingDependence() -> QuestionSet {
    var dependence = QuestionSet()
    for sign in knowledgeBase.header.safetyNettingItems.flatMap(\.signs) {
      guard let condition = sign.condition else { continue }
      dependence.formUnion(evaluate(condition).1.truth)
    }
    return dependence
  }

  /// Whether a finding is present, or could still become present.
  func couldBePresent(_ finding: Int) -> Bool {
    let result = assessment.findings[finding]
    if !findingRangeExact[finding] { return true }
    return result.highest > Condition.defaultThreshold
  }

  /// For each recommendation, whether some rule that calls for it holds or could still
  /// hold (one pass over the rules).
  func recommendationsThatCouldBeCalledFor() -> [Bool] {
    let rules = knowledgeBase.rules
    var result = [Bool](repeating: false, count: knowledgeBase.recommendations.count)
    for index in rules.indices where ruleOutcomes[index].isHolding || !ruleDependence[index].truth.isEmpty {
      for case .recommend(let recommendation) in rules[index].conclusions { result[recommendation] = true }
    }
    return result
  }

  /// What the settling of declared conflicts depends on, for conflicts whose two
  /// recommendations could both be called for.
  private mutating func conflictDependence() -> QuestionSet {
    var result = QuestionSet()
    let couldBeCalledFor = recommendationsThatCouldBeCalledFor()
    for (index, recommendation) in knowledgeBase.recommendations.enumerated() {
      for conflict in recommendation.conflicts where couldBeCalledFor[index] && couldBeCalledFor[conflict.other] {
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

// MARK: - Which questions can still change what the person is shown

extension Relevance {
  /// The open questions the advice shown depends on: what the patient's report (the
  /// `patient` audience) prints and the red flags raised.
  ///
  /// That is, conservatively:
  /// - every rule that raises a red flag, with the certainty of its premise (the flags,
  ///   their urgency, what is withheld and the reasons a flag gives);
  /// - whether each recommendation is called for, how declared conflicts are settled and
  ///   which dose and instruction variant it gets; its strength only where it decides an
  ///   order (another recommendation that could be called for shares a finding that could
  ///   be present with it, both could end up under no finding, or a conflict between
  ///   them is settled by strength);
  /// - each finding that could be present, unless its reachable range already settles
  ///   everything shown about it: whether it is present, whether it is "less likely",
  ///   its certainty in words, and its rank among the findings it could stand beside
  ///   (no overlap between their ranges);
  /// - which upstream links fire between findings that could be present, and the first
  ///   reason a person is given for a contributor;
  /// - each score's stratum, and whether the score counts as filled in.
  ///
  /// A finding's certainty as a number, a score's total and the rules behind findings
  /// no report shows can still be open: the clinician's tree then gives the certainty
  /// the answers given support, and a score as incomplete with its range.
  mutating func shownResultDependence() -> QuestionSet {
    let kb = knowledgeBase
    var result = QuestionSet()
    let ranges = kb.findings.indices.map(soundRange)
    func couldBePresent(_ finding: Int) -> Bool { ranges[finding].upperBound > Condition.defaultThreshold }
    func surelyPresent(_ finding: Int) -> Bool { ranges[finding].lowerBound > Condition.defaultThreshold }

    // Red flags, and what each rule concludes about findings and links.
    var concludingRules = [[Int]](repeating: [], count: kb.findings.count)
    var recommendingRules = [[Int]](repeating: [], count: kb.recommendations.count)
    var possibleLinks: [(rule: Int, contributor: Int, finding: Int)] = []
    for (index, rule) in kb.rules.enumerated() {
      for conclusion in rule.conclusions {
        switch conclusion {
        case .redFlag(let flag, _):
          // Which flags are raised, and how urgent, is whether their rules hold; the
          // answers behind a flag are shown only when it has no explanation in words.
          let dependence = ruleDependence[index]
          result.formUnion(kb.redFlags[flag].explanation == nil ? dependence.value : dependence.truth)
        case .certainty(let finding, let certainty) where certainty > 0: concludingRules[finding].append(index)
        case .upstream(let contributor, let finding): possibleLinks.append((index, contributor, finding))
        case .recommend(let recommendation): recommendingRules[recommendation].append(index)
        case .certainty, .addPoints: break
        }
      }
    }
    // Under a flag that needs a doctor now or today, raised for good, the patient's report
    // is the red flags alone (`RecommendationTree.sections(for:)`): nothing else can change it.
    let holdsBackAllSelfCare = assessment.redFlags.contains { raised in
      raised.urgency.withholdsSelfCare && raised.rules.contains { ruleDependence[$0].truth.isEmpty && ruleOutcomes[$0].isHolding }
    }
    if holdsBackAllSelfCare { return result }
    for link in possibleLinks where couldBePresent(link.contributor) && couldBePresent(link.finding) {
      result.formUnion(ruleDependence[link.rule].truth)
    }

    // Recommendations: called for or not, settled conflicts, variants, and strength where
    // it orders them.
    let couldBeCalledFor = recommendationsThatCouldBeCalledFor()
    let candidates = kb.recommendations.indices.filter { couldBeCalledFor[$0] }
    func couldBeUnplaced(_ recommendation: Int) -> Bool { !kb.recommendations[recommendation].addresses.contains(where: surelyPresent) }
    func competes(_ first: Int, _ second: Int) -> Bool {
      let one = kb.recommendations[first]
      let other = kb.recommendations[second]
      if one.addresses.contains(where: { couldBePresent($0) && other.addresses.contains($0) }) { return true }
      if couldBeUnplaced(first) && couldBeUnplaced(second) { return true }
      let byStrength = { (declaring: Recommendation, against: Int) in
        declaring.conflicts.contains { $0.other == against && $0.otherwise == .stronger }
      }
      return byStrength(one, second) || byStrength(other, first)
    }
    for recommendation in candidates {
      let ordered = candidates.contains { $0 != recommendation && competes(recommendation, $0) }
      for rule in recommendingRules[recommendation] {
        result.formUnion(ordered ? ruleDependence[rule].value : ruleDependence[rule].truth)
      }
      let declared = kb.recommendations[recommendation]
      result.formUnion(variantDependence(declared.doseVariants))
      result.formUnion(variantDependence(declared.instructionVariants))
      result.formUnion(notForDependence(declared.notFor))
    }
    result.formUnion(conflictDependence())
    // The safety-netting signs shown with the plan: each fits the person by its condition.
    result.formUnion(safetyNettingDependence())

    // Findings: presence, "less likely", certainty in words, rank among neighbours.
    var neighbours = [Set<Int>](repeating: [], count: kb.findings.count)
    let complaints = kb.findings.indices.filter { kb.findings[$0].kind == .complaint }
    for complaint in complaints { neighbours[complaint] = Set(complaints.filter { $0 != complaint }) }
    var upstreamOf = [Set<Int>](repeating: [], count: kb.findings.count)
    for link in possibleLinks { upstreamOf[link.finding].insert(link.contributor) }
    for contributors in upstreamOf {
      for contributor in contributors { neighbours[contributor].formUnion(contributors.subtracting([contributor])) }
    }
    let lessLikelyBelow = kb.header.lessLikelyBelow
    for finding in kb.findings.indices where couldBePresent(finding) && !findingDependence[finding].isEmpty {
      let range = ranges[finding]
      let presenceSettled = surelyPresent(finding) || !couldBePresent(finding)
      let lessLikelySettled =
        kb.findings[finding].kind != .contributor || range.lowerBound >= lessLikelyBelow || range.upperBound < lessLikelyBelow
      let wordsSettled = Certainty.words(range.lowerBound) == Certainty.words(range.upperBound)
      let rankSettled = neighbours[finding].allSatisfy { other in
        !couldBePresent(other) || ranges[other].upperBound < range.lowerBound || range.upperBound < ranges[other].lowerBound
      }
      if !(presenceSettled && lessLikelySettled && wordsSettled && rankSettled) {
        result.formUnion(findingDependence[finding])
      }
    }

    // The first reason a person reads for a contributor: the first rule for it that
    // fires, among the rules that also link it to the complaint, else among all.
    for finding in kb.findings.indices where kb.findings[finding].kind == .contributor && couldBePresent(finding) {
      let complaintsBelow = possibleLinks.filter { $0.contributor == finding && kb.findings[$0.finding].kind == .complaint }
      guard !complaintsBelow.isEmpty else { continue }
      let rules = concludingRules[finding]
      var decided = true
      for complaint in Set(complaintsBelow.map(\.finding)) {
        let linking = Set(complaintsBelow.filter { $0.finding == complaint }.map(\.rule))
        decided = firstFiringDependence(rules.filter(linking.contains), into: &result) && decided
      }
      if !decided { _ = firstFiringDependence(rules, into: &result) }
    }

    // Scores: the stratum, and whether the score is filled in.
    for score in kb.scores.indices {
      if !kb.scores[score].strata.isEmpty { result.formUnion(stratumDependence(score)) }
      if !filledInForGood(score) {
        result.formUnion(scoreDependence[score])
        result.formUnion(QuestionSet(knowledgeBase.scoreItemsRead[score].filter { open[$0] }))
      }
    }
    return result
  }

  /// What the choice of a variant depends on: the conditions up to the first that holds
  /// for good.
  private mutating func variantDependence(_ variants: [Recommendation.Variant]) -> QuestionSet {
    firstHoldingDependence(variants.map(\.condition))
  }

  /// What decides whether a recommendation is not for the person, and by which `not for`
  /// (its reason is shown): the conditions up to the first that holds for good. A holding
  /// `not for` withholds the recommendation and takes it out of its conflicts, and every
  /// report lists the answers that made it hold, so the open questions it reads count too.
  private mutating func notForDependence(_ notFor: [Recommendation.NotFor]) -> QuestionSet {
    guard !notFor.isEmpty else { return QuestionSet() }
    var dependence = QuestionSet()
    for entry in notFor {
      let (outcome, part) = evaluate(entry.condition)
      dependence.formUnion(part.truth)
      if outcome.isHolding {
        for question in entry.condition.questionsRead where open[question] { dependence.insert(question) }
        if part.truth.isEmpty { break }
      }
    }
    return dependence
  }

  /// What decides the first of some conditions to hold: each up to the first that holds
  /// for good (no open question could change it).
  private mutating func firstHoldingDependence(_ conditions: [Condition]) -> QuestionSet {
    var dependence = QuestionSet()
    for condition in conditions {
      let (outcome, part) = evaluate(condition)
      dependence.formUnion(part.truth)
      if outcome.isHolding && part.truth.isEmpty { break }
    }
    return dependence
  }

  /// Adds what decides the first of some rules (in evaluation order) to fire: the rules up
  /// to the first that has fired for good. Returns whether one has.
  private func firstFiringDependence(_ rules: [Int], into result: inout QuestionSet) -> Bool {
    for rule in rules.sorted() {
      let dependence = ruleDependence[rule].truth
      result.formUnion(dependence)
      if ruleOutcomes[rule].isHolding && dependence.isEmpty { return true }
    }
    return false
  }

  /// Whether a score is filled in whatever the open questions are answered: one of its
  /// own items is answered, or a rule added points to it for good.
  private func filledInForGood(_ score: Int) -> Bool {
    let answered = knowledgeBase.scoreItemsRead[score].contains { assessment.answers[knowledgeBase.questions[$0].id] != nil }
    return answered || assessment.scores[score].contributions.contains { ruleDependence[$0.rule].truth.isEmpty }
  }
}
