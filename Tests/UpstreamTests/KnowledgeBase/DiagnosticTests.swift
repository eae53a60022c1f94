import Foundation
import Testing

@testable import Upstream

/// Every diagnostic the compiler reports, with an example that must trigger it and one
/// that must not.
@Suite("Compiler diagnostics")
struct DiagnosticTests {
  /// A small knowledge base the examples add to: one question of each kind, findings, a
  /// score, a recommendation and a red flag, all used.
  static let base =
    header.replacingOccurrences(
      of: "  disclaimer \"Examples only.\"\n",
      with: "  disclaimer \"Examples only.\"\n  safety netting \"Go to an emergency department now if it gets much worse.\"\n")
      + """
      question pain: yes/no
        ask "Pain?"
      question arch: choice
        ask "Arch?"
        option flat "Flat"
        option high "High"
      question hours: number
        ask "Hours sitting?"
        range 0 to 24
      question sports: choices
        ask "Sports?"
        option running "Running"
        option cycling "Cycling"
      complaint hip_pain
        name "Hip pain"
        region hip
        explain "Pain in or around the hip."
      contributor flat_feet
        name "Flat feet"
        region foot
        explain "Arches that touch the floor."
      score total
        name "Total"
        range 0 to 3
        stratum low "Low" when total <= 1
        stratum high "High" when total >= 2
      recommendation walk
        title "Walk"
        dose "10 minutes"
        source s
      red flag emergency_sign
        name "Emergency sign"
        urgency emergency
        advice "Go now."
        source s
      rule base-rule
        when pain and arch is flat and hours >= 0 and sports includes running
        then hip_pain certainty 1
        and flat_feet certainty 0.5
        and flat_feet upstream of hip_pain
        and add 1 to total
        and recommend walk
        because "b"
        source s
      rule base-flag
        when pain and total is high
        then red flag emergency_sign
        because "b"
        source s

      """

