import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Docs/Deploying.md's nginx configuration, run as it is checked in (only the ports and the
/// certificate paths changed) in front of the real binary: a page and an API call through
/// TLS with the security headers, plain HTTP redirected, nothing personal in nginx's log.
@Suite("Server: behind nginx", .serialized)
struct DeployingTests {
  /// nginx on the PATH or in /usr/sbin (Debian's package).
  static let nginx: String? = {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin"]
    return folders.map { "\($0)/nginx" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// A port nothing listens on now.
  static func freePort() throws -> Int {
    #if canImport(Glibc)
      let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
      }
    }
    guard bound else { throw ServerTestError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// The checked-in configuration with the test's ports and paths, inside a minimal nginx.conf.
  static func configuration(prefix: String, serverPort: Int, httpPort: Int, tlsPort: Int) throws -> String {
    var site = try String(
      contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/nginx-upstream.conf"), encoding: .utf8)
    let changes = [
      ("127.0.0.1:8080", "127.0.0.1:\(serverPort)"),
      ("listen 80;", "listen 127.0.0.1:\(httpPort);"), ("listen [::]:80;\n", ""),
      ("listen 443 ssl;", "listen 127.0.0.1:\(tlsPort) ssl;"), ("listen [::]:443 ssl;\n", ""),
      ("/etc/ssl/certs/upstream.example.org.pem", "\(prefix)/cert.pem"),
      ("/etc/ssl/private/upstream.example.org.key", "\(prefix)/key.pem"),
      ("/var/log/nginx/upstream.log", "\(prefix)/upstream.log"),
    ]
    for (from, to) in changes {
      guard site.contains(from) else { throw ServerTestError("Docs/examples/nginx-upstream.conf no longer has '\(from)'") }
      site = site.replacingOccurrences(of: from, with: to)
    }
    let temporary = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { "  \($0)_temp_path \(prefix)/\($0);" }
    return """
      worker_processes 1;
      pid \(prefix)/nginx.pid;
      error_log \(prefix)/error.log;
      events { worker_connections 64; }
      http {
        access_log \(prefix)/access.log;
      \(temporary.joined(separator: "\n"))
      \(site)
      }

      """
  }

  @Test("a page and an API call come back through TLS with the security headers; HTTP redirects; the log holds no path")
  func throughNginx() throws {
    guard testToolsPresent(Self.nginx == nil ? ["nginx (apt-get install nginx)"] : [], for: "the nginx deployment"), let nginx = Self.nginx
    else { return }
    let server = try ServerProcess()
    let folder = try TemporaryFolder()
    let prefix = folder.path
    let certificate = try runTool(
      "openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", "\(prefix)/key.pem", "-out",
        "\(prefix)/cert.pem",
      ])
    try #require(certificate.status == 0, "openssl: \(certificate.errors)")
    let (httpPort, tlsPort) = (try Self.freePort(), try Self.freePort())
    try folder.write(
      "nginx.conf", try Self.configuration(prefix: prefix, serverPort: server.port, httpPort: httpPort, tlsPort: tlsPort))
    let test = try runTool(nginx, ["-t", "-p", prefix + "/", "-e", "\(prefix)/error.log", "-c", "\(prefix)/nginx.conf"])
    try #require(test.status == 0, "nginx -t: \(test.errors)")

    let proxy = try ChildProgram(
      nginx, ["-p", prefix + "/", "-e", "\(prefix)/error.log", "-c", "\(prefix)/nginx.conf", "-g", "daemon off;"],
      environment: ChildEnvironment.clean())
    defer {
      proxy.signal(SIGQUIT)
      proxy.wait(seconds: 10)
    }
    let deadline = ContinuousClock.now + .seconds(10)
    while (try? RawConnection(port: tlsPort)) == nil && ContinuousClock.now < deadline { usleep(50_000) }

    func curl(_ arguments: [String]) throws -> (headers: String, body: String) {
      let headers = "\(prefix)/headers-\(UUID().uuidString)"
      let result = try runTool("curl", ["-sS", "-k", "-D", headers] + arguments)
      #expect(result.status == 0, "curl \(arguments): \(result.errors)")
      return ((try? String(contentsOfFile: headers, encoding: .utf8)) ?? "", result.output)
    }
    let page = try curl(["https://127.0.0.1:\(tlsPort)/"])
    #expect(page.headers.hasPrefix("HTTP/1.1 200"), "\(page.headers)")
    for header in [
      "Content-Security-Policy: default-src 'none'", "X-Frame-Options: DENY", "X-Content-Type-Options: nosniff",
      "Strict-Transport-Security: max-age=63072000",
    ] {
      #expect(page.headers.localizedCaseInsensitiveContains(header), "\(header) missing: \(page.headers)")
    }
    #expect(page.body.contains("<form"))
    let api = try curl([
      "-H", "Content-Type: application/json", "--data-binary", CommandLineTests.trucker, "https://127.0.0.1:\(tlsPort)/assess",
    ])
    #expect(api.headers.hasPrefix("HTTP/1.1 200"), "\(api.headers)")
    #expect(api.headers.localizedCaseInsensitiveContains("Strict-Transport-Security"))
    #expect(api.body.contains("upstream-assessment"))
    let plain = try curl(["http://127.0.0.1:\(httpPort)/s/secret-session"])
    #expect(plain.headers.hasPrefix("HTTP/1.1 301"), "\(plain.headers)")
    #expect(plain.headers.contains("Location: https://127.0.0.1/s/secret-session"))

    proxy.signal(SIGQUIT)
    proxy.wait(seconds: 10)
    let log = (try? String(contentsOfFile: "\(prefix)/upstream.log", encoding: .utf8)) ?? ""
    #expect(log.split(separator: "\n").count == 2, "one line per request: \(log)")
    #expect(!log.contains("/"), "no path in nginx's log: \(log)")
    #expect(!log.contains("127.0.0.1"), "no client address in nginx's log: \(log)")
    #expect(server.stop().status == 0)
  }
}
