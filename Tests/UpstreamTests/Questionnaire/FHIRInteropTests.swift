import Foundation
import Testing

@testable import Upstream

/// FHIR written by other systems: linkIds and codes declared in the rules, responses in the
/// shape real form renderers write (Tests/FHIRFixtures/phq-9/README.md says where each
/// fixture comes from) read by the shipped PHQ-9 module, and the round trips through the
/// export.
@Suite("FHIR interoperability: codes, linkIds and other systems' responses")
struct FHIRInteropTests {
  static let folder = UpstreamBinary.packageRoot.appendingPathComponent("Tests/FHIRFixtures/phq-9")

  static let root = UpstreamBinary.packageRoot
  /// The folders that make the shipped PHQ-9 module a knowledge base of its own.
  static let phq9Folders = [
    root.appendingPathComponent("Tests/FHIRFixtures/standalone").path,
    root.appendingPathComponent("rules/instruments/phq-9").path,
  ]

  /// The shipped PHQ-9 module, with a header of its own.
  static func phq9() throws -> KnowledgeBase {
    let loaded = KnowledgeBase.load(directories: phq9Folders, checks: fixedDayChecks)
    #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
    return try #require(loaded.knowledgeBase)
  }

  static func fixture(_ name: String) throws -> SourceFile {
    let url = folder.appendingPathComponent(name)
    return SourceFile(path: name, text: try String(contentsOf: url, encoding: .utf8))
  }

  static func read(_ text: String, _ kb: KnowledgeBase, strict: Bool = false) -> AnswersReader.Output {
    AnswersReader.read(SourceFile(path: "response.json", text: text), for: kb, strict: strict)
  }

  static func messages(_ output: AnswersReader.Output, _ severity: Diagnostic.Severity) -> [String] {
    output.diagnostics.filter { $0.severity == severity }.map(\.message)
  }

  // MARK: The rule language

  @Test("link id and code are read on questions, options and scores; fmt keeps them and is idempotent")
  func declaredCodes() throws {
    let kb = try Self.phq9()
    let first = try #require(kb.question("phq9_1"))
    #expect(first.linkIds == ["/44249-1/44250-9", "/44250-9", "H1/T1/Q1", "PHQ-9.1", "PHQ.1"])
    #expect(first.exportLinkId == "/44249-1/44250-9")
    #expect(first.codings == [Coding(system: "http://loinc.org", code: "44250-9")])
    #expect(first.kind.options.map { $0.codings.first?.code } == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"])
    #expect(kb.question(linkId: "/44249-1/44250-9")?.id == "phq9_1")
    #expect(kb.question(linkId: "phq9_1")?.id == "phq9_1")
    #expect(kb.score(linkId: "/44249-1/44261-6")?.id == "phq9_total")

    let messy =
      header + """
        question mood:   choice
            ask "Mood?"
          link id    "/44249-1/44255-8"   # the LOINC item
          code "44255-8"
                system "http://loinc.org"
          option low "Low"   code "LA6569-3" system "http://loinc.org"  code "1"
          option fine "Fine" code "LA6568-5"
            system "http://loinc.org"
        """
    let formatted = try #require(RuleFormatter.format(SourceFile(path: "a.rules", text: messy)).text)
    #expect(formatted.contains("  link id \"/44249-1/44255-8\"  # the LOINC item\n"))
    #expect(formatted.contains("  option low \"Low\" code \"LA6569-3\" system \"http://loinc.org\" code \"1\"\n"))
    #expect(RuleFormatter.format(SourceFile(path: "a.rules", text: formatted)).text == formatted)
    let before = try #require(compile(messy).knowledgeBase?.question("mood"))
    let after = try #require(compile(formatted).knowledgeBase?.question("mood"))
    #expect(before.linkIds == after.linkIds && before.codings == after.codings && before.kind == after.kind)
    #expect(after.kind.options.map(\.codings.count) == [2, 1])
    // A `code` on an option's own line is the option's; the `system` on the next line is
    // still part of that coding.
    #expect(after.kind.options[1].codings == [Coding(system: "http://loinc.org", code: "LA6568-5")])
  }

