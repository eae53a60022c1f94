import Foundation
import Testing

@testable import Upstream

/// Norms that depend on another answer (age-aware thresholds), instrument copyright lines,
/// and advice worded for each urgency.
@Suite("Norms, instrument licences and advice by urgency")
struct NormAndInstrumentTests {
  static let text =
    header + """
      question age: number
        ask "How old are you?"
        range 16 to 110
      question stance: number
        ask "Seconds on one leg?"
        range 0 to 60
      contributor poor_balance
        name "Poor balance for your age"
        explain "e"
      norm stance_norm
        name "Single-leg stance norm"
        by age
        band 16 to 59 value 30
        band 60 to 69 value 20
        band 70 to 79 value 15
        band 80 to 110 value 6
        source s
      rule short-stance
        when stance < stance_norm
        then poor_balance certainty 0.6
        because "b"
        source s
      score item_total
        name "Item total"
        range 0 to 1
        copyright "Item Tool © Example University 2007; used under licence."
      question item: yes/no
        ask "Item?"
      rule item-scores
        when item
        then add 1 to item_total
        because "b"
        source s

      """

  static func certainty(_ kb: KnowledgeBase, age: Double?, stance: Double) throws -> Double {
    var answers = Answers()
    if let age { answers["age"] = .number(age) }
    answers["stance"] = .number(stance)
    let assessment = kb.assess(validated: answers)
    let finding = try #require(kb.findings.firstIndex { $0.id == "poor_balance" })
    return assessment.findings[finding].certainty
  }

  @Test("a comparison with a norm uses the band the age falls in")
  func normPicksTheAgeBand() throws {
    let kb = try knowledgeBase(Self.text)
    #expect(try Self.certainty(kb, age: 45, stance: 25) == 0.6)  // below 30 at 45
    #expect(try Self.certainty(kb, age: 45, stance: 31) == 0)
    #expect(try Self.certainty(kb, age: 75, stance: 16) == 0)  // 16 s is normal at 75
    #expect(try Self.certainty(kb, age: 75, stance: 12) == 0.6)
    #expect(try Self.certainty(kb, age: 85, stance: 7) == 0)  // 7 s is normal over 80
    #expect(try Self.certainty(kb, age: 85, stance: 4) == 0.6)
  }

  @Test("with the age unknown, a comparison with a norm is undecided, never false")
  func unknownAgeLeavesTheNormUndecided() throws {
    let kb = try knowledgeBase(Self.text)
    var answers = Answers()
    answers["stance"] = .number(25)
    let assessment = kb.assess(validated: answers)
    let finding = try #require(kb.findings.firstIndex { $0.id == "poor_balance" })
    #expect(assessment.findings[finding].certainty == 0)
    #expect(assessment.findings[finding].highest == 0.6, "the rule should still be able to fire once the age is known")
    #expect(!assessment.findings[finding].undecidedRules.isEmpty)
  }

  @Test("a norm's mistakes are reported: overlapping bands, a 'by' that is not a number, an unknown norm")
  func normDiagnostics() throws {
    let overlapping = Self.text.replacingOccurrences(of: "band 60 to 69 value 20", with: "band 55 to 69 value 20")
    #expect(codes(overlapping).contains(.overlappingRanges))
    // A gap between bands, or ages the bands miss, would make a comparison false: an error.
    let gapped = compile(Self.text.replacingOccurrences(of: "band 60 to 69 value 20", with: "band 62 to 69 value 20"))
    #expect(gapped.diagnostics.contains { $0.code == .invalidRange && $0.message.contains("uncovered (60 to 61)") })
    let short = compile(Self.text.replacingOccurrences(of: "band 80 to 110 value 6", with: "band 80 to 99 value 6"))
    #expect(short.diagnostics.contains { $0.code == .invalidRange && $0.message.contains("uncovered (100 to 110)") })
    let late = compile(Self.text.replacingOccurrences(of: "band 16 to 59 value 30", with: "band 18 to 59 value 30"))
    #expect(late.diagnostics.contains { $0.code == .invalidRange && $0.message.contains("uncovered (16 to 17)") })
    let oneAge = compile(Self.text.replacingOccurrences(of: "band 16 to 59 value 30", with: "band 16 to 58 value 30"))
    #expect(oneAge.diagnostics.contains { $0.code == .invalidRange && $0.message.contains("uncovered (59);") })
    let byYesNo = Self.text.replacingOccurrences(of: "  by age\n", with: "  by item\n")
    #expect(codes(byYesNo).contains(.typeMismatch))
    let misspelt = compile(Self.text.replacingOccurrences(of: "stance < stance_norm", with: "stance < stance_nrom"))
    let unknown = try #require(misspelt.diagnostics.first { $0.code == .unknownId })
    #expect(unknown.message.contains("no norm is called 'stance_nrom'"))
    #expect(unknown.fix?.replacement == "stance_norm")
  }

