import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine

/// Nothing a user owns is destroyed: `--output` and `fmt` replace only regular files they
/// may replace, follow symbolic links, keep modes, never write over their own input, and
/// never revert a file saved meanwhile; a session file is used by one questionnaire at a
/// time, and a default session name never overwrites a file.
@Suite("File safety")
struct FileSafetyTests {
  static let answers = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/trucker.json").path

  static func mode(_ path: String) -> mode_t {
    var info = stat()
    _ = lstat(path, &info)
    return info.st_mode
  }

  /// Copies the shipped rule files into `folder/rules`; returns the shipped rules folder.
  static func copyShippedRules(into folder: TemporaryFolder) throws -> URL {
    let source = UpstreamBinary.packageRoot.appendingPathComponent("rules")
    for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".rules") {
      try folder.write("rules/" + name, try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8))
    }
    return source
  }

  @Test("--output refuses a FIFO, a folder, the answers file itself and a read-only file, touching none of them")
  func outputRefusals() throws {
    let folder = try TemporaryFolder()
    let fifo = folder.path + "/report.fifo"
    #expect(mkfifo(fifo, 0o644) == 0)
    let onFIFO = try UpstreamBinary.run(["assess", "--answers", Self.answers, "--output", fifo])
    #expect(onFIFO.status == 4)
    #expect(onFIFO.errors.contains("it is a FIFO (named pipe), not a regular file"))
    #expect(Self.mode(fifo) & S_IFMT == S_IFIFO)
    let onFolder = try UpstreamBinary.run(["assess", "--answers", Self.answers, "--output", folder.path])
    #expect(onFolder.status == 4 && onFolder.errors.contains("it is a folder"))

    let copy = try folder.write("in.json", try String(contentsOfFile: Self.answers, encoding: .utf8))
    let original = try Data(contentsOf: URL(fileURLWithPath: copy))
    let onInput = try UpstreamBinary.run(["assess", "--answers", copy, "--output", copy])
    #expect(onInput.status == 4)
    #expect(onInput.errors.contains("which this command reads; write the output to another file"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == original)

    let readOnly = try folder.write("kept.txt", "keep me\n")
    chmod(readOnly, 0o444)
    let onReadOnly = try UpstreamBinary.run(["assess", "--answers", Self.answers, "--output", readOnly])
    #expect(onReadOnly.status == 4 && onReadOnly.errors.contains("the file is read-only"))
    #expect(try String(contentsOfFile: readOnly, encoding: .utf8) == "keep me\n")
  }

  @Test("--output through a symbolic link replaces the file it points to, keeps the link and the file's mode; '-' is standard output")
  func outputThroughLink() throws {
    let folder = try TemporaryFolder()
    let target = try folder.write("real/report.md", "old\n")
    chmod(target, 0o600)
    let link = folder.path + "/report.md"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/report.md")
    let result = try UpstreamBinary.run(["assess", "--answers", Self.answers, "--format", "markdown", "--output", link])
    #expect(result.status == 0, "\(result.errors)")
    #expect(Self.mode(link) & S_IFMT == S_IFLNK, "the link is still a link")
    #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("# Upstream"))
    #expect(Self.mode(target) & 0o777 == 0o600)
    let dash = try UpstreamBinary.run(["assess", "--answers", Self.answers, "--format", "markdown", "--output", "-"], in: folder.url)
    #expect(dash.output.hasPrefix("# Upstream"))
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/-"))
  }

  @Test("fmt formats a symlinked rule file in place and keeps its mode")
  func fmtKeepsLinksAndModes() throws {
    let folder = try TemporaryFolder()
    let source = try Self.copyShippedRules(into: folder)
    // One file lives elsewhere, linked in, messily laid out, readable by its owner only.
    let outside = try folder.write(
      "elsewhere/footwear.rules",
      try String(contentsOf: source.appendingPathComponent("footwear.rules"), encoding: .utf8)
        .replacingOccurrences(of: "\n  title", with: "\n      title"))
    chmod(outside, 0o600)
    try FileManager.default.removeItem(atPath: folder.path + "/rules/footwear.rules")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/rules/footwear.rules", withDestinationPath: outside)
    let result = try UpstreamBinary.run(["fmt", "--rules", folder.path + "/rules"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.contains("formatted"))
    #expect(Self.mode(folder.path + "/rules/footwear.rules") & S_IFMT == S_IFLNK)
    #expect(!(try String(contentsOfFile: outside, encoding: .utf8)).contains("\n      title"))
    #expect(Self.mode(outside) & 0o777 == 0o600)
  }

  @Test("a file changed since it was read is not replaced: the newer save wins")
  func changedMeanwhileIsKept() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("a.rules", "as read\n")
    let read = try Data(contentsOf: URL(fileURLWithPath: path))
    try "saved meanwhile\n".write(toFile: path, atomically: false, encoding: .utf8)
    let outcome = try AtomicFile.write("formatted\n", to: path, unlessChangedFrom: read)
    #expect(outcome == .skippedChangedMeanwhile)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "saved meanwhile\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    #expect(try AtomicFile.write("formatted\n", to: path, unlessChangedFrom: Data("saved meanwhile\n".utf8)) == .written)
  }

  @Test("a session file in use by one questionnaire is refused to a second; default names never overwrite")
  func sessionLocked() throws {
    let folder = try TemporaryFolder()
    let (first, input) = try NoLostWorkTests.start(["ask", "--session", folder.path + "/s.json"])
    defer { if first.isRunning { first.terminate() } }
    let deadline = Date().addingTimeInterval(30)
    while !FileManager.default.fileExists(atPath: folder.path + "/.s.json.lock"), Date() < deadline { usleep(10_000) }
    let second = try UpstreamBinary.run(["ask", "--resume", folder.path + "/s.json"], input: "no\n", in: folder.url)
    #expect(second.status == 4)
    #expect(second.errors.contains("the session file '\(folder.path)/s.json' is in use by another questionnaire"))
    try input.fileHandleForWriting.close()
    // Not `waitUntilExit()`, which can miss the exit under CI's faked clock and wait for ever.
    let ending = ContinuousClock.now + .seconds(30)
    while first.isRunning, ContinuousClock.now < ending { usleep(10_000) }
    // Once the first has ended, the file can be resumed.
    let third = try UpstreamBinary.run(["ask", "--resume", "s.json"], input: "quit\n", in: folder.url)
    #expect(third.status != 4, "\(third.errors)")

    // A default name is never one that exists.
    try folder.write("upstream-session.json", "{\"mine\": true}\n")
    let fresh = try UpstreamBinary.run(["ask"], input: "quit\n", in: folder.url)
    #expect(fresh.output.contains("upstream-session-2.json"), "\(fresh.output)")
    #expect(try String(contentsOfFile: folder.path + "/upstream-session.json", encoding: .utf8) == "{\"mine\": true}\n")
  }
}

