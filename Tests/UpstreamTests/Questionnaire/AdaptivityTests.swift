import Foundation
import Testing

@testable import Upstream

/// The adaptive questionnaire, answered from known answers, must end with the assessment
/// the full answers give.
@Suite("Adaptive questionnaire: same result, fewer questions")
struct AdaptivityTests {
  static let cases = AdaptivityReport.bundledCases()
  static let caseIDs = cases.map(\.id)
  /// The bundled knowledge base, compiled once for all the tests here.
  static let bundled = KnowledgeBase.bundled().knowledgeBase

  /// The red-flag questions a shipped case leaves out on purpose, to show what an unknown
  /// answer does: without the age, a comparison with an age norm stays undecided.
  static let leftOutOnPurpose: [String: Set<String>] = ["balance-short-age-not-given": ["age"]]

  @Test("the shipped cases: there are some, and every one answers every red-flag question it does not leave out on purpose")
  func casesAnswerRedFlags() throws {
    let kb = try #require(Self.bundled)
    #expect(Self.caseIDs.count >= 30)
    for (id, answers) in Self.cases {
      let onPurpose = Self.leftOutOnPurpose[id] ?? []
      let missing = kb.questions.filter { $0.isRedFlagQuestion && answers[$0.id] == nil && !onPurpose.contains($0.id) }.map(\.id)
      #expect(missing.isEmpty, "case \(id) leaves out \(missing)")
    }
    for (id, questions) in Self.leftOutOnPurpose {
      let answers = try #require(Self.cases.first { $0.id == id }?.answers, "no shipped case \(id)")
      for question in questions {
        #expect(kb.questions.contains { $0.id == question && $0.isRedFlagQuestion }, "\(question) is not a red-flag question")
        #expect(answers[question] == nil, "case \(id) answers \(question)")
      }
    }
  }

  @Test("each shipped case: the adaptive session ends with the full answers' assessment", arguments: caseIDs)
  func caseOutcomeIdentical(_ id: String) throws {
    let kb = try #require(Self.bundled)
    let answers = try #require(Self.cases.first { $0.id == id }).answers
    let report = AdaptivityReport(kb, cases: [(id, answers)])
    let run = try #require(report.cases.first)
    #expect(run.differences.isEmpty, "\(run.differences.joined(separator: "\n"))")
    #expect(run.asked.count < kb.questions.count || answers.questionIDs.count == kb.questions.count)
  }

  @Test("a question a case expects not to be asked ('expect not asked') is not asked by the session")
  func expectedNotAsked() throws {
    let kb = try #require(Self.bundled)
    var checked = 0
    for file in KnowledgeBase.bundledFiles(extension: "case") {
      for case .testCase(let testCase) in Parser.parse(file).file.declarations {
        let notAsked = testCase.expectations.compactMap { expectation -> String? in
          if case .notAsked(let question) = expectation.claim { question.text } else { nil }
        }
        guard !notAsked.isEmpty else { continue }
        let asked = try QuestionnaireSession.answering(Answers(testCase), with: kb).replies.map(\.question)
        for question in notAsked {
          #expect(!asked.contains(question), "case \(testCase.id.text) expects \(question) not to be asked")
          checked += 1
        }
      }
    }
    #expect(checked >= 3)
  }

  @Test("the report: fewer questions than answering everything; every session starts with where it hurts and any injury")
  func report() throws {
    let report = try #require(AdaptivityReport.bundled())
    let kb = try #require(Self.bundled)
    let everything = AdaptivityReport(kb, cases: Self.cases, mode: .everyQuestion)
    let first = kb.questions.filter(\.asksFirst).map(\.id)
    #expect(report.cases.allSatisfy { $0.isIdentical })
    #expect(everything.cases.allSatisfy { $0.isIdentical })
    #expect(report.meanShare < everything.meanShare)
    #expect(report.cases.allSatisfy { Array($0.asked.prefix(first.count)) == first })
    #expect(report.summary.hasPrefix("\(report.cases.count) cases: mean "))
    print("Adaptive questionnaire: \(report.summary)")
    print("Every question allowed by ask when: \(everything.summary)")
  }

  @Test("150 random people (some answers left out or 'not sure'): the same assessment every time")
  func randomPeople() throws {
    let kb = try #require(Self.bundled)
    var generator = SeededGenerator(seed: 2026)
    for person in 0..<150 {
      let answers = Self.randomAnswers(kb, &generator)
      let report = AdaptivityReport(kb, cases: [("person \(person)", answers)])
      #expect(report.cases[0].differences.isEmpty, "person \(person) \(answers.json): \(report.cases[0].differences)")
    }
  }

