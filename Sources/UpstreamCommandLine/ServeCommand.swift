import Foundation
import Upstream
import UpstreamServer

/// `upstream serve`: the web questionnaire and the JSON API over HTTP/1.1 (Docs/Web.md,
/// Docs/API.md).
enum ServeCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "serve", summary: "Serve the questionnaire on the web and the JSON API over HTTP.",
    options: [
      rulesOption,
      OptionSpec("--host", value: "ADDRESS", help: "The address to listen on (default: 127.0.0.1; any other: put TLS in front)."),
      OptionSpec("--port", value: "N", help: "The port (default: 8080; 0 picks a free one)."),
      OptionSpec("--sessions", value: "DIR", help: "Keep the web questionnaire's sessions in DIR (default: a new temporary folder)."),
      OptionSpec("--max-connections", value: "N", help: "Serve at most N connections at once (default: 64); more are told to retry."),
      OptionSpec("--timeout", value: "SECONDS", help: "The most a request may take to arrive (default: 10); slower clients get 408."),
    ],
    examples: [
      "upstream serve",
      "upstream serve --port 0 --sessions ./sessions",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    if let extra = arguments.positionals.first {
      throw CommandError.usage("upstream serve takes no arguments; found '\(extra)'", suggestion: nil, command: spec.name)
    }
    var configuration = ServerConfiguration()
    configuration.host = arguments.value("--host") ?? "127.0.0.1"
    configuration.port = try number("--port", arguments, default: 8080, range: 0...65_535)
    configuration.maximumConnections = try number("--max-connections", arguments, default: 64, range: 1...10_000)
    configuration.requestTimeout = Double(try number("--timeout", arguments, default: 10, range: 1...3_600))
    // The Date header's clock, and the day a web session is started on (its assessment date):
    // the machine's, or the one UPSTREAM_TODAY / SOURCE_DATE_EPOCH fix.
    configuration.clock = try Shared.clock(arguments, console: console, command: spec.name)
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let (folder, made) = try sessionsFolder(arguments.value("--sessions"))
    let sessions = WebSessionStore(folder: folder, knowledgeBase: knowledgeBase, clock: configuration.clock) { text, path in
      try AtomicFile.write(text, to: path)
    }
    let application = ServerApplication(knowledgeBase: knowledgeBase, sessions: sessions)
    let server: HTTPServer
    do {
      server = try HTTPServer(
        configuration, respond: { application.respond($0) }, refuse: { ServerApplication.refusal($0, $1, pathSegments: $2) },
        log: { console.writeError($0 + "\n") })
    } catch {
      // Nothing was served: a folder made for this run is removed, not left behind empty.
      if made { removeIfEmpty(folder) }
      throw CommandError.file(error.description)
    }
    if arguments.value("--sessions") == nil {
      console.writeError("note: sessions are kept in the temporary folder \(folder); use --sessions DIR to keep them elsewhere\n")
    }
    // Signals are handled before the address is announced, so a SIGTERM right after it is not lost.
    // Only once listening: a write to a client gone away is an error to handle, not a signal.
    signal(SIGPIPE, SIG_IGN)
    server.stopOnSignals([SIGTERM, SIGINT])
    let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
    console.write("Upstream is serving on http://\(host):\(server.port)\n")
    if !isLoopback(configuration.host) {
      console.writeError(
        "warning: listening on \(configuration.host), not only this machine: answers travel unencrypted; "
          + "put a TLS proxy in front (Docs/Deploying.md)\n")
    }
    server.run()
    console.writeError("Upstream stopped; every answer is saved.\n")
    return .success
  }

  /// A whole-number option in a range.
  private static func number(_ name: String, _ arguments: ParsedArguments, default value: Int, range: ClosedRange<Int>) throws -> Int {
    guard let text = arguments.value(name) else { return value }
    guard let number = Int(text), range.contains(number) else {
      throw CommandError.usage(
        "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound); found '\(text)'", suggestion: nil, command: spec.name)
    }
    return number
  }

  /// The sessions folder, and whether this run made it: made if missing; a new temporary
  /// one by default.
  private static func sessionsFolder(_ path: String?) throws -> (path: String, made: Bool) {
    guard let path else {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-sessions-\(WebSessionStore.randomHex().prefix(12))").path
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw CommandError.file("cannot make a sessions folder in '\(FileManager.default.temporaryDirectory.path)': \(error.localizedDescription)")
      }
      return (folder, true)
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw CommandError.file("'\(path)' is a file, not a folder for sessions") }
      guard FileManager.default.isWritableFile(atPath: path) else { throw CommandError.file("cannot write sessions in '\(path)': it is read-only") }
      return (path, false)
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw CommandError.file("cannot make the sessions folder '\(path)': \(error.localizedDescription)")
    }
    return (path, true)
  }

  /// Removes a folder this run made, if nothing has been put in it.
  private static func removeIfEmpty(_ folder: String) {
    guard (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true else { return }
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Whether an address is this machine only.
  private static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }
}
