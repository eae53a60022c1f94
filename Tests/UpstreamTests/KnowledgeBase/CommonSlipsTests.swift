import Foundation
import Testing

@testable import Upstream

/// The slips a physiotherapist made writing her first rule (issue 17), each with a message
/// that says what to write, and a fix that, taken, compiles against the shipped rules.
@Suite("Common slips")
struct CommonSlipsTests {
  struct Slip: Sendable, CustomStringConvertible {
    let condition: String
    let conclusion: String
    let code: DiagnosticCode
    let message: String
    /// The rule's condition and conclusion after taking the fix.
    let fixed: (condition: String, conclusion: String)?
    var description: String { "when \(condition) then \(conclusion)" }
  }

  static let slips: [Slip] = [
    Slip(
      condition: "low_back_pain and sitting_hours > 6 hours", conclusion: "tight_hip_flexors certainty 0.6", code: .unitInComparison,
      message: "write the number only; the question 'sitting_hours' is in hours",
      fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours between 6 and 12 hrs", conclusion: "tight_hip_flexors certainty 0.6",
      code: .unitInComparison, message: "write the number only; the question 'sitting_hours' is in hours",
      fixed: ("low_back_pain and sitting_hours between 6 and 12", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours > 360 minutes", conclusion: "tight_hip_flexors certainty 0.6", code: .unitInComparison,
      message: "the question 'sitting_hours' is in hours, not 'minutes': write the number of hours only", fixed: nil),
    Slip(
      condition: "low_back_pain and sitting_hours >= 6h", conclusion: "tight_hip_flexors certainty 0.6", code: .invalidNumber,
      message: "write the number only: 6, not '6h'", fixed: ("low_back_pain and sitting_hours >= 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "tight_hip_flexors certainty 60%", code: .invalidNumber,
      message: "write 60% as 0.6: certainties and thresholds are numbers from -1 to 1",
      fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "tight_hip_flexors certainty 60", code: .certaintyOutOfRange,
      message: "a certainty must be between -1 and 1", fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    // 1.5 is no percentage without its sign (0.015 would all but switch the rule off): no guess.
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "tight_hip_flexors certainty 1.5", code: .certaintyOutOfRange,
      message: "a certainty must be between -1 and 1", fixed: nil),
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "tight_hip_flexors 0.6", code: .unexpectedToken,
      message: "write 'certainty' before the number: 'tight_hip_flexors certainty 0.6'",
      fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "tight_hip_flexors certainty 0,6", code: .invalidNumber,
      message: "write decimals with a point: 0.6, not 0,6", fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "tight_hip_flexors certainty .6", code: .invalidNumber,
      message: "write 0.6: a number starts with a digit", fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours => 6", conclusion: "tight_hip_flexors certainty 0.6", code: .invalidCharacter,
      message: "'=>' is written '>='", fixed: ("low_back_pain and sitting_hours >= 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain && sitting_hours > 6", conclusion: "tight_hip_flexors certainty 0.6", code: .invalidCharacter,
      message: "write 'and', not '&&'", fixed: ("low_back_pain and sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and stiff_standing_up | sitting_hours > 6", conclusion: "tight_hip_flexors certainty 0.6",
      code: .invalidCharacter, message: "write 'or', not '|'",
      fixed: ("low_back_pain and stiff_standing_up or sitting_hours > 6", "tight_hip_flexors certainty 0.6")),
    Slip(
      condition: "low_back_pain and sitting_hours > 6", conclusion: "red flag falls_risk certainty 0.6", code: .unexpectedToken,
      message: "a red flag takes no certainty: a rule raises 'falls_risk' or not; to make it more or less pressing, "
        + "give the rule an urgency ('red flag falls_risk urgency emergency')",
      fixed: ("low_back_pain and sitting_hours > 6", "red flag falls_risk")),
  ]

  static func rule(_ condition: String, _ conclusion: String) -> String {
    "rule standing-up-after-long-sitting\n  when \(condition)\n  then \(conclusion)\n  and tight_hip_flexors upstream of hip_pain\n"
      + "  because \"Pain standing up after hours of sitting points to tight hip flexors.\"\n  source hip-back-article\n"
  }

  static func compileWithShipped(_ text: String) -> LoadedKnowledgeBase {
    KnowledgeBase.compile(KnowledgeBase.bundled().files + [SourceFile(path: "rules/physio.rules", text: text)], checks: fixedDayChecks)
  }

  @Test("each slip gets one message saying what to write, and its fix compiles", arguments: slips)
  func slip(_ slip: Slip) throws {
    let text = Self.rule(slip.condition, slip.conclusion)
    let errors = Self.compileWithShipped(text).diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1, "\(errors.map(\.message))")
    let error = try #require(errors.first)
    #expect(error.code == slip.code)
    #expect(error.message.contains(slip.message), "\(error.message)")
    #expect(error.range.file == "rules/physio.rules")
    guard let fixed = slip.fixed else {
      #expect(error.fix == nil)
      return
    }
    let fix = try #require(error.fix)
    let bytes = Array(text.utf8)
    let edited = String(decoding: bytes[..<fix.range.start.offset] + Array(fix.replacement.utf8) + bytes[fix.range.end.offset...], as: UTF8.self)
    #expect(edited == Self.rule(fixed.condition, fixed.conclusion))
    let again = Self.compileWithShipped(edited)
    #expect(!again.diagnostics.hasErrors, "\(again.diagnostics.map(\.message))")
  }

  @Test("a thousands separator is not read as a decimal comma")
  func thousands() {
    let text = "question steps: number\n  ask \"Steps?\"\n  range 0 to 1,000\n"
    let diagnostics = compile(text).diagnostics
    #expect(!diagnostics.contains { $0.message.contains("decimals with a point") })
  }
}
