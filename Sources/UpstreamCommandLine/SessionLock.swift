import Foundation
import Upstream

// MARK: - Locking a session file

/// An exclusive lock on a session file while one questionnaire uses it: a second
/// `upstream ask --resume` of the same file is refused instead of both saving over each
/// other. The lock is `flock` on a hidden file beside it (the session file itself is
/// replaced on every save); the system releases it when the process ends, however it ends.
final class SessionLock: @unchecked Sendable {
  private let lockPath: String
  private var descriptor: Int32

  init(path: String) throws {
    let url = URL(fileURLWithPath: AtomicFile.resolvingLinks(path))
    lockPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
    descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
    guard descriptor >= 0 else {
      throw CommandError.file("cannot lock the session file '\(path)': \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw CommandError.file(
        "the session file '\(path)' is in use by another questionnaire; finish or quit that one first (its answers are saved after every reply)")
    }
  }

  /// Releases the lock and removes the lock file.
  func release() {
    guard descriptor >= 0 else { return }
    unlink(lockPath)
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
