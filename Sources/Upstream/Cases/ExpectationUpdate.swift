import Foundation

// MARK: - Accepting reviewed certainties

/// What `upstream test --update` changes: each failing expectation that a number can fix
/// (a finding's certainty test, a score's total) rewritten to what the assessment now
/// gives, as edits of just those numbers, so comments and layout stay byte for byte.
///
/// A certainty pinned with `between` keeps its width around the new value
/// (`between 0.44 and 0.46`, now 0.80 → `between 0.79 and 0.81`); a bound (`< 0.4`) moves
/// just past the new value (`< 0.51`); a score's total becomes the new total. Numbers keep
/// the precision written (at least two decimals for a certainty).
///
/// Everything else that failed is left, with the reason: a red flag, recommendation,
/// link, top contributor, stratum, question or plain presence (`expect tight_hip_flexors`)
/// is a claim, not a number; a negated certainty test (`expect not … certainty …`) has no
/// one right number; and a pinned certainty whose finding crossed the presence threshold
/// (present before, absent now, or the other way) is left too, since a new number would
/// hide that the finding appeared or went.
package struct ExpectationUpdate: Sendable {
  /// One number (or two) replaced in a case file.
  package struct Edit: Sendable, Hashable {
    package let range: SourceRange
    package let text: String
  }

  /// One expectation rewritten.
  package struct Rewrite: Sendable {
    package let caseID: String
    /// The finding or score the expectation is about, with the test's keyword:
    /// `collapsed_arches certainty`, `startback_total is`.
    package let subject: String
    /// The whole expectation, for `file:line`.
    package let range: SourceRange
    /// The test before and after, as written: `between 0.44 and 0.46`, `5`.
    package let old: String
    package let new: String
    /// What the assessment gives now, as reports show it: `0.80`, or a score's `7`.
    package let actual: String
    package let edits: [Edit]
  }

  /// A failing expectation a number cannot fix.
  package struct Left: Sendable {
    package let caseID: String
    package let expectation: ClinicalCase.Expectation
    /// Why it was left, in words.
    package let reason: String
  }

  /// A case file with its text before and after.
  package struct FileUpdate: Sendable {
    package let path: String
    package let original: String
    package let updated: String
    package let rewrites: [Rewrite]
  }

  /// The rewrites, in file then line order.
  package let rewrites: [Rewrite]
  /// The failures left as they are, in the order of the results.
  package let left: [Left]
  /// The files that change, by path.
  package let files: [FileUpdate]

  /// Works out the rewrites for the failures among `results`; `sources` are the case files
  /// the cases were read from.
  package init(_ results: [CaseResult], sources: [SourceFile]) {
    var rewrites: [Rewrite] = []
    var left: [Left] = []
    let byPath = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    for result in results {
      for failure in result.failures {
        guard let file = byPath[failure.expectation.range.file] else {
          left.append(.init(caseID: result.testCase.id, expectation: failure.expectation, reason: "its case file was not read"))
          continue
        }
        switch Self.rewrite(failure, of: result, in: file) {
        case .success(let rewrite): rewrites.append(rewrite)
        case .failure(let reason): left.append(.init(caseID: result.testCase.id, expectation: failure.expectation, reason: reason.text))
        }
      }
    }
    let sorted = rewrites.sorted { ($0.range.file, $0.range.start.offset) < ($1.range.file, $1.range.start.offset) }
    self.rewrites = sorted
    self.left = left
    self.files = Set(sorted.map(\.range.file)).sorted().compactMap { path in
      guard let file = byPath[path] else { return nil }
      let mine = sorted.filter { $0.range.file == path }
      return FileUpdate(path: path, original: file.text, updated: Self.apply(mine.flatMap(\.edits), to: file), rewrites: mine)
    }
  }

  // MARK: One expectation

  private struct Reason: Error { let text: String }

  private static func rewrite(_ failure: CaseResult.Failure, of result: CaseResult, in file: SourceFile) -> Result<Rewrite, Reason> {
    let expectation = failure.expectation
    let assessment = result.assessment
    let kb = assessment.knowledgeBase
    let written = expectation.numbers.map { text(of: $0, in: file) }
    switch expectation.claim {
    case .finding(let name, let present, let test?):
      guard present else { return .failure(Reason(text: "a negated certainty test has no one number to accept; edit it by hand")) }
      guard case .finding(let index)? = kb.symbols[name.text], written.count == expectation.numbers.count, !written.isEmpty else {
        return .failure(Reason(text: failure.actual))
      }
      let finding = assessment.findings[index]
      if let presence = impliedPresence(test), presence != finding.isPresent {
        return .failure(
          Reason(
            text: "\(name.text) is \(finding.isPresent ? "present" : "absent") now (\(Certainty.number(finding.certainty))) "
              + "and the expectation needs it \(finding.isPresent ? "absent" : "present"); a new number would hide that"))
      }
      guard let numbers = CertaintyBounds.fitting(test, to: finding.certainty, written: written) else {
        return .failure(Reason(text: failure.actual))
      }
      return .success(
        rewrite(
          result, expectation, subject: name, file: file, edits: zip(expectation.numbers, numbers).map { Edit(range: $0, text: $1) },
          actual: Certainty.number(finding.certainty)))
    case .value(let name, .number(let total)):
      guard case .score(let index)? = kb.symbols[name.text] else { return .failure(Reason(text: failure.actual)) }
      let now = NumberText.plain(assessment.scores[index].total)
      return .success(rewrite(result, expectation, subject: name, file: file, edits: [Edit(range: total.range, text: now)], actual: now))
    default:
      return .failure(Reason(text: failure.actual))
    }
  }

  private static func rewrite(
    _ result: CaseResult, _ expectation: ClinicalCase.Expectation, subject: Name, file: SourceFile, edits: [Edit], actual: String
  ) -> Rewrite {
    // The test as written: from after the subject's id to the end of the expectation.
    // The test as written, after its keyword: `between 0.44 and 0.46`, `< 0.4`, `5`.
    let test = SourceRange(file: file.path, start: subject.range.end, end: expectation.range.end)
    var old = text(of: test, in: file).trimmingCharacters(in: .whitespaces)
    var new = apply(edits, within: test.start.offset..<test.end.offset, of: file).trimmingCharacters(in: .whitespaces)
    var label = subject.text
    for keyword in ["certainty", "is"] where old.hasPrefix(keyword + " ") && new.hasPrefix(keyword + " ") {
      label += " " + keyword
      old = String(old.dropFirst(keyword.count + 1)).trimmingCharacters(in: .whitespaces)
      new = String(new.dropFirst(keyword.count + 1)).trimmingCharacters(in: .whitespaces)
    }
    return Rewrite(caseID: result.testCase.id, subject: label, range: expectation.range, old: old, new: new, actual: actual, edits: edits)
  }

  /// Whether a certainty test can only hold for a present finding (true), only for an
  /// absent one (false), or for either (nil).
  private static func impliedPresence(_ test: NumberTest) -> Bool? {
    let threshold = Condition.defaultThreshold
    switch test {
    case .between(let low, let high):
      if low > threshold { return true }
      if high <= threshold { return false }
      return nil
    case .compare(let op, let bound):
      switch op {
      case .greater: return bound >= threshold ? true : nil
      case .greaterOrEqual: return bound > threshold ? true : nil
      case .less: return bound <= threshold ? false : nil
      case .lessOrEqual: return bound <= threshold ? false : nil
      }
    }
  }

  // MARK: Text

  private static func text(of range: SourceRange, in file: SourceFile) -> String {
    let start = max(0, min(range.start.offset, file.bytes.count))
    let end = max(start, min(range.end.offset, file.bytes.count))
    return String(decoding: file.bytes[start..<end], as: UTF8.self)
  }

  /// The file's text with the edits made (edits do not overlap).
  private static func apply(_ edits: [Edit], to file: SourceFile) -> String {
    apply(edits, within: 0..<file.bytes.count, of: file)
  }

  /// The text between two byte offsets of the file, with the edits inside them made.
  private static func apply(_ edits: [Edit], within offsets: Range<Int>, of file: SourceFile) -> String {
    var bytes = Array(file.bytes[offsets])
    for edit in edits.sorted(by: { $0.range.start.offset > $1.range.start.offset })
    where edit.range.start.offset >= offsets.lowerBound && edit.range.end.offset <= offsets.upperBound {
      bytes.replaceSubrange(
        (edit.range.start.offset - offsets.lowerBound)..<(edit.range.end.offset - offsets.lowerBound), with: Array(edit.text.utf8))
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

// MARK: - New numbers for a certainty test

/// New bounds for a certainty test so that it holds for the value now given, written with
/// the precision of the old ones.
enum CertaintyBounds {
  /// The new numbers, one for each written, or nil when none fit.
  static func fitting(_ test: NumberTest, to value: Double, written: [String]) -> [String]? {
    let decimals = max(2, written.map(decimalPlaces).max() ?? 2)
    let scale = pow(10, Double(decimals))
    let nearest = Int((value * scale).rounded())
    func number(_ units: Int) -> Double { Double(units) / scale }
    func holds(_ test: NumberTest) -> Bool { test.holds(for: value) }
    switch test {
    case .between(let low, let high):
      guard written.count == 2 else { return nil }
      let width = max(0, Int(((high - low) * scale).rounded()))
      var lowUnits = nearest - width / 2
      var highUnits = lowUnits + width
      // Certainties lie in -1…1: keep the width inside.
      let limit = Int(scale)
      if highUnits > limit { (lowUnits, highUnits) = (max(-limit, limit - width), limit) }
      if lowUnits < -limit { (lowUnits, highUnits) = (-limit, min(limit, -limit + width)) }
      while number(lowUnits) > value { lowUnits -= 1 }
      while number(highUnits) < value { highUnits += 1 }
      guard holds(.between(number(lowUnits), number(highUnits))) else { return nil }
      return [NumberText.plain(number(lowUnits)), NumberText.plain(number(highUnits))]
    case .compare(let op, _):
      guard written.count == 1 else { return nil }
      let upward = op == .less || op == .lessOrEqual
      var units = nearest
      var steps = 0
      while !holds(.compare(op, number(units))), steps < 3 {
        units += upward ? 1 : -1
        steps += 1
      }
      guard holds(.compare(op, number(units))) else { return nil }
      return [NumberText.plain(number(units))]
    }
  }

  /// How many digits a number has after its decimal point.
  private static func decimalPlaces(_ text: String) -> Int {
    guard let point = text.firstIndex(of: ".") else { return 0 }
    return text[text.index(after: point)...].prefix { $0.isNumber }.count
  }
}
