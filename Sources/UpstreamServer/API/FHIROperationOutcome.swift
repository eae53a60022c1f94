import Foundation
import Upstream

// MARK: - Errors as FHIR OperationOutcome

/// An API error as a FHIR R4 `OperationOutcome`, the error format of the FHIR endpoints
/// (`/fhir/…`, Docs/API.md): one `issue` per problem of the request, each with its
/// `severity`, an issue type `code`, the library's diagnostic code in `details`, the
/// message with its line and column in `diagnostics`, and, where the problem is in the
/// request's JSON, the FHIRPath of that element in `expression`
/// (`Parameters.parameter[0].resource.item[2].answer[0]`). An error without problems (not
/// JSON, a wrong media type, 404, 405, 413) is one issue with the error's message.
package enum FHIROperationOutcome {
  /// The code system of Upstream's diagnostic codes (`UP0401`…), in `issue.details`.
  package static let diagnosticSystem = "urn:upstream:diagnostics"

  /// The error as an `application/fhir+json` response with the error's status; `body` is
  /// the request's JSON when it could be read, for the issues' expressions.
  package static func response(_ error: APIError, body: JSONDocument.Located? = nil) -> HTTPResponse {
    HTTPResponse(
      status: error.status, contentType: "application/fhir+json; charset=utf-8", text: JSONWriter.pretty(resource(error, body: body)),
      headers: APIHeaders.common)
  }

  /// The OperationOutcome resource.
  package static func resource(_ error: APIError, body: JSONDocument.Located? = nil) -> JSONValue {
    var issues: [JSONValue] = error.problems.map { issue($0, status: error.status, body: body) }
    if issues.isEmpty {
      var fields: [(key: String, value: JSONValue)] = [
        ("severity", .string(error.status >= 500 ? "fatal" : "error")),
        ("code", .string(issueType(status: error.status))),
        ("diagnostics", .string(sentence(error.message) + (error.suggestion.map { " (\($0))" } ?? ""))),
      ]
      if let expression = error.expression ?? (error.status == 400 ? body.map(rootName) : nil) {
        fields.append(("expression", .array([.string(expression)])))
      }
      issues = [.object(fields)]
    }
    return .object([("resourceType", .string("OperationOutcome")), ("issue", .array(issues))])
  }

  /// The issue type (FHIR `issue-type`) for an HTTP status without a diagnostic.
  package static func issueType(status: Int) -> String {
    switch status {
    case 400: "invalid"
    case 403: "security"
    case 404: "not-found"
    case 405, 415, 501, 505: "not-supported"
    case 408: "timeout"
    case 411, 412: "required"
    case 413, 431: "too-costly"
    case 503: "transient"
    case 500...: "exception"
    default: "processing"
    }
  }

  // MARK: Issues

  private static func issue(_ diagnostic: Diagnostic, status: Int, body: JSONDocument.Located?) -> JSONValue {
    let severity =
      switch diagnostic.severity {
      case .error: "error"
      case .warning: "warning"
      case .note: "information"
      }
    var text = "line \(diagnostic.range.start.line), column \(diagnostic.range.start.column): \(sentence(diagnostic.message))"
    if let fix = diagnostic.fix { text += " (\(fix.message))" }
    // A note that is not about another place says why (what the rules tell a person an
    // answer shows the knowledge base is not for): it goes with the message.
    for note in diagnostic.notes where note.range == nil {
      text += " " + note.message.prefix(1).uppercased() + note.message.dropFirst()
    }
    var fields: [(key: String, value: JSONValue)] = [
      ("severity", .string(severity)),
      // A body that is not JSON (or not UTF-8) at all is a structural problem.
      ("code", .string(body == nil && status == 400 ? "structure" : issueType(status: status))),
      (
        "details",
        .object([
          ("coding", .array([.object([("system", .string(diagnosticSystem)), ("code", .string(diagnostic.code.rawValue))])])),
          ("text", .string(sentence(diagnostic.message))),
        ])
      ),
      ("diagnostics", .string(text)),
    ]
    if let body, let path = path(to: diagnostic.range.start.offset, in: body) {
      fields.append(("expression", .array([.string(path)])))
    }
    return .object(fields)
  }

  /// The FHIRPath of the innermost element of `root` whose text holds `offset`: the
  /// resource type, then `.name` for a field and `[n]` for an item of a list.
  package static func path(to offset: Int, in root: JSONDocument.Located) -> String? {
    guard contains(root.range, offset) else { return nil }
    var path = rootName(root)
    var node = root
    descending: while true {
      switch node.node {
      case .object(let fields):
        guard let field = fields.first(where: { contains($0.keyRange, offset) || contains($0.value.range, offset) }) else {
          break descending
        }
        path += "." + field.key
        node = field.value
      case .array(let items):
        guard let index = items.firstIndex(where: { contains($0.range, offset) }) else { break descending }
        path += "[\(index)]"
        node = items[index]
      default:
        break descending
      }
    }
    return path
  }

  private static func rootName(_ root: JSONDocument.Located) -> String {
    if case .string(let type)? = root.value["resourceType"], !type.isEmpty { return type }
    return "Resource"
  }

  private static func contains(_ range: SourceRange, _ offset: Int) -> Bool {
    range.start.offset <= offset && offset < max(range.end.offset, range.start.offset + 1)
  }

  private static func sentence(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
  }
}
