import Foundation
import Testing

@testable import Upstream

/// The optional instrument modules (rules/instruments/phq-9, rules/instruments/gad-7): not
/// part of the default knowledge base, added with a second `--rules`, each with its scoring,
/// bands, codes and case tests.
@Suite("Instrument modules: PHQ-9 and GAD-7")
struct InstrumentModuleTests {
  static let root = UpstreamBinary.packageRoot
  static let modules = ["rules/instruments/phq-9", "rules/instruments/gad-7"]

  @Test("the default knowledge base is rules/*.rules only: the modules are embedded but not loaded")
  func defaultUnchanged() throws {
    let bundled = try #require(KnowledgeBase.bundled().knowledgeBase)
    #expect(bundled.question("phq9_1") == nil && bundled.question("gad7_1") == nil)
    #expect(bundled.score("phq9_total") == nil)
    let onDisk = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("rules").path)
      .filter { $0.hasSuffix(".rules") }
    #expect(KnowledgeBase.bundled().files.count == onDisk.count)
    #expect(KnowledgeBase.bundledFiles(extension: "case").allSatisfy { $0.path.hasPrefix("rules/cases/") })
  }

  @Test("--rules repeats: the bundled rules with both modules check clean and every case passes")
  func modulesBesideTheRules() throws {
    let folders = ["rules"] + Self.modules
    let loaded = KnowledgeBase.load(
      directories: folders.map { Self.root.appendingPathComponent($0).path }, checks: fixedDayChecks)
    #expect(loaded.diagnostics.map(\.message) == [])
    let kb = try #require(loaded.knowledgeBase)
    #expect(kb.score("phq9_total")?.codings == [Coding(system: "http://loinc.org", code: "44261-6")])
    #expect(kb.score("gad7_total")?.codings == [Coding(system: "http://loinc.org", code: "70274-6")])
    #expect(kb.question(linkId: "/69737-5/69725-0")?.id == "gad7_1")
    #expect(kb.instrumentCopyrights.contains { $0.hasPrefix("PHQ-9:") })

    let arguments = ["test", "--quiet"] + folders.flatMap { ["--rules", Self.root.appendingPathComponent($0).path] }
    let run = try UpstreamBinary.run(arguments)
    #expect(run.status == 0, "\(run.output)\(run.errors)")
    #expect(run.output.contains("101 passed, 0 failed"))

    // The same folder twice is read once; a folder that is not there is named.
    let twice = KnowledgeBase.load(
      directories: ["rules", "rules", "rules/instruments/phq-9"].map { Self.root.appendingPathComponent($0).path })
    #expect(twice.knowledgeBase != nil)
    let missing = try UpstreamBinary.run(["check", "--rules", "rules", "--rules", "rules/instruments/phq-10"], in: Self.root)
    #expect(missing.status == 1)
    #expect((missing.output + missing.errors).contains("there is no folder 'rules/instruments/phq-10'"))
  }

  @Test("each module alone needs a header: a module is not a knowledge base of its own")
  func moduleAlone() throws {
    let run = try UpstreamBinary.run(["check", "--rules", "rules/instruments/phq-9"], in: Self.root)
    #expect(run.status == 1)
    #expect((run.output + run.errors).contains("[UP0109]"))
  }

  @Test("the module files are in the canonical layout (upstream fmt would not change them)")
  func formatted() throws {
    for module in Self.modules {
      let folder = Self.root.appendingPathComponent(module)
      for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".rules") }) {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        #expect(RuleFormatter.format(SourceFile(path: name, text: text)).text == text, "\(module)/\(name)")
      }
    }
  }

  @Test("GAD-7 scoring: the total is the sum of the items, whatever the response stores")
  func gad7Total() throws {
    let loaded = KnowledgeBase.load(
      directories: [Self.root.appendingPathComponent("Tests/FHIRFixtures/standalone").path]
        + [Self.root.appendingPathComponent("rules/instruments/gad-7").path], checks: fixedDayChecks)
    let kb = try #require(loaded.knowledgeBase)
    let codes = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    var generator = SeededGenerator(seed: 7)
    for _ in 0..<50 {
      let picks = kb.questions.map { _ in Int.random(in: 0..<4, using: &generator) }
      let items = zip(kb.questions, picks).map { question, pick in
        "{\"linkId\": \"\(question.exportLinkId)\", \"answer\": [{\"valueCoding\": {\"system\": \"http://loinc.org\", \"code\": \"\(codes[pick])\"}}]}"
      }
      let stored = Int.random(in: 0...21, using: &generator)
      let response =
        "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\", \"item\": [\(items.joined(separator: ", ")), {\"linkId\": \"/69737-5/70274-6\", \"answer\": [{\"valueInteger\": \(stored)}]}]}"
      let output = AnswersReader.read(SourceFile(path: "r.json", text: response), for: kb)
      let answers = try #require(output.answers)
      let sum = picks.reduce(0, +)
      #expect(kb.assess(validated: answers).score("gad7_total")?.total == Double(sum))
      let warned = output.diagnostics.contains { $0.code == .storedScoreDiffers }
      #expect(warned == (stored != sum))
      if warned {
        #expect(output.diagnostics.contains { $0.message.contains("stores \(stored) as the total") && $0.message.contains("is \(sum)") })
      }
    }
  }
}
