import Foundation
import Testing
import UpstreamTestSupport

@testable import Upstream

/// Loading a rule folder on several threads (`assess --batch --jobs N`) gives what loading
/// it on one gives: the same knowledge base, the same diagnostics in the same order.
@Suite("Loading rules on several threads")
struct ParallelLoadingTests {
  /// The bundled rules written out as a folder of their own (13 files).
  static func bundledFolder() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    for file in KnowledgeBase.bundled().files {
      try folder.write(String(file.path.split(separator: "/").last ?? ""), file.text)
    }
    return folder
  }

  @Test("a multi-file rule folder loaded on 1 and on 2 jobs gives the same knowledge base and diagnostics, in the same order")
  func sameKnowledgeBase() throws {
    let folder = try Self.bundledFolder()
    // Warnings from the checks in two more files: the same condition as a bundled rule
    // (in another file), and a rule with no review date.
    try folder.write(
      "a-copy.rules",
      """
      rule flat-arches-again
        when arch_shape is flat and hip_pain
        then collapsed_arches certainty 0.5
        because "Flat arches absorb less shock."
        source truckers-guide

      """)
    try folder.write(
      "z-copy.rules",
      """
      rule flat-arches-once-more
        when hip_pain and arch_shape is flat
        then collapsed_arches certainty 0.4
        because "Flat arches absorb less shock."
        source truckers-guide

      """)
    let one = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: 1)
    let knowledgeBase = try #require(one.knowledgeBase, "\(one.diagnostics.filter { $0.severity == .error })")
    #expect(Set(one.diagnostics.map(\.code)).count >= 2, "warnings of several checks to compare: \(one.diagnostics.map(\.code))")
    #expect(Set(one.diagnostics.map(\.range.file)).count >= 2, "warnings in several files")
    for jobs in [2, 4] {
      let many = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: jobs)
      #expect(many.diagnostics == one.diagnostics)
      #expect(many.files.map(\.path) == one.files.map(\.path))
      let other = try #require(many.knowledgeBase)
      #expect(other.contentHash == knowledgeBase.contentHash)
      #expect(other.questions.map(\.id) == knowledgeBase.questions.map(\.id))
      #expect(other.findings.map(\.id) == knowledgeBase.findings.map(\.id))
      #expect(other.rules.map(\.id) == knowledgeBase.rules.map(\.id))
      // Every clinician case assessed by both gives the same record, byte for byte.
      for clinicianCase in CaseLoader.bundled(for: knowledgeBase).cases {
        let expected = JSONWriter.compact(AssessmentJSONRenderer().value(knowledgeBase.assess(validated: clinicianCase.answers).tree))
        let found = JSONWriter.compact(AssessmentJSONRenderer().value(other.assess(validated: clinicianCase.answers).tree))
        #expect(found == expected, "\(clinicianCase.id)")
      }
    }
  }

  @Test("errors in several files are reported the same on 1 and on 2 jobs, in file and line order")
  func sameErrors() throws {
    let folder = try Self.bundledFolder()
    // A misspelt id in one file, a syntax error in another, a rule that can never fire in a third.
    try folder.write(
      "zz-broken.rules",
      """
      rule broken-one
        when arch_shap is flat
        then plantar_fasciitis certainty 0.5
        because "b"
        source nice-ng226

      """)
    try folder.write("aa-broken.rules", "question half_written: yes/no\n  ask\n")
    let one = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: 1)
    #expect(one.knowledgeBase == nil)
    #expect(one.diagnostics.filter { $0.severity == .error }.count >= 2)
    let two = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: 2)
    #expect(two.knowledgeBase == nil)
    #expect(two.diagnostics == one.diagnostics)
  }

  @Test("upstream assess --batch gives the same lines on 1 and 2 jobs with a multi-file --rules folder")
  func batchThroughTheBinary() throws {
    let folder = try Self.bundledFolder()
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let lines = CaseLoader.bundled(for: knowledgeBase).cases.map { JSONWriter.compact($0.answers.json) }
    let input = lines.joined(separator: "\n") + "\n"
    for format in ["summary", "tree"] {
      let one = try UpstreamBinary.run(
        ["assess", "--rules", folder.url.path, "--batch", "-", "--jobs", "1", "--output-format", format], input: input)
      let two = try UpstreamBinary.run(
        ["assess", "--rules", folder.url.path, "--batch", "-", "--jobs", "2", "--output-format", format], input: input)
      #expect(one.status == 0, "\(one.errors.prefix(2000))")
      #expect(two.output == one.output)
      #expect(one.output.split(separator: "\n").count == lines.count)
    }
  }
}

// MARK: - One file in parts

extension ParallelLoadingTests {
  /// Everything a parse gives, as text: the syntax tree (every node, with its range), the
  /// comments, the attributes' offsets and the diagnostics.
  private static func dumped(_ parse: (file: SyntaxFile, diagnostics: [Diagnostic])) -> String {
    var text = ""
    dump(parse.file, to: &text)
    dump(parse.diagnostics, to: &text)
    return text
  }

