// MARK: - What the person is shown

/// What an assessment shows the person who answered: the red flags raised, with their
/// urgency, and the patient's report (`--audience patient`) as text and as the HTML
/// handout, which hold the plan per complaint, the recommendations with their doses and
/// instructions (the handout lists every one to try, with its dose), what is withheld,
/// the open safety questions and the scores' bands.
///
/// The questionnaire in `until-advice-settled` mode stops when no open question could
/// change this, so it shows the same as the full answers would (see `AdaptivityReport`).
package struct ShownResult: Sendable, Hashable {
  /// Each red flag raised, as `id urgency`, most urgent first.
  package let redFlags: [String]
  /// The patient's report at 80 columns, without colour.
  package let patientText: String
  /// The patient's handout as HTML (what the web questionnaire shows at the end).
  package let patientHandout: String

  package init(_ assessment: Assessment) {
    let kb = assessment.knowledgeBase
    redFlags = assessment.redFlags.map { "\(kb.redFlags[$0.flag].id) \($0.urgency.rawValue)" }
    let tree = assessment.tree
    patientText = TreeTextRenderer(audience: .patient, width: 80).render(tree)
    patientHandout = TreeHTMLRenderer(audience: .patient).render(tree)
  }

  /// How this differs from another, one line per difference: red flags, then each line
  /// of the patient's report found on one side only.
  package func differences(from other: ShownResult) -> [String] {
    var lines: [String] = []
    lines += redFlags.filter { !other.redFlags.contains($0) }.map { "red flag only here: \($0)" }
    lines += other.redFlags.filter { !redFlags.contains($0) }.map { "red flag only there: \($0)" }
    if patientHandout != other.patientHandout, patientText == other.patientText {
      let mine = patientHandout.split(separator: "\n", omittingEmptySubsequences: false)
      let theirs = other.patientHandout.split(separator: "\n", omittingEmptySubsequences: false)
      lines += mine.filter { !theirs.contains($0) }.map { "patient handout only here: \($0)" }
      lines += theirs.filter { !mine.contains($0) }.map { "patient handout only there: \($0)" }
      if lines.isEmpty { lines.append("patient handout: the same lines in another order") }
    }
    guard patientText != other.patientText else { return lines }
    let mine = patientText.split(separator: "\n", omittingEmptySubsequences: false)
    let theirs = other.patientText.split(separator: "\n", omittingEmptySubsequences: false)
    lines += mine.filter { !theirs.contains($0) }.map { "patient text only here: \($0)" }
    lines += theirs.filter { !mine.contains($0) }.map { "patient text only there: \($0)" }
    if lines.isEmpty { lines.append("patient text: the same lines in another order") }
    return lines
  }
}
