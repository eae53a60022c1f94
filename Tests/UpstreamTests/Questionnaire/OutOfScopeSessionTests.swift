import Foundation
import Testing

@testable import Upstream

/// A knowledge base for people aged 16 and over: the questionnaire fixture with an age
/// question whose range is who it is for (`below range`), read by a red-flag rule.
enum OutOfScopeFixture {
  static let notForYou = "This is for people aged 16 and over. Please see your GP, who can check you in person."

  static let rules =
    QuestionnaireFixtures.rules + """

      question age: number
        ask "How old are you?"
        help "For people aged 16 and over."
        range 16 to 110
        unit "years"
        below range "This is for people aged 16 and over."
                    "Please see your GP, who can check you in person."

      red flag old_back
        name "Back pain at 80 or over"
        urgency routine-referral
        advice "Book an appointment with your GP in the next week or two."
      rule old-back
        when age >= 80 and pain includes back
        then red flag old_back
        because "New back pain at 80 or over needs a check."
        source s

      """

  static func knowledgeBase(_ text: String = rules) throws -> KnowledgeBase {
    try #require(KnowledgeBase.compile(files: [("q.rules", text)]).knowledgeBase)
  }

  /// A session with back pain and no numbness, at the age question.
  static func atAge(numb: AnswerValue = .no) throws -> QuestionnaireSession {
    var session = QuestionnaireSession(try knowledgeBase())
    while let question = session.currentQuestion, question.id != "age" {
      switch question.id {
      case "pain": try session.answer(.options(["back"]))
      case "numb": try session.answer(numb)
      default: Issue.record("asked \(question.id) before the age")
      }
    }
    #expect(session.currentQuestion?.id == "age")
    return session
  }
}

