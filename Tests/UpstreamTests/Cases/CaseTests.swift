import Foundation
import Testing

@testable import Upstream

/// The clinician cases shipped with the default knowledge base, and `upstream test` itself.
@Suite("Clinician cases")
struct CaseTests {
  static let bundled: (KnowledgeBase, CaseLoader.Output)? = {
    guard let knowledgeBase = KnowledgeBase.bundled().knowledgeBase else { return nil }
    return (knowledgeBase, CaseLoader.bundled(for: knowledgeBase))
  }()

  static var bundledCaseIDs: [String] { bundled?.1.cases.map(\.id) ?? [] }

  @Test("the shipped case files have no errors and there are at least 30")
  func shippedCasesLoad() throws {
    let (_, loaded) = try #require(Self.bundled)
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
    #expect(loaded.cases.count >= 30)
  }

  @Test("every shipped case passes", arguments: bundledCaseIDs)
  func shippedCase(_ id: String) throws {
    let (knowledgeBase, loaded) = try #require(Self.bundled)
    let testCase = try #require(loaded.cases.first { $0.id == id })
    let result = CaseRunner(knowledgeBase).run(testCase)
    #expect(result.passed, "\(CaseReport(knowledgeBase).render([result]))")
  }

  @Test("the shipped cases exercise every rule, finding, recommendation and red flag")
  func coverage() throws {
    let (knowledgeBase, loaded) = try #require(Self.bundled)
    let runner = CaseRunner(knowledgeBase)
    let coverage = runner.coverage(runner.run(loaded.cases))
    #expect(coverage.rulesNeverFired.isEmpty, "\(coverage.rulesNeverFired)")
    #expect(coverage.findingsNeverPresent.isEmpty, "\(coverage.findingsNeverPresent)")
    #expect(coverage.recommendationsNeverCalledFor.isEmpty, "\(coverage.recommendationsNeverCalledFor)")
    #expect(coverage.redFlagsNeverRaised.isEmpty, "\(coverage.redFlagsNeverRaised)")
  }

  static let rules =
    header + """
      question pain: yes/no
        ask "Pain?"
      question flat: yes/no
        ask "Flat arches?"
      complaint hip_pain
        name "Hip pain"
      contributor flat_feet
        name "Flat feet"
      recommendation roll
        title "Roll your feet"
        dose "2 minutes"
        source s
      rule pain-reported
        when pain
        then hip_pain certainty 1
        because "b"
        source s
      rule flat-to-hip
        when flat and hip_pain
        then flat_feet certainty 0.5
        and flat_feet upstream of hip_pain
        and recommend roll
        because "Flat arches load the hip."
        source s

      """

  @Test("expectations are checked: a failing one shows expected, actual and the why-trace")
  func failingExpectation() throws {
    let kb = try knowledgeBase(Self.rules)
    let file = SourceFile(
      path: "c.case",
      text: """
        case flat-hip
          answer pain yes
          answer flat yes
          expect hip_pain
          expect flat_feet certainty between 0.4 and 0.6
          expect top contributor of hip_pain is flat_feet
          expect recommend roll
          expect no red flags
          expect flat_feet certainty >= 0.7
        """)
    let loaded = CaseLoader.load([file], for: kb)
    #expect(loaded.diagnostics.isEmpty)
    let result = CaseRunner(kb).run(try #require(loaded.cases.first))
    #expect(result.failures.count == 1)
    let report = CaseReport(kb).render([result])
    #expect(report.contains("c.case:9:3: error[UP0301]: expect flat_feet certainty >= 0.7"))
    #expect(report.contains("actual:   flat_feet has certainty possible (0.50)"))
    #expect(report.contains("+0.50 rule flat-to-hip (test.rules:"))
    #expect(report.contains("✓ flat — you answered 'yes' to \"Flat arches?\""))
    #expect(report.hasSuffix("0 passed, 1 failed\n"))
  }

  @Test("case files with unknown ids or bad answers are reported with suggestions")
  func caseDiagnostics() throws {
    let kb = try knowledgeBase(Self.rules)
    let file = SourceFile(
      path: "c.case",
      text: """
        case bad
          answer pian yes
          answer flat 3
          expect flat_fet
          expect recommend rol
        """)
    let loaded = CaseLoader.load([file], for: kb)
    let messages = loaded.diagnostics.map(\.message)
    #expect(loaded.cases.isEmpty)
    #expect(messages.contains { $0.contains("'pian'") })
    #expect(messages.contains { $0.contains("expects yes or no") })
    #expect(loaded.diagnostics.contains { $0.fix?.replacement == "flat_feet" })
    #expect(loaded.diagnostics.contains { $0.fix?.replacement == "roll" })
  }

  @Test("upstream test through the binary: exit 1 and 'N passed, N failed' on a failure")
  func binary() throws {
    let folder = try TemporaryFolder()
    try folder.write("kb.rules", Self.rules)
    try folder.write("cases/good.case", "case good\n  answer pain yes\n  answer flat no\n  expect hip_pain\n  expect not flat_feet\n")
    try folder.write("cases/bad.case", "case bad\n  answer pain yes\n  answer flat yes\n  expect not recommend roll\n")
    let result = try UpstreamBinary.run(["test", "--rules", folder.path, "--coverage"])
    #expect(result.status == 1)
    #expect(result.output.contains("✓ good"))
    #expect(result.output.contains("✗ bad"))
    #expect(result.output.contains("actual:   roll is given"))
    #expect(result.output.hasSuffix("1 passed, 1 failed\n"))
    let passing = try UpstreamBinary.run(["test", "--rules", folder.path, folder.url.appendingPathComponent("cases/good.case").path, "--coverage"])
    #expect(passing.status == 0)
    #expect(passing.output.contains("rules that never fire (1): flat-to-hip"))
    let broken = try UpstreamBinary.run(["test", "--rules", folder.path, "/nonexistent.case"])
    #expect(broken.status == 1)
    #expect(broken.errors.contains("there is no case file or folder '/nonexistent.case'"))
  }
}
