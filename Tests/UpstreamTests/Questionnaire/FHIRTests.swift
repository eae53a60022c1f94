import Foundation
import Testing

@testable import Upstream

/// FHIR R4 out (a Questionnaire) and in (a QuestionnaireResponse), and the round trip.
@Suite("FHIR Questionnaire and QuestionnaireResponse")
struct FHIRTests {
  // MARK: Helpers

  static func json(_ text: String) throws -> JSONValue {
    guard case .success(let document) = JSONReader.read(SourceFile(path: "test.json", text: text)) else {
      Issue.record("not JSON: \(text.prefix(200))")
      return .null
    }
    return document.root.value
  }

  static func items(_ questionnaire: JSONValue) -> [JSONValue] {
    if case .array(let items)? = questionnaire["item"] { return items }
    return []
  }

  static func item(_ questionnaire: JSONValue, _ linkId: String) -> JSONValue? {
    items(questionnaire).first { $0["linkId"] == .string(linkId) }
  }

  /// Fills a QuestionnaireResponse from an exported Questionnaire, as a FHIR form would:
  /// one item per answered question, values typed by the item's type, codings copied from
  /// the item's answer options.
  static func fill(_ questionnaire: JSONValue, with answers: Answers) -> JSONValue {
    var filled: [JSONValue] = []
    for item in items(questionnaire) {
      guard case .string(let linkId)? = item["linkId"], let answer = answers[linkId], case .string(let type)? = item["type"]
      else {
        continue
      }
      func option(_ code: String) -> JSONValue {
        guard case .array(let options)? = item["answerOption"],
          let coding = options.compactMap({ $0["valueCoding"] }).first(where: { $0["code"] == .string(code) })
        else { return .object([("valueString", .string(code))]) }
        return .object([("valueCoding", coding)])
      }
      let values: [JSONValue]
      switch answer {
      case .yes, .no: values = [.object([("valueBoolean", .bool(answer == .yes))])]
      case .notSure:
        values = [
          type == "open-choice"
            ? .object([("valueString", .string("not sure"))])
            : .object([
              (
                "valueCoding",
                .object([("system", .string(FHIRQuestionnaire.dataAbsentReason)), ("code", .string("asked-unknown"))])
              )
            ])
        ]
      case .number(let number): values = [.object([(type == "integer" ? "valueInteger" : "valueDecimal", .number(number))])]
      case .option(let code): values = [option(code)]
      case .options(let codes): values = codes.isEmpty ? [option("none")] : codes.map(option)
      case .text(let text): values = [.object([("valueString", .string(text))])]
      case .date(let day): values = [.object([("valueDate", .string(day.description))])]
      }
      if values.isEmpty { continue }
      filled.append(.object([("linkId", .string(linkId)), ("text", item["text"] ?? .null), ("answer", .array(values))]))
    }
    let canonical: String =
      if case .string(let url)? = questionnaire["url"], case .string(let version)? = questionnaire["version"] {
        "\(url)|\(version)"
      } else { "" }
    return .object([
      ("resourceType", .string("QuestionnaireResponse")), ("questionnaire", .string(canonical)), ("status", .string("completed")),
      ("item", .array(filled)),
    ])
  }

  static func read(_ text: String, _ kb: KnowledgeBase) -> AnswersReader.Output {
    AnswersReader.read(SourceFile(path: "response.json", text: text), for: kb)
  }

  // MARK: Export

  @Test("export: the bundled questions as a structurally valid R4 Questionnaire, red flags first and required")
  func exportBundled() throws {
    let kb = try #require(AdaptivityTests.bundled)
    let questionnaire = FHIRQuestionnaire(kb).resource
    #expect(FHIRStructure.questionnaireProblems(questionnaire) == [])
    let linkIds = Self.items(questionnaire).compactMap { item -> String? in
      if case .string(let id)? = item["linkId"] { id } else { nil }
    }
    let redFlags = kb.questions.filter(\.isRedFlagQuestion).map(\.id)
    #expect(linkIds == redFlags + kb.questions.filter { !$0.isRedFlagQuestion }.map(\.id))
    // Required, unless "not sure" is allowed: then unanswered is how a form says "not sure".
    for question in kb.questions where question.isRedFlagQuestion {
      #expect(Self.item(questionnaire, question.id)?["required"] == (question.notSureAllowed ? nil : .bool(true)), "\(question.id)")
    }
    #expect(kb.questions.contains { $0.isRedFlagQuestion && $0.notSureAllowed }, "the shipped rules have such a question")
    #expect(questionnaire["status"] == .string("active"))
    #expect(questionnaire["version"] == .string(kb.header.version))
    #expect(FHIRQuestionnaire(kb).inexpressible.isEmpty)
    #expect(FHIRQuestionnaire(kb).render() == FHIRQuestionnaire(kb).render())
  }

