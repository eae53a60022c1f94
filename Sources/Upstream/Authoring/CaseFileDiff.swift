// MARK: - What an edit changes in the cases

/// How the clinician cases differ between two versions of a rules folder: each case's
/// expectations (and answers) added, removed or changed, and cases added or removed, so a
/// reviewer of `upstream diff` sees an expectation edited to fit the new rules (by hand or
/// by `upstream test --update`) next to the behaviour that changed.
///
/// Cases are matched by id (a case moved to another file is the same case); lines by what
/// they are about: `expect tight_hip_flexors certainty between 0.49 and 0.51` and
/// `… between 0.59 and 0.61` are one expectation changed, as are `expect recommend R` and
/// `expect not recommend R`. Spacing and comments are not compared (`fmt` changes nothing).
package struct CaseFileDiff: Sendable {
  /// One line of a case added, removed or changed.
  package struct Line: Sendable, Hashable {
    package enum Kind: String, Sendable { case added, removed, changed }

    package let kind: Kind
    /// `expect` or `answer`.
    package let keyword: String
    /// The line before (nil when added) and after (nil when removed), spacing tidied.
    package let old: String?
    package let new: String?
    /// Where it is: in the new files, or in the old ones when removed.
    package let location: DeclarationSite
  }

  /// One case whose lines changed, or that was added or removed.
  package struct Case: Sendable {
    package enum Kind: String, Sendable { case added, removed, changed }

    package let id: String
    package let kind: Kind
    /// Where the case is declared: in the new files, or the old ones when removed.
    package let location: DeclarationSite
    /// For a changed case, each line that changed, in the order of the new file (removed
    /// lines last).
    package let lines: [Line]
    /// For an added or removed case, how many expectations it has.
    package let expectationCount: Int
  }

  /// The cases that differ, sorted by id.
  package let cases: [Case]
  /// How many cases the old and new files hold.
  package let oldCount: Int
  package let newCount: Int

  /// Whether any case, expectation or answer differs.
  package var changed: Bool { !cases.isEmpty }

  /// Compares the case files of the old and new folders (files that do not parse are
  /// compared as far as they parse).
  package init(old: [SourceFile], new: [SourceFile]) {
    let before = Self.cases(in: old)
    let after = Self.cases(in: new)
    oldCount = before.count
    newCount = after.count
    var cases: [Case] = []
    for id in Set(before.keys).union(after.keys).sorted() {
      switch (before[id], after[id]) {
      case (nil, let added?):
        cases.append(.init(id: id, kind: .added, location: added.location, lines: [], expectationCount: added.expectationCount))
      case (let removed?, nil):
        cases.append(.init(id: id, kind: .removed, location: removed.location, lines: [], expectationCount: removed.expectationCount))
      case (let was?, let now?):
        let lines = Self.compare(was.lines, now.lines)
        if !lines.isEmpty { cases.append(.init(id: id, kind: .changed, location: now.location, lines: lines, expectationCount: 0)) }
      case (nil, nil): break
      }
    }
    self.cases = cases
  }

  // MARK: Reading

  /// A line of a case: what it is about (to pair an old and a new version), its text and place.
  private struct Entry {
    let keyword: String
    let key: String
    let text: String
    let location: DeclarationSite
  }

  private struct Read {
    let location: DeclarationSite
    let lines: [Entry]
    let expectationCount: Int
  }

  private static func cases(in files: [SourceFile]) -> [String: Read] {
    var cases: [String: Read] = [:]
    for file in files.sorted(by: { $0.path < $1.path }) {
      for case .testCase(let syntax) in Parser.parse(file).file.declarations where cases[syntax.id.text] == nil {
        var lines: [Entry] = []
        for (question, answer) in syntax.answers {
          lines.append(
            Entry(
              keyword: "answer", key: "answer \(question.text)", text: "answer \(question.text) \(text(answer))",
              location: site(question.range)))
        }
        for expectation in syntax.expectations {
          lines.append(
            Entry(keyword: "expect", key: key(expectation.claim), text: text(of: expectation.range, in: file), location: site(expectation.range))
          )
        }
        cases[syntax.id.text] = Read(location: site(syntax.id.range), lines: lines, expectationCount: syntax.expectations.count)
      }
    }
    return cases
  }

  private static func site(_ range: SourceRange) -> DeclarationSite {
    DeclarationSite(file: range.file, line: range.start.line, column: range.start.column)
  }

  /// The text of a range with runs of spaces made one.
  private static func text(of range: SourceRange, in file: SourceFile) -> String {
    let start = max(0, min(range.start.offset, file.bytes.count))
    let end = max(start, min(range.end.offset, file.bytes.count))
    return String(decoding: file.bytes[start..<end], as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  private static func text(_ answer: AnswerSyntax) -> String {
    switch answer {
    case .yes: "yes"
    case .no: "no"
    case .notSure: "not sure"
    case .number(let number): NumberText.plain(number)
    case .option(let option): option
    case .options(let options): "(" + options.joined(separator: ", ") + ")"
    case .text(let text): "\"\(text)\""
    case .date(let day): day
    }
  }

  /// What an expectation is about, whatever it expects of it.
  private static func key(_ claim: ExpectationSyntax.Claim) -> String {
    switch claim {
    case .finding(let name, _, let test): (test == nil ? "finding " : "certainty ") + name.text
    case .upstream(let contributor, let finding): "upstream \(contributor.text) \(finding.text)"
    case .topContributor(let complaint, _): "top contributor \(complaint.text)"
    case .recommend(let name, _), .withheld(let name): "recommendation \(name.text)"
    case .redFlag(let name, _, _): "red flag \(name.text)"
    case .noRedFlags: "no red flags"
    case .value(let name, .number): "total \(name.text)"
    case .value(let name, .word): "stratum \(name.text)"
    case .notAsked(let name): "asked \(name.text)"
    }
  }

  // MARK: Comparing

  /// Lines the same in both (the longest common sequence, so a repeated line is matched
  /// where it stands) are dropped; of the rest, an old and a new line about the same thing
  /// are a change, the others added or removed.
  private static func compare(_ old: [Entry], _ new: [Entry]) -> [Line] {
    let same = commonLines(old.map(\.text), new.map(\.text))
    var unmatchedOld = old.indices.filter { !same.old.contains($0) }.map { old[$0] }
    let unmatchedNew = new.indices.filter { !same.new.contains($0) }.map { new[$0] }
    var lines: [Line] = []
    for entry in unmatchedNew.sorted(by: { $0.location.line < $1.location.line }) {
      if let index = unmatchedOld.firstIndex(where: { $0.key == entry.key }) {
        let was = unmatchedOld.remove(at: index)
        lines.append(.init(kind: .changed, keyword: entry.keyword, old: was.text, new: entry.text, location: entry.location))
      } else {
        lines.append(.init(kind: .added, keyword: entry.keyword, old: nil, new: entry.text, location: entry.location))
      }
    }
    for entry in unmatchedOld.sorted(by: { $0.location.line < $1.location.line }) {
      lines.append(.init(kind: .removed, keyword: entry.keyword, old: entry.text, new: nil, location: entry.location))
    }
    return lines
  }

  /// The positions, in each list, of a longest common subsequence of the two.
  private static func commonLines(_ old: [String], _ new: [String]) -> (old: Set<Int>, new: Set<Int>) {
    // lengths[i][j]: the longest common subsequence of old[i...] and new[j...].
    var lengths = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
    for i in old.indices.reversed() {
      for j in new.indices.reversed() {
        lengths[i][j] = old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
      }
    }
    var matched: (old: Set<Int>, new: Set<Int>) = ([], [])
    var (i, j) = (0, 0)
    while i < old.count, j < new.count {
      if old[i] == new[j] {
        matched.old.insert(i)
        matched.new.insert(j)
        (i, j) = (i + 1, j + 1)
      } else if lengths[i + 1][j] >= lengths[i][j + 1] {
        i += 1
      } else {
        j += 1
      }
    }
    return matched
  }
}
