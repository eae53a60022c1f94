// MARK: - A small JSON value, and its writer

/// A JSON value that keeps object keys in order. (`JSONDocument`, in Language/JSONReader.swift,
/// is the form read from a file, which remembers where each value was written.)
///
/// Upstream writes JSON with a stable field order (the order fields are added) and reads
/// answers files with line and column for every value, so validation can point at the exact
/// answer that is wrong. Foundation's `JSONSerialization` gives neither.
package indirect enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(key: String, value: JSONValue)])

  package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.array(let a), .array(let b)): a == b
    case (.object(let a), .object(let b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: false
    }
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(JSONWriter.compact(self))
  }

  /// The value for `key` when this is an object.
  package subscript(key: String) -> JSONValue? {
    guard case .object(let fields) = self else { return nil }
    return fields.first { $0.key == key }?.value
  }

  /// A short name of the value's JSON type, for messages ("a number", "a list").
  package var kindDescription: String {
    switch self {
    case .null: "null"
    case .bool: "true or false"
    case .number: "a number"
    case .string: "a text"
    case .array: "a list"
    case .object: "an object"
    }
  }
}

// MARK: - Writing

/// Writes `JSONValue`s as text: pretty (two-space indent) or compact, deterministic.
package enum JSONWriter {
  /// Pretty-printed JSON with two-space indentation and a final newline.
  package static func pretty(_ value: JSONValue) -> String {
    var out = ""
    write(value, indent: 0, pretty: true, into: &out)
    return out + "\n"
  }

  /// Compact JSON on one line, as used for JSON Lines.
  package static func compact(_ value: JSONValue) -> String {
    var out = ""
    write(value, indent: 0, pretty: false, into: &out)
    return out
  }

  /// A number as JSON: whole numbers without a decimal point, others in shortest form.
  package static func number(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  private static func write(_ value: JSONValue, indent: Int, pretty: Bool, into out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .number(let number): out += Self.number(number)
    case .string(let text): appendQuoted(text, to: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        if pretty { newline(indent + 1, &out) }
        write(item, indent: indent + 1, pretty: pretty, into: &out)
      }
      if pretty { newline(indent, &out) }
      out += "]"
    case .object(let fields):
      if fields.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      for (index, field) in fields.enumerated() {
        if index > 0 { out += "," }
        if pretty { newline(indent + 1, &out) }
        appendQuoted(field.key, to: &out)
        out += pretty ? ": " : ":"
        write(field.value, indent: indent + 1, pretty: pretty, into: &out)
      }
      if pretty { newline(indent, &out) }
      out += "}"
    }
  }

  /// A line break and `level` two-space indents.
  private static func newline(_ level: Int, _ out: inout String) {
    out += "\n"
    for _ in 0..<level { out += "  " }
  }

  /// Appends a JSON string literal, copying a text that needs no escaping whole.
  private static func appendQuoted(_ text: String, to out: inout String) {
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      out += "\""
      out += text
      out += "\""
    } else {
      out += quoted(text)
    }
  }

  /// A JSON string literal.
  static func quoted(_ text: String) -> String {
    // Most texts need no escaping: copy them whole.
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      return "\"" + text + "\""
    }
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
