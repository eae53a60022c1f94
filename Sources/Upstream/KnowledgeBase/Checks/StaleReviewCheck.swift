/// Clinical knowledge ages: a rule, recommendation or red flag whose last review is long
/// past should be reviewed again.
///
/// Triggers (as a warning) for a `reviewed` date more than `staleAfterDays` days before
/// the clock's today (by default 730 days, about two years). Items without a `reviewed`
/// date are not reported. `upstream check --stale-after DAYS` sets the age and
/// `--today YYYY-MM-DD` the day; the day is read from the clock each time the check runs,
/// never once for good, so a long-lived process does not keep a stale "today".
///
/// The examples are measured from ``CheckExamples/day`` (2026-11-01): reviewed
/// 2024-10-01 is stale then, reviewed 2026-10-20 is not.
package struct StaleReviewCheck: KnowledgeBaseCheck {
  /// The default age after which a review is stale: two years.
  package static let defaultStaleAfterDays = 730

  package let code = DiagnosticCode.staleReview
  /// How many days a review stays current.
  package let staleAfterDays: Int
  /// Where the day to measure from comes from.
  package let clock: Clock

  package init(staleAfterDays: Int = StaleReviewCheck.defaultStaleAfterDays, clock: Clock = .system) {
    self.staleAfterDays = staleAfterDays
    self.clock = clock
  }

  package var triggeringExamples: [String] { [example(reviewed: "2024-10-01")] }

  package var nonTriggeringExamples: [String] { [example(reviewed: "2026-10-20")] }

  private func example(reviewed: String) -> String {
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
      reviewed \(reviewed)
    """
  }

  package func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    let today = clock.today
    var diagnostics: [Diagnostic] = []
    func inspect(_ what: DeclarationKind, _ id: String, _ provenance: Provenance, _ range: SourceRange) {
      guard let written = provenance.reviewed, let reviewed = CalendarDay(written),
        reviewed.daysSince1970 < today.daysSince1970 - staleAfterDays
      else { return }
      diagnostics.append(
        .warning(
          code,
          "\(what) '\(id)' was last reviewed on \(written), more than \(staleAfterDays) days ago; review it and update its 'reviewed' date",
          at: range))
    }
    for (index, rule) in knowledgeBase.rules.enumerated() {
      inspect(.rule, rule.id, rule.provenance, draft.ruleRanges[index])
    }
    for (index, recommendation) in knowledgeBase.recommendations.enumerated() {
      inspect(.recommendation, recommendation.id, recommendation.provenance, draft.recommendationRanges[index])
    }
    for (index, flag) in knowledgeBase.redFlags.enumerated() {
      inspect(.redFlag, flag.id, flag.provenance, draft.redFlagRanges[index])
    }
    return diagnostics
  }
}
