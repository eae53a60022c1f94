// MARK: - Answers

/// One answer as a person gives it.
public enum AnswerValue: Sendable, Hashable, Codable {
  case yes
  case no
  case number(Double)
  case option(String)
  case options([String])
  case notSure

  /// The answer as a person reads it: `yes`, `7`, `flat`, `running, cycling`, `not sure`.
  public var description: String {
    switch self {
    case .yes: "yes"
    case .no: "no"
    case .number(let value): NumberText.plain(value)
    case .option(let option): option
    case .options(let options): options.isEmpty ? "none" : options.joined(separator: ", ")
    case .notSure: "not sure"
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
    }
  }
}

/// A person's answers, by question id.
public struct Answers: Sendable, Hashable, Codable {
  public private(set) var values: [String: AnswerValue]

  public init(_ values: [String: AnswerValue] = [:]) { self.values = values }

  public subscript(question: String) -> AnswerValue? {
    get { values[question] }
    set { values[question] = newValue }
  }

  /// The question ids answered, sorted.
  public var questionIDs: [String] { values.keys.sorted() }

  /// The answers as a JSON object in question-id order: the answers-file format.
  package var json: JSONValue { .object(questionIDs.map { ($0, values[$0]?.json ?? .null) }) }

  public init(from decoder: Decoder) throws {
    values = try decoder.singleValueContainer().decode([String: AnswerValue].self)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(values)
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
  }

  var slots: [Slot]

  /// Every slot unknown, for `count` questions.
  init(unknown count: Int) { slots = Array(repeating: .unknown, count: count) }

  /// Compiles answers that have already been validated; anything that does not fit is unknown.
  init(_ answers: Answers, for knowledgeBase: KnowledgeBase) {
    slots = Array(repeating: .unknown, count: knowledgeBase.questions.count)
    for (id, value) in answers.values {
      guard case .question(let index)? = knowledgeBase.symbols[id] else { continue }
      slots[index] = Self.slot(value, kind: knowledgeBase.questions[index].kind)
    }
  }

  static func slot(_ value: AnswerValue, for question: Question) -> Slot { slot(value, kind: question.kind) }

  /// The slot for an answer to a question of this kind; anything that does not fit is unknown.
  static func slot(_ value: AnswerValue, kind: Question.Kind) -> Slot {
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
    default: return .unknown
    }
  }
}
