/// Two rules with the same condition are usually one rule written twice.
///
/// Triggers (as a warning) for a rule whose condition means the same as an earlier
/// rule's (by id), even when the parts of an `and`, `or` or `in (…)` are written in
/// another order. Both rules fire together, so their evidence for a finding adds up,
/// which is rarely what the author meant. Does not trigger when the conditions differ.
struct DuplicateConditionCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.duplicateCondition

  let triggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    question p: yes/no
      ask "P?"
    contributor c
      name "C"
    rule first
      when q and p
      then c certainty 0.5
      because "b"
      source s
    rule second
      when p and q
      then c certainty 0.3
      because "b"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question q: yes/no
      ask "Q?"
    question p: yes/no
      ask "P?"
    contributor c
      name "C"
    rule first
      when q and p
      then c certainty 0.5
      because "b"
      source s
    rule second
      when q and not p
      then c certainty 0.3
      because "b"
      source s
    """
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let rules = draft.knowledgeBase.rules
    let keys = draft.conditionKeys
    var firstWithKey: [String: Int] = [:]
    var diagnostics: [Diagnostic] = []
    var inIDOrder = [Int](repeating: 0, count: rules.count)
    for (index, rank) in draft.ruleIDRank.enumerated() { inIDOrder[rank] = index }
    firstWithKey.reserveCapacity(rules.count)
    for index in inIDOrder {
      let key = keys[index]
      guard let first = firstWithKey[key] else {
        firstWithKey[key] = index
        continue
      }
      diagnostics.append(
        .warning(
          code,
          "rule '\(rules[index].id)' has the same condition as rule '\(rules[first].id)'; merge them into one rule, or make the conditions differ",
          at: draft.ruleConditions[index].range,
          notes: [.init("rule '\(rules[first].id)' has this condition", at: draft.ruleConditions[first].range)]))
    }
    return diagnostics
  }
}
