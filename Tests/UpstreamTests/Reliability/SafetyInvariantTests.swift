import Foundation
import Testing

@testable import Upstream

/// Safety invariants of the shipped knowledge base, as properties checked over many
/// generated answer sets: red flags cannot slip, unknown answers are never read as "no",
/// and nothing depends on the order of files, rules or answers.
@Suite("Safety invariants over generated answers")
struct SafetyInvariantTests {
  static let kb = FuzzHarness.bundled

  // MARK: Red flags

  @Test("a red-flag answer always raises its flag, on top, with at least its urgency, whatever else is answered")
  func redFlagsSurviveOtherAnswers() throws {
    let kb = Self.kb
    let cases = CaseLoader.bundled(for: kb).cases
    var covered: Set<Int> = []
    var random = SeededGenerator(seed: 8)
    for clinicalCase in cases {
      let assessment = kb.assess(validated: clinicalCase.answers)
      guard !assessment.redFlags.isEmpty else { continue }
      // The answers the firing red-flag rules read (through any findings they test) stay;
      // every other question gets a random answer, or none.
      let firing = assessment.redFlags.flatMap(\.rules)
      let kept = Self.questionsBehind(firing, in: kb)
      for _ in 0..<25 {
        var answers = Self.randomAnswers(in: kb, answering: 0.7, using: &random)
        for question in kept { answers[kb.questions[question].id] = clinicalCase.answers[kb.questions[question].id] }
        let other = kb.assess(validated: answers)
        for raised in assessment.redFlags {
          let again = other.redFlags.first { $0.flag == raised.flag }
          #expect(again != nil, "case \(clinicalCase.id): red flag \(kb.redFlags[raised.flag].id) lost with \(answers.json)")
          if let again { #expect(again.urgency <= raised.urgency, "case \(clinicalCase.id): urgency fell") }
          covered.insert(raised.flag)
        }
        // The tree opens with the red flags, the most urgent first.
        let tree = other.tree
        #expect(tree.redFlags.map(\.urgency) == tree.redFlags.map(\.urgency).sorted())
        #expect(tree.firstSteps.first?.kind == .redFlag)
        #expect(tree.redFlags.first?.urgency == other.highestUrgency)
        if let highest = other.highestUrgency, highest.withholdsSelfCare {
          #expect(tree.firstSteps.allSatisfy { $0.kind == .redFlag }, "self-care advice shown beside an \(highest) flag")
        }
      }
    }
    // The cases raise every red flag the knowledge base declares, so every flag was checked.
    #expect(
      covered.count == kb.redFlags.count, "flags no case raises: \(kb.redFlags.indices.filter { !covered.contains($0) }.map { kb.redFlags[$0].id })")
  }

  @Test("adding answers never lowers the highest urgency, nor takes away a raised flag")
  func addingAnswersNeverLowersUrgency() {
    let kb = Self.kb
    var random = SeededGenerator(seed: 11)
    var raisedSomewhere = 0
    for _ in 0..<400 {
      let full = Self.randomAnswers(in: kb, answering: 1, using: &random)
      // A growing prefix of the answers, in a random order.
      let order = full.questionIDs.shuffled(using: &random)
      var answers = Answers()
      var previous = kb.assess(validated: answers)
      for (step, id) in order.enumerated() {
        answers[id] = full[id]
        guard step % 4 == 3 || step == order.count - 1 else { continue }
        let current = kb.assess(validated: answers)
        let before = Set(previous.redFlags.map(\.flag))
        #expect(before.isSubset(of: Set(current.redFlags.map(\.flag))), "a flag disappeared when \(id) was answered")
        if let earlier = previous.highestUrgency {
          #expect(current.highestUrgency.map { $0 <= earlier } == true, "urgency fell when \(id) was answered")
        }
        previous = current
      }
      if previous.highestUrgency != nil { raisedSomewhere += 1 }
    }
    // The generated answers do raise flags, so the property was exercised.
    #expect(raisedSomewhere > 40)
  }

