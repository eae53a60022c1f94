import Foundation
import Testing

@testable import Upstream

/// The clinical safety controls of Docs/ClinicalSafety.md, as properties over generated
/// answers on the shipped knowledge base and as checks of the hazard log itself.
@Suite("Clinical safety controls")
struct ClinicalSafetyTests {
  static let kb = FuzzHarness.bundled

  /// Generated answer sets, many of them raising red flags, plus every shipped case.
  static func answerSets(count: Int, seed: UInt64) -> [Answers] {
    var random = SeededGenerator(seed: seed)
    let generated = (0..<count).map { index in
      SafetyInvariantTests.randomAnswers(in: kb, answering: index % 4 == 0 ? 0.5 : 1, using: &random)
    }
    return CaseLoader.bundled(for: kb).cases.map(\.answers) + generated
  }

  // MARK: Advice matches the urgency

  @Test("the advice a person reads is always worded for the urgency the flag ended at")
  func adviceMatchesFinalUrgency() {
    let kb = Self.kb
    var raisedAbove = 0
    for answers in Self.answerSets(count: 600, seed: 21) {
      let tree = kb.assess(validated: answers).tree
      for entry in tree.redFlags {
        guard let flag = kb.redFlag(entry.id) else { continue }
        let worded = entry.urgency == flag.urgency ? flag.advice : flag.adviceByUrgency[entry.urgency]
        #expect(worded != nil, "\(flag.id) raised to \(entry.urgency.rawValue) with no wording for it")
        #expect(entry.advice == worded, "\(flag.id) at \(entry.urgency.rawValue) reads: \(entry.advice)")
        let step = tree.firstSteps.first { $0.kind == .redFlag && $0.id == entry.id }
        #expect(step?.text == entry.advice, "first step for \(flag.id) differs from its advice")
        if entry.urgency != flag.urgency { raisedAbove += 1 }
      }
    }
    // Flags raised above their own level were seen, so the property was exercised.
    #expect(raisedAbove > 10)
  }

