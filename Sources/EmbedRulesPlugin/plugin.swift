import Foundation
import PackagePlugin

/// Embeds the default knowledge base (`rules/`) into the `Upstream` library at build time.
///
/// Every `*.rules` and `*.case` file under the package's `rules/` folder becomes a string
/// constant, so `upstream` works from any folder with no resource lookup at run time.
@main
struct EmbedRulesPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let rulesFolder = context.package.directoryURL.appending(path: "rules")
    let enumerator = FileManager.default.enumerator(at: rulesFolder, includingPropertiesForKeys: nil)
    let inputs = (enumerator?.compactMap { $0 as? URL } ?? [])
      .filter { ["rules", "case"].contains($0.pathExtension) }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedRules.swift")
    return [
      .buildCommand(
        displayName: "Embedding the default knowledge base",
        executable: try context.tool(named: "EmbedRules").url,
        arguments: [rulesFolder.path, output.path],
        inputFiles: inputs,
        outputFiles: [output])
    ]
  }
}
