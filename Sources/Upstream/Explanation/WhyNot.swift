// MARK: - Why not: what stopped a conclusion

/// Why something was not concluded: every rule that could have concluded it, and for each
/// the first condition that failed or was unknown, and answers that would have made it fire.
public struct WhyNotExplanation: Sendable, Hashable, Codable {
  public let subject: WhyExplanation.Subject
  public let id: String
  public let name: String
  /// Whether it was concluded after all (present, raised, given, or points added).
  public let concluded: Bool
  /// For findings: the certainty it has.
  public let certainty: Double?
  /// The state in words: `unclear (0.00)`, `not raised`, `not called for`, …
  public let summary: String
  /// Each rule that could have concluded it, in evaluation order; for findings, then the
  /// rules that fired against it.
  public let candidates: [WhyNotCandidate]
  /// Further facts: a conflict that set it aside, a red flag that withholds it.
  public let notes: [String]
}

/// One rule that could have concluded something, and what stopped it.
public struct WhyNotCandidate: Sendable, Hashable, Codable {
  /// What became of the rule.
  public enum State: String, Sendable, Hashable, Codable {
    /// It fired (for findings: its evidence is in the certainty).
    case fired
    /// Its condition failed.
    case failed
    /// Its condition was unknown: an answer was missing or not sure.
    case unknown
  }

  public let rule: RuleReference
  public let role: ExplanationStep.Role
  public let state: State
  /// The rule's own certainty for the finding, for findings.
  public let ruleCertainty: Double?
  /// What it gave the finding, when it fired.
  public let contribution: Double?
  /// The first part of the condition that failed or was unknown, in the rule language.
  public let blockedAt: String?
  /// That part's tests, with the person's answers.
  public let blockers: [ConditionFact]
  /// Answers that would have made it fire (changes from the answers given).
  public let wouldFireWith: [AnswerChange]
  /// Requirements no single answer meets (a score's total), if any.
  public let unmet: [String]
  /// Whether re-assessing with `wouldFireWith` makes the rule fire.
  public let verified: Bool
  /// For findings: the certainty the finding would then have.
  public let resultingCertainty: Double?
}

/// One answer that would have to change.
public struct AnswerChange: Sendable, Hashable, Codable {
  public let questionID: String
  public let wording: String
  /// The answer given; nil when the question was not answered.
  public let current: AnswerValue?
  public let suggested: AnswerValue
  /// The answer in words: `'yes'`, `'Flat: …'`, `7 or more`.
  public let suggestedText: String
  /// The answer given in words, or nil when it was not answered.
  public let currentText: String?
  /// The tests the answer must pass, in the rule language.
  public let tests: [String]
}

extension Assessment {
  /// Why a finding, red flag, recommendation or score was not concluded (or not more
  /// strongly), as ``whyNot(_:)`` gives it; an id it cannot explain throws, with the
  /// closest id that it can.
  public func whyNotExplanation(of id: String) throws(UnexplainableID) -> WhyNotExplanation {
    guard let explanation = whyNot(id) else { throw unexplainable(id) }
    return explanation
  }

  /// Why a finding, red flag, recommendation or score was not concluded (or not more
  /// strongly); nil when the knowledge base declares no such id (``whyNotExplanation(of:)``
  /// says why, with a "did you mean").
  public func whyNot(_ id: String) -> WhyNotExplanation? {
    let kb = knowledgeBase
    switch kb.symbols[id] {
    case .finding(let index):
      let result = findings[index]
      let supporting = kb.rulesConcludingFinding[index].filter { rule in
        kb.rules[rule].conclusions.contains { if case .certainty(index, let c) = $0 { c > 0 } else { false } }
      }
      let opposing = result.evidence.filter { $0.certainty < 0 }.map(\.rule)
      let candidates =
        supporting.map { candidate($0, role: .supports, finding: index) }
        + opposing.map { candidate($0, role: .opposes, finding: index) }
      var notes: [String] = []
      if result.isPresent { notes.append("\(kb.findings[index].name) is present: \(Certainty.describe(result.certainty)).") }
      return WhyNotExplanation(
        subject: .finding, id: id, name: kb.findings[index].name, concluded: result.isPresent, certainty: result.certainty,
        summary: Certainty.describe(result.certainty), candidates: candidates, notes: notes)
    case .redFlag(let index):
      let rules = kb.rules.indices.filter { rule in
        kb.rules[rule].conclusions.contains { if case .redFlag(index, _) = $0 { true } else { false } }
      }
      let raised = redFlags.first { $0.flag == index }
      return WhyNotExplanation(
        subject: .redFlag, id: id, name: kb.redFlags[index].name, concluded: raised != nil, certainty: nil,
        summary: raised.map { "raised: \($0.urgency.description)" } ?? "not raised",
        candidates: rules.map { candidate($0, role: .raises, finding: nil) }, notes: [])
    case .recommendation(let index):
      let rules = kb.rules.indices.filter { kb.rules[$0].conclusions.contains(.recommend(index)) }
      let explanation = explainRecommendation(index)
      let given = recommendations.first { $0.recommendation == index }?.isGiven ?? false
      return WhyNotExplanation(
        subject: .recommendation, id: id, name: kb.recommendations[index].title, concluded: given, certainty: nil,
        summary: explanation.summary, candidates: rules.map { candidate($0, role: .recommends, finding: nil) },
        notes: explanation.notes)
    case .score(let index):
      let explanation = explainScore(index)
      return WhyNotExplanation(
        subject: .score, id: id, name: kb.scores[index].name, concluded: !scores[index].contributions.isEmpty, certainty: nil,
        summary: explanation.summary, candidates: kb.rulesAddingToScore[index].map { candidate($0, role: .addsPoints, finding: nil) },
        notes: explanation.notes)
    default:
      return nil
    }
  }

