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
/// end, UP0016, without being held in memory). Reading is linear in the input: bytes go
/// from the descriptor straight into one buffer, each is looked at once, and only the
/// unfinished line at its end is ever moved. A read that fails (a folder given as a file,
/// a device error) ends the input, and `readFailure` says why.
package final class LineReader: @unchecked Sendable {
  /// The longest line accepted, in bytes: the size limit of an answers file.
  package static let maximumLineLength = KnowledgeBase.maximumFileSize

  private let descriptor: Int32
  /// Kept so that the descriptor stays open while it is read.
  private let handle: FileHandle?
  private let blockSize: Int
  private let maximumLength: Int
  private let lock = NSLock()
  /// The bytes read and not yet given out are `buffer[start..<end]`; `start..<searched`
  /// holds no line break.
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var start = 0
  private var searched = 0
  private var end = 0
  private var finished = false
  private var atStart = true
  /// Skipping the rest of a line that is too long.
  private var skipping = false
  private var lineNumber = 0
  private var failure: String?

  /// Reads a file in blocks of `blockSize` bytes.
  package convenience init(
    _ handle: FileHandle, blockSize: Int = 1 << 16, maximumLineLength: Int = LineReader.maximumLineLength
  ) {
    self.init(descriptor: handle.fileDescriptor, handle: handle, blockSize: blockSize, maximumLineLength: maximumLineLength)
  }

  /// Reads a descriptor (standard input, say): a line typed at a terminal is given as soon
  /// as Enter is pressed, as a read returns what has arrived.
  package convenience init(descriptor: Int32, maximumLineLength: Int) {
    self.init(descriptor: descriptor, handle: nil, blockSize: 1 << 16, maximumLineLength: maximumLineLength)
  }

  private init(descriptor: Int32, handle: FileHandle?, blockSize: Int, maximumLineLength: Int) {
    self.descriptor = descriptor
    self.handle = handle
    self.blockSize = max(1, blockSize)
    self.maximumLength = max(1, maximumLineLength)
    self.capacity = 2 * self.blockSize
    self.buffer = .allocate(capacity: capacity)
  }

  deinit { buffer.deallocate() }

  /// Why reading stopped early (the system's words, and after which line), or nil when the
  /// input was read to its end.
  package var readFailure: String? {
    lock.lock()
    defer { lock.unlock() }
    return failure
  }

  // MARK: Lines

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
      if let newline = lineBreak() {
        let line = finish(upTo: newline)
        start = newline + 1
        searched = start
        if let line { return line }
        continue
      }
      searched = end
      if end - start > maximumLength {
        // Too long: report it once, then drop bytes until its end.
        start = end
        searched = end
        if !skipping {
          skipping = true
          lineNumber += 1
          return tooLong(lineNumber)
        }
      }
      if finished {
        guard start < end else { return nil }
        let line = finish(upTo: end)
        start = end
        searched = end
        return line
      }
      readBlock()
    }
  }

  /// Where the next line break after `searched` is, if one has been read.
  private func lineBreak() -> Int? {
    guard searched < end, let found = memchr(buffer + searched, Int32(UInt8(ascii: "\n")), end - searched) else { return nil }
    return UnsafeMutableRawPointer(buffer).distance(to: found)
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
    // A line that arrived whole in one read is held to the same limit.
    if to - from > maximumLength { return tooLong(lineNumber) }
    guard let text = String(validating: UnsafeBufferPointer(start: buffer + from, count: to - from), as: UTF8.self) else {
      return .unreadable(
        .error(.invalidEncoding, "line \(lineNumber) is not valid UTF-8 text; save the input as UTF-8", at: .wholeFile("line \(lineNumber)")))
    }
    return .text(text)
  }

  private func tooLong(_ number: Int) -> InputLine {
    .unreadable(
      .error(
        .inputTooLarge, "line \(number) is longer than \(maximumLength) bytes, the most a line may hold; it was skipped",
        at: .wholeFile("line \(number)")))
  }

  // MARK: Reading

  /// Reads the next block after what is held, making room first; at the end of input, or
  /// when the read fails, marks the input finished.
  private func readBlock() {
    makeRoom()
    while true {
      let count = read(descriptor, buffer + end, capacity - end)
      if count > 0 {
        end += count
        return
      }
      if count < 0 {
        switch errno {
        case EINTR: continue
        case EAGAIN, EWOULDBLOCK:
          var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
          _ = poll(&waiting, 1, -1)
          continue
        default:
          let reason = String(cString: strerror(errno))
          failure = lineNumber == 0 ? "\(reason), before its first line" : "\(reason), after line \(lineNumber)"
        }
      }
      finished = true
      return
    }
  }

  /// Leaves at least a block of free space after what is held: the unfinished line moves to
  /// the front, and the buffer grows only when that line fills most of it.
  private func makeRoom() {
    guard capacity - end < blockSize else { return }
    if start > 0 {
      memmove(buffer, buffer + start, end - start)
      searched -= start
      end -= start
      start = 0
    }
    guard capacity - end < blockSize else { return }
    let grownCapacity = max(2 * capacity, end + blockSize)
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: grownCapacity)
    grown.update(from: buffer, count: end)
    buffer.deallocate()
    buffer = grown
    capacity = grownCapacity
  }
}
