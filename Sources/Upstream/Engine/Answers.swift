// MARK: - Answers

/// One answer as a person gives it.
public enum AnswerValue: Sendable, Hashable, Codable {
  case yes
  case no
  case number(Double)
  case option(String)
  case options([String])
  case notSure
  /// Free text, to a `text` question.
  case text(String)
  /// A calendar day, to a `date` question.
  case date(CalendarDay)

  /// The answer as a person reads it: `yes`, `7`, `flat`, `running, cycling`, `not sure`.
  public var description: String {
    switch self {
    case .yes: "yes"
    case .no: "no"
    case .number(let value): NumberText.plain(value)
    case .option(let option): option
    case .options(let options): options.isEmpty ? "none" : options.joined(separator: ", ")
    case .notSure: "not sure"
    case .text(let text): text
    case .date(let day): day.description
    }
  }

  /// The answer as JSON, as in an answers file.
  package var json: JSONValue {
    switch self {
    case .yes: .bool(true)
    case .no: .bool(false)
    case .number(let value): .number(value)
    case .option(let option): .string(option)
    case .options(let options): .array(options.map { .string($0) })
    case .notSure: .string("not sure")
    case .text(let text): .string(text)
    case .date(let day): .string(day.description)
    }
  }

  /// The answer as `kind` reads it: a text decoded from JSON (where free text, a date and
  /// an option id all look alike) becomes the text or the day a `text` or `date`
  /// question takes.
  package func fitted(to kind: Question.Kind) -> AnswerValue {
    switch (self, kind) {
    case (.option(let text), .text): .text(text)
    case (.option(let text), .date): CalendarDay(text).map { .date($0) } ?? self
    default: self
    }
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let flag = try? container.decode(Bool.self) {
      self = flag ? .yes : .no
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let options = try? container.decode([String].self) {
      self = .options(options)
    } else {
      let text = try container.decode(String.self)
      self = text == "not sure" ? .notSure : .option(text)
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .yes: try container.encode(true)
    case .no: try container.encode(false)
    case .number(let value): try container.encode(value)
    case .option(let option): try container.encode(option)
    case .options(let options): try container.encode(options)
    case .notSure: try container.encode("not sure")
    case .text(let text): try container.encode(text)
    case .date(let day): try container.encode(day.description)
    }
  }
}

/// A person's answers, by question id.
public struct Answers: Sendable, Hashable, Codable {
  public private(set) var values: [String: AnswerValue]

  /// The day the answers were given: what `date` conditions (`q more than 6 weeks ago`)
  /// count back from. An input (`assess --assessment-date`, `"assessment date"` in an
  /// answers file, a QuestionnaireResponse's `authored`), never the clock: without it those
  /// conditions are unknown.
  public var assessmentDate: CalendarDay?

  /// The member of an answers file that holds the assessment date. No question id can be
  /// it, as ids have no spaces.
  public static let assessmentDateKey = "assessment date"

  public init(_ values: [String: AnswerValue] = [:]) { self.values = values }

  /// Answers given on `assessmentDate`.
  public init(_ values: [String: AnswerValue], assessmentDate: CalendarDay?) {
    self.values = values
    self.assessmentDate = assessmentDate
  }

  public subscript(question: String) -> AnswerValue? {
    get { values[question] }
    set { values[question] = newValue }
  }

  /// The question ids answered, sorted.
  public var questionIDs: [String] { values.keys.sorted() }

  /// The answers as a JSON object in question-id order: the answers-file format.
  package var json: JSONValue {
    let date = assessmentDate.map { [(Self.assessmentDateKey, JSONValue.string($0.description))] } ?? []
    // Sorted as pairs: looking each id up again would hash it a second time.
    return .object(date + values.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })
  }

  /// The bytes of `json` written compactly, for answers checked against `knowledgeBase`:
  /// what the answers hash is taken over. The answers are put in id order by each
  /// question's place among the knowledge base's sorted ids (`questionRankByID`), which is
  /// cheaper than comparing the ids, and reads only this line's own id strings, not the
  /// knowledge base's, which every thread of a batch shares.
  package func compactJSONUTF8(in knowledgeBase: KnowledgeBase) -> [UInt8] {
    // For each place among the sorted ids, where its answer is in `values`.
    var atRank = [Dictionary<String, AnswerValue>.Index?](repeating: nil, count: knowledgeBase.questions.count)
    var index = values.startIndex
    while index != values.endIndex {
      // An answer to an id the knowledge base lacks (answers not checked against it).
      guard case .question(let question)? = knowledgeBase.symbols[values[index].key] else {
        return JSONWriter.compactUTF8(json)
      }
      atRank[knowledgeBase.questionRankByID[question]] = index
      values.formIndex(after: &index)
    }
    return JSONWriter.compactObjectUTF8 { member in
      if let assessmentDate { member(Self.assessmentDateKey, .string(assessmentDate.description)) }
      for case let index? in atRank { member(values[index].key, values[index].value.json) }
    }
  }

