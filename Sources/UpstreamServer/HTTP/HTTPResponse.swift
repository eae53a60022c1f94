import Foundation

// MARK: - One HTTP response

/// A response: status, header fields and body; `bytes(…)` writes it for the wire.
package struct HTTPResponse: Sendable {
  package var status: Int
  /// Header fields besides Content-Length, Connection and Date, which the writer adds.
  package var headers: [(name: String, value: String)]
  package var body: [UInt8]

  package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// A response with a text body of the given media type.
  package init(status: Int, contentType: String, text: String, headers: [(name: String, value: String)] = []) {
    self.init(status: status, headers: [("Content-Type", contentType)] + headers, body: Array(text.utf8))
  }

  /// The value of the first header field with this name.
  package func header(_ name: String) -> String? {
    let wanted = name.lowercased()
    return headers.first { $0.name.lowercased() == wanted }?.value
  }

  /// The response as bytes: status line, the header fields, Date (`date`, from the
  /// server's `Clock`), Content-Length, Connection, a blank line and (unless `headOnly`,
  /// for HEAD) the body.
  package func bytes(keepAlive: Bool, headOnly: Bool = false, date: Date) -> [UInt8] {
    var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
    for (name, value) in headers {
      // A header value never carries a line break (it would split the response).
      // (Filtered by scalar: "\r\n" is one Character, neither "\r" nor "\n".)
      let safe = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
      head += "\(name): \(safe)\r\n"
    }
    head += "Date: \(Self.httpDate(date))\r\n"
    head += "Content-Length: \(body.count)\r\n"
    head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
    return Array(head.utf8) + (headOnly ? [] : body)
  }

  /// The reason phrase of a status code.
  package static func reason(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 201: "Created"
    case 204: "No Content"
    case 303: "See Other"
    case 304: "Not Modified"
    case 400: "Bad Request"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 408: "Request Timeout"
    case 411: "Length Required"
    case 412: "Precondition Failed"
    case 413: "Content Too Large"
    case 415: "Unsupported Media Type"
    case 422: "Unprocessable Content"
    case 431: "Request Header Fields Too Large"
    case 500: "Internal Server Error"
    case 501: "Not Implemented"
    case 503: "Service Unavailable"
    case 505: "HTTP Version Not Supported"
    default: "Status \(status)"
    }
  }

  /// An HTTP date (RFC 9110, IMF-fixdate), in English and GMT whatever the locale.
  package static func httpDate(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "GMT") ?? calendar.timeZone
    let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
    let day = days[((parts.weekday ?? 1) - 1 + 7) % 7]
    let month = months[((parts.month ?? 1) - 1 + 12) % 12]
    return "\(day), \(two(parts.day)) \(month) \(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
  }
}
