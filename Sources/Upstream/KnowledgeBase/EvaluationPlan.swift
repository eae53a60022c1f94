// MARK: - The evaluation plan

/// Every rule's condition compiled to one flat program of plain values.
///
/// A condition tree is written out in postfix order (parts before the `and`, `or`, `not`
/// or `at least` that combines them) as `Step`s holding only integers and numbers, so the
/// engine evaluates a rule with a loop and a small stack: no references to count, nothing
/// looked up by name, nothing allocated. `InferenceEngine` uses it for rules; the condition
/// trees remain for explanations, which `EvaluationPlanTests` keeps in agreement.
///
/// A rule whose whole condition is an `and` stops at its first part that fails: the last
/// step of each such part is marked `failsRule`, since one failing part fails the rule
/// whatever the others give (most rules fail, most of them on an early part).
///
/// Every rule's conclusions are laid out the same way, one after another in one flat list,
/// so applying a rule that fires reads memory next to the last one it read, not a list of
/// its own somewhere on the heap (on a knowledge base of 10,000 rules, that read was a
/// cache miss on nearly every firing).
struct EvaluationPlan: Sendable {
  /// What a step does.
  enum Operation: UInt8, Sendable {
    case yesNo, option, oneOf, includes, compare, equals, between, answered, ago, finding, score
    case all, any, not, atLeast
  }

  /// One step: a test that pushes an outcome, or a combination that pops `count` of them.
  struct Step: Sendable {
    var operation: Operation
    var comparison: ComparisonOperator = .greater
    var negated = false
    /// The question, finding or score tested; the number of parts for a combination.
    var subject: Int32 = 0
    /// The option index, the score test's index in `scoreTests`, or `at least`'s N.
    var argument: Int32 = 0
    /// Whether this step ends a part of the rule's top-level `and`, so that the rule fails
    /// here when the part does (the remaining parts need not run).
    var failsRule = false
    var mask: UInt64 = 0
    var low = 0.0
    var high = 0.0
  }

  private(set) var steps: [Step] = []
  /// Rule `r`'s program is `steps[ruleStart[r]..<ruleStart[r + 1]]`.
  private(set) var ruleStart: [Int] = [0]
  private(set) var scoreTests: [ScoreTest] = []
  /// Every rule's conclusions, rule after rule: rule `r`'s are
  /// `conclusions[conclusionStart[r]..<conclusionStart[r + 1]]`, in the order written.
  private(set) var conclusions: [Conclusion] = []
  private(set) var conclusionStart: [Int] = [0]

  /// Where rule `rule`'s conclusions are in `conclusions`.
  @inline(__always)
  func conclusions(of rule: Int) -> Range<Int> { conclusionStart[rule]..<conclusionStart[rule + 1] }
  /// The most outcomes any program holds at once, to size the stack.
  private(set) var deepestStack = 1

  init(_ rules: [Rule]) {
    steps.reserveCapacity(rules.count * 4)
    conclusionStart.reserveCapacity(rules.count + 1)
    for rule in rules {
      conclusions.append(contentsOf: rule.conclusions)
      conclusionStart.append(conclusions.count)
    }
    for index in rules.indices {
      var depth = 0
      let condition = rules[index].condition
      if case .all(let parts) = condition {
        for (offset, part) in parts.enumerated() {
          append(part, depth: &depth, current: offset)
          steps[steps.count - 1].failsRule = true
        }
        steps.append(Step(operation: .all, subject: Int32(parts.count)))
        deepestStack = max(deepestStack, 1)
      } else {
        append(condition, depth: &depth, current: 0)
      }
      ruleStart.append(steps.count)
    }
  }

  /// Writes a condition in postfix order; `current` is the stack height before it.
  private mutating func append(_ condition: Condition, depth: inout Int, current: Int) {
    func push(_ step: Step) {
      steps.append(step)
      deepestStack = max(deepestStack, current + 1)
    }
    func parts(_ list: [Condition]) {
      for (offset, part) in list.enumerated() { append(part, depth: &depth, current: current + offset) }
    }
    switch condition {
    case .answer(let question, let test):
      var step = Step(operation: .yesNo, subject: Int32(question))
      switch test {
      case .yesNo(let yes): step.negated = !yes
      case .option(let option, let negated):
        step.operation = .option
        step.argument = Int32(option)
        step.negated = negated
      case .oneOf(let options):
        step.operation = .oneOf
        step.mask = options.reduce(0) { $0 | (UInt64(1) << UInt64($1)) }
      case .includes(let option):
        step.operation = .includes
        step.argument = Int32(option)
      case .compare(let op, let bound):
        step.operation = .compare
        step.comparison = op
        step.low = bound
      case .equals(let value, let negated):
        step.operation = .equals
        step.low = value
        step.negated = negated
      case .between(let low, let high):
        step.operation = .between
        step.low = low
        step.high = high
      case .answered(let negated):
        step.operation = .answered
        step.negated = negated
      case .ago(let more, let amount, let unit):
        step.operation = .ago
        step.negated = !more
        step.argument = Int32(clamping: amount)
        step.mask = UInt64(DateUnit.allCases.firstIndex(of: unit) ?? 0)
      }
      push(step)
    case .finding(let finding, let op, let bound):
      push(Step(operation: .finding, comparison: op, subject: Int32(finding), low: bound))
    case .score(let score, let test):
      scoreTests.append(test)
      push(Step(operation: .score, subject: Int32(score), argument: Int32(scoreTests.count - 1)))
    case .all(let list):
      parts(list)
      push(Step(operation: .all, subject: Int32(list.count)))
    case .any(let list):
      parts(list)
      push(Step(operation: .any, subject: Int32(list.count)))
    case .not(let inner):
      append(inner, depth: &depth, current: current)
      push(Step(operation: .not))
    case .atLeast(let count, let list):
      parts(list)
      push(Step(operation: .atLeast, subject: Int32(list.count), argument: Int32(count)))
    }
  }
}