  @Test("adaptive: where it hurts first, then every red-flag question whose answer could raise a flag, before any other")
  func questionnaireNeverSkipsRedFlagQuestions() throws {
    try Self.neverSkipsRedFlagQuestions(.adaptive)
  }

  @Test("until the advice is settled: where it hurts first, then every red-flag question whose answer could raise a flag, before any other")
  func adviceSettledNeverSkipsRedFlagQuestions() throws {
    try Self.neverSkipsRedFlagQuestions(.untilAdviceSettled)
  }

  /// Where it hurts first, then every red-flag question that could raise a flag, before
  /// any other, in a mode; none left out could have changed a flag; none can be skipped.
  static func neverSkipsRedFlagQuestions(_ mode: QuestionnaireSession.Mode) throws {
    let kb = Self.kb
    let redFlagQuestions = Set(kb.questions.filter(\.isRedFlagQuestion).map(\.id))
    let first = kb.questions.filter(\.asksFirst).map(\.id)
    #expect(redFlagQuestions.count >= 10)
    #expect(first == ["pain_areas", "injury_recent"])
    var random = SeededGenerator(seed: 5)
    var leftOut = 0
    for round in 0..<150 {
      let answers = Self.randomAnswers(in: kb, answering: round % 3 == 0 ? 0.5 : 1, using: &random)
      let session = try QuestionnaireSession.answering(answers, with: kb, mode: mode)
      let asked = session.replies.map(\.question)
      #expect(Array(asked.prefix(first.count)) == first, "asked first: \(asked.prefix(2))")
      // Every red-flag question asked comes before any question that is not one.
      let lastRedFlag = asked.lastIndex { redFlagQuestions.contains($0) } ?? 0
      #expect(asked.prefix(lastRedFlag).allSatisfy { redFlagQuestions.contains($0) }, "a question came before a red-flag question")
      // A red-flag question left out could not have raised or changed a flag, whatever its answer.
      let flags = session.assessment.redFlags
      let urgent = flags.contains { $0.urgency.withholdsSelfCare }
      for id in redFlagQuestions.subtracting(asked).sorted() {
        let question = try #require(kb.question(id))
        leftOut += 1
        // A physical test is not asked once a sign needs a doctor today or now (H42): it
        // could add only a sign that does not (falls risk), and it stays an open safety
        // question for whoever sees them.
        if urgent && question.asksForPhysicalTest {
          #expect(session.assessment.unansweredSafetyQuestions.contains { $0.id == id } || session.answers[id] != nil)
          for value in Self.possibleAnswers(question) {
            var with = session.answers
            with[id] = value
            let added = kb.assess(validated: with).redFlags.filter { !flags.contains($0) }
            #expect(added.allSatisfy { !$0.urgency.withholdsSelfCare }, "a physical test left out hid \(added)")
          }
          continue
        }
        for value in Self.possibleAnswers(question) {
          var with = session.answers
          with[id] = value
          #expect(kb.assess(validated: with).redFlags == flags, "leaving out \(id) hid a flag when it is \(value)")
        }
      }
      // And a person cannot skip one.
      var fresh = QuestionnaireSession(kb, mode: mode)
      if let first = fresh.currentQuestion, first.isRedFlagQuestion {
        #expect(throws: QuestionnaireSession.Problem.safetyQuestionCannotBeSkipped(first.id)) { try fresh.skip() }
      }
    }
    // Some were left out, so the property was exercised.
    #expect(leftOut > 100)
  }

