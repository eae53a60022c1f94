import Upstream

// MARK: - Options shared by the commands that print trees and explanations

/// `--audience patient|clinician`.
let audienceOption = OptionSpec(
  "--audience", value: "WHO",
  help: "clinician (rule ids, file:line, certainties, sources; the default) or patient (plain words, certainty in words, what to do first).")

/// `--width N`: the width text output wraps to.
let widthOption = OptionSpec(
  "--width", value: "N", help: "Wrap text to N columns (default: $COLUMNS, else the terminal's width, else 80).")

/// `--output FILE`.
let outputOption = OptionSpec("--output", value: "FILE", help: "Write to FILE (atomically) instead of standard output.")

/// `--answers FILE`.
let answersOption = OptionSpec(
  "--answers", value: "FILE",
  help:
    "The answers: a JSON object of question id → answer, a FHIR R4 QuestionnaireResponse, or a clinician's case (FILE.case, FILE.case:NAME) ('-' reads standard input)."
)

extension Shared {
  /// The `--audience` value (clinician by default).
  static func audience(_ arguments: ParsedArguments, command: String) throws -> Audience {
    let value = arguments.value("--audience") ?? Audience.clinician.rawValue
    guard let audience = Audience(rawValue: value) else {
      let names = Audience.allCases.map(\.rawValue)
      throw CommandError.usage(
        "'\(value)' is not an audience; use \(names.joined(separator: " or "))",
        suggestion: Suggestion.closest(to: value, in: names).map { "did you mean '\($0)'?" }, command: command)
    }
    return audience
  }

  /// The width to wrap text to: `--width`, else `$COLUMNS`, else the terminal's own
  /// width when writing to one, else 80.
  static func width(_ arguments: ParsedArguments, console: Console, command: String) throws -> Int {
    if let value = arguments.value("--width") {
      guard let width = Int(value), (20...1000).contains(width) else {
        throw CommandError.usage("--width takes a whole number of columns from 20 to 1000; found '\(value)'", suggestion: nil, command: command)
      }
      return width
    }
    if let columns = console.environment["COLUMNS"].flatMap({ Int($0) }), (20...1000).contains(columns) { return columns }
    if let columns = console.terminalColumns { return min(1000, max(20, columns)) }
    return 80
  }

  /// Whether text output may be coloured: a terminal, NO_COLOR unset, not written to a file.
  static func colour(_ arguments: ParsedArguments, console: Console) -> Bool {
    console.colourOutput && (arguments.value("--output") ?? "-") == "-"
  }

  /// Reads the answers named by `--answers` (or the first positional argument), dated by
  /// `--assessment-date` when it is given.
  static func answers(_ arguments: ParsedArguments, for knowledgeBase: KnowledgeBase, console: Console, command: String) throws -> Answers {
    guard let path = arguments.value("--answers") else {
      throw CommandError.usage("upstream \(command) needs answers: --answers FILE (or - for standard input)", suggestion: nil, command: command)
    }
    return try answers(path, for: knowledgeBase, console: console, assessmentDate: try assessmentDate(arguments, command: command))
  }

  /// What `why` or `why-not` explains (`Assessment.explanation(of:)`,
  /// `whyNotExplanation(of:)`); an id they cannot explain is a usage error with the
  /// library's "did you mean".
  static func explained<T>(command: String, _ explain: () throws(Assessment.UnexplainableID) -> T) throws -> T {
    do {
      return try explain()
    } catch {
      throw CommandError.usage(error.message, suggestion: error.didYouMean.map { "did you mean '\($0)'?" }, command: command)
    }
  }
}

extension Shared {
  /// The NODE argument of `why` and `why-not`.
  static func node(_ arguments: ParsedArguments, command: String) throws -> String {
    guard let node = arguments.positionals.first else {
      throw CommandError.usage("upstream \(command) needs a NODE: a finding, red flag, recommendation or score id", suggestion: nil, command: command)
    }
    if arguments.positionals.count > 1 {
      throw CommandError.usage(
        "upstream \(command) explains one NODE at a time; found '\(arguments.positionals.joined(separator: " "))'", suggestion: nil, command: command)
    }
    return node
  }
}

// MARK: - What `why` and `why-not` read

/// The node to explain, the assessment it is explained in, and how to write it: what
/// `upstream why` and `upstream why-not` share.
struct ExplanationRequest {
  let format: OutputFormat
  let audience: Audience
  let width: Int
  let colour: Bool
  let node: String
  let assessment: Assessment
}

extension Shared {
  /// Reads the options and the node and assesses the answers (the command then explains
  /// the node with `explained(command:_:)`, which refuses an unknown one).
  static func explanationRequest(_ arguments: ParsedArguments, console: Console, command: String) throws -> ExplanationRequest {
    let format = try format(arguments, allowed: [.text, .json], command: command)
    let audience = try audience(arguments, command: command)
    let width = try width(arguments, console: console, command: command)
    let node = try node(arguments, command: command)
    let (knowledgeBase, _) = try knowledgeBase(arguments, console: console)
    let assessment = knowledgeBase.assess(validated: try answers(arguments, for: knowledgeBase, console: console, command: command))
    return ExplanationRequest(
      format: format, audience: audience, width: width, colour: colour(arguments, console: console), node: node,
      assessment: assessment)
  }
}
