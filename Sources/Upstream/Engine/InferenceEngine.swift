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
    findingTallies = Self.fresh(FindingTally(), count: knowledgeBase.findings.count)
    scoreTallies = Self.fresh(ScoreTally(), count: knowledgeBase.scores.count)
    firings.reserveCapacity(knowledgeBase.rules.count / 4)
  }

  /// `count` copies of a fresh tally, appended one by one into reserved space: this code
  /// is specialised for the tally's type, where `Array(repeating:count:)` of a struct (and
  /// `Array(unsafeUninitializedCapacity:)`) looks the array's type up at run time on every
  /// assessment, and `append(contentsOf: repeatElement(…))` costs twice as much.
  private static func fresh<Tally>(_ tally: Tally, count: Int) -> [Tally] {
    var tallies: [Tally] = []
    tallies.reserveCapacity(count)
    for _ in 0..<count { tallies.append(tally) }
    return tallies
  }

  // MARK: Rules

  /// Runs every rule once, in evaluation order, from the compiled plan.
  ///
  /// `known` may give a rule's outcome from an earlier assessment (for incremental
  /// re-assessment); rules it returns nil for are evaluated.
  mutating func evaluateAllRules(known: (Int) -> Truth? = { _ in nil }) {
    // The plan's lists are read where they are, not through a copy of the plan: a copy
    // counts a reference to each list, and every job running at once shares those counts.
    let knowledgeBase = self.knowledgeBase
    let slots = sheet.slots
    // The stack of outcomes lives on the call stack: nothing is allocated per assessment.
    withUnsafeTemporaryAllocation(of: Truth.self, capacity: knowledgeBase.plan.deepestStack) { stack in
      stack.initialize(repeating: .unknown)
      slots.withUnsafeBufferPointer { slots in
        knowledgeBase.plan.steps.withUnsafeBufferPointer { steps in
          knowledgeBase.plan.ruleStart.withUnsafeBufferPointer { ruleStart in
            for rule in 0..<(ruleStart.count - 1) {
              switch known(rule) ?? run(steps, ruleStart[rule]..<ruleStart[rule + 1], slots, stack) {
              case .holds(let premise): fire(rule, premise: premise)
              case .unknown: postpone(rule)
              case .fails: break
              }
            }
          }
        }
      }
    }
  }

  /// Evaluates one compiled program with a stack of outcomes.
  ///
  /// Inlined into the loop over rules: most rules fail on their first step or two, so a
  /// call per rule (saving and restoring registers) cost as much as the steps it ran.
  @inline(__always)
  private mutating func run(
    _ steps: UnsafeBufferPointer<EvaluationPlan.Step>, _ range: Range<Int>,
    _ slots: UnsafeBufferPointer<AnswerSheet.Slot>, _ stack: UnsafeMutableBufferPointer<Truth>
  ) -> Truth {
    var top = 0
    for index in range {
      // Each arm reads only the fields of the step it needs (a step is 40 bytes, and most
      // arms need two or three of its fields), rather than copying the whole step first.
      switch steps[index].operation {
      case .yesNo, .option, .oneOf, .includes, .compare, .equals, .between, .answered, .ago:
        stack[top] = ConditionMatcher.matchAnswer(steps[index], slots[Int(steps[index].subject)])
        top += 1
      case .finding:
        let step = steps[index]
        let (certainty, lowest, highest) = conclude(Int(step.subject))
        stack[top] = ConditionMatcher.match(certainty: certainty, lowest: lowest, highest: highest, step.comparison, step.low)
        top += 1
      case .score:
        stack[top] = matchScore(Int(steps[index].subject), knowledgeBase.plan.scoreTests[Int(steps[index].argument)])
        top += 1
      case .not:
        stack[top - 1] = stack[top - 1].negated
      case .all:
        let count = Int(steps[index].subject)
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
        let count = Int(steps[index].subject)
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
        let count = Int(steps[index].subject)
        let outcome = Truth.atLeast(Int(steps[index].argument), stack[(top - count)..<top])
        top -= count
        stack[top] = outcome
        top += 1
      }
      if steps[index].failsRule, case .fails = stack[top - 1] { return .fails }
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
    // Read through the knowledge base each time: a copy of the plan would count a
    // reference to each of its lists, shared with every other job, on every firing.
    for position in knowledgeBase.plan.conclusions(of: index) {
      switch knowledgeBase.plan.conclusions[position] {
      case .certainty(let finding, let certainty):
        let contribution = certainty * premise
        if contribution > 0 { findingTallies[finding].forRemaining *= 1 - contribution }
        if contribution < 0 { findingTallies[finding].againstRemaining *= 1 + contribution }
        if contribution != 0 { findingTallies[finding].isUntouched = false }
      case .addPoints(let score, let thousandths):
        scoreTallies[score].points += thousandths
      default: break
      }
    }
  }

  /// Records a rule whose condition is unknown: its conclusions could still follow.
  private mutating func postpone(_ index: Int) {
    undecidedRules.append(index)
    // Read through the knowledge base, as in `fire`.
    for position in knowledgeBase.plan.conclusions(of: index) {
      switch knowledgeBase.plan.conclusions[position] {
      case .certainty(let finding, let certainty):
        if certainty > 0 { findingTallies[finding].undecidedForRemaining *= 1 - certainty }
        if certainty < 0 { findingTallies[finding].undecidedAgainstRemaining *= 1 + certainty }
        if certainty != 0 { findingTallies[finding].isUntouched = false }
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
  @inline(__always)
  func conclude(_ finding: Int) -> (certainty: Double, lowest: Double, highest: Double) {
    let tally = findingTallies[finding]
    // Nothing concluded it, for or against, decided or not (most findings, most of the
    // time): certainty 0 over a range of 0, exactly what combining the products gives.
    if tally.isUntouched { return (0, 0, 0) }
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
  /// links, red flags and recommendations; a recommendation whose `not for` holds is
  /// withheld, conflicts among the rest are settled, and self-care advice is withheld
  /// under an emergency or urgent red flag (all of it) or a routine referral (all but what
  /// is marked `safe while awaiting referral`).
  ///
  /// Few rules fire in one assessment, so each conclusion is kept as one entry in one flat
  /// list, sorted by its kind and then by what it concludes (keeping evaluation order
  /// within that): no list is made per finding, score, recommendation or red flag that
  /// nothing concluded, and the results are read off the list in order.
  mutating func finish(_ answers: Answers) -> Assessment {
    let kb = knowledgeBase
    let findingCount = kb.findings.count
    var drawn: [Drawn] = []
    drawn.reserveCapacity(2 * (firings.count + undecidedRules.count))
    func draw(
      _ kind: Drawn.Kind, _ key: Int, _ rule: Int, _ premise: Double = 0, _ amount: Double = 0, points: Int = 0, urgency: Urgency = .routineReferral
    ) {
      // Links are listed by rule; everything else in the order it was drawn.
      let order = kind == .link ? rule : drawn.count
      drawn.append(Drawn(kind: kind, key: key, order: order, rule: rule, premise: premise, amount: amount, points: points, urgency: urgency))
    }
    // The plan read where it is, as in `evaluateAllRules`.
    for firing in firings {
      for position in kb.plan.conclusions(of: firing.rule) {
        switch kb.plan.conclusions[position] {
        case .certainty(let finding, let certainty): draw(.evidence, finding, firing.rule, firing.premise, certainty * firing.premise)
        case .addPoints(let score, let thousandths): draw(.points, score, firing.rule, points: thousandths)
        case .upstream(let contributor, let finding): draw(.link, contributor * findingCount + finding, firing.rule)
        case .recommend(let recommendation): draw(.recommendation, recommendation, firing.rule, firing.premise)
        case .redFlag(let flag, let urgency): draw(.redFlag, flag, firing.rule, urgency: urgency)
        }
      }
    }
    for rule in undecidedRules {
      for position in kb.plan.conclusions(of: rule) {
        if case .certainty(let finding, _) = kb.plan.conclusions[position] { draw(.undecided, finding, rule) }
      }
    }
    if drawn.count > 1 { drawn.sort { ($0.kind.rawValue, $0.key, $0.order) < ($1.kind.rawValue, $1.key, $1.order) } }
    // Where each kind's run is in the sorted list, found in one pass over it: the kinds
    // are read off below in the order they sort in.
    var cursor = 0
    /// The run of entries of this kind, which starts where the previous kind's ended.
    func range(_ kind: Drawn.Kind) -> Range<Int> {
      let start = cursor
      while cursor < drawn.count, drawn[cursor].kind == kind { cursor += 1 }
      return start..<cursor
    }
    let evidence = range(.evidence)
    let undecided = range(.undecided)
    let points = range(.points)
    let flags = range(.redFlag)
    let recommended = range(.recommendation)
    let linkRules = range(.link)

    var nextEvidence = evidence.lowerBound
    let evidenceEnd = evidence.upperBound
    var nextUndecided = undecided.lowerBound
    let undecidedEnd = undecided.upperBound
    var findingResults: [FindingResult] = []
    findingResults.reserveCapacity(findingCount)
    for finding in 0..<findingCount {
      let (certainty, lowest, highest) = conclude(finding)
      var found: [Evidence] = []
      while nextEvidence < evidenceEnd, drawn[nextEvidence].key == finding {
        let entry = drawn[nextEvidence]
        found.append(Evidence(rule: entry.rule, premise: entry.premise, certainty: entry.amount))
        nextEvidence += 1
      }
      var undecidedRules: [Int] = []
      while nextUndecided < undecidedEnd, drawn[nextUndecided].key == finding {
        // A rule concluding the same finding twice is listed once.
        if undecidedRules.last != drawn[nextUndecided].rule { undecidedRules.append(drawn[nextUndecided].rule) }
        nextUndecided += 1
      }
      // The lists are handed over, not copied (copying counts a reference for each).
      findingResults.append(
        FindingResult(
          finding: finding, certainty: certainty, lowest: lowest, highest: highest, evidence: consume found,
          undecidedRules: consume undecidedRules))
    }
    var scoreResults: [ScoreResult] = []
    scoreResults.reserveCapacity(kb.scores.count)
    var nextContribution = points.lowerBound
    let contributionsEnd = points.upperBound
    for score in kb.scores.indices {
      let (stratum, decided) = stratum(of: score)
      let tally = scoreTallies[score]
      var added: [(rule: Int, thousandths: Int)] = []
      while nextContribution < contributionsEnd, drawn[nextContribution].key == score {
        added.append((drawn[nextContribution].rule, drawn[nextContribution].points))
        nextContribution += 1
      }
      scoreResults.append(
        ScoreResult(
          score: score, thousandths: tally.points, lowestThousandths: tally.points + tally.undecidedDown,
          highestThousandths: tally.points + tally.undecidedUp, stratum: stratum, stratumDecided: decided,
          contributions: added))
    }
    var raised: [RaisedRedFlag] = []
    var position = flags.lowerBound
    while position < flags.upperBound {
      let flag = drawn[position].key
      var urgency = drawn[position].urgency
      var rules: [Int] = []
      while position < flags.upperBound, drawn[position].key == flag {
        urgency = min(urgency, drawn[position].urgency)
        rules.append(drawn[position].rule)
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
    called.reserveCapacity(recommended.count)
    position = recommended.lowerBound
    while position < recommended.upperBound {
      let recommendation = drawn[position].key
      var remaining = 1.0
      var rules: [Int] = []
      while position < recommended.upperBound, drawn[position].key == recommendation {
        remaining *= 1 - drawn[position].premise
        rules.append(drawn[position].rule)
        position += 1
      }
      called.append((recommendation, 1 - remaining, rules))
    }
    // A `not for` that holds withholds a recommendation before anything else: it takes no
    // part in a conflict, so its partner is simply given.
    var notFor: [Int?] = []
    notFor.reserveCapacity(called.count)
    for entry in called {
      let declared = kb.recommendations[entry.recommendation].notFor
      notFor.append(declared.isEmpty ? nil : declared.indices.first { match(declared[$0].condition).isHolding })
    }
    let contending = notFor.contains { $0 != nil } ? called.indices.filter { notFor[$0] == nil }.map { called[$0] } : called
    let settlements = contending.count > 1 ? settle(CalledFor(contending)) : []
    let recommendations = called.indices.map { position -> RecommendationResult in
      let called = called[position]
      let recommendation = called.recommendation
      let lost = settlements.first { $0.loser == recommendation && $0.reason != .keptBoth }
      let status: RecommendationResult.Status =
        notFor[position].map { .notForYou($0) }
        ?? holdingBack(recommendation).map { .withheld(redFlag: $0) } ?? (lost.map { .setAside($0) } ?? .given)
      return RecommendationResult(
        recommendation: recommendation, strength: called.strength, rules: called.rules, status: status,
        settlementsWon: settlements.isEmpty ? [] : settlements.filter { $0.winner == recommendation })
    }
    // Links in (contributor, finding) order, each with the rules that made it.
    var links: [UpstreamLink] = []
    position = linkRules.lowerBound
    while position < linkRules.upperBound {
      let link = drawn[position].key
      var rules: [Int] = []
      while position < linkRules.upperBound, drawn[position].key == link {
        rules.append(drawn[position].rule)
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
  /// Whether no rule has concluded the finding yet, fired or undecided: then all four
  /// products are 1 (one flag is cheaper to test than four numbers).
  var isUntouched = true
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

/// One conclusion drawn by a rule that fired (or, for a finding, that was undecided),
/// keyed by what it concludes: the finding, score, red flag, recommendation or link.
private struct Drawn {
  /// What the conclusion is about; the sorted list holds each kind in one run.
  enum Kind: UInt8 {
    case evidence, undecided, points, redFlag, recommendation, link
  }

  let kind: Kind
  let key: Int
  /// The order within a key: the order drawn (evaluation order), or the rule for a link.
  let order: Int
  let rule: Int
  /// The certainty of the rule's condition (evidence, recommendation).
  let premise: Double
  /// What the rule gave a finding: rule certainty × premise.
  let amount: Double
  /// Points added to a score, in thousandths.
  let points: Int
  /// The urgency a red flag was raised with.
  let urgency: Urgency
}

/// The recommendations called for, by index, with their strengths: the list `finish`
/// made, read in place (no copy of it is made).
private struct CalledFor {
  private let called: [(recommendation: Int, strength: Double, rules: [Int])]

  init(_ called: [(recommendation: Int, strength: Double, rules: [Int])]) { self.called = called }

  /// The recommendations, in index order.
  var recommendations: LazyMapSequence<[(recommendation: Int, strength: Double, rules: [Int])], Int> {
    called.lazy.map(\.recommendation)
  }

  /// The strength of a recommendation called for; nil when it was not called for.
  subscript(recommendation: Int) -> Double? {
    var low = 0
    var high = called.count
    while low < high {
      let middle = (low + high) / 2
      if called[middle].recommendation < recommendation { low = middle + 1 } else { high = middle }
    }
    return low < called.count && called[low].recommendation == recommendation ? called[low].strength : nil
  }
}