  @Test("every emergency flag's advice, at every urgency it can end at, says to go now")
  func emergencyWordingSaysNow() {
    for flag in Self.kb.redFlags {
      let emergency = flag.urgency == .emergency ? flag.advice : flag.adviceByUrgency[.emergency]
      guard let emergency else { continue }
      let opening = emergency.split(separator: ".").first.map(String.init)?.lowercased() ?? ""
      #expect(
        ["emergency", "999", "ambulance", "a&e", "now"].contains { opening.contains($0) },
        "\(flag.id): emergency advice opens with '\(opening)'")
    }
  }

  // MARK: Not for some people

  @Test("rolling the feet and minimal shoes are withheld when diabetes or feet_numb is yes, given with their caution when unanswered")
  func notForNumbFeet() throws {
    let kb = Self.kb
    let answers = try #require(CaseLoader.bundled(for: kb).cases.first { $0.id == "not-for-numb-feet" }?.answers)
    for (diabetes, numb) in [(AnswerValue.yes, AnswerValue.no), (.no, .yes), (.yes, .yes)] {
      var changed = answers
      changed["diabetes"] = diabetes
      changed["feet_numb"] = numb
      let assessment = kb.assess(validated: changed)
      let tree = assessment.tree
      #expect(Set(tree.notForYou.map(\.id)) == ["foot_rolling", "minimal_shoes"])
      #expect(!assessment.givenRecommendations.contains { ["foot_rolling", "minimal_shoes"].contains($0.id) })
      #expect(tree.notForYou.allSatisfy { !$0.because.isEmpty && !$0.reason.isEmpty })
    }
    var open = answers
    open["diabetes"] = nil
    open["feet_numb"] = nil
    let unanswered = kb.assess(validated: open)
    let given = unanswered.givenRecommendations.map(\.id)
    #expect(given.contains("foot_rolling"))
    #expect(unanswered.tree.notForYou.isEmpty)
    let rolling = try #require(unanswered.tree.allNodes.flatMap(\.recommendations).first { $0.id == "foot_rolling" })
    #expect(rolling.cautions.contains { $0.contains("numbness in your feet") })
  }

  @Test("no recommendation is given while one of its not for conditions holds")
  func notForNeverGiven() {
    let kb = Self.kb
    var withheld = 0
    for answers in Self.answerSets(count: 400, seed: 55) {
      let assessment = kb.assess(validated: answers)
      for result in assessment.recommendations {
        let declared = kb.recommendations[result.recommendation]
        let holds = declared.notFor.contains { assessment.trace($0.condition).outcome.isHolding }
        if holds {
          withheld += 1
          #expect(!result.isGiven, "\(declared.id) given although a not for holds")
        }
      }
    }
    #expect(withheld > 10)
  }

  // MARK: Self-care under a flag

  @Test("no self-care beside an emergency or urgent flag; under a routine referral only what is marked safe meanwhile")
  func selfCareFollowsTheCareLevel() {
    let kb = Self.kb
    var routineSeen = 0
    for answers in Self.answerSets(count: 900, seed: 34) {
      let assessment = kb.assess(validated: answers)
      let tree = assessment.tree
      let given = assessment.recommendations.filter(\.isGiven).map { kb.recommendations[$0.recommendation] }
      switch tree.careLevel {
      case .emergency, .urgentSameDay:
        #expect(given.isEmpty, "self-care given under \(tree.careLevel): \(given.map(\.id))")
        #expect(tree.generalAdvice == nil && tree.safetyNetting.isEmpty)
        #expect(tree.firstSteps.allSatisfy { $0.kind == .redFlag })
      case .routineReferral:
        routineSeen += 1
        let unmarked = given.filter { !$0.safeWhileAwaitingReferral }
        #expect(unmarked.isEmpty, "not marked safe, given under a routine referral: \(unmarked.map(\.id))")
        #expect(tree.firstSteps.first?.kind == .redFlag, "the referral does not come first")
        #expect((tree.whileWaiting != nil) == !given.isEmpty)
      case .selfCare:
        #expect(tree.redFlags.isEmpty)
      }
    }
    #expect(routineSeen > 10)
  }

  // MARK: Safety-netting

  @Test("safety-netting is on every assessment that gives self-care, in every format and audience")
  func safetyNettingEverywhere() throws {
    let kb = Self.kb
    let items = kb.header.safetyNetting
    #expect(items.count >= 2, "the shipped knowledge base has no safety netting")
    var checked = 0
    for (index, answers) in Self.answerSets(count: 160, seed: 55).enumerated() {
      let assessment = kb.assess(validated: answers)
      let tree = assessment.tree
      let givesSelfCare = assessment.recommendations.contains(where: \.isGiven) || tree.generalAdvice != nil
      // Each item's signs fit the person (no diabetes sign for someone without diabetes),
      // but every item is there, with every sign the answers do not rule out.
      let fitting = kb.safetyNetting(for: answers)
      if givesSelfCare { #expect(tree.safetyNetting == fitting, "self-care given without safety netting") }
      #expect(fitting.count == items.count, "an item of safety netting left out")
      guard givesSelfCare else { continue }
      checked += 1
      // Renders are slow to do for every set; every fourth one is enough.
      guard index % 4 == 0 else { continue }
      for audience in Audience.allCases {
        let outputs = [
          ("text", TreeTextRenderer(audience: audience, width: 200).render(tree)),
          ("markdown", TreeMarkdownRenderer(audience: audience).render(tree)),
          ("html", TreeHTMLRenderer(audience: audience).render(tree)),
          ("json", AssessmentJSONRenderer(audience: audience).render(tree)),
        ]
        for (format, output) in outputs {
          let flat = Self.letters(output)
          for item in fitting {
            #expect(flat.contains(Self.letters(item)), "\(format) (\(audience)) lacks safety netting '\(item.prefix(40))…'")
          }
        }
      }
    }
    #expect(checked >= 40)
  }

  // MARK: The hazard log

  /// The rows of Docs/ClinicalSafety.md's hazard log: id and the tests named in its last
  /// column (each in backticks, as the test's display name).
  static func hazardLog() throws -> [(id: String, tests: [String])] {
    let page = try String(
      contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("Docs/ClinicalSafety.md"), encoding: .utf8)
    return page.split(separator: "\n").compactMap { line -> (String, [String])? in
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count > 3, cells[1].hasPrefix("H"), cells[1].dropFirst().allSatisfy(\.isNumber), let last = cells.dropLast().last
      else { return nil }
      let tests = last.split(separator: "`", omittingEmptySubsequences: false).enumerated()
        .filter { $0.offset % 2 == 1 }.map { String($0.element) }
      return (cells[1], tests)
    }
  }

  /// Every `@Test("…")` display name in the test sources.
  static func testNames() throws -> Set<String> {
    let folder = UpstreamBinary.packageRoot.appendingPathComponent("Tests/UpstreamTests")
    var names = Set<String>()
    let files =
      FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
    for file in files {
      let text = try String(contentsOf: file, encoding: .utf8)
      for piece in text.components(separatedBy: "@Test(\"").dropFirst() {
        if let end = piece.range(of: "\"") { names.insert(String(piece[..<end.lowerBound])) }
      }
    }
    return names
  }

  @Test("every hazard in Docs/ClinicalSafety.md names a test that controls it, and each test exists")
  func hazardLogNamesRealTests() throws {
    let log = try Self.hazardLog()
    #expect(log.count >= 12, "the hazard log has \(log.count) rows")
    #expect(Set(log.map(\.id)).count == log.count, "a hazard id is used twice")
    let names = try Self.testNames()
    for hazard in log {
      #expect(!hazard.tests.isEmpty, "\(hazard.id) names no test")
      for test in hazard.tests {
        #expect(names.contains(test), "\(hazard.id) names a test that does not exist: \(test)")
      }
    }
  }

  /// Only the letters and digits of a text, with HTML's entities and JSON's escapes read
  /// back: what a person reads, whatever the format wrapped or escaped.
  static func letters(_ text: String) -> String {
    var text = text
    for (entity, character) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("\\\"", "\"")] {
      text = text.replacingOccurrences(of: entity, with: character)
    }
    return String(text.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init)).lowercased()
  }
}

