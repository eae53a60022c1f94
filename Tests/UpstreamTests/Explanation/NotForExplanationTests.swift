import Foundation
import Testing

@testable import Upstream

@Suite("Not for: the tree, every renderer, why and why not")
struct NotForExplanationTests {
  static let reason = "It can bruise a foot with less feeling without you noticing."

  @Test("the tree lists a recommendation not for you with its reason and the answers, never under a finding or in the plan")
  func tree() throws {
    let tree = try NotForFixture.assess(numb: .yes).tree
    let entry = try #require(tree.notForYou.first)
    #expect(tree.notForYou.count == 1)
    #expect(entry.id == "rolling" && entry.reason == Self.reason && entry.condition == "numb")
    #expect(entry.because.map(\.description) == ["you answered 'yes' to \"Do you have numb feet?\""])
    #expect(entry.wouldAddress.map(\.id) == ["flat_arches"])
    #expect(!tree.allNodes.flatMap(\.recommendations).contains { $0.id == "rolling" })
    #expect(!tree.otherRecommendations.contains { $0.id == "rolling" })
    #expect(!tree.firstSteps.contains { $0.id == "rolling" })
    #expect(!tree.patientPlan.parts.compactMap(\.firstStep).contains { $0.id == "rolling" })
    #expect(!tree.patientPlan.moreToTry.contains { $0.id == "rolling" })
    #expect(tree.sections(for: .patient).contains(.notForYou))
    #expect(tree.sections(for: .clinician).contains(.notForYou))
    #expect(try NotForFixture.assess(numb: nil).tree.sections(for: .clinician).contains(.notForYou) == false)
  }

  @Test("text, Markdown and HTML show the reason and the answers, for both audiences")
  func renderers() throws {
    let tree = try NotForFixture.assess(numb: .yes).tree
    for audience in Audience.allCases {
      let outputs = [
        ("text", TreeTextRenderer(audience: audience, width: 400).render(tree)),
        ("markdown", TreeMarkdownRenderer(audience: audience).render(tree)),
        ("html", TreeHTMLRenderer(audience: audience).render(tree)),
      ]
      for (format, output) in outputs {
        let plain = output.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
          .replacingOccurrences(of: "\\", with: "")
        #expect(plain.contains(Self.reason), "\(format), \(audience)")
        #expect(plain.contains("Do you have numb feet?"), "\(format), \(audience)")
        let heading = audience == .patient ? "not for you" : "not for this person"
        #expect(plain.lowercased().contains(heading), "\(format), \(audience)")
      }
    }
    let patient = TreeTextRenderer(audience: .patient, width: 400).render(tree)
    #expect(patient.contains("Roll your feet on a ball — not for you"))
    #expect(!patient.contains("Do: Roll"))
    let clinician = TreeTextRenderer(audience: .clinician, width: 400).render(tree)
    #expect(clinician.contains("Roll out your feet (rolling) — withheld: not for numb"))
    #expect(clinician.contains("Declared at test.rules:30"))
  }

  @Test("the JSON carries notForYou and validates against the schema; the FHIR RiskAssessment notes it")
  func jsonAndFHIR() throws {
    let assessment = try NotForFixture.assess(numb: .yes)
    for audience in Audience.allCases {
      let text = AssessmentJSONRenderer(audience: audience).render(assessment)
      let json = try JSONValue.parse(text)
      #expect(try AssessmentJSONTests.schema().validate(json).isEmpty)
      #expect(text.contains("\"notForYou\": [\n    {\n      \"id\": \"rolling\""))
      #expect(text.contains("\"reason\": \"\(Self.reason)\""))
      #expect(text.contains("\"test\": \"numb\""))
    }
    let fhir = AssessmentFHIRRenderer(assessment.knowledgeBase).render(assessment)
    #expect(fhir.contains("Not for this person: Roll out your feet. \(Self.reason)"))
  }

  @Test("why not: not given because it is not for you, with the answers that decided it")
  func whyNot() throws {
    let assessment = try NotForFixture.assess(numb: .yes)
    let explanation = try #require(assessment.whyNot("rolling"))
    #expect(!explanation.concluded)
    #expect(explanation.summary == "not given because it is not for you")
    #expect(explanation.notes.first == Self.reason)
    #expect(
      explanation.notes.contains(
        "Not given because you answered 'yes' to \"Do you have numb feet?\": not for numb (test.rules:30)."))
    let text = WhyNotTextRenderer(width: 400).render(explanation)
    #expect(text.contains("not given because it is not for you"))
    #expect(text.contains(Self.reason))
    let given = try #require(try NotForFixture.assess(numb: nil).whyNot("rolling"))
    #expect(given.concluded)
  }

  @Test("what if: a recommendation becomes not for you")
  func whatIf() throws {
    let comparison = Assessment.compare(try NotForFixture.assess(numb: .no), try NotForFixture.assess(numb: .yes))
    let rolling = try #require(comparison.recommendations.first { $0.id == "rolling" })
    #expect(rolling.before == .given && rolling.after == .notForYou)
    let insoles = try #require(comparison.recommendations.first { $0.id == "insoles" })
    #expect(insoles.before == .setAside && insoles.after == .given)
  }
}
