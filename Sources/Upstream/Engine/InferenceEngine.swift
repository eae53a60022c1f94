// MARK: - The inference engine

/// Forward chaining over a compiled knowledge base, in the manner of EMYCIN.
///
/// Rules run once each, in the compiled evaluation order, so every finding and score a
/// rule reads is final before the rule runs: `match` evaluates a condition, `fire`
/// applies a rule's conclusions, `conclude` combines a finding's evidence, and `settle`
/// decides declared conflicts between recommendations. The result records what fired.
public struct InferenceEngine: Sendable {
  public let knowledgeBase: KnowledgeBase

  public init(_ knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// Assesses answers that have been validated against the knowledge base.
  ///
  /// Answers that do not fit their question are treated as unknown; use
  /// `AnswersValidator` first to report them.
  public func assess(_ answers: Answers) -> Assessment {
    var run = Run(knowledgeBase, AnswerSheet(answers, for: knowledgeBase))
    for index in knowledgeBase.rules.indices { run.evaluate(rule: index) }
    return run.finish(answers)
  }
}

extension KnowledgeBase {
  /// Assesses answers (see `InferenceEngine.assess`).
  public func assess(_ answers: Answers) -> Assessment { InferenceEngine(self).assess(answers) }
}

// MARK: - One run

/// The working memory of one assessment.
struct Run {
  let knowledgeBase: KnowledgeBase
  let sheet: AnswerSheet

  private var supporting: [[Double]]
  private var opposing: [[Double]]
  private var undecidedSupporting: [[Double]]
  private var undecidedOpposing: [[Double]]
  private var evidence: [[Evidence]]
  private var undecidedByFinding: [[Int]]
  private var concluded: [FindingResult?]

  private var points: [Int]
  private var undecidedUp: [Int]
  private var undecidedDown: [Int]
  private var pointsBy: [[(rule: Int, thousandths: Int)]]
  private var strata: [(stratum: Int?, decided: Bool)?]

  private var firings: [Firing] = []
  private var undecidedRules: [Int] = []
  private var flagUrgency: [Int: (urgency: Urgency, rules: [Int])] = [:]
  private var recommended: [Int: (premises: [Double], rules: [Int])] = [:]
  private var links: [[Int]: [Int]] = [:]

  init(_ knowledgeBase: KnowledgeBase, _ sheet: AnswerSheet) {
    self.knowledgeBase = knowledgeBase
    self.sheet = sheet
    let findings = knowledgeBase.findings.count
    let scores = knowledgeBase.scores.count
    supporting = Array(repeating: [], count: findings)
    opposing = supporting
    undecidedSupporting = supporting
    undecidedOpposing = supporting
    evidence = Array(repeating: [], count: findings)
    undecidedByFinding = Array(repeating: [], count: findings)
    concluded = Array(repeating: nil, count: findings)
    points = Array(repeating: 0, count: scores)
    undecidedUp = points
    undecidedDown = points
    pointsBy = Array(repeating: [], count: scores)
    strata = Array(repeating: nil, count: scores)
  }

  // MARK: Rules

  /// Matches a rule's condition and fires it when it holds.
  mutating func evaluate(rule index: Int) {
    let rule = knowledgeBase.rules[index]
    switch match(rule.condition) {
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
        evidence[finding].append(Evidence(rule: index, premise: premise, certainty: contribution))
        if contribution > 0 { supporting[finding].append(contribution) }
        if contribution < 0 { opposing[finding].append(-contribution) }
      case .addPoints(let score, let thousandths):
        points[score] += thousandths
        pointsBy[score].append((index, thousandths))
      case .upstream(let contributor, let finding):
        links[[contributor, finding], default: []].append(index)
      case .recommend(let recommendation):
        recommended[recommendation, default: ([], [])].premises.append(premise)
        recommended[recommendation, default: ([], [])].rules.append(index)
      case .redFlag(let flag, let urgency):
        let previous = flagUrgency[flag]
        flagUrgency[flag] = (min(previous?.urgency ?? urgency, urgency), (previous?.rules ?? []) + [index])
      }
    }
  }

  /// Records a rule whose condition is unknown: its conclusions could still follow.
  private mutating func postpone(_ index: Int) {
    undecidedRules.append(index)
    for conclusion in knowledgeBase.rules[index].conclusions {
      switch conclusion {
      case .certainty(let finding, let certainty):
        undecidedByFinding[finding].append(index)
        if certainty > 0 { undecidedSupporting[finding].append(certainty) }
        if certainty < 0 { undecidedOpposing[finding].append(-certainty) }
      case .addPoints(let score, let thousandths):
        if thousandths > 0 { undecidedUp[score] += thousandths } else { undecidedDown[score] += thousandths }
      default: break
      }
    }
  }

  // MARK: Findings and scores

  /// Combines a finding's evidence (all its rules have run by the time it is read).
  mutating func conclude(_ finding: Int) -> FindingResult {
    if let done = concluded[finding] { return done }
    let certainty = Certainty.combine(for: supporting[finding], against: opposing[finding])
    let lowest = Certainty.combine(for: supporting[finding], against: opposing[finding] + undecidedOpposing[finding])
    let highest = Certainty.combine(for: supporting[finding] + undecidedSupporting[finding], against: opposing[finding])
    let result = FindingResult(
      finding: finding, certainty: certainty, lowest: lowest, highest: highest, evidence: evidence[finding],
      undecidedRules: undecidedByFinding[finding])
    concluded[finding] = result
    return result
  }

