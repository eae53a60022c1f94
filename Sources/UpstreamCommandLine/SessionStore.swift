import Foundation
import Upstream

// MARK: - Saving a session file

/// The session file, written atomically after every reply. Saving holds a lock that the
/// Ctrl-C handler waits on, so an interrupted save still leaves the last complete file.
final class SessionStore: @unchecked Sendable {
  let path: String
  private let lock = NSLock()

  init(path: String) { self.path = path }

  func save(_ session: QuestionnaireSession) throws {
    lock.lock()
    defer { lock.unlock() }
    try AtomicFile.write(JSONWriter.pretty(session.json), to: path)
  }

  /// Waits for a save in progress and keeps any other from starting.
  func hold() { lock.lock() }
}
