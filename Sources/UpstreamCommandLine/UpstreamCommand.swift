import Upstream

// MARK: - One command

/// One `upstream` subcommand: its table of options and what it does.
package protocol UpstreamCommand: Sendable {
  /// The command's name, summary and options, from which help is generated.
  static var spec: CommandSpec { get }
  /// Runs the command; throws `CommandError` for anything that stops it.
  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode
}
