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
/// - Recommendations not for this person (a `not for` of theirs holds on the answers) are
///   listed on their own, with the reason and the answers that decided it, never under a
///   finding and never in the patient's plan.
public struct RecommendationTree: Sendable, Hashable, Codable {
  /// What reproduces the assessment: the knowledge base and the answers.
  public struct Stamp: Sendable, Hashable, Codable {
    public let knowledgeBaseName: String
    public let knowledgeBaseVersion: String
    /// SHA-256 of the rule files (hex).
    public let contentHash: String
    public let answers: Answers
    /// SHA-256 (hex) of the answers as compact JSON in question-id order.
    public let answersHash: String
  }

  /// A first thing to do: see a clinician for a red flag, or a recommendation.
  public struct FirstStep: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
      case redFlag = "red-flag"
      case recommendation
    }

    public let kind: Kind
    public let id: String
    /// The red flag's advice, or the recommendation's title.
    public let text: String
    /// The recommendation's dose, if any.
    public let detail: String?
  }

  public let stamp: Stamp
  public let disclaimer: String
  /// Contributors below this certainty are "possible, less likely".
  public let lessLikelyBelow: Double
  /// Red flags raised, most urgent first, then by id.
  public let redFlags: [RedFlagEntry]
  /// The level of care called for: the highest urgency, or self-care.
  public let careLevel: CareLevel
  /// Recommendations withheld because of a red flag (all under an emergency or urgent
  /// flag; those not safe to start meanwhile under a routine referral).
  public let withheld: [WithheldRecommendation]
  /// Recommendations called for but not for this person: a `not for` condition of theirs
  /// holds on the answers. By id.
  public let notForYou: [NotForYouRecommendation]
  /// Red-flag questions left unanswered or answered "not sure", by id: no
  /// red flag can be ruled out on them, so the tree says so near the top.
  public let unansweredSafetyQuestions: [UnansweredSafetyQuestion]
  /// What to do first: red-flag advice, or the recommendations for the most likely contributors.
  public let firstSteps: [FirstStep]
  /// Complaints present, most certain first: the roots of the tree.
  public let complaints: [FindingNode]
  /// Contributors present but upstream of no complaint, with their own contributors.
  public let otherFindings: [FindingNode]
  /// Whether no contributor was found.
  public let nothingFound: Bool
  /// The knowledge base's general advice, when no contributor was found and no red flag
  /// withholds self-care.
  public let generalAdvice: String?
  /// When to seek help and how fast (the knowledge base's `safety netting`): on every
  /// tree that gives self-care, empty when an emergency or urgent flag withholds it.
  public let safetyNetting: [String]
  /// Said when a routine referral comes first and only self-care that is safe meanwhile
  /// is kept; nil otherwise.
  public let whileWaiting: String?
  /// Recommendations called for that belong under no finding in the tree.
  public let otherRecommendations: [RecommendationEntry]
  /// Scored instruments that were filled in, with total and stratum.
  public let scores: [ScoreEntry]
  /// Every declared conflict settled, by winner then loser.
  public let settlements: [SettlementEntry]

  /// Every finding node, depth first (complaints, then other findings).
  public var allNodes: [FindingNode] { (complaints + otherFindings).flatMap(\.selfAndDescendants) }
}

/// A complaint or contributor in the tree, with its reasons, recommendations and its own
/// upstream contributors.
public struct FindingNode: Sendable, Hashable, Codable {
  public let id: String
  public let name: String
  /// The name in everyday words, for the patient's report.
  public let patientName: String
  public let kind: FindingKind
  public let region: BodyRegion?
  public let explanation: String?
  public let certainty: Double
  /// 1-based rank among its siblings (certainty, then id).
  public let rank: Int
  /// Below the knowledge base's `less likely below`: "possible, less likely".
  public let lessLikely: Bool
  /// The other findings in the tree this contributor is upstream of (it appears under each).
  public let alsoUpstreamOf: [FindingLabel]
  /// The rules that linked it to the finding it appears under (empty for roots).
  public let linkedBy: [RuleReference]
  /// The rules behind its certainty, for and against.
  public let reasons: [ExplanationStep]
  /// What to do about it.
  public let recommendations: [RecommendationEntry]
  /// Its own upstream contributors, ranked (less likely ones flagged).
  public let contributors: [FindingNode]

