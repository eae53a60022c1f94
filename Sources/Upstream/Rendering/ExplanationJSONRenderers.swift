// MARK: - Why, why not and what if as JSON

/// Renders an `WhyExplanation` as the `upstream-why` JSON format (Docs/OutputFormat.md).
public struct WhyJSONRenderer: Sendable {
  public static let formatVersion = 1
  public let audience: Audience

  public init(audience: Audience = .clinician) { self.audience = audience }

  /// The explanation, stamped with the assessment it explains, as pretty-printed JSON.
  public func render(_ explanation: WhyExplanation, stamp: RecommendationTree.Stamp) -> String {
    JSONWriter.pretty(
      .object(
        JSONParts.header("upstream-why", Self.formatVersion, audience, stamp) + [("explanation", value(explanation))]))
  }

  func value(_ explanation: WhyExplanation) -> JSONValue {
    .object([
      ("subject", .string(explanation.subject.rawValue)), ("id", .string(explanation.id)), ("name", .string(explanation.name)),
      ("certainty", JSONParts.optionalCertainty(explanation.certainty)),
      ("certaintyWords", JSONParts.optional(explanation.subject == .finding ? explanation.certainty.map(Certainty.words) : nil)),
      ("summary", .string(explanation.summary)),
      (
        "range",
        explanation.range.map { .object([("lowest", JSONParts.certainty($0.lowerBound)), ("highest", JSONParts.certainty($0.upperBound))]) } ?? .null
      ),
      ("steps", .array(explanation.steps.map(step))), ("undecided", .array(explanation.undecided.map(step))),
      ("notes", .array(explanation.notes.map { .string($0) })),
    ])
  }

  private func step(_ step: ExplanationStep) -> JSONValue {
    .object([
      ("role", .string(step.role.rawValue)), ("rule", JSONParts.rule(step.rule)),
      ("premise", JSONParts.optionalCertainty(step.premise)), ("ruleCertainty", step.ruleCertainty.map { .number($0) } ?? .null),
      ("contribution", JSONParts.optionalCertainty(step.contribution)),
      (
        "conditions",
        .array(
          step.conditions.map { condition in
            guard case .object(var fields) = JSONParts.condition(condition) else { return .null }
            fields.append(("chain", condition.chain.map(value) ?? .null))
            return .object(fields)
          })
      ),
    ])
  }
}

/// Renders a `WhyNotExplanation` as the `upstream-why-not` JSON format.
public struct WhyNotJSONRenderer: Sendable {
  public static let formatVersion = 1
  public let audience: Audience

  public init(audience: Audience = .clinician) { self.audience = audience }

  public func render(_ explanation: WhyNotExplanation, stamp: RecommendationTree.Stamp) -> String {
    JSONWriter.pretty(
      .object(
        JSONParts.header("upstream-why-not", Self.formatVersion, audience, stamp) + [("explanation", value(explanation))]))
  }

  func value(_ explanation: WhyNotExplanation) -> JSONValue {
    .object([
      ("subject", .string(explanation.subject.rawValue)), ("id", .string(explanation.id)), ("name", .string(explanation.name)),
      ("concluded", .bool(explanation.concluded)), ("certainty", JSONParts.optionalCertainty(explanation.certainty)),
      ("summary", .string(explanation.summary)),
      ("candidates", .array(explanation.candidates.map(candidate))),
      ("notes", .array(explanation.notes.map { .string($0) })),
    ])
  }

  private func candidate(_ candidate: WhyNotCandidate) -> JSONValue {
    .object([
      ("rule", JSONParts.rule(candidate.rule)), ("role", .string(candidate.role.rawValue)), ("state", .string(candidate.state.rawValue)),
      ("ruleCertainty", candidate.ruleCertainty.map { .number($0) } ?? .null),
      ("contribution", JSONParts.optionalCertainty(candidate.contribution)),
      ("blockedAt", JSONParts.optional(candidate.blockedAt)),
      ("blockers", .array(candidate.blockers.map(JSONParts.condition))),
      (
        "wouldFireWith",
        .array(
          candidate.wouldFireWith.map { change in
            .object([
              ("question", .string(change.questionID)), ("wording", .string(change.wording)),
              ("current", change.current?.json ?? .null), ("suggested", change.suggested.json),
              ("suggestedText", .string(change.suggestedText)), ("tests", .array(change.tests.map { .string($0) })),
            ])
          })
      ),
      ("unmet", .array(candidate.unmet.map { .string($0) })), ("verified", .bool(candidate.verified)),
      ("resultingCertainty", JSONParts.optionalCertainty(candidate.resultingCertainty)),
    ])
  }
}

