-- Neovim's built-in LSP client (Debian's neovim, 0.7 or later) against `upstream lsp`.
--
-- Run by LanguageServerClientTests as
--   UPSTREAM_BINARY=… UPSTREAM_FILE=…/foot-to-hip.rules UPSTREAM_RESULT=…/result.json \
--     nvim --headless --clean -c 'luafile Tests/LanguageServer/neovim.lua'
-- It opens the rules file (which has a mistake), attaches the server, waits for its
-- diagnostics, asks for a hover and a definition, writes what it got as JSON to
-- UPSTREAM_RESULT and quits. Any failure is written there too, and Neovim always quits.

local result = {}

local function finish()
  local file = io.open(vim.env.UPSTREAM_RESULT, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qa!")
end

local ok, problem = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.UPSTREAM_FILE))
  local buffer = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "upstream",
    cmd = { vim.env.UPSTREAM_BINARY, "lsp" },
    root_dir = vim.fn.fnamemodify(vim.env.UPSTREAM_FILE, ":h"),
  })
  result.attached = vim.lsp.buf_attach_client(buffer, client_id)

  -- The diagnostics arrive by themselves after the file is opened.
  vim.wait(20000, function() return #vim.diagnostic.get(buffer) > 0 end, 50)
  result.diagnostics = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    table.insert(result.diagnostics, {
      line = diagnostic.lnum, column = diagnostic.col, message = diagnostic.message,
      code = diagnostic.code or (diagnostic.user_data and diagnostic.user_data.lsp and diagnostic.user_data.lsp.code),
    })
  end

  -- Hover and definition at the first 'hip_pain' after a 'when'.
  local lines = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
  for number, text in ipairs(lines) do
    local column = text:find("hip_pain", 1, true)
    if column and text:find("^%s+when") then
      local params = {
        textDocument = { uri = vim.uri_from_bufnr(buffer) },
        position = { line = number - 1, character = column },
      }
      local hover = vim.lsp.buf_request_sync(buffer, "textDocument/hover", params, 10000)
      local definition = vim.lsp.buf_request_sync(buffer, "textDocument/definition", params, 10000)
      for _, response in pairs(hover or {}) do result.hover = response.result and response.result.contents.value end
      for _, response in pairs(definition or {}) do result.definition = response.result end
      break
    end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then result.error = tostring(problem) end
finish()
