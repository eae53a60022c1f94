// Child processes for the whole-process timings, started and reaped by hand.

import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Starting and timing a child

/// A command started with `posix_spawn`, with its standard input from `/dev/null` and its
/// output to `/dev/null` or to a file, waited for with `waitpid`.
///
/// Foundation's `Process.waitUntilExit()` is not used for timing: on Linux it polls its
/// run loop in 50 ms steps, so a run of 0.16 s came back as 0.20 s and a 10 ms one as
/// 0.05 s, which hid most of what `--jobs 2` gains on a short batch.
struct ChildProcess {
  /// The process id, while the child runs.
  private let id: pid_t

  /// Starts `executable` with `arguments`; standard output goes to `outputPath` (created or
  /// truncated) or is discarded; standard error is discarded. Nil when it cannot start.
  static func start(_ executable: String, _ arguments: [String], outputPath: String? = nil) -> ChildProcess? {
    #if canImport(Glibc)
      var actions = posix_spawn_file_actions_t()
    #else
      var actions: posix_spawn_file_actions_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var id: pid_t = 0
    guard posix_spawn(&id, executable, &actions, nil, argv, environ) == 0 else { return nil }
    return ChildProcess(id: id)
  }

  /// Waits until the child exits; true when it exited with status 0.
  @discardableResult
  func wait() -> Bool {
    var status: Int32 = 0
    while waitpid(id, &status, 0) == -1 {
      guard errno == EINTR else { return false }
    }
    // WIFEXITED and WEXITSTATUS are macros Swift does not import.
    return status & 0x7f == 0 && (status >> 8) & 0xff == 0
  }
}

/// Wall seconds of the commands started together, until every one has exited (output
/// discarded), or nil when one cannot be started or does not exit with status 0: a run
/// that failed is not a time.
func wallSeconds(_ commands: [(executable: String, arguments: [String])], outputPath: String? = nil) -> Double? {
  let start = DispatchTime.now().uptimeNanoseconds
  var children: [ChildProcess] = []
  for command in commands {
    guard let child = ChildProcess.start(command.executable, command.arguments, outputPath: outputPath) else {
      for started in children { started.wait() }
      return nil
    }
    children.append(child)
  }
  var succeeded = true
  for child in children where !child.wait() { succeeded = false }
  return succeeded ? Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 : nil
}
