import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - A running `upstream serve`

/// The real binary serving on a free port: `upstream serve --port 0 --sessions DIR`, its
/// URL read from the first line of its standard output; its clock fixed at the test day
/// (`SOURCE_DATE_EPOCH`) unless `environment` says otherwise.
final class ServerProcess: @unchecked Sendable {
  let program: ChildProgram
  let port: Int
  let sessions: TemporaryFolder

  /// Starts the server and waits for its first line (at most 30 seconds); `sessions` is
  /// another server's folder to take over, or a new one.
  init(
    _ extra: [String] = [], host: String? = nil, sessions folder: TemporaryFolder? = nil, environment changes: [String: String] = [:]
  ) throws {
    sessions = try folder ?? TemporaryFolder()
    var environment = ChildEnvironment.clean()
    environment["NO_COLOR"] = "1"
    environment["SOURCE_DATE_EPOCH"] = String(testDay.daysSince1970 * 86_400)
    environment.merge(changes) { $1 }
    program = try ChildProgram(
      UpstreamBinary.path, ["serve", "--port", "0", "--sessions", sessions.path] + (host.map { ["--host", $0] } ?? []) + extra,
      environment: environment)
    let first = program.firstLine()
    guard first.hasPrefix("Upstream is serving on http://"), let port = Int(first.split(separator: ":").last ?? "") else {
      program.signal(SIGKILL)
      program.wait(seconds: 10)
      throw ServerTestError("the server did not start: '\(first)' \(program.errors)")
    }
    self.port = port
  }

  var url: String { "http://127.0.0.1:\(port)" }

  /// Sends SIGTERM and waits (at most 30 seconds, then SIGKILL); the exit status and
  /// everything written to standard error.
  func stop() -> (status: Int32, errors: String) {
    program.signal(SIGTERM)
    return (program.wait(seconds: 30).status, program.errors)
  }
}

struct ServerTestError: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }
}

// MARK: - A raw HTTP client

/// A response as read from the socket.
struct RawResponse {
  let status: Int
  let headers: [(name: String, value: String)]
  let body: Data

  func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
  var text: String { String(decoding: body, as: UTF8.self) }
  /// The body as a JSON object.
  var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
}

/// One TCP connection to the server, for requests exactly as written (keep-alive, slow
/// and malformed requests included).
final class RawConnection {
  let descriptor: Int32

  init(port: Int) throws {
    #if canImport(Glibc)
      descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let status = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard status == 0 else { throw ServerTestError("cannot connect to port \(port)") }
    var timeout = timeval()
    timeout.tv_sec = 20
    _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  }

  deinit { close(descriptor) }

  func send(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { socketSend(descriptor, $0.baseAddress, $0.count) }
      guard written > 0 else { return }
      offset += written
    }
  }

  func send(_ text: String) { send(Array(text.utf8)) }

  /// Bytes read past the last response (the start of the next, when pipelining).
  private var leftover: [UInt8] = []

  /// Reads one response (by Content-Length); nil when the connection closes first.
  func readResponse() -> RawResponse? {
    var buffer = leftover
    leftover = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    func fill() -> Bool {
      let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { return false }
      buffer += chunk[0..<count]
      return true
    }
    var headerEnd: Int?
    while headerEnd == nil {
      if buffer.count >= 4 {
        headerEnd = (0...(buffer.count - 4)).first { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }
      }
      if headerEnd == nil && !fill() { return nil }
    }
    guard let headerEnd else { return nil }
    let lines = String(decoding: buffer[0..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
    let status = Int(lines[0].split(separator: " ")[1]) ?? 0
    let headers = lines.dropFirst().map { line -> (name: String, value: String) in
      let parts = line.split(separator: ":", maxSplits: 1)
      return (String(parts[0]), parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : "")
    }
    let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
    while buffer.count < headerEnd + 4 + length { if !fill() { break } }
    leftover = Array(buffer.dropFirst(headerEnd + 4 + length))
    return RawResponse(status: status, headers: headers, body: Data(buffer[(headerEnd + 4)..<min(buffer.count, headerEnd + 4 + length)]))
  }

  /// Whether the server has closed the connection (reads the end of the stream).
  func isClosedByServer() -> Bool {
    var byte: UInt8 = 0
    return recv(descriptor, &byte, 1, 0) == 0
  }
}

private func socketSend(_ descriptor: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.send(descriptor, pointer, count, Int32(MSG_NOSIGNAL))
  #else
    return Darwin.send(descriptor, pointer, count, 0)
  #endif
}

/// One request on a new connection.
func httpRequest(
  _ port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil
) throws -> RawResponse {
  let connection = try RawConnection(port: port)
  var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
  for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
  if let body { head += "Content-Length: \(body.utf8.count)\r\n" }
  connection.send(head + "\r\n" + (body ?? ""))
  guard let response = connection.readResponse() else { throw ServerTestError("no response to \(method) \(path)") }
  return response
}

/// Runs a program (curl, python3, openssl) found on the PATH and returns its exit status,
/// standard output and standard error (at most 120 seconds, then it is killed). With
/// `temporaryFolder`, the program and what it starts keep their scratch files there.
func runTool(
  _ executable: String, _ arguments: [String], input: String? = nil, temporaryFolder: TemporaryFolder? = nil
) throws -> (status: Int32, output: String, errors: String) {
  let environment = temporaryFolder.map { ChildEnvironment.clean(temporaryFolder: $0) } ?? ChildEnvironment.clean()
  let program = try ChildProgram("/usr/bin/env", [executable] + arguments, environment: environment, input: input ?? "")
  return (program.wait(seconds: 120).status, program.output, program.errors)
}

/// Whether the tools a test drives are here (`missing` names what is not, with how to
/// install it). CI installs them (`.ci/run`), so there a missing tool is a failure;
/// elsewhere the test says it is skipped and why.
func testToolsPresent(_ missing: [String], for test: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
  guard !missing.isEmpty else { return true }
  let list = missing.joined(separator: ", ")
  if ProcessInfo.processInfo.environment["CI"] != nil {
    Issue.record("CI is set but \(test) need what is missing: \(list)", sourceLocation: sourceLocation)
  } else {
    print("skipped \(test): missing \(list); CI runs this test")
  }
  return false
}

/// Whether a program is on the PATH.
func toolExists(_ name: String) -> Bool {
  (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
    FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
  }
}
