import Foundation
import Testing

@testable import Upstream

/// `not for` through the real binary, on the shipped rules and the shipped case.
@Suite("Not for: the command line")
struct NotForCommandLineTests {
  static let rules = UpstreamBinary.packageRoot.appendingPathComponent("rules").path
  static let answers = UpstreamBinary.packageRoot.appendingPathComponent("rules/cases/not-for-numb-feet.case").path

  @Test("why-not foot_rolling: not given because it is not for you, you answered yes to diabetes")
  func whyNot() throws {
    let result = try UpstreamBinary.run(["why-not", "foot_rolling", "--rules", Self.rules, "--answers", Self.answers, "--width", "400"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.hasPrefix("Why not Roll out your feet (foot_rolling)? It is not given because it is not for you.\n"))
    #expect(result.output.contains("Rolling a ball under a foot with less feeling can bruise or break the skin without you feeling it."))
    #expect(
      result.output.contains(
        "Not given because you answered 'yes' to \"Do you have diabetes?\" and you answered 'yes' to \"Do you have less feeling"))
  }

  @Test("assess shows both withheld with their reasons, for the patient and in JSON; upstream test passes the case")
  func assessAndTest() throws {
    let patient = try UpstreamBinary.run(
      ["assess", "--rules", Self.rules, "--answers", Self.answers, "--audience", "patient", "--width", "400"])
    #expect(patient.status == 0, "\(patient.errors)")
    #expect(patient.output.contains("NOT FOR YOU\nRoll out your feet — not for you\n"))
    #expect(patient.output.contains("Switch to flexible, minimal shoes — not for you\n"))
    #expect(!patient.output.contains("Start with: Roll out your feet"))
    let json = try UpstreamBinary.run(["assess", "--rules", Self.rules, "--answers", Self.answers, "--format", "json"])
    let value = try JSONValue.parse(json.output)
    #expect(try AssessmentJSONTests.schema().validate(value).isEmpty)
    #expect(json.output.contains("\"condition\": \"diabetes or feet_numb\""))
    let cases = try UpstreamBinary.run(["test", "--rules", Self.rules])
    #expect(cases.status == 0, "\(cases.output)")
    #expect(cases.output.contains("✓ not-for-numb-feet\n"))
  }
}
