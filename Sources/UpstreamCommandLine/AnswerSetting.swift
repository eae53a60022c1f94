import Foundation
import Upstream
import UpstreamServer

// MARK: - Changing answers from the command line

/// Reads `--set QUESTION=VALUE` and `--unset QUESTION` and applies them to answers,
/// checking each value against its question as an answers file would be (`AnswerEdit`,
/// shared with `POST /what-if`).
enum AnswerSetting {
  static func apply(sets: [String], unsets: [String], to answers: Answers, knowledgeBase: KnowledgeBase) throws -> Answers {
    // One change a question: two would leave it to their order which counts (an answers
    // file naming a question twice is refused the same way, UP0409).
    var given: [String: String] = [:]
    for (question, option) in sets.map({ (String($0.prefix { $0 != "=" }), "--set " + $0) }) + unsets.map({ ($0, "--unset " + $0) }) {
      if let first = given[question] {
        throw CommandError.usage(
          "'\(question)' is changed twice (\(first), \(option)); give one --set or --unset a question", suggestion: nil,
          command: "what-if")
      }
      given[question] = option
    }
    let text = (sets.map { "--set " + $0 } + unsets.map { "--unset " + $0 }).joined(separator: "\n")
    let source = SourceFile(path: "<command line>", text: text)
    var changes: [AnswerEdit] = []
    var offset = 0
    for setting in sets {
      let start = offset + "--set ".utf8.count
      offset += "--set ".utf8.count + setting.utf8.count + 1
      guard let equals = setting.firstIndex(of: "=") else {
        throw CommandError.usage("--set takes QUESTION=VALUE, e.g. --set arch_shape=flat; found '\(setting)'", suggestion: nil, command: "what-if")
      }
      let id = String(setting[..<equals])
      let raw = String(setting[setting.index(after: equals)...])
      let range = source.range(start, start + setting.utf8.count)
      let value = knowledgeBase.question(id).map { (json: json(raw, for: $0), range: range) }
      changes.append(AnswerEdit(question: id, at: source.range(start, start + id.utf8.count), value: value ?? (.null, range)))
    }
    for unset in unsets {
      let start = offset + "--unset ".utf8.count
      offset += "--unset ".utf8.count + unset.utf8.count + 1
      changes.append(AnswerEdit(question: unset, at: source.range(start, start + unset.utf8.count), value: nil))
    }
    switch AnswerEdit.apply(changes, to: answers, knowledgeBase) {
    case .success(let changed): return changed
    case .failure(let problems): throw CommandError.answers(problems.diagnostics, source: source)
    }
  }

  /// A command-line value as the JSON an answers file would hold for the question.
  static func json(_ raw: String, for question: Question) -> JSONValue {
    let value = raw.trimmingCharacters(in: .whitespaces)
    if value.lowercased() == "not sure" || value.lowercased() == "not-sure" { return .string("not sure") }
    switch question.kind {
    case .yesNo:
      switch value.lowercased() {
      case "yes", "y", "true": return .bool(true)
      case "no", "n", "false": return .bool(false)
      default: return .string(value)
      }
    case .number, .scale:
      return Double(value).map { .number($0) } ?? .string(value)
    case .choice, .text, .date:
      return .string(value)
    case .choices:
      if value.isEmpty || value == "none" || value == "()" { return .array([]) }
      let trimmed = value.hasPrefix("(") && value.hasSuffix(")") ? String(value.dropFirst().dropLast()) : value
      return .array(trimmed.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
    }
  }
}
