// MARK: - Go to definition, find references, rename

/// Why an id cannot be renamed as asked, in words for the author.
package struct RenameRefusal: Error, Sendable, Hashable {
  package let message: String
}

extension WorkspaceAnalysis {
  /// Where the id at byte `offset` of `path` is declared (every place, if it is declared
  /// twice); empty when the cursor is on no id or the id is declared nowhere.
  package func definition(in path: String, at offset: Int) -> [SourceRange] {
    guard let occurrence = index.occurrence(in: path, at: offset) else { return [] }
    return index.declarationSites(of: occurrence.key).map(\.range)
  }

  /// Every place the id at byte `offset` of `path` is written, across the rule and case
  /// files, with or without its declaration.
  package func references(in path: String, at offset: Int, includingDeclaration: Bool) -> [SourceRange] {
    guard let occurrence = index.occurrence(in: path, at: offset) else { return [] }
    return index.occurrences(of: occurrence.key).filter { includingDeclaration || !$0.isDeclaration }.map(\.range)
  }

  /// The id that a rename at byte `offset` of `path` would change, and its range; a refusal
  /// when the cursor is on no id (a keyword, a text, a number) or on an id declared nowhere.
  package func renameTarget(in path: String, at offset: Int) -> Result<(range: SourceRange, id: String), RenameRefusal> {
    guard let occurrence = index.occurrence(in: path, at: offset) else {
      return .failure(RenameRefusal(message: "there is no id here to rename; put the cursor on a question, finding, rule or other id"))
    }
    guard !index.declarationSites(of: occurrence.key).isEmpty else {
      return .failure(
        RenameRefusal(message: "'\(occurrence.key.id)' is not declared in these files, so it cannot be renamed; declare it first or fix its spelling")
      )
    }
    return .success((occurrence.range, occurrence.key.id))
  }

  /// The edits that rename the id at byte `offset` of `path` to `newID` everywhere it is
  /// written (declaration, rules, recommendations, cases), by file; refused when `newID` is
  /// not a valid id or is already taken (by any declaration, or by another option of the
  /// same question), so a rename never merges two things into one.
  package func rename(in path: String, at offset: Int, to newID: String) -> Result<[String: [TextEdit]], RenameRefusal> {
    let target: (range: SourceRange, id: String)
    switch renameTarget(in: path, at: offset) {
    case .success(let found): target = found
    case .failure(let refusal): return .failure(refusal)
    }
    guard let occurrence = index.occurrence(in: path, at: offset) else { return .success([:]) }
    if let problem = Self.problemWithID(newID) { return .failure(RenameRefusal(message: problem)) }
    let key = occurrence.key
    if newID == key.id { return .success([:]) }
    let clash = SymbolKey(key.namespace, newID)
    if let existing = index.declarationSites(of: clash).first {
      let what: String
      switch key.namespace {
      case .member(let owner): what = "'\(owner)' already has an option or stratum '\(newID)'"
      case .knowledgeBase: what = "'\(newID)' is already declared"
      case .testCase: what = "there is already a case '\(newID)'"
      }
      return .failure(
        RenameRefusal(
          message: "cannot rename '\(target.id)' to '\(newID)': \(what) (\(Self.place(existing.range))); renaming would make them one"))
    }
    var edits: [String: [TextEdit]] = [:]
    for place in index.occurrences(of: key) {
      edits[place.range.file, default: []].append(TextEdit(range: place.range, newText: newID))
    }
    return .success(edits)
  }

  /// Why a text cannot be an id, or nil when it can: a letter, then letters, digits, `_`
  /// and `-`, not ending in `-`, and not a word of the language.
  package static func problemWithID(_ text: String) -> String? {
    let bytes = Array(text.utf8)
    func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }
    func isWordByte(_ byte: UInt8) -> Bool {
      isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
    guard let first = bytes.first, isLetter(first), bytes.allSatisfy(isWordByte), bytes.last != UInt8(ascii: "-") else {
      return "'\(text)' is not an id: an id starts with a letter and has only letters, digits, '_' and '-' (e.g. tight_hip_flexors)"
    }
    if Parser.reservedWords.contains(text) {
      return "'\(text)' is a word of the rule language, so it cannot be an id"
    }
    return nil
  }
}
