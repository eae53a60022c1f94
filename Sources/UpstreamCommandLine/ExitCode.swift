import Foundation
import Upstream

// MARK: - Exit codes

/// The exit codes of `upstream`, documented in README.md and Docs/Errors.md.
package enum ExitCode: Int32, Sendable {
  /// Success (warnings allowed).
  case success = 0
  /// The knowledge base has errors or cannot be loaded, cases failed, or behaviour changed.
  case failure = 1
  /// The command line is wrong: an unknown command or option, a missing argument.
  case usage = 2
  /// The answers are invalid: not JSON, unknown questions, wrong types, out of range.
  case invalidAnswers = 3
  /// A file could not be read or written.
  case fileError = 4
}
