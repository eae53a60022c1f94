// MARK: - The tree as one HTML file

/// Renders a recommendation tree as one self-contained HTML page: inline CSS, no external
/// assets and no network; a collapsible tree (`<details>`) with "Why?" panels; readable on
/// a phone (viewport meta, fluid layout) and printable as a handout (a print stylesheet,
/// and every panel opened before printing).
public struct TreeHTMLRenderer: Sendable {
  public let audience: Audience

  public init(audience: Audience = .clinician) { self.audience = audience }

  /// The whole page, ending with a newline.
  public func render(_ tree: RecommendationTree) -> String {
    let words = TreeWording(audience: audience)
    var body: [String] = []
    var seen = Set<String>()
    for section in tree.sections(for: audience) {
      switch section {
      case .heading:
        body.append("<header>")
        // The patient reads no version; a clinician reads whose version it is.
        let version = words.isPatient ? "" : " <span class=\"version\">knowledge base \(escape(tree.stamp.knowledgeBaseVersion))</span>"
        body.append("<h1>\(escape(tree.stamp.knowledgeBaseName))\(version)</h1>")
        body.append("<p class=\"disclaimer\">\(escape(tree.disclaimer))</p>")
        body.append("</header>")
      case .redFlags:
        body.append(redFlags(tree, words))
        if let waiting = tree.whileWaiting { body.append("<p class=\"while-waiting\"><strong>\(escape(waiting))</strong></p>") }
      case .unansweredSafetyQuestions:
        body.append(
          "<section class=\"safety-open\" role=\"alert\"><h2>\(escape(sentence(words.unansweredSafetyTitle)))</h2>"
            + "<p>\(escape(words.unansweredSafetyIntro))</p><ul>")
        body += tree.unansweredSafetyQuestions.map { "<li>\(escape(words.unansweredSafety($0)))</li>" }
        body.append("</ul></section>")
      case .firstSteps:
        body.append("<section class=\"first-steps\">")
        for part in tree.patientPlan.parts {
          body.append("<article class=\"plan\"><h2>\(escape(words.title(part.complaint)))</h2><p>\(escape(words.planContributors(part)))</p>")
          if let why = words.planWhy(part) { body.append("<p class=\"explain\">\(escape(why))</p>") }
          if let step = part.firstStep {
            body.append(
              "<div class=\"recommendation given first-step\" id=\"rec-\(escape(step.id))\"><p class=\"do\">\(escape(words.planStep(step)))</p>")
            body += words.planHow(step).map { "<p>\(escape($0))</p>" }
            body.append("</div>")
          } else if !tree.redFlags.contains(where: { $0.urgency.withholdsSelfCare }) {
            body.append("<p>\(escape(words.planNoStep(part, withheld: tree.withheld)))</p>")
          }
          body.append("</article>")
        }
        body.append("</section>")
      case .moreToTry:
        body.append("<section class=\"more\"><details><summary>\(escape(sentence(words.moreToTryTitle)))</summary><ul>")
        for entry in tree.patientPlan.moreToTry {
          body.append("<li id=\"rec-\(escape(entry.id))\"><strong>\(escape(words.title(entry)))</strong>")
          body += words.details(entry).map { "<br>\(escape($0))" }
          body.append("</li>")
        }
        body.append("</ul></details></section>")
      case .complaints:
        body.append("<section class=\"tree\"><h2>\(escape(sentence(words.complaintsTitle)))</h2><ul class=\"roots\">")
        body += tree.complaints.map { node($0, words, &seen) }
        body.append("</ul></section>")
      case .otherFindings:
        body.append("<section class=\"tree\"><h2>\(escape(sentence(words.otherFindingsTitle)))</h2><ul class=\"roots\">")
        body += tree.otherFindings.map { node($0, words, &seen) }
        body.append("</ul></section>")
      case .nothingFound:
        body.append("<section class=\"nothing\"><p><strong>\(escape(words.nothingFound(tree)))</strong></p>")
        if let advice = tree.generalAdvice { body.append("<p>\(escape(advice))</p>") }
        body.append("</section>")
      case .otherRecommendations:
        body.append("<section class=\"other-advice\"><h2>Other advice</h2><ul class=\"recommendations\">")
        body += tree.otherRecommendations.map { recommendation($0, words, &seen) }
        body.append("</ul></section>")
      case .notForYou:
        body.append("<section class=\"not-for-you\"><h2>\(escape(sentence(words.notForYouTitle)))</h2><ul>")
        body += tree.notForYou.map { entry in
          "<li><strong>\(escape(words.headline(entry)))</strong><ul>"
            + words.details(entry).map { "<li>\(escape($0))</li>" }.joined() + "</ul></li>"
        }
        body.append("</ul></section>")
      case .safetyNetting:
        body.append("<section class=\"safety-netting\"><h2>\(escape(sentence(words.safetyNettingTitle)))</h2><ul>")
        body += tree.safetyNetting.map { "<li>\(escape($0))</li>" }
        body.append("</ul></section>")
      case .scores where audience == .patient:
        body.append("<section class=\"scores\"><h2>Scores</h2>")
        body += tree.scores.compactMap(words.patientScore).map { "<p>\(escape($0))</p>" }
        body += words.copyrights(tree.scores).map { "<p class=\"notice\">\(escape($0))</p>" }
        body.append("</section>")
      case .scores:
        body.append("<section class=\"scores\"><h2>Scores</h2>")
        for score in tree.scores {
          body.append("<div class=\"score\"><p><strong>\(escape(words.headline(score)))</strong></p>")
          body += words.details(score).map { "<p>\(escape($0))</p>" }
          body.append("</div>")
        }
        body.append("</section>")
      case .answers:
        body.append(
          "<footer><p class=\"stamp\">\(escape(words.knowledgeBase(tree.stamp))) · upstream \(UpstreamVersion.current)<br>"
            + "Rules <code>sha256:\(escape(tree.stamp.contentHash))</code><br>"
            + "Answers <code>sha256:\(escape(tree.stamp.answersHash))</code></p>"
            + "<details><summary>Answers this report is based on</summary><pre>"
            + escape(JSONWriter.pretty(tree.stamp.answers.json)) + "</pre></details></footer>")
      }
    }
    return page(title: "\(tree.stamp.knowledgeBaseName): assessment", body: body.joined(separator: "\n"))
  }

