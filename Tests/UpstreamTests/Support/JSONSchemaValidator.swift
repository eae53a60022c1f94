import Foundation

@testable import Upstream

/// A small JSON Schema validator for the subset Docs/assessment.schema.json uses: `type`
/// (a name or a list), `required`, `properties`, `additionalProperties` (false or a
/// schema), `items`, `enum`, `anyOf` and local `$ref` (`#/$defs/name`).
///
/// Any other keyword in the schema is reported, so the schema cannot quietly rely on
/// something this validator ignores.
struct JSONSchemaValidator {
  let root: JSONValue

  private static let understood: Set<String> = [
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "required", "properties",
    "additionalProperties", "items", "enum", "anyOf",
  ]

  /// Every problem with `value`, as `path: message`.
  func validate(_ value: JSONValue) -> [String] { validate(value, against: root, path: "$") }

  private func validate(_ value: JSONValue, against schema: JSONValue, path: String) -> [String] {
    guard case .object(let keywords) = schema else { return ["\(path): the schema here is not an object"] }
    var problems: [String] = []
    for keyword in keywords where !Self.understood.contains(keyword.key) {
      problems.append("\(path): the validator does not understand the keyword '\(keyword.key)'")
    }
    if case .string(let reference)? = schema["$ref"] {
      guard let target = resolve(reference) else { return problems + ["\(path): cannot resolve \(reference)"] }
      problems += validate(value, against: target, path: path)
    }
    if let types = schema["type"] {
      let names: [String]
      switch types {
      case .string(let name): names = [name]
      case .array(let items): names = items.compactMap { if case .string(let name) = $0 { name } else { nil } }
      default: names = []
      }
      if !names.contains(where: { matches(value, type: $0) }) {
        problems.append("\(path): expected \(names.joined(separator: " or ")), found \(value.kindDescription)")
        return problems
      }
    }
    if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
      problems.append("\(path): \(JSONWriter.compact(value)) is not one of \(JSONWriter.compact(.array(allowed)))")
    }
    if case .array(let alternatives)? = schema["anyOf"] {
      if !alternatives.contains(where: { validate(value, against: $0, path: path).isEmpty }) {
        problems.append("\(path): matches none of the alternatives")
      }
    }
    if case .object(let fields) = value {
      if case .array(let required)? = schema["required"] {
        for case .string(let name) in required where !fields.contains(where: { $0.key == name }) {
          problems.append("\(path): missing required field '\(name)'")
        }
      }
      let properties: [(key: String, value: JSONValue)] = if case .object(let list)? = schema["properties"] { list } else { [] }
      for field in fields {
        if let property = properties.first(where: { $0.key == field.key }) {
          problems += validate(field.value, against: property.value, path: "\(path).\(field.key)")
        } else if let additional = schema["additionalProperties"] {
          if additional == .bool(false) {
            problems.append("\(path): unexpected field '\(field.key)'")
          } else if case .object = additional {
            problems += validate(field.value, against: additional, path: "\(path).\(field.key)")
          }
        }
      }
    }
    if case .array(let items) = value, let itemSchema = schema["items"] {
      for (index, item) in items.enumerated() { problems += validate(item, against: itemSchema, path: "\(path)[\(index)]") }
    }
    return problems
  }

  private func matches(_ value: JSONValue, type: String) -> Bool {
    switch (type, value) {
    case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object):
      return true
    case ("integer", .number(let number)): return number == number.rounded()
    default: return false
    }
  }

  private func resolve(_ reference: String) -> JSONValue? {
    guard reference.hasPrefix("#/") else { return nil }
    var current: JSONValue? = root
    for part in reference.dropFirst(2).split(separator: "/") { current = current?[String(part)] }
    return current
  }
}

extension JSONValue {
  /// Parses JSON text (for tests).
  static func parse(_ text: String, file: String = "test.json") throws -> JSONValue {
    switch JSONReader.read(SourceFile(path: file, text: text)) {
    case .success(let document): return document.root.value
    case .failure(let error): throw error
    }
  }
}
