-- dlmls for Neovim (>= 0.10): starts the dlmls language server for `dlm`
-- buffers, shows the server's work-done progress, and offers the training
-- commands (:DlmRetrain, :DlmCancel, :DlmAsk). Diagnostics, hover, outline,
-- folding ranges, semantic tokens, completion and code actions are plain LSP
-- and need nothing here. Tree-sitter highlighting uses the grammar's own
-- queries (queries/dlm) once a parser is built (:DlmBuildParser).
local M = {}

local NAME = 'dlmls'

local defaults = {
  -- How to start the server; any `dlmls serve` works (a venv's python -m dlmls.cli serve, ...).
  cmd = { 'dlmls', 'serve' },
  -- Extra environment for the server (and so for the training worker it starts).
  cmd_env = nil,
  -- Server settings: workerCommand, dlmHome, allowDownload, diagnosticsDelay
  -- (server/dlmls/lsp/settings.py); sent as initializationOptions {dlmls = ...}.
  settings = {},
  -- The workspace root is the nearest directory holding one of these, else the file's directory.
  root_markers = { '.git' },
  -- Show $/progress of dlmls jobs with vim.notify (false if e.g. fidget.nvim already shows LSP progress).
  progress = true,
  -- Start tree-sitter highlighting for dlm buffers when a `dlm` parser is installed.
  treesitter = true,
  on_attach = nil,
}

M.config = vim.deepcopy(defaults)

-- Work-done progress of dlmls jobs that has begun and not yet ended:
-- token -> {client_id, title, shown, percentage (of the last report shown), held (a report not yet shown)}.
local active = {}

-- Client methods: called `client.request(...)` in 0.10 and `client:request(...)` from 0.11 on.
local function call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function notify(message, level)
  vim.notify('dlmls: ' .. message, level or vim.log.levels.INFO, { title = NAME })
end

--- The dlmls client attached to `bufnr` (default: the current buffer), or nil after saying why.
local function client_for(bufnr)
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = NAME })[1]
  if client == nil then
    notify('no dlmls server is attached to this buffer (is it a .dlm file, and was setup() called?)',
      vim.log.levels.ERROR)
  end
  return client
end

