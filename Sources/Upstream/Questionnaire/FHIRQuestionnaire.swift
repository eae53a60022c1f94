// MARK: - FHIR R4 Questionnaire

/// The knowledge base's questions as a FHIR R4 Questionnaire resource, so that other
/// clinical systems can collect answers in their own forms and hand them back as a
/// QuestionnaireResponse (read by ``KnowledgeBase/readAnswers(_:)``).
///
/// Each question is an item whose `linkId` is the question id, in the order the
/// questionnaire asks them (red-flag questions first):
///
/// | Upstream | FHIR item |
/// |---|---|
/// | `yes/no` | `boolean` |
/// | `number` (`decimals allowed`) | `integer` (`decimal`), with `minValue`/`maxValue` and `questionnaire-unit` extensions |
/// | `scale` | `integer`, 0 to 10 |
/// | `choice` | `choice`, or `open-choice` when "not sure" is allowed; `answerOption` codings |
/// | `choices` | as `choice`, with `repeats: true` and a "None of these" option |
/// | `text` | `text` |
/// | `date` | `date` |
/// | red-flag or `ask first` question | `required: true` (unless "not sure" is allowed: then unanswered means not sure) |
/// | `ask when` | `enableWhen` + `enableBehavior` where FHIR can express it, otherwise an instructions item saying so |
/// | `help` | a `display` item with display category `help` |
/// | `below range` / `above range` | a `display` item with display category `instructions` (linkId `ID.below-range`, `ID.above-range`) |
///
/// The output is deterministic: the same knowledge base gives byte-identical JSON.
public struct FHIRQuestionnaire: Sendable {
  /// The code system of a question's options is this prefix followed by the question id.
  public static let optionSystemPrefix = "urn:upstream:options:"
  /// The FHIR code system for "asked but unknown", read as "not sure".
  public static let dataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
  /// Upstream's own answers: `none` is "none of these" for a several-choices question.
  public static let answerSystem = "urn:upstream:answers"

  static let displayCategory = "http://hl7.org/fhir/StructureDefinition/questionnaire-displayCategory"
  static let displayCategorySystem = "http://hl7.org/fhir/questionnaire-display-category"

  public let knowledgeBase: KnowledgeBase