// MARK: - What is read as rules

extension FileSafetyTests {
  @Test("only regular files are read as rules: a FIFO, a link loop and a folder named .rules are reported, never waited on")
  func onlyRegularFilesAreRead() throws {
    let folder = try TemporaryFolder()
    _ = try Self.copyShippedRules(into: folder)
    let rules = folder.path + "/rules"
    #expect(mkfifo(rules + "/waiting.rules", 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: rules + "/loop-a.rules", withDestinationPath: "loop-b.rules")
    try FileManager.default.createSymbolicLink(atPath: rules + "/loop-b.rules", withDestinationPath: "loop-a.rules")
    try FileManager.default.createSymbolicLink(atPath: rules + "/here.rules", withDestinationPath: ".")
    let result = try UpstreamBinary.run(["check", "--rules", rules])
    #expect(result.status == 1)
    #expect(result.output.contains("waiting.rules': it is a FIFO (named pipe); only regular files are read"))
    #expect(result.output.contains("loop-a.rules': it is a symbolic link that leads back to itself"))
    #expect(result.output.contains("here.rules': it is a folder; only regular files are read"))
    let file = try UpstreamBinary.run(["check", "--rules", rules + "/knowledge-base.rules"])
    #expect(file.status == 1)
    #expect(file.output.contains("is a file, not a folder; give the folder that holds the .rules files (here: '\(rules)')"))
  }
}
