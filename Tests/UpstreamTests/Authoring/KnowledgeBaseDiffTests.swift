import Foundation
import Testing

@testable import Upstream

/// What an edit changes: declarations, and what the assessments conclude.
@Suite("Knowledge base diff")
struct KnowledgeBaseDiffTests {
  static let old = KnowledgeGraphTests.text

  static func diff(_ new: String, answers: [Answers]) throws -> KnowledgeBaseDiff {
    let before = try knowledgeBase(old)
    let after = try knowledgeBase(new)
    let subjects = answers.enumerated().map {
      KnowledgeBaseDiff.Subject(name: "person \($0.offset)", location: nil, old: $0.element, new: $0.element)
    }
    return KnowledgeBaseDiff(old: before, new: after, subjects: subjects)
  }

  static let flatHip = Answers(["arch": .option("flat")])
  static let high = Answers(["arch": .option("high"), "numb": .yes])

  @Test("an unchanged knowledge base has no structural or behavioural change")
  func unchanged() throws {
    let diff = try Self.diff(Self.old, answers: [Self.flatHip, Self.high])
    #expect(diff.structure.isEmpty)
    #expect(!diff.behaviourChanged)
    #expect(diff.compared == 2)
  }

  @Test("a changed certainty is one changed attribute, and moves only the assessments it touches")
  func certaintyChange() throws {
    let new = Self.old.replacingOccurrences(of: "then flat_feet certainty 0.6", with: "then flat_feet certainty 0.3")
    let diff = try Self.diff(new, answers: [Self.flatHip, Self.high])
    #expect(diff.structure.count == 1)
    let change = try #require(diff.structure.first)
    #expect((change.declaration, change.id, change.kind) == ("rule", "flat", .changed))
    #expect(change.details == [.init(attribute: "then flat_feet certainty", old: "0.6", new: "0.3")])
    #expect(diff.behaviour.map(\.name) == ["person 0"])
    #expect(diff.behaviour.first?.changes == ["contributor flat_feet: 0.60 → 0.30 (−0.30)"])
    #expect(diff.behaviour.first?.largestMove?.finding == "flat_feet")
  }

  @Test("a lost contributor, a lost recommendation, a new top contributor and a red flag are each reported")
  func behaviourChanges() throws {
    let new = Self.old
      .replacingOccurrences(of: "when arch is flat and hip_pain", with: "when arch is high and hip_pain")
      .replacingOccurrences(of: "then red flag numbness", with: "then red flag numbness urgency urgent-same-day")
      .replacingOccurrences(of: "  advice \"Go now.\"\n", with: "  advice \"Go now.\"\n  advice urgent-same-day \"See a doctor today.\"\n")
    let diff = try Self.diff(new, answers: [Self.flatHip, Self.high])
    let flat = try #require(diff.behaviour.first { $0.name == "person 0" })
    #expect(
      flat.changes == [
        "loses contributor flat_feet: 0.60 → 0.00 (−0.60)", "top contributor of hip_pain: flat_feet (0.60) → none",
        "link gone: flat_feet upstream of hip_pain", "no longer recommends insoles",
      ])
    let high = try #require(diff.behaviour.first { $0.name == "person 1" })
    #expect(
      high.changes == [
        "red flag numbness: emergency → urgent-same-day", "gains contributor flat_feet: -0.40 → 0.33 (+0.73)",
        "top contributor of hip_pain: none → flat_feet (0.33)", "new link: flat_feet upstream of hip_pain",
        "recommendation insoles: not called for → withheld (red flag numbness)",
      ])
  }

  @Test("added and removed declarations are listed, and texts that change no behaviour are structure only")
  func addedAndRemoved() throws {
    let new = Self.old
      .replacingOccurrences(
        of: "question numb: yes/no\n  ask \"Numb?\"\n",
        with: "question numb: yes/no\n  ask \"Any numbness?\"\nquestion extra: yes/no\n  ask \"Extra?\"\n"
      )
      .replacingOccurrences(of: "rule not-high\n  when arch is high\n  then flat_feet certainty -0.4\n  because \"b\"\n  source s\n", with: "")
    let diff = try Self.diff(new, answers: [Self.flatHip])
    #expect(
      diff.structure.map { "\($0.declaration) \($0.id) \($0.kind.rawValue)" } == [
        "question extra added", "question numb changed", "rule not-high removed",
      ])
    #expect(diff.structure[1].details == [.init(attribute: "ask", old: "Numb?", new: "Any numbness?")])
    #expect(!diff.behaviourChanged)
    let text = KnowledgeBaseDiffTextRenderer().render(diff)
    #expect(
      text.hasPrefix("Structure: 2 questions added, 1 question changed, 1 rule removed\n")
        || text.hasPrefix("Structure: 1 question added, 1 question changed, 1 rule removed\n"))
    #expect(text.contains("    ask: Numb? → Any numbness?\n"))
  }
}