  /// Finding tests under `or` and `<`, `not`, `at least`, score ranges, a stratum that
  /// reads a finding, a conflict settled by strength, and dose and instructions that depend
  /// on an answer nothing else reads: the places where an early stop
  /// could go wrong.
  static let tricky =
    CheckExamples.preamble + """
      question a: yes/no
        ask "A?"
        not sure allowed
      question b: yes/no
        ask "B?"
      question c: choice
        ask "C?"
        option x "X"
        option y "Y"
        option z "Z"
        not sure allowed
      question n: number
        ask "N?"
        range 0 to 10
      question m: choices
        ask "M?"
        option p "P"
        option q "Q"
        option r "R"
      question d: yes/no
        ask "D?"
        ask when a or c is y
      question e: yes/no
        ask "E?"
        ask when c is x and not a
      question v: yes/no
        ask "V?"
      contributor f
        name "F"
      contributor g
        name "G"
      contributor h
        name "H"
      contributor k
        name "K"
      score sc
        name "S"
        range 0 to 5
        stratum lo "Low" when sc <= 1
        stratum hi "High" when sc >= 2 and g
      score t
        name "T"
      red flag rf
        name "RF"
        urgency urgent-same-day
        advice "See someone."
      recommendation one
        title "One"
        dose "d"
        conflicts with two
          prefer one when e
          otherwise prefer stronger
      recommendation two
        title "Two"
        dose "d"
        dose when v "dv"
        instructions "i"
        instructions when not v and c is z "iz"
      rule r1
        when a
        then f certainty 0.3
        because "r1"
        source s
      rule r2
        when b and not e
        then f certainty 0.6
        because "r2"
        source s
      rule r3
        when c is x or d
        then g certainty 0.7
        and g upstream of f
        because "r3"
        source s
      rule r4
        when f or g
        then h certainty 0.9
        because "r4"
        source s
      rule r5
        when f certainty < 0.5 and not e
        then k certainty 0.4
        because "r5"
        source s
      rule r6
        when at least 2 of (a, b, m includes p)
        then add 1 to sc
        because "r6"
        source s
      rule r7
        when n between 3 and 6
        then add 2 to sc
        and add 0.5 to t
        because "r7"
        source s
      rule r8
        when sc is hi
        then k certainty -0.3
        because "r8"
        source s
      rule r9
        when not h and n > 5
        then k certainty 0.2
        because "r9"
        source s
      rule r10
        when t >= 0.5 and m includes q
        then recommend one
        because "r10"
        source s
      rule r11
        when h certainty >= 0.6 or k
        then recommend two
        because "r11"
        source s
      rule r12
        when b and n >= 8
        then red flag rf
        because "r12"
        source s
      rule r13
        when g and m includes r
        then recommend one
        because "r13"
        source s

      """

  @Test("a knowledge base built to trip an early stop: 500 random people, the same assessment every time")
  func trickyKnowledgeBase() throws {
    let loaded = KnowledgeBase.compile(files: [("tricky.rules", Self.tricky)])
    guard let kb = loaded.knowledgeBase else {
      Issue.record("the tricky knowledge base does not compile: \(loaded.diagnostics.map(\.message))")
      return
    }
    var generator = SeededGenerator(seed: 7)
    var asked = 0
    for person in 0..<500 {
      let answers = Self.randomAnswers(kb, &generator)
      let report = AdaptivityReport(kb, cases: [("person \(person)", answers)])
      #expect(report.cases[0].differences.isEmpty, "person \(person) \(answers.json): \(report.cases[0].differences)")
      asked += report.cases[0].asked.count
    }
    #expect(asked < 500 * kb.questions.count)
  }

