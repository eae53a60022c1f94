import Foundation
import Testing

@testable import Upstream

@Suite("Assessment JSON")
struct AssessmentJSONTests {
  static func schema() throws -> JSONSchemaValidator {
    let url = UpstreamBinary.packageRoot.appendingPathComponent("Docs/assessment.schema.json")
    return JSONSchemaValidator(root: try JSONValue.parse(String(contentsOf: url, encoding: .utf8), file: url.path))
  }

  /// Assessments that between them use every part of the format.
  static func examples() throws -> [(String, Assessment)] {
    let chain = try TreeFixtures.compile(TreeFixtures.chain)
    let conflict = try TreeFixtures.compile(TreeFixtures.conflict)
    let flags = try TreeFixtures.compile(TreeFixtures.redFlags)
    return [
      ("chain", chain.assess(validated: RecommendationTreeTests.answersA)),
      ("chain, nothing", chain.assess(validated: Answers(["pain": .options([])]))),
      ("conflict", conflict.assess(validated: Answers(["hurts": .yes, "arch": .option("flat"), "boots": .yes, "diabetes": .yes]))),
      ("emergency", flags.assess(validated: Answers(["numb": .yes, "hurts": .yes, "flat": .yes, "worry": .yes]))),
      ("routine and score", flags.assess(validated: Answers(["weight_loss": .yes, "hurts": .yes, "flat": .yes, "worry": .yes, "walk_less": .yes]))),
      ("nothing found", flags.assess(validated: Answers(["hurts": .yes, "flat": .no]))),
    ]
  }

  @Test("the JSON of every example validates against Docs/assessment.schema.json, for both audiences")
  func validatesAgainstSchema() throws {
    let validator = try Self.schema()
    for (name, assessment) in try Self.examples() {
      for audience in Audience.allCases {
        let json = try JSONValue.parse(AssessmentJSONRenderer(audience: audience).render(assessment))
        let problems = validator.validate(json)
        #expect(problems.isEmpty, "\(name), \(audience): \(problems.prefix(5))")
      }
    }
  }

  @Test("the bundled knowledge base's JSON validates too")
  func bundledValidates() throws {
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    let answers = try Self.exampleAnswers("trucker-hip.json", kb)
    let json = try JSONValue.parse(AssessmentJSONRenderer().render(kb.assess(validated: answers)))
    #expect(try Self.schema().validate(json).isEmpty)
  }

  static func exampleAnswers(_ name: String, _ kb: KnowledgeBase) throws -> Answers {
    let path = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/\(name)").path
    let output = AnswersReader.read(SourceFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8)), for: kb)
    return try #require(output.answers, "\(output.diagnostics.map(\.message))")
  }

  @Test("the validator catches documents that break the schema")
  func validatorRejects() throws {
    let validator = try Self.schema()
    let (_, assessment) = try #require(try Self.examples().first)
    guard case .object(var fields) = try JSONValue.parse(AssessmentJSONRenderer().render(assessment)) else {
      Issue.record("not an object")
      return
    }
    // A missing field, a wrong type, a value outside an enum, an unknown field.
    var missing = fields
    missing.removeAll { $0.key == "answersHash" }
    #expect(validator.validate(.object(missing)).contains("$: missing required field 'answersHash'"))
    let index = try #require(fields.firstIndex { $0.key == "version" })
    fields[index].value = .number(1)
    #expect(validator.validate(.object(fields)).contains { $0.hasPrefix("$.version: 1 is not one of") })
    fields[index].value = .string("2")
    #expect(validator.validate(.object(fields)).contains("$.version: expected integer, found a text"))
    fields[index].value = .number(Double(AssessmentJSONRenderer.formatVersion))
    fields.append(("extra", .null))
    #expect(validator.validate(.object(fields)) == ["$: unexpected field 'extra'"])
    // Deep inside the tree: a contributor with a bad certainty word.
    let text = AssessmentJSONRenderer().render(assessment).replacingOccurrences(
      of: "\"certaintyWords\": \"possible\"", with: "\"certaintyWords\": \"maybe\"")
    #expect(validator.validate(try JSONValue.parse(text)).contains { $0.contains(".certaintyWords: \"maybe\" is not one of") })
  }

  @Test("fields come in a stable, documented order")
  func fieldOrder() throws {
    let (_, assessment) = try #require(try Self.examples().first)
    guard case .object(let fields) = try JSONValue.parse(AssessmentJSONRenderer().render(assessment)) else {
      Issue.record("not an object")
      return
    }
    #expect(
      fields.map(\.key) == [
        "format", "version", "audience", "knowledgeBase", "answers", "answersHash", "disclaimer", "lessLikelyBelow",
        "careLevel", "redFlags", "withheld", "notForYou", "unansweredSafetyQuestions", "firstSteps", "complaints",
        "otherFindings", "nothingFound", "generalAdvice", "safetyNetting", "whileWaiting", "otherRecommendations", "scores", "settlements",
      ])
    #expect(AssessmentJSONRenderer.formatVersion == 5)
  }

  @Test("the same rules and answers give byte-identical output in every format")
  func deterministic() throws {
    let kb = try TreeFixtures.compile(TreeFixtures.chain)
    var reversed = Answers()
    for id in RecommendationTreeTests.answersA.questionIDs.reversed() { reversed[id] = RecommendationTreeTests.answersA[id] }
    let a = kb.assess(validated: RecommendationTreeTests.answersA).tree
    let b = kb.assess(validated: reversed).tree
    #expect(AssessmentJSONRenderer().render(a) == AssessmentJSONRenderer().render(b))
    #expect(TreeTextRenderer().render(a) == TreeTextRenderer().render(b))
    #expect(TreeMarkdownRenderer().render(a) == TreeMarkdownRenderer().render(b))
    #expect(TreeHTMLRenderer().render(a) == TreeHTMLRenderer().render(b))
  }
}
