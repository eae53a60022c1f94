// MARK: - Output formats

/// A value of `--format`: what a command writes. Each command allows some of them; the
/// first it lists is its default.
enum OutputFormat: String, Sendable, CaseIterable {
  case text, json, markdown, html
  /// Graphviz DOT.
  case dot
  case mermaid
  /// A FHIR R4 Questionnaire resource.
  case fhirQuestionnaire = "fhir-questionnaire"
  /// The assessment as FHIR R4 resources: a Bundle with a RiskAssessment and Observations.
  case fhir
}