  @Test("the questions no questionnaire can leave out: those whose answer alone changes the assessment")
  func necessaryQuestions() throws {
    let source =
      CheckExamples.preamble + """
        question a: yes/no
          ask "A?"
        question b: yes/no
          ask "B?"
        question n: number
          ask "N?"
          range 0 to 10
        question u: yes/no
          ask "U?"
        contributor f
          name "F"
        rule r1
          when a and b
          then f certainty 0.5
          because "r1"
          source s
        rule r2
          when n >= 7
          then f certainty 0.4
          because "r2"
          source s

        """
    let kb = try #require(KnowledgeBase.compile(files: [("small.rules", source)]).knowledgeBase)
    // n = 7 would change f; a or b alone cannot while the other is no; u is read by nothing.
    let neither = Answers(["a": .no, "b": .no, "n": .number(3), "u": .yes])
    #expect(AdaptivityReport.necessaryQuestions(kb, answers: neither) == ["n"])
    let both = Answers(["a": .yes, "b": .yes, "n": .number(3), "u": .yes])
    #expect(AdaptivityReport.necessaryQuestions(kb, answers: both) == ["a", "b", "n"])
    // 9 or 10 is far from the limit 7: 6, one below it, still changes f.
    let high = Answers(["a": .yes, "b": .no, "n": .number(9), "u": .no])
    #expect(AdaptivityReport.necessaryQuestions(kb, answers: high) == ["b", "n"])
  }

  @Test("a score's band needs enough of its items asked, though none alone changes it")
  func leastQuestionsForAScore() throws {
    let items = ["i1", "i2", "i3", "i4"]
    let source =
      CheckExamples.preamble
      + items.map { "question \($0): yes/no\n  ask \"\($0)?\"\n" }.joined()
        + """
        score total
          name "Total"
          range 0 to 4
          stratum low "Low" when total <= 1
          stratum high "High" when total >= 2

        """
      + items.map { "rule \($0)-scores\n  when \($0)\n  then add 1 to total\n  because \"\($0)\"\n  source s\n" }.joined()
    let kb = try #require(KnowledgeBase.compile(files: [("score.rules", source)]).knowledgeBase)
    // What the person is shown: the band, not the total. Four noes: no item alone moves
    // the total past 1, but any two do, so three must be asked before the fourth cannot
    // change the band.
    let mode = QuestionnaireSession.Mode.untilAdviceSettled
    let none = Answers(Dictionary(uniqueKeysWithValues: items.map { ($0, AnswerValue.no) }))
    let necessary = AdaptivityReport.necessaryQuestions(kb, answers: none, mode: mode)
    #expect(necessary.isEmpty)
    #expect(AdaptivityReport.leastQuestions(kb, answers: none, necessary: necessary, mode: mode) == 3)
    #expect(try QuestionnaireSession.answering(none, with: kb, mode: mode).replies.count == 3)
    // One yes: the band turns on each of the other three.
    var one = none
    one["i1"] = .yes
    let necessaryWithOne = AdaptivityReport.necessaryQuestions(kb, answers: one, mode: mode)
    #expect(necessaryWithOne == ["i2", "i3", "i4"])
    #expect(AdaptivityReport.leastQuestions(kb, answers: one, necessary: necessaryWithOne, mode: mode) == 3)
  }

  @Test("the session asks every question whose answer alone changes the assessment: shipped cases and 150 people on the tricky rules")
  func sessionAsksEveryNecessaryQuestion() throws {
    let bundled = try #require(Self.bundled)
    let report = AdaptivityReport(bundled, cases: Self.cases, measuringNecessary: true)
    for run in report.cases {
      let necessary = try #require(run.necessary)
      #expect(necessary.allSatisfy(run.asked.contains), "case \(run.id) does not ask \(necessary.filter { !run.asked.contains($0) })")
      // The count with enough of each score's items is a lower bound too: the session,
      // which reaches the same assessment, asks at least that many.
      let least = try #require(run.least)
      #expect(least >= necessary.count && least <= run.asked.count, "case \(run.id): at least \(least), asked \(run.asked.count)")
    }
    let shares = try #require(report.necessaryShares)
    #expect(shares.mean <= report.meanShare && shares.maximum <= report.maximumShare)
    let tricky = try #require(KnowledgeBase.compile(files: [("tricky.rules", Self.tricky)]).knowledgeBase)
    var generator = SeededGenerator(seed: 11)
    var necessaryFound = 0
    for person in 0..<150 {
      let answers = Self.randomAnswers(tricky, &generator)
      let run = AdaptivityReport(tricky, cases: [("person \(person)", answers)], measuringNecessary: true).cases[0]
      let necessary = try #require(run.necessary)
      #expect(necessary.allSatisfy(run.asked.contains), "person \(person) \(answers.json): not asked \(necessary.filter { !run.asked.contains($0) })")
      necessaryFound += necessary.count
    }
    #expect(necessaryFound > 150)
  }

