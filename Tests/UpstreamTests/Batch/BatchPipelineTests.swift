import Foundation
import Testing

@testable import Upstream

@Suite("Batch pipeline")
struct BatchPipelineTests {
  @Test("through the binary: the same bytes for --jobs 1, 2 and 4, in input order, error lines in place, in both formats")
  func sameOutputForAnyJobs() throws {
    let folder = try TemporaryFolder()
    let (lines, bad) = try BatchTests.input()
    // Several chunks of 64 lines, so chunks finish out of order on more than one job.
    let repeated = Array(repeating: lines, count: 2).flatMap { $0 }
    let path = try folder.write("people.jsonl", repeated.joined(separator: "\n") + "\n")
    for format in ["tree", "summary"] {
      var outputs: [String] = []
      for jobs in ["1", "2", "4"] {
        let result = try UpstreamBinary.run(["assess", "--batch", path, "--jobs", jobs, "--output-format", format])
        #expect(result.status == 3, "\(result.errors.prefix(2000))")
        outputs.append(result.output)
      }
      #expect(outputs[0] == outputs[1] && outputs[0] == outputs[2], "\(format)")
      let records = outputs[0].split(separator: "\n")
      #expect(records.count == repeated.count)
      for (index, record) in records.enumerated() {
        let number = index + 1
        let isBad = bad.contains((index % lines.count) + 1)
        #expect(record.hasPrefix("{\"line\":\(number),\"error\"") == isBad, "\(format) line \(number)")
      }
      // Repeated input gives repeated records: the order is the input's.
      #expect(records[0] == records[lines.count] && records[5] == records[5 + lines.count])
    }
  }

  @Test("each job after the first assesses with a knowledge base of its own, and the records are the same bytes as one job's")
  func knowledgeBasePerJob() throws {
    let loaded = KnowledgeBase.bundled()
    let knowledgeBase = try #require(loaded.knowledgeBase)
    let (lines, _) = try BatchTests.input()
    let input = Array(repeating: lines, count: 3).flatMap { $0 }
    let built = Counter()
    func run(jobs: Int, ownCopies: Bool) -> String {
      var next = 0
      var output = ""
      let files = loaded.files
      let contentHash = knowledgeBase.contentHash
      let ownCopy: @Sendable () -> KnowledgeBase? = {
        built.add()
        return KnowledgeBase.compile(files, checks: [], contentHash: contentHash).knowledgeBase
      }
      let batch = BatchAssessment(
        knowledgeBase, format: .tree, jobs: jobs, linesPerJob: 8, workerKnowledgeBase: ownCopies ? ownCopy : nil)
      _ = batch.run(
        nextLine: { () -> InputLine? in
          defer { next += 1 }
          return next < input.count ? .text(input[next]) : nil
        },
        writeBlock: { output += $0 })
      return output
    }
    let shared = run(jobs: 1, ownCopies: false)
    #expect(shared.split(separator: "\n").count == input.count)
    #expect(run(jobs: 3, ownCopies: true) == shared)
    #expect(built.value == 2, "one copy for each job after the first")
    #expect(run(jobs: 1, ownCopies: true) == shared)
    #expect(built.value == 2, "one job builds no copy")
  }

