/// Rules that band one number question should leave no gap between their ranges, or an
/// answer in the gap concludes nothing.
///
/// Triggers (as a warning) when rules conclude the same things (only the amounts differ),
/// test the same other conditions, and test ranges of one number or scale question with
/// values between them that no rule covers, such as `sitting_hours between 4 and 6` and
/// `sitting_hours >= 8` (nothing for 7). Whole-number questions have no gap between
/// `<= 6` and `>= 7`. Values below the lowest band or above the highest are not gaps.
struct GappedRangesCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.gappedRanges

  let triggeringExamples = [
    """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor sitting
      name "Long sitting"
    rule some-sitting
      when hours between 4 and 6
      then sitting certainty 0.3
      because "b"
      source s
    rule much-sitting
      when hours >= 8
      then sitting certainty 0.6
      because "b"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor sitting
      name "Long sitting"
    rule some-sitting
      when hours between 4 and 6
      then sitting certainty 0.3
      because "b"
      source s
    rule much-sitting
      when hours >= 7
      then sitting certainty 0.6
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    var diagnostics: [Diagnostic] = []
    for family in draft.numberBands.families {
      let question = knowledgeBase.questions[family.question].id
      family.walkByReach { reach, band in
        if let gap = reach.range.gap(before: band.range) {
          let below = knowledgeBase.rules[reach.rule].id
          let above = knowledgeBase.rules[band.rule].id
          diagnostics.append(
            .warning(
              code,
              "when '\(question)' is \(gap.text), neither rule '\(below)' nor rule '\(above)' fires: their ranges leave a gap; widen one of them, or add a rule for the gap",
              at: draft.ruleConditions[band.rule].range,
              notes: [.init("rule '\(below)' covers \(reach.range.text)", at: draft.ruleConditions[reach.rule].range)]))
        }
      }
    }
    return diagnostics
  }
}
