import Testing
import UpstreamTestSupport

@testable import Upstream

/// The questionnaire asks "which warning signs would this answer raise?" of a knowledge
/// base cut down to the rules the signs depend on; it must answer as the whole one does.
@Suite("Warning-sign screen")
struct WarningSignScreenTests {
  /// The warning signs raised, by id, with their urgency and the ids of the rules that raised them.
  private func signs(_ assessment: Assessment, _ knowledgeBase: KnowledgeBase) -> [String] {
    assessment.redFlags.map { raised in
      "\(knowledgeBase.redFlags[raised.flag].id) \(raised.urgency) by \(raised.rules.map { knowledgeBase.rules[$0].id })"
    }
  }

  /// The ids of the rules raising a warning sign that are still undecided.
  private func undecidedSigns(_ assessment: Assessment, _ knowledgeBase: KnowledgeBase) -> [String] {
    assessment.undecidedRules.filter { knowledgeBase.rules[$0].raisesRedFlag }.map { knowledgeBase.rules[$0].id }
  }

  @Test("the shipped rules: fewer rules, the same warning signs for every case and 600 changed answers")
  func shipped() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let screen = knowledgeBase.warningSignScreen
    #expect(screen.rules.count < knowledgeBase.rules.count)
    #expect(Set(knowledgeBase.rules.filter(\.raisesRedFlag).map(\.id)).isSubset(of: screen.rules.map(\.id)))
    var random = SplitMix64(seed: 9)
    var compared = 0
    for testCase in CaseLoader.bundled(for: knowledgeBase).cases {
      var answers = testCase.answers
      for step in 0..<7 {
        if step > 0 {
          // One answer taken away or changed to another of its kind.
          let question = knowledgeBase.questions[Int(random.next() % UInt64(knowledgeBase.questions.count))]
          answers[question.id] = random.next() % 4 == 0 ? nil : IncrementalAssessmentTests.otherAnswer(question, &random)
        }
        let full = knowledgeBase.assess(validated: answers)
        let screened = screen.assess(validated: answers)
        #expect(signs(screened, screen) == signs(full, knowledgeBase), "\(testCase.id) step \(step): \(answers.json)")
        #expect(undecidedSigns(screened, screen) == undecidedSigns(full, knowledgeBase), "\(testCase.id) step \(step)")
        compared += 1
      }
    }
    #expect(compared >= 600)
  }

  @Test("a sign read through a finding and a score's band keeps the rules behind them, and only those")
  func chainsKept() throws {
    let source =
      CheckExamples.preamble + """
        question a: yes/no
          ask "A?"
        question b: yes/no
          ask "B?"
        question c: yes/no
          ask "C?"
        contributor f
          name "F"
        contributor g
          name "G"
        contributor unrelated
          name "Unrelated"
        score total
          name "Total"
          range 0 to 2
          stratum low "Low" when total <= 0
          stratum high "High" when total >= 1 and g
        red flag rf
          name "RF"
          urgency urgent-same-day
          advice "Today."
        rule a-gives-f
          when a
          then f certainty 0.6
          because "a"
          source s
        rule b-counts
          when b
          then add 1 to total
          because "b"
          source s
        rule c-gives-g
          when c
          then g certainty 0.5
          because "c"
          source s
        rule c-gives-unrelated
          when c
          then unrelated certainty 0.5
          because "c again"
          source s
        rule f-and-high-raise
          when f and total is high
          then red flag rf
          because "both"
          source s

        """
    let compiled = KnowledgeBase.compile(files: [("screen.rules", source)])
    let knowledgeBase = try #require(compiled.knowledgeBase, "\(compiled.diagnostics.map(\.message))")
    let screen = knowledgeBase.warningSignScreen
    #expect(screen.rules.map(\.id) == knowledgeBase.rules.map(\.id).filter { $0 != "c-gives-unrelated" })
    for a in [AnswerValue.yes, .no, nil] {
      for b in [AnswerValue.yes, .no, nil] {
        for c in [AnswerValue.yes, .no, nil] {
          var answers = Answers()
          answers["a"] = a
          answers["b"] = b
          answers["c"] = c
          let full = knowledgeBase.assess(validated: answers)
          let screened = screen.assess(validated: answers)
          #expect(signs(screened, screen) == signs(full, knowledgeBase), "\(answers.json)")
          #expect(undecidedSigns(screened, screen) == undecidedSigns(full, knowledgeBase), "\(answers.json)")
        }
      }
    }
    #expect(signs(knowledgeBase.assess(validated: Answers(["a": .yes, "b": .yes, "c": .yes])), knowledgeBase).count == 1)
  }
}
