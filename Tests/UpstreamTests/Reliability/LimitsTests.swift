import Foundation
import Testing

@testable import Upstream

/// The limits in Docs/Limits.md: each oversized or malformed input gives a diagnostic or
/// runs, never a crash, a stack overflow or a hang. Deep inputs run on a small stack
/// (`smallStack`: 512 KiB, a secondary thread's default on Apple platforms, in release).
@Suite("Limits: huge, deep and malformed inputs")
struct LimitsTests {
  // MARK: Helpers

  /// A small knowledge base with one question and one finding, for rules to use.
  static let base =
    header + """

      question q: yes/no
        ask "Q?"
      question n: number
        ask "N?"
        range 0 to 100
      question c: choice
        ask "C?"
        option a "A"
        option b "B"
      contributor f
        name "F"
        explain "F."
      score total
        name "Total"
        range 0 to 10

      """

  /// A rule with the given condition, concluding `f`.
  static func rule(_ id: String = "r", when condition: String) -> String {
    "rule \(id)\n  when \(condition)\n  then f certainty 0.5\n  because \"b\"\n  source s\n"
  }

  static func errorCodes(_ loaded: LoadedKnowledgeBase) -> [DiagnosticCode] {
    loaded.diagnostics.filter { $0.severity == .error }.map(\.code)
  }

  // MARK: Deep nesting

  @Test("100,000 opening parentheses, or 'not's, give one 'nests too deep' error, even on a small stack")
  func deepNesting() {
    let parentheses = Self.base + Self.rule(when: String(repeating: "(", count: 100_000) + "q")
    let nots = Self.base + Self.rule(when: String(repeating: "not ", count: 100_000) + "q")
    let both = Self.base + Self.rule(when: String(repeating: "(not ", count: 50_000) + "q")
    for text in [parentheses, nots, both] {
      let loaded = onSmallStack { compile(text) }
      #expect(loaded.knowledgeBase == nil)
      #expect(Self.errorCodes(loaded).filter { $0 == .nestingTooDeep }.count == 1)
      #expect(loaded.diagnostics.count <= DiagnosticCollector.limitPerFile + 2)
    }
    // One parenthesis per line: each line is its own error, and the errors stop at the limit.
    let lines = Self.base + "rule r\n  when q\n" + String(repeating: "  (\n", count: 100_000)
    let parsed = onSmallStack { Parser.parse(SourceFile(path: "test.rules", text: lines)).diagnostics }
    #expect(parsed.count == DiagnosticCollector.limitPerFile + 1)
    #expect(parsed.last?.message == Diagnostic.tooManyMessage)
  }

  @Test("conditions nested to the limit compile, assess, explain, format and render on a small stack")
  func nestingAtTheLimit() throws {
    // 100 levels: 50 parentheses each holding a 'not'.
    let deep = String(repeating: "(not ", count: 49) + "(q or n > 5" + String(repeating: ")", count: 50)
    let text =
      Self.base + Self.rule(when: deep) + "contributor g\n  name \"G\"\n  explain \"G.\"\n"
      + Self.rule("r2", when: "f and " + deep).replacingOccurrences(of: "then f", with: "then g")
    let outcome = onSmallStack { () -> [String] in
      let loaded = compile(text)
      guard let kb = loaded.knowledgeBase else { return loaded.diagnostics.map(\.message) }
      var answers = Answers()
      answers["q"] = .yes
      let assessment = kb.assess(validated: answers)
      let trace = assessment.trace(rule: 0)
      let formatted = RuleFormatter.format(SourceFile(path: "test.rules", text: text)).text ?? ""
      let graph = KnowledgeGraphDOTRenderer().render(KnowledgeGraph(kb))
      return [
        ConditionText.describe(kb.rules[0].condition, in: kb), "\(trace.outcome)",
        TreeTextRenderer().render(assessment.tree), AssessmentJSONRenderer().render(assessment),
        assessment.explain("f").map { WhyTextRenderer().render($0) } ?? "",
        assessment.whyNot("f").map { WhyNotTextRenderer().render($0) } ?? "",
        formatted, graph, FHIRQuestionnaire(kb).render(), MeaningFingerprint.of(kb),
      ]
    }
    #expect(outcome.count == 10, "\(outcome)")
    #expect(outcome.first == String(repeating: "not ", count: 49) + "(q or n > 5)")
    // 49 'not's around 'q or …' with q = yes: an odd number of negations fails.
    #expect(outcome.dropFirst().first == "fails")
    #expect(outcome.dropFirst(6).first?.contains(String(repeating: "(not ", count: 49)) == true)
  }

