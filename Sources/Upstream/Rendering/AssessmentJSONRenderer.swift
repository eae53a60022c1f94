// MARK: - Assessment as JSON

/// Renders an assessment's recommendation tree as versioned JSON with a stable field order:
/// the `upstream-assessment` format, version 5 (Docs/OutputFormat.md,
/// Docs/assessment.schema.json).
///
/// JSON is the full model for both audiences: every rule carries its patient and its
/// clinician wording, and `audience` records which one was asked for.
public struct AssessmentJSONRenderer: Sendable {
  /// The version of the `upstream-assessment` format.
  public static let formatVersion = 5

  public let audience: Audience

  public init(audience: Audience = .clinician) { self.audience = audience }

  /// The assessment's tree as pretty-printed JSON.
  public func render(_ assessment: Assessment) -> String { render(assessment.tree) }

  /// The tree as pretty-printed JSON.
  package func render(_ tree: RecommendationTree) -> String { JSONWriter.pretty(value(tree)) }

  /// The tree as a JSON value.
  package func value(_ tree: RecommendationTree) -> JSONValue {
    .object([
      ("format", .string("upstream-assessment")),
      ("version", .number(Double(Self.formatVersion))),
      ("audience", .string(audience.rawValue)),
      ("knowledgeBase", JSONParts.knowledgeBase(tree.stamp)),
      ("answers", tree.stamp.answers.json),
      ("answersHash", .string("sha256:" + tree.stamp.answersHash)),
      ("disclaimer", .string(tree.disclaimer)),
      ("lessLikelyBelow", .number(tree.lessLikelyBelow)),
      ("careLevel", .string(tree.careLevel.rawValue)),
      ("redFlags", .array(tree.redFlags.map(redFlag))),
      ("withheld", .array(tree.withheld.map(withheld))),
      ("notForYou", .array(tree.notForYou.map(notForYou))),
      ("unansweredSafetyQuestions", .array(tree.unansweredSafetyQuestions.map(unansweredSafety))),
      (
        "firstSteps",
        .array(
          tree.firstSteps.map { step in
            .object([
              ("kind", .string(step.kind.rawValue)), ("id", .string(step.id)), ("text", .string(step.text)),
              ("detail", JSONParts.optional(step.detail)),
            ])
          })
      ),
      ("complaints", .array(tree.complaints.map(node))),
      ("otherFindings", .array(tree.otherFindings.map(node))),
      ("nothingFound", .bool(tree.nothingFound)),
      ("generalAdvice", JSONParts.optional(tree.generalAdvice)),
      ("safetyNetting", .array(tree.safetyNetting.map { .string($0) })),
      ("whileWaiting", JSONParts.optional(tree.whileWaiting)),
      ("otherRecommendations", .array(tree.otherRecommendations.map(JSONParts.recommendation))),
      ("scores", .array(tree.scores.map(score))),
      ("settlements", .array(tree.settlements.map(JSONParts.settlement))),
    ])
  }

  // MARK: Parts

  private func node(_ node: FindingNode) -> JSONValue {
    .object([
      ("id", .string(node.id)), ("name", .string(node.name)), ("kind", .string(node.kind.rawValue)),
      ("region", JSONParts.optional(node.region?.rawValue)),
      ("certainty", JSONParts.certainty(node.certainty)), ("certaintyWords", .string(Certainty.words(node.certainty))),
      ("rank", .number(Double(node.rank))), ("lessLikely", .bool(node.lessLikely)), ("shared", .bool(node.shared)),
      ("alsoUpstreamOf", .array(node.alsoUpstreamOf.map(JSONParts.finding))),
      ("linkedBy", .array(node.linkedBy.map(JSONParts.rule))),
      ("reasons", .array(node.reasons.map(JSONParts.reason))),
      ("recommendations", .array(node.recommendations.map(JSONParts.recommendation))),
      ("contributors", .array(node.contributors.map(self.node))),
    ])
  }

  private func redFlag(_ flag: RedFlagEntry) -> JSONValue {
    .object([
      ("id", .string(flag.id)), ("name", .string(flag.name)), ("urgency", .string(flag.urgency.rawValue)),
      ("advice", .string(flag.advice)), ("explanation", JSONParts.optional(flag.explanation)),
      ("raisedBy", .array(flag.raisedBy.map(JSONParts.reason))), ("sources", .array(flag.sources.map(JSONParts.source))),
    ])
  }

  private func unansweredSafety(_ question: UnansweredSafetyQuestion) -> JSONValue {
    .object([("id", .string(question.id)), ("wording", .string(question.wording)), ("notSure", .bool(question.notSure))])
  }

  private func withheld(_ entry: WithheldRecommendation) -> JSONValue {
    .object([
      ("id", .string(entry.id)), ("title", .string(entry.title)), ("redFlag", .string(entry.redFlag)),
      ("urgency", .string(entry.urgency.rawValue)), ("wouldAddress", .array(entry.wouldAddress.map(JSONParts.finding))),
      ("reason", .string(entry.reason)),
    ])
  }

  private func notForYou(_ entry: NotForYouRecommendation) -> JSONValue {
    .object([
      ("id", .string(entry.id)), ("title", .string(entry.title)), ("patientTitle", .string(entry.patientTitle)),
      ("reason", .string(entry.reason)), ("condition", .string(entry.condition)),
      ("because", .array(entry.because.map(JSONParts.condition))),
      ("declaredAt", .object([("file", .string(entry.declaredAt.file)), ("line", .number(Double(entry.declaredAt.line)))])),
      ("wouldAddress", .array(entry.wouldAddress.map(JSONParts.finding))),
    ])
  }

