import Foundation
import Upstream

/// `upstream test`: runs clinician cases and reports expected vs actual; with `--update`,
/// accepts the certainties and score totals the rules now give into the failing cases.
enum TestCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "test", summary: "Run clinician case tests (*.case); ends with 'N passed, N failed'.",
    arguments: [("CASES…", "Case files or folders (default: the cases/ folder beside the rules).")],
    options: [
      rulesOption,
      OptionSpec("--coverage", help: "List rules, findings, recommendations and red flags that no case exercises."),
      OptionSpec("--quiet", help: "Only show failing cases and the summary."),
      OptionSpec(
        "--update",
        help:
          "After a reviewed change: rewrite the failing certainty and score-total expectations to the values now given (only those numbers; comments and layout kept), and list each change. Other failures are listed and still fail."
      ),
      OptionSpec("--dry-run", help: "With --update: show what would change, as a diff, and write nothing."),
    ],
    examples: [
      "upstream test", "upstream test --rules rules --coverage", "upstream test rules/cases/trucker.case",
      "upstream test --rules rules --rules rules/instruments/phq-9", "upstream test --rules rules --update --dry-run",
      "upstream test --rules rules --update",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let updating = arguments.flag("--update")
    if arguments.flag("--dry-run"), !updating {
      throw CommandError.usage("--dry-run only goes with --update", suggestion: "upstream test --update --dry-run", command: spec.name)
    }
    if updating, arguments.positionals.isEmpty, arguments.all("--rules").isEmpty {
      throw CommandError.usage(
        "upstream test --update rewrites case files, and the built-in cases are not files; name the folder (--rules rules) or the case files",
        suggestion: "upstream test --rules rules --update", command: spec.name)
    }
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
    // With --update, every failure is in the update's report (rewritten, or left with what
    // the assessment shows), so the run only gives its tally.
    console.write(
      CaseReport(knowledgeBase, verbose: !arguments.flag("--quiet"), detailsFailures: !updating).render(results, coverage: coverage))
    guard updating else { return results.allSatisfy(\.passed) ? .success : .failure }
    return try update(results, sources: loaded.files, dryRun: arguments.flag("--dry-run"), console: console)
  }

  /// `--update`: rewrites each case file that changes, atomically. Exit 0 when every
  /// failure was fixed by a number, 1 when some are left (or a file changed meanwhile),
  /// 4 when a file could not be written (it is left as it was). A preview exits as the
  /// run did.
  private static func update(_ results: [CaseResult], sources: [SourceFile], dryRun: Bool, console: Console) throws -> ExitCode {
    let update = ExpectationUpdate(results, sources: sources)
    let report = ExpectationUpdateReport(update)
    console.write("\n")
    if dryRun {
      console.write(report.render(.preview))
      return results.allSatisfy(\.passed) ? .success : .failure
    }
    var unwritten: Set<String> = []
    var skipped = false
    let byteOrderMark = Data([0xEF, 0xBB, 0xBF])
    for file in update.files {
      do {
        // The text was read without a byte order mark; a file that had one keeps it.
        let onDisk = FileManager.default.contents(atPath: file.path) ?? Data()
        let marked = onDisk.starts(with: byteOrderMark) && onDisk.dropFirst(3) == Data(file.original.utf8)
        let read = marked ? byteOrderMark + Data(file.original.utf8) : Data(file.original.utf8)
        switch try AtomicFile.write((marked ? "\u{FEFF}" : "") + file.updated, to: file.path, unlessChangedFrom: read) {
        case .written: break
        case .skippedChangedMeanwhile:
          unwritten.insert(file.path)
          skipped = true
          console.writeError("skipped \(file.path): it changed while the cases ran, so it was left as saved; run 'upstream test --update' again\n")
        }
      } catch let error as CommandError {
        unwritten.insert(file.path)
        console.writeError(error.render(colour: console.colourErrors))
      }
    }
    console.write(report.render(.written, unwritten: unwritten))
    if !unwritten.isEmpty, !skipped { return .fileError }
    return update.left.isEmpty && unwritten.isEmpty ? .success : .failure
  }
}
