import Foundation

// MARK: - Clinician case tests

/// A clinician's test case: a person's answers and what the knowledge base should conclude.
package struct ClinicalCase: Sendable {
  /// One expectation, with ids checked against the knowledge base.
  package struct Expectation: Sendable {
    package let claim: ExpectationSyntax.Claim
    /// The expectation as written, for reports.
    package let text: String
    package let range: SourceRange
    /// Where its numbers are written: a certainty test's bounds, or a score's total.
    package let numbers: [SourceRange]
  }

  package let id: String
  package let description: String?
  package let answers: Answers
  package let expectations: [Expectation]
  package let range: SourceRange
}

/// Reads `*.case` files and checks them against a knowledge base.
package enum CaseLoader {
  /// The cases read and every problem found in them.
  package struct Output: Sendable {
    package let cases: [ClinicalCase]
    package let diagnostics: [Diagnostic]
    package let files: [SourceFile]
  }

  /// The bundled cases (`rules/cases/*.case`).
  package static func bundled(for knowledgeBase: KnowledgeBase) -> Output {
    load(KnowledgeBase.bundledFiles(extension: "case"), for: knowledgeBase)
  }

  /// Reads cases from files and folders (a folder means every `*.case` file in it).
  package static func load(paths: [String], for knowledgeBase: KnowledgeBase) -> Output {
    var files: [SourceFile] = []
    var diagnostics: [Diagnostic] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        let read = KnowledgeBase.readFiles(in: path, extension: "case")
        files.append(contentsOf: read.files)
        diagnostics.append(contentsOf: read.diagnostics)
      } else if FileManager.default.fileExists(atPath: path) {
        switch KnowledgeBase.readSource(path) {
        case .success(let file): files.append(file)
        case .failure(let diagnostic): diagnostics.append(diagnostic)
        }
      } else {
        diagnostics.append(.error(.unreadableFile, "there is no case file or folder '\(path)'", at: .wholeFile(path)))
      }
    }
    let output = load(files, for: knowledgeBase)
    return Output(cases: output.cases, diagnostics: diagnostics + output.diagnostics, files: files)
  }

  /// Parses and checks case files.
  package static func load(_ files: [SourceFile], for knowledgeBase: KnowledgeBase) -> Output {
    load(parsed: files.map { ($0, Parser.parse($0)) }, for: knowledgeBase)
  }

  /// Checks case files already parsed (an editor keeps each file's parse until it changes).
  package static func load(
    parsed files: [(source: SourceFile, parse: (file: SyntaxFile, diagnostics: [Diagnostic]))], for knowledgeBase: KnowledgeBase
  ) -> Output {
    var cases: [ClinicalCase] = []
    var diagnostics: [Diagnostic] = []
    var seen: [String: SourceRange] = [:]
    for (file, parsed) in files.sorted(by: { $0.source.path < $1.source.path }) {
      diagnostics.append(contentsOf: parsed.diagnostics)
      for declaration in parsed.file.declarations {
        guard case .testCase(let syntax) = declaration else {
          diagnostics.append(.error(.unexpectedToken, "a .case file holds only cases; move this declaration to a .rules file", at: declaration.range))
          continue
        }
        if let first = seen[syntax.id.text] {
          diagnostics.append(
            .error(.duplicateId, "case '\(syntax.id.text)' is declared twice", at: syntax.id.range, notes: [.init("first declared here", at: first)]))
          continue
        }
        seen[syntax.id.text] = syntax.id.range
        var checker = CaseChecker(knowledgeBase: knowledgeBase, file: file)
        if let testCase = checker.check(syntax) { cases.append(testCase) }
        diagnostics.append(contentsOf: checker.diagnostics)
      }
    }
    return Output(cases: cases, diagnostics: diagnostics.sortedForDisplay(), files: files.map(\.source))
  }
}

/// Checks one case's answers and expectations against the knowledge base.
private struct CaseChecker {
  let knowledgeBase: KnowledgeBase
  let file: SourceFile
  var diagnostics: [Diagnostic] = []

