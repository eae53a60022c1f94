// MARK: - Upstream's version

/// Upstream's own version: the one place it is written.
///
/// `upstream --version` and `--help` print it, and the clinician's HTML report names it
/// beside the knowledge base's version. The two are different things, and every place
/// that shows one says which it is: the knowledge base (`version` in its header) is the
/// clinical content, versioned by its authors; this is the program that runs it.
package enum UpstreamVersion {
  /// The version, as `upstream --version` prints it.
  package static let current = "0.1.0"
}
