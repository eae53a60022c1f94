// MARK: - The tree as text

/// Renders a recommendation tree as a box-drawn text tree that wraps to a width, with
/// colour only when asked (on a terminal).
public struct TreeTextRenderer: Sendable {
  public let audience: Audience
  /// The width to wrap to, in characters.
  public let width: Int
  /// Whether to use ANSI colour.
  public let colour: Bool
  /// Where the person finds the recommendations the patient's short list leaves out, in
  /// the front end showing it (`upstream ask`: "they are in the list below …"); nil when it
  /// shows them nowhere else, and the text then names no other place.
  public let restOfPlan: String?

  public init(audience: Audience = .clinician, width: Int = 80, colour: Bool = false, restOfPlan: String? = nil) {
    self.audience = audience
    self.width = width
    self.colour = colour
    self.restOfPlan = restOfPlan
  }

  /// The whole tree as text, ending with a newline.
  public func render(_ tree: RecommendationTree) -> String {
    let words = TreeWording(audience: audience)
    let outline = TextOutline(width: width, colour: colour)
    var sections: [[String]] = []
    var seen = Seen()
    for section in tree.sections(for: audience) {
      switch section {
      case .heading:
        sections.append(
          outline.paragraph(.init(text: words.stamp(tree.stamp), style: .bold))
            + outline.paragraph(.init(text: tree.disclaimer, style: .dim)))
      case .redFlags:
        var roots = words.flagsInFull(tree.redFlags).map { flag in
          TextOutline.Node(
            headline: .init(text: "! \(flag.name) — \(words.urgency(flag.urgency))", style: .alert),
            details: words.details(flag).map { .init(text: $0, hang: 2) })
        }
        if let also = words.alsoMention(tree.redFlags) { roots.append(TextOutline.Node(headline: .init(text: also))) }
        if (!tree.withheld.isEmpty || words.holdsBackAllSelfCare(tree.careLevel)) && audience == .patient {
          sections.append(
            title(words.redFlagsTitle(tree.careLevel), .alert, outline) + outline.draw(roots)
              + outline.paragraph(.init(text: words.withheldSentence(tree.withheld, tree.careLevel), style: .dim)))
          if let waiting = tree.whileWaiting { sections.append(outline.paragraph(.init(text: waiting, style: .bold))) }
          continue
        }
        if !tree.withheld.isEmpty {
          roots.append(
            TextOutline.Node(
              headline: .init(text: words.withheldTitle(tree.careLevel), style: .bold),
              children: tree.withheld.map { .init(headline: .init(text: words.withheld($0), style: .dim)) }))
        }
        sections.append(title(words.redFlagsTitle(tree.careLevel), .alert, outline) + outline.draw(roots))
        if let waiting = tree.whileWaiting { sections.append(outline.paragraph(.init(text: waiting, style: .bold))) }
      case .unansweredSafetyQuestions:
        let open = tree.unansweredSafetyQuestions.flatMap { outline.paragraph(.init(text: "- " + words.unansweredSafety($0), hang: 2)) }
        sections.append(
          title(words.unansweredSafetyTitle, .alert, outline) + outline.paragraph(.init(text: words.unansweredSafetyIntro))
            + open)
      case .firstSteps:
        for part in tree.patientPlan.parts {
          var lines = title(words.planTitle(part), .bold, outline) + outline.paragraph(.init(text: words.planContributors(part)))
          if let why = words.planWhy(part) { lines += outline.paragraph(.init(text: why, style: .dim, hang: 0)) }
          if let step = part.firstStep {
            lines += outline.paragraph(.init(text: words.planStep(step), style: .good))
            for how in words.planHow(step) { lines += outline.paragraph(.init(text: "  " + how, hang: 2)) }
          } else if !tree.redFlags.contains(where: { $0.urgency.withholdsSelfCare }) {
            lines += outline.paragraph(.init(text: words.planNoStep(part, withheld: tree.withheld)))
          }
          sections.append(lines)
        }
      case .moreToTry:
        let more = tree.patientPlan.moreToTry
        var items = more.prefix(TreeWording.moreToTryShown).flatMap { outline.paragraph(.init(text: "- " + words.moreToTry($0), hang: 2)) }
        if more.count > TreeWording.moreToTryShown {
          items += outline.paragraph(.init(text: words.moreLeftOut(more.count - TreeWording.moreToTryShown, shownElsewhere: restOfPlan), style: .dim))
        }
        sections.append(title(words.moreToTryTitle, .bold, outline) + items)
      case .complaints:
        sections.append(title(words.complaintsTitle, .bold, outline) + outline.draw(tree.complaints.map { node($0, words, &seen) }))
      case .otherFindings:
        sections.append(title(words.otherFindingsTitle, .bold, outline) + outline.draw(tree.otherFindings.map { node($0, words, &seen) }))
      case .nothingFound:
        var lines = outline.paragraph(.init(text: words.nothingFound(tree)))
        if let advice = tree.generalAdvice { lines += outline.paragraph(.init(text: advice)) }
        sections.append(lines)
      case .otherRecommendations:
        sections.append(
          title(words.otherAdviceTitle, .bold, outline) + outline.draw(tree.otherRecommendations.map { recommendation($0, words, &seen) }))
      case .notForYou:
        let roots = tree.notForYou.map { entry in
          TextOutline.Node(
            headline: .init(text: words.headline(entry), style: .bold), details: words.details(entry).map { .init(text: $0, hang: 2) })
        }
        sections.append(title(words.notForYouTitle, .alert, outline) + outline.draw(roots))
      case .safetyNetting:
        let items = tree.safetyNetting.flatMap { outline.paragraph(.init(text: "- " + $0, hang: 2)) }
        sections.append(title(words.safetyNettingTitle, .alert, outline) + items)
      case .scores where audience == .patient:
        let lines = tree.scores.compactMap(words.patientScore).flatMap { outline.paragraph(.init(text: $0)) }
        let notices = words.copyrights(tree.scores).flatMap { outline.paragraph(.init(text: $0, style: .dim)) }
        sections.append(lines + notices)
      case .scores:
        let roots = tree.scores.map { score in
          TextOutline.Node(headline: .init(text: words.headline(score)), details: words.details(score).map { .init(text: $0) })
        }
        sections.append(title(words.scoresTitle, .bold, outline) + outline.draw(roots))
      case .answers:
        sections.append(
          title(words.answersTitle, .bold, outline) + outline.paragraph(.init(text: words.answers(tree.stamp.answers), style: .dim)))
      }
    }
    return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
  }

