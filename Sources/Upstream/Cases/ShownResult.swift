// MARK: - What the person is shown

/// What an assessment shows the person who answered: the red flags raised, with their
/// urgency, and the patient's report as text (`--audience patient`), which holds the plan
/// per complaint, the recommendations with their doses and instructions, what is
/// withheld, the open safety questions and the scores' bands.
///
/// The questionnaire in `until-advice-settled` mode stops when no open question could
/// change this, so it shows the same as the full answers would (see `AdaptivityReport`).
package struct ShownResult: Sendable, Hashable {
  /// Each red flag raised, as `id urgency`, most urgent first.
  package let redFlags: [String]
  /// The patient's report at 80 columns, without colour.
  package let patientText: String

  package init(_ assessment: Assessment) {
    let kb = assessment.knowledgeBase
    redFlags = assessment.redFlags.map { "\(kb.redFlags[$0.flag].id) \($0.urgency.rawValue)" }
    patientText = TreeTextRenderer(audience: .patient, width: 80).render(assessment.tree)
  }

  /// How this differs from another, one line per difference: red flags, then each line
  /// of the patient's report found on one side only.
  package func differences(from other: ShownResult) -> [String] {
    var lines: [String] = []
    lines += redFlags.filter { !other.redFlags.contains($0) }.map { "red flag only here: \($0)" }
    lines += other.redFlags.filter { !redFlags.contains($0) }.map { "red flag only there: \($0)" }
    guard patientText != other.patientText else { return lines }
    let mine = patientText.split(separator: "\n", omittingEmptySubsequences: false)
    let theirs = other.patientText.split(separator: "\n", omittingEmptySubsequences: false)
    lines += mine.filter { !theirs.contains($0) }.map { "patient text only here: \($0)" }
    lines += theirs.filter { !mine.contains($0) }.map { "patient text only there: \($0)" }
    if lines.isEmpty { lines.append("patient text: the same lines in another order") }
    return lines
  }
}
