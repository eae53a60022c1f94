/// A finding that no rule concludes can never appear in an assessment.
///
/// Triggers (as a warning) for a complaint or contributor that no rule gives a certainty.
/// A finding that is only the target of `upstream of` still triggers.
struct FindingNeverConcludedCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.findingNeverConcluded

  let triggeringExamples = [
    """
    contributor orphan
      name "Never concluded"
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
    return knowledgeBase.findings.indices.filter { knowledgeBase.rulesConcludingFinding[$0].isEmpty }.map {
      let finding = knowledgeBase.findings[$0]
      return .warning(
        code, "no rule concludes \(finding.kind.rawValue) '\(finding.id)', so it can never be found; add a rule or remove it",
        at: draft.findingRanges[$0])
    }
  }
}
