import Foundation

@testable import Upstream

/// Checks JSON against the FHIR R4 structure of Questionnaire and QuestionnaireResponse:
/// required elements, element types, value sets of codes, and the invariants that apply
/// to what Upstream writes and reads (que-0…que-13, qrs-1). Each problem is one line.
enum FHIRStructure {
  static let itemTypes: Set<String> = [
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text", "url", "choice",
    "open-choice", "attachment", "reference", "quantity",
  ]
  static let operators: Set<String> = ["exists", "=", "!=", ">", "<", ">=", "<="]
  static let answerKeys: Set<String> = [
    "answerBoolean", "answerDecimal", "answerInteger", "answerDate", "answerDateTime", "answerTime", "answerString",
    "answerCoding", "answerQuantity", "answerReference",
  ]
  static let responseValueKeys: Set<String> = [
    "valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueDateTime", "valueTime", "valueString", "valueUri",
    "valueAttachment", "valueCoding", "valueQuantity", "valueReference",
  ]

  // MARK: Questionnaire

  static func questionnaireProblems(_ resource: JSONValue) -> [String] {
    var problems: [String] = []
    guard case .object = resource else { return ["a Questionnaire is a JSON object"] }
    if resource["resourceType"] != .string("Questionnaire") { problems.append("resourceType must be Questionnaire") }
    guard case .string(let status)? = resource["status"], ["draft", "active", "retired", "unknown"].contains(status) else {
      return problems + ["status is required: draft, active, retired or unknown"]
    }
    if case .string(let id)? = resource["id"], id.range(of: "^[A-Za-z0-9\\-\\.]{1,64}$", options: .regularExpression) == nil {
      problems.append("id '\(id)' is not a FHIR id")
    }
    if case .string(let name)? = resource["name"],
      name.range(of: "^[A-Z][A-Za-z0-9_]{0,254}$", options: .regularExpression) == nil
    {
      problems.append("que-0: name '\(name)' is not a computable name")
    }
    for key in ["url", "version", "title", "publisher", "description"] {
      if let value = resource[key], !isString(value) { problems.append("\(key) must be a string") }
    }
    guard case .array(let items)? = resource["item"] else { return problems + ["a Questionnaire with questions has items"] }
    var types: [String: String] = [:]
    var linkIds: [String] = []
    collectTypes(items, &types, &linkIds)
    let duplicates = Dictionary(grouping: linkIds, by: { $0 }).filter { $0.value.count > 1 }.keys
    if !duplicates.isEmpty { problems.append("que-2: linkIds must be unique; repeated: \(duplicates.sorted())") }
    for item in items { problems += itemProblems(item, types: types) }
    return problems
  }

  private static func collectTypes(_ items: [JSONValue], _ types: inout [String: String], _ linkIds: inout [String]) {
    for item in items {
      if case .string(let linkId)? = item["linkId"] {
        linkIds.append(linkId)
        if case .string(let type)? = item["type"] { types[linkId] = type }
      }
      if case .array(let children)? = item["item"] { collectTypes(children, &types, &linkIds) }
    }
  }

  private static func itemProblems(_ item: JSONValue, types: [String: String]) -> [String] {
    guard case .string(let linkId)? = item["linkId"] else { return ["every item needs a linkId (string)"] }
    var problems: [String] = []
    func problem(_ text: String) { problems.append("item \(linkId): \(text)") }
    guard case .string(let type)? = item["type"], itemTypes.contains(type) else {
      problem("type is required and must be an item type")
      return problems
    }
    if let text = item["text"], !isString(text) { problem("text must be a string") }
    for key in ["required", "repeats", "readOnly"] {
      if let value = item[key], !isBool(value) { problem("\(key) must be true or false") }
    }
    if type == "display" {
      if item["item"] != nil { problem("que-1: display items cannot have nested items") }
      if item["required"] != nil || item["repeats"] != nil { problem("que-6: display items cannot be required or repeat") }
      if item["readOnly"] != nil { problem("que-9: display items cannot be read-only") }
      if item["code"] != nil { problem("que-3: display items cannot have a code") }
    }
    if type == "group", item["item"] == nil { problem("que-1: a group needs items") }
    if let options = item["answerOption"] {
      if !["choice", "open-choice", "integer", "decimal", "date", "time", "string"].contains(type) {
        problem("que-5: only choice items can have answerOption")
      }
      if item["answerValueSet"] != nil { problem("que-4: answerOption and answerValueSet together") }
      guard case .array(let list) = options, !list.isEmpty else {
        problem("answerOption must be a non-empty list")
        return problems
      }
      for option in list {
        let values = keys(option).filter { $0.hasPrefix("value") }
        guard values.count == 1, let key = values.first,
          ["valueInteger", "valueDate", "valueTime", "valueString", "valueCoding"].contains(key)
        else {
          problem("each answerOption needs exactly one value[x]")
          continue
        }
        if key == "valueCoding" { problems += codingProblems(option[key], "item \(linkId) answerOption") }
      }
    }
    if let conditions = item["enableWhen"] {
      guard case .array(let list) = conditions, !list.isEmpty else {
        problem("enableWhen must be a non-empty list")
        return problems
      }
      if list.count > 1 {
        guard case .string(let behaviour)? = item["enableBehavior"], ["all", "any"].contains(behaviour) else {
          problem("que-12: enableBehavior (all or any) is required with more than one enableWhen")
          return problems
        }
      }
      for condition in list {
        guard case .string(let question)? = condition["question"], let target = types[question] else {
          problem("enableWhen.question must name an item in the Questionnaire")
          continue
        }
        guard case .string(let op)? = condition["operator"], operators.contains(op) else {
          problem("enableWhen.operator must be one of \(operators.sorted())")
          continue
        }
        let answers = keys(condition).filter { $0.hasPrefix("answer") }
        guard answers.count == 1, let key = answers.first, answerKeys.contains(key) else {
          problem("enableWhen needs exactly one answer[x]")
          continue
        }
        if op == "exists" && key != "answerBoolean" { problem("que-7: 'exists' takes answerBoolean") }
        let expected: [String: Set<String>] = [
          "boolean": ["answerBoolean"], "integer": ["answerInteger"], "decimal": ["answerDecimal", "answerInteger"],
          "choice": ["answerCoding"], "open-choice": ["answerCoding", "answerString"],
        ]
        if op != "exists", let allowed = expected[target], !allowed.contains(key) {
          problem("enableWhen on \(question) (\(target)) cannot use \(key)")
        }
        if key == "answerCoding" { problems += codingProblems(condition[key], "item \(linkId) enableWhen") }
      }
    }
    if case .array(let children)? = item["item"] {
      for child in children { problems += itemProblems(child, types: types) }
    }
    if let extensions = item["extension"] { problems += extensionProblems(extensions, "item \(linkId)") }
    return problems
  }

