import Foundation
import Upstream

/// `upstream fmt`: lays out every rule and case file of a folder in the canonical layout.
enum FmtCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "fmt", summary: "Lay out rule and case files in the one canonical layout (comments kept, meaning unchanged).",
    options: [
      OptionSpec(
        "--rules", value: "DIR",
        help:
          "Format the .rules files in DIR and the .case files in DIR/cases (default: rules); repeat to format a module with the rules it builds on. A module alone (no header) is checked under a stand-in header.",
        repeatable: true),
      OptionSpec("--check", help: "Change nothing: list the files that would change, and exit 1 if there are any (for CI)."),
    ],
    examples: [
      "upstream fmt", "upstream fmt --rules my-rules", "upstream fmt --check",
      "upstream fmt --rules rules --rules rules/instruments/phq-9", "upstream fmt --rules rules/instruments/gad-7 --check",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    guard arguments.positionals.isEmpty else {
      throw CommandError.usage(
        "upstream fmt takes no file names; it formats a whole folder: --rules DIR", suggestion: nil, command: spec.name)
    }
    let folders = arguments.all("--rules").isEmpty ? ["rules"] : arguments.all("--rules")
    let plan: FormattingPlan
    switch FormattingPlan.make(folders: folders) {
    case .success(let made): plan = made
    case .failure(let refusal):
      console.writeError(DiagnosticRenderer(sources: refusal.sources, colour: console.colourErrors).text(refusal.diagnostics))
      console.writeError("error: \(refusal.reason)\n")
      return .failure
    }
    let changed = plan.changes
    if arguments.flag("--check") {
      for change in changed { console.write("would reformat \(change.path)\n") }
      console.write(
        changed.isEmpty
          ? "\(count(plan.fileCount, "file")) already formatted\n"
          : "\(count(changed.count, "file")) of \(plan.fileCount) would be reformatted; run 'upstream fmt\(arguments.all("--rules").map { " --rules \($0)" }.joined())'\n"
      )
      return changed.isEmpty ? .success : .failure
    }
    var skipped = 0
    for change in changed {
      switch try AtomicFile.write(change.formatted, to: change.path, unlessChangedFrom: change.original) {
      case .written: console.write("formatted \(change.path)\n")
      case .skippedChangedMeanwhile:
        skipped += 1
        console.writeError("skipped \(change.path): it changed while fmt was running, so it was left as saved; run 'upstream fmt' again\n")
      }
    }
    console.write(
      changed.isEmpty
        ? "\(count(plan.fileCount, "file")) already formatted\n"
        : "formatted \(changed.count - skipped) of \(count(plan.fileCount, "file"))\n")
    return skipped == 0 ? .success : .failure
  }

  private static func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