  // MARK: Sections

  private func redFlags(_ tree: RecommendationTree, _ words: TreeWording) -> String {
    var parts = ["<section class=\"red-flags\" role=\"alert\"><h2>\(escape(sentence(words.redFlagsTitle(tree.careLevel))))</h2>"]
    for flag in words.flagsInFull(tree.redFlags) {
      parts.append("<article class=\"flag \(flag.urgency.rawValue)\">")
      parts.append("<h3>\(escape(flag.name))</h3><p class=\"urgency\">\(escape(words.urgency(flag.urgency)))</p>")
      parts.append("<p class=\"advice\">\(escape(flag.advice))</p>")
      let details = words.details(flag).dropFirst()
      if !details.isEmpty {
        parts.append("<details class=\"why\"><summary>Why?</summary><ul>")
        parts += details.map { "<li>\(escape($0))</li>" }
        parts.append("</ul></details>")
      }
      parts.append("</article>")
    }
    if let also = words.alsoMention(tree.redFlags) { parts.append("<p class=\"also-mention\">\(escape(also))</p>") }
    if words.holdsBackAllSelfCare(tree.careLevel) {
      parts.append("<div class=\"withheld\"><p><strong>\(escape(words.allSelfCareHeldBack))</strong></p></div>")
    } else if !tree.withheld.isEmpty {
      parts.append("<div class=\"withheld\"><p><strong>\(escape(words.withheldTitle(tree.careLevel)))</strong></p><ul>")
      parts += tree.withheld.map { "<li>\(escape(words.withheld($0)))</li>" }
      parts.append("</ul></div>")
    }
    parts.append("</section>")
    return parts.joined(separator: "\n")
  }

