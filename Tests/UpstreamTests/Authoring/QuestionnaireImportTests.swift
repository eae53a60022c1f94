import Foundation
import Testing

@testable import Upstream

/// `upstream import fhir-questionnaire FILE --out DIR`: other systems' Questionnaires as
/// rules skeletons that `upstream check` accepts, and the round trip of their linkIds.
@Suite("Import a FHIR Questionnaire into rules")
struct QuestionnaireImportTests {
  static let fixtures = UpstreamBinary.packageRoot.appendingPathComponent("Tests/FHIRFixtures")
  static let phq9 = fixtures.appendingPathComponent("phq-9/lforms-style-questionnaire.json")
  static let intake = fixtures.appendingPathComponent("clinic-intake-questionnaire.json")

  static func imported(_ url: URL) throws -> (module: String, header: String, kb: KnowledgeBase, source: JSONValue) {
    let text = try String(contentsOf: url, encoding: .utf8)
    let output = FHIRQuestionnaireImport.read(SourceFile(path: url.lastPathComponent, text: text), withHeader: true)
    #expect(output.diagnostics.map(\.message) == [])
    let module = try #require(output.module?.text)
    let header = try #require(output.header?.text)
    let loaded = KnowledgeBase.compile(
      [SourceFile(path: "kb.rules", text: header), SourceFile(path: "m.rules", text: module)], checks: fixedDayChecks)
    #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [], "\(module)")
    return (module, header, try #require(loaded.knowledgeBase), try FHIRTests.json(text))
  }

  /// The linkIds of a Questionnaire's items that Upstream imports as questions.
  static func questionLinkIds(_ items: JSONValue?) -> [String] {
    guard case .array(let list)? = items else { return [] }
    return list.flatMap { item -> [String] in
      var found: [String] = []
      let calculated = JSONWriter.compact(item["extension"] ?? .null).contains("calculatedExpression")
      if case .string(let type)? = item["type"],
        ["boolean", "choice", "open-choice", "integer", "decimal", "quantity", "string", "text", "date", "dateTime"].contains(type),
        !calculated, case .string(let linkId)? = item["linkId"]
      {
        found.append(linkId)
      }
      return found + questionLinkIds(item["item"])
    }
  }

  @Test("a PHQ-9 in the LHC-Forms shape: questions with LOINC codes, a score from the ordinal values, ask when, copyright")
  func phq9() throws {
    let (module, _, kb, source) = try Self.imported(Self.phq9)
    #expect(kb.questions.count == 10)
    let first = try #require(kb.question(linkId: "/44250-9"))
    #expect(first.id == "q_44250-9")
    #expect(first.codings == [Coding(system: "http://loinc.org", code: "44250-9")])
    #expect(first.kind.options.map(\.id) == ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"])
    #expect(first.kind.options[1].codings == [Coding(system: "http://loinc.org", code: "LA6569-3")])
    let score = try #require(kb.score(linkId: "/44261-6"))
    #expect(score.range == 0...27)
    #expect(score.copyright?.contains("No permission required") == true)
    #expect(module.contains("# item \"/44261-6\" (Patient health questionnaire 9 item total score) is calculated in the form"))
    #expect(
      module.contains("  ask when q_44250-9 is not not_at_all or q_44255-8 is not not_at_all\n"), "\(module)")
    // Scored as the form scores it: every item "Nearly every day" is 27.
    var answers = Answers()
    for question in kb.questions where question.id != "q_69722-7" { answers[question.id] = .option("nearly_every_day") }
    #expect(kb.assess(validated: answers).score(score.id)?.total == 27)
    // Round trip: the export gives the form's linkIds back.
    let exported = FHIRQuestionnaire(kb).resource
    #expect(Set(FHIRTests.items(exported).compactMap { $0["linkId"] }) == Set(Self.questionLinkIds(source["item"]).map { .string($0) }))
  }

