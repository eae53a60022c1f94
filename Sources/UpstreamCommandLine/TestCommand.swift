import Foundation
import Upstream

/// `upstream test`: runs clinician cases and reports expected vs actual.
enum TestCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "test", summary: "Run clinician case tests (*.case); ends with 'N passed, N failed'.",
    arguments: [("CASES…", "Case files or folders (default: the cases/ folder beside the rules).")],
    options: [
      rulesOption,
      OptionSpec("--coverage", help: "List rules, findings, recommendations and red flags that no case exercises."),
      OptionSpec("--quiet", help: "Only show failing cases and the summary."),
    ],
    examples: [
      "upstream test", "upstream test --rules rules --coverage", "upstream test rules/cases/trucker.case",
      "upstream test --rules rules --rules rules/instruments/phq-9",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let loaded: CaseLoader.Output
    if !arguments.positionals.isEmpty {
      loaded = CaseLoader.load(paths: arguments.positionals, for: knowledgeBase)
    } else if let first = arguments.all("--rules").first {
      // Each folder's cases/; a module without cases adds none.
      let folders = arguments.all("--rules").map { ($0 as NSString).appendingPathComponent("cases") }
      let existing = folders.filter { FileManager.default.fileExists(atPath: $0) }
      loaded = CaseLoader.load(
        paths: existing.isEmpty ? [(first as NSString).appendingPathComponent("cases")] : existing, for: knowledgeBase)
    } else {
      loaded = CaseLoader.bundled(for: knowledgeBase)
    }
    if !loaded.diagnostics.isEmpty {
      console.writeError(DiagnosticRenderer(sources: loaded.files, colour: console.colourErrors).text(loaded.diagnostics))
    }
    if loaded.diagnostics.hasErrors {
      console.writeError("error: the case files have errors, so no case was run\n")
      return .failure
    }
    let runner = CaseRunner(knowledgeBase)
    let results = runner.run(loaded.cases)
    let coverage = arguments.flag("--coverage") ? runner.coverage(results) : nil
    console.write(CaseReport(knowledgeBase, verbose: !arguments.flag("--quiet")).render(results, coverage: coverage))
    return results.allSatisfy(\.passed) ? .success : .failure
  }
}
