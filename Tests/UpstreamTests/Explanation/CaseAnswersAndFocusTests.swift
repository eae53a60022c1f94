import Foundation
import Testing

@testable import Upstream

/// `why`, `why-not` and `what-if` take a clinician's case file as the answers (the case a
/// reviewer is looking at, not a JSON copy of it), and `graph --focus RULE` draws the rule's
/// own neighbourhood, with the recommendations it calls for even at depth 0.
@Suite("Case files as answers; graph focus")
struct CaseAnswersAndFocusTests {
  static let desk = UpstreamBinary.packageRoot.appendingPathComponent("rules/cases/desk-worker-back-after-sitting.case").path
  static let hip = UpstreamBinary.packageRoot.appendingPathComponent("rules/cases/hip-pain-nothing-upstream.case").path

  @Test("why explains a finding from a case file's answers, the same as from the case's own run")
  func whyFromCase() throws {
    let result = UpstreamInProcess.run(["why", "tight_hip_flexors", "--answers", Self.desk])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.hasPrefix("Why Tight hip flexors (psoas) (tight_hip_flexors) is"))
    #expect(result.output.contains("rule sitting-signs-point-to-hip-flexors"))
    let kb = FuzzHarness.bundled
    let source = try KnowledgeBase.readSource(Self.desk).get()
    let theCase = try #require(CaseLoader.load([source], for: kb).cases.first)
    let certainty = try #require(kb.assess(validated: theCase.answers).certainty(of: "tight_hip_flexors"))
    #expect(result.output.contains("(\(Certainty.number(certainty)))"))
  }

  @Test("a file of several cases needs a name; FILE.case:NAME picks one, a misspelt name gets a did-you-mean")
  func namedCase() throws {
    let folder = try TemporaryFolder()
    let both = try String(contentsOfFile: Self.desk, encoding: .utf8) + "\n" + String(contentsOfFile: Self.hip, encoding: .utf8)
    let path = try folder.write("two.case", both)
    let unnamed = UpstreamInProcess.run(["why-not", "collapsed_arches", "--answers", path])
    #expect(unnamed.status == 2)
    #expect(unnamed.errors.contains("holds 2 cases; name one"))
    #expect(unnamed.errors.contains("desk-worker-back-after-sitting, hip-pain-nothing-upstream"))
    let misspelt = UpstreamInProcess.run(["why-not", "collapsed_arches", "--answers", path + ":hip-pain-nothing-upstrem"])
    #expect(misspelt.status == 2)
    #expect(misspelt.errors.contains("did you mean '\(path):hip-pain-nothing-upstream'?"))
    let named = UpstreamInProcess.run(["what-if", "--answers", path + ":desk-worker-back-after-sitting", "--set", "stiff_standing_up=no"])
    #expect(named.status == 0, "\(named.errors)")
    #expect(named.output.contains("~ stiff_standing_up"))
  }

  @Test("a case file with a wrong answer is refused with file:line, as an answers file is")
  func badCase() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("bad.case", "case bad\n  description \"d\"\n  answer back_pain_present yes\n  expect low_back_pain\n")
    let result = UpstreamInProcess.run(["why", "low_back_pain", "--answers", path])
    #expect(result.status == 3)
    #expect(result.errors.contains("bad.case:3:10: error[UP0402]"))
  }

  @Test("graph --focus RULE at depth 0 shows the recommendations it calls for and what it reads")
  func focusDepthZero() {
    let result = UpstreamInProcess.run(["graph", "--focus", "stretch-short-hip-flexors", "--depth", "0", "--format", "mermaid"])
    #expect(result.status == 0, "\(result.errors)")
    for id in ["psoas_stretch", "hip_flexor_lunge", "tight_hip_flexors", "reduced_hip_extension"] {
      #expect(result.output.contains("<br/>\(id)"), "\(id) missing")
    }
    #expect(!result.output.contains("<br/>low_back_pain"))
  }

  @Test("graph --focus draws the direct neighbourhood by default: far fewer nodes than depth 2 or the whole graph")
  func focusDefaultDepth() {
    func nodes(_ arguments: [String]) -> Int {
      UpstreamInProcess.run(["graph", "--format", "mermaid"] + arguments).output.components(separatedBy: "\n").filter {
        $0.range(of: #"^  n[0-9]+[\[\(\{]"#, options: .regularExpression) != nil
      }.count
    }
    let whole = nodes([])
    let byDefault = nodes(["--focus", "sitting-signs-point-to-hip-flexors"])
    #expect(byDefault == nodes(["--focus", "sitting-signs-point-to-hip-flexors", "--depth", "1"]))
    #expect(byDefault < nodes(["--focus", "sitting-signs-point-to-hip-flexors", "--depth", "2"]))
    #expect(byDefault * 3 < whole, "\(byDefault) of \(whole)")
  }
}
