import Foundation
import Testing

@testable import Upstream

/// `upstream assess`, `why`, `why-not` and `what-if` through the real binary.
@Suite("Tree and explanation commands")
struct ExplanationCommandTests {
  /// A folder holding the chain fixture as a knowledge base and answers A.
  final class Setup {
    let folder: TemporaryFolder
    let rules: String
    let answers: String

    init() throws {
      folder = try TemporaryFolder()
      try folder.write("rules/tree.rules", TreeFixtures.chain)
      rules = folder.url.appendingPathComponent("rules").path
      answers = try folder.write("a.json", #"{"pain": ["knee", "hip"], "flat": true, "stiff": true, "sits": true}"#)
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> UpstreamBinary.Result {
      try UpstreamBinary.run(arguments + ["--rules", rules], in: folder.url, environment: environment)
    }
  }

  @Test("assess prints the tree; --width and COLUMNS set the width; --audience patient hides rule ids")
  func assess() throws {
    let setup = try Setup()
    let clinician = try setup.run(["assess", "--answers", setup.answers, "--width", "60"])
    #expect(clinician.status == 0, "\(clinician.errors)")
    #expect(clinician.output.contains("Knee pain (knee_pain) — very likely (1.00)\n└─ Restricted hip rotation (hip_rotation) — very"))
    #expect(clinician.output.split(separator: "\n").allSatisfy { $0.count <= 60 })
    let columns = try setup.run(["assess", "--answers", setup.answers], environment: ["COLUMNS": "44"])
    #expect(columns.output.split(separator: "\n").allSatisfy { $0.count <= 44 })
    #expect(columns.output.split(separator: "\n").contains { $0.count > 40 })
    let patient = try setup.run(["assess", "--answers", setup.answers, "--audience", "patient"])
    #expect(patient.output.contains("Your stiff hips make your knee twist."))
    #expect(!patient.output.contains("stiff-hips-load-the-knee"))
    #expect(!patient.output.contains("\u{1B}["))
  }

  @Test("assess writes JSON, Markdown and HTML; --output writes atomically")
  func formats() throws {
    let setup = try Setup()
    let markdown = try setup.run(["assess", "--answers", setup.answers, "--format", "markdown"])
    #expect(markdown.output.hasPrefix("# Tree tests, knowledge base 1.2\n"))
    let target = setup.folder.url.appendingPathComponent("report.html").path
    let html = try setup.run(["assess", "--answers", setup.answers, "--format", "html", "--output", target])
    #expect(html.status == 0 && html.output.isEmpty)
    #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: setup.folder.path).allSatisfy { !$0.hasSuffix(".tmp") })
    let json = try setup.run(["assess", "--answers", setup.answers, "--format", "json", "--audience", "patient"])
    #expect(json.output.contains("\"version\": 5,\n  \"audience\": \"patient\""))
    let bad = try setup.run(["assess", "--answers", setup.answers, "--format", "pdf"])
    #expect(bad.status == 2 && bad.errors.contains("use text or json or markdown or html"))
  }

  @Test("why and why-not through the binary")
  func whyCommands() throws {
    let setup = try Setup()
    let why = try setup.run(["why", "arches", "--answers", setup.answers, "--width", "100"])
    #expect(why.status == 0, "\(why.errors)")
    #expect(why.output.hasPrefix("Why Collapsed arches (arches) is possible (0.59)\n"))
    #expect(why.output.contains("for: 1 − (1 − 0.40)(1 − 0.32) = 0.59"))
    let json = try setup.run(["why", "arches", "--answers", setup.answers, "--format", "json"])
    #expect(json.output.contains("\"format\": \"upstream-why\""))
    let none = try setup.folder.write("none.json", #"{"pain": ["hip"], "sits": false}"#)
    let stopped = try setup.run(["why-not", "sitting", "--answers", none, "--audience", "patient", "--width", "100"])
    #expect(stopped.status == 0, "\(stopped.errors)")
    #expect(stopped.output.contains("Why not Long sitting? It is unclear."))
    #expect(stopped.output.contains("✗ you answered 'no' to \"Do you sit most of the day?\""))
    #expect(stopped.output.contains("'yes' to \"Do you sit most of the day?\" (you answered 'no')"))
    #expect(stopped.output.contains("→ then Long sitting would be less likely"))
  }

  @Test("what-if shows the tree's changes; a wrong --set is an answers error, exit 3")
  func whatIf() throws {
    let setup = try Setup()
    let result = try setup.run(["what-if", "--answers", setup.answers, "--set", "stiff=no", "--set", "flat=no", "--width", "120"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.contains("− Restricted hip rotation (hip_rotation) under Knee pain (knee_pain) (was #1, very likely (0.80))"))
    #expect(result.output.contains("− Roll your feet (roll) (no longer called for)"))
    let unset = try setup.run(["what-if", "--answers", setup.answers, "--unset", "stiff", "--format", "json"])
    #expect(unset.output.contains("\"format\": \"upstream-what-if\""))
    let bad = try setup.run(["what-if", "--answers", setup.answers, "--set", "stif=maybe", "--set", "sits=maybe"])
    #expect(bad.status == 3)
    #expect(bad.errors.contains("the knowledge base has no question 'stif'"))
    #expect(bad.errors.contains("did you mean 'stiff'?"))
    #expect(bad.errors.contains("question 'sits' expects yes or no (true or false in JSON); found the text \"maybe\""))
    let nothing = try setup.run(["what-if", "--answers", setup.answers])
    #expect(nothing.status == 2)
    // One change a question: which of two would count is not left to their order.
    let twice = try setup.run(["what-if", "--answers", setup.answers, "--set", "stiff=no", "--unset", "stiff"])
    #expect(twice.status == 2)
    #expect(twice.errors.contains("'stiff' is changed twice (--set stiff=no, --unset stiff)"))
    // --set takes yes/no as its help says, y/n too.
    let short = try setup.run(["what-if", "--answers", setup.answers, "--set", "stiff=n", "--format", "json"])
    #expect(short.status == 0, "\(short.errors)")
  }

  @Test("unknown nodes, audiences and widths are usage errors with suggestions")
  func usageErrors() throws {
    let setup = try Setup()
    let node = try setup.run(["why", "archez", "--answers", setup.answers])
    #expect(node.status == 2)
    #expect(node.errors.contains("the knowledge base has no finding, red flag, recommendation or score 'archez'"))
    #expect(node.errors.contains("did you mean 'arches'?"))
    let question = try setup.run(["why-not", "stiff", "--answers", setup.answers])
    #expect(question.status == 2 && question.errors.contains("'stiff' is a question"))
    let audience = try setup.run(["assess", "--answers", setup.answers, "--audience", "patients"])
    #expect(audience.status == 2 && audience.errors.contains("did you mean 'patient'?"))
    let width = try setup.run(["assess", "--answers", setup.answers, "--width", "5"])
    #expect(width.status == 2 && width.errors.contains("--width takes a whole number of columns from 20 to 1000"))
    let missing = try setup.run(["why", "--answers", setup.answers])
    #expect(missing.status == 2 && missing.errors.contains("needs a NODE"))
  }
}
