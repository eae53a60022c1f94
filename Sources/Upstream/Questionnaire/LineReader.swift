import Foundation

// MARK: - Reading input line by line

/// One line of input (a batch file, or a reply typed in the questionnaire): its text, or
/// why it cannot be read.
package enum InputLine: Sendable, Equatable {
  case text(String)
  /// Not UTF-8, or longer than `LineReader.maximumLineLength`: the diagnostic says which.
  case unreadable(Diagnostic)
}

/// Reads a file or standard input line by line, without holding it all: the one line
/// reader for batch input and for the questionnaire's replies.
///
/// The decoding policy is the one answers files have: UTF-8 only (a line with a bad byte
/// is refused, UP0006, never patched with U+FFFD), a byte-order mark at the very start is
/// skipped, CRLF line ends are accepted, and a line may hold at most
/// `maximumLineLength` bytes (the answers-file limit; longer lines are skipped to their
/// end, UP0016, without being held in memory). Reading is linear in the input: each byte
/// is looked at once, and what has been read is dropped only when it is most of the buffer.
package final class LineReader: @unchecked Sendable {
  /// The longest line accepted, in bytes: the size limit of an answers file.
  package static let maximumLineLength = KnowledgeBase.maximumFileSize

  /// Reads the next bytes; empty at the end of input.
  private let readChunk: () -> [UInt8]
  private let lock = NSLock()
  private var buffer: [UInt8] = []
  /// Where the current line starts, and how far it has been searched for a line break.
  private var start = 0
  private var searched = 0
  private var finished = false
  private var atStart = true
  /// Skipping the rest of a line that is too long.
  private var skipping = false
  private var lineNumber = 0
  private let maximumLength: Int

  /// Reads a file in blocks of `blockSize` bytes.
  package init(_ handle: FileHandle, blockSize: Int = 1 << 16, maximumLineLength: Int = LineReader.maximumLineLength) {
    self.readChunk = { [UInt8](handle.readData(ofLength: blockSize)) }
    self.maximumLength = maximumLineLength
  }

  /// Reads a descriptor with one `read` at a time, so a line typed at a terminal is
  /// given as soon as Enter is pressed.
  package init(descriptor: Int32, maximumLineLength: Int) {
    self.readChunk = {
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = read(descriptor, &chunk, chunk.count)
        if count > 0 { return Array(chunk[0..<count]) }
        if count < 0, errno == EINTR { continue }
        return []
      }
    }
    self.maximumLength = maximumLineLength
  }

  /// The next line's text without its line break (lines that cannot be read as nil
  /// text are given as empty), or nil at the end. Prefer `nextLine()`, which says why.
  package func next() -> String? {
    switch nextLine() {
    case .text(let text): text
    case .unreadable: ""
    case nil: nil
    }
  }

  /// The next line, or nil at the end.
  package func nextLine() -> InputLine? {
    lock.lock()
    defer { lock.unlock() }
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
      let block = readChunk()
      if block.isEmpty { finished = true } else { buffer.append(contentsOf: block) }
    }
  }

  /// The line from `start` to `end` (a line break or the end of input), decoded; nil for
  /// the tail of a line already reported as too long.
  private func finish(upTo end: Int) -> InputLine? {
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
