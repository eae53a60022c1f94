/// A question that no rule, stratum or conflict reads only lengthens the questionnaire.
///
/// Triggers (as a warning) for a question read by no rule condition, score stratum or
/// conflict preference. A question read only by another question's `ask when` still
/// triggers: it decides nothing.
struct UnusedQuestionCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.unusedQuestion

  let triggeringExamples = [
    """
    question unused: yes/no
      ask "Never used?"
    """
  ]

  let nonTriggeringExamples = [
    """
    question used: yes/no
      ask "Used?"
    contributor c
      name "C"
    rule r
      when used
      then c certainty 0.5
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    var read: [Int] = []
    let rules = knowledgeBase.rules
    for index in rules.indices { rules[index].condition.collectQuestions(into: &read) }
    var used = Set(read)
    for score in knowledgeBase.scores { used.formUnion(score.strata.flatMap(\.condition.questionsRead)) }
    for recommendation in knowledgeBase.recommendations {
      for conflict in recommendation.conflicts { used.formUnion(conflict.preferences.flatMap(\.when.questionsRead)) }
      for notFor in recommendation.notFor { used.formUnion(notFor.condition.questionsRead) }
    }
    return knowledgeBase.questions.indices.filter { !used.contains($0) }.map {
      .warning(
        code, "no rule uses question '\(knowledgeBase.questions[$0].id)', so its answer changes nothing; use it in a rule or remove it",
        at: draft.questionRanges[$0])
    }
  }
}