  /// Whether it explains more than one finding in the tree.
  public var shared: Bool { !alsoUpstreamOf.isEmpty }

  /// The node and every node below it, depth first.
  public var selfAndDescendants: [FindingNode] { [self] + contributors.flatMap(\.selfAndDescendants) }
}

/// A recommendation in one place of the tree.
public struct RecommendationEntry: Sendable, Hashable, Codable {
  /// Given, or set aside in a declared conflict.
  public enum Status: String, Sendable, Hashable, Codable {
    case given
    case setAside = "set-aside"
  }

  public let id: String
  public let title: String
  /// The title in everyday words, for the patient's report.
  public let patientTitle: String
  /// The dose for this person: the first `dose when` variant their answers fit, else the dose.
  public let dose: String?
  /// The instructions for this person, chosen the same way.
  public let instructions: String?
  public let cautions: [String]
  public let status: Status
  /// How strongly it is called for: the combined certainty of the rules' conditions.
  public let strength: Double
  /// Whether it is the complaint's first advice (`first step`), before any contributor's.
  package var isFirstStep = false
  /// The rules that called for it.
  public let calledForBy: [RuleReference]
  /// The other findings in the tree it also addresses.
  public let alsoFor: [FindingLabel]
  /// Conflicts it was part of: won (chosen over another) or lost (set aside).
  public let settlements: [SettlementEntry]
  public let sources: [SourceReference]
}

/// A red-flag question the answers leave open.
public struct UnansweredSafetyQuestion: Sendable, Hashable, Codable {
  public let id: String
  public let wording: String
  /// Whether it was answered "not sure" (otherwise it was not answered at all).
  public let notSure: Bool
}

/// How a declared conflict between two recommendations was settled, in words.
public struct SettlementEntry: Sendable, Hashable, Codable {
  /// What decided it.
  public enum Basis: String, Sendable, Hashable, Codable {
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

  public let chosen: String
  public let chosenTitle: String
  public let setAside: String
  public let setAsideTitle: String
  public let basis: Basis
  /// The `prefer … when` condition that held, in the rule language.
  public let condition: String?
  /// Where the conflict is declared.
  public let declaredAt: DeclarationSite
  /// Why, in plain words (the answers that decided it).
  public let patientReason: String
  /// Why, with the condition and the declaration's place.
  public let clinicianReason: String

  /// The reason this audience reads.
  public func reason(for audience: Audience) -> String { audience == .patient ? patientReason : clinicianReason }
}

/// A red flag raised: how urgent, what to do, and why.
public struct RedFlagEntry: Sendable, Hashable, Codable {
  public let id: String
  public let name: String
  public let urgency: Urgency
  /// What to do, worded for `urgency` (the urgency it ended at).
  public let advice: String
  public let explanation: String?
  /// The rules that raised it, with the answers that did.
  public let raisedBy: [ExplanationStep]
  public let sources: [SourceReference]
}

/// A recommendation held back until a clinician has seen a red flag.
public struct WithheldRecommendation: Sendable, Hashable, Codable {
  public let id: String
  public let title: String
  /// The title in everyday words, for the patient's report.
  public let patientTitle: String
  public let redFlag: String
  public let redFlagName: String
  public let urgency: Urgency
  /// The findings in the tree it would have been for.
  public let wouldAddress: [FindingLabel]
  /// Why it is withheld, in words.
  public let reason: String
}

/// A recommendation called for but withheld because it is not for this person: one of its
/// `not for` conditions holds on the answers (an unanswered question never makes it hold).
public struct NotForYouRecommendation: Sendable, Hashable, Codable {
  public let id: String
  public let title: String
  /// The title in everyday words, for the patient's report.
  public let patientTitle: String
  /// Why it is not for this person, as the knowledge base words it.
  public let reason: String
  /// The `not for` condition that held, in the rule language.
  public let condition: String
  /// The tests of the condition that held, with the answers that made them hold.
  public let because: [ConditionFact]
  /// Where the `not for` is written.
  public let declaredAt: DeclarationSite
  /// The findings in the tree it would have been for.
  public let wouldAddress: [FindingLabel]
}

/// A scored instrument's result.
public struct ScoreEntry: Sendable, Hashable, Codable {
  public let id: String
  public let name: String
  public let total: Double
  /// Whether every item was answered (the total cannot change).
  public let complete: Bool
  public let lowest: Double
  public let highest: Double
  public let stratum: String?
  public let stratumLabel: String?
  public let stratumMeaning: String?
  /// The instrument's copyright and licence line, if it declares one.
  public let copyright: String?
  /// A rule that added points, and how many.
  public struct Contribution: Sendable, Hashable, Codable {
    public let rule: RuleReference
    public let points: Double
  }

