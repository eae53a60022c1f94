// The VS Code extension's client for `upstream lsp`: plain JavaScript on the `vscode` API
// and Node.js, no npm packages (so it needs no build step). It starts the language server
// for .rules and .case files and connects VS Code's diagnostics, hover, go to definition,
// find references, completion, rename, format document and quick fixes to it.
// The setting `upstream.server` is the command (default: "upstream"; e.g. the full path of
// .build/release/upstream).
"use strict";

const vscode = require("vscode");
const { LspConnection } = require("./lsp-connection");

let connection;

function activate(context) {
  const command = vscode.workspace.getConfiguration("upstream").get("server") || "upstream";
  connection = new LspConnection(command, ["lsp"]);
  const diagnostics = vscode.languages.createDiagnosticCollection("upstream");
  context.subscriptions.push(diagnostics);
  connection.process.on("error", (error) =>
    vscode.window.showErrorMessage(`Cannot start '${command} lsp' (${error.message}); set upstream.server to the upstream binary.`)
  );

  const ready = connection.request("initialize", { processId: process.pid, rootUri: null, capabilities: {} }).then(() => {
    connection.notify("initialized", {});
    for (const document of vscode.workspace.textDocuments) open(document);
  });

  // MARK: Conversions
  const range = (r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  const location = (l) => new vscode.Location(vscode.Uri.parse(l.uri), range(l.range));
  const point = (p) => ({ line: p.line, character: p.character });
  const at = (document, position) => ({ textDocument: { uri: document.uri.toString() }, position: point(position) });
  const severity = [undefined, vscode.DiagnosticSeverity.Error, vscode.DiagnosticSeverity.Warning, vscode.DiagnosticSeverity.Information];
  function workspaceEdit(edit) {
    const result = new vscode.WorkspaceEdit();
    for (const [uri, edits] of Object.entries(edit.changes || {})) {
      for (const e of edits) result.replace(vscode.Uri.parse(uri), range(e.range), e.newText);
    }
    return result;
  }
  function diagnostic(d) {
    const result = new vscode.Diagnostic(range(d.range), d.message, severity[d.severity]);
    result.code = d.code;
    result.source = "upstream";
    return result;
  }

  // MARK: Documents
  const selector = { language: "upstream-rules" };
  const isRules = (document) => document.languageId === "upstream-rules";
  function open(document) {
    if (!isRules(document)) return;
    connection.notify("textDocument/didOpen", {
      textDocument: { uri: document.uri.toString(), languageId: "upstream-rules", version: document.version, text: document.getText() },
    });
  }
  connection.onNotification("textDocument/publishDiagnostics", (params) =>
    diagnostics.set(vscode.Uri.parse(params.uri), params.diagnostics.map(diagnostic))
  );
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => ready.then(() => open(document))),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (!isRules(event.document) || event.contentChanges.length === 0) return;
      connection.notify("textDocument/didChange", {
        textDocument: { uri: event.document.uri.toString(), version: event.document.version },
        contentChanges: event.contentChanges.map((c) => ({
          range: { start: point(c.range.start), end: point(c.range.end) },
          text: c.text,
        })),
      });
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (isRules(document)) connection.notify("textDocument/didClose", { textDocument: { uri: document.uri.toString() } });
    }),
    watchFiles(),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (isRules(document)) connection.notify("textDocument/didSave", { textDocument: { uri: document.uri.toString() }, text: document.getText() });
    })
  );

  // Rule and case files changed on disk outside the editor (a checkout) are read again.
  function watchFiles() {
    const watcher = vscode.workspace.createFileSystemWatcher("**/*.{rules,case}");
    const tell = (type) => (uri) => connection.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uri.toString(), type }] });
    watcher.onDidCreate(tell(1));
    watcher.onDidChange(tell(2));
    watcher.onDidDelete(tell(3));
    return watcher;
  }

  // MARK: Features
  const kinds = { 2: vscode.CompletionItemKind.Method, 3: vscode.CompletionItemKind.Function, 5: vscode.CompletionItemKind.Field,
    6: vscode.CompletionItemKind.Variable, 12: vscode.CompletionItemKind.Value, 14: vscode.CompletionItemKind.Keyword,
    18: vscode.CompletionItemKind.Reference, 20: vscode.CompletionItemKind.EnumMember, 21: vscode.CompletionItemKind.Constant,
    23: vscode.CompletionItemKind.Event };
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(selector, {
      async provideHover(document, position) {
        const hover = await connection.request("textDocument/hover", at(document, position));
        return hover && new vscode.Hover(new vscode.MarkdownString(hover.contents.value), range(hover.range));
      },
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      async provideDefinition(document, position) {
        return ((await connection.request("textDocument/definition", at(document, position))) || []).map(location);
      },
    }),
    vscode.languages.registerReferenceProvider(selector, {
      async provideReferences(document, position, context) {
        const params = { ...at(document, position), context: { includeDeclaration: context.includeDeclaration } };
        return ((await connection.request("textDocument/references", params)) || []).map(location);
      },
    }),
    vscode.languages.registerCompletionItemProvider(selector, {
      async provideCompletionItems(document, position) {
        const list = await connection.request("textDocument/completion", at(document, position));
        return ((list && list.items) || []).map((item) => {
          const result = new vscode.CompletionItem(item.label, kinds[item.kind]);
          result.detail = item.detail;
          if (item.textEdit) result.range = range(item.textEdit.range);
          return result;
        });
      },
    }, " ", "(", ","),
    vscode.languages.registerRenameProvider(selector, {
      async prepareRename(document, position) {
        const target = await connection.request("textDocument/prepareRename", at(document, position));
        return { range: range(target.range), placeholder: target.placeholder };
      },
      async provideRenameEdits(document, position, newName) {
        return workspaceEdit(await connection.request("textDocument/rename", { ...at(document, position), newName }));
      },
    }),
    vscode.languages.registerDocumentFormattingEditProvider(selector, {
      async provideDocumentFormattingEdits(document, options) {
        const edits = await connection.request("textDocument/formatting", {
          textDocument: { uri: document.uri.toString() }, options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
        });
        return (edits || []).map((e) => vscode.TextEdit.replace(range(e.range), e.newText));
      },
    }),
    vscode.languages.registerCodeActionsProvider(selector, {
      async provideCodeActions(document, selection) {
        const actions = await connection.request("textDocument/codeAction", {
          textDocument: { uri: document.uri.toString() },
          range: { start: point(selection.start), end: point(selection.end) },
          context: { diagnostics: [] },
        });
        return (actions || []).map((a) => {
          const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
          action.edit = workspaceEdit(a.edit);
          action.isPreferred = a.isPreferred;
          action.diagnostics = (a.diagnostics || []).map(diagnostic);
          return action;
        });
      },
    })
  );
}

function deactivate() {
  return connection ? connection.stop() : undefined;
}

module.exports = { activate, deactivate };