  public init(_ knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// Questions whose `ask when` FHIR enableWhen cannot express, with the condition in the
  /// rule language: a FHIR form shows these questions to everyone.
  package var inexpressible: [(question: String, askWhen: String)] {
    orderedQuestions.compactMap { question in
      guard !question.isRedFlagQuestion, let askWhen = question.askWhen, Self.enableWhen(askWhen, in: knowledgeBase) == nil
      else { return nil }
      return (question.id, ConditionText.describe(askWhen, in: knowledgeBase))
    }
  }

  /// The Questionnaire as pretty-printed JSON.
  public func render() -> String { JSONWriter.pretty(resource) }

  /// The Questionnaire resource.
  package var resource: JSONValue {
    let header = knowledgeBase.header
    var fields: [(key: String, value: JSONValue)] = [
      ("resourceType", .string("Questionnaire")),
      ("id", .string(Self.resourceID(header.name))),
      ("url", .string(Self.url(knowledgeBase))),
      (
        "identifier",
        .array([.object([("system", .string("urn:upstream:rules-sha256")), ("value", .string(knowledgeBase.contentHash))])])
      ),
      ("version", .string(header.version)),
      ("name", .string(Self.computableName(header.name))),
      ("title", .string(header.name)),
      ("status", .string("active")),
      ("subjectType", .array([.string("Patient")])),
    ]
    if !header.authors.isEmpty { fields.append(("publisher", .string(header.authors.joined(separator: ", ")))) }
    fields.append(("description", .string(header.disclaimer)))
    let copyrights = knowledgeBase.instrumentCopyrights
    if !copyrights.isEmpty { fields.append(("copyright", .string(copyrights.joined(separator: "\n")))) }
    fields.append(("item", .array(orderedQuestions.map { item($0) })))
    return .object(fields)
  }

  /// The canonical URL the Questionnaire is published under.
  public static func url(_ knowledgeBase: KnowledgeBase) -> String {
    "urn:upstream:questionnaire:" + resourceID(knowledgeBase.header.name)
  }

  /// The code system of a question's options.
  public static func optionSystem(_ question: Question) -> String { optionSystemPrefix + question.id }

  /// The questions in the order the questionnaire asks them: red-flag questions first.
  var orderedQuestions: [Question] {
    knowledgeBase.questions.filter(\.isRedFlagQuestion) + knowledgeBase.questions.filter { !$0.isRedFlagQuestion }
  }

  // MARK: Items

  /// The FHIR item type of a question.
  static func itemType(_ question: Question) -> String {
    switch question.kind {
    case .yesNo: "boolean"
    case .number(_, _, _, let decimals): decimals ? "decimal" : "integer"
    case .scale: "integer"
    case .choice, .choices: question.notSureAllowed ? "open-choice" : "choice"
    case .text: "text"
    case .date: "date"
    }
  }

  /// One question as a Questionnaire item. An adaptive questionnaire's item (SDC
  /// `$next-question`) leaves out `enableWhen`: the server has already decided to ask it.
  package func item(_ question: Question, adaptive: Bool = false) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = []
    let extensions = Self.extensions(question)
    if !extensions.isEmpty { fields.append(("extension", .array(extensions))) }
    fields.append(("linkId", .string(question.exportLinkId)))
    if !question.codings.isEmpty { fields.append(("code", .array(question.codings.map(Self.coding)))) }
    fields.append(("text", .string(question.wording)))
    fields.append(("type", .string(Self.itemType(question))))
    var notes: [JSONValue] = []
    if let help = question.help { notes.append(Self.display("\(question.id).help", help, category: "help")) }
    if !adaptive, !question.isRedFlagQuestion, let askWhen = question.askWhen {
      if let (conditions, behaviour) = Self.enableWhen(askWhen, in: knowledgeBase) {
        fields.append(("enableWhen", .array(conditions)))
        if let behaviour { fields.append(("enableBehavior", .string(behaviour))) }
      } else {
        let text =
          "Upstream asks this question only when \(ConditionText.describe(askWhen, in: knowledgeBase)). "
          + "FHIR enableWhen cannot express this condition, so this form always shows the question; "
          + "leave it unanswered when it does not apply."
        notes.append(Self.display("\(question.id).ask-when", text, category: "instructions"))
      }
    }
    // A red-flag question must be answered, unless "not sure" is allowed: then leaving it
    // unanswered is how a form says "not sure", and `required` would contradict that.
    if question.isRedFlagQuestion || question.asksFirst, !question.notSureAllowed { fields.append(("required", .bool(true))) }
    if case .choices = question.kind { fields.append(("repeats", .bool(true))) }
    if !question.kind.options.isEmpty {
      var options = question.kind.options.map { JSONValue.object([("valueCoding", Self.coding(question, $0))]) }
      if case .choices = question.kind {
        // An empty answer means "not answered", so "none of these" needs an option of its own.
        options.append(
          .object([
            (
              "valueCoding",
              .object([("system", .string(Self.answerSystem)), ("code", .string("none")), ("display", .string("None of these"))])
            )
          ]))
      }
      fields.append(("answerOption", .array(options)))
    }
    // Who the questionnaire is not for (`below range "…"`): a form that stops at the range
    // shows the person why, in the rules' words.
    if let range = question.kind.numberRange {
      if let message = question.belowRangeMessage {
        let text = Self.outOfRangeLead(below: true, range) + message
        notes.append(Self.display("\(question.id).below-range", text, category: "instructions"))
      }
      if let message = question.aboveRangeMessage {
        let text = Self.outOfRangeLead(below: false, range) + message
        notes.append(Self.display("\(question.id).above-range", text, category: "instructions"))
      }
    }
    if question.notSureAllowed {
      let text =
        Self.itemType(question) == "open-choice"
        ? "If you are not sure, type \"not sure\"." : "If you are not sure, leave this question unanswered."
      notes.append(Self.display("\(question.id).not-sure", text, category: "instructions"))
    }
    if !notes.isEmpty { fields.append(("item", .array(notes))) }
    return .object(fields)
  }

  /// The words before a `below range` or `above range` text in a form, which shows it
  /// under the question whatever the answer: "If your answer is under 16: ".
  package static func outOfRangeLead(below: Bool, _ range: ClosedRange<Double>) -> String {
    below
      ? "If your answer is under \(NumberText.plain(range.lowerBound)): "
      : "If your answer is over \(NumberText.plain(range.upperBound)): "
  }

  /// The range and unit of a number question, as standard FHIR extensions.
  private static func extensions(_ question: Question) -> [JSONValue] {
    guard let range = question.kind.numberRange else { return [] }
    let valueKey = itemType(question) == "decimal" ? "valueDecimal" : "valueInteger"
    var extensions: [JSONValue] = [
      .object([("url", .string("http://hl7.org/fhir/StructureDefinition/minValue")), (valueKey, .number(range.lowerBound))]),
      .object([("url", .string("http://hl7.org/fhir/StructureDefinition/maxValue")), (valueKey, .number(range.upperBound))]),
    ]
    if case .number(_, _, let unit?, _) = question.kind {
      var coding: [(key: String, value: JSONValue)] = []
      if let code = UCUM.code(for: unit) {
        coding = [("system", .string(UCUM.system)), ("code", .string(code))]
      }
      coding.append(("display", .string(unit)))
      extensions.append(
        .object([
          ("url", .string("http://hl7.org/fhir/StructureDefinition/questionnaire-unit")),
          ("valueCoding", .object(coding)),
        ]))
    }
    return extensions
  }

