import Testing
import UpstreamTestSupport

@testable import Upstream

/// The compiled plan the engine runs must decide every rule exactly as the condition trees
/// that explanations replay.
@Suite("Evaluation plan")
struct EvaluationPlanTests {
  /// Assesses by walking the condition trees, rule by rule: the reference.
  private func reference(_ knowledgeBase: KnowledgeBase, _ answers: Answers) -> Assessment {
    var run = Run(knowledgeBase, AnswerSheet(answers, for: knowledgeBase))
    for rule in knowledgeBase.rules.indices { run.evaluate(rule: rule) }
    return run.finish(answers)
  }

  private func expectSame(_ knowledgeBase: KnowledgeBase, _ answers: Answers) {
    let planned = knowledgeBase.assess(validated: answers)
    let walked = reference(knowledgeBase, answers)
    #expect(planned.firings == walked.firings)
    #expect(planned.undecidedRules == walked.undecidedRules)
    #expect(planned.findings == walked.findings)
    #expect(planned.scores == walked.scores)
    #expect(planned.recommendations == walked.recommendations)
  }

  @Test("the shipped knowledge base: every case, and every case with answers dropped")
  func shipped() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    var random = SplitMix64(seed: 11)
    for testCase in CaseLoader.bundled(for: knowledgeBase).cases {
      expectSame(knowledgeBase, testCase.answers)
      var partial = Answers()
      for id in testCase.answers.questionIDs where random.next() % 3 != 0 { partial[id] = testCase.answers[id] }
      expectSame(knowledgeBase, partial)
    }
  }

  @Test("answers resolved to slots once give the assessment the same answers give validated, on every case")
  func resolvedOnce() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    var random = SplitMix64(seed: 17)
    for testCase in CaseLoader.bundled(for: knowledgeBase).cases {
      var partial = Answers()
      for id in testCase.answers.questionIDs where random.next() % 3 != 0 { partial[id] = testCase.answers[id] }
      for answers in [testCase.answers, partial, Answers()] {
        let resolved = knowledgeBase.assess(resolved: ResolvedAnswers(answers, for: knowledgeBase))
        let validated = knowledgeBase.assess(validated: answers)
        #expect(resolved.firings == validated.firings)
        #expect(resolved.undecidedRules == validated.undecidedRules)
        #expect(resolved.findings == validated.findings)
        #expect(resolved.scores == validated.scores)
        #expect(resolved.redFlags == validated.redFlags)
        #expect(resolved.recommendations == validated.recommendations)
        #expect(resolved.links == validated.links)
      }
    }
  }

  @Test("generated knowledge bases with and, or, not and chains, complete and partial answers")
  func generated() throws {
    for seed in 1...3 {
      let synthetic = SyntheticKnowledgeBase(questions: 40, rules: 150, depth: 5, seed: UInt64(seed))
      let knowledgeBase = try #require(KnowledgeBase.compile(files: [("g.rules", synthetic.ruleText)]).knowledgeBase)
      var random = SplitMix64(seed: UInt64(seed))
      for answers in synthetic.answerSets(count: 30, seed: UInt64(seed)) {
        expectSame(knowledgeBase, answers)
        var partial = Answers()
        for id in answers.questionIDs where random.next() % 2 == 0 { partial[id] = answers[id] }
        expectSame(knowledgeBase, partial)
      }
    }
  }

  @Test("the plan lists each rule's conclusions as written, rule after rule, for the engine to apply")
  func conclusionsInPlan() throws {
    let shipped = try #require(KnowledgeBase.bundled().knowledgeBase)
    let synthetic = SyntheticKnowledgeBase(questions: 40, rules: 150, depth: 5, seed: 5)
    let generated = try #require(KnowledgeBase.compile(files: [("g.rules", synthetic.ruleText)]).knowledgeBase)
    for knowledgeBase in [shipped, generated] {
      let plan = knowledgeBase.plan
      #expect(plan.conclusionStart.count == knowledgeBase.rules.count + 1)
      for (index, rule) in knowledgeBase.rules.enumerated() {
        #expect(Array(plan.conclusions[plan.conclusions(of: index)]) == rule.conclusions)
      }
      #expect(plan.conclusions.count == knowledgeBase.rules.reduce(0) { $0 + $1.conclusions.count })
    }
  }

  @Test("the generated CLIPS program declares every rule and finding")
  func clipsProgram() {
    let synthetic = SyntheticKnowledgeBase(.small)
    let program = synthetic.clipsProgram
    #expect(program.components(separatedBy: "(defrule r").count - 1 == synthetic.ruleCount)
    #expect(program.components(separatedBy: "(defrule combine-f").count - 1 == synthetic.findingCount)
  }
}
