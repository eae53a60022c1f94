// MARK: - Shared wording for tree renderers

/// The phrases the text, Markdown and HTML renderers share, so every format says the same
/// thing to the same audience.
struct TreeWording {
  let audience: Audience

  var isPatient: Bool { audience == .patient }

  /// A certainty: `likely` for patients, `likely (0.72)` for clinicians.
  func certainty(_ value: Double) -> String { isPatient ? Certainty.words(value) : Certainty.describe(value) }

  /// A finding's title: its name, and for clinicians its id.
  func title(_ node: FindingNode) -> String { isPatient ? node.patientName : "\(node.name) (\(node.id))" }

  /// A recommendation's title: in everyday words for patients.
  func title(_ entry: RecommendationEntry) -> String { isPatient ? entry.patientTitle : entry.title }

  /// A finding's headline: title, certainty, and whether it is shared.
  func headline(_ node: FindingNode) -> String {
    "\(title(node)) — \(certainty(node.certainty))" + (node.shared ? " · shared" : "")
  }

  /// `Also behind: Hip pain, Knee pain` for a shared contributor.
  func alsoBehind(_ node: FindingNode) -> String? {
    node.shared ? "Also behind: " + node.alsoUpstreamOf.map { label($0) }.joined(separator: ", ") : nil
  }

  func label(_ finding: FindingLabel) -> String { isPatient ? finding.name : "\(finding.name) (\(finding.id))" }

  /// Why a finding is thought likely: patients read each distinct wording of the rules for
  /// it; clinicians read every rule, for and against, with its certainty, place and sources.
  func reasons(_ reasons: [ExplanationStep]) -> [String] {
    if isPatient {
      var seen = Set<String>()
      return reasons.filter { ($0.contribution ?? 0) > 0 && seen.insert($0.rule.patientWording).inserted }.map { $0.rule.patientWording }
    }
    return reasons.map { reason in
      let contribution = reason.contribution ?? 0
      let sign = contribution >= 0 ? "+" : "−"
      return "\(sign)\(Certainty.number(abs(contribution))) \(reason.rule.id) (\(reason.rule.location)): "
        + reason.rule.clinicianWording + (sources(reason.rule.sources).map { " [\($0)]" } ?? "")
    }
  }

  /// Sources with their evidence levels: `truckers-guide: practitioner's article`.
  func sources(_ sources: [SourceReference]) -> String? {
    guard !isPatient, !sources.isEmpty else { return nil }
    return sources.map { "\($0.id): \($0.evidence.description)" }.joined(separator: "; ")
  }

  /// The facts a rule read that held, in words.
  func facts(_ reason: ExplanationStep) -> [String] {
    reason.conditions.filter { $0.outcome.isHolding }.map(fact)
  }

  /// One test and the fact it read: patients read the fact in words (certainties in
  /// words too), clinicians the test and the fact.
  func fact(_ condition: ConditionFact) -> String {
    guard isPatient else { return "\(condition.test) — \(condition.description)" }
    if case .finding(let label, let value)? = condition.fact { return "\(label.name) is \(Certainty.words(value))" }
    return condition.description
  }

  /// ✓ holds, ✗ fails, ? unknown.
  func mark(_ outcome: Truth) -> String {
    switch outcome {
    case .holds: "✓"
    case .fails: "✗"
    case .unknown: "?"
    }
  }

  /// A recommendation's headline: `Do: Arch lifts` or `Set aside: Supportive insoles`.
  func headline(_ entry: RecommendationEntry) -> String {
    (entry.status == .given ? "Do: " : "Set aside: ") + title(entry) + (isPatient ? "" : " (\(entry.id))")
  }

