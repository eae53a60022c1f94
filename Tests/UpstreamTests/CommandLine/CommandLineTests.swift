import Foundation
import Testing
import UpstreamDigest

@testable import Upstream
@testable import UpstreamCommandLine

/// The `upstream` binary end to end: exit codes and messages for good and bad input.
@Suite("upstream command line")
struct CommandLineTests {
  /// A valid answers file for the bundled knowledge base.
  static let trucker = """
    {"pain_areas": ["hip"], "arch_shape": "flat", "shoe_type": "stiff_padded", "sitting_hours": 11,
     "occupation": "professional_driver", "ankle_stiff": true}
    """

  @Test("check on the shipped rules is clean and exits 0")
  func checkShippedRules() throws {
    let result = UpstreamInProcess.run(["check"])
    #expect(result.status == 0, "\(result.output)\(result.errors)")
    #expect(result.output.contains("no problems"))
    let folder = UpstreamInProcess.run(["check", "--rules", UpstreamBinary.packageRoot.appendingPathComponent("rules").path])
    #expect(folder.status == 0, "\(folder.output)")
  }

  @Test("check on a broken copy of the rules lists the expected diagnostics and exits 1")
  func checkBrokenCopy() throws {
    let folder = try TemporaryFolder()
    let rules = UpstreamBinary.packageRoot.appendingPathComponent("rules")
    for name in try FileManager.default.contentsOfDirectory(atPath: rules.path) where name.hasSuffix(".rules") {
      var text = try String(contentsOf: rules.appendingPathComponent(name), encoding: .utf8)
      if name == "foot-to-hip.rules" {
        // Misspell a question in one rule and an option in another.
        text = text.replacingOccurrences(of: "when arch_shape is flat", with: "when arch_shap is flat")
        text += "\nrule broken-option\n  when shoe_type is stif\n  then collapsed_arches certainty 0.3\n  because \"b\"\n  source truckers-guide\n"
      }
      try folder.write(name, text)
    }
    let result = UpstreamInProcess.run(["check", "--rules", folder.path])
    #expect(result.status == 1)
    #expect(result.output.contains("error[UP0101]: no question, finding or score is called 'arch_shap'"))
    #expect(result.output.contains("did you mean 'arch_shape'?"))
    #expect(result.output.contains("error[UP0104]: question 'shoe_type' has no option 'stif'"))
    #expect(result.output.contains("foot-to-hip.rules:"))
    let json = UpstreamInProcess.run(["check", "--rules", folder.path, "--format", "json"])
    #expect(json.status == 1)
    #expect(json.output.contains("\"code\": \"UP0101\""))
  }

  @Test("a missing rules folder is reported, exit 1; assess refuses to run")
  func missingFolder() throws {
    let result = UpstreamInProcess.run(["check", "--rules", "/nonexistent/rules"])
    #expect(result.status == 1)
    #expect(result.output.contains("error[UP0501]: there is no folder '/nonexistent/rules'"))
    let answers = try TemporaryFolder()
    let path = try answers.write("a.json", "{}")
    let assess = UpstreamInProcess.run(["assess", "--rules", "/nonexistent/rules", "--answers", path])
    #expect(assess.status == 1)
    #expect(assess.errors.contains("nothing was assessed"))
  }

  @Test("a folder with errors is never used to assess")
  func folderWithErrors() throws {
    let folder = try TemporaryFolder()
    try folder.write("kb.rules", header + "rule r\n  when nothing\n  then x certainty 1\n  because \"b\"\n")
    let path = try folder.write("a.json", "{}")
    let result = UpstreamInProcess.run(["assess", "--rules", folder.path, "--answers", path])
    #expect(result.status == 1)
    #expect(result.errors.contains("error[UP0101]"))
    #expect(result.output.isEmpty)
  }