  @Test("a clinic's intake form: UUID and digit linkIds, units, ranges, repeats; what cannot be translated is a comment")
  func intake() throws {
    let (module, header, kb, source) = try Self.imported(Self.intake)
    #expect(header.contains("knowledge base \"Musculoskeletal intake (example clinic)\"\n  version \"3\"\n  author \"Example Clinic\""))
    let age = try #require(kb.question(linkId: "1.1"))
    #expect(age.id == "q_1_1")
    #expect(age.kind == .number(low: 16, high: 110, unit: nil, decimals: false))
    let sitting = try #require(kb.question(linkId: "3-hours"))
    #expect(sitting.kind == .number(low: 0, high: 24, unit: "hours", decimals: true))
    let back = try #require(kb.question(linkId: "b7e0f6d2-2c1a-4f3e-9d4b-1a2b3c4d5e6f"))
    #expect(back.id == "b7e0f6d2-2c1a-4f3e-9d4b-1a2b3c4d5e6f")
    #expect(back.linkIds == [])
    #expect(back.help == "Between the bottom of the ribs and the buttocks.")
    let activities = try #require(kb.question(linkId: "4"))
    #expect(activities.kind.name == "choices")
    #expect(module.contains("  ask when b7e0f6d2-2c1a-4f3e-9d4b-1a2b3c4d5e6f\n"))
    #expect(module.contains("  ask when q_4 includes running and q_3-hours > 8\n"))
    // A string item is a text question; a date item a date question.
    #expect(kb.question(linkId: "1.2")?.kind == .text)
    #expect(kb.question(linkId: "1.3")?.kind == .date)
    #expect(module.contains("question q_1_2: text\n  ask \"What is your job?\"\n  link id \"1.2\"\n"))
    #expect(module.contains("# item \"6\" (A photo of your usual shoes) is of type attachment"))
    // `exists` on the (now imported) string item is `is answered`.
    #expect(module.contains("  ask when q_1_2 is answered\n"))
    #expect(module.contains("code \"walk\"") && !module.contains("code \"walk\" system"))
    let exported = FHIRQuestionnaire(kb).resource
    #expect(FHIRStructure.questionnaireProblems(exported) == [])
    #expect(Set(FHIRTests.items(exported).compactMap { $0["linkId"] }) == Set(Self.questionLinkIds(source["item"]).map { .string($0) }))
    // Deterministic: the same file gives the same text.
    #expect(try Self.imported(Self.intake).module == module)
  }

  @Test("upstream import writes the files atomically, and they check; bad input is located and writes nothing")
  func command() throws {
    let folder = try TemporaryFolder()
    let run = try UpstreamBinary.run(["import", "fhir-questionnaire", Self.phq9.path, "--out", "clinic"], in: folder.url)
    #expect(run.status == 0, "\(run.errors)")
    #expect(run.output.hasPrefix("wrote clinic/phq_9.rules and clinic/knowledge-base.rules: 10 questions"))
    let check = try UpstreamBinary.run(["check", "--rules", "clinic"], in: folder.url)
    #expect(check.status == 0, "\(check.output)\(check.errors)")
    // A second import into the same folder joins it, without a second header.
    let second = try UpstreamBinary.run(["import", "fhir-questionnaire", Self.intake.path, "--out", "clinic"], in: folder.url)
    #expect(second.status == 0, "\(second.errors)")
    #expect(second.output.hasPrefix("wrote clinic/clinicintake.rules: 9 questions"))
    #expect(try UpstreamBinary.run(["check", "--rules", "clinic"], in: folder.url).status == 0)
    // The same again would overwrite a file: refused.
    let again = try UpstreamBinary.run(["import", "fhir-questionnaire", Self.intake.path, "--out", "clinic"], in: folder.url)
    #expect(again.status != 0)
    #expect(again.errors.contains("'clinic/clinicintake.rules' already exists"))

    try folder.write("bad.json", "{\"resourceType\": \"Questionnaire\", \"item\": [{\"type\": \"boolean\"}]}")
    let bad = try UpstreamBinary.run(["import", "fhir-questionnaire", "bad.json", "--out", "other"], in: folder.url)
    #expect(bad.status != 0)
    #expect(bad.errors.contains("bad.json:1:44: error[UP0408]: an item needs a linkId"))
    #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("other").path))
    try folder.write("patient.json", "{\"resourceType\": \"Patient\"}")
    let patient = try UpstreamBinary.run(["import", "fhir-questionnaire", "patient.json", "--out", "other"], in: folder.url)
    #expect(patient.errors.contains("this is not a FHIR Questionnaire (its resourceType is \"Patient\")"))
    let wrong = try UpstreamBinary.run(["import", "fhir-questionaire", "x.json", "--out", "other"], in: folder.url)
    #expect(wrong.status == 2)
    #expect(wrong.errors.contains("did you mean 'fhir-questionnaire'?"))
  }

