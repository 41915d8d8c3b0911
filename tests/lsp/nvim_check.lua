-- A manual check of the language server with a real editor: headless Neovim.
--
--   FHIRPATH_PYTHON=/path/to/python nvim --headless --clean -c "luafile tests/lsp/nvim_check.lua"
--
-- Opens a .fhirpath file, starts `python -m fhirpath.lsp` through Neovim's own LSP client,
-- waits for diagnostics, then asks for completion, hover and signature help, and prints
-- what came back. Exits 0 when every answer is the expected one, 1 otherwise.
-- Works with Neovim 0.7 (vim.lsp.start_client) and 0.8+ (vim.lsp.start).

local python = os.getenv("FHIRPATH_PYTHON") or "python3"
local failures = 0

local function say(text)
  io.stdout:write(text .. "\n")
end

local function check(label, ok)
  say((ok and "ok   " or "FAIL ") .. label)
  if not ok then
    failures = failures + 1
  end
end

local file = vim.fn.tempname() .. ".fhirpath"
vim.fn.writefile({ "// context: Patient", "name.where(use = 'official').famly", "telecom.value.substring(1, " }, file)
vim.cmd("edit " .. file)
local buf = vim.api.nvim_get_current_buf()

local config = {
  name = "fhirpath",
  cmd = { python, "-m", "fhirpath.lsp" },
  root_dir = vim.fn.getcwd(),
  init_options = { model = "r4", expressions = "line" },
}
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end
say("neovim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch))

-- diagnostics: the misspelt element on line 2, the unfinished call on line 3
vim.wait(20000, function()
  return #vim.diagnostic.get(buf) >= 2
end, 50)
local diagnostics = vim.diagnostic.get(buf)
table.sort(diagnostics, function(a, b)
  return a.lnum < b.lnum
end)
for _, d in ipairs(diagnostics) do
  say(string.format("diagnostic %d:%d-%d %s", d.lnum + 1, d.col, d.end_col, d.message))
end
check("famly underlined at line 2, columns 29-34",
  diagnostics[1] ~= nil and diagnostics[1].lnum == 1 and diagnostics[1].col == 29 and diagnostics[1].end_col == 34)
check("a syntax error reported on line 3", diagnostics[2] ~= nil and diagnostics[2].lnum == 2)

local function request(method, line, character)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
  local responses = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, response in pairs(responses) do
    if response.result then
      return response.result
    end
  end
end

-- completion after "name." on line 2
local completion = request("textDocument/completion", 1, 5)
local labels = {}
for _, item in ipairs((completion and completion.items) or {}) do
  labels[item.label] = item.detail or ""
end
say(string.format("completion after 'name.': %d items; given: %s; where: %s",
  #((completion and completion.items) or {}), tostring(labels.given), tostring(labels.where)))
check("completion offers the element given", labels.given == "FHIR.string [0..*]")
check("completion offers where() with its signature", labels.where ~= nil and labels.where:find("where%(criteria") ~= nil)

-- hover on "where"
local hover = request("textDocument/hover", 1, 7)
local shown = hover and hover.contents and hover.contents.value or ""
say("hover on 'where': " .. shown:gsub("\n", " | "))
check("hover on where shows its signature", shown:find("where%(criteria : Boolean%)") ~= nil)

-- signature help at the end of line 3
local help = request("textDocument/signatureHelp", 2, 27)
local signature = help and help.signatures and help.signatures[1]
say("signature help: " .. tostring(signature and signature.label) .. ", active parameter "
  .. tostring(help and help.activeParameter))
check("signature help for substring, second parameter", signature ~= nil and help.activeParameter == 1)

vim.lsp.stop_client(client_id)
vim.wait(2000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 50)
os.remove(file)
say(failures == 0 and "all checks passed" or (tostring(failures) .. " checks failed"))
vim.cmd(failures == 0 and "qall!" or "cquit! 1")
