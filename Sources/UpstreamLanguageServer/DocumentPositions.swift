// MARK: - LSP positions: lines and UTF-16 code units

/// An LSP position: a 0-based line and a 0-based character offset counted in UTF-16 code
/// units (the protocol's default encoding, the only one every client supports).
package struct LSPPosition: Sendable, Hashable {
  package let line: Int
  package let character: Int

  package init(line: Int, character: Int) {
    self.line = line
    self.character = character
  }
}

/// Converts between byte offsets in a text's UTF-8 (what the library's `SourceRange`s
/// hold) and LSP positions: "é" is two bytes and one UTF-16 unit, "🦶" four bytes and two.
package struct LineIndex: Sendable {
  private let bytes: [UInt8]
  /// The byte offset at which each line starts.
  private let lineStarts: [Int]

  package init(_ text: String) {
    bytes = Array(text.utf8)
    var starts = [0]
    for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
    lineStarts = starts
  }

  /// The text's length in bytes.
  package var byteCount: Int { bytes.count }

  /// The byte offset of a position; a line past the end gives the end of the text, a
  /// character past the end of its line gives the end of the line (as the protocol asks),
  /// and a position inside a character's UTF-16 pair gives the character's start.
  package func offset(of position: LSPPosition) -> Int {
    guard position.line >= 0 else { return 0 }
    guard position.line < lineStarts.count else { return bytes.count }
    let lineStart = lineStarts[position.line]
    let isLast = position.line + 1 == lineStarts.count
    var lineEnd = isLast ? bytes.count : lineStarts[position.line + 1] - 1
    // A line break written \r\n: the line's text ends before the \r.
    if !isLast, lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
    var offset = lineStart
    var units = 0
    while offset < lineEnd, units < position.character {
      let length = Self.sequenceLength(bytes[offset])
      let next = units + (length == 4 ? 2 : 1)
      if next > position.character { break }
      units = next
      offset = min(lineEnd, offset + length)
    }
    return offset
  }

  /// The position of a byte offset (clamped to the text).
  package func position(of offset: Int) -> LSPPosition {
    let clamped = max(0, min(offset, bytes.count))
    let line = lineStarts.lineIndex(containing: clamped)
    var units = 0
    var index = lineStarts[line]
    while index < clamped {
      let length = Self.sequenceLength(bytes[index])
      units += length == 4 ? 2 : 1
      index += length
    }
    return LSPPosition(line: line, character: units)
  }

  /// How many bytes the UTF-8 sequence starting with `lead` takes (1 for a stray byte).
  private static func sequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0xF0...0xF7: 4
    case 0xE0...0xEF: 3
    case 0xC0...0xDF: 2
    default: 1
    }
  }
}
