import Foundation
import Upstream

// MARK: - The `upstream` command line

/// One `upstream` subcommand: its table of options and what it does.
package protocol UpstreamCommand: Sendable {
  /// The command's name, summary and options, from which help is generated.
  static var spec: CommandSpec { get }
  /// Runs the command; throws `CommandError` for anything that stops it.
  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode
}

/// Parses the command line, dispatches to a command, and turns errors into text and exit
/// codes: the only place that does.
package enum UpstreamCommandLine {
  /// Upstream's version.
  package static let version = "0.1.0"

  /// Every command, in the order `upstream --help` lists them.
  package static let commands: [any UpstreamCommand.Type] = [
    AskCommand.self,
    CheckCommand.self,
    AssessCommand.self,
    WhyCommand.self, WhyNotCommand.self, WhatIfCommand.self,
    TestCommand.self,
    FmtCommand.self, GraphCommand.self, DiffCommand.self, ExplainCommand.self,
    ExportCommand.self,
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

// MARK: - Shared steps

/// The `--rules DIR` option shared by commands that read a knowledge base.
let rulesOption = OptionSpec("--rules", value: "DIR", help: "Use the .rules files in DIR (default: the bundled knowledge base).")

/// The `--format` option for commands that print text or JSON.
let formatOption = OptionSpec("--format", value: "FORMAT", help: "Output format: text (default) or json.")

enum Shared {
  /// Loads the knowledge base from `--rules` or the bundled default; throws on errors.
  static func knowledgeBase(_ arguments: ParsedArguments, console: Console) throws -> (KnowledgeBase, LoadedKnowledgeBase) {
    let loaded = arguments.value("--rules").map { KnowledgeBase.load(directory: $0) } ?? KnowledgeBase.bundled()
    guard let knowledgeBase = loaded.knowledgeBase else {
      throw CommandError.knowledgeBase(loaded.diagnostics.filter { $0.severity == .error }, sources: loaded.files)
    }
    return (knowledgeBase, loaded)
  }

  /// The `--format` value, checked against the allowed formats.
  static func format(_ arguments: ParsedArguments, allowed: [String], command: String) throws -> String {
    let format = arguments.value("--format") ?? allowed[0]
    guard allowed.contains(format) else {
      throw CommandError.usage(
        "'\(format)' is not a format of upstream \(command); use \(allowed.joined(separator: " or "))",
        suggestion: Suggestion.closest(to: format, in: allowed).map { "did you mean '\($0)'?" }, command: command)
    }
    return format
  }

  /// Reads a file, or standard input for `-`.
  static func readText(_ path: String, console: Console, what: String) throws -> SourceFile {
    if path == "-" {
      let data = console.readInput()
      switch KnowledgeBase.decodeUTF8(data, path: "<stdin>") {
      case .success(let text): return SourceFile(path: "<stdin>", text: text)
      case .failure(let diagnostic): throw CommandError.answers([diagnostic], source: nil)
      }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CommandError.file("there is no \(what) '\(path)'")
    }
    guard !isDirectory.boolValue else { throw CommandError.file("'\(path)' is a folder, not \(what)") }
    switch KnowledgeBase.readSource(path) {
    case .success(let file): return file
    case .failure(let diagnostic): throw CommandError.file(diagnostic.message)
    }
  }

  /// Reads and validates an answers file; throws when it has errors, prints warnings.
  static func answers(_ path: String, for knowledgeBase: KnowledgeBase, console: Console) throws -> Answers {
    let file = try readText(path, console: console, what: "answers file")
    let output = AnswersReader.read(file, for: knowledgeBase)
    guard let answers = output.answers else { throw CommandError.answers(output.diagnostics, source: file) }
    if !output.diagnostics.isEmpty {
      console.writeError(DiagnosticRenderer(sources: [file], colour: console.colourErrors).text(output.diagnostics))
    }
    return answers
  }

  /// Writes output to `--output FILE` by `AtomicFile`'s rules (never onto a file the
  /// command reads), or to standard output (also for `--output -`).
  static func emit(_ text: String, _ arguments: ParsedArguments, console: Console) throws {
    if let path = arguments.value("--output"), path != "-" {
      let inputs = arguments.values.filter { $0.key != "--output" }.flatMap(\.value) + arguments.positionals
      try AtomicFile.write(text, to: path, inputs: inputs)
    } else {
      console.write(text)
    }
  }
}
