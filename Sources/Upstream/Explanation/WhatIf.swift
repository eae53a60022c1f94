// MARK: - What if: two trees compared

/// The difference between two assessments' trees: answers changed, red flags, contributors
/// gained, lost and re-ranked, certainty changes, recommendations gained and lost, scores.
public struct TreeComparison: Sendable, Hashable, Codable {
  /// One answer that differs.
  public struct AnswerDifference: Sendable, Hashable, Codable {
    public let questionID: String
    public let wording: String
    public let before: AnswerValue?
    public let after: AnswerValue?
    /// The answers in words (option labels), nil when not answered.
    public let beforeText: String?
    public let afterText: String?
  }

  /// A red flag raised in only one, or with another urgency.
  public struct RedFlagDifference: Sendable, Hashable, Codable {
    public let id: String
    public let name: String
    public let before: Urgency?
    public let after: Urgency?
  }

  /// A red-flag question left open (unanswered or "not sure") in one tree and not the
  /// other: no red flag can be ruled out on an open one, so `assess` lists it near the top.
  public struct SafetyQuestionDifference: Sendable, Hashable, Codable {
    public let id: String
    public let wording: String
    /// Whether it was open before, and is open after.
    public let openBefore: Bool
    public let openAfter: Bool
  }

  /// Where a contributor sits under one finding: its rank and group.
  public struct Placement: Sendable, Hashable, Codable {
    public let rank: Int
    public let lessLikely: Bool
    public let certainty: Double
  }

  /// A contributor gained, lost or re-ranked under one finding (or a complaint gained or lost).
  public struct PlacementDifference: Sendable, Hashable, Codable {
    public enum Change: String, Sendable, Hashable, Codable {
      case gained, lost, reranked
    }

    public let finding: FindingLabel
    /// The finding it sits under; nil for complaints (the roots) and other findings.
    public let under: FindingLabel?
    public let before: Placement?
    public let after: Placement?

    public var change: Change { before == nil ? .gained : (after == nil ? .lost : .reranked) }
  }

  /// A finding in both trees whose certainty changed.
  public struct CertaintyDifference: Sendable, Hashable, Codable {
    public let finding: FindingLabel
    public let before: Double
    public let after: Double
  }

  /// What became of a recommendation in one tree.
  public enum RecommendationStatus: String, Sendable, Hashable, Codable {
    /// Given as advice.
    case given
    /// Set aside in a declared conflict.
    case setAside = "set-aside"
    /// Held back by a red flag.
    case withheld
    /// Withheld because a `not for` of its own holds on the answers.
    case notForYou = "not-for-you"

    /// The status in words: `set aside`.
    public var words: String { rawValue.replacingOccurrences(of: "-", with: " ") }
  }

  /// A recommendation whose status changed; nil is "not called for".
  public struct RecommendationDifference: Sendable, Hashable, Codable {
    public enum Change: String, Sendable, Hashable, Codable {
      case gained, lost, changed
    }

    public let id: String
    public let title: String
    public let before: RecommendationStatus?
    public let after: RecommendationStatus?

    public var change: Change {
      after == .given ? .gained : (before == .given ? .lost : .changed)
    }
  }

  /// A score whose total or stratum changed.
  public struct ScoreDifference: Sendable, Hashable, Codable {
    public let id: String
    public let name: String
    public let before: ScoreEntry?
    public let after: ScoreEntry?
  }

  public let before: RecommendationTree
  public let after: RecommendationTree
  public let answers: [AnswerDifference]
  public let redFlags: [RedFlagDifference]
  /// Red-flag questions that became open or were answered, by id.
  public let safetyQuestions: [SafetyQuestionDifference]
  /// Complaints and contributors gained, lost or re-ranked, in the after tree's order then the before tree's.
  public let placements: [PlacementDifference]
  public let certainties: [CertaintyDifference]
  public let recommendations: [RecommendationDifference]
  public let scores: [ScoreDifference]

  /// Whether the two trees say the same.
  public var isEmpty: Bool {
    redFlags.isEmpty && safetyQuestions.isEmpty && placements.isEmpty && certainties.isEmpty && recommendations.isEmpty && scores.isEmpty
  }
}

extension Assessment {
  /// Compares two assessments (usually the same knowledge base, different answers).
  public static func compare(_ before: Assessment, _ after: Assessment) -> TreeComparison {
    let old = before.tree
    let new = after.tree
    return TreeComparison(
      before: old, after: new, answers: answerDifferences(before, after), redFlags: redFlagDifferences(old, new),
      safetyQuestions: safetyQuestionDifferences(old, new), placements: placementDifferences(old, new), certainties: certaintyDifferences(old, new),
      recommendations: recommendationDifferences(old, new), scores: scoreDifferences(old, new))
  }

  private static func answerDifferences(_ before: Assessment, _ after: Assessment) -> [TreeComparison.AnswerDifference] {
    let ids = Set(before.answers.questionIDs + after.answers.questionIDs).sorted()
    return ids.compactMap { id in
      let old = before.answers[id]
      let new = after.answers[id]
      guard old != new else { return nil }
      let wording = after.knowledgeBase.question(id)?.wording ?? before.knowledgeBase.question(id)?.wording ?? id
      func text(_ value: AnswerValue?, _ assessment: Assessment) -> String? {
        guard let value, case .question(let index)? = assessment.knowledgeBase.symbols[id] else { return nil }
        return assessment.answerText(value, question: index)
      }
      return TreeComparison.AnswerDifference(
        questionID: id, wording: wording, before: old, after: new, beforeText: text(old, before), afterText: text(new, after))
    }
  }

