import Foundation
import Testing

@testable import Upstream

/// The question types real forms need: free text (only "is answered" in a condition), a
/// date counted back from the assessment date (an input, never the clock), and a number
/// that carries its unit (converted, or refused with both units named). Each path: the rule
/// language, the answers file, the FHIR QuestionnaireResponse, the terminal, the export
/// and the import, and the binary.
@Suite("Question types: text, date, quantity with unit")
struct QuestionTypesTests {
  /// A small knowledge base with one question of each new kind.
  static let rules =
    header + """
      question injury_date: date
        ask "On what day did the pain start?"
      question pain_story: text
        ask "In your own words, how did it start?"
      question weight: number
        ask "How much do you weigh?"
        range 30 to 250
        unit "kg"
        decimals allowed
      contributor long_standing
        name "Long-standing pain"
        explain "Pain for more than six weeks."
      contributor recent_onset
        name "Recent onset"
        explain "Pain for less than two weeks."
      contributor told_story
        name "Told the story"
        explain "The person described how it started."
      contributor heavy_load
        name "Heavy load"
        explain "Weight over 100 kg."
      rule long
        when injury_date more than 6 weeks ago
        then long_standing certainty 0.6
        because "Six weeks is the usual line for persistent pain."
        source s
      rule recent
        when injury_date less than 2 weeks ago
        then recent_onset certainty 0.5
        because "Recent pain."
        source s
      rule story
        when pain_story is answered
        then told_story certainty 0.3
        because "The story helps."
        source s
      rule heavy
        when weight > 100
        then heavy_load certainty 0.4
        because "Load."
        source s

      """

  static func knowledgeBase() throws -> KnowledgeBase {
    let loaded = KnowledgeBase.compile([SourceFile(path: "types.rules", text: rules)], checks: fixedDayChecks)
    #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
    return try #require(loaded.knowledgeBase)
  }

  static func read(_ text: String, _ kb: KnowledgeBase, assessmentDate: CalendarDay? = nil) -> AnswersReader.Output {
    AnswersReader.read(SourceFile(path: "answers.json", text: text), for: kb, assessmentDate: assessmentDate)
  }

  static func errors(_ text: String) -> [Diagnostic] {
    KnowledgeBase.compile([SourceFile(path: "types.rules", text: text)], checks: fixedDayChecks).diagnostics
      .filter { $0.severity == .error }
  }

  // MARK: The rule language

