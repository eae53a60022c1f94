import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The test support's child programs: what they inherit and how long they are waited for.
@Suite("Child programs of the tests")
struct ChildProgramTests {
  #if os(Linux)
    @Test("a program started for a test has only the standard streams open: another test's pipe does not live on in it")
    func onlyStandardStreams() throws {
      // A pipe without close-on-exec, as Foundation's `Pipe` makes them: a program that kept
      // its write end would keep another test's read waiting for that program to end.
      var ends: [Int32] = [0, 0]
      #expect(pipe(&ends) == 0)
      defer { for end in ends { close(end) } }
      let listing = try ChildProgram("/bin/sh", ["-c", "ls /proc/self/fd"], environment: ChildEnvironment.clean())
      #expect(listing.wait(seconds: 60) == .exited(0))
      let open = Set(listing.output.split(separator: "\n").compactMap { Int32($0) })
      #expect(!open.contains(ends[0]) && !open.contains(ends[1]), "open in the child: \(open.sorted())")
      #expect(open.isSuperset(of: [0, 1, 2]))
    }
  #endif

  @Test("a program that does not end is killed at the deadline, and the test goes on")
  func deadline() throws {
    let sleeper = try ChildProgram("/bin/sleep", ["60"], environment: ChildEnvironment.clean())
    let started = ContinuousClock.now
    #expect(sleeper.wait(seconds: 1) == .killed(by: SIGKILL))
    #expect(ContinuousClock.now - started < .seconds(30))
  }

  @Test("a program runs in the folder it is given")
  func workingFolder() throws {
    let folder = try TemporaryFolder()
    let shell = try ChildProgram("/bin/pwd", [], environment: ChildEnvironment.clean(), in: folder.url)
    #expect(shell.wait(seconds: 60) == .exited(0))
    #expect(
      URL(fileURLWithPath: shell.output.trimmingCharacters(in: .whitespacesAndNewlines)).resolvingSymlinksInPath().path
        == folder.url.resolvingSymlinksInPath().path)
  }
}
