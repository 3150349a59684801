-- dlmls for Neovim (>= 0.7; what differs between versions is in dlmls.compat): starts the
-- dlmls language server for `dlm` buffers, shows the server's work-done progress, and offers the training
-- commands (:DlmRetrain, :DlmCancel, :DlmAsk), the adapter history (:DlmHistory), a new
-- document from a template (:DlmNew) and the synthesis loop's
-- (:DlmSynth, :DlmSuggestions, :DlmAccept, :DlmReject, with pending
-- suggestions shown as virtual lines). Diagnostics, hover, outline,
-- folding ranges, semantic tokens, completion and code actions are plain LSP
-- and need nothing here. Tree-sitter highlighting uses the grammar's own
-- queries (queries/dlm) once a parser is built (:DlmBuildParser).
local compat = require('dlmls.compat')

local M = {}

local NAME = 'dlmls'
local uv = compat.uv

local defaults = {
  -- How to start the server; any `dlmls serve` works (a venv's python -m dlmls.cli serve, ...).
  cmd = { 'dlmls', 'serve' },
  -- Extra environment for the server (and so for the training worker it starts).
  cmd_env = nil,
  -- Server settings: workerCommand, dlmHome, allowDownload, diagnosticsDelay, synthesis
  -- (server/dlmls/lsp/settings.py); sent as initializationOptions {dlmls = ...}.
  settings = {},
  -- The workspace root is the nearest directory holding one of these, else the file's directory.
  root_markers = { '.git' },
  -- Say with vim.notify when a dlmls job starts and ends (false if e.g. fidget.nvim shows LSP progress);
  -- the steps in between go to require('dlmls').status(), for the statusline, never to messages.
  progress = true,
  -- Start tree-sitter highlighting for dlm buffers when a `dlm` parser is installed.
  treesitter = true,
  -- Show each pending suggestion as virtual lines (extmarks) where accepting it would insert it.
  virtual_lines = true,
  -- Map `K` to hover in dlm buffers on Neovim 0.7–0.9 (0.10+ maps it for every LSP buffer itself).
  map_hover = true,
  on_attach = nil,
}

M.config = vim.deepcopy(defaults)

-- Work-done progress of dlmls jobs that has begun and not yet ended:
-- token -> {client_id, title, shown, percentage (of the last report shown), held (a report not yet shown)}.
local active = {}

local call = compat.call

-- On 0.7, User events carry no `data`: handlers read `ev.data or require('dlmls').event_data`.
M.event_data = nil
local function fire(pattern, data)
  compat.fire(pattern, data, M)
end

local function notify(message, level)
  vim.notify('dlmls: ' .. message, level or vim.log.levels.INFO, { title = NAME })
end

--- The dlmls client attached to `bufnr` (default: the current buffer), or nil after saying why.
local function client_for(bufnr)
  local client = compat.get_clients(bufnr, NAME)[1]
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

--- `execute` for a command that answers {ok = true, ...} or {ok = false, kind, message}: `on_ok(result)`
--- reports success; a refusal is notified as "<what> <kind>: <message>" at `level(result)` (default
--- WARN); `done(result)` hears every outcome, a request error as {ok = false, kind = 'error'}.
local function execute_job(bufnr, command, extra, what, on_ok, done, level)
  return execute(bufnr, command, extra, function(result)
    if type(result) == 'table' and result.ok then
      on_ok(result)
    elseif type(result) == 'table' then
      notify(string.format('%s %s: %s', what, result.kind or 'failed', result.message or ''),
        level and level(result) or vim.log.levels.WARN)
    end
    done(result)
  end, function(err)
    done({ ok = false, kind = 'error', message = err.message or vim.inspect(err) })
  end)
end

-- Before 0.10 (no LspProgress event) the client's `$/progress` handler; set by setup().
local progress_handlers

--- Start (or reuse) the dlmls client for `bufnr`.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = compat.root(bufnr, M.config.root_markers)
    or (name ~= '' and compat.dirname(compat.absolute(name)))
    or vim.fn.getcwd()
  local settings = M.config.settings or {}
  local handlers = vim.tbl_extend('force', progress_handlers or {},
    { ['dlmls/suggestionsChanged'] = function(_, params) M._suggestions_changed(params) end })
  return compat.start({
    name = NAME,
    cmd = M.config.cmd,
    cmd_env = M.config.cmd_env,
    root_dir = root,
    -- The settings must be there before the first job starts a worker, so they go into
    -- initialize; empty_dict so an empty table is sent as {} and not as [].
    init_options = { dlmls = next(settings) and settings or vim.empty_dict() },
    handlers = handlers,
    on_attach = function(client, buf)
      M.refresh(buf)
      M._map_hover(buf)
      if M.config.on_attach then
        M.config.on_attach(client, buf)
      end
    end,
  }, bufnr)
end

--- `K` shows the hover, as the README says. Neovim 0.10+ maps it for every LSP buffer itself; 0.7–0.9
--- do not (there `K` runs 'keywordprg': E349 on a .dlm buffer), so map it here, buffer-local, unless
--- the user mapped `K` for this buffer already or turned it off (`map_hover = false`).
function M._map_hover(buf)
  if compat.has('0.10') or M.config.map_hover == false then
    return
  end
  local existing = vim.fn.maparg('K', 'n', false, true)
  if type(existing) == 'table' and existing.buffer == 1 then
    return
  end
  vim.keymap.set('n', 'K', vim.lsp.buf.hover, { buffer = buf, desc = 'dlmls: hover' })
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

-- A job reports every optimizer step (or generated token). Progress must never block Neovim: a
-- message per report would pile up behind "Press ENTER" while a 5-minute job runs. So only the begin
-- and the end go to vim.notify; every report updates the line `M.status()` returns (for the
-- statusline) and redraws the status lines, at most every REPORT_MS unless the percentage moved 10
-- points; one held back shows when the interval is over, so the line is never older than REPORT_MS.
-- The server's `$/progress` is also left to Neovim's own handler, so fidget.nvim and
-- `vim.lsp.status()` see it as for any server.
local REPORT_MS = 500

--- The progress line of the dlmls job that reported last ("Retraining notes.dlm: 33% step 1/3 · loss
--- 2.00"), or '' when none runs: for the statusline, e.g. `%{v:lua.require'dlmls'.status()}`.
function M.status()
  local latest
  for _, entry in pairs(active) do
    if entry.line and (latest == nil or entry.shown > latest.shown) then
      latest = entry
    end
  end
  return latest and latest.line or ''
end

local function show(entry, value)
  entry.shown, entry.percentage, entry.held = uv.now(), value.percentage or entry.percentage, nil
  -- Reports and the end carry no title; Neovim 0.10 adds the begin's, 0.7 does not.
  entry.line = describe(value.title and value or vim.tbl_extend('force', value, { title = entry.title }))
  if value.kind ~= 'report' then
    if M.config.progress then
      notify(entry.line)
    end
  end
  vim.cmd('redrawstatus!')
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'DlmProgress', modeline = false })
end

