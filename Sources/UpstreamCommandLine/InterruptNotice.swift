import Foundation
import Upstream

// MARK: - Ctrl-C during the questionnaire

/// Handles Ctrl-C while the questionnaire runs: every reply is already saved, so it waits
/// for a save in progress, says how to carry on, and exits with status 130.
final class InterruptNotice: @unchecked Sendable {
  private let source: DispatchSourceSignal
  private let lock = NSLock()
  /// What to print; guarded by `lock` (the handler runs on another thread).
  private var message: String

  init(store: SessionStore, console: Console, message: String) {
    self.message = message
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
    source.setEventHandler { [self] in
      store.hold()
      console.writeError("\n" + lock.withLock { self.message })
      _exit(130)
    }
    source.resume()
  }

  /// Changes what Ctrl-C prints from now on (a warning sign raised since it started).
  func update(message: String) {
    lock.withLock { self.message = message }
  }

  func cancel() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
