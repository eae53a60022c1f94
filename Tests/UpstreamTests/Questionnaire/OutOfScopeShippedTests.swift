import Foundation
import Testing

@testable import Upstream

/// The shipped age question: Upstream is for people aged 16 and over (`below range`).
@Suite("Not for this person: the shipped age question")
struct OutOfScopeShippedTests {
  @Test("the shipped age question says who Upstream is for below its range, and nothing above it")
  func shippedAge() throws {
    let age = try #require(FuzzHarness.bundled.question("age"))
    #expect(age.belowRangeMessage?.hasPrefix("Upstream is for people aged 16 and over, so it cannot give you advice") == true)
    #expect(age.belowRangeMessage?.contains("GP or a physiotherapist") == true)
    #expect(age.aboveRangeMessage == nil)
    #expect(age.outOfScopeMessage(for: 15) == age.belowRangeMessage && age.outOfScopeMessage(for: 16) == nil)
  }

  @Test("every shipped case, in both stop rules, asks the age unless a warning sign already withholds all self-care")
  func shippedCasesAskTheAge() throws {
    let kb = FuzzHarness.bundled
    for mode in [QuestionnaireSession.Mode.untilAdviceSettled, .adaptive] {
      for (id, answers) in AdaptivityReport.bundledCases() {
        var given = answers
        if given["age"] == nil { given["age"] = .number(40) }
        let session = QuestionnaireSession.answering(validated: given, with: kb, mode: mode)
        let askedAge = session.replies.contains { $0.question == "age" }
        #expect(askedAge || [.emergency, .urgentSameDay].contains(session.assessment.careLevel), "\(mode) \(id)")
      }
    }
  }

  @Test("the shipped questionnaire: 15 for the age ends it with the rules' words; 16 goes on")
  func shipped() throws {
    var session = try Self.shippedAtAge()
    var sixteen = session
    try session.answer(.number(15))
    #expect(session.currentQuestion == nil && !session.isComplete)
    #expect(session.outOfScope?.message == FuzzHarness.bundled.question("age")?.belowRangeMessage)
    try sixteen.answer(.number(16))
    #expect(sixteen.outOfScope == nil && sixteen.answer(to: "age") == .number(16))
    #expect(sixteen.currentQuestion != nil || sixteen.isComplete)
  }

  /// The shipped questionnaire at the age question, with knee pain and neutral answers.
  static func shippedAtAge() throws -> QuestionnaireSession {
    var session = QuestionnaireSession(FuzzHarness.bundled, mode: .untilAdviceSettled)
    while let question = session.currentQuestion, question.id != "age" {
      try session.answer(neutral(question))
    }
    #expect(session.currentQuestion?.id == "age")
    return session
  }

  /// A neutral answer: knee pain, none, the first option, the lowest number, no.
  static func neutral(_ question: Question) -> AnswerValue {
    switch question.kind {
    case .choices: question.id == "pain_areas" ? .options(["knee"]) : .options([])
    case .choice(let options): .option(options.first?.id ?? "")
    case .number(let low, _, _, _): .number(low)
    default: .no
    }
  }
}