  /// Room for this many answers, made before they are added one by one.
  package mutating func reserveCapacity(_ count: Int) { values.reserveCapacity(count) }

  public init(from decoder: Decoder) throws {
    var decoded = try decoder.singleValueContainer().decode([String: AnswerValue].self)
    if case .option(let text)? = decoded.removeValue(forKey: Self.assessmentDateKey) { assessmentDate = CalendarDay(text) }
    values = decoded
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    var encoded = values
    if let assessmentDate { encoded[Self.assessmentDateKey] = .text(assessmentDate.description) }
    try container.encode(encoded)
  }
}

/// Validated answers together with their slots in one knowledge base: each answer looked
/// up by its question id once, when resolved, and never again while rules run.
package struct ResolvedAnswers: Sendable {
  package let answers: Answers
  let sheet: AnswerSheet

  /// Resolves answers that have already been validated against `knowledgeBase`.
  package init(_ answers: Answers, for knowledgeBase: KnowledgeBase) {
    self.answers = answers
    sheet = AnswerSheet(answers, for: knowledgeBase)
  }

  /// Answers with the slots worked out as they were read.
  init(_ answers: Answers, sheet: AnswerSheet) {
    self.answers = answers
    self.sheet = sheet
  }
}

/// Answers compiled against a knowledge base: one slot per question, by index.
struct AnswerSheet: Sendable, Hashable {
  /// What is known of one question's answer.
  enum Slot: Sendable, Hashable {
    case unknown
    case yesNo(Bool)
    case number(Double)
    case option(Int)
    case options(UInt64)
    /// Answered, with nothing a rule reads but that it is (free text).
    case answered
    /// A calendar day, with the assessment date it is counted back from (nil when none
    /// was given: then only "is answered" can be decided).
    case date(CalendarDay, assessed: CalendarDay?)
  }

  var slots: [Slot]

  /// Every slot unknown, for `count` questions.
  init(unknown count: Int) { slots = Array(repeating: .unknown, count: count) }

  /// Compiles answers that have already been validated; anything that does not fit is unknown.
  init(_ answers: Answers, for knowledgeBase: KnowledgeBase) {
    slots = Array(repeating: .unknown, count: knowledgeBase.questions.count)
    for (id, value) in answers.values {
      guard case .question(let index)? = knowledgeBase.symbols[id] else { continue }
      slots[index] = Self.slot(value, kind: knowledgeBase.questions[index].kind, assessed: answers.assessmentDate)
    }
  }

  static func slot(_ value: AnswerValue, for question: Question, assessed: CalendarDay?) -> Slot {
    slot(value, kind: question.kind, assessed: assessed)
  }

  /// The slot for an answer to a question of this kind, with the assessment date a date
  /// answer is counted back from; anything that does not fit is unknown.
  static func slot(_ value: AnswerValue, kind: Question.Kind, assessed: CalendarDay?) -> Slot {
    func index(_ id: String, _ options: [Question.Option]) -> Int? {
      for (position, option) in options.enumerated() where option.id == id { return position }
      return nil
    }
    switch (value, kind) {
    case (.yes, .yesNo): return .yesNo(true)
    case (.no, .yesNo): return .yesNo(false)
    case (.number(let number), .number), (.number(let number), .scale): return .number(number)
    case (.option(let option), .choice(let options)):
      return index(option, options).map { .option($0) } ?? .unknown
    case (.options(let chosen), .choices(let options)):
      var mask: UInt64 = 0
      for option in chosen {
        guard let position = index(option, options) else { return .unknown }
        mask |= UInt64(1) << UInt64(position)
      }
      return .options(mask)
    case (.text, .text): return .answered
    case (.date(let day), .date): return .date(day, assessed: assessed)
    case (.option, .text): return .answered
    case (.option(let text), .date): return CalendarDay(text).map { .date($0, assessed: assessed) } ?? .unknown
    default: return .unknown
    }
  }
}
