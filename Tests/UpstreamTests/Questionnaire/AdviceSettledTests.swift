import Foundation
import Testing

@testable import Upstream

/// The questionnaire that stops once the advice is settled (`until-advice-settled`): it
/// asks fewer questions than the adaptive one and shows the person exactly what the full
/// answers would: the same red flags and the same patient's report, byte for byte.
@Suite("Until the advice is settled: fewer questions, the same advice shown")
struct AdviceSettledTests {
  static let cases = AdaptivityReport.bundledCases()
  static let caseIDs = cases.map(\.id)
  static let bundled = KnowledgeBase.bundled().knowledgeBase

  @Test("each shipped case: the same red flags and patient's report as the full answers", arguments: caseIDs)
  func caseShownIdentical(_ id: String) throws {
    let kb = try #require(Self.bundled)
    let answers = try #require(Self.cases.first { $0.id == id }).answers
    let run = try #require(AdaptivityReport(kb, cases: [(id, answers)], mode: .untilAdviceSettled).cases.first)
    #expect(run.differences.isEmpty, "\(run.differences.joined(separator: "\n"))")
    // (That it asks no more than the adaptive session, case by case, is the report's test.)
  }

  @Test("the report: fewer questions than the adaptive session on average and at most, every shown result identical")
  func report() throws {
    let settled = try #require(AdaptivityReport.bundled(mode: .untilAdviceSettled))
    let adaptive = try #require(AdaptivityReport.bundled())
    #expect(settled.cases.allSatisfy { $0.isIdentical })
    #expect(settled.meanShare < adaptive.meanShare)
    #expect(settled.maximumShare < adaptive.maximumShare)
    #expect(zip(settled.cases, adaptive.cases).allSatisfy { $0.asked.count <= $1.asked.count })
    let first = try #require(Self.bundled).questions.filter(\.asksFirst).map(\.id)
    #expect(settled.cases.allSatisfy { Array($0.asked.prefix(first.count)) == first })
    print("Until the advice is settled: \(settled.summary)")
    print("Adaptive: \(adaptive.summary)")
    for run in settled.cases.sorted(by: { $0.share > $1.share }).prefix(8) {
      print("  \(run.id): \(run.asked.count) of \(run.total)")
    }
  }

  @Test("100 random people (some answers left out or 'not sure'): stopping early never changes what is shown")
  func randomPeople() throws {
    let kb = try #require(Self.bundled)
    var generator = SeededGenerator(seed: 2027)
    var saved = 0
    for person in 0..<100 {
      let answers = AdaptivityTests.randomAnswers(kb, &generator)
      let settled = AdaptivityReport(kb, cases: [("person \(person)", answers)], mode: .untilAdviceSettled).cases[0]
      #expect(settled.differences.isEmpty, "person \(person) \(answers.json): \(settled.differences)")
      let adaptive = AdaptivityReport(kb, cases: [("person \(person)", answers)]).cases[0]
      saved += adaptive.asked.count - settled.asked.count
    }
    #expect(saved > 0)
  }

  @Test("the knowledge base built to trip an early stop: 250 random people, the same advice shown every time")
  func trickyKnowledgeBase() throws {
    let kb = try #require(KnowledgeBase.compile(files: [("tricky.rules", AdaptivityTests.tricky)]).knowledgeBase)
    var generator = SeededGenerator(seed: 8)
    for person in 0..<250 {
      let answers = AdaptivityTests.randomAnswers(kb, &generator)
      let run = AdaptivityReport(kb, cases: [("person \(person)", answers)], mode: .untilAdviceSettled).cases[0]
      #expect(run.differences.isEmpty, "person \(person) \(answers.json): \(run.differences)")
    }
  }

  @Test("a saved session keeps its mode")
  func savedMode() throws {
    let kb = try #require(Self.bundled)
    var session = QuestionnaireSession(kb, mode: .untilAdviceSettled)
    try session.answer(.options(["knee"]))
    let data = try JSONEncoder().encode(session.savedState)
    #expect(String(decoding: data, as: UTF8.self).contains("\"until-advice-settled\""))
    let restored = try QuestionnaireSession(kb, restoring: JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: data))
    #expect(restored.mode == .untilAdviceSettled)
    #expect(restored.currentQuestion?.id == session.currentQuestion?.id)
  }
}