  /// A recommendation's details: dose, how (for patients), cautions, what else it is for,
  /// conflicts, and for clinicians the rules and sources. A recommendation set aside
  /// shows only why.
  func details(_ entry: RecommendationEntry) -> [String] {
    var lines: [String] = []
    if entry.status == .given {
      if let dose = entry.dose { lines.append("Dose: \(dose)") }
      if isPatient, let instructions = entry.instructions { lines.append("How: \(instructions)") }
      lines += entry.cautions.map { "Caution: \($0)" }
    }
    if !entry.alsoFor.isEmpty { lines.append("Also for: " + entry.alsoFor.map { label($0) }.joined(separator: ", ")) }
    lines += entry.settlements.map { $0.reason(for: audience) }
    if !isPatient {
      lines.append(
        "Called for by \(entry.calledForBy.map(\.id).joined(separator: ", ")) (strength \(Certainty.number(entry.strength)))")
      if let sources = sources(entry.sources) { lines.append("Sources: \(sources)") }
    }
    return lines
  }

  /// A recommendation already shown in full: what else it is for.
  func repeatDetails(_ entry: RecommendationEntry) -> [String] {
    entry.alsoFor.isEmpty ? [] : ["Also for: " + entry.alsoFor.map { label($0) }.joined(separator: ", ")]
  }

  /// How urgent a red flag is, as a heading.
  func urgency(_ urgency: Urgency) -> String {
    switch urgency {
    case .emergency: "EMERGENCY — now"
    case .urgentSameDay: "URGENT — the same day"
    case .routineReferral: "see a clinician — routine referral"
    }
  }

  /// A red flag's details: what to do, why, the rules and answers that raised it.
  func details(_ flag: RedFlagEntry) -> [String] {
    var lines = ["What to do: \(flag.advice)"]
    if let explanation = flag.explanation { lines.append("Why: \(explanation)") }
    for reason in flag.raisedBy {
      if isPatient {
        // The answers behind a flag are in the clinician's report; a patient reads them
        // only when the flag has no explanation in plain words.
        if flag.explanation == nil { lines.append("Because " + facts(reason).joined(separator: "; ") + ".") }
      } else {
        lines.append("Raised by \(reason.rule.id) (\(reason.rule.location)): \(reason.rule.clinicianWording)")
        lines += facts(reason).map { "✓ \($0)" }
      }
    }
    if let sources = sources(flag.sources) { lines.append("Sources: \(sources)") }
    return lines
  }

  /// A withheld recommendation in one line.
  func withheld(_ entry: WithheldRecommendation) -> String {
    var line = isPatient ? entry.patientTitle : entry.title + " (\(entry.id))"
    if !entry.wouldAddress.isEmpty { line += " — for " + entry.wouldAddress.map { label($0) }.joined(separator: ", ") }
    return line
  }

  /// A recommendation not for this person: `Roll out your feet — not for you`, or for
  /// clinicians with its id and the `not for` condition that held.
  func headline(_ entry: NotForYouRecommendation) -> String {
    isPatient
      ? "\(entry.patientTitle) — not for you"
      : "\(entry.title) (\(entry.id)) — withheld: not for \(entry.condition)"
  }

  /// Why it is not for this person: the reason, the answers that decided it, and for
  /// clinicians where the `not for` is written.
  func details(_ entry: NotForYouRecommendation) -> [String] {
    var lines = [entry.reason]
    let because = entry.because.map(\.description)
    if isPatient {
      if !because.isEmpty { lines.append("Because " + because.joined(separator: " and ") + ".") }
    } else {
      lines += because.map { "✓ \($0)" }
      lines.append("Declared at \(entry.declaredAt)")
    }
    if !entry.wouldAddress.isEmpty { lines.append("Would have been for " + entry.wouldAddress.map { label($0) }.joined(separator: ", ")) }
    return lines
  }

  /// A score: `STarT Back total score: 5 — Medium risk`.
  func headline(_ score: ScoreEntry) -> String {
    var line = "\(score.name): \(NumberText.plain(score.total))"
    if let label = score.stratumLabel { line += " — \(label)" }
    if !score.complete { line += " (incomplete: could be \(NumberText.plain(score.lowest)) to \(NumberText.plain(score.highest)))" }
    return line
  }

