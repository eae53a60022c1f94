// MARK: - The inference engine

/// Forward chaining over a compiled knowledge base, in the manner of EMYCIN.
///
/// Rules run once each, in the compiled evaluation order, so every finding and score a
/// rule reads is final before the rule runs: `match` evaluates a condition, `fire`
/// applies a rule's conclusions, `conclude` combines a finding's evidence, and `settle`
/// decides declared conflicts between recommendations. The result records what fired.
package struct InferenceEngine: Sendable {
  package let knowledgeBase: KnowledgeBase

  package init(_ knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// Assesses answers the caller has already validated against the knowledge base (with
  /// `KnowledgeBase.validate(_:)`, or by reading them with `AnswersReader`).
  ///
  /// An answer that does not fit its question (an unknown id, a wrong option) is treated
  /// as unknown here, without a word: call `KnowledgeBase.assess(_:)`, which refuses
  /// such answers, unless the answers were validated on the way in.
  package func assess(validated answers: Answers) -> Assessment {
    assess(resolved: ResolvedAnswers(answers, for: knowledgeBase))
  }

  /// Assesses answers already resolved to the knowledge base's question slots: no answer
  /// is looked up by its id again.
  package func assess(resolved: ResolvedAnswers) -> Assessment {
    var run = Run(knowledgeBase, resolved.sheet)
    run.evaluateAllRules()
    return run.finish(resolved.answers)
  }
}

extension KnowledgeBase {
  /// Assesses answers the caller has already validated (see
  /// `InferenceEngine.assess(validated:)`): the fast path for answers read by
  /// `AnswersReader` or checked with `validate(_:)`.
  package func assess(validated answers: Answers) -> Assessment { InferenceEngine(self).assess(validated: answers) }

  /// Assesses answers resolved once to question slots (see `ResolvedAnswers`): the fast
  /// path for callers that assess the same answers often, or that resolved them while
  /// reading them (`AnswersReader`, which `assess --batch` uses).
  package func assess(resolved answers: ResolvedAnswers) -> Assessment { InferenceEngine(self).assess(resolved: answers) }
}

// MARK: - One run

/// The working memory of one assessment.
///
/// While rules run, only flat arrays of numbers change: for each finding the running
/// products `Π(1 − c)` of its evidence for and against (decided and undecided), for each
/// score its points. Rules run in a fixed order (stratum, then rule id), so the products
/// are the same, bit for bit, whatever order the files were loaded in. The record of what
/// fired is kept as data and the justifications are built from it at the end.
struct Run {
  let knowledgeBase: KnowledgeBase
  let sheet: AnswerSheet

  private var forRemaining: [Double]
  private var againstRemaining: [Double]
  private var undecidedForRemaining: [Double]
  private var undecidedAgainstRemaining: [Double]

  private var points: [Int]
  private var undecidedUp: [Int]
  private var undecidedDown: [Int]
  private var strata: [Int]

  private var firings: [Firing] = []
  private var undecidedRules: [Int] = []

  /// `strata` entries: not yet worked out, or decided with no stratum.
  private static let stratumUnknown = -2
  private static let noStratum = -1
  private static let stratumNotComputed = -3

  init(_ knowledgeBase: KnowledgeBase, _ sheet: AnswerSheet) {
    self.knowledgeBase = knowledgeBase
    self.sheet = sheet
    let findings = knowledgeBase.findings.count
    let scores = knowledgeBase.scores.count
    forRemaining = Array(repeating: 1, count: findings)
    againstRemaining = forRemaining
    undecidedForRemaining = forRemaining
    undecidedAgainstRemaining = forRemaining
    points = Array(repeating: 0, count: scores)
    undecidedUp = points
    undecidedDown = points
    strata = Array(repeating: Self.stratumNotComputed, count: scores)
    firings.reserveCapacity(knowledgeBase.rules.count / 4)
  }

  // MARK: Rules

  /// Runs every rule once, in evaluation order, from the compiled plan.
  ///
  /// `known` may give a rule's outcome from an earlier assessment (for incremental
  /// re-assessment); rules it returns nil for are evaluated.
  mutating func evaluateAllRules(known: (Int) -> Truth? = { _ in nil }) {
    let plan = knowledgeBase.plan
    let stack = UnsafeMutableBufferPointer<Truth>.allocate(capacity: plan.deepestStack)
    stack.initialize(repeating: .unknown)
    defer { stack.deallocate() }
    let slots = sheet.slots
    slots.withUnsafeBufferPointer { slots in
      plan.steps.withUnsafeBufferPointer { steps in
        for rule in knowledgeBase.rules.indices {
          switch known(rule) ?? run(steps, plan.ruleStart[rule]..<plan.ruleStart[rule + 1], plan, slots, stack) {
          case .holds(let premise): fire(rule, premise: premise)
          case .unknown: postpone(rule)
          case .fails: break
          }
        }
      }
    }
  }

  /// Evaluates one compiled program with a stack of outcomes.
  private mutating func run(
    _ steps: UnsafeBufferPointer<EvaluationPlan.Step>, _ range: Range<Int>, _ plan: EvaluationPlan,
    _ slots: UnsafeBufferPointer<AnswerSheet.Slot>, _ stack: UnsafeMutableBufferPointer<Truth>
  ) -> Truth {
    var top = 0
    for index in range {
      let step = steps[index]
      switch step.operation {
      case .yesNo, .option, .oneOf, .includes, .compare, .equals, .between, .answered, .ago:
        stack[top] = ConditionMatcher.matchAnswer(step, slots[Int(step.subject)])
        top += 1
      case .finding:
        let (certainty, lowest, highest) = conclude(Int(step.subject))
        stack[top] = ConditionMatcher.match(certainty: certainty, lowest: lowest, highest: highest, step.comparison, step.low)
        top += 1
      case .score:
        stack[top] = matchScore(Int(step.subject), plan.scoreTests[Int(step.argument)])
        top += 1
      case .not:
        stack[top - 1] = stack[top - 1].negated
      case .all:
        let count = Int(step.subject)
        var certainty = 1.0
        var unknown = false
        var failed = false
        for part in stack[(top - count)..<top] {
          switch part {
          case .fails: failed = true
          case .unknown: unknown = true
          case .holds(let value): certainty = min(certainty, value)
          }
        }
        top -= count
        stack[top] = failed ? .fails : (unknown ? .unknown : .holds(certainty))
        top += 1
      case .any:
        let count = Int(step.subject)
        var certainty = -1.0
        var unknown = false
        for part in stack[(top - count)..<top] {
          switch part {
          case .holds(let value): certainty = max(certainty, value)
          case .unknown: unknown = true
          case .fails: break
          }
        }
        top -= count
        stack[top] = certainty >= 0 ? .holds(certainty) : (unknown ? .unknown : .fails)
        top += 1
      case .atLeast:
        let count = Int(step.subject)
        let outcome = Truth.atLeast(Int(step.argument), stack[(top - count)..<top])
        top -= count
        stack[top] = outcome
        top += 1
      }
      if step.failsRule, case .fails = stack[top - 1] { return .fails }
    }
    return top > 0 ? stack[top - 1] : .unknown
  }

  /// Matches a rule's condition (from its tree) and fires it when it holds.
  mutating func evaluate(rule index: Int) {
    switch match(knowledgeBase.rules[index].condition) {
    case .holds(let premise): fire(index, premise: premise)
    case .unknown: postpone(index)
    case .fails: break
    }
  }

  /// Applies a rule's conclusions with the certainty of its condition.
  private mutating func fire(_ index: Int, premise: Double) {
    firings.append(Firing(rule: index, premise: premise))
    for conclusion in knowledgeBase.rules[index].conclusions {
      switch conclusion {
      case .certainty(let finding, let certainty):
        let contribution = certainty * premise
        if contribution > 0 { forRemaining[finding] *= 1 - contribution }
        if contribution < 0 { againstRemaining[finding] *= 1 + contribution }
      case .addPoints(let score, let thousandths):
        points[score] += thousandths
      default: break
      }
    }
  }

  /// Records a rule whose condition is unknown: its conclusions could still follow.
  private mutating func postpone(_ index: Int) {
    undecidedRules.append(index)
    for conclusion in knowledgeBase.rules[index].conclusions {
      switch conclusion {
      case .certainty(let finding, let certainty):
        if certainty > 0 { undecidedForRemaining[finding] *= 1 - certainty }
        if certainty < 0 { undecidedAgainstRemaining[finding] *= 1 + certainty }
      case .addPoints(let score, let thousandths):
        if thousandths > 0 { undecidedUp[score] += thousandths } else { undecidedDown[score] += thousandths }
      default: break
      }
    }
  }

  // MARK: Findings and scores

  /// A finding's combined certainty and the lowest and highest it could still reach.
  ///
  /// Every rule that concludes the finding has run by the time it is read.
  func conclude(_ finding: Int) -> (certainty: Double, lowest: Double, highest: Double) {
    let supporting = 1 - forRemaining[finding]
    let opposing = 1 - againstRemaining[finding]
    return (
      Certainty.combine(supporting, opposing),
      Certainty.combine(supporting, 1 - againstRemaining[finding] * undecidedAgainstRemaining[finding]),
      Certainty.combine(1 - forRemaining[finding] * undecidedForRemaining[finding], opposing)
    )
  }

  /// The score's stratum: the first whose condition holds, if every earlier one fails.
  mutating func stratum(of score: Int) -> (stratum: Int?, decided: Bool) {
    if strata[score] == Self.stratumNotComputed {
      var result = Self.noStratum
      for (index, stratum) in knowledgeBase.scores[score].strata.enumerated() {
        let outcome = match(stratum.condition)
        if case .holds = outcome {
          result = index
          break
        }
        if case .unknown = outcome {
          result = Self.stratumUnknown
          break
        }
      }
      strata[score] = result
    }
    switch strata[score] {
    case Self.stratumUnknown: return (nil, false)
    case Self.noStratum: return (nil, true)
    case let index: return (index, true)
    }
  }

  // MARK: Conditions

  /// Evaluates a condition to holds (with a certainty), fails or unknown.
  mutating func match(_ condition: Condition) -> Truth {
    switch condition {
    case .answer(let question, let test): return ConditionMatcher.match(test, sheet.slots[question])
    case .finding(let finding, let op, let bound):
      let (certainty, lowest, highest) = conclude(finding)
      return ConditionMatcher.match(certainty: certainty, lowest: lowest, highest: highest, op, bound)
    case .score(let score, let test): return matchScore(score, test)
    case .all(let parts):
      var certainty = 1.0
      var unknown = false
      for part in parts {
        switch match(part) {
        case .fails: return .fails
        case .unknown: unknown = true
        case .holds(let value): certainty = min(certainty, value)
        }
      }
      return unknown ? .unknown : .holds(certainty)
    case .any(let parts):
      var certainty = -1.0
      var unknown = false
      for part in parts {
        switch match(part) {
        case .holds(let value): certainty = max(certainty, value)
        case .unknown: unknown = true
        case .fails: break
        }
      }
      if certainty >= 0 { return .holds(certainty) }
      return unknown ? .unknown : .fails
    case .not(let inner): return match(inner).negated
    case .atLeast(let count, let parts):
      var outcomes: [Truth] = []
      outcomes.reserveCapacity(parts.count)
      for part in parts { outcomes.append(match(part)) }
      return Truth.atLeast(count, outcomes)
    }
  }

  private mutating func matchScore(_ score: Int, _ test: ScoreTest) -> Truth {
    let low = points[score] + undecidedDown[score]
    let high = points[score] + undecidedUp[score]
    if case .stratum = test { return ConditionMatcher.match(test, low: low, high: high, stratum: stratum(of: score)) }
    return ConditionMatcher.match(test, low: low, high: high, stratum: (nil, false))
  }

  // MARK: Finishing

  /// Combines everything into the assessment: the record of what fired becomes evidence,
  /// links, red flags and recommendations; conflicts are settled, and self-care advice is
  /// withheld under an emergency or urgent red flag (all of it) or a routine referral
  /// (all but what is marked `safe while awaiting referral`).
  mutating func finish(_ answers: Answers) -> Assessment {
    let kb = knowledgeBase
    var evidence = [[Evidence]](repeating: [], count: kb.findings.count)
    var contributions = [[(rule: Int, thousandths: Int)]](repeating: [], count: kb.scores.count)
    var recommendedRemaining = [Double](repeating: 1, count: kb.recommendations.count)
    var recommendedBy = [[Int]](repeating: [], count: kb.recommendations.count)
    var flagUrgency = [Urgency?](repeating: nil, count: kb.redFlags.count)
    var flagRules = [[Int]](repeating: [], count: kb.redFlags.count)
    var linkRules: [(link: Int, rule: Int)] = []
    let findingCount = kb.findings.count
    for firing in firings {
      for conclusion in kb.rules[firing.rule].conclusions {
        switch conclusion {
        case .certainty(let finding, let certainty):
          evidence[finding].append(Evidence(rule: firing.rule, premise: firing.premise, certainty: certainty * firing.premise))
        case .addPoints(let score, let thousandths):
          contributions[score].append((firing.rule, thousandths))
        case .upstream(let contributor, let finding):
          linkRules.append((contributor * findingCount + finding, firing.rule))
        case .recommend(let recommendation):
          recommendedRemaining[recommendation] *= 1 - firing.premise
          recommendedBy[recommendation].append(firing.rule)
        case .redFlag(let flag, let urgency):
          flagUrgency[flag] = min(flagUrgency[flag] ?? urgency, urgency)
          flagRules[flag].append(firing.rule)
        }
      }
    }
    var undecidedByFinding = [[Int]](repeating: [], count: kb.findings.count)
    for rule in undecidedRules {
      for case .certainty(let finding, _) in kb.rules[rule].conclusions where undecidedByFinding[finding].last != rule {
        undecidedByFinding[finding].append(rule)
      }
    }
    let findingResults = kb.findings.indices.map { finding -> FindingResult in
      let (certainty, lowest, highest) = conclude(finding)
      return FindingResult(
        finding: finding, certainty: certainty, lowest: lowest, highest: highest, evidence: evidence[finding],
        undecidedRules: undecidedByFinding[finding])
    }
    let scoreResults = kb.scores.indices.map { score -> ScoreResult in
      let (stratum, decided) = stratum(of: score)
      return ScoreResult(
        score: score, thousandths: points[score], lowestThousandths: points[score] + undecidedDown[score],
        highestThousandths: points[score] + undecidedUp[score], stratum: stratum, stratumDecided: decided,
        contributions: contributions[score])
    }
    let raised = flagUrgency.indices.compactMap { flag in
      flagUrgency[flag].map { RaisedRedFlag(flag: flag, urgency: $0, rules: flagRules[flag]) }
    }.sorted { ($0.urgency, kb.redFlags[$0.flag].id) < ($1.urgency, kb.redFlags[$1.flag].id) }
    let withholdingFlag = raised.first { $0.urgency.withholdsSelfCare }?.flag
    let referralFlag = raised.first { $0.urgency == .routineReferral }?.flag
    /// The red flag that holds a recommendation back, if any.
    func holdingBack(_ recommendation: Int) -> Int? {
      if let withholdingFlag { return withholdingFlag }
      if let referralFlag, !kb.recommendations[recommendation].safeWhileAwaitingReferral { return referralFlag }
      return nil
    }
    let called = recommendedBy.indices.filter { !recommendedBy[$0].isEmpty }
    var strengths: [Int: Double] = [:]
    for recommendation in called { strengths[recommendation] = 1 - recommendedRemaining[recommendation] }
    let settlements = strengths.count > 1 ? settle(strengths) : []
    let recommendations = called.map { recommendation -> RecommendationResult in
      let lost = settlements.first { $0.loser == recommendation && $0.reason != .keptBoth }
      let status: RecommendationResult.Status =
        holdingBack(recommendation).map { .withheld(redFlag: $0) } ?? (lost.map { .setAside($0) } ?? .given)
      return RecommendationResult(
        recommendation: recommendation, strength: strengths[recommendation] ?? 0,
        rules: recommendedBy[recommendation], status: status,
        settlementsWon: settlements.isEmpty ? [] : settlements.filter { $0.winner == recommendation })
    }
    // Links in (contributor, finding) order, each with the rules that made it.
    linkRules.sort { ($0.link, $0.rule) < ($1.link, $1.rule) }
    var links: [UpstreamLink] = []
    var position = 0
    while position < linkRules.count {
      let link = linkRules[position].link
      var rules: [Int] = []
      while position < linkRules.count, linkRules[position].link == link {
        rules.append(linkRules[position].rule)
        position += 1
      }
      links.append(UpstreamLink(contributor: link / findingCount, finding: link % findingCount, rules: rules))
    }
    return Assessment(
      knowledgeBase: kb, answers: answers, sheet: sheet, findings: findingResults, scores: scoreResults,
      firings: firings, undecidedRules: undecidedRules, redFlags: raised, recommendations: recommendations, links: links)
  }

  /// Settles each declared conflict whose two recommendations were both called for.
  private mutating func settle(_ strengths: [Int: Double]) -> [Settlement] {
    var settlements: [Settlement] = []
    for declaring in strengths.keys.sorted() {
      for (position, conflict) in knowledgeBase.recommendations[declaring].conflicts.enumerated()
      where strengths[conflict.other] != nil {
        let pair = (declaring, conflict.other)
        func settled(_ winner: Int, _ reason: Settlement.Reason) -> Settlement {
          Settlement(
            winner: winner, loser: winner == pair.0 ? pair.1 : pair.0, declaredBy: declaring, conflict: position,
            reason: reason)
        }
        if let preference = conflict.preferences.indices.first(where: { match(conflict.preferences[$0].when).isHolding }) {
          settlements.append(settled(conflict.preferences[preference].recommendation, .preference(preference)))
          continue
        }
        switch conflict.otherwise {
        case .keepBoth: settlements.append(settled(declaring, .keptBoth))
        case .prefer(let winner): settlements.append(settled(winner, .otherwisePrefer))
        case .stronger:
          let first = strengths[pair.0] ?? 0
          let second = strengths[pair.1] ?? 0
          let ids = (knowledgeBase.recommendations[pair.0].id, knowledgeBase.recommendations[pair.1].id)
          let winner = first > second || (first == second && ids.0 < ids.1) ? pair.0 : pair.1
          settlements.append(settled(winner, .stronger))
        }
      }
    }
    return settlements
  }
}
