import Foundation
import Testing

/// `upstream lsp` driven by real clients, as the binary: pytest-lsp (PyPI) covering every
/// feature (Tests/LanguageServer/test_lsp.py), Neovim's built-in LSP client opening a
/// rules file with a mistake (Tests/LanguageServer/neovim.lua), and the VS Code extension's
/// own connection code in Node.js (Tests/LanguageServer/vscode_connection.js). `.ci/run` installs both;
/// each test is skipped where its client is missing. Programs run with deadlines
/// (`ChildProgram`), so nothing hangs under faketime.
@Suite("Language server clients", .serialized)
struct LanguageServerClientTests {
  static let root = UpstreamBinary.packageRoot.path

  static let pytestLSPAvailable: Bool = (try? runTool("python3", ["-c", "import pytest_lsp"]).status) == 0

  /// The environment of a client: the binary to start, and the test's fixed day.
  static func environment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment = ChildEnvironment.clean()
    environment["UPSTREAM_BINARY"] = UpstreamBinary.path
    environment["SOURCE_DATE_EPOCH"] = String(testDay.daysSince1970 * 86_400)
    environment["UPSTREAM_TODAY"] = nil
    for (key, value) in extra { environment[key] = value }
    return environment
  }

  @Test(
    "pytest-lsp: diagnostics as you type and across files, hover, definition, references, completion, rename (and its refusal), formatting, code actions",
    .enabled(if: pytestLSPAvailable, "pytest-lsp is not installed (.ci/run installs it)"))
  func pytestLSP() throws {
    let folder = try TemporaryFolder()
    let program = try ChildProgram(
      "/usr/bin/env",
      [
        "python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto", "--basetemp", folder.path + "/pytest",
        Self.root + "/Tests/LanguageServer/test_lsp.py",
      ], environment: Self.environment())
    let ending = program.wait(seconds: 240)
    #expect(ending == .exited(0), "pytest-lsp failed:\n\(program.output)\n\(program.errors)")
    #expect(program.output.contains("12 passed"), "\(program.output)")
  }

  /// A copy of the shipped rule files in `folder`/rules, with the first `when arch_shape is
  /// flat and hip_pain` misspelt; the 0-based line of the mistake.
  static func rulesWithMistake(in folder: TemporaryFolder) throws -> Int {
    var mistakeLine = -1
    for file in try FileManager.default.contentsOfDirectory(atPath: Self.root + "/rules") where file.hasSuffix(".rules") {
      var text = try String(contentsOfFile: Self.root + "/rules/" + file, encoding: .utf8)
      if file == "foot-to-hip.rules" {
        text = text.replacingOccurrences(of: "when arch_shape is flat and hip_pain", with: "when arch_shap is flat and hip_pain")
        mistakeLine = try #require(text.components(separatedBy: "\n").firstIndex { $0.contains("when arch_shap is") })
      }
      try folder.write("rules/" + file, text)
    }
    return mistakeLine
  }

  @Test(
    "the VS Code extension's connection (Node.js) gets the diagnostics, a hover and the quick fix, and stops the server cleanly",
    .enabled(if: toolExists("node"), "Node.js is not installed"))
  func vscodeConnection() throws {
    let folder = try TemporaryFolder()
    let mistakeLine = try Self.rulesWithMistake(in: folder)
    let program = try ChildProgram(
      "/usr/bin/env", ["node", Self.root + "/Tests/LanguageServer/vscode_connection.js"],
      environment: Self.environment(["UPSTREAM_FILE": folder.path + "/rules/foot-to-hip.rules"]))
    #expect(program.wait(seconds: 60) == .exited(0), "node: \(program.output) \(program.errors)")
    let result = try #require(try JSONSerialization.jsonObject(with: Data(program.output.utf8)) as? [String: Any])
    let diagnostics = try #require(result["diagnostics"] as? [[String: Any]])
    #expect(diagnostics.compactMap { $0["code"] as? String } == ["UP0101"])
    #expect(((diagnostics.first?["range"] as? [String: Any])?["start"] as? [String: Any])?["line"] as? Int == mistakeLine)
    #expect((result["hover"] as? String)?.contains("**complaint `hip_pain`**") == true)
    let action = try #require((result["actions"] as? [[String: Any]])?.first)
    #expect(action["title"] as? String == "Did you mean 'arch_shape'?")
    #expect(result["code"] as? Int == 0, "the server's exit code after shutdown and exit")
  }

  @Test(
    "Neovim's LSP client shows the misspelt id's diagnostic, a hover and the definition in another file",
    .enabled(if: toolExists("nvim"), "Neovim is not installed (.ci/run installs Debian's neovim)"))
  func neovim() throws {
    let folder = try TemporaryFolder()
    let mistakeLine = try Self.rulesWithMistake(in: folder)
    let resultPath = folder.path + "/result.json"
    let program = try ChildProgram(
      "/usr/bin/env", ["nvim", "--headless", "--clean", "-c", "luafile " + Self.root + "/Tests/LanguageServer/neovim.lua"],
      environment: Self.environment([
        "UPSTREAM_FILE": folder.path + "/rules/foot-to-hip.rules", "UPSTREAM_RESULT": resultPath, "HOME": folder.path,
        "XDG_STATE_HOME": folder.path + "/state", "XDG_DATA_HOME": folder.path + "/data",
      ]))
    let ending = program.wait(seconds: 60)
    #expect(ending == .exited(0), "nvim: \(program.errors)")
    let data = try #require(FileManager.default.contents(atPath: resultPath), "Neovim wrote no result: \(program.errors)")
    let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(result["error"] == nil, "\(result["error"] ?? "")")
    #expect(result["attached"] as? Bool == true)
    let diagnostics = try #require(result["diagnostics"] as? [[String: Any]])
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?["line"] as? Int == mistakeLine)
    #expect(diagnostics.first?["column"] as? Int == 7)
    #expect((diagnostics.first?["message"] as? String)?.contains("did you mean 'arch_shape'?") == true)
    #expect((result["hover"] as? String)?.contains("**complaint `hip_pain`**: Hip pain") == true)
    let definition = try #require((result["definition"] as? [[String: Any]])?.first)
    #expect((definition["uri"] as? String)?.hasSuffix("/rules/complaints.rules") == true)
  }
}
