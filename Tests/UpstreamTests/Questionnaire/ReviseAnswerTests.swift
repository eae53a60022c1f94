import Foundation
import Testing

@testable import Upstream

/// Changing an earlier answer in place: `QuestionnaireSession.revise(_:to:)`.
@Suite("Changing an earlier answer")
struct ReviseAnswerTests {
  /// A session on the fixture with back pain, no numbness and 10 hours of sitting: the
  /// next question is `worse_sitting`.
  private static func backPainSession() throws -> QuestionnaireSession {
    var session = QuestionnaireSession(try QuestionnaireFixtures.knowledgeBase())
    try session.answer(.options(["back"]))
    try session.answer(.no)
    try session.answer(.number(10))
    #expect(session.currentQuestion?.id == "worse_sitting")
    return session
  }

  @Test("revising a red-flag answer from no to yes raises the flag at once; back to no clears it")
  func redFlagRaisedAndCleared() throws {
    var session = try Self.backPainSession()
    #expect(session.urgentWarnings.isEmpty)
    #expect(session.assessment.careLevel == .selfCare)

    try session.revise("numb", to: .yes)
    #expect(session.urgentWarnings.map(\.redFlag.id) == ["cauda"])
    #expect(session.urgentWarnings.first?.urgency == .emergency)
    #expect(session.assessment.careLevel == .emergency)
    #expect(session.answer(to: "numb") == .yes)

    try session.revise("numb", to: .no)
    #expect(session.urgentWarnings.isEmpty)
    #expect(session.assessment.careLevel == .selfCare)
    #expect(session.answer(to: "numb") == .no)
  }

  @Test("revising keeps every other reply, in place and in order, and asks what is now needed next")
  func keepsLaterReplies() throws {
    var session = try Self.backPainSession()
    let before = session.replies
    _ = session.remainingToShow()
    #expect(session.savedState.progressShown != nil)

    try session.revise("numb", to: .yes)
    // The change can open or close questions: the count shown starts afresh.
    #expect(session.savedState.progressShown == nil)
    #expect(session.replies.map(\.question) == ["pain", "numb", "sitting"])
    #expect(session.replies[0] == before[0] && session.replies[2] == before[2])
    #expect(session.replies[1] == .init(question: "numb", answer: .yes))
    #expect(session.currentQuestion?.id == "worse_sitting")

    // Hip pain instead of back pain: the sitting reply, no longer relevant, stays as given;
    // the hip questions come next.
    try session.revise("pain", to: .options(["hip"]))
    #expect(session.replies.map(\.question) == ["pain", "numb", "sitting"])
    #expect(session.answer(to: "sitting") == .number(10))
    #expect(["arch", "shoes"].contains(session.currentQuestion?.id))
    #expect(session.assessment.finding("back_pain")?.isPresent == false)
    #expect(session.assessment.finding("hip_pain")?.isPresent == true)
  }

  @Test("a new answer is converted as answer(_:) converts one; nil skips a question that is not a safety question, and an answer un-skips it")
  func conversionAndSkipping() throws {
    var session = try Self.backPainSession()
    try session.revise("numb", to: .option("yes"))
    #expect(session.answer(to: "numb") == .yes)

    try session.revise("sitting", to: nil)
    #expect(session.replies[2] == .init(question: "sitting", answer: nil))
    #expect(session.answer(to: "sitting") == nil)
    #expect(session.json["sitting"] == .null)

    try session.revise("sitting", to: .number(3))
    #expect(session.answer(to: "sitting") == .number(3))
    // Under 8 hours: worse_sitting can no longer change anything.
    #expect(session.isComplete)
  }

