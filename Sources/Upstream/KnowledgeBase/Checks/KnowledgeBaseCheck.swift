// MARK: - Checks over a resolved knowledge base

/// One check a reviewer would want run on every knowledge base.
///
/// Each check lives in its own file, states its rule in its doc comment, and carries
/// examples that must and must not trigger it. One shared test runs every check's
/// examples, each appended to `CheckExamples.preamble`.
package protocol KnowledgeBaseCheck: Sendable {
  /// The diagnostic code this check reports.
  var code: DiagnosticCode { get }
  /// Rule text that must trigger the check (appended to the preamble).
  var triggeringExamples: [String] { get }
  /// Rule text that must not trigger the check (appended to the preamble).
  var nonTriggeringExamples: [String] { get }
  /// Whether the check judges each rule on its own, against the declarations it names:
  /// such a check also runs when other rules have errors, and finds the same problems.
  var judgesEachRuleAlone: Bool { get }
  /// The diagnostics the check finds.
  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic]
}

extension KnowledgeBaseCheck {
  package var judgesEachRuleAlone: Bool { false }
}

/// Every check, run in this order by the compiler; reviews are stale after two years,
/// measured from the machine's clock at the moment each check runs.
package let allChecks: [any KnowledgeBaseCheck] = standardChecks()

/// The checks that can report an error (every other check only warns): enough to decide
/// whether a knowledge base loads, for commands that use it and print no warnings
/// (`upstream assess`, `ask`, `serve`…), which skip the rest of the checks' work.
package let loadingChecks: [any KnowledgeBaseCheck] = [NeverFiresCheck(), AskWhenExcludesCheck()]

/// Every check, with the age after which a review is stale and the clock that says
/// which day to measure from.
package func standardChecks(
  staleAfterDays: Int = StaleReviewCheck.defaultStaleAfterDays, clock: Clock = .system
) -> [any KnowledgeBaseCheck] {
  [
    NeverFiresCheck(),
    AskWhenExcludesCheck(),
    UnusedQuestionCheck(),
    FindingNeverConcludedCheck(),
    RecommendationNeverTriggeredCheck(),
    MissingSourceCheck(),
    SourceNeverCitedCheck(),
    MissingDoseCheck(),
    MissingSafetyNettingCheck(),
    RedFlagQuestionConditionalCheck(),
    DuplicateConditionCheck(),
    DoubleCountingCheck(),
    NearDuplicateRecommendationsCheck(),
    OverlappingRangesCheck(),
    GappedRangesCheck(),
    MissingExplanationCheck(),
    StaleReviewCheck(staleAfterDays: staleAfterDays, clock: clock),
  ]
}

/// Shared text for check examples.
package enum CheckExamples {
  /// The day check examples are measured from (only the stale-review check reads it):
  /// fixed, so the examples and the error catalogue built from them never go stale.
  package static let day = CalendarDay(daysSince1970: 20_758)  // 2026-11-01

  /// A header and a cited source that every example builds on.
  package static let preamble = """
    knowledge base "Examples"
      version "1"
      disclaimer "Examples only."
    source s
      title "A source"
      evidence expert-opinion

    """
}
