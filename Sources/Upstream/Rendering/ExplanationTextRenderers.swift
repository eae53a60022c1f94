// MARK: - Why, why not and what if as text

/// Renders an `WhyExplanation` (`upstream why`) as a box-drawn chain back to the answers.
public struct WhyTextRenderer: Sendable {
  public let audience: Audience
  public let width: Int
  public let colour: Bool

  public init(audience: Audience = .clinician, width: Int = 80, colour: Bool = false) {
    self.audience = audience
    self.width = width
    self.colour = colour
  }

  /// The explanation as text, ending with a newline.
  public func render(_ explanation: WhyExplanation) -> String {
    let words = TreeWording(audience: audience)
    let outline = TextOutline(width: width, colour: colour)
    var explained = Set<String>()
    let root = node(explanation, words, &explained)
    return outline.draw([root]).joined(separator: "\n") + "\n"
  }

  private func headline(_ explanation: WhyExplanation, _ words: TreeWording) -> String {
    let name = words.isPatient ? explanation.name : "\(explanation.name) (\(explanation.id))"
    let state: String
    switch explanation.subject {
    case .finding: state = "is " + words.certainty(explanation.certainty ?? 0)
    case .redFlag, .recommendation: state = "is " + explanation.summary
    case .score: state = "is " + explanation.summary
    }
    return "Why \(name) \(state)"
  }

  private func node(_ explanation: WhyExplanation, _ words: TreeWording, _ explained: inout Set<String>) -> TextOutline.Node {
    var details: [TextOutline.Line] = []
    explained.insert(explanation.id)
    if !words.isPatient, explanation.subject == .finding, let combination = Self.combination(explanation.steps) {
      details.append(.init(text: combination, hang: 2))
    }
    if explanation.steps.isEmpty {
      let none = words.isPatient ? "None of your answers points to it." : "No rule concluded it. Try: upstream why-not \(explanation.id)"
      details.append(.init(text: none, style: .dim))
    }
    if let range = explanation.range {
      details.append(
        .init(text: "Unanswered questions leave it between \(words.certainty(range.lowerBound)) and \(words.certainty(range.upperBound)).", hang: 2))
    }
    details += explanation.notes.map { .init(text: $0, hang: 2) }
    var children = explanation.steps.map { step($0, words, &explained) }
    if !explanation.undecided.isEmpty {
      children.append(
        TextOutline.Node(
          headline: .init(text: "Could still change (some answers are missing or not sure):", style: .dim),
          children: explanation.undecided.map { step($0, words, &explained) }))
    }
    return TextOutline.Node(headline: .init(text: headline(explanation, words), style: .bold), details: details, children: children)
  }

  private func step(_ step: ExplanationStep, _ words: TreeWording, _ explained: inout Set<String>) -> TextOutline.Node {
    var details: [TextOutline.Line] = []
    let headline: String
    if words.isPatient {
      headline = step.rule.patientWording
    } else {
      headline = "\(Self.role(step)) — rule \(step.rule.id) (\(step.rule.location))"
      details.append(.init(text: step.rule.clinicianWording, hang: 2))
      if let certainty = step.ruleCertainty, let premise = step.premise, let contribution = step.contribution {
        details.append(
          .init(text: "rule certainty \(NumberText.plain(certainty)) × condition \(Certainty.number(premise)) = \(Certainty.number(contribution))"))
      }
      if let sources = words.sources(step.rule.sources) { details.append(.init(text: "Sources: \(sources)", hang: 2)) }
    }
    let children = shownConditions(step, words).map { condition -> TextOutline.Node in
      var node = TextOutline.Node(headline: .init(text: "\(words.mark(condition.outcome)) " + words.fact(condition), hang: 2))
      if let chain = condition.chain {
        if explained.contains(chain.id) {
          node.details.append(.init(text: "(explained above)", style: .dim))
        } else {
          node.children.append(self.node(chain, words, &explained))
        }
      }
      return node
    }
    let style: TextOutline.Style = step.role == .opposes ? .alert : (step.role == .undecided ? .dim : .plain)
    return TextOutline.Node(headline: .init(text: headline, style: style, hang: 2), details: details, children: children)
  }