  @Test("assess prints findings with certainty and justification; JSON too; stdin works")
  func assess() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("a.json", Self.trucker)
    let text = try UpstreamBinary.run(["assess", "--answers", path])
    #expect(text.status == 0, "\(text.errors)")
    #expect(text.output.contains("Collapsed arches"))
    #expect(text.output.contains("flat-arches-make-hips-stabilise"))
    #expect(text.output.contains("you answered 'Flat"))
    let json = try UpstreamBinary.run(["assess", "--answers", "-", "--format", "json"], input: Self.trucker)
    #expect(json.status == 0, "\(json.errors)")
    #expect(json.output.contains("\"format\": \"upstream-assessment\""))
    #expect(json.output.contains("\"id\": \"collapsed_arches\""))
  }

  @Test("an answers file that is not JSON: a clear message with its position, exit 3")
  func answersNotJSON() throws {
    let result = UpstreamInProcess.run(["assess", "--answers", "-"], input: "{\"arch_shape\": flat}")
    #expect(result.status == 3)
    #expect(result.errors.contains("<stdin>:1:16: error[UP0401]: this answers file is not valid JSON"))
    #expect(result.output.isEmpty)
  }

  @Test("every answer problem is listed at once, each with what was expected; nothing is assessed")
  func answerProblems() throws {
    let input = """
      {"arch_shap": "flat", "sitting_hours": 30, "shoe_type": "sandals", "ankle_stiff": "often", "pain_areas": "hip"}
      """
    let result = UpstreamInProcess.run(["assess", "--answers", "-"], input: input)
    #expect(result.status == 3)
    #expect(result.errors.contains("no question 'arch_shap'"))
    #expect(result.errors.contains("did you mean 'arch_shape'?"))
    #expect(result.errors.contains("takes a number from 0 to 24"))
    #expect(result.errors.contains("has no option 'sandals'; its options are stiff_padded, everyday, flexible"))
    #expect(result.errors.contains("question 'ankle_stiff' expects yes or no (true or false in JSON); found the text \"often\""))
    #expect(result.errors.contains("question 'pain_areas' expects a list of its options"))
    #expect(result.errors.contains("5 errors"))
    #expect(result.output.isEmpty)
  }

  @Test("a missing answers file is a file error, exit 4")
  func missingAnswersFile() throws {
    let result = try UpstreamBinary.run(["assess", "--answers", "/nonexistent/answers.json"])
    #expect(result.status == 4)
    #expect(result.errors.contains("there is no answers file '/nonexistent/answers.json'"))
  }

  @Test("unknown commands and options get a suggestion and exit 2")
  func usageErrors() throws {
    let command = UpstreamInProcess.run(["chek"])
    #expect(command.status == 2)
    #expect(command.errors.contains("did you mean 'check'?"))
    let option = UpstreamInProcess.run(["check", "--rulez", "x"])
    #expect(option.status == 2)
    #expect(option.errors.contains("upstream check has no option '--rulez'"))
    #expect(option.errors.contains("did you mean '--rules'?"))
    // A short option, as other tools take, points at the long one it stands for.
    let short = UpstreamInProcess.run(["assess", "--answers", "a.json", "-o", "report.txt"])
    #expect(short.status == 2)
    #expect(short.errors.contains("upstream assess has no option '-o'"))
    #expect(short.errors.contains("did you mean '--output'?"), "\(short.errors)")
    let missing = UpstreamInProcess.run(["assess"])
    #expect(missing.status == 2)
    let format = UpstreamInProcess.run(["check", "--format", "jsn"])
    #expect(format.status == 2)
    #expect(format.errors.contains("did you mean 'json'?"))
  }

  @Test("--help on every command and --version")
  func help() throws {
    for command in UpstreamCommandLine.commands {
      let result = try UpstreamBinary.run([command.spec.name, "--help"])
      #expect(result.status == 0)
      #expect(result.output.contains("Usage: upstream \(command.spec.name)"))
      for option in command.spec.options { #expect(result.output.contains(option.name)) }
    }
    let version = try UpstreamBinary.run(["--version"])
    #expect(version.output == "upstream \(UpstreamCommandLine.version)\n")
  }

  @Test("--output writes the report to a file")
  func outputFile() throws {
    let folder = try TemporaryFolder()
    let answers = try folder.write("a.json", Self.trucker)
    let target = folder.url.appendingPathComponent("report.json").path
    let result = UpstreamInProcess.run(["assess", "--answers", answers, "--format", "json", "--output", target])
    #expect(result.status == 0)
    #expect(result.output.isEmpty)
    let written = try String(contentsOfFile: target, encoding: .utf8)
    #expect(written.contains("upstream-assessment"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasSuffix(".tmp") })
  }
}