  private func title(_ text: String, _ style: TextOutline.Style, _ outline: TextOutline) -> [String] {
    outline.paragraph(.init(text: text, style: style))
  }

  /// What has been written in full already: later places say "see above".
  private struct Seen {
    var findings = Set<String>()
    var recommendations = Set<String>()
  }

  /// A finding with its reasons, recommendations and contributors.
  private func node(_ finding: FindingNode, _ words: TreeWording, _ seen: inout Seen) -> TextOutline.Node {
    var details: [TextOutline.Line] = []
    if let also = words.alsoBehind(finding) { details.append(.init(text: also, hang: 2)) }
    if finding.kind == .contributor {
      if !seen.findings.insert(finding.id).inserted {
        // A shared contributor is written in full once; later places point back to it.
        details.append(.init(text: "(shown in full above)", style: .dim))
        return TextOutline.Node(headline: .init(text: words.headline(finding), style: finding.lessLikely ? .dim : .plain), details: details)
      } else {
        let reasons = words.reasons(finding.reasons)
        if audience == .patient {
          if !reasons.isEmpty { details.append(.init(text: "Why: " + reasons.joined(separator: " "), hang: 2)) }
        } else {
          for (text, reason) in zip(reasons, finding.reasons) {
            details.append(.init(text: text, hang: 2))
            details += words.facts(reason).map { .init(text: "  ✓ " + $0, hang: 4) }
          }
        }
      }
    }
    var children = finding.recommendations.map { recommendation($0, words, &seen) }
    let likely = finding.contributors.filter { !$0.lessLikely }
    let lessLikely = finding.contributors.filter(\.lessLikely)
    children += likely.map { node($0, words, &seen) }
    if !lessLikely.isEmpty {
      children.append(
        TextOutline.Node(headline: .init(text: words.lessLikelyTitle, style: .dim), children: lessLikely.map { node($0, words, &seen) }))
    }
    if finding.kind == .complaint && finding.contributors.isEmpty {
      children.append(TextOutline.Node(headline: .init(text: words.nothingUpstream, style: .dim)))
    }
    let style: TextOutline.Style = finding.kind == .complaint ? .bold : (finding.lessLikely ? .dim : .plain)
    return TextOutline.Node(headline: .init(text: words.headline(finding), style: style), details: details, children: children)
  }

  /// A recommendation: in full the first time, then its title and what else it is for.
  private func recommendation(_ entry: RecommendationEntry, _ words: TreeWording, _ seen: inout Seen) -> TextOutline.Node {
    let first = seen.recommendations.insert(entry.id).inserted
    let details = first ? words.details(entry) : words.repeatDetails(entry)
    return TextOutline.Node(
      headline: .init(text: words.headline(entry) + (first ? "" : " (see above)"), style: entry.status == .given ? .good : .dim),
      details: details.map { .init(text: $0, hang: 2) })
  }
}
