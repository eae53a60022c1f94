// MARK: - Deciding one test

/// How a condition's tests decide, in one place: an answer test against an answer, a
/// finding test over the range of certainties the finding could still reach, a score test
/// over the range of totals, and the plan's flat answer steps (`EvaluationPlan`).
///
/// The engine decides with these, and so do the explanations and the questionnaire when
/// they replay a test to say why it held or whether a question is still relevant: they use
/// `ConditionMatcher`, never the engine's working memory (`Run`), so they cannot disagree
/// with the engine and the engine's internals stay its own.
struct ConditionMatcher {
  private var run: Run

  /// Decides conditions on answers alone, before any rule has run: how the questionnaire
  /// decides whether a question's `ask when` holds given the answers so far.
  init(_ knowledgeBase: KnowledgeBase, _ answers: Answers) {
    run = Run(knowledgeBase, AnswerSheet(answers, for: knowledgeBase))
  }

  /// Evaluates a condition to holds (with a certainty), fails or unknown.
  mutating func match(_ condition: Condition) -> Truth { run.match(condition) }

  /// Evaluates a test on one answer; an unknown answer gives unknown.
  static func match(_ test: AnswerTest, _ slot: AnswerSheet.Slot) -> Truth {
    func truth(_ flag: Bool) -> Truth { flag ? .holds(1) : .fails }
    switch (test, slot) {
    case (.answered(let negated), _): return truth((slot != .unknown) != negated)
    case (_, .unknown): return .unknown
    case (.yesNo(let expected), .yesNo(let answer)): return truth(expected == answer)
    case (.option(let option, let negated), .option(let answer)): return truth((option == answer) != negated)
    case (.oneOf(let options), .option(let answer)): return truth(options.contains(answer))
    case (.includes(let option), .options(let mask)): return truth(mask & (UInt64(1) << UInt64(option)) != 0)
    case (.compare(let op, let bound), .number(let value)): return truth(op.holds(value, bound))
    case (.equals(let expected, let negated), .number(let value)): return truth((value == expected) != negated)
    case (.between(let low, let high), .number(let value)): return truth(value >= low && value <= high)
    case (.ago(let more, let amount, let unit), .date(let day, let assessed)):
      guard let assessed else { return .unknown }
      return truth(AnswerTest.ago(more: more, amount: amount, unit: unit, day: day, assessed: assessed))
    default: return .unknown
    }
  }

  /// Evaluates a finding test over the range of certainties the finding could still reach.
  static func match(_ result: FindingResult, _ op: ComparisonOperator, _ bound: Double) -> Truth {
    match(certainty: result.certainty, lowest: result.lowest, highest: result.highest, op, bound)
  }

  /// Evaluates a finding test: decided only if it holds (or fails) over the whole range.
  static func match(certainty: Double, lowest: Double, highest: Double, _ op: ComparisonOperator, _ bound: Double) -> Truth {
    let atLowest = op.holds(lowest, bound)
    let atHighest = op.holds(highest, bound)
    if atLowest && atHighest {
      // A test that a finding is present carries its certainty; a test that it is weak
      // or absent is certain when it holds.
      return .holds(op == .greater || op == .greaterOrEqual ? certainty : 1)
    }
    return !atLowest && !atHighest ? .fails : .unknown
  }

  /// Evaluates a score test over the range of totals the score could still reach.
  static func match(_ test: ScoreTest, low: Int, high: Int, stratum: (stratum: Int?, decided: Bool)) -> Truth {
    func decide(_ atLow: Bool, _ atHigh: Bool) -> Truth {
      atLow && atHigh ? .holds(1) : (!atLow && !atHigh ? .fails : .unknown)
    }
    switch test {
    case .compare(let op, let bound): return decide(op.holds(Double(low), Double(bound)), op.holds(Double(high), Double(bound)))
    case .equals(let value, let negated):
      let outcome: Truth = low == high ? (low == value ? .holds(1) : .fails) : ((low...high).contains(value) ? .unknown : .fails)
      return negated ? outcome.negated : outcome
    case .between(let a, let b):
      if low >= a && high <= b { return .holds(1) }
      return high < a || low > b ? .fails : .unknown
    case .stratum(let target, let negated):
      guard stratum.decided else { return .unknown }
      let outcome: Truth = stratum.stratum == target ? .holds(1) : .fails
      return negated ? outcome.negated : outcome
    }
  }

