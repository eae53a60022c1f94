import Foundation
import Upstream
import UpstreamServer

/// `upstream what-if --answers FILE --set QUESTION=VALUE …`: the tree before and after
/// changing answers, as a diff.
enum WhatIfCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "what-if", summary: "Show how the tree changes if some answers were different.",
    options: [
      answersOption,
      assessmentDateOption,
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
    let format = try Shared.format(arguments, allowed: [.text, .json], command: spec.name)
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
    let comparison = Operations.comparison(answers, changed: changed, knowledgeBase)
    let text =
      format == .json
      ? WhatIfJSONRenderer(audience: audience).render(comparison)
      : WhatIfTextRenderer(audience: audience, width: width, colour: Shared.colour(arguments, console: console)).render(comparison)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
