// MARK: - Rendering diagnostics

/// Turns diagnostics into text for a terminal or JSON for editors: the one place they are
/// rendered.
///
/// Text looks like a compiler's:
/// ```
/// rules/foot.rules:12:8: error[UP0101]: no question, finding or score is called 'arch_shap'
///    12 |   when arch_shap is flat
///       |        ^~~~~~~~~
///       = help: did you mean 'arch_shape'?
/// ```
public struct DiagnosticRenderer: Sendable {
  /// The files the diagnostics point into, by path, for source snippets.
  public let sources: [String: SourceFile]
  /// Whether to use ANSI colours (only on a terminal, and never with NO_COLOR set).
  public let colour: Bool

  public init(sources: [SourceFile], colour: Bool = false) {
    var byPath: [String: SourceFile] = [:]
    for source in sources { byPath[source.path] = source }
    self.sources = byPath
    self.colour = colour
  }

  // MARK: Text

  /// All diagnostics as text, followed by a one-line summary when there are any.
  public func text(_ diagnostics: [Diagnostic]) -> String {
    guard !diagnostics.isEmpty else { return "" }
    var out = diagnostics.map(text).joined(separator: "\n")
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    out += "\n" + summary(errors: errors, warnings: warnings) + "\n"
    return out
  }

  /// "2 errors, 1 warning".
  public func summary(errors: Int, warnings: Int) -> String {
    func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
    return "\(count(errors, "error")), \(count(warnings, "warning"))"
  }

  /// One diagnostic with its source line and a caret underline.
  public func text(_ diagnostic: Diagnostic) -> String {
    let severity = paint(diagnostic.severity.rawValue + "[\(diagnostic.code.rawValue)]", colour: severityColour(diagnostic.severity))
    let message = TerminalText.sanitised(diagnostic.message)
    var lines = ["\(paint(TerminalText.sanitised(diagnostic.range.description) + ":", colour: "1")) \(severity): \(message)"]
    lines.append(contentsOf: snippet(diagnostic.range))
    let gutter = String(repeating: " ", count: gutterWidth(diagnostic.range)) + " = "
    if let fix = diagnostic.fix {
      lines.append(gutter + paint("help", colour: "1;36") + ": " + TerminalText.sanitised(fix.message))
    }
    for note in diagnostic.notes {
      let place = note.range.map { " (\($0.description))" } ?? ""
      lines.append(gutter + paint("note", colour: "1") + ": " + TerminalText.sanitised(note.message + place))
    }
    return lines.joined(separator: "\n")
  }

  private func gutterWidth(_ range: SourceRange) -> Int { max(3, String(range.start.line).count + 1) }

  private func snippet(_ range: SourceRange) -> [String] {
    guard let source = sources[range.file], range.start.line >= 1, let bounds = source.lineBounds(range.start.line)
    else { return [] }
    var line: String
    var caretColumn = range.start.column
    if bounds.count > 1024, bounds.contains(range.start.offset) {
      // On a very long line, decode only the part around the problem, so a file on one
      // huge line costs no more per diagnostic than a short one.
      let bytes = source.bytes
      var from = max(bounds.lowerBound, range.start.offset - 256)
      while from > bounds.lowerBound, bytes[from] & 0xC0 == 0x80 { from -= 1 }
      var to = min(bounds.upperBound, range.start.offset + 512)
      while to < bounds.upperBound, bytes[to] & 0xC0 == 0x80 { to += 1 }
      line = String(decoding: bytes[from..<to], as: UTF8.self)
      caretColumn = bytes[from..<range.start.offset].filter { $0 & 0xC0 != 0x80 }.count + 1
    } else {
      line = String(decoding: source.bytes[bounds], as: UTF8.self)
    }
    let width = gutterWidth(range)
    let number = String(range.start.line)
    // Very long lines are cut around the problem so the snippet stays readable.
    if line.count > 160 {
      let start = max(0, caretColumn - 60)
      line = (start > 0 ? "…" : "") + String(line.dropFirst(start).prefix(120)) + "…"
      caretColumn = caretColumn - start + (start > 0 ? 1 : 0)
    }
    let length: Int
    if range.end.line == range.start.line {
      length = max(1, min(range.end.column - range.start.column, max(1, line.count - caretColumn + 1)))
    } else {
      length = max(1, line.count - caretColumn + 1)
    }
    // Control characters become their one-column pictures, so the caret stays under the
    // right column and nothing reaches the terminal raw.
    let expanded = TerminalText.pictured(line)
    let underline = String(repeating: " ", count: max(0, caretColumn - 1)) + "^" + String(repeating: "~", count: max(0, length - 1))
    return [
      String(repeating: " ", count: width - number.count) + number + " | " + expanded,
      String(repeating: " ", count: width) + " | " + paint(underline, colour: "1;32"),
    ]
  }

  private func severityColour(_ severity: Diagnostic.Severity) -> String {
    switch severity {
    case .error: "1;31"
    case .warning: "1;33"
    case .note: "1;36"
    }
  }

  private func paint(_ text: String, colour code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  // MARK: JSON

  /// All diagnostics as a JSON document (see Docs/OutputFormat.md).
  public func json(_ diagnostics: [Diagnostic]) -> String {
    JSONWriter.pretty(
      .object([
        ("format", .string("upstream-diagnostics")),
        ("version", .number(1)),
        ("errors", .number(Double(diagnostics.filter { $0.severity == .error }.count))),
        ("warnings", .number(Double(diagnostics.filter { $0.severity == .warning }.count))),
        ("diagnostics", .array(diagnostics.map(Self.json))),
      ]))
  }

  /// One diagnostic as a JSON object.
  package static func json(_ diagnostic: Diagnostic) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = [
      ("severity", .string(diagnostic.severity.rawValue)),
      ("code", .string(diagnostic.code.rawValue)),
      ("message", .string(diagnostic.message)),
      ("range", json(diagnostic.range)),
    ]
    if let fix = diagnostic.fix {
      fields.append(("fix", .object([("message", .string(fix.message)), ("replacement", .string(fix.replacement)), ("range", json(fix.range))])))
    }
    if !diagnostic.notes.isEmpty {
      fields.append(
        (
          "notes",
          .array(
            diagnostic.notes.map { note in
              var noteFields: [(key: String, value: JSONValue)] = [("message", .string(note.message))]
              if let range = note.range { noteFields.append(("range", json(range))) }
              return .object(noteFields)
            })
        ))
    }
    return .object(fields)
  }

  static func json(_ range: SourceRange) -> JSONValue {
    .object([
      ("file", .string(range.file)),
      ("start", .object([("line", .number(Double(range.start.line))), ("column", .number(Double(range.start.column)))])),
      ("end", .object([("line", .number(Double(range.end.line))), ("column", .number(Double(range.end.column)))])),
    ])
  }
}
