import Dispatch
import Foundation

// MARK: - Batch assessment over JSON Lines

/// Assesses a stream of answers, one JSON object per line, on every core, writing one JSON
/// result per line in input order.
///
/// A bounded pipeline of three stages: the calling thread reads lines into chunks (of at
/// most `linesPerJob` lines, closed early once they hold `bytesPerJob` bytes) and writes
/// finished chunks in input order, while `jobs` worker threads assess and render
/// (serialise) chunks. At most `chunksInFlight` chunks are read but not yet written, so
/// memory does not grow with the input, and a slow line holds up only its own chunk.
/// Each line is independent: a bad line yields an error record with its line number and
/// the run goes on. The output is the same, byte for byte, for any number of jobs. This
/// is also the unit of scale beyond one machine: any engine that pipes records through a
/// command (Spark's `RDD.pipe`, Hadoop Streaming) can run it unchanged.
package struct BatchAssessment: Sendable {
  /// What a batch run did.
  package struct Summary: Sendable, Equatable {
    package var assessed = 0
    package var failed = 0
  }

  /// The knowledge base the first worker assesses with (and every worker, without
  /// ``workerKnowledgeBase``).
  package private(set) var knowledgeBase: KnowledgeBase
  /// Builds a knowledge base of its own for each worker after the first, compiled again
  /// from the same rule files (nil: the workers share ``knowledgeBase``).
  ///
  /// Two threads reading one knowledge base bump the same reference counts (a rule's id,
  /// its wording, a finding's name) from two cores, and every bump moves a cache line
  /// between them: on the tree format that cost a tenth of a second job's speed. A copy
  /// per worker shares nothing, as two processes would. Each worker builds its copy when
  /// it starts, while the first is already assessing; a copy that cannot be built (nil)
  /// leaves that worker on the shared one. The records are the same, byte for byte.
  package let workerKnowledgeBase: (@Sendable () -> KnowledgeBase?)?
  package let audience: Audience
  /// What each assessed line's record carries.
  package let format: BatchRecordFormat
  /// How many lines go in one chunk (the unit handed to a worker), at most.
  package let linesPerJob: Int
  /// How many bytes of input go in one chunk, at most (a chunk holds one line however
  /// long it is). Lines for a large knowledge base are long (an answer to each of its
  /// questions) and slow to assess, so a chunk holds fewer of them: a run of a few dozen
  /// such lines still gives every worker a share, and no worker is left with a long
  /// chunk at the end while the others wait.
  package let bytesPerJob: Int
  /// How many assessments run in parallel.
  package let jobs: Int
  /// The day every line's answers were given (`--assessment-date`), overriding the line's
  /// own `"assessment date"` or `authored`; nil lets each line say.
  package let assessmentDate: CalendarDay?
  /// Whether a QuestionnaireResponse item that no question names fails the line (`--strict`).
  package let strict: Bool

  /// How many chunks may be read and not yet written: queued, being assessed, or waiting
  /// for an earlier one to be written.
  package var chunksInFlight: Int { 2 * jobs + 2 }

  package init(
    _ knowledgeBase: KnowledgeBase, audience: Audience = .clinician, format: BatchRecordFormat = .tree, jobs: Int? = nil,
    linesPerJob: Int = 64, bytesPerJob: Int = 1 << 16, assessmentDate: CalendarDay? = nil, strict: Bool = false,
    workerKnowledgeBase: (@Sendable () -> KnowledgeBase?)? = nil
  ) {
    self.knowledgeBase = knowledgeBase
    self.workerKnowledgeBase = workerKnowledgeBase
    self.assessmentDate = assessmentDate
    self.strict = strict
    self.audience = audience
    self.format = format
    self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    self.linesPerJob = max(1, linesPerJob)
    self.bytesPerJob = max(1, bytesPerJob)
  }

  // MARK: Running

  /// Runs over every line `nextLine` returns (nil at the end), writing each result line
  /// with `write` in input order; `progress` is told after each chunk.
  package func run(
    nextLine: () -> String?, write: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    run(nextLine: { nextLine().map(InputLine.text) }, write: write, progress: progress)
  }

  /// Runs over every line, as `LineReader.nextLine()` gives them, writing each result
  /// line (without its line break) with `write`.
  package func run(
    nextLine: () -> InputLine?, write: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    run(
      nextLine: nextLine,
      writeBlock: { block in
        for record in block.split(separator: "\n") { write(String(record)) }
      }, progress: progress)
  }

  /// Runs over every line, as `LineReader.nextLine()` gives them: an unreadable line gets
  /// an error record, as an invalid one does. `writeBlock` is given the records of one
  /// chunk at a time, in input order, each ending with a line break (a record is compact
  /// JSON, so it holds no line break of its own).
  package func run(
    nextLine: () -> InputLine?, writeBlock: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    let pipeline = Pipeline(capacity: chunksInFlight)
    // Threads of their own, not work items on a shared dispatch queue: this thread blocks
    // until they finish chunks, and callers on the shared pool's threads (several batches
    // at once, an app's own queue) could otherwise hold every pool thread waiting for
    // workers that never get one: a deadlock seen when two runs shared a 2-core pool.
    let workers = DispatchGroup()
    for job in 0..<jobs {
      workers.enter()
      let worker = Thread { [self] in
        let own = job == 0 ? self : withOwnKnowledgeBase()
        while let chunk = pipeline.nextChunk() { pipeline.finish(own.assess(chunk)) }
        workers.leave()
      }
      worker.name = "upstream batch job \(job + 1)"
      worker.start()
    }
    var summary = Summary()
    var lineNumber = 0
    var written = 0
    var submitted = 0
    func write(_ done: FinishedChunk) {
      writeBlock(done.text)
      summary.assessed += done.assessed
      summary.failed += done.failed
      written += 1
      progress(summary)
    }
    while true {
      var lines: [(number: Int, line: InputLine)] = []
      lines.reserveCapacity(linesPerJob)
      var bytes = 0
      while lines.count < linesPerJob, bytes < bytesPerJob, let line = nextLine() {
        lineNumber += 1
        if case .text(let text) = line {
          if Self.isBlank(text) { continue }
          bytes += text.utf8.count
        }
        lines.append((lineNumber, line))
      }
      if lines.isEmpty { break }
      // Full: write the oldest chunk (waiting for it) before reading on.
      while submitted - written >= chunksInFlight { write(pipeline.waitFor(written)) }
      pipeline.submit(Chunk(sequence: submitted, lines: lines))
      submitted += 1
      while let done = pipeline.take(written) { write(done) }
    }
    pipeline.close()
    while written < submitted { write(pipeline.waitFor(written)) }
    workers.wait()
    return summary
  }

  /// This batch with a knowledge base of the worker's own, when ``workerKnowledgeBase``
  /// builds one.
  private func withOwnKnowledgeBase() -> BatchAssessment {
    guard let own = workerKnowledgeBase?() else { return self }
    var copy = self
    copy.knowledgeBase = own
    return copy
  }

  /// Whether a line holds nothing but white space: it is skipped, though it keeps its
  /// number. Most lines open with `{`, and their first byte decides.
  private static func isBlank(_ text: String) -> Bool {
    if let first = text.utf8.first, first > 0x20, first < 0x80 { return false }
    return text.allSatisfy(\.isWhitespace)
  }

  // MARK: Assessing

  /// Assesses and renders one chunk: its records as one block of lines.
  private func assess(_ chunk: Chunk) -> FinishedChunk {
    var text = ""
    var failed = 0
    for (number, line) in chunk.lines {
      let record: (json: String, failed: Bool)
      switch line {
      case .text(let line): record = assess(line: line, number: number)
      case .unreadable(let diagnostic): record = (Self.errorRecord(number: number, [diagnostic]), true)
      }
      text += record.json
      text += "\n"
      if record.failed { failed += 1 }
    }
    return FinishedChunk(sequence: chunk.sequence, text: text, assessed: chunk.lines.count - failed, failed: failed)
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
    let read = AnswersReader.read(file, for: knowledgeBase, strict: strict, keepOrder: false, assessmentDate: assessmentDate)
    guard let answers = read.answers else {
      return (Self.errorRecord(number: number, read.diagnostics.filter { $0.severity == .error }), true)
    }
    let resolved = read.resolved ?? ResolvedAnswers(answers, for: knowledgeBase)
    let warnings = read.diagnostics.filter { $0.severity == .warning }
    return (format.record(knowledgeBase.assess(resolved: resolved), audience: audience, warnings: warnings), false)
  }
}

