// MARK: - Answers for both sides of a diff

/// Answers for one side of a diff: an answer that side cannot take (a question it does not
/// ask, an option it does not have) is left out there, with a note.
package enum DiffAnswers {
  /// A case's answers for one knowledge base.
  package static func answers(_ syntax: CaseSyntax, for kb: KnowledgeBase, side: String) -> (answers: Answers, notes: [String]) {
    var answers = Answers()
    var notes: [String] = []
    for (question, answer) in syntax.answers {
      guard let declared = kb.question(question.text) else {
        notes.append("case \(syntax.id.text) answers '\(question.text)', which \(side) do not ask; it is left out there")
        continue
      }
      switch AnswersReader.answer(answer.json, to: declared, at: question.range) {
      case .success(let value?): answers[declared.id] = value
      case .success(nil): break
      case .failure(let diagnostic): notes.append("case \(syntax.id.text): \(diagnostic.message) in \(side); it is left out there")
      }
    }
    return (answers, notes)
  }

  /// An answers file's answers for one knowledge base; answers to questions only the other
  /// asks are left out, anything else wrong stops the diff.
  package static func answers(
    _ root: JSONDocument.Located, file: SourceFile, for kb: KnowledgeBase, other: KnowledgeBase, side: String
  ) throws(AnswersRejected) -> (answers: Answers, notes: [String]) {
    guard case .object(let fields) = root.node else {
      throw AnswersRejected(problems: AnswersReader.read(file, for: kb).diagnostics)
    }
    var notes: [String] = []
    let kept = fields.filter { field in
      guard kb.question(field.key) == nil, other.question(field.key) != nil else { return true }
      notes.append("\(file.path) answers '\(field.key)', which \(side) do not ask; it is left out there")
      return false
    }
    let output = AnswersReader.read(JSONDocument.Located(node: .object(kept), range: root.range), for: kb)
    guard let answers = output.answers else { throw AnswersRejected(problems: output.diagnostics) }
    return (answers, notes)
  }
}
