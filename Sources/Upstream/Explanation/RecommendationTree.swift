// MARK: - The explained recommendation tree

/// What a person reads: red flags first, then each complaint with its likely upstream
/// contributors, their own contributors in turn, and what to do about each, with why.
///
/// Built from an assessment's record (`Assessment.tree`), the same for every renderer and
/// both audiences: each reason carries its patient and its clinician wording.
///
/// - Complaints present (certainty above 0.2) are the roots, most certain first.
/// - Under a finding: the contributors with a fired `upstream of` link to it that are
///   present, ranked by certainty (ties by id), and theirs in turn; a link back to a
///   finding already on the path is not followed, so cycles in the data end.
/// - Contributors below the knowledge base's `less likely below` are flagged `lessLikely`
///   (renderers group them as "possible, less likely").
/// - A contributor upstream of several findings in the tree appears under each, `shared`.
/// - Under each finding: the recommendations called for whose `addresses` names it (given,
///   or set aside in a declared conflict, with the settlement); one under several findings
///   appears in each place, naming the others.
/// - Recommendations withheld by an emergency or urgent red flag are listed with the red
///   flags, with the reason, never under a finding.
package struct RecommendationTree: Sendable, Hashable {
  /// What reproduces the assessment: the knowledge base and the answers.
  package struct Stamp: Sendable, Hashable {
    package let knowledgeBaseName: String
    package let knowledgeBaseVersion: String
    /// SHA-256 of the rule files (hex).
    package let contentHash: String
    package let answers: Answers
    /// SHA-256 (hex) of the answers as compact JSON in question-id order.
    package let answersHash: String
  }

  /// A first thing to do: see a clinician for a red flag, or a recommendation.
  package struct FirstStep: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable {
      case redFlag = "red-flag"
      case recommendation
    }

    package let kind: Kind
    package let id: String
    /// The red flag's advice, or the recommendation's title.
    package let text: String
    /// The recommendation's dose, if any.
    package let detail: String?
  }

  package let stamp: Stamp
  package let disclaimer: String
  /// Contributors below this certainty are "possible, less likely".
  package let lessLikelyBelow: Double
  /// Red flags raised, most urgent first, then by id.
  package let redFlags: [RedFlagEntry]
  /// The level of care called for: the highest urgency, or self-care.
  package let careLevel: CareLevel
  /// Recommendations withheld because of a red flag (all under an emergency or urgent
  /// flag; those not safe to start meanwhile under a routine referral).
  package let withheld: [WithheldRecommendation]
  /// Red-flag questions left unanswered or answered "not sure", by id: no
  /// red flag can be ruled out on them, so the tree says so near the top.
  package let unansweredSafetyQuestions: [UnansweredSafetyQuestion]
  /// What to do first: red-flag advice, or the recommendations for the most likely contributors.
  package let firstSteps: [FirstStep]
  /// Complaints present, most certain first: the roots of the tree.
  package let complaints: [FindingNode]
  /// Contributors present but upstream of no complaint, with their own contributors.
  package let otherFindings: [FindingNode]
  /// Whether no contributor was found.
  package let nothingFound: Bool
  /// The knowledge base's general advice, when no contributor was found and no red flag
  /// withholds self-care.
  package let generalAdvice: String?
  /// When to seek help and how fast (the knowledge base's `safety netting`): on every
  /// tree that gives self-care, empty when an emergency or urgent flag withholds it.
  package let safetyNetting: [String]
  /// Said when a routine referral comes first and only self-care that is safe meanwhile
  /// is kept; nil otherwise.
  package let whileWaiting: String?
  /// Recommendations called for that belong under no finding in the tree.
  package let otherRecommendations: [RecommendationEntry]
  /// Scored instruments that were filled in, with total and stratum.
  package let scores: [ScoreEntry]
  /// Every declared conflict settled, by winner then loser.
  package let settlements: [SettlementEntry]

  /// Every finding node, depth first (complaints, then other findings).
  package var allNodes: [FindingNode] { (complaints + otherFindings).flatMap(\.selfAndDescendants) }
}

