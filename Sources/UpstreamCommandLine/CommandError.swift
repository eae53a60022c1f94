import Foundation
import Upstream

// MARK: - Errors

/// Everything that can stop a command, turned into text and an exit code in one place.
package enum CommandError: Error, Sendable {
  /// A usage error, with an optional "did you mean" and the command whose help applies.
  case usage(String, suggestion: String?, command: String?)
  /// The knowledge base has errors (or its folder is missing).
  case knowledgeBase([Diagnostic], sources: [SourceFile])
  /// The answers are invalid.
  case answers([Diagnostic], source: SourceFile?)
  /// A saved questionnaire session cannot be resumed; the file is left untouched.
  case session([Diagnostic], source: SourceFile)
  /// A file could not be read or written.
  case file(String)

  /// The exit code for this error.
  package var exitCode: ExitCode {
    switch self {
    case .usage: .usage
    case .knowledgeBase: .failure
    case .answers, .session: .invalidAnswers
    case .file: .fileError
    }
  }

  /// The message written to standard error.
  func render(colour: Bool) -> String {
    switch self {
    case .usage(let message, let suggestion, let command):
      var text = "error: \(message)\n"
      if let suggestion { text += "help: \(suggestion)\n" }
      text += "Run 'upstream \(command.map { $0 + " " } ?? "")--help' for usage.\n"
      return text
    case .knowledgeBase(let diagnostics, let sources):
      return DiagnosticRenderer(sources: sources, colour: colour).text(diagnostics)
        + "error: the knowledge base has errors, so nothing was assessed; run 'upstream check' for details\n"
    case .answers(let diagnostics, let source):
      return DiagnosticRenderer(sources: source.map { [$0] } ?? [], colour: colour).text(diagnostics)
        + "error: the answers have problems, so nothing was assessed\n"
    case .session(let diagnostics, let source):
      return DiagnosticRenderer(sources: [source], colour: colour).text(diagnostics)
        + "error: the session file '\(source.path)' cannot be resumed, so it was left as it was; "
        + "mend it, or start again with 'upstream ask --session NEW_FILE'\n"
    case .file(let message):
      return "error: \(message)\n"
    }
  }
}
