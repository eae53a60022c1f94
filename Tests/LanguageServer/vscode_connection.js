// The VS Code extension's connection (Docs/editors/vscode/lsp-connection.js) against the real
// `upstream lsp`, in Node.js: initialize, open a rules file with a mistake, receive its
// diagnostics, ask for a hover and a quick fix, shut down. Prints one JSON line of what it
// got; run by LanguageServerClientTests with UPSTREAM_BINARY and UPSTREAM_FILE set.
"use strict";

const fs = require("fs");
const { pathToFileURL } = require("url");
const { LspConnection } = require("../../Docs/editors/vscode/lsp-connection");

async function main() {
  const connection = new LspConnection(process.env.UPSTREAM_BINARY, ["lsp"]);
  const uri = pathToFileURL(process.env.UPSTREAM_FILE).href;
  const text = fs.readFileSync(process.env.UPSTREAM_FILE, "utf8");
  const published = new Promise((resolve) =>
    connection.onNotification("textDocument/publishDiagnostics", (params) => { if (params.uri === uri) resolve(params.diagnostics); })
  );
  await connection.request("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  connection.notify("initialized", {});
  connection.notify("textDocument/didOpen", { textDocument: { uri, languageId: "upstream-rules", version: 1, text } });
  const diagnostics = await published;
  const mistake = diagnostics.find((d) => d.code === "UP0101");
  const hover = await connection.request("textDocument/hover", {
    textDocument: { uri }, position: { line: mistake.range.start.line, character: mistake.range.start.character + 22 },
  });
  const actions = await connection.request("textDocument/codeAction", {
    textDocument: { uri }, range: mistake.range, context: { diagnostics: [] },
  });
  const code = await connection.stop();
  console.log(JSON.stringify({ diagnostics, hover: hover && hover.contents.value, actions, code }));
}

main().catch((error) => { console.log(JSON.stringify({ error: String(error) })); process.exit(1); });
