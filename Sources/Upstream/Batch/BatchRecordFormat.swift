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

  /// The record for one assessment, as compact JSON on one line. The line's warnings (an
  /// item no question names, a date with no assessment date to count from…) close a tree
  /// or summary record as `"warnings"`, in the shape of an error record's diagnostics; a
  /// FHIR Bundle has no place for them and is written as `assess --format fhir` writes it.
  package func record(_ assessment: Assessment, audience: Audience, warnings: [Diagnostic] = []) -> String {
    switch self {
    case .tree: JSONWriter.compact(Self.adding(warnings, to: AssessmentJSONRenderer(audience: audience).value(assessment.tree)))
    case .summary: JSONWriter.compact(Self.adding(warnings, to: AssessmentSummaryJSONRenderer().value(assessment)))
    case .fhir: JSONWriter.compact(AssessmentFHIRRenderer(assessment.knowledgeBase).resource(assessment.tree))
    }
  }

  /// A record with the line's warnings as its last member (none: the record as it is).
  private static func adding(_ warnings: [Diagnostic], to record: JSONValue) -> JSONValue {
    guard !warnings.isEmpty, case .object(var members) = record else { return record }
    members.append(("warnings", .array(warnings.map(DiagnosticRenderer.json))))
    return .object(members)
  }
}