  @Test("export: who the form is not for (below range) is an instructions item under the age, in the rules' words")
  func exportOutOfRange() throws {
    let kb = try #require(AdaptivityTests.bundled)
    let age = try #require(kb.question("age"))
    let message = try #require(age.belowRangeMessage)
    let item = try #require(Self.item(FHIRQuestionnaire(kb).resource, "age"))
    guard case .array(let notes)? = item["item"] else {
      Issue.record("age should have a help item and a below-range item")
      return
    }
    let note = try #require(notes.first { $0["linkId"] == .string("age.below-range") })
    #expect(note["type"] == .string("display"))
    #expect(note["text"] == .string("If your answer is under 16: " + message))
    #expect(JSONWriter.compact(note).contains("\"code\":\"instructions\""))
    // A question without the clause has no such item.
    let stance = try #require(Self.item(FHIRQuestionnaire(kb).resource, "single_leg_stance_seconds"))
    #expect(!JSONWriter.compact(stance).contains("-range"))
  }

  @Test("export: item types, options, ranges, units, help and 'not sure' notes")
  func exportItems() throws {
    let kb = try QuestionnaireFixtures.knowledgeBase()
    let questionnaire = FHIRQuestionnaire(kb).resource
    #expect(FHIRStructure.questionnaireProblems(questionnaire) == [])
    let pain = try #require(Self.item(questionnaire, "pain"))
    #expect(pain["type"] == .string("choice"))
    #expect(pain["repeats"] == .bool(true))
    #expect(pain["required"] == .bool(true))
    #expect(
      JSONWriter.compact(pain["answerOption"] ?? .null).hasSuffix(
        "{\"valueCoding\":{\"system\":\"urn:upstream:answers\",\"code\":\"none\",\"display\":\"None of these\"}}]"))
    #expect(Self.item(questionnaire, "numb")?["type"] == .string("boolean"))
    let arch = try #require(Self.item(questionnaire, "arch"))
    #expect(arch["type"] == .string("open-choice"))
    #expect(arch["required"] == nil)
    let options = try #require(arch["answerOption"])
    #expect(
      options
        == .array([
          .object([
            (
              "valueCoding",
              .object([("system", .string("urn:upstream:options:arch")), ("code", .string("flat")), ("display", .string("Flat"))])
            )
          ]),
          .object([
            (
              "valueCoding",
              .object([
                ("system", .string("urn:upstream:options:arch")), ("code", .string("normal")),
                ("display", .string("A visible arch")),
              ])
            )
          ]),
          .object([
            (
              "valueCoding",
              .object([
                ("system", .string("urn:upstream:options:arch")), ("code", .string("high")),
                ("display", .string("A very high arch")),
              ])
            )
          ]),
        ]))
    guard case .array(let notes)? = arch["item"], notes.count == 2 else {
      Issue.record("arch should have a help item and a not-sure item")
      return
    }
    #expect(notes[0]["linkId"] == .string("arch.help"))
    #expect(notes[0]["type"] == .string("display"))
    #expect(notes[0]["text"] == .string("Stand barefoot and look at the inside edge of each foot."))
    #expect(JSONWriter.compact(notes[0]).contains("\"code\":\"help\""))
    #expect(notes[1]["text"] == .string("If you are not sure, type \"not sure\"."))
    let sitting = try #require(Self.item(questionnaire, "sitting"))
    #expect(sitting["type"] == .string("decimal"))
    let extensions = JSONWriter.compact(sitting["extension"] ?? .null)
    #expect(extensions.contains("{\"url\":\"http://hl7.org/fhir/StructureDefinition/minValue\",\"valueDecimal\":0}"))
    #expect(extensions.contains("{\"url\":\"http://hl7.org/fhir/StructureDefinition/maxValue\",\"valueDecimal\":24}"))
    #expect(
      extensions.contains(
        "questionnaire-unit\",\"valueCoding\":{\"system\":\"http://unitsofmeasure.org\",\"code\":\"h\",\"display\":\"hours\"}"))
    let worse = try #require(Self.item(questionnaire, "worse_sitting"))
    #expect(
      JSONWriter.compact(worse["enableWhen"] ?? .null)
        == "[{\"question\":\"pain\",\"operator\":\"=\",\"answerCoding\":{\"system\":\"urn:upstream:options:pain\",\"code\":\"back\",\"display\":\"Lower back\"}}]"
    )
    #expect(worse["enableBehavior"] == nil)
    #expect(Self.item(questionnaire, "shoes")?["type"] == .string("choice"))
  }

  static let askWhens =
    CheckExamples.preamble + """
      question q1: yes/no
        ask "Q1?"
      question q2: number
        ask "Q2?"
        range 0 to 10
      question q3: choice
        ask "Q3?"
        option x "X"
        option y "Y"
        option z "Z"
      question qa: yes/no
        ask "QA?"
        ask when q1 and q2 >= 3
      question qb: yes/no
        ask "QB?"
        ask when not q3 in (x, y)
      question qc: yes/no
        ask "QC?"
        ask when q1 and (q2 > 5 or q3 is x)
      question qd: yes/no
        ask "QD?"
        ask when q2 between 2 and 4
      question qe: yes/no
        ask "QE?"
        ask when not q2 > 7.5
      contributor f
        name "F"
      rule uses-all
        when q1 or q2 > 1 or q3 is z or qa or qb or qc or qd or qe
        then f certainty 0.5
        because "test"
        source s

      """

  @Test("export: ask when becomes enableWhen where FHIR can say it; otherwise a note, and upstream export says so")
  func exportEnableWhen() throws {
    let folder = try TemporaryFolder()
    try folder.write("test.rules", Self.askWhens)
    let kb = try knowledgeBase(Self.askWhens)
    let questionnaire = FHIRQuestionnaire(kb).resource
    #expect(FHIRStructure.questionnaireProblems(questionnaire) == [])
    func conditions(_ id: String) -> String { JSONWriter.compact(Self.item(questionnaire, id)?["enableWhen"] ?? .null) }
    #expect(
      conditions("qa")
        == "[{\"question\":\"q1\",\"operator\":\"=\",\"answerBoolean\":true},{\"question\":\"q2\",\"operator\":\">=\",\"answerInteger\":3}]"
    )
    #expect(Self.item(questionnaire, "qa")?["enableBehavior"] == .string("all"))
    #expect(
      conditions("qb").contains(
        "{\"question\":\"q3\",\"operator\":\"!=\",\"answerCoding\":{\"system\":\"urn:upstream:options:q3\",\"code\":\"x\""))
    #expect(
      conditions("qb").contains("\"operator\":\"!=\",\"answerCoding\":{\"system\":\"urn:upstream:options:q3\",\"code\":\"y\""))
    #expect(Self.item(questionnaire, "qb")?["enableBehavior"] == .string("all"))
    #expect(
      conditions("qd")
        == "[{\"question\":\"q2\",\"operator\":\">=\",\"answerInteger\":2},{\"question\":\"q2\",\"operator\":\"<=\",\"answerInteger\":4}]"
    )
    #expect(conditions("qe") == "[{\"question\":\"q2\",\"operator\":\"<=\",\"answerInteger\":7}]")
    let qc = try #require(Self.item(questionnaire, "qc"))
    #expect(qc["enableWhen"] == nil)
    #expect(
      JSONWriter.compact(qc["item"] ?? .null).contains(
        "Upstream asks this question only when q1 and (q2 > 5 or q3 is x). FHIR enableWhen cannot express this condition"))
    #expect(FHIRQuestionnaire(kb).inexpressible.map(\.question) == ["qc"])

    let result = try UpstreamBinary.run(["export", "--rules", folder.path, "--format", "fhir-questionnaire"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(
      result.errors.contains(
        "note: question 'qc' is asked only when q1 and (q2 > 5 or q3 is x), which FHIR enableWhen cannot express"))
    #expect(FHIRStructure.questionnaireProblems(try Self.json(result.output)) == [])
    let wrongFormat = try UpstreamBinary.run(["export", "--format", "fhir"])
    #expect(wrongFormat.status == 2)
    #expect(wrongFormat.errors.contains("did you mean 'fhir-questionnaire'?"))
  }

  // MARK: Import

  @Test("import: each FHIR answer type maps to its answer; groups, nested items and display items are read or passed over")
  func importValues() throws {
    let kb = try QuestionnaireFixtures.knowledgeBase()
    let response = """
      {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
          {"linkId": "safety", "text": "Safety questions", "item": [
            {"linkId": "pain", "answer": [
              {"valueCoding": {"system": "urn:upstream:options:pain", "code": "back"}},
              {"valueCoding": {"code": "hip"}, "item": [
                {"linkId": "worse_sitting", "answer": [{"valueBoolean": true}]}
              ]}
            ]},
            {"linkId": "numb", "answer": [{"valueCoding": {"system": "http://terminology.hl7.org/CodeSystem/v2-0136", "code": "N"}}]}
          ]},
          {"linkId": "arch", "answer": [{"valueString": "A visible arch"}], "item": [{"linkId": "arch.help", "text": "Stand barefoot."}]},
          {"linkId": "sitting", "answer": [{"valueQuantity": {"value": 9.5, "unit": "h"}}]},
          {"linkId": "shoes", "answer": [{"valueCoding": {"code": "stiff", "display": "Stiff boots"}}]}
        ]
      }
      """
    let output = Self.read(response, kb)
    #expect(output.diagnostics.map(\.message) == [])
    #expect(output.format == .fhirQuestionnaireResponse)
    #expect(
      output.answers
        == Answers([
          "pain": .options(["back", "hip"]), "worse_sitting": .yes, "numb": .no, "arch": .option("normal"),
          "sitting": .number(9.5),
          "shoes": .option("stiff"),
        ]))
    #expect(FHIRStructure.responseProblems(try Self.json(response)) == [])

    let notSure = """
      {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "arch", "answer": [{"valueCoding": {"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "asked-unknown"}}]},
        {"linkId": "shoes", "answer": [{"valueInteger": 2}]}
      ]}
      """
    let mixed = Self.read(notSure, kb)
    #expect(mixed.answers == nil)
    #expect(
      mixed.diagnostics.map(\.message) == [
        "question 'shoes' expects one of its options as a text (\"stiff\", \"flexible\"); found the number 2"
      ])
  }

  @Test("import errors: every problem listed at once, each with what was expected; nothing is assessed")
  func importErrors() throws {
    let response = """
      {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "arch_shap", "answer": [{"valueCoding": {"system": "urn:upstream:options:arch_shape", "code": "flat"}}]},
        {"linkId": "sitting_hours", "answer": [{"valueDecimal": 30}]},
        {"linkId": "shoe_type", "answer": [{"valueCoding": {"system": "http://snomed.info/sct", "code": "123"}}]},
        {"linkId": "age", "answer": [{"valueInteger": 40}, {"valueInteger": 41}]},
        {"linkId": "ankle_stiff", "answer": [{"valueDate": "2024-01-01"}]},
        {"linkId": "occupation", "answer": [{"valueString": "astronaut"}]},
        {"linkId": "group", "item": [{"linkId": "knees_cave_in", "answer": [{"valueBoolean": "yes"}]}]}
      ]}
      """
    let result = try UpstreamBinary.run(["assess", "--answers", "-", "--strict"], input: response)
    #expect(result.status == 3)
    #expect(result.output.isEmpty)
    let errors = result.errors
    #expect(errors.contains("error[UP0411]: no question has the linkId \"arch_shap\", so this item's answers are not used"))
    #expect(errors.contains("did you mean 'arch_shape'?"))
    #expect(errors.contains("question 'sitting_hours' takes a number from 0 to 24 hours; found 30"))
    #expect(
      errors.contains(
        "no option of question 'shoe_type' has the system \"http://snomed.info/sct\", code \"123\"; its options are 'stiff_padded', 'everyday', 'flexible'"
      ), "\(errors)")
    #expect(errors.contains("question 'age' takes one answer; this item has 2"))
    #expect(
      errors.contains("error[UP0408]: a valueDate answer cannot be mapped: question 'ankle_stiff' takes yes or no; or not sure"))
    #expect(
      errors.contains(
        "question 'occupation' has no option 'astronaut'; its options are professional_driver, desk, on_feet, manual, other"))
    #expect(errors.contains("valueBoolean holds a text, which FHIR does not allow there"))
    #expect(errors.contains("7 errors"))
    // Without --strict the unknown item is a warning; the other six errors remain.
    let lenient = try UpstreamBinary.run(["assess", "--answers", "-"], input: response)
    #expect(lenient.status == 3)
    #expect(lenient.errors.contains("warning[UP0411]: no question has the linkId \"arch_shap\""))
    #expect(lenient.errors.contains("6 errors, 1 warning"))

    let patient = try UpstreamBinary.run(["assess", "--answers", "-"], input: "{\"resourceType\": \"Patient\", \"id\": \"p1\"}")
    #expect(patient.status == 3)
    #expect(patient.errors.contains("this is a FHIR Patient resource; Upstream reads answers from a FHIR QuestionnaireResponse"))
  }

  // MARK: Round trip

  @Test("round trip, every shipped case: export, fill a response, import: the same answers and the same assessment")
  func roundTripInProcess() throws {
    let kb = try #require(AdaptivityTests.bundled)
    let questionnaire = FHIRQuestionnaire(kb).resource
    for (id, answers) in AdaptivityTests.cases {
      let response = Self.fill(questionnaire, with: answers)
      #expect(FHIRStructure.responseProblems(response) == [], "case \(id)")
      let output = Self.read(JSONWriter.pretty(response), kb)
      #expect(output.diagnostics.filter { $0.severity == .error }.map(\.message) == [], "case \(id)")
      let imported = try #require(output.answers, "case \(id)")
      #expect(imported == answers, "case \(id)")
      #expect(AssessmentOutcome(kb.assess(validated: imported)) == AssessmentOutcome(kb.assess(validated: answers)), "case \(id)")
    }
  }

  @Test(
    "round trip through upstream: export, fill, assess gives byte-identical output to the answers file",
    arguments: [
      "trucker-hip-pain-flat-arches-stiff-boots", "arch-not-known-pronation-stiff-shoes", "startback-high-all-items",
    ])
  func roundTripThroughBinary(_ id: String) throws {
    let folder = try TemporaryFolder()
    let export = try UpstreamBinary.run(["export", "--output", folder.url.appendingPathComponent("questionnaire.json").path])
    #expect(export.status == 0, "\(export.errors)")
    let questionnaire = try Self.json(
      try String(contentsOf: folder.url.appendingPathComponent("questionnaire.json"), encoding: .utf8))
    #expect(FHIRStructure.questionnaireProblems(questionnaire) == [])
    let answers = try #require(AdaptivityTests.cases.first { $0.id == id }).answers
    let responsePath = try folder.write("response.json", JSONWriter.pretty(Self.fill(questionnaire, with: answers)))
    let answersPath = try folder.write("answers.json", JSONWriter.pretty(answers.json))
    let fromFHIR = try UpstreamBinary.run(["assess", "--answers", responsePath, "--format", "json"])
    let fromAnswers = try UpstreamBinary.run(["assess", "--answers", answersPath, "--format", "json"])
    #expect(fromFHIR.status == 0, "\(fromFHIR.errors)")
    #expect(fromAnswers.status == 0)
    #expect(!fromFHIR.output.isEmpty)
    #expect(fromFHIR.output == fromAnswers.output)
    let text = try UpstreamBinary.run(["assess", "--answers", responsePath])
    #expect(text.output == (try UpstreamBinary.run(["assess", "--answers", answersPath])).output)
  }
}
