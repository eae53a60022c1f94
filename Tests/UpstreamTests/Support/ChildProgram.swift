import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - A program started with posix_spawn

/// A program a test starts (the `upstream` binary, the server, curl, python3, nginx,
/// Chromium, Graphviz), started with `posix_spawn` and reaped with `waitpid`, its standard
/// streams in files.
///
/// Not Foundation's `Process`: under libfaketime (CI's run on a date years ahead) its
/// `waitUntilExit()` can miss a child's exit while other children are running, and wait
/// for ever, which stalls the whole run with no test failing. Here every wait polls
/// `waitpid` and has a deadline, so the worst a lost child does is fail its own test.
final class ChildProgram: @unchecked Sendable {
  /// How a program ended.
  enum Ending: Equatable {
    case exited(Int32)
    case killed(by: Int32)

    /// The status a shell reports: the exit code, or 128 + the signal.
    var status: Int32 {
      switch self {
      case .exited(let code): code
      case .killed(let signal): 128 + signal
      }
    }
  }

  let pid: pid_t
  private let folder: TemporaryFolder
  private var ending: Ending?

  /// Starts `path` with `arguments`; `input` is its standard input; `directory`, when
  /// given, its working folder.
  init(_ path: String, _ arguments: [String], environment: [String: String], input: String = "", in directory: URL? = nil)
    throws
  {
    folder = try TemporaryFolder()
    let inputPath = try folder.write("input", input)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let directory { try Self.addChangeDirectory(&actions, directory.path) }
    // Only the three standard streams: a descriptor another test has open (the write end
    // of a pipe it reads to the end) must not live on in this program, or that test's
    // read would wait for this program (a server, say) to end.
    Self.addCloseInherited(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, folder.path + "/output", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, folder.path + "/errors", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var child: pid_t = 0
    let status = posix_spawn(&child, path, &actions, nil, argv, envp)
    guard status == 0 else { throw ServerTestError("cannot start \(path): \(String(cString: strerror(status)))") }
    pid = child
  }

  // MARK: File actions the C headers hide

  // glibc's `posix_spawn_file_actions_addchdir_np` and `…_addclosefrom_np` are declared
  // only for `_GNU_SOURCE`, which Swift's Glibc module is not built with; they are looked
  // up by name. (Darwin has the first; the second is skipped where it is missing.)
  private typealias ChangeDirectoryAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
  private typealias CloseFromAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

  /// Looked up once, in the program's own handle (its libraries' symbols, the C
  /// library's among them).
  private static let changeDirectory = function("posix_spawn_file_actions_addchdir_np", as: ChangeDirectoryAction.self)
  private static let closeFrom = function("posix_spawn_file_actions_addclosefrom_np", as: CloseFromAction.self)

  private static func function<T>(_ name: String, as type: T.Type) -> T? {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { return nil }
    return unsafeBitCast(symbol, to: type)
  }

  private static func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) throws {
    guard let changeDirectory else {
      throw ServerTestError("this C library cannot start a program in another folder (no posix_spawn_file_actions_addchdir_np)")
    }
    _ = changeDirectory(&actions, path)
  }

  private static func addCloseInherited(_ actions: inout posix_spawn_file_actions_t) {
    _ = closeFrom?(&actions, 3)
  }

  /// Everything the program has written to standard output so far (bytes that are not
  /// UTF-8 shown as U+FFFD, as a terminal would show something).
  var output: String { Self.text(of: folder.path + "/output") }
  /// Everything the program has written to standard error so far.
  var errors: String { Self.text(of: folder.path + "/errors") }

  private static func text(of path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }

  /// Whether the program has not ended yet (reaps it if it has).
  var isRunning: Bool { poll() == nil }

  /// Sends a signal (if the program still runs).
  func signal(_ number: Int32) {
    if isRunning { kill(pid, number) }
  }

  /// Waits at most `seconds` for the program to end, then kills it; how it ended.
  @discardableResult
  func wait(seconds: Double = 60) -> Ending {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      if let ending = poll() { return ending }
      usleep(5_000)
    }
    kill(pid, SIGKILL)
    while true {
      if let ending = poll() { return ending }
      usleep(5_000)
    }
  }

  /// Waits until standard output holds a whole line (at most `seconds`); that line.
  func firstLine(seconds: Double = 30) -> String {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      let text = output
      if let end = text.firstIndex(of: "\n") { return String(text[..<end]) }
      if !isRunning { return text }
      usleep(5_000)
    }
    return output
  }

  /// The program's ending if it has ended (reaping it once), nil while it runs.
  private func poll() -> Ending? {
    if let ending { return ending }
    var status: Int32 = 0
    guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
    let signal = status & 0x7f
    ending = signal == 0 ? .exited((status >> 8) & 0xff) : .killed(by: signal)
    return ending
  }

  deinit {
    if poll() == nil {
      kill(pid, SIGKILL)
      wait(seconds: 10)
    }
  }
}