  /// The score's stratum: the first whose condition holds, if every earlier one fails.
  mutating func stratum(of score: Int) -> (stratum: Int?, decided: Bool) {
    if let done = strata[score] { return done }
    var result: (Int?, Bool) = (nil, true)
    for (index, stratum) in knowledgeBase.scores[score].strata.enumerated() {
      let outcome = match(stratum.condition)
      if case .holds = outcome {
        result = (index, true)
        break
      }
      if case .unknown = outcome {
        result = (nil, false)
        break
      }
    }
    strata[score] = result
    return result
  }

  // MARK: Conditions

  /// Evaluates a condition to holds (with a certainty), fails or unknown.
  mutating func match(_ condition: Condition) -> Truth {
    switch condition {
    case .answer(let question, let test): return Self.match(test, sheet.slots[question])
    case .finding(let finding, let op, let bound): return Self.match(conclude(finding), op, bound)
    case .score(let score, let test): return matchScore(score, test)
    case .all(let parts):
      var outcome = Truth.holds(1)
      for part in parts {
        outcome = Truth.all([outcome, match(part)])
        if case .fails = outcome { return .fails }
      }
      return outcome
    case .any(let parts):
      var outcomes: [Truth] = []
      outcomes.reserveCapacity(parts.count)
      for part in parts { outcomes.append(match(part)) }
      return Truth.any(outcomes)
    case .not(let inner): return match(inner).negated
    case .atLeast(let count, let parts):
      var outcomes: [Truth] = []
      for part in parts { outcomes.append(match(part)) }
      return Truth.atLeast(count, outcomes)
    }
  }

  /// Evaluates a test on one answer; an unknown answer gives unknown.
  static func match(_ test: AnswerTest, _ slot: AnswerSheet.Slot) -> Truth {
    func truth(_ flag: Bool) -> Truth { flag ? .holds(1) : .fails }
    switch (test, slot) {
    case (_, .unknown): return .unknown
    case (.yesNo(let expected), .yesNo(let answer)): return truth(expected == answer)
    case (.option(let option, let negated), .option(let answer)): return truth((option == answer) != negated)
    case (.oneOf(let options), .option(let answer)): return truth(options.contains(answer))
    case (.includes(let option), .options(let mask)): return truth(mask & (UInt64(1) << UInt64(option)) != 0)
    case (.compare(let op, let bound), .number(let value)): return truth(op.holds(value, bound))
    case (.equals(let expected, let negated), .number(let value)): return truth((value == expected) != negated)
    case (.between(let low, let high), .number(let value)): return truth(value >= low && value <= high)
    default: return .unknown
    }
  }

  private mutating func matchScore(_ score: Int, _ test: ScoreTest) -> Truth {
    let low = points[score] + undecidedDown[score]
    let high = points[score] + undecidedUp[score]
    if case .stratum = test { return Self.match(test, low: low, high: high, stratum: stratum(of: score)) }
    return Self.match(test, low: low, high: high, stratum: (nil, false))
  }

  /// Evaluates a finding test over the range of certainties the finding could still reach.
  static func match(_ result: FindingResult, _ op: ComparisonOperator, _ bound: Double) -> Truth {
    let atLowest = op.holds(result.lowest, bound)
    let atHighest = op.holds(result.highest, bound)
    if atLowest && atHighest {
      // A test that a finding is present carries its certainty; a test that it is weak
      // or absent is certain when it holds.
      return .holds(op == .greater || op == .greaterOrEqual ? result.certainty : 1)
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

  // MARK: Finishing

  /// Combines everything into the assessment, settling conflicts and withholding
  /// self-care advice under an emergency or urgent red flag.
  mutating func finish(_ answers: Answers) -> Assessment {
    let findingResults = knowledgeBase.findings.indices.map { conclude($0) }
    let scoreResults = knowledgeBase.scores.indices.map { score -> ScoreResult in
      let (stratum, decided) = stratum(of: score)
      return ScoreResult(
        score: score, thousandths: points[score], lowestThousandths: points[score] + undecidedDown[score],
        highestThousandths: points[score] + undecidedUp[score], stratum: stratum, stratumDecided: decided,
        contributions: pointsBy[score])
    }
    let raised = flagUrgency.map { RaisedRedFlag(flag: $0.key, urgency: $0.value.urgency, rules: $0.value.rules) }
      .sorted { ($0.urgency, knowledgeBase.redFlags[$0.flag].id) < ($1.urgency, knowledgeBase.redFlags[$1.flag].id) }
    let withholdingFlag = raised.first { $0.urgency.withholdsSelfCare }?.flag
    let strengths = recommended.mapValues { Certainty.combinePositive($0.premises) }
    let settlements = settle(strengths)
    let recommendations = recommended.keys.sorted().map { recommendation -> RecommendationResult in
      let lost = settlements.first { $0.loser == recommendation }
      let status: RecommendationResult.Status =
        withholdingFlag.map { .withheld(redFlag: $0) } ?? (lost.map { .setAside($0) } ?? .given)
      return RecommendationResult(
        recommendation: recommendation, strength: strengths[recommendation] ?? 0,
        rules: recommended[recommendation]?.rules ?? [], status: status,
        settlementsWon: settlements.filter { $0.winner == recommendation })
    }
    let fired = links.keys.sorted { $0.lexicographicallyPrecedes($1) }.map {
      UpstreamLink(contributor: $0[0], finding: $0[1], rules: links[$0] ?? [])
    }
    return Assessment(
      knowledgeBase: knowledgeBase, answers: answers, sheet: sheet, findings: findingResults, scores: scoreResults,
      firings: firings, undecidedRules: undecidedRules, redFlags: raised, recommendations: recommendations, links: fired)
  }

  /// Settles each declared conflict whose two recommendations were both called for.
  private mutating func settle(_ strengths: [Int: Double]) -> [Settlement] {
    var settlements: [Settlement] = []
    for declaring in recommended.keys.sorted() {
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
        case .keepBoth: break
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
