// MARK: - Compiled conditions

/// A condition with every id resolved to an index and every value typed.
///
/// Compiled once from the syntax tree; the engine evaluates it against answers and the
/// current certainties without looking anything up by name.
package indirect enum Condition: Sendable, Hashable {
  case answer(question: Int, AnswerTest)
  /// A finding's certainty compared with a threshold (`hip_pain` alone is `> 0.2`).
  case finding(Int, ComparisonOperator, Double)
  case score(Int, ScoreTest)
  case all([Condition])
  case any([Condition])
  case not(Condition)
  case atLeast(Int, [Condition])

  /// The threshold a bare finding test uses, as in MYCIN.
  package static let defaultThreshold = 0.2

  /// The questions this condition reads.
  package var questionsRead: [Int] {
    var questions: [Int] = []
    collectQuestions(into: &questions)
    return questions
  }

  /// Appends the questions this condition reads, in order, to `questions`: one array for
  /// the whole walk rather than one per part.
  func collectQuestions(into questions: inout [Int]) {
    switch self {
    case .answer(let question, _): questions.append(question)
    case .finding, .score: break
    case .all(let parts), .any(let parts), .atLeast(_, let parts): for part in parts { part.collectQuestions(into: &questions) }
    case .not(let inner): inner.collectQuestions(into: &questions)
    }
  }

  /// The findings this condition reads, and whether each is read under a `not`.
  func findingsRead(negated: Bool = false) -> [(finding: Int, negated: Bool)] {
    var findings: [(finding: Int, negated: Bool)] = []
    collectFindings(into: &findings, negated: negated)
    return findings
  }

  /// Appends the findings this condition reads, in order, to `findings`.
  func collectFindings(into findings: inout [(finding: Int, negated: Bool)], negated: Bool = false) {
    switch self {
    case .finding(let finding, _, _): findings.append((finding, negated))
    case .answer, .score: break
    case .all(let parts), .any(let parts), .atLeast(_, let parts):
      for part in parts { part.collectFindings(into: &findings, negated: negated) }
    case .not(let inner): inner.collectFindings(into: &findings, negated: !negated)
    }
  }

  /// The questions whose date answer this condition counts back from the assessment date.
  package var questionsDated: [Int] {
    switch self {
    case .answer(let question, .ago): [question]
    case .answer, .finding, .score: []
    case .all(let parts), .any(let parts), .atLeast(_, let parts): parts.flatMap(\.questionsDated)
    case .not(let inner): inner.questionsDated
    }
  }

  /// Whether the condition tests a score's stratum anywhere.
  var testsStratum: Bool {
    switch self {
    case .score(_, .stratum): true
    case .answer, .finding, .score: false
    case .all(let parts), .any(let parts), .atLeast(_, let parts): parts.contains { $0.testsStratum }
    case .not(let inner): inner.testsStratum
    }
  }

  /// The scores this condition reads directly.
  var scoresRead: [Int] {
    var scores: [Int] = []
    collectScores(into: &scores)
    return scores
  }

  /// Appends the scores this condition reads directly, in order, to `scores`.
  func collectScores(into scores: inout [Int]) {
    switch self {
    case .score(let score, _): scores.append(score)
    case .answer, .finding: break
    case .all(let parts), .any(let parts), .atLeast(_, let parts): for part in parts { part.collectScores(into: &scores) }
    case .not(let inner): inner.collectScores(into: &scores)
    }
  }
}

/// A test on one answer.
package enum AnswerTest: Sendable, Hashable {
  /// A yes/no answer is yes (`true`) or no (`false`).
  case yesNo(Bool)
  /// A choice answer is (or, negated, is not) this option.
  case option(Int, negated: Bool)
  /// A choice answer is one of these options.
  case oneOf([Int])
  /// A several-choices answer includes this option.
  case includes(Int)
  /// A number compares so with the bound.
  case compare(ComparisonOperator, Double)
  /// A number equals (or, negated, differs from) the value.
  case equals(Double, negated: Bool)
  /// A number lies in the range, both ends included.
  case between(Double, Double)
  /// The question is (or, negated, is not) answered: never unknown.
  case answered(negated: Bool)
  /// A date answer lies more (or less) than `amount` units before the assessment date.
  case ago(more: Bool, amount: Int, unit: DateUnit)
}

/// The unit of a date condition (`6 weeks ago`): days and weeks count days; months and
/// years count calendar months, so "1 month before 2026-03-31" is 2026-02-28.
package enum DateUnit: String, Sendable, Hashable, CaseIterable {
  case days, weeks, months, years

  /// The unit for a word of a rule file: the plural, or the singular (`1 week ago`).
  package init?(word: String) {
    let plural = word.hasSuffix("s") ? word : word + "s"
    self.init(rawValue: plural)
  }

  /// The day `amount` of these units before `day`.
  package func back(_ amount: Int, from day: CalendarDay) -> CalendarDay {
    switch self {
    case .days: day.adding(days: -amount)
    case .weeks: day.adding(days: -7 * amount)
    case .months: day.adding(months: -amount)
    case .years: day.adding(months: -12 * amount)
    }
  }

  /// `6 weeks`, `1 week`.
  package func amount(_ amount: Int) -> String {
    "\(amount) \(amount == 1 ? String(rawValue.dropLast()) : rawValue)"
  }
}

extension AnswerTest {
  /// Whether a date answered on `day` passes `ago(more:amount:unit:)`, counted back from
  /// `assessed`: "more than 6 weeks ago" holds for a day before the cut-off day (the
  /// assessment date less 6 weeks), "less than 6 weeks ago" for a day after it.
  package static func ago(more: Bool, amount: Int, unit: DateUnit, day: CalendarDay, assessed: CalendarDay) -> Bool {
    let cutoff = unit.back(amount, from: assessed)
    return more ? day < cutoff : day > cutoff
  }
}

/// A test on a score.
package enum ScoreTest: Sendable, Hashable {
  /// The total compares so with the bound (in thousandths).
  case compare(ComparisonOperator, Int)
  /// The total equals (or differs from) the value (in thousandths).
  case equals(Int, negated: Bool)
  case between(Int, Int)
  /// The score is (or is not) in this stratum.
  case stratum(Int, negated: Bool)
}
