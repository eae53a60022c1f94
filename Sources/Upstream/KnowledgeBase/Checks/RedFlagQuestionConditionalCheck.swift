/// A question that a red-flag rule reads must always be asked.
///
/// Triggers (as a warning) when a red-flag rule reads a question that has an `ask when`:
/// the questionnaire asks red-flag questions first and never skips them, so the
/// `ask when` is ignored, which the author probably did not mean.
struct RedFlagQuestionConditionalCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.redFlagQuestionConditional

  let triggeringExamples = [
    """
    question back_pain: yes/no
      ask "Back pain?"
    question numbness: yes/no
      ask "Numbness in the saddle area?"
      ask when back_pain
    red flag cauda
      name "Cauda equina"
      urgency emergency
      advice "Go to A&E now."
      source s
    rule r
      when numbness
      then red flag cauda
      because "b"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question numbness: yes/no
      ask "Numbness in the saddle area?"
    red flag cauda
      name "Cauda equina"
      urgency emergency
      advice "Go to A&E now."
      source s
    rule r
      when numbness
      then red flag cauda
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    draft.knowledgeBase.questions.indices.filter {
      let question = draft.knowledgeBase.questions[$0]
      return question.isRedFlagQuestion && question.askWhen != nil
    }.map {
      .warning(
        code,
        "question '\(draft.knowledgeBase.questions[$0].id)' is read by a red-flag rule, so it is always asked and its 'ask when' is ignored; remove the 'ask when'",
        at: draft.questionRanges[$0])
    }
  }
}
