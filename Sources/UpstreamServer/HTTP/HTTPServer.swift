import Foundation
import Upstream

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - The server loop

/// How the server listens and what it lets a client hold.
package struct ServerConfiguration: Sendable {
  /// The address to bind: loopback unless told otherwise.
  package var host = "127.0.0.1"
  /// The port (0: any free port).
  package var port = 8080
  /// The most connections served at once; more are answered 503 and closed.
  package var maximumConnections = 64
  /// The most seconds a request may take to arrive, from its first byte to its last
  /// (and the most a response may wait for the client to read it): slow clients get 408.
  package var requestTimeout = 10.0
  /// How long an idle keep-alive connection stays open between requests.
  package var idleTimeout = 5.0
  /// Header and body limits.
  package var limits = HTTPLimits()
  /// The clock for the responses' `Date` header: the only time the server reads that is
  /// not a duration (those use the monotonic `ContinuousClock`).
  package var clock = Clock.system

  package init() {}
}

/// An HTTP/1.1 server on the platform's sockets: one thread per connection, at most
/// `maximumConnections` of them; keep-alive; `100 Continue` for a client that sent
/// `Expect: 100-continue` once its head is accepted; every wait bounded by `poll`, so a slow or
/// silent client holds only its own thread, and only for `requestTimeout`; and a graceful
/// `shutdown()`: stop accepting, let requests in flight finish, close idle connections.
///
/// Every request is logged as one line — method, path template, status, milliseconds —
/// and nothing else: never the concrete path (it may hold a session id), never a body.
package final class HTTPServer: @unchecked Sendable {
  /// Answers one request: the path template that matched (for the log) and the response.
  package typealias Responder = @Sendable (HTTPRequest) -> (template: String, response: HTTPResponse)
  /// The response to a request that could not be read or served: status, message, and
  /// the request's path segments when its request line was read.
  package typealias Refusal = @Sendable (_ status: Int, _ message: String, _ pathSegments: [String]?) -> HTTPResponse

  private let configuration: ServerConfiguration
  private let respond: Responder
  private let refuse: Refusal
  private let log: @Sendable (String) -> Void
  private let listener: Int32
  /// The port listened on (the one chosen when 0 was asked for).
  package let port: Int
  private let wake = Socket.makePipe()
  private let state = NSCondition()
  private var active = 0
  private var stopping = false

  /// Binds and listens (so the port is known, and taken, before `run()`).
  package init(
    _ configuration: ServerConfiguration, respond: @escaping Responder, refuse: @escaping Refusal,
    log: @escaping @Sendable (String) -> Void
  ) throws(Socket.ListenError) {
    self.configuration = configuration
    self.respond = respond
    self.refuse = refuse
    self.log = log
    (listener, port) = try Socket.openListener(host: configuration.host, port: configuration.port)
  }

  // MARK: Accepting

  /// Accepts connections until `shutdown()`, then waits for the requests in flight
  /// (at most `requestTimeout` and a second) and returns.
  package func run() {
    while true {
      let ready = Socket.waitReadable([listener, wake.read], milliseconds: -1)
      if ready.contains(1) { break }
      guard ready.contains(0), let client = Socket.acceptClient(listener, sendTimeout: configuration.requestTimeout) else { continue }
      state.lock()
      let full = active >= configuration.maximumConnections
      if !full { active += 1 }
      state.unlock()
      if full {
        _ = Socket.writeAll(
          client,
          refuse(503, "the server is serving as many people as it can; try again in a moment", nil).bytes(
            keepAlive: false, date: configuration.clock.now))
        log("- (too many connections) 503 0 ms")
        Socket.lingeringClose(client, seconds: 0.2)
        continue
      }
      let thread = Thread { [self] in
        serve(client)
        state.lock()
        active -= 1
        state.broadcast()
        state.unlock()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    _ = close(listener)
    state.lock()
    stopping = true
    // Elapsed time on the monotonic clock (never the calendar): checked every 20 ms.
    let end = ContinuousClock.now + .milliseconds(Int((configuration.requestTimeout + 1) * 1000))
    while active > 0 && ContinuousClock.now < end {
      state.unlock()
      usleep(20_000)
      state.lock()
    }
    state.unlock()
  }

  /// Stops accepting and lets requests in flight finish; `run()` then returns. Safe from
  /// any thread, more than once.
  package func shutdown() {
    state.lock()
    let first = !stopping
    stopping = true
    state.unlock()
    if first {
      var byte: UInt8 = 1
      _ = write(wake.write, &byte, 1)
    }
  }

  /// Whether the server is stopping: told so, or woken by a signal (`stopOnSignals`).
  private var isStopping: Bool {
    state.lock()
    defer { state.unlock() }
    return stopping || !Socket.waitReadable([wake.read], milliseconds: 0).isEmpty
  }

  /// Stops the server gracefully on these signals (SIGTERM, SIGINT): the handler only
  /// writes a byte to the server's wake pipe, the one thing a signal handler may safely do.
  /// Call it from the thread that calls `run()`, before the address is announced, so a
  /// signal right after it is never lost.
  package func stopOnSignals(_ signals: [Int32]) {
    signalWakeDescriptor = wake.write
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    for number in signals {
      _ = signal(number) { _ in
        var byte: UInt8 = 1
        _ = write(signalWakeDescriptor, &byte, 1)
      }
      sigaddset(&unblocked, number)
    }
    // A process may start with these signals blocked (the mask is inherited): unblock them
    // on this thread, so they reach the handler.
    _ = pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
  }

  // MARK: One connection

  /// Serves requests on one connection until it closes, times out, or the server stops.
  private func serve(_ client: Int32) {
    var buffer: [UInt8] = []
    var served = 0
    while true {
      if buffer.isEmpty {
        // Between requests: wait for the next one, or for shutdown.
        let seconds = served == 0 ? configuration.requestTimeout : configuration.idleTimeout
        let ready = Socket.waitReadable([client, wake.read], milliseconds: Int(seconds * 1000))
        guard ready.contains(0), let bytes = Socket.readSome(client), !bytes.isEmpty else {
          _ = close(client)
          return
        }
        buffer = bytes
      }
      let started = ContinuousClock.now
      let deadline = started + .milliseconds(Int(configuration.requestTimeout * 1000))
      var request: HTTPRequest?
      // Whether the head of this request has been checked for `Expect: 100-continue`.
      var continueChecked = false
      while request == nil {
        switch HTTPRequestParser.parse(buffer, limits: configuration.limits) {
        case .complete(let complete, let consumed):
          request = complete
          buffer.removeFirst(consumed)
        case .failure(let error):
          finish(client, refuse(error.status, error.message, error.pathSegments), method: "-", template: "(unreadable request)", started: started)
          return
        case .incomplete:
          if !continueChecked, let expects = HTTPRequestParser.expectsContinue(buffer, limits: configuration.limits) {
            continueChecked = true
            // The head is acceptable (a refusal such as 413 would have come instead): ask for the body.
            if expects, !Socket.writeAll(client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) {
              _ = close(client)
              return
            }
          }
          let left = deadline - ContinuousClock.now
          let milliseconds = Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
          guard milliseconds > 0, !Socket.waitReadable([client], milliseconds: milliseconds).isEmpty else {
            finish(
              client,
              refuse(
                408, "the request did not arrive within \(NumberFormat.seconds(configuration.requestTimeout))",
                HTTPRequestParser.pathSegments(of: buffer)),
              method: "-", template: "(slow request)", started: started)
            return
          }
          guard let more = Socket.readSome(client), !more.isEmpty else {
            _ = close(client)  // the client went away mid-request: nobody to answer
            return
          }
          buffer += more
        }
      }
      guard let request else { return }
      let (template, response) = respond(request)
      let keepAlive = request.wantsKeepAlive && !isStopping
      let sent = Socket.writeAll(client, response.bytes(keepAlive: keepAlive, headOnly: request.method == "HEAD", date: configuration.clock.now))
      served += 1
      logLine(request.method, template, response.status, started)
      guard sent, keepAlive else {
        _ = close(client)
        return
      }
    }
  }

  /// Sends an error response, logs it and closes the connection without a reset.
  private func finish(_ client: Int32, _ response: HTTPResponse, method: String, template: String, started: ContinuousClock.Instant) {
    _ = Socket.writeAll(client, response.bytes(keepAlive: false, date: configuration.clock.now))
    logLine(method, template, response.status, started)
    Socket.lingeringClose(client)
  }

  private func logLine(_ method: String, _ template: String, _ status: Int, _ started: ContinuousClock.Instant) {
    let elapsed = ContinuousClock.now - started
    let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    log("\(method) \(template) \(status) \(milliseconds) ms")
  }
}

/// The write end of the wake pipe of the server that signals stop (see `stopOnSignals`):
/// a signal handler can reach only global state.
nonisolated(unsafe) private var signalWakeDescriptor: Int32 = -1

/// Numbers in messages.
enum NumberFormat {
  /// `10 seconds`, `0.5 seconds`, `1 second`.
  static func seconds(_ value: Double) -> String {
    let number = value == value.rounded() ? String(Int(value)) : String(value)
    return number + (value == 1 ? " second" : " seconds")
  }
}