  private static func redFlagDifferences(_ old: RecommendationTree, _ new: RecommendationTree) -> [TreeComparison.RedFlagDifference] {
    let ids = Set(old.redFlags.map(\.id) + new.redFlags.map(\.id)).sorted()
    return ids.compactMap { id in
      let before = old.redFlags.first { $0.id == id }
      let after = new.redFlags.first { $0.id == id }
      guard before?.urgency != after?.urgency else { return nil }
      return TreeComparison.RedFlagDifference(id: id, name: (after ?? before)?.name ?? id, before: before?.urgency, after: after?.urgency)
    }
  }

  private static func safetyQuestionDifferences(
    _ old: RecommendationTree, _ new: RecommendationTree
  ) -> [TreeComparison.SafetyQuestionDifference] {
    let before = Dictionary(old.unansweredSafetyQuestions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let after = Dictionary(new.unansweredSafetyQuestions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    return Set(before.keys).symmetricDifference(after.keys).sorted().compactMap { id in
      guard let question = after[id] ?? before[id] else { return nil }
      return .init(id: id, wording: question.wording, openBefore: before[id] != nil, openAfter: after[id] != nil)
    }
  }

  /// Every (finding, parent) placement in a tree, in tree order, first occurrence kept.
  private static func placements(_ tree: RecommendationTree) -> [(
    key: [String], finding: FindingLabel, under: FindingLabel?, placement: TreeComparison.Placement
  )] {
    var seen = Set<[String]>()
    var result: [(key: [String], finding: FindingLabel, under: FindingLabel?, placement: TreeComparison.Placement)] = []
    func visit(_ node: FindingNode, parent: FindingNode?) {
      let key = [node.id, parent?.id ?? ""]
      if seen.insert(key).inserted {
        result.append(
          (
            key, FindingLabel(id: node.id, name: node.name), parent.map { FindingLabel(id: $0.id, name: $0.name) },
            TreeComparison.Placement(rank: node.rank, lessLikely: node.lessLikely, certainty: node.certainty)
          ))
      }
      for child in node.contributors { visit(child, parent: node) }
    }
    for root in tree.complaints + tree.otherFindings { visit(root, parent: nil) }
    return result
  }

  private static func placementDifferences(_ old: RecommendationTree, _ new: RecommendationTree) -> [TreeComparison.PlacementDifference] {
    let before = placements(old)
    let after = placements(new)
    let beforeByKey = Dictionary(before.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    let afterKeys = Set(after.map(\.key))
    var result: [TreeComparison.PlacementDifference] = []
    for entry in after {
      let previous = beforeByKey[entry.key]?.placement
      if let previous, previous.rank == entry.placement.rank, previous.lessLikely == entry.placement.lessLikely { continue }
      result.append(.init(finding: entry.finding, under: entry.under, before: previous, after: entry.placement))
    }
    for entry in before where !afterKeys.contains(entry.key) {
      result.append(.init(finding: entry.finding, under: entry.under, before: entry.placement, after: nil))
    }
    return result
  }

  private static func certaintyDifferences(_ old: RecommendationTree, _ new: RecommendationTree) -> [TreeComparison.CertaintyDifference] {
    var before: [String: FindingNode] = [:]
    for node in old.allNodes where before[node.id] == nil { before[node.id] = node }
    var seen = Set<String>()
    return new.allNodes.compactMap { node in
      guard seen.insert(node.id).inserted, let previous = before[node.id], rounded(previous.certainty) != rounded(node.certainty)
      else { return nil }
      return TreeComparison.CertaintyDifference(
        finding: FindingLabel(id: node.id, name: node.name), before: previous.certainty, after: node.certainty)
    }
  }

  private static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

  /// Every recommendation in a tree with its status and title.
  private static func statuses(_ tree: RecommendationTree) -> [String: (title: String, status: TreeComparison.RecommendationStatus)] {
    var result: [String: (title: String, status: TreeComparison.RecommendationStatus)] = [:]
    let placed = tree.allNodes.flatMap(\.recommendations) + tree.otherRecommendations
    for entry in placed { result[entry.id] = (entry.title, entry.status == .given ? .given : .setAside) }
    for entry in tree.withheld { result[entry.id] = (entry.title, .withheld) }
    for entry in tree.notForYou { result[entry.id] = (entry.title, .notForYou) }
    return result
  }

  private static func recommendationDifferences(_ old: RecommendationTree, _ new: RecommendationTree) -> [TreeComparison.RecommendationDifference] {
    let before = statuses(old)
    let after = statuses(new)
    return Set(before.keys).union(after.keys).sorted().compactMap { id in
      guard before[id]?.status != after[id]?.status else { return nil }
      return TreeComparison.RecommendationDifference(
        id: id, title: after[id]?.title ?? before[id]?.title ?? id, before: before[id]?.status, after: after[id]?.status)
    }.sorted { ($0.change.rawValue, $0.id) < ($1.change.rawValue, $1.id) }
  }

  private static func scoreDifferences(_ old: RecommendationTree, _ new: RecommendationTree) -> [TreeComparison.ScoreDifference] {
    let ids = Set(old.scores.map(\.id) + new.scores.map(\.id)).sorted()
    return ids.compactMap { id in
      let before = old.scores.first { $0.id == id }
      let after = new.scores.first { $0.id == id }
      guard before?.total != after?.total || before?.stratum != after?.stratum || before?.complete != after?.complete else { return nil }
      return TreeComparison.ScoreDifference(id: id, name: (after ?? before)?.name ?? id, before: before, after: after)
    }
  }
}
