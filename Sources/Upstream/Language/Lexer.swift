// MARK: - Lexer

/// Splits a rule or case file into tokens, reporting bad characters without stopping.
///
/// Tokens: words (`[A-Za-z][A-Za-z0-9_-]*`), quoted texts with `\"`, `\\`, `\n` and `\t`
/// escapes, numbers (`-?[0-9]+(\.[0-9]+)?`), dates (`YYYY-MM-DD`), `: , ( ) /` and the
/// comparisons `< <= > >=`. `#` starts a comment to the end of the line. Positions are
/// tracked as the lexer advances, so a line of any length costs linear time.
struct Lexer {
  /// The longest quoted text accepted, in bytes (1 MiB), and the longest word or number.
  static let maximumTextLength = 1 << 20
  static let maximumWordLength = 200
  /// The longest number written, in characters; longer ones are reported as too large.
  static let maximumNumberLength = 18

  private let source: SourceFile
  private let bytes: [UInt8]
  /// Where the lexer stops: the end of the file, or of the part of it being read.
  private let limit: Int
  private var position = 0
  private var line = 1
  private var column = 1
  private var atLineStart = true
  private var collector = DiagnosticCollector()
  /// The problems found so far.
  var diagnostics: [Diagnostic] { collector.diagnostics }
  /// Every `#` comment, in order, so the formatter can keep them.
  private(set) var comments: [Comment] = []

  init(_ source: SourceFile) {
    self.source = source
    self.bytes = source.bytes
    self.limit = source.bytes.count
  }

  /// A lexer for the lines of `source` in `lines` (byte offsets; the part starts at the
  /// start of a line, and ends at the start of one or at the end of the file), with every
  /// position as in the whole file: the end of the part reads as the end of the file.
  init(_ source: SourceFile, lines: Range<Int>) {
    self.source = source
    self.bytes = source.bytes
    self.limit = min(lines.upperBound, source.bytes.count)
    self.position = lines.lowerBound
    self.line = source.location(ofOffset: lines.lowerBound).line
  }

  /// All tokens of the file, ending with `.endOfFile`, and the problems found.
  static func tokenize(_ source: SourceFile) -> (tokens: [Token], comments: [Comment], diagnostics: [Diagnostic]) {
    var lexer = Lexer(source)
    var tokens: [Token] = []
    while true {
      let token = lexer.next()
      tokens.append(token)
      if token.kind == .endOfFile { break }
    }
    return (tokens, lexer.comments, lexer.diagnostics)
  }

  // MARK: Positions

  private var location: SourceLocation { SourceLocation(line: line, column: column, offset: position) }

  private var current: UInt8? { position < limit ? bytes[position] : nil }

  private func peek(_ ahead: Int) -> UInt8? {
    position + ahead < limit ? bytes[position + ahead] : nil
  }

  /// Moves past one byte, keeping line and column (columns count characters, not bytes).
  private mutating func advance() {
    guard let byte = current else { return }
    position += 1
    if byte == UInt8(ascii: "\n") {
      line += 1
      column = 1
      atLineStart = true
    } else if byte & 0xC0 != 0x80 {
      column += 1
    }
  }

  private func range(from start: SourceLocation) -> SourceRange {
    SourceRange(file: source.path, start: start, end: location)
  }

  /// Records a problem, up to the collector's limit.
  private mutating func report(_ code: DiagnosticCode, _ message: String, from start: SourceLocation) {
    collector.add(.error(code, message, at: range(from: start)))
  }

  /// Records a problem whose fix replaces everything from `start` to here with `replacement`.
  private mutating func report(_ code: DiagnosticCode, _ message: String, from start: SourceLocation, fix replacement: String, saying: String) {
    let here = range(from: start)
    collector.add(.error(code, message, at: here, fix: .init(message: saying, replacement: replacement, range: here)))
  }

  // MARK: Tokens

