import Foundation
import Upstream

// MARK: - Parsing a command's arguments

/// The arguments of one command after parsing.
package struct ParsedArguments: Sendable {
  package private(set) var values: [String: [String]] = [:]
  package private(set) var flags: Set<String> = []
  package private(set) var positionals: [String] = []

  /// The last value of an option, if given.
  package func value(_ name: String) -> String? { values[name]?.last }

  /// Every value of a repeatable option.
  package func all(_ name: String) -> [String] { values[name] ?? [] }

  /// Whether a flag was given.
  package func flag(_ name: String) -> Bool { flags.contains(name) }

  /// Parses `arguments` against a command's table.
  ///
  /// Accepts `--name value`, `--name=value`, flags, positionals, and `--` to end options.
  /// An unknown option gets a "did you mean" from the shared edit-distance helper.
  package static func parse(_ arguments: [String], for spec: CommandSpec) -> Result<ParsedArguments, CommandError> {
    var parsed = ParsedArguments()
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
        parsed.positionals.append(argument)
        continue
      }
      if argument == "--" {
        optionsEnded = true
        continue
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      guard let option = spec.options.first(where: { $0.name == name }) else {
        // A short option (`-o`) is the habit of other tools: the shortest long option
        // with that first letter is what was meant (`--output`, not `--output-format`).
        let short = name.count == 2 && name.hasPrefix("-") && name != "--"
        let suggestion =
          short
          ? spec.options.map(\.name).filter { $0.hasPrefix("-" + name) }.min { ($0.count, $0) < ($1.count, $1) }
          : Suggestion.closest(to: name, in: spec.options.map(\.name))
        return .failure(
          .usage("upstream \(spec.name) has no option '\(name)'", suggestion: suggestion.map { "did you mean '\($0)'?" }, command: spec.name))
      }
      guard option.value != nil else {
        if inlineValue != nil {
          return .failure(.usage("option '\(name)' takes no value", suggestion: nil, command: spec.name))
        }
        parsed.flags.insert(name)
        continue
      }
      let value: String
      if let inlineValue {
        value = inlineValue
      } else if index < arguments.count {
        value = arguments[index]
        index += 1
      } else {
        return .failure(.usage("option '\(name)' needs a value (\(option.value ?? "VALUE"))", suggestion: nil, command: spec.name))
      }
      if !option.repeatable, parsed.values[name] != nil {
        return .failure(.usage("option '\(name)' is given more than once", suggestion: nil, command: spec.name))
      }
      parsed.values[name, default: []].append(value)
    }
    return .success(parsed)
  }
}
