/// A source that nothing cites is dead weight in the bibliography.
///
/// Triggers (as a warning) for a source that no rule, recommendation or red flag cites.
struct SourceNeverCitedCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.sourceNeverCited

  let triggeringExamples = [
    """
    source uncited
      title "Nobody cites me"
      evidence expert-opinion
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
    var cited = Set(knowledgeBase.rules.flatMap(\.provenance.sources))
    cited.formUnion(knowledgeBase.recommendations.flatMap(\.provenance.sources))
    cited.formUnion(knowledgeBase.redFlags.flatMap(\.provenance.sources))
    return knowledgeBase.sources.indices.filter { !cited.contains($0) }.map {
      .warning(code, "nothing cites source '\(knowledgeBase.sources[$0].id)'; cite it or remove it", at: draft.sourceRanges[$0])
    }
  }
}