  /// The tests of a step a reader is shown: every one for the clinician, who reads each
  /// test beside its fact; for the patient, who reads the fact alone, the answers that
  /// count towards it and those still missing, each once (a test that failed, such as
  /// an age band the person is not in, would show their own answer as crossed out).
  private func shownConditions(_ step: ExplanationStep, _ words: TreeWording) -> [ConditionFact] {
    guard words.isPatient else { return step.conditions }
    var seen = Set<String>()
    return step.conditions.filter { condition in
      condition.outcome != .fails && seen.insert("\(condition.outcome) \(words.fact(condition))").inserted
    }
  }

  /// `+0.50 for`, `−0.30 against`, `raises`, `+1 point`.
  static func role(_ step: ExplanationStep) -> String {
    switch step.role {
    case .supports, .opposes:
      let value = step.contribution ?? 0
      return "\(value >= 0 ? "+" : "−")\(Certainty.number(abs(value))) \(step.role.rawValue)"
    case .addsPoints:
      let points = step.contribution ?? 0
      return "\(points >= 0 ? "+" : "")\(NumberText.plain(points)) point\(abs(points) == 1 ? "" : "s")"
    case .raises: return "raises it"
    case .recommends: return "calls for it (condition \(Certainty.number(step.premise ?? 0)))"
    case .undecided: return "undecided"
    }
  }

  /// How the evidence combines: `for: 1 − (1 − 0.50)(1 − 0.18) = 0.59`.
  static func combination(_ steps: [ExplanationStep]) -> String? {
    let supporting = steps.compactMap(\.contribution).filter { $0 > 0 }.sorted(by: >)
    let opposing = steps.compactMap(\.contribution).filter { $0 < 0 }.map { -$0 }.sorted(by: >)
    guard supporting.count + opposing.count > 1 else { return nil }
    func part(_ name: String, _ values: [Double]) -> (String, Double)? {
      guard !values.isEmpty else { return nil }
      let total = Certainty.combinePositive(values)
      if values.count == 1 { return ("\(name) \(Certainty.number(total))", total) }
      let product = values.map { "(1 − \(Certainty.number($0)))" }.joined()
      return ("\(name): 1 − \(product) = \(Certainty.number(total))", total)
    }
    let parts = [part("for", supporting), part("against", opposing)].compactMap { $0 }
    var text = parts.map(\.0).joined(separator: "; ")
    if parts.count == 2 {
      let (plus, minus) = (parts[0].1, parts[1].1)
      let combined = Certainty.combine(for: supporting, against: opposing)
      text +=
        "; combined: (\(Certainty.number(plus)) − \(Certainty.number(minus))) / (1 − \(Certainty.number(min(plus, minus)))) = \(Certainty.number(combined))"
    }
    return text
  }
}

/// Renders a `WhyNotExplanation` (`upstream why-not`): each rule that could have concluded
/// it, what stopped it, and the answers that would have made it fire.
public struct WhyNotTextRenderer: Sendable {
  public let audience: Audience
  public let width: Int
  public let colour: Bool

  public init(audience: Audience = .clinician, width: Int = 80, colour: Bool = false) {
    self.audience = audience
    self.width = width
    self.colour = colour
  }

  /// The explanation as text, ending with a newline.
  public func render(_ explanation: WhyNotExplanation) -> String {
    let words = TreeWording(audience: audience)
    let outline = TextOutline(width: width, colour: colour)
    let name = words.isPatient ? explanation.name : "\(explanation.name) (\(explanation.id))"
    let state = explanation.certainty.map(words.certainty) ?? explanation.summary
    var details: [TextOutline.Line] = explanation.notes.map { .init(text: $0, hang: 2) }
    if explanation.candidates.isEmpty { details.append(.init(text: "No rule in the knowledge base can conclude it.")) }
    var headline = "Why not \(name)? It is \(state)."
    if isPatientsWarningSign(explanation) {
      // A person reads "not raised" as an all-clear: say what it is and is not.
      headline = "Why not \(name)? None of the warning signs Upstream asks about for it is in your answers."
      details.insert(
        .init(text: "That does not rule it out. If you are worried, or something changes, see a doctor: your report says when to get help."),
        at: 0)
    }
    let root = TextOutline.Node(
      headline: .init(text: headline, style: .bold), details: details,
      children: explanation.candidates.map { candidate($0, words, explanation) })
    return outline.draw([root]).joined(separator: "\n") + "\n"
  }

