// MARK: - The same evidence counted twice

/// Two rules that conclude the same finding from overlapping evidence count that evidence
/// twice.
///
/// Triggers (as a warning) for two rules that conclude the same finding with certainties of
/// the same sign, can fire together, and either
/// - one's condition implies the other's (whenever the narrower rule fires, the broader one
///   fires too), such as `stiff_standing_up and sitting_hours > 6` and
///   `stiff_standing_up or back_worse_after_sitting`; or
/// - both require the same test of the same answer (`stiff_standing_up` in each).
///
/// Rules that place the finding upstream of different things (`collapsed_arches upstream of
/// hip_pain` in one, `… upstream of knee_pain` in the other) are separate chains, as the
/// shipped rules write one rule per complaint a contributor explains: they do not trigger.
///
/// Nor does a narrower rule with a smaller certainty than the broader one: the broader rule
/// already gives more whenever the narrower fires, so the narrower can only be meant as an
/// increment for its extra sign (knees drifting in on top of knee pain on stairs).
///
/// Certainties combine (`1 − (1 − a)(1 − b)`), so 0.6 and 0.5 give 0.80: the warning names
/// both rules and the certainty they give together. When the narrower rule is the stronger
/// one, the fix sets its certainty to what it must add to the broader rule's to give its own
/// value. Does not trigger for rules that cannot fire together, for rules whose only shared
/// tests are on findings (such as the complaint both explain), for certainties of opposite
/// signs, or for rules with the same condition (`UP0208` reports those).
struct DoubleCountingCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.doubleCounting

  let triggeringExamples = [
    """
    question stiff: yes/no
      ask "Stiff when you stand up?"
    question worse: yes/no
      ask "Worse after sitting?"
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor tight
      name "Tight hip flexors"
    rule broad
      when stiff or worse
      then tight certainty 0.5
      because "b"
      source s
    rule narrow
      when stiff and hours > 6
      then tight certainty 0.6
      because "b"
      source s
    """,
    """
    question stiff: yes/no
      ask "Stiff when you stand up?"
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    question age: number
      ask "Age?"
      range 16 to 110
    contributor tight
      name "Tight hip flexors"
    rule sitters
      when stiff and hours > 6
      then tight certainty 0.4
      because "b"
      source s
    rule older
      when stiff and age > 60
      then tight certainty 0.4
      because "b"
      source s
    """,
  ]

  let nonTriggeringExamples = [
    """
    question stiff: yes/no
      ask "Stiff when you stand up?"
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor tight
      name "Tight hip flexors"
    contributor sitting
      name "Long sitting"
    rule stiffness
      when stiff
      then tight certainty 0.5
      because "b"
      source s
    rule long-sitting
      when stiff and hours > 6
      then sitting certainty 0.6
      because "b"
      source s
    """,
    """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    question stiff: yes/no
      ask "Stiff when you stand up?"
    contributor tight
      name "Tight hip flexors"
    rule some-sitting
      when stiff and hours < 6
      then tight certainty 0.3
      because "b"
      source s
    rule much-sitting
      when stiff and hours >= 6
      then tight certainty 0.6
      because "b"
      source s
    """,
  ]

  /// A finding concluded by more rules than this is not compared pair by pair: the work
  /// grows with the square of the rules, and only a generated knowledge base has so many
  /// (a clinician's concludes a finding in a handful).
  static let maximumRulesCompared = 64

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let kb = draft.knowledgeBase
    let analysis = ConditionAnalysis(questions: kb.questions, scores: kb.scores)
    var conditions = [RuleCondition?](repeating: nil, count: kb.rules.count)
    var answerTests: [Int: [String: Int]] = [:]
    var diagnostics: [Diagnostic] = []
    let hashes = draft.conditionHashes
    let rank = draft.ruleIDRank
    for (finding, rules) in kb.rulesConcludingFinding.enumerated() where rules.count > 1 && rules.count <= Self.maximumRulesCompared {
      // Each pair once, in id order, so the report does not depend on the order of files.
      let sorted = rules.sorted { rank[$0] < rank[$1] }
      for rule in sorted where conditions[rule] == nil { conditions[rule] = RuleCondition(kb.rules[rule].condition, hash: hashes[rule]) }
      for (position, first) in sorted.enumerated() {
        for second in sorted[(position + 1)...] {
          guard let a = conditions[first], let b = conditions[second], a.mayOverlap(b) else { continue }
          if let diagnostic = overlap(first, second, finding: finding, draft, analysis, a, b, answerTests: &answerTests) {
            diagnostics.append(diagnostic)
          }
        }
      }
    }
    return diagnostics
  }

  // MARK: One pair

  private func overlap(
    _ first: Int, _ second: Int, finding: Int, _ draft: DraftKnowledgeBase, _ analysis: ConditionAnalysis, _ keyedA: RuleCondition,
    _ keyedB: RuleCondition, answerTests: inout [Int: [String: Int]]
  ) -> Diagnostic? {
    let kb = draft.knowledgeBase
    guard let a = certainty(of: finding, in: kb.rules[first]), let b = certainty(of: finding, in: kb.rules[second]),
      a != 0, (a > 0) == (b > 0)
    else { return nil }
    let conditionA = kb.rules[first].condition
    let conditionB = kb.rules[second].condition
    // The same condition (the same hash, then the same key) is the duplicate-condition check's.
    let sameCondition = keyedA.hash == keyedB.hash && ConditionKey.of(conditionA) == ConditionKey.of(conditionB)
    guard !sameCondition, analysis.canHoldAll([conditionA, conditionB]) else { return nil }
    // Rules that place the finding upstream of different things are separate chains (flat
    // arches behind hip pain, and behind knee pain): the finding explaining more is news.
    let linksA = links(of: finding, in: kb.rules[first])
    let linksB = links(of: finding, in: kb.rules[second])
    guard linksA.isEmpty || linksB.isEmpty || !linksA.isDisjoint(with: linksB) else { return nil }
    // Which rule is the narrower, if either: its condition implies the other's.
    let implication = Implication(analysis: analysis)
    let narrower: (rule: Int, other: Int)?
    if implication.implies(conditionA, conditionB) {
      narrower = (first, second)
    } else if implication.implies(conditionB, conditionA) {
      narrower = (second, first)
    } else {
      narrower = nil
    }
    // A narrower rule weaker than the broader one can only be meant as an increment (the
    // broader rule already gives more whenever it fires): extra evidence, not the same twice.
    if let narrower, abs(certainty(of: finding, in: kb.rules[narrower.rule]) ?? 0) < abs(certainty(of: finding, in: kb.rules[narrower.other]) ?? 0) {
      return nil
    }
    // The tests each rule needs are worked out for the rules that get this far, once each.
    let testsA = answerTests[first] ?? RuleCondition.requiredAnswerTests(conditionA)
    let testsB = answerTests[second] ?? RuleCondition.requiredAnswerTests(conditionB)
    answerTests[first] = testsA
    answerTests[second] = testsB
    let sharedAnswers = Set(testsA.keys).intersection(testsB.keys)
    guard narrower != nil || !sharedAnswers.isEmpty else { return nil }

    let combined = a > 0 ? Certainty.combine(for: [a, b], against: []) : Certainty.combine(for: [], against: [-a, -b])
    let findingID = kb.findings[finding].id
    // The warning sits on the rule declared later; the note points at the other.
    let (later, earlier) = draft.ruleRanges[first] < draft.ruleRanges[second] ? (second, first) : (first, second)
    let ruleA = kb.rules[first].id
    let ruleB = kb.rules[second].id
    let how: String
    if let narrower {
      how = "whenever '\(kb.rules[narrower.rule].id)' fires, '\(kb.rules[narrower.other].id)' fires too (its condition includes the other's)"
    } else {
      let questions = sharedAnswers.compactMap { testsA[$0] }.map { "'\(kb.questions[$0].id)'" }
      how = "both need the same answer to \(Set(questions).sorted().joined(separator: ", "))"
    }
    let message =
      "rules '\(ruleA)' and '\(ruleB)' both conclude '\(findingID)' from overlapping evidence: \(how), so that evidence is counted twice "
      + "and together they give \(Certainty.number(combined)), not \(Certainty.number(a)) or \(Certainty.number(b)); "
      + "conclude it in one rule, or make the conditions exclude each other"
    return .warning(
      code, message, at: draft.ruleConditions[later].range,
      notes: [
        .init(
          "rule '\(kb.rules[earlier].id)' concludes '\(findingID)' certainty \(NumberText.plain(certainty(of: finding, in: kb.rules[earlier]) ?? 0)) here",
          at: draft.ruleConditions[earlier].range)
      ],
      fix: narrower.flatMap { fix(narrower: $0.rule, broader: $0.other, finding: finding, draft) })
  }

  /// Sets the narrower rule's certainty to what it must add to the broader rule's so that
  /// together they give the narrower rule's own value, when it is the stronger of the two.
  private func fix(narrower: Int, broader: Int, finding: Int, _ draft: DraftKnowledgeBase) -> Diagnostic.FixSuggestion? {
    let kb = draft.knowledgeBase
    guard let wanted = certainty(of: finding, in: kb.rules[narrower]), let given = certainty(of: finding, in: kb.rules[broader]),
      abs(wanted) > abs(given), abs(given) < 1
    else { return nil }
    let added = ((abs(wanted) - abs(given)) / (1 - abs(given)) * 100).rounded() / 100
    guard added > 0 else { return nil }
    let findingID = kb.findings[finding].id
    for case .certainty(let name, let value) in draft.ruleConclusions[narrower] where name.text == findingID {
      let replacement = NumberText.plain(wanted < 0 ? -added : added)
      return Diagnostic.FixSuggestion(
        message:
          "write certainty \(replacement) in rule '\(kb.rules[narrower].id)', so that with rule '\(kb.rules[broader].id)' (\(NumberText.plain(given))) "
          + "the two give about \(NumberText.plain(wanted))",
        replacement: replacement, range: value.range)
    }
    return nil
  }

  // MARK: Parts of conditions

  private func certainty(of finding: Int, in rule: Rule) -> Double? {
    for case .certainty(finding, let value) in rule.conclusions { return value }
    return nil
  }

  /// What a rule places the finding upstream of.
  private func links(of finding: Int, in rule: Rule) -> Set<Int> {
    var targets = Set<Int>()
    for case .upstream(finding, let target) in rule.conclusions { targets.insert(target) }
    return targets
  }
}

