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

  /// One tally per finding and one per score, each in one flat array.
  private var findingTallies: [FindingTally]
  private var scoreTallies: [ScoreTally]

  private var firings: [Firing] = []
  private var undecidedRules: [Int] = []

  /// `strata` entries: not yet worked out, or decided with no stratum.
  private static let stratumUnknown = -2
  private static let noStratum = -1
  fileprivate static let stratumNotComputed = -3

  init(_ knowledgeBase: KnowledgeBase, _ sheet: AnswerSheet) {
    self.knowledgeBase = knowledgeBase
    self.sheet = sheet
    findingTallies = Array(repeating: FindingTally(), count: knowledgeBase.findings.count)
    scoreTallies = Array(repeating: ScoreTally(), count: knowledgeBase.scores.count)
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
        if contribution > 0 { findingTallies[finding].forRemaining *= 1 - contribution }
        if contribution < 0 { findingTallies[finding].againstRemaining *= 1 + contribution }
      case .addPoints(let score, let thousandths):
        scoreTallies[score].points += thousandths
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
        if certainty > 0 { findingTallies[finding].undecidedForRemaining *= 1 - certainty }
        if certainty < 0 { findingTallies[finding].undecidedAgainstRemaining *= 1 + certainty }
      case .addPoints(let score, let thousandths):
        if thousandths > 0 {
          scoreTallies[score].undecidedUp += thousandths
        } else {
          scoreTallies[score].undecidedDown += thousandths
        }
      default: break
      }
    }
  }

  // MARK: Findings and scores

  /// A finding's combined certainty and the lowest and highest it could still reach.
  ///
  /// Every rule that concludes the finding has run by the time it is read.
  func conclude(_ finding: Int) -> (certainty: Double, lowest: Double, highest: Double) {
    let tally = findingTallies[finding]
    let supporting = 1 - tally.forRemaining
    let opposing = 1 - tally.againstRemaining
    let certainty = Certainty.combine(supporting, opposing)
    // With nothing undecided (most findings), the range is the certainty itself: the
    // products below would multiply by exactly 1.
    return (
      certainty,
      tally.undecidedAgainstRemaining == 1
        ? certainty : Certainty.combine(supporting, 1 - tally.againstRemaining * tally.undecidedAgainstRemaining),
      tally.undecidedForRemaining == 1
        ? certainty : Certainty.combine(1 - tally.forRemaining * tally.undecidedForRemaining, opposing)
    )
  }

  /// The score's stratum: the first whose condition holds, if every earlier one fails.
  mutating func stratum(of score: Int) -> (stratum: Int?, decided: Bool) {
    if scoreTallies[score].stratum == Self.stratumNotComputed {
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
      scoreTallies[score].stratum = result
    }
    switch scoreTallies[score].stratum {
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
    let tally = scoreTallies[score]
    let low = tally.points + tally.undecidedDown
    let high = tally.points + tally.undecidedUp
    if case .stratum = test { return ConditionMatcher.match(test, low: low, high: high, stratum: stratum(of: score)) }
    return ConditionMatcher.match(test, low: low, high: high, stratum: (nil, false))
  }

  // MARK: Finishing

  /// Combines everything into the assessment: the record of what fired becomes evidence,
  /// links, red flags and recommendations; conflicts are settled, and self-care advice is
  /// withheld under an emergency or urgent red flag (all of it) or a routine referral
  /// (all but what is marked `safe while awaiting referral`).
  ///
  /// Few rules fire in one assessment, so each conclusion is kept as one entry in a flat
  /// list keyed by what it concludes, sorted by that key (keeping evaluation order within
  /// it): no list is made per finding, score, recommendation or red flag that nothing
  /// concluded.
  mutating func finish(_ answers: Answers) -> Assessment {
    let kb = knowledgeBase
    let findingCount = kb.findings.count
    var evidence: [Keyed<Evidence>] = []
    var contributions: [Keyed<Int>] = []
    var recommended: [Keyed<Double>] = []
    var flags: [Keyed<Urgency>] = []
    var linkRules: [Keyed<Void>] = []
    for firing in firings {
      for conclusion in kb.rules[firing.rule].conclusions {
        switch conclusion {
        case .certainty(let finding, let certainty):
          evidence.append(
            Keyed(finding, evidence.count, firing.rule, Evidence(rule: firing.rule, premise: firing.premise, certainty: certainty * firing.premise)))
        case .addPoints(let score, let thousandths):
          contributions.append(Keyed(score, contributions.count, firing.rule, thousandths))
        case .upstream(let contributor, let finding):
          linkRules.append(Keyed(contributor * findingCount + finding, firing.rule, firing.rule, ()))
        case .recommend(let recommendation):
          recommended.append(Keyed(recommendation, recommended.count, firing.rule, firing.premise))
        case .redFlag(let flag, let urgency):
          flags.append(Keyed(flag, flags.count, firing.rule, urgency))
        }
      }
    }
    var undecided: [Keyed<Void>] = []
    for rule in undecidedRules {
      for case .certainty(let finding, _) in kb.rules[rule].conclusions {
        undecided.append(Keyed(finding, undecided.count, rule, ()))
      }
    }
    evidence.sortByKey()
    contributions.sortByKey()
    recommended.sortByKey()
    flags.sortByKey()
    undecided.sortByKey()

    var findingResults: [FindingResult] = []
    findingResults.reserveCapacity(findingCount)
    var nextEvidence = 0
    var nextUndecided = 0
    for finding in 0..<findingCount {
      let (certainty, lowest, highest) = conclude(finding)
      var found: [Evidence] = []
      while nextEvidence < evidence.count, evidence[nextEvidence].key == finding {
        found.append(evidence[nextEvidence].value)
        nextEvidence += 1
      }
      var undecidedRules: [Int] = []
      while nextUndecided < undecided.count, undecided[nextUndecided].key == finding {
        // A rule concluding the same finding twice is listed once.
        if undecidedRules.last != undecided[nextUndecided].rule { undecidedRules.append(undecided[nextUndecided].rule) }
        nextUndecided += 1
      }
      findingResults.append(
        FindingResult(
          finding: finding, certainty: certainty, lowest: lowest, highest: highest, evidence: found, undecidedRules: undecidedRules))
    }
    var scoreResults: [ScoreResult] = []
    scoreResults.reserveCapacity(kb.scores.count)
    var nextContribution = 0
    for score in kb.scores.indices {
      let (stratum, decided) = stratum(of: score)
      let tally = scoreTallies[score]
      var added: [(rule: Int, thousandths: Int)] = []
      while nextContribution < contributions.count, contributions[nextContribution].key == score {
        added.append((contributions[nextContribution].rule, contributions[nextContribution].value))
        nextContribution += 1
      }
      scoreResults.append(
        ScoreResult(
          score: score, thousandths: tally.points, lowestThousandths: tally.points + tally.undecidedDown,
          highestThousandths: tally.points + tally.undecidedUp, stratum: stratum, stratumDecided: decided,
          contributions: added))
    }
    var raised: [RaisedRedFlag] = []
    var position = 0
    while position < flags.count {
      let flag = flags[position].key
      var urgency = flags[position].value
      var rules: [Int] = []
      while position < flags.count, flags[position].key == flag {
        urgency = min(urgency, flags[position].value)
        rules.append(flags[position].rule)
        position += 1
      }
      raised.append(RaisedRedFlag(flag: flag, urgency: urgency, rules: rules))
    }
    if raised.count > 1 {
      raised.sort { ($0.urgency, kb.redFlags[$0.flag].id) < ($1.urgency, kb.redFlags[$1.flag].id) }
    }
    let withholdingFlag = raised.first { $0.urgency.withholdsSelfCare }?.flag
    let referralFlag = raised.first { $0.urgency == .routineReferral }?.flag
    /// The red flag that holds a recommendation back, if any.
    func holdingBack(_ recommendation: Int) -> Int? {
      if let withholdingFlag { return withholdingFlag }
      if let referralFlag, !kb.recommendations[recommendation].safeWhileAwaitingReferral { return referralFlag }
      return nil
    }
    // Each recommendation called for, by index, with its strength and the rules that called for it.
    var called: [(recommendation: Int, strength: Double, rules: [Int])] = []
    position = 0
    while position < recommended.count {
      let recommendation = recommended[position].key
      var remaining = 1.0
      var rules: [Int] = []
      while position < recommended.count, recommended[position].key == recommendation {
        remaining *= 1 - recommended[position].value
        rules.append(recommended[position].rule)
        position += 1
      }
      called.append((recommendation, 1 - remaining, rules))
    }
    let settlements = called.count > 1 ? settle(CalledFor(called.map { ($0.recommendation, $0.strength) })) : []
    let recommendations = called.map { called -> RecommendationResult in
      let recommendation = called.recommendation
      let lost = settlements.first { $0.loser == recommendation && $0.reason != .keptBoth }
      let status: RecommendationResult.Status =
        holdingBack(recommendation).map { .withheld(redFlag: $0) } ?? (lost.map { .setAside($0) } ?? .given)
      return RecommendationResult(
        recommendation: recommendation, strength: called.strength, rules: called.rules, status: status,
        settlementsWon: settlements.isEmpty ? [] : settlements.filter { $0.winner == recommendation })
    }
    // Links in (contributor, finding) order, each with the rules that made it.
    linkRules.sortByKey()
    var links: [UpstreamLink] = []
    position = 0
    while position < linkRules.count {
      let link = linkRules[position].key
      var rules: [Int] = []
      while position < linkRules.count, linkRules[position].key == link {
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
  private mutating func settle(_ strengths: CalledFor) -> [Settlement] {
    var settlements: [Settlement] = []
    for declaring in strengths.recommendations {
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

// MARK: - Working memory

/// A finding's running products `Π(1 − c)` of its evidence for and against, from rules
/// that fired and from rules left undecided.
private struct FindingTally {
  var forRemaining = 1.0
  var againstRemaining = 1.0
  var undecidedForRemaining = 1.0
  var undecidedAgainstRemaining = 1.0
}

/// A score's points in thousandths, what undecided rules could still add or take away,
/// and its stratum once worked out.
private struct ScoreTally {
  var points = 0
  var undecidedUp = 0
  var undecidedDown = 0
  var stratum = Run.stratumNotComputed
}

// MARK: - Finishing helpers

/// One conclusion, keyed by what it concludes (a finding, score, recommendation, red flag
/// or link), with the rule that drew it and the order it was drawn in.
private struct Keyed<Value> {
  let key: Int
  let order: Int
  let rule: Int
  let value: Value

  init(_ key: Int, _ order: Int, _ rule: Int, _ value: Value) {
    self.key = key
    self.order = order
    self.rule = rule
    self.value = value
  }
}

extension Array {
  /// Sorts conclusions by key, keeping the order they were drawn in within each key.
  fileprivate mutating func sortByKey<Value>() where Element == Keyed<Value> {
    if count > 1 { sort { ($0.key, $0.order) < ($1.key, $1.order) } }
  }
}

/// The recommendations called for, by index, with their strengths.
private struct CalledFor {
  /// The recommendations, in index order.
  let recommendations: [Int]
  private let strengths: [Double]

  init(_ called: [(recommendation: Int, strength: Double)]) {
    recommendations = called.map(\.recommendation)
    strengths = called.map(\.strength)
  }

  /// The strength of a recommendation called for; nil when it was not called for.
  subscript(recommendation: Int) -> Double? {
    var low = 0
    var high = recommendations.count
    while low < high {
      let middle = (low + high) / 2
      if recommendations[middle] < recommendation { low = middle + 1 } else { high = middle }
    }
    return low < recommendations.count && recommendations[low] == recommendation ? strengths[low] : nil
  }
}
