import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine
@testable import UpstreamServer

/// The web sessions kept in memory between requests: the file stays the record (every
/// answer written before it is confirmed), memory never runs ahead of it, and a store with
/// few places still serves every session.
@Suite("web sessions in memory and on disk")
struct WebSessionStoreTests {
  static let knowledgeBase = FuzzHarness.bundled

  /// A store over a new folder whose saves can be made to fail.
  final class Disk: @unchecked Sendable {
    let folder: TemporaryFolder
    var failing = false
    var writes = 0

    init() throws { folder = try TemporaryFolder() }

    func store(capacity: Int = 4_096) -> WebSessionStore {
      WebSessionStore(folder: folder.path, knowledgeBase: WebSessionStoreTests.knowledgeBase, capacity: capacity) { text, path in
        if self.failing { throw CocoaError(.fileWriteNoPermission) }
        self.writes += 1
        try AtomicFile.write(text, to: path)
      }
    }
  }

  static func answerCurrent(_ store: WebSessionStore, _ id: String) throws {
    try store.update(id) { (loaded: inout WebSessionStore.Loaded) throws(WebSessionStore.Problem) in
      guard let question = loaded.session.currentQuestion else { return }
      let value: AnswerValue =
        switch question.kind {
        case .yesNo: .no
        case .choices(let options): .options([options[0].id])
        case .choice(let options): .option(options[0].id)
        default: .number(question.kind.numberRange?.lowerBound ?? 0)
        }
      try? loaded.session.answer(value)
    }
  }

  @Test("a session started until the advice is settled keeps that mode in its file, and asks no more than an adaptive one")
  func adviceSettledMode() throws {
    let disk = try Disk()
    let store = disk.store()
    let settled = try store.create(mode: .untilAdviceSettled)
    let adaptive = try store.create()
    for _ in 0..<60 {
      try Self.answerCurrent(store, settled)
      try Self.answerCurrent(store, adaptive)
    }
    let fromFile = try disk.store().load(settled).session
    #expect(fromFile.mode == .untilAdviceSettled)
    #expect(fromFile.isComplete)
    #expect(fromFile.replies.count <= (try store.load(adaptive)).session.replies.count)
  }

  @Test("every answer is in the file when confirmed; a new store on the folder (a restarted server) resumes each session")
  func fileIsTheRecord() throws {
    let disk = try Disk()
    let store = disk.store()
    let id = try store.create()
    for _ in 0..<5 { try Self.answerCurrent(store, id) }
    #expect(disk.writes == 6)
    let inMemory = try store.load(id)
    let fromFile = try disk.store().load(id)
    #expect(fromFile.session.replies == inMemory.session.replies)
    #expect(fromFile.session.replies.count == 5)
    #expect(fromFile.csrfToken == inMemory.csrfToken)
    #expect(fromFile.session.currentQuestion?.id == inMemory.session.currentQuestion?.id)
  }

  @Test("an answer whose save fails is not kept in memory either: the next page shows the session as saved")
  func failedSaveIsForgotten() throws {
    let disk = try Disk()
    let store = disk.store()
    let id = try store.create()
    try Self.answerCurrent(store, id)
    let saved = try store.load(id)
    disk.failing = true
    #expect(throws: WebSessionStore.Problem.self) { try Self.answerCurrent(store, id) }
    disk.failing = false
    let after = try store.load(id)
    #expect(after.session.replies == saved.session.replies)
    #expect(after.session.currentQuestion?.id == saved.session.currentQuestion?.id)
  }

  @Test("with room for two sessions, ten people answering in turn each carry on where they were")
  func boundedMemory() throws {
    let disk = try Disk()
    let store = disk.store(capacity: 2)
    let ids = try (0..<10).map { _ in try store.create() }
    for round in 1...3 {
      for id in ids {
        try Self.answerCurrent(store, id)
        #expect(try store.load(id).session.replies.count == round)
      }
    }
    for id in ids { #expect(try disk.store().load(id).session.replies.count == 3) }
  }
}
