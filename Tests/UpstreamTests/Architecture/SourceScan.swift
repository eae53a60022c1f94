import Foundation

// MARK: - Reading Swift sources as text

/// A Swift source file read as text, for the tests about the code's shape (the layering,
/// the imports, the architecture picture).
///
/// Comments and string literals are blanked out first (their line breaks kept, so line
/// numbers stay right; the code inside a `\(…)` interpolation is kept, as it is code), then
/// the code is cut into identifiers. There is no type checking: a type is known by its name.
struct SwiftSource {
  /// One identifier in the code.
  struct Token {
    /// The identifier (a `#if`-style directive keeps its `#`; backticks are dropped).
    let text: String
    /// 1-based line.
    let line: Int
    /// How many braces enclose it: 0 at the top level of the file.
    let depth: Int
    /// Byte offsets in `code`.
    let start: Int
    let end: Int
  }

  /// The path relative to the package root, such as `Sources/Upstream/Engine/Answers.swift`.
  let path: String
  /// The text with comments and string literals replaced by spaces.
  let code: [UInt8]
  let tokens: [Token]
  /// For each line (index 0 is line 1), the conditions of the `#if`, `#elseif` or `#else`
  /// branches around it, innermost last (an `#else` branch is written `!(condition)`).
  let conditions: [[String]]

  init(path: String, text: String) {
    self.path = path
    code = Self.blankCommentsAndStrings(Array(text.utf8))
    tokens = Self.tokens(code)
    conditions = Self.conditions(code)
  }

  /// The kinds of declaration that name a type. `extension` is not one: it names a type
  /// declared elsewhere, so it is a reference.
  static let typeKeywords: Set<String> = ["struct", "enum", "class", "protocol", "typealias", "actor"]
  /// Words that may follow `class` without it declaring a type (`class func`, …).
  static let notAName: Set<String> = [
    "func", "var", "let", "subscript", "init", "deinit", "override", "final", "static", "private", "fileprivate",
    "internal", "package", "public", "open", "required", "convenience", "nonisolated", "mutating",
  ]

  /// A name the file declares.
  struct Declaration {
    let name: String
    let line: Int
    /// Declared at the top level (not inside a type, an extension or a function).
    let topLevel: Bool
    /// A type (struct, enum, class, protocol, type alias, actor); otherwise a top-level
    /// function, constant or variable.
    let isType: Bool
  }

  /// The types the file declares (at any depth), and its top-level functions, constants and
  /// variables. A keyword counts only when the name follows it on the same line, after
  /// spaces: `let actor = …` declares nothing.
  var declarations: [Declaration] {
    var found: [Declaration] = []
    for (index, token) in tokens.enumerated().dropLast() {
      let isType = Self.typeKeywords.contains(token.text)
      let isTopLevelValue = token.depth == 0 && ["func", "let", "var"].contains(token.text)
      guard isType || isTopLevelValue else { continue }
      if token.start > 0, code[token.start - 1] == UInt8(ascii: ".") { continue }
      let name = tokens[index + 1]
      guard name.line == token.line, !Self.notAName.contains(name.text), !name.text.hasPrefix("#"),
        code[token.end..<name.start].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
      else { continue }
      found.append(Declaration(name: name.text, line: name.line, topLevel: token.depth == 0, isType: isType))
    }
    return found
  }

  /// The modules the file imports, with the line of each `import`.
  var imports: [(module: String, line: Int)] {
    var found: [(module: String, line: Int)] = []
    for (index, token) in tokens.enumerated() where token.text == "import" && index + 1 < tokens.count {
      // `import struct Foundation.URL` names the kind first.
      var next = index + 1
      if Self.typeKeywords.contains(tokens[next].text) || ["func", "var", "let"].contains(tokens[next].text) { next += 1 }
      guard next < tokens.count, tokens[next].line == token.line else { continue }
      found.append((tokens[next].text, token.line))
    }
    return found
  }

  // MARK: Blanking comments and strings

  /// The bytes with every comment and string literal (raw, multi-line or not) turned into
  /// spaces, line breaks kept; interpolated code stays.
  static func blankCommentsAndStrings(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    var index = 0
    blankCode(bytes, &out, &index, insideInterpolation: false)
    return out
  }

  private static func blank(_ out: inout [UInt8], _ range: Range<Int>) {
    for offset in range where out[offset] != UInt8(ascii: "\n") { out[offset] = UInt8(ascii: " ") }
  }