  @Test("a bad change is refused with a clear problem, and leaves the session as it was")
  func refusedChangesChangeNothing() throws {
    var session = try Self.backPainSession()
    let before = session.savedState
    let next = session.currentQuestion?.id
    let problems: [(String, AnswerValue?, QuestionnaireSession.Problem)] = [
      ("numb", nil, .safetyQuestionCannotBeSkipped("numb")),
      ("sittng", .number(3), .unknownQuestion("sittng", didYouMean: "sitting")),
      ("knee", .yes, .unknownQuestion("knee", didYouMean: nil)),
      ("shoes", .option("stiff"), .notAnsweredYet("shoes")),
      ("worse_sitting", .yes, .notAnsweredYet("worse_sitting")),
    ]
    for (question, value, expected) in problems {
      #expect(throws: expected) { try session.revise(question, to: value) }
      #expect(session.savedState == before, "\(question)")
      #expect(session.currentQuestion?.id == next)
    }
    // A value that does not fit the question says what was expected.
    for value: AnswerValue in [.number(30), .yes, .option("flat")] {
      #expect {
        try session.revise("sitting", to: value)
      } throws: { error in
        guard case .invalidAnswer(let message) = error as? QuestionnaireSession.Problem else { return false }
        return message.contains("sitting")
      }
      #expect(session.savedState == before)
      #expect(session.assessment.answers == before.answersForTest)
    }
    #expect(
      QuestionnaireSession.Problem.unknownQuestion("sittng", didYouMean: "sitting").description
        == "the knowledge base has no question 'sittng' (did you mean 'sitting'?)")
    #expect(
      QuestionnaireSession.Problem.notAnsweredYet("shoes").description
        == "question 'shoes' has not been answered yet, so there is no answer to change")
  }

  @Test("an option the other answers rule out is refused, as answer(_:) refuses it; a reply the change rules out stays as given")
  func unofferedOption() throws {
    let rules = QuestionnaireFixtures.rules.replacingOccurrences(
      of: "option stiff \"Stiff boots\"\n", with: "option stiff \"Stiff boots\"\n    when pain includes hip\n")
    let kb = try #require(KnowledgeBase.compile(files: [("q.rules", rules)]).knowledgeBase)
    var session = QuestionnaireSession(kb)
    let asked = try QuestionnaireFixtures.run(
      &session, ["pain": .options(["hip"]), "numb": .no, "arch": .option("normal"), "shoes": .option("stiff")])
    #expect(asked.contains("shoes"))

    #expect(session.questionToRevise("shoes")?.kind.options.map(\.id) == ["stiff", "flexible"])
    try session.revise("pain", to: .options(["back"]))
    #expect(session.answer(to: "shoes") == .option("stiff"))
    // A screen for changing it offers only what the other answers leave open.
    #expect(session.questionToRevise("shoes")?.kind.options.map(\.id) == ["flexible"])
    #expect(session.questionToRevise("pain")?.kind.options.map(\.id) == ["back", "hip"])
    #expect(session.questionToRevise("worse_sitting") == nil && session.questionToRevise("knee") == nil)
    let before = session.savedState
    #expect {
      try session.revise("shoes", to: .option("stiff"))
    } throws: { error in
      guard case .invalidAnswer(let message) = error as? QuestionnaireSession.Problem else { return false }
      return message.hasPrefix("question 'shoes' offers 'stiff' only when") && message.hasSuffix("which the other answers rule out")
    }
    #expect(session.savedState == before)
    try session.revise("shoes", to: .option("flexible"))
    #expect(session.answer(to: "shoes") == .option("flexible"))
  }

  @Test("a revised session's saved state restores the same session")
  func savedStateRoundTrip() throws {
    let kb = try QuestionnaireFixtures.knowledgeBase()
    var session = try Self.backPainSession()
    try session.revise("numb", to: .yes)
    try session.revise("pain", to: .options(["back", "hip"]))
    try session.revise("sitting", to: nil)

    let data = try JSONEncoder().encode(session.savedState)
    let state = try JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: data)
    let restored = try QuestionnaireSession(kb, restoring: state)
    #expect(restored.replies == session.replies)
    #expect(restored.answers == session.answers)
    #expect(restored.currentQuestion?.id == session.currentQuestion?.id)
    #expect(restored.progress == session.progress)
    #expect(restored.urgentWarnings == session.urgentWarnings)
    #expect(AssessmentJSONRenderer().render(restored.assessment.tree) == AssessmentJSONRenderer().render(session.assessment.tree))
    #expect(restored.savedState == session.savedState)
  }

  @Test("revising a finished session's answer asks what the change now needs, and counts on from there")
  func reopensAFinishedSession() throws {
    var session = QuestionnaireSession(try QuestionnaireFixtures.knowledgeBase())
    try session.answer(.options([]))
    try session.answer(.no)
    #expect(session.isComplete)
    #expect(session.progressLine() == "All done · 2 questions answered")

    try session.revise("pain", to: .options(["back"]))
    #expect(!session.isComplete)
    #expect(session.currentQuestion?.id == "sitting")
    #expect(session.progressLine().hasPrefix("Question 3 · "))
  }
}

extension QuestionnaireSession.SavedState {
  /// The answers the saved replies give (a test's view of them).
  fileprivate var answersForTest: Answers {
    var answers = Answers([:], assessmentDate: assessmentDate)
    for reply in replies { answers[reply.question] = reply.answer }
    return answers
  }
}
