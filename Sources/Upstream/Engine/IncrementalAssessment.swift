// MARK: - Re-assessing after answers change

extension Assessment {
  /// The rules whose outcome can change when these questions' answers change: those that
  /// read them, and, in turn, every rule that reads what those conclude.
  package func rulesDownstream(of questions: [String]) -> Set<Int> {
    let kb = knowledgeBase
    var pending = questions.compactMap { id -> Int? in
      if case .question(let index)? = kb.symbols[id] { return index }
      return nil
    }.flatMap { kb.rulesReadingQuestion[$0] }
    var downstream = Set<Int>()
    while let rule = pending.popLast() {
      guard downstream.insert(rule).inserted else { continue }
      pending.append(contentsOf: kb.dependentRules[rule])
    }
    return downstream
  }

  /// The assessment with new answers, re-evaluating only the rules downstream of the
  /// questions whose answers changed; every other rule's recorded outcome is replayed.
  ///
  /// Gives exactly what a full `assess(_:)` of the new answers gives (a test checks it),
  /// for the interactive session, `what-if` and `diff`, which change one answer at a time.
  package func reassessing(_ newAnswers: Answers) -> Assessment {
    let changed = Set(answers.values.keys).union(newAnswers.values.keys).filter { answers[$0] != newAnswers[$0] }
    let downstream = rulesDownstream(of: Array(changed))
    var premises = [Double?](repeating: nil, count: knowledgeBase.rules.count)
    for firing in firings { premises[firing.rule] = firing.premise }
    var undecided = [Bool](repeating: false, count: knowledgeBase.rules.count)
    for rule in undecidedRules { undecided[rule] = true }
    var run = Run(knowledgeBase, AnswerSheet(newAnswers, for: knowledgeBase))
    run.evaluateAllRules { rule in
      if downstream.contains(rule) { return nil }
      if let premise = premises[rule] { return .holds(premise) }
      return undecided[rule] ? .unknown : .fails
    }
    return run.finish(newAnswers)
  }
}