  @Test("bands that overlap are one error, not also a gap: the answers the refused band covers are covered")
  func overlapIsNotAGap() throws {
    for (band, with) in [("band 16 to 59 value 30", "band 16 to 60 value 30"), ("band 70 to 79 value 15", "band 65 to 79 value 15")] {
      let overlapping = compile(Self.text.replacingOccurrences(of: band, with: with))
      #expect(overlapping.diagnostics.map(\.code) == [.overlappingRanges], "\(with): \(overlapping.diagnostics.map(\.message))")
    }
  }

  @Test("with decimals allowed, a gap is the answers strictly between two bands")
  func decimalGap() throws {
    let text = Self.text.replacingOccurrences(of: "  range 16 to 110\n", with: "  range 16 to 110\n  decimals allowed\n")
      .replacingOccurrences(of: "band 60 to 69 value 20", with: "band 60.5 to 69 value 20")
    let gapped = compile(text)
    #expect(gapped.diagnostics.map(\.code) == [.invalidRange])
    let message = gapped.diagnostics.first?.message ?? ""
    #expect(message.contains("uncovered (over 59 to under 60.5, over 69 to under 70"), "\(message)")
  }

  @Test("upstream explain shows a norm's table")
  func explainNorm() throws {
    let kb = try knowledgeBase(Self.text)
    let report = try #require(Explain.report("stance_norm", in: kb))
    #expect(report.kind == .norm)
    #expect(report.facts.contains { $0.label == "band" && $0.value == "70 to 79 value 15" })
    #expect(report.usedBy.flatMap(\.references).map(\.id) == ["short-stance"])
    #expect(report.uses.flatMap(\.references).map(\.id) == ["age"])
  }

  @Test("an instrument's copyright line is in its score's result, every report, and the FHIR Questionnaire")
  func instrumentCopyright() throws {
    let kb = try knowledgeBase(Self.text)
    let line = "Item Tool © Example University 2007; used under licence."
    var answers = Answers()
    answers["item"] = .yes
    let tree = kb.assess(validated: answers).tree
    #expect(tree.scores.first?.copyright == line)
    for audience in Audience.allCases {
      #expect(TreeTextRenderer(audience: audience, width: 200).render(tree).contains(line))
      #expect(TreeMarkdownRenderer(audience: audience).render(tree).contains(line))
      #expect(TreeHTMLRenderer(audience: audience).render(tree).contains("Item Tool © Example University 2007; used under licence."))
      #expect(AssessmentJSONRenderer(audience: audience).render(tree).contains("\"copyright\": \"\(line)\""))
    }
    let questionnaire = FHIRQuestionnaire(kb).render()
    #expect(questionnaire.contains("\"copyright\": \"\(line)\""))
    let item = try #require(kb.questions.firstIndex { $0.id == "item" })
    #expect(kb.instrumentCopyrights(ofQuestion: item) == [line])
    let age = try #require(kb.questions.firstIndex { $0.id == "age" })
    #expect(kb.instrumentCopyrights(ofQuestion: age).isEmpty)
  }

  // MARK: Advice by urgency

  static let flagText =
    header + """
      question joint_hot: yes/no
        ask "Hot joint?"
      question fever: yes/no
        ask "Fever?"
      red flag hot_joint
        name "Hot joint"
        urgency urgent-same-day
        advice "See a doctor today."
        advice emergency "Go to an emergency department now."
        source s
      rule hot
        when joint_hot
        then red flag hot_joint
        because "b"
        source s
      rule hot-with-fever
        when joint_hot and fever
        then red flag hot_joint urgency emergency
        because "b"
        source s

      """

  @Test("a flag raised to emergency reads its emergency wording, never the same-day one")
  func adviceFollowsTheFinalUrgency() throws {
    let kb = try knowledgeBase(Self.flagText)
    var answers = Answers()
    answers["joint_hot"] = .yes
    answers["fever"] = .no
    let sameDay = kb.assess(validated: answers).tree
    #expect(sameDay.redFlags.first?.advice == "See a doctor today.")
    #expect(sameDay.careLevel == .urgentSameDay)
    answers["fever"] = .yes
    let emergency = kb.assess(validated: answers).tree
    #expect(emergency.redFlags.first?.urgency == .emergency)
    #expect(emergency.redFlags.first?.advice == "Go to an emergency department now.")
    #expect(emergency.firstSteps.first?.text == "Go to an emergency department now.")
    let text = TreeTextRenderer(audience: .patient, width: 200).render(emergency)
    #expect(text.contains("EMERGENCY — now") && !text.contains("See a doctor today."))
  }

  @Test("advice for the flag's own urgency given twice is an error")
  func adviceForOwnUrgencyTwice() {
    let text = Self.flagText.replacingOccurrences(
      of: "  advice emergency \"Go", with: "  advice urgent-same-day \"Today.\"\n  advice emergency \"Go")
    #expect(codes(text).contains(.duplicateAttribute))
  }
}
