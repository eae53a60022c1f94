import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - The platform's sockets

/// The few socket calls the server makes, on Glibc (Linux) and Darwin alike.
package enum Socket {
  /// Why the server could not start listening.
  package struct ListenError: Error, Sendable, CustomStringConvertible {
    package let description: String
  }

  /// A listening TCP socket on `host` and `port` (0: any free port), and the port it got.
  package static func openListener(host: String, port: Int, backlog: Int32 = 128) throws(ListenError) -> (descriptor: Int32, port: Int) {
    var hints = addrinfo()
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = streamType
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw ListenError(description: "cannot listen on '\(host)': \(String(cString: gai_strerror(status)))")
    }
    defer { freeaddrinfo(list) }
    let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
    guard descriptor >= 0 else { throw ListenError(description: "cannot open a socket: \(lastError())") }
    var yes: Int32 = 1
    _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
      let message = lastError()
      _ = close(descriptor)
      throw ListenError(description: "cannot listen on \(host) port \(port): \(message)")
    }
    guard listen(descriptor, backlog) == 0 else {
      let message = lastError()
      _ = close(descriptor)
      throw ListenError(description: "cannot listen on \(host) port \(port): \(message)")
    }
    return (descriptor, boundPort(descriptor) ?? port)
  }

  /// The port a socket is bound to.
  private static func boundPort(_ descriptor: Int32) -> Int? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let status = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard status == 0 else { return nil }
    switch Int32(storage.ss_family) {
    case AF_INET:
      return withUnsafePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
      }
    case AF_INET6:
      return withUnsafePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
      }
    default: return nil
    }
  }

  /// Accepts a connection (nil when interrupted or refused), with writes bounded by
  /// `sendTimeout` seconds so a client that does not read cannot hold a worker.
  package static func acceptClient(_ listener: Int32, sendTimeout: Double) -> Int32? {
    let client = accept(listener, nil, nil)
    guard client >= 0 else { return nil }
    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
    var timeout = timeval()
    timeout.tv_sec = .init(sendTimeout)
    timeout.tv_usec = .init((sendTimeout - sendTimeout.rounded(.down)) * 1_000_000)
    _ = setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    #if canImport(Darwin)
      var yes: Int32 = 1
      _ = setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
    #endif
    return client
  }

  /// Waits until one of the descriptors can be read, or `milliseconds` pass (-1: no limit);
  /// the indices of those that can (a closed peer counts as readable).
  package static func waitReadable(_ descriptors: [Int32], milliseconds: Int) -> [Int] {
    var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    while true {
      let status = poll(&fds, nfds_t(fds.count), Int32(clamping: milliseconds))
      if status < 0 && errno == EINTR { continue }
      guard status > 0 else { return [] }
      return fds.indices.filter { fds[$0].revents != 0 }
    }
  }

  /// Reads what is there, up to `maximum` bytes: empty at the end of the stream, nil on error.
  package static func readSome(_ descriptor: Int32, maximum: Int = 64 << 10) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: maximum)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, maximum, 0) }
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { return nil }
      return Array(buffer[0..<count])
    }
  }

  /// Writes every byte; false when the peer is gone or stopped reading for too long.
  package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return true }
      var offset = 0
      while offset < buffer.count {
        let written = send(descriptor, base + offset, buffer.count - offset, noSignal)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
      }
      return true
    }
  }

  /// Closes a connection after an error response without losing that response: stops
  /// sending, then reads and drops what the client is still sending (at most `seconds`),
  /// so the client reads the response instead of a reset.
  package static func lingeringClose(_ descriptor: Int32, seconds: Double = 1) {
    _ = shutdown(descriptor, Int32(shutWrite))
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    var drained = 0
    while drained < 4 << 20 {
      let left = end - ContinuousClock.now
      guard left > .zero, !waitReadable([descriptor], milliseconds: Int(left.components.seconds * 1000) + 1).isEmpty,
        let bytes = readSome(descriptor), !bytes.isEmpty
      else { break }
      drained += bytes.count
    }
    _ = close(descriptor)
  }

  /// A pipe, for waking the server's waits (shutdown).
  package static func makePipe() -> (read: Int32, write: Int32) {
    var ends: [Int32] = [-1, -1]
    _ = pipe(&ends)
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    return (ends[0], ends[1])
  }

  /// The text of `errno`.
  private static func lastError() -> String { String(cString: strerror(errno)) }

  #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    private static let shutWrite = Int32(SHUT_WR)
  #else
    private static let streamType = SOCK_STREAM
    private static let noSignal: Int32 = 0
    private static let shutWrite = SHUT_WR
  #endif
}
