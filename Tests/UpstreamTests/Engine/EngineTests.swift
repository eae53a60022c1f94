import Foundation
import Testing
import UpstreamTestSupport

@testable import Upstream

@Suite("Inference engine")
struct EngineTests {
  /// Three yes/no questions, one finding concluded by three rules (two for, one against).
  static let evidence =
    header + """
      question a: yes/no
        ask "A?"
        not sure allowed
      question b: yes/no
        ask "B?"
      question c: yes/no
        ask "C?"
      contributor x
        name "X"
      contributor y
        name "Y"
      rule for-a
        when a
        then x certainty 0.6
        because "a supports x"
        source s
      rule for-b
        when b
        then x certainty 0.5
        because "b supports x"
        source s
      rule against-c
        when c
        then x certainty -0.4
        because "c speaks against x"
        source s
      rule x-leads-to-y
        when x certainty >= 0.5 and not c
        then y certainty 0.8
        because "x leads to y"
        source s

      """

  private func certainty(_ kb: KnowledgeBase, _ answers: [String: AnswerValue], _ finding: String) throws -> Double {
    try #require(kb.assess(validated: Answers(answers)).finding(finding)).certainty
  }

  @Test("one rule gives rule certainty × premise certainty")
  func singleRule() throws {
    let kb = try knowledgeBase(Self.evidence)
    #expect(abs(try certainty(kb, ["a": .yes, "b": .no, "c": .no], "x") - 0.6) < 1e-12)
  }

  @Test("evidence for combines as 1 − (1 − 0.6)(1 − 0.5) = 0.8")
  func combinedFor() throws {
    let kb = try knowledgeBase(Self.evidence)
    #expect(abs(try certainty(kb, ["a": .yes, "b": .yes, "c": .no], "x") - 0.8) < 1e-12)
  }

  @Test("mixed evidence: (0.8 − 0.4) / (1 − 0.4) = 0.6667")
  func mixedEvidence() throws {
    let kb = try knowledgeBase(Self.evidence)
    let value = try certainty(kb, ["a": .yes, "b": .yes, "c": .yes], "x")
    #expect(abs(value - 0.4 / 0.6) < 1e-12)
  }

  @Test("a finding test carries the finding's certainty into the next rule: 0.8 × 0.8 = 0.64")
  func chainedCertainty() throws {
    let kb = try knowledgeBase(Self.evidence)
    #expect(abs(try certainty(kb, ["a": .yes, "b": .yes, "c": .no], "y") - 0.64) < 1e-12)
  }

  @Test("the combination does not depend on the order of evidence")
  func combinationIsOrderIndependent() {
    let factors = [0.3, 0.7, 0.15, 0.55, 0.9, 0.05]
    let reference = Certainty.combine(for: factors, against: [0.2, 0.6])
    for seed in 0..<20 {
      var generator = SeededGenerator(seed: UInt64(seed))
      let shuffled = factors.shuffled(using: &generator)
      #expect(Certainty.combine(for: shuffled, against: [0.6, 0.2]) == reference)
    }
    #expect(Certainty.combine(for: [1], against: [1]) == 0)
    #expect(Certainty.combine(for: [], against: [0.5]) == -0.5)
  }

  @Test("an unknown answer makes its condition unknown, never false; 'not unknown' is unknown")
  func unknownAnswers() throws {
    let kb = try knowledgeBase(Self.evidence)
    // c not answered: `not c` is unknown, so y is not concluded, and the rule is undecided.
    let assessment = kb.assess(validated: Answers(["a": .yes, "b": .yes]))
    let y = try #require(assessment.finding("y"))
    #expect(y.certainty == 0)
    let rule = try #require(kb.rule("x-leads-to-y"))
    let index = try #require(kb.rules.firstIndex(of: rule))
    #expect(assessment.undecidedRules.contains(index))
    #expect(assessment.trace(rule: index).outcome == .unknown)
    // x could still fall if c were answered yes: its reachable range says so.
    let x = try #require(assessment.finding("x"))
    #expect(x.lowest < x.certainty)
  }

