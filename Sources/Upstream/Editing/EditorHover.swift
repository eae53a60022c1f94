// MARK: - What an id is, shown where the cursor rests

/// The text an editor shows on hovering over an id, in Markdown.
package struct EditorHover: Sendable, Hashable {
  package let markdown: String
  /// The id hovered over.
  package let range: SourceRange
}

extension WorkspaceAnalysis {
  /// What the id at byte `offset` of `path` is: a question's wording, options, range and
  /// the rules that read it; a finding's name and the rules that conclude it (with their
  /// certainties); a recommendation's title, dose and the rules that call for it; and so on.
  /// Nil when the cursor is not on an id, or the id is declared nowhere.
  package func hover(in path: String, at offset: Int) -> EditorHover? {
    guard let occurrence = index.occurrence(in: path, at: offset) else { return nil }
    let key = occurrence.key
    var lines: [String]
    switch key.namespace {
    case .member(let owner):
      guard let label = index.memberLabels[key] else { return nil }
      let ownerKind = index.declarations[SymbolKey(.knowledgeBase, owner)].map(kind(of:)) ?? "question"
      lines = ["**option `\(key.id)`** \"\(label)\" of \(ownerKind) `\(owner)`"]
      if case .question(let question)? = index.declarations[SymbolKey(.knowledgeBase, owner)], let wording = question.wording {
        lines.append("")
        lines.append("> \(wording.value)")
      }
      lines += usage(of: key)
    case .knowledgeBase, .testCase:
      guard let declaration = index.declarations[key] else { return nil }
      lines = describe(declaration, key)
    }
    if let site = index.declarationSites(of: key).first {
      lines.append("")
      lines.append("*\(Self.place(site.range))*")
    }
    return EditorHover(markdown: lines.joined(separator: "\n"), range: occurrence.range)
  }

  /// `foot-to-hip.rules:12`: a place as a file's name and line.
  static func place(_ range: SourceRange) -> String {
    "\(range.file.split(separator: "/").last.map(String.init) ?? range.file):\(range.start.line)"
  }

  // MARK: Each kind

  private func kind(of declaration: Declaration) -> String {
    switch declaration {
    case .score: "score"
    default: "question"
    }
  }

