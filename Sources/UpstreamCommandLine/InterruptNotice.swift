import Foundation
import Upstream

// MARK: - Ctrl-C during the questionnaire

/// Handles Ctrl-C while the questionnaire runs: every reply is already saved, so it waits
/// for a save in progress, says how to carry on, and exits with status 130.
final class InterruptNotice: @unchecked Sendable {
  private let source: DispatchSourceSignal

  init(store: SessionStore, console: Console, message: String) {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
    source.setEventHandler {
      store.hold()
      console.writeError("\n" + message)
      _exit(130)
    }
    source.resume()
  }

  func cancel() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