  @Test("text, date and quantity questions compile; misuse is an error with a fix; fmt keeps the new conditions")
  func language() throws {
    let kb = try Self.knowledgeBase()
    #expect(kb.question("injury_date")?.kind == .date)
    #expect(kb.question("pain_story")?.kind == .text)
    #expect(kb.rule("long")?.condition == .answer(question: 0, .ago(more: true, amount: 6, unit: .weeks)))

    let compared = Self.errors(Self.rules + "rule bad\n  when pain_story is long\n  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(compared.map(\.code) == [.typeMismatch])
    #expect(compared.first?.message.contains("rules cannot read free text, only whether it is answered") == true)
    #expect(compared.first?.fix?.replacement == "pain_story is answered")
    let bare = Self.errors(Self.rules + "rule bad\n  when injury_date\n  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(bare.first?.code == .typeMismatch)
    #expect(bare.first?.fix?.replacement == "injury_date is answered")
    let unit = Self.errors(
      Self.rules + "rule bad\n  when injury_date more than 6 wekks ago\n  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(unit.first?.code == .unknownWord)
    #expect(unit.first?.fix?.replacement == "weeks")
    let notDate = Self.errors(
      Self.rules + "rule bad\n  when weight more than 2 days ago\n  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(notDate.first?.message.contains("only a date question is counted back from the assessment date") == true)
    let fraction = Self.errors(
      Self.rules + "rule bad\n  when injury_date less than 1.5 weeks ago\n  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(fraction.first?.code == .valueOutOfRange)

    let messy = "rule r\n  when   injury_date   more than 6   weeks ago and not pain_story is   not answered\n  then told_story certainty 0.2\n"
    let formatted = try #require(RuleFormatter.format(SourceFile(path: "r.rules", text: messy)).text)
    #expect(formatted.contains("when injury_date more than 6 weeks ago and not pain_story is not answered\n"))
    #expect(RuleFormatter.format(SourceFile(path: "r.rules", text: formatted)).text == formatted)
  }

  // MARK: Dates and the assessment date

  @Test("a date condition counts back from the assessment date, calendar months included; without one it is unknown")
  func dates() throws {
    let kb = try Self.knowledgeBase()
    func assess(_ injury: String, _ assessed: String?) -> Assessment {
      kb.assess(validated: Answers(["injury_date": .date(CalendarDay(injury)!)], assessmentDate: assessed.flatMap(CalendarDay.init)))
    }
    let long = assess("2026-01-01", "2026-03-01")
    #expect(long.certainty(of: "long_standing") == 0.6)
    #expect(long.certainty(of: "recent_onset") ?? 0 == 0)
    let recent = assess("2026-02-25", "2026-03-01")
    #expect(recent.certainty(of: "recent_onset") == 0.5)
    #expect(recent.certainty(of: "long_standing") ?? 0 == 0)
    // Exactly six weeks is not more than six weeks.
    #expect(assess("2026-01-18", "2026-03-01").certainty(of: "long_standing") ?? 0 == 0)
    #expect(assess("2026-01-17", "2026-03-01").certainty(of: "long_standing") == 0.6)
    // No assessment date: both rules undecided, never decided from the clock.
    let undated = assess("2020-01-01", nil)
    #expect(undated.certainty(of: "long_standing") ?? 0 == 0)
    let undecided = undated.undecidedRules.map { kb.rules[$0].id }
    #expect(undecided.contains("long") && undecided.contains("recent"))
    // Calendar months: a month before 31 March is 28 February.
    #expect(CalendarDay("2026-03-31")!.adding(months: -1) == CalendarDay("2026-02-28"))
    #expect(CalendarDay("2024-02-29")!.adding(months: -12) == CalendarDay("2023-02-28"))
    #expect(CalendarDay("2026-01-15")!.adding(months: -13) == CalendarDay("2024-12-15"))
  }

  @Test("answers files: text, date, the assessment date, quantities converted or refused")
  func answersFiles() throws {
    let kb = try Self.knowledgeBase()
    let good = Self.read(
      #"{"assessment date": "2026-03-01", "injury_date": "2026-01-01", "pain_story": "Lifting a box", "weight": {"value": 231, "unit": "[lb_av]"}}"#,
      kb)
    #expect(good.diagnostics.map(\.message) == [])
    let answers = try #require(good.answers)
    #expect(answers.assessmentDate == CalendarDay("2026-03-01"))
    #expect(answers["injury_date"] == .date(CalendarDay("2026-01-01")!))
    #expect(answers["pain_story"] == .text("Lifting a box"))
    #expect(answers["weight"] == .number(104.78))
    #expect(kb.assess(validated: answers).certainty(of: "heavy_load") == 0.4)
    #expect(answers.json == (try FHIRTests.json(JSONWriter.compact(answers.json))))
    // The assessment date given on the command line wins.
    #expect(
      Self.read(#"{"assessment date": "2026-03-01"}"#, kb, assessmentDate: CalendarDay("2020-01-01")).answers?.assessmentDate
        == CalendarDay("2020-01-01"))

    let bad = Self.read(
      #"{"assessment date": "yesterday", "injury_date": "2026-02-30", "pain_story": 3, "weight": {"value": 170, "unit": "cm"}}"#, kb)
    #expect(bad.answers == nil)
    let messages = bad.diagnostics.map(\.message)
    #expect(messages.contains { $0.hasPrefix("the assessment date is a day written YYYY-MM-DD") && $0.hasSuffix("found \"yesterday\"") })
    #expect(
      messages.contains(
        "question 'injury_date' takes a date written YYYY-MM-DD (e.g. \"2026-11-01\"); found \"2026-02-30\", which is not a day of the calendar"))
    #expect(messages.contains("question 'pain_story' expects free text (a JSON string); found the number 3"))
    #expect(
      messages.contains(
        "question 'weight' is answered in kg (mass); the answer 170 cm measures length, which cannot be converted: give the number in kg"))
    #expect(bad.diagnostics.contains { $0.code == .answerUnitMismatch })

    // A date that conditions count back from, with no assessment date: a warning, and unknown.
    let undated = Self.read(#"{"injury_date": "2026-01-01"}"#, kb)
    #expect(undated.diagnostics.map(\.code) == [.missingAssessmentDate])
    #expect(undated.answers != nil)
    // "not sure" is free text unless the question allows "not sure".
    #expect(Self.read(#"{"pain_story": "not sure"}"#, kb).answers?["pain_story"] == .text("not sure"))
  }

  // MARK: FHIR

  @Test("FHIR: export as text/date items with enableWhen exists; a response's valueString, valueDate, valueQuantity and authored")
  func fhir() throws {
    let kb = try Self.knowledgeBase()
    let questionnaire = FHIRQuestionnaire(kb).resource
    #expect(FHIRStructure.questionnaireProblems(questionnaire) == [])
    let types = Dictionary(
      uniqueKeysWithValues: FHIRTests.items(questionnaire).compactMap { item -> (String, String)? in
        guard case .string(let id)? = item["linkId"], case .string(let type)? = item["type"] else { return nil }
        return (id, type)
      })
    #expect(types["injury_date"] == "date")
    #expect(types["pain_story"] == "text")

    let response = """
      {"resourceType": "QuestionnaireResponse", "status": "completed", "authored": "2026-03-01T23:30:00-05:00",
       "item": [
        {"linkId": "injury_date", "answer": [{"valueDateTime": "2026-01-01T08:00:00Z"}]},
        {"linkId": "pain_story", "answer": [{"valueString": "Lifting a box"}]},
        {"linkId": "weight", "answer": [{"valueQuantity": {"value": 16, "unit": "st", "system": "http://unitsofmeasure.org", "code": "[stone_av]"}}]}
       ]}
      """
    let output = Self.read(response, kb)
    #expect(output.diagnostics.map(\.message) == [])
    let answers = try #require(output.answers)
    // The day as the author wrote it, with no time-zone conversion.
    #expect(answers.assessmentDate == CalendarDay("2026-03-01"))
    #expect(answers["injury_date"] == .date(CalendarDay("2026-01-01")!))
    #expect(answers["pain_story"] == .text("Lifting a box"))
    #expect(answers["weight"] == .number(101.605))
    #expect(kb.assess(validated: answers).certainty(of: "long_standing") == 0.6)

    // Round trip: answers → QuestionnaireResponse → answers.
    let filled = FHIRTests.fill(questionnaire, with: answers)
    let back = try #require(Self.read(JSONWriter.compact(filled), kb, assessmentDate: answers.assessmentDate).answers)
    #expect(back == answers)

    // Both validate with fhir.resources (PyPI), as CI installs it.
    if FHIRSDCTests.validatorAvailable {
      let folder = try TemporaryFolder()
      let files = [
        try folder.write("types-questionnaire.json", JSONWriter.pretty(questionnaire)),
        try folder.write("types-response.json", JSONWriter.pretty(filled)),
      ]
      let script = UpstreamBinary.packageRoot.appendingPathComponent("Tests/FHIRValidation/validate.py").path
      let result = try runTool("python3", [script] + files)
      #expect(result.status == 0, "\(result.output)\(result.errors)")
    } else if ProcessInfo.processInfo.environment["CI"] != nil {
      Issue.record("CI is set but Python's fhir.resources is missing: pip install 'fhir.resources<8'")
    }

    let refused = Self.read(
      #"{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": "injury_date", "answer": [{"valueDate": "2026-01"}]}, {"linkId": "weight", "answer": [{"valueQuantity": {"value": 5, "code": "h"}}]}]}"#,
      kb)
    #expect(
      refused.diagnostics.map(\.message).contains("question 'injury_date' takes a whole day; the valueDate \"2026-01\" is only a year or a month"))
    #expect(refused.diagnostics.contains { $0.code == .answerUnitMismatch && $0.message.contains("5 h measures time") })
  }

  @Test("import: string and date items become text and date questions, exists becomes is answered; export gives them back")
  func importAndBack() throws {
    let withAskWhen = Self.rules.replacingOccurrences(
      of: "  range 30 to 250\n", with: "  range 30 to 250\n  ask when pain_story is answered\n")
    let kb = try #require(KnowledgeBase.compile([SourceFile(path: "t.rules", text: withAskWhen)], checks: fixedDayChecks).knowledgeBase)
    let exported = FHIRQuestionnaire(kb).resource
    let weightItem = try #require(FHIRTests.items(exported).first { $0["linkId"] == .string("weight") })
    #expect(JSONWriter.compact(weightItem["enableWhen"] ?? .null).contains(#""operator":"exists","answerBoolean":true"#))
    let text = JSONWriter.pretty(exported)
    let imported = FHIRQuestionnaireImport.read(SourceFile(path: "q.json", text: text), withHeader: true)
    #expect(imported.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
    let module = try #require(imported.module?.text)
    #expect(module.contains("question injury_date: date\n"))
    #expect(module.contains("question pain_story: text\n"))
    #expect(module.contains("  ask when pain_story is answered\n"))
    #expect(!module.contains("which Upstream has no question for"))
  }

  // MARK: The terminal and case files

  @Test("typed replies: free text as it is, a date, a number in another unit converted")
  func typedReplies() throws {
    let kb = try Self.knowledgeBase()
    let story = try #require(kb.question("pain_story"))
    let date = try #require(kb.question("injury_date"))
    let weight = try #require(kb.question("weight"))
    #expect(TypedReply.read("Lifting a box at work", for: story) == .answer(.text("Lifting a box at work")))
    #expect(TypedReply.read("not sure", for: story) == .answer(.text("not sure")))
    #expect(TypedReply.read("2026-01-01", for: date) == .answer(.date(CalendarDay("2026-01-01")!)))
    #expect(
      TypedReply.read("last week", for: date) == .invalid("'last week' is not a date. Please give a date written year-month-day, e.g. 2026-11-01."))
    #expect(TypedReply.read("231 lb", for: weight) == .answer(.number(104.78)))
    #expect(TypedReply.read("80 kg", for: weight) == .answer(.number(80)))
    if case .invalid(let hint) = TypedReply.read("170 cm", for: weight) {
      #expect(hint.hasPrefix("'cm' is not a unit Upstream can turn into kg."))
    } else {
      Issue.record("170 cm was accepted for a weight")
    }
  }

  @Test("case files answer text and date questions and give the assessment date")
  func caseFiles() throws {
    let kb = try Self.knowledgeBase()
    let file = SourceFile(
      path: "t.case",
      text: """
        case long_story
          assessment date 2026-03-01
          answer injury_date 2026-01-01
          answer pain_story "Lifting a box"
          expect long_standing
          expect told_story
          expect not recent_onset

        case no_date
          answer injury_date 2026-01-01
          expect not long_standing

        """)
    let loaded = CaseLoader.load([file], for: kb)
    #expect(loaded.diagnostics.map(\.message) == [])
    #expect(loaded.cases.first?.answers.assessmentDate == CalendarDay("2026-03-01"))
    let results = CaseRunner(kb).run(loaded.cases)
    #expect(results.map(\.passed) == [true, true])
  }

  // MARK: The binary, on any day

  @Test("upstream assess: the same output whatever today is; --assessment-date decides, and without it the condition is unknown")
  func binaryIgnoresTheClock() throws {
    let folder = try TemporaryFolder()
    try folder.write("kb/types.rules", Self.rules)
    try folder.write("answers.json", #"{"injury_date": "2026-01-01", "pain_story": "Lifting a box"}"#)
    func run(_ extra: [String], day: Int) throws -> UpstreamBinary.Result {
      try UpstreamBinary.run(
        ["assess", "--rules", "kb", "--answers", "answers.json", "--format", "json"] + extra, in: folder.url,
        environment: ["SOURCE_DATE_EPOCH": String(day * 86_400)])
    }
    let dated = try run(["--assessment-date", "2026-03-01"], day: testDay.daysSince1970)
    #expect(dated.status == 0, "\(dated.errors)")
    #expect(dated.output.contains("long_standing"))
    // Three years later (as CI's faketime runs), or long before: byte for byte the same.
    #expect(try run(["--assessment-date", "2026-03-01"], day: testDay.daysSince1970 + 1095).output == dated.output)
    #expect(try run(["--assessment-date", "2026-03-01"], day: 0).output == dated.output)
    let undated = try run([], day: testDay.daysSince1970 + 1095)
    #expect(undated.status == 0)
    #expect(undated.errors.contains("warning[UP0415]"))
    #expect(!undated.output.contains("\"long_standing\""))
    #expect(try run([], day: 0).output == undated.output)
    // The text report says which day the answers were counted from.
    let text = try UpstreamBinary.run(
      ["assess", "--rules", "kb", "--answers", "answers.json", "--assessment-date", "2026-03-01", "--width", "200"], in: folder.url)
    #expect(text.output.contains("ANSWERS\nassessment date 2026-03-01 injury_date=\"2026-01-01\""), "\(text.output)")
    #expect(text.output.contains("✓ injury_date more than 6 weeks ago — you answered '2026-01-01'"))
    let wrong = try run(["--assessment-date", "2026-3-1"], day: 0)
    #expect(wrong.status == 2)
    #expect(wrong.errors.contains("--assessment-date takes the day the answers were given, written YYYY-MM-DD"))
  }

  @Test("upstream assess --batch: --assessment-date dates every line, over its own date; --strict fails a line with an unknown item")
  func batchAssessmentDay() throws {
    let folder = try TemporaryFolder()
    try folder.write("kb/types.rules", Self.rules)
    let injury = testDay.adding(days: -9)
    let lines = [
      #"{"injury_date": "\#(injury)"}"#,
      #"{"assessment date": "\#(testDay.adding(days: 1095))", "injury_date": "\#(injury)"}"#,
      #"{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": "injury_date", "answer": [{"valueDate": "\#(injury)"}]}, {"linkId": "extra", "answer": [{"valueString": "x"}]}]}"#,
    ]
    try folder.write("people.jsonl", lines.joined(separator: "\n") + "\n")
    func run(_ extra: [String]) throws -> [String] {
      let result = try UpstreamBinary.run(
        ["assess", "--rules", "kb", "--batch", "people.jsonl", "--output-format", "summary"] + extra, in: folder.url,
        environment: ["SOURCE_DATE_EPOCH": String((testDay.daysSince1970 + 1095) * 86_400)])
      return result.output.split(separator: "\n").map(String.init)
    }
    // Each line's own date: the first has none (unknown), the second three years on.
    let own = try run([])
    #expect(own.count == 3)
    #expect(!own[0].contains("recent_onset") && !own[0].contains("long_standing"))
    #expect(own[1].contains("long_standing"))
    #expect(!own[2].contains("recent_onset"))
    // --assessment-date: every line counts back from it, whatever the clock says.
    let dated = try run(["--assessment-date", testDay.description])
    #expect(dated.count == 3)
    for line in dated {
      #expect(line.contains("recent_onset"), "\(line)")
      #expect(!line.contains("long_standing"))
    }
    let strict = try run(["--assessment-date", testDay.description, "--strict"])
    #expect(strict[0] == dated[0] && strict[1] == dated[1])
    #expect(strict[2].contains("\"error\""))
    #expect(strict[2].contains("UP0411"))
  }

  @Test("why-not proposes a day for a date test once the assessment date is known; check finds date tests no day passes")
  func datePlansAndContradictions() throws {
    let folder = try TemporaryFolder()
    try folder.write("kb/types.rules", Self.rules)
    try folder.write("answers.json", #"{"injury_date": "\#(testDay.adding(days: -9))"}"#)
    func whyNot(_ extra: [String]) throws -> UpstreamBinary.Result {
      try UpstreamBinary.run(["why-not", "long_standing", "--rules", "kb", "--answers", "answers.json", "--width", "200"] + extra, in: folder.url)
    }
    // The cut-off is 6 weeks before the assessment date; the day before it passes, and re-assessing confirms it.
    let dated = try whyNot(["--assessment-date", testDay.description])
    #expect(dated.status == 0, "\(dated.errors)")
    let proposed = testDay.adding(days: -43)
    #expect(dated.output.contains("\(proposed) (more than 6 weeks before \(testDay))"), "\(dated.output)")
    let json = try whyNot(["--assessment-date", testDay.description, "--format", "json"])
    #expect(json.output.contains("\"suggested\": \"\(proposed)\""), "\(json.output)")
    #expect(json.output.contains("\"verified\": true"))
    // Without an assessment date no day can be chosen.
    let undated = try whyNot([])
    #expect(!undated.output.contains("\(proposed)"))

    // The checker: contradictory date tests, with the tests named.
    let contradiction = Self.errors(
      Self.rules + "rule never\n  when injury_date more than 6 weeks ago and injury_date less than 2 weeks ago\n"
        + "  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(contradiction.map(\.code) == [.ruleNeverFires])
    #expect(
      contradiction.first?.message
        == "rule 'never' can never fire: no day passes 'injury_date more than 6 weeks ago' and 'injury_date less than 2 weeks ago', "
        + "whatever the assessment date (a month counts 28 to 31 days, a year 365 or 366)")
    let negated = Self.errors(
      Self.rules + "rule never\n  when injury_date more than 2 months ago and not injury_date more than 8 weeks ago\n"
        + "  then told_story certainty 0.2\n  because \"b\"\n  source s\n")
    #expect(negated.first?.message.contains("'injury_date more than 2 months ago' and 'not injury_date more than 8 weeks ago'") == true)
    // Possible on some assessment date, or in another branch: no error.
    for condition in [
      "injury_date more than 1 month ago and injury_date less than 30 days ago",
      "injury_date more than 6 weeks ago or injury_date less than 2 weeks ago",
      "injury_date more than 2 weeks ago and injury_date less than 6 weeks ago",
    ] {
      let text = Self.rules + "rule maybe\n  when \(condition)\n  then told_story certainty 0.2\n  because \"b\"\n  source s\n"
      #expect(Self.errors(text).isEmpty, "\(condition)")
    }
  }
}