  /// An option's coding: the first code the rules declare for it with a system, else the
  /// option's id in the question's own code system.
  static func coding(_ question: Question, _ option: Question.Option) -> JSONValue {
    if let declared = option.codings.first(where: { $0.system != nil }), let system = declared.system {
      return .object([("system", .string(system)), ("code", .string(declared.code)), ("display", .string(option.label))])
    }
    return .object([("system", .string(optionSystem(question))), ("code", .string(option.id)), ("display", .string(option.label))])
  }

  /// A declared coding as FHIR JSON.
  static func coding(_ coding: Coding) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = []
    if let system = coding.system { fields.append(("system", .string(system))) }
    fields.append(("code", .string(coding.code)))
    return .object(fields)
  }

  /// A display item under a question, with its display category.
  static func display(_ linkId: String, _ text: String, category: String) -> JSONValue {
    .object([
      (
        "extension",
        .array([
          .object([
            ("url", .string(displayCategory)),
            (
              "valueCodeableConcept",
              .object([("coding", .array([.object([("system", .string(displayCategorySystem)), ("code", .string(category))])]))])
            ),
          ])
        ])
      ),
      ("linkId", .string(linkId)),
      ("text", .string(text)),
      ("type", .string("display")),
    ])
  }

  // MARK: ask when → enableWhen

  /// A condition in the shape FHIR can hold: tests, all of them, or any of them.
  private indirect enum Shape {
    case test(JSONValue)
    case all([Shape])
    case any([Shape])

    /// Nested alls in an all (and anys in an any) merged.
    var flattened: Shape {
      switch self {
      case .test: return self
      case .all(let parts):
        let flat = parts.map(\.flattened).flatMap { part -> [Shape] in if case .all(let inner) = part { inner } else { [part] } }
        return flat.count == 1 ? flat[0] : .all(flat)
      case .any(let parts):
        let flat = parts.map(\.flattened).flatMap { part -> [Shape] in if case .any(let inner) = part { inner } else { [part] } }
        return flat.count == 1 ? flat[0] : .any(flat)
      }
    }

    var test: JSONValue? { if case .test(let value) = self { value } else { nil } }
  }

  /// An `ask when` as FHIR enableWhen entries and their enableBehavior (nil for one
  /// entry), or nil when FHIR cannot express it: FHIR combines its tests with one `all`
  /// or one `any`, so a mix of `and` and `or` cannot be written.
  static func enableWhen(_ condition: Condition, in knowledgeBase: KnowledgeBase) -> (
    conditions: [JSONValue], behaviour: String?
  )? {
    guard let shape = shape(condition, negated: false, knowledgeBase)?.flattened else { return nil }
    switch shape {
    case .test(let test): return ([test], nil)
    case .all(let parts):
      let tests = parts.compactMap(\.test)
      return tests.count == parts.count ? (tests, "all") : nil
    case .any(let parts):
      let tests = parts.compactMap(\.test)
      return tests.count == parts.count ? (tests, "any") : nil
    }
  }

  /// The condition with `not` pushed down to the tests.
  private static func shape(_ condition: Condition, negated: Bool, _ kb: KnowledgeBase) -> Shape? {
    func shapes(_ parts: [Condition]) -> [Shape]? {
      let result = parts.compactMap { shape($0, negated: negated, kb) }
      return result.count == parts.count ? result : nil
    }
    switch condition {
    case .answer(let question, let test): return shape(kb.questions[question], test, negated: negated)
    case .finding, .score: return nil
    case .all(let parts): return shapes(parts).map { negated ? .any($0) : .all($0) }
    case .any(let parts): return shapes(parts).map { negated ? .all($0) : .any($0) }
    case .not(let inner): return shape(inner, negated: !negated, kb)
    case .atLeast(let count, let parts):
      if count <= 1 { return shapes(parts).map { negated ? .all($0) : .any($0) } }
      if count == parts.count { return shapes(parts).map { negated ? .any($0) : .all($0) } }
      return nil
    }
  }

  /// One answer test as FHIR enableWhen entries.
  private static func shape(_ question: Question, _ test: AnswerTest, negated: Bool) -> Shape? {
    func entry(_ op: String, _ answer: (key: String, value: JSONValue)) -> Shape {
      .test(.object([("question", .string(question.exportLinkId)), ("operator", .string(op)), answer]))
    }
    func option(_ index: Int) -> (key: String, value: JSONValue) {
      ("answerCoding", coding(question, question.kind.options[index]))
    }
    let whole = itemType(question) == "integer"
    func number(_ value: Double) -> (key: String, value: JSONValue) {
      (whole ? "answerInteger" : "answerDecimal", .number(value))
    }
    switch test {
    case .yesNo(let yes): return entry("=", ("answerBoolean", .bool(yes != negated)))
    case .option(let index, let isNot): return entry(isNot != negated ? "!=" : "=", option(index))
    case .includes(let index): return entry(negated ? "!=" : "=", option(index))
    case .oneOf(let indices):
      let entries = indices.map { entry(negated ? "!=" : "=", option($0)) }
      return negated ? .all(entries) : .any(entries)
    case .compare(let op, let bound):
      var op = negated ? op.negated : op
      var bound = bound
      if whole && bound != bound.rounded() {
        // On whole numbers, `> 7.5` is `>= 8` and `< 7.5` is `<= 7`.
        switch op {
        case .greater, .greaterOrEqual: (op, bound) = (.greaterOrEqual, bound.rounded(.up))
        case .less, .lessOrEqual: (op, bound) = (.lessOrEqual, bound.rounded(.down))
        }
      }
      return entry(op.rawValue, number(bound))
    case .equals(let value, let isNot):
      guard !whole || value == value.rounded() else { return nil }
      return entry(isNot != negated ? "!=" : "=", number(value))
    case .between(let low, let high):
      if negated { return .any([entry("<", number(low)), entry(">", number(high))]) }
      return .all([entry(">=", number(low)), entry("<=", number(high))])
    case .answered(let isNot): return entry("exists", ("answerBoolean", .bool(isNot == negated)))
    case .ago:
      // enableWhen compares with fixed values; "6 weeks before the assessment date" is not one.
      return nil
    }
  }

  // MARK: Names

  /// An id for the resource: lower case letters, digits and hyphens, at most 64.
  static func resourceID(_ name: String) -> String {
    let words = name.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
    let id = String(words.joined(separator: "-").prefix(64))
    return id.isEmpty ? "upstream" : id
  }

  /// A computable name: words run together, starting with a capital letter.
  static func computableName(_ name: String) -> String {
    let words = name.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
    let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    guard let first = joined.first, first.isUppercase else { return "Upstream" + joined }
    return joined
  }
}

