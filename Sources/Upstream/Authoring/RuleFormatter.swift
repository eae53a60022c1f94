// MARK: - One canonical layout for rule and case files

/// Lays out a rule or case file in Upstream's one canonical layout, keeping every word,
/// number, text and comment exactly as written.
///
/// The layout:
/// - a declaration's keyword in the first column, one blank line between declarations;
/// - each attribute on its own line, indented two spaces (`prefer`, `otherwise` and
///   `means`, which belong to the line above, four), and each conclusion after the first
///   on its own `and` line;
/// - the pieces of a long text one per line, lined up under the first opening quote;
/// - a line break the author put inside a condition or a list is kept, and the next line
///   lines up with the start of the condition (or with the first item after the keyword);
/// - one space between words, none inside `( )`, before `,` and `:`, or around `/`;
/// - comments stay where they were: after the code on their line, or on their own line
///   before the line they preceded. Comments between declarations written in the first
///   column lead the next declaration (a blank line between them and it is kept);
///   indented ones close the declaration above.
///
/// The file is printed from its tokens, in order, so only white space changes: the
/// formatted file compiles to the same knowledge base. Formatting is idempotent. A file
/// with errors is not formatted.
package enum RuleFormatter {
  /// A file's formatted text, or the errors that stop it from being formatted.
  package struct Output: Sendable {
    /// The formatted text, when the file has no errors.
    package let text: String?
    /// The file's syntax errors.
    package let errors: [Diagnostic]
  }

  /// Formats one file.
  package static func format(_ source: SourceFile) -> Output {
    let parsed = Parser.parse(source)
    let errors = parsed.diagnostics.filter { $0.severity == .error }
    guard errors.isEmpty else { return Output(text: nil, errors: errors) }
    let lexed = Lexer.tokenize(source)
    let tokens = lexed.tokens.filter { $0.kind != .endOfFile }
    var layout = Layout(source: source, syntax: parsed.file, tokens: tokens, comments: lexed.comments)
    return Output(text: layout.render(), errors: [])
  }
}

// MARK: - Layout

/// The state of one file's layout, written out line by line.
private struct Layout {
  /// How a token is placed.
  enum Placement {
    /// Continues the current line.
    case sameLine
    /// Starts a declaration in the first column.
    case declaration
    /// Starts an attribute line with this indentation.
    case attribute(indent: Int)
    /// Continues the attribute on a new line, lined up with an earlier token.
    case continuation
  }

  let source: SourceFile
  let tokens: [Token]
  /// Trailing comments (after code on their line), by the index of the token before them.
  var trailingComments: [Int: Comment] = [:]
  /// Own-line comments, by the index of the token they precede (`tokens.count` for the end).
  var ownLineComments: [Int: [Comment]] = [:]
  var placements: [Placement] = []
  /// For each token, the token its continuation lines line up under, if it is inside a
  /// condition (the condition's first token).
  var conditionStart: [Int?] = []

  // Output
  var lines: [String] = []
  var line = ""
  var lineIndent = 0
  var columns: [Int] = []
  /// The first token of the current attribute (or declaration) line.
  var attributeToken = 0

  init(source: SourceFile, syntax: SyntaxFile, tokens: [Token], comments: [Comment]) {
    self.source = source
    self.tokens = tokens
    columns = Array(repeating: 0, count: tokens.count)
    let byOffset = Dictionary(tokens.enumerated().map { ($1.range.start.offset, $0) }, uniquingKeysWith: { first, _ in first })
    placeComments(comments)
    placements = tokens.map { $0.startsLine ? .continuation : .sameLine }
    conditionStart = Array(repeating: nil, count: tokens.count)

    // Declarations, attributes and the `and` before each further conclusion.
    let attributeStarts = Set(syntax.attributeOffsets)
    // Where each declaration starts, in file order, so the next one is found in one step.
    let starts = syntax.declarations.compactMap { byOffset[$0.range.start.offset] }.sorted()
    for declaration in syntax.declarations {
      guard let first = byOffset[declaration.range.start.offset] else { continue }
      placements[first] = .declaration
      let end = Self.nextStart(after: first, in: starts) ?? tokens.count
      var conditions: [SourceRange] = []
      switch declaration {
      case .question(let question):
        conditions =
          (question.askWhen.map { [$0.range] } ?? []) + question.wordingVariants.map(\.when.range)
          + question.optionConditions.compactMap { $0?.range }
      case .header(let header): conditions = header.safetyNettingSigns.flatMap { $0.compactMap { $0.when?.range } }
      case .score(let score): conditions = score.strata.map(\.condition.range)
      case .rule(let rule): conditions = rule.condition.map { [$0.range] } ?? []
      case .recommendation(let recommendation):
        conditions = recommendation.conflicts.flatMap { $0.preferences.map(\.when.range) } + recommendation.notFor.map(\.condition.range)
      default: break
      }
      for range in conditions { markCondition(range, byOffset: byOffset) }
      for index in (first + 1)..<end where attributeStarts.contains(tokens[index].range.start.offset) {
        let word = tokens[index].value
        let nested = (word == "prefer" || word == "otherwise") || word == "means" || word == "sign"
        placements[index] = .attribute(indent: nested ? 4 : 2)
      }
      if case .rule = declaration {
        // `then A and B`: each conclusion after the first starts an `and` line.
        for index in (first + 1)..<end where tokens[index].isWord("and") && conditionStart[index] == nil {
          placements[index] = .attribute(indent: 2)
        }
      }
    }
    // Each further piece of a text starts a line of its own.
    for index in tokens.indices.dropFirst() where tokens[index].kind == .text && tokens[index - 1].kind == .text {
      if case .sameLine = placements[index] { placements[index] = .continuation }
    }
  }

