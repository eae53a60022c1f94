import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine

/// What a hostile tester found, each through the real binary: duplicate JSON keys and
/// stray members cannot hide a safety answer, numbers do not underflow to 0, control
/// characters never reach a terminal raw, a closed or full output ends with exit 4, and
/// what-if reports safety questions left open.
@Suite("Hostile input")
struct HostileInputTests {
  static let saddleItem = #"{"linkId": "saddle_numbness", "answer": [{"valueBoolean": false}], "answer": [{"valueBoolean": true}]}"#

  @Test("a key given twice is refused in FHIR responses, answers files and batch lines, with both places")
  func duplicateKeys() throws {
    let folder = try TemporaryFolder()
    let fhir = try folder.write(
      "response.json",
      #"{"resourceType": "QuestionnaireResponse", "status": "completed", "item": ["# + Self.saddleItem + "]}\n")
    let result = try UpstreamBinary.run(["assess", "--answers", fhir])
    #expect(result.status == 3)
    #expect(result.errors.contains("error[UP0409]: the key \"answer\" is given twice in one object"))
    #expect(result.errors.contains("note: first given here (\(fhir):1:"))
    #expect(!result.output.contains("cauda"), "nothing may be assessed")
    let plain = try folder.write("answers.json", "{\"saddle_numbness\": false, \"saddle_numbness\": true}\n")
    let plainResult = try UpstreamBinary.run(["assess", "--answers", plain])
    #expect(plainResult.status == 3 && plainResult.errors.contains("[UP0409]"))
    let batch = try UpstreamBinary.run(
      ["assess", "--batch", "-"], input: "{\"saddle_numbness\": false, \"saddle_numbness\": true}\n")
    #expect(batch.status == 3)
    #expect(batch.output.contains("UP0409"))
  }

  @Test("an answer written beside resourceType is an error that says where it belongs, not silently dropped")
  func strayTopLevelMember() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("response.json", #"{"diabetes": true, "resourceType": "QuestionnaireResponse", "status": "completed"}"# + "\n")
    let result = try UpstreamBinary.run(["assess", "--answers", file])
    #expect(result.status == 3)
    #expect(
      result.errors.contains(
        "error[UP0410]: a FHIR QuestionnaireResponse has no member \"diabetes\"; to answer question 'diabetes', put it in an item"))
  }

  @Test("a number too small to tell from 0 is refused like one too large")
  func underflow() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("answers.json", "{\"sitting_hours\": 1e-400}\n")
    let result = try UpstreamBinary.run(["assess", "--answers", file])
    #expect(result.status == 3)
    #expect(result.errors.contains("the number 1e-400 is too small to be told apart from 0"))
    let zero = try folder.write("zero.json", "{\"sitting_hours\": 0e-400}\n")
    #expect(try UpstreamBinary.run(["assess", "--answers", zero]).status == 0)
  }

  @Test("control characters from answers, FHIR texts and rule files are shown escaped, never written raw")
  func noRawControlCharacters() throws {
    let folder = try TemporaryFolder()
    let key = try folder.write("answers.json", "{\"\\u001b[2Jsaddle\": true, \"pain_areas\": [\"\\u001b]0;owned\\u0007\"]}\n")
    let result = try UpstreamBinary.run(["assess", "--answers", key])
    #expect(result.status == 3)
    #expect(!result.errors.contains("\u{1B}") && !result.errors.contains("\u{07}"))
    #expect(result.errors.contains("\\e[2Jsaddle"))
    // A raw ESC inside a rule text is refused when the rules are checked.
    let rules = folder.url.appendingPathComponent("rules")
    for name in try FileManager.default.contentsOfDirectory(atPath: UpstreamBinary.packageRoot.appendingPathComponent("rules").path)
    where name.hasSuffix(".rules") {
      var text = try String(contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("rules/" + name), encoding: .utf8)
      if name == "complaints.rules" { text = text.replacingOccurrences(of: "\"Lower back\"", with: "\"Lower \u{1B}[31mback\"") }
      try folder.write("rules/" + name, text)
    }
    let check = try UpstreamBinary.run(["check", "--rules", rules.path])
    #expect(check.status == 1)
    #expect(check.output.contains("error[UP0001]: this text contains the control character \\e"))
    #expect(!check.output.contains("\u{1B}"))
  }

  /// Runs `upstream ARGUMENTS REDIRECTION` in a shell and returns what it wrote to
  /// standard error, followed by `exit N`.
  static func shell(_ arguments: String, _ redirection: String) throws -> String {
    let shell = try ChildProgram(
      "/bin/sh", ["-c", "'\(UpstreamBinary.path)' \(arguments) \(redirection); echo \"exit $?\" >&2"],
      environment: ChildEnvironment.clean())
    shell.wait(seconds: 120)
    return shell.errors
  }

  @Test("a closed or full standard output ends with exit 4 and a message, never a crash")
  func closedOutput() throws {
    let full = try Self.shell("--version", "> /dev/full")
    #expect(full.contains("error: cannot write to standard output"))
    #expect(full.contains("exit 4"))
    let closed = try Self.shell("check", ">&-")
    #expect(closed.contains("exit 4"), "\(closed)")
  }

  @Test("what-if --unset of a safety question says it is now unanswered, as assess does")
  func whatIfUnsetSafetyQuestion() throws {
    let answers = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/trucker.json").path
    let result = try UpstreamBinary.run(["what-if", "--answers", answers, "--unset", "saddle_numbness", "--width", "200"])
    #expect(result.status == 0)
    #expect(result.output.contains("SAFETY QUESTIONS\n! now not answered: saddle_numbness"))
    #expect(!result.output.contains("The tree does not change."))
    // assess on the same answers without saddle_numbness lists the same question as open.
    let folder = try TemporaryFolder()
    let text = try String(contentsOfFile: answers, encoding: .utf8).replacingOccurrences(of: "  \"saddle_numbness\": false,\n", with: "")
    let edited = try folder.write("edited.json", text)
    let assess = try UpstreamBinary.run(["assess", "--answers", edited, "--width", "200"])
    let wording = "Have you noticed numbness or pins and needles around your back passage"
    #expect(assess.output.contains(wording))
    #expect(result.output.contains(wording))
  }

  @Test("TERM=dumb means no colour, like NO_COLOR")
  func dumbTerminal() {
    let console = Console(
      write: { _ in }, writeError: { _ in }, readInput: { Data() }, inputIsTerminal: true, outputIsTerminal: true,
      errorIsTerminal: true, environment: ["TERM": "dumb"])
    #expect(!console.colourOutput && !console.colourErrors)
    let colourful = Console(
      write: { _ in }, writeError: { _ in }, readInput: { Data() }, inputIsTerminal: true, outputIsTerminal: true,
      errorIsTerminal: true, environment: ["TERM": "xterm-256color"])
    #expect(colourful.colourOutput)
  }

  @Test("the terminal sanitiser escapes every control character and keeps new lines and tabs")
  func sanitiser() {
    #expect(TerminalText.sanitised("a\u{1B}[31mb") == "a\\e[31mb")
    #expect(TerminalText.sanitised("bell\u{07} del\u{7F} c1\u{9B} rlo\u{202E}") == "bell^G del^? c1\\u{9b} rlo\\u{202e}")
    #expect(TerminalText.sanitised("line\nnext\tcolumn") == "line\nnext\tcolumn")
  }
}

