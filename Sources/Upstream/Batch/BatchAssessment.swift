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
public struct BatchAssessment: Sendable {
  /// What a batch run did.
  public struct Summary: Sendable, Equatable {
    public var assessed = 0
    public var failed = 0
  }

  public let knowledgeBase: KnowledgeBase
  public let audience: Audience
  /// How many lines are assessed at once (one chunk per `jobs` × this).
  public let linesPerJob: Int
  /// How many assessments run in parallel.
  public let jobs: Int

  public init(_ knowledgeBase: KnowledgeBase, audience: Audience = .clinician, jobs: Int? = nil, linesPerJob: Int = 64) {
    self.knowledgeBase = knowledgeBase
    self.audience = audience
    self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    self.linesPerJob = max(1, linesPerJob)
  }

  /// Runs over every line `nextLine` returns (nil at the end), writing each result line
  /// with `write` in input order; `progress` is told after each chunk.
  public func run(
    nextLine: () -> String?, write: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    run(nextLine: { nextLine().map(BatchLine.text) }, write: write, progress: progress)
  }

  /// Runs over every line, as `LineReader.nextLine()` gives them: an unreadable line gets
  /// an error record, as an invalid one does.
  public func run(
    nextLine: () -> BatchLine?, write: (String) -> Void, progress: (Summary) -> Void = { _ in }
  ) -> Summary {
    var summary = Summary()
    var lineNumber = 0
    let chunkSize = jobs * linesPerJob
    while true {
      var chunk: [(number: Int, line: BatchLine)] = []
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
  private func assess(_ chunk: [(number: Int, line: BatchLine)]) -> [(json: String, failed: Bool)] {
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
  public func assess(line: String, number: Int) -> (json: String, failed: Bool) {
    let file = SourceFile(path: "line \(number)", text: line)
    let read = AnswersReader.read(file, for: knowledgeBase)
    guard let answers = read.answers else {
      return (Self.errorRecord(number: number, read.diagnostics.filter { $0.severity == .error }), true)
    }
    let tree = knowledgeBase.assess(validated: answers).tree
    return (JSONWriter.compact(AssessmentJSONRenderer(audience: audience).value(tree)), false)
  }
}

/// One line of a batch input: its text, or why it cannot be read.
public enum BatchLine: Sendable, Equatable {
  case text(String)
  /// Not UTF-8, or longer than `LineReader.maximumLineLength`: the diagnostic says which.
  case unreadable(Diagnostic)
}

/// Reads a file or standard input line by line, in blocks, without holding it all.
///
/// The decoding policy is the one answers files have: UTF-8 only (a line with a bad byte
/// is refused, UP0006, never patched with U+FFFD), a byte-order mark at the very start is
/// skipped, CRLF line ends are accepted, and a line may hold at most
/// `maximumLineLength` bytes (the answers-file limit; longer lines are skipped to their
/// end, UP0016, without being held in memory). Reading is linear in the input: each byte
/// is looked at once, and what has been read is dropped only when it is most of the buffer.
public final class LineReader {
  /// The longest line accepted, in bytes: the size limit of an answers file.
  public static let maximumLineLength = KnowledgeBase.maximumFileSize

  private let handle: FileHandle
  private var buffer: [UInt8] = []
  /// Where the current line starts, and how far it has been searched for a line break.
  private var start = 0
  private var searched = 0
  private var finished = false
  private var atStart = true
  /// Skipping the rest of a line that is too long.
  private var skipping = false
  private var lineNumber = 0
  private let blockSize: Int
  private let maximumLength: Int

  public init(_ handle: FileHandle, blockSize: Int = 1 << 16, maximumLineLength: Int = LineReader.maximumLineLength) {
    self.handle = handle
    self.blockSize = blockSize
    self.maximumLength = maximumLineLength
  }

  /// The next line's text without its line break (lines that cannot be read as nil
  /// text are given as empty), or nil at the end. Prefer `nextLine()`, which says why.
  public func next() -> String? {
    switch nextLine() {
    case .text(let text): text
    case .unreadable: ""
    case nil: nil
    }
  }

  /// The next line, or nil at the end.
  public func nextLine() -> BatchLine? {
    while true {
      if let newline = buffer[searched...].firstIndex(of: UInt8(ascii: "\n")) {
        let line = finish(upTo: newline)
        start = newline + 1
        searched = start
        if let line { return line }
        continue
      }
      searched = buffer.count
      if buffer.count - start > maximumLength {
        // Too long: report it once, then drop bytes until its end.
        if !skipping {
          skipping = true
          lineNumber += 1
          let number = lineNumber
          start = buffer.count
          compact()
          return .unreadable(
            .error(
              .inputTooLarge, "line \(number) is longer than \(maximumLength) bytes, the most a line may hold; it was skipped",
              at: .wholeFile("line \(number)")))
        }
        start = buffer.count
      }
      if finished {
        guard start < buffer.count else { return nil }
        let line = finish(upTo: buffer.count)
        start = buffer.count
        searched = start
        if let line { return line }
        return nil
      }
      compact()
      let block = handle.readData(ofLength: blockSize)
      if block.isEmpty { finished = true } else { buffer.append(contentsOf: block) }
    }
  }

  /// The line from `start` to `end` (a line break or the end of input), decoded; nil for
  /// the tail of a line already reported as too long.
  private func finish(upTo end: Int) -> BatchLine? {
    if skipping {
      skipping = false
      return nil
    }
    lineNumber += 1
    var from = start
    if atStart {
      atStart = false
      if end - from >= 3, buffer[from] == 0xEF, buffer[from + 1] == 0xBB, buffer[from + 2] == 0xBF { from += 3 }
    }
    var to = end
    if to > from, buffer[to - 1] == UInt8(ascii: "\r") { to -= 1 }
    let bytes = buffer[from..<to]
    guard let text = String(validating: bytes, as: UTF8.self) else {
      return .unreadable(
        .error(.invalidEncoding, "line \(lineNumber) is not valid UTF-8 text; save the input as UTF-8", at: .wholeFile("line \(lineNumber)")))
    }
    return .text(text)
  }

  /// Drops what has been read once it is most of the buffer (amortised linear time).
  private func compact() {
    guard start > 0, start >= buffer.count / 2 else { return }
    buffer.removeFirst(start)
    searched -= start
    start = 0
  }
}
