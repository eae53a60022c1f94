// MARK: - Reading a request from bytes

/// The limits a request must keep: what a client may make the server hold.
package struct HTTPLimits: Sendable, Equatable {
  /// The most bytes of request line and header fields together (431 beyond).
  package var headerBytes: Int
  /// The most header fields (431 beyond).
  package var headerCount: Int
  /// The most body bytes (413 beyond).
  package var bodyBytes: Int

  package init(headerBytes: Int = 16 << 10, headerCount: Int = 100, bodyBytes: Int = 1 << 20) {
    self.headerBytes = headerBytes
    self.headerCount = headerCount
    self.bodyBytes = bodyBytes
  }
}

/// Why a request was refused: the status to answer with and a message in plain words.
package struct HTTPParseError: Error, Sendable, Equatable {
  package let status: Int
  package let message: String
  /// The request's path segments when its request line could be read before the refusal
  /// (a body or header fields over the limits, a chunked body…), so the refusal can answer
  /// in the format of that path; `nil` when the request line itself was not readable.
  package var pathSegments: [String]?

  package init(_ status: Int, _ message: String, pathSegments: [String]? = nil) {
    self.status = status
    self.message = message
    self.pathSegments = pathSegments
  }
}

/// What the bytes received so far hold.
package enum HTTPParseResult: Sendable, Equatable {
  /// Not a whole request yet: read more (the limits are already checked).
  case incomplete
  /// A whole request, and how many bytes it took (the rest begins the next one).
  case complete(HTTPRequest, consumed: Int)
  /// Not a request the server accepts; answer with the error's status and close.
  case failure(HTTPParseError)
}