  private func describe(_ declaration: Declaration, _ key: SymbolKey) -> [String] {
    var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
    switch declaration {
    case .header: break
    case .question(let question):
      add("**question `\(question.id.text)`**: \(question.type.text)")
      if let wording = question.wording { add("\n> \(wording.value)") }
      if let help = question.help { add("\n\(help.value)") }
      if !question.options.isEmpty {
        add("\nOptions: " + question.options.map { "`\($0.id.text)` \"\($0.label.value)\"" }.joined(separator: ", "))
      }
      if let range = question.declaredRange {
        let unit = question.unit.map { " \($0.value)" } ?? ""
        add("\nRange: \(NumberText.plain(range.low.value)) to \(NumberText.plain(range.high.value))\(unit)")
      } else if let unit = question.unit {
        add("\nUnit: \(unit.value)")
      }
      // Who the range is for: what a person outside it is told, the questionnaire ending there.
      if let below = question.belowRange { add("\nBelow the range, not for them: \"\(below.message.value)\"") }
      if let above = question.aboveRange { add("\nAbove the range, not for them: \"\(above.message.value)\"") }
    case .finding(let finding):
      add("**\(finding.kind.text) `\(finding.id.text)`**" + (finding.name.map { ": \($0.value)" } ?? ""))
      if let patient = finding.patientName { add("\nIn everyday words: \(patient.value)") }
      if let explanation = finding.explanation { add("\n\(explanation.value)") }
    case .score(let score):
      add("**score `\(score.id.text)`**" + (score.name.map { ": \($0.value)" } ?? ""))
      if let range = score.declaredRange {
        add("\nRange: \(NumberText.plain(range.low.value)) to \(NumberText.plain(range.high.value))")
      }
      if !score.strata.isEmpty { add("\nStrata: " + score.strata.map { "`\($0.id.text)` \"\($0.label.value)\"" }.joined(separator: ", ")) }
    case .redFlag(let flag):
      add("**red flag `\(flag.id.text)`**" + (flag.name.map { ": \($0.value)" } ?? ""))
      if let urgency = flag.urgency { add("\nUrgency: \(urgency.text)") }
      if let advice = flag.advice { add("\nAdvice: \(advice.value)") }
    case .rule(let rule):
      add("**rule `\(rule.id.text)`**")
      if let because = rule.because { add("\n\(because.value)") }
      let concludes = rule.conclusions.map(Self.conclusionText)
      if !concludes.isEmpty { add("\nThen: " + concludes.joined(separator: "; ")) }
    case .recommendation(let recommendation):
      add("**recommendation `\(recommendation.id.text)`**" + (recommendation.title.map { ": \($0.value)" } ?? ""))
      if let dose = recommendation.dose { add("\nDose: \(dose.value)") }
      for variant in recommendation.doseVariants { add("\nDose for some people: \(variant.text.value)") }
      if let instructions = recommendation.instructions { add("\nInstructions: \(instructions.value)") }
      for caution in recommendation.cautions { add("\nCaution: \(caution.value)") }
      for notFor in recommendation.notFor { add("\nNot for some people: \(notFor.reason.value)") }
      if !recommendation.addresses.isEmpty {
        add("\nAddresses: " + recommendation.addresses.map { "`\($0.text)`" }.joined(separator: ", "))
      }
    case .source(let source):
      add("**source `\(source.id.text)`**" + (source.title.map { ": \($0.value)" } ?? ""))
      if let citation = source.citation { add("\n\(citation.value)") }
      if let url = source.url { add("\n<\(url.value)>") }
    case .norm(let norm):
      add("**norm `\(norm.id.text)`**" + (norm.name.map { ": \($0.value)" } ?? ""))
      if let by = norm.by { add("\nBy: `\(by.text)`") }
    case .testCase(let testCase):
      add("**case `\(testCase.id.text)`**")
      if let description = testCase.description { add("\n\(description.value)") }
    }
    return lines + usage(of: key)
  }

  /// The rules, recommendations and cases that use a key, grouped by how.
  private func usage(of key: SymbolKey) -> [String] {
    var groups: [(title: String, entries: [String])] = [
      ("Read by", []), ("Concluded by", []), ("Upstream links in", []), ("Called for by", []), ("Raised by", []),
      ("Points from", []), ("Addressed by", []), ("In conflicts of", []), ("Cited by", []), ("Norms", []),
      ("Answered in cases", []), ("Expected in cases", []),
    ]
    for occurrence in index.occurrences(of: key) {
      guard let container = occurrence.container?.id else { continue }
      let group: Int
      var entry = "`\(container)`"
      switch occurrence.role {
      case .declaration, .synonym: continue
      case .read: group = 0
      case .concluded(let certainty):
        group = 1
        entry += " (\(NumberText.plain(certainty)))"
      case .upstream: group = 2
      case .recommended: group = 3
      case .raised: group = 4
      case .addedTo: group = 5
      case .addressed: group = 6
      case .conflict: group = 7
      case .cited: group = 8
      case .norm: group = 9
      case .answered: group = 10
      case .expected: group = 11
      }
      if !groups[group].entries.contains(entry) { groups[group].entries.append(entry) }
    }
    return groups.filter { !$0.entries.isEmpty }.map { group in
      let shown = group.entries.prefix(12).joined(separator: ", ")
      let more = group.entries.count > 12 ? " and \(group.entries.count - 12) more" : ""
      return "\n\(group.title): \(shown)\(more)"
    }
  }

  /// A conclusion as a short text: `collapsed_arches 0.5`, `recommend calf_stretch`.
  private static func conclusionText(_ conclusion: ConclusionSyntax) -> String {
    switch conclusion {
    case .certainty(let finding, let certainty): "`\(finding.text)` \(NumberText.plain(certainty.value))"
    case .upstream(let contributor, let of): "`\(contributor.text)` upstream of `\(of.text)`"
    case .addPoints(let points, let score): "add \(NumberText.plain(points.value)) to `\(score.text)`"
    case .recommend(let name): "recommend `\(name.text)`"
    case .redFlag(let name, _): "red flag `\(name.text)`"
    }
  }
}
