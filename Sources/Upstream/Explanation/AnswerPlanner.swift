// MARK: - Which answers would make a condition hold

/// Finds answers that would make a rule's condition hold (or fail), starting from the
/// answers given: the fewest changes, preferring earlier alternatives on a tie.
///
/// A test on an answer names the answer directly; a test on a finding is met through the
/// rules that conclude it (the cheapest one for "present", every firing one for
/// "absent"), to a bounded depth. A test on a score is not turned into answers: it is
/// reported as a requirement. A date test (`injury_date more than 6 weeks ago`) gets a day
/// when the assessment date is known: the day before the cut-off for "more than", the
/// assessment date itself for "less than"; without one, none. The plan is a proposal; `WhyNot` re-assesses with it to
/// check that the rule really fires.
struct AnswerPlanner {
  /// A change to one answer.
  enum Change: Hashable {
    /// Set the answer.
    case set(AnswerValue)
    /// Add and remove options of a several-choices answer.
    case options(add: Set<Int>, remove: Set<Int>)
  }

  /// Answer changes, with the tests that asked for them, and requirements no answer meets.
  struct Plan {
    var changes: [Int: Change] = [:]
    var tests: [Int: [String]] = [:]
    var unmet: [String] = []

    var cost: Int { changes.count + 10 * unmet.count }

    /// Both plans at once, or nil when they ask different answers of the same question.
    func merged(with other: Plan) -> Plan? {
      var result = self
      for (question, change) in other.changes {
        guard let existing = result.changes[question] else {
          result.changes[question] = change
          continue
        }
        switch (existing, change) {
        case (.set(let a), .set(let b)) where a == b: break
        case (.options(let addA, let removeA), .options(let addB, let removeB)):
          let add = addA.union(addB)
          let remove = removeA.union(removeB)
          guard add.isDisjoint(with: remove) else { return nil }
          result.changes[question] = .options(add: add, remove: remove)
        default: return nil
        }
      }
      for (question, tests) in other.tests { result.tests[question, default: []] += tests }
      result.unmet += other.unmet.filter { !result.unmet.contains($0) }
      return result
    }
  }

  private let assessment: Assessment
  private let kb: KnowledgeBase
  private static let maximumDepth = 6

  init(_ assessment: Assessment) {
    self.assessment = assessment
    kb = assessment.knowledgeBase
  }

  // MARK: Conditions

  /// A plan that makes the condition hold, or nil when none was found.
  func satisfy(_ condition: Condition, depth: Int = 0) -> Plan? {
    if assessment.trace(condition).outcome.isHolding { return Plan() }
    guard depth <= Self.maximumDepth else { return nil }
    switch condition {
    case .answer(let question, let test):
      return value(test, question: question, holding: true).map { plan(question, $0, test: test, holding: true) }
    case .finding(let finding, let op, _):
      return op == .greater || op == .greaterOrEqual ? raise(finding, depth: depth) : lower(finding, depth: depth)
    case .score:
      return Plan(unmet: [ConditionText.describe(condition, in: kb)])
    case .all(let parts): return mergeAll(parts.map { satisfy($0, depth: depth) })
    case .any(let parts): return cheapest(parts.map { satisfy($0, depth: depth) })
    case .not(let inner): return falsify(inner, depth: depth)
    case .atLeast(let count, let parts):
      let holding = parts.filter { assessment.trace($0).outcome.isHolding }.count
      let options = parts.filter { !assessment.trace($0).outcome.isHolding }.map { satisfy($0, depth: depth) }
      return cheapest(count - holding, of: options)
    }
  }

  /// A plan that makes the condition fail, or nil when none was found.
  func falsify(_ condition: Condition, depth: Int = 0) -> Plan? {
    if case .fails = assessment.trace(condition).outcome { return Plan() }
    guard depth <= Self.maximumDepth else { return nil }
    switch condition {
    case .answer(let question, let test):
      return value(test, question: question, holding: false).map { plan(question, $0, test: test, holding: false) }
    case .finding(let finding, let op, _):
      return op == .greater || op == .greaterOrEqual ? lower(finding, depth: depth) : raise(finding, depth: depth)
    case .score:
      return Plan(unmet: ["not " + ConditionText.describe(condition, in: kb)])
    case .all(let parts): return cheapest(parts.map { falsify($0, depth: depth) })
    case .any(let parts): return mergeAll(parts.map { falsify($0, depth: depth) })
    case .not(let inner): return satisfy(inner, depth: depth)
    case .atLeast(let count, let parts):
      let notFailing = parts.filter { if case .fails = assessment.trace($0).outcome { false } else { true } }
      return cheapest(notFailing.count - (count - 1), of: notFailing.map { falsify($0, depth: depth) })
    }
  }

  /// Makes a finding present: the cheapest rule for it that has not fired, made to fire.
  private func raise(_ finding: Int, depth: Int) -> Plan? {
    let fired = Set(assessment.firings.map(\.rule))
    let candidates = kb.rulesConcludingFinding[finding].filter { rule in
      !fired.contains(rule)
        && kb.rules[rule].conclusions.contains {
          if case .certainty(finding, let certainty) = $0 { certainty > 0 } else { false }
        }
    }
    return cheapest(candidates.map { satisfy(kb.rules[$0].condition, depth: depth + 1) })
  }

  /// Makes a finding absent: every rule for it that fired or is undecided, made to fail.
  private func lower(_ finding: Int, depth: Int) -> Plan? {
    let result = assessment.findings[finding]
    let rules = result.evidence.filter { $0.certainty > 0 }.map(\.rule) + result.undecidedRules
    return mergeAll(rules.map { falsify(kb.rules[$0].condition, depth: depth + 1) })
  }

  // MARK: Combining plans