  private func score(_ score: ScoreEntry) -> JSONValue {
    .object([
      ("id", .string(score.id)), ("name", .string(score.name)), ("total", .number(score.total)),
      ("complete", .bool(score.complete)), ("lowest", .number(score.lowest)), ("highest", .number(score.highest)),
      ("stratum", JSONParts.optional(score.stratum)), ("stratumLabel", JSONParts.optional(score.stratumLabel)),
      ("stratumMeaning", JSONParts.optional(score.stratumMeaning)),
      ("copyright", JSONParts.optional(score.copyright)),
      (
        "contributions",
        .array(
          score.contributions.map { contribution in
            .object([
              ("rule", .string(contribution.rule.id)), ("file", .string(contribution.rule.location.file)),
              ("line", .number(Double(contribution.rule.location.line))), ("points", .number(contribution.points)),
            ])
          })
      ),
    ])
  }
}

// MARK: - Parts shared by the JSON renderers

/// JSON for the parts every explanation is made of, so each format spells them alike.
enum JSONParts {
  static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

  /// Certainties to four decimals, so output does not depend on the last bits of a double.
  static func certainty(_ value: Double) -> JSONValue { .number((value * 10_000).rounded() / 10_000) }

  static func optionalCertainty(_ value: Double?) -> JSONValue { value.map(certainty) ?? .null }

  static func knowledgeBase(_ stamp: RecommendationTree.Stamp) -> JSONValue {
    .object([
      ("name", .string(stamp.knowledgeBaseName)), ("version", .string(stamp.knowledgeBaseVersion)),
      ("contentHash", .string("sha256:" + stamp.contentHash)),
    ])
  }

  static func finding(_ label: FindingLabel) -> JSONValue { .object([("id", .string(label.id)), ("name", .string(label.name))]) }

  static func source(_ source: SourceReference) -> JSONValue {
    .object([
      ("id", .string(source.id)), ("title", .string(source.title)), ("citation", optional(source.citation)),
      ("url", optional(source.url)), ("evidence", .string(source.evidence.rawValue)),
    ])
  }

  static func rule(_ rule: RuleReference) -> JSONValue {
    .object([
      ("id", .string(rule.id)), ("file", .string(rule.location.file)), ("line", .number(Double(rule.location.line))),
      ("because", .string(rule.because)), ("patientWording", .string(rule.patientWording)),
      ("clinicianWording", .string(rule.clinicianWording)), ("sources", .array(rule.sources.map(source))),
    ])
  }

  static func condition(_ condition: ConditionFact) -> JSONValue {
    .object([
      ("test", .string(condition.test)), ("outcome", .string(condition.outcome.name)),
      ("description", .string(condition.description)), ("fact", condition.fact.map(fact) ?? .null),
    ])
  }

  static func fact(_ fact: ConditionFact.Fact) -> JSONValue {
    switch fact {
    case .answer(let question, let wording, let answer):
      .object([
        ("kind", .string("answer")), ("question", .string(question)), ("wording", .string(wording)),
        ("answer", answer?.json ?? .null),
      ])
    case .finding(let label, let certainty):
      .object([
        ("kind", .string("finding")), ("finding", .string(label.id)), ("name", .string(label.name)),
        ("certainty", self.certainty(certainty)),
      ])
    case .score(let id, let name, let total, let stratum):
      .object([
        ("kind", .string("score")), ("score", .string(id)), ("name", .string(name)), ("total", .number(total)),
        ("stratum", optional(stratum)),
      ])
    }
  }

  static func reason(_ reason: ExplanationStep) -> JSONValue {
    .object([
      ("rule", rule(reason.rule)), ("certainty", certainty(reason.contribution ?? 0)), ("premise", certainty(reason.premise ?? 0)),
      ("conditions", .array(reason.conditions.map(condition))),
    ])
  }

  static func recommendation(_ entry: RecommendationEntry) -> JSONValue {
    .object([
      ("id", .string(entry.id)), ("title", .string(entry.title)), ("dose", optional(entry.dose)),
      ("instructions", optional(entry.instructions)), ("cautions", .array(entry.cautions.map { .string($0) })),
      ("status", .string(entry.status.rawValue)), ("strength", certainty(entry.strength)),
      ("calledForBy", .array(entry.calledForBy.map(rule))), ("alsoFor", .array(entry.alsoFor.map(finding))),
      ("settlements", .array(entry.settlements.map(settlement))), ("sources", .array(entry.sources.map(source))),
    ])
  }

  static func settlement(_ settlement: SettlementEntry) -> JSONValue {
    .object([
      ("chosen", .string(settlement.chosen)), ("chosenTitle", .string(settlement.chosenTitle)),
      ("setAside", .string(settlement.setAside)), ("setAsideTitle", .string(settlement.setAsideTitle)),
      ("basis", .string(settlement.basis.rawValue)), ("condition", optional(settlement.condition)),
      ("declaredAt", .object([("file", .string(settlement.declaredAt.file)), ("line", .number(Double(settlement.declaredAt.line)))])),
      ("patientReason", .string(settlement.patientReason)), ("clinicianReason", .string(settlement.clinicianReason)),
    ])
  }
}