// MARK: - A rule's condition, worked out once

/// What the pair-by-pair comparison needs of one rule's condition, worked out once per
/// rule rather than once per pair: its hash and what it reads.
private struct RuleCondition {
  /// `ConditionKey.hash` of the condition.
  let hash: UInt64
  /// The questions, findings and scores the condition reads (numbered apart by kind),
  /// sorted, each once.
  let reads: [Int]
  /// Whether the condition has an empty `and`, `or` or `at least` somewhere, which holds
  /// or fails without reading anything.
  let hasEmptyGroup: Bool

  /// `hash` is `ConditionKey.hash(condition)`, worked out before.
  init(_ condition: Condition, hash: UInt64) {
    self.hash = hash
    var reads: [Int] = []
    var hasEmptyGroup = false
    Self.gather(condition, into: &reads, emptyGroup: &hasEmptyGroup)
    reads.sort()
    var unique: [Int] = []
    unique.reserveCapacity(reads.count)
    for read in reads where unique.last != read { unique.append(read) }
    self.reads = unique
    self.hasEmptyGroup = hasEmptyGroup
  }

  /// Whether two rules with these conditions can overlap at all: one implying the other,
  /// or both needing the same test of an answer, takes a question, finding or score that
  /// both read (the base cases of `Implication` and of the shared tests all compare two
  /// tests of one thing, or equal keys). Pairs that read nothing in common are skipped
  /// before the costly comparison, which would find nothing.
  func mayOverlap(_ other: RuleCondition) -> Bool {
    if hasEmptyGroup || other.hasEmptyGroup { return true }
    // Both lists are sorted: walked side by side until they meet or one ends.
    var mine = 0
    var theirs = 0
    while mine < reads.count, theirs < other.reads.count {
      if reads[mine] == other.reads[theirs] { return true }
      if reads[mine] < other.reads[theirs] { mine += 1 } else { theirs += 1 }
    }
    return false
  }

