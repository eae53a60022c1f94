import Upstream

/// `upstream list KIND`: every question, finding, recommendation, red flag or score the
/// knowledge base declares, with its wording, options or range, and `file:line`.
///
/// A kind it does not know is a usage error (exit 2) with a "did you mean".
enum ListCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "list", summary: "List the ids of one kind, with their wording, options or range, and file:line.",
    arguments: [("KIND", "questions, findings, recommendations, red-flags or scores.")],
    options: [rulesOption, formatOption],
    examples: ["upstream list questions", "upstream list findings --format json", "upstream list recommendations --rules my-rules"])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let kinds = IDListing.Kind.allCases.map(\.rawValue)
    guard let written = arguments.positionals.first else {
      throw CommandError.usage("upstream list needs what to list: \(kinds.joined(separator: ", "))", suggestion: nil, command: spec.name)
    }
    guard arguments.positionals.count == 1 else {
      throw CommandError.usage("upstream list takes one kind; found \(arguments.positionals.count)", suggestion: nil, command: spec.name)
    }
    guard let kind = IDListing.Kind(rawValue: written) else {
      throw CommandError.usage(
        "upstream list cannot list '\(written)'; use one of \(kinds.joined(separator: ", "))",
        suggestion: Suggestion.closest(to: written, in: kinds).map { "did you mean '\($0)'?" }, command: spec.name)
    }
    let format = try Shared.format(arguments, allowed: [.text, .json], command: spec.name)
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let listing = IDListing.of(kind, in: knowledgeBase)
    console.write(format == .json ? IDListingJSONRenderer().render(listing) : IDListingTextRenderer().render(listing))
    return .success
  }
}