/// Renders a `TreeComparison` as the `upstream-what-if` JSON format.
public struct WhatIfJSONRenderer: Sendable {
  public static let formatVersion = 2
  public let audience: Audience

  public init(audience: Audience = .clinician) { self.audience = audience }

  public func render(_ comparison: TreeComparison) -> String {
    let stamp = comparison.after.stamp
    return JSONWriter.pretty(
      .object([
        ("format", .string("upstream-what-if")), ("version", .number(Double(Self.formatVersion))),
        ("audience", .string(audience.rawValue)), ("knowledgeBase", JSONParts.knowledgeBase(stamp)),
        ("before", .object([("answersHash", .string("sha256:" + comparison.before.stamp.answersHash))])),
        ("after", .object([("answersHash", .string("sha256:" + stamp.answersHash))])),
        (
          "answers",
          .array(
            comparison.answers.map { change in
              .object([
                ("question", .string(change.questionID)), ("wording", .string(change.wording)),
                ("before", change.before?.json ?? .null), ("after", change.after?.json ?? .null),
              ])
            })
        ),
        (
          "redFlags",
          .array(
            comparison.redFlags.map { flag in
              .object([
                ("id", .string(flag.id)), ("name", .string(flag.name)), ("before", JSONParts.optional(flag.before?.rawValue)),
                ("after", JSONParts.optional(flag.after?.rawValue)),
              ])
            })
        ),
        (
          "safetyQuestions",
          .array(
            comparison.safetyQuestions.map { question in
              .object([
                ("id", .string(question.id)), ("wording", .string(question.wording)),
                ("openBefore", .bool(question.openBefore)), ("openAfter", .bool(question.openAfter)),
              ])
            })
        ),
        (
          "placements",
          .array(
            comparison.placements.map { difference in
              .object([
                ("change", .string(difference.change.rawValue)), ("finding", JSONParts.finding(difference.finding)),
                ("under", difference.under.map(JSONParts.finding) ?? .null),
                ("before", difference.before.map(placement) ?? .null), ("after", difference.after.map(placement) ?? .null),
              ])
            })
        ),
        (
          "certainties",
          .array(
            comparison.certainties.map { change in
              .object([
                ("finding", JSONParts.finding(change.finding)), ("before", JSONParts.certainty(change.before)),
                ("after", JSONParts.certainty(change.after)),
              ])
            })
        ),
        (
          "recommendations",
          .array(
            comparison.recommendations.map { change in
              .object([
                ("change", .string(change.change.rawValue)), ("id", .string(change.id)), ("title", .string(change.title)),
                ("before", JSONParts.optional(change.before?.rawValue)), ("after", JSONParts.optional(change.after?.rawValue)),
              ])
            })
        ),
        (
          "scores",
          .array(
            comparison.scores.map { change in
              .object([
                ("id", .string(change.id)), ("name", .string(change.name)),
                ("before", change.before.map(score) ?? .null), ("after", change.after.map(score) ?? .null),
              ])
            })
        ),
      ]))
  }

  private func placement(_ placement: TreeComparison.Placement) -> JSONValue {
    .object([
      ("rank", .number(Double(placement.rank))), ("lessLikely", .bool(placement.lessLikely)),
      ("certainty", JSONParts.certainty(placement.certainty)),
    ])
  }

  private func score(_ score: ScoreEntry) -> JSONValue {
    .object([("total", .number(score.total)), ("complete", .bool(score.complete)), ("stratum", JSONParts.optional(score.stratum))])
  }
}

extension JSONParts {
  /// The fields every explanation format starts with.
  static func header(_ format: String, _ version: Int, _ audience: Audience, _ stamp: RecommendationTree.Stamp) -> [(key: String, value: JSONValue)] {
    [
      ("format", .string(format)), ("version", .number(Double(version))), ("audience", .string(audience.rawValue)),
      ("knowledgeBase", knowledgeBase(stamp)), ("answers", stamp.answers.json), ("answersHash", .string("sha256:" + stamp.answersHash)),
    ]
  }
}