  @Test("a physical test's answer is collectable unless a sign that needs a doctor today is raised without it")
  func physicalTestsCollectable() throws {
    // `stance` is a physical test. In the first knowledge base it only raises a routine
    // flag; in the second it also makes the fall's flag an emergency, so whether it is
    // left out has to be worked out from the answers without it.
    func knowledgeBase(testReachesEmergency: Bool) throws -> KnowledgeBase {
      let source =
        CheckExamples.preamble + """
          question fell: yes/no
            ask "Fell?"
          question stance: number
            ask "Seconds on one leg?"
            range 0 to 45
            physical test
          contributor unsteady
            name "Unsteady"
          red flag fracture
            name "Fracture"
            urgency urgent-same-day
            advice "Today."
            advice emergency "Now."
          red flag falls
            name "Falls"
            urgency routine-referral
            advice "Soon."
          rule short-stance
            when stance < 5
            then unsteady certainty 0.8
            and red flag falls
            because "short"
            source s
          rule fell-and-hurt
            when fell
            then red flag fracture
            because "fell"
            source s

          """
        + (testReachesEmergency
          ? """
          rule fell-and-unsteady
            when fell and unsteady
            then red flag fracture urgency emergency
            because "both"
            source s

          """ : "")
      let compiled = KnowledgeBase.compile(files: [("tests.rules", source)])
      return try #require(compiled.knowledgeBase, "\(compiled.diagnostics.map(\.message))")
    }
    for reaches in [false, true] {
      let kb = try knowledgeBase(testReachesEmergency: reaches)
      #expect(kb.physicalTestsReachUrgentFlags == reaches)
      for fell in [AnswerValue.yes, .no] {
        for seconds in [2.0, 30.0] {
          let answers = Answers(["fell": fell, "stance": .number(seconds)])
          let (collected, assessment) = kb.assessCollectable(answers)
          // After a fall the flag needs a doctor today at least, so no one asks for the test.
          #expect(collected["stance"] == (fell == .yes ? nil : .number(seconds)), "reaches \(reaches), \(answers.json)")
          #expect(collected == answers.collectable(in: kb))
          #expect(AssessmentOutcome(assessment) == AssessmentOutcome(kb.assess(validated: collected)), "reaches \(reaches), \(answers.json)")
        }
      }
    }
  }

  @Test("the comparison notices when an answer that matters is missing")
  func comparisonNoticesDifferences() throws {
    let kb = try QuestionnaireFixtures.knowledgeBase()
    let full = Answers(["pain": .options(["back"]), "numb": .no, "sitting": .number(10), "worse_sitting": .yes])
    var partial = full
    partial["worse_sitting"] = nil
    let differences = AssessmentOutcome(kb.assess(validated: partial)).differences(from: AssessmentOutcome(kb.assess(validated: full)))
    #expect(differences.contains { $0.hasPrefix("finding long_sitting: 0.0 (0.0…0.5) here, 0.5 (0.5…0.5) there") })
    #expect(differences.contains("fired only there: sitting-tightens-the-back 1.0"))
    #expect(differences.contains("link only there: long_sitting upstream of back_pain"))
  }

  /// A random person: most questions answered, some left out or "not sure".
  static func randomAnswers(_ kb: KnowledgeBase, _ generator: inout SeededGenerator) -> Answers {
    var answers = Answers()
    for question in kb.questions {
      let roll = Int.random(in: 0..<10, using: &generator)
      if roll == 0 { continue }
      if roll == 1 && question.notSureAllowed {
        answers[question.id] = .notSure
        continue
      }
      switch question.kind {
      case .yesNo: answers[question.id] = Bool.random(using: &generator) ? .yes : .no
      case .number(let low, let high, _, _):
        answers[question.id] = .number(Double(Int.random(in: Int(low)...Int(high), using: &generator)))
      case .scale: answers[question.id] = .number(Double(Int.random(in: 0...10, using: &generator)))
      case .choice(let options): answers[question.id] = .option(options[Int.random(in: 0..<options.count, using: &generator)].id)
      case .choices(let options):
        answers[question.id] = .options(options.filter { _ in Bool.random(using: &generator) }.map(\.id))
      case .text: answers[question.id] = .text("some words")
      case .date: answers[question.id] = .date(CalendarDay(daysSince1970: Int.random(in: 20_000...20_400, using: &generator)))
      }
    }
    return answers
  }
}