  /// A finding: a collapsible item with its "Why?" panel, recommendations and contributors.
  private func node(_ finding: FindingNode, _ words: TreeWording, _ seen: inout Set<String>) -> String {
    var classes = [finding.kind.rawValue]
    if finding.lessLikely { classes.append("less-likely") }
    if finding.shared { classes.append("shared") }
    var parts = ["<li class=\"\(classes.joined(separator: " "))\"><details open><summary>"]
    parts.append(
      "<span class=\"name\">\(escape(words.title(finding)))</span> "
        + "<span class=\"certainty\">\(escape(words.certainty(finding.certainty)))</span>"
        + (finding.shared ? " <span class=\"badge\">shared</span>" : "") + "</summary>")
    if let also = words.alsoBehind(finding) { parts.append("<p class=\"also\">\(escape(also))</p>") }
    if let explanation = finding.explanation, finding.kind == .contributor, seen.insert("finding:" + finding.id).inserted {
      parts.append("<p class=\"explain\">\(escape(explanation))</p>")
    }
    if finding.kind == .contributor { parts.append(why(finding, words)) }
    var children = finding.recommendations.map { recommendation($0, words, &seen) }
    children += finding.contributors.filter { !$0.lessLikely }.map { node($0, words, &seen) }
    let lessLikely = finding.contributors.filter(\.lessLikely)
    if !lessLikely.isEmpty {
      children.append(
        "<li class=\"group\"><details><summary>\(escape(words.lessLikelyTitle)) (\(lessLikely.count))</summary><ul>"
          + lessLikely.map { node($0, words, &seen) }.joined(separator: "\n") + "</ul></details></li>")
    }
    if finding.kind == .complaint && finding.contributors.isEmpty {
      children.append("<li class=\"none\">\(escape(words.nothingUpstream))</li>")
    }
    if !children.isEmpty { parts.append("<ul>\n" + children.joined(separator: "\n") + "\n</ul>") }
    parts.append("</details></li>")
    return parts.joined(separator: "\n")
  }

  /// The "Why?" panel: each rule for or against, with the answers it read.
  private func why(_ finding: FindingNode, _ words: TreeWording) -> String {
    var parts = ["<details class=\"why\"><summary>Why?</summary><ul>"]
    for reason in finding.reasons where audience == .clinician || (reason.contribution ?? 0) > 0 {
      var item = "<li>"
      if audience == .clinician {
        let contribution = reason.contribution ?? 0
        let sign = contribution >= 0 ? "+" : "−"
        item +=
          "<span class=\"rule\">\(sign)\(Certainty.number(abs(contribution))) \(escape(reason.rule.id))"
          + " <code>\(escape(reason.rule.location.description))</code></span> "
      }
      item += escape(reason.rule.wording(for: audience))
      let facts = words.facts(reason)
      if !facts.isEmpty { item += "<ul class=\"facts\">" + facts.map { "<li>\(escape($0))</li>" }.joined() + "</ul>" }
      if let sources = words.sources(reason.rule.sources) { item += "<p class=\"sources\">Sources: \(escape(sources))</p>" }
      parts.append(item + "</li>")
    }
    parts.append("</ul></details>")
    return parts.joined(separator: "\n")
  }

  private func recommendation(_ entry: RecommendationEntry, _ words: TreeWording, _ seen: inout Set<String>) -> String {
    let first = seen.insert("recommendation:" + entry.id).inserted
    let details = first ? words.details(entry) : words.repeatDetails(entry)
    let status = entry.status.rawValue
    // The first place has the card in full, with an id; later places link to it (the
    // page's script opens any collapsed section the card is in).
    return "<li class=\"recommendation \(status)\"" + (first ? " id=\"rec-\(escape(entry.id))\"" : "") + "><p class=\"do\">"
      + escape(words.headline(entry))
      + (first ? "" : " <a class=\"see-above\" href=\"#rec-\(escape(entry.id))\">(see above)</a>") + "</p>"
      + (details.isEmpty ? "" : "<ul>" + details.map { "<li>\(escape($0))</li>" }.joined() + "</ul>") + "</li>"
  }

  // MARK: The page

