import Foundation

/// A program running on a pseudo-terminal of its own, as if a person sat at it.
///
/// The terminal comes from `script(1)`, which starts the program as the leader of a new
/// session with the terminal as its controlling terminal and copies what we type to it:
/// the program's standard streams are a real tty, the terminal echoes what is typed, and
/// typing Ctrl-C sends the program SIGINT through the terminal's line discipline.
final class PseudoTerminal: @unchecked Sendable {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let lock = NSLock()
  private var bytes: [UInt8] = []

  init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
    let command = ([executable] + arguments).map(Self.quoted).joined(separator: " ")
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    #if os(Linux)
      // util-linux: quiet, flush each write, return the program's exit code, run COMMAND.
      process.arguments = ["script", "-qfec", command, "/dev/null"]
    #else
      process.arguments = ["script", "-q", "/dev/null", executable] + arguments
    #endif
    var environment = environment
    environment["SHELL"] = "/bin/sh"
    process.environment = environment
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    output.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      guard let self else { return }
      if data.isEmpty {
        handle.readabilityHandler = nil
        return
      }
      self.lock.lock()
      self.bytes += data
      self.lock.unlock()
    }
    try process.run()
  }

  deinit {
    if process.isRunning { process.terminate() }
    output.fileHandleForReading.readabilityHandler = nil
  }

  /// A place in the output, to look only at what comes after it.
  var mark: Int {
    lock.lock()
    defer { lock.unlock() }
    return bytes.count
  }

  /// The output after a mark, with the terminal's "\r\n" as "\n".
  func text(from mark: Int) -> String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: bytes[min(mark, bytes.count)...], as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
  }

  /// Everything shown so far.
  var screen: String { text(from: 0) }

  /// Types text, as a person would at the keyboard.
  func type(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

  /// Whether the program is still running.
  var isRunning: Bool { process.isRunning }

  /// Waits until `expected` appears after `mark` (or, with `orExit`, the program ends),
  /// and returns the output after the mark; fails after `timeout` seconds, showing the screen.
  @discardableResult
  func waitFor(_ expected: String, after mark: Int = 0, orExit: Bool = false, timeout: TimeInterval = 30) throws -> String {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
      let ended = orExit && !process.isRunning
      let shown = text(from: mark)
      if shown.contains(expected) || ended { return shown }
      Thread.sleep(forTimeInterval: 0.02)
    }
    throw Failure(description: "waited for \"\(expected)\"; the screen shows:\n\(screen)")
  }

  /// Waits until `question` appears after `mark` with the reply prompt ("> ") after it, and
  /// returns the output after the mark.
  ///
  /// The terminal echoes what is typed as soon as it is typed, even before the program has
  /// printed its prompt; a mark taken when only the question is shown would see the prompt
  /// land before the echo. Waiting for the prompt makes the next mark sit right before it.
  @discardableResult
  func waitForPrompt(after question: String, from mark: Int = 0, timeout: TimeInterval = 30) throws -> String {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
      let shown = text(from: mark)
      if let asked = shown.range(of: question, options: .backwards), shown[asked.upperBound...].contains("\n> ") {
        return shown
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    throw Failure(description: "waited for \"\(question)\" and the prompt after it; the screen shows:\n\(screen)")
  }

  /// Waits for the program to end and returns its exit code.
  func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while process.isRunning {
      guard ContinuousClock.now < deadline else { throw Failure(description: "the program did not end; the screen shows:\n\(screen)") }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return process.terminationStatus
  }

  private static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
