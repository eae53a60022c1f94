import Foundation
import Testing

@testable import Upstream

/// Answers an app builds in code or decodes with `JSONDecoder`: whatever passes the
/// checks is what is assessed, so an answer in another accepted shape is never taken for
/// unanswered (a missed red flag).
@Suite("Answers built in code")
struct AnswersBuiltInCodeTests {
  static func kb() throws -> KnowledgeBase { try #require(KnowledgeBase.bundled().knowledgeBase) }

  /// Back pain with saddle numbness: the cauda equina emergency.
  static func saddleNumbness(_ yes: AnswerValue) -> Answers {
    var answers = Answers()
    answers["pain_areas"] = .options(["lower_back"])
    answers["saddle_numbness"] = yes
    return answers
  }

  @Test("a yes given as the option 'yes' or the text 'yes' raises the flag a .yes raises")
  func yesInAnyAcceptedShapeRaisesTheFlag() throws {
    let kb = try Self.kb()
    for yes in [AnswerValue.yes, .option("yes"), .text("yes")] {
      #expect(kb.validate(Self.saddleNumbness(yes)).isEmpty, "\(yes) passes the checks")
      let assessment = try kb.assess(Self.saddleNumbness(yes))
      #expect(assessment.careLevel == .emergency, "\(yes): \(assessment.careLevel)")
      #expect(assessment.tree.redFlags.map(\.id).contains("cauda_equina"), "\(yes)")
    }
  }

  @Test("answers decoded with JSONDecoder are assessed as the same answers file read by readAnswers")
  func decodedAnswersAreAssessedAsTheFile() throws {
    let kb = try Self.kb()
    let text = #"{"pain_areas": ["lower_back", "hip"], "saddle_numbness": "yes", "arch_shape": "flat", "fever_or_chills": "no"}"#
    let decoded = try JSONDecoder().decode(Answers.self, from: Data(text.utf8))
    let read = try kb.readAnswers(SourceFile(path: "answers.json", text: text)).answers
    let fromDecoded = try kb.assess(decoded)
    let fromFile = try kb.assess(read)
    #expect(fromDecoded.careLevel == .emergency)
    #expect(fromDecoded.tree == fromFile.tree)
    let arches = try #require(kb.findings.firstIndex { $0.id == "collapsed_arches" })
    #expect(fromDecoded.findings[arches].certainty == fromFile.findings[arches].certainty)
    #expect(fromFile.findings[arches].certainty > 0, "a flat arch is evidence for collapsed arches")
  }

  @Test("answering(_:with:) checks the answers: a wrong one throws, and an accepted shape is recorded as what it means")
  func answeringChecksTheAnswers() throws {
    let kb = try Self.kb()
    var wrong = Self.saddleNumbness(.number(1))
    #expect(throws: AnswersRejected.self) { try QuestionnaireSession.answering(wrong, with: kb) }
    wrong["saddle_numbnes"] = .yes
    do {
      _ = try QuestionnaireSession.answering(wrong, with: kb)
      Issue.record("answers with problems were run")
    } catch {
      #expect(error.problems.count == 2, "every problem at once: \(error.description)")
      #expect(error.description.contains("did you mean 'saddle_numbness'?"))
      // What an app's alert shows (NSError bridging, SwiftUI): the problems, not
      // "The operation could not be completed".
      #expect((error as any Error).localizedDescription == error.description)
    }
    let session = try QuestionnaireSession.answering(Self.saddleNumbness(.option("yes")), with: kb)
    #expect(session.assessment.careLevel == .emergency)
    #expect(session.answers["saddle_numbness"] == .yes)
  }

  @Test("a session's problem reads as words in an alert")
  func sessionProblemIsLocalized() throws {
    var session = QuestionnaireSession(try Self.kb())
    #expect(throws: QuestionnaireSession.Problem.nothingToUndo) { try session.undo() }
    let problem: any Error = QuestionnaireSession.Problem.nothingToUndo
    #expect(problem.localizedDescription == "there is no earlier answer to change")
  }

  @Test("validate gives the warnings an answers file gets: a date counted back from with no assessment date")
  func validateWarnsOfADateWithNoAssessmentDay() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Docs/examples/dated")
    let kb = try #require(KnowledgeBase.load(directory: folder.standardizedFileURL.path).knowledgeBase)
    var answers = Answers()
    answers["injury_date"] = .date(try #require(CalendarDay("2026-10-01")))
    let warnings = kb.validate(answers)
    #expect(warnings.map(\.code) == [.missingAssessmentDate], "\(warnings.map(\.message))")
    #expect(warnings.allSatisfy { $0.severity == .warning })
    #expect(warnings.first?.message.contains("Answers.assessmentDate in code") == true)
    _ = try kb.assess(answers)  // a warning, not a refusal
    answers.assessmentDate = CalendarDay("2026-12-01")
    #expect(kb.validate(answers).isEmpty)
  }

  @Test("a huge answer is quoted by its start and length in the message, not whole")
  func hugeAnswerIsShortenedInTheMessage() throws {
    let kb = try Self.kb()
    let huge = String(repeating: "flat", count: 250_000)
    var answers = Answers()
    answers["arch_shape"] = .option(huge)
    answers["saddle_numbness"] = .text(huge)
    let problems = kb.validate(answers)
    #expect(problems.count == 2)
    for problem in problems {
      #expect(problem.message.count < 400, "\(problem.message.prefix(200))")
      #expect(problem.message.contains("flatflat") && problem.message.contains("(1000000 characters)"))
    }
  }
}
