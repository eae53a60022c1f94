import Foundation

// MARK: - Typed replies

/// What a person typed in reply to a question, read forgivingly.
///
/// Accepts `yes`/`no`, their first letters and everyday forms (`yeah`, `nope`), numbers
/// with or without the question's unit or a hedge (`8 hours`, `about 8`, `8 hrs`), an
/// option's number, id, label, a synonym the knowledge base declares, a word of its label
/// (`office` for "Desk or office work", `walking` for "Hiking or long walks") or an
/// abbreviation (`fl` for `flat`), several options separated by commas, `and`, `&` or
/// `/` (`knee and back`), `none`, and `not sure` in its everyday forms (`dunno`, `idk`,
/// `no idea`) where the question allows it. A duration (`2 months`, `about a year, not
/// getting better`) chooses the time band the option labels give; of
/// options that differ by a "not", a reply without one chooses the one without it
/// (`getting better`); a range for a number (`8 to 10`) is refused with a request for
/// one number, and numbers may be words (`eight`). A misspelt yes or no gets "did you mean",
/// and so does a misspelt option (`lower bak`); a yes or no with more words (`yes, going
/// down`) is that answer; words that name no option (`back pain`, `both knees`) are left out.
/// A number out of range is quoted as typed, with the question's help after it (who the
/// question is for), unless the rules say a number there means the knowledge base is not
/// for the person (`below range "…"`): that number is the answer, and ends a
/// ``QuestionnaireSession`` (``QuestionnaireSession/outOfScope``). The words `?`/`help`, `why`, `back` (or `undo`),
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
    let namesAnOption = question.kind.options.contains { option in
      ([option.id, option.label] + option.synonyms).contains { $0.lowercased() == typed.lowercased() }
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
    // Free text may say "not sure" as its answer, unless "not sure" is allowed.
    if isNotSure(typed), question.notSureAllowed || question.kind != .text {
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
    case .text: return .answer(.text(typed))
    case .date:
      guard let day = CalendarDay(typed) else {
        return .invalid("'\(typed)' is not a date. Please give \(expectation(question)).")
      }
      return .answer(.date(day))
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
    case .choice(let options): text = "one option: its number (1–\(options.count)) or its words"
    case .choices: text = "the numbers or words of every option that applies, separated by commas or 'and'; or none"
    case .text: text = "your answer in your own words"
    case .date: text = "a date written year-month-day, e.g. 2026-11-01"
    }
    if question.notSureAllowed { text += "; or not sure" }
    return text
  }

  // MARK: Reading answers

  /// The everyday ways of saying "not sure".
  static let notSureWords: Set<String> = [
    "not sure", "notsure", "unsure", "don't know", "dont know", "do not know", "idk", "dunno", "no idea",
    "not certain", "i don't know", "i dont know", "i'm not sure", "im not sure", "no clue", "can't say", "cant say",
  ]

  private static func isNotSure(_ typed: String) -> Bool {
    let words = typed.lowercased().replacingOccurrences(of: "’", with: "'")
      .replacingOccurrences(of: "-", with: " ").split(separator: " ").joined(separator: " ")
      .trimmingCharacters(in: CharacterSet(charactersIn: ".!"))
    return notSureWords.contains(words)
  }

  private static let yesWords: Set<String> = ["y", "yes", "yeah", "yep", "yup", "ya", "yea", "true", "yes please", "i do", "i have"]
  private static let noWords: Set<String> = ["n", "no", "nope", "nah", "false", "no thanks", "i don't", "i dont", "i haven't", "never"]

  /// Replies that say "partly" to a yes/no question.
  private static let partlyWords: Set<String> = [
    "a bit", "a little", "a little bit", "bit", "slightly", "sometimes", "kind of", "kinda", "sort of", "somewhat",
    "partly", "a little yes", "maybe a bit",
  ]

  private static func yesNo(_ typed: String) -> TypedReply {
    let text = typed.lowercased().replacingOccurrences(of: "’", with: "'").trimmingCharacters(in: CharacterSet(charactersIn: ".!"))
    if yesWords.contains(text) { return .answer(.yes) }
    if noWords.contains(text) { return .answer(.no) }
    // A yes or a no followed by more words (`yes, going down`, `no, never`) is that
    // answer, unless the words after it say the other (`yes and no`, `yes, but not really`).
    if let (head, rest) = leadingWord(of: text), yesWords.contains(head) || noWords.contains(head) {
      let saidYes = yesWords.contains(head)
      let contrary = saidYes ? negations.union(noWords) : yesWords
      if Set(words(rest)).isDisjoint(with: contrary) { return .answer(saidYes ? .yes : .no) }
      return .invalid("'\(typed)' is between yes and no: if it is true at all, answer yes; if not, answer no.")
    }
    // "A bit" is neither: the person chooses, and is told how (nothing is guessed for them).
    if partlyWords.contains(text) {
      return .invalid("'\(typed)' is between yes and no: if it is true at all, answer yes; if not, answer no.")
    }
    let suggestion = ["yes", "no"].first { text.count <= 5 && Suggestion.editDistance(text, $0) <= (text.count <= 2 ? 1 : 2) }
    return .invalid(
      suggestion.map { "'\(typed)' is not yes or no. Did you mean '\($0)'? Please answer yes or no (y or n)." }
        ?? "Please answer yes or no (y or n).")
  }

  /// The first word of a reply and the words after it (`yes` and `going down` of `yes,
  /// going down`), when there are more.
  private static func leadingWord(of text: String) -> (String, String)? {
    guard let end = text.firstIndex(where: { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" || $0 == "-" || $0 == "–" }) else {
      return nil
    }
    let rest = text[end...].trimmingCharacters(in: CharacterSet(charactersIn: " ,;:-–"))
    return rest.isEmpty ? nil : (String(text[..<end]), rest)
  }

  /// Words that hedge a number (`about 8`) and are left out.
  private static let hedges = ["about", "around", "roughly", "approximately", "approx", "maybe", "nearly", "almost", "~"]
  /// Words after a number's unit that change nothing (`8 hours a day`, `45 years old`).
  private static let trailers = ["a day", "per day", "each day", "every day", "daily", "a week", "per week", "old", "or so"]

  private static func number(_ typed: String, _ question: Question) -> TypedReply {
    var text = typed.lowercased().trimmingCharacters(in: .whitespaces)
    for hedge in hedges where text.hasPrefix(hedge + " ") || (hedge == "~" && text.hasPrefix(hedge)) {
      text = String(text.dropFirst(hedge.count)).trimmingCharacters(in: .whitespaces)
    }
    // Two numbers (`8 to 10`, `8-10`) are a range: one is asked for, as a best guess, not
    // chosen for the person (the middle, or either end, could change the result).
    if text.range(of: #"^\d+([.,]\d+)?\s*(to|-|–|or)\s*\d+([.,]\d+)?(\s|$)"#, options: .regularExpression) != nil {
      return .invalid("'\(typed)' is a range; please give one number, your best guess: \(expectation(question)).")
    }
    // A number in words (`eight hours`).
    if let word = text.split(separator: " ").first, let value = numberWords[String(word)] {
      text = NumberText.plain(value) + text.dropFirst(word.count)
    }
    // A number in scientific notation (`1e400`) is a number, however large, not a number and a unit.
    let scientific = text.range(of: #"^\d+([.,]\d+)?e[+-]?\d+"#, options: .regularExpression).map { text[$0] }
    let numeric = scientific ?? text.prefix { $0.isNumber || $0 == "." || $0 == "," || $0 == "-" }
    var rest = text.dropFirst(numeric.count).trimmingCharacters(in: .whitespaces)
    for trailer in trailers where rest == trailer || rest.hasSuffix(" " + trailer) {
      rest = String(rest.dropLast(trailer.count)).trimmingCharacters(in: .whitespaces)
    }
    let unit = if case .number(_, _, let unit?, _) = question.kind { unit.lowercased() } else { "" }
    guard var value = Double(numeric.replacingOccurrences(of: ",", with: ".")) else {
      // No number at all (`most of the day`): a number is asked for, a best guess where
      // the question takes estimates (it allows "not sure"; an age is known).
      let guess = question.notSureAllowed ? "your best guess: " : ""
      return .invalid(
        typed.contains(where: \.isLetter)
          ? "'\(typed)' is not a number; please give \(guess)\(expectation(question))."
          : "Please give \(expectation(question)).")
    }
    if !rest.isEmpty && !abbreviates(rest, unit) {
      // Another unit of the same kind (`154 lb` for kg) is converted; anything else is refused.
      guard !unit.isEmpty else { return .invalid("Please give \(expectation(question)).") }
      switch UCUM.convert(.object([("value", .number(value)), ("unit", .string(rest))]), to: question) {
      case .success(let converted): value = converted
      case .failure: return .invalid("'\(rest)' is not a unit Upstream can turn into \(unit). Please give \(expectation(question)).")
      }
    }
    // What the person typed is quoted back, as typed (not `1e+23` for a long number); a
    // question's help (who it is for, how to measure) follows, since it may say what to do.
    if !value.isFinite || question.kind.numberRange.map({ !$0.contains(value) }) ?? false {
      // Outside the range on a side the rules mark: not a slip, but a person the
      // knowledge base is not for (an age under 16). The session says so and ends.
      if value.isFinite, question.outOfScopeMessage(for: value) != nil { return .answer(.number(value)) }
      let help = question.help.map { " " + $0 } ?? ""
      return .invalid("'\(typed)' is outside the range: please give \(expectation(question)).\(help)")
    }
    let decimals = if case .number(_, _, _, let allowed) = question.kind { allowed } else { false }
    if !decimals && value != value.rounded() {
      return .invalid("'\(typed)' is not a whole number; please give \(expectation(question)).")
    }
    return .answer(.number(value))
  }

  /// Numbers people write in words.
  private static let numberWords: [String: Double] = [
    "zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60,
  ]

  /// Whether `typed` is the unit or a short form of it: `hours`, `hour`, `h`, `hrs` for
  /// hours (its letters in order, starting with the unit's first letter).
  private static func abbreviates(_ typed: String, _ unit: String) -> Bool {
    guard !unit.isEmpty, let first = typed.first, first == unit.first else { return false }
    if unit.hasPrefix(typed) || typed.hasPrefix(String(unit.prefix(max(1, unit.count - 1)))) { return true }
    var remaining = Substring(unit)
    for character in typed {
      guard let found = remaining.firstIndex(of: character) else { return false }
      remaining = remaining[remaining.index(after: found)...]
    }
    return true
  }

  /// The separators between several options in one reply.
  private static let listSeparators = [",", ";", " and ", " & ", "&", "/", " plus ", " + "]

  private static func choices(_ typed: String, _ options: [Question.Option]) -> TypedReply {
    if ["none", "nothing", "neither", "none of these", "none of them", "no", "-"].contains(typed.lowercased()) {
      return .answer(.options([]))
    }
    var list = " " + typed.lowercased() + " "
    for separator in listSeparators { list = list.replacingOccurrences(of: separator, with: ",") }
    var chosen: [String] = []
    for part in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
      var pieces = [part]
      var whole: Hint?
      if case .failure(let hint) = option(part, in: options), part.contains(" ") {
        // Word by word (`knee back`), leaving out the words that name no option (`back pain`).
        whole = hint
        pieces = part.split(separator: " ").map(String.init).filter { !fillerWords.contains($0) }
      }
      for piece in pieces {
        switch option(piece, in: options) {
        case .success(let id): if !chosen.contains(id) { chosen.append(id) }
        case .failure(let hint):
          // A misspelt option of several words (`lower bak`) is suggested whole.
          if let whole, whole.suggestion != nil { return .invalid(whole.message) }
          return .invalid(hint.message)
        }
      }
    }
    let order = options.map(\.id)
    return .answer(.options(chosen.sorted { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }))
  }

  /// Why a typed option was not understood.
  struct Hint: Error {
    let message: String
    /// The label of the option suggested as "did you mean", if any.
    var suggestion: String?
  }

  /// Finds the option a person means, trying in turn: its number; its id, label or a
  /// declared synonym, exactly; an abbreviation of its id or label; and a word of its
  /// label or synonyms (`office`, `walking` for "long walks").
  static func option(_ typed: String, in options: [Question.Option]) -> Result<String, Hint> {
    let text = typed.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".!"))
    let key = normalised(text)
    if let number = Int(text), options.indices.contains(number - 1) { return .success(options[number - 1].id) }
    let exact = options.first { option in
      normalised(option.id) == key || option.label.lowercased() == text || option.synonyms.contains { $0.lowercased() == text }
    }
    if let exact { return .success(exact.id) }
    // Words that name no option (`my back`, `both knees`) are left out, and the rest tried exactly.
    let core = words(text).filter { !fillerWords.contains($0) }.joined(separator: " ")
    if !core.isEmpty, core != text,
      let exact = options.first(where: { option in
        normalised(option.id) == normalised(core) || option.label.lowercased() == core
          || option.synonyms.contains { $0.lowercased() == core }
      })
    {
      return .success(exact.id)
    }
    // "no" is not the start of "no_pain": a yes or a no that names no option is not read
    // as one whose id or label begins with it.
    if yesWords.contains(text) || noWords.contains(text) {
      return .failure(
        Hint(
          message: "'\(typed)' does not answer this question: it is not a yes-or-no question. "
            + "Type the number (1–\(options.count)) or words of one of the options."))
    }
    if let span = Duration.span(of: text), let bands = Duration.bands(options) {
      return Duration.option(span, typed: typed, bands: bands, options: options)
    }
    var matches = options.filter { option in
      let id = normalised(option.id)
      let initials = String(id.split(separator: "_").compactMap(\.first))
      return id.hasPrefix(key) || option.label.lowercased().hasPrefix(text) || (initials.count > 1 && initials == key)
    }
    if matches.isEmpty {
      let stems = Set(words(text).filter { !fillerWords.contains($0) }.map(stem))
      // A "no" or a "not" with nothing else that names an option (`no pain`, where "pain" is
      // a filler word) names none: it must not start the "not" of "… not getting better".
      if !stems.isSubset(of: negations) {
        matches = options.filter { option in
          let optionStems = Set(([option.label] + option.synonyms).flatMap(words).map(stem))
          return stems.isSubset(of: optionStems)
        }
        // Then the starts of words (`roll out` for "… my feet roll outwards").
        if matches.isEmpty {
          matches = options.filter { option in
            let optionWords = ([option.label] + option.synonyms).flatMap(words)
            return stems.allSatisfy { stem in optionWords.contains { $0.hasPrefix(stem) } }
          }
        }
      }
    }
    matches = withoutNegationUnlessSaid(matches, typed: text)
    matches = withEveryWordStarted(matches, typed: text)
    if matches.count == 1 { return .success(matches[0].id) }
    if matches.count > 1 {
      return .failure(
        Hint(
          message: "'\(typed)' could be \(matches.map { "'\($0.label)'" }.joined(separator: " or ")); type a little more, or its number."))
    }
    // "Did you mean": the option whose id, label or a synonym is closest to the reply.
    let names = options.flatMap { option in ([option.id, option.label] + option.synonyms).map { (normalised($0), option) } }
    let closest = Suggestion.closest(to: key, in: names.map(\.0)).flatMap { name in names.first { $0.0 == name }?.1 }
    let suggestion = closest.map { " Did you mean '\($0.label)'?" } ?? ""
    return .failure(
      Hint(
        message: "'\(typed)' is not one of the options; type its number (1–\(options.count)) or words from it.\(suggestion)",
        suggestion: closest?.label))
  }

  /// Of several options a reply matches, those where every word typed, short words
  /// included, starts a word of the label or a synonym (`roll in` is "… roll inwards", not
  /// "… roll outwards"); all of them when that would leave none.
  static func withEveryWordStarted(_ matches: [Question.Option], typed: String) -> [Question.Option] {
    guard matches.count > 1 else { return matches }
    let typedWords = words(typed)
    let kept = matches.filter { option in
      let optionWords = ([option.label] + option.synonyms).flatMap(words)
      return typedWords.allSatisfy { word in optionWords.contains { $0.hasPrefix(word) } }
    }
    return kept.isEmpty ? matches : kept
  }

  /// Words that turn an option's meaning round ("not getting better").
  static let negations: Set<String> = ["not", "no", "isn", "isnt", "never", "nothing", "doesn", "doesnt", "hasn", "hasnt"]

  /// Options a reply matches, less those whose label says "not" when the reply does not
  /// (`getting better` is "… getting better", not "… not getting better"), and the other
  /// way round; all of them when that would leave none.
  static func withoutNegationUnlessSaid(_ matches: [Question.Option], typed: String) -> [Question.Option] {
    guard matches.count > 1 else { return matches }
    let saysNot = !negations.isDisjoint(with: words(typed))
    let kept = matches.filter { negations.isDisjoint(with: words($0.label)) != saysNot }
    return kept.isEmpty ? matches : kept
  }

  /// Words that say nothing about which option is meant.
  static let fillerWords: Set<String> = [
    "a", "an", "the", "my", "i", "im", "in", "on", "at", "of", "or", "it", "is", "mostly", "mainly", "mine", "pain", "sore",
    "both", "painful", "aching", "achy",
  ]

  /// The lower-case words of a text, letters and digits only.
  static func words(_ text: String) -> [String] {
    text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
  }

  /// A word without its common English endings, so `walking`, `walks` and `walk` match.
  static func stem(_ word: String) -> String {
    for ending in ["ing", "ies", "es", "ed", "s"] where word.count > ending.count + 2 && word.hasSuffix(ending) {
      return String(word.dropLast(ending.count))
    }
    return word
  }

  private static func normalised(_ text: String) -> String {
    text.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
  }
}