  @Test("through the binary, a knowledge base from two folders (rules and an instrument module): the same bytes on 1 and 2 jobs")
  func twoFoldersSameOutputForAnyJobs() throws {
    let folder = try TemporaryFolder()
    let (lines, _) = try BatchTests.input()
    let path = try folder.write("people.jsonl", Array(repeating: lines, count: 2).flatMap { $0 }.joined(separator: "\n") + "\n")
    let rules = UpstreamBinary.packageRoot.appendingPathComponent("rules").path
    let module = UpstreamBinary.packageRoot.appendingPathComponent("rules/instruments/phq-9").path
    var outputs: [String] = []
    for jobs in ["1", "2"] {
      let result = try UpstreamBinary.run(
        ["assess", "--rules", module, "--rules", rules, "--batch", path, "--jobs", jobs, "--output-format", "tree"])
      #expect(result.status == 3, "\(result.errors.prefix(2000))")
      outputs.append(result.output)
    }
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0].contains("phq"), "the module's rules are in the records")
  }

  @Test("long lines make short chunks: one line per chunk gives the same records, in order, on 1 and 2 jobs")
  func chunksClosedByBytes() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let cases = CaseLoader.bundled(for: knowledgeBase).cases.map { JSONWriter.compact($0.answers.json) }
    func run(jobs: Int, bytesPerJob: Int) -> (records: [String], lines: [Int]) {
      var next = 0
      var records: [String] = []
      // The number of lines in each block handed to the writer: one chunk per block.
      var lines: [Int] = []
      _ = BatchAssessment(knowledgeBase, format: .summary, jobs: jobs, bytesPerJob: bytesPerJob).run(
        nextLine: { () -> InputLine? in
          defer { next += 1 }
          return next < cases.count ? .text(cases[next]) : nil
        },
        writeBlock: { block in
          let split = block.split(separator: "\n").map(String.init)
          records += split
          lines.append(split.count)
        })
      return (records, lines)
    }
    let whole = run(jobs: 1, bytesPerJob: 1 << 16)
    #expect(whole.records.count == cases.count)
    for jobs in [1, 2] {
      let short = run(jobs: jobs, bytesPerJob: 1)
      #expect(short.records == whole.records, "\(jobs) jobs")
      #expect(short.lines.allSatisfy { $0 == 1 } && short.lines.count == cases.count)
    }
  }

  @Test("many batches at once, each started on a thread of the shared dispatch pool, all finish: the workers do not wait for that pool")
  func manyBatchesOnThePool() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let lines = CaseLoader.bundled(for: knowledgeBase).cases.prefix(4).map { JSONWriter.compact($0.answers.json) }
    let batches = 32
    let group = DispatchGroup()
    let assessed = Locked(0)
    // An app embedding the library calls `run` from its own queue; 32 runs at once block
    // 32 of the pool's threads, more than it gives a 2-core machine. Workers that needed
    // the pool too would wait for ever.
    for _ in 0..<batches {
      DispatchQueue.global().async(group: group) {
        var next = 0
        let summary = BatchAssessment(knowledgeBase, format: .summary, jobs: 2, linesPerJob: 1).run(
          nextLine: { () -> String? in
            defer { next += 1 }
            return next < lines.count ? lines[next] : nil
          }, write: { _ in })
        assessed.update { $0 += summary.assessed }
      }
    }
    let ended = group.wait(timeout: .now() + 120)
    #expect(ended == .success, "the batches had not finished after 2 minutes")
    #expect(assessed.value == batches * lines.count)
  }

  @Test("a large input: every line once, in order, with no more than the pipeline's bound read ahead of what is written")
  func boundedReadAhead() throws {
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let cases = CaseLoader.bundled(for: knowledgeBase).cases.map { JSONWriter.compact($0.answers.json) }
    let total = 1_200
    for jobs in [1, 2] {
      let batch = BatchAssessment(knowledgeBase, format: .summary, jobs: jobs, linesPerJob: 8)
      var read = 0
      var written = 0
      var mostAhead = 0
      var hashes: [Int: String] = [:]
      let summary = batch.run(
        nextLine: { () -> String? in
          guard read < total else { return nil }
          read += 1
          // Every 100th line is not JSON: an error record in its place.
          return read % 100 == 0 ? "{broken" : cases[read % cases.count]
        },
        write: { record in
          written += 1
          mostAhead = max(mostAhead, read - written)
          if written % 100 == 0 {
            #expect(record.hasPrefix("{\"line\":\(written),\"error\""))
          } else if let start = record.range(of: "\"answersHash\":\"") {
            hashes[written] = String(record[start.upperBound...].prefix(24))
          }
        })
      #expect(summary == BatchAssessment.Summary(assessed: total - total / 100, failed: total / 100))
      #expect(written == total)
      #expect(mostAhead <= (batch.chunksInFlight + 1) * batch.linesPerJob, "read \(mostAhead) lines ahead on \(jobs) jobs")
      // Line n holds case n mod count: each record is its own line's, so the answers'
      // hashes repeat with the cases' period and nowhere else.
      #expect(hashes.count == total - total / 100)
      for line in stride(from: 1, to: total - cases.count, by: 7) where hashes[line] != nil && hashes[line + cases.count] != nil {
        #expect(hashes[line] == hashes[line + cases.count], "line \(line)")
      }
      #expect(Set(hashes.values).count > cases.count / 2)
    }
  }
}

/// A count shared by threads.
private final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  var value: Int { lock.withLock { count } }
  func add() { lock.withLock { count += 1 } }
}
