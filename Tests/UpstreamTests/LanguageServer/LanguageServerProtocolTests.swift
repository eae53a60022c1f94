import Foundation
import Testing

@testable import Upstream
@testable import UpstreamLanguageServer

/// `upstream lsp`'s protocol layer in process: Content-Length framing, UTF-16 positions,
/// JSON-RPC errors, the lifecycle, and document sync with full and incremental changes.
@Suite("Language server protocol")
struct LanguageServerProtocolTests {
  // MARK: Framing

  static func framed(_ body: String) -> [UInt8] { MessageFramer.frame(Array(body.utf8)) }

  /// What a framer finds in `stream` given in two chunks cut at `split`, and the framer.
  static func items(of stream: [UInt8], splitAt split: Int) -> (found: [MessageFramer.Item], framer: MessageFramer) {
    var framer = MessageFramer()
    var found: [MessageFramer.Item] = []
    for chunk in [Array(stream[..<split]), Array(stream[split...])] {
      framer.append(chunk)
      while let item = framer.next() { found.append(item) }
    }
    return (found, framer)
  }

  @Test("messages are found whatever the chunks: split anywhere, or two in one")
  func framingAcrossChunks() {
    let stream = Self.framed("{\"a\":1}") + Self.framed("{\"b\":\"é\"}")
    for split in 0...stream.count {
      let (found, framer) = Self.items(of: stream, splitAt: split)
      #expect(found == [.message(Array("{\"a\":1}".utf8)), .message(Array("{\"b\":\"é\"}".utf8))], "split at \(split)")
      #expect(!framer.hasPartialMessage)
    }
  }

  @Test("other headers are allowed; a header without Content-Length is reported and skipped")
  func framingHeaders() {
    var framer = MessageFramer()
    framer.append(Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}".utf8))
    #expect(framer.next() == .message(Array("{}".utf8)))
    framer.append(Array("Content-Type: x\r\n\r\n".utf8) + Self.framed("[]"))
    guard case .malformed(let problem)? = framer.next() else {
      Issue.record("a header without Content-Length was not reported")
      return
    }
    #expect(problem.contains("without a valid Content-Length"))
    #expect(framer.next() == .message(Array("[]".utf8)))
  }

