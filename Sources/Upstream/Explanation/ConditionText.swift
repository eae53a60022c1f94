// MARK: - Conditions as text

/// Writes a compiled condition back in the rule language, for explanations and reports.
///
/// `arch_shape is flat and (sitting_hours >= 7 or not hip_pain)`; parentheses only where
/// needed.
package enum ConditionText {
  /// The condition as rule-language text.
  package static func describe(_ condition: Condition, in knowledgeBase: KnowledgeBase) -> String {
    describe(condition, knowledgeBase, parent: 0)
  }

  /// Precedence: 0 top, 1 inside `or`, 2 inside `and`, 3 inside `not`.
  private static func describe(_ condition: Condition, _ kb: KnowledgeBase, parent: Int) -> String {
    switch condition {
    case .answer(let question, let test): return describe(test, kb.questions[question])
    case .finding(let finding, let op, let bound):
      let id = kb.findings[finding].id
      return op == .greater && bound == Condition.defaultThreshold ? id : "\(id) certainty \(op.rawValue) \(NumberText.plain(bound))"
    case .score(let score, let test):
      let id = kb.scores[score].id
      switch test {
      case .compare(let op, let bound): return "\(id) \(op.rawValue) \(NumberText.plain(Double(bound) / 1000))"
      case .equals(let value, let negated): return "\(id) is \(negated ? "not " : "")\(NumberText.plain(Double(value) / 1000))"
      case .between(let low, let high): return "\(id) between \(NumberText.plain(Double(low) / 1000)) and \(NumberText.plain(Double(high) / 1000))"
      case .stratum(let stratum, let negated): return "\(id) is \(negated ? "not " : "")\(kb.scores[score].strata[stratum].id)"
      }
    case .all(let parts):
      let text = parts.map { describe($0, kb, parent: 2) }.joined(separator: " and ")
      return parent > 2 ? "(\(text))" : text
    case .any(let parts):
      let text = parts.map { describe($0, kb, parent: 1) }.joined(separator: " or ")
      return parent > 1 ? "(\(text))" : text
    case .not(let inner): return "not " + describe(inner, kb, parent: 3)
    case .atLeast(let count, let parts):
      return "at least \(count) of (" + parts.map { describe($0, kb, parent: 0) }.joined(separator: ", ") + ")"
    }
  }

  /// One answer test as text: `arch_shape is flat`, `sitting_hours >= 7`.
  static func describe(_ test: AnswerTest, _ question: Question) -> String {
    let id = question.id
    let options = question.kind.options
    func option(_ index: Int) -> String { index < options.count ? options[index].id : "?" }
    switch test {
    case .yesNo(let yes): return yes ? id : "\(id) is no"
    case .option(let index, let negated): return "\(id) is \(negated ? "not " : "")\(option(index))"
    case .oneOf(let indices): return "\(id) in (\(indices.map(option).joined(separator: ", ")))"
    case .includes(let index): return "\(id) includes \(option(index))"
    case .compare(let op, let bound): return "\(id) \(op.rawValue) \(NumberText.plain(bound))"
    case .equals(let value, let negated): return "\(id) is \(negated ? "not " : "")\(NumberText.plain(value))"
    case .between(let low, let high): return "\(id) between \(NumberText.plain(low)) and \(NumberText.plain(high))"
    case .answered(let negated): return "\(id) is \(negated ? "not " : "")answered"
    case .ago(let more, let amount, let unit): return "\(id) \(more ? "more" : "less") than \(unit.amount(amount)) ago"
    }
  }
}