--- Run a server command with the buffer's URI (plus `extra` arguments): `on_result(result)` on
--- success; an error response is shown, and passed to `on_error(err)` if given.
local function execute(bufnr, command, extra, on_result, on_error)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return false
  end
  local arguments = { vim.uri_from_bufnr(bufnr), unpack(extra or {}) }
  call(client, 'request', 'workspace/executeCommand', { command = command, arguments = arguments },
    function(err, result)
      if err then
        notify(command .. ' failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
        if on_error then
          on_error(err, bufnr)
        end
        return
      end
      on_result(result, bufnr, client)
    end, bufnr)
  return true
end

--- Start (or reuse) the dlmls client for `bufnr`.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = vim.fs.root(bufnr, M.config.root_markers)
    or (name ~= '' and vim.fs.dirname(name))
    or vim.fn.getcwd()
  local settings = M.config.settings or {}
  return vim.lsp.start({
    name = NAME,
    cmd = M.config.cmd,
    cmd_env = M.config.cmd_env,
    root_dir = root,
    -- The settings must be there before the first job starts a worker, so they go into
    -- initialize; empty_dict so an empty table is sent as {} and not as [].
    init_options = { dlmls = next(settings) and settings or vim.empty_dict() },
    on_attach = M.config.on_attach,
  }, { bufnr = bufnr })
end

--- One progress value as a line: "Retraining notes.dlm: 33% step 1/3 · loss 2.00".
local function describe(value)
  local parts = { value.title or NAME }
  if value.percentage then
    parts[#parts + 1] = string.format('%d%%', value.percentage)
  end
  if value.message and value.message ~= '' then
    parts[#parts + 1] = value.message
  end
  return parts[1] .. ': ' .. table.concat(parts, ' ', 2)
end

-- A job reports every optimizer step (or generated token). Reports are shown at most every
-- REPORT_MS unless the percentage moved 10 points; one held back shows when the interval is over,
-- so the line on screen is never older than REPORT_MS.
local REPORT_MS = 500

local function show(entry, value)
  entry.shown, entry.percentage, entry.held = vim.uv.now(), value.percentage or entry.percentage, nil
  if M.config.progress then
    notify(describe(value))
  end
end

local function on_progress(ev)
  local client = vim.lsp.get_client_by_id(ev.data.client_id)
  local params = ev.data.params
  local value = params and params.value
  if client == nil or client.name ~= NAME or type(value) ~= 'table' then
    return
  end
  local token = params.token
  local entry = active[token]
  if value.kind == 'begin' then
    entry = { client_id = client.id, title = value.title, percentage = 0 }
    active[token] = entry
    show(entry, value)
  elseif value.kind == 'end' then
    active[token] = nil -- a report still held back is dropped: the end says how it finished
    show(entry or {}, value)
  elseif entry ~= nil then
    local wait = entry.shown + REPORT_MS - vim.uv.now()
    if wait <= 0 or (value.percentage or 0) - entry.percentage >= 10 then
      show(entry, value)
    else
      if entry.held == nil then
        vim.defer_fn(function()
          if active[token] == entry and entry.held ~= nil then
            show(entry, entry.held)
          end
        end, wait)
      end
      entry.held = value
    end
  end
end

--- Retrain the adapter of `bufnr` (default: current); shows progress and the outcome, and fires
--- `User DlmRetrainDone` with data {bufnr, result} (result as the server returns it).
--- `opts.keep_worse`: make the new version current even if its held-out loss got worse.
function M.retrain(bufnr, opts)
  -- The options argument only when asked for, so a plain retrain is the one-argument call
  -- every dlmls server understands.
  local extra = (opts or {}).keep_worse and { { keepWorse = true } } or nil
  local function done(buf, result)
    vim.api.nvim_exec_autocmds('User', { pattern = 'DlmRetrainDone', modeline = false,
      data = { bufnr = buf, result = result } })
  end
  return execute(bufnr, 'dlmls.retrain', extra, function(result, buf)
    if type(result) == 'table' and result.ok then
      local versions, held = {}, false
      for _, v in ipairs(result.versions or {}) do
        local name = (type(v.adapter) == 'string' and (v.adapter .. ' ') or '') .. v.version
        if type(v.held_back) == 'string' then
          -- Trained and kept, but worse than before: the previous version stays current.
          name, held = name .. ' kept, not made current (' .. v.held_back .. ')', true
        else
          name = name .. ' is current'
        end
        versions[#versions + 1] = name
      end
      notify(string.format('retrained %s: %s%s', result.dlmId, table.concat(versions, '; '),
        held and ' (:DlmRetrain! makes it current anyway)' or ''), held and vim.log.levels.WARN or nil)
    elseif type(result) == 'table' then
      -- The server has shown its message too; this one names the outcome's kind for scripts and logs.
      local level = result.kind == 'cancelled' and vim.log.levels.INFO or vim.log.levels.WARN
      notify(string.format('retrain %s: %s', result.kind or 'failed', result.message or ''), level)
    end
    done(buf, result)
  end, function(err, buf)
    -- An error response (not a failed job) ends the retrain too, in the server's result shape.
    done(buf, { ok = false, kind = 'error', message = err.message or vim.inspect(err) })
  end)
end

--- Cancel the retrain of `bufnr` (default: current). With a progress token (the usual case) the
--- progress is cancelled as an editor's progress UI would; otherwise the server is asked by URI.
function M.cancel(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return false
  end
  -- The server names a retrain's progress "Retraining <file name>" and gives no other link from
  -- a token to a document, so the title is what ties the two.
  local title = 'Retraining ' .. vim.fs.basename(vim.api.nvim_buf_get_name(bufnr))
  for token, entry in pairs(active) do
    if entry.client_id == client.id and entry.title == title then
      call(client, 'notify', 'window/workDoneProgress/cancel', { token = token })
      notify('cancelling: ' .. title)
      return true
    end
  end
  return execute(bufnr, 'dlmls.cancel', nil, function(cancelled)
    notify(cancelled == true and 'cancelling the retrain' or 'no retrain of this document is running')
  end)
end

--- Show `lines` in the one answer scratch buffer, in a split (reused while it is open).
local function show_answer(lines)
  local buf = vim.fn.bufnr('dlmls://answer')
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true) -- unlisted scratch: nofile, no swap, never "modified"
    vim.api.nvim_buf_set_name(buf, 'dlmls://answer')
    vim.bo[buf].filetype = 'markdown'
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  if vim.fn.bufwinid(buf) == -1 then
    vim.cmd('botright sbuffer ' .. buf)
    vim.wo.wrap = true
    vim.cmd('wincmd p') -- stay in the document
  end
  return buf
end

--- Ask the adapter of `bufnr` (default: current) `question`; the answer goes to a scratch split.
function M.ask(question, bufnr)
  return execute(bufnr, 'dlmls.ask', { question }, function(answer)
    if type(answer) ~= 'string' then
      return -- the server has shown why (invalid document, missing model, ...)
    end
    show_answer(vim.list_extend({ '**Q:** ' .. question, '' }, vim.split(answer, '\n', { plain = true })))
  end)
end

--- The plugin's directory (editors/nvim), from this file's path.
local function plugin_dir()
  local source = debug.getinfo(1, 'S').source:sub(2)
  return vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(source))))
end

--- Compile the tree-sitter parser from the checkout's grammar/src into `dir`/parser/dlm.so
--- (default: this plugin's directory, which is on the runtimepath). Needs a C compiler.
function M.build_parser(opts)
  opts = opts or {}
  local src = opts.src or (plugin_dir() .. '/../../grammar/src')
  local dir = opts.dir or plugin_dir()
  if vim.fn.filereadable(src .. '/parser.c') == 0 then
    notify('no grammar at ' .. src .. ' (pass src = the grammar/src of a dlmls checkout)',
      vim.log.levels.ERROR)
    return false
  end
  vim.fn.mkdir(dir .. '/parser', 'p')
  local out = dir .. '/parser/dlm.so'
  local cc = opts.cc or vim.env.CC or 'cc'
  -- Into a new file, then renamed: a running Neovim may have the old parser mapped.
  local tmp = out .. '.tmp'
  local ok, done = pcall(function()
    return vim.system({ cc, '-shared', '-fPIC', '-O2', '-I', src, src .. '/parser.c', src .. '/scanner.c',
      '-o', tmp }):wait()
  end)
  if not ok or done.code ~= 0 then
    os.remove(tmp)
    notify('building the parser with ' .. cc .. ' failed: ' .. (ok and done.stderr or tostring(done)),
      vim.log.levels.ERROR)
    return false
  end
  assert(os.rename(tmp, out))
  notify('parser built: ' .. out .. ' (:edit a dlm buffer to use it; after a rebuild, restart Neovim)')
  return out
end

local function on_filetype(bufnr)
  if M.config.treesitter then
    -- pcall: without a parser this is an error, and highlighting simply stays Vim's.
    pcall(vim.treesitter.start, bufnr, 'dlm')
  end
  M.start(bufnr)
end

--- Configure the plugin and start the server for every dlm buffer, open ones included.
--- Options replace the defaults key by key (settings as a whole).
function M.setup(opts)
  M.config = vim.tbl_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup(NAME, { clear = true })
  vim.api.nvim_create_autocmd('FileType', { group = group, pattern = 'dlm',
    callback = function(ev) on_filetype(ev.buf) end })
  vim.api.nvim_create_autocmd('LspProgress', { group = group, callback = on_progress })
  -- setup() may run after dlm buffers are open (lazy loading on ft=dlm).
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'dlm' then
      on_filetype(buf)
    end
  end
end

return M
