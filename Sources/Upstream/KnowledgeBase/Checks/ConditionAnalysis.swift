// MARK: - Can a condition ever hold?

/// Decides whether a condition can possibly hold for some set of answers.
///
/// Used by the checks for rules that can never fire. The analysis is sound in one
/// direction: `canHold` returns false only when no answers at all could satisfy the
/// condition (contradictory tests on one question inside an `and`, a number outside the
/// question's range, a score outside its declared range, date tests no day passes). It
/// does not try harder than a reviewer would: across an `or` it only asks whether some
/// branch can hold.
///
/// Date tests (`injury_date more than 6 weeks ago`) count back from an assessment date
/// that is not known here, so they bound the answer's age in days (the assessment date
/// less the day) by what holds for every assessment date: a month is 28 to 31 days, a
/// year 365 or 366. `more than 6 weeks ago and less than 2 weeks ago` is then an age over
/// 42 days and under 14: impossible on any day.
struct ConditionAnalysis {
  let questions: [Question]
  let scores: [Score]
  /// Whether date tests are drawn into constraints (false: they are taken as always
  /// possible, to tell whether the dates are what makes a condition impossible).
  var constrainsDates = true
  /// Each question's constraint before any test, worked out once rather than per condition.
  private let unconstrained: [Constraint]

  init(questions: [Question], scores: [Score]) {
    self.questions = questions
    self.scores = scores
    unconstrained = questions.map { Constraint($0.kind) }
  }

  /// Whether some answers could make `condition` hold.
  func canHold(_ condition: Condition) -> Bool {
    var gathering = Gathering(self)
    guard gathering.gather(condition, negated: false) else { return false }
    return othersCanHold(gathering.others)
  }

  /// Whether some answers could make every condition hold at once.
  func canHoldAll(_ conditions: [Condition]) -> Bool {
    var gathering = Gathering(self)
    for condition in conditions where !gathering.gather(condition, negated: false) { return false }
    return othersCanHold(gathering.others)
  }

  /// Whether each `or` and `at least` set aside while gathering can still hold.
  private func othersCanHold(_ others: [Condition]) -> Bool {
    for condition in others {
      switch condition {
      case .any(let parts): if !parts.contains(where: { canHold($0) }) { return false }
      case .atLeast(let count, let parts):
        var holding = 0
        for part in parts where canHold(part) { holding += 1 }
        if holding < count { return false }
      default: break
      }
    }
    return true
  }

  /// The tests of one `and` (and of `not` around an `or`), drawn into a constraint per
  /// question, with the parts that branch set aside.
  private struct Gathering {
    let analysis: ConditionAnalysis
    /// The constraints of the questions tested so far, in the order first tested.
    private var constraints: [Constraint] = []
    private var constrained: [Int] = []
    /// Where each question's constraint is, once a condition tests many questions (below
    /// that, a look along `constrained` is quicker than hashing).
    private var position: [Int: Int] = [:]
    var others: [Condition] = []

    init(_ analysis: ConditionAnalysis) { self.analysis = analysis }

    private static let hashedFrom = 16

    private func slot(of question: Int) -> Int? {
      if constrained.count >= Self.hashedFrom { return position[question] }
      return constrained.firstIndex(of: question)
    }

    mutating func gather(_ condition: Condition, negated: Bool) -> Bool {
      switch (condition, negated) {
      case (.all(let parts), false), (.any(let parts), true):
        for part in parts where !gather(part, negated: negated) { return false }
        return true
      case (.not(let inner), _):
        return gather(inner, negated: !negated)
      case (.answer(let question, let test), _):
        if case .ago = test, !analysis.constrainsDates { return true }
        let index: Int
        if let found = slot(of: question) {
          index = found
        } else {
          index = constraints.count
          constraints.append(analysis.unconstrained[question])
          constrained.append(question)
          if constrained.count == Self.hashedFrom {
            for (at, each) in constrained.enumerated() { position[each] = at }
          } else if constrained.count > Self.hashedFrom {
            position[question] = index
          }
        }
        constraints[index].apply(test, negated: negated)
        return !constraints[index].isEmpty
      case (.score(let score, let test), false):
        return analysis.scoreTestCanHold(score, test)
      case (.finding(_, let op, let bound), _):
        // Certainties lie in -1…1 and the comparisons are monotone, so the ends decide.
        return negated ? !op.holds(1, bound) || !op.holds(-1, bound) : op.holds(1, bound) || op.holds(-1, bound)
      default:
        others.append(negated ? .not(condition) : condition)
        return true
      }
    }
  }

  fileprivate func scoreTestCanHold(_ score: Int, _ test: ScoreTest) -> Bool {
    guard let range = scores[score].range else { return true }
    let low = Int((range.lowerBound * 1000).rounded())
    let high = Int((range.upperBound * 1000).rounded())
    switch test {
    case .compare(let op, let bound):
      return op.holds(Double(low), Double(bound)) || op.holds(Double(high), Double(bound))
    case .equals(let value, let negated): return negated || (low...high).contains(value)
    case .between(let a, let b): return a <= high && b >= low && a <= b
    case .stratum: return true
    }
  }
}

