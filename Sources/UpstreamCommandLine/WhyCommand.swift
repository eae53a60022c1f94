import Upstream

/// `upstream why NODE`: how a finding, red flag, recommendation or score was reached, as a
/// chain back to the answers.
enum WhyCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "why", summary: "Explain how a conclusion was reached, back to the answers.",
    arguments: [("NODE", "A finding, red flag, recommendation or score id, e.g. collapsed_arches.")],
    options: [
      answersOption, rulesOption, assessmentDateOption,
      OptionSpec("--format", value: "FORMAT", help: "text (default) or json."),
      audienceOption, widthOption, outputOption,
    ],
    examples: [
      "upstream why collapsed_arches --answers answers.json",
      "upstream why minimal_shoes --answers answers.json --audience clinician",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let request = try Shared.explanationRequest(arguments, console: console, command: spec.name)
    let explanation = try Shared.explained(command: spec.name) { () throws(Assessment.UnexplainableID) in
      try request.assessment.explanation(of: request.node)
    }
    let text =
      request.format == .json
      ? WhyJSONRenderer(audience: request.audience).render(explanation, stamp: request.assessment.stamp)
      : WhyTextRenderer(audience: request.audience, width: request.width, colour: request.colour).render(explanation)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
