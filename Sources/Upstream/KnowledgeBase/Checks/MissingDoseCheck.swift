/// A recommendation should say how much: minutes, repetitions, how often.
///
/// Triggers (as a warning) for a recommendation without a `dose`.
struct MissingDoseCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.missingDose

  let triggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    recommendation walk
      title "Walk"
      source s
    rule r
      when q
      then recommend walk
      because "b"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    recommendation walk
      title "Walk"
      dose "10 minutes a day"
      source s
    rule r
      when q
      then recommend walk
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    draft.knowledgeBase.recommendations.indices.filter { !draft.recommendationDoses[$0] }.map {
      .warning(
        code, "recommendation '\(draft.knowledgeBase.recommendations[$0].id)' has no dose; say how much and how often",
        at: draft.recommendationRanges[$0])
    }
  }
}