  /// The bundled rules as one file, with their comments: questions, scores, norms, red
  /// flags and recommendations between the rules.
  private static func bundledAsOneFile() -> SourceFile {
    SourceFile(path: "all.rules", text: KnowledgeBase.bundled().files.map(\.text).joined(separator: "\n"))
  }

  @Test("a file parsed in parts cut at its rules gives the syntax tree, comments and offsets of one parse of it")
  func partsJoinToTheWhole() throws {
    let synthetic = SyntheticKnowledgeBase(questions: 60, rules: 400, depth: 5, seed: 9)
    let files = [Self.bundledAsOneFile(), SourceFile(path: "synthetic.rules", text: synthetic.ruleText)]
    for source in files {
      let whole = Parser.parse(source)
      #expect(whole.diagnostics.isEmpty, "\(whole.diagnostics.map(\.message))")
      for count in [2, 3, 7, 40] {
        let parts = Parser.parts(of: source, count: count, minimumSize: 0)
        #expect(parts.count > 1, "\(source.path) in \(count) parts")
        #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == source.bytes.count)
        #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        // Each cut is at the start of a line that opens a rule.
        #expect(parts.dropFirst().allSatisfy { source.text.utf8.dropFirst($0.lowerBound).starts(with: "rule ".utf8) })
        let joined = try #require(Parser.join(parts.map { Parser.parse(source, lines: $0) }))
        #expect(Self.dumped(joined) == Self.dumped(whole), "\(source.path) in \(parts.count) parts")
      }
      // Small files, and one job, stay whole.
      #expect(Parser.parts(of: source, count: 4).count == (source.bytes.count >= 1 << 18 ? 4 : 1))
      #expect(Parser.parts(of: source, count: 1, minimumSize: 0) == [0..<source.bytes.count])
    }
  }

  @Test("a file with errors is parsed again whole, so its diagnostics are one parse's, on 1 and on 2 jobs")
  func partsWithErrors() throws {
    let synthetic = SyntheticKnowledgeBase(questions: 60, rules: 400, depth: 5, seed: 9).ruleText
    // Conclusions left open (`then … and`) in the middle of the file, and a misspelt
    // attribute further on: both parses report them, and the parts are not used.
    let dangling = synthetic.replacingOccurrences(
      of: "\n  because \"generated\"\n  source generated\nrule r200\n", with: " and\n  because \"generated\"\n  source generated\nrule r200\n")
    let misspelt = synthetic.replacingOccurrences(of: "\nrule r300\n  when ", with: "\nrule r300\n  whn ")
    #expect(dangling != synthetic && misspelt != synthetic)
    for text in [dangling, misspelt] {
      let source = SourceFile(path: "broken.rules", text: text)
      let whole = Parser.parse(source)
      #expect(!whole.diagnostics.isEmpty)
      let parts = Parser.parts(of: source, count: 2, minimumSize: 0)
      #expect(Parser.join(parts.map { Parser.parse(source, lines: $0) }) == nil, "parts with a problem are not joined")
      let one = KnowledgeBaseCompiler.compile([source], jobs: 1)
      let two = KnowledgeBaseCompiler.compile([source], jobs: 2)
      #expect(two.knowledgeBase == nil && one.knowledgeBase == nil)
      #expect(two.diagnostics == one.diagnostics)
    }
  }

  @Test("one large rule file loaded on 1 and on 2 jobs gives the same knowledge base and warnings")
  func oneLargeFile() throws {
    let synthetic = SyntheticKnowledgeBase(questions: 200, rules: 3_000, depth: 5, seed: 3)
    let source = SourceFile(path: "synthetic.rules", text: synthetic.ruleText)
    #expect(Parser.parts(of: source, count: 2).count == 2, "large enough to be cut (\(source.bytes.count) bytes)")
    let one = KnowledgeBaseCompiler.compile([source], jobs: 1)
    let two = KnowledgeBaseCompiler.compile([source], jobs: 2)
    #expect(two.diagnostics == one.diagnostics)
    let first = try #require(one.knowledgeBase)
    let second = try #require(two.knowledgeBase)
    #expect(second.contentHash == first.contentHash)
    #expect(second.rules.map(\.id) == first.rules.map(\.id))
    // Every rule where it was written (the first that is not, if any).
    let moved = zip(first.rules, second.rules).first { $0.location != $1.location }
    #expect(moved == nil, "\(moved.map { "\($0.0.id): \($0.0.location) on 1 job, \($0.1.location) on 2" } ?? "")")
    #expect(second.rules.map(\.conclusions) == first.rules.map(\.conclusions))
    for answers in synthetic.answerSets(count: 20, seed: 3) {
      #expect(second.assess(validated: answers).findings == first.assess(validated: answers).findings)
    }
  }

  @Test("loading no folder at all is an error, never the ./rules of wherever the app runs")
  func noFolderIsAnError() throws {
    let loaded = KnowledgeBase.load(directories: [])
    #expect(loaded.knowledgeBase == nil)
    #expect(loaded.diagnostics.map(\.code) == [.folderNotFound])
    #expect(loaded.diagnostics.first?.message.contains("no folder was given") == true)
  }
}
