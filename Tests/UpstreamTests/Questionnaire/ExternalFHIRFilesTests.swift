import Foundation
import Testing
import UpstreamDigest

@testable import Upstream

/// FHIR files that other systems wrote (the HL7 SDC implementation guide's PHQ-9 example,
/// LHC-Forms' PHQ-9, Stanford's GAD-7, the MII PRO module's PHQ-9 and GAD-7 responses), read unchanged: each response into the shipped
/// module, each Questionnaire through `upstream import fhir-questionnaire` into rules that
/// `upstream check` accepts. Tests/FHIRFixtures/external/README.md names each file's
/// source, commit and licence.
@Suite("FHIR files from other systems, unchanged")
struct ExternalFHIRFilesTests {
  static let root = UpstreamBinary.packageRoot
  static let folder = root.appendingPathComponent("Tests/FHIRFixtures/external")
  static let sdcQuestionnaire = "hl7-sdc/questionnaire-sdc-profile-example-PHQ9.json"
  static let sdcResponses = [
    "hl7-sdc/questionnaireresponse-sdc-profile-example-PHQ9.json",
    "hl7-sdc/adaptive-questionnaireresponse-sdc-profile-example-PHQ9.json",
  ]
  static let lformsQuestionnaire = "lhncbc-lforms/phq9.json"
  static let stanfordGAD7 = "stanford-researchkitonfhir/GAD-7.json"
  static let miiResponse = "mii-kds-proms/QuestionnaireResponse-mii-exa-pro-phq-9-response.json"
  static let miiGAD7Response = "mii-kds-proms/QuestionnaireResponse-mii-exa-pro-gad-7-response.json"

  static func file(_ name: String) throws -> SourceFile {
    SourceFile(path: name, text: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
  }

  /// The shipped PHQ-9 module alone (with a header of its own) and beside the bundled rules.
  static func phq9KnowledgeBases() throws -> [KnowledgeBase] {
    let module = root.appendingPathComponent("rules/instruments/phq-9").path
    return try [root.appendingPathComponent("Tests/FHIRFixtures/standalone").path, root.appendingPathComponent("rules").path]
      .map { base in
        let loaded = KnowledgeBase.load(directories: [base, module], checks: fixedDayChecks)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        return try #require(loaded.knowledgeBase)
      }
  }

  // MARK: The files are the published ones

  @Test("every file is listed in the README with its source and SHA-256, and is unchanged")
  func unchanged() throws {
    let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
    let names = [Self.sdcQuestionnaire, Self.lformsQuestionnaire, Self.stanfordGAD7, Self.miiResponse, Self.miiGAD7Response] + Self.sdcResponses
    let listed = try FileManager.default.subpathsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }
    #expect(listed.sorted() == names.sorted())
    for name in names {
      let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
      let digest = SHA256.hex(Array(data))
      let file = String(name.split(separator: "/").last ?? "")
      let row = readme.split(separator: "\n").first { $0.hasPrefix("| `\(file)`") }
      #expect(row?.contains("`\(digest)`") == true, "\(name) is \(digest); the README lists \(row ?? "nothing")")
    }
    #expect(readme.contains("Licence:"))
  }

  // MARK: Responses into the shipped module

  @Test("the SDC PHQ-9 responses import into the PHQ-9 module: total is the items' 10, not the stored 13, with the warning")
  func sdcResponses() throws {
    for kb in try Self.phq9KnowledgeBases() {
      for name in Self.sdcResponses {
        for strict in [false, true] {
          let output = AnswersReader.read(try Self.file(name), for: kb, strict: strict)
          #expect(output.diagnostics.filter { $0.severity == .error }.map(\.message) == [], "\(name)")
          let answers = try #require(output.answers)
          let expected: [String: String] = [
            "phq9_1": "not_at_all", "phq9_2": "not_at_all", "phq9_3": "not_at_all", "phq9_4": "several_days",
            "phq9_5": "more_than_half", "phq9_6": "several_days", "phq9_7": "nearly_every_day",
            "phq9_8": "more_than_half", "phq9_9": "several_days",
          ]
          for (question, option) in expected { #expect(answers[question] == .option(option), "\(question) in \(name)") }
          let warnings = output.diagnostics.filter { $0.severity == .warning }.map(\.message)
          #expect(
            warnings.contains(
              "the response stores 13 as the total of 'phq9_total' (PHQ-9 total score); the sum of its items is 10: Upstream uses its own sum"
            ), "\(warnings)")
          // The codings carry no system and codes of the guide's own: taken by display, each said.
          #expect(warnings.filter { $0.contains("Upstream took") && $0.contains("by its display") }.count == 9)
          let assessment = kb.assess(validated: answers)
          #expect(assessment.score("phq9_total")?.total == 10)
          #expect(assessment.tree.redFlags.map(\.id).contains("self_harm_thoughts"))
        }
      }
    }
  }

