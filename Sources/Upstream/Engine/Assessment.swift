// MARK: - The result of an assessment

/// What the engine concluded from one person's answers, and the record of how.
///
/// The record (which rules fired, with what certainty, which were undecided) is data;
/// explanations and the recommendation tree are built from it.
public struct Assessment: Sendable {
  public let knowledgeBase: KnowledgeBase
  public let answers: Answers
  let sheet: AnswerSheet
  /// One result per finding, by the knowledge base's finding index.
  package let findings: [FindingResult]
  /// One result per score, by the knowledge base's score index.
  package let scores: [ScoreResult]
  /// The rules that fired, in evaluation order.
  package let firings: [Firing]
  /// The rules whose condition was unknown, in evaluation order.
  package let undecidedRules: [Int]
  /// Red flags raised, most urgent first, then by id.
  package let redFlags: [RaisedRedFlag]
  /// Recommendations called for, by id.
  package let recommendations: [RecommendationResult]
  /// `contributor upstream of finding` links from rules that fired, by contributor then finding.
  package let links: [UpstreamLink]

  /// The result for a finding id.
  package func finding(_ id: String) -> FindingResult? {
    guard case .finding(let index) = knowledgeBase.symbols[id] else { return nil }
    return findings[index]
  }

  /// The result for a score id.
  package func score(_ id: String) -> ScoreResult? {
    guard case .score(let index) = knowledgeBase.symbols[id] else { return nil }
    return scores[index]
  }

  /// The most urgent red flag raised, if any.
  public var highestUrgency: Urgency? { redFlags.first?.urgency }
  /// The level of care called for: the highest urgency, or self-care with no red flag
  /// (self-care assumes the safety questions were answered: see
  /// ``unansweredSafetyQuestions``).
  public var careLevel: CareLevel { CareLevel(highestUrgency) }

  /// Scores that were filled in: a rule added points or is undecided, or one of the
  /// instrument's own items (a question read only by rules that add to scores) was answered.
  /// The tree and the batch summary list these, and only these.
  package var filledInScores: [ScoreResult] {
    let kb = knowledgeBase
    guard !kb.scores.isEmpty else { return [] }
    // The questions answered, by index, from this assessment's own answers ("not sure"
    // included), worked out once a score needs them: looking up the shared id strings
    // instead would contend on a batch's threads.
    var answered: [Bool]?
    return scores.filter { result in
      if !result.contributions.isEmpty || result.lowestThousandths != result.highestThousandths { return true }
      if answered == nil {
        var marks = [Bool](repeating: false, count: kb.questions.count)
        for id in answers.values.keys {
          if case .question(let index)? = kb.symbols[id] { marks[index] = true }
        }
        answered = marks
      }
      return kb.scoreItemsRead[result.score].contains { answered?[$0] == true }
    }
  }

  /// Findings present (certainty above the 0.2 threshold), most certain first, then by id.
  package var presentFindings: [FindingResult] {
    findings.filter(\.isPresent).sorted {
      ($1.certainty, knowledgeBase.findings[$0.finding].id) < ($0.certainty, knowledgeBase.findings[$1.finding].id)
    }
  }
}

/// The combined certainty of one finding and the evidence behind it.
package struct FindingResult: Sendable, Hashable {
  package let finding: Int
  /// The combined certainty, -1…1.
  package let certainty: Double
  /// The lowest and highest certainty the finding could still reach if the undecided
  /// rules were decided.
  package let lowest: Double
  package let highest: Double
  /// Rules that fired for (certainty > 0) or against the finding.
  package let evidence: [Evidence]
  /// Rules that could conclude the finding but whose condition was unknown.
  package let undecidedRules: [Int]

  /// Whether the finding is present: certainty above the default 0.2 threshold.
  package var isPresent: Bool { certainty > Condition.defaultThreshold }
}

/// One rule's contribution to a finding.
package struct Evidence: Sendable, Hashable {
  /// The rule, by evaluation index.
  package let rule: Int
  /// The certainty of the rule's condition.
  package let premise: Double
  /// What the rule gave the finding: rule certainty × premise (negative is against).
  package let certainty: Double
}

/// A score's total and stratum.
package struct ScoreResult: Sendable, Hashable {
  package let score: Int
  /// The total in thousandths of a point (exact).
  package let thousandths: Int
  /// The lowest and highest total the undecided rules could still produce.
  package let lowestThousandths: Int
  package let highestThousandths: Int
  /// The stratum, by index into the score's strata, when decided.
  package let stratum: Int?
  /// Whether the stratum is decided (false when undecided rules could still change it).
  package let stratumDecided: Bool
  /// The rules that added points, with the points in thousandths.
  package let contributions: [(rule: Int, thousandths: Int)]

  /// The total as a number.
  package var total: Double { Double(thousandths) / 1000 }

  package static func == (lhs: ScoreResult, rhs: ScoreResult) -> Bool {
    lhs.score == rhs.score && lhs.thousandths == rhs.thousandths && lhs.stratum == rhs.stratum
      && lhs.lowestThousandths == rhs.lowestThousandths && lhs.highestThousandths == rhs.highestThousandths
      && lhs.stratumDecided == rhs.stratumDecided && lhs.contributions.map(\.rule) == rhs.contributions.map(\.rule)
      && lhs.contributions.map(\.thousandths) == rhs.contributions.map(\.thousandths)
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(score)
    hasher.combine(thousandths)
  }
}

/// A rule that fired and the certainty of its condition.
package struct Firing: Sendable, Hashable {
  package let rule: Int
  package let premise: Double
}

