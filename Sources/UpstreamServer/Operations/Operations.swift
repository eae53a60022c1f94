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

  /// `why NODE --format json`; a node that cannot be explained is refused with the
  /// library's "did you mean" (`Assessment.UnexplainableID`).
  package static func whyJSON(_ node: String, in assessment: Assessment, audience: Audience)
    -> Result<String, Assessment.UnexplainableID>
  {
    Result { () throws(Assessment.UnexplainableID) in
      WhyJSONRenderer(audience: audience).render(try assessment.explanation(of: node), stamp: assessment.stamp)
    }
  }

  /// `why-not NODE --format json`, refused as `whyJSON` is.
  package static func whyNotJSON(_ node: String, in assessment: Assessment, audience: Audience)
    -> Result<String, Assessment.UnexplainableID>
  {
    Result { () throws(Assessment.UnexplainableID) in
      WhyNotJSONRenderer(audience: audience).render(try assessment.whyNotExplanation(of: node), stamp: assessment.stamp)
    }
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