  mutating func check(_ syntax: CaseSyntax) -> ClinicalCase? {
    var answers = Answers()
    if let date = syntax.assessmentDate {
      switch AnswersReader.assessmentDate(.string(date.value), at: date.range) {
      case .success(let day): answers.assessmentDate = day
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    for (question, answer) in syntax.answers {
      guard let declared = knowledgeBase.question(question.text) else {
        diagnostics.append(
          Diagnostic.error(
            .unknownQuestion, "case '\(syntax.id.text)' answers '\(question.text)', which the knowledge base does not ask", at: question.range
          )
          .suggesting(question.text, from: knowledgeBase.questions.map(\.id)))
        continue
      }
      switch AnswersReader.answer(answer.json, to: declared, at: question.range) {
      case .success(let value?): answers[declared.id] = value
      case .success(nil): break
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    let expectations = syntax.expectations.compactMap { check($0) }
    guard !diagnostics.hasErrors else { return nil }
    return ClinicalCase(
      id: syntax.id.text, description: syntax.description?.value, answers: answers, expectations: expectations, range: syntax.id.range)
  }

  private mutating func check(_ expectation: ExpectationSyntax) -> ClinicalCase.Expectation? {
    let ok: Bool
    switch expectation.claim {
    case .finding(let name, _, _): ok = require(name, .finding) { $0.finding(name.text) != nil }
    case .upstream(let contributor, let finding):
      ok = require(contributor, .finding) { $0.finding(contributor.text) != nil } && require(finding, .finding) { $0.finding(finding.text) != nil }
    case .topContributor(let complaint, let contributor):
      ok =
        require(complaint, .finding) { $0.finding(complaint.text) != nil } && require(contributor, .finding) { $0.finding(contributor.text) != nil }
    case .recommend(let name, _), .withheld(let name):
      ok = require(name, .recommendation) { $0.recommendation(name.text) != nil }
    case .redFlag(let name, _, let urgency):
      ok = require(name, .redFlag) { $0.redFlag(name.text) != nil } && urgencyIsValid(urgency)
    case .noRedFlags: ok = true
    case .value(let name, let value):
      ok = require(name, .score) { $0.score(name.text) != nil } && stratumIsValid(name, value)
    case .notAsked(let name): ok = require(name, .question) { $0.question(name.text) != nil }
    }
    guard ok else { return nil }
    let text = String(file.lineText(expectation.range.start.line).drop { $0 == " " })
    var numbers = expectation.certaintyNumbers
    if case .value(_, .number(let total)) = expectation.claim { numbers = [total.range] }
    return ClinicalCase.Expectation(claim: expectation.claim, text: text, range: expectation.range, numbers: numbers)
  }

  private mutating func require(_ name: Name, _ kind: DeclarationKind, _ exists: (KnowledgeBase) -> Bool) -> Bool {
    if exists(knowledgeBase) { return true }
    diagnostics.append(
      Diagnostic.error(.unknownId, "no \(kind) is called '\(name.text)'", at: name.range).suggesting(name.text, from: knowledgeBase.allIDs))
    return false
  }

  private mutating func urgencyIsValid(_ urgency: Name?) -> Bool {
    guard let urgency, Urgency(rawValue: urgency.text) == nil else { return true }
    diagnostics.append(
      Diagnostic.error(
        .unknownWord, "'\(urgency.text)' is not an urgency; use one of: \(Urgency.allCases.map(\.rawValue).joined(separator: ", "))",
        at: urgency.range
      )
      .suggesting(urgency.text, from: Urgency.allCases.map(\.rawValue)))
    return false
  }

  private mutating func stratumIsValid(_ score: Name, _ value: ValueSyntax) -> Bool {
    guard case .word(let word) = value, let declared = knowledgeBase.score(score.text) else { return true }
    let strata = declared.strata.map(\.id)
    if strata.contains(word.text) { return true }
    diagnostics.append(
      Diagnostic.error(
        .unknownOption, "score '\(score.text)' has no stratum '\(word.text)'; its strata are \(strata.joined(separator: ", "))", at: word.range
      )
      .suggesting(word.text, from: strata))
    return false
  }
}