  @Test("the MII PRO module's PHQ-9 response imports into the PHQ-9 module: 27, the sum of its items, as it stores")
  func miiResponse() throws {
    for kb in try Self.phq9KnowledgeBases() {
      let output = AnswersReader.read(try Self.file(Self.miiResponse), for: kb)
      #expect(output.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
      let answers = try #require(output.answers)
      for item in 1...9 { #expect(answers["phq9_\(item)"] == .option("nearly_every_day"), "phq9_\(item)") }
      #expect(answers.assessmentDate == CalendarDay("2023-10-01"))
      let warnings = output.diagnostics.filter { $0.severity == .warning }
      // The stored total agrees with the items' sum: no warning about it. The difficulty item
      // PHQ.10 is not scored and no question names it: one warning, naming it.
      #expect(!warnings.contains { $0.code == .storedScoreDiffers })
      #expect(warnings.filter { $0.code == .unknownFHIRItem }.map(\.message).allSatisfy { $0.contains("PHQ.10") })
      #expect(warnings.filter { $0.code == .unknownFHIRItem }.count == 1)
      let assessment = kb.assess(validated: answers)
      let score = try #require(assessment.score("phq9_total"))
      #expect(score.total == 27)
      #expect(assessment.tree.redFlags.map(\.id).contains("self_harm_thoughts"))
      // With --strict the unknown difficulty item is an error: nothing is half imported.
      let strict = AnswersReader.read(try Self.file(Self.miiResponse), for: kb, strict: true)
      #expect(strict.answers == nil)
      #expect(strict.diagnostics.contains { $0.severity == .error && $0.message.contains("PHQ.10") })
    }
  }

  @Test("the MII PRO module's GAD-7 response imports into the GAD-7 module: 13, the sum of its items, as it stores")
  func miiGAD7Response() throws {
    let module = Self.root.appendingPathComponent("rules/instruments/gad-7").path
    for base in [Self.root.appendingPathComponent("Tests/FHIRFixtures/standalone").path, Self.root.appendingPathComponent("rules").path] {
      let loaded = KnowledgeBase.load(directories: [base, module], checks: fixedDayChecks)
      #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
      let kb = try #require(loaded.knowledgeBase)
      let output = AnswersReader.read(try Self.file(Self.miiGAD7Response), for: kb)
      #expect(output.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
      let answers = try #require(output.answers)
      let expected = ["more_than_half", "nearly_every_day", "more_than_half", "several_days", "more_than_half", "several_days", "more_than_half"]
      for (item, option) in expected.enumerated() { #expect(answers["gad7_\(item + 1)"] == .option(option), "gad7_\(item + 1)") }
      let warnings = output.diagnostics.filter { $0.severity == .warning }
      #expect(!warnings.contains { $0.code == .storedScoreDiffers })
      // The PROMIS T-score is not part of GAD-7: the one item no question names.
      #expect(warnings.filter { $0.code == .unknownFHIRItem }.map(\.message).count == 1)
      #expect(warnings.contains { $0.code == .unknownFHIRItem && $0.message.contains("phq-gad7-promis-tscore") })
      let score = try #require(kb.assess(validated: answers).score("gad7_total"))
      #expect(score.total == 13)
      #expect(score.stratum.flatMap { kb.score("gad7_total")?.strata[$0].id } == "moderate")
    }
  }

  @Test("every question item of the SDC and LHC-Forms PHQ-9 forms names a question of the module, in order")
  func publishedLinkIds() throws {
    let kb = try #require(try Self.phq9KnowledgeBases().first)
    for name in [Self.sdcQuestionnaire, Self.lformsQuestionnaire] {
      let form = try FHIRTests.json(try Self.file(name).text)
      let linkIds = QuestionnaireImportTests.questionLinkIds(form["item"]).filter { $0 != "/69722-7" }
      #expect(linkIds.compactMap { kb.question(linkId: $0)?.id } == (1...9).map { "phq9_\($0)" }, "\(name)")
    }
    #expect(kb.score(linkId: "H1/TS")?.id == "phq9_total")
    #expect(kb.score(linkId: "/44261-6")?.id == "phq9_total")
  }

  // MARK: Questionnaires into rules

  @Test("each Questionnaire goes through upstream import fhir-questionnaire, and upstream check accepts the result")
  func importedQuestionnairesCheck() throws {
    let folder = try TemporaryFolder()
    let forms: [(file: String, out: String, questions: Int)] = [
      (Self.sdcQuestionnaire, "sdc", 9), (Self.lformsQuestionnaire, "lforms", 10), (Self.stanfordGAD7, "gad7", 7),
    ]
    for form in forms {
      let path = Self.folder.appendingPathComponent(form.file).path
      let run = try UpstreamBinary.run(["import", "fhir-questionnaire", path, "--out", form.out], in: folder.url)
      #expect(run.status == 0, "\(form.file): \(run.errors)")
      #expect(run.output.contains(": \(form.questions) questions;"), "\(run.output)")
      let check = try UpstreamBinary.run(["check", "--rules", form.out], in: folder.url)
      #expect(check.status == 0, "\(form.file): \(check.output)\(check.errors)")
    }
  }

  @Test("a contained ValueSet gives the options, their codes and weights: SDC PHQ-9 and Stanford GAD-7 score 0 to 27 and 0 to 21")
  func containedValueSets() throws {
    let sdc = try QuestionnaireImportTests.imported(Self.folder.appendingPathComponent(Self.sdcQuestionnaire))
    let item = try #require(sdc.kb.question(linkId: "H1/T1/Q5"))
    #expect(item.kind.options.map(\.label) == ["Not at all", "Several days", "More than half the days", "Nearly every day"])
    #expect(
      item.kind.options.map { $0.codings.map(\.code) } == [
        ["Not-at-all"], ["Several-days"], ["More than half the days"], ["Nearly every day"],
      ])
    #expect(item.kind.options.allSatisfy { $0.codings.first?.system == "http://hl7.org/fhir/uv/sdc/CodeSystem/CSPHQ9" })
    let total = try #require(sdc.kb.scores.first)
    #expect(total.linkIds == ["H1/TS"])
    #expect(total.range == 0...27)
    #expect(sdc.module.contains("copyrighted by Pfizer Inc."))

    let gad7 = try QuestionnaireImportTests.imported(Self.folder.appendingPathComponent(Self.stanfordGAD7))
    #expect(gad7.kb.questions.count == 7)
    #expect(gad7.kb.questions.allSatisfy { $0.kind.options.count == 4 })
    #expect(gad7.kb.scores.first?.range == 0...21)
    #expect(gad7.kb.question(linkId: "2bab9480-5251-4997-8a2e-937a1701cfe9")?.wording == "Feeling nervous, anxious, or on edge")
  }

  @Test("the SDC response imports into the rules imported from its own Questionnaire: 10, with the stored 13 warned")
  func sdcRoundTrip() throws {
    let sdc = try QuestionnaireImportTests.imported(Self.folder.appendingPathComponent(Self.sdcQuestionnaire))
    for name in Self.sdcResponses {
      let output = AnswersReader.read(try Self.file(name), for: sdc.kb)
      #expect(output.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
      let answers = try #require(output.answers)
      // The options declare the guide's codes, so nothing is taken by display.
      #expect(!output.diagnostics.contains { $0.message.contains("by its display") })
      let total = try #require(sdc.kb.scores.first)
      #expect(sdc.kb.assess(validated: answers).score(total.id)?.total == 10)
      #expect(output.diagnostics.contains { $0.code == .storedScoreDiffers && $0.message.contains("stores 13") })
    }
  }
}