  func details(_ score: ScoreEntry) -> [String] {
    var lines: [String] = []
    if let meaning = score.stratumMeaning { lines.append(meaning) }
    if !isPatient {
      lines += score.contributions.map { "\($0.points >= 0 ? "+" : "")\(NumberText.plain($0.points)) \($0.rule.id) (\($0.rule.location))" }
    }
    if let copyright = score.copyright { lines.append(copyright) }
    return lines
  }

  /// The stamp: knowledge base, version, rule and answer hashes.
  /// The knowledge base and version; for clinicians, the hashes that reproduce the report.
  func stamp(_ stamp: RecommendationTree.Stamp) -> String {
    guard !isPatient else { return knowledgeBase(stamp) }
    return "\(knowledgeBase(stamp)) · rules sha256:\(stamp.contentHash.prefix(12))"
      + " · answers sha256:\(stamp.answersHash.prefix(12))"
  }

  /// The knowledge base's name; for clinicians with its version, said to be the knowledge
  /// base's ("knowledge base 1.0.0"), so it is not taken for Upstream's own
  /// (``UpstreamVersion``). The patient reads no version.
  func knowledgeBase(_ stamp: RecommendationTree.Stamp) -> String {
    isPatient ? stamp.knowledgeBaseName : "\(stamp.knowledgeBaseName), knowledge base \(stamp.knowledgeBaseVersion)"
  }

  /// The answers as `id=value` pairs (values as JSON), in question-id order.
  func answers(_ answers: Answers) -> String {
    let date = answers.assessmentDate.map { ["assessment date \($0)"] } ?? []
    return (date + answers.questionIDs.map { "\($0)=" + JSONWriter.compact(answers[$0]?.json ?? .null) }).joined(separator: " ")
  }

  // MARK: Section titles

  /// The heading over the red flags. The patient's says how soon, in the words of the
  /// most urgent flag: a mild "see a clinician" over an emergency would undersell it.
  func redFlagsTitle(_ level: CareLevel) -> String {
    guard isPatient else { return "RED FLAGS" }
    switch level {
    case .emergency: return "GET HELP NOW"
    case .urgentSameDay: return "SEE A DOCTOR TODAY"
    case .routineReferral, .selfCare: return "SEE A CLINICIAN FIRST"
    }
  }
  /// The heading over withheld recommendations: all of them under an emergency or urgent
  /// flag, those not safe to start meanwhile under a routine referral.
  /// The red flags told in full, with what to do and why. A patient is told only those
  /// at the most urgent level raised, so that they are given one place to go: "an urgent
  /// care centre today" beside "call 999" reads as a choice. A clinician sees them all.
  func flagsInFull(_ flags: [RedFlagEntry]) -> [RedFlagEntry] {
    guard isPatient, let most = flags.map(\.urgency).min() else { return flags }
    return flags.filter { $0.urgency == most }
  }

  /// The patient's sentence naming the warning signs left out of ``flagsInFull(_:)``, for
  /// them to mention to whoever sees them; nil when none was left out.
  func alsoMention(_ flags: [RedFlagEntry]) -> String? {
    let told = Set(flagsInFull(flags).map(\.id))
    let others = flags.filter { !told.contains($0.id) }.map(\.name)
    guard !others.isEmpty else { return nil }
    return "Also tell whoever sees you that your answers point to: " + others.joined(separator: "; ") + "."
  }

  /// Whether the patient is told that all self-care waits, in one sentence, rather than
  /// which advice: under a flag that needs a doctor now or today, nothing is to be
  /// started, whatever the answers would otherwise have called for.
  func holdsBackAllSelfCare(_ level: CareLevel) -> Bool {
    isPatient && (level == .emergency || level == .urgentSameDay)
  }

