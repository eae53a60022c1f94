import Foundation
import Testing

@testable import Upstream

/// The TextMate grammar in Docs/editors agrees with the parser.
@Suite("Editor support")
struct EditorSupportTests {
  static let grammarURL = UpstreamBinary.packageRoot.appendingPathComponent("Docs/editors/upstream-rules.tmLanguage.json")

  static func grammar() throws -> [String: Any] {
    let data = try Data(contentsOf: grammarURL)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func pattern(_ name: String) throws -> String {
    let repository = try #require(try grammar()["repository"] as? [String: Any])
    let entry = try #require(repository[name] as? [String: Any], "no '\(name)' in the grammar's repository")
    return try #require(entry["match"] as? String)
  }

  /// The words of the first `(?:a|b|c)` or `(a|b|c)` group of a pattern, with `\s+` as a space.
  static func words(_ pattern: String) throws -> [String] {
    let open = try #require(pattern.firstIndex(of: "("))
    var rest = pattern[pattern.index(after: open)...]
    if rest.hasPrefix("?:") { rest = rest.dropFirst(2) }
    let close = try #require(rest.firstIndex(of: ")"))
    return rest[..<close].split(separator: "|").map { $0.replacingOccurrences(of: "\\s+", with: " ") }
  }

  @Test("the grammar is valid JSON for .rules and .case files, and every pattern compiles")
  func grammarParses() throws {
    let grammar = try Self.grammar()
    #expect(grammar["scopeName"] as? String == "source.upstream-rules")
    #expect(grammar["fileTypes"] as? [String] == ["rules", "case"])
    let repository = try #require(grammar["repository"] as? [String: Any])
    var patterns: [String] = []
    for entry in repository.values.compactMap({ $0 as? [String: Any] }) {
      for key in ["match", "begin", "end"] { if let pattern = entry[key] as? String { patterns.append(pattern) } }
      for inner in entry["patterns"] as? [[String: Any]] ?? [] { if let pattern = inner["match"] as? String { patterns.append(pattern) } }
    }
    #expect(patterns.count >= 12)
    for pattern in patterns {
      #expect(throws: Never.self, "'\(pattern)' does not compile") { try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) }
    }
    for include in (grammar["patterns"] as? [[String: String]] ?? []).compactMap({ $0["include"] }) {
      #expect(repository[String(include.dropFirst())] != nil, "the grammar includes \(include), which its repository lacks")
    }
  }

  @Test("its reserved words are exactly the parser's, and it knows every declaration keyword")
  func wordsMatchTheParser() throws {
    #expect(Set(try Self.words(try Self.pattern("reserved-word"))) == Parser.reservedWords)
    let declarations = try Self.words(try Self.pattern("declaration")).map { $0.split(separator: " ").first.map(String.init) ?? $0 }
    #expect(Set(declarations) == Set(Parser.declarationKeywords))
  }

  @Test("it colours every attribute the parser accepts (the parser's own lists of attributes)")
  func attributesMatchTheParser() throws {
    let parser = try String(
      contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("Sources/Upstream/Language/Parser.swift"), encoding: .utf8)
    // Every `attributes: [...]` and `let attributes = [...]` list in the parser.
    let lists = try NSRegularExpression(pattern: #"attributes(?::| =) \[([^\]]*)\]"#)
    let strings = try NSRegularExpression(pattern: #""([a-z ]+)""#)
    var accepted = Set<String>()
    for list in lists.matches(in: parser, range: NSRange(parser.startIndex..., in: parser)) {
      guard let body = Range(list.range(at: 1), in: parser).map({ String(parser[$0]) }) else { continue }
      for word in strings.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
        if let range = Range(word.range(at: 1), in: body) { accepted.insert(String(body[range])) }
      }
    }
    #expect(accepted.count >= 30, "found only \(accepted.sorted()) in Parser.swift")
    let coloured = Set(try Self.words(try Self.pattern("attribute")))
    #expect(accepted.subtracting(coloured).isEmpty, "the grammar does not colour \(accepted.subtracting(coloured).sorted())")
  }

  @Test("the patterns pick out the parts of a real rule")
  func patternsMatchARule() throws {
    let line = "  when arch_shape is flat and hip_pain certainty >= 0.5 # note"
    func matches(_ name: String, _ text: String) throws -> [String] {
      let expression = try NSRegularExpression(pattern: try Self.pattern(name), options: [.anchorsMatchLines])
      return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
        Range($0.range, in: text).map { String(text[$0]) }
      }
    }
    #expect(try matches("attribute", line) == ["  when"])
    #expect(try matches("reserved-word", line) == ["when", "is", "and", "certainty"])
    #expect(try matches("number", line) == ["0.5"])
    #expect(try matches("comment", line) == ["# note"])
    #expect(try matches("declaration", "rule flat-arches-point-to-collapse\n  source x") == ["rule flat-arches-point-to-collapse"])
    #expect(try matches("date", "  reviewed 2026-11-01") == ["2026-11-01"])
  }
}