/// What answers to one question remain possible under the tests seen so far.
private struct Constraint {
  /// Which yes/no answers remain: bit 1 yes, bit 0 no.
  var yesNo: UInt8 = 0b11
  var options: UInt64 = 0
  var required: UInt64 = 0
  var excluded: UInt64 = 0
  var low = -Double.infinity
  var high = Double.infinity
  var excludedPoints: [Double] = []
  /// Whether the question may be answered (bit 1) or unanswered (bit 0).
  var answered: UInt8 = 0b11
  /// The fewest and most days a date answer may lie before the assessment date (negative:
  /// after it).
  var ageLow = Int.min
  var ageHigh = Int.max
  /// The question's type, without its options (only their number matters here).
  private let shape: Shape
  private let wholeNumbers: Bool

  private enum Shape { case yesNo, number, choice, choices, text, date }

  init(_ kind: Question.Kind) {
    switch kind {
    case .yesNo: shape = .yesNo
    case .number, .scale: shape = .number
    case .choice: shape = .choice
    case .choices: shape = .choices
    case .text: shape = .text
    case .date: shape = .date
    }
    switch kind {
    case .number(_, _, _, let decimals): wholeNumbers = !decimals
    case .scale: wholeNumbers = true
    default: wholeNumbers = false
    }
    let count = kind.options.count
    options = count >= 64 ? .max : (UInt64(1) << UInt64(count)) - 1
    if let range = kind.numberRange {
      low = range.lowerBound
      high = range.upperBound
    }
  }

  mutating func apply(_ test: AnswerTest, negated: Bool) {
    switch test {
    case .yesNo(let value): yesNo &= (value != negated) ? 0b10 : 0b01
    case .option(let option, let isNot):
      let bit = UInt64(1) << UInt64(option)
      options &= (isNot != negated) ? ~bit : bit
    case .oneOf(let list):
      let mask = list.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) }
      options &= negated ? ~mask : mask
    case .includes(let option):
      if negated { excluded |= UInt64(1) << UInt64(option) } else { required |= UInt64(1) << UInt64(option) }
    case .compare(let op, let bound):
      switch (op, negated) {
      case (.greater, false), (.lessOrEqual, true): raiseLow(bound, strict: true)
      case (.greaterOrEqual, false), (.less, true): raiseLow(bound, strict: false)
      case (.less, false), (.greaterOrEqual, true): lowerHigh(bound, strict: true)
      case (.lessOrEqual, false), (.greater, true): lowerHigh(bound, strict: false)
      }
    case .equals(let value, let isNot):
      if isNot != negated {
        excludedPoints.append(value)
      } else {
        raiseLow(value, strict: false)
        lowerHigh(value, strict: false)
      }
    case .between(let a, let b):
      if !negated {
        raiseLow(a, strict: false)
        lowerHigh(b, strict: false)
      }
    case .answered(let isNot): answered &= (isNot == negated) ? 0b10 : 0b01
    case .ago(let more, let amount, let unit):
      // The cut-off lies `span` days before the assessment date, whichever day that is.
      let span = Self.days(amount, unit)
      switch (more, negated) {
      case (true, false): ageLow = max(ageLow, span.lowerBound + 1)  // older than the cut-off
      case (true, true): ageHigh = min(ageHigh, span.upperBound)  // not older
      case (false, false): ageHigh = min(ageHigh, span.upperBound - 1)  // newer than the cut-off
      case (false, true): ageLow = max(ageLow, span.lowerBound)  // not newer
      }
    }
  }

  /// How many days `amount` units before an assessment date can be, over every date.
  private static func days(_ amount: Int, _ unit: DateUnit) -> ClosedRange<Int> {
    switch unit {
    case .days: amount...amount
    case .weeks: (7 * amount)...(7 * amount)
    case .months: (28 * amount)...(31 * amount)
    case .years: (365 * amount)...(366 * amount)
    }
  }

  private mutating func raiseLow(_ bound: Double, strict: Bool) {
    var value = bound
    if wholeNumbers { value = strict ? bound.rounded(.down) + 1 : bound.rounded(.up) } else if strict { value = bound.nextUp }
    low = max(low, value)
  }

  private mutating func lowerHigh(_ bound: Double, strict: Bool) {
    var value = bound
    if wholeNumbers { value = strict ? bound.rounded(.up) - 1 : bound.rounded(.down) } else if strict { value = bound.nextDown }
    high = min(high, value)
  }

  /// Whether no answer satisfies every test.
  var isEmpty: Bool {
    if answered == 0 { return true }
    switch shape {
    case .text: return false
    case .date: return ageLow > ageHigh
    case .yesNo: return yesNo == 0
    case .choice: return options == 0
    case .choices: return required & excluded != 0
    case .number:
      if low > high { return true }
      if low == high { return excludedPoints.contains(low) }
      return false
    }
  }
}