  private func candidate(_ candidate: WhyNotCandidate, _ words: TreeWording, _ explanation: WhyNotExplanation) -> TextOutline.Node {
    var details: [TextOutline.Line] = []
    var headline: String
    if words.isPatient {
      headline =
        (candidate.state == .fired ? (candidate.role == .opposes ? "Against it: " : "This applies: ") : "Not this: ")
        + "\"\(candidate.rule.patientWording)\""
    } else {
      let mark = candidate.state == .fired ? "✓ fired" : (candidate.state == .unknown ? "? unknown" : "✗ failed")
      headline = "\(mark) — rule \(candidate.rule.id) (\(candidate.rule.location))"
      if candidate.role == .opposes { headline += " against it" }
      if let certainty = candidate.ruleCertainty { headline += ", certainty \(NumberText.plain(certainty))" }
      details.append(.init(text: candidate.rule.clinicianWording, hang: 2))
      if let contribution = candidate.contribution {
        details.append(.init(text: "gave \(contribution >= 0 ? "+" : "−")\(Certainty.number(abs(contribution)))"))
      }
    }
    var children: [TextOutline.Node] = []
    if candidate.state != .fired {
      let stop = candidate.state == .unknown ? "Unknown" : "Stopped"
      var stopNode = TextOutline.Node(
        headline: .init(text: words.isPatient ? "Because:" : "\(stop) at: \(candidate.blockedAt ?? "")", hang: 2))
      // Two tests of one answer (`pain_areas includes lower_back or … upper_back`) read
      // the same in words: each line once.
      var shown = Set<String>()
      stopNode.children = candidate.blockers.map { "\(words.mark($0.outcome)) " + words.fact($0) }.filter { shown.insert($0).inserted }.map {
        TextOutline.Node(headline: .init(text: $0, hang: 2))
      }
      children.append(stopNode)
      // Which answer would raise a warning sign is not shown to the person answering: it
      // reads as coaching, and the clinician's explanation has it.
      if !isPatientsWarningSign(explanation) { children.append(wouldFire(candidate, words, explanation)) }
    }
    let style: TextOutline.Style = candidate.state == .fired ? (candidate.role == .opposes ? .alert : .good) : .plain
    return TextOutline.Node(headline: .init(text: headline, style: style, hang: 2), details: details, children: children)
  }

  /// Whether this is a red flag not raised, explained to the person who answered.
  private func isPatientsWarningSign(_ explanation: WhyNotExplanation) -> Bool {
    audience == .patient && explanation.subject == .redFlag && !explanation.concluded
  }

  private func wouldFire(_ candidate: WhyNotCandidate, _ words: TreeWording, _ explanation: WhyNotExplanation) -> TextOutline.Node {
    guard !candidate.wouldFireWith.isEmpty || !candidate.unmet.isEmpty else {
      return TextOutline.Node(headline: .init(text: "No change of answers found that would make it apply.", style: .dim))
    }
    var node = TextOutline.Node(headline: .init(text: words.isPatient ? "It would apply if you answered:" : "Would fire with:", hang: 2))
    node.children = candidate.wouldFireWith.map { change in
      let was = change.currentText.map { "you answered \($0)" } ?? "not asked"
      var text = "\(change.suggestedText) to \"\(change.wording)\" (\(was))"
      if !words.isPatient { text = "\(change.questionID): " + text }
      return TextOutline.Node(headline: .init(text: text, hang: 2))
    }
    node.children += candidate.unmet.map { TextOutline.Node(headline: .init(text: "and \($0) (not a single answer)", hang: 2)) }
    if !candidate.wouldFireWith.isEmpty {
      if candidate.verified {
        if let resulting = candidate.resultingCertainty {
          node.children.append(.init(headline: .init(text: "→ then \(explanation.name) would be \(words.certainty(resulting))", hang: 2)))
        }
      } else {
        node.children.append(.init(headline: .init(text: "checked: these answers alone would not be enough", style: .dim, hang: 2)))
      }
    }
    return node
  }
}

/// Renders a `TreeComparison` (`upstream what-if`) as a diff: `+` gained, `−` lost, `~` changed.
public struct WhatIfTextRenderer: Sendable {
  public let audience: Audience
  public let width: Int
  public let colour: Bool

  public init(audience: Audience = .clinician, width: Int = 80, colour: Bool = false) {
    self.audience = audience
    self.width = width
    self.colour = colour
  }