/// Reads HTTP/1.0 and HTTP/1.1 requests from bytes: pure, no input or output, never
/// crashing on any input (Tests/Fuzz/HTTPFuzzer.swift).
///
/// Accepted: a request line `METHOD /path?query HTTP/1.x` (origin form), header fields
/// `Name: value` ending in CRLF, and a body of exactly `Content-Length` bytes. Refused,
/// with the status a client can act on: malformed lines, obsolete line folding, bare CR or
/// LF, a missing or repeated `Host` (HTTP/1.1), conflicting lengths (400); any
/// `Transfer-Encoding` such as chunked (411: send Content-Length); a body over the limit
/// (413); header fields over the limits (431); HTTP versions other than 1.x (505). The
/// refusals that the head decides come as soon as the head is read, before the body, so a
/// client that sent `Expect: 100-continue` gets them instead of `100 Continue`
/// (`expectsContinue`).
package enum HTTPRequestParser {
  /// Parses the request at the start of `bytes`.
  package static func parse(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> HTTPParseResult {
    guard let headerEnd = endOfHeader(bytes, limit: limits.headerBytes) else {
      if bytes.count > limits.headerBytes {
        return .failure(
          HTTPParseError(
            431, "the request line and header fields are longer than \(limits.headerBytes) bytes", pathSegments: pathSegments(of: bytes)))
      }
      // A whole first line that is already wrong need not wait for the rest.
      if let lineEnd = firstLineEnd(bytes), case .failure(let error) = requestLine(bytes[0..<lineEnd]) { return .failure(error) }
      return .incomplete
    }
    switch head(bytes[0..<headerEnd], limits: limits) {
    case .failure(var error):
      error.pathSegments = pathSegments(of: bytes)
      return .failure(error)
    case .success(let head):
      let bodyStart = headerEnd + 4
      guard bytes.count - bodyStart >= head.contentLength else { return .incomplete }
      let body = Array(bytes[bodyStart..<(bodyStart + head.contentLength)])
      let request = HTTPRequest(
        method: head.method, target: head.target, pathSegments: head.segments, query: head.query, minorVersion: head.minor,
        headers: head.headers, body: body)
      return .complete(request, consumed: bodyStart + head.contentLength)
    }
  }

  /// Whether the request at the start of `bytes` waits for `100 Continue` before sending
  /// its body: its head is whole and acceptable (`parse` would not refuse it), it is
  /// HTTP/1.1 with `Expect: 100-continue`, and its body has not all come. `nil` while the
  /// head is not whole yet.
  package static func expectsContinue(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> Bool? {
    guard let headerEnd = endOfHeader(bytes, limit: limits.headerBytes) else { return nil }
    guard case .success(let head) = head(bytes[0..<headerEnd], limits: limits), head.minor == 1 else { return false }
    let expectations = head.headers.filter { $0.name.lowercased() == "expect" }.map { $0.value.lowercased() }
    return expectations.contains("100-continue") && bytes.count - (headerEnd + 4) < head.contentLength
  }

  /// The path segments of the request line at the start of `bytes`, when a whole and
  /// well-formed request line is there (for refusing in the format of the path).
  package static func pathSegments(of bytes: [UInt8]) -> [String]? {
    guard let lineEnd = firstLineEnd(bytes), case .success(let line) = requestLine(bytes[0..<lineEnd]) else { return nil }
    return line.segments
  }

  // MARK: The head

  /// The request line and header fields, read.
  private struct Head {
    var method: String
    var target: String
    var segments: [String]
    var query: [(name: String, value: String)]
    var minor: Int
    var headers: [(name: String, value: String)] = []
    var contentLength = 0
  }

  /// The offset of the blank line's CRLFCRLF, searched within the header limit.
  private static func endOfHeader(_ bytes: [UInt8], limit: Int) -> Int? {
    let end = min(bytes.count, limit + 4)
    guard end >= 4 else { return nil }
    var index = 0
    while index + 3 < end {
      if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index }
      index += 1
    }
    return nil
  }

  private static func firstLineEnd(_ bytes: [UInt8]) -> Int? {
    guard let index = bytes.firstIndex(of: 10) else { return nil }
    return index > 0 && bytes[index - 1] == 13 ? index - 1 : index
  }

  private static func head(_ bytes: ArraySlice<UInt8>, limits: HTTPLimits) -> Result<Head, HTTPParseError> {
    var lines: [ArraySlice<UInt8>] = []
    var start = bytes.startIndex
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == 13 {
        guard index + 1 < bytes.endIndex, bytes[index + 1] == 10 else {
          return .failure(HTTPParseError(400, "a carriage return inside a line; lines end with CRLF"))
        }
        lines.append(bytes[start..<index])
        index += 2
        start = index
        continue
      }
      if byte == 10 { return .failure(HTTPParseError(400, "a line ends with a bare LF; lines end with CRLF")) }
      index += 1
    }
    lines.append(bytes[start..<bytes.endIndex])
    var head: Head
    switch requestLine(lines[0]) {
    case .failure(let error): return .failure(error)
    case .success(let line): head = line
    }
    let fields = lines.dropFirst()
    guard fields.count <= limits.headerCount else {
      return .failure(HTTPParseError(431, "more than \(limits.headerCount) header fields"))
    }
    for line in fields {
      switch field(line) {
      case .failure(let error): return .failure(error)
      case .success(let field): head.headers.append(field)
      }
    }
    return checkFraming(&head, limits: limits).map { head }
  }

  /// `METHOD SP target SP HTTP/1.x`.
  private static func requestLine(_ line: ArraySlice<UInt8>) -> Result<Head, HTTPParseError> {
    let parts = line.split(separator: 32, omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
      return .failure(HTTPParseError(400, "the request line is not 'METHOD /path HTTP/1.1'"))
    }
    guard parts[0].count <= 32, parts[0].allSatisfy(isTokenCharacter) else {
      return .failure(HTTPParseError(400, "the method is not a word of letters"))
    }
    let version = String(decoding: parts[2], as: UTF8.self)
    let minor: Int
    switch version {
    case "HTTP/1.1": minor = 1
    case "HTTP/1.0": minor = 0
    default:
      guard version.hasPrefix("HTTP/"), version.count == 8 else {
        return .failure(HTTPParseError(400, "the request line does not end with a version such as HTTP/1.1"))
      }
      return .failure(HTTPParseError(505, "only HTTP/1.0 and HTTP/1.1 are served; found \(version)"))
    }
    let target = parts[1]
    guard target.first == UInt8(ascii: "/") else {
      return .failure(HTTPParseError(400, "the request target must be a path starting with '/'"))
    }
    guard target.allSatisfy({ $0 > 32 && $0 < 127 }) else {
      return .failure(HTTPParseError(400, "the request target has a character that must be percent-encoded"))
    }
    let pieces = target.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)
    let pathPart = pieces[0].split(separator: UInt8(ascii: "#"), maxSplits: 1, omittingEmptySubsequences: false)[0]
    var segments: [String] = []
    for segment in pathPart.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
      guard let decoded = PercentDecoding.decode(segment, plusIsSpace: false) else {
        return .failure(HTTPParseError(400, "the path has a malformed percent-escape"))
      }
      segments.append(decoded)
    }
    if segments.last == "" { segments.removeLast() }
    var query: [(name: String, value: String)] = []
    if pieces.count > 1 {
      guard let pairs = PercentDecoding.pairs(pieces[1]) else {
        return .failure(HTTPParseError(400, "the query has a malformed percent-escape"))
      }
      query = pairs
    }
    return .success(
      Head(
        method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: target, as: UTF8.self), segments: segments,
        query: query, minor: minor))
  }

  /// `Name: value`.
  private static func field(_ line: ArraySlice<UInt8>) -> Result<(name: String, value: String), HTTPParseError> {
    if let first = line.first, first == 32 || first == 9 {
      return .failure(HTTPParseError(400, "a header field continues on the next line (obsolete folding); send it on one line"))
    }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
      return .failure(HTTPParseError(400, "a header field has no ':'"))
    }
    let name = line[line.startIndex..<colon]
    guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else {
      return .failure(HTTPParseError(400, "a header field's name is empty or has a space or symbol in it"))
    }
    let value = line[(colon + 1)...]
    guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
      return .failure(HTTPParseError(400, "header field '\(String(decoding: name, as: UTF8.self))' has a control character"))
    }
    return .success((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self).trimmingBlanks()))
  }

  /// Host, Transfer-Encoding and Content-Length: how the message is framed.
  private static func checkFraming(_ head: inout Head, limits: HTTPLimits) -> Result<Void, HTTPParseError> {
    let hosts = head.headers.filter { $0.name.lowercased() == "host" }
    if hosts.count > 1 { return .failure(HTTPParseError(400, "more than one Host header field")) }
    if head.minor == 1 && hosts.isEmpty { return .failure(HTTPParseError(400, "an HTTP/1.1 request needs a Host header field")) }
    if head.headers.contains(where: { $0.name.lowercased() == "transfer-encoding" }) {
      return .failure(HTTPParseError(411, "chunked or encoded request bodies are not accepted; send the body with a Content-Length"))
    }
    let lengths = head.headers.filter { $0.name.lowercased() == "content-length" }.flatMap {
      $0.value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingBlanks() }
    }
    guard let first = lengths.first else { return .success(()) }
    guard lengths.allSatisfy({ $0 == first }) else {
      return .failure(HTTPParseError(400, "Content-Length is given more than once, with different values"))
    }
    guard !first.isEmpty, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
      return .failure(HTTPParseError(400, "Content-Length is not a whole number of bytes"))
    }
    guard first.count <= 15, let length = Int(first), length <= limits.bodyBytes else {
      return .failure(HTTPParseError(413, "the body is larger than \(limits.bodyBytes) bytes"))
    }
    head.contentLength = length
    return .success(())
  }

  /// Characters allowed in methods and header names (RFC 9110 `tchar`).
  private static func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
    default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
  }
}