  @Test("open safety questions: every one not listed could not change the red flags, whatever its answer")
  func openSafetyQuestionsListed() throws {
    let kb = Self.kb
    // After "no injury", the tender bony point cannot raise anything; before it, it can.
    var generator = SeededGenerator(seed: 99)
    var answers = Self.randomAnswers(in: kb, answering: 1, using: &generator)
    answers["bony_point_tenderness"] = nil
    answers["injury_recent"] = .no
    #expect(!kb.assess(validated: answers).unansweredSafetyQuestions.map(\.id).contains("bony_point_tenderness"))
    answers["injury_recent"] = nil
    #expect(kb.assess(validated: answers).unansweredSafetyQuestions.map(\.id).contains("bony_point_tenderness"))

    var random = SeededGenerator(seed: 11)
    var leftOff = 0
    for _ in 0..<60 {
      let partial = Self.randomAnswers(in: kb, answering: 0.6, using: &random)
      let assessment = kb.assess(validated: partial)
      let listed = Set(assessment.unansweredSafetyQuestions.map(\.id))
      for question in kb.questions where question.isRedFlagQuestion && partial[question.id] == nil && !listed.contains(question.id) {
        leftOff += 1
        for value in Self.possibleAnswers(question) {
          var with = partial
          with[question.id] = value
          #expect(kb.assess(validated: with).redFlags == assessment.redFlags, "\(question.id) = \(value) changes the flags but was not listed")
        }
      }
    }
    #expect(leftOff > 20)
  }

  // MARK: Unknown answers

