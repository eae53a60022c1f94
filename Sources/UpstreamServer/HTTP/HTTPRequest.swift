// MARK: - One HTTP request

/// One HTTP/1.x request as the parser read it: the request line, the header fields in the
/// order sent, and the body (Content-Length bytes; chunked bodies are refused).
///
/// Pure data, stdlib only, so the parser can be fuzzed on its own.
package struct HTTPRequest: Sendable, Equatable {
  /// The method, as sent (methods are case-sensitive: `GET`, `POST`).
  package let method: String
  /// The request target as sent, e.g. `/why/hip_pain?audience=patient`.
  package let target: String
  /// The target's path, split at `/` and percent-decoded: `/why/hip%20pain` is `["why", "hip pain"]`.
  package let pathSegments: [String]
  /// The query's name–value pairs, percent-decoded (`+` is a space), in order.
  package let query: [(name: String, value: String)]
  /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
  package let minorVersion: Int
  /// The header fields in the order sent; names as sent, values without surrounding blanks.
  package let headers: [(name: String, value: String)]
  /// The body: exactly Content-Length bytes.
  package let body: [UInt8]

  package init(
    method: String, target: String, pathSegments: [String], query: [(name: String, value: String)], minorVersion: Int,
    headers: [(name: String, value: String)], body: [UInt8]
  ) {
    self.method = method
    self.target = target
    self.pathSegments = pathSegments
    self.query = query
    self.minorVersion = minorVersion
    self.headers = headers
    self.body = body
  }

  package static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
    lhs.method == rhs.method && lhs.target == rhs.target && lhs.pathSegments == rhs.pathSegments
      && lhs.query.map { [$0.name, $0.value] } == rhs.query.map { [$0.name, $0.value] } && lhs.minorVersion == rhs.minorVersion
      && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] } && lhs.body == rhs.body
  }

  /// The path, percent-decoded, e.g. `/why/hip_pain`.
  package var path: String { "/" + pathSegments.joined(separator: "/") }

  /// The value of the first header field with this name (names compare case-insensitively).
  package func header(_ name: String) -> String? {
    let wanted = name.lowercased()
    return headers.first { $0.name.lowercased() == wanted }?.value
  }

  /// The first value of a query parameter.
  package func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

  /// The media type of the body, lower case, without parameters: `application/json`.
  package var contentType: String? {
    header("Content-Type").map { value in
      String(value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]).trimmingBlanks().lowercased()
    }
  }

  /// Whether the client asks to keep the connection open: HTTP/1.1 unless `Connection:
  /// close`, HTTP/1.0 only with `Connection: keep-alive`.
  package var wantsKeepAlive: Bool {
    let tokens = (header("Connection") ?? "").lowercased().split(separator: ",").map { String($0).trimmingBlanks() }
    if tokens.contains("close") { return false }
    return minorVersion >= 1 || tokens.contains("keep-alive")
  }
}

extension String {
  /// The text without spaces and tabs at either end.
  func trimmingBlanks() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }
}
