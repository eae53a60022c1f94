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
    // Only a rule whose condition hash another rule shares can have its condition: the
    // keys (text) are worked out for those rules alone.
    let hashes = draft.conditionHashes
    var rulesWithHash: [UInt64: Int] = [:]
    rulesWithHash.reserveCapacity(rules.count)
    for hash in hashes { rulesWithHash[hash, default: 0] += 1 }
    var firstWithKey: [String: Int] = [:]
    var diagnostics: [Diagnostic] = []
    var inIDOrder = [Int](repeating: 0, count: rules.count)
    for (index, rank) in draft.ruleIDRank.enumerated() { inIDOrder[rank] = index }
    for index in inIDOrder where rulesWithHash[hashes[index], default: 0] > 1 {
      let key = ConditionKey.of(rules[index].condition)
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
