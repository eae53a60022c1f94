// MARK: - Tokens

/// One word, number, text or mark of a rule file, with where it was written.
struct Token: Sendable, Equatable {
  /// What kind of token this is.
  enum Kind: Sendable, Equatable {
    /// A word: an id or a word of the language (`rule`, `and`, `flat`).
    case word
    /// A quoted text, with escapes resolved.
    case text
    /// A number such as `3`, `0.6` or `-0.4`.
    case number
    /// A date written `YYYY-MM-DD`.
    case date
    case colon, comma, openParenthesis, closeParenthesis, slash
    case less, lessOrEqual, greater, greaterOrEqual
    case endOfFile
  }

  let kind: Kind
  /// The token's value: the word, the text's content, the number or date as written.
  let value: String
  let range: SourceRange
  /// Whether this is the first token on its line (declarations start lines).
  let startsLine: Bool
  /// Whether this is a word of lowercase letters only, as every word of the language is:
  /// a word with a digit, a capital, `_` or `-` is an id without being looked up.
  let lowercaseLetters: Bool

  init(kind: Kind, value: String, range: SourceRange, startsLine: Bool, lowercaseLetters: Bool = false) {
    self.kind = kind
    self.value = value
    self.range = range
    self.startsLine = startsLine
    self.lowercaseLetters = lowercaseLetters
  }

  /// The number's value, for `.number` tokens.
  var number: Double? { kind == .number ? Double(value) : nil }

  /// Whether this is the word `word`.
  func isWord(_ word: String) -> Bool { kind == .word && value == word }

  /// How the token is described in "expected …, found …" messages.
  var description: String {
    switch kind {
    case .word: "'\(value)'"
    case .text: "a quoted text"
    case .number: "the number \(value)"
    case .date: "the date \(value)"
    case .colon: "':'"
    case .comma: "','"
    case .openParenthesis: "'('"
    case .closeParenthesis: "')'"
    case .slash: "'/'"
    case .less: "'<'"
    case .lessOrEqual: "'<='"
    case .greater: "'>'"
    case .greaterOrEqual: "'>='"
    case .endOfFile: "the end of the file"
    }
  }
}
