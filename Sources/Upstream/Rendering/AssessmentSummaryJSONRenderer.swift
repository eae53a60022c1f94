// MARK: - The assessment's outcome as JSON

/// Renders what a pipeline stores from an assessment, without the explanations: the
/// `upstream-assessment-summary` format, version 1 (Docs/OutputFormat.md,
/// Docs/assessment-summary.schema.json).
///
/// Red flags with their urgency, the safety questions left open, the findings present
/// with their certainty, the recommendations given with their strength, and the scores
/// filled in. It is read straight from the assessment's record; the recommendation tree
/// (and its wording) is never built, so a line costs a fraction of the full record's.
package struct AssessmentSummaryJSONRenderer: Sendable {
  /// The version of the `upstream-assessment-summary` format.
  package static let formatVersion = 1

  package init() {}

  /// The summary as a JSON value.
  package func value(_ assessment: Assessment) -> JSONValue {
    let kb = assessment.knowledgeBase
    let stamp = assessment.stamp
    return .object([
      ("format", .string("upstream-assessment-summary")),
      ("version", .number(Double(Self.formatVersion))),
      ("knowledgeBase", JSONParts.knowledgeBase(stamp)),
      ("answersHash", .string("sha256:" + stamp.answersHash)),
      ("careLevel", .string(assessment.careLevel.rawValue)),
      (
        "redFlags",
        .array(
          assessment.redFlags.map { raised in
            .object([("id", .string(kb.redFlags[raised.flag].id)), ("urgency", .string(raised.urgency.rawValue))])
          })
      ),
      ("unansweredSafetyQuestions", .array(assessment.unansweredSafetyQuestions.map { .string($0.id) })),
      (
        "findings",
        .array(
          assessment.presentFindings.map { result in
            .object([("id", .string(kb.findings[result.finding].id)), ("certainty", JSONParts.certainty(result.certainty))])
          })
      ),
      (
        "recommendations",
        .array(
          assessment.recommendations.filter(\.isGiven).map { result in
            .object([
              ("id", .string(kb.recommendations[result.recommendation].id)), ("strength", JSONParts.certainty(result.strength)),
            ])
          })
      ),
      ("scores", .array(assessment.filledInScores.map { score($0, kb) })),
    ])
  }

  private func score(_ result: ScoreResult, _ kb: KnowledgeBase) -> JSONValue {
    let declared = kb.scores[result.score]
    return .object([
      ("id", .string(declared.id)), ("total", .number(result.total)),
      ("complete", .bool(result.lowestThousandths == result.highestThousandths)),
      ("stratum", JSONParts.optional(result.stratum.map { declared.strata[$0].id })),
    ])
  }
}
