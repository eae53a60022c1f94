// MARK: - The tree as Markdown

/// Renders a recommendation tree as a Markdown report to paste into notes: headings for
/// the sections, nested lists for the tree, and the answers as a JSON block.
public struct TreeMarkdownRenderer: Sendable {
  public let audience: Audience

  public init(audience: Audience = .clinician) { self.audience = audience }

  /// The whole tree as Markdown, ending with a newline.
  public func render(_ tree: RecommendationTree) -> String {
    let words = TreeWording(audience: audience)
    var blocks: [String] = []
    var seen = Set<String>()
    for section in tree.sections(for: audience) {
      switch section {
      case .heading:
        blocks.append("# " + escape(words.knowledgeBase(tree.stamp)))
        if audience == .clinician {
          blocks.append("Rules `sha256:\(tree.stamp.contentHash)`  \nAnswers `sha256:\(tree.stamp.answersHash)`")
        }
        blocks.append("> " + escape(tree.disclaimer))
      case .redFlags:
        var lines: [String] = []
        for flag in words.flagsInFull(tree.redFlags) {
          lines.append("- **" + escape("\(flag.name) — \(words.urgency(flag.urgency))") + "**")
          lines += words.details(flag).map { "  - " + escape($0) }
        }
        if let also = words.alsoMention(tree.redFlags) { lines.append("- " + escape(also)) }
        if words.holdsBackAllSelfCare(tree.careLevel) {
          lines.append("- **" + escape(words.allSelfCareHeldBack) + "**")
        } else if !tree.withheld.isEmpty {
          lines.append("- **" + escape(words.withheldTitle(tree.careLevel)) + "**")
          lines += tree.withheld.map { "  - " + escape(words.withheld($0)) }
        }
        blocks.append(heading(words.redFlagsTitle(tree.careLevel)) + lines.joined(separator: "\n"))
        if let waiting = tree.whileWaiting { blocks.append("**" + escape(waiting) + "**") }
      case .unansweredSafetyQuestions:
        let lines = tree.unansweredSafetyQuestions.map { "- " + escape(words.unansweredSafety($0)) }
        blocks.append(
          heading(words.unansweredSafetyTitle) + escape(words.unansweredSafetyIntro) + "\n\n" + lines.joined(separator: "\n"))
      case .firstSteps:
        for part in tree.patientPlan.parts {
          var lines = [escape(words.planContributors(part))]
          if let why = words.planWhy(part) { lines.append("*" + escape(why) + "*") }
          if let step = part.firstStep {
            lines.append("**" + escape(words.planStep(step)) + "**")
            lines += words.planHow(step).map { "- " + escape($0) }
          } else if !tree.redFlags.contains(where: { $0.urgency.withholdsSelfCare }) {
            lines.append(escape(words.planNoStep(part, withheld: tree.withheld)))
          }
          blocks.append(heading(words.planTitle(part)) + lines.joined(separator: "\n\n"))
        }
      case .moreToTry:
        let more = tree.patientPlan.moreToTry
        var lines = more.prefix(TreeWording.moreToTryShown).map { "- " + escape(words.moreToTry($0)) }
        if more.count > TreeWording.moreToTryShown { lines.append("\n" + escape(words.moreLeftOut(more.count - TreeWording.moreToTryShown))) }
        blocks.append(heading(words.moreToTryTitle) + lines.joined(separator: "\n"))
      case .complaints:
        // Each complaint is its own heading: a report pasted into notes reads by complaint.
        for complaint in tree.complaints {
          var lines = children(complaint, words, depth: 0, seen: &seen)
          if complaint.contributors.isEmpty { lines.append("- *" + escape(words.nothingUpstream) + "*") }
          blocks.append("## " + escape(words.headline(complaint)) + "\n\n" + lines.joined(separator: "\n"))
        }
      case .otherFindings:
        let lines = tree.otherFindings.flatMap { node($0, words, depth: 0, seen: &seen) }
        blocks.append(heading(words.otherFindingsTitle) + lines.joined(separator: "\n"))
      case .nothingFound:
        blocks.append(escape(words.nothingFound(tree)) + (tree.generalAdvice.map { "\n\n" + escape($0) } ?? ""))
      case .otherRecommendations:
        let lines = tree.otherRecommendations.flatMap { recommendation($0, words, depth: 0, seen: &seen) }
        blocks.append(heading(words.otherAdviceTitle) + lines.joined(separator: "\n"))
      case .notForYou:
        let lines = tree.notForYou.flatMap { entry in
          ["- **" + escape(words.headline(entry)) + "**"] + words.details(entry).map { "  - " + escape($0) }
        }
        blocks.append(heading(words.notForYouTitle) + lines.joined(separator: "\n"))
      case .safetyNetting:
        let lines = tree.safetyNetting.map { "- " + escape($0) }
        blocks.append(heading(words.safetyNettingTitle) + lines.joined(separator: "\n"))
      case .scores where audience == .patient:
        let lines =
          tree.scores.compactMap(words.patientScore).map(escape) + words.copyrights(tree.scores).map { "*" + escape($0) + "*" }
        blocks.append(heading(words.scoresTitle) + lines.joined(separator: "\n\n"))
      case .scores:
        let lines = tree.scores.flatMap { score in
          ["- **" + escape(words.headline(score)) + "**"] + words.details(score).map { "  - " + escape($0) }
        }
        blocks.append(heading(words.scoresTitle) + lines.joined(separator: "\n"))
      case .answers:
        blocks.append(heading(words.answersTitle) + "```json\n" + JSONWriter.pretty(tree.stamp.answers.json) + "```")
      }
    }
    return blocks.joined(separator: "\n\n") + "\n"
  }