@Suite("Not for this person: the session ends")
struct OutOfScopeSessionTests {
  @Test("an age below the range ends the session: no next question, the rules' words, no result; the number is a reply, never an answer")
  func fifteenEndsIt() throws {
    var session = try OutOfScopeFixture.atAge()
    let before = session.assessment.answers
    try session.answer(.number(15))

    #expect(session.currentQuestion == nil)
    #expect(!session.isComplete, "an ended session has no result to show")
    let ended = try #require(session.outOfScope)
    #expect(ended.question.id == "age")
    #expect(ended.number == 15)
    #expect(ended.message == OutOfScopeFixture.notForYou)
    #expect(session.replies.last == .init(question: "age", answer: .number(15)))
    #expect(session.answer(to: "age") == nil)
    #expect(session.answers["age"] == nil && session.assessment.answers == before, "nothing is assessed on the number")
    // Nothing more can be answered or skipped; the problem says why, in the rules' words.
    #expect(throws: QuestionnaireSession.Problem.outOfScope(OutOfScopeFixture.notForYou)) { try session.answer(.number(40)) }
    #expect(throws: QuestionnaireSession.Problem.outOfScope(OutOfScopeFixture.notForYou)) { try session.skip() }
    #expect(
      QuestionnaireSession.Problem.outOfScope(OutOfScopeFixture.notForYou).description
        == "the questionnaire has ended: \(OutOfScopeFixture.notForYou)")
    #expect(session.remainingToShow() == 0 && session.likelyRemaining() == 0)
    #expect(session.progressLine() == "Ended · 3 questions answered")
    #expect(session.progress.number == 3 && session.progress.atMost == 3)
    // A decimal below the range, and a number far below it, end it too.
    for number in [15.5, 0] {
      var other = try OutOfScopeFixture.atAge()
      try other.answer(.number(number))
      #expect(other.outOfScope?.number == number, "\(number)")
    }
  }

  @Test("16, the lowest age in the range, goes on; a number above the range, which the rules do not mark, is refused and asked again")
  func sixteenGoesOn() throws {
    var session = try OutOfScopeFixture.atAge()
    let before = session.savedState
    #expect {
      try session.answer(.number(111))
    } throws: { error in
      guard case .invalidAnswer(let message) = error as? QuestionnaireSession.Problem else { return false }
      return message == "question 'age' takes a number from 16 to 110 years; found 111"
    }
    #expect(session.savedState == before && session.currentQuestion?.id == "age" && session.outOfScope == nil)
    try session.answer(.number(16))
    #expect(session.outOfScope == nil)
    #expect(session.answer(to: "age") == .number(16))
    #expect(session.currentQuestion?.id == "sitting")
  }

  @Test("an ended session's saved state round-trips, and restores ended")
  func savedStateRoundTrip() throws {
    let kb = try OutOfScopeFixture.knowledgeBase()
    var session = try OutOfScopeFixture.atAge()
    session.assessmentDate = CalendarDay("2026-12-01")
    try session.answer(.number(15))
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = try encoder.encode(session.savedState)
    #expect(String(decoding: data, as: UTF8.self).contains(#"{"answer":15,"question":"age"}"#))
    let state = try JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: data)
    let restored = try QuestionnaireSession(kb, restoring: state)
    #expect(restored.outOfScope == session.outOfScope)
    #expect(restored.replies == session.replies)
    #expect(restored.answers == session.answers && restored.answers["age"] == nil)
    #expect(restored.currentQuestion == nil && !restored.isComplete)
    #expect(restored.savedState == session.savedState)
    // The session file (an answers file) keeps the reply, so `assess` refuses it.
    #expect(session.json["age"] == .number(15))
  }

  @Test("back after the end asks the question again; a number in the range carries on")
  func backAfterTheEnd() throws {
    var session = try OutOfScopeFixture.atAge()
    try session.answer(.number(15))
    let question = try session.undo()
    #expect(question.id == "age")
    #expect(session.outOfScope == nil)
    #expect(session.currentQuestion?.id == "age")
    #expect(session.replies.map(\.question) == ["pain", "numb"])
    try session.answer(.number(51))
    #expect(session.outOfScope == nil && session.answer(to: "age") == .number(51))
    #expect(session.currentQuestion?.id == "sitting")
  }

  @Test("changing the answer that ended the session carries it on; changing an age to one below the range ends it")
  func reviseAcrossTheEnd() throws {
    var session = try OutOfScopeFixture.atAge()
    try session.answer(.number(15))
    #expect(session.questionToRevise("age")?.id == "age")
    try session.revise("age", to: .number(51))
    #expect(session.outOfScope == nil)
    #expect(session.answer(to: "age") == .number(51))
    #expect(session.currentQuestion?.id == "sitting")
    try session.answer(.number(9))
    // An answer several questions back changed to one below the range ends the session there.
    try session.revise("age", to: .number(14))
    #expect(session.outOfScope?.number == 14)
    #expect(session.replies.map(\.question) == ["pain", "numb", "age", "sitting"])
    #expect(session.answer(to: "age") == nil && session.answer(to: "sitting") == .number(9))
    #expect(session.currentQuestion == nil && !session.isComplete)
  }

  @Test("above range ends the session on its own side; without below range, a number below is refused as before")
  func aboveRange() throws {
    let rules = OutOfScopeFixture.rules.replacingOccurrences(
      of: "  range 0 to 24\n  unit \"hours\"\n",
      with: "  range 0 to 24\n  unit \"hours\"\n  above range \"There are only 24 hours in a day.\"\n")
    var session = QuestionnaireSession(try OutOfScopeFixture.knowledgeBase(rules))
    try session.answer(.options(["back"]))
    try session.answer(.no)
    try session.answer(.number(40))
    #expect(session.currentQuestion?.id == "sitting")
    #expect(throws: QuestionnaireSession.Problem.self) { try session.answer(.number(-1)) }
    #expect(session.outOfScope == nil)
    try session.answer(.number(25))
    #expect(session.outOfScope?.message == "There are only 24 hours in a day.")
    #expect(session.outOfScope?.question.id == "sitting")
  }

  @Test("a warning sign raised before the end still stands beside the rules' words")
  func warningsStand() throws {
    var session = try OutOfScopeFixture.atAge(numb: .yes)
    #expect(session.urgentWarnings.map(\.redFlag.id) == ["cauda"])
    try session.answer(.number(15))
    #expect(session.outOfScope != nil)
    #expect(session.urgentWarnings.map(\.redFlag.id) == ["cauda"])
  }

  @Test("typed, 15 is the answer the session ends on; 111 is refused with the question's help")
  func typedReplies() throws {
    let age = try #require(try OutOfScopeFixture.knowledgeBase().question("age"))
    #expect(TypedReply.read("15", for: age) == .answer(.number(15)))
    #expect(TypedReply.read("15 years old", for: age) == .answer(.number(15)))
    #expect(
      TypedReply.read("111", for: age)
        == .invalid("'111' is outside the range: please give a whole number from 16 to 110 years. For people aged 16 and over."))
    #expect(
      TypedReply.read("1e400", for: age)
        == .invalid("'1e400' is outside the range: please give a whole number from 16 to 110 years. For people aged 16 and over."))
  }

  @Test("the age is asked before any advice, even where it changes nothing else; not after a sign that withholds all self-care")
  func scopeAskedBeforeAdvice() throws {
    let kb = try OutOfScopeFixture.knowledgeBase()
    // Hip pain: no rule reads the age, but the advice is for people aged 16 and over.
    for mode in [QuestionnaireSession.Mode.adaptive, .untilAdviceSettled] {
      var session = QuestionnaireSession(kb, mode: mode)
      let asked = try QuestionnaireFixtures.run(
        &session, ["pain": .options(["hip"]), "numb": .no, "arch": .option("flat"), "shoes": .option("stiff"), "age": .number(40)])
      #expect(asked.last == "age", "\(mode): \(asked)")
      #expect(session.isComplete)
    }
    var child = QuestionnaireSession(kb)
    _ = try QuestionnaireFixtures.run(
      &child, ["pain": .options(["hip"]), "numb": .no, "arch": .option("flat"), "shoes": .option("stiff"), "age": .number(12)])
    #expect(child.outOfScope?.number == 12 && !child.isComplete)
    // Saddle numbness: go to an emergency department now, whatever the age.
    var urgent = QuestionnaireSession(kb)
    let asked = try QuestionnaireFixtures.run(&urgent, ["pain": .options(["hip"]), "numb": .yes, "arch": .option("flat"), "shoes": .option("stiff")])
    #expect(!asked.contains("age"), "\(asked)")
    #expect(urgent.isComplete && urgent.assessment.careLevel == .emergency)
  }
}
