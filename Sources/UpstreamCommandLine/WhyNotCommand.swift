import Upstream

/// `upstream why-not NODE`: every rule that could have concluded it, what stopped each,
/// and the answers that would have made it fire.
enum WhyNotCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "why-not", summary: "Explain why something was not concluded, and which answers would change that.",
    arguments: [("NODE", "A finding, red flag, recommendation or score id, e.g. tight_plantar_fascia.")],
    options: [
      answersOption, rulesOption, assessmentDateOption,
      OptionSpec("--format", value: "FORMAT", help: "text (default) or json."),
      audienceOption, widthOption, outputOption,
    ],
    examples: [
      "upstream why-not tight_plantar_fascia --answers answers.json",
      "upstream why-not arch_support_insoles --answers answers.json --audience clinician",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let request = try Shared.explanationRequest(arguments, console: console, command: spec.name)
    let explanation = try Shared.explained(command: spec.name) { () throws(Assessment.UnexplainableID) in
      try request.assessment.whyNotExplanation(of: request.node)
    }
    let text =
      request.format == .json
      ? WhyNotJSONRenderer(audience: request.audience).render(explanation, stamp: request.assessment.stamp)
      : WhyNotTextRenderer(audience: request.audience, width: request.width, colour: request.colour).render(explanation)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