extension ComparisonOperator {
  /// The operator that holds exactly when this one fails.
  var negated: ComparisonOperator {
    switch self {
    case .less: .greaterOrEqual
    case .lessOrEqual: .greater
    case .greater: .lessOrEqual
    case .greaterOrEqual: .less
    }
  }
}

// MARK: - UCUM

/// The UCUM codes (Unified Code for Units of Measure) of the units rule files write in
/// words, for FHIR's `questionnaire-unit` and `valueQuantity`.
package enum UCUM {
  /// UCUM's code system URI.
  package static let system = "http://unitsofmeasure.org"

  private static let codes: [String: String] = [
    "second": "s", "seconds": "s", "s": "s", "minute": "min", "minutes": "min", "min": "min",
    "hour": "h", "hours": "h", "h": "h", "day": "d", "days": "d", "d": "d", "week": "wk", "weeks": "wk",
    "month": "mo", "months": "mo", "year": "a", "years": "a", "kg": "kg", "kilograms": "kg", "g": "g",
    "grams": "g", "cm": "cm", "centimetres": "cm", "centimeters": "cm", "m": "m", "metres": "m", "meters": "m",
    "mm": "mm", "km": "km", "mmhg": "mm[Hg]", "mm hg": "mm[Hg]", "beats per minute": "/min", "bpm": "/min",
    "steps": "{steps}", "steps per day": "{steps}/d", "percent": "%", "%": "%", "degrees": "deg", "°": "deg",
    "kg/m2": "kg/m2", "points": "{score}", "times per week": "/wk", "times per day": "/d", "litres": "L", "liters": "L",
  ]

  /// The UCUM code of a unit written in words ("hours" → "h"), or nil when Upstream does
  /// not know it.
  package static func code(for unit: String) -> String? {
    codes[unit.lowercased().trimmingCharacters(in: .whitespaces)]
  }

  // MARK: Converting

  /// What a unit measures and how many of the base unit one of it is: kg for mass, m for
  /// length, s for time, L for volume. Only exact factors (the international pound and
  /// inch); a month is 1/12 of a Julian year, as UCUM defines it.
  private static let factors: [String: (dimension: String, factor: Double)] = [
    "kg": ("mass", 1), "g": ("mass", 0.001), "[lb_av]": ("mass", 0.453_592_37), "[oz_av]": ("mass", 0.028_349_523_125),
    "[stone_av]": ("mass", 6.350_293_18),
    "m": ("length", 1), "cm": ("length", 0.01), "mm": ("length", 0.001), "km": ("length", 1000), "[in_i]": ("length", 0.0254),
    "[ft_i]": ("length", 0.3048),
    "s": ("time", 1), "min": ("time", 60), "h": ("time", 3600), "d": ("time", 86_400), "wk": ("time", 604_800),
    "mo": ("time", 2_629_800), "a": ("time", 31_557_600),
    "L": ("volume", 1), "mL": ("volume", 0.001),
    "/min": ("rate", 1.0 / 60), "/h": ("rate", 1.0 / 3600), "/d": ("rate", 1.0 / 86_400), "/wk": ("rate", 1.0 / 604_800),
  ]

  /// Words people write for units UCUM spells otherwise.
  private static let answerWords: [String: String] = [
    "lb": "[lb_av]", "lbs": "[lb_av]", "pound": "[lb_av]", "pounds": "[lb_av]", "oz": "[oz_av]", "st": "[stone_av]",
    "stone": "[stone_av]", "in": "[in_i]", "inch": "[in_i]", "inches": "[in_i]", "ft": "[ft_i]", "foot": "[ft_i]",
    "feet": "[ft_i]", "hr": "h", "hrs": "h", "ml": "mL", "l": "L", "wks": "wk", "yr": "a", "yrs": "a",
  ]

  /// The UCUM code an answer's unit stands for: a UCUM code as it is, else a word Upstream knows.
  private static func answerCode(_ unit: String) -> String {
    let trimmed = unit.trimmingCharacters(in: .whitespaces)
    if factors[trimmed] != nil { return trimmed }
    return answerWords[trimmed.lowercased()] ?? code(for: trimmed) ?? trimmed
  }

  /// Why a quantity cannot answer a question.
  package struct Mismatch: Error, Sendable {
    /// What was wrong, naming both units.
    package let message: String
  }

  /// The number a quantity answer (`{"value": 154, "unit": "[lb_av]"}`, or FHIR's
  /// valueQuantity with `code`/`unit`) gives in the question's unit: the same unit, or one
  /// of the same kind converted (kg and lb, cm and in, hours and minutes). A question with
  /// no unit takes the value as it is; a unit of another kind, or one Upstream cannot
  /// convert, is refused with both units named.
  package static func convert(_ quantity: JSONValue, to question: Question) -> Result<Double, Mismatch> {
    convert(quantity, id: question.id, kind: question.kind)
  }

  /// The number a quantity answer gives in the unit of the question `id` of this kind
  /// (see ``convert(_:to:)``).
  package static func convert(_ quantity: JSONValue, id: String, kind: Question.Kind) -> Result<Double, Mismatch> {
    guard case .number(let value)? = quantity["value"] else {
      return .failure(Mismatch(message: "question '\(id)' takes a number; a quantity needs a numeric \"value\""))
    }
    let written: String? =
      if case .string(let code)? = quantity["code"] { code } else if case .string(let unit)? = quantity["unit"] { unit } else { nil }
    guard case .number(_, _, let declared?, _) = kind, let written else { return .success(value) }
    let wanted = code(for: declared) ?? declared
    let given = answerCode(written)
    if given == wanted || given.lowercased() == declared.lowercased() { return .success(value) }
    guard let from = factors[given], let to = factors[wanted] else {
      return .failure(
        Mismatch(
          message:
            "question '\(id)' is answered in \(declared); the answer \(NumberText.plain(value)) \(written) is in a unit Upstream cannot convert to \(declared): give the number in \(declared)"
        ))
    }
    guard from.dimension == to.dimension else {
      return .failure(
        Mismatch(
          message:
            "question '\(id)' is answered in \(declared) (\(to.dimension)); the answer \(NumberText.plain(value)) \(written) measures \(from.dimension), which cannot be converted: give the number in \(declared)"
        ))
    }
    let converted = value * from.factor / to.factor
    // Whole-number questions get the nearest whole number; others keep 3 decimals, so the
    // same answer always gives the same number.
    let decimals = if case .number(_, _, _, let allowed) = kind { allowed } else { false }
    return .success(decimals ? (converted * 1000).rounded() / 1000 : converted.rounded())
  }
}