  @Test("JSON nested 100,000 deep is refused at 256 levels; 256 levels and deep FHIR groups are read on a small stack")
  func deepJSON() throws {
    let kb = FuzzHarness.bundled
    let tooDeep = String(repeating: "[", count: 100_000)
    let refused = onSmallStack { AnswersReader.read(SourceFile(path: "a.json", text: tooDeep), for: kb).diagnostics }
    #expect(refused.map(\.code) == [.answersNotJSON])
    #expect(refused.first?.message.contains("nested more than \(JSONReader.maximumDepth) levels deep") == true)

    let limit = JSONReader.maximumDepth
    let atLimit = "{\"\(kb.questions[0].id)\": " + String(repeating: "[", count: limit - 1) + String(repeating: "]", count: limit - 1) + "}"
    let read = onSmallStack { AnswersReader.read(SourceFile(path: "a.json", text: atLimit), for: kb).diagnostics }
    #expect(read.map(\.code) == [.wrongAnswerType])

    // FHIR groups nested as deep as JSON allows (each group is two levels: object, list).
    let groups = limit / 2 - 3
    let question = try #require(kb.questions.first { if case .yesNo = $0.kind { true } else { false } })
    let fhir =
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\", \"item\": ["
      + String(repeating: "{\"linkId\": \"group\", \"item\": [", count: groups)
      + "{\"linkId\": \"\(question.id)\", \"answer\": [{\"valueBoolean\": false}]}"
      + String(repeating: "]}", count: groups) + "]}"
    let output = onSmallStack { AnswersReader.read(SourceFile(path: "r.json", text: fhir), for: kb) }
    #expect(output.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
    #expect(output.answers?[question.id] == .no)
  }

  // MARK: Size

