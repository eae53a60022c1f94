// MARK: - Reading JSON with positions (the value and its writer are in Support/JSONValue.swift)

/// A JSON value as read from a file, with the position of each value.
package struct JSONDocument: Sendable {
  /// A parsed value and where it starts.
  package indirect enum Node: Sendable {
    case null
    case bool(Bool)
    case number(Double, literal: String)
    case string(String)
    case array([Located])
    case object([(key: String, keyRange: SourceRange, value: Located)])
  }

  /// A node with its source range.
  package struct Located: Sendable {
    package let node: Node
    package let range: SourceRange

    package init(node: Node, range: SourceRange) {
      self.node = node
      self.range = range
    }

    /// The plain value, without positions.
    package var value: JSONValue {
      switch node {
      case .null: .null
      case .bool(let flag): .bool(flag)
      case .number(let number, _): .number(number)
      case .string(let text): .string(text)
      case .array(let items): .array(items.map(\.value))
      case .object(let fields): .object(fields.map { ($0.key, $0.value.value) })
      }
    }
  }

  package let root: Located
}

/// A JSON syntax error with its position.
package struct JSONSyntaxError: Error, Sendable {
  /// What kind of problem it is.
  package enum Kind: Sendable {
    /// Not JSON at all at this point.
    case syntax
    /// A key given twice in one object: valid JSON by the letter of RFC 8259, but readers
    /// disagree on which value counts (Python and JavaScript take the last, others the
    /// first), so a safety answer could be read differently by two systems.
    case duplicateKey
  }

  package let message: String
  package let range: SourceRange
  package var kind: Kind = .syntax
  /// Where else the problem points (the key's first place, for a duplicate).
  package var notes: [Diagnostic.Note] = []

  /// The error as a diagnostic of an answers file: UP0409 for a duplicate key, else
  /// `notJSON` with the syntax message.
  package func diagnostic(notJSON: DiagnosticCode, what: String) -> Diagnostic {
    switch kind {
    case .duplicateKey: .error(.duplicateJSONKey, message, at: range, notes: notes)
    case .syntax: .error(notJSON, "\(what) is not valid JSON: \(message)", at: range, notes: notes)
    }
  }
}