extension HostileInputTests {
  @Test("a JSON document with more than a million values is refused before it is built, so memory stays small")
  func tooManyValues() {
    let zeros = "{\"pain_areas\": [" + Array(repeating: "0", count: JSONReader.maximumValues + 10).joined(separator: ",") + "]}"
    let output = AnswersReader.read(SourceFile(path: "zeros.json", text: zeros), for: FuzzHarness.bundled)
    #expect(output.answers == nil)
    #expect(output.diagnostics.first?.message.contains("more than 1000000 values") == true)
    // A text holding commas and brackets is not counted.
    let text = "{\"pain_areas\": [\"" + String(repeating: ",[{", count: JSONReader.maximumValues) + "\"]}"
    let read = AnswersReader.read(SourceFile(path: "text.json", text: text), for: FuzzHarness.bundled)
    #expect(!read.diagnostics.contains { $0.message.contains("values") })
  }
}

// MARK: - The library cannot drop a misspelt answer

extension HostileInputTests {
  @Test("KnowledgeBase.assess refuses answers that do not fit, listing every problem with a suggestion")
  func libraryRefusesUnfitAnswers() throws {
    let kb = FuzzHarness.bundled
    var answers = Answers()
    answers["saddle_numbnes"] = .yes
    answers["foot_rolls"] = .option("rols_in")
    answers["sitting_hours"] = .number(30)
    answers["pain_areas"] = .options(["hip"])
    let problems = kb.validate(answers)
    #expect(problems.map(\.code).sorted { $0.rawValue < $1.rawValue } == [.unknownQuestion, .answerOutOfRange, .unknownAnswerOption])
    #expect(problems.first { $0.code == .unknownQuestion }?.fix?.replacement == "saddle_numbness")
    #expect(problems.first { $0.code == .unknownAnswerOption }?.fix?.replacement == "rolls_in")
    #expect(throws: AnswersRejected.self) { try kb.assess(answers) }
    do {
      _ = try kb.assess(answers)
    } catch {
      #expect(error.problems.count == 3)
    }
    // Fitting answers are assessed exactly as the validated path does.
    var fitting = Answers()
    fitting["saddle_numbness"] = .yes
    fitting["pain_areas"] = .options(["lower_back"])
    #expect(kb.validate(fitting).isEmpty)
    let safe = try kb.assess(fitting)
    #expect(safe.redFlags.map { kb.redFlags[$0.flag].id }.contains("cauda_equina"))
    #expect(AssessmentOutcome(safe) == AssessmentOutcome(kb.assess(validated: fitting)))
  }
}