  // MARK: Round trip

  /// The parts of each question item that import and export must keep, by linkId.
  static func questionItems(_ questionnaire: JSONValue) -> [String: String] {
    var items: [String: String] = [:]
    for item in FHIRTests.items(questionnaire) {
      guard case .string(let linkId)? = item["linkId"] else { continue }
      let kept = ["type", "text", "repeats", "answerOption", "enableWhen", "enableBehavior", "extension"].map { key in
        "\(key)=\(JSONWriter.compact(item[key] ?? .null))"
      }
      var help = ""
      if case .array(let children)? = item["item"] {
        help = children.filter { JSONWriter.compact($0).contains("\"code\":\"help\"") }.map { JSONWriter.compact($0["text"] ?? .null) }
          .joined()
      }
      items[linkId] = kept.joined(separator: " ") + " help=" + help
    }
    return items
  }

  /// Export, import, export again: every question item comes back the same.
  static func roundTrip(_ kb: KnowledgeBase, _ label: String) throws {
    let exported = FHIRQuestionnaire(kb).render()
    let output = FHIRQuestionnaireImport.read(SourceFile(path: "q.json", text: exported), withHeader: true)
    #expect(output.diagnostics.isEmpty, "\(label)")
    let module = try #require(output.module?.text)
    let header = try #require(output.header?.text)
    let loaded = KnowledgeBase.compile([SourceFile(path: "kb.rules", text: header), SourceFile(path: "m.rules", text: module)])
    #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [], "\(label)\n\(module)")
    let again = try #require(loaded.knowledgeBase)
    #expect(again.questions.map(\.exportLinkId).sorted() == kb.questions.map(\.exportLinkId).sorted(), "\(label)")
    let before = Self.questionItems(FHIRQuestionnaire(kb).resource)
    let after = Self.questionItems(FHIRQuestionnaire(again).resource)
    for (linkId, item) in before { #expect(after[linkId] == item, "\(label): \(linkId)") }
  }

  @Test("round trip, property: rules → Questionnaire → import → rules → Questionnaire keeps every question item")
  func roundTripRules() throws {
    try Self.roundTrip(try #require(KnowledgeBase.bundled().knowledgeBase), "bundled")
    let modules = ["rules", "rules/instruments/phq-9", "rules/instruments/gad-7"]
    let withModules = KnowledgeBase.load(directories: modules.map { UpstreamBinary.packageRoot.appendingPathComponent($0).path })
    try Self.roundTrip(try #require(withModules.knowledgeBase), "bundled with the instruments")
    var tried = 0
    for seed in 0..<40 where tried < 15 {
      var generator = RuleFileGenerator(seed: UInt64(7000 + seed))
      let (rules, _) = generator.knowledgeBase()
      guard let kb = KnowledgeBase.compile(files: [("generated.rules", generator.write(rules))]).knowledgeBase else { continue }
      tried += 1
      try Self.roundTrip(kb, "seed \(7000 + seed)")
    }
    #expect(tried == 15)
  }

  @Test("slugs: valid, unique ids from any linkId; never a word of the language")
  func slugs() {
    #expect(FHIRQuestionnaireImport.slugged("/44249-1/44250-9", prefix: "q") == "q_44249-1_44250-9")
    #expect(FHIRQuestionnaireImport.slugged("Not at all", prefix: "a") == "Not_at_all")
    #expect(FHIRQuestionnaireImport.slugged("when", prefix: "q") == "q_when")
    #expect(FHIRQuestionnaireImport.slugged("ÄÖ?", prefix: "q") == "q")
    #expect(FHIRQuestionnaireImport.slugged("1.2", prefix: "q") == "q_1_2")
  }
}
