import Dispatch
import Foundation

// MARK: - Batch assessment over JSON Lines

/// Assesses a stream of answers, one JSON object per line, on every core, writing one JSON
/// result per line in input order.
///
/// Lines are read and assessed in chunks, so memory does not grow with the input. Each
/// line is independent: a bad line yields an error record with its line number and the
/// run goes on. This is also the unit of scale beyond one machine: any engine that pipes
/// records through a command (Spark's `RDD.pipe`, Hadoop Streaming) can run it unchanged.
package struct BatchAssessment: Sendable {
  /// What a batch run did.
  package struct Summary: Sendable, Equatable {
    package var assessed = 0
    package var failed = 0
  }

  package let knowledgeBase: KnowledgeBase
  package let audience: Audience
  /// What each assessed line's record carries.
  package let format: BatchRecordFormat
  /// How many lines are assessed at once (one chunk per `jobs` × this).
  package let linesPerJob: Int
  /// How many assessments run in parallel.
  package let jobs: Int

  package init(
    _ knowledgeBase: KnowledgeBase, audience: Audience = .clinician, format: BatchRecordFormat = .tree, jobs: Int? = nil,
    linesPerJob: Int = 64
  ) {
    self.knowledgeBase = knowledgeBase
    self.audience = audience
    self.format = format
    self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    self.linesPerJob = max(1, linesPerJob)
  }

  /// Runs over every line `nextLine` returns (nil at the end), writing each result line
  /// with `write` in input order; `progress` is told after each chunk.
  package func run(
    nextLine: () -> String?, write: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    run(nextLine: { nextLine().map(InputLine.text) }, write: write, progress: progress)
  }

  /// Runs over every line, as `LineReader.nextLine()` gives them: an unreadable line gets
  /// an error record, as an invalid one does.
  package func run(
    nextLine: () -> InputLine?, write: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    var summary = Summary()
    var lineNumber = 0
    let chunkSize = jobs * linesPerJob
    while true {
      var chunk: [(number: Int, line: InputLine)] = []
      while chunk.count < chunkSize, let line = nextLine() {
        lineNumber += 1
        if case .text(let text) = line, text.allSatisfy(\.isWhitespace) { continue }
        chunk.append((lineNumber, line))
      }
      if chunk.isEmpty { break }
      let results = assess(chunk)
      for result in results {
        write(result.json)
        if result.failed { summary.failed += 1 } else { summary.assessed += 1 }
      }
      progress(summary)
    }
    return summary
  }

  /// Assesses one chunk in parallel; results keep the chunk's order.
  private func assess(_ chunk: [(number: Int, line: InputLine)]) -> [(json: String, failed: Bool)] {
    let results = UnsafeMutableBufferPointer<(json: String, failed: Bool)>.allocate(capacity: chunk.count)
    results.initialize(repeating: ("", false))
    defer {
      results.deinitialize()
      results.deallocate()
    }
    nonisolated(unsafe) let shared = results
    let stride = max(1, (chunk.count + jobs - 1) / jobs)
    DispatchQueue.concurrentPerform(iterations: min(jobs, chunk.count)) { job in
      let start = job * stride
      let end = min(chunk.count, start + stride)
      guard start < end else { return }
      for index in start..<end {
        switch chunk[index].line {
        case .text(let text): shared[index] = assess(line: text, number: chunk[index].number)
        case .unreadable(let diagnostic): shared[index] = (Self.errorRecord(number: chunk[index].number, [diagnostic]), true)
        }
      }
    }
    return Array(results)
  }

  /// The record for a line that was not assessed.
  static func errorRecord(number: Int, _ diagnostics: [Diagnostic]) -> String {
    JSONWriter.compact(
      .object([
        ("line", .number(Double(number))),
        ("error", .string("invalid answers; nothing was assessed")),
        ("diagnostics", .array(diagnostics.map(DiagnosticRenderer.json))),
      ]))
  }

  /// One line's result: the assessment as compact JSON, or an error record.
  package func assess(line: String, number: Int) -> (json: String, failed: Bool) {
    let file = SourceFile(path: "line \(number)", text: line)
    let read = AnswersReader.read(file, for: knowledgeBase)
    guard let answers = read.answers else {
      return (Self.errorRecord(number: number, read.diagnostics.filter { $0.severity == .error }), true)
    }
    return (format.record(knowledgeBase.assess(validated: answers), audience: audience), false)
  }
}