  /// The one sentence of `holdsBackAllSelfCare`.
  var allSelfCareHeldBack: String {
    "Do not start any exercises or other self-care until a clinician has seen you."
  }

  func withheldTitle(_ level: CareLevel) -> String {
    level == .routineReferral
      ? "Not to start until a clinician has seen you:" : "Self-care advice withheld until a clinician has seen you:"
  }
  var safetyNettingTitle: String { "WHEN TO GET HELP" }
  var unansweredSafetyTitle: String {
    isPatient ? "SAFETY QUESTIONS STILL OPEN" : "SAFETY QUESTIONS NOT ANSWERED"
  }
  var unansweredSafetyIntro: String {
    "These questions look for signs that need a doctor. Without an answer, those signs cannot be ruled out:"
  }

  /// One open safety question: its wording, and the id for clinicians.
  func unansweredSafety(_ question: UnansweredSafetyQuestion) -> String {
    let state = question.notSure ? "answered \"not sure\"" : "not answered"
    return isPatient ? "\(question.wording) (\(state))" : "\(question.wording) [\(question.id)] (\(state))"
  }
  var complaintsTitle: String { isPatient ? "WHERE IT HURTS AND WHAT MAY BE BEHIND IT" : "COMPLAINTS AND UPSTREAM CONTRIBUTORS" }
  var lessLikelyTitle: String { "Possible, less likely" }
  var otherFindingsTitle: String { isPatient ? "OTHER THINGS WE NOTICED" : "OTHER FINDINGS (upstream of no complaint)" }
  var otherAdviceTitle: String { "OTHER ADVICE" }
  /// The heading over recommendations withheld because they are not for this person.
  var notForYouTitle: String { isPatient ? "NOT FOR YOU" : "WITHHELD: NOT FOR THIS PERSON" }
  var scoresTitle: String { "SCORES" }
  var answersTitle: String { "ANSWERS" }
  var nothingUpstream: String { "No upstream contributor found for this." }
  /// What is said when no contributor was found: for someone who reported no pain, that
  /// there was nothing to look into (not "nothing behind your pain").
  func nothingFound(_ tree: RecommendationTree) -> String {
    guard tree.complaints.isEmpty else { return "Nothing in the answers points to an upstream contributor." }
    return isPatient
      ? "You have not told us of any pain, so there is nothing for these questions to look into. If pain starts, you can answer them again."
      : "No complaint was reported, so there is nothing upstream to look for."
  }

  // MARK: The patient's plan

  /// A complaint's heading in the plan: `KNEE PAIN`.
  func planTitle(_ part: RecommendationTree.PatientPlan.Part) -> String { part.complaint.patientName.uppercased() }

  /// What is most likely behind a complaint, in one sentence. When only "possible, less
  /// likely" contributors were found, it says they may play a part, not that they are
  /// most likely: "Most likely … (less likely)" contradicts itself.
  func planContributors(_ part: RecommendationTree.PatientPlan.Part) -> String {
    let names = part.contributors.map { "\($0.patientName) (\(Certainty.words($0.certainty)))" }
    let possible = part.contributors.allSatisfy(\.lessLikely)
    switch names.count {
    case 0: return "We found nothing behind it that these questions can point to."
    case 1: return "\(possible ? "Something that may play a part" : "Most likely behind it"): \(names[0])."
    default:
      return "\(possible ? "Things that may play a part" : "Most likely behind it"): "
        + "\(names.dropLast().joined(separator: ", ")) and \(names[names.count - 1])."
    }
  }

  /// Why the first contributor is thought to be behind this complaint, in the person's
  /// terms: the reason of a rule that linked it to the complaint, else its first reason.
  func planWhy(_ part: RecommendationTree.PatientPlan.Part) -> String? {
    guard let first = part.contributors.first else { return nil }
    let linking = Set(first.linkedBy.map { (rule: RuleReference) in rule.id })
    let own = first.reasons.filter { linking.contains($0.rule.id) }
    return reasons(own).first ?? reasons(first.reasons).first
  }