// MARK: - What-if agrees with assess

extension ClinicalSafetyTests {
  /// What a person is told, reduced to what what-if compares: the care level, red flags
  /// with urgency, open safety questions, findings present with their certainty,
  /// recommendation statuses and scores.
  static func conclusions(_ tree: RecommendationTree) -> [String] {
    var lines = ["care \(tree.careLevel.rawValue)"]
    lines += tree.redFlags.map { "flag \($0.id) \($0.urgency.rawValue)" }
    lines += tree.unansweredSafetyQuestions.map { "open \($0.id)" }
    var seen = Set<String>()
    for node in tree.allNodes where seen.insert(node.id).inserted {
      lines.append("finding \(node.id) \((node.certainty * 10_000).rounded())")
    }
    for entry in tree.allNodes.flatMap(\.recommendations) + tree.otherRecommendations {
      lines.append("recommendation \(entry.id) \(entry.status.rawValue)")
    }
    lines += tree.withheld.map { "recommendation \($0.id) withheld" }
    lines += tree.scores.map { "score \($0.id) \($0.total) \($0.stratum ?? "-") \($0.complete)" }
    return Array(Set(lines)).sorted()
  }

  @Test("what-if agrees with two assess runs: it reports a change exactly when what a person is told changes")
  func whatIfAgreesWithAssess() {
    let kb = Self.kb
    var random = SeededGenerator(seed: 77)
    var changed = 0
    var unchanged = 0
    for _ in 0..<300 {
      let before = SafetyInvariantTests.randomAnswers(in: kb, answering: 0.8, using: &random)
      var after = before
      // One to three random edits: set a question to a possible answer, or unset it.
      for _ in 0..<(1 + Int(random.next() % 3)) {
        let question = kb.questions[Int(random.next() % UInt64(kb.questions.count))]
        let possible = SafetyInvariantTests.possibleAnswers(question)
        after[question.id] = random.next() % 4 == 0 ? nil : possible[Int(random.next() % UInt64(possible.count))]
      }
      let old = kb.assess(validated: before)
      let new = kb.assess(validated: after)
      let comparison = Assessment.compare(old, new)
      let differs = Self.conclusions(old.tree) != Self.conclusions(new.tree)
      #expect(
        comparison.isEmpty == !differs, "what-if says \(comparison.isEmpty ? "no change" : "a change") for \(comparison.answers.map(\.questionID))")
      let opened = Set(new.tree.unansweredSafetyQuestions.map(\.id)).subtracting(old.tree.unansweredSafetyQuestions.map(\.id))
      #expect(Set(comparison.safetyQuestions.filter(\.openAfter).map(\.id)) == opened)
      if differs { changed += 1 } else { unchanged += 1 }
    }
    #expect(changed > 50 && unchanged > 5, "changed \(changed), unchanged \(unchanged)")
  }
}