// MARK: - The pipeline between the stages

/// Lines read, numbered, waiting to be assessed together.
private struct Chunk: Sendable {
  let sequence: Int
  let lines: [(number: Int, line: InputLine)]
}

/// A chunk's records, ready to write.
private struct FinishedChunk: Sendable {
  let sequence: Int
  let text: String
  let assessed: Int
  let failed: Int
}

/// The queue of chunks to assess and the chunks finished, under one lock: the reader
/// submits, workers take and finish, the writer takes finished chunks in sequence.
private final class Pipeline: @unchecked Sendable {
  private let condition = NSCondition()
  private var queue: [Chunk?] = []
  private var head = 0
  private var finished: [Int: FinishedChunk] = [:]
  private var closed = false

  init(capacity: Int) { finished.reserveCapacity(capacity) }

  func submit(_ chunk: Chunk) {
    condition.lock()
    if head > 64 && head * 2 > queue.count {
      queue.removeFirst(head)
      head = 0
    }
    queue.append(chunk)
    condition.broadcast()
    condition.unlock()
  }

  /// No more chunks will be submitted: workers stop when the queue is empty.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// The next chunk to assess, waiting for one; nil when closed and empty.
  func nextChunk() -> Chunk? {
    condition.lock()
    defer { condition.unlock() }
    while head == queue.count && !closed { condition.wait() }
    guard head < queue.count else { return nil }
    defer { head += 1 }
    return queue[head].take()
  }

  func finish(_ chunk: FinishedChunk) {
    condition.lock()
    finished[chunk.sequence] = chunk
    condition.broadcast()
    condition.unlock()
  }

  /// The finished chunk with this sequence number, if it is finished.
  func take(_ sequence: Int) -> FinishedChunk? {
    condition.lock()
    defer { condition.unlock() }
    return finished.removeValue(forKey: sequence)
  }

  /// The finished chunk with this sequence number, waiting until it is.
  func waitFor(_ sequence: Int) -> FinishedChunk {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let chunk = finished.removeValue(forKey: sequence) { return chunk }
      condition.wait()
    }
  }
}