  @Test("an unknown answer never behaves as 'no': whatever a rule decides without it holds for every answer it could get")
  func unknownIsNeverFalse() {
    let kb = Self.kb
    var random = SeededGenerator(seed: 3)
    var decidedWithoutAnswer = 0
    for _ in 0..<12 {
      let answers = Self.randomAnswers(in: kb, answering: 0.8, using: &random)
      for question in kb.questions.indices where random.next() % 3 == 0 {
        let id = kb.questions[question].id
        var without = answers
        without[id] = nil
        let unknown = kb.assess(validated: without)
        let outcomes = kb.rules.indices.map { unknown.trace(rule: $0).outcome }
        for value in Self.possibleAnswers(kb.questions[question]) {
          var with = without
          with[id] = value
          let known = kb.assess(validated: with)
          for rule in kb.rules.indices {
            let before = outcomes[rule]
            guard before != .unknown else { continue }
            decidedWithoutAnswer += 1
            let after = known.trace(rule: rule).outcome
            #expect(
              after.isHolding == before.isHolding && after != .unknown,
              "rule \(kb.rules[rule].id) was \(before) with \(id) unknown but \(after) with \(id) = \(value)")
          }
        }
        // "not sure" is unknown, not "no": it decides exactly what no answer decides.
        if kb.questions[question].notSureAllowed {
          var notSure = without
          notSure[id] = .notSure
          let unsure = kb.assess(validated: notSure)
          #expect(unsure.firings == unknown.firings && unsure.findings == unknown.findings)
          #expect(unsure.redFlags == unknown.redFlags && unsure.undecidedRules == unknown.undecidedRules)
        }
      }
    }
    #expect(decidedWithoutAnswer > 1_000)
  }

  // MARK: Order

  @Test("the shipped rules give byte-identical results in any order of files, declarations and answers")
  func orderOfFilesRulesAndAnswers() throws {
    let files = KnowledgeBase.bundledFiles(extension: "rules")
    let reference = Self.kb
    var random = SeededGenerator(seed: 21)
    let answerSets = (0..<30).map { _ in Self.randomAnswers(in: reference, answering: 0.8, using: &random) }
    let expected = answerSets.map { AssessmentJSONRenderer().render(reference.assess(validated: $0)) }

    for round in 0..<4 {
      // Files in another order: byte-identical output, content hash included.
      let shuffledFiles = files.shuffled(using: &random)
      let reordered = try #require(KnowledgeBase.compile(shuffledFiles).knowledgeBase)
      // Declarations moved to other files in another order: identical but for places.
      let moving = files.flatMap { declarations(of: $0.text) }.shuffled(using: &random)
      let pieces = stride(from: 0, to: moving.count, by: 7).map { start in
        (name: "part\(round)-\(start).rules", text: moving[start..<min(start + 7, moving.count)].joined(separator: "\n") + "\n")
      }
      let moved = KnowledgeBase.compile(files: pieces)
      let rearranged = try #require(moved.knowledgeBase, "\(moved.diagnostics.prefix(3).map(\.message))")
      for (index, answers) in answerSets.enumerated() {
        var shuffledAnswers = Answers()
        for id in answers.questionIDs.shuffled(using: &random) { shuffledAnswers[id] = answers[id] }
        #expect(AssessmentJSONRenderer().render(reordered.assess(validated: shuffledAnswers)) == expected[index])
        #expect(
          Self.withoutPlaces(AssessmentJSONRenderer().render(rearranged.assess(validated: shuffledAnswers)))
            == Self.withoutPlaces(expected[index]))
      }
    }
  }

  // MARK: Generating answers

  /// Random answers to the knowledge base's questions: each question is answered with
  /// probability `share`, with a random valid answer ("not sure" now and then).
  static func randomAnswers(in kb: KnowledgeBase, answering share: Double, using random: inout SeededGenerator) -> Answers {
    var answers = Answers()
    for question in kb.questions where Double(random.next() % 1000) / 1000 < share {
      let possible = possibleAnswers(question)
      answers[question.id] = possible[Int(random.next() % UInt64(possible.count))]
    }
    return answers
  }

  /// A spread of valid answers to a question: both yes/no answers; the ends, the middle and
  /// values near the quarters of a number range; every option; none, one or several of
  /// several choices; and "not sure" where it is allowed.
  static func possibleAnswers(_ question: Question) -> [AnswerValue] {
    var values: [AnswerValue]
    switch question.kind {
    case .yesNo: values = [.yes, .no]
    case .scale: values = [0, 2, 3, 5, 7, 10].map { .number($0) }
    case .number(let low, let high, _, let decimals):
      let points = [0, 0.25, 0.5, 0.75, 1].map { low + (high - low) * $0 }
      values = Array(Set(points.map { decimals ? $0 : $0.rounded() })).sorted().map { .number($0) }
    case .choice(let options): values = options.map { .option($0.id) }
    case .choices(let options):
      values = [.options([])] + options.map { .options([$0.id]) }
      if options.count > 1 { values.append(.options(options.map(\.id))) }
    case .text: values = [.text("words")]
    case .date: values = [.date(testDay), .date(testDay.adding(days: -400))]
    }
    if question.notSureAllowed { values.append(.notSure) }
    return values
  }

  // MARK: Helpers

  /// The questions that rules read, directly or through the findings and scores they test.
  static func questionsBehind(_ rules: [Int], in kb: KnowledgeBase) -> Set<Int> {
    var questions: Set<Int> = []
    var seen: Set<Int> = []
    var pending = rules
    while let rule = pending.popLast() {
      guard seen.insert(rule).inserted else { continue }
      let condition = kb.rules[rule].condition
      questions.formUnion(condition.questionsRead)
      let findings = Set(condition.findingsRead().map(\.finding))
      let scores = Set(condition.scoresRead)
      for (index, other) in kb.rules.enumerated() {
        let feeds = other.conclusions.contains { conclusion in
          switch conclusion {
          case .certainty(let finding, _): findings.contains(finding)
          case .addPoints(let score, _): scores.contains(score)
          default: false
          }
        }
        if feeds { pending.append(index) }
      }
    }
    return questions
  }

  /// Assessment JSON without the places rules are written and the content hash, which
  /// move when declarations move.
  static func withoutPlaces(_ json: String) -> String {
    json.split(separator: "\n").filter { line in
      !["\"contentHash\"", "\"file\"", "\"line\""].contains { line.contains($0) }
    }.joined(separator: "\n")
  }
}