  private func mergeAll(_ plans: [Plan?]) -> Plan? {
    var result = Plan()
    for plan in plans {
      guard let plan, let merged = result.merged(with: plan) else { return nil }
      result = merged
    }
    return result
  }

  private func cheapest(_ plans: [Plan?]) -> Plan? {
    var best: Plan?
    for case let plan? in plans where best.map({ plan.cost < $0.cost }) ?? true { best = plan }
    return best
  }

  /// The `needed` cheapest plans merged (greedily), or nil when there are not enough.
  private func cheapest(_ needed: Int, of plans: [Plan?]) -> Plan? {
    guard needed > 0 else { return Plan() }
    let available = plans.compactMap { $0 }.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }
    var result = Plan()
    var taken = 0
    for (_, plan) in available where taken < needed {
      guard let merged = result.merged(with: plan) else { continue }
      result = merged
      taken += 1
    }
    return taken == needed ? result : nil
  }

  // MARK: Answers

  private func plan(_ question: Int, _ change: Change, test: AnswerTest, holding: Bool) -> Plan {
    let text = ConditionText.describe(test, kb.questions[question])
    return Plan(changes: [question: change], tests: [question: [holding ? text : "not " + text]])
  }

  /// An answer for which the test holds (or, with `holding` false, fails).
  private func value(_ test: AnswerTest, question index: Int, holding: Bool) -> Change? {
    let question = kb.questions[index]
    let options = question.kind.options
    switch test {
    case .yesNo(let yes): return .set(yes == holding ? .yes : .no)
    case .option(let option, let negated):
      if holding != negated { return options.indices.contains(option) ? .set(.option(options[option].id)) : nil }
      return options.indices.first { $0 != option }.map { .set(.option(options[$0].id)) }
    case .oneOf(let chosen):
      let pick = holding ? chosen.first : options.indices.first { !chosen.contains($0) }
      return pick.flatMap { options.indices.contains($0) ? .set(.option(options[$0].id)) : nil }
    case .includes(let option): return holding ? .options(add: [option], remove: []) : .options(add: [], remove: [option])
    case .compare(let op, let bound):
      let wanted = holding ? op : op.inverse
      return number(question) { whole in
        switch wanted {
        case .greater: whole ? (bound + 1).rounded(.down) : bound + 1
        case .greaterOrEqual: whole ? bound.rounded(.up) : bound
        case .less: whole ? (bound - 1).rounded(.up) : bound - 1
        case .lessOrEqual: whole ? bound.rounded(.down) : bound
        }
      }
    case .equals(let expected, let negated):
      if holding != negated { return number(question) { _ in expected } }
      return number(question) { _ in expected + 1 } ?? number(question) { _ in expected - 1 }
    case .between(let low, let high):
      if holding { return number(question) { whole in whole ? low.rounded(.up) : low } }
      return number(question) { whole in whole ? low.rounded(.up) - 1 : low - 1 }
        ?? number(question) { whole in whole ? high.rounded(.down) + 1 : high + 1 }
    case .answered(let negated):
      // Taking an answer away is not a change an answer can make; giving one is.
      return holding != negated ? anyAnswer(question) : nil
    case .ago(let more, let amount, let unit):
      // Which day passes depends on the assessment date: none known, no answer is proposed.
      guard let assessed = assessment.answers.assessmentDate else { return nil }
      let cutoff = unit.back(amount, from: assessed)
      let olderDay = cutoff.adding(days: -1)  // passes "more than", fails "less than"
      let recentDay = amount > 0 ? assessed : assessed.adding(days: 1)  // the reverse
      return .set(.date(more == holding ? olderDay : recentDay))
    }
  }

  /// Some answer to the question, for a test that only asks whether it is answered.
  private func anyAnswer(_ question: Question) -> Change? {
    switch question.kind {
    case .yesNo: .set(.yes)
    case .number, .scale: number(question) { _ in question.kind.numberRange?.lowerBound ?? 0 }
    case .choice(let options): options.first.map { .set(.option($0.id)) }
    case .choices: .options(add: [], remove: [])
    case .text: .set(.text("…"))
    case .date: assessment.answers.assessmentDate.map { .set(.date($0)) }
    }
  }

  /// A number answer, if it is within the question's range (and whole when it must be).
  private func number(_ question: Question, _ pick: (Bool) -> Double) -> Change? {
    let whole = if case .number(_, _, _, let decimals) = question.kind { !decimals } else { true }
    let value = pick(whole)
    guard let range = question.kind.numberRange, range.contains(value), !whole || value == value.rounded() else { return nil }
    return .set(.number(value))
  }

  /// The answers with a plan's changes applied.
  func apply(_ plan: Plan, to answers: Answers) -> Answers {
    var result = answers
    for (index, change) in plan.changes {
      result[kb.questions[index].id] = answer(change, question: index, current: answers[kb.questions[index].id])
    }
    return result
  }

  /// The answer a change gives, from the current one.
  func answer(_ change: Change, question index: Int, current: AnswerValue?) -> AnswerValue {
    switch change {
    case .set(let value): return value
    case .options(let add, let remove):
      let options = kb.questions[index].kind.options
      var chosen = Set<Int>()
      if case .options(let ids)? = current { chosen = Set(ids.compactMap { kb.questions[index].optionIndex($0) }) }
      chosen.formUnion(add)
      chosen.subtract(remove)
      return .options(chosen.sorted().map { options[$0].id })
    }
  }
}

extension ComparisonOperator {
  /// The operator that holds exactly when this one fails.
  var inverse: ComparisonOperator {
    switch self {
    case .greater: .lessOrEqual
    case .greaterOrEqual: .less
    case .less: .greaterOrEqual
    case .lessOrEqual: .greater
    }
  }
}