  /// Walks code from `index`; inside an interpolation, stops after the `)` that closes it.
  private static func blankCode(_ bytes: [UInt8], _ out: inout [UInt8], _ index: inout Int, insideInterpolation: Bool) {
    var parentheses = 0
    while index < bytes.count {
      let byte = bytes[index]
      let next = index + 1 < bytes.count ? bytes[index + 1] : 0
      if byte == UInt8(ascii: "/"), next == UInt8(ascii: "/") {
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        blank(&out, start..<index)
      } else if byte == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
        let start = index
        var depth = 0
        while index < bytes.count {
          if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
            depth += 1
            index += 2
          } else if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
            depth -= 1
            index += 2
            if depth == 0 { break }
          } else {
            index += 1
          }
        }
        blank(&out, start..<index)
      } else if byte == UInt8(ascii: "\"") || (byte == UInt8(ascii: "#") && startsRawString(bytes, index)) {
        blankString(bytes, &out, &index)
      } else if insideInterpolation, byte == UInt8(ascii: "(") {
        parentheses += 1
        index += 1
      } else if insideInterpolation, byte == UInt8(ascii: ")") {
        index += 1
        if parentheses == 0 { return }
        parentheses -= 1
      } else {
        index += 1
      }
    }
  }

  /// Whether `#`s at `index` open a raw string (`#"…"#`) rather than a directive.
  private static func startsRawString(_ bytes: [UInt8], _ index: Int) -> Bool {
    var cursor = index
    while cursor < bytes.count, bytes[cursor] == UInt8(ascii: "#") { cursor += 1 }
    return cursor < bytes.count && bytes[cursor] == UInt8(ascii: "\"")
  }

  /// Blanks one string literal starting at `index` (its `#`s or its quote).
  private static func blankString(_ bytes: [UInt8], _ out: inout [UInt8], _ index: inout Int) {
    var hashes = 0
    while bytes[index] == UInt8(ascii: "#") {
      hashes += 1
      index += 1
    }
    let multiline = index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") && bytes[index + 2] == UInt8(ascii: "\"")
    let quotes = multiline ? 3 : 1
    var start = index - hashes
    index += quotes
    func closes(at offset: Int) -> Bool {
      guard offset + quotes + hashes <= bytes.count else { return false }
      for q in 0..<quotes where bytes[offset + q] != UInt8(ascii: "\"") { return false }
      for h in 0..<hashes where bytes[offset + quotes + h] != UInt8(ascii: "#") { return false }
      return true
    }
    func escapes(at offset: Int) -> Bool {
      guard bytes[offset] == UInt8(ascii: "\\"), offset + hashes + 1 < bytes.count else { return false }
      for h in 0..<hashes where bytes[offset + 1 + h] != UInt8(ascii: "#") { return false }
      return true
    }
    while index < bytes.count {
      if closes(at: index) {
        index += quotes + hashes
        blank(&out, start..<index)
        return
      }
      if escapes(at: index) {
        let after = index + 1 + hashes
        if bytes[after] == UInt8(ascii: "(") {
          // Interpolated code: blank up to and including `(`, keep the code, go on after `)`.
          blank(&out, start..<(after + 1))
          index = after + 1
          blankCode(bytes, &out, &index, insideInterpolation: true)
          out[index - 1] = UInt8(ascii: " ")
          start = index
          continue
        }
        index = after + 1
        continue
      }
      if !multiline, bytes[index] == UInt8(ascii: "\n") { break }
      index += 1
    }
    blank(&out, start..<min(index, bytes.count))
  }

  // MARK: Identifiers and conditions

  private static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || byte == UInt8(ascii: "_")
  }

  private static func isIdentifierPart(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
  }

  private static func tokens(_ code: [UInt8]) -> [Token] {
    var tokens: [Token] = []
    var line = 1
    var depth = 0
    var index = 0
    while index < code.count {
      let byte = code[index]
      if byte == UInt8(ascii: "\n") {
        line += 1
        index += 1
      } else if byte == UInt8(ascii: "{") {
        depth += 1
        index += 1
      } else if byte == UInt8(ascii: "}") {
        depth = max(0, depth - 1)
        index += 1
      } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte == UInt8(ascii: "$") {
        // A number (`0x1F`, `1e-3`) or `$0`: not an identifier.
        index += 1
        while index < code.count, isIdentifierPart(code[index]) { index += 1 }
      } else if isIdentifierStart(byte) || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "`") {
        let start = index
        index += 1
        while index < code.count, isIdentifierPart(code[index]) { index += 1 }
        var text = String(decoding: code[start..<index], as: UTF8.self)
        if byte == UInt8(ascii: "`") {
          if index < code.count, code[index] == UInt8(ascii: "`") { index += 1 }
          text.removeFirst()
        }
        if text == "#" || text.isEmpty { continue }
        tokens.append(Token(text: text, line: line, depth: depth, start: start, end: index))
      } else {
        index += 1
      }
    }
    return tokens
  }

  /// The `#if` branch conditions around each line.
  private static func conditions(_ code: [UInt8]) -> [[String]] {
    var result: [[String]] = []
    var stack: [String] = []
    for lineBytes in code.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      let line = String(decoding: lineBytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
      func condition(after directive: String) -> String {
        String(line.dropFirst(directive.count)).trimmingCharacters(in: .whitespaces)
      }
      if line.hasPrefix("#if ") || line.hasPrefix("#if(") {
        stack.append(condition(after: "#if"))
      } else if line.hasPrefix("#elseif"), !stack.isEmpty {
        stack[stack.count - 1] = condition(after: "#elseif")
      } else if line.hasPrefix("#else"), !stack.isEmpty {
        stack[stack.count - 1] = "!(\(stack[stack.count - 1]))"
      } else if line.hasPrefix("#endif"), !stack.isEmpty {
        stack.removeLast()
      }
      result.append(stack)
    }
    return result
  }

  /// The `#if` conditions around a line.
  func conditions(atLine line: Int) -> [String] { line >= 1 && line <= conditions.count ? conditions[line - 1] : [] }
}

