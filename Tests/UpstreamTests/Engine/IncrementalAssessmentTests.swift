import Testing
import UpstreamTestSupport

@testable import Upstream

/// Re-assessing after an answer changes re-runs only the rules downstream of it, and must
/// give exactly what a full assessment gives.
@Suite("Incremental re-assessment")
struct IncrementalAssessmentTests {
  private func expectSame(_ incremental: Assessment, _ full: Assessment) {
    #expect(incremental.firings == full.firings)
    #expect(incremental.undecidedRules == full.undecidedRules)
    #expect(incremental.findings == full.findings)
    #expect(incremental.scores == full.scores)
    #expect(incremental.redFlags == full.redFlags)
    #expect(incremental.recommendations == full.recommendations)
    #expect(incremental.links == full.links)
  }

  /// Another value for a question: a different option, number or yes/no, or none.
  static func otherAnswer(_ question: Question, _ random: inout SplitMix64) -> AnswerValue? {
    switch question.kind {
    case .yesNo: return random.next() % 2 == 0 ? .yes : .no
    case .number(let low, let high, _, _): return .number((low + Double(random.next() % UInt64(max(1, high - low + 1)))).rounded(.down))
    case .scale: return .number(Double(random.next() % 11))
    case .choice(let options): return .option(options[Int(random.next() % UInt64(options.count))].id)
    case .choices(let options): return .options(options.filter { _ in random.next() % 2 == 0 }.map(\.id))
    case .text: return .text("answer \(random.next() % 10)")
    case .date: return .date(CalendarDay(daysSince1970: 20_000 + Int(random.next() % 400)))
    }
  }

  @Test("on the shipped knowledge base, changing one answer at a time from every case")
  func shipped() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    var random = SplitMix64(seed: 5)
    for testCase in CaseLoader.bundled(for: knowledgeBase).cases {
      let before = knowledgeBase.assess(validated: testCase.answers)
      for _ in 0..<6 {
        let question = knowledgeBase.questions[Int(random.next() % UInt64(knowledgeBase.questions.count))]
        var changed = testCase.answers
        changed[question.id] = random.next() % 5 == 0 ? nil : Self.otherAnswer(question, &random)
        expectSame(before.reassessing(changed), knowledgeBase.assess(validated: changed))
      }
    }
  }

  @Test("only rules downstream of the changed question are re-evaluated")
  func downstreamOnly() throws {
    let synthetic = SyntheticKnowledgeBase(questions: 60, rules: 300, depth: 5, seed: 3)
    let knowledgeBase = try #require(KnowledgeBase.compile(files: [("g.rules", synthetic.ruleText)]).knowledgeBase)
    var random = SplitMix64(seed: 9)
    for answers in synthetic.answerSets(count: 10) {
      let before = knowledgeBase.assess(validated: answers)
      let question = knowledgeBase.questions[Int(random.next() % 60)]
      let downstream = before.rulesDownstream(of: [question.id])
      #expect(downstream.count < knowledgeBase.rules.count)
      #expect(Set(knowledgeBase.rulesReadingQuestion[knowledgeBase.questions.firstIndex(of: question) ?? 0]).isSubset(of: downstream))
      var changed = answers
      changed[question.id] = Self.otherAnswer(question, &random)
      expectSame(before.reassessing(changed), knowledgeBase.assess(validated: changed))
    }
  }
}
