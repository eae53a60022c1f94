import Foundation
import Testing

@testable import Upstream

/// Docs/ClinicianGuide.md is a tutorial with real transcripts. This test follows it step by
/// step in a scratch folder: it makes the edits the guide describes and runs every command
/// it shows, checking that each transcript is what the current code prints.
///
/// The guide marks its steps with HTML comments (invisible when the page is read):
/// - `<!-- run: upstream ARGS -->`, or `<!-- run, exit N: upstream ARGS -->`: the next code
///   block is the transcript (a first line `$ upstream ARGS`, then what it prints: standard
///   error, then standard output);
/// - `<!-- replace: FILE -->`: the next two code blocks are text in FILE and what replaces it;
/// - `<!-- append: FILE -->`: the next code block is added to the end of FILE;
/// - `<!-- create: FILE -->`: the next code block is a new FILE;
/// - `<!-- excerpt: FILE -->`: the next code block is shown from FILE as it is at that point.
///
/// Run with `UPSTREAM_UPDATE_DOCS=1` to rewrite the transcripts (and the pictures in
/// Docs/images) from the current code instead of checking them.
@Suite("Clinician guide")
struct ClinicianGuideTests {
  static let root = UpstreamBinary.packageRoot
  static let updating = ProcessInfo.processInfo.environment["UPSTREAM_UPDATE_DOCS"] == "1"
  /// Review dates are measured from this day, so the transcripts do not age.
  static let today = "2026-11-22"

  static var environment: [String: String] {
    ["SOURCE_DATE_EPOCH": String((CalendarDay(today)?.daysSince1970 ?? 0) * 86_400)]
  }

  /// One marked step of the guide.
  struct Step {
    let action: String
    let argument: String
    let exitCode: Int32
    /// The line ranges (contents, without the fences) of the code blocks it owns.
    let blocks: [Range<Int>]
  }

  static func steps(_ lines: [String]) throws -> [Step] {
    var steps: [Step] = []
    var index = 0
    while index < lines.count {
      let line = lines[index].trimmingCharacters(in: .whitespaces)
      index += 1
      guard line.hasPrefix("<!-- "), line.hasSuffix(" -->"), let colon = line.firstIndex(of: ":") else { continue }
      let head = line.dropFirst(5)[..<colon].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let action = head.first, ["run", "replace", "append", "create", "excerpt"].contains(action) else { continue }
      let argument = line[line.index(after: colon)...].dropLast(4).trimmingCharacters(in: .whitespaces)
      let exitCode = head.dropFirst().first.flatMap { Int32($0.replacingOccurrences(of: "exit ", with: "")) } ?? 0
      var blocks: [Range<Int>] = []
      var cursor = index
      while blocks.count < (action == "replace" ? 2 : 1) {
        guard let open = lines[cursor...].firstIndex(where: { $0.hasPrefix("```") }),
          let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        else { throw Failure("the step '\(line)' has no code block after it") }
        blocks.append((open + 1)..<close)
        cursor = close + 1
      }
      steps.append(Step(action: action, argument: argument, exitCode: exitCode, blocks: blocks))
      index = cursor
    }
    return steps
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  @Test("every transcript in Docs/ClinicianGuide.md is what the current code prints, following the guide's edits")
  func transcripts() throws {
    let guide = Self.root.appendingPathComponent("Docs/ClinicianGuide.md")
    var lines = try String(contentsOf: guide, encoding: .utf8).components(separatedBy: "\n")
    let steps = try Self.steps(lines)
    #expect(steps.filter { $0.action == "run" }.count >= 10)

    let sandbox = try TemporaryFolder()
    for name in ["rules", "my-rules"] {
      try FileManager.default.copyItem(at: Self.root.appendingPathComponent("rules"), to: sandbox.url.appendingPathComponent(name))
    }
    // Blocks are rewritten from the last to the first, so earlier line numbers stay valid.
    var rewrites: [(range: Range<Int>, lines: [String])] = []
    for step in steps {
      let block = step.blocks.map { Array(lines[$0]) }
      let file = sandbox.url.appendingPathComponent(step.argument)
      switch step.action {
      case "replace":
        let text = try String(contentsOf: file, encoding: .utf8)
        let old = block[0].joined(separator: "\n")
        let new = block[1].joined(separator: "\n")
        let count = text.components(separatedBy: old).count - 1
        #expect(count == 1, "the guide replaces text that occurs \(count) times in \(step.argument):\n\(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
      case "append":
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\n" + block[0].joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
      case "excerpt":
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(
          text.contains(block[0].joined(separator: "\n") + "\n"),
          "the guide shows text that \(step.argument) does not hold:\n\(block[0].joined(separator: "\n"))")
      case "create":
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (block[0].joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
      default:
        let words = step.argument.split(separator: " ").map(String.init)
        #expect(words.first == "upstream", "a step runs '\(step.argument)', which is not an upstream command")
        let result = try UpstreamBinary.run(Array(words.dropFirst()), in: sandbox.url, environment: Self.environment)
        var output = (result.errors + result.output).components(separatedBy: "\n")
        while output.last == "" { output.removeLast() }
        let shown = block[0].first?.hasPrefix("$ ") ?? false ? ["$ " + step.argument] + output : output
        if Self.updating {
          rewrites.append((step.blocks[0], shown))
        } else {
          #expect(shown == block[0], "the transcript of '\(step.argument)' differs from what the code prints:\n\(shown.joined(separator: "\n"))")
          #expect(result.status == step.exitCode, "'\(step.argument)' exits \(result.status), the guide says \(step.exitCode)")
        }
      }
    }
    if Self.updating {
      for rewrite in rewrites.reversed() { lines.replaceSubrange(rewrite.range, with: rewrite.lines) }
      try lines.joined(separator: "\n").write(to: guide, atomically: true, encoding: .utf8)
    }
  }

  /// The pictures in Docs/images, with the command that draws each.
  static let pictures: [(name: String, arguments: [String])] = [
    ("knowledge-graph", ["graph"]),
    ("trucker-trace", ["graph", "--answers", "Docs/examples/trucker.json", "--reached-only"]),
  ]

  @Test("the pictures in Docs/images are drawn from the shipped rules by the current code")
  func pictures() throws {
    for picture in Self.pictures {
      let result = try UpstreamBinary.run(picture.arguments, in: Self.root)
      #expect(result.status == 0, "\(result.errors)")
      let dot = Self.root.appendingPathComponent("Docs/images/\(picture.name).dot")
      let svg = Self.root.appendingPathComponent("Docs/images/\(picture.name).svg")
      if Self.updating {
        try result.output.write(to: dot, atomically: true, encoding: .utf8)
        if let graphviz = AuthoringCommandLineTests.graphviz {
          let drawing = try ChildProgram(graphviz, ["-Tsvg", dot.path, "-o", svg.path], environment: ChildEnvironment.clean())
          #expect(drawing.wait(seconds: 120) == .exited(0), "dot could not draw \(dot.path)")
        }
      }
      #expect(
        try String(contentsOf: dot, encoding: .utf8) == result.output,
        "Docs/images/\(picture.name).dot is out of date; run UPSTREAM_UPDATE_DOCS=1 swift test --filter 'Clinician guide'")
      #expect(FileManager.default.fileExists(atPath: svg.path), "Docs/images/\(picture.name).svg is missing")
    }
  }
}