  /// (code, rule text that must trigger it, rule text that must not).
  static let examples: [(DiagnosticCode, String, String)] = [
    (
      .unknownId, "rule r\n  when pian\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n",
      "rule r\n  when pain\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .duplicateId, "question pain: yes/no\n  ask \"Again?\"\n",
      "question pain_again: yes/no\n  ask \"Again?\"\nrule r\n  when pain_again\n  then flat_feet certainty 0.1\n  because \"b\"\n  source s\n"
    ),
    (
      .wrongKindOfId, "rule r\n  when walk\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n",
      "rule r\n  when flat_feet\n  then recommend walk\n  because \"b\"\n  source s\n"
    ),
    (
      .unknownOption, "rule r\n  when arch is flatt\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n",
      "rule r\n  when arch is flat\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .typeMismatch, "rule r\n  when arch >= 3\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n",
      "rule r\n  when hours >= 3\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .valueOutOfRange, "rule r\n  when hours < 30\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n",
      "rule r\n  when hours between 0 and 24\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .certaintyOutOfRange, "rule r\n  when pain\n  then flat_feet certainty 1.5\n  because \"b\"\n  source s\n",
      "rule r\n  when pain\n  then flat_feet certainty -0.5\n  because \"b\"\n  source s\n"
    ),
    (.unknownWord, "contributor knee_x\n  name \"K\"\n  region kneee\n", "contributor knee_x\n  name \"K\"\n  region knee\n"),
    (.invalidRange, "question h2: number\n  ask \"?\"\n  range 10 to 1\n", "question h2: number\n  ask \"?\"\n  range 1 to 10\n"),
    (
      .ruleCycle,
      "contributor a\n  name \"A\"\ncontributor b\n  name \"B\"\nrule r1\n  when a\n  then b certainty 0.5\n  because \"b\"\n  source s\nrule r2\n  when b\n  then a certainty 0.5\n  because \"b\"\n  source s\n",
      "contributor a\n  name \"A\"\ncontributor b\n  name \"B\"\nrule r1\n  when pain\n  then a certainty 0.5\n  because \"b\"\n  source s\nrule r2\n  when a\n  then b certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .negationCycle,
      "contributor a\n  name \"A\"\nrule r1\n  when not a\n  then a certainty 0.5\n  because \"b\"\n  source s\n",
      "contributor a\n  name \"A\"\nrule r1\n  when not flat_feet\n  then a certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .missingAttribute, "rule r\n  when pain\n  then flat_feet certainty 0.5\n  source s\n",
      "rule r\n  when pain\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .duplicateAttribute, "recommendation run\n  title \"Run\"\n  title \"Jog\"\n  dose \"d\"\n  source s\n",
      "recommendation run\n  title \"Run\"\n  dose \"d\"\n  source s\n"
    ),
    (
      .conflictSettlement,
      "recommendation run\n  title \"Run\"\n  dose \"d\"\n  source s\n  conflicts with walk\n    prefer flat_feet when pain\n",
      "recommendation run\n  title \"Run\"\n  dose \"d\"\n  source s\n  conflicts with walk\n    prefer run when pain\n"
    ),
    (
      .adviceUrgencyMissing,
      "red flag soon_sign\n  name \"Soon\"\n  urgency urgent-same-day\n  advice \"See a doctor today.\"\n  source s\nrule r\n  when pain and arch is high\n  then red flag soon_sign urgency emergency\n  because \"b\"\n  source s\n",
      "red flag soon_sign\n  name \"Soon\"\n  urgency urgent-same-day\n  advice \"See a doctor today.\"\n  advice emergency \"Go to an emergency department now.\"\n  source s\nrule r\n  when pain and arch is high\n  then red flag soon_sign urgency emergency\n  because \"b\"\n  source s\n"
    ),
    (
      .ambiguousCode,
      "question mood: choice\n  ask \"Mood?\"\n  option low \"Low\" code \"LA6568-5\" system \"http://loinc.org\"\n  option fine \"Fine\" code \"LA6568-5\" system \"http://loinc.org\"\n",
      "question mood: choice\n  ask \"Mood?\"\n  link id \"/44249-1/44250-9\"\n  option low \"Low\" code \"LA6568-5\" system \"http://loinc.org\"\n  option fine \"Fine\" code \"LA6569-3\" system \"http://loinc.org\"\n"
    ),
    (
      .ambiguousCode,
      "question mood: yes/no\n  ask \"Mood?\"\n  link id \"pain\"\n",
      "question mood: yes/no\n  ask \"Mood?\"\n  link id \"mood-1\"\n"
    ),
    (
      .codingWithoutSystem,
      "question mood: yes/no\n  ask \"Mood?\"\n  code \"44250-9\"\n",
      "question mood: yes/no\n  ask \"Mood?\"\n  code \"44250-9\" system \"http://loinc.org\"\n"
    ),
    (.knowledgeBaseHeader, "knowledge base \"Second\"\n  version \"2\"\n  disclaimer \"d\"\n", "# no second header\n"),
  ]

  @Test("each diagnostic has an example that triggers it and one that does not", arguments: examples.indices)
  func example(_ index: Int) {
    let (code, triggering, clean) = Self.examples[index]
    #expect(codes(Self.base + triggering).contains(code), "\(code.rawValue) should trigger")
    #expect(!codes(Self.base + clean).contains(code), "\(code.rawValue) should not trigger")
  }

  @Test("the base knowledge base itself is clean")
  func baseIsClean() {
    #expect(compile(Self.base).diagnostics.isEmpty)
  }

  @Test("every check's examples trigger it, and its counter-examples do not", arguments: fixedDayChecks.indices)
  func checkExamples(_ index: Int) {
    let check = fixedDayChecks[index]
    #expect(!check.triggeringExamples.isEmpty && !check.nonTriggeringExamples.isEmpty)
    for example in check.triggeringExamples {
      #expect(codes(header + example).contains(check.code), "\(check.code.rawValue) should trigger on:\n\(example)")
    }
    for example in check.nonTriggeringExamples {
      #expect(!codes(header + example).contains(check.code), "\(check.code.rawValue) should not trigger on:\n\(example)")
    }
  }

