import Foundation
import Testing

@testable import Upstream

/// An app saves a questionnaire with `savedState` (any `Encoder`) and carries on later
/// with `init(_:restoring:)`: the restored session is where the person left off.
@Suite("Saving and restoring a questionnaire")
struct SavedStateTests {
  @Test("a session half answered, saved as JSON and restored, asks the same next question and ends the same")
  func roundTrip() throws {
    let kb = try QuestionnaireFixtures.knowledgeBase()
    var session = QuestionnaireSession(kb)
    session.assessmentDate = testDay
    // Answer the first three questions with the first option, yes, or the lowest number.
    for _ in 0..<3 {
      guard let question = session.currentQuestion else { break }
      switch question.kind {
      case .yesNo: try session.answer(.yes)
      case .choice: try session.answer(.option(question.kind.options[0].id))
      case .choices: try session.answer(.options([question.kind.options[0].id]))
      case .number, .scale: try session.answer(.number(question.kind.numberRange?.lowerBound ?? 0))
      case .text: try session.answer(.text("words"))
      case .date: try session.answer(.date(testDay))
      }
    }
    let data = try JSONEncoder().encode(session.savedState)
    let decoded = try JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: data)
    #expect(decoded == session.savedState)
    #expect(decoded.format == QuestionnaireSession.SavedState.currentFormat)
    #expect(decoded.knowledgeBase.contentHash == kb.contentHash)
    let restored = try QuestionnaireSession(kb, restoring: decoded)
    #expect(restored.replies == session.replies)
    #expect(restored.currentQuestion?.id == session.currentQuestion?.id)
    #expect(restored.progress == session.progress)
    #expect(restored.assessment.tree == session.assessment.tree)
    // The assessment date is kept, written as a day; a state saved without one has none.
    #expect(restored.assessmentDate == testDay)
    #expect(String(decoding: data, as: UTF8.self).contains("\"assessmentDate\":\"\(testDay)\""))
    let undated = try JSONEncoder().encode(QuestionnaireSession(kb).savedState)
    #expect(!String(decoding: undated, as: UTF8.self).contains("assessmentDate"))
    let decodedUndated = try JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: undated)
    #expect(try QuestionnaireSession(kb, restoring: decodedUndated).assessmentDate == nil)
  }

  @Test("a saved state of another format, or naming an unknown question, is refused with the reason")
  func refusals() throws {
    let kb = try QuestionnaireFixtures.knowledgeBase()
    let state = QuestionnaireSession(kb).savedState
    var json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    json = json.replacingOccurrences(of: "\"format\":1", with: "\"format\":99")
    let future = try JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: Data(json.utf8))
    #expect(
      throws: QuestionnaireSession.Problem.unreadableSavedState(
        "this saved session is in format 99; this version of Upstream reads format 1")
    ) {
      try QuestionnaireSession(kb, restoring: future)
    }
    #expect(throws: QuestionnaireSession.Problem.unknownQuestion("no_such_question")) {
      try QuestionnaireSession(kb, resuming: [.init(question: "no_such_question", answer: .yes)])
    }
  }
}
