import Foundation
import Upstream

// MARK: - The `upstream` command line

/// Parses the command line, dispatches to a command, and turns errors into text and exit
/// codes: the only place that does.
package enum UpstreamCommandLine {
  /// Upstream's version (the library's ``UpstreamVersion``, its one source).
  package static let version = UpstreamVersion.current

  /// Every command, in the order `upstream --help` lists them.
  package static let commands: [any UpstreamCommand.Type] = [
    AskCommand.self,
    CheckCommand.self,
    AssessCommand.self,
    WhyCommand.self, WhyNotCommand.self, WhatIfCommand.self,
    TestCommand.self,
    FmtCommand.self, GraphCommand.self, DiffCommand.self, ExplainCommand.self, ListCommand.self,
    ExportCommand.self, ImportCommand.self,
    ServeCommand.self,
    LspCommand.self,
  ]

  /// Runs `upstream` with the arguments after the program name; returns the exit code.
  package static func run(_ arguments: [String], console: Console) -> ExitCode {
    guard let first = arguments.first else {
      // `upstream` alone runs the questionnaire; `upstream --help` prints the overview.
      return run(["ask"], console: console)
    }
    switch first {
    case "--help", "-h", "help":
      if arguments.count > 1, let command = commands.first(where: { $0.spec.name == arguments[1] }) {
        console.write(command.spec.help)
      } else {
        console.write(overview)
      }
      return .success
    case "--version":
      console.write("upstream \(version)\n")
      return .success
    default: break
    }
    guard let command = commands.first(where: { $0.spec.name == first }) else {
      let suggestion = Suggestion.closest(to: first, in: commands.map { $0.spec.name })
      let error = CommandError.usage(
        "'\(first)' is not an upstream command", suggestion: suggestion.map { "did you mean '\($0)'?" }, command: nil)
      console.writeError(error.render(colour: console.colourErrors))
      return error.exitCode
    }
    let rest = Array(arguments.dropFirst())
    switch ParsedArguments.parse(rest, for: command.spec) {
    case .failure(let error):
      console.writeError(error.render(colour: console.colourErrors))
      return error.exitCode
    case .success(let parsed):
      if parsed.flag("--help") {
        console.write(command.spec.help)
        return .success
      }
      return execute(command, parsed, console: console)
    }
  }

  /// Runs a command, turning any error it throws into text and an exit code.
  private static func execute(_ command: any UpstreamCommand.Type, _ parsed: ParsedArguments, console: Console) -> ExitCode {
    do {
      return try command.run(parsed, console: console)
    } catch {
      let commandError = (error as? CommandError) ?? CommandError.file("\(error)")
      console.writeError(commandError.render(colour: console.colourErrors))
      return commandError.exitCode
    }
  }

  /// `upstream --help`: every command with its summary.
  package static var overview: String {
    let width = commands.map { $0.spec.name.count }.max() ?? 0
    var lines = [
      "upstream \(version) — finds where pain starts: screening for upstream contributors along the kinetic chain.",
      "Screening, not diagnosis: red flags come first.",
      "",
      "Usage: upstream COMMAND [options]",
      "",
      "Commands:",
    ]
    for command in commands {
      lines.append("  " + command.spec.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.spec.summary)
    }
    lines.append("")
    lines.append("Run 'upstream COMMAND --help' for a command's options; 'upstream --version' for the version.")
    lines.append("Exit codes: 0 success, 1 errors in the rules or failed cases, 2 usage error, 3 invalid answers, 4 file error.")
    return lines.joined(separator: "\n") + "\n"
  }
}