  @Test(
    "only the loading checks report errors: the others' examples give warnings, and loading with the loading checks alone accepts and refuses the same rules",
    arguments: fixedDayChecks.indices)
  func loadingChecksDecideLoading(_ index: Int) {
    let check = fixedDayChecks[index]
    let isLoadingCheck = loadingChecks.contains { $0.code == check.code }
    for example in check.triggeringExamples + check.nonTriggeringExamples {
      let file = SourceFile(path: "test.rules", text: header + example)
      let full = KnowledgeBase.compile([file], checks: fixedDayChecks)
      let quick = KnowledgeBase.compile([file], checks: loadingChecks)
      if !isLoadingCheck {
        #expect(!full.diagnostics.contains { $0.code == check.code && $0.severity == .error }, "\(check.code.rawValue) reported an error")
      }
      #expect((full.knowledgeBase == nil) == (quick.knowledgeBase == nil), "\(check.code.rawValue) example loads differently:\n\(example)")
      #expect(full.diagnostics.filter { $0.severity == .error } == quick.diagnostics.filter { $0.severity == .error })
    }
  }

  @Test("an unknown id suggests the closest declared id")
  func didYouMean() throws {
    let loaded = compile(Self.base + "rule r\n  when arch_ is flat\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n")
    let diagnostic = try #require(loaded.diagnostics.first { $0.code == .unknownId })
    #expect(diagnostic.fix?.replacement == "arch")
    #expect(diagnostic.message.contains("'arch_'"))
  }

  @Test("an unknown option lists the question's options and suggests one")
  func unknownOptionListsOptions() throws {
    let loaded = compile(Self.base + "rule r\n  when arch is hihg\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n")
    let diagnostic = try #require(loaded.diagnostics.first { $0.code == .unknownOption })
    #expect(diagnostic.message.contains("flat, high"))
    #expect(diagnostic.fix?.replacement == "high")
  }

  @Test("sitting_hours > 30 on a 0–24 question can never fire")
  func outOfRangeNeverFires() {
    let triggering = Self.base + "rule r\n  when hours > 30\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    #expect(codes(triggering).contains(.ruleNeverFires))
    #expect(compile(triggering).knowledgeBase == nil)
  }

  @Test("a knowledge base with errors is never built")
  func errorsBlockTheKnowledgeBase() {
    let loaded = compile(Self.base + "rule r\n  when nothing\n  then flat_feet certainty 0.5\n  because \"b\"\n")
    #expect(loaded.knowledgeBase == nil)
    #expect(loaded.diagnostics.hasErrors)
  }

  @Test("diagnostics render as file:line:col: error[CODE] with the source line and a caret")
  func rendering() throws {
    let text = Self.base + "rule r\n  when arch is flatt\n  then flat_feet certainty 0.5\n  because \"b\"\n  source s\n"
    let loaded = compile(text, file: "rules/x.rules")
    let diagnostic = try #require(loaded.diagnostics.first { $0.code == .unknownOption })
    let rendered = DiagnosticRenderer(sources: loaded.files).text(diagnostic)
    let line = diagnostic.range.start.line
    #expect(rendered.hasPrefix("rules/x.rules:\(line):16: error[UP0104]: question 'arch' has no option 'flatt'"))
    #expect(rendered.contains("  when arch is flatt"))
    #expect(rendered.contains("^~~~~"))
    #expect(rendered.contains("help: did you mean 'flat'?"))
    #expect(!rendered.contains("\u{1B}["), "no colour unless asked")
    #expect(DiagnosticRenderer(sources: loaded.files, colour: true).text(diagnostic).contains("\u{1B}["))
  }

  @Test("JSON diagnostics carry code, severity, range and fix")
  func jsonRendering() throws {
    let loaded = compile(Self.base + "question unused_q: yes/no\n  ask \"?\"\n", file: "rules/x.rules")
    let json = DiagnosticRenderer(sources: loaded.files).json(loaded.diagnostics)
    let document = try JSONReader.read(SourceFile(path: "out.json", text: json)).get()
    let value = document.root.value
    #expect(value["format"] == .string("upstream-diagnostics"))
    guard case .array(let items)? = value["diagnostics"], let first = items.first else {
      Issue.record("no diagnostics array")
      return
    }
    #expect(first["code"] == .string("UP0201"))
    #expect(first["severity"] == .string("warning"))
    #expect(first["range"]?["file"] == .string("rules/x.rules"))
  }
}