/// A red flag that was raised.
package struct RaisedRedFlag: Sendable, Hashable {
  package let flag: Int
  /// The most urgent urgency any rule raised it with.
  package let urgency: Urgency
  /// The rules that raised it.
  package let rules: [Int]
}

/// A recommendation that rules called for, and what became of it.
package struct RecommendationResult: Sendable, Hashable {
  /// Why a recommendation called for is not given as self-care advice.
  package enum Status: Sendable, Hashable {
    /// Given.
    case given
    /// Set aside in a declared conflict.
    case setAside(Settlement)
    /// Withheld because of a red flag: any recommendation under an emergency or urgent
    /// flag, one not marked `safe while awaiting referral` under a routine referral.
    case withheld(redFlag: Int)
    /// Withheld because it is not for this person: the `not for` condition at this
    /// position in the recommendation's list holds on the answers (unknown is not enough).
    case notForYou(Int)
  }

  package let recommendation: Int
  /// How strongly it is called for: the combined certainty of the rules' conditions.
  package let strength: Double
  /// The rules that called for it.
  package let rules: [Int]
  package let status: Status
  /// Conflicts this recommendation won, so the tree can show what it displaced.
  package let settlementsWon: [Settlement]

  /// Whether the recommendation is given.
  package var isGiven: Bool { status == .given }
}

/// How a declared conflict between two recommendations was settled.
package struct Settlement: Sendable, Hashable {
  /// What decided the conflict.
  package enum Reason: Sendable, Hashable {
    /// The `prefer … when` at this position held.
    case preference(Int)
    /// No preference held; `otherwise prefer` decided.
    case otherwisePrefer
    /// No preference held; the stronger one was kept.
    case stronger
    /// No preference held and the conflict says `otherwise keep both`: nothing is set
    /// aside, but the conflict was weighed and the tree says so.
    case keptBoth
  }

  /// The recommendation chosen (for `keptBoth`, the one that declares the conflict).
  package let winner: Int
  /// The recommendation set aside (for `keptBoth`, the other one, which is kept too).
  package let loser: Int
  /// The recommendation whose declaration holds the conflict.
  package let declaredBy: Int
  /// The conflict's position in that recommendation's conflicts.
  package let conflict: Int
  package let reason: Reason
}

/// A fired `contributor upstream of finding` link.
package struct UpstreamLink: Sendable, Hashable {
  package let contributor: Int
  package let finding: Int
  package let rules: [Int]
}

// MARK: - What an app reads

extension Assessment {
  /// A finding the answers point to, with its combined certainty.
  public struct LikelyFinding: Sendable, Hashable {
    public let finding: Finding
    /// The combined certainty, above the 0.2 threshold, up to 1.
    public let certainty: Double
  }

  /// A red flag the answers raised, at the urgency it ended at, with what to do.
  public struct RaisedFlag: Sendable, Hashable {
    public let redFlag: RedFlag
    public let urgency: Urgency
    /// What to do, worded for `urgency`.
    public let advice: String
  }

  /// The combined certainty of a finding, -1…1 (0 when nothing concluded it); nil when
  /// the knowledge base declares no finding with this id.
  public func certainty(of findingID: String) -> Double? { finding(findingID)?.certainty }

  /// The findings present (certainty above 0.2), most certain first, then by id.
  public var likelyFindings: [LikelyFinding] {
    presentFindings.map { LikelyFinding(finding: knowledgeBase.findings[$0.finding], certainty: $0.certainty) }
  }

  /// The red flags raised, most urgent first, then by id. When this is not empty the
  /// person needs a clinician before any self-care advice (see ``careLevel``).
  public var raisedRedFlags: [RaisedFlag] {
    redFlags.map { raised in
      let flag = knowledgeBase.redFlags[raised.flag]
      return RaisedFlag(redFlag: flag, urgency: raised.urgency, advice: flag.advice(at: raised.urgency))
    }
  }

  /// The safety (red-flag) questions with no answer or answered "not sure" whose answer
  /// could still raise or change a red flag, given the other answers, by id.
  ///
  /// A red flag is raised only by answers, so ``careLevel`` is self-care when these are
  /// open: show them, and say that the advice stands only if none of them applies,
  /// before any self-care advice (the tree and every report do). A safety question that
  /// can no longer raise anything (the tender bony point after "no injury") is not
  /// listed: whatever its answer, the red flags would be the same. Questions left open
  /// together count as open for each other, so nothing is left out that two answers
  /// could raise together.
  public var unansweredSafetyQuestions: [Question] {
    let kb = knowledgeBase
    let candidates = kb.questions.indices.filter { index in
      // A slot with a value is an answer that fits: no need to look the answer up.
      guard kb.questions[index].isRedFlagQuestion, case .unknown = sheet.slots[index] else { return false }
      let answer = answers[kb.questions[index].id]
      return answer == nil || answer == .notSure
    }
    guard !candidates.isEmpty else { return [] }
    var open = [Bool](repeating: false, count: kb.questions.count)
    for index in candidates { open[index] = true }
    let relevance = Relevance(self, open: open)
    var couldRaise = QuestionSet()
    for (index, rule) in kb.rules.enumerated() where rule.raisesRedFlag { couldRaise.formUnion(relevance.ruleDependence[index].truth) }
    return candidates.filter { couldRaise.contains($0) }.map { kb.questions[$0] }.sorted { $0.id < $1.id }
  }

  /// The recommendations given as self-care advice (not set aside, not withheld by a red
  /// flag, not withheld by a `not for` that holds), by id.
  public var givenRecommendations: [Recommendation] {
    recommendations.filter(\.isGiven).map { knowledgeBase.recommendations[$0.recommendation] }
  }
}