/// A complaint or contributor in the tree, with its reasons, recommendations and its own
/// upstream contributors.
package struct FindingNode: Sendable, Hashable {
  package let id: String
  package let name: String
  package let kind: FindingKind
  package let region: BodyRegion?
  package let explanation: String?
  package let certainty: Double
  /// 1-based rank among its siblings (certainty, then id).
  package let rank: Int
  /// Below the knowledge base's `less likely below`: "possible, less likely".
  package let lessLikely: Bool
  /// The other findings in the tree this contributor is upstream of (it appears under each).
  package let alsoUpstreamOf: [FindingLabel]
  /// The rules that linked it to the finding it appears under (empty for roots).
  package let linkedBy: [RuleReference]
  /// The rules behind its certainty, for and against.
  package let reasons: [Reason]
  /// What to do about it.
  package let recommendations: [RecommendationEntry]
  /// Its own upstream contributors, ranked (less likely ones flagged).
  package let contributors: [FindingNode]

  /// Whether it explains more than one finding in the tree.
  package var shared: Bool { !alsoUpstreamOf.isEmpty }

  /// The node and every node below it, depth first.
  package var selfAndDescendants: [FindingNode] { [self] + contributors.flatMap(\.selfAndDescendants) }
}

/// A recommendation in one place of the tree.
package struct RecommendationEntry: Sendable, Hashable {
  /// Given, or set aside in a declared conflict.
  package enum Status: String, Sendable, Hashable {
    case given
    case setAside = "set-aside"
  }

  package let id: String
  package let title: String
  package let dose: String?
  package let instructions: String?
  package let cautions: [String]
  package let status: Status
  /// How strongly it is called for: the combined certainty of the rules' conditions.
  package let strength: Double
  /// The rules that called for it.
  package let calledForBy: [RuleReference]
  /// The other findings in the tree it also addresses.
  package let alsoFor: [FindingLabel]
  /// Conflicts it was part of: won (chosen over another) or lost (set aside).
  package let settlements: [SettlementEntry]
  package let sources: [SourceReference]
}

/// A red-flag question the answers leave open.
package struct UnansweredSafetyQuestion: Sendable, Hashable {
  package let id: String
  package let wording: String
  /// Whether it was answered "not sure" (otherwise it was not answered at all).
  package let notSure: Bool
}

/// How a declared conflict between two recommendations was settled, in words.
package struct SettlementEntry: Sendable, Hashable {
  /// What decided it.
  package enum Basis: String, Sendable, Hashable {
    /// A `prefer … when` held.
    case preference
    /// No preference held; `otherwise prefer` decided.
    case otherwisePrefer = "otherwise-prefer"
    /// No preference held; the more strongly called-for one was kept.
    case stronger
    /// No preference held and the conflict keeps both: `setAside` names the other
    /// recommendation, which is given too.
    case keptBoth = "kept-both"
  }

  package let chosen: String
  package let chosenTitle: String
  package let setAside: String
  package let setAsideTitle: String
  package let basis: Basis
  /// The `prefer … when` condition that held, in the rule language.
  package let condition: String?
  /// Where the conflict is declared.
  package let declaredAt: Location
  /// Why, in plain words (the answers that decided it).
  package let patientReason: String
  /// Why, with the condition and the declaration's place.
  package let clinicianReason: String

  /// The reason this audience reads.
  package func reason(for audience: Audience) -> String { audience == .patient ? patientReason : clinicianReason }
}

/// A red flag raised: how urgent, what to do, and why.
package struct RedFlagEntry: Sendable, Hashable {
  package let id: String
  package let name: String
  package let urgency: Urgency
  /// What to do, worded for `urgency` (the urgency it ended at).
  package let advice: String
  package let explanation: String?
  /// The rules that raised it, with the answers that did.
  package let raisedBy: [Reason]
  package let sources: [SourceReference]
}

/// A recommendation held back until a clinician has seen a red flag.
package struct WithheldRecommendation: Sendable, Hashable {
  package let id: String
  package let title: String
  package let redFlag: String
  package let redFlagName: String
  package let urgency: Urgency
  /// The findings in the tree it would have been for.
  package let wouldAddress: [FindingLabel]
  /// Why it is withheld, in words.
  package let reason: String
}

/// A scored instrument's result.
package struct ScoreEntry: Sendable, Hashable {
  package let id: String
  package let name: String
  package let total: Double
  /// Whether every item was answered (the total cannot change).
  package let complete: Bool
  package let lowest: Double
  package let highest: Double
  package let stratum: String?
  package let stratumLabel: String?
  package let stratumMeaning: String?
  /// The instrument's copyright and licence line, if it declares one.
  package let copyright: String?
  /// The rules that added points, and how many.
  package let contributions: [(rule: RuleReference, points: Double)]

  package static func == (lhs: ScoreEntry, rhs: ScoreEntry) -> Bool {
    lhs.id == rhs.id && lhs.total == rhs.total && lhs.complete == rhs.complete && lhs.lowest == rhs.lowest
      && lhs.highest == rhs.highest && lhs.stratum == rhs.stratum
      && lhs.contributions.map(\.rule) == rhs.contributions.map(\.rule)
      && lhs.contributions.map(\.points) == rhs.contributions.map(\.points)
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(id)
    hasher.combine(total)
  }
}
