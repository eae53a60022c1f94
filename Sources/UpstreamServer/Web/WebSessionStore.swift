import Foundation
import Upstream

// MARK: - Sessions on disk

/// The web questionnaire's sessions: one file per session, `<id>.json` in the sessions
/// folder, holding the session's `QuestionnaireSession.SavedState` and its CSRF token:
///
/// ```json
/// {"format": 1, "csrfToken": "…", "session": {"format": 1, "knowledgeBase": {…}, "mode": "adaptive", "replies": […]},
///  "takenBack": {"question": "…", "answer": …}}
/// ```
///
/// A new session's assessment date, which date conditions (`injury_date more than 6 weeks
/// ago`) count back from, is the day it was started, as the store's `clock` tells it (the
/// server's one clock: `UPSTREAM_TODAY` / `SOURCE_DATE_EPOCH` fix it). It is saved in the
/// session (`assessmentDate` in `session`), so a session resumed days later keeps it.
///
/// `takenBack` is the reply the last "Back" took back (absent after any other change), so
/// the question asked again shows the answer it had.
///
/// Ids and tokens are 128 bits from `SystemRandomNumberGenerator`, in hex, so a session
/// can only be reached by its link. Every change is written atomically (by the `save`
/// function given, `AtomicFile.write` in `upstream serve`) before the reply goes out, so a
/// killed server loses no answer it confirmed. Changes to one session are serialised.
///
/// The file is the record; the store also keeps the most recently used sessions, restored
/// and planned, in memory (at most `capacity`), so a page view or an answer does not read
/// the file and replay every reply again. A session is cached only as it was last written,
/// and a failed write drops it, so memory never holds what the file does not. One server
/// owns a sessions folder: another process writing the same files is not seen by a server
/// that has them cached.
package final class WebSessionStore: @unchecked Sendable {
  /// The folder the session files are in.
  package let folder: String
  private let knowledgeBase: KnowledgeBase
  /// What day a new session is started on: its assessment date.
  private let clock: Clock
  private let save: @Sendable (_ text: String, _ path: String) throws -> Void
  /// Locks striped by session id: changes to one session never interleave, and (with
  /// this many stripes) people answering at once seldom wait for each other's saves.
  private let locks = (0..<256).map { _ in NSLock() }
  /// The most sessions kept in memory.
  package let capacity: Int
  /// Recently used sessions as last saved, with when each was last used; under `cacheLock`.
  private var recent: [String: (loaded: Loaded, used: UInt64)] = [:]
  private var uses: UInt64 = 0
  private let cacheLock = NSLock()

  /// What a session file holds.
  private struct File: Codable {
    var format = 1
    var csrfToken: String
    var session: QuestionnaireSession.SavedState
    var takenBack: QuestionnaireSession.Reply?
  }

  /// A session as loaded: the session, its CSRF token, and the reply "Back" last took back.
  package struct Loaded: Sendable {
    package var session: QuestionnaireSession
    package let csrfToken: String
    package let takenBack: QuestionnaireSession.Reply?

    /// The answer to show checked on a question's page: the one given (the number that
    /// ended a session the knowledge base is not for included), or the one just taken back
    /// by "Back".
    package func shownAnswer(to question: String) -> AnswerValue? {
      if let ended = session.outOfScope, ended.question.id == question { return .number(ended.number) }
      return session.answer(to: question) ?? (takenBack?.question == question ? takenBack?.answer : nil)
    }
  }

  /// Why a session could not be used.
  package enum Problem: Error, Sendable {
    /// No session has this id (or it is not an id at all).
    case notFound
    /// The file cannot be read or resumed; the message says why.
    case unreadable(String)
    /// The file could not be written.
    case cannotSave(String)
  }

  /// A store over `folder`, keeping at most `capacity` sessions in memory (0: none); a new
  /// session's assessment date is `clock`'s today.
  package init(
    folder: String, knowledgeBase: KnowledgeBase, capacity: Int = 4_096, clock: Clock = .system,
    save: @escaping @Sendable (_ text: String, _ path: String) throws -> Void
  ) {
    self.folder = folder
    self.knowledgeBase = knowledgeBase
    self.clock = clock
    self.capacity = capacity
    self.save = save
  }

  /// A new random id or token: 32 lowercase hex digits (128 bits).
  package static func randomHex() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<2).map { _ in
      let value = generator.next() as UInt64
      let hex = String(value, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }.joined()
  }

  /// Whether text has the form of an id (so it can never name another file).
  package static func isWellFormed(_ id: String) -> Bool {
    id.utf8.count == 32 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }

  /// Starts a session in a mode (by default the adaptive one), dated today by the
  /// store's clock, and saves it; its id.
  package func create(mode: QuestionnaireSession.Mode = .adaptive) throws(Problem) -> String {
    let id = Self.randomHex()
    var session = QuestionnaireSession(knowledgeBase, mode: mode)
    session.assessmentDate = clock.today
    let loaded = Loaded(session: session, csrfToken: Self.randomHex(), takenBack: nil)
    try write(id, File(csrfToken: loaded.csrfToken, session: loaded.session.savedState))
    remember(id, loaded)
    return id
  }

  /// The session, its CSRF token and the reply "Back" last took back: from memory when it
  /// was used lately, else from its file.
  package func load(_ id: String) throws(Problem) -> Loaded {
    guard Self.isWellFormed(id) else { throw .notFound }
    if let cached = cached(id) { return cached }
    let file = try read(id)
    let loaded: Loaded
    do {
      loaded = Loaded(
        session: try QuestionnaireSession(knowledgeBase, restoring: file.session), csrfToken: file.csrfToken, takenBack: file.takenBack)
    } catch {
      throw .unreadable("this session cannot be resumed: \(error.description)")
    }
    remember(id, loaded)
    return loaded
  }

  /// Changes a session and saves it, holding the session's lock throughout; what `change` returns.
  package func update<T>(_ id: String, _ change: (inout Loaded) throws(Problem) -> T) throws(Problem) -> T {
    let lock = locks[Int(id.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }) % locks.count]
    lock.lock()
    defer { lock.unlock() }
    var loaded = try load(id)
    let before = loaded.session.replies
    let result = try change(&loaded)
    let after = loaded.session.replies
    // One reply fewer and the rest the same: "Back" took it back. The same replies (a page
    // shown, which keeps its progress count) keep what was taken back. Anything else forgets it.
    let takenBack =
      after == before ? loaded.takenBack : after.count + 1 == before.count && Array(before.dropLast()) == after ? before.last : nil
    do {
      try write(id, File(csrfToken: loaded.csrfToken, session: loaded.session.savedState, takenBack: takenBack))
    } catch {
      forget(id)
      throw error
    }
    remember(id, Loaded(session: loaded.session, csrfToken: loaded.csrfToken, takenBack: takenBack))
    return result
  }

  // MARK: Memory

  private func cached(_ id: String) -> Loaded? {
    cacheLock.lock()
    defer { cacheLock.unlock() }
    guard let entry = recent[id] else { return nil }
    uses += 1
    recent[id] = (entry.loaded, uses)
    return entry.loaded
  }

  /// Keeps a session as saved; beyond `capacity`, forgets the eighth least recently used.
  private func remember(_ id: String, _ loaded: Loaded) {
    guard capacity > 0 else { return }
    cacheLock.lock()
    defer { cacheLock.unlock() }
    uses += 1
    recent[id] = (loaded, uses)
    if recent.count > capacity {
      let oldest = recent.sorted { $0.value.used < $1.value.used }.prefix(max(1, capacity / 8))
      for (key, _) in oldest { recent[key] = nil }
    }
  }

  private func forget(_ id: String) {
    cacheLock.lock()
    recent[id] = nil
    cacheLock.unlock()
  }

  // MARK: Files

  private func path(_ id: String) -> String { (folder as NSString).appendingPathComponent(id + ".json") }

  private func read(_ id: String) throws(Problem) -> File {
    guard Self.isWellFormed(id), let data = FileManager.default.contents(atPath: path(id)) else { throw .notFound }
    do {
      return try JSONDecoder().decode(File.self, from: data)
    } catch {
      throw .unreadable("the session file is damaged")
    }
  }

  private func write(_ id: String, _ file: File) throws(Problem) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      let data = try encoder.encode(file)
      try save(String(decoding: data, as: UTF8.self) + "\n", path(id))
    } catch {
      throw .cannotSave("the session could not be saved")
    }
  }
}