  /// The tests of answers a condition needs (the parts of its top-level `and`), by key,
  /// with the question each reads.
  static func requiredAnswerTests(_ condition: Condition) -> [String: Int] {
    switch condition {
    case .answer(let question, _): return [ConditionKey.of(condition): question]
    case .all(let parts): return parts.reduce(into: [:]) { $0.merge(requiredAnswerTests($1)) { first, _ in first } }
    default: return [:]
    }
  }

  private static func gather(_ condition: Condition, into reads: inout [Int], emptyGroup: inout Bool) {
    switch condition {
    case .answer(let question, _): reads.append(question * 3)
    case .finding(let finding, _, _): reads.append(finding * 3 + 1)
    case .score(let score, _): reads.append(score * 3 + 2)
    case .not(let inner): gather(inner, into: &reads, emptyGroup: &emptyGroup)
    case .all(let parts), .any(let parts), .atLeast(_, let parts):
      if parts.isEmpty { emptyGroup = true }
      for part in parts { gather(part, into: &reads, emptyGroup: &emptyGroup) }
    }
  }
}

// MARK: - Does one condition imply another?

/// Decides, soundly but not completely, whether one condition holding means another holds.
///
/// Works on the shape of the conditions (an `and` implies each of its parts, a part implies
/// an `or` it is in) and, for two tests of one answer, asks `ConditionAnalysis` whether the
/// first can hold with the second false (`hours > 8` implies `hours > 6`).
struct Implication {
  let analysis: ConditionAnalysis

  /// Whether `premise` holding always means `conclusion` holds.
  func implies(_ premise: Condition, _ conclusion: Condition) -> Bool {
    // The same condition (the hash first: the keys are text, slower to work out).
    if ConditionKey.hash(premise) == ConditionKey.hash(conclusion), ConditionKey.of(premise) == ConditionKey.of(conclusion) { return true }
    if case .all(let parts) = conclusion { return parts.allSatisfy { implies(premise, $0) } }
    if case .any(let parts) = premise { return parts.allSatisfy { implies($0, conclusion) } }
    if case .all(let parts) = premise, parts.contains(where: { implies($0, conclusion) }) { return true }
    if case .any(let parts) = conclusion, parts.contains(where: { implies(premise, $0) }) { return true }
    switch (premise, conclusion) {
    case (.answer(let first, _), .answer(let second, _)) where first == second:
      return !analysis.canHoldAll([premise, .not(conclusion)])
    case (.finding(let first, let premiseOp, let premiseBound), .finding(let second, let op, let bound)) where first == second:
      // Both of the form "above a threshold": a higher threshold implies a lower one.
      let above: Set<ComparisonOperator> = [.greater, .greaterOrEqual]
      return above.contains(premiseOp) && above.contains(op) && (premiseBound > bound || (premiseBound == bound && premiseOp == .greater))
    default:
      return false
    }
  }
}
