/// Every rule, recommendation and red flag should say where its knowledge comes from.
///
/// Triggers (as a warning) for a rule, recommendation or red flag with no `source`.
struct MissingSourceCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.missingSource

  let triggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    contributor c
      name "C"
    rule r
      when q
      then c certainty 0.5
      because "b"
    """
  ]

  let nonTriggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    contributor c
      name "C"
    rule r
      when q
      then c certainty 0.5
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    var diagnostics: [Diagnostic] = []
    for (index, rule) in knowledgeBase.rules.enumerated() where rule.provenance.sources.isEmpty {
      diagnostics.append(.warning(code, "rule '\(rule.id)' cites no source; add 'source ID'", at: draft.ruleRanges[index]))
    }
    for (index, recommendation) in knowledgeBase.recommendations.enumerated() where recommendation.provenance.sources.isEmpty {
      diagnostics.append(
        .warning(code, "recommendation '\(recommendation.id)' cites no source; add 'source ID'", at: draft.recommendationRanges[index]))
    }
    for (index, flag) in knowledgeBase.redFlags.enumerated() where flag.provenance.sources.isEmpty {
      diagnostics.append(.warning(code, "red flag '\(flag.id)' cites no source; add 'source ID'", at: draft.redFlagRanges[index]))
    }
    return diagnostics
  }
}
