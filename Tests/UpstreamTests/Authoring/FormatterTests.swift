import Foundation
import Testing

@testable import Upstream

/// `upstream fmt`'s layout: idempotent, keeps every comment, changes no meaning.
@Suite("Formatter")
struct FormatterTests {
  /// Formats text that must have no errors.
  static func format(_ text: String, path: String = "test.rules", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
    let output = RuleFormatter.format(SourceFile(path: path, text: text))
    #expect(output.errors.isEmpty, "\(output.errors.map(\.message))", sourceLocation: sourceLocation)
    return try #require(output.text, sourceLocation: sourceLocation)
  }

  /// The comments of a file, in order, as the lexer reads them.
  static func comments(_ text: String) -> [String] {
    Parser.parse(SourceFile(path: "f", text: text)).file.comments.map { comment in
      var text = comment.text
      while text.last == " " || text.last == "\t" || text.last == "\r" { text.removeLast() }
      return text
    }
  }

  static let messy = """
       # file comment, indented

    # another
    knowledge base "T" version "1"
        disclaimer "a" "b"
            "c"
    source s title "S"   evidence expert-opinion # trailing
    question q:yes / no
     ask "Q?"  # about q
    question n : number
       ask "N?" range 0 to 24
       ask when q and
          (q or
       q)
    contributor c name "C" explain "x"
    rule r when q and n >= 3 then c certainty 0.5 and c upstream of c2
        because "b" source s,s2
      # before reviewed
    # col1 inside
      reviewed 2026-01-01
      # closing indented
    # leading r2


    rule r2
      when at least 1 of ( q ,
         n<4 )
      then
          c certainty -0.2
      because "b"
      source s
    contributor c2
       name "C2"
       explain "y"
    source s2
      title "S2"
      evidence trial
    recommendation w title "W" dose "1" addresses c ,c2
      conflicts with w2
      prefer w when q otherwise keep both
      source s
    recommendation w2
      title "W2"
      dose "2"
      source s
    rule r3
      when q
      then recommend w and recommend w2
      because "b"
      source s
    score t
      name "T"
      range 0 to 3
      stratum low "Low" when t <= 1 means "m"
      stratum high "High" when t >= 2
    # end comment

    # end 2

    """

  static let messyFormatted = """
    # file comment, indented

    # another
    knowledge base "T"
      version "1"
      disclaimer "a"
                 "b"
                 "c"

    source s
      title "S"
      evidence expert-opinion  # trailing

    question q: yes/no
      ask "Q?"  # about q

    question n: number
      ask "N?"
      range 0 to 24
      ask when q and
               (q or
               q)

    contributor c
      name "C"
      explain "x"

    rule r
      when q and n >= 3
      then c certainty 0.5
      and c upstream of c2
      because "b"
      source s, s2
      # before reviewed
      # col1 inside
      reviewed 2026-01-01
      # closing indented

    # leading r2

    rule r2
      when at least 1 of (q,
           n < 4)
      then
           c certainty -0.2
      because "b"
      source s

    contributor c2
      name "C2"
      explain "y"

    source s2
      title "S2"
      evidence trial

    recommendation w
      title "W"
      dose "1"
      addresses c, c2
      conflicts with w2
        prefer w when q
        otherwise keep both
      source s

    recommendation w2
      title "W2"
      dose "2"
      source s

    rule r3
      when q
      then recommend w
      and recommend w2
      because "b"
      source s

    score t
      name "T"
      range 0 to 3
      stratum low "Low" when t <= 1
        means "m"
      stratum high "High" when t >= 2

    # end comment

    # end 2

    """

  @Test("a messy file gets the canonical layout: one attribute a line, aligned continuations, comments in place")
  func canonicalLayout() throws {
    let formatted = try Self.format(Self.messy)
    #expect(formatted == Self.messyFormatted)
    #expect(try Self.format(formatted) == formatted)
    #expect(Self.comments(formatted) == Self.comments(Self.messy).map { $0 })
    let before = try #require(KnowledgeBase.compile(files: [("t.rules", Self.messy)]).knowledgeBase)
    let after = try #require(KnowledgeBase.compile(files: [("t.rules", formatted)]).knowledgeBase)
    #expect(MeaningFingerprint.of(before) == MeaningFingerprint.of(after))
  }

  @Test("a text's pieces stay joined with single spaces; escapes are kept as written")
  func textsKeepTheirValue() throws {
    let text = header + "question q: yes/no\n  ask \"a \\\"b\\\"\" \"c\\\\d\"   \"e\\nf\"\n"
    let formatted = try Self.format(text)
    #expect(formatted.contains("  ask \"a \\\"b\\\"\"\n      \"c\\\\d\"\n      \"e\\nf\"\n"))
    let question = try #require(KnowledgeBase.compile(files: [("t.rules", formatted)]).knowledgeBase?.question("q"))
    #expect(question.wording == "a \"b\" c\\d e\nf")
  }

