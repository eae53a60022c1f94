import Foundation
import Testing

@testable import Upstream

/// The physiotherapist's rule from issue 17, added to the shipped rules: "pain standing up
/// and sitting over 6 hours → tight hip flexors for low back pain, 0.6; kneeling hip-flexor
/// stretch". Her 0.6 showed as 0.80 with no warning, and the patient got three
/// near-identical stretches. Now `check` says so, and the fix gives her the 0.6 she meant.
@Suite("Double counting")
struct DoubleCountingTests {
  static let physiotherapistsRule = """
    rule standing-up-after-long-sitting
      when low_back_pain and stiff_standing_up and sitting_hours > 6
      then tight_hip_flexors certainty 0.6
      and tight_hip_flexors upstream of low_back_pain
      and recommend kneeling_hip_flexor_stretch
      because "Pain standing up after hours of sitting points to tight hip flexors."
      source hip-back-article

    recommendation kneeling_hip_flexor_stretch
      title "Kneeling hip-flexor stretch"
      dose "3 times 30 seconds, daily"
      addresses tight_hip_flexors
      source hip-mobility-article

    """

  static func shipped(plus extra: String) -> (LoadedKnowledgeBase, [SourceFile]) {
    let files = KnowledgeBase.bundled().files + [SourceFile(path: "rules/physio.rules", text: extra)]
    return (KnowledgeBase.compile(files, checks: fixedDayChecks), files)
  }

  /// The answers of a desk worker whose back is stiff standing up after 8 hours' sitting.
  static var deskWorker: Answers {
    var answers = Answers()
    answers["pain_areas"] = .options(["lower_back"])
    answers["stiff_standing_up"] = .yes
    answers["sitting_hours"] = .number(8)
    return answers
  }

  @Test("the shipped rules have no double counting and no near-duplicate recommendations")
  func shippedRulesAreClean() {
    let (loaded, _) = Self.shipped(plus: "")
    let codes = loaded.diagnostics.map(\.code)
    #expect(!codes.contains(.doubleCounting) && !codes.contains(.nearDuplicateRecommendations), "\(loaded.diagnostics.map(\.message))")
  }

  @Test("her rule is reported with both rules' places and the 0.80 they give together, and the fix gives 0.6")
  func physiotherapistsRuleWarns() throws {
    let (loaded, files) = Self.shipped(plus: Self.physiotherapistsRule)
    let knowledgeBase = try #require(loaded.knowledgeBase)
    #expect(knowledgeBase.assess(validated: Self.deskWorker).certainty(of: "tight_hip_flexors").map(Certainty.number) == "0.80")

    let warning = try #require(loaded.diagnostics.first { $0.code == .doubleCounting })
    #expect(warning.severity == .warning)
    #expect(warning.message.contains("'sitting-signs-point-to-hip-flexors' and 'standing-up-after-long-sitting' both conclude 'tight_hip_flexors'"))
    #expect(warning.message.contains("together they give 0.80"))
    #expect(warning.range.file == "rules/physio.rules" && warning.range.start.line == 2)
    let note = try #require(warning.notes.first?.range)
    let hipToBack = try #require(files.first { $0.path == "rules/hip-to-back.rules" })
    #expect(
      hipToBack.text.components(separatedBy: "\n")[note.start.line - 1].contains(
        "when low_back_pain and (back_worse_after_sitting or stiff_standing_up)"))

    // Taking the fix: her rule adds what the broader one does not, so together they give 0.6.
    let fix = try #require(warning.fix)
    #expect(fix.replacement == "0.2")
    let text = Self.physiotherapistsRule
    let start = text.utf8.index(text.utf8.startIndex, offsetBy: fix.range.start.offset)
    let end = text.utf8.index(text.utf8.startIndex, offsetBy: fix.range.end.offset)
    #expect(String(text[start..<end]) == "0.6")
    let fixed = String(text[..<start]) + fix.replacement + String(text[end...])
    let (refixed, _) = Self.shipped(plus: fixed)
    #expect(!refixed.diagnostics.contains { $0.code == .doubleCounting })
    let after = try #require(refixed.knowledgeBase).assess(validated: Self.deskWorker)
    #expect(after.certainty(of: "tight_hip_flexors").map(Certainty.number) == "0.60")
  }

  @Test("her stretch is reported beside the three stretches already given for tight hip flexors")
  func nearDuplicateStretches() throws {
    let (loaded, _) = Self.shipped(plus: Self.physiotherapistsRule)
    let warnings = loaded.diagnostics.filter { $0.code == .nearDuplicateRecommendations }
    let others = warnings.compactMap { warning in
      ["psoas_stretch", "hip_flexor_lunge", "bedtime_hip_stretches"].first { warning.message.contains("'\($0)'") }
    }
    #expect(Set(others) == ["psoas_stretch", "hip_flexor_lunge", "bedtime_hip_stretches"], "\(warnings.map(\.message))")
    // Each points at one of the two declarations and notes the other.
    for warning in warnings {
      #expect(warning.message.contains("'kneeling_hip_flexor_stretch' (\"Kneeling hip-flexor stretch\")"))
      let places = [warning.range.file] + warning.notes.compactMap(\.range?.file)
      #expect(places.contains("rules/physio.rules") && places.contains("rules/recommendations.rules"))
    }
  }

  @Test("the same stretch declared in conflict with the others is not reported")
  func settledConflictIsQuiet() {
    let settled = Self.physiotherapistsRule.replacingOccurrences(
      of: "  addresses tight_hip_flexors\n",
      with: "  addresses tight_hip_flexors\n  conflicts with psoas_stretch\n    otherwise prefer stronger\n  conflicts with hip_flexor_lunge\n"
        + "    otherwise prefer stronger\n  conflicts with bedtime_hip_stretches\n    otherwise prefer stronger\n")
    let (loaded, _) = Self.shipped(plus: settled)
    #expect(loaded.knowledgeBase != nil)
    #expect(!loaded.diagnostics.contains { $0.code == .nearDuplicateRecommendations })
  }
}
