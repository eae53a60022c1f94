import Foundation
import Upstream

// MARK: - The language server: lifecycle, documents, dispatch

/// `upstream lsp`: the Language Server Protocol over a byte stream (stdio).
///
/// One thread reads messages in order and answers each before reading the next; the
/// language intelligence is the library's (`RulesWorkspace`, `WorkspaceAnalysis`), this
/// type only keeps the documents, converts positions and shapes messages. Each rule file
/// belongs to the knowledge base of its folder (a `.case` file to that of the folder above
/// its `cases/`); after every change the folder is analysed again and the diagnostics of
/// each of its files that changed are published.
package final class LanguageServer {
  /// An open document: its path, the editor's version and its text.
  private struct OpenDocument {
    let path: String
    let folder: String
    var version: Int?
    var text: String
  }

  private let checks: [any KnowledgeBaseCheck]
  private let write: ([UInt8]) -> Void
  private var framer = MessageFramer()
  private var initialized = false
  private var shutdownRequested = false
  private var exitCode: Int32?
  private var documents: [String: OpenDocument] = [:]
  private var workspaces: [String: RulesWorkspace] = [:]
  private var analyses: [String: WorkspaceAnalysis] = [:]
  /// The diagnostics last published for each URI, so unchanged ones are not sent again.
  private var published: [String: JSONValue] = [:]
  /// URIs of the paths seen, so a path maps back to the URI the client uses.
  private var uriOfPath: [String: String] = [:]

  /// A server that writes its messages with `write` and runs `checks` on every analysis.
  package init(checks: [any KnowledgeBaseCheck], write: @escaping ([UInt8]) -> Void) {
    self.checks = checks
    self.write = write
  }

  /// Reads chunks with `read` (nil or empty at the end of the input) until `exit` or the
  /// end; returns the exit code: 0 after `shutdown` then `exit`, 1 otherwise (as LSP asks).
  package func run(read: () -> [UInt8]?) -> Int32 {
    while exitCode == nil {
      guard let chunk = read(), !chunk.isEmpty else { break }
      receive(chunk)
    }
    return exitCode ?? (shutdownRequested ? 0 : 1)
  }

  /// Handles the messages in a chunk of input; `exitCode` is set once `exit` arrives.
  package func receive(_ chunk: [UInt8]) {
    framer.append(chunk)
    while exitCode == nil, let item = framer.next() {
      switch item {
      case .message(let body): handle(body)
      case .malformed(let problem): log("upstream lsp: skipped input: \(problem)", type: 1)
      }
    }
  }

  /// Whether `exit` has arrived, and with which code.
  package var finished: Int32? { exitCode }

  // MARK: Dispatch

  private func handle(_ body: [UInt8]) {
    let message: RPCMessage
    switch RPCMessage.read(body) {
    case .success(let read): message = read
    case .failure(let error):
      write(errorBytes(error))
      return
    }
    guard let id = message.id else {
      notification(message)
      return
    }
    do {
      write(responseBytes(id: id, result: try request(message)))
    } catch var error as RPCError {
      error.id = id
      write(errorBytes(error))
    } catch {
      write(errorBytes(RPCError(.internalError, "\(error)", id: id)))
    }
  }

  private func request(_ message: RPCMessage) throws -> JSONValue {
    if message.method == "initialize" {
      initialized = true
      return Self.capabilities
    }
    guard initialized else { throw RPCError(.serverNotInitialized, "the server has not been initialized; send 'initialize' first") }
    guard !shutdownRequested else { throw RPCError(.invalidRequest, "the server is shutting down; only 'exit' is accepted") }
    let params = message.params
    switch message.method {
    case "shutdown":
      shutdownRequested = true
      return .null
    case "textDocument/hover": return try hover(params)
    case "textDocument/definition": return try definition(params)
    case "textDocument/references": return try references(params)
    case "textDocument/prepareRename": return try prepareRename(params)
    case "textDocument/rename": return try rename(params)
    case "textDocument/completion": return try completion(params)
    case "textDocument/formatting": return try formatting(params)
    case "textDocument/codeAction": return try codeActions(params)
    default: throw RPCError(.methodNotFound, "upstream lsp does not handle '\(message.method)'")
    }
  }

  private func notification(_ message: RPCMessage) {
    if message.method == "exit" {
      exitCode = shutdownRequested ? 0 : 1
      return
    }
    guard initialized, !shutdownRequested else { return }
    do {
      switch message.method {
      case "textDocument/didOpen": try didOpen(message.params)
      case "textDocument/didChange": try didChange(message.params)
      case "textDocument/didClose": try didClose(message.params)
      case "textDocument/didSave": try didSave(message.params)
      case "workspace/didChangeWatchedFiles": try didChangeWatchedFiles(message.params)
      default: break  // `initialized`, `$/cancelRequest`, `$/setTrace`…: nothing to do.
      }
    } catch let error as RPCError {
      log("upstream lsp: \(message.method): \(error.message)", type: 1)
    } catch {
      log("upstream lsp: \(message.method): \(error)", type: 1)
    }
  }

  /// What the server can do, in reply to `initialize`.
  private static let capabilities: JSONValue = .fields([
    (
      "capabilities",
      .fields([
        ("positionEncoding", .string("utf-16")),
        (
          "textDocumentSync",
          .fields([("openClose", .bool(true)), ("change", .int(2)), ("save", .fields([("includeText", .bool(true))]))])
        ),
        ("hoverProvider", .bool(true)),
        ("definitionProvider", .bool(true)),
        ("referencesProvider", .bool(true)),
        ("renameProvider", .fields([("prepareProvider", .bool(true))])),
        ("completionProvider", .fields([("triggerCharacters", .array([.string(" "), .string("("), .string(",")]))])),
        ("documentFormattingProvider", .bool(true)),
        ("codeActionProvider", .fields([("codeActionKinds", .array([.string("quickfix")]))])),
      ])
    ),
    ("serverInfo", .fields([("name", .string("upstream"))])),
  ])

  /// A `window/logMessage` (1 error, 2 warning, 3 info).
  private func log(_ text: String, type: Int) {
    write(notificationBytes(method: "window/logMessage", params: .fields([("type", .int(type)), ("message", .string(text))])))
  }

  // MARK: Documents

  private func didOpen(_ params: JSONValue) throws {
    guard let item = params["textDocument"], let uri = item["uri"]?.text, let text = item["text"]?.text else {
      throw RPCError(.invalidParams, "didOpen needs textDocument.uri and textDocument.text")
    }
    let path = Self.path(ofURI: uri)
    uriOfPath[path] = uri
    let folder = Self.folder(of: path, uri: uri)
    documents[uri] = OpenDocument(path: path, folder: folder, version: item["version"]?.integer, text: text)
    if workspaces[folder] == nil {
      workspaces[folder] =
        uri.hasPrefix("file://") ? RulesWorkspace.reading(folder: folder, checks: checks) : RulesWorkspace(folder: folder, checks: checks)
      for other in workspaces[folder]?.paths ?? [] where uriOfPath[other] == nil {
        uriOfPath[other] = Self.uri(ofPath: other)
      }
    }
    workspaces[folder]?.setText(text, of: path)
    refresh(folder)
  }

  private func didChange(_ params: JSONValue) throws {
    let uri = try Self.uri(params)
    guard var document = documents[uri] else { throw RPCError(.invalidParams, "didChange for a document that is not open: \(uri)") }
    guard let changes = params["contentChanges"]?.items else { throw RPCError(.invalidParams, "didChange needs contentChanges") }
    for change in changes {
      guard let text = change["text"]?.text else { throw RPCError(.invalidParams, "a content change needs a text") }
      if let range = change["range"] {
        let lines = LineIndex(document.text)
        let start = lines.offset(of: try Self.position(range["start"]))
        let end = max(start, lines.offset(of: try Self.position(range["end"])))
        var bytes = Array(document.text.utf8)
        bytes.replaceSubrange(start..<end, with: Array(text.utf8))
        document.text = String(decoding: bytes, as: UTF8.self)
      } else {
        document.text = text
      }
    }
    document.version = params["textDocument"]?["version"]?.integer
    documents[uri] = document
    workspaces[document.folder]?.setText(document.text, of: document.path)
    refresh(document.folder)
  }

  private func didClose(_ params: JSONValue) throws {
    let uri = try Self.uri(params)
    guard let document = documents.removeValue(forKey: uri) else { return }
    // Back to what is saved: the file on disk, or nothing if it was never saved.
    switch uri.hasPrefix("file://") ? KnowledgeBase.readSource(document.path) : nil {
    case .success(let saved)?: workspaces[document.folder]?.setText(saved.text, of: document.path)
    case .failure?, nil:
      workspaces[document.folder]?.removeFile(document.path)
      publish(uri: uri, diagnostics: .array([]))
    }
    refresh(document.folder)
  }

  private func didSave(_ params: JSONValue) throws {
    let uri = try Self.uri(params)
    guard var document = documents[uri], let text = params["text"]?.text, text != document.text else { return }
    document.text = text
    documents[uri] = document
    workspaces[document.folder]?.setText(text, of: document.path)
    refresh(document.folder)
  }

  /// Files changed, created or deleted on disk outside the editor (a `git checkout`): those
  /// that are not open are read again (open ones keep the editor's text).
  private func didChangeWatchedFiles(_ params: JSONValue) throws {
    guard let changes = params["changes"]?.items else { throw RPCError(.invalidParams, "didChangeWatchedFiles needs changes") }
    var folders = Set<String>()
    for change in changes {
      guard let uri = change["uri"]?.text, uri.hasPrefix("file://"), documents[uri] == nil else { continue }
      let path = Self.path(ofURI: uri)
      let folder = Self.folder(of: path, uri: uri)
      guard RulesWorkspace.holds(path), workspaces[folder] != nil else { continue }
      uriOfPath[path] = uri
      switch change["type"]?.integer == 3 ? nil : KnowledgeBase.readSource(path) {
      case .success(let saved)?: workspaces[folder]?.setText(saved.text, of: path)
      case .failure?, nil:
        workspaces[folder]?.removeFile(path)
        publish(uri: uri, diagnostics: .array([]))
      }
      folders.insert(folder)
    }
    for folder in folders.sorted() { refresh(folder) }
  }

  /// Analyses a folder again and publishes the diagnostics that changed.
  private func refresh(_ folder: String) {
    guard let workspace = workspaces[folder] else { return }
    let analysis = workspace.analyse()
    analyses[folder] = analysis
    for (path, diagnostics) in analysis.diagnostics.sorted(by: { $0.key < $1.key }) {
      guard let source = analysis.sources[path], let uri = uriOfPath[path] ?? (path.hasPrefix("/") ? Self.uri(ofPath: path) : nil) else {
        continue
      }
      let lines = LineIndex(source.text)
      publish(uri: uri, diagnostics: .array(diagnostics.map { lspDiagnostic($0, lines: lines) }))
    }
  }

  private func publish(uri: String, diagnostics: JSONValue) {
    // Nothing to say about a file never reported on and still clean (most of a folder).
    guard published[uri] != diagnostics, published[uri] != nil || diagnostics != .array([]) else { return }
    published[uri] = diagnostics
    let version = documents[uri]?.version
    write(
      notificationBytes(
        method: "textDocument/publishDiagnostics",
        params: .fields([("uri", .string(uri)), ("version", version.map { .int($0) }), ("diagnostics", diagnostics)])))
  }

  // MARK: Requests

  /// The document and byte offset a `TextDocumentPositionParams` points at.
  private func place(_ params: JSONValue) throws -> (document: OpenDocument, analysis: WorkspaceAnalysis, offset: Int) {
    let uri = try Self.uri(params)
    guard let document = documents[uri], let analysis = analyses[document.folder] else {
      throw RPCError(.invalidParams, "the document is not open: \(uri)")
    }
    let offset = LineIndex(document.text).offset(of: try Self.position(params["position"]))
    return (document, analysis, offset)
  }

  private func hover(_ params: JSONValue) throws -> JSONValue {
    let (document, analysis, offset) = try place(params)
    guard let hover = analysis.hover(in: document.path, at: offset) else { return .null }
    return .fields([
      ("contents", .fields([("kind", .string("markdown")), ("value", .string(hover.markdown))])),
      ("range", lspRange(hover.range, in: analysis)),
    ])
  }

  private func definition(_ params: JSONValue) throws -> JSONValue {
    let (document, analysis, offset) = try place(params)
    return .array(analysis.definition(in: document.path, at: offset).compactMap { location($0, in: analysis) })
  }

  private func references(_ params: JSONValue) throws -> JSONValue {
    let (document, analysis, offset) = try place(params)
    let withDeclaration = params["context"]?["includeDeclaration"]?.flag ?? true
    return .array(
      analysis.references(in: document.path, at: offset, includingDeclaration: withDeclaration).compactMap { location($0, in: analysis) })
  }

  private func prepareRename(_ params: JSONValue) throws -> JSONValue {
    let (document, analysis, offset) = try place(params)
    switch analysis.renameTarget(in: document.path, at: offset) {
    case .success(let target): return .fields([("range", lspRange(target.range, in: analysis)), ("placeholder", .string(target.id))])
    case .failure(let refusal): throw RPCError(.requestFailed, refusal.message)
    }
  }

  private func rename(_ params: JSONValue) throws -> JSONValue {
    let (document, analysis, offset) = try place(params)
    guard let newName = params["newName"]?.text else { throw RPCError(.invalidParams, "rename needs a newName") }
    switch analysis.rename(in: document.path, at: offset, to: newName) {
    case .success(let edits): return workspaceEdit(edits, in: analysis)
    case .failure(let refusal): throw RPCError(.requestFailed, refusal.message)
    }
  }

  private func completion(_ params: JSONValue) throws -> JSONValue {
    let (document, analysis, offset) = try place(params)
    guard let completion = analysis.completions(in: document.path, at: offset) else { return .null }
    let range = lspRange(completion.range, in: analysis)
    let items = completion.candidates.map { candidate -> JSONValue in
      .fields([
        ("label", .string(candidate.label)), ("kind", .int(Self.completionKind(candidate.kind))),
        ("detail", candidate.detail.map { .string($0) }),
        ("textEdit", .fields([("range", range), ("newText", .string(candidate.label))])),
      ])
    }
    return .fields([("isIncomplete", .bool(false)), ("items", .array(items))])
  }

  private func formatting(_ params: JSONValue) throws -> JSONValue {
    let uri = try Self.uri(params)
    guard let document = documents[uri], let analysis = analyses[document.folder] else {
      throw RPCError(.invalidParams, "the document is not open: \(uri)")
    }
    switch analysis.formatted(document.path) {
    case .success(let edits): return .array(edits.map { lspEdit($0, in: analysis) })
    case .failure(let refusal): throw RPCError(.requestFailed, refusal.message)
    }
  }

  private func codeActions(_ params: JSONValue) throws -> JSONValue {
    let uri = try Self.uri(params)
    guard let document = documents[uri], let analysis = analyses[document.folder] else {
      throw RPCError(.invalidParams, "the document is not open: \(uri)")
    }
    let lines = LineIndex(document.text)
    let start = lines.offset(of: try Self.position(params["range"]?["start"]))
    let end = max(start, lines.offset(of: try Self.position(params["range"]?["end"])))
    let actions = analysis.fixes(in: document.path, overlapping: start...end).map { fix -> JSONValue in
      .fields([
        ("title", .string(fix.title)), ("kind", .string("quickfix")), ("isPreferred", .bool(true)),
        ("diagnostics", .array([lspDiagnostic(fix.diagnostic, lines: lines)])),
        ("edit", workspaceEdit(fix.edits, in: analysis)),
      ])
    }
    return .array(actions)
  }

  // MARK: LSP shapes

  private func lspRange(_ range: SourceRange, lines: LineIndex) -> JSONValue {
    .fields([("start", Self.json(lines.position(of: range.start.offset))), ("end", Self.json(lines.position(of: range.end.offset)))])
  }

  private func lspRange(_ range: SourceRange, in analysis: WorkspaceAnalysis) -> JSONValue {
    lspRange(range, lines: LineIndex(analysis.sources[range.file]?.text ?? ""))
  }

  private func location(_ range: SourceRange, in analysis: WorkspaceAnalysis) -> JSONValue? {
    guard let uri = uriOfPath[range.file] ?? (range.file.hasPrefix("/") ? Self.uri(ofPath: range.file) : nil) else { return nil }
    return .fields([("uri", .string(uri)), ("range", lspRange(range, in: analysis))])
  }

  private func lspEdit(_ edit: TextEdit, in analysis: WorkspaceAnalysis) -> JSONValue {
    .fields([("range", lspRange(edit.range, in: analysis)), ("newText", .string(edit.newText))])
  }

  private func workspaceEdit(_ edits: [String: [TextEdit]], in analysis: WorkspaceAnalysis) -> JSONValue {
    let changes = edits.sorted { $0.key < $1.key }.compactMap { path, edits -> (key: String, value: JSONValue)? in
      guard let uri = uriOfPath[path] ?? (path.hasPrefix("/") ? Self.uri(ofPath: path) : nil) else { return nil }
      return (key: uri, value: .array(edits.map { lspEdit($0, in: analysis) }))
    }
    return .fields([("changes", .object(changes))])
  }

  /// A diagnostic as LSP has it: its notes with places become related information, the
  /// others and the fix's advice join the message.
  private func lspDiagnostic(_ diagnostic: Diagnostic, lines: LineIndex) -> JSONValue {
    var message = diagnostic.message
    for note in diagnostic.notes where note.range == nil { message += "\nnote: \(note.message)" }
    if let fix = diagnostic.fix { message += "\nhelp: \(fix.message)" }
    let related = diagnostic.notes.compactMap { note -> JSONValue? in
      guard let range = note.range, let uri = uriOfPath[range.file] ?? (range.file.hasPrefix("/") ? Self.uri(ofPath: range.file) : nil),
        let analysis = analyses.values.first(where: { $0.sources[range.file] != nil })
      else { return nil }
      return .fields([
        ("location", .fields([("uri", .string(uri)), ("range", lspRange(range, in: analysis))])), ("message", .string(note.message)),
      ])
    }
    let severity =
      switch diagnostic.severity {
      case .error: 1
      case .warning: 2
      case .note: 3
      }
    return .fields([
      ("range", lspRange(diagnostic.range, lines: lines)), ("severity", .int(severity)), ("code", .string(diagnostic.code.rawValue)),
      ("source", .string("upstream")), ("message", .string(message)), ("relatedInformation", related.isEmpty ? nil : .array(related)),
    ])
  }

  private static func completionKind(_ kind: CompletionCandidate.Kind) -> Int {
    switch kind {
    case .keyword: 14
    case .question: 5
    case .finding: 6
    case .score: 12
    case .redFlag: 23
    case .recommendation: 3
    case .rule: 2
    case .source: 18
    case .norm: 21
    case .option: 20
    }
  }

  private static func json(_ position: LSPPosition) -> JSONValue {
    .fields([("line", .int(position.line)), ("character", .int(position.character))])
  }

  // MARK: Reading params

  private static func uri(_ params: JSONValue) throws -> String {
    guard let uri = params["textDocument"]?["uri"]?.text else { throw RPCError(.invalidParams, "the request needs textDocument.uri") }
    return uri
  }

  private static func position(_ value: JSONValue?) throws -> LSPPosition {
    guard let line = value?["line"]?.integer, let character = value?["character"]?.integer, line >= 0, character >= 0 else {
      throw RPCError(.invalidParams, "a position needs a line and a character (whole numbers from 0)")
    }
    return LSPPosition(line: line, character: character)
  }

  // MARK: URIs and folders

  /// The file path of a `file://` URI (percent escapes decoded); other URIs (an unsaved
  /// buffer) are used as they are.
  package static func path(ofURI uri: String) -> String {
    guard uri.hasPrefix("file://") else { return uri }
    var rest = uri.dropFirst("file://".count)
    // `file://host/path`: only the local host (empty or `localhost`) is a path here.
    if rest.hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
    return rest.removingPercentEncoding ?? String(rest)
  }

  /// The `file://` URI of a path, with the characters a URI path cannot hold escaped.
  package static func uri(ofPath path: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#[]")
    return "file://" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
  }

  /// The folder whose knowledge base a file belongs to: its own folder for a rule file,
  /// the folder above `cases/` for a case file; an unsaved buffer is a knowledge base alone.
  private static func folder(of path: String, uri: String) -> String {
    guard uri.hasPrefix("file://") else { return uri }
    let parent = (path as NSString).deletingLastPathComponent
    if path.hasSuffix(".case"), (parent as NSString).lastPathComponent == "cases" {
      return (parent as NSString).deletingLastPathComponent
    }
    return parent
  }
}