  /// The first of the sorted `starts` after `first`, by binary search.
  private static func nextStart(after first: Int, in starts: [Int]) -> Int? {
    var low = 0
    var high = starts.count
    while low < high {
      let middle = (low + high) / 2
      if starts[middle] <= first { low = middle + 1 } else { high = middle }
    }
    return low < starts.count ? starts[low] : nil
  }

  /// Marks the tokens of a condition (with any brackets around its ends) as inside it.
  private mutating func markCondition(_ range: SourceRange, byOffset: [Int: Int]) {
    guard var start = byOffset[range.start.offset] else { return }
    var end = start
    while end + 1 < tokens.count, tokens[end + 1].range.start.offset < range.end.offset { end += 1 }
    // Brackets are not part of a condition's range: take in those around its ends.
    while start > 0, tokens[start - 1].kind == .openParenthesis { start -= 1 }
    while end + 1 < tokens.count, tokens[end + 1].kind == .closeParenthesis { end += 1 }
    for index in start...end { conditionStart[index] = start }
  }

  /// Files each comment under the token it follows (on the same line) or precedes.
  private mutating func placeComments(_ comments: [Comment]) {
    var next = 0
    for comment in comments {
      while next < tokens.count, tokens[next].range.start.offset < comment.range.start.offset { next += 1 }
      if comment.ownLine || next == 0 {
        ownLineComments[next, default: []].append(comment)
      } else {
        trailingComments[next - 1] = comment
      }
    }
  }

  // MARK: Writing

  mutating func render() -> String {
    for index in tokens.indices {
      switch placements[index] {
      case .declaration:
        startDeclaration(index)
      case .attribute(let indent):
        breakLine(before: index, indent: indent)
        attributeToken = index
      case .continuation:
        breakLine(before: index, indent: continuationColumn(index) - 1)
      case .sameLine:
        if index > 0, !line.isEmpty, needsSpace(between: tokens[index - 1], and: tokens[index]) { line += " " }
      }
      if line.isEmpty { line = String(repeating: " ", count: lineIndent) }
      columns[index] = line.count + 1
      line += text(of: tokens[index])
      if let comment = trailingComments[index] { line += "  " + commentText(comment) }
    }
    finishFile()
    return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
  }

  /// Ends the current line and starts a new one, writing the comments that stood before
  /// the token on their own lines, at the new line's indentation.
  private mutating func breakLine(before index: Int, indent: Int) {
    endLine()
    for comment in ownLineComments[index] ?? [] {
      lines.append(String(repeating: " ", count: indent) + commentText(comment))
    }
    lineIndent = indent
  }

  /// Starts a declaration: closes the one above with its indented comments, then a blank
  /// line, then the comments that lead this one.
  private mutating func startDeclaration(_ index: Int) {
    endLine()
    writeGap(ownLineComments[index] ?? [], before: tokens[index].range.start.line)
    lineIndent = 0
    attributeToken = index
  }

  private mutating func finishFile() {
    endLine()
    writeGap(ownLineComments[tokens.count] ?? [], before: nil)
  }

  /// Writes the comments between two declarations (or before the first, or after the last).
  private mutating func writeGap(_ comments: [Comment], before nextLine: Int?) {
    var leading = comments[...]
    if !lines.isEmpty {
      // Indented comments right after a declaration close it.
      while let comment = leading.first, comment.range.start.column > 1 {
        lines.append("  " + commentText(comment))
        leading = leading.dropFirst()
      }
      if nextLine != nil || !leading.isEmpty { lines.append("") }
    }
    var previousLine: Int?
    for comment in leading {
      if let previousLine, comment.range.start.line > previousLine + 1 { lines.append("") }
      lines.append(commentText(comment))
      previousLine = comment.range.start.line
    }
    if let previousLine, let nextLine, nextLine > previousLine + 1 { lines.append("") }
  }

  private mutating func endLine() {
    if !line.isEmpty { lines.append(line) }
    line = ""
  }

  /// The column a continuation line starts at: under the first piece of its text, under
  /// the start of its condition, or under the first word after the attribute's keyword.
  private func continuationColumn(_ index: Int) -> Int {
    if tokens[index].kind == .text {
      var first = index
      while first > 0, tokens[first - 1].kind == .text { first -= 1 }
      if first < index { return columns[first] }
    }
    if let start = conditionStart[index], start < index { return columns[start] }
    let keyword = tokens[attributeToken]
    return columns[attributeToken] + text(of: keyword).count + 1
  }

  private func needsSpace(between left: Token, and right: Token) -> Bool {
    switch (left.kind, right.kind) {
    case (_, .comma), (_, .closeParenthesis), (_, .colon), (.openParenthesis, _), (.slash, _), (_, .slash): false
    default: true
    }
  }

  /// The token exactly as written.
  private func text(of token: Token) -> String {
    String(decoding: source.bytes[token.range.start.offset..<token.range.end.offset], as: UTF8.self)
  }

  private func commentText(_ comment: Comment) -> String {
    var text = comment.text
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
    return text
  }
}