  /// The outcome of an answer test step on a slot, exactly as `match(_:_:)` decides it.
  ///
  /// Inlined into the engine's loop over steps, which runs it for most steps.
  @inline(__always)
  static func matchAnswer(_ step: EvaluationPlan.Step, _ slot: AnswerSheet.Slot) -> Truth {
    func truth(_ flag: Bool) -> Truth { flag ? .holds(1) : .fails }
    switch (step.operation, slot) {
    case (.answered, _): return truth((slot != .unknown) != step.negated)
    case (_, .unknown): return .unknown
    case (.yesNo, .yesNo(let answer)): return truth(answer != step.negated)
    case (.option, .option(let answer)): return truth((Int32(answer) == step.argument) != step.negated)
    case (.oneOf, .option(let answer)): return truth(step.mask & (UInt64(1) << UInt64(answer)) != 0)
    case (.includes, .options(let mask)): return truth(mask & (UInt64(1) << UInt64(step.argument)) != 0)
    case (.compare, .number(let value)): return truth(step.comparison.holds(value, step.low))
    case (.equals, .number(let value)): return truth((value == step.low) != step.negated)
    case (.between, .number(let value)): return truth(value >= step.low && value <= step.high)
    case (.ago, .date(let day, let assessed)):
      guard let assessed else { return .unknown }
      let unit = DateUnit.allCases[Int(step.mask)]
      return truth(AnswerTest.ago(more: !step.negated, amount: Int(step.argument), unit: unit, day: day, assessed: assessed))
    default: return .unknown
    }
  }
}

// MARK: - Wording that depends on the answers

extension KnowledgeBase {
  /// A recommendation's dose and instructions for these answers: for each, the first
  /// `when` variant whose condition holds, else the plain wording.
  package func wording(of recommendation: Int, for answers: Answers) -> (dose: String?, instructions: String?) {
    let declared = recommendations[recommendation]
    guard !declared.doseVariants.isEmpty || !declared.instructionVariants.isEmpty else {
      return (declared.dose, declared.instructions)
    }
    var matcher = ConditionMatcher(self, answers)
    func firstHolding(_ variants: [Recommendation.Variant]) -> String? {
      variants.first { matcher.match($0.condition).isHolding }?.text
    }
    return (firstHolding(declared.doseVariants) ?? declared.dose, firstHolding(declared.instructionVariants) ?? declared.instructions)
  }
}

extension KnowledgeBase {
  /// The safety-netting advice for these answers: each item's lead with the warning signs
  /// whose condition the answers do not rule out (an unknown answer keeps a sign, so
  /// someone who did not say keeps the warning); an item with signs, none of them left,
  /// is left out.
  package func safetyNetting(for answers: Answers) -> [String] {
    guard header.safetyNettingItems.contains(where: { $0.signs.contains { $0.condition != nil } }) else {
      return header.safetyNetting
    }
    var matcher = ConditionMatcher(self, answers)
    return header.safetyNettingItems.compactMap { item in
      guard !item.signs.isEmpty else { return item.lead }
      let shown = item.signs.filter { matcher.leavesOpen($0.condition) }
      return shown.isEmpty ? nil : ([item.lead] + shown.map(\.text)).joined(separator: " ")
    }
  }

  /// A question's options offered with these answers: those whose `when` the answers do
  /// not rule out (an unknown answer keeps an option), so a follow-up never offers what an
  /// earlier answer contradicts ("no pain" after a painful knee).
  package func offeredOptions(of question: Question, for answers: Answers) -> [Question.Option] {
    guard !question.optionConditions.isEmpty else { return question.kind.options }
    var matcher = ConditionMatcher(self, answers)
    return question.kind.options.filter { matcher.leavesOpen(question.optionConditions[$0.id]) }
  }

  /// A question as put to someone with these answers: the first `wording when` that holds
  /// on them, else its wording. Explanations quote the words the person was shown.
  package func wording(of question: Question, given answers: Answers) -> String {
    guard !question.wordingVariants.isEmpty else { return question.wording }
    var matcher = ConditionMatcher(self, answers)
    return question.wordingVariants.first { matcher.match($0.condition).isHolding }?.text ?? question.wording
  }
}

extension ConditionMatcher {
  /// Whether the answers leave a condition open: it holds or is still unknown (no
  /// condition at all is open). What a sign or an option shown "unless the answers rule
  /// it out" is shown under.
  mutating func leavesOpen(_ condition: Condition?) -> Bool {
    guard let condition else { return true }
    if case .fails = match(condition) { return false }
    return true
  }
}