  // MARK: One candidate

  private func candidate(_ rule: Int, role: ExplanationStep.Role, finding: Int?) -> WhyNotCandidate {
    let reference = knowledgeBase.ruleReference(rule)
    let traced = trace(knowledgeBase.rules[rule].condition)
    let ruleCertainty = finding.flatMap { finding in
      knowledgeBase.rules[rule].conclusions.lazy.compactMap { conclusion -> Double? in
        if case .certainty(finding, let certainty) = conclusion { return certainty }
        return nil
      }.first
    }
    if case .holds = traced.outcome {
      let contribution = finding.flatMap { finding in findings[finding].evidence.first { $0.rule == rule }?.certainty }
      return WhyNotCandidate(
        rule: reference, role: role, state: .fired, ruleCertainty: ruleCertainty, contribution: contribution,
        blockedAt: nil, blockers: [], wouldFireWith: [], unmet: [], verified: true, resultingCertainty: nil)
    }
    let blocking = Self.blocking(knowledgeBase.rules[rule].condition, traced)
    let planner = AnswerPlanner(self)
    var changes: [AnswerChange] = []
    var unmet: [String] = []
    var verified = false
    var resulting: Double?
    if let plan = planner.satisfy(knowledgeBase.rules[rule].condition) {
      changes = plan.changes.keys.sorted { knowledgeBase.questions[$0].id < knowledgeBase.questions[$1].id }.compactMap { question in
        plan.changes[question].map {
          answerChange(
            question, planner.answer($0, question: question, current: answers[knowledgeBase.questions[question].id]),
            tests: plan.tests[question] ?? [])
        }
      }
      unmet = plan.unmet
      if !plan.changes.isEmpty {
        let after = knowledgeBase.assess(validated: planner.apply(plan, to: answers))
        verified = after.firings.contains { $0.rule == rule }
        resulting = finding.map { after.findings[$0].certainty }
      }
    }
    return WhyNotCandidate(
      rule: reference, role: role, state: traced.outcome == .unknown ? .unknown : .failed, ruleCertainty: ruleCertainty,
      contribution: nil, blockedAt: blocking?.text, blockers: blocking.map { $0.leaves.map { conditionFact($0) } } ?? [],
      wouldFireWith: changes, unmet: unmet, verified: verified, resultingCertainty: resulting)
  }

  /// The first part of a condition that stopped it: for `and`, the first part that failed
  /// (or, when none failed, the first that was unknown); for `or` and `at least`, every
  /// alternative that did not hold; for `not`, what the negated condition read.
  static func blocking(_ condition: Condition, _ trace: ConditionTrace) -> (text: String, leaves: [ConditionTrace])? {
    if trace.outcome.isHolding { return nil }
    switch condition {
    case .all(let parts):
      let pairs = Array(zip(parts, trace.parts))
      let failed = pairs.first { if case .fails = $0.1.outcome { true } else { false } }
      guard let (part, partTrace) = failed ?? pairs.first(where: { !$0.1.outcome.isHolding }) else { return nil }
      return blocking(part, partTrace)
    case .any(let parts), .atLeast(_, let parts):
      let leaves = zip(parts, trace.parts).flatMap { blocking($0, $1)?.leaves ?? [] }
      return (trace.text, leaves)
    case .not:
      return (trace.text, trace.parts.first?.leaves ?? [])
    case .answer, .finding, .score:
      return (trace.text, [trace])
    }
  }

  private func answerChange(_ question: Int, _ suggested: AnswerValue, tests: [String]) -> AnswerChange {
    let declared = knowledgeBase.questions[question]
    let current = answers[declared.id]
    var text = answerText(suggested, question: question)
    if case .number = suggested, tests.count == 1, let phrase = Self.numberPhrase(tests[0], question: declared.id) { text = phrase }
    if case .date(let day) = suggested, tests.count == 1, let assessed = answers.assessmentDate,
      let phrase = Self.datePhrase(tests[0], question: declared.id, day: day, assessed: assessed)
    {
      text = phrase
    }
    return AnswerChange(
      questionID: declared.id, wording: declared.wording, current: current, suggested: suggested, suggestedText: text,
      currentText: current.map { answerText($0, question: question) }, tests: tests)
  }

  /// `injury_date more than 6 weeks ago` answered `2026-10-21` as `2026-10-21 (more than 6
  /// weeks before 2026-12-03)`, counted back from the assessment date; nil for other tests.
  static func datePhrase(_ test: String, question: String, day: CalendarDay, assessed: CalendarDay) -> String? {
    guard test.hasPrefix(question + " "), test.hasSuffix(" ago") else { return nil }
    let span = test.dropFirst(question.count + 1).dropLast(" ago".count)
    return "\(day) (\(span) before \(assessed))"
  }

  /// `sitting_hours >= 7` as `7 or more`; nil for other tests.
  static func numberPhrase(_ test: String, question: String) -> String? {
    let words = test.split(separator: " ").map(String.init)
    guard words.first == question else { return nil }
    let rest = Array(words.dropFirst())
    switch rest.count {
    case 2:
      switch rest[0] {
      case ">=": return "\(rest[1]) or more"
      case ">": return "more than \(rest[1])"
      case "<=": return "\(rest[1]) or less"
      case "<": return "less than \(rest[1])"
      case "is": return rest[1]
      default: return nil
      }
    case 4 where rest[0] == "between": return "between \(rest[1]) and \(rest[3])"
    default: return nil
    }
  }
}
