import Foundation
import Upstream

/// `upstream check`: compiles a knowledge base and reports every problem.
enum CheckCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "check", summary: "Check rule files for errors and warnings.",
    options: [
      rulesOption,
      OptionSpec(
        "--format", value: "FORMAT",
        help: "Output format: text (default) or json (for editors: see Docs/editors/README.md)."),
      OptionSpec(
        "--stale-after", value: "DAYS",
        help: "Warn about reviews older than DAYS days (default \(StaleReviewCheck.defaultStaleAfterDays))."),
      OptionSpec(
        "--today", value: "YYYY-MM-DD",
        help: "The day to measure review ages from (default: UPSTREAM_TODAY, else SOURCE_DATE_EPOCH, else the clock)."),
    ],
    examples: [
      "upstream check", "upstream check --rules my-rules", "upstream check --format json",
      "upstream check --stale-after 365", "upstream check --stale-after 365 --today 2026-12-01",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: [.text, .json], command: spec.name)
    let checks = try Shared.checks(arguments, console: console, command: spec.name)
    let folders = arguments.all("--rules")
    let loaded =
      folders.isEmpty ? KnowledgeBase.bundled(checks: checks) : KnowledgeBase.load(directories: folders, checks: checks)
    let renderer = DiagnosticRenderer(sources: loaded.files, colour: console.colourOutput)
    if format == .json {
      console.write(renderer.json(loaded.diagnostics))
    } else if loaded.diagnostics.isEmpty, let knowledgeBase = loaded.knowledgeBase {
      console.write(
        "\(knowledgeBase.header.name) \(knowledgeBase.header.version): no problems in \(loaded.files.count) files "
          + "(\(knowledgeBase.questions.count) questions, \(knowledgeBase.findings.count) findings, "
          + "\(knowledgeBase.rules.count) rules, \(knowledgeBase.recommendations.count) recommendations, "
          + "\(knowledgeBase.redFlags.count) red flags)\n")
    } else {
      console.write(renderer.text(loaded.diagnostics))
    }
    return loaded.diagnostics.hasErrors ? .failure : .success
  }
}

extension Shared {
  /// The checks to run: every check, with `--stale-after DAYS` and the day from
  /// ``clock(_:console:command:)``.
  static func checks(_ arguments: ParsedArguments, console: Console, command: String) throws -> [any KnowledgeBaseCheck] {
    var days = StaleReviewCheck.defaultStaleAfterDays
    if let text = arguments.value("--stale-after") {
      guard let value = Int(text), value >= 0 else {
        throw CommandError.usage("--stale-after needs a whole number of days (e.g. 365); found '\(text)'", suggestion: nil, command: command)
      }
      days = value
    }
    return standardChecks(staleAfterDays: days, clock: try clock(arguments, console: console, command: command))
  }

  /// The command's clock: `--today YYYY-MM-DD` when given, else the environment's
  /// (`UPSTREAM_TODAY`, `SOURCE_DATE_EPOCH`), else the machine's clock.
  static func clock(_ arguments: ParsedArguments, console: Console, command: String) throws -> Clock {
    if let text = arguments.value("--today") {
      guard let day = CalendarDay(text) else {
        throw CommandError.usage("--today needs a day written YYYY-MM-DD (e.g. 2026-12-01); found '\(text)'", suggestion: nil, command: command)
      }
      return .fixed(day)
    }
    do {
      return try Clock(environment: console.environment)
    } catch {
      throw CommandError.usage(error.description, suggestion: nil, command: nil)
    }
  }
}
