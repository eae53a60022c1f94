/// Rules that band one number question should not overlap: where they do, both fire and
/// their certainties add up.
///
/// Triggers (as a warning) when two rules conclude the same things (only the amounts
/// differ), test the same other conditions, and test ranges of one number or scale
/// question that share a value, such as `sitting_hours <= 7` and `sitting_hours >= 7`.
/// Does not trigger when the ranges only meet (`< 7` and `>= 7`). In a family of more than
/// 64 such rules, each rule is reported once, with the earlier rule that reaches highest.
struct OverlappingRangesCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.overlappingRanges

  let triggeringExamples = [
    """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor sitting
      name "Long sitting"
    rule some-sitting
      when hours between 4 and 7
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

  let nonTriggeringExamples = [
    """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor sitting
      name "Long sitting"
    rule some-sitting
      when hours between 4 and 7
      then sitting certainty 0.3
      because "b"
      source s
    rule much-sitting
      when hours > 7
      then sitting certainty 0.6
      because "b"
      source s
    """
  ]

  /// The most bands of one family compared pair by pair; a larger family (rules generated
  /// from a table, say) is walked once, each band against the earlier band that reaches
  /// highest, so the check stays linear and names each overlapping rule once.
  static let pairwiseLimit = 64

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    var diagnostics: [Diagnostic] = []
    func overlap(_ earlier: NumberBands.Band, _ band: NumberBands.Band, question: String) {
      let shared = earlier.range.intersection(band.range)
      guard !shared.isEmpty else { return }
      let first = knowledgeBase.rules[earlier.rule].id
      let second = knowledgeBase.rules[band.rule].id
      diagnostics.append(
        .warning(
          code,
          "rules '\(first)' and '\(second)' both fire when '\(question)' is \(shared.text), so their conclusions add up; make the ranges meet without overlapping",
          at: draft.ruleConditions[band.rule].range,
          notes: [.init("rule '\(first)' covers \(earlier.range.text)", at: draft.ruleConditions[earlier.rule].range)]))
    }
    for family in draft.numberBands.families {
      let question = knowledgeBase.questions[family.question].id
      if family.bands.count <= Self.pairwiseLimit {
        for (position, band) in family.bands.enumerated() {
          for earlier in family.bands[..<position] { overlap(earlier, band, question: question) }
        }
        continue
      }
      family.walkByReach { reach, band in overlap(reach, band, question: question) }
    }
    return diagnostics
  }
}