@Suite("Argument parsing")
struct ArgumentParsingTests {
  static let spec = CommandSpec(
    name: "demo", summary: "Demo.",
    options: [
      OptionSpec("--rules", value: "DIR", help: "Rules."), OptionSpec("--all", help: "All."),
      OptionSpec("--set", value: "Q=V", help: "Set.", repeatable: true),
    ])

  @Test("values, flags, repeatable options, --name=value and positionals")
  func parses() throws {
    let parsed = try ParsedArguments.parse(["x", "--rules=r", "--all", "--set", "a=1", "--set", "b=2", "--", "--y"], for: Self.spec).get()
    #expect(parsed.value("--rules") == "r")
    #expect(parsed.flag("--all"))
    #expect(parsed.all("--set") == ["a=1", "b=2"])
    #expect(parsed.positionals == ["x", "--y"])
  }

  @Test("an option given twice, a missing value, a flag with a value are usage errors")
  func errors() {
    for arguments in [["--rules", "a", "--rules", "b"], ["--rules"], ["--all=yes"], ["--rulse", "x"]] {
      guard case .failure(let error) = ParsedArguments.parse(arguments, for: Self.spec) else {
        Issue.record("\(arguments) should fail")
        continue
      }
      #expect(error.exitCode == .usage)
    }
  }

  @Test("help is generated from the option table")
  func helpText() {
    let help = Self.spec.help
    #expect(help.contains("--rules DIR"))
    #expect(help.contains("--set Q=V"))
    #expect(help.contains("--help"))
  }
}

@Suite("Support")
struct SupportTests {
  @Test("SHA-256 matches the standard test vectors")
  func sha256() {
    #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    #expect(SHA256.hex(Array(long.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test("JSON round trip keeps field order and escapes")
  func jsonRoundTrip() throws {
    let value = JSONValue.object([("b", .number(1)), ("a", .string("x\"\n✓")), ("c", .array([.bool(true), .null, .number(0.25)]))])
    let text = JSONWriter.pretty(value)
    #expect(text.firstRange(of: "\"b\"")!.lowerBound < text.firstRange(of: "\"a\"")!.lowerBound)
    let read = try JSONReader.read(SourceFile(path: "x", text: text)).get()
    #expect(read.root.value == value)
  }

  @Test("JSON errors give a position; nesting is bounded")
  func jsonErrors() {
    guard case .failure(let error) = JSONReader.read(SourceFile(path: "x", text: "{\n  \"a\": [1, 2,, 3]\n}")) else {
      Issue.record("should fail")
      return
    }
    #expect(error.range.start.line == 2)
    let deep = String(repeating: "[", count: 100_000)
    guard case .failure(let deepError) = JSONReader.read(SourceFile(path: "x", text: deep)) else {
      Issue.record("should fail")
      return
    }
    #expect(deepError.message.contains("nested"))
  }

  @Test("did-you-mean suggests close names only")
  func suggestions() {
    #expect(Suggestion.closest(to: "arch_shap", in: ["arch_shape", "ankle_stiff"]) == "arch_shape")
    #expect(Suggestion.closest(to: "zzz", in: ["arch_shape", "ankle_stiff"]) == nil)
  }
}