  /// The rules that added points, and how many.
  public let contributions: [Contribution]
}

// MARK: - The order of a report

extension RecommendationTree {
  /// A part of a report on the tree. Every renderer (text, Markdown, HTML) shows the parts
  /// in this order, following ``sections(for:)``, so no renderer restates it.
  public enum Section: String, Sendable, Hashable, Codable, CaseIterable {
    /// The knowledge base's name and version, the hashes and the disclaimer.
    case heading
    /// Red flags, what they withhold, and what to do while waiting.
    case redFlags = "red-flags"
    /// Safety questions left unanswered or answered "not sure".
    case unansweredSafetyQuestions = "unanswered-safety-questions"
    /// The patient's plan: per complaint, the most likely contributors and one first
    /// thing to do (``patientPlan``; the patient's report only).
    case firstSteps = "first-steps"
    /// The other recommendations given, one line each (the patient's report only).
    case moreToTry = "more-to-try"
    /// The complaints, each with its upstream contributors and what to do.
    case complaints
    /// Findings that are neither a complaint nor under one.
    case otherFindings = "other-findings"
    /// Nothing was found, and the general advice.
    case nothingFound = "nothing-found"
    /// Recommendations called for by no finding in the tree.
    case otherRecommendations = "other-recommendations"
    /// Recommendations withheld because they are not for this person, with why.
    case notForYou = "not-for-you"
    /// When to seek help and how fast.
    case safetyNetting = "safety-netting"
    /// Scored instruments.
    case scores
    /// The answers the report is based on.
    case answers
  }

  /// The sections this tree has for an audience, in the order they are shown: empty
  /// sections are left out. The patient's report is short: the plan per complaint and
  /// the rest as "more you can try", no tree, no answers; the clinician's has the whole
  /// tree and the answers. When a red flag needs a doctor now or today, the patient's
  /// report is that red flag and what it holds back, nothing more: no plan, no score
  /// band or "nothing found" that could read as reassurance beside it.
  public func sections(for audience: Audience) -> [Section] {
    let patient = audience == .patient
    if patient && redFlags.contains(where: { $0.urgency.withholdsSelfCare }) { return [.heading, .redFlags] }
    return Section.allCases.filter { section in
      switch section {
      case .heading: true
      case .answers: !patient
      case .redFlags: !redFlags.isEmpty
      case .unansweredSafetyQuestions: !unansweredSafetyQuestions.isEmpty
      case .firstSteps: patient && !complaints.isEmpty
      case .moreToTry: patient && !patientPlan.moreToTry.isEmpty
      case .complaints: !patient && !complaints.isEmpty
      case .otherFindings: !patient && !otherFindings.isEmpty
      case .nothingFound: nothingFound
      case .otherRecommendations: !patient && !otherRecommendations.isEmpty
      case .notForYou: !notForYou.isEmpty
      case .safetyNetting: !safetyNetting.isEmpty
      case .scores: !scores.isEmpty
      }
    }
  }
}