--- One `$/progress` notification: data = {client_id, params} (LspProgress's ev.data).
local function on_progress(data)
  local client = vim.lsp.get_client_by_id(data.client_id)
  local params = data.params
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
    show(entry or { title = value.title }, value)
  elseif entry ~= nil then
    local wait = entry.shown + REPORT_MS - uv.now()
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
    fire('DlmRetrainDone', { bufnr = buf, result = result })
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

--- Cancel the retrain or synthesis of `bufnr` (default: current). With a progress token (the usual
--- case) the progress is cancelled as an editor's progress UI would; otherwise the server is asked
--- by URI (`dlmls.cancel` stops either).
function M.cancel(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return false
  end
  -- The server names a job's progress "Retraining <file name>" or "Synthesizing instructions for
  -- <file name>" and gives no other link from a token to a document, so the title is what ties the two.
  local name = compat.basename(vim.api.nvim_buf_get_name(bufnr))
  local titles = { ['Retraining ' .. name] = true, ['Synthesizing instructions for ' .. name] = true }
  for token, entry in pairs(active) do
    if entry.client_id == client.id and titles[entry.title] then
      call(client, 'notify', 'window/workDoneProgress/cancel', { token = token })
      notify('cancelling: ' .. entry.title)
      return true
    end
  end
  return execute(bufnr, 'dlmls.cancel', nil, function(cancelled)
    notify(cancelled == true and 'cancelling the running job'
      or 'no retrain or synthesis of this document is running')
  end)
end

--- Show `lines` in the scratch buffer `name` (dlmls://answer, dlmls://suggestions), in a split
--- (reused while it is open); the cursor stays where it was.
local function show_scratch(name, lines)
  local buf = vim.fn.bufnr(name)
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true) -- unlisted scratch: nofile, no swap, never "modified"
    vim.api.nvim_buf_set_name(buf, name)
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

local function show_answer(lines)
  return show_scratch('dlmls://answer', lines)
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

-- ---------------------------------------------------------------------------- synthesis and review

-- Pending suggestions as virtual lines: one namespace, the marks redrawn from each listing.
local ns = vim.api.nvim_create_namespace('dlmls.suggestions')
local function define_highlights()
  vim.api.nvim_set_hl(0, 'DlmlsSuggestion', { default = true, link = 'Comment' })
  vim.api.nvim_set_hl(0, 'DlmlsSuggestionHeader', { default = true, link = 'DiagnosticHint' })
end
define_highlights()


local function plural(n, word)
  return string.format('%d %s%s', n, word, n == 1 and '' or 's')
end

--- Request `dlmls/suggestions` for `bufnr` (default: current): `on_listing(listing, bufnr, client)`,
--- the listing as the server returns it ({uri, version, suggestions = {...}}, or nil when the server
--- does not have the document open). Errors are shown.
function M.list(bufnr, on_listing)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return false
  end
  call(client, 'request', 'dlmls/suggestions', { textDocument = { uri = vim.uri_from_bufnr(bufnr) } },
    function(err, listing)
      if err then
        notify('dlmls/suggestions failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
        return
      end
      on_listing(listing ~= vim.NIL and listing or nil, bufnr, client)
    end, bufnr)
  return true
end

--- The preview of one suggestion as virtual lines: a header, then the block it inserts (the marker
--- comment and the trailing blank lines left out).
local function preview_lines(s)
  local score = s.scores and s.scores.judge and string.format(' · judge %.2f', s.scores.judge) or ''
  local lines = { { { string.format('▎ suggested pair%s%s — :DlmAccept / :DlmReject', score,
    s.status == 'reanchored' and ' (re-anchored)' or ''), 'DlmlsSuggestionHeader' } } }
  local body = vim.split(s.preview or '', '\n', { plain = true })
  while #body > 0 and body[#body] == '' do
    body[#body] = nil
  end
  for _, line in ipairs(body) do
    if not line:match('^<!%-%- dlm%-auto%-synth') then
      lines[#lines + 1] = { { '▎ ' .. line, 'DlmlsSuggestion' } }
    end
  end
  return lines
end

--- Where suggestion `s` is drawn in `bufnr`: the 0-based line of its virtual lines' extmark and
--- whether they are above it (nil for a suggestion without a position). Inserted at the start of the
--- next section's fence line: above that line; at the end of the file: below the last line.
local function drawn_at(bufnr, s)
  if type(s.position) ~= 'table' then
    return nil
  end
  local line, above = s.position.line, s.position.character == 0
  local count = vim.api.nvim_buf_line_count(bufnr)
  if line >= count then
    line, above = count - 1, false
  end
  return line, above
end

--- Draw the listing's pending suggestions as virtual lines at their insertion positions.
local function draw(bufnr, listing)
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  vim.b[bufnr].dlmls_suggestions = listing and #listing.suggestions or 0
  if not M.config.virtual_lines or listing == nil then
    return
  end
  -- The listing refers to the text of listing.version; a newer buffer gets the next listing.
  local lsp_version = (vim.lsp.util.buf_versions or {})[bufnr]
  if listing.version ~= nil and lsp_version ~= nil and listing.version ~= lsp_version then
    return
  end
  for _, s in ipairs(listing.suggestions) do
    if type(s.position) == 'table' and type(s.preview) == 'string' then
      local line, above = drawn_at(bufnr, s)
      pcall(vim.api.nvim_buf_set_extmark, bufnr, ns, line, 0,
        { virt_lines = preview_lines(s), virt_lines_above = above })
    end
  end
end

--- Re-request the suggestions of `bufnr` (default: current) and redraw its virtual lines.
function M.refresh(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = compat.get_clients(bufnr, NAME)[1]
  if client == nil then
    return false
  end
  call(client, 'request', 'dlmls/suggestions', { textDocument = { uri = vim.uri_from_bufnr(bufnr) } },
    function(err, listing)
      if not err then
        draw(bufnr, listing ~= vim.NIL and listing or nil)
      end
    end, bufnr)
  return true
end

--- The `dlmls/suggestionsChanged` handler: redraw, and fire `User DlmSuggestionsChanged` {bufnr, uri}.
function M._suggestions_changed(params)
  local uri = type(params) == 'table' and params.uri
  if type(uri) ~= 'string' then
    return
  end
  local bufnr
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.uri_from_bufnr(buf) == uri then
      bufnr = buf
      M.refresh(buf)
    end
  end
  fire('DlmSuggestionsChanged', { bufnr = bufnr, uri = uri })
end

-- After an edit the listed positions may be stale: redraw buffers that show suggestions, debounced.
local pending_refresh = {}
local REFRESH_MS = 400
local function on_text_changed(ev)
  local bufnr = ev.buf
  if (vim.b[bufnr].dlmls_suggestions or 0) == 0 or pending_refresh[bufnr] then
    return
  end
  pending_refresh[bufnr] = true
  vim.defer_fn(function()
    pending_refresh[bufnr] = nil
    if vim.api.nvim_buf_is_valid(bufnr) then
      M.refresh(bufnr)
    end
  end, REFRESH_MS)
end

--- The id of the prose section on `line` (0-based) of `bufnr`, from the server's "Synthesize
--- instructions for this section" source action there: `on_section(section_id or nil)`.
local function section_at(client, bufnr, line, on_section)
  local position = { line = line, character = 0 }
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = position, ['end'] = position },
    context = { diagnostics = {}, only = { 'source' } } }
  call(client, 'request', 'textDocument/codeAction', params, function(err, actions)
    if err then
      notify('textDocument/codeAction failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return on_section(nil)
    end
    for _, action in ipairs(type(actions) == 'table' and actions or {}) do
      local command = type(action.command) == 'table' and action.command or action
      local args = command.arguments
      if command.command == 'dlmls.synthesize' and type(args) == 'table' and type(args[2]) == 'table'
        and type(args[2].sectionId) == 'string' then
        return on_section(args[2].sectionId)
      end
    end
    on_section(nil)
  end, bufnr)
end

local function cursor_line(bufnr)
  local win = vim.fn.bufwinid(bufnr)
  return vim.api.nvim_win_get_cursor(win ~= -1 and win or 0)[1] - 1
end

--- Synthesize instructions for `bufnr` (default: current): the prose section under the cursor, or
--- with `opts.document` every prose section (`dlmls.synthesize`). Progress shows like a retrain's
--- (:DlmCancel stops it); fires `User DlmSynthDone` with data {bufnr, result}.
function M.synthesize(bufnr, opts)
  opts = opts or {}
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return false
  end
  local function done(result)
    fire('DlmSynthDone', { bufnr = bufnr, result = result })
  end
  local function run(section_id)
    local extra = section_id and { { sectionId = section_id } } or nil
    execute_job(bufnr, 'dlmls.synthesize', extra, 'synthesis', function(result)
      local notes = (result.notes and #result.notes > 0) and ('; ' .. table.concat(result.notes, '; ')) or ''
      notify(string.format('%s staged (teacher %s, %s)%s%s', plural(result.staged or 0, 'suggested pair'),
        tostring(result.teacher), tostring(result.teacherModel), notes,
        (result.staged or 0) > 0 and ' — :DlmSuggestions lists them, :DlmAccept / :DlmReject' or ''))
    end, done, function(result)
      return result.kind == 'cancelled' and vim.log.levels.INFO or vim.log.levels.WARN
    end)
  end
  if opts.document then
    run(nil)
    return true
  end
  section_at(client, bufnr, cursor_line(bufnr), function(section_id)
    if section_id == nil then
      local message = 'the cursor is not on a prose section with text (:DlmSynth! synthesizes for the whole document)'
      notify(message, vim.log.levels.WARN)
      return done({ ok = false, kind = 'invalid_arguments', message = message })
    end
    run(section_id)
  end)
  return true
end

--- A suggestion on one line, as the picker lists it: its whole question, then the start of its answer.
local PICK_ANSWER_CHARS = 60
local function one_line(text)
  return vim.trim((tostring(text or ''):gsub('%s+', ' ')))
end
local function pick_item(s)
  local answer = one_line(s.answer)
  if vim.fn.strchars(answer) > PICK_ANSWER_CHARS then
    answer = vim.fn.strcharpart(answer, 0, PICK_ANSWER_CHARS - 1) .. '…'
  end
  return one_line(s.question) .. '  → ' .. answer
end

--- Completion for :DlmAccept / :DlmReject: the ids of the current buffer's pending suggestions
--- starting with `arglead` (a short synchronous `dlmls/suggestions` request).
function M.complete_ids(arglead)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = compat.get_clients(bufnr, NAME)[1]
  if client == nil then
    return {}
  end
  local response = call(client, 'request_sync', 'dlmls/suggestions',
    { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, 1000, bufnr)
  local listing = type(response) == 'table' and response.result or nil
  local ids = {}
  for _, s in ipairs(type(listing) == 'table' and listing.suggestions or {}) do
    if type(s.id) == 'string' and vim.startswith(s.id, arglead or '') then
      ids[#ids + 1] = s.id
    end
  end
  return ids
end

--- Accept (`action` 'accept') or reject ('reject') suggestions of `bufnr` (default: current): with
--- `opts.all` every pending one of the document; with `opts.ids` those; else the pending ones of the
--- prose section under the cursor and those whose virtual lines are drawn at the cursor line (all
--- of a section's share one insertion point): one is taken at once, several are offered with
--- `vim.ui.select` (the whole question and the start of the answer of each) and the chosen one is
--- taken. Accepting inserts through the server's `workspace/applyEdit`. Fires
--- `User DlmReviewDone` {bufnr, action, result} (a dismissed picker: {ok = false, kind = 'cancelled'}).
function M.review(action, bufnr, opts)
  assert(action == 'accept' or action == 'reject', 'action must be accept or reject')
  opts = opts or {}
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return false
  end
  local command = 'dlmls.' .. action
  local function done(result)
    fire('DlmReviewDone', { bufnr = bufnr, action = action, result = result })
  end
  local function run(spec, label)
    execute_job(bufnr, command, { spec }, action, function(result)
      if action == 'accept' then
        notify(string.format('accepted %s%s', plural(result.applied or 0, 'pair'), label or ''))
      else
        notify(string.format('rejected %s%s', plural(result.rejected or 0, 'pair'), label or ''))
      end
    end, done)
  end
  local function refuse(message, kind)
    notify(message, kind == 'cancelled' and vim.log.levels.INFO or vim.log.levels.WARN)
    done({ ok = false, kind = kind or 'invalid_arguments', message = message })
  end
  local function run_one(s)
    run({ ids = { s.id } }, ': ' .. one_line(s.question))
  end
  -- (0.7's `fargs` of a command with nargs = '?' run without one is { '' }.)
  local ids = vim.tbl_filter(function(id) return id ~= '' end, opts.ids or {})
  ids = #ids > 0 and ids or nil
  local Name = action == 'accept' and 'Accept' or 'Reject'
  if opts.all and ids then
    refuse(string.format(':Dlm%s! takes all of the document\'s suggestions: give it no id', Name))
    return true
  end
  if opts.all then
    run({ all = true })
    return true
  end
  if ids then
    M.list(bufnr, function(listing)
      local by_id = {}
      for _, s in ipairs(listing and listing.suggestions or {}) do
        by_id[s.id] = s
      end
      for _, id in ipairs(ids) do
        if by_id[id] == nil then
          return refuse(string.format('no pending suggestion %s (:DlmSuggestions lists them)', id))
        end
      end
      if #ids == 1 then
        return run_one(by_id[ids[1]])
      end
      run({ ids = ids })
    end)
    return true
  end
  local line = cursor_line(bufnr)
  section_at(client, bufnr, line, function(section_id)
    M.list(bufnr, function(listing)
      -- The section's own (shown where they would be inserted) and those shown at the cursor line.
      local candidates = {}
      for _, s in ipairs(listing and listing.suggestions or {}) do
        local mine = section_id ~= nil and s.sectionId == section_id
        if s.status ~= 'stale' and (mine or drawn_at(bufnr, s) == line) then
          candidates[#candidates + 1] = s
        end
      end
      if #candidates == 0 then
        local n = listing and #listing.suggestions or 0
        return refuse('no pending suggestion for the section under the cursor'
          .. (n > 0 and string.format(' (the document has %d: :Dlm%s! takes them all, :Dlm%s ID one)', n,
            Name, Name) or ''))
      end
      if #candidates == 1 then
        return run_one(candidates[1])
      end
      vim.ui.select(candidates, { prompt = string.format('%s which suggestion?', Name),
        format_item = pick_item, kind = 'dlmls.suggestion' }, function(choice)
        if choice == nil then
          return refuse(string.format('nothing to %s: no suggestion chosen', action), 'cancelled')
        end
        run_one(choice)
      end)
    end)
  end)
  return true
end

--- List the pending suggestions of `bufnr` (default: current) in the scratch split dlmls://suggestions.
function M.show_suggestions(bufnr)
  return M.list(bufnr, function(listing, buf)
    local name = compat.basename(vim.api.nvim_buf_get_name(buf))
    if listing == nil then
      notify(name .. ' is not open in the server', vim.log.levels.WARN)
      return
    end
    local lines = { string.format('# Suggestions for %s: %d pending', name, #listing.suggestions), '' }
    for _, s in ipairs(listing.suggestions) do
      local where = type(s.position) == 'table' and string.format('line %d', s.position.line + 1) or 'not placeable'
      local scores = {}
      for _, key in ipairs({ 'judge', 'sway', 'answerability' }) do
        if s.scores and s.scores[key] then
          scores[#scores + 1] = string.format('%s %.2f', key, s.scores[key])
        end
      end
      lines[#lines + 1] = (string.format('- %s → %s', s.question, s.answer):gsub('\n', ' '))
      lines[#lines + 1] = string.format('  `%s` %s, %s%s', s.id, s.status, where,
        #scores > 0 and (', ' .. table.concat(scores, ', ')) or '')
    end
    if #listing.suggestions == 0 then
      lines[#lines + 1] = 'None: :DlmSynth (the section under the cursor) or :DlmSynth! (the document) makes some.'
    end
    show_scratch('dlmls://suggestions', lines)
  end)
end

-- ---------------------------------------------------------------------------- history and new documents

--- Show the adapter history of `bufnr` (default: current) in the scratch split dlmls://history: every
--- version of every adapter, when trained, steps, losses, which is current (`dlmls.history`, the text
--- `dlmls show` prints). Fires `User DlmHistoryDone` {bufnr, result}.
function M.history(bufnr)
  return execute(bufnr, 'dlmls.history', { { lines = true } }, function(result, buf)
    if type(result) == 'table' and result.ok == false then
      notify(string.format('history %s: %s', result.kind or 'failed', result.message or ''),
        vim.log.levels.WARN)
    elseif type(result) == 'table' and type(result.lines) == 'table' then
      show_scratch('dlmls://history', result.lines)
    end
    fire('DlmHistoryDone', { bufnr = buf, result = result })
  end)
end

--- A running dlmls client, attached to any buffer (nil: none).
local function any_client()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = NAME })[1]
  end
  for _, client in ipairs(vim.lsp.get_active_clients()) do
    if client.name == NAME then
      return client
    end
  end
end

--- Write a new .dlm document at `file` from the starter template `template` (nil: the plain one) with a
--- freshly minted dlm_id, then edit it: `dlmls.newDocument` through a running dlmls server, else
--- `dlmls init` run with the `cmd` option's program (what comes before its 'serve'). An existing file
--- is replaced only with `opts.overwrite` (:DlmNew!). Fires `User DlmNewDone` {path, result}.
function M.new_document(file, template, opts)
  opts = opts or {}
  if type(file) ~= 'string' or file == '' then
    notify('give the file to create: :DlmNew {file} [template]', vim.log.levels.ERROR)
    return false
  end
  local path = compat.absolute(file)
  local function finish(result)
    if result.ok then
      for _, note in ipairs(result.notes or {}) do
        notify(note, vim.log.levels.WARN)
      end
      local edited, err = pcall(vim.cmd, 'edit ' .. vim.fn.fnameescape(path))
      local failed = edited and '' or (' (cannot edit it here: ' .. tostring(err) .. ')')
      notify((result.message or ('wrote ' .. path)) .. failed, not edited and vim.log.levels.WARN or nil)
    elseif result.kind == 'exists' then
      notify(path .. ' already exists; :DlmNew! replaces it (with a new dlm_id, so it no longer shares '
        .. "the old document's adapter store)", vim.log.levels.WARN)
    else
      notify('new document: ' .. (result.message or 'failed'), vim.log.levels.ERROR)
    end
    fire('DlmNewDone', { path = path, result = result })
  end
  local client = any_client()
  if client ~= nil then
    local options = vim.empty_dict()
    options.template = template
    options.overwrite = opts.overwrite or nil
    call(client, 'request', 'workspace/executeCommand',
      { command = 'dlmls.newDocument', arguments = { vim.uri_from_fname(path), options } },
      function(err, result)
        if err then
          return finish({ ok = false, kind = 'error', message = err.message or vim.inspect(err) })
        end
        finish(type(result) == 'table' and result or { ok = false, kind = 'error', message = vim.inspect(result) })
      end)
    return true
  end
  -- No server running yet (no .dlm buffer open): `dlmls init`, the same function on the command line.
  local args = {}
  for _, part in ipairs(M.config.cmd or {}) do
    if part == 'serve' then
      break
    end
    args[#args + 1] = part
  end
  if #args == #(M.config.cmd or {}) then
    notify("cannot tell how to run `dlmls init` from the cmd option (it has no 'serve')",
      vim.log.levels.ERROR)
    return false
  end
  vim.list_extend(args, { 'init', path })
  if template then
    vim.list_extend(args, { '--template', template })
  end
  if opts.overwrite then
    args[#args + 1] = '--force'
  end
  local ok, done = pcall(compat.system, args)
  local output = ok and (done.stderr or '') or tostring(done)
  local first = output:match('dlmls init: ([^\n]*)') or vim.trim(output)
  if ok and done.code == 0 then
    local notes = {}
    for line in output:gmatch('[^\n]+') do
      if line:match('^note: ') then
        notes[#notes + 1] = line
      end
    end
    finish({ ok = true, message = first, notes = notes })
  else
    finish({ ok = false, kind = output:match('already exists') and 'exists' or 'failed', message = first })
  end
  return ok and done.code == 0
end

--- The plugin's directory (editors/nvim), from this file's path.
local function plugin_dir()
  local source = debug.getinfo(1, 'S').source:sub(2)
  return compat.dirname(compat.dirname(compat.dirname(compat.absolute(source))))
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
    return compat.system({ cc, '-shared', '-fPIC', '-O2', '-I', src, src .. '/parser.c', src .. '/scanner.c',
      '-o', tmp })
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
    pcall(compat.treesitter_start, bufnr, 'dlm')
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
  progress_handlers = compat.progress(group, on_progress)
  vim.api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, { group = group, callback = on_text_changed })
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = define_highlights })
  -- setup() may run after dlm buffers are open (lazy loading on ft=dlm).
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'dlm' then
      on_filetype(buf)
    end
  end
end

return M
