/// Clinical knowledge ages: a rule, recommendation or red flag whose last review is long
/// past should be reviewed again.
///
/// Triggers (as a warning) for a `reviewed` date more than `staleAfterDays` days before
/// `today` (by default 730 days, about two years, before the day the check runs). Items
/// without a `reviewed` date are not reported. `upstream check --stale-after DAYS` sets
/// the age; `today` is a parameter, so the check is deterministic in tests.
public struct StaleReviewCheck: KnowledgeBaseCheck {
  /// The default age after which a review is stale: two years.
  public static let defaultStaleAfterDays = 730

  public let code = DiagnosticCode.staleReview
  /// How many days a review stays current.
  public let staleAfterDays: Int
  /// The day to measure from.
  public let today: CalendarDay

  public init(staleAfterDays: Int = StaleReviewCheck.defaultStaleAfterDays, today: CalendarDay = .today) {
    self.staleAfterDays = staleAfterDays
    self.today = today
  }

  public var triggeringExamples: [String] { [example(reviewed: today.adding(days: -(staleAfterDays + 30)))] }

  public var nonTriggeringExamples: [String] { [example(reviewed: today.adding(days: -10))] }

  private func example(reviewed: CalendarDay) -> String {
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

  public func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    var diagnostics: [Diagnostic] = []
    func inspect(_ what: String, _ id: String, _ provenance: Provenance, _ range: SourceRange) {
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
      inspect("rule", rule.id, rule.provenance, draft.ruleRanges[index])
    }
    for (index, recommendation) in knowledgeBase.recommendations.enumerated() {
      inspect("recommendation", recommendation.id, recommendation.provenance, draft.recommendationRanges[index])
    }
    for (index, flag) in knowledgeBase.redFlags.enumerated() {
      inspect("red flag", flag.id, flag.provenance, draft.redFlagRanges[index])
    }
    return diagnostics
  }
}
