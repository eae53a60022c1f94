import Foundation

// MARK: - Exit codes and errors

/// The exit codes of `upstream`, documented in README.md and Docs/Errors.md.
public enum ExitCode: Int32, Sendable {
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

/// Everything that can stop a command, turned into text and an exit code in one place.
public enum CommandError: Error, Sendable {
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
  public var exitCode: ExitCode {
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

// MARK: - Console

/// Where a command reads and writes: the real terminal, or a capture in tests.
public struct Console: Sendable {
  public let write: @Sendable (String) -> Void
  public let writeError: @Sendable (String) -> Void
  public let readInput: @Sendable () -> Data
  /// Reads one line of standard input without its line break; nil at the end of input.
  public let readLine: @Sendable () -> String?
  /// Whether standard input / output / error is a terminal (colour and progress only then).
  public let inputIsTerminal: Bool
  public let outputIsTerminal: Bool
  public let errorIsTerminal: Bool
  public let environment: [String: String]

  /// A console; without `readLine`, lines are split from what `readInput` returns.
  public init(
    write: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void,
    readInput: @escaping @Sendable () -> Data, readLine: (@Sendable () -> String?)? = nil,
    inputIsTerminal: Bool = false, outputIsTerminal: Bool = false, errorIsTerminal: Bool = false,
    environment: [String: String] = [:]
  ) {
    self.write = write
    self.writeError = writeError
    self.readInput = readInput
    let lines = LineBuffer(readInput)
    self.readLine = readLine ?? { lines.next() }
    self.inputIsTerminal = inputIsTerminal
    self.outputIsTerminal = outputIsTerminal
    self.errorIsTerminal = errorIsTerminal
    self.environment = environment
  }

  /// The process's own standard streams.
  public static var standard: Console {
    Console(
      write: { Console.writeOrExit($0, to: .standardOutput, named: "standard output") },
      writeError: { Console.writeOrExit($0, to: .standardError, named: "standard error") },
      readInput: { FileHandle.standardInput.readDataToEndOfFile() },
      readLine: { Swift.readLine(strippingNewline: true) },
      inputIsTerminal: isatty(0) == 1, outputIsTerminal: isatty(1) == 1, errorIsTerminal: isatty(2) == 1,
      environment: ProcessInfo.processInfo.environment)
  }

  /// Whether to colour standard output (a terminal, NO_COLOR unset, TERM not `dumb`).
  public var colourOutput: Bool { outputIsTerminal && coloursAllowed }
  /// Whether to colour standard error.
  public var colourErrors: Bool { errorIsTerminal && coloursAllowed }

  private var coloursAllowed: Bool { environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" }

  /// Writes to one of the process's streams; when the stream is closed or full, says so
  /// on standard error (if it still can) and ends the process with exit code 4, never a
  /// crash. (A closed pipe ends it with SIGPIPE first, exit 141, as for any Unix tool.)
  static func writeOrExit(_ text: String, to handle: FileHandle, named name: String) {
    do {
      try handle.write(contentsOf: Data(text.utf8))
    } catch {
      if handle !== FileHandle.standardError {
        try? FileHandle.standardError.write(contentsOf: Data("error: cannot write to \(name): \(error.localizedDescription)\n".utf8))
      }
      exit(ExitCode.fileError.rawValue)
    }
  }
}

/// Hands out the lines of input read all at once, for consoles without a line reader.
private final class LineBuffer: @unchecked Sendable {
  private let read: @Sendable () -> Data
  private let lock = NSLock()
  private var lines: [String]?
  private var position = 0

  init(_ read: @escaping @Sendable () -> Data) { self.read = read }

  func next() -> String? {
    lock.lock()
    defer { lock.unlock() }
    if lines == nil {
      var split = String(decoding: read(), as: UTF8.self).components(separatedBy: "\n")
      if split.last == "" { split.removeLast() }
      lines = split.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }
    guard let lines, position < lines.count else { return nil }
    position += 1
    return lines[position - 1]
  }
}
