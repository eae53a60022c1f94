/// A rule that needs an answer its question's `ask when` rules out can never fire.
///
/// Triggers when a rule tests a question together (under `and`) with something that
/// contradicts that question's `ask when`: the question would never be asked in the
/// situation the rule describes. Does not trigger when the two agree.
struct AskWhenExcludesCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.askWhenExcludes
  let judgesEachRuleAlone = true

  let triggeringExamples = [
    """
    question back_pain: yes/no
      ask "Back pain?"
    question worse_sitting: yes/no
      ask "Worse after sitting?"
      ask when back_pain
    contributor long_sitting
      name "Long sitting"
    rule r
      when worse_sitting and back_pain is no
      then long_sitting certainty 0.5
      because "b"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question back_pain: yes/no
      ask "Back pain?"
    question worse_sitting: yes/no
      ask "Worse after sitting?"
      ask when back_pain
    contributor long_sitting
      name "Long sitting"
    rule r
      when worse_sitting and back_pain
      then long_sitting certainty 0.5
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    let analysis = ConditionAnalysis(questions: knowledgeBase.questions, scores: knowledgeBase.scores)
    var diagnostics: [Diagnostic] = []
    // Without an `ask when`, no rule can be reported: the rules are not looked at.
    guard knowledgeBase.questions.contains(where: { $0.askWhen != nil }) else { return [] }
    var required: [Int] = []
    for (index, rule) in knowledgeBase.rules.enumerated() {
      // Every question the rule cannot do without must be askable together with the rest of its condition.
      required.removeAll(keepingCapacity: true)
      requiredQuestions(rule.condition, into: &required)
      required.sort()
      var askWhens: [Condition] = []
      var guarded: [Int] = []
      for (position, question) in required.enumerated() where position == 0 || required[position - 1] != question {
        if let askWhen = knowledgeBase.questions[question].askWhen {
          askWhens.append(askWhen)
          guarded.append(question)
        }
      }
      // A rule that can never hold at all is the never-fires check's to report.
      guard !askWhens.isEmpty, analysis.canHold(rule.condition), !analysis.canHoldAll([rule.condition] + askWhens) else { continue }
      let names = guarded.map { "'\(knowledgeBase.questions[$0].id)'" }.joined(separator: ", ")
      diagnostics.append(
        .error(
          code,
          "rule '\(rule.id)' can never fire: it needs an answer to \(names), but that question's 'ask when' rules it out in the situation the rule describes",
          at: draft.ruleConditions[index].range,
          notes: guarded.map { .init("'\(knowledgeBase.questions[$0].id)' is only asked when this holds", at: draft.askWhenSyntax[$0]?.range) }))
    }
    return diagnostics
  }

  /// Appends the questions a condition cannot hold without: those tested outside any `or`, `not`
  /// or `at least`.
  private func requiredQuestions(_ condition: Condition, into questions: inout [Int]) {
    switch condition {
    case .answer(let question, _): questions.append(question)
    case .all(let parts): for part in parts { requiredQuestions(part, into: &questions) }
    default: break
    }
  }
}
