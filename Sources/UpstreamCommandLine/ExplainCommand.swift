import Upstream

/// `upstream explain ID`: what an id is, where it is defined, what it uses and what uses it.
///
/// An id the knowledge base does not have is a usage error (exit 2) with a "did you mean".
enum ExplainCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "explain", summary: "Explain an id: what it is, where it is defined, what it uses and what uses it.",
    arguments: [("ID", "A question, complaint, contributor, score, rule, recommendation, red flag or source (an unknown id exits 2).")],
    options: [rulesOption],
    examples: ["upstream explain collapsed_arches", "upstream explain flat-arches-make-hips-stabilise", "upstream explain truckers-guide"])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    guard let id = arguments.positionals.first else {
      throw CommandError.usage("upstream explain needs an id, e.g. 'upstream explain hip_pain'", suggestion: nil, command: spec.name)
    }
    guard arguments.positionals.count == 1 else {
      throw CommandError.usage("upstream explain takes one id; found \(arguments.positionals.count)", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    guard let report = Explain.report(id, in: knowledgeBase) else {
      throw Shared.unknownID(id, in: knowledgeBase, command: spec.name)
    }
    console.write(IDReportTextRenderer().render(report))
    return .success
  }
}
