import Foundation
import Upstream

/// `upstream what-if --answers FILE --set QUESTION=VALUE …`: the tree before and after
/// changing answers, as a diff.
enum WhatIfCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "what-if", summary: "Show how the tree changes if some answers were different.",
    options: [
      answersOption,
      OptionSpec(
        "--set", value: "QUESTION=VALUE",
        help: "Change an answer: yes/no, a number, an option id, options separated by commas (or 'none'), or 'not sure'.",
        repeatable: true),
      OptionSpec("--unset", value: "QUESTION", help: "Remove an answer, as if the question was not asked.", repeatable: true),
      rulesOption,
      OptionSpec("--format", value: "FORMAT", help: "text (default) or json."),
      audienceOption, widthOption, outputOption,
    ],
    examples: [
      "upstream what-if --answers answers.json --set arch_shape=normal",
      "upstream what-if --answers answers.json --set pain_areas=hip,knee --set hips_feel_stiff=yes",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: ["text", "json"], command: spec.name)
    let audience = try Shared.audience(arguments, command: spec.name)
    let width = try Shared.width(arguments, console: console, command: spec.name)
    if arguments.all("--set").isEmpty && arguments.all("--unset").isEmpty {
      throw CommandError.usage("upstream what-if needs at least one --set QUESTION=VALUE or --unset QUESTION", suggestion: nil, command: spec.name)
    }
    if let extra = arguments.positionals.first {
      throw CommandError.usage("upstream what-if takes no argument '\(extra)'; use --set QUESTION=VALUE", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let answers = try Shared.answers(arguments, for: knowledgeBase, console: console, command: spec.name)
    let changed = try AnswerSetting.apply(sets: arguments.all("--set"), unsets: arguments.all("--unset"), to: answers, knowledgeBase: knowledgeBase)
    let before = knowledgeBase.assess(validated: answers)
    let comparison = Assessment.compare(before, before.reassessing(changed))
    let text =
      format == "json"
      ? WhatIfJSONRenderer(audience: audience).render(comparison)
      : WhatIfTextRenderer(audience: audience, width: width, colour: Shared.colour(arguments, console: console)).render(comparison)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}

/// Reads `--set QUESTION=VALUE` and `--unset QUESTION` and applies them to answers,
/// checking each value against its question as an answers file would be.
enum AnswerSetting {
  static func apply(sets: [String], unsets: [String], to answers: Answers, knowledgeBase: KnowledgeBase) throws -> Answers {
    var result = answers
    var diagnostics: [Diagnostic] = []
    let text = (sets.map { "--set " + $0 } + unsets.map { "--unset " + $0 }).joined(separator: "\n")
    let source = SourceFile(path: "<command line>", text: text)
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
      guard let question = knowledgeBase.question(id) else {
        diagnostics.append(
          Diagnostic.error(.unknownQuestion, "the knowledge base has no question '\(id)'", at: source.range(start, start + id.utf8.count))
            .suggesting(id, from: knowledgeBase.questions.map(\.id)))
        continue
      }
      switch AnswersReader.answer(json(raw, for: question), to: question, at: range) {
      case .success(let value?): result[id] = value
      case .success(nil): result[id] = nil
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    for unset in unsets {
      let start = offset + "--unset ".utf8.count
      offset += "--unset ".utf8.count + unset.utf8.count + 1
      guard knowledgeBase.question(unset) != nil else {
        diagnostics.append(
          Diagnostic.error(.unknownQuestion, "the knowledge base has no question '\(unset)'", at: source.range(start, start + unset.utf8.count))
            .suggesting(unset, from: knowledgeBase.questions.map(\.id)))
        continue
      }
      result[unset] = nil
    }
    if diagnostics.hasErrors { throw CommandError.answers(diagnostics, source: source) }
    return result
  }

  /// A command-line value as the JSON an answers file would hold for the question.
  static func json(_ raw: String, for question: Question) -> JSONValue {
    let value = raw.trimmingCharacters(in: .whitespaces)
    if value.lowercased() == "not sure" || value.lowercased() == "not-sure" { return .string("not sure") }
    switch question.kind {
    case .yesNo:
      switch value.lowercased() {
      case "yes", "true": return .bool(true)
      case "no", "false": return .bool(false)
      default: return .string(value)
      }
    case .number, .scale:
      return Double(value).map { .number($0) } ?? .string(value)
    case .choice:
      return .string(value)
    case .choices:
      if value.isEmpty || value == "none" || value == "()" { return .array([]) }
      let trimmed = value.hasPrefix("(") && value.hasSuffix(")") ? String(value.dropFirst().dropLast()) : value
      return .array(trimmed.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
    }
  }
}