  private func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escape(title))</title>
    <style>
    \(Self.styleSheet)
    </style>
    </head>
    <body class="\(audience.rawValue)">
    \(body)
    <script>
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    });
    function reveal(id) {
      var card = document.getElementById(id);
      if (!card) return;
      for (var e = card.parentElement; e; e = e.parentElement) { if (e.tagName === "DETAILS") e.open = true; }
      card.scrollIntoView();
    }
    document.querySelectorAll("a.see-above").forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var id = a.getAttribute("href").slice(1);
        history.replaceState(null, "", "#" + id);
        reveal(id);
      });
    });
    if (location.hash) reveal(location.hash.slice(1));
    </script>
    </body>
    </html>

    """
  }

  /// `RED FLAGS` as `Red flags`.
  private func sentence(_ text: String) -> String {
    guard let first = text.first, !text.dropFirst().contains(where: \.isLowercase) else { return text }
    return String(first) + text.dropFirst().lowercased()
  }

  /// Escapes text for HTML content and attributes.
  func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }

  static let styleSheet = """
    :root { --ink: #1b1b1f; --muted: #5f6368; --line: #c9ccd1; --alert: #b3261e; --alert-bg: #fdecea;
      --good: #1e6b3a; --good-bg: #eaf5ee; --accent: #1a4f8b; }
    * { box-sizing: border-box; }
    body { margin: 0 auto; max-width: 46rem; padding: 1rem; color: var(--ink); background: #fff;
      font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
      overflow-wrap: anywhere; }
    h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
    h1 .version { font-weight: normal; color: var(--muted); }
    h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
    h3 { font-size: 1.05rem; margin: 0; }
    .stamp { font-size: .75rem; color: var(--muted); margin: 0 0 .5rem; overflow-wrap: anywhere; }
    .disclaimer { font-size: .9rem; color: var(--muted); border-left: 3px solid var(--line); padding-left: .75rem; }
    .red-flags, .safety-open { background: var(--alert-bg); border: 2px solid var(--alert); border-radius: .5rem; padding: .75rem 1rem; }
    .red-flags h2, .safety-open h2 { color: var(--alert); border-color: var(--alert); margin-top: 0; }
    .flag { margin-bottom: .75rem; }
    .flag .urgency { color: var(--alert); font-weight: bold; margin: 0; }
    .flag .advice { font-weight: bold; margin: .25rem 0; }
    .withheld { color: var(--muted); }
    .first-steps ol { padding-left: 1.5rem; }
    ul { padding-left: 1.1rem; margin: .25rem 0; }
    ul.roots { padding-left: 0; list-style: none; }
    li.complaint > details > summary { font-size: 1.1rem; font-weight: bold; }
    li.contributor, li.group, li.recommendation, li.none { list-style: none; border-left: 2px solid var(--line);
      margin: .4rem 0; padding-left: .6rem; }
    li.less-likely { color: var(--muted); }
    summary { cursor: pointer; }
    .certainty { color: var(--accent); font-weight: normal; }
    .badge { font-size: .75rem; border: 1px solid var(--accent); color: var(--accent); border-radius: .6rem; padding: 0 .4rem; }
    .also, .explain { margin: .2rem 0; font-size: .9rem; color: var(--muted); }
    details.why { margin: .2rem 0; font-size: .9rem; }
    details.why > summary { color: var(--accent); }
    .rule code, .stamp code { font-size: .8rem; }
    .sources { font-size: .8rem; color: var(--muted); margin: .1rem 0; }
    li.recommendation.given { border-left-color: var(--good); background: var(--good-bg); border-radius: 0 .3rem .3rem 0; }
    li.recommendation.set-aside { color: var(--muted); }
    li.recommendation ul { font-size: .9rem; }
    .do { margin: .2rem 0; font-weight: bold; }
    .see-above { font-weight: normal; color: var(--muted); }
    .nothing { background: var(--good-bg); padding: .75rem 1rem; border-radius: .5rem; }
    footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); }
    footer pre { white-space: pre-wrap; }
    @media print {
      body { max-width: none; font-size: 11pt; }
      summary { list-style: none; }
      summary::-webkit-details-marker { display: none; }
      details.why > summary { font-weight: bold; color: var(--ink); }
      .red-flags, .safety-open, li.recommendation.given, .nothing { background: none; }
      li, .flag { break-inside: avoid; }
    }
    """
}
