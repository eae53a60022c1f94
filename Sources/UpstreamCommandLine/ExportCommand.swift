import Upstream
import UpstreamServer

/// `upstream export`: the knowledge base's questions for other clinical systems.
enum ExportCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "export", summary: "Export the questions for other systems, as a FHIR R4 Questionnaire.",
    options: [
      OptionSpec("--format", value: "FORMAT", help: "fhir-questionnaire (the default): a FHIR R4 Questionnaire resource, JSON."),
      rulesOption,
      outputOption,
    ],
    examples: [
      "upstream export --format fhir-questionnaire --output questionnaire.json",
      "upstream export --rules my-rules",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    _ = try Shared.format(arguments, allowed: [.fhirQuestionnaire], command: spec.name)
    if let extra = arguments.positionals.first {
      throw CommandError.usage("upstream export takes no arguments; found '\(extra)'", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let (text, notes) = Operations.questionnaire(knowledgeBase)
    for note in notes { console.writeError("note: \(note)\n") }
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
