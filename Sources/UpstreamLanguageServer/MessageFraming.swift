import Foundation

// MARK: - Messages framed by a Content-Length header (the base protocol of LSP)

/// Splits a byte stream into messages: each is `Content-Length: N`, any other headers, a
/// blank line (`\r\n\r\n`), then N bytes of JSON.
///
/// Bytes arrive in chunks of any size (`append`); `next()` returns each whole message as
/// soon as it is there. Nothing a client sends can make it crash or grow without bound: a
/// header block longer than `maximumHeaderSize` or without a usable `Content-Length` is
/// reported, and it and whatever follows it (a stray body) are skipped up to the next
/// `Content-Length` header, even one that arrives in a later chunk; a body longer than
/// `maximumMessageSize` is reported and its bytes are dropped as they come, never stored.
package struct MessageFramer: Sendable {
  /// What the stream held next.
  package enum Item: Sendable, Equatable {
    /// A whole message body.
    case message([UInt8])
    /// Input that is not a message, with what was wrong; the stream goes on after it.
    case malformed(String)
  }

  /// The largest body accepted: more than a 16 MiB rule file, written as JSON with escapes.
  package static let maximumMessageSize = 48 << 20
  /// The largest header block accepted (LSP sends one or two short headers).
  package static let maximumHeaderSize = 8 << 10

  private let maximumMessageSize: Int
  private var buffer: [UInt8] = []
  /// Where unread bytes start in `buffer`.
  private var start = 0
  /// Bytes still to drop of a body that was too large.
  private var discarding = 0
  /// Whether bytes are being skipped until the next `Content-Length` header, after a
  /// header block that could not be used.
  private var seekingHeader = false

  package init(maximumMessageSize: Int = MessageFramer.maximumMessageSize) {
    self.maximumMessageSize = maximumMessageSize
  }

  /// Adds bytes read from the stream.
  package mutating func append(_ bytes: [UInt8]) {
    var bytes = bytes[...]
    if discarding > 0 {
      let dropped = min(discarding, bytes.count)
      discarding -= dropped
      bytes = bytes.dropFirst(dropped)
    }
    if start > 0, start >= buffer.count / 2 {
      buffer.removeFirst(start)
      start = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// Whether bytes of an unfinished message are waiting (at the end of the stream, they
  /// were a message cut short).
  package var hasPartialMessage: Bool { (start < buffer.count && !seekingHeader) || discarding > 0 }

  /// The next message or problem, or nil when more bytes are needed.
  package mutating func next() -> Item? {
    if seekingHeader {
      guard let header = findContentLength(from: start) else {
        // Keep only what could be the start of a `Content-Length` cut by the chunk's end.
        start = max(start, buffer.count - (Self.contentLengthName.count - 1))
        return nil
      }
      start = header
      seekingHeader = false
    }
    guard start < buffer.count else { return nil }
    guard let headerEnd = find([13, 10, 13, 10], from: start) else {
      if buffer.count - start > Self.maximumHeaderSize { return skipToNextHeader("a header longer than \(Self.maximumHeaderSize) bytes") }
      return nil
    }
    guard headerEnd - start <= Self.maximumHeaderSize else { return skipToNextHeader("a header longer than \(Self.maximumHeaderSize) bytes") }
    let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
    var length: Int?
    for line in header.split(separator: "\r\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, parts[0].lowercased() == "content-length" else { continue }
      length = Int(parts[1].trimmingCharacters(in: .whitespaces))
    }
    let bodyStart = headerEnd + 4
    guard let length, length >= 0 else {
      // Without a length the body's end is unknown: skip to the next header, not just past
      // this block, or a stray body would be read as the next header and every message after it lost.
      start = bodyStart
      seekingHeader = true
      return .malformed("a message header without a valid Content-Length: '\(String(header.prefix(200)))'; skipped to the next message")
    }
    guard length <= maximumMessageSize else {
      let available = buffer.count - bodyStart
      discarding = max(0, length - available)
      start = min(buffer.count, bodyStart + length)
      return .malformed("a message of \(length) bytes, more than the \(maximumMessageSize) accepted; it was skipped")
    }
    guard buffer.count - bodyStart >= length else { return nil }
    let body = Array(buffer[bodyStart..<(bodyStart + length)])
    start = bodyStart + length
    return .message(body)
  }

  /// Drops bytes up to the next `Content-Length` header (waiting for it if it has not
  /// come yet), reporting why.
  private mutating func skipToNextHeader(_ problem: String) -> Item {
    start = min(start + 1, buffer.count)
    seekingHeader = true
    return .malformed("\(problem); skipped to the next message")
  }

  /// The header name looked for after a header block that could not be used, lower case.
  private static let contentLengthName = Array("content-length".utf8)

  /// Where the next `Content-Length` (in any case) starts, from `offset`.
  private func findContentLength(from offset: Int) -> Int? {
    let name = Self.contentLengthName
    guard offset <= buffer.count - name.count else { return nil }
    var index = offset
    while index <= buffer.count - name.count {
      var matched = 0
      while matched < name.count, Self.lowercased(buffer[index + matched]) == name[matched] { matched += 1 }
      if matched == name.count { return index }
      index += 1
    }
    return nil
  }

  /// An ASCII capital as its small letter; any other byte as it is.
  private static func lowercased(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
  }

  private func find(_ pattern: [UInt8], from offset: Int) -> Int? {
    guard pattern.count <= buffer.count, offset <= buffer.count - pattern.count else { return nil }
    var index = offset
    while index <= buffer.count - pattern.count {
      if buffer[index] == pattern[0], buffer[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
      index += 1
    }
    return nil
  }

  /// A body framed for writing: its `Content-Length` header, a blank line, the body.
  package static func frame(_ body: [UInt8]) -> [UInt8] {
    Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
  }
}
