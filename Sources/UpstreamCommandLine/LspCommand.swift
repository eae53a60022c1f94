import Foundation
import Upstream
import UpstreamLanguageServer

/// `upstream lsp`: the language server for editors, on standard input and output
/// (Docs/editors/README.md).
enum LspCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "lsp",
    summary: "Run the language server for editors (LSP on stdin/stdout): live diagnostics, completion, hover, go to definition, rename.",
    options: [
      OptionSpec(
        "--stale-after", value: "DAYS",
        help: "Warn about reviews older than DAYS days (default \(StaleReviewCheck.defaultStaleAfterDays))."),
      OptionSpec(
        "--today", value: "YYYY-MM-DD",
        help: "The day to measure review ages from (default: UPSTREAM_TODAY, else SOURCE_DATE_EPOCH, else the clock)."),
    ],
    examples: ["upstream lsp", "upstream lsp --stale-after 365"])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    if let extra = arguments.positionals.first {
      throw CommandError.usage(
        "upstream lsp takes no arguments; the editor opens the files (found '\(extra)')", suggestion: nil, command: spec.name)
    }
    let checks = try Shared.checks(arguments, console: console, command: spec.name)
    // A client that goes away mid-write ends the server with an error, not a signal.
    signal(SIGPIPE, SIG_IGN)
    let server = LanguageServer(checks: checks) { bytes in
      if Console.writeAll(bytes, to: 1) != nil { exit(ExitCode.fileError.rawValue) }
    }
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    let code = server.run {
      while true {
        let count = buffer.withUnsafeMutableBytes { Foundation.read(0, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        return count > 0 ? Array(buffer[..<count]) : nil
      }
    }
    return code == 0 ? .success : .failure
  }
}