  @Test("the meaning fingerprint notices a changed certainty and ignores layout")
  func fingerprintIsSensitive() throws {
    let base = DiagnosticTests.base
    let changed = base.replacingOccurrences(of: "flat_feet certainty 0.5", with: "flat_feet certainty 0.6")
    let one = try #require(KnowledgeBase.compile(files: [("a.rules", base)]).knowledgeBase)
    let other = try #require(KnowledgeBase.compile(files: [("a.rules", changed)]).knowledgeBase)
    let moved = try #require(
      KnowledgeBase.compile(files: [("b.rules", "\n\n" + base.replacingOccurrences(of: "\n  ", with: "\n      "))]).knowledgeBase)
    #expect(MeaningFingerprint.of(one) != MeaningFingerprint.of(other))
    #expect(MeaningFingerprint.of(one) == MeaningFingerprint.of(moved))
  }

  @Test("a file with errors is not formatted")
  func refusesErrors() {
    let output = RuleFormatter.format(SourceFile(path: "bad.rules", text: "question q: yes/no\n  ask \"Q?\n"))
    #expect(output.text == nil)
    #expect(output.errors.map(\.code) == [.unterminatedText])
  }

  @Test("every shipped rule and case file is already in the canonical layout")
  func shippedFilesAreFormatted() throws {
    for file in EmbeddedRules.files {
      let formatted = try Self.format(file.text, path: file.path)
      #expect(formatted == file.text, "\(file.path) is not in the canonical layout; run 'upstream fmt'")
    }
  }

  @Test("formatting every shipped file, with its layout scrambled, gives back the same knowledge base and cases")
  func shippedFilesScrambled() throws {
    // Scramble: every indented line indented differently, and spaces at the ends of lines.
    func scramble(_ text: String) -> String {
      text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
        guard line.hasPrefix(" ") else { return String(line) }
        return String(repeating: " ", count: 1 + index % 5) + line.drop { $0 == " " } + (index % 3 == 0 ? "   " : "")
      }.joined(separator: "\n")
    }
    let ruleFiles = KnowledgeBase.bundledFiles(extension: "rules")
    let caseFiles = KnowledgeBase.bundledFiles(extension: "case")
    let original = try #require(KnowledgeBase.compile(ruleFiles).knowledgeBase)
    var formattedRules: [SourceFile] = []
    for file in ruleFiles {
      let formatted = try Self.format(scramble(file.text), path: file.path)
      #expect(formatted == file.text, "\(file.path): the scrambled file does not format back to the original")
      #expect(Self.comments(formatted) == Self.comments(file.text), "\(file.path) lost or moved comments")
      formattedRules.append(SourceFile(path: file.path, text: formatted))
    }
    let recompiled = try #require(KnowledgeBase.compile(formattedRules).knowledgeBase)
    #expect(MeaningFingerprint.of(recompiled) == MeaningFingerprint.of(original))
    for file in caseFiles {
      let formatted = try Self.format(scramble(file.text), path: file.path)
      #expect(
        MeaningFingerprint.of(cases: [Parser.parse(SourceFile(path: file.path, text: formatted)).file])
          == MeaningFingerprint.of(cases: [Parser.parse(file).file]))
      #expect(try Self.format(formatted, path: file.path) == formatted)
    }
  }

  @Test("generated files in random layouts format idempotently, keep every comment and compile to the same knowledge base", arguments: 1...40)
  func generatedFiles(_ seed: Int) throws {
    // A random condition can contradict itself (the compiler then rightly refuses the
    // file); such a seed moves on to the next variant, deterministically.
    var attempt: (rules: String, cases: String, knowledgeBase: KnowledgeBase)?
    for variant in 0..<10 where attempt == nil {
      var generator = RuleFileGenerator(seed: UInt64(seed + 1000 * variant))
      let (rules, cases) = generator.knowledgeBase()
      let rulesText = generator.write(rules)
      let casesText = generator.write(cases)
      if let knowledgeBase = KnowledgeBase.compile(files: [("generated.rules", rulesText)]).knowledgeBase {
        attempt = (rulesText, casesText, knowledgeBase)
      }
    }
    guard let (rulesText, casesText, knowledgeBase) = attempt else {
      Issue.record("seed \(seed): no variant of the generated file compiles")
      return
    }

    let formatted = try Self.format(rulesText, path: "generated.rules")
    #expect(try Self.format(formatted, path: "generated.rules") == formatted, "seed \(seed): formatting twice changed the file")
    #expect(Self.comments(formatted) == Self.comments(rulesText), "seed \(seed): comments were lost or reordered")
    let recompiled = try #require(KnowledgeBase.compile(files: [("generated.rules", formatted)]).knowledgeBase)
    #expect(MeaningFingerprint.of(recompiled) == MeaningFingerprint.of(knowledgeBase), "seed \(seed):\n\(rulesText)\n---\n\(formatted)")

    let formattedCases = try Self.format(casesText, path: "generated.case")
    #expect(try Self.format(formattedCases, path: "generated.case") == formattedCases)
    #expect(Self.comments(formattedCases) == Self.comments(casesText))
    #expect(
      MeaningFingerprint.of(cases: [Parser.parse(SourceFile(path: "g.case", text: formattedCases)).file])
        == MeaningFingerprint.of(cases: [Parser.parse(SourceFile(path: "g.case", text: casesText)).file]))

    // The layout itself: declarations in the first column, everything else indented, no
    // blank line inside a declaration, no trailing spaces.
    for line in formatted.split(separator: "\n", omittingEmptySubsequences: false) {
      #expect(!line.hasSuffix(" "), "seed \(seed): trailing space in '\(line)'")
    }
  }
}
