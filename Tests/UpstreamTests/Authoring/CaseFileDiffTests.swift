import Foundation
import Testing

@testable import Upstream

/// `upstream diff OLD NEW` lists the cases' changed expectations (and answers) beside the
/// changed behaviour, through the real binary, as text and JSON.
@Suite("Diff of case expectations")
struct CaseFileDiffTests {
  @Test("after a rule change and test --update, diff lists each expectation changed with file:line, as text and JSON")
  func afterUpdate() throws {
    let folder = try TemporaryFolder()
    _ = try AuthoringCommandLineTests.copyOfRules(in: folder, named: "old")
    _ = try AuthoringCommandLineTests.copyOfRules(in: folder, named: "new") { name, text in
      switch name {
      case "hip-to-back.rules":
        return CaseUpdateTests.raisingHipFlexorRule(text)
      case "cases/desk-worker-back-after-sitting.case":
        return text.replacingOccurrences(
          of: "  expect recommend psoas_stretch\n", with: "  expect recommend psoas_stretch\n  expect not red flag cauda_equina\n"
        )
        .replacingOccurrences(of: "  expect not recommend foot_rolling\n", with: "")
      default: return text
      }
    }
    try FileManager.default.removeItem(at: folder.url.appendingPathComponent("new/cases/balance-short-age-not-given.case"))
    let update = try UpstreamBinary.run(["test", "--rules", "new", "--quiet", "--update"], in: folder.url)
    #expect(update.output.contains("Updated 6 expectations in 3 case files:"), "\(update.output)")

    let diff = try UpstreamBinary.run(["diff", "old", "new"], in: folder.url)
    #expect(diff.status == 1, "\(diff.output)\(diff.errors)")
    let desk = "new/cases/desk-worker-back-after-sitting.case"
    #expect(
      diff.output.contains("\nCases: 6 expectations changed, 1 expectation added, 1 expectation removed in 3 cases, 1 case removed\n"),
      "\(diff.output)")
    #expect(
      diff.output.contains(
        """
          case desk-worker-back-after-sitting (\(desk):1)
            \(desk):59: expectation changed
              - expect tight_hip_flexors certainty between 0.49 and 0.51
              + expect tight_hip_flexors certainty between 0.59 and 0.61
            \(desk):62: expectation changed
              - expect prolonged_sitting certainty between 0.34 and 0.36
              + expect prolonged_sitting certainty between 0.41 and 0.43
            \(desk):68: expectation added
              + expect not red flag cauda_equina
            old/cases/desk-worker-back-after-sitting.case:76: expectation removed
              - expect not recommend foot_rolling

        """))
    #expect(diff.output.contains("  case balance-short-age-not-given removed (old/cases/balance-short-age-not-given.case:1): 5 expectations\n"))
    #expect(diff.output.contains("  case sits-fifteen-hours-back-and-hip (new/cases/sits-fifteen-hours-back-and-hip.case:1)\n"))
    #expect(diff.output.hasSuffix("Cases changed: check that each case still expects what a clinician would.\n"))

    let json = try UpstreamBinary.run(["diff", "old", "new", "--format", "json"], in: folder.url)
    #expect(json.status == 1)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    #expect(document["format"] as? String == "upstream-diff")
    #expect(document["behaviourChanged"] as? Bool == true)
    #expect(document["casesChanged"] as? Bool == true)
    let cases = try #require(document["cases"] as? [String: Any])
    #expect(cases["old"] as? Int == AuthoringCommandLineTests.shippedCaseCount)
    let changed = try #require(cases["changed"] as? [[String: Any]])
    #expect(
      changed.map { $0["id"] as? String } == [
        "balance-short-age-not-given", "desk-worker-back-after-sitting", "desk-worker-tilted-pelvis-weak-glutes", "sits-fifteen-hours-back-and-hip",
      ])
    let lines = try #require(changed[1]["lines"] as? [[String: Any]])
    #expect(lines.first?["old"] as? String == "expect tight_hip_flexors certainty between 0.49 and 0.51")
    #expect(lines.first?["new"] as? String == "expect tight_hip_flexors certainty between 0.59 and 0.61")
    #expect(lines.first?["file"] as? String == desk)
    #expect(lines.first?["line"] as? Int == 59)
    #expect(lines.map { $0["change"] as? String } == ["changed", "changed", "added", "removed"])
    let structure = try #require(document["structure"] as? [[String: Any]])
    #expect(structure.first?["id"] as? String == "sitting-signs-point-to-hip-flexors")
  }

  @Test("an expectation edited with no rule changed still exits 1; spacing and comments alone are no change")
  func expectationsOnly() throws {
    let folder = try TemporaryFolder()
    let new = try AuthoringCommandLineTests.copyOfRules(in: folder, named: "new") { name, text in
      switch name {
      case "cases/desk-worker-back-after-sitting.case":
        // A line the case already has, repeated: reported where it was added.
        return text.replacingOccurrences(of: "  expect startback_total is 1\n", with: "  expect startback_total is 2\n")
          .replacingOccurrences(of: "  expect recommend psoas_stretch\n", with: "  expect recommend psoas_stretch\n  expect no red flags\n")
      case "cases/sits-fifteen-hours-back-and-hip.case":
        return text.replacingOccurrences(of: "  expect low_back_pain\n", with: "  # reviewed\n  expect   low_back_pain   # still\n")
      default: return text
      }
    }
    let diff = try UpstreamBinary.run(["diff", AuthoringCommandLineTests.rules.path, new], in: folder.url)
    #expect(diff.status == 1, "\(diff.output)")
    #expect(!diff.output.contains("Behaviour changed"))
    #expect(diff.output.contains("Cases: 1 expectation added, 1 expectation changed in 1 case\n"), "\(diff.output)")
    #expect(diff.output.contains("new/cases/desk-worker-back-after-sitting.case:68: expectation added\n      + expect no red flags\n"))
    #expect(diff.output.contains("      - expect startback_total is 1\n      + expect startback_total is 2\n"))
    #expect(!diff.output.contains("sits-fifteen-hours"))
    let same = try UpstreamBinary.run(["diff", AuthoringCommandLineTests.rules.path, AuthoringCommandLineTests.rules.path])
    #expect(same.status == 0)
    #expect(
      same.output.contains("Cases: no case, expectation or answer added, removed or changed (\(AuthoringCommandLineTests.shippedCaseCount) cases)\n"))
    let badFormat = try UpstreamBinary.run(["diff", AuthoringCommandLineTests.rules.path, new, "--format", "jsn"])
    #expect(badFormat.status == 2)
    #expect(badFormat.errors.contains("did you mean 'json'?"))
  }
}
