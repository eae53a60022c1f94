import Foundation
import Upstream

// MARK: - The JSON error format

/// An error of the JSON API, as documented in Docs/API.md:
///
/// ```json
/// {"error": {"status": 400, "message": "the answers have problems, so nothing was assessed",
///            "problems": [{"code": "UP0401", "severity": "error", "message": "…", "line": 1, "column": 2, …}]}}
/// ```
///
/// `problems` are the library's diagnostics (the same codes, messages and "did you mean"
/// as `upstream assess` prints), each with its line and column in the request body.
package struct APIError: Error, Sendable {
  package let status: Int
  package let message: String
  package let problems: [Diagnostic]
  /// A "did you mean" for an id in the path.
  package let suggestion: String?
  /// The FHIRPath of the element at fault in a FHIR request body, for an error without
  /// `problems` (only the OperationOutcome shows it).
  package let expression: String?

  package init(_ status: Int, _ message: String, problems: [Diagnostic] = [], suggestion: String? = nil, expression: String? = nil) {
    self.status = status
    self.message = message
    self.problems = problems
    self.suggestion = suggestion
    self.expression = expression
  }

  /// The error as a JSON document.
  package var json: String {
    var fields: [(key: String, value: JSONValue)] = [("status", .number(Double(status))), ("message", .string(message))]
    if let suggestion { fields.append(("suggestion", .string(suggestion))) }
    fields.append(("problems", .array(problems.map(Self.problem))))
    return JSONWriter.pretty(.object([("error", .object(fields))]))
  }

  /// The error as a response, `application/json`.
  package var response: HTTPResponse {
    HTTPResponse(status: status, contentType: "application/json; charset=utf-8", text: json, headers: APIHeaders.common)
  }

  /// One diagnostic: code, severity, message, line and column first, then the rest as
  /// `upstream check --format json` writes it (range, fix, notes).
  private static func problem(_ diagnostic: Diagnostic) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = [
      ("code", .string(diagnostic.code.rawValue)),
      ("severity", .string(diagnostic.severity.rawValue)),
      ("message", .string(diagnostic.message)),
      ("line", .number(Double(diagnostic.range.start.line))),
      ("column", .number(Double(diagnostic.range.start.column))),
    ]
    if let fix = diagnostic.fix { fields.append(("suggestion", .string(fix.message))) }
    if case .object(let rest) = DiagnosticRenderer.json(diagnostic) {
      fields += rest.filter { !["code", "severity", "message"].contains($0.key) }
    }
    return .object(fields)
  }
}

/// Header fields every API response carries.
package enum APIHeaders {
  package static let common: [(name: String, value: String)] = [
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
  ]
}
