import Foundation
import Upstream

// MARK: - Console

/// Where a command reads and writes: the real terminal, or a capture in tests.
package struct Console: Sendable {
  package let write: @Sendable (String) -> Void
  package let writeError: @Sendable (String) -> Void
  package let readInput: @Sendable () -> Data
  /// Reads one line of standard input without its line break (or why it cannot be
  /// read: not UTF-8, or too long); nil at the end of input.
  package let readLine: @Sendable () -> InputLine?
  /// Whether standard input / output / error is a terminal (colour and progress only then).
  package let inputIsTerminal: Bool
  package let outputIsTerminal: Bool
  package let errorIsTerminal: Bool
  package let environment: [String: String]
  /// The width of the terminal standard output is, when it is one (shells do not export
  /// `COLUMNS`, so a narrow window would otherwise get 80-column lines broken mid-word).
  package let terminalColumns: Int?

  /// A console; without `readLine`, lines are split from what `readInput` returns.
  package init(
    write: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void,
    readInput: @escaping @Sendable () -> Data, readLine: (@Sendable () -> InputLine?)? = nil,
    inputIsTerminal: Bool = false, outputIsTerminal: Bool = false, errorIsTerminal: Bool = false,
    environment: [String: String] = [:], terminalColumns: Int? = nil
  ) {
    self.terminalColumns = terminalColumns
    self.write = write
    self.writeError = writeError
    self.readInput = readInput
    let lines = LineBuffer(readInput)
    self.readLine = readLine ?? { lines.next().map(InputLine.text) }
    self.inputIsTerminal = inputIsTerminal
    self.outputIsTerminal = outputIsTerminal
    self.errorIsTerminal = errorIsTerminal
    self.environment = environment
  }

  /// The most of one typed line that is held (a longer one is dropped as it is read).
  static let maximumLineLength = 64 << 10
  private static let standardInput = LineReader(descriptor: 0, maximumLineLength: maximumLineLength)

  /// The process's own standard streams.
  package static var standard: Console {
    Console(
      write: { Console.writeOrExit($0, to: 1, named: "standard output") },
      writeError: { Console.writeOrExit($0, to: 2, named: "standard error") },
      readInput: { readAllOfStandardInput() },
      readLine: { standardInput.nextLine() },
      inputIsTerminal: isatty(0) == 1, outputIsTerminal: isatty(1) == 1, errorIsTerminal: isatty(2) == 1,
      environment: ProcessInfo.processInfo.environment, terminalColumns: outputTerminalColumns())
  }

  /// The number of columns of the terminal on standard output; nil when it is not one.
  private static func outputTerminalColumns() -> Int? {
    var size = winsize()
    guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// Whether to colour standard output (a terminal, NO_COLOR unset, TERM not `dumb`).
  package var colourOutput: Bool { outputIsTerminal && coloursAllowed }
  /// Whether to colour standard error.
  package var colourErrors: Bool { errorIsTerminal && coloursAllowed }

  private var coloursAllowed: Bool { environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" }

  /// All of standard input (`--answers -`), read as a file is: at most the size of an
  /// answers file. Input that cannot be read (a folder given as standard input) or is too
  /// large ends the process with exit 4 and the reason, as a file would, never a crash.
  static func readAllOfStandardInput() -> Data {
    func fail(_ message: String) -> Never {
      _ = writeAll(Array("error: \(message)\n".utf8), to: 2)
      exit(ExitCode.fileError.rawValue)
    }
    var data = Data()
    var block = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(0, &block, block.count)
      if count > 0 {
        data.append(contentsOf: block[0..<count])
        if data.count > KnowledgeBase.maximumFileSize {
          fail("standard input holds more than \(KnowledgeBase.maximumFileSize) bytes, the most an answers file may hold")
        }
        continue
      }
      if count == 0 { return data }
      switch errno {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK:
        var waiting = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        _ = poll(&waiting, 1, -1)
      default: fail("cannot read standard input: \(String(cString: strerror(errno)))")
      }
    }
  }

  /// Writes to one of the process's streams; when the stream is closed or full, says so
  /// on standard error (if it still can) and ends the process with exit code 4, never a
  /// crash. (A closed pipe ends it with SIGPIPE first, exit 141, as for any Unix tool.)
  static func writeOrExit(_ text: String, to descriptor: Int32, named name: String) {
    var text = text  // a native string's UTF-8 is written where it is, not copied first
    guard let failure = text.withUTF8({ writeAll(UnsafeRawBufferPointer($0), to: descriptor) }) else { return }
    if descriptor != 2 {
      _ = writeAll(Array("error: cannot write to \(name): \(String(cString: strerror(failure)))\n".utf8), to: 2)
    }
    exit(ExitCode.fileError.rawValue)
  }

  /// Writes every byte, retrying when interrupted or when a non-blocking stream is full;
  /// returns the error number when the stream cannot take them.
  static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
  }

  /// Writes every byte of `buffer` (see `writeAll(_:to:)` for an array).
  static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
    guard let base = buffer.baseAddress else { return nil }
    var offset = 0
    while offset < buffer.count {
      let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
      if written >= 0 {
        offset += written
        continue
      }
      switch errno {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK:
        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        _ = poll(&waiting, 1, -1)
      default: return errno
      }
    }
    return nil
  }

  /// Makes sure descriptors 0, 1 and 2 are open before anything else opens a file: when
  /// the process was started with one closed (`upstream check >&-`), the next file opened
  /// would take its number and output would go into it. A closed output is kept closed
  /// in effect: it becomes a read-only /dev/null, so writing to it fails (exit 4).
  package static func reserveStandardDescriptors() {
    for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
      let opened = open("/dev/null", O_RDONLY)
      if opened >= 0, opened != descriptor {
        _ = dup2(opened, descriptor)
        _ = close(opened)
      }
    }
  }
}

/// Hands out the lines of input read all at once, for consoles without a line reader.
private final class LineBuffer: @unchecked Sendable {
  private let read: @Sendable () -> Data
  private let lock = NSLock()
  private var lines: [String]?
  private var position = 0

  init(_ read: @escaping @Sendable () -> Data) { self.read = read }

  func next() -> String? {
    lock.lock()
    defer { lock.unlock() }
    if lines == nil {
      var split = String(decoding: read(), as: UTF8.self).components(separatedBy: "\n")
      if split.last == "" { split.removeLast() }
      lines = split.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }
    guard let lines, position < lines.count else { return nil }
    position += 1
    return lines[position - 1]
  }
}