  @Test("'not sure' is unknown, like an unanswered question")
  func notSure() throws {
    let kb = try knowledgeBase(Self.evidence)
    let sure = kb.assess(validated: Answers(["b": .yes, "c": .no]))
    let notSure = kb.assess(validated: Answers(["a": .notSure, "b": .yes, "c": .no]))
    #expect(sure.finding("x")?.certainty == notSure.finding("x")?.certainty)
    let rule = try #require(kb.rules.firstIndex { $0.id == "for-a" })
    #expect(notSure.trace(rule: rule).outcome == .unknown)
  }

  @Test("scores add exactly, strata follow, and later rules read them")
  func scores() throws {
    let kb = try knowledgeBase(
      header + """
        question q1: yes/no
          ask "1?"
        question q2: yes/no
          ask "2?"
        question q3: yes/no
          ask "3?"
        contributor high_risk
          name "High risk"
        score total
          name "Total"
          range 0 to 3
          stratum low "Low" when total <= 1
          stratum high "High" when total >= 2
        rule item-1
          when q1
          then add 1 to total
          because "b"
          source s
        rule item-2
          when q2
          then add 1 to total
          because "b"
          source s
        rule item-3
          when q3
          then add 0.5 to total
          because "b"
          source s
        rule high-total
          when total is high
          then high_risk certainty 0.9
          because "b"
          source s
        """)
    let high = kb.assess(validated: Answers(["q1": .yes, "q2": .yes, "q3": .yes]))
    let score = try #require(high.score("total"))
    #expect(score.thousandths == 2500)
    #expect(score.stratum == 1)
    #expect(high.finding("high_risk")?.certainty == 0.9)
    let low = kb.assess(validated: Answers(["q1": .yes, "q2": .no, "q3": .no]))
    #expect(low.score("total")?.thousandths == 1000)
    #expect(low.score("total")?.stratum == 0)
    #expect(low.finding("high_risk")?.certainty == 0)
    // One item unknown: 1 or 2 points, so the stratum is undecided and so is the rule.
    let partial = kb.assess(validated: Answers(["q1": .yes, "q3": .no]))
    #expect(partial.score("total")?.stratumDecided == false)
    #expect(partial.finding("high_risk")?.certainty == 0)
    #expect(partial.undecidedRules.contains { kb.rules[$0].id == "high-total" })
  }

  @Test("results are identical whatever the order of files, rules and answers")
  func orderIndependence() throws {
    let parts = declarations(of: DiagnosticTests.base)
    let reference = try #require(compile(DiagnosticTests.base).knowledgeBase)
    let answers: [(String, AnswerValue)] = [("pain", .yes), ("arch", .flat), ("hours", .number(9)), ("sports", .options(["running"]))]
    let expected = AssessmentJSONRenderer().render(reference.assess(validated: Answers(Dictionary(uniqueKeysWithValues: answers))))
    for seed in 0..<8 {
      var generator = SeededGenerator(seed: UInt64(seed))
      // Split the declarations over several files in a shuffled order.
      let pieces = parts.shuffled(using: &generator)
      let files = stride(from: 0, to: pieces.count, by: 3).map { start in
        (name: "f\(start).rules", text: pieces[start..<min(start + 3, pieces.count)].joined(separator: "\n") + "\n")
      }.shuffled(using: &generator)
      let loaded = KnowledgeBase.compile(files: files)
      let kb = try #require(loaded.knowledgeBase, "\(loaded.diagnostics.map(\.message))")
      var shuffledAnswers = Answers()
      for (id, value) in answers.shuffled(using: &generator) { shuffledAnswers[id] = value }
      let output = AssessmentJSONRenderer().render(kb.assess(validated: shuffledAnswers))
      // Moving a rule changes where it is written and so the content hash; nothing else.
      func withoutPlaces(_ text: String) -> String {
        text.split(separator: "\n").filter { line in
          !["\"contentHash\"", "\"file\"", "\"line\""].contains { line.contains($0) }
        }.joined(separator: "\n")
      }
      #expect(withoutPlaces(output) == withoutPlaces(expected))
      // The same files given in another order give byte-identical output.
      let reordered = try #require(KnowledgeBase.compile(files: files.reversed()).knowledgeBase)
      #expect(AssessmentJSONRenderer().render(reordered.assess(validated: shuffledAnswers)) == output)
    }
  }

