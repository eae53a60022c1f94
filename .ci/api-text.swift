// The API baseline's text, for .ci/api (run with `swift .ci/api-text.swift …`).
//
//   render FOLDER          prints the public API in a symbol graph folder (the output of
//                          swift-symbolgraph-extract) as sorted lines, `path: declaration`
//   compare OLD NEW        prints what was added, removed and changed between two such files
//
// One line per public declaration, as written in Swift (`KnowledgeBase.assess(_:): func
// assess(_ answers: Answers) throws(AnswersRejected) -> Assessment`), and one per protocol
// conformance (`Diagnostic: conforms to Swift.Sendable`). Nothing depends on the machine:
// no paths, no mangled names; the lines are sorted.
import Foundation

struct Failure: Error, CustomStringConvertible {
  let description: String
}

/// Conformances every type has, or that only say what the compiler infers: left out, so a
/// new toolchain does not change the baseline.
let implicitProtocols: Set<String> = [
  "Swift.Copyable", "Swift.Escapable", "Swift.SendableMetatype", "Swift.BitwiseCopyable",
]

func object(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }
func list(_ value: Any?) -> [[String: Any]] { value as? [[String: Any]] ?? [] }

/// `Element == Diagnostic`, `T: Sendable`.
func constraints(_ value: Any?) -> String {
  list(value).map { constraint in
    let lhs = constraint["lhs"] as? String ?? "?"
    let rhs = constraint["rhs"] as? String ?? "?"
    return (constraint["kind"] as? String) == "sameType" ? "\(lhs) == \(rhs)" : "\(lhs): \(rhs)"
  }.joined(separator: ", ")
}

func render(_ folder: String) throws -> [String] {
  let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".symbols.json") }.sorted()
  guard !files.isEmpty else { throw Failure(description: "no symbol graph in \(folder)") }
  var symbols: [[String: Any]] = []
  var relationships: [[String: Any]] = []
  for file in files {
    let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(file))
    let graph = object(try JSONSerialization.jsonObject(with: data))
    symbols += list(graph["symbols"])
    relationships += list(graph["relationships"])
  }
  var path: [String: [String]] = [:]
  // Each line with its path's components (a type before its members) and its order
  // among the lines of one path (the declaration before the conformances).
  var lines: [(components: [String], order: Int, line: String)] = []
  for symbol in symbols {
    let id = object(symbol["identifier"])["precise"] as? String ?? ""
    let components = symbol["pathComponents"] as? [String] ?? []
    let symbolPath = components.joined(separator: ".")
    path[id] = components
    var declaration = list(symbol["declarationFragments"]).compactMap { $0["spelling"] as? String }.joined()
    declaration = declaration.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    let extensionConstraints = constraints(object(symbol["swiftExtension"])["constraints"])
    if !extensionConstraints.isEmpty { declaration += " (in extension where \(extensionConstraints))" }
    lines.append((components, 0, "\(symbolPath): \(declaration)"))
  }
  for relationship in relationships {
    guard let kind = relationship["kind"] as? String, kind == "conformsTo" || kind == "inheritsFrom",
      let source = relationship["source"] as? String, let sourceComponents = path[source],
      let target = relationship["target"] as? String
    else { continue }
    let targetName = path[target]?.joined(separator: ".") ?? relationship["targetFallback"] as? String ?? target
    guard !implicitProtocols.contains(targetName) else { continue }
    let conditions = constraints(relationship["swiftConstraints"])
    let verb = kind == "conformsTo" ? "conforms to" : "inherits from"
    let line = "\(sourceComponents.joined(separator: ".")): \(verb) \(targetName)"
    lines.append((sourceComponents, 1, line + (conditions.isEmpty ? "" : " where \(conditions)")))
  }
  return lines.sorted { a, b in
    if a.components != b.components { return a.components.lexicographicallyPrecedes(b.components) }
    return (a.order, a.line) < (b.order, b.line)
  }.map(\.line)
}

/// The declaration lines of a baseline file (comments and blank lines left out).
func declarations(_ file: String) throws -> [String] {
  try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
    .map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
}

/// What a line is about: its path; a conformance is its own key (it is added or removed,
/// never changed).
func key(_ line: String) -> String {
  guard let colon = line.range(of: ": ") else { return line }
  let rest = line[colon.upperBound...]
  return rest.hasPrefix("conforms to ") || rest.hasPrefix("inherits from ") ? line : String(line[..<colon.lowerBound])
}

func compare(_ oldFile: String, _ newFile: String) throws -> Bool {
  let old = try declarations(oldFile)
  let new = try declarations(newFile)
  let oldSet = Set(old)
  let newSet = Set(new)
  let gone = Dictionary(grouping: old.filter { !newSet.contains($0) }, by: key)
  let came = Dictionary(grouping: new.filter { !oldSet.contains($0) }, by: key)
  var added: [String] = []
  var removed: [String] = []
  var changed: [(String, String, String)] = []
  for name in Set(gone.keys).union(came.keys).sorted() {
    let before = gone[name] ?? []
    let after = came[name] ?? []
    let paired = min(before.count, after.count)
    for index in 0..<paired { changed.append((name, before[index], after[index])) }
    removed += before.dropFirst(paired)
    added += after.dropFirst(paired)
  }
  if added.isEmpty && removed.isEmpty && changed.isEmpty { return true }
  if !removed.isEmpty {
    print("Removed (\(removed.count)): breaks code that uses it")
    for line in removed { print("  - \(line)") }
  }
  if !changed.isEmpty {
    print("Changed (\(changed.count)):")
    for (name, before, after) in changed {
      print("  ~ \(name)")
      print("      was: \(before.dropFirst(name.count + 2))")
      print("      now: \(after.dropFirst(name.count + 2))")
    }
  }
  if !added.isEmpty {
    print("Added (\(added.count)): public from now on, to be kept")
    for line in added { print("  + \(line)") }
  }
  return false
}

do {
  let arguments = Array(CommandLine.arguments.dropFirst())
  switch (arguments.first, arguments.count) {
  case ("render", 2):
    print(try render(arguments[1]).joined(separator: "\n"))
  case ("compare", 3):
    exit(try compare(arguments[1], arguments[2]) ? 0 : 1)
  default:
    throw Failure(description: "usage: swift .ci/api-text.swift render FOLDER | compare OLD NEW")
  }
} catch {
  FileHandle.standardError.write(Data("api-text: \(error)\n".utf8))
  exit(2)
}
