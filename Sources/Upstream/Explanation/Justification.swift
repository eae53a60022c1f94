// MARK: - Justifications: how a conclusion was reached

/// One condition of a rule as it was evaluated: its text, its outcome, and the fact it
/// read (the person's answer and the question's wording, a finding's certainty, a score).
package struct ConditionTrace: Sendable, Hashable {
  /// The fact a leaf test read.
  package enum Fact: Sendable, Hashable {
    /// An answer (nil when the question was not answered).
    case answer(question: Int, answer: AnswerValue?)
    /// A finding's certainty.
    case finding(Int, certainty: Double)
    /// A score's total and stratum.
    case score(Int, total: Double, stratum: String?)
  }

  /// The condition in the rule language, e.g. `arch_shape is flat`.
  package let text: String
  package let outcome: Truth
  /// What a leaf test read; nil for `and`, `or`, `not`, `at least`.
  package let fact: Fact?
  /// The parts of a combined condition.
  package let parts: [ConditionTrace]

  /// The leaf tests, depth first.
  package var leaves: [ConditionTrace] { parts.isEmpty ? [self] : parts.flatMap(\.leaves) }
}

/// One rule's part in a conclusion: whether it fired, with what certainty, and each of its
/// conditions with the facts they read.
package struct RuleTrace: Sendable, Hashable {
  package let rule: Int
  /// The outcome of the rule's condition.
  package let outcome: Truth
  /// What the rule gave the finding (rule certainty × premise), when it fired.
  package let contribution: Double?
  package let condition: ConditionTrace
}

/// Everything behind one finding: the combined certainty and every rule that bears on it.
package struct Justification: Sendable, Hashable {
  package let finding: Int
  package let certainty: Double
  /// Rules that fired for or against the finding, in evaluation order.
  package let fired: [RuleTrace]
  /// Rules that could conclude it but whose condition was unknown.
  package let undecided: [RuleTrace]
}

extension Assessment {
  /// How a finding's certainty was reached: each rule that fired, with its conditions.
  package func justification(for finding: Int) -> Justification {
    let result = findings[finding]
    let fired = result.evidence.map { evidence in
      RuleTrace(
        rule: evidence.rule, outcome: .holds(evidence.premise), contribution: evidence.certainty,
        condition: trace(knowledgeBase.rules[evidence.rule].condition))
    }
    let undecided = result.undecidedRules.map {
      RuleTrace(rule: $0, outcome: .unknown, contribution: nil, condition: trace(knowledgeBase.rules[$0].condition))
    }
    return Justification(finding: finding, certainty: result.certainty, fired: fired, undecided: undecided)
  }

  /// A rule's condition evaluated against this assessment's final facts.
  package func trace(rule: Int) -> RuleTrace {
    let condition = trace(knowledgeBase.rules[rule].condition)
    let contribution = findingsContribution(of: rule)
    return RuleTrace(rule: rule, outcome: condition.outcome, contribution: contribution, condition: condition)
  }

  private func findingsContribution(of rule: Int) -> Double? {
    for result in findings { if let evidence = result.evidence.first(where: { $0.rule == rule }) { return evidence.certainty } }
    return nil
  }

  /// Evaluates a condition against the final facts, recording every test.
  ///
  /// Rules run in an order where everything they read is final, so this replays exactly
  /// what the engine saw when the rule ran.
  package func trace(_ condition: Condition) -> ConditionTrace {
    let text = ConditionText.describe(condition, in: knowledgeBase)
    switch condition {
    case .answer(let question, let test):
      let outcome = ConditionMatcher.match(test, sheet.slots[question])
      return ConditionTrace(
        text: text, outcome: outcome, fact: .answer(question: question, answer: answers[knowledgeBase.questions[question].id]), parts: [])
    case .finding(let finding, let op, let bound):
      let result = findings[finding]
      return ConditionTrace(
        text: text, outcome: ConditionMatcher.match(result, op, bound), fact: .finding(finding, certainty: result.certainty), parts: [])
    case .score(let score, let test):
      let result = scores[score]
      let outcome = ConditionMatcher.match(
        test, low: result.lowestThousandths, high: result.highestThousandths, stratum: (result.stratum, result.stratumDecided))
      let stratum = result.stratum.map { knowledgeBase.scores[score].strata[$0].id }
      return ConditionTrace(text: text, outcome: outcome, fact: .score(score, total: result.total, stratum: stratum), parts: [])
    case .all(let parts):
      let traces = parts.map(trace)
      return ConditionTrace(text: text, outcome: Truth.all(traces.map(\.outcome)), fact: nil, parts: traces)
    case .any(let parts):
      let traces = parts.map(trace)
      return ConditionTrace(text: text, outcome: Truth.any(traces.map(\.outcome)), fact: nil, parts: traces)
    case .not(let inner):
      let traced = trace(inner)
      return ConditionTrace(text: text, outcome: traced.outcome.negated, fact: nil, parts: [traced])
    case .atLeast(let count, let parts):
      let traces = parts.map(trace)
      return ConditionTrace(text: text, outcome: Truth.atLeast(count, traces.map(\.outcome)), fact: nil, parts: traces)
    }
  }

  /// A fact in plain words: `you answered "flat" to "How do your arches look?"`.
  package func describe(_ fact: ConditionTrace.Fact) -> String {
    switch fact {
    case .answer(let question, let answer):
      let wording = knowledgeBase.wording(of: knowledgeBase.questions[question], given: answers)
      guard let answer else { return "\"\(wording)\" was not asked" }
      if answer == .notSure { return "you were not sure about \"\(wording)\"" }
      return "you answered \(answerText(answer, question: question)) to \"\(wording)\""
    case .finding(let finding, let certainty):
      return "\(knowledgeBase.findings[finding].name) is \(Certainty.describe(certainty))"
    case .score(let score, let total, let stratum):
      let label = stratum.flatMap { id in knowledgeBase.scores[score].strata.first { $0.id == id }?.label }
      return "\(knowledgeBase.scores[score].name) is \(NumberText.plain(total))" + (label.map { " (\($0))" } ?? "")
    }
  }

  /// An answer in words, using option labels: `'yes'`, `'Flat: the inside …'`.
  package func answerText(_ answer: AnswerValue, question: Int) -> String {
    let options = knowledgeBase.questions[question].kind.options
    func label(_ id: String) -> String { options.first { $0.id == id }?.label ?? id }
    switch answer {
    case .option(let id): return "'\(label(id))'"
    case .options(let ids): return ids.isEmpty ? "'none of these'" : ids.map { "'\(label($0))'" }.joined(separator: ", ")
    default: return "'\(answer.description)'"
    }
  }
}
