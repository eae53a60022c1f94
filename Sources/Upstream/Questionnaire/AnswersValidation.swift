import Foundation

// MARK: - Validating answers built in code

/// Answers that do not fit the knowledge base, with every problem.
public struct AnswersRejected: Error, Sendable, CustomStringConvertible {
  /// Every problem, as the same diagnostics an answers file would get (codes UP04xx).
  public let problems: [Diagnostic]

  /// Every problem in one line each, with its "did you mean" where there is one.
  public var description: String {
    problems.map { problem in problem.message + (problem.fix.map { " (\($0.message))" } ?? "") }.joined(separator: "\n")
  }
}

extension AnswersRejected: LocalizedError {
  /// Every problem, as `description` gives them: what an alert built from the error shows
  /// (`localizedDescription`), rather than Foundation's "The operation could not be completed".
  public var errorDescription: String? { description }
}

extension KnowledgeBase {
  /// Every problem with answers built in code rather than read from a file: unknown
  /// question ids (with a "did you mean"), answers of the wrong type, numbers out of
  /// range, unknown options (with a "did you mean") and "not sure" where it is not allowed;
  /// with none of those, the warnings an answers file gets (a date counted back from with
  /// no assessment date, UP0415; an answer its question's `ask when` rules out).
  ///
  /// The checks and messages are those of an answers file (``readAnswers(_:)``); the range of
  /// each diagnostic names the question, as there is no file.
  public func validate(_ answers: Answers) -> [Diagnostic] {
    let (converted, problems) = checked(answers)
    guard !problems.hasErrors else { return problems }
    // The warnings an answers file would get: a date that conditions count back from
    // with no assessment date, an answer its question's `ask when` rules out. Only here:
    // `assess(_:)` and `answering(_:with:)` would throw them away.
    let place = { (id: String) in SourceRange.wholeFile("answers[\"\(id)\"]") }
    return AnswersReader.undatedWarnings(converted, knowledgeBase: self, range: place)
      + AnswersReader.askWhenWarnings(converted, knowledgeBase: self, range: place)
  }

  /// The answers as the engine reads them, with every error: each answer converted the
  /// way an answers file's is, so a value that passes (`.option("yes")` to a yes/no
  /// question, `.text("not sure")`, a date as `.option("2026-11-01")`, as `JSONDecoder`
  /// gives them) is the value assessed, never passed on in a shape the engine would
  /// take for unanswered. The warnings are `validate(_:)`'s alone.
  package func checked(_ answers: Answers) -> (answers: Answers, problems: [Diagnostic]) {
    var problems: [Diagnostic] = []
    var converted = Answers([:], assessmentDate: answers.assessmentDate)
    converted.reserveCapacity(answers.values.count)
    for id in answers.questionIDs {
      let place = SourceRange.wholeFile("answers[\"\(id)\"]")
      guard let question = question(id) else {
        problems.append(
          Diagnostic.error(.unknownQuestion, "the knowledge base has no question '\(id)'", at: place)
            .suggesting(id, from: questions.map(\.id)))
        continue
      }
      guard let value = answers[id] else { continue }
      switch AnswersReader.answer(value.json, to: question, at: place) {
      case .success(let answer): converted[id] = answer
      case .failure(let problem): problems.append(problem)
      }
    }
    return (converted, problems)
  }
}

// MARK: - Assessing answers built in code

extension KnowledgeBase {
  /// Assesses answers after checking every one against the knowledge base: an unknown
  /// question id, a wrong type, a number out of range, an unknown option or a "not sure"
  /// the question does not allow throws `AnswersRejected` with every problem, so a
  /// misspelt safety answer can never be dropped silently. Each answer is assessed as an
  /// answers file's would be: `.option("yes")` to a yes/no question counts as `.yes`.
  public func assess(_ answers: Answers) throws(AnswersRejected) -> Assessment {
    let checked = checked(answers)
    guard checked.problems.isEmpty else { throw AnswersRejected(problems: checked.problems) }
    return InferenceEngine(self).assess(validated: checked.answers)
  }
}

// MARK: - Reading answers from JSON

extension KnowledgeBase {
  /// Reads answers from JSON text: an answers object (question id → answer, as
  /// `upstream assess --answers` takes) or a FHIR R4 QuestionnaireResponse.
  ///
  /// Every answer is checked against the knowledge base; any error throws
  /// `AnswersRejected` with all of them (positions in `file`), so what is returned can be
  /// assessed as it is. Warnings (such as a QuestionnaireResponse that is not `completed`)
  /// come back beside the answers.
  public func readAnswers(_ file: SourceFile) throws(AnswersRejected) -> (answers: Answers, warnings: [Diagnostic]) {
    let output = AnswersReader.read(file, for: self)
    guard let answers = output.answers else {
      throw AnswersRejected(problems: output.diagnostics.filter { $0.severity == .error })
    }
    return (answers, output.diagnostics)
  }
}
