import Foundation
import Testing
import UpstreamDigest

@testable import Upstream

@Suite("Recommendation tree")
struct RecommendationTreeTests {
  /// pain knee and hip, flat arches, stiff hips, sits all day (rotation_full unanswered).
  static let answersA = Answers(["pain": .options(["knee", "hip"]), "flat": .yes, "stiff": .yes, "sits": .yes])

  @Test("complaints are the roots, ranked by certainty; contributors nest as deep as the links go")
  func rankingAndChainDepth() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let tree = kb.assess(validated: Self.answersA).tree
    // knee_pain 1.0 (rule knee), hip_pain 0.8 (rule hip): knee first.
    #expect(tree.complaints.map(\.id) == ["knee_pain", "hip_pain"])
    #expect(tree.complaints.map(\.rank) == [1, 2])
    let knee = try #require(tree.complaints.first)
    // hip_rotation = 0.8 × min(stiff 1, knee_pain 1.0) = 0.8; the undecided rule against
    // it (rotation_full unanswered) does not change the certainty.
    let rotation = try #require(knee.child("hip_rotation"))
    #expect(close(rotation.certainty, 0.8))
    // arches = 1 − (1 − 0.5 × 0.8)(1 − 0.4 × 0.8) = 1 − 0.6 × 0.68 = 0.592.
    let arches = try #require(rotation.child("arches"))
    #expect(close(arches.certainty, 0.592))
    // Three levels: knee pain ← restricted hip rotation ← collapsed arches.
    #expect(arches.contributors.isEmpty)
    #expect(rotation.linkedBy.map(\.id) == ["stiff-hips-load-the-knee"])
    #expect(arches.linkedBy.map(\.id) == ["arches-turn-the-hip"])
    // Under hip pain: arches 0.592 first, sitting 0.3 × 0.8 = 0.24 second, less likely (< 0.4).
    let hip = tree.complaints[1]
    #expect(hip.contributors.map(\.id) == ["arches", "sitting"])
    #expect(hip.contributors.map(\.rank) == [1, 2])
    #expect(hip.contributors.map(\.lessLikely) == [false, true])
    #expect(close(hip.contributors[1].certainty, 0.24))
    #expect(tree.otherFindings.isEmpty)
    #expect(!tree.nothingFound)
    #expect(tree.generalAdvice == nil)
  }

  @Test("a contributor behind several findings appears under each, marked shared")
  func sharedContributors() throws {
    let tree = try TreeFixtures.compile(TreeFixtures.chain).assess(validated: Self.answersA).tree
    let underRotation = try #require(tree.complaints[0].child("hip_rotation")?.child("arches"))
    let underHip = try #require(tree.complaints[1].child("arches"))
    #expect(underRotation.shared && underHip.shared)
    #expect(underRotation.alsoUpstreamOf.map(\.id) == ["hip_pain"])
    #expect(underHip.alsoUpstreamOf.map(\.id) == ["hip_rotation"])
    #expect(tree.complaints[1].child("sitting")?.shared == false)
    // The same recommendations in each place.
    #expect(underRotation.recommendations.map(\.id) == underHip.recommendations.map(\.id))
  }

  @Test("recommendations sit under what they address, once per place, naming the other places")
  func recommendationsUnderContributors() throws {
    let tree = try TreeFixtures.compile(TreeFixtures.chain).assess(validated: Self.answersA).tree
    let rotation = try #require(tree.node("hip_rotation"))
    let arches = try #require(tree.node("arches"))
    #expect(rotation.recommendations.map(\.id) == ["rotate"])
    #expect(rotation.recommendations[0].alsoFor.map(\.id) == ["arches"])
    // rotate: called for with premises 0.592 (arches) and 0.8 (hip_rotation):
    // 1 − 0.408 × 0.2 = 0.9184; roll: 0.592. Stronger first.
    #expect(arches.recommendations.map(\.id) == ["rotate", "roll"])
    #expect(close(arches.recommendations[0].strength, 0.9184))
    #expect(close(arches.recommendations[1].strength, 0.592))
    #expect(arches.recommendations[0].alsoFor.map(\.id) == ["hip_rotation"])
    #expect(arches.recommendations[1].alsoFor.isEmpty)
    #expect(arches.recommendations[1].cautions == ["Not with an open wound."])
    #expect(arches.recommendations[0].calledForBy.map(\.id).sorted() == ["treat-arches", "treat-rotation"])
    // walk addresses nothing in the tree: listed as other advice, not dropped.
    #expect(tree.otherRecommendations.map(\.id) == ["walk"])
    // What to do first: rotate (for a 0.8 finding), roll (0.592), walk (none).
    // One first step per complaint: the walks address no finding in the tree.
    #expect(tree.firstSteps.map(\.id) == ["rotate", "roll"])
    #expect(tree.firstSteps.allSatisfy { $0.kind == .recommendation })
  }

  @Test("contributors linked to no complaint are other findings; cycles in links end")
  func otherFindingsAndCycles() throws {
    let kb = try TreeFixtures.compile(
      TreeFixtures.header + """
        question q: yes/no
          ask "Q?"
        complaint pain
          name "Pain"
        contributor a
          name "A"
        contributor b
          name "B"
        contributor c
          name "C"
        contributor d
          name "D"
        contributor e
          name "E"
        rule pain-rule
          when q
          then pain certainty 1.0
          because "p"
          source s
        rule a-rule
          when q
          then a certainty 0.7
          and a upstream of pain
          and a upstream of b
          because "a"
          source s
        rule b-rule
          when q
          then b certainty 0.6
          and b upstream of a
          because "b"
          source s
        rule c-rule
          when q
          then c certainty 0.5
          because "c"
          source s
        rule d-rule
          when q
          then d certainty 0.55
          and d upstream of e
          because "d"
          source s
        rule e-rule
          when q
          then e certainty 0.45
          and e upstream of d
          because "e"
          source s

        """)
    let tree = kb.assess(validated: Answers(["q": .yes])).tree
    // pain ← a ← b; b's link back to a (already on the path) is not followed.
    let a = try #require(tree.complaints.first?.child("a"))
    let b = try #require(a.child("b"))
    #expect(b.contributors.isEmpty)
    #expect(tree.complaints.first?.contributors.map(\.id) == ["a"])
    // c has no link; d ⇄ e form a cycle with no complaint: d (more certain) is the root.
    #expect(tree.otherFindings.map(\.id) == ["d", "c"])
    #expect(tree.otherFindings.first?.contributors.map(\.id) == ["e"])
    #expect(tree.otherFindings.first?.child("e")?.contributors.isEmpty == true)
  }

  @Test("a declared conflict is settled as the rules say, and the tree says which and why")
  func conflictSettlement() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.conflict)
    let base: [String: AnswerValue] = ["hurts": .yes, "arch": .option("flat"), "boots": .yes]
    // diabetes: `prefer insoles when diabetes` holds.
    var answers = Answers(base)
    answers["diabetes"] = .yes
    var tree = kb.assess(validated: answers).tree
    var insoles = try #require(tree.node("arches")?.recommendations.first)
    var minimal = try #require(tree.node("stiff_shoes")?.recommendations.first)
    #expect(insoles.id == "insoles" && insoles.status == .given)
    #expect(minimal.id == "minimal" && minimal.status == .setAside)
    #expect(tree.settlements.count == 1)
    let settlement = try #require(tree.settlements.first)
    #expect(settlement.chosen == "insoles" && settlement.setAside == "minimal" && settlement.basis == .preference)
    #expect(settlement.condition == "diabetes")
    #expect(settlement.patientReason == "Supportive insoles was chosen over Minimal shoes because you answered 'yes' to \"Do you have diabetes?\".")
    #expect(settlement.clinicianReason.contains("prefer insoles when diabetes (holds)"))
    #expect(
      settlement.clinicianReason.contains(
        "tree.rules:\(TreeFixtures.line(of: "recommendation insoles", in: TreeFixtures.conflict).map { $0 + 4 } ?? 0)"))
    #expect(insoles.settlements == [settlement] && minimal.settlements == [settlement])

    // No diabetes: `otherwise prefer stronger`: insoles 0.6 (arches) over minimal 0.45 (stiff shoes).
    answers["diabetes"] = .no
    tree = kb.assess(validated: answers).tree
    insoles = try #require(tree.node("arches")?.recommendations.first)
    minimal = try #require(tree.node("stiff_shoes")?.recommendations.first)
    #expect(insoles.status == .given && minimal.status == .setAside)
    #expect(tree.settlements.first?.basis == .stronger)
    #expect(tree.settlements.first?.clinicianReason.contains("insoles 0.60 over minimal 0.45") == true)

    // Diabetes not answered: the preference is unknown, which is not a preference holding.
    answers["diabetes"] = nil
    #expect(kb.assess(validated: answers).tree.settlements.first?.basis == .stronger)
  }

  @Test("a conflict that keeps both gives both, and the tree still says the two were weighed")
  func conflictKeptBoth() throws {
    let keepBoth = TreeFixtures.conflict.replacingOccurrences(of: "otherwise prefer stronger", with: "otherwise keep both")
    let kb = try TreeFixtures.compile(keepBoth)
    let tree = kb.assess(validated: Answers(["hurts": .yes, "arch": .option("flat"), "boots": .yes, "diabetes": .no])).tree
    let insoles = try #require(tree.node("arches")?.recommendations.first)
    let minimal = try #require(tree.node("stiff_shoes")?.recommendations.first)
    #expect(insoles.status == .given && minimal.status == .given)
    let settlement = try #require(tree.settlements.first)
    #expect(tree.settlements.count == 1)
    #expect(settlement.basis == .keptBoth && settlement.chosen == "insoles" && settlement.setAside == "minimal")
    #expect(settlement.patientReason.hasPrefix("Supportive insoles and Minimal shoes are both suggested"))
    #expect(settlement.clinicianReason.contains("insoles and minimal both kept: no 'prefer … when' held; otherwise keep both"))
    #expect(insoles.settlements == [settlement])
    #expect(TreeTextRenderer(audience: .clinician, width: 200).render(tree).contains("insoles and minimal both kept"))
    // The preference still wins when it holds.
    let preferred = kb.assess(validated: Answers(["hurts": .yes, "arch": .option("flat"), "boots": .yes, "diabetes": .yes])).tree
    #expect(preferred.settlements.map(\.basis) == [.preference])
    #expect(preferred.node("stiff_shoes")?.recommendations.first?.status == .setAside)
  }

  @Test("red-flag questions left open are listed near the top, in every format; answered ones are not")
  func unansweredSafetyQuestions() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let open = kb.assess(validated: Answers(["hurts": .yes, "flat": .yes])).tree
    #expect(open.unansweredSafetyQuestions.map(\.id) == ["numb", "weight_loss"])
    #expect(open.unansweredSafetyQuestions.allSatisfy { !$0.notSure })
    let text = TreeTextRenderer(audience: .patient, width: 100).render(open)
    #expect(text.contains("SAFETY QUESTIONS STILL OPEN\nThese questions look for signs that need a doctor."))
    let safety = try #require(text.range(of: "SAFETY QUESTIONS STILL OPEN"))
    let complaints = try #require(text.range(of: "BACK PAIN"))
    #expect(safety.lowerBound < complaints.lowerBound)
    #expect(TreeMarkdownRenderer(audience: .clinician).render(open).contains("## Safety questions not answered\n\nThese questions"))
    #expect(TreeHTMLRenderer().render(open).contains("<section class=\"safety-open\" role=\"alert\">"))
    #expect(AssessmentJSONRenderer().render(open).contains("\"unansweredSafetyQuestions\": [\n    {\n      \"id\": \"numb\""))

    // Both answered: nothing is open, and the section is not shown.
    let answered = kb.assess(validated: Answers(["hurts": .yes, "numb": .no, "weight_loss": .no])).tree
    #expect(answered.unansweredSafetyQuestions.isEmpty)
    #expect(!TreeTextRenderer().render(answered).contains("SAFETY QUESTIONS"))
  }

  @Test("an emergency red flag comes first and withholds self-care advice, listed with the reason")
  func redFlagOverride() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let tree = kb.assess(validated: Answers(["numb": .yes, "hurts": .yes, "flat": .yes])).tree
    #expect(tree.redFlags.map(\.id) == ["cauda"])
    #expect(tree.redFlags.first?.urgency == .emergency)
    #expect(tree.redFlags.first?.raisedBy.map(\.rule.id) == ["saddle"])
    #expect(tree.redFlags.first?.raisedBy.first?.conditions.first?.description == "you answered 'yes' to \"Is the saddle area numb?\"")
    // roll is called for (arches 0.5) but withheld: listed, never under the contributor.
    #expect(tree.withheld.map(\.id) == ["roll"])
    #expect(tree.withheld.first?.wouldAddress.map(\.id) == ["arches"])
    #expect(tree.withheld.first?.reason.contains("Possible cauda equina") == true)
    #expect(tree.node("arches")?.recommendations.isEmpty == true)
    #expect(tree.firstSteps.map(\.kind) == [.redFlag])
    #expect(tree.firstSteps.first?.text == "Go to an emergency department now.")

    // Nothing upstream and an emergency: no general self-care advice either.
    let nothing = kb.assess(validated: Answers(["numb": .yes, "hurts": .yes, "flat": .no])).tree
    #expect(nothing.nothingFound && nothing.generalAdvice == nil)
  }

  @Test("a routine referral comes first and keeps only the self-care marked safe to start while waiting")
  func routineRedFlag() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let tree = kb.assess(validated: Answers(["weight_loss": .yes, "numb": .yes, "hurts": .yes, "flat": .yes])).tree
    // Most urgent first.
    #expect(tree.redFlags.map(\.id) == ["cauda", "unexplained_weight_loss"])
    #expect(tree.careLevel == .emergency)
    // Not marked safe meanwhile: held back, with the reason in words.
    let routine = kb.assess(validated: Answers(["weight_loss": .yes, "hurts": .yes, "flat": .yes])).tree
    #expect(routine.careLevel == .routineReferral)
    #expect(routine.withheld.map(\.id) == ["roll"])
    #expect(routine.withheld.first?.reason.contains("not marked safe to start while you wait") == true)
    #expect(routine.firstSteps.map(\.id) == ["unexplained_weight_loss"])
    #expect(routine.whileWaiting == nil)
    #expect(!routine.safetyNetting.isEmpty || kb.header.safetyNetting.isEmpty)
    // Marked safe meanwhile: given after the referral, and the tree says why.
    let marked = try TreeFixtures.compile(
      TreeFixtures.redFlags.replacingOccurrences(
        of: "  dose \"2 minutes\"\n  addresses arches\n", with: "  dose \"2 minutes\"\n  addresses arches\n  safe while awaiting referral\n"))
    let kept = marked.assess(validated: Answers(["weight_loss": .yes, "hurts": .yes, "flat": .yes])).tree
    #expect(kept.withheld.isEmpty)
    #expect(kept.node("arches")?.recommendations.map(\.id) == ["roll"])
    #expect(kept.firstSteps.map(\.id) == ["unexplained_weight_loss", "roll"])
    #expect(kept.whileWaiting?.hasPrefix("Get the referral above first.") == true)
    let text = TreeTextRenderer(audience: .patient, width: 200).render(kept)
    #expect(text.contains("Get the referral above first. While you wait for it, the self-care below is safe to start"))
  }

  @Test("when nothing is found the tree says so and gives the general advice")
  func nothingFound() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    let tree = kb.assess(validated: Answers(["hurts": .yes, "flat": .no])).tree
    #expect(tree.nothingFound)
    #expect(tree.generalAdvice == "Keep moving.")
    #expect(tree.complaints.map(\.id) == ["back_pain"])
    #expect(tree.complaints.first?.contributors.isEmpty == true)
    let text = TreeTextRenderer(audience: .patient).render(tree)
    #expect(text.contains("We found nothing behind it that these questions can point to."))
    #expect(text.contains("Keep moving."))
    #expect(TreeTextRenderer(audience: .clinician).render(tree).contains("No upstream contributor found for this."))
  }

  @Test("scored instruments show their total and stratum; incomplete ones say so")
  func scores() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    // Both items: 1 + 1 = 2, `risk >= 2`: high.
    let high = try #require(kb.assess(validated: Answers(["worry": .yes, "walk_less": .yes])).tree.scores.first)
    #expect(high.total == 2 && high.complete && high.stratum == "high" && high.stratumLabel == "High risk")
    #expect(high.contributions.map(\.rule.id).sorted() == ["item-walk", "item-worry"])
    // Both answered no: 0, low; still shown because its own items were answered.
    let low = try #require(kb.assess(validated: Answers(["worry": .no, "walk_less": .no])).tree.scores.first)
    #expect(low.total == 0 && low.stratum == "low" && low.stratumMeaning == "Most get better with advice.")
    // One item unanswered: 1, could be 1 to 2, so the stratum is not decided.
    let partial = try #require(kb.assess(validated: Answers(["worry": .yes])).tree.scores.first)
    #expect(partial.total == 1 && !partial.complete && partial.lowest == 1 && partial.highest == 2)
    #expect(partial.stratum == nil)
    #expect(TreeTextRenderer().render(kb.assess(validated: Answers(["worry": .yes])).tree).contains("Risk score: 1 (incomplete: could be 1 to 2)"))
  }

  @Test("every tree is stamped with the knowledge base, its content hash and the answers")
  func stamp() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    let tree = kb.assess(validated: Self.answersA).tree
    #expect(tree.stamp.knowledgeBaseName == "Tree tests")
    #expect(tree.stamp.knowledgeBaseVersion == "1.2")
    #expect(tree.stamp.contentHash == kb.contentHash)
    #expect(tree.stamp.answers == Self.answersA)
    let compact = #"{"flat":true,"pain":["knee","hip"],"sits":true,"stiff":true}"#
    #expect(tree.stamp.answersHash == SHA256.hex(Array(compact.utf8)))
    // The clinician's report carries the hashes, the answers and the version, said to be the
    // knowledge base's (not Upstream's); the patient's carries none of them.
    #expect(TreeTextRenderer(audience: .patient, width: 200).render(tree).hasPrefix("Tree tests\n"))
    let text = TreeTextRenderer(audience: .clinician, width: 200).render(tree)
    let hashes = "rules sha256:\(kb.contentHash.prefix(12)) · answers sha256:\(tree.stamp.answersHash.prefix(12))"
    #expect(text.contains("Tree tests, knowledge base 1.2 · \(hashes)"))
    #expect(text.contains(#"flat=true pain=["knee","hip"] sits=true stiff=true"#))
  }

  @Test("the answers hash is over the answers in id order, however many are given, with the date first")
  func answersHashOrder() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    // The knowledge base declares its questions in another order than their ids sort in.
    #expect(kb.questions.map(\.id) != kb.questions.map(\.id).sorted())
    // One answer, several (put in id order by each question's place), a date, and an id
    // the knowledge base does not have (never dropped).
    let few = Answers(["stiff": .yes])
    var dated = Self.answersA
    dated.assessmentDate = CalendarDay("2026-12-01")
    let stranger = Answers(["flat": .yes, "pain": .options(["knee"]), "sits": .no, "stiff": .yes, "zz_other": .yes])
    let expected = [
      #"{"stiff":true}"#,
      #"{"assessment date":"2026-12-01","flat":true,"pain":["knee","hip"],"sits":true,"stiff":true}"#,
      #"{"flat":true,"pain":["knee"],"sits":false,"stiff":true,"zz_other":true}"#,
    ]
    for (answers, text) in zip([few, dated, stranger], expected) {
      #expect(String(decoding: answers.compactJSONUTF8(in: kb), as: UTF8.self) == text)
      #expect(answers.compactJSONUTF8(in: kb) == JSONWriter.compactUTF8(answers.json))
    }
    #expect(kb.assess(validated: dated).stamp.answersHash == SHA256.hex(Array(expected[1].utf8)))
  }
}
