import Foundation

// MARK: - Typed replies

/// What a person typed in reply to a question, read forgivingly.
///
/// Accepts `yes`/`no` and their first letters, numbers (with the question's unit after
/// them if wanted), an option's number, id, label or an abbreviation of either (`fl` for
/// `flat`, `ri` for `rolls_in`), several options separated by commas, `none`, and `not
/// sure` where the question allows it. The words `?`/`help`, `why`, `back` (or `undo`),
/// `skip` and `quit` are commands, except where the question has an option of that
/// exact name (then `undo` still goes back). Anything else gets a hint that says what
/// would do.
public enum TypedReply: Sendable, Hashable {
  case answer(AnswerValue)
  /// `?` or `help`: the question's help text.
  case help
  /// `why`: why the question is asked.
  case why
  /// `back`: change the previous answer.
  case back
  /// `skip`: leave the question unanswered.
  case skip
  /// `quit`: stop now; the answers so far are kept.
  case quit
  /// A reply that does not fit, with a hint.
  case invalid(String)

  /// The longest reply read, in bytes: no answer needs more, and reading stays quick.
  public static let maximumLength = 1_000
  /// What a person is told when a reply is longer.
  public static let tooLongHint = "That reply is longer than \(maximumLength) characters; please answer in a few words."

  /// Reads one line typed in reply to `question`.
  public static func read(_ text: String, for question: Question) -> TypedReply {
    guard text.utf8.count <= maximumLength else { return .invalid(tooLongHint) }
    let typed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let namesAnOption = question.kind.options.contains {
      $0.id.lowercased() == typed.lowercased() || $0.label.lowercased() == typed.lowercased()
    }
    switch namesAnOption ? "" : typed.lowercased() {
    case "?", "help": return .help
    case "why", "why?": return .why
    case "back", "undo": return .back
    case "skip": return .skip
    case "quit", "exit": return .quit
    case "" where typed.isEmpty: return .invalid("Please type an answer (or ? for help).")
    default: break
    }
    if isNotSure(typed) {
      return question.notSureAllowed
        ? .answer(.notSure)
        : .invalid("This question needs an answer: \(expectation(question)). (\"not sure\" is not one of them.)")
    }
    switch question.kind {
    case .yesNo: return yesNo(typed)
    case .number, .scale: return number(typed, question)
    case .choice(let options):
      switch option(typed, in: options) {
      case .success(let id): return .answer(.option(id))
      case .failure(let hint): return .invalid(hint.message)
      }
    case .choices(let options): return choices(typed, options)
    }
  }

  /// What a question takes, in words: `yes or no`, `a number from 0 to 24 (hours)`.
  public static func expectation(_ question: Question) -> String {
    var text: String
    switch question.kind {
    case .yesNo: text = "yes or no"
    case .number(let low, let high, let unit, let decimals):
      text = "\(decimals ? "a number" : "a whole number") from \(NumberText.plain(low)) to \(NumberText.plain(high))\(unit.map { " \($0)" } ?? "")"
    case .scale: text = "a whole number from 0 to 10"
    case .choice(let options): text = "one option: its number (1–\(options.count)) or its name"
    case .choices: text = "any of the options: numbers or names separated by commas, or none"
    }
    if question.notSureAllowed { text += ", or not sure" }
    return text
  }

  // MARK: Reading answers

  private static func isNotSure(_ typed: String) -> Bool {
    let words = typed.lowercased().replacingOccurrences(of: "’", with: "'")
      .replacingOccurrences(of: "-", with: " ").split(separator: " ").joined(separator: " ")
    return ["not sure", "notsure", "unsure", "don't know", "dont know", "do not know", "idk"].contains(words)
  }

  private static func yesNo(_ typed: String) -> TypedReply {
    switch typed.lowercased() {
    case "y", "yes", "yeah", "yep", "true": return .answer(.yes)
    case "n", "no", "nope", "false": return .answer(.no)
    default: return .invalid("Please answer yes or no (y or n).")
    }
  }

  private static func number(_ typed: String, _ question: Question) -> TypedReply {
    let text = typed.lowercased()
    let numeric = text.prefix { $0.isNumber || $0 == "." || $0 == "," || $0 == "-" }
    let rest = text.dropFirst(numeric.count).trimmingCharacters(in: .whitespaces)
    let unit = if case .number(_, _, let unit?, _) = question.kind { unit.lowercased() } else { "" }
    let unitFits =
      rest.isEmpty || (!unit.isEmpty && (unit.hasPrefix(rest) || rest.hasPrefix(String(unit.prefix(max(1, unit.count - 1))))))
    guard let value = Double(numeric.replacingOccurrences(of: ",", with: ".")), unitFits else {
      return .invalid("Please give \(expectation(question)).")
    }
    if let range = question.kind.numberRange, !range.contains(value) {
      return .invalid("\(NumberText.plain(value)) is outside the range: please give \(expectation(question)).")
    }
    let decimals = if case .number(_, _, _, let allowed) = question.kind { allowed } else { false }
    if !decimals && value != value.rounded() {
      return .invalid("Please give a whole number: \(expectation(question)).")
    }
    return .answer(.number(value))
  }

  private static func choices(_ typed: String, _ options: [Question.Option]) -> TypedReply {
    if ["none", "nothing", "neither", "none of these", "-"].contains(typed.lowercased()) { return .answer(.options([])) }
    var chosen: [String] = []
    for part in typed.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
      var pieces = [part]
      if case .failure = option(part, in: options), part.contains(" ") {
        pieces = part.split(separator: " ").map(String.init)
      }
      for piece in pieces {
        switch option(piece, in: options) {
        case .success(let id): if !chosen.contains(id) { chosen.append(id) }
        case .failure(let hint): return .invalid(hint.message)
        }
      }
    }
    let order = options.map(\.id)
    return .answer(.options(chosen.sorted { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }))
  }

  /// Why a typed option was not understood.
  struct Hint: Error {
    let message: String
  }

  /// Finds the option a person means: its number, id, label, or an abbreviation.
  static func option(_ typed: String, in options: [Question.Option]) -> Result<String, Hint> {
    let text = typed.lowercased()
    let key = normalised(text)
    if let number = Int(text), options.indices.contains(number - 1) { return .success(options[number - 1].id) }
    if let exact = options.first(where: { normalised($0.id) == key || $0.label.lowercased() == text }) {
      return .success(exact.id)
    }
    let matches = options.filter { option in
      let id = normalised(option.id)
      let initials = String(id.split(separator: "_").compactMap(\.first))
      return id.hasPrefix(key) || option.label.lowercased().hasPrefix(text) || (initials.count > 1 && initials == key)
    }
    if matches.count == 1 { return .success(matches[0].id) }
    let names = options.map(\.id).joined(separator: ", ")
    if matches.count > 1 {
      return .failure(
        Hint(
          message:
            "'\(typed)' could be \(matches.map(\.id).joined(separator: " or ")); type a little more. The options are \(names)."))
    }
    let suggestion = Suggestion.closest(to: key, in: options.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
    return .failure(Hint(message: "'\(typed)' is not one of the options (\(names)); type its number or name.\(suggestion)"))
  }

  private static func normalised(_ text: String) -> String {
    text.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
  }
}
