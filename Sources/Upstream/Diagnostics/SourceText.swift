// MARK: - Source files and positions

/// A rule or case file's text, with the name it is reported under.
public struct SourceFile: Sendable, Hashable {
  /// The path or name shown in diagnostics (e.g. `rules/foot-to-hip.rules`).
  public let path: String
  /// The full text of the file.
  public let text: String
  /// The UTF-8 bytes of `text`, which the lexer reads.
  let bytes: [UInt8]
  /// The byte offset at which each line starts.
  private let lineStarts: [Int]

  public init(path: String, text: String) {
    self.path = path
    self.text = text
    self.bytes = Array(text.utf8)
    var starts = [0]
    for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
      starts.append(offset + 1)
    }
    self.lineStarts = starts
  }

  /// The 1-based line and column of a byte offset; columns count characters (Unicode
  /// scalars), as the lexer does.
  func location(ofOffset offset: Int) -> SourceLocation {
    let clamped = max(0, min(offset, bytes.count))
    let line = lineStarts.lineIndex(containing: clamped)
    var column = 1
    for byte in bytes[lineStarts[line]..<clamped] where byte & 0xC0 != 0x80 { column += 1 }
    return SourceLocation(line: line + 1, column: column, offset: clamped)
  }

  /// The text of a 1-based line, without its line break.
  func lineText(_ line: Int) -> String {
    guard let bounds = lineBounds(line) else { return "" }
    return String(decoding: bytes[bounds], as: UTF8.self)
  }

  /// The byte offsets of a 1-based line, without its line break.
  func lineBounds(_ line: Int) -> Range<Int>? {
    guard line >= 1, line <= lineStarts.count else { return nil }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return start..<max(start, end)
  }

  /// The source range covering bytes `start..<end`.
  package func range(_ start: Int, _ end: Int) -> SourceRange {
    SourceRange(file: path, start: location(ofOffset: start), end: location(ofOffset: end))
  }
}

/// A position in a source file: 1-based line and column, and the byte offset.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable {
  public let line: Int
  public let column: Int
  public let offset: Int

  package init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }

  public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    lhs.offset < rhs.offset
  }
}

/// A span of text in a named file, from `start` up to (not including) `end`.
public struct SourceRange: Sendable, Hashable, Codable, Comparable {
  public let file: String
  public let start: SourceLocation
  public let end: SourceLocation

  package init(file: String, start: SourceLocation, end: SourceLocation) {
    self.file = file
    self.start = start
    self.end = end
  }

  /// A range for a whole file or a place with no text (line 1, column 1).
  package static func wholeFile(_ file: String) -> SourceRange {
    let start = SourceLocation(line: 1, column: 1, offset: 0)
    return SourceRange(file: file, start: start, end: start)
  }

  /// The range from the start of `self` to the end of `other`.
  func through(_ other: SourceRange) -> SourceRange {
    SourceRange(file: file, start: start, end: max(end, other.end))
  }

  /// `file:line:column`, as editors and terminals recognise it.
  public var description: String { "\(file):\(start.line):\(start.column)" }

  public static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
    (lhs.file, lhs.start.offset, lhs.end.offset) < (rhs.file, rhs.start.offset, rhs.end.offset)
  }
}
