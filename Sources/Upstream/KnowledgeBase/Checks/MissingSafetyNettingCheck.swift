/// Every self-care plan needs safety-netting: what to watch for, and how fast to get help.
///
/// Triggers (as a warning, on the `knowledge base` header) when the knowledge base has
/// recommendations (self-care it can give) but no `safety netting` text. Guidelines ask
/// for safety-netting advice with every self-care plan; it is written in the knowledge
/// base, not in code, so clinicians can change it, and the tree shows it on every
/// assessment that gives self-care.
struct MissingSafetyNettingCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.missingSafetyNetting

  let triggeringExamples = [
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

  /// The shared preamble has no safety netting, so the example gives no self-care.
  let nonTriggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    red flag urgent_sign
      name "A sign"
      urgency urgent-same-day
      advice "See a doctor today."
      source s
    rule r
      when q
      then red flag urgent_sign
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    guard !knowledgeBase.recommendations.isEmpty, knowledgeBase.header.safetyNetting.isEmpty else { return [] }
    return [
      .warning(
        code,
        "the knowledge base gives self-care (\(knowledgeBase.recommendations.count) recommendations) but has no "
          + "'safety netting'; say when to seek emergency, same-day and routine help",
        at: draft.headerRange)
    ]
  }
}
