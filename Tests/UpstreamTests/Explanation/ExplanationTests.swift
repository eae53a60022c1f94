import Foundation
import Testing

@testable import Upstream

@Suite("Why, why not, what if")
struct ExplanationTests {
  static let answersA = RecommendationTreeTests.answersA

  // MARK: Why

  @Test(
    "an id explain and whyNot cannot explain throws, quoting it, with a did-you-mean over every finding, red flag, recommendation and score; explain and whyNot still give nil"
  )
  func unexplainableID() throws {
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    let assessment = kb.assess(validated: Answers(["pain_areas": .options(["hip"])]))
    let misspelt = [
      "colapsed_arches": "collapsed_arches", "cauda_equine": "cauda_equina", "foot_roling": "foot_rolling",
      "startback_totl": "startback_total",
    ]
    for (typed, meant) in misspelt.sorted(by: { $0.key < $1.key }) {
      #expect(assessment.explain(typed) == nil && assessment.whyNot(typed) == nil)
      let expected = Assessment.UnexplainableID(id: typed, isQuestion: false, didYouMean: meant)
      #expect(throws: expected) { try assessment.explanation(of: typed) }
      #expect(throws: expected) { try assessment.whyNotExplanation(of: typed) }
      #expect(
        expected.description
          == "the knowledge base has no finding, red flag, recommendation or score '\(typed)' (did you mean '\(meant)'?)")
      #expect(expected.localizedDescription == expected.description)
    }
    // A question is answered, not concluded: it is named as one.
    #expect(throws: Assessment.UnexplainableID(id: "pain_areas", isQuestion: true, didYouMean: nil)) {
      try assessment.explanation(of: "pain_areas")
    }
    #expect(
      Assessment.UnexplainableID(id: "pain_areas", isQuestion: true, didYouMean: nil).message
        == "the knowledge base has no finding, red flag, recommendation or score 'pain_areas' ('pain_areas' is a question; ask about what it leads to)"
    )
    #expect(throws: Assessment.UnexplainableID(id: "zzz", isQuestion: false, didYouMean: nil)) { try assessment.whyNotExplanation(of: "zzz") }
    // A known id gives what explain and whyNot give.
    #expect(try assessment.explanation(of: "hip_pain") == assessment.explain("hip_pain"))
    #expect(try assessment.whyNotExplanation(of: "cauda_equina") == assessment.whyNot("cauda_equina"))
  }

  @Test("why: each rule for the finding, its certainty, conditions with answers, and the chain back")
  func why() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let explanation = try #require(kb.assess(validated: Self.answersA).explain("arches"))
    #expect(explanation.subject == .finding)
    #expect(close(explanation.certainty, 0.592))
    #expect(explanation.summary == "possible (0.59)")
    let steps = explanation.steps.sorted { $0.rule.id < $1.rule.id }
    #expect(steps.map(\.rule.id) == ["arches-load-the-hip", "arches-turn-the-hip"])
    #expect(steps.allSatisfy { $0.role == .supports })
    // arches-load-the-hip: 0.4 × min(flat 1, hip_pain 0.8) = 0.32.
    #expect(close(steps[0].premise, 0.8) && steps[0].ruleCertainty == 0.4 && close(steps[0].contribution, 0.32))
    // arches-turn-the-hip: 0.5 × min(flat 1, hip_rotation 0.8) = 0.4.
    #expect(close(steps[1].contribution, 0.4))
    let line = try #require(TreeFixtures.line(of: "rule arches-turn-the-hip", in: TreeFixtures.chain))
    #expect(steps[1].rule.location.description == "tree.rules:\(line)")
    let flat = steps[1].conditions[0]
    #expect(flat.test == "flat" && flat.outcome == .holds(1))
    #expect(flat.fact == .answer(questionID: "flat", wording: "Are your arches flat?", answer: .yes))
    #expect(flat.description == "you answered 'yes' to \"Are your arches flat?\"")
    // The chain: arches ← hip_rotation ← knee_pain ← the answer to "Where does it hurt?".
    let rotation = try #require(steps[1].conditions[1].chain)
    #expect(rotation.id == "hip_rotation" && rotation.steps.map(\.rule.id) == ["stiff-hips-load-the-knee"])
    #expect(rotation.steps[0].rule.sources.map(\.evidence) == [.expertOpinion, .trial])
    // rotation_full was not answered: the rule against hip rotation could still change it,
    // between (0.8 − 0.5) / (1 − 0.5) = 0.6 and 0.8.
    #expect(rotation.undecided.map(\.rule.id) == ["full-rotation-argues-against"])
    #expect(rotation.range.map { close($0.lowerBound, 0.6) && close($0.upperBound, 0.8) } == true)
    let text = WhyTextRenderer(audience: .clinician, width: 200).render(rotation)
    #expect(text.contains("Unanswered questions leave it between likely (0.60) and very likely (0.80)."))
    let knee = try #require(rotation.steps[0].conditions.compactMap(\.chain).first)
    #expect(knee.id == "knee_pain")
    #expect(knee.steps[0].conditions[0].description == "you answered 'Knee', 'Hip' to \"Where does it hurt?\"")
  }

  @Test("why: evidence against is shown and combined as MYCIN does")
  func whyAgainst() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    var answers = Self.answersA
    answers["rotation_full"] = .yes
    let explanation = try #require(kb.assess(validated: answers).explain("hip_rotation"))
    // for 0.8, against 0.5: (0.8 − 0.5) / (1 − 0.5) = 0.6.
    #expect(close(explanation.certainty, 0.6))
    #expect(explanation.steps.map(\.role) == [.supports, .opposes])
    #expect(close(explanation.steps[1].contribution, -0.5))
    let text = WhyTextRenderer(audience: .clinician, width: 120).render(explanation)
    #expect(text.contains("Why Restricted hip rotation (hip_rotation) is likely (0.60)"))
    #expect(text.contains("for 0.80; against 0.50; combined: (0.80 − 0.50) / (1 − 0.50) = 0.60"))
    #expect(text.contains("−0.50 against — rule full-rotation-argues-against"))
  }

  @Test("why: two audiences")
  func whyAudiences() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let explanation = try #require(kb.assess(validated: Self.answersA).explain("hip_rotation"))
    let patient = WhyTextRenderer(audience: .patient, width: 100).render(explanation)
    let clinician = WhyTextRenderer(audience: .clinician, width: 100).render(explanation)
    #expect(patient.hasPrefix("Why Restricted hip rotation is very likely\n"))
    #expect(patient.contains("Your stiff hips make your knee twist."))
    #expect(!patient.contains("stiff-hips-load-the-knee") && !patient.contains("tree.rules") && !patient.contains("0.80"))
    #expect(clinician.contains("+0.80 for — rule stiff-hips-load-the-knee (tree.rules:"))
    #expect(clinician.contains("Hip rotation deficit loading the knee."))
    #expect(clinician.contains("rule certainty 0.8 × condition 1.00 = 0.80"))
    #expect(clinician.contains("Sources: s: expert opinion; t: randomised trial"))
    #expect(clinician.contains("very likely (0.80)"))
  }

  @Test("why: red flags, recommendations and scores are explained too")
  func whyOtherSubjects() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let assessment = kb.assess(validated: Answers(["numb": .yes, "hurts": .yes, "flat": .yes, "worry": .yes, "walk_less": .no]))
    let flag = try #require(assessment.explain("cauda"))
    #expect(flag.summary == "raised: emergency: now" && flag.steps.map(\.rule.id) == ["saddle"])
    #expect(flag.notes.contains("Self-care advice is withheld until a clinician has seen you."))
    let roll = try #require(assessment.explain("roll"))
    #expect(roll.summary == "withheld: red flag Possible cauda equina")
    #expect(roll.steps.first?.conditions.first?.chain?.id == "arches")
    let score = try #require(assessment.explain("risk"))
    #expect(score.summary == "1: Low risk" && score.steps.map(\.rule.id) == ["item-worry"])
    #expect(assessment.explain("numb") == nil)
  }

  // MARK: Why not

  /// Hip pain only; no flat arches, no stiff hips, no sitting.
  static let answersC = Answers(["pain": .options(["hip"]), "flat": .no, "stiff": .no, "sits": .no])

  @Test("why-not: the first condition that failed, and answers that would have made the rule fire")
  func whyNot() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let explanation = try #require(kb.assess(validated: Self.answersC).whyNot("hip_rotation"))
    #expect(!explanation.concluded && explanation.certainty == 0)
    // Only the rule for it; the rule against did not fire, so it is not a reason.
    #expect(explanation.candidates.map(\.rule.id) == ["stiff-hips-load-the-knee"])
    let candidate = explanation.candidates[0]
    #expect(candidate.state == .failed)
    // `stiff and knee_pain`: both fail; the first is stiff.
    #expect(candidate.blockedAt == "stiff")
    #expect(candidate.blockers.map(\.description) == ["you answered 'no' to \"Do your hips feel stiff?\""])
    // stiff yes, and knee pain through rule knee: pain includes knee.
    #expect(candidate.wouldFireWith.map(\.questionID) == ["pain", "stiff"])
    #expect(candidate.wouldFireWith[0].suggested == .options(["knee", "hip"]))
    #expect(candidate.wouldFireWith[0].currentText == "'Hip'")
    #expect(candidate.wouldFireWith[1].suggested == .yes)
    #expect(candidate.verified)
    // Re-assessed: 0.8 × 1.0 = 0.8.
    #expect(close(candidate.resultingCertainty, 0.8))
  }

  @Test("why-not: a rule two links away needs the answers for the whole chain")
  func whyNotChain() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let explanation = try #require(kb.assess(validated: Self.answersC).whyNot("arches"))
    let byRule = Dictionary(uniqueKeysWithValues: explanation.candidates.map { ($0.rule.id, $0) })
    let load = try #require(byRule["arches-load-the-hip"])
    #expect(load.blockedAt == "flat")
    #expect(load.wouldFireWith.map(\.questionID) == ["flat"])
    // 0.4 × min(1, hip_pain 0.8) = 0.32.
    #expect(load.verified && close(load.resultingCertainty, 0.32))
    let turn = try #require(byRule["arches-turn-the-hip"])
    #expect(turn.wouldFireWith.map(\.questionID) == ["flat", "pain", "stiff"])
    // With all three: 1 − (1 − 0.4)(1 − 0.32) = 0.592.
    #expect(turn.verified && close(turn.resultingCertainty, 0.592))
  }

  @Test("why-not: an unknown condition says the question was not asked")
  func whyNotUnknown() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let explanation = try #require(kb.assess(validated: Answers(["pain": .options(["knee"])])).whyNot("hip_rotation"))
    let candidate = try #require(explanation.candidates.first)
    #expect(candidate.state == .unknown)
    #expect(candidate.blockers.first?.outcome == .unknown)
    #expect(candidate.blockers.first?.description == "\"Do your hips feel stiff?\" was not asked")
    #expect(candidate.wouldFireWith.map(\.questionID) == ["stiff"] && candidate.wouldFireWith[0].currentText == nil)
    let text = WhyNotTextRenderer(audience: .patient, width: 100).render(explanation)
    #expect(text.contains("? \"Do your hips feel stiff?\" was not asked"))
    #expect(text.contains("'yes' to \"Do your hips feel stiff?\" (not asked)"))
    #expect(!text.contains("stiff-hips-load-the-knee"))
  }

  @Test("why-not: a rule that fired against it is listed as a reason")
  func whyNotAgainst() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let answers = Answers(["pain": .options(["knee"]), "stiff": .no, "rotation_full": .yes])
    let explanation = try #require(kb.assess(validated: answers).whyNot("hip_rotation"))
    #expect(explanation.candidates.map(\.rule.id) == ["stiff-hips-load-the-knee", "full-rotation-argues-against"])
    let against = explanation.candidates[1]
    #expect(against.role == .opposes && against.state == .fired && close(against.contribution, -0.5))
    let text = WhyNotTextRenderer(audience: .clinician, width: 120).render(explanation)
    #expect(text.contains("✓ fired — rule full-rotation-argues-against (tree.rules:"))
    #expect(text.contains("gave −0.50"))
  }

  @Test("why-not: red flags and recommendations set aside")
  func whyNotOtherSubjects() throws {
    let flags = try TreeFixtures.compile(TreeFixtures.redFlags)
    let flag = try #require(flags.assess(validated: Answers(["numb": .no])).whyNot("cauda"))
    #expect(flag.summary == "not raised" && flag.candidates.map(\.rule.id) == ["saddle"])
    #expect(flag.candidates[0].wouldFireWith.map(\.suggested) == [.yes] && flag.candidates[0].verified)

    let conflict = try TreeFixtures.compile(TreeFixtures.conflict)
    let answers = Answers(["hurts": .yes, "arch": .option("flat"), "boots": .yes, "diabetes": .yes])
    let minimal = try #require(conflict.assess(validated: answers).whyNot("minimal"))
    #expect(!minimal.concluded)
    #expect(minimal.summary == "set aside in favour of Supportive insoles")
    #expect(minimal.notes.first?.hasPrefix("insoles chosen over minimal: prefer insoles when diabetes (holds)") == true)
    #expect(minimal.candidates.first?.state == .fired)
  }

  @Test("why-not: a score requirement is not turned into answers, and says so")
  func whyNotScore() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let explanation = try #require(kb.assess(validated: Answers(["worry": .no, "walk_less": .no])).whyNot("physio"))
    let candidate = try #require(explanation.candidates.first)
    #expect(candidate.state == .failed && candidate.blockedAt == "risk is high")
    #expect(candidate.blockers.first?.description == "Risk score is 0 (Low risk)")
    #expect(candidate.wouldFireWith.isEmpty && candidate.unmet == ["risk is high"] && !candidate.verified)
    let text = WhyNotTextRenderer(audience: .clinician, width: 100).render(explanation)
    #expect(text.contains("and risk is high (not a single answer)"))
    // With the tree: high risk calls for physio, which addresses nothing: other advice.
    let high = kb.assess(validated: Answers(["worry": .yes, "walk_less": .yes])).tree
    #expect(high.otherRecommendations.map(\.id) == ["physio"])
  }

  // MARK: What if

  @Test("what-if: contributors lost and re-ranked, recommendations lost")
  func whatIf() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    var after = Self.answersA
    after["stiff"] = .no
    after["flat"] = .no
    let comparison = Assessment.compare(kb.assess(validated: Self.answersA), kb.assess(validated: after))
    #expect(comparison.answers.map(\.questionID) == ["flat", "stiff"])
    #expect(comparison.answers[0].before == .yes && comparison.answers[0].after == .no)
    let lost = comparison.placements.filter { $0.change == .lost }.map { "\($0.finding.id)<\($0.under?.id ?? "")" }
    #expect(lost == ["hip_rotation<knee_pain", "arches<hip_rotation", "arches<hip_pain"])
    // sitting moves from second to first under hip pain, still less likely.
    let reranked = comparison.placements.filter { $0.change == .reranked }
    #expect(reranked.map(\.finding.id) == ["sitting"])
    #expect(reranked.first?.before?.rank == 2 && reranked.first?.after?.rank == 1)
    #expect(comparison.certainties.isEmpty)
    #expect(comparison.recommendations.map(\.id) == ["roll", "rotate"])
    #expect(comparison.recommendations.allSatisfy { $0.change == .lost && $0.before == .given && $0.after == nil })
    #expect(comparison.redFlags.isEmpty && !comparison.isEmpty)
  }

  @Test("what-if: gained contributors, certainty changes and a move to less likely")
  func whatIfGained() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    var before = Self.answersA
    before["stiff"] = .no
    // Before: arches only through hip pain, 0.4 × 0.8 = 0.32 (less likely). After (A): 0.592.
    let comparison = Assessment.compare(kb.assess(validated: before), kb.assess(validated: Self.answersA))
    let gained = comparison.placements.filter { $0.change == .gained }.map { "\($0.finding.id)<\($0.under?.id ?? "")" }
    #expect(gained == ["hip_rotation<knee_pain", "arches<hip_rotation"])
    let moved = try #require(comparison.placements.first { $0.change == .reranked && $0.finding.id == "arches" })
    #expect(moved.before?.lessLikely == true && moved.after?.lessLikely == false)
    #expect(comparison.certainties.map(\.finding.id) == ["arches"])
    #expect(close(comparison.certainties.first?.before, 0.32) && close(comparison.certainties.first?.after, 0.592))
    #expect(comparison.recommendations.isEmpty)
    let text = WhatIfTextRenderer(audience: .patient, width: 100).render(comparison)
    #expect(text.contains("+ Restricted hip rotation under Knee pain: #1, very likely"))
    #expect(text.contains("~ Collapsed arches: less likely → possible"))
    #expect(text.contains("~ \"Do your hips feel stiff?\": 'no' → 'yes'"))
  }

  @Test("what-if: a red flag gained withholds the advice")
  func whatIfRedFlag() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let before = Answers(["hurts": .yes, "flat": .yes, "numb": .no])
    var after = before
    after["numb"] = .yes
    let comparison = Assessment.compare(kb.assess(validated: before), kb.assess(validated: after))
    #expect(comparison.redFlags.map(\.id) == ["cauda"] && comparison.redFlags[0].before == nil && comparison.redFlags[0].after == .emergency)
    #expect(comparison.recommendations.map(\.id) == ["roll"])
    #expect(comparison.recommendations[0].change == .lost && comparison.recommendations[0].after == .withheld)
  }

  @Test("what-if: the same answers change nothing")
  func whatIfNothing() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let comparison = Assessment.compare(kb.assess(validated: Self.answersA), kb.assess(validated: Self.answersA))
    #expect(comparison.isEmpty && comparison.answers.isEmpty)
    #expect(WhatIfTextRenderer().render(comparison).contains("The tree does not change."))
  }
}
