import Foundation
import Upstream

// MARK: - A command's table of options

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
