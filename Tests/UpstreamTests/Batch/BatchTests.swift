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
        #expect(line == JSONWriter.compact(AssessmentJSONRenderer().value(knowledgeBase.assess(validated: answers).tree)))
      }
    }
  }

  @Test("upstream assess --batch through the binary: JSON Lines out, exit 3 when a line fails")
  func binary() throws {
    let (lines, bad) = try Self.input()
    let result = try UpstreamBinary.run(["assess", "--batch", "-", "--jobs", "2"], input: lines.joined(separator: "\n") + "\n")
    #expect(result.status == 3, "\(result.errors.prefix(2000))")
    let output = result.output.split(separator: "\n")
    #expect(output.count == lines.count)
    #expect(output.filter { $0.contains("\"error\":") && $0.hasPrefix("{\"line\":") }.count == bad.count)
    let good = try UpstreamBinary.run(
      ["assess", "--batch", "-"], input: lines.enumerated().filter { !bad.contains($0.offset + 1) }.map(\.element).joined(separator: "\n"))
    #expect(good.status == 0, "\(good.errors)")
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

  @Test("the line reader gives the same lines whatever size its reads are, and holds each line to the limit exactly")
  func lineReaderBlocks() throws {
    let folder = try TemporaryFolder()
    let lines = (0..<300).map { index in String(repeating: "é", count: index % 37) + "{\"n\": \(index)}" }
    let path = try folder.write("in.jsonl", lines.joined(separator: "\n") + "\n")
    for blockSize in [1, 2, 7, 64, 1 << 16] {
      let reader = LineReader(try #require(FileHandle(forReadingAtPath: path)), blockSize: blockSize)
      var read: [String] = []
      while let line = reader.next() { read.append(line) }
      #expect(read == lines, "block size \(blockSize)")
      #expect(reader.readFailure == nil)
    }
    // 10 bytes is the most: a line of 10 passes, one of 11 does not, even when it arrives in one read.
    let limited = try folder.write("limit.jsonl", "0123456789\n0123456789a\r\nok")
    for blockSize in [3, 1 << 16] {
      let reader = LineReader(try #require(FileHandle(forReadingAtPath: limited)), blockSize: blockSize, maximumLineLength: 10)
      var read: [InputLine] = []
      while let line = reader.nextLine() { read.append(line) }
      #expect(read.count == 3, "block size \(blockSize): \(read)")
      #expect(read.first == .text("0123456789"))
      #expect(read.last == .text("ok"))
      guard read.count == 3, case .unreadable(let tooLong) = read[1] else {
        Issue.record("block size \(blockSize): line 2 should be too long: \(read)")
        continue
      }
      #expect(tooLong.code == .inputTooLarge && tooLong.message.contains("line 2 is longer than 10 bytes"))
    }
  }

  @Test("a line's warnings close its tree and summary records, so a pipeline sees an item that was not used")
  func warningsInRecords() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let response =
      "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"item\":[{\"linkId\":\"pain_areas\","
      + "\"answer\":[{\"valueCoding\":{\"code\":\"hip\"}}]},{\"linkId\":\"mystery\",\"answer\":[{\"valueBoolean\":true}]}]}"
    let plain = "{\"pain_areas\": [\"hip\"]}"
    for format in [BatchRecordFormat.summary, .tree] {
      let batch = BatchAssessment(knowledgeBase, format: format, jobs: 1)
      let warned = batch.assess(line: response, number: 7)
      #expect(!warned.failed)
      let record = try #require(try JSONSerialization.jsonObject(with: Data(warned.json.utf8)) as? [String: Any])
      let warnings = try #require(record["warnings"] as? [[String: Any]], "\(format)")
      #expect(warnings.map { $0["code"] as? String } == ["UP0411"])
      #expect((warnings.first?["message"] as? String)?.contains("\"mystery\"") == true)
      // A line with nothing to warn of has no such member.
      #expect(!batch.assess(line: plain, number: 1).json.contains("\"warnings\""))
    }
    // The FHIR Bundle is written as assess --format fhir writes it.
    #expect(!BatchAssessment(knowledgeBase, format: .fhir, jobs: 1).assess(line: response, number: 7).json.contains("UP0411"))
  }

  @Test("a byte-order mark inside a batch (two exports joined) is named in the line's error")
  func byteOrderMarkInside() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let record = BatchAssessment(knowledgeBase, format: .summary, jobs: 1).assess(line: "\u{FEFF}{\"pain_areas\": [\"hip\"]}", number: 2)
    #expect(record.failed)
    #expect(record.json.contains("found a byte-order mark (U+FEFF)"), "\(record.json)")
  }

  @Test("--batch with --output FILE writes FILE whole, in place of the old one; a run that cannot finish leaves the old file")
  func batchOutputFile() throws {
    let folder = try TemporaryFolder()
    let input = try folder.write("in.jsonl", "{\"pain_areas\": [\"hip\"]}\n{\"pain_areas\": [\"knee\"]}\n")
    let output = try folder.write("out.jsonl", "old results\n")
    let result = try UpstreamBinary.run(["assess", "--batch", input, "--output", output, "--output-format", "summary"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.isEmpty)
    let written = try String(contentsOfFile: output, encoding: .utf8)
    #expect(written.split(separator: "\n").count == 2)
    let direct = try UpstreamBinary.run(["assess", "--batch", input, "--output-format", "summary"])
    #expect(direct.output == written)

    // An input that cannot be read: exit 4, and the old results are still there, whole.
    try "old results\n".write(toFile: output, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: folder.path + "/sub", withIntermediateDirectories: true)
    let failed = try UpstreamBinary.run(["assess", "--batch", folder.path + "/sub", "--output", output])
    #expect(failed.status == 4)
    #expect(try String(contentsOfFile: output, encoding: .utf8) == "old results\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasSuffix(".tmp") })

    // The batch input named as the output is refused before anything is written.
    let same = try UpstreamBinary.run(["assess", "--batch", input, "--output", input])
    #expect(same.status == 4)
    #expect(same.errors.contains("which this command reads"))
    #expect(try String(contentsOfFile: input, encoding: .utf8).hasPrefix("{\"pain_areas\""))
  }

  @Test("a batch input that cannot be read (a folder) stops with exit 4 and says why, never a crash")
  func unreadableInput() throws {
    let folder = try TemporaryFolder()
    let reader = LineReader(try #require(FileHandle(forReadingAtPath: folder.path)))
    #expect(reader.nextLine() == nil)
    #expect(reader.readFailure?.contains("before its first line") == true)

    // A folder as standard input, for --batch - and --answers -: the same, no crash.
    for command in ["assess --batch -", "assess --answers -"] {
      let shell = try ChildProgram(
        "/bin/sh", ["-c", "\"$0\" \(command) < \"$1\"", UpstreamBinary.path, folder.path], environment: ChildEnvironment.clean())
      let ending = shell.wait(seconds: 120)
      #expect(ending.status == 4, "\(command): \(shell.errors)")
      #expect(shell.errors.contains("Is a directory") && !shell.errors.contains("Fatal error"), "\(command): \(shell.errors)")
    }

    let result = try UpstreamBinary.run(["assess", "--batch", folder.path])
    #expect(result.status == 4, "\(result.errors)")
    #expect(result.errors.contains("cannot read the batch input '\(folder.path)'"))
    #expect(!result.errors.contains("Fatal error"))
    #expect(result.output.isEmpty)
  }
}

// MARK: - One decoding policy

extension BatchTests {
  @Test("batch lines follow the answers-file policy: a leading BOM is skipped, bad UTF-8 and over-long lines get an error record")
  func decodingPolicy() throws {
    let folder = try TemporaryFolder()
    let path = folder.path + "/in.jsonl"
    var bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"pain_areas\": [\"hip\"]}\n".utf8)
    bytes += Array("{\"pain_areas\": [\"h".utf8) + [0xFF] + Array("ip\"]}\n".utf8)
    bytes += Array("{\"pain_areas\": [\"knee\"]}\r\n".utf8)
    bytes += Array(("{\"occupation\": \"" + String(repeating: "x", count: 5_000) + "\"}\n").utf8)
    bytes += Array("{\"pain_areas\": []}".utf8)
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    let reader = LineReader(try #require(FileHandle(forReadingAtPath: path)), blockSize: 100, maximumLineLength: 1_000)
    var lines: [InputLine] = []
    while let line = reader.nextLine() { lines.append(line) }
    #expect(lines.count == 5)
    #expect(lines[0] == .text("{\"pain_areas\": [\"hip\"]}"))
    guard case .unreadable(let encoding) = lines[1], case .unreadable(let length) = lines[3] else {
      Issue.record("expected unreadable lines 2 and 4: \(lines)")
      return
    }
    #expect(encoding.code == .invalidEncoding && encoding.message.contains("line 2 is not valid UTF-8"))
    #expect(length.code == .inputTooLarge && length.message.contains("line 4 is longer than 1000 bytes"))
    #expect(lines[2] == .text("{\"pain_areas\": [\"knee\"]}"))
    #expect(lines[4] == .text("{\"pain_areas\": []}"))

    // Through the binary: the bad line is an error record with its code; the rest are assessed.
    let result = try UpstreamBinary.run(["assess", "--batch", path])
    #expect(result.status == 3, "\(result.errors.prefix(2000))")
    let records = result.output.split(separator: "\n")
    #expect(records.count == 5)
    #expect(records[1].hasPrefix("{\"line\":2,") && records[1].contains("UP0006"))
    #expect(records[0].contains("\"format\":\"upstream-assessment\""))
  }

  @Test("--jobs beyond the core count is capped, with a warning")
  func jobsCapped() throws {
    let result = try UpstreamBinary.run(["assess", "--batch", "-", "--jobs", "100000"], input: "{\"pain_areas\": [\"hip\"]}\n")
    #expect(result.status == 0)
    #expect(result.errors.contains("warning: --jobs 100000 is more than the"))
    #expect(result.output.split(separator: "\n").count == 1)
  }
}