  @Test("a header without Content-Length followed by a stray body is skipped: the messages after it are read, however they are cut")
  func framingHeaderWithoutLengthAndBody() {
    let stream = Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8) + Self.framed("[1]") + Self.framed("[2]")
    for split in 0...stream.count {
      let (found, framer) = Self.items(of: stream, splitAt: split)
      #expect(found.count == 3, "split at \(split): \(found)")
      guard case .malformed(let problem)? = found.first else {
        Issue.record("split at \(split): the header without Content-Length was not reported")
        continue
      }
      #expect(problem.contains("without a valid Content-Length"))
      #expect(Array(found.dropFirst()) == [.message(Array("[1]".utf8)), .message(Array("[2]".utf8))], "split at \(split)")
      #expect(!framer.hasPartialMessage)
    }
  }

  @Test("a message larger than the limit is skipped without being stored, and the next one is read")
  func framingTooLarge() {
    var framer = MessageFramer(maximumMessageSize: 10)
    framer.append(Array("Content-Length: 25\r\n\r\n0123456789".utf8))
    guard case .malformed(let problem)? = framer.next() else {
      Issue.record("an oversized message was not reported")
      return
    }
    #expect(problem.contains("more than the 10 accepted"))
    framer.append(Array("0123456789abcde".utf8) + Self.framed("{}"))
    #expect(framer.next() == .message(Array("{}".utf8)))
  }

  @Test("a header block that never ends is bounded: reported once it passes the limit")
  func framingEndlessHeader() {
    var framer = MessageFramer()
    framer.append([UInt8](repeating: UInt8(ascii: "x"), count: MessageFramer.maximumHeaderSize + 10))
    guard case .malformed? = framer.next() else {
      Issue.record("an endless header was not reported")
      return
    }
    framer.append(Self.framed("{}"))
    #expect(framer.next() == .message(Array("{}".utf8)))
  }

  // MARK: Positions

  @Test("positions count UTF-16 units: é is one, the foot emoji two; \\r\\n ends a line before the \\r")
  func utf16Positions() {
    let text = "a é🦶b\r\nxyz\n"
    let lines = LineIndex(text)
    // Bytes: a(0) space(1) é(2,3) 🦶(4-7) b(8) \r(9) \n(10) x(11)…
    #expect(lines.position(of: 8) == LSPPosition(line: 0, character: 5))
    #expect(lines.offset(of: LSPPosition(line: 0, character: 5)) == 8)
    #expect(lines.offset(of: LSPPosition(line: 0, character: 3)) == 4)
    #expect(lines.offset(of: LSPPosition(line: 0, character: 4)) == 4, "inside the emoji's pair: its start")
    #expect(lines.offset(of: LSPPosition(line: 0, character: 99)) == 9, "past the end of the line: before \\r\\n")
    #expect(lines.offset(of: LSPPosition(line: 1, character: 1)) == 12)
    #expect(lines.position(of: 12) == LSPPosition(line: 1, character: 1))
    #expect(lines.offset(of: LSPPosition(line: 7, character: 0)) == text.utf8.count)
  }

  // MARK: The server in process

  /// A server fed in process, collecting what it writes.
  final class Session {
    /// What the server has written and not yet taken.
    final class Output {
      var bytes: [UInt8] = []
    }

    private let output: Output
    let server: LanguageServer

    init() {
      let output = Output()
      self.output = output
      server = LanguageServer(checks: standardChecks(clock: .fixed(testDay))) { output.bytes += $0 }
    }

    /// Sends messages (JSON texts), each framed.
    func send(_ messages: String...) {
      for message in messages { server.receive(Array(message.utf8).framedForTest) }
    }

    /// Every message written so far, parsed, and forgets them.
    func take() -> [JSONValue] {
      var framer = MessageFramer()
      framer.append(output.bytes)
      output.bytes = []
      var messages: [JSONValue] = []
      while case .message(let body)? = framer.next() {
        if case .success(let document) = JSONReader.read(SourceFile(path: "out", text: String(decoding: body, as: UTF8.self))) {
          messages.append(document.root.value)
        }
      }
      return messages
    }

    func initialize() {
      send(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#, #"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
      _ = take()
    }
  }

  @Test("requests before initialize are refused; unknown methods are MethodNotFound; bad JSON is a parse error")
  func errors() {
    let session = Session()
    session.send(#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#)
    #expect(session.take().first?["error"]?["code"]?.integer == -32002)
    session.initialize()
    session.send(#"{"jsonrpc":"2.0","id":"x","method":"workspace/symbol","params":{}}"#)
    let unknown = session.take().first
    #expect(unknown?["error"]?["code"]?.integer == -32601)
    #expect(unknown?["id"] == .string("x"))
    session.send(
      "{not json", "[1,2]", #"{"jsonrpc":"2.0","id":2}"#, #"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{}}}"#)
    #expect(session.take().map { $0["error"]?["code"]?.integer } == [-32700, -32600, -32600, -32602])
    session.server.receive(Array("\u{FF}garbage\r\n\r\n".utf8))
    #expect(session.take().first?["method"] == .string("window/logMessage"))
    #expect(session.server.finished == nil)
  }

  @Test("after a header without Content-Length and a stray body, the server reports it and answers every later request")
  func recoversFromHeaderWithoutLength() {
    let session = Session()
    session.initialize()
    session.server.receive(Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8))
    let report = session.take()
    #expect(report.first?["method"] == .string("window/logMessage"))
    #expect(report.first?["params"]?["message"]?.text?.contains("without a valid Content-Length") == true)
    for id in 1...3 {
      session.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"workspace/symbol","params":{}}"#)
      let answer = session.take()
      #expect(answer.count == 1, "request \(id) after the bad header was not answered")
      #expect(answer.first?["id"]?.integer == id)
    }
  }

  @Test("shutdown then exit ends with 0; exit alone with 1; requests after shutdown are refused")
  func lifecycle() {
    let session = Session()
    session.initialize()
    session.send(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#)
    #expect(session.take().first?["result"] == .null)
    session.send(#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{}}"#)
    #expect(session.take().first?["error"]?["code"]?.integer == -32600)
    session.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(session.server.finished == 0)

    let abrupt = Session()
    abrupt.initialize()
    abrupt.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(abrupt.server.finished == 1)
  }

  @Test("an unsaved buffer is checked on open, and incremental changes (across an emoji) keep its text right")
  func documentSync() throws {
    let session = Session()
    session.initialize()
    let text = #"""
      knowledge base "T" version "1"
        disclaimer "Screening, not diagnosis."
        safety netting "Seek help if it gets worse 🦶"
      question q: yes/no
        ask "Q 🦶?"
      contributor c
        name "C"
      rule r
        when qq
        then c certainty 0.5
        because "🦶 b"
      """#
    let open = JSONValue.fields([
      ("jsonrpc", .string("2.0")), ("method", .string("textDocument/didOpen")),
      (
        "params",
        .fields([
          ("textDocument", .fields([("uri", .string("untitled:one")), ("version", .int(1)), ("text", .string(text))]))
        ])
      ),
    ])
    session.send(JSONWriter.compact(open))
    let published = try #require(session.take().first { $0["method"] == .string("textDocument/publishDiagnostics") })
    let unknown = try #require(published["params"]?["diagnostics"]?.items?.first { $0["code"] == .string("UP0101") })
    #expect(unknown["range"]?["start"] == .fields([("line", .int(8)), ("character", .int(7))]))
    #expect(unknown["message"]?.text?.contains("did you mean 'q'?") == true)

    // Delete the second 'q' (line 8, UTF-16 8..9), and on line 4 replace 'Q 🦶?' by 'Q?':
    // the emoji is two UTF-16 units.
    let change = #"""
      {"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:one","version":2},
      "contentChanges":[{"range":{"start":{"line":8,"character":8},"end":{"line":8,"character":9}},"text":""},
      {"range":{"start":{"line":4,"character":8},"end":{"line":4,"character":11}},"text":""}]}}
      """#
    session.send(change)
    let cleared = try #require(session.take().first { $0["method"] == .string("textDocument/publishDiagnostics") })
    #expect(cleared["params"]?["diagnostics"]?.items?.filter { $0["severity"]?.integer == 1 } == [])
    #expect(cleared["params"]?["version"]?.integer == 2)

    // Formatting shows the text the server now holds.
    session.send(
      #"{"jsonrpc":"2.0","id":9,"method":"textDocument/formatting","params":{"textDocument":{"uri":"untitled:one"},"options":{"tabSize":2,"insertSpaces":true}}}"#
    )
    let formatted = try #require(session.take().first?["result"]?.items)
    let whole = formatted.first?["newText"]?.text ?? text
    #expect(whole.contains("  ask \"Q?\"\n"))
    #expect(whole.contains("  when q\n"))
  }

  @Test("every method answers wrong-shaped params with an error, never a crash, and the server goes on")
  func hostileParams() throws {
    let session = Session()
    session.initialize()
    session.send(
      #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:x","version":1,"text":"rule r\n  when q\n"}}}"#)
    _ = session.take()
    let methods = [
      "textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/prepareRename", "textDocument/rename",
      "textDocument/completion", "textDocument/formatting", "textDocument/codeAction",
    ]
    let shapes = [
      "null", "[]", "5", #"{"textDocument":[]}"#, #"{"textDocument":{"uri":"untitled:x"},"position":"here"}"#,
      #"{"textDocument":{"uri":"untitled:x"},"position":{"line":-1,"character":0}}"#,
      #"{"textDocument":{"uri":"untitled:x"},"position":{"line":1e300,"character":0.5}}"#,
      #"{"textDocument":{"uri":"untitled:x"},"position":{"line":99,"character":99},"newName":"r2","range":{"start":{"line":9,"character":0},"end":{"line":0,"character":0}}}"#,
      #"{"textDocument":{"uri":"untitled:nope"},"position":{"line":0,"character":0}}"#,
    ]
    var id = 100
    for method in methods {
      for shape in shapes {
        id += 1
        session.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(shape)}"#)
        let reply = session.take().first { $0["id"]?.integer == id }
        #expect(reply?["result"] != nil || reply?["error"]?["code"]?.integer != nil, "\(method) \(shape): \(String(describing: reply))")
      }
    }
    // Notifications with the wrong shapes are logged, not answered, and change nothing.
    for notification in ["textDocument/didChange", "textDocument/didOpen", "textDocument/didClose", "textDocument/didSave"] {
      for shape in shapes { session.send(#"{"jsonrpc":"2.0","method":"\#(notification)","params":\#(shape)}"#) }
    }
    _ = session.take()
    session.send(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#, #"{"jsonrpc":"2.0","method":"exit"}"#)
    #expect(session.server.finished == 0)
  }

  @Test("a rule file of the folder changed on disk is read again when the client says so, and its problems reach the open file")
  func watchedFiles() throws {
    let folder = try TemporaryFolder()
    let header = "knowledge base \"T\" version \"1\"\n  disclaimer \"Screening.\"\n"
    let questions = "question q: yes/no\n  ask \"Q?\"\n"
    let rule = "contributor c\n  name \"C\"\nrule r\n  when q\n  then c certainty 0.5\n  because \"b\"\n"
    try folder.write("a.rules", header + rule)
    let other = try folder.write("b.rules", questions)
    let session = Session()
    session.initialize()
    let uri = LanguageServer.uri(ofPath: folder.path + "/a.rules")
    let open = JSONValue.fields([
      ("jsonrpc", .string("2.0")), ("method", .string("textDocument/didOpen")),
      ("params", .fields([("textDocument", .fields([("uri", .string(uri)), ("version", .int(1)), ("text", .string(header + rule))]))])),
    ])
    session.send(JSONWriter.compact(open))
    let before = session.take().filter { $0["params"]?["uri"] == .string(uri) }
    #expect(before.allSatisfy { $0["params"]?["diagnostics"]?.items?.contains { $0["severity"]?.integer == 1 } != true })
    // The question is renamed on disk, outside the editor.
    try "question p: yes/no\n  ask \"Q?\"\n".write(toFile: other, atomically: true, encoding: .utf8)
    session.send(
      #"{"jsonrpc":"2.0","method":"workspace/didChangeWatchedFiles","params":{"changes":[{"uri":"\#(LanguageServer.uri(ofPath: other))","type":2}]}}"#
    )
    let after = try #require(session.take().first { $0["params"]?["uri"] == .string(uri) })
    let errors = after["params"]?["diagnostics"]?.items?.filter { $0["severity"]?.integer == 1 } ?? []
    #expect(errors.contains { $0["message"]?.text?.contains("'q'") == true }, "\(errors)")
  }

  @Test("file URIs become paths and back, with escapes")
  func uris() {
    #expect(LanguageServer.path(ofURI: "file:///tmp/my%20rules/a.rules") == "/tmp/my rules/a.rules")
    #expect(LanguageServer.uri(ofPath: "/tmp/my rules/a.rules") == "file:///tmp/my%20rules/a.rules")
    #expect(LanguageServer.path(ofURI: "untitled:Untitled-1") == "untitled:Untitled-1")
  }
}

extension Array where Element == UInt8 {
  /// The bytes framed as one LSP message.
  fileprivate var framedForTest: [UInt8] { MessageFramer.frame(self) }
}
