/// A rule whose condition can never hold is an error: it would silently do nothing.
///
/// Triggers on contradictory tests inside an `and` (`arch_shape is flat and arch_shape is
/// high`), on numbers outside a question's range (`sitting_hours > 30` on a 0–24
/// question) and on score tests outside the score's declared range. Does not trigger when
/// some branch of an `or` can still hold.
struct NeverFiresCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.ruleNeverFires

  let triggeringExamples = [
    """
    question sitting_hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor long_sitting
      name "Long sitting"
    rule r
      when sitting_hours > 30
      then long_sitting certainty 0.5
      because "b"
      source s
    """,
    """
    question arch: choice
      ask "Arch?"
      option flat "Flat"
      option high "High"
    contributor flat_feet
      name "Flat feet"
    rule r
      when arch is flat and arch is high
      then flat_feet certainty 0.5
      because "b"
      source s
    """,
  ]

  let nonTriggeringExamples = [
    """
    question sitting_hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor long_sitting
      name "Long sitting"
    rule r
      when sitting_hours > 30 or sitting_hours >= 8
      then long_sitting certainty 0.5
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    let analysis = ConditionAnalysis(questions: knowledgeBase.questions, scores: knowledgeBase.scores)
    return knowledgeBase.rules.enumerated().compactMap { index, rule in
      guard !analysis.canHold(rule.condition) else { return nil }
      return .error(
        code,
        "rule '\(rule.id)' can never fire: no answers can make its condition hold (check the numbers against each question's range, and tests that contradict each other)",
        at: draft.ruleConditions[index].range)
    }
  }
}