  /// The first step: `Start with: Hip flexor lunge — 30 seconds each side, daily.`
  func planStep(_ step: RecommendationEntry) -> String {
    "Start with: \(title(step))" + (step.dose.map { " — \($0.lowercasedFirst)" } ?? "") + (step.dose?.hasSuffix(".") == true ? "" : ".")
  }

  /// How to do the first step, and its cautions.
  func planHow(_ step: RecommendationEntry) -> [String] {
    (step.instructions.map { ["How: \($0)"] } ?? []) + step.cautions.map { "Caution: \($0)" }
  }

  /// What a complaint without a first step of its own is told. Advice for it held back
  /// until a clinician has seen a red flag (`withheld`) is not "no advice": the person is
  /// told it waits.
  func planNoStep(_ part: RecommendationTree.PatientPlan.Part, withheld: [WithheldRecommendation]) -> String {
    if part.coveredByEarlierStep { return "Start with the step above: it helps this too." }
    if part.complaint.recommendations.isEmpty && part.contributors.allSatisfy({ $0.recommendations.isEmpty }) {
      let findings = Set([part.complaint.id] + part.contributors.map(\.id))
      if withheld.contains(where: { $0.wouldAddress.contains { findings.contains($0.id) } }) {
        return "What to do for this waits until a clinician has seen you (see above)."
      }
      return "We have no specific advice for this yet. If it has not eased in a few weeks, or it stops you doing"
        + " your usual things, see a physiotherapist."
    }
    return "Start with the steps above; there is more for this below."
  }

  var moreToTryTitle: String { "MORE YOU CAN TRY, ONCE THESE FEEL EASY" }

  /// How many of the other recommendations the text and Markdown reports list; the HTML
  /// handout has them all, folded away.
  static let moreToTryShown = 4

  /// What is said about the ones left out of the list: how many, where this front end
  /// shows them (when it does), and whom to ask. It names no report the person may not have.
  func moreLeftOut(_ count: Int, shownElsewhere: String? = nil) -> String {
    "And \(count) more" + (shownElsewhere.map { ": \($0)" } ?? "") + ". Ask your physiotherapist which suit you."
  }

  /// One more thing to try, in one line: its title and dose.
  func moreToTry(_ entry: RecommendationEntry) -> String { title(entry) + (entry.dose.map { ": \($0.lowercasedFirst)" } ?? "") }

  /// A score for a patient: what its band means, without numbers.
  func patientScore(_ score: ScoreEntry) -> String? {
    guard let label = score.stratumLabel else { return nil }
    return "\(score.name): \((score.stratumMeaning ?? label).lowercasedFirst)"
  }

  /// The copyright lines a report shows: in full for clinicians (with the terms a
  /// deployment must follow); for patients, the attribution (its first sentence).
  func copyrights(_ scores: [ScoreEntry]) -> [String] {
    let lines = Set(scores.compactMap(\.copyright)).sorted()
    guard isPatient else { return lines }
    return lines.map(KnowledgeBase.attribution)
  }

  /// The withheld recommendations in one sentence, for patients.
  func withheldSentence(_ entries: [WithheldRecommendation], _ level: CareLevel) -> String {
    if holdsBackAllSelfCare(level) { return allSelfCareHeldBack }
    return withheldTitle(level) + " " + entries.map { isPatient ? $0.patientTitle : $0.title }.joined(separator: ". ") + "."
  }
}

extension String {
  /// The text with its first letter in lower case, unless it starts an acronym (`STarT`).
  var lowercasedFirst: String {
    guard let first, first.isUppercase else { return self }
    let second = dropFirst().first
    if let second, second.isUppercase { return self }
    return first.lowercased() + dropFirst()
  }
}