  /// The comparison as text, ending with a newline.
  public func render(_ comparison: TreeComparison) -> String {
    let words = TreeWording(audience: audience)
    let outline = TextOutline(width: width, colour: colour)
    var sections: [[String]] = []
    sections.append(
      outline.paragraph(
        .init(
          text:
            "What if — before: answers sha256:\(comparison.before.stamp.answersHash.prefix(12)), after: answers sha256:\(comparison.after.stamp.answersHash.prefix(12))",
          style: .bold)))
    func section(_ title: String, _ lines: [(String, TextOutline.Style)]) {
      guard !lines.isEmpty else { return }
      sections.append(
        outline.paragraph(.init(text: title, style: .bold)) + lines.flatMap { outline.paragraph(.init(text: $0.0, style: $0.1, hang: 2)) })
    }
    section(
      "ANSWERS CHANGED",
      comparison.answers.map { change in
        let label = words.isPatient ? "\"\(change.wording)\"" : "\(change.questionID) (\"\(change.wording)\")"
        if words.isPatient {
          return ("~ \(label): \(change.beforeText ?? "(not answered)") → \(change.afterText ?? "(not answered)")", .plain)
        }
        return ("~ \(label): \(answer(change.before)) → \(answer(change.after))", .plain)
      })
    section(
      "RED FLAGS",
      comparison.redFlags.map { flag in
        switch (flag.before, flag.after) {
        case (nil, let after?): return ("+ \(flag.name): \(words.urgency(after))", .alert)
        case (let before?, nil): return ("− \(flag.name) (was \(words.urgency(before)))", .good)
        default: return ("~ \(flag.name): \(flag.before.map(words.urgency) ?? "") → \(flag.after.map(words.urgency) ?? "")", .alert)
        }
      })
    section(
      "SAFETY QUESTIONS",
      comparison.safetyQuestions.map { question in
        let label = words.isPatient ? "\"\(question.wording)\"" : "\(question.id) (\"\(question.wording)\")"
        return question.openAfter
          ? ("! now not answered: \(label); no red flag can be ruled out on it", .alert)
          : ("✓ now answered: \(label)", .good)
      })
    section("FINDINGS", comparison.placements.map { placement($0, words) })
    section(
      "CERTAINTY",
      comparison.certainties.map { change in
        ("~ \(words.label(change.finding)): \(words.certainty(change.before)) → \(words.certainty(change.after))", .plain)
      })
    section(
      "RECOMMENDATIONS",
      comparison.recommendations.map { change in
        let title = words.isPatient ? change.title : "\(change.title) (\(change.id))"
        switch change.change {
        case .gained: return ("+ \(title)" + (change.before.map { " (was \(status($0)))" } ?? ""), .good)
        case .lost: return ("− \(title)" + (change.after.map { " (now \(status($0)))" } ?? " (no longer called for)"), .dim)
        case .changed:
          return ("~ \(title): \(change.before.map(status) ?? "not called for") → \(change.after.map(status) ?? "not called for")", .plain)
        }
      })
    section(
      "SCORES",
      comparison.scores.map { change in
        ("~ \(change.name): \(change.before.map(words.headline) ?? "not scored") → \(change.after.map(words.headline) ?? "not scored")", .plain)
      })
    if comparison.isEmpty { sections.append(outline.paragraph(.init(text: "The tree does not change."))) }
    return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
  }

  private func answer(_ value: AnswerValue?) -> String { value.map { JSONWriter.compact($0.json) } ?? "(not answered)" }

  private func status(_ status: TreeComparison.RecommendationStatus) -> String { status.words }

  private func placement(_ difference: TreeComparison.PlacementDifference, _ words: TreeWording) -> (String, TextOutline.Style) {
    let name = words.label(difference.finding)
    let under = difference.under.map { " under \(words.label($0))" } ?? ""
    func place(_ placement: TreeComparison.Placement) -> String {
      "#\(placement.rank)\(placement.lessLikely ? " (possible, less likely)" : ""), \(words.certainty(placement.certainty))"
    }
    switch difference.change {
    case .gained: return ("+ \(name)\(under): \(difference.after.map(place) ?? "")", .plain)
    case .lost: return ("− \(name)\(under) (was \(difference.before.map(place) ?? ""))", .dim)
    case .reranked:
      return ("~ \(name)\(under): \(difference.before.map(place) ?? "") → \(difference.after.map(place) ?? "")", .plain)
    }
  }
}
