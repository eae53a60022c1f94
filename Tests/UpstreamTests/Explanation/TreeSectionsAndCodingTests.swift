import Foundation
import Testing

@testable import Upstream

/// What an app developer relies on in the tree: one order of sections that every report
/// follows, and a `Codable` encoding that restores the same tree.
@Suite("Tree sections and encoding")
struct TreeSectionsAndCodingTests {
  static func example(_ name: String) throws -> (KnowledgeBase, Assessment) {
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    let path = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/\(name).json").path
    let file = SourceFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8))
    let answers = try kb.readAnswers(file).answers
    return (kb, try kb.assess(answers))
  }

  @Test("the bundled knowledge base is compiled once and shared")
  func bundledIsCached() throws {
    let first = try #require(KnowledgeBase.bundled().knowledgeBase)
    let second = try #require(KnowledgeBase.bundled().knowledgeBase)
    #expect(first === second)
  }

  @Test("sections: red flags and open safety questions before everything the person does; what to do first only for the patient")
  func sectionsOrder() throws {
    let (_, flagged) = try Self.example("red-flag-back")
    let flaggedSections = flagged.tree.sections(for: .clinician)
    #expect(flaggedSections.first == .heading && flaggedSections.last == .answers)
    #expect(flaggedSections.contains(.redFlags))
    #expect(flaggedSections.firstIndex(of: .redFlags) == 1)
    // The trucker of Docs/examples, with his age and how long it has hurt left out.
    let (kb, full) = try Self.example("trucker")
    var answers = full.answers
    answers["age"] = nil
    answers["pain_duration"] = nil
    let trucker = try kb.assess(answers)
    let tree = trucker.tree
    #expect(tree.sections(for: .patient).contains(.firstSteps))
    #expect(!tree.sections(for: .clinician).contains(.firstSteps))
    #expect(!tree.sections(for: .patient).contains(.redFlags))
    // Safety questions left open come before any self-care advice, and an app reads the
    // same list from the assessment (the care level alone says self-care).
    #expect(trucker.careLevel == .selfCare)
    #expect(!trucker.unansweredSafetyQuestions.isEmpty)
    #expect(trucker.unansweredSafetyQuestions.map(\.id) == tree.unansweredSafetyQuestions.map(\.id))
    let patient = tree.sections(for: .patient)
    #expect(patient.firstIndex(of: .unansweredSafetyQuestions)! < patient.firstIndex(of: .firstSteps)!)
    // Every renderer shows the sections in that order: the text report's headings appear
    // in the order the walk gives.
    for audience in Audience.allCases {
      let text = TreeTextRenderer(audience: audience, width: 100).render(tree)
      let words = TreeWording(audience: audience)
      let titles =
        audience == .patient
        ? [words.unansweredSafetyTitle] + tree.patientPlan.parts.map(words.planTitle) + [words.moreToTryTitle, words.safetyNettingTitle]
        : [words.unansweredSafetyTitle, words.complaintsTitle, words.safetyNettingTitle, words.answersTitle]
      let headings = titles.compactMap { text.range(of: "\n" + $0 + "\n")?.lowerBound }
      #expect(headings.count == titles.count && headings == headings.sorted(), "\(audience)")
    }
  }

  @Test("a tree and its explanations survive JSON encoding unchanged")
  func treeRoundTrip() throws {
    for name in ["trucker", "red-flag-back", "runner-knee"] {
      let (_, assessment) = try Self.example(name)
      let tree = assessment.tree
      let data = try JSONEncoder().encode(tree)
      #expect(try JSONDecoder().decode(RecommendationTree.self, from: data) == tree, "\(name)")
      for node in tree.allNodes {
        let why = try #require(assessment.explain(node.id))
        #expect(try JSONDecoder().decode(WhyExplanation.self, from: JSONEncoder().encode(why)) == why)
      }
    }
  }

  @Test("a misspelt option is refused with a did-you-mean, never assessed as unknown")
  func misspeltOptionIsRefused() throws {
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    var answers = Answers()
    answers["arch_shape"] = .option("flatt")
    #expect(throws: AnswersRejected.self) { try kb.assess(answers) }
    do {
      _ = try kb.assess(answers)
    } catch {
      #expect(error.problems.count == 1)
      #expect(error.description.contains("did you mean 'flat'?"))
    }
  }
}
