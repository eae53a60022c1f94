import Foundation
import Testing

@testable import Upstream

/// No lost work: a process killed while it writes leaves each file as it was or as it
/// was going to be, never a mix; a corrupt session file is reported and left alone.
@Suite("No lost work")
struct NoLostWorkTests {
  // MARK: Killing the real binary

  /// Starts the real `upstream` with arguments, its output discarded; returns the process
  /// and the pipe to its standard input.
  static func start(_ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: UpstreamBinary.path)
    process.arguments = arguments
    var environment = ChildEnvironment.clean()
    environment["NO_COLOR"] = "1"
    // The tests' fixed day: a new questionnaire session is dated by the clock.
    environment["SOURCE_DATE_EPOCH"] = String(testDay.daysSince1970 * 86_400)
    environment["UPSTREAM_TODAY"] = nil
    process.environment = environment
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, input)
  }

  /// Starts `upstream` with arguments and standard input, waits until `ready` says so
  /// (polled every millisecond, for at most `timeout` seconds), then kills it with
  /// SIGKILL. Returns whether it was still running when killed.
  static func runAndKill(
    _ arguments: [String], input: String = "", timeout: Double = 60, when ready: () -> Bool
  ) throws -> Bool {
    let (process, standardInput) = try start(arguments)
    standardInput.fileHandleForWriting.write(Data(input.utf8))
    try standardInput.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, !ready(), Date() < deadline { usleep(1_000) }
    let wasRunning = process.isRunning
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return wasRunning
  }

  /// The file's inode: a file replaced by a rename gets a new one.
  static func inode(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? Int
  }

  // MARK: upstream fmt

  /// A knowledge base in many large files, every line laid out badly, so that `fmt`
  /// rewrites every file and takes a while doing it.
  static func untidyFolder(files: Int, rulesPerFile: Int) -> [String: String] {
    var folder: [String: String] = [
      "header.rules": header + "question q: yes/no\n  ask \"Q?\"\nquestion n: number\n  ask \"N?\"\n  range 0 to 100\n"
    ]
    for file in 0..<files {
      var text = "# File \(file): kept as written.\n"
      for rule in 0..<rulesPerFile {
        let id = "f\(file)_\(rule)"
        text += "contributor   \(id)\n      name \"Finding \(id)\"\n   explain \"Why \(id) matters.\"\n"
        text += "rule r_\(id)   # a comment that must survive\n    when   q   and  n >   \(rule % 100)\n"
        text += "      then \(id) certainty 0.\(rule % 9 + 1)\n  because   \"Reason \(id).\"\n   source   s\n\n\n"
      }
      folder["part-\(String(1000 + file).dropFirst()).rules"] = text
    }
    return folder
  }

  @Test("SIGKILL during upstream fmt on a large folder leaves every file either as it was or fully formatted")
  func killDuringFormat() throws {
    let original = Self.untidyFolder(files: 300, rulesPerFile: 4)
    let names = original.keys.sorted()
    let work = try TemporaryFolder()
    // The formatted text of every file, from a run that was left to finish.
    for (name, text) in original { try work.write("done/\(name)", text) }
    let finished = try UpstreamBinary.run(["fmt", "--rules", work.path + "/done"])
    #expect(finished.status == 0, "\(finished.errors)")
    var formatted: [String: String] = [:]
    for name in names { formatted[name] = try String(contentsOfFile: work.path + "/done/" + name, encoding: .utf8) }
    let changing = names.filter { formatted[$0] != original[$0] }
    #expect(changing.count >= 300)
    let firstWritten = try #require(changing.first)

    var killedMidWay = 0
    for attempt in 0..<6 {
      let folder = "\(work.path)/try\(attempt)"
      for (name, text) in original { try work.write("try\(attempt)/\(name)", text) }
      let watched = Self.inode(folder + "/" + firstWritten)
      // Kill as soon as fmt has replaced its first file (it writes them in order), or, on
      // later attempts, a little after: either way, in the middle of writing the folder.
      var replacedAt: Date?
      let wasRunning = try Self.runAndKill(["fmt", "--rules", folder]) {
        if replacedAt == nil, Self.inode(folder + "/" + firstWritten) != watched { replacedAt = Date() }
        return replacedAt.map { Date().timeIntervalSince($0) >= Double(attempt) * 0.01 } ?? false
      }
      var states: Set<String> = []
      for name in names {
        let now = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        #expect(now == original[name] || now == formatted[name], "\(name) is neither the original nor the formatted file")
        states.insert(now == original[name] ? "original" : "formatted")
      }
      // The folder still holds exactly its rule files, and they still load.
      let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".rules") }
      #expect(Set(left) == Set(names))
      #expect(KnowledgeBase.load(directory: folder).knowledgeBase != nil)
      if wasRunning, states.count == 2 { killedMidWay += 1 }
    }
    // Kills landed while files were being written (some done, some not), so the checks
    // above saw real interrupted runs, not only runs killed before or after writing.
    #expect(killedMidWay >= 1)
  }

  // MARK: The questionnaire

  @Test("SIGKILL during a questionnaire leaves a session file that is complete JSON and resumes")
  func killDuringQuestionnaire() throws {
    let kb = FuzzHarness.bundled
    let cases = CaseLoader.bundled(for: kb).cases
    let person = try #require(cases.max { $0.answers.questionIDs.count < $1.answers.questionIDs.count })
    // The replies the person types: whatever the session asks, answered from the case.
    let session = try QuestionnaireSession.answering(person.answers, with: kb, mode: .everyQuestion)
    let replies = session.replies.map { reply in reply.answer.map(Self.typed) ?? "skip" }
    #expect(replies.count >= 20)

    let work = try TemporaryFolder()
    var sawPartial = 0
    for (attempt, killAfter) in [1, 3, 6, 10, 15, replies.count - 2].enumerated() {
      let path = "\(work.path)/session-\(attempt).json"
      try Self.typeAndKill(
        ["ask", "--all", "--session", path, "--width", "100"], replies: replies, killAfter: killAfter, sessionFile: path)
      guard FileManager.default.fileExists(atPath: path) else { continue }
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let read = AnswersReader.read(SourceFile(path: path, text: text), for: kb)
      #expect(read.diagnostics.filter { $0.severity == .error }.isEmpty, "\(read.diagnostics.map(\.message)) in \(text)")
      // The saved replies are the first ones typed, in order.
      let saved = read.order
      #expect(saved == session.replies.prefix(saved.count).map(\.question))
      if !saved.isEmpty, saved.count < session.replies.count { sawPartial += 1 }
      // And the session carries on from there.
      let resumed = try UpstreamBinary.run(
        ["ask", "--all", "--resume", path, "--width", "100"], input: replies.dropFirst(saved.count).joined(separator: "\n") + "\n\n")
      #expect(resumed.status == 0, "\(resumed.errors)")
      let final = try String(contentsOfFile: path, encoding: .utf8)
      // Every reply, and the day the session started (the tests' clock) kept across the kill.
      var expected = session.answers
      expected.assessmentDate = testDay
      #expect(AnswersReader.read(SourceFile(path: path, text: final), for: kb).answers == expected)
    }
    // Every kill landed mid-session.
    #expect(sawPartial == 6)
  }

  /// Runs `upstream` as a person at the keyboard: one reply every 10 ms. After the reply
  /// at `killAfter`, waits until the session file holds at least that many replies (so
  /// the kill lands in the middle of the session, between or during saves), then kills
  /// the process with SIGKILL.
  static func typeAndKill(_ arguments: [String], replies: [String], killAfter: Int, sessionFile: String) throws {
    // A write to a pipe whose reader has died must not end the test process.
    signal(SIGPIPE, SIG_IGN)
    let (process, keyboard) = try start(arguments)
    for (index, reply) in replies.enumerated() where process.isRunning {
      try keyboard.fileHandleForWriting.write(contentsOf: Data((reply + "\n").utf8))
      usleep(10_000)
      guard index + 1 == killAfter else { continue }
      let deadline = Date().addingTimeInterval(20)
      while process.isRunning, Date() < deadline, savedReplies(sessionFile) < max(1, killAfter - 1) { usleep(1_000) }
      break
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    try? keyboard.fileHandleForWriting.close()
  }

  /// How many replies a session file holds now (0 when there is none yet).
  static func savedReplies(_ path: String) -> Int {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
    return AnswersReader.read(SourceFile(path: path, text: text), for: FuzzHarness.bundled).order.count
  }

  /// An answer as a person would type it at the prompt.
  static func typed(_ answer: AnswerValue) -> String {
    switch answer {
    case .options(let options): options.isEmpty ? "none" : options.joined(separator: ", ")
    default: answer.description
    }
  }

  @Test("a corrupt or truncated session file gives a clear error, exit 3, and is left as it was")
  func corruptSessionFile() throws {
    let work = try TemporaryFolder()
    for (name, text, expected) in [
      ("truncated.json", "{\n  \"pain_areas\": [\"hip\"],\n  \"arch_sh", "is not valid JSON"),
      ("garbage.json", "\u{1}\u{2}not json at all", "is not valid JSON"),
      ("wrong.json", "{\"pain_areas\": 7}", "pain_areas"),
    ] {
      let path = try work.write(name, text)
      let result = try UpstreamBinary.run(["ask", "--resume", path], input: "yes\n")
      #expect(result.status == 3, "\(name): \(result.status) \(result.errors)")
      #expect(result.errors.contains("error: the session file '\(path)' cannot be resumed, so it was left as it was"), "\(name): \(result.errors)")
      #expect(result.errors.lowercased().contains(expected.lowercased()), "\(name): \(result.errors)")
      #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "\(name) was changed")
    }
  }
}
