// A JSON-RPC connection to `upstream lsp` over its standard input and output, with the
// Language Server Protocol's Content-Length framing. Plain Node.js (child_process), no
// npm packages: the VS Code extension (extension.js) uses it, and so does the test that
// drives the real binary with Node (Tests/LanguageServer/vscode_connection.js).
"use strict";

const { spawn } = require("child_process");

class LspConnection {
  /** Starts `command` with `args` (e.g. "upstream", ["lsp"]). */
  constructor(command, args, options = {}) {
    this.process = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], ...options });
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = new Map();
    this.buffer = Buffer.alloc(0);
    this.process.stdout.on("data", (chunk) => this.receive(chunk));
    this.process.on("exit", (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`upstream lsp exited (${code})`));
      this.pending.clear();
    });
  }

  /** Calls `handler(params)` for each notification `method` from the server. */
  onNotification(method, handler) {
    this.handlers.set(method, handler);
  }

  /** Sends a request; resolves with its result, rejects with its error message. */
  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** Sends a notification. */
  notify(method, params) {
    this.send({ jsonrpc: "2.0", method, params });
  }

  send(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.process.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]));
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const match = /Content-Length:\s*(\d+)/i.exec(this.buffer.slice(0, headerEnd).toString("ascii"));
      const start = headerEnd + 4;
      if (!match) {
        this.buffer = this.buffer.slice(start);
        continue;
      }
      const length = Number(match[1]);
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.slice(start, start + length).toString("utf8"));
      this.buffer = this.buffer.slice(start + length);
      this.dispatch(message);
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method === undefined) {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    } else if (message.method !== undefined && message.id === undefined) {
      const handler = this.handlers.get(message.method);
      if (handler) handler(message.params);
    }
  }

  /** shutdown, then exit; resolves when the process has ended. */
  async stop() {
    await this.request("shutdown", null);
    const ended = new Promise((resolve) => this.process.on("exit", resolve));
    this.notify("exit", null);
    return ended;
  }
}

module.exports = { LspConnection };