  @Test("codes without a system warn, naming the item; a code or linkId that names two things is an error")
  func codeDiagnostics() throws {
    let loaded = compile(
      header + """
        question mood: choice
          ask "Mood?"
          link id "/a"
          option low "Low" code "1"
          option fine "Fine" code "2" system "http://loinc.org"
        question sleep: yes/no
          ask "Sleep?"
          link id "/a"
          code "44259-0" system "http://loinc.org"
        question energy: yes/no
          ask "Energy?"
          link id ""
          code "44259-0" system "http://loinc.org"
        """)
    let warnings = loaded.diagnostics.filter { $0.code == .codingWithoutSystem }.map(\.message)
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("option 'low' of question 'mood'") == true)
    let errors = loaded.diagnostics.filter { $0.code == .ambiguousCode }.map(\.message)
    #expect(errors.contains { $0.contains("the linkId \"/a\" of question 'sleep' already names question 'mood'") })
    #expect(errors.contains { $0.contains("the linkId of question 'energy' is empty") })
    #expect(
      errors.contains {
        $0.contains("the code \"44259-0\" (system \"http://loinc.org\") of question 'sleep' already names question 'energy'")
          || $0.contains("the code \"44259-0\" (system \"http://loinc.org\") of question 'energy' already names question 'sleep'")
      })
    #expect(loaded.knowledgeBase == nil)
  }

  // MARK: Responses other systems write

  @Test("an LHC-Forms-style PHQ-9 response: slash linkIds in a group, LOINC answers; the stored total is checked, not used")
  func lformsStyleResponse() throws {
    let kb = try Self.phq9()
    let output = AnswersReader.read(try Self.fixture("lforms-style-response.json"), for: kb)
    #expect(Self.messages(output, .error) == [])
    let answers = try #require(output.answers)
    #expect(answers["phq9_1"] == .option("several_days"))
    #expect(answers["phq9_3"] == .option("nearly_every_day"))
    #expect(answers["phq9_9"] == .option("several_days"))
    #expect(kb.questions.allSatisfy { answers[$0.id] != nil })
    let warnings = Self.messages(output, .warning)
    #expect(
      warnings.contains(
        "the response stores 10 as the total of 'phq9_total' (PHQ-9 total score); the sum of its items is 9: Upstream uses its own sum"
      ), "\(warnings)")
    #expect(warnings.contains { $0.hasPrefix("no question has the linkId \"/44249-1/69722-7\"") })
    let assessment = kb.assess(validated: answers)
    #expect(assessment.score("phq9_total")?.total == 9)
    #expect(assessment.tree.redFlags.map(\.id) == ["self_harm_thoughts"])

    let strict = AnswersReader.read(try Self.fixture("lforms-style-response.json"), for: kb, strict: true)
    #expect(strict.answers == nil)
    #expect(strict.diagnostics.contains { $0.code == .unknownFHIRItem && $0.severity == .error })
  }

  @Test("a clinic's form: UUID linkIds tied to LOINC by a contained Questionnaire, display-only answers, a repeated group")
  func clinicResponse() throws {
    let kb = try Self.phq9()
    let output = AnswersReader.read(try Self.fixture("clinic-uuid-response.json"), for: kb)
    #expect(Self.messages(output, .error) == [])
    #expect(
      Self.messages(output, .warning) == [
        "the response's status is \"in-progress\", not \"completed\": the form was not finished, so answers may be missing; its answers are read as they are"
      ])
    let answers = try #require(output.answers)
    #expect(
      answers
        == Answers(
          [
            "phq9_1": .option("not_at_all"), "phq9_2": .option("not_at_all"), "phq9_3": .option("several_days"),
            "phq9_4": .option("more_than_half"), "phq9_5": .option("not_at_all"), "phq9_6": .option("not_at_all"),
            "phq9_7": .option("nearly_every_day"), "phq9_8": .option("not_at_all"), "phq9_9": .option("not_at_all"),
          ], assessmentDate: CalendarDay("2026-03-02")))
    #expect(kb.assess(validated: answers).score("phq9_total")?.total == 6)
  }

  @Test("mapping order: linkId, then code, then display; a code and display that disagree take the code, with a warning")
  func mappingOrder() throws {
    let kb = try Self.phq9()
    func response(_ items: String, extra: String = "") -> String {
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\"\(extra), \"item\": [\(items)]}"
    }
    // The code says "Several days", the display "Not at all": the code wins.
    let disagree = Self.read(
      response(
        "{\"linkId\": \"/44249-1/44250-9\", \"answer\": [{\"valueCoding\": {\"system\": \"http://loinc.org\", \"code\": \"LA6569-3\", \"display\": \"Not at all\"}}]}"
      ), kb)
    #expect(disagree.answers?["phq9_1"] == .option("several_days"))
    #expect(
      Self.messages(disagree, .warning) == [
        "the answer's system \"http://loinc.org\", code \"LA6569-3\" is option 'several_days' (\"Several days\") of question 'phq9_1', but its display \"Not at all\" is the label of 'not_at_all'; Upstream took 'several_days' by its code"
      ])
    // An unknown code system: the display decides, and the warning says so.
    let byDisplay = Self.read(
      response(
        "{\"linkId\": \"phq9_2\", \"answer\": [{\"valueCoding\": {\"system\": \"http://snomed.info/sct\", \"code\": \"x\", \"display\": \"nearly EVERY day\"}}]}"
      ), kb)
    #expect(byDisplay.answers?["phq9_2"] == .option("nearly_every_day"))
    #expect(Self.messages(byDisplay, .warning).first?.contains("Upstream took 'nearly_every_day' by its display") == true)
    // Neither code nor display: an error listing the options and their codes.
    let neither = Self.read(
      response(
        "{\"linkId\": \"phq9_2\", \"answer\": [{\"valueCoding\": {\"system\": \"http://loinc.org\", \"code\": \"LA0000-0\", \"display\": \"Sometimes\"}}]}"
      ), kb)
    #expect(neither.answers == nil)
    #expect(
      Self.messages(neither, .error) == [
        "no option of question 'phq9_2' has the system \"http://loinc.org\", code \"LA0000-0\" or the label \"Sometimes\"; its options are 'not_at_all' (LA6568-5), 'several_days' (LA6569-3), 'more_than_half' (LA6570-1), 'nearly_every_day' (LA6571-9)"
      ])
    // An item with an unknown linkId is found by its text (case and spacing aside).
    let byText = Self.read(
      response(
        "{\"linkId\": \"q-7\", \"text\": \"over the last 2 weeks,  how often have you been bothered by this: POOR appetite or overeating?\", \"answer\": [{\"valueString\": \"Several Days\"}]}"
      ), kb)
    #expect(byText.answers?["phq9_5"] == .option("several_days"))
    // Two items that answer one question differently are refused.
    let twice = Self.read(
      response(
        "{\"linkId\": \"phq9_1\", \"answer\": [{\"valueString\": \"Not at all\"}]}, {\"linkId\": \"/44249-1/44250-9\", \"answer\": [{\"valueString\": \"Several days\"}]}"
      ), kb)
    #expect(twice.answers == nil)
    #expect(Self.messages(twice, .error).first?.contains("question 'phq9_1' is answered differently by two items") == true)
    // A canonical with a version is accepted.
    let canonical = Self.read(
      response("", extra: ", \"questionnaire\": \"http://loinc.org/q/44249-1|2.72\""), kb)
    #expect(canonical.diagnostics.isEmpty)
    #expect(canonical.answers == Answers())
  }

  // MARK: The assessment as FHIR resources

  @Test("assess --format fhir: a Bundle with a RiskAssessment and score Observations, deterministic and valid (fhir.resources)")
  func assessmentBundle() throws {
    let rules = Self.phq9Folders.flatMap { ["--rules", $0] }
    let response = Self.folder.appendingPathComponent("lforms-style-response.json").path
    let run = try UpstreamBinary.run(["assess"] + rules + ["--answers", response, "--format", "fhir"])
    #expect(run.status == 0, "\(run.errors)")
    let again = try UpstreamBinary.run(
      ["assess"] + rules + ["--answers", response, "--format", "fhir"], environment: ["TZ": "Pacific/Kiritimati"])
    #expect(again.output == run.output)
    let bundle = try FHIRTests.json(run.output)
    #expect(bundle["resourceType"] == .string("Bundle"))
    #expect(bundle["type"] == .string("collection"))
    guard case .array(let entries)? = bundle["entry"] else {
      Issue.record("no entries")
      return
    }
    let resources = entries.compactMap { $0["resource"] }
    #expect(resources.map { $0["resourceType"] } == [.string("RiskAssessment"), .string("Observation")])
    let risk = JSONWriter.compact(resources[0])
    #expect(risk.contains("\"code\":\"self_harm_thoughts\""))
    #expect(risk.contains("{\"system\":\"urn:upstream:strata:phq9_total\",\"code\":\"mild\",\"display\":\"Mild\"}"))
    #expect(risk.contains("\"basis\":[{\"reference\":\"\(JSONWriter.compact(entries[1]["fullUrl"] ?? .null).dropFirst().dropLast())\"}]"))
    let observation = resources[1]
    #expect(observation["valueInteger"] == .number(9))
    #expect(observation["status"] == .string("final"))
    #expect(JSONWriter.compact(observation["code"] ?? .null).contains("{\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}"))

    // The bundled rules: likely contributors with their certainty as probability.
    let kb = try #require(AdaptivityTests.bundled)
    let answers = try #require(AdaptivityTests.cases.first { $0.id == "trucker-hip-pain-flat-arches-stiff-boots" }).answers
    let tree = kb.assess(validated: answers).tree
    let trucker = JSONWriter.pretty(AssessmentFHIRRenderer(kb).resource(tree))
    let contributor = try #require(tree.allNodes.first { $0.kind == .contributor && !$0.lessLikely })
    #expect(trucker.contains("\"code\": \"\(contributor.id)\""))
    #expect(trucker.contains("\"probabilityDecimal\": "))

    guard FHIRSDCTests.validatorAvailable else {
      if ProcessInfo.processInfo.environment["CI"] != nil {
        Issue.record("CI is set but Python's fhir.resources is missing: pip install 'fhir.resources<8'")
      }
      return
    }
    let folder = try TemporaryFolder()
    let files = [
      try folder.write("phq9-bundle.json", run.output), try folder.write("trucker-bundle.json", trucker),
      try folder.write("phq9-questionnaire.json", FHIRQuestionnaire(try Self.phq9()).render()),
    ]
    let script = UpstreamBinary.packageRoot.appendingPathComponent("Tests/FHIRValidation/validate.py").path
    let result = try runTool("python3", [script] + files)
    #expect(result.status == 0, "\(result.output)\(result.errors)")
    #expect(result.output.split(separator: "\n").filter { $0.hasPrefix("valid ") }.count == files.count)
  }

  // MARK: Export and round trips

  @Test("export: declared linkIds, item codes, LOINC answer codings and UCUM units; a filled response imports back")
  func exportUsesCodes() throws {
    let kb = try Self.phq9()
    let questionnaire = FHIRQuestionnaire(kb).resource
    #expect(FHIRStructure.questionnaireProblems(questionnaire) == [])
    let first = try #require(FHIRTests.item(questionnaire, "/44249-1/44250-9"))
    #expect(JSONWriter.compact(first["code"] ?? .null) == "[{\"system\":\"http://loinc.org\",\"code\":\"44250-9\"}]")
    #expect(
      JSONWriter.compact(first["answerOption"] ?? .null).hasPrefix(
        "[{\"valueCoding\":{\"system\":\"http://loinc.org\",\"code\":\"LA6568-5\",\"display\":\"Not at all\"}}"))
    #expect(questionnaire["copyright"] != nil)
    #expect(UCUM.code(for: "Hours") == "h")
    #expect(UCUM.code(for: "parsecs") == nil)
  }

  @Test("round trip, property: random PHQ-9 answers → QuestionnaireResponse (declared linkIds and codes) → the same answers")
  func roundTripProperty() throws {
    let kb = try Self.phq9()
    let questionnaire = FHIRQuestionnaire(kb).resource
    var generator = SeededGenerator(seed: 16)
    for _ in 0..<200 {
      var answers = Answers()
      for question in kb.questions where Bool.random(using: &generator) {
        let options = question.kind.options
        answers[question.id] = .option(options[Int.random(in: 0..<options.count, using: &generator)].id)
      }
      let response = Self.fill(questionnaire, kb, answers)
      #expect(FHIRStructure.responseProblems(response) == [])
      let output = Self.read(JSONWriter.pretty(response), kb)
      #expect(output.diagnostics.filter { $0.severity == .error }.isEmpty)
      #expect(output.answers == answers)
    }
  }

  /// A response as another system fills it from the exported Questionnaire: items by the
  /// exported linkIds, answers as the option's exported coding.
  static func fill(_ questionnaire: JSONValue, _ kb: KnowledgeBase, _ answers: Answers) -> JSONValue {
    var items: [JSONValue] = []
    for item in FHIRTests.items(questionnaire) {
      guard case .string(let linkId)? = item["linkId"], let question = kb.question(linkId: linkId),
        case .option(let chosen)? = answers[question.id], case .array(let options)? = item["answerOption"],
        let index = question.optionIndex(chosen), let coding = options[index]["valueCoding"]
      else { continue }
      items.append(.object([("linkId", .string(linkId)), ("answer", .array([.object([("valueCoding", coding)])]))]))
    }
    return .object([
      ("resourceType", .string("QuestionnaireResponse")), ("status", .string("completed")), ("item", .array(items)),
    ])
  }
}