  /// The next token; `.endOfFile` at the end, and again on every later call.
  mutating func next() -> Token {
    // Invalid characters are reported and skipped in a loop (not by recursion), so a file
    // of nothing else cannot exhaust the stack.
    while true {
      if let token = nextOrInvalid() { return token }
    }
  }

  /// The next token, or nil after skipping an invalid character.
  private mutating func nextOrInvalid() -> Token? {
    skipSpaceAndComments()
    let start = location
    let startsLine = atLineStart
    atLineStart = false
    func token(_ kind: Token.Kind, _ value: String, lowercaseLetters: Bool = false) -> Token {
      Token(kind: kind, value: value, range: range(from: start), startsLine: startsLine, lowercaseLetters: lowercaseLetters)
    }
    guard let byte = current else { return token(.endOfFile, "") }
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
      let (word, lowercaseLetters) = readWord(from: start)
      return token(.word, word, lowercaseLetters: lowercaseLetters)
    case UInt8(ascii: "0")...UInt8(ascii: "9"):
      return readNumberOrDate(from: start, startsLine: startsLine)
    case UInt8(ascii: "-") where peek(1).map(isDigit) ?? false:
      return readNumberOrDate(from: start, startsLine: startsLine)
    case UInt8(ascii: "\""):
      return token(.text, readText(from: start))
    case UInt8(ascii: ":"):
      advance()
      return token(.colon, ":")
    case UInt8(ascii: ","):
      advance()
      return token(.comma, ",")
    case UInt8(ascii: "("):
      advance()
      return token(.openParenthesis, "(")
    case UInt8(ascii: ")"):
      advance()
      return token(.closeParenthesis, ")")
    case UInt8(ascii: "/"):
      advance()
      return token(.slash, "/")
    case UInt8(ascii: "<"):
      advance()
      if current == UInt8(ascii: "=") {
        advance()
        return token(.lessOrEqual, "<=")
      }
      return token(.less, "<")
    case UInt8(ascii: ">"):
      advance()
      if current == UInt8(ascii: "=") {
        advance()
        return token(.greaterOrEqual, ">=")
      }
      return token(.greater, ">")
    case UInt8(ascii: ".") where peek(1).map(isDigit) ?? false:
      // `.6`: a number written without its leading zero.
      advance()
      while let next = current, isDigit(next) { advance() }
      let written = "0" + String(decoding: bytes[start.offset..<position], as: UTF8.self)
      report(.invalidNumber, "write \(written): a number starts with a digit", from: start, fix: written, saying: "write \(written)")
      return token(.number, written)
    case UInt8(ascii: "=") where peek(1) == UInt8(ascii: ">") || peek(1) == UInt8(ascii: "<"):
      // `=>` and `=<`: the two characters the wrong way round.
      let greater = peek(1) == UInt8(ascii: ">")
      advance()
      advance()
      let written = greater ? ">=" : "<="
      report(
        .invalidCharacter, "'\(greater ? "=>" : "=<")' is written '\(written)' in the rule language", from: start, fix: written,
        saying: "write '\(written)'")
      return token(greater ? .greaterOrEqual : .lessOrEqual, written)
    case UInt8(ascii: "&"), UInt8(ascii: "|"):
      // `&`, `&&`, `|`, `||`: the words are `and` and `or`.
      let symbol = byte
      while current == symbol { advance() }
      let word = symbol == UInt8(ascii: "&") ? "and" : "or"
      let written = String(decoding: bytes[start.offset..<position], as: UTF8.self)
      report(.invalidCharacter, "write '\(word)', not '\(written)': the rule language uses words", from: start, fix: word, saying: "write '\(word)'")
      return token(.word, word, lowercaseLetters: true)
    default:
      skipInvalidCharacter(from: start)
      return nil
    }
  }

  private mutating func skipSpaceAndComments() {
    while let byte = current {
      if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        || byte == UInt8(ascii: "\n")
      {
        advance()
      } else if byte == UInt8(ascii: "#") {
        let start = location
        let ownLine = atLineStart
        while let inner = current, inner != UInt8(ascii: "\n") { advance() }
        let text = String(decoding: bytes[start.offset..<position], as: UTF8.self)
        comments.append(Comment(text: text, range: range(from: start), ownLine: ownLine))
      } else if byte == 0xEF, peek(1) == 0xBB, peek(2) == 0xBF, position == 0 {
        position += 3  // a byte-order mark at the start of the file
      } else {
        return
      }
    }
  }

  private mutating func skipInvalidCharacter(from start: SourceLocation) {
    let byte = current ?? 0
    // Skip the whole UTF-8 sequence so one character gives one diagnostic.
    advance()
    while let next = current, next & 0xC0 == 0x80 { advance() }
    guard !collector.isFull else { return }
    let text = String(decoding: bytes[start.offset..<position], as: UTF8.self)
    if byte == 0 {
      report(.invalidEncoding, "this file contains a NUL byte, which a rule file cannot have", from: start)
    } else if text == "=" {
      report(.invalidCharacter, "'=' is not used in the rule language; write 'is' to compare (e.g. 'arch_shape is flat')", from: start)
    } else if text == "“" || text == "”" {
      report(.invalidCharacter, "curly quotes are not text delimiters; use straight double quotes (\")", from: start)
    } else {
      report(.invalidCharacter, "the character '\(text)' is not part of the rule language", from: start)
    }
  }

  /// The file's bytes in `range` as a string, decoded from the contiguous bytes (the
  /// string is made in one step, not through a generic slice).
  private func text(_ range: Range<Int>) -> String {
    bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
  }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private func isWordByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
      || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
  }

  /// A word, and whether it is lowercase letters only.
  private mutating func readWord(from start: SourceLocation) -> (String, Bool) {
    // Word bytes are ASCII and never a line break: the column moves with the position.
    var lowercaseLetters = true
    while position < limit, isWordByte(bytes[position]) {
      if bytes[position] < UInt8(ascii: "a") { lowercaseLetters = false }
      position += 1
    }
    column += position - start.offset
    // A word does not end in '-': `a-` followed by a space is a typo worth reporting.
    let word = text(start.offset..<position)
    if word.utf8.count > Self.maximumWordLength {
      report(.inputTooLarge, "this word is \(word.utf8.count) characters long; ids have at most \(Self.maximumWordLength)", from: start)
      return (String(word.prefix(Self.maximumWordLength)), false)
    }
    return (word, lowercaseLetters)
  }

  private mutating func readNumberOrDate(from start: SourceLocation, startsLine: Bool) -> Token {
    if current == UInt8(ascii: "-") { advance() }
    while let byte = current, isDigit(byte) { advance() }
    let integerDigits = position - start.offset
    // A date: four digits, '-', two digits, '-', two digits.
    if integerDigits == 4, bytes[start.offset] != UInt8(ascii: "-"), current == UInt8(ascii: "-"),
      (1...2).allSatisfy({ peek($0).map(isDigit) ?? false }), peek(3) == UInt8(ascii: "-"),
      (4...5).allSatisfy({ peek($0).map(isDigit) ?? false })
    {
      for _ in 0..<6 { advance() }
      let text = String(decoding: bytes[start.offset..<position], as: UTF8.self)
      if !Self.isRealDate(text) {
        report(.invalidDate, "\(text) is not a real date (write YYYY-MM-DD, e.g. 2026-11-01)", from: start)
      }
      return Token(kind: .date, value: text, range: range(from: start), startsLine: startsLine)
    }
    if current == UInt8(ascii: "."), peek(1).map(isDigit) ?? false {
      advance()
      while let byte = current, isDigit(byte) { advance() }
    }
    var text = text(start.offset..<position)
    if current == UInt8(ascii: "%"), text.count <= Self.maximumNumberLength, let percent = Double(text) {
      // `60%`: certainties and thresholds are numbers from -1 to 1.
      advance()
      let written = NumberText.plain(percent / 100)
      report(
        .invalidNumber, "write \(text)% as \(written): certainties and thresholds are numbers from -1 to 1, not percentages",
        from: start, fix: written, saying: "write \(written)")
      return Token(kind: .number, value: written, range: range(from: start), startsLine: startsLine)
    }
    if let byte = current, byte | 0x20 >= UInt8(ascii: "a"), byte | 0x20 <= UInt8(ascii: "z"), text.count <= Self.maximumNumberLength,
      Double(text) != nil
    {
      // `6h`, `30mins`: a unit stuck to the number.
      let numberEnd = position
      while let next = current, isWordByte(next) { advance() }
      let whole = String(decoding: bytes[start.offset..<position], as: UTF8.self)
      let unit = String(decoding: bytes[numberEnd..<position], as: UTF8.self)
      report(
        .invalidNumber, "write the number only: \(text), not '\(whole.prefix(40))'; a question's number is always in its own unit",
        from: start, fix: text, saying: "write \(text) (without '\(unit.prefix(40))')")
      return Token(kind: .number, value: text, range: range(from: start), startsLine: startsLine)
    }
    if let byte = current, isWordByte(byte) {
      while let next = current, isWordByte(next) { advance() }
      let whole = String(decoding: bytes[start.offset..<position], as: UTF8.self)
      report(.invalidNumber, "'\(whole.prefix(40))' is neither a number nor an id (ids start with a letter)", from: start)
      text = "0"
    } else if text.count > Self.maximumNumberLength {
      report(.invalidNumber, "the number \(text.prefix(40))… is too long; numbers have at most \(Self.maximumNumberLength) digits", from: start)
      text = "0"
    }
    return Token(kind: .number, value: text, range: range(from: start), startsLine: startsLine)
  }

  /// Whether `YYYY-MM-DD` names a day that exists.
  static func isRealDate(_ text: String) -> Bool {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3, (1...12).contains(parts[1]), parts[2] >= 1 else { return false }
    let year = parts[0]
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][parts[1] - 1]
    return parts[2] <= days
  }

  private mutating func readText(from start: SourceLocation) -> String {
    advance()  // the opening quote
    // The text's UTF-8 bytes: runs of the file's bytes between escapes, copied whole (a run
    // ends at an ASCII byte, so never inside a character), and the escapes' bytes.
    var text: [UInt8] = []
    var runStart = position
    func flush(_ end: Int) {
      if end > runStart { text.append(contentsOf: bytes[runStart..<end]) }
    }
    while true {
      guard let byte = current, byte != UInt8(ascii: "\n") else {
        flush(position)
        report(.unterminatedText, "this text has no closing quote (\") on its line", from: start)
        return String(decoding: text, as: UTF8.self)
      }
      if byte == UInt8(ascii: "\"") {
        flush(position)
        advance()
        break
      }
      if byte == UInt8(ascii: "\\") {
        flush(position)
        let escapeStart = location
        advance()
        let escape = current
        advance()
        switch escape {
        case UInt8(ascii: "\""): text.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): text.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
        default:
          report(.invalidEscape, "unknown escape in a text: write \\\" for a quote, \\\\ for a backslash, \\n for a new line", from: escapeStart)
        }
        runStart = position
        continue
      }
      if byte == 0 {
        report(.invalidEncoding, "this text contains a NUL byte", from: location)
      } else if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F {
        // A raw control character (an escape sequence from a pasted terminal log, say)
        // would be printed to terminals as it is; write \n or \t instead.
        report(
          .invalidCharacter,
          "this text contains the control character \(TerminalText.sanitised(String(UnicodeScalar(byte)))); write \\n for a new line or \\t for a tab",
          from: location)
      }
      advance()
    }
    let string = String(decoding: text, as: UTF8.self)
    // A text has no more characters (Unicode scalars) than bytes: count them only when long.
    if text.count > Self.maximumTextLength && string.unicodeScalars.count > Self.maximumTextLength {
      report(.inputTooLarge, "this text is longer than 1 MiB, the most a text may hold", from: start)
      return String(string.prefix(Self.maximumTextLength))
    }
    return string
  }
}
