/// A recommendation that no rule calls for is never given.
///
/// Triggers (as a warning) for a recommendation named in no rule's `recommend`
/// conclusion, whatever it `addresses`.
struct RecommendationNeverTriggeredCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.recommendationNeverTriggered

  let triggeringExamples = [
    """
    recommendation walk
      title "Walk"
      dose "10 minutes"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    recommendation walk
      title "Walk"
      dose "10 minutes"
      source s
    rule r
      when q
      then recommend walk
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    var triggered = Set<Int>()
    let rules = knowledgeBase.rules
    for index in rules.indices {
      for case .recommend(let recommendation) in rules[index].conclusions { triggered.insert(recommendation) }
    }
    return knowledgeBase.recommendations.indices.filter { !triggered.contains($0) }.map {
      .warning(
        code,
        "no rule recommends '\(knowledgeBase.recommendations[$0].id)', so it is never given; add 'recommend \(knowledgeBase.recommendations[$0].id)' to a rule or remove it",
        at: draft.recommendationRanges[$0])
    }
  }
}
