import Upstream

// MARK: - JSON-RPC 2.0: requests, notifications, responses

/// One JSON-RPC message from the client: a request (with an id, wants a response) or a
/// notification (no id).
package struct RPCMessage: Sendable {
  /// The request's id (a number or a text), nil for a notification.
  package let id: JSONValue?
  package let method: String
  package let params: JSONValue

  /// Reads a message body; an error response's error when it is not JSON-RPC.
  package static func read(_ body: [UInt8]) -> Result<RPCMessage, RPCError> {
    guard let text = String(validating: body, as: UTF8.self) else {
      return .failure(RPCError(.parseError, "the message is not UTF-8"))
    }
    let document: JSONDocument
    switch JSONReader.read(SourceFile(path: "message", text: text)) {
    case .success(let read): document = read
    case .failure(let error): return .failure(RPCError(.parseError, "the message is not JSON: \(error.message)"))
    }
    let value = document.root.value
    guard case .object = value else { return .failure(RPCError(.invalidRequest, "a message must be a JSON object")) }
    let id = value["id"]
    if let id {
      switch id {
      case .number, .string: break
      default: return .failure(RPCError(.invalidRequest, "a request's id must be a number or a text", id: nil))
      }
    }
    guard case .string(let method)? = value["method"] else {
      // A response from the client (to a request the server never sends) or no method.
      return .failure(RPCError(.invalidRequest, "a message needs a method", id: id))
    }
    return .success(RPCMessage(id: id, method: method, params: value["params"] ?? .null))
  }
}

/// A JSON-RPC error: its code, message and the id of the request it answers.
package struct RPCError: Error, Sendable {
  /// The error codes of JSON-RPC and LSP.
  package enum Code: Int, Sendable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case serverNotInitialized = -32002
    case requestFailed = -32803
  }

  package let code: Code
  package let message: String
  package var id: JSONValue?

  package init(_ code: Code, _ message: String, id: JSONValue? = nil) {
    self.code = code
    self.message = message
    self.id = id
  }
}

// MARK: - Building and reading JSON values

extension JSONValue {
  /// The text, when this is a text.
  package var text: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The whole number, when this is one.
  package var integer: Int? {
    if case .number(let value) = self, value == value.rounded(), abs(value) < 1e15 { return Int(value) }
    return nil
  }

  /// The flag, when this is true or false.
  package var flag: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The items, when this is a list.
  package var items: [JSONValue]? {
    if case .array(let values) = self { return values }
    return nil
  }

  /// An object from fields, leaving out those whose value is nil.
  package static func fields(_ fields: [(String, JSONValue?)]) -> JSONValue {
    .object(fields.compactMap { key, value in value.map { (key: key, value: $0) } })
  }

  /// A whole number.
  package static func int(_ value: Int) -> JSONValue { .number(Double(value)) }
}

/// The framed bytes of a response to request `id`.
package func responseBytes(id: JSONValue, result: JSONValue) -> [UInt8] {
  MessageFramer.frame(Array(JSONWriter.compact(.fields([("jsonrpc", .string("2.0")), ("id", id), ("result", result)])).utf8))
}

/// The framed bytes of an error response.
package func errorBytes(_ error: RPCError) -> [UInt8] {
  let body = JSONValue.fields([
    ("jsonrpc", .string("2.0")), ("id", error.id ?? .null),
    ("error", .fields([("code", .int(error.code.rawValue)), ("message", .string(error.message))])),
  ])
  return MessageFramer.frame(Array(JSONWriter.compact(body).utf8))
}

/// The framed bytes of a notification from the server.
package func notificationBytes(method: String, params: JSONValue) -> [UInt8] {
  MessageFramer.frame(Array(JSONWriter.compact(.fields([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)])).utf8))
}