  @Test("the content hash does not depend on the order files are given in")
  func contentHash() {
    let a = KnowledgeBase.compile(files: [("a.rules", DiagnosticTests.base), ("b.rules", "# extra\n")])
    let b = KnowledgeBase.compile(files: [("b.rules", "# extra\n"), ("a.rules", DiagnosticTests.base)])
    #expect(a.knowledgeBase?.contentHash == b.knowledgeBase?.contentHash)
    let c = KnowledgeBase.compile(files: [("a.rules", DiagnosticTests.base), ("b.rules", "# changed\n")])
    #expect(a.knowledgeBase?.contentHash != c.knowledgeBase?.contentHash)
  }

  @Test("the bundled rules carry the content hash of the rules they load, worked out at build time")
  func bundledContentHash() throws {
    let bundled = try #require(KnowledgeBase.bundled().knowledgeBase)
    #expect(bundled.contentHash == KnowledgeBaseCompiler.contentHash(of: KnowledgeBase.bundledFiles(extension: "rules")))
    let fromDisk = KnowledgeBase.load(directory: UpstreamBinary.packageRoot.appendingPathComponent("rules").path).knowledgeBase
    #expect(fromDisk?.contentHash == bundled.contentHash)
  }

  @Test("an emergency red flag withholds self-care advice instead of dropping it")
  func redFlagWithholds() throws {
    let kb = try knowledgeBase(DiagnosticTests.base + "rule more\n  when pain\n  then add 1 to total\n  because \"b\"\n  source s\n")
    let assessment = kb.assess(validated: Answers(["pain": .yes, "arch": .option("flat"), "hours": .number(3), "sports": .options(["running"])]))
    #expect(assessment.redFlags.map { kb.redFlags[$0.flag].id } == ["emergency_sign"])
    #expect(assessment.highestUrgency == .emergency)
    let walk = try #require(assessment.recommendations.first)
    #expect(walk.status == .withheld(redFlag: 0))
  }

  @Test("declared conflicts are settled by the first preference that holds")
  func conflicts() throws {
    let kb = try knowledgeBase(
      header + """
        question stiff: yes/no
          ask "Stiff shoes?"
        question flat: yes/no
          ask "Flat arches?"
        recommendation insoles
          title "Insoles"
          dose "Daily"
          source s
          conflicts with minimal_shoes
            prefer minimal_shoes when stiff
            prefer insoles when flat
            otherwise keep both
        recommendation minimal_shoes
          title "Minimal shoes"
          dose "Daily"
          source s
        rule call-for-both
          when stiff or flat
          then recommend insoles
          and recommend minimal_shoes
          because "b"
          source s
        """)
    func status(_ answers: [String: AnswerValue]) -> [String: String] {
      let assessment = kb.assess(validated: Answers(answers))
      var result: [String: String] = [:]
      for recommendation in assessment.recommendations {
        let id = kb.recommendations[recommendation.recommendation].id
        switch recommendation.status {
        case .given: result[id] = "given"
        case .setAside(let settlement): result[id] = "set aside for \(kb.recommendations[settlement.winner].id)"
        case .withheld: result[id] = "withheld"
        case .notForYou: result[id] = "not for you"
        }
      }
      return result
    }
    #expect(status(["stiff": .yes, "flat": .yes]) == ["minimal_shoes": "given", "insoles": "set aside for minimal_shoes"])
    #expect(status(["stiff": .no, "flat": .yes]) == ["minimal_shoes": "set aside for insoles", "insoles": "given"])
  }

  @Test("at least N of: holds with the N-th largest certainty, unknown while N could still hold")
  func atLeast() {
    #expect(Truth.atLeast(2, [.holds(0.9), .holds(0.5), .fails]) == .holds(0.5))
    #expect(Truth.atLeast(2, [.holds(0.9), .unknown, .fails]) == .unknown)
    #expect(Truth.atLeast(2, [.holds(0.9), .fails, .fails]) == .fails)
    #expect(Truth.all([.holds(0.9), .unknown, .fails]) == .fails)
    #expect(Truth.any([.fails, .unknown]) == .unknown)
  }
}

extension AnswerValue {
  /// Shorthand for tests.
  static var flat: AnswerValue { .option("flat") }
}

/// A small deterministic random number generator for shuffling in tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
