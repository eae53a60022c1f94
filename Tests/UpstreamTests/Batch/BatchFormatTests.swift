import Foundation
import Testing

@testable import Upstream

@Suite("Batch output formats")
struct BatchFormatTests {
  /// The shipped cases with bad lines mixed in, written to a real file.
  static func inputFile(_ folder: TemporaryFolder) throws -> (path: String, lines: [String], bad: Set<Int>) {
    let (lines, bad) = try BatchTests.input()
    let path = try folder.write("people.jsonl", lines.joined(separator: "\n") + "\n")
    return (path, lines, bad)
  }

  static func items(_ value: JSONValue?) -> [JSONValue] {
    guard case .array(let items)? = value else { return [] }
    return items
  }

  static func text(_ value: JSONValue?) -> String? {
    guard case .string(let text)? = value else { return nil }
    return text
  }

  @Test("--output-format tree is today's record, byte for byte; the default is tree")
  func treeIsTheDefault() throws {
    let folder = try TemporaryFolder()
    let (path, _, _) = try Self.inputFile(folder)
    let plain = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", "1"])
    let tree = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", "1", "--output-format", "tree"])
    #expect(plain.status == 3 && tree.status == 3)
    #expect(plain.output == tree.output)
    #expect(plain.output.split(separator: "\n").first?.hasPrefix("{\"format\":\"upstream-assessment\",") == true)
  }

  @Test("fhir lines: each is the Bundle `assess --format fhir` writes for that line's answers, on one line; error lines unchanged")
  func fhirLinesAreTheSingleFileBundle() throws {
    let folder = try TemporaryFolder()
    let (path, lines, bad) = try Self.inputFile(folder)
    let tree = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", "2"])
    let fhir = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", "2", "--output-format", "fhir"])
    #expect(fhir.status == 3, "\(fhir.errors.prefix(2000))")
    let treeLines = tree.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    let fhirLines = fhir.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    try #require(fhirLines.count == lines.count && treeLines.count == lines.count)
    var compared = 0
    for index in lines.indices {
      if bad.contains(index + 1) {
        #expect(fhirLines[index] == treeLines[index])
        continue
      }
      let line = try JSONValue.parse(String(fhirLines[index]))
      #expect(Self.text(line["resourceType"]) == "Bundle")
      // Every fifth line through the binary on its own, as a clinic would for one person.
      guard index % 5 == 0 else { continue }
      let single = try folder.write("person-\(index).json", lines[index])
      let bundle = try UpstreamBinary.run(["assess", "--answers", single, "--format", "fhir"])
      #expect(bundle.status == 0, "\(bundle.errors.prefix(500))")
      #expect(try JSONValue.parse(bundle.output) == line, "line \(index + 1)")
      compared += 1
    }
    #expect(compared >= 10)
  }

  @Test("summary lines: the schema, the same red flags, care level and scores as the full record, error lines unchanged")
  func summaryAgreesWithTheTree() throws {
    let folder = try TemporaryFolder()
    let (path, lines, bad) = try Self.inputFile(folder)
    let tree = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", "2"])
    let summary = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", "2", "--output-format", "summary"])
    #expect(summary.status == 3, "\(summary.errors.prefix(2000))")
    let treeLines = tree.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    let summaryLines = summary.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    try #require(summaryLines.count == lines.count && treeLines.count == lines.count)
    let schemaURL = UpstreamBinary.packageRoot.appendingPathComponent("Docs/assessment-summary.schema.json")
    let validator = JSONSchemaValidator(
      root: try JSONValue.parse(String(contentsOf: schemaURL, encoding: .utf8), file: schemaURL.path))
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    var flagsSeen = 0
    var scoresSeen = 0
    for index in lines.indices {
      if bad.contains(index + 1) {
        // An error record is the same whatever the format.
        #expect(summaryLines[index] == treeLines[index])
        continue
      }
      let line = try JSONValue.parse(String(summaryLines[index]))
      let full = try JSONValue.parse(String(treeLines[index]))
      #expect(validator.validate(line).isEmpty, "line \(index + 1): \(validator.validate(line).prefix(3))")
      #expect(summaryLines[index].count * 4 < treeLines[index].count, "a summary is a small part of the record")
      #expect(Self.text(line["format"]) == "upstream-assessment-summary")
      #expect(line["careLevel"] == full["careLevel"])
      #expect(line["answersHash"] == full["answersHash"])
      #expect(line["knowledgeBase"] == full["knowledgeBase"])
      let flags = Self.items(line["redFlags"]).map { [Self.text($0["id"]), Self.text($0["urgency"])] }
      #expect(flags == Self.items(full["redFlags"]).map { [Self.text($0["id"]), Self.text($0["urgency"])] })
      flagsSeen += flags.count
      #expect(Self.items(line["unansweredSafetyQuestions"]) == Self.items(full["unansweredSafetyQuestions"]).map { $0["id"] ?? .null })
      let scores = Self.items(line["scores"]).map { [$0["id"], $0["total"], $0["complete"], $0["stratum"]] }
      #expect(scores == Self.items(full["scores"]).map { [$0["id"], $0["total"], $0["complete"], $0["stratum"]] })
      scoresSeen += scores.count
      // Findings and recommendations: what the assessment of that line concluded.
      let answers = try #require(AnswersReader.read(SourceFile(path: "x", text: lines[index]), for: kb).answers)
      let assessment = kb.assess(validated: answers)
      #expect(Self.items(line["findings"]).map { Self.text($0["id"]) ?? "" } == assessment.likelyFindings.map(\.finding.id))
      for (entry, expected) in zip(Self.items(line["findings"]), assessment.likelyFindings) {
        guard case .number(let certainty)? = entry["certainty"] else {
          Issue.record("no certainty in \(entry)")
          continue
        }
        #expect(abs(certainty - expected.certainty) <= 0.00005)
      }
      #expect(Self.items(line["recommendations"]).map { Self.text($0["id"]) ?? "" } == assessment.givenRecommendations.map(\.id))
    }
    // The shipped cases raise red flags and fill in scores, so the comparisons above bite.
    #expect(flagsSeen > 0)
    #expect(scoresSeen > 0)
  }

  @Test("an unknown output format is a usage error with a suggestion; --output-format needs --batch")
  func usage() throws {
    let wrong = try UpstreamBinary.run(["assess", "--batch", "-", "--output-format", "sumary"], input: "")
    #expect(wrong.status == 2)
    #expect(wrong.errors.contains("'sumary' is not an output format") && wrong.errors.contains("did you mean 'summary'?"))
    let single = try UpstreamBinary.run(["assess", "--answers", "-", "--output-format", "summary"], input: "{}")
    #expect(single.status == 2)
    #expect(single.errors.contains("--output-format chooses what each line of --batch carries"))
  }
}