/// Reads JSON text (RFC 8259) into a `JSONDocument`, with a nesting limit.
package struct JSONReader {
  /// How deeply arrays and objects may nest before reading stops with an error. Reading
  /// recurses once per level, so the limit is what a small thread stack holds with room
  /// to spare: 512 levels took about 2.4 MB of a debug build's stack, and crashed the
  /// 2 MB test thread whenever the runtime had not yet been warmed; 256 levels need half
  /// that, and hold 125 nested FHIR groups, far beyond any real questionnaire.
  package static let maximumDepth = 256
  /// How many values (objects, lists, texts, numbers, …) one document may hold: far more
  /// than any answers file needs, and it keeps the memory a document takes a small
  /// multiple of its size (a 62 MiB list of zeros would otherwise take gigabytes).
  package static let maximumValues = 1_000_000

  private let source: SourceFile
  private let bytes: [UInt8]
  private var position = 0
  private var depth = 0
  /// The furthest position worked out so far: positions are found moving forward from it,
  /// so a file on one long line costs linear time, not quadratic.
  private var mark = SourceLocation(line: 1, column: 1, offset: 0)

  private init(_ source: SourceFile) {
    self.source = source
    self.bytes = source.bytes
  }

  /// Parses the whole file as one JSON value.
  package static func read(_ source: SourceFile) -> Result<JSONDocument, JSONSyntaxError> {
    var reader = JSONReader(source)
    do {
      try reader.countValues()
      reader.skipWhitespace()
      let root = try reader.readValue()
      reader.skipWhitespace()
      if reader.position < reader.bytes.count {
        throw reader.failure("unexpected text after the JSON value")
      }
      return .success(JSONDocument(root: root))
    } catch let error as JSONSyntaxError {
      return .failure(error)
    } catch {
      return .failure(JSONSyntaxError(message: "\(error)", range: .wholeFile(source.path)))
    }
  }

  private func failure(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
    let start = offset ?? position
    return JSONSyntaxError(message: message, range: source.range(start, min(start + 1, bytes.count)))
  }

  /// The line and column of a byte offset (columns count characters, as the rule lexer's do).
  private mutating func location(_ offset: Int) -> SourceLocation {
    guard offset >= mark.offset else { return source.location(ofOffset: offset) }
    var line = mark.line
    var column = mark.column
    for byte in bytes[mark.offset..<offset] {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    mark = SourceLocation(line: line, column: column, offset: offset)
    return mark
  }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      position += 1
    }
  }

  private mutating func readValue() throws -> JSONDocument.Located {
    let start = location(position)
    guard let byte = current else { throw failure("expected a JSON value, found the end of the file") }
    let node: JSONDocument.Node
    switch byte {
    case UInt8(ascii: "{"): node = try readObject()
    case UInt8(ascii: "["): node = try readArray()
    case UInt8(ascii: "\""): node = .string(try readString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      node = .bool(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      node = .bool(false)
    case UInt8(ascii: "n"):
      try expectWord("null")
      node = .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): node = try readNumber()
    case 0xEF where position + 2 < bytes.count && bytes[position + 1] == 0xBB && bytes[position + 2] == 0xBF:
      // A byte-order mark inside the text: files saved with one, joined together.
      throw failure(
        "expected a JSON value, found a byte-order mark (U+FEFF), as where files saved with one were joined together; remove it")
    default:
      throw failure("expected a JSON value (an object, list, text, number, true, false or null)")
    }
    return JSONDocument.Located(node: node, range: SourceRange(file: source.path, start: start, end: location(position)))
  }

  private mutating func expectWord(_ word: String) throws {
    let utf8 = Array(word.utf8)
    guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8
    else { throw failure("expected '\(word)'") }
    position += utf8.count
  }

  private mutating func enter() throws {
    depth += 1
    if depth > Self.maximumDepth {
      throw failure("JSON nested more than \(Self.maximumDepth) levels deep")
    }
  }

  private mutating func readObject() throws -> JSONDocument.Node {
    try enter()
    defer { depth -= 1 }
    position += 1
    var fields: [(key: String, keyRange: SourceRange, value: JSONDocument.Located)] = []
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(fields)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes") }
      let keyStart = location(position)
      let key = try readString()
      let keyRange = SourceRange(file: source.path, start: keyStart, end: location(position))
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw failure("expected ':' after the key \"\(key)\"") }
      position += 1
      skipWhitespace()
      fields.append((key, keyRange, try readValue()))
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      if current == UInt8(ascii: "}") {
        position += 1
        try Self.refuseDuplicateKeys(fields)
        return .object(fields)
      }
      throw failure("expected ',' or '}' in the object")
    }
  }

  /// Refuses, before parsing, a document with more than `maximumValues` values (a list's
  /// items and an object's members each count one): each follows a `,`, `[` or `{` outside
  /// a text, so counting those in one pass bounds them without touching the recursive
  /// reader's frames.
  private func countValues() throws {
    var count = 1
    var inText = false
    var escaped = false
    for (offset, byte) in bytes.enumerated() {
      if inText {
        if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inText = false }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inText = true
      case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "{"):
        count += 1
        if count > Self.maximumValues {
          throw failure(
            "this JSON holds more than \(Self.maximumValues) values, far more than any answers need; it was not read", at: offset)
        }
      default: break
      }
    }
  }

  /// Refuses an object with a key given twice. Run once the object is read, out of line,
  /// so that the frames of deeply nested objects stay small.
  @inline(never)
  private static func refuseDuplicateKeys(_ fields: [(key: String, keyRange: SourceRange, value: JSONDocument.Located)]) throws {
    guard fields.count > 1 else { return }
    // Only the keys are kept, each with its member's place in the list: keeping the
    // members' ranges or copying the members would cost more than the check.
    var firstIndex: [String: Int] = [:]
    firstIndex.reserveCapacity(fields.count)
    try fields.withUnsafeBufferPointer { members in
      for index in members.indices {
        if let first = firstIndex.updateValue(index, forKey: members[index].key) {
          throw duplicateKey(members[index].key, at: members[index].keyRange, first: members[first].keyRange)
        }
      }
    }
  }

  private static func duplicateKey(_ key: String, at range: SourceRange, first: SourceRange) -> JSONSyntaxError {
    var error = JSONSyntaxError(
      message: "the key \(JSONWriter.quoted(key)) is given twice in one object; JSON readers disagree on which value counts, so neither is used",
      range: range)
    error.kind = .duplicateKey
    error.notes = [.init("first given here", at: first)]
    return error
  }

  private mutating func readArray() throws -> JSONDocument.Node {
    try enter()
    defer { depth -= 1 }
    position += 1
    var items: [JSONDocument.Located] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try readValue())
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      if current == UInt8(ascii: "]") {
        position += 1
        return .array(items)
      }
      throw failure("expected ',' or ']' in the list")
    }
  }

  private mutating func readString() throws -> String {
    let start = position
    position += 1
    // Most texts have no escape: they are decoded in one piece, with no scalar copying.
    while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 { position += 1 }
    if current == UInt8(ascii: "\"") {
      position += 1
      return String(decoding: bytes[(start + 1)..<(position - 1)], as: UTF8.self)
    }
    var scalars = String.UnicodeScalarView()
    var runStart = start + 1
    func flush(_ end: Int) {
      if end > runStart { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
    }
    while true {
      guard let byte = current else { throw failure("this text has no closing quote", at: start) }
      if byte == UInt8(ascii: "\"") {
        flush(position)
        position += 1
        return String(scalars)
      }
      if byte < 0x20 { throw failure("a control character inside a text must be escaped") }
      if byte == UInt8(ascii: "\\") {
        flush(position)
        position += 1
        guard let escape = current else { throw failure("this text has no closing quote", at: start) }
        position += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try readHex4()
          // A high surrogate joins the low surrogate after it; a lone one is replaced.
          if (0xD800...0xDBFF).contains(code), current == UInt8(ascii: "\\"),
            position + 5 < bytes.count, bytes[position + 1] == UInt8(ascii: "u"),
            let low = hex4(at: position + 2), (0xDC00...0xDFFF).contains(low)
          {
            position += 6
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
        default: throw failure("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a text", at: position - 2)
        }
        runStart = position
        continue
      }
      position += 1
    }
  }

  private mutating func readHex4() throws -> UInt32 {
    guard let code = hex4(at: position) else { throw failure("expected four hex digits after \\u") }
    position += 4
    return code
  }

  /// The four hex digits at `offset` as a number, if they are four hex digits.
  private func hex4(at offset: Int) -> UInt32? {
    guard offset + 4 <= bytes.count else { return nil }
    var code: UInt32 = 0
    for byte in bytes[offset..<offset + 4] {
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      code = code << 4 | UInt32(digit)
    }
    return code
  }

  private mutating func readNumber() throws -> JSONDocument.Node {
    let start = position
    if current == UInt8(ascii: "-") { position += 1 }
    func digits() -> Int {
      let from = position
      while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
      return position - from
    }
    guard digits() > 0 else { throw failure("expected digits in the number", at: start) }
    if current == UInt8(ascii: ".") {
      position += 1
      guard digits() > 0 else { throw failure("expected digits after the decimal point") }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      position += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw failure("expected digits in the exponent") }
    }
    let literal = String(decoding: bytes[start..<position], as: UTF8.self)
    guard let number = Double(literal), number.isFinite else {
      throw failure("the number \(literal) is too large", at: start)
    }
    // A literal with a non-zero digit that reads as zero has underflowed: refused like
    // overflow, never silently taken as 0.
    if number == 0, literal.split(whereSeparator: { $0 == "e" || $0 == "E" }).first?.contains(where: { ("1"..."9").contains($0) }) == true {
      throw failure("the number \(literal) is too small to be told apart from 0; write 0 if 0 is meant", at: start)
    }
    return .number(number, literal: literal)
  }
}
