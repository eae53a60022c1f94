/// A rule whose condition can never hold is an error: it would silently do nothing.
///
/// Triggers on contradictory tests inside an `and` (`arch_shape is flat and arch_shape is
/// high`), on numbers outside a question's range (`sitting_hours > 30` on a 0–24
/// question), on score tests outside the score's declared range, and on date tests no day
/// passes, whatever the assessment date (`injury_date more than 6 weeks ago and
/// injury_date less than 2 weeks ago`): then the message names the date tests. Does not
/// trigger when some branch of an `or` can still hold.
struct NeverFiresCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.ruleNeverFires
  let judgesEachRuleAlone = true

  let triggeringExamples = [
    """
    question sitting_hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor long_sitting
      name "Long sitting"
    rule r
      when sitting_hours > 30
      then long_sitting certainty 0.5
      because "b"
      source s
    """,
    """
    question arch: choice
      ask "Arch?"
      option flat "Flat"
      option high "High"
    contributor flat_feet
      name "Flat feet"
    rule r
      when arch is flat and arch is high
      then flat_feet certainty 0.5
      because "b"
      source s
    """,
    """
    question injury_date: date
      ask "When did it start?"
    contributor recent
      name "Recent"
    rule r
      when injury_date more than 6 weeks ago and injury_date less than 2 weeks ago
      then recent certainty 0.5
      because "b"
      source s
    """,
  ]

  let nonTriggeringExamples = [
    """
    question sitting_hours: number
      ask "Hours sitting?"
      range 0 to 24
    contributor long_sitting
      name "Long sitting"
    rule r
      when sitting_hours > 30 or sitting_hours >= 8
      then long_sitting certainty 0.5
      because "b"
      source s
    """,
    """
    question injury_date: date
      ask "When did it start?"
    contributor recent
      name "Recent"
    rule r
      when injury_date less than 3 months ago and injury_date more than 1 month ago
      then recent certainty 0.5
      because "b"
      source s
    """,
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let knowledgeBase = draft.knowledgeBase
    let analysis = ConditionAnalysis(questions: knowledgeBase.questions, scores: knowledgeBase.scores)
    var withoutDates = analysis
    withoutDates.constrainsDates = false
    // Rules are read in place; only one that can never fire is copied out, to be reported.
    let rules = knowledgeBase.rules
    return rules.indices.compactMap { index in
      guard !analysis.canHold(rules[index].condition) else { return nil }
      let rule = rules[index]
      if withoutDates.canHold(rule.condition), let tests = Self.dateTests(rule.condition, knowledgeBase) {
        return .error(
          code,
          "rule '\(rule.id)' can never fire: no day passes \(tests), whatever the assessment date (a month counts 28 to 31 days, a year 365 or 366)",
          at: draft.ruleConditions[index].range)
      }
      return .error(
        code,
        "rule '\(rule.id)' can never fire: no answers can make its condition hold (check the numbers against each question's range, and tests that contradict each other)",
        at: draft.ruleConditions[index].range)
    }
  }

  /// The date tests of a condition, as written (`injury_date more than 6 weeks ago and
  /// injury_date less than 2 weeks ago`), or nil when it has none.
  private static func dateTests(_ condition: Condition, _ knowledgeBase: KnowledgeBase) -> String? {
    func collect(_ condition: Condition, negated: Bool) -> [String] {
      switch condition {
      case .answer(let question, let test):
        guard case .ago(let more, let amount, let unit) = test else { return [] }
        let text = "\(knowledgeBase.questions[question].id) \(more ? "more" : "less") than \(unit.amount(amount)) ago"
        return [negated ? "not " + text : text]
      case .all(let parts), .any(let parts), .atLeast(_, let parts): return parts.flatMap { collect($0, negated: negated) }
      case .not(let inner): return collect(inner, negated: !negated)
      case .finding, .score: return []
      }
    }
    let tests = collect(condition, negated: false)
    return tests.isEmpty ? nil : "'" + tests.joined(separator: "' and '") + "'"
  }
}