  @Test("a 50 MB rule file is read and checked; a file over 64 MiB is refused with UP0016")
  func largeFiles() throws {
    let folder = try TemporaryFolder()
    // 50 MB: a real knowledge base after a long block of comment lines.
    let comment = String(repeating: "# " + String(repeating: "x", count: 98) + "\n", count: 500_000)
    let text = comment + Self.base + Self.rule(when: "q")
    #expect(text.utf8.count > 50_000_000)
    try folder.write("big/kb.rules", text)
    let loaded = KnowledgeBase.load(directory: folder.path + "/big")
    #expect(Self.errorCodes(loaded) == [])
    #expect(loaded.knowledgeBase?.rules.count == 1)

    // Over the limit: refused before anything is parsed.
    let tooBig = folder.url.appendingPathComponent("huge")
    try FileManager.default.createDirectory(at: tooBig, withIntermediateDirectories: true)
    let path = tooBig.appendingPathComponent("kb.rules").path
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(KnowledgeBase.maximumFileSize + 1))
    try handle.close()
    let refused = try UpstreamBinary.run(["check", "--rules", tooBig.path])
    #expect(refused.status == 1)
    #expect(refused.output.contains("error[UP0016]: '\(path)' is larger than 64 MiB, the most Upstream reads"))
  }

  @Test("an answers file over 64 MiB is refused with exit 4, before it is read")
  func largeAnswersFile() throws {
    let folder = try TemporaryFolder()
    let path = folder.path + "/answers.json"
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(KnowledgeBase.maximumFileSize + 1))
    try handle.close()
    let refused = try UpstreamBinary.run(["assess", "--answers", path])
    #expect(refused.status == 4)
    #expect(refused.errors.contains("'\(path)' is larger than 64 MiB, the most Upstream reads"))
  }

  @Test("a 1 MB text is kept whole; a text over 1 MiB gives UP0016")
  func longText() throws {
    let megabyte = String(repeating: "abcdefghij", count: 100_000)
    let kb = try knowledgeBase(
      Self.base.replacingOccurrences(of: "explain \"F.\"", with: "explain \"\(megabyte)\"") + Self.rule(when: "q"))
    #expect(kb.finding("f")?.explanation == megabyte)
    var answers = Answers()
    answers["q"] = .yes
    #expect(TreeHTMLRenderer(audience: .clinician).render(kb.assess(validated: answers).tree).contains(megabyte))

    let tooLong = String(repeating: "é", count: Lexer.maximumTextLength + 1)
    let loaded = compile(Self.base.replacingOccurrences(of: "explain \"F.\"", with: "explain \"\(tooLong)\""))
    #expect(loaded.diagnostics.map(\.message).contains("this text is longer than 1 MiB, the most a text may hold"))
    #expect(Self.errorCodes(loaded) == [.inputTooLarge])
  }

  @Test("100,000 rules over 1,000 questions compile and assess")
  func hundredThousandRules() throws {
    var text = header
    for question in 0..<1_000 { text += "question q\(question): yes/no\n  ask \"Q\(question)?\"\n" }
    for finding in 0..<100 { text += "contributor f\(finding)\n  name \"F\(finding)\"\n  explain \"F.\"\n" }
    // Rule i reads a distinct pair of questions, so no two conditions are the same.
    for index in 0..<100_000 {
      let first = index % 1_000
      let second = (first + index / 1_000 + 1) % 1_000
      text += "rule r\(index)\n  when q\(first) and q\(second)\n  then f\(index % 100) certainty 0.01\n  because \"b\"\n  source s\n"
    }
    let loaded = compile(text)
    #expect(Self.errorCodes(loaded) == [])
    let kb = try #require(loaded.knowledgeBase)
    #expect(kb.rules.count == 100_000)
    var answers = Answers()
    for question in 0..<1_000 { answers["q\(question)"] = question < 500 ? .yes : .no }
    let assessment = kb.assess(validated: answers)
    // Both questions below 500: first < 500 and first + offset + 1 < 500 (mod 1,000).
    let expected = (0..<100_000).filter { index in
      let first = index % 1_000
      return first < 500 && (first + index / 1_000 + 1) % 1_000 < 500
    }
    #expect(assessment.firings.count == expected.count)
    #expect(assessment.undecidedRules.isEmpty)
  }

  @Test("an id of 200 characters is fine; a longer one gives UP0016")
  func longWords() {
    let longest = "f" + String(repeating: "x", count: Lexer.maximumWordLength - 1)
    let fine =
      Self.base + "contributor \(longest)\n  name \"L\"\n  explain \"L.\"\n"
      + Self.rule(when: "q").replacingOccurrences(of: "then f", with: "then \(longest)")
    #expect(Self.errorCodes(compile(fine)) == [])
    #expect(Self.errorCodes(compile(fine.replacingOccurrences(of: longest, with: longest + "x"))).contains(.inputTooLarge))
  }

  // MARK: Long lines

  @Test("a 1 MB line: a condition of 110,000 tests compiles and runs; a line of garbage stops after 200 errors")
  func longLines() throws {
    let tests = (0..<110_000).map { "n > \($0 % 100)" }.joined(separator: " or ")
    #expect(tests.utf8.count > 1_000_000)
    let kb = try knowledgeBase(Self.base + Self.rule(when: tests))
    var answers = Answers()
    answers["n"] = .number(3)
    #expect(kb.assess(validated: answers).finding("f")?.certainty == 0.5)
    #expect(ConditionText.describe(kb.rules[0].condition, in: kb).utf8.count > 1_000_000)

    let garbage = Self.base + "rule r\n  when " + String(repeating: "@ ) q ", count: 200_000) + "\n"
    let loaded = compile(garbage)
    #expect(loaded.diagnostics.count <= 2 * DiagnosticCollector.limitPerFile + 2)
    let rendered = DiagnosticRenderer(sources: loaded.files).text(loaded.diagnostics)
    // Each snippet shows the part of the line around the problem, not the whole megabyte.
    #expect(rendered.split(separator: "\n").allSatisfy { $0.count < 300 })
  }

  @Test("an answers file on one 1 MB line is read in linear time, with at most 200 problems listed")
  func longAnswersLine() throws {
    let kb = FuzzHarness.bundled
    let unknown = "{" + (0..<60_000).map { "\"unknown_question_\($0)\": true" }.joined(separator: ", ") + "}"
    #expect(unknown.utf8.count > 1_000_000)
    let file = SourceFile(path: "a.json", text: unknown)
    let output = AnswersReader.read(file, for: kb)
    #expect(output.answers == nil)
    #expect(output.diagnostics.count == DiagnosticCollector.limitPerFile + 1)
    #expect(output.diagnostics.last?.message == Diagnostic.tooManyMessage)
    #expect(DiagnosticRenderer(sources: [file]).text(output.diagnostics).split(separator: "\n").allSatisfy { $0.count < 300 })

    // An option named 100,000 times on one line is one clear error (never silently
    // de-duplicated); a valid file on one megabyte-long line is read.
    let choices = try #require(kb.questions.first { if case .choices = $0.kind { true } else { false } })
    let option = try #require(choices.kind.options.first?.id)
    let list = Array(repeating: "\"\(option)\"", count: 100_000).joined(separator: ",")
    let repeated = AnswersReader.read(SourceFile(path: "a.json", text: "{\"\(choices.id)\": [\(list)]}"), for: kb)
    #expect(repeated.diagnostics.map(\.message) == ["question '\(choices.id)' lists the option '\(option)' twice; give each option once"])
    let padded = "{\"\(choices.id)\": [\"\(option)\"]" + String(repeating: " ", count: 1_100_000) + "}"
    let valid = AnswersReader.read(SourceFile(path: "a.json", text: padded), for: kb)
    #expect(valid.diagnostics.filter { $0.severity == .error }.isEmpty)
    #expect(valid.answers?[choices.id] == .options([option]))

    // A key a megabyte long gets no "did you mean", quickly.
    let longKey = "{\"" + String(repeating: "knee", count: 250_000) + "\": true}"
    let long = AnswersReader.read(SourceFile(path: "a.json", text: longKey), for: kb)
    #expect(long.diagnostics.map(\.code) == [.unknownQuestion])
  }

  // MARK: Encoding

  @Test("invalid UTF-8 and NUL bytes give UP0006 with the line, in rule files and answers files")
  func encoding() throws {
    let folder = try TemporaryFolder()
    var bytes = Array((Self.base + Self.rule(when: "q")).utf8)
    let secondLine = bytes.firstIndex(of: UInt8(ascii: "\n"))! + 1
    bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: secondLine)
    try folder.write("bad/kb.rules", "")
    try Data(bytes).write(to: folder.url.appendingPathComponent("bad/kb.rules"))
    let loaded = KnowledgeBase.load(directory: folder.path + "/bad")
    #expect(Self.errorCodes(loaded) == [.invalidEncoding])
    #expect(loaded.diagnostics.first?.range.start.line == 2)
    #expect(loaded.diagnostics.first?.message.contains("is not valid UTF-8 text (first bad byte at line 2)") == true)

    let nul = compile(
      Self.base.replacingOccurrences(of: "ask \"Q?\"", with: "ask \"Q?\"\u{0}")
        + Self.rule(when: "q").replacingOccurrences(of: "\"b\"", with: "\"b\u{0}\""))
    #expect(Self.errorCodes(nul) == [.invalidEncoding, .invalidEncoding])
    #expect(nul.diagnostics.map(\.message).contains("this file contains a NUL byte, which a rule file cannot have"))

    try Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]).write(to: folder.url.appendingPathComponent("a.json"))
    let answers = try UpstreamBinary.run(["assess", "--answers", folder.path + "/a.json"])
    #expect(answers.status == 4)
    #expect(answers.errors.contains("is not valid UTF-8 text (first bad byte at line 1); save it as UTF-8"))
    let piped = try UpstreamBinary.run(["assess", "--answers", "-"], input: "{\"q\u{0}\": true}")
    #expect(piped.status == 3)
    #expect(piped.errors.contains("a control character inside a text must be escaped"))
  }

  // MARK: Numbers

  @Test("huge numbers: too many digits, scores beyond a billion, JSON beyond Double: a diagnostic, never a trap")
  func hugeNumbers() throws {
    let digits = String(repeating: "9", count: 100_000)
    #expect(Self.errorCodes(compile(Self.base + Self.rule(when: "n > \(digits)"))) == [.invalidNumber])
    let eighteen = "999999999999999999"
    let scoreText =
      header + """

        question q: yes/no
          ask "Q?"
        score total
          name "Total"
          range 0 to \(eighteen)
          stratum low "Low" when total <= \(eighteen)
        rule r
          when q and total >= \(eighteen) or total between 0 and \(eighteen) or total is \(eighteen)
          then add \(eighteen) to total
          because "b"
          source s

        """
    let scores = compile(scoreText)
    #expect(Self.errorCodes(scores) == Array(repeating: .invalidNumber, count: 6))
    #expect(Self.errorCodes(compile(Self.base + Self.rule(when: "at least \(eighteen) of (q, n > 1)"))).count == 1)
    let certainty = compile(Self.base + "rule r\n  when q\n  then f certainty \(eighteen)\n  because \"b\"\n  source s\n")
    #expect(Self.errorCodes(certainty) == [.certaintyOutOfRange])

    let kb = FuzzHarness.bundled
    let number = try #require(kb.questions.first { if case .number = $0.kind { true } else { false } })
    for literal in ["1e400", digits, "-" + digits] {
      let output = AnswersReader.read(SourceFile(path: "a.json", text: "{\"\(number.id)\": \(literal)}"), for: kb)
      #expect(output.diagnostics.map(\.code) == [.answersNotJSON])
      #expect(output.diagnostics.first?.message.contains("is too large") == true)
    }
    let outOfRange = AnswersReader.read(SourceFile(path: "a.json", text: "{\"\(number.id)\": 1e300}"), for: kb)
    #expect(outOfRange.diagnostics.map(\.code) == [.answerOutOfRange])

    // A case expecting a score beyond any total fails as a case, without trapping.
    let caseKB = try knowledgeBase(
      header + """

        question q: yes/no
          ask "Q?"
        score total
          name "Total"
        rule r
          when q
          then add 1 to total
          because "b"
          source s

        """)
    let cases = CaseLoader.load(
      [SourceFile(path: "c.case", text: "case c\n  answer q yes\n  expect total is \(eighteen)\n")], for: caseKB)
    #expect(cases.diagnostics.filter { $0.severity == .error }.isEmpty)
    #expect(CaseRunner(caseKB).run(cases.cases).map(\.passed) == [false])
  }

  @Test("JSON escapes: a lone surrogate becomes U+FFFD, never a crash; \\u needs four hex digits")
  func jsonEscapes() throws {
    for (escape, expected) in [("\\uD800\\u0041", "\u{FFFD}A"), ("\\uD83D\\uDE00", "😀"), ("\\uDC00", "\u{FFFD}"), ("\\uD800", "\u{FFFD}")] {
      let read = JSONReader.read(SourceFile(path: "a.json", text: "\"\(escape)\""))
      #expect((try? read.get())?.root.value == .string(expected))
    }
    for bad in ["\\u+041", "\\u-041", "\\u 041", "\\u00"] {
      let read = JSONReader.read(SourceFile(path: "a.json", text: "\"\(bad)\""))
      #expect(throws: JSONSyntaxError.self) { try read.get() }
    }
  }
}

// MARK: - Running on a small stack

/// The stack the deep-input tests run on: 512 KiB (a secondary thread's default on Apple
/// platforms) in release builds; debug builds keep every temporary on the stack, so
/// their frames are several times larger and they get proportionally more.
let smallStack: Int = {
  #if DEBUG
    let size = 2 << 20
  #else
    let size = 512 << 10
  #endif
  return ProcessInfo.processInfo.environment["UPSTREAM_TEST_STACK"].flatMap(Int.init) ?? size
}()

/// Runs `body` on a thread with `smallStack` bytes of stack and returns its result.
func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
  let box = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    box.value = body()
    done.signal()
  }
  thread.stackSize = smallStack
  thread.start()
  done.wait()
  guard let value = box.value else { preconditionFailure("the thread returned nothing") }
  return value
}

/// Carries a result from another thread; the semaphore orders the write before the read.
private final class ResultBox<T>: @unchecked Sendable {
  var value: T?
}