// MARK: - The library's folders

/// Every Swift file of a target, read once per test run.
enum SourceTree {
  static let root = UpstreamBinary.packageRoot

  /// The Swift files under `Sources/<target>`, sorted by path.
  static func files(of target: String) -> [SwiftSource] {
    let folder = root.appendingPathComponent("Sources/\(target)")
    guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
    var found: [SwiftSource] = []
    let base = folder.standardizedFileURL.path
    for case let url as URL in walker where url.pathExtension == "swift" {
      let relative = "Sources/\(target)" + url.standardizedFileURL.path.dropFirst(base.count)
      guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
      found.append(SwiftSource(path: relative, text: text))
    }
    return found.sorted { $0.path < $1.path }
  }

  /// The library's files.
  static let library = files(of: "Upstream")

  /// The folder of Sources/Upstream a file is in (its first folder: `KnowledgeBase/Checks`
  /// belongs to `KnowledgeBase`); "" for a file directly in Sources/Upstream.
  static func folder(of file: SwiftSource) -> String {
    let parts = file.path.split(separator: "/").dropFirst(2)
    return parts.count > 1 ? String(parts.first!) : ""
  }
}

/// Which folder of the library declares which names, and which names each file uses.
struct FolderDependencies {
  /// One use of a name declared in another folder.
  struct Use {
    let file: String
    let line: Int
    let name: String
    let fromFolder: String
    /// The folders that declare the name (never `fromFolder`).
    let declaredIn: Set<String>
  }

  /// Name → the folders that declare it (types at any depth, top-level functions and
  /// constants).
  let declaredIn: [String: Set<String>]
  /// Every use of a name that the using file's folder does not declare itself.
  let uses: [Use]

  init(_ files: [SwiftSource]) {
    var declaredIn: [String: Set<String>] = [:]
    for file in files {
      for declaration in file.declarations { declaredIn[declaration.name, default: []].insert(SourceTree.folder(of: file)) }
    }
    var uses: [Use] = []
    for file in files {
      let folder = SourceTree.folder(of: file)
      for token in file.tokens {
        guard let folders = declaredIn[token.text], !folders.contains(folder) else { continue }
        uses.append(Use(file: file.path, line: token.line, name: token.text, fromFolder: folder, declaredIn: folders))
      }
    }
    self.declaredIn = declaredIn
    self.uses = uses
  }

  /// Folder → the folders it uses, counting only names declared in exactly one folder (a
  /// nested name such as `Kind`, declared in several, does not say which one is meant).
  var edges: [String: Set<String>] {
    var edges: [String: Set<String>] = [:]
    for use in uses where use.declaredIn.count == 1 { edges[use.fromFolder, default: []].insert(use.declaredIn.first!) }
    return edges
  }
}