  // MARK: QuestionnaireResponse

  static func responseProblems(_ resource: JSONValue) -> [String] {
    var problems: [String] = []
    if resource["resourceType"] != .string("QuestionnaireResponse") {
      problems.append("resourceType must be QuestionnaireResponse")
    }
    guard case .string(let status)? = resource["status"],
      ["in-progress", "completed", "amended", "entered-in-error", "stopped"].contains(status)
    else { return problems + ["status is required: in-progress, completed, amended, entered-in-error or stopped"] }
    if let questionnaire = resource["questionnaire"], !isString(questionnaire) {
      problems.append("questionnaire must be a canonical string")
    }
    if case .array(let items)? = resource["item"] { problems += responseItems(items) }
    return problems
  }

  private static func responseItems(_ items: [JSONValue]) -> [String] {
    var problems: [String] = []
    for item in items {
      guard case .string(let linkId)? = item["linkId"] else {
        problems.append("every response item needs a linkId")
        continue
      }
      if item["item"] != nil, case .array(let answers)? = item["answer"], answers.contains(where: { $0["item"] != nil }) {
        problems.append("item \(linkId): qrs-1: nested items beneath both the item and its answers")
      }
      if case .array(let answers)? = item["answer"] {
        for answer in answers {
          let values = keys(answer).filter { $0.hasPrefix("value") }
          if values.count > 1 || values.contains(where: { !responseValueKeys.contains($0) }) {
            problems.append("item \(linkId): an answer has at most one value[x] of a FHIR type")
          }
          if let coding = answer["valueCoding"] { problems += codingProblems(coding, "item \(linkId) answer") }
          if case .array(let nested)? = answer["item"] { problems += responseItems(nested) }
        }
      }
      if case .array(let nested)? = item["item"] { problems += responseItems(nested) }
    }
    return problems
  }

  // MARK: Shared types

  private static func codingProblems(_ coding: JSONValue?, _ place: String) -> [String] {
    guard let coding, case .object = coding else { return ["\(place): a Coding is an object"] }
    var problems: [String] = []
    for key in keys(coding) where !["system", "version", "code", "display", "userSelected"].contains(key) {
      problems.append("\(place): a Coding has no element '\(key)'")
    }
    for key in ["system", "code", "display"] {
      if let value = coding[key], !isString(value) { problems.append("\(place): Coding.\(key) must be a string") }
    }
    return problems
  }

  private static func extensionProblems(_ extensions: JSONValue, _ place: String) -> [String] {
    guard case .array(let list) = extensions else { return ["\(place): extension must be a list"] }
    return list.flatMap { element -> [String] in
      guard case .string(let url)? = element["url"], url.contains(":") else { return ["\(place): an extension needs a url"] }
      let values = keys(element).filter { $0.hasPrefix("value") }
      return values.count == 1 ? [] : ["\(place): extension \(url) needs exactly one value[x]"]
    }
  }

  private static func keys(_ value: JSONValue) -> [String] {
    if case .object(let fields) = value { return fields.map(\.key) }
    return []
  }

  private static func isString(_ value: JSONValue) -> Bool { if case .string = value { true } else { false } }
  private static func isBool(_ value: JSONValue) -> Bool { if case .bool = value { true } else { false } }
}
