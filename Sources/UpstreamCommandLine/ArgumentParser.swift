import Upstream
// MARK: - Command-line arguments

/// One option a command accepts, as listed in its help.
package struct OptionSpec: Sendable {
  /// The option's name with its dashes, e.g. `--rules`.
  package let name: String
  /// The value's placeholder (e.g. `DIR`), or nil for a flag.
  package let value: String?
  package let help: String
  /// Whether the option may be given more than once.
  package let repeatable: Bool

  package init(_ name: String, value: String? = nil, help: String, repeatable: Bool = false) {
    self.name = name
    self.value = value
    self.help = help
    self.repeatable = repeatable
  }
}

/// A command's name, summary, arguments and options: the one table help is generated from.
package struct CommandSpec: Sendable {
  package let name: String
  package let summary: String
  /// Positional arguments, e.g. `["NODE"]`; a trailing `…` means any number.
  package let arguments: [(name: String, help: String)]
  package let options: [OptionSpec]
  /// Example invocations shown at the end of the help.
  package let examples: [String]

  package init(
    name: String, summary: String, arguments: [(name: String, help: String)] = [], options: [OptionSpec],
    examples: [String] = []
  ) {
    self.name = name
    self.summary = summary
    self.arguments = arguments
    self.options = options + [OptionSpec("--help", help: "Show this help.")]
    self.examples = examples
  }

  /// The help text, generated from the table.
  package var help: String {
    let usageArguments = arguments.map { " " + $0.name }.joined()
    var lines = ["upstream \(name) — \(summary)", "", "Usage: upstream \(name)\(options.count > 1 ? " [options]" : "")\(usageArguments)"]
    if !arguments.isEmpty {
      lines.append("")
      lines.append("Arguments:")
      let width = arguments.map(\.name.count).max() ?? 0
      for argument in arguments {
        lines.append("  " + argument.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + argument.help)
      }
    }
    lines.append("")
    lines.append("Options:")
    let labels = options.map { $0.name + ($0.value.map { " " + $0 } ?? "") }
    let width = labels.map(\.count).max() ?? 0
    for (label, option) in zip(labels, options) {
      lines.append("  " + label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + option.help)
    }
    if !examples.isEmpty {
      lines.append("")
      lines.append("Examples:")
      lines.append(contentsOf: examples.map { "  " + $0 })
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

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
        let suggestion = Suggestion.closest(to: name, in: spec.options.map(\.name))
        return .failure(.usage("upstream \(spec.name) has no option '\(name)'", suggestion: suggestion.map { "did you mean '\($0)'?" }, command: spec.name))
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
