// MARK: - A FHIR Questionnaire as a rules skeleton

/// Turns a FHIR R4 Questionnaire (PHQ-9, GAD-7, a clinic's own intake form) into rule text
/// a clinician finishes: the questions (`string`/`text` items as `text`, `date`/`dateTime`
/// as `date`), their options with codings, `ask when` from `enableWhen`/`enableBehavior`
/// (`exists` as `is answered`), ranges from the `minValue`/`maxValue` extensions, units,
/// and, when the options carry weights (`ordinalValue`, `itemWeight`), a score with one rule
/// per weighted option and the copyright on it. What cannot be translated (calculated
/// expressions, item types Upstream has no question for, conditions it cannot write) stays
/// as a comment, so nothing is lost silently.
///
/// Ids are slugged from linkIds (`/44249-1/44250-9` → `q_44249-1_44250-9`) and the original
/// linkId is declared with `link id` whenever it differs, so exporting the rules gives the
/// same linkIds back. The output is deterministic: the order of the form, no dates.
package struct FHIRQuestionnaireImport: Sendable {
  /// The rule files written: the module, and a header when the target folder has none.
  package struct Output: Sendable {
    /// The module's file name (slugged from the Questionnaire's name) and its text.
    package var module: (name: String, text: String)?
    /// A `knowledge base` header for a folder that has none.
    package var header: (name: String, text: String)?
    /// Errors (nothing is written) and notes on what was not translated.
    package var diagnostics: [Diagnostic] = []
  }

  private static let ordinalURLs = [
    "http://hl7.org/fhir/StructureDefinition/ordinalValue", "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
  ]
  private static let minURL = "http://hl7.org/fhir/StructureDefinition/minValue"
  private static let maxURL = "http://hl7.org/fhir/StructureDefinition/maxValue"
  private static let unitURL = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
  private static let calculatedURL = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"

  /// One option of an imported choice question.
  private struct Option {
    var id: String
    let label: String
    let codes: [(system: String?, code: String)]
    let weight: Double?
  }

  /// One imported question (or a comment standing for an item that is not one).
  private struct Question {
    let id: String
    let linkId: String
    let type: String
    let text: String
    var lines: [String] = []
    var options: [Option] = []
    var comments: [String] = []
    var notSure = false
  }

  // MARK: Reading

  /// Reads the Questionnaire in `file`. `withHeader` adds a header file (for a folder
  /// that has none).
  package static func read(_ file: SourceFile, withHeader: Bool) -> Output {
    var output = Output()
    let root: JSONDocument.Located
    switch JSONReader.read(file) {
    case .failure(let error):
      output.diagnostics.append(error.diagnostic(notJSON: .answersNotJSON, what: "this Questionnaire"))
      return output
    case .success(let document): root = document.root
    }
    guard case .object(let fields) = root.node, root.value["resourceType"] == .string("Questionnaire") else {
      let found = root.value["resourceType"].map { JSONWriter.compact($0) } ?? root.value.kindDescription
      output.diagnostics.append(
        .error(
          .unmappableFHIRItem, "this is not a FHIR Questionnaire (its resourceType is \(found)); give a Questionnaire resource",
          at: root.range))
      return output
    }
    var importer = Importer(file: file)
    importer.valueSets = containedValueSets(root.value)
    if let items = fields.first(where: { $0.key == "item" })?.value {
      importer.walk(items, group: [])
    } else {
      output.diagnostics.append(.error(.unmappableFHIRItem, "the Questionnaire has no items", at: root.range))
    }
    output.diagnostics += importer.diagnostics
    guard !output.diagnostics.hasErrors else { return output }
    importer.resolveEnableWhen()

    let value = root.value
    let title = value["title"]?.text ?? value["name"]?.text ?? value["id"]?.text ?? "Imported questionnaire"
    let slug = slugged(value["name"]?.text ?? value["id"]?.text ?? title, prefix: "q").lowercased()
    output.module = ("\(slug).rules", importer.render(title: title, value: value, slug: slug))
    if withHeader {
      var header = [
        "# The header for rules imported from the FHIR Questionnaire \(quoted(title)).", "",
        "knowledge base \(quoted(title))",
        "  version \(quoted(value["version"]?.text ?? "0.1.0"))",
      ]
      if let publisher = value["publisher"]?.text { header.append("  author \(quoted(publisher))") }
      let description =
        value["description"]?.text
        ?? "Imported from a FHIR Questionnaire: a screening aid, not a diagnosis. Review every question before use."
      header.append("  disclaimer \(quoted(description))")
      header.append(
        "  safety netting \(quoted("If you are worried about your health, or it gets worse, contact a doctor or your care team."))")
      output.header = ("knowledge-base.rules", header.joined(separator: "\n") + "\n")
    }
    return output
  }

  /// The ValueSets a Questionnaire contains, by the local reference an `answerValueSet`
  /// uses for them (`#VSPHQ9`).
  private static func containedValueSets(_ questionnaire: JSONValue) -> [String: JSONValue] {
    guard case .array(let resources)? = questionnaire["contained"] else { return [:] }
    var valueSets: [String: JSONValue] = [:]
    for resource in resources where resource["resourceType"]?.text == "ValueSet" {
      if let id = resource["id"]?.text { valueSets["#" + id] = valueSets["#" + id] ?? resource }
    }
    return valueSets
  }

  // MARK: Names

  /// A valid id from any text: letters, digits, `_` and `-`, starting with a letter (else
  /// `prefix_` is put first), never a word of the language.
  static func slugged(_ text: String, prefix: String) -> String {
    var slug = ""
    for character in text {
      if character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_") {
        slug.append(character)
      } else if !slug.hasSuffix("_") {
        slug.append("_")
      }
    }
    while slug.hasPrefix("_") || slug.hasPrefix("-") { slug.removeFirst() }
    while slug.hasSuffix("_") || slug.hasSuffix("-") { slug.removeLast() }
    slug = String(slug.prefix(60))
    if slug.first?.isLetter != true || Parser.reservedWords.contains(slug) { slug = prefix + "_" + slug }
    while slug.hasSuffix("_") { slug.removeLast() }
    return slug
  }

  static func quoted(_ text: String) -> String {
    var out = "\""
    for character in text {
      switch character {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += " "
      default: out.append(character)
      }
    }
    return out + "\""
  }

  // MARK: Walking the items

  private struct Importer {
    let file: SourceFile
    var questions: [Question] = []
    var diagnostics: [Diagnostic] = []
    /// The contained ValueSets, by local reference (`#id`).
    var valueSets: [String: JSONValue] = [:]
    var usedIds = Set<String>()
    /// linkId → question index.
    var byLinkId: [String: Int] = [:]
    /// Display items read as part of their question (`below range`), not copied as comments.
    var readWithQuestion = Set<String>()
    /// Pending enableWhen per question index.
    var enableWhen: [Int: (conditions: [JSONValue], behaviour: String?, range: SourceRange)] = [:]
    /// Items with a calculated expression: candidates for the score's stored total.
    var calculated: [(linkId: String, codes: [(system: String?, code: String)], expression: String)] = []

    init(file: SourceFile) { self.file = file }

    mutating func unique(_ base: String) -> String {
      var id = base
      var number = 2
      while usedIds.contains(id) {
        id = "\(base)_\(number)"
        number += 1
      }
      usedIds.insert(id)
      return id
    }

    mutating func walk(_ list: JSONDocument.Located, group: [String]) {
      guard case .array(let items) = list.node else {
        diagnostics.append(.error(.unmappableFHIRItem, "'item' must be a list of items", at: list.range))
        return
      }
      for element in items {
        guard case .object(let fields) = element.node else {
          diagnostics.append(.error(.unmappableFHIRItem, "an item must be a JSON object", at: element.range))
          continue
        }
        let value = element.value
        guard let linkId = value["linkId"]?.text, !linkId.isEmpty else {
          diagnostics.append(.error(.unmappableFHIRItem, "an item needs a linkId", at: element.range))
          continue
        }
        let type = value["type"]?.text ?? "group"
        let text = value["text"]?.text ?? linkId
        let children = fields.first { $0.key == "item" }?.value
        let codes = Self.codes(value["code"])
        if let expression = Self.calculatedExpression(value) {
          calculated.append((linkId, codes, expression))
          addComment("item \(quoted(linkId)) (\(text)) is calculated in the form (\(expression)); not imported as a question")
          continue
        }
        switch type {
        case "group":
          addComment("group \(quoted(linkId)): \(text)")
          if let children { walk(children, group: group + [linkId]) }
        case "display":
          // A question's help, and the texts for answers outside its range, are read with it.
          if Self.displayCategory(value) != "help" && !readWithQuestion.contains(linkId) { addComment("display \(quoted(linkId)): \(text)") }
        case "boolean", "choice", "open-choice", "integer", "decimal", "quantity", "string", "text", "date", "dateTime":
          addQuestion(value, linkId: linkId, type: type, text: text, codes: codes, range: element.range)
          if let children { walk(children, group: group + [linkId]) }
        default:
          addComment(
            "item \(quoted(linkId)) (\(text)) is of type \(type), which Upstream has no question for; not imported")
          if let children { walk(children, group: group + [linkId]) }
        }
      }
    }

    mutating func addComment(_ text: String) {
      if questions.isEmpty || !questions[questions.count - 1].type.isEmpty {
        questions.append(Question(id: "", linkId: "", type: "", text: ""))
      }
      questions[questions.count - 1].comments.append(text)
    }

    mutating func addQuestion(
      _ value: JSONValue, linkId: String, type: String, text: String, codes: [(system: String?, code: String)],
      range: SourceRange
    ) {
      let id = unique(FHIRQuestionnaireImport.slugged(linkId, prefix: "q"))
      var question = Question(id: id, linkId: linkId, type: type, text: text)
      let repeats = value["repeats"] == .bool(true)
      switch type {
      case "boolean": question.lines.append("question \(id): yes/no")
      case "choice", "open-choice": question.lines.append("question \(id): \(repeats ? "choices" : "choice")")
      case "string", "text": question.lines.append("question \(id): text")
      case "date", "dateTime":
        question.lines.append("question \(id): date")
        if type == "dateTime" { question.comments.append("a dateTime item: Upstream keeps the day and drops the time") }
      default: question.lines.append("question \(id): number")
      }
      if repeats, ["string", "text", "date", "dateTime"].contains(type) {
        question.comments.append("the form lets this item repeat; Upstream keeps one answer")
      }
      question.lines.append("  ask \(quoted(text))")
      if let help = Self.help(value) { question.lines.append("  help \(quoted(help))") }
      if linkId != id { question.lines.append("  link id \(quoted(linkId))") }
      for code in codes { question.lines.append("  " + Self.coding(code)) }
      if type == "choice" || type == "open-choice" {
        question.options = options(value, question: id, comments: &question.comments)
        if question.options.isEmpty {
          // No option to list (a value set the form does not contain): the answer is kept as
          // free text until a clinician lists the options.
          question.lines[0] = "question \(id): text"
          question.comments.append("no options could be listed, so it is imported as a text question; list the options and make it a choice")
        } else if type == "open-choice" {
          // Upstream writes open-choice for a question that allows "not sure", typed as text.
          question.comments.append("open-choice: a typed answer other than the options is read as \"not sure\"")
          question.notSure = true
        }
        if question.options.count == 1 && !repeats {
          question.comments.append("the form gives \(question.options.count) option(s); a choice question needs two")
          question.options.append(Option(id: "other", label: "Other", codes: [], weight: nil))
        }
      }
      if ["integer", "decimal", "quantity"].contains(type) {
        let low = Self.extensionNumber(value, FHIRQuestionnaireImport.minURL)
        let high = Self.extensionNumber(value, FHIRQuestionnaireImport.maxURL)
        if let low, let high, low <= high {
          question.lines.append("  range \(NumberText.plain(low)) to \(NumberText.plain(high))")
        } else {
          question.lines.append("  range \(NumberText.plain(low ?? 0)) to \(NumberText.plain(high ?? 1000))")
          question.comments.append("the form gives no complete range (minValue/maxValue); check the range")
        }
        if let unit = Self.unit(value) { question.lines.append("  unit \(quoted(unit))") }
        if type != "integer" { question.lines.append("  decimals allowed") }
        // Upstream's own export says who the form is not for in a display item per end.
        for (end, below) in [("below", true), ("above", false)] {
          guard let (displayLinkId, text) = Self.display(value, linkIdEnding: ".\(end)-range"), let low, let high, low <= high
          else { continue }
          let lead = FHIRQuestionnaire.outOfRangeLead(below: below, low...high)
          let message = text.hasPrefix(lead) ? String(text.dropFirst(lead.count)) : text
          // An empty text says nothing to the person: the item stays a comment.
          guard !message.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
          readWithQuestion.insert(displayLinkId)
          question.lines.append("  \(end) range \(quoted(message))")
        }
      }
      if case .array(let conditions)? = value["enableWhen"], !conditions.isEmpty {
        enableWhen[questions.count] = (conditions, value["enableBehavior"]?.text, range)
      }
      byLinkId[linkId] = questions.count
      questions.append(question)
    }

    mutating func options(_ value: JSONValue, question: String, comments: inout [String]) -> [Option] {
      var options: [Option] = []
      var ids = Set<String>()
      var list: [JSONValue] = []
      if case .array(let given)? = value["answerOption"] { list = given }
      if let reference = value["answerValueSet"]?.text {
        if let valueSet = valueSets[reference] {
          list += Self.answerOptions(valueSet)
        } else {
          comments.append("the options come from a value set (\(reference)) that the form does not contain; list them with 'option'")
        }
      }
      for entry in list {
        var label: String
        var codes: [(system: String?, code: String)] = []
        var ownID: String?
        if let coding = entry["valueCoding"] {
          guard let code = coding["code"]?.text ?? coding["display"]?.text else { continue }
          let system = coding["system"]?.text
          // Upstream's own "none of these" is how a several-choices question says none.
          if system == FHIRQuestionnaire.answerSystem { continue }
          label = coding["display"]?.text ?? code
          if coding["code"]?.text != nil { codes = [(system, code)] }
          // A Questionnaire Upstream exported: the code is the option's own id.
          if system?.hasPrefix(FHIRQuestionnaire.optionSystemPrefix) == true { ownID = code }
        } else if let text = entry["valueString"]?.text {
          label = text
        } else if case .number(let number)? = entry["valueInteger"] {
          label = NumberText.plain(number)
        } else {
          comments.append("an answer option of a type Upstream cannot list was left out")
          continue
        }
        if label.isEmpty { label = "Option \(options.count + 1)" }
        var id = FHIRQuestionnaireImport.slugged(ownID ?? label.lowercased(), prefix: "a")
        if ownID == nil, id.count > 32, let code = codes.first?.code {
          id = FHIRQuestionnaireImport.slugged(code.lowercased(), prefix: "a")
        }
        var candidate = id
        var number = 2
        while ids.contains(candidate) {
          candidate = "\(id)_\(number)"
          number += 1
        }
        ids.insert(candidate)
        let weight = Self.weight(entry) ?? Self.weight(entry["valueCoding"] ?? .null)
        options.append(Option(id: candidate, label: label, codes: codes, weight: weight))
      }
      return options
    }

    // MARK: enableWhen → ask when

    mutating func resolveEnableWhen() {
      for (index, pending) in enableWhen.sorted(by: { $0.key < $1.key }) {
        var tests: [String] = []
        var failure: String?
        for condition in pending.conditions {
          switch test(condition, asking: index) {
          case .success(let text): tests.append(text)
          case .failure(let problem): failure = failure ?? problem.message
          }
        }
        let joined = tests.joined(separator: pending.behaviour == "any" ? " or " : " and ")
        if let failure {
          questions[index].comments.append(
            "enableWhen not translated (\(failure)): \(pending.conditions.map { JSONWriter.compact($0) }.joined(separator: ", "))")
        } else if !joined.isEmpty {
          questions[index].lines.append("  ask when \(joined)")
        }
      }
    }

    struct Untranslatable: Error {
      let message: String
    }

    func test(_ condition: JSONValue, asking index: Int) -> Result<String, Untranslatable> {
      guard let linkId = condition["question"]?.text, let target = byLinkId[linkId], target != index else {
        return .failure(Untranslatable(message: "it depends on an item that is not an imported question"))
      }
      let question = questions[target]
      let op = condition["operator"]?.text ?? "="
      for (key, answer) in (condition.objectPairs.filter { $0.key.hasPrefix("answer") }) {
        switch (key, answer) {
        case ("answerBoolean", .bool(let flag)) where op == "exists":
          return .success("\(question.id) is \(flag ? "" : "not ")answered")
        case ("answerBoolean", .bool(let flag)) where question.type == "boolean" && (op == "=" || op == "!="):
          return .success((flag == (op == "=")) ? question.id : "not \(question.id)")
        case ("answerCoding", _):
          let code = answer["code"]?.text
          let display = answer["display"]?.text
          guard
            let option = question.options.first(where: { option in
              option.codes.contains { $0.code == code } || (code == nil && option.label == display)
            })
          else { return .failure(Untranslatable(message: "no option of '\(question.id)' has that code")) }
          let repeats = questions[target].lines.first?.hasSuffix("choices") == true
          switch op {
          case "=": return .success(repeats ? "\(question.id) includes \(option.id)" : "\(question.id) is \(option.id)")
          case "!=": return .success(repeats ? "not \(question.id) includes \(option.id)" : "\(question.id) is not \(option.id)")
          default: return .failure(Untranslatable(message: "the operator \(op) on a coding"))
          }
        case ("answerInteger", .number(let number)), ("answerDecimal", .number(let number)):
          guard ["integer", "decimal", "quantity"].contains(question.type) else { break }
          let text = NumberText.plain(number)
          switch op {
          case "=": return .success("\(question.id) is \(text)")
          case "!=": return .success("not \(question.id) is \(text)")
          case "<", "<=", ">", ">=": return .success("\(question.id) \(op) \(text)")
          default: break
          }
        default: break
        }
        return .failure(Untranslatable(message: "\(key) with the operator \(op)"))
      }
      return .failure(Untranslatable(message: "the operator \(op) without an answer Upstream can test"))
    }

    // MARK: Writing

    func render(title: String, value: JSONValue, slug: String) -> String {
      var lines = ["# Imported from the FHIR Questionnaire \(quoted(title))."]
      if let url = value["url"]?.text {
        lines.append("# url: \(url)\(value["version"]?.text.map { " (version \($0))" } ?? "")")
      }
      lines.append("# Review every question, then write the rules that use them.")
      let weighted = questions.contains { $0.options.contains { $0.weight != nil } }
      let sourceID = "\(slug)-form"
      lines += [
        "", "source \(sourceID)", "  title \(quoted(title))",
        "  citation \(quoted("FHIR Questionnaire \(value["url"]?.text ?? title)"))",
      ]
      if let url = value["url"]?.text, url.hasPrefix("http") { lines.append("  url \(quoted(url))") }
      lines.append("  evidence \(weighted ? "validated-instrument" : "expert-opinion")")
      let scoreID = "\(FHIRQuestionnaireImport.slugged(slug, prefix: "s").replacingOccurrences(of: "-", with: "_"))_total"
      if weighted {
        let maximum = questions.reduce(0.0) { sum, question in sum + (question.options.compactMap(\.weight).max() ?? 0) }
        lines += ["", "score \(scoreID)", "  name \(quoted("\(title) total score"))", "  range 0 to \(NumberText.plain(maximum))"]
        if let total = calculated.first {
          lines.append("  link id \(quoted(total.linkId))")
          for code in total.codes { lines.append("  " + Self.coding(code)) }
        }
        if let copyright = value["copyright"]?.text { lines.append("  copyright \(quoted(copyright))") }
      } else if let copyright = value["copyright"]?.text {
        lines.append("")
        lines.append("# copyright (no scored instrument to carry it): \(copyright.replacingOccurrences(of: "\n", with: " "))")
      }
      for question in questions {
        lines.append("")
        for comment in question.comments { lines.append("# " + comment.replacingOccurrences(of: "\n", with: " ")) }
        guard !question.id.isEmpty else { continue }
        lines += question.lines
        for option in question.options {
          var line = "  option \(option.id) \(quoted(option.label))"
          for code in option.codes where code.system?.hasPrefix(FHIRQuestionnaire.optionSystemPrefix) != true {
            line += " " + Self.coding(code)
          }
          lines.append(line)
        }
        if question.notSure { lines.append("  not sure allowed") }
        guard weighted else { continue }
        for option in question.options {
          guard let weight = option.weight, weight != 0 else { continue }
          let test = question.lines.first?.hasSuffix("choices") == true ? "includes" : "is"
          lines += [
            "", "rule \(question.id)-\(option.id)", "  when \(question.id) \(test) \(option.id)",
            "  then add \(NumberText.plain(weight)) to \(scoreID)",
            "  because \(quoted("'\(option.label)' scores \(NumberText.plain(weight)) in the form's scoring."))",
            "  source \(sourceID)",
          ]
        }
      }
      return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Pieces of an item

    /// A contained ValueSet's concepts as answer options (`valueCoding` with the concept's
    /// extensions, so an `ordinalValue` on a concept weighs its option): from its
    /// `expansion` when it has one, else from the concepts its `compose` lists.
    static func answerOptions(_ valueSet: JSONValue) -> [JSONValue] {
      func option(_ concept: JSONValue, system: String?) -> JSONValue? {
        guard let code = concept["code"]?.text else { return nil }
        var coding: [(key: String, value: JSONValue)] = []
        if let system { coding.append(("system", .string(system))) }
        coding.append(("code", .string(code)))
        if let display = concept["display"]?.text { coding.append(("display", .string(display))) }
        var fields: [(key: String, value: JSONValue)] = [("valueCoding", .object(coding))]
        if let extensions = concept["extension"] { fields.append(("extension", extensions)) }
        return .object(fields)
      }
      if case .array(let contains)? = valueSet["expansion"]?["contains"] {
        return contains.compactMap { option($0, system: $0["system"]?.text) }
      }
      guard case .array(let includes)? = valueSet["compose"]?["include"] else { return [] }
      return includes.flatMap { include -> [JSONValue] in
        guard case .array(let concepts)? = include["concept"] else { return [] }
        return concepts.compactMap { option($0, system: include["system"]?.text) }
      }
    }

    static func coding(_ code: (system: String?, code: String)) -> String {
      "code \(quoted(code.code))" + (code.system.map { " system \(quoted($0))" } ?? "")
    }

    static func codes(_ value: JSONValue?) -> [(system: String?, code: String)] {
      guard case .array(let list)? = value else { return [] }
      return list.compactMap { coding in coding["code"]?.text.map { (coding["system"]?.text, $0) } }
    }

    static func extensions(_ value: JSONValue) -> [JSONValue] {
      if case .array(let list)? = value["extension"] { list } else { [] }
    }

    static func extensionNumber(_ value: JSONValue, _ url: String) -> Double? {
      for entry in extensions(value) where entry["url"]?.text == url {
        for (key, number) in entry.objectPairs where key.hasPrefix("value") {
          if case .number(let number) = number { return number }
        }
      }
      return nil
    }

    static func weight(_ value: JSONValue) -> Double? {
      for url in FHIRQuestionnaireImport.ordinalURLs {
        if let number = extensionNumber(value, url) { return number }
      }
      return nil
    }

    static func unit(_ value: JSONValue) -> String? {
      for entry in extensions(value) where entry["url"]?.text == FHIRQuestionnaireImport.unitURL {
        if let coding = entry["valueCoding"] { return coding["display"]?.text ?? coding["code"]?.text }
      }
      return nil
    }

    static func calculatedExpression(_ value: JSONValue) -> String? {
      for entry in extensions(value) where entry["url"]?.text == FHIRQuestionnaireImport.calculatedURL {
        return entry["valueExpression"]?["expression"]?.text ?? "an expression"
      }
      return nil
    }

    static func displayCategory(_ value: JSONValue) -> String? {
      for entry in extensions(value) {
        if case .array(let codings)? = entry["valueCodeableConcept"]?["coding"], let code = codings.first?["code"]?.text {
          return code
        }
      }
      return nil
    }

    /// The text of a question's display item whose linkId ends so (`.below-range`).
    static func display(_ value: JSONValue, linkIdEnding ending: String) -> (linkId: String, text: String)? {
      guard case .array(let children)? = value["item"] else { return nil }
      for child in children where child["type"]?.text == "display" {
        if let linkId = child["linkId"]?.text, linkId.hasSuffix(ending), let text = child["text"]?.text { return (linkId, text) }
      }
      return nil
    }

    static func help(_ value: JSONValue) -> String? {
      guard case .array(let children)? = value["item"] else { return nil }
      return children.first { $0["type"]?.text == "display" && displayCategory($0) == "help" }?["text"]?.text
    }
  }
}

extension JSONValue {
  /// The text of a string value.
  fileprivate var text: String? { if case .string(let text) = self { text } else { nil } }

  /// The members of an object, in order; none for any other value.
  fileprivate var objectPairs: [(key: String, value: JSONValue)] { if case .object(let fields) = self { fields } else { [] } }
}
