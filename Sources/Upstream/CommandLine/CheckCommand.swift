import Foundation

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
        help: "Warn about reviews older than DAYS days (default \(StaleReviewCheck.defaultStaleAfterDays)); today is taken from SOURCE_DATE_EPOCH when set."),
    ],
    examples: [
      "upstream check", "upstream check --rules my-rules", "upstream check --format json",
      "upstream check --stale-after 365",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: ["text", "json"], command: spec.name)
    let checks = try Shared.checks(arguments, console: console, command: spec.name)
    let loaded =
      arguments.value("--rules").map { KnowledgeBase.load(directory: $0, checks: checks) }
      ?? KnowledgeBase.bundled(checks: checks)
    let renderer = DiagnosticRenderer(sources: loaded.files, colour: console.colourOutput)
    if format == "json" {
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
  /// The checks to run: every check, with `--stale-after DAYS` and today's date (from
  /// `SOURCE_DATE_EPOCH` when set, so output can be reproduced on another day).
  static func checks(_ arguments: ParsedArguments, console: Console, command: String) throws -> [any KnowledgeBaseCheck] {
    var days = StaleReviewCheck.defaultStaleAfterDays
    if let text = arguments.value("--stale-after") {
      guard let value = Int(text), value >= 0 else {
        throw CommandError.usage("--stale-after needs a whole number of days (e.g. 365); found '\(text)'", suggestion: nil, command: command)
      }
      days = value
    }
    return standardChecks(staleAfterDays: days, today: try today(console: console))
  }

  /// Today, or the day of `SOURCE_DATE_EPOCH` (seconds since 1970) when it is set.
  static func today(console: Console) throws -> CalendarDay {
    guard let epoch = console.environment["SOURCE_DATE_EPOCH"] else { return .today }
    guard let seconds = Int(epoch) else {
      throw CommandError.usage("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; found '\(epoch)'", suggestion: nil, command: nil)
    }
    return CalendarDay(Date(timeIntervalSince1970: TimeInterval(seconds)))
  }
}
