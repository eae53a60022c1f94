// MARK: - A small JSON value, and its writer

/// A JSON value that keeps object keys in order. (`JSONDocument`, in Language/JSONReader.swift,
/// is the form read from a file, which remembers where each value was written.)
///
/// Upstream writes JSON with a stable field order (the order fields are added) and reads
/// answers files with line and column for every value, so validation can point at the exact
/// answer that is wrong. Foundation's `JSONSerialization` gives neither.
package enum JSONValue: Sendable, Hashable {
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
    var out = JSONBytes()
    out.write(value, indent: 0, pretty: true)
    out.append(UInt8(ascii: "\n"))
    return out.text
  }

  /// Compact JSON on one line, as used for JSON Lines.
  package static func compact(_ value: JSONValue) -> String {
    var out = JSONBytes()
    out.write(value, indent: 0, pretty: false)
    return out.text
  }

  /// Compact JSON as UTF-8 bytes, for hashing without making a `String` first.
  package static func compactUTF8(_ value: JSONValue) -> [UInt8] {
    var out = JSONBytes()
    out.write(value, indent: 0, pretty: false)
    return out.utf8
  }

  /// A compact JSON object as UTF-8 bytes, written member by member as `members` hands
  /// them over: the bytes of `compactUTF8(.object(…))` on the same members, without
  /// building the object first.
  package static func compactObjectUTF8(_ members: (_ member: (String, JSONValue) -> Void) -> Void) -> [UInt8] {
    var out = JSONBytes()
    var count = 0
    out.append(UInt8(ascii: "{"))
    members { key, value in
      if count > 0 { out.append(UInt8(ascii: ",")) }
      out.writeKey(key, pretty: false)
      out.write(value, indent: 1, pretty: false)
      count += 1
    }
    out.append(UInt8(ascii: "}"))
    return out.utf8
  }

  /// A number as JSON: whole numbers without a decimal point, others in shortest form.
  package static func number(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// Whether a text can be written between quotes as it is: no control character, quote
  /// or backslash in it.
  fileprivate static func needsNoEscaping(_ text: String) -> Bool {
    !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
  }

  /// A JSON string literal.
  static func quoted(_ text: String) -> String {
    // Most texts need no escaping: copy them whole.
    if needsNoEscaping(text) { return "\"" + text + "\"" }
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

/// The bytes of a JSON text being written: appending UTF-8 to one growing buffer is
/// several times cheaper than appending to a `String` piece by piece.
private struct JSONBytes {
  private var bytes: [UInt8] = []

  init() { bytes.reserveCapacity(4096) }

  /// The text written so far.
  var text: String { String(decoding: bytes, as: UTF8.self) }

  /// The bytes written so far.
  var utf8: [UInt8] { bytes }

  mutating func append(_ byte: UInt8) { bytes.append(byte) }

  mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  mutating func write(_ value: JSONValue, indent: Int, pretty: Bool) {
    switch value {
    case .null: append("null")
    case .bool(let flag): append(flag ? "true" : "false")
    case .number(let number): append(JSONWriter.number(number))
    case .string(let text): appendQuoted(text)
    case .array(let items):
      if items.isEmpty {
        append("[]")
        return
      }
      append(UInt8(ascii: "["))
      // By index, here and for an object's members: a `for` loop over the elements
      // would copy each one (retaining what it holds) before writing it.
      for index in items.indices {
        if index > 0 { append(UInt8(ascii: ",")) }
        if pretty { newline(indent + 1) }
        write(items[index], indent: indent + 1, pretty: pretty)
      }
      if pretty { newline(indent) }
      append(UInt8(ascii: "]"))
    case .object(let fields):
      if fields.isEmpty {
        append("{}")
        return
      }
      append(UInt8(ascii: "{"))
      for index in fields.indices {
        if index > 0 { append(UInt8(ascii: ",")) }
        if pretty { newline(indent + 1) }
        writeKey(fields[index].key, pretty: pretty)
        write(fields[index].value, indent: indent + 1, pretty: pretty)
      }
      if pretty { newline(indent) }
      append(UInt8(ascii: "}"))
    }
  }

  /// An object member's key and the colon after it.
  mutating func writeKey(_ key: String, pretty: Bool) {
    appendQuoted(key)
    if pretty { append(": ") } else { append(UInt8(ascii: ":")) }
  }

  /// A line break and `level` two-space indents.
  private mutating func newline(_ level: Int) {
    append(UInt8(ascii: "\n"))
    for _ in 0..<level { append("  ") }
  }

  /// Appends a JSON string literal, copying a text that needs no escaping whole.
  private mutating func appendQuoted(_ text: String) {
    if JSONWriter.needsNoEscaping(text) {
      append(UInt8(ascii: "\""))
      append(text)
      append(UInt8(ascii: "\""))
    } else {
      append(JSONWriter.quoted(text))
    }
  }
}
