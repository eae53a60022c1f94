import Foundation
import Testing

@testable import Upstream

@Suite("Batch assessment")
struct BatchTests {
  /// One JSON Lines input built from the shipped cases, with bad lines mixed in.
  static func input() throws -> (lines: [String], bad: Set<Int>) {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    var lines: [String] = []
    var bad = Set<Int>()
    for (index, testCase) in CaseLoader.bundled(for: knowledgeBase).cases.enumerated() {
      lines.append(JSONWriter.compact(testCase.answers.json))
      if index % 7 == 3 {
        lines.append("{\"arch_shape\": \"flatt\"}")
        bad.insert(lines.count)
      }
      if index % 11 == 5 {
        lines.append("{not json")
        bad.insert(lines.count)
      }
    }
    return (lines, bad)
  }

  @Test("results come out one per line in input order, the same on one job or many")
  func orderAndParallelism() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let (lines, bad) = try Self.input()
    func run(jobs: Int) -> ([String], BatchAssessment.Summary) {
      var remaining = lines[...]
      var output: [String] = []
      let summary = BatchAssessment(knowledgeBase, jobs: jobs, linesPerJob: 3).run(
        nextLine: { remaining.popFirst() }, write: { output.append($0) })
      return (output, summary)
    }
    let (single, singleSummary) = run(jobs: 1)
    let (parallel, parallelSummary) = run(jobs: 4)
    #expect(single == parallel)
    #expect(singleSummary == parallelSummary)
    #expect(single.count == lines.count)
    #expect(singleSummary.failed == bad.count)
    for (index, line) in single.enumerated() {
      let number = index + 1
      if bad.contains(number) {
        #expect(line.hasPrefix("{\"line\":\(number),\"error\""))
      } else {
        // Each result is the same as assessing that line on its own.
        let answers = try #require(AnswersReader.read(SourceFile(path: "x", text: lines[index]), for: knowledgeBase).answers)
        #expect(line == JSONWriter.compact(AssessmentJSONRenderer().value(knowledgeBase.assess(answers).tree)))
      }
    }
  }

  @Test("upstream assess --batch through the binary: JSON Lines out, exit 3 when a line fails")
  func binary() throws {
    let (lines, bad) = try Self.input()
    let result = try UpstreamBinary.run(["assess", "--batch", "-", "--jobs", "2"], input: lines.joined(separator: "\n") + "\n")
    #expect(result.status == 3)
    let output = result.output.split(separator: "\n")
    #expect(output.count == lines.count)
    #expect(output.filter { $0.contains("\"error\":") && $0.hasPrefix("{\"line\":") }.count == bad.count)
    let good = try UpstreamBinary.run(["assess", "--batch", "-"], input: lines.enumerated().filter { !bad.contains($0.offset + 1) }.map(\.element).joined(separator: "\n"))
    #expect(good.status == 0)
    let usage = try UpstreamBinary.run(["assess", "--batch", "-", "--jobs", "0"], input: "")
    #expect(usage.status == 2)
    let missing = try UpstreamBinary.run(["assess", "--batch", "/nonexistent.jsonl"])
    #expect(missing.status == 4)
  }

  @Test("the line reader handles long lines, CRLF and a last line without a break")
  func lineReader() throws {
    let folder = try TemporaryFolder()
    let long = String(repeating: "x", count: 200_000)
    let path = try folder.write("in.jsonl", "a\r\n\(long)\nb\n\nc")
    let reader = LineReader(try #require(FileHandle(forReadingAtPath: path)), blockSize: 1000)
    var lines: [String] = []
    while let line = reader.next() { lines.append(line) }
    #expect(lines == ["a", long, "b", "", "c"])
  }
}
