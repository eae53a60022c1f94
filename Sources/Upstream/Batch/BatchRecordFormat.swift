// MARK: - What each batch line carries

/// What `upstream assess --batch` writes for each assessed line (`--output-format`).
///
/// Each format is one case and one renderer: the record is built on the worker thread
/// that assessed the line, so a format costs only its own rendering.
package enum BatchRecordFormat: String, Sendable, CaseIterable {
  /// The full explained record: the `upstream-assessment` document (the default).
  case tree
  /// What a pipeline stores: the `upstream-assessment-summary` document.
  case summary
  /// What a clinical record stores: the FHIR R4 Bundle of `assess --format fhir`
  /// (a RiskAssessment and one Observation per score), on one line.
  case fhir

  /// The record for one assessment, as compact JSON on one line.
  package func record(_ assessment: Assessment, audience: Audience) -> String {
    switch self {
    case .tree: JSONWriter.compact(AssessmentJSONRenderer(audience: audience).value(assessment.tree))
    case .summary: JSONWriter.compact(AssessmentSummaryJSONRenderer().value(assessment))
    case .fhir: JSONWriter.compact(AssessmentFHIRRenderer(assessment.knowledgeBase).resource(assessment.tree))
    }
  }
}
