import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine

// MARK: - Shared test helpers

/// The environment child processes get: the test run's own, without a faked clock.
///
/// CI runs the suite under `faketime` (three years ahead) to prove that no test depends
/// on the date; libfaketime is loaded with `LD_PRELOAD`, and in the programs the tests
/// start (the binary, Chromium, Graphviz, a shell) it opens files of its own at start-up
/// and is not safe under heavy threading. Those programs do not need it: the binary gets
/// its day from `SOURCE_DATE_EPOCH`, which the tests fix.
enum ChildEnvironment {
  static let fakedClockVariables = ["LD_PRELOAD", "FAKETIME", "FAKETIME_NO_CACHE", "FAKETIME_TIMESTAMP_FILE", "DONT_FAKE_MONOTONIC"]

  /// The process's environment (or `base`), without the faked clock.
  static func clean(_ base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
    var environment = base
    for name in fakedClockVariables { environment[name] = nil }
    return environment
  }

  /// The clean environment with the program's scratch files in a test's own folder:
  /// Chromium makes a folder of its own in the temporary folder on every start
  /// (`org.chromium.Chromium.*`) and leaves it behind; here it goes where the test's
  /// folder is removed with it.
  static func clean(temporaryFolder: TemporaryFolder) -> [String: String] {
    var environment = clean()
    environment["TMPDIR"] = temporaryFolder.path
    return environment
  }
}

/// Runs the real `upstream` binary built beside the test bundle.
enum UpstreamBinary {
  /// The result of one run: exit code and both output streams.
  struct Result {
    let status: Int32
    let output: String
    let errors: String
  }

  /// The package's root folder.
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `upstream` executable: next to the test bundle, or in `.build/debug`.
  static var path: String {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("upstream").path
    if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
    return packageRoot.appendingPathComponent(".build/debug/upstream").path
  }

  /// Runs `upstream` with arguments, optional standard input, in a working directory
  /// (killed after `seconds`, which fails the test with status 137 rather than stalling
  /// the run).
  static func run(
    _ arguments: [String], input: String? = nil, in directory: URL? = nil, environment: [String: String] = [:],
    seconds: Double = 300
  ) throws -> Result {
    var env = ChildEnvironment.clean()
    env["NO_COLOR"] = "1"
    // The test's own fixed day, and no width inherited from the terminal running the suite.
    env["SOURCE_DATE_EPOCH"] = String(testDay.daysSince1970 * 86_400)
    env["UPSTREAM_TODAY"] = nil
    env["COLUMNS"] = nil
    env["LINES"] = nil
    for (key, value) in environment { env[key] = value }
    let program = try ChildProgram(path, arguments, environment: env, input: input ?? "", in: directory)
    let ending = program.wait(seconds: seconds)
    return Result(status: ending.status, output: program.output, errors: program.errors)
  }
}

/// Runs `upstream` inside the test process: the same `UpstreamCommandLine.run` the
/// executable calls, on a console that captures both streams, with the environment the
/// binary would get from `UpstreamBinary.run`.
///
/// For tests of what a command prints and its exit code. Tests of what only a process
/// shows (signals, closed streams, the working folder, file descriptors, a terminal)
/// launch the real binary with `UpstreamBinary.run`, as do a few end-to-end checks.
enum UpstreamInProcess {
  /// Runs `upstream` with arguments and optional standard input.
  static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) -> UpstreamBinary.Result {
    var env = ["NO_COLOR": "1", "SOURCE_DATE_EPOCH": String(testDay.daysSince1970 * 86_400)]
    for (key, value) in environment { env[key] = value }
    let output = Locked("")
    let errors = Locked("")
    let data = Data((input ?? "").utf8)
    let console = Console(
      write: { text in output.update { $0 += text } }, writeError: { text in errors.update { $0 += text } }, readInput: { data },
      environment: env)
    let status = UpstreamCommandLine.run(arguments, console: console)
    return UpstreamBinary.Result(status: status.rawValue, output: output.value, errors: errors.value)
  }
}

/// A value that several threads update (a console's captured output, a running total),
/// under a lock.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value

  init(_ value: Value) { stored = value }

  /// Changes the value, with no other thread reading or changing it meanwhile.
  func update(_ change: (inout Value) -> Void) {
    lock.lock()
    defer { lock.unlock() }
    change(&stored)
  }

  var value: Value {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }
}

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes a file inside the folder and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  var path: String { url.path }
}

/// The day tests measure from: every test that compiles rules or runs the binary fixes
/// the clock here (see `UpstreamBinary.run`), so the suite passes on any day.
let testDay = CheckExamples.day

/// Every check, measuring review ages from `testDay`.
let fixedDayChecks = standardChecks(clock: .fixed(testDay))

/// Compiles rule text (one file, or several) and returns the result, checked as of `testDay`.
func compile(_ text: String, file: String = "test.rules") -> LoadedKnowledgeBase {
  KnowledgeBase.compile([SourceFile(path: file, text: text)], checks: fixedDayChecks)
}

/// Compiles rule text that must have no errors.
func knowledgeBase(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> KnowledgeBase {
  let loaded = compile(text)
  let errors = loaded.diagnostics.filter { $0.severity == .error }
  #expect(errors.isEmpty, "unexpected errors: \(errors.map(\.message))", sourceLocation: sourceLocation)
  return try #require(loaded.knowledgeBase, sourceLocation: sourceLocation)
}

/// The diagnostic codes reported for rule text.
func codes(_ text: String) -> [DiagnosticCode] { compile(text).diagnostics.map(\.code) }

/// Rule text cut into its declarations (each starts in the first column; the comment
/// lines above a declaration go with it), for tests that move declarations around.
func declarations(of text: String) -> [String] {
  var declarations: [String] = []
  var pendingComments: [Substring] = []
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if line.hasPrefix("#") {
      pendingComments.append(line)
    } else if let first = line.first, first != " " {
      declarations.append((pendingComments + [line]).joined(separator: "\n"))
      pendingComments = []
    } else if !declarations.isEmpty {
      declarations[declarations.count - 1] += "\n" + line
    }
  }
  return declarations
}

/// The minimal header every example knowledge base starts with.
let header = CheckExamples.preamble
