import Foundation
import Upstream

// MARK: - What the commands and the JSON API share

/// The steps `upstream assess`, `why`, `why-not`, `what-if` and `export` share with the
/// JSON API (`POST /assess`, `/why/{node}`, `/why-not/{node}`, `/what-if`, `GET
/// /questionnaire`): one code path, so the command line and HTTP cannot disagree.
///
/// Each takes data already read (answers, a knowledge base) and returns the same text the
/// command prints, or the problems, as diagnostics, that stop it.
package enum Operations {
  /// A node `why` / `why-not` cannot explain: the message and a "did you mean".
  package struct Unexplainable: Error, Sendable {
    package let message: String
    package let suggestion: String?
  }

  /// Problems that stop an operation: the library's diagnostics.
  package struct Problems: Error, Sendable {
    package let diagnostics: [Diagnostic]

    package init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  }

  /// Reads answers (an answers object or a FHIR QuestionnaireResponse) from text:
  /// the answers and any warnings, or every problem. With `strict`, a FHIR item no question
  /// names is an error; `assessmentDate`, when given, overrides the day the answers give.
  package static func readAnswers(
    _ file: SourceFile, for knowledgeBase: KnowledgeBase, strict: Bool = false, assessmentDate: CalendarDay? = nil
  ) -> Result<(Answers, [Diagnostic]), Problems> {
    let output = AnswersReader.read(file, for: knowledgeBase, strict: strict, assessmentDate: assessmentDate)
    guard let answers = output.answers else { return .failure(Problems(output.diagnostics)) }
    return .success((answers, output.diagnostics))
  }

  /// Reads answers from an already parsed JSON value (the `answers` of a `what-if` body).
  package static func readAnswers(
    _ root: JSONDocument.Located, for knowledgeBase: KnowledgeBase, strict: Bool = false, assessmentDate: CalendarDay? = nil
  ) -> Result<(Answers, [Diagnostic]), Problems> {
    let output = AnswersReader.read(root, for: knowledgeBase, strict: strict, assessmentDate: assessmentDate)
    guard let answers = output.answers else { return .failure(Problems(output.diagnostics)) }
    return .success((answers, output.diagnostics))
  }

  /// `assess --format json`: the assessment JSON (Docs/OutputFormat.md).
  package static func assessmentJSON(_ answers: Answers, _ knowledgeBase: KnowledgeBase, audience: Audience) -> String {
    AssessmentJSONRenderer(audience: audience).render(knowledgeBase.assess(validated: answers).tree)
  }

  /// Why `id` cannot be explained in the assessment, or nil when it can.
  package static func unexplainable(_ id: String, in assessment: Assessment) -> Unexplainable? {
    guard assessment.explain(id) == nil else { return nil }
    let suggestion = Suggestion.closest(to: id, in: assessment.explainableIDs)
    let kind = assessment.knowledgeBase.question(id) != nil ? " ('\(id)' is a question; ask about what it leads to)" : ""
    return Unexplainable(
      message: "the knowledge base has no finding, red flag, recommendation or score '\(id)'\(kind)",
      suggestion: suggestion.map { "did you mean '\($0)'?" })
  }

  /// `why NODE --format json`.
  package static func whyJSON(_ node: String, in assessment: Assessment, audience: Audience) -> Result<String, Unexplainable> {
    guard let explanation = assessment.explain(node) else {
      return .failure(unexplainable(node, in: assessment) ?? .init(message: node, suggestion: nil))
    }
    return .success(WhyJSONRenderer(audience: audience).render(explanation, stamp: assessment.stamp))
  }

  /// `why-not NODE --format json`.
  package static func whyNotJSON(_ node: String, in assessment: Assessment, audience: Audience) -> Result<String, Unexplainable> {
    if let problem = unexplainable(node, in: assessment) { return .failure(problem) }
    guard let explanation = assessment.whyNot(node) else { return .failure(.init(message: "'\(node)' cannot be explained", suggestion: nil)) }
    return .success(WhyNotJSONRenderer(audience: audience).render(explanation, stamp: assessment.stamp))
  }

  /// `what-if`: the tree before and after changing answers.
  package static func comparison(_ answers: Answers, changed: Answers, _ knowledgeBase: KnowledgeBase) -> TreeComparison {
    let before = knowledgeBase.assess(validated: answers)
    return Assessment.compare(before, before.reassessing(changed))
  }

  /// `export --format fhir-questionnaire`: the FHIR R4 Questionnaire, and a note for each
  /// question whose `ask when` FHIR cannot express.
  package static func questionnaire(_ knowledgeBase: KnowledgeBase) -> (text: String, notes: [String]) {
    let questionnaire = FHIRQuestionnaire(knowledgeBase)
    let notes = questionnaire.inexpressible.map { question, askWhen in
      "question '\(question)' is asked only when \(askWhen), which FHIR enableWhen cannot express; "
        + "the Questionnaire shows it to everyone, with a note saying so"
    }
    return (questionnaire.render(), notes)
  }
}

// MARK: - Changing answers

/// One change to answers, with where it was written (for diagnostics): `--set Q=V` /
/// `--unset Q` on the command line, `"set"` / `"unset"` in a `what-if` body.
package struct AnswerEdit: Sendable {
  /// The question's id, as written.
  package let question: String
  /// Where the id was written.
  package let questionRange: SourceRange
  /// The new answer as JSON (and where it was written), or nil to remove the answer.
  package let value: (json: JSONValue, range: SourceRange)?

  package init(question: String, at questionRange: SourceRange, value: (json: JSONValue, range: SourceRange)?) {
    self.question = question
    self.questionRange = questionRange
    self.value = value
  }

  /// Applies changes to answers, checking each new value against its question as an
  /// answers file would be: the changed answers, or every problem.
  package static func apply(_ changes: [AnswerEdit], to answers: Answers, _ knowledgeBase: KnowledgeBase) -> Result<Answers, Operations.Problems> {
    var result = answers
    var diagnostics: [Diagnostic] = []
    for change in changes {
      guard let question = knowledgeBase.question(change.question) else {
        diagnostics.append(
          Diagnostic.error(.unknownQuestion, "the knowledge base has no question '\(change.question)'", at: change.questionRange)
            .suggesting(change.question, from: knowledgeBase.questions.map(\.id)))
        continue
      }
      guard let value = change.value else {
        result[question.id] = nil
        continue
      }
      switch AnswersReader.answer(value.json, to: question, at: value.range) {
      case .success(let answer): result[question.id] = answer
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    return diagnostics.hasErrors ? .failure(Operations.Problems(diagnostics)) : .success(result)
  }
}
