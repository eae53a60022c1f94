import Foundation
import Upstream

// MARK: - One option

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