  /// A section heading (`## What to do first`) and the blank line after it; every
  /// heading is escaped the same way.
  private func heading(_ text: String) -> String { "## " + escape(title(text)) + "\n\n" }

  /// `WHAT TO DO FIRST` as `What to do first`.
  private func title(_ text: String) -> String {
    guard let first = text.first else { return text }
    let rest = text.dropFirst()
    return rest.contains(where: \.isLowercase) ? text : String(first) + rest.lowercased()
  }

  private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }

  /// A finding as a list item, with its details and children nested below.
  private func node(_ finding: FindingNode, _ words: TreeWording, depth: Int, seen: inout Set<String>) -> [String] {
    let pad = indent(depth)
    var lines = [
      pad + "- **" + escape(title(finding, words)) + "** — " + escape(words.certainty(finding.certainty))
        + (finding.shared ? " · *shared*" : "")
    ]
    if let also = words.alsoBehind(finding) { lines.append(pad + "  - " + escape(also)) }
    if seen.insert("finding:" + finding.id).inserted {
      let reasons = words.reasons(finding.reasons)
      if audience == .patient {
        if !reasons.isEmpty { lines.append(pad + "  - Why: " + escape(reasons.joined(separator: " "))) }
      } else {
        lines += reasons.map { pad + "  - " + escape($0) }
      }
    } else {
      // A shared contributor is written in full once; later places point back to it.
      lines.append(pad + "  - *(shown in full above)*")
      return lines
    }
    return lines + children(finding, words, depth: depth + 1, seen: &seen)
  }

  private func title(_ finding: FindingNode, _ words: TreeWording) -> String { words.title(finding) }

  /// A finding's recommendations and contributors (less likely ones grouped).
  private func children(_ finding: FindingNode, _ words: TreeWording, depth: Int, seen: inout Set<String>) -> [String] {
    var lines = finding.recommendations.flatMap { recommendation($0, words, depth: depth, seen: &seen) }
    for child in finding.contributors where !child.lessLikely { lines += node(child, words, depth: depth, seen: &seen) }
    let lessLikely = finding.contributors.filter(\.lessLikely)
    if !lessLikely.isEmpty {
      lines.append(indent(depth) + "- *" + escape(words.lessLikelyTitle) + "*")
      for child in lessLikely { lines += node(child, words, depth: depth + 1, seen: &seen) }
    }
    return lines
  }

  private func recommendation(_ entry: RecommendationEntry, _ words: TreeWording, depth: Int, seen: inout Set<String>) -> [String] {
    let pad = indent(depth)
    let first = seen.insert("recommendation:" + entry.id).inserted
    let mark = entry.status == .given ? "✅ " : "⏸ "
    let headline = pad + "- " + mark + "**" + escape(words.headline(entry)) + "**" + (first ? "" : " *(see above)*")
    let details = first ? words.details(entry) : words.repeatDetails(entry)
    return [headline] + details.map { pad + "  - " + escape($0) }
  }

  /// Escapes the characters Markdown would read as formatting.
  func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      if "\\`*_[]<>|".contains(character) { out.append("\\") }
      out.append(character)
    }
    return out
  }
}
