/// Every complaint and contributor should tell the patient, in plain words, what it is.
///
/// Triggers (as a warning) for a complaint or contributor without an `explain` text.
struct MissingExplanationCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.missingExplanation

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
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    contributor c
      name "C"
      explain "What C is, in words a patient understands."
    rule r
      when q
      then c certainty 0.5
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let findings = draft.knowledgeBase.findings
    return findings.indices.filter { findings[$0].explanation == nil }.map {
      .warning(
        code,
        "\(findings[$0].kind.rawValue) '\(findings[$0].id)' has no 'explain'; add a sentence that tells a patient what it is",
        at: draft.findingRanges[$0])
    }
  }
}
