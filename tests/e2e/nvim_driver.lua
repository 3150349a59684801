-- Drives headless Neovim with the dlmls plugin the way a user would, for tests/e2e/test_nvim.py.
-- It only observes: it records what the editor shows (diagnostics, hover, notifications,
-- progress, the commands' outcomes) into a JSON file, and the Python test asserts on it.
--
-- Environment: DLMLS_E2E_SCENARIO (document | retrain | held_back | cancel | synth | synth_real |
-- synth_cancel), DLMLS_E2E_FILE (the .dlm file), DLMLS_E2E_PROSE_LINE (synth*: a 0-based line in the prose section),
-- DLMLS_E2E_OUT (the JSON result), DLMLS_E2E_CMD (the server command, JSON), DLMLS_E2E_HOME
-- (dlmHome), DLMLS_E2E_SETTINGS (more server settings, JSON), DLMLS_E2E_PARSER_DIR (document: where
-- :DlmBuildParser puts the parser), DLMLS_E2E_SYNTH_MS (synth_real: how long the synthesis may take).

-- The same driver runs on Neovim 0.7 (tools/nvim07) and 0.10 (tools/nvim); it uses only what both
-- have, or the plugin's own dlmls.compat.

local env = vim.env
local compat = require('dlmls.compat')
local out = { notifications = {}, progress = {}, steps = {}, version = tostring(vim.version().major) .. '.'
  .. tostring(vim.version().minor), lsp_diagnostics = {} }
local started = compat.uv.hrtime()

local function elapsed() return (compat.uv.hrtime() - started) / 1e9 end
local function step(name) out.steps[#out.steps + 1] = string.format('%.2fs %s', elapsed(), name) end

-- What the plugin shows the user goes through vim.notify: keep it all.
vim.notify = function(msg, level)
  local n = { msg = msg, level = level or vim.log.levels.INFO, t = elapsed() }
  out.notifications[#out.notifications + 1] = n
end

-- The pickers the plugin opens (vim.ui.select): what each offered, as the user would read it; the
-- scenario sets which item the "user" chooses (`pick_choice`, 1-based).
out.picks = {}
local pick_choice = 1
vim.ui.select = function(items, opts, on_choice)
  local shown = {}
  for _, item in ipairs(items) do
    shown[#shown + 1] = opts.format_item and opts.format_item(item) or tostring(item)
  end
  out.picks[#out.picks + 1] = { prompt = opts.prompt, kind = opts.kind, items = shown, chosen = pick_choice }
  vim.schedule(function() on_choice(items[pick_choice], pick_choice) end)
end

-- The raw $/progress values the server sent, to tell a display problem from a server problem:
-- Neovim's own handler, wrapped (the plugin's handlers, and on 0.10 its LspProgress event, come
-- before or after it and are not touched).
local progress_handler = vim.lsp.handlers['$/progress']
vim.lsp.handlers['$/progress'] = function(err, params, ctx, config)
  local v = type(params) == 'table' and params.value or {}
  out.progress[#out.progress + 1] = { kind = v.kind, title = v.title, message = v.message,
    percentage = v.percentage, token = params.token }
  return progress_handler(err, params, ctx, config)
end
-- The raw diagnostics (LSP ranges in UTF-16 units; 0.7's vim.diagnostic does not keep them).
local diagnostics_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  out.lsp_diagnostics = params.diagnostics
  return diagnostics_handler(err, params, ctx, config)
end

-- The plugin's User events: ev.data from 0.8 on, require('dlmls').event_data on 0.7.
local function event_data(ev) return ev.data or require('dlmls').event_data end

local retrain_results = {}
vim.api.nvim_create_autocmd('User', { pattern = 'DlmRetrainDone', callback = function(ev)
  retrain_results[#retrain_results + 1] = { result = event_data(ev).result, t = elapsed() }
end })

local synth_results, review_results, changed = {}, {}, {}
vim.api.nvim_create_autocmd('User', { pattern = 'DlmSynthDone', callback = function(ev)
  synth_results[#synth_results + 1] = { result = event_data(ev).result, t = elapsed() }
end })
vim.api.nvim_create_autocmd('User', { pattern = 'DlmReviewDone', callback = function(ev)
  local data = event_data(ev)
  review_results[#review_results + 1] = { action = data.action, result = data.result, t = elapsed() }
end })
vim.api.nvim_create_autocmd('User', { pattern = 'DlmSuggestionsChanged', callback = function(ev)
  changed[#changed + 1] = { uri = event_data(ev).uri, t = elapsed() }
end })

local function wait(ms, what, cond)
  if not vim.wait(ms, cond, 20) then
    error('timed out after ' .. ms .. ' ms waiting for ' .. what, 0)
  end
end

local function notified(pattern, from)
  for i = from or 1, #out.notifications do
    if out.notifications[i].msg:find(pattern) then return out.notifications[i] end
  end
end

local function open_document()
  local settings = { dlmHome = env.DLMLS_E2E_HOME }
  for key, value in pairs(env.DLMLS_E2E_SETTINGS and vim.json.decode(env.DLMLS_E2E_SETTINGS) or {}) do
    settings[key] = value
  end
  require('dlmls').setup({ cmd = vim.json.decode(env.DLMLS_E2E_CMD), settings = settings })
  vim.cmd('edit ' .. vim.fn.fnameescape(env.DLMLS_E2E_FILE))
  out.filetype = vim.bo.filetype
  local buf = vim.api.nvim_get_current_buf()
  wait(20000, 'the dlmls client to initialize', function()
    local client = compat.get_clients(buf, 'dlmls')[1]
    return client ~= nil and client.initialized
  end)
  local client = compat.get_clients(buf, 'dlmls')[1]
  out.offset_encoding = client.offset_encoding
  out.init_options = client.config.init_options
  out.runtimepath = vim.opt.runtimepath:get()
  out.packpath = vim.opt.packpath:get()
  out.vimruntime = vim.env.VIMRUNTIME
  step('client initialized')
  return buf, client
end

local scenarios = {}

function scenarios.document()
  -- Build the parser first, into a directory of its own on the runtimepath, so the FileType
  -- autocmd can start tree-sitter highlighting with the plugin's queries/dlm.
  out.parser = require('dlmls').build_parser({ dir = env.DLMLS_E2E_PARSER_DIR })
  vim.opt.runtimepath:append(env.DLMLS_E2E_PARSER_DIR)
  local buf = open_document()

  wait(15000, 'diagnostics', function() return #vim.diagnostic.get(buf) > 0 end)
  step('diagnostics')
  out.diagnostics = {}
  local diagnostics = vim.diagnostic.get(buf)
  table.sort(diagnostics, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  for _, d in ipairs(diagnostics) do
    out.diagnostics[#out.diagnostics + 1] = { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum,
      end_col = d.end_col, code = d.code, severity = d.severity, source = d.source, message = d.message }
  end

  -- Hover as the user gets it: the cursor on a frontmatter key, `K` typed, the float (on 0.7 the
  -- plugin maps `K`; without that mapping it runs 'keywordprg' and fails with E349).
  local line = tonumber(env.DLMLS_E2E_HOVER_LINE)
  local col = tonumber(env.DLMLS_E2E_HOVER_COL)
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  local before = vim.api.nvim_list_wins()
  vim.api.nvim_feedkeys('K', 'x', false)
  local float
  wait(10000, 'the hover float', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if not vim.tbl_contains(before, win) and vim.api.nvim_win_get_config(win).relative ~= '' then
        float = win
        return true
      end
    end
  end)
  out.hover_float = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false)
  step('hover')

  out.highlighter = vim.treesitter.highlighter.active[buf] ~= nil
  local fence = tonumber(env.DLMLS_E2E_FENCE_LINE)
  if vim.treesitter.get_captures_at_pos then -- 0.8+
    out.fence_captures = vim.tbl_map(function(c) return c.capture end,
      vim.treesitter.get_captures_at_pos(buf, fence, 2))
  else -- 0.7: the highlight query's captures over the fence line, those that cover column 2
    out.fence_captures = {}
    local query = vim.treesitter.get_query('dlm', 'highlights')
    local root = vim.treesitter.get_parser(buf, 'dlm'):parse()[1]:root()
    for id, node in query:iter_captures(root, buf, fence, fence + 1) do
      local r1, c1, r2, c2 = node:range()
      if (r1 < fence or (r1 == fence and c1 <= 2)) and (r2 > fence or (r2 == fence and c2 > 2)) then
        out.fence_captures[#out.fence_captures + 1] = query.captures[id]
      end
    end
  end
  local query = vim.treesitter.query
  out.highlight_query = (query.get_files or query.get_query_files)('dlm', 'highlights')
end

function scenarios.retrain()
  open_document()
  -- What a statusline showing require('dlmls').status() shows while the job runs, sampled.
  out.status_lines = {}
  local sampler = compat.uv.new_timer()
  sampler:start(0, 20, vim.schedule_wrap(function()
    local line = require('dlmls').status()
    if line ~= '' and out.status_lines[#out.status_lines] ~= line then
      out.status_lines[#out.status_lines + 1] = line
    end
  end))
  vim.cmd('DlmRetrain')
  wait(30000, 'the retrain to finish', function() return #retrain_results > 0 end)
  sampler:stop()
  out.status_after = require('dlmls').status()
  out.retrain = retrain_results[1]
  step('retrained')

  vim.cmd('DlmAsk What do the notes say?')
  wait(30000, 'the answer buffer', function()
    local b = vim.fn.bufnr('dlmls://answer')
    return b ~= -1 and vim.api.nvim_buf_get_lines(b, 0, -1, false)[1] ~= ''
  end)
  local b = vim.fn.bufnr('dlmls://answer')
  out.answer = vim.api.nvim_buf_get_lines(b, 0, -1, false)
  out.answer_window = vim.fn.bufwinid(b) ~= -1
  out.answer_buftype = vim.bo[b].buftype
  out.current_is_document = vim.api.nvim_buf_get_name(0) == vim.fn.fnamemodify(env.DLMLS_E2E_FILE, ':p')
  step('answered')
end

function scenarios.held_back()
  -- A retrain whose version came out worse is kept but not made current; :DlmRetrain! takes it anyway.
  open_document()
  vim.cmd('DlmRetrain')
  wait(30000, 'the first retrain', function() return #retrain_results > 0 end)
  vim.cmd('DlmRetrain!')
  wait(30000, 'the second retrain', function() return #retrain_results > 1 end)
  out.results = vim.tbl_map(function(r) return r.result end, retrain_results)
  step('retrained twice')
end

function scenarios.cancel()
  open_document()
  vim.cmd('DlmRetrain')
  -- Cancel once the user has seen the retrain progress (a report with a step in it).
  wait(20000, 'a progress report', function()
    return require('dlmls').status():find('Retraining .-%d+%% step') ~= nil or #retrain_results > 0
  end)
  if #retrain_results > 0 then
    error('the retrain ended before any step: ' .. vim.inspect(retrain_results[1].result), 0)
  end
  step('progress seen')
  local cancelled_at = elapsed()
  vim.cmd('DlmCancel')
  wait(20000, 'the retrain to stop', function() return #retrain_results > 0 end)
  out.retrain = retrain_results[1]
  out.stop_seconds = retrain_results[1].t - cancelled_at
  step('stopped')

  -- With nothing running, :DlmCancel falls back to dlmls.cancel and says there was nothing.
  local n = #out.notifications
  vim.cmd('DlmCancel')
  wait(10000, 'the second cancel', function() return notified('no retrain', n + 1) ~= nil end)
  step('second cancel')
end

--- The `dlmls/suggestions` listing of the current buffer, through the plugin (waits for it).
local function listing()
  local got, done = nil, false
  require('dlmls').list(0, function(l) got, done = l, true end)
  wait(10000, 'dlmls/suggestions', function() return done end)
  return got
end

--- The suggestion virtual lines on the buffer: {line, above, text = {lines}}.
local function virtual_lines(buf)
  local ns = vim.api.nvim_get_namespaces()['dlmls.suggestions']
  local marks = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local text = {}
    for _, chunks in ipairs(m[4].virt_lines or {}) do
      text[#text + 1] = table.concat(vim.tbl_map(function(c) return c[1] end, chunks))
    end
    marks[#marks + 1] = { line = m[2], above = m[4].virt_lines_above or false, text = text }
  end
  return marks
end

local function lines(buf) return vim.api.nvim_buf_get_lines(buf, 0, -1, false) end

-- :DlmAccept with the cursor on the section (its suggestions share one insertion point: the picker
-- offers them, the `choice`th is chosen), then :DlmReject (another one; a picker again if several are
-- left, its first chosen); what each did and the buffer after each go into `out`.
local function accept_then_reject(buf, choice)
  pick_choice = choice
  vim.cmd('DlmAccept')
  wait(15000, 'the accept', function() return #review_results > 0 end)
  out.accepted = review_results[1]
  out.text_accepted = lines(buf)
  out.cursor_after_accept = vim.api.nvim_win_get_cursor(0)
  step('accepted')
  pick_choice = 1
  vim.cmd('DlmReject')
  wait(15000, 'the reject', function() return #review_results > 1 end)
  out.rejected = review_results[2]
  out.text_after = lines(buf)
  out.listed_after = listing()
end

function scenarios.synth()
  local buf = open_document()
  vim.api.nvim_win_set_cursor(0, { tonumber(env.DLMLS_E2E_PROSE_LINE) + 1, 0 })
  vim.cmd('DlmSynth')
  wait(30000, 'the synthesis to finish', function() return #synth_results > 0 end)
  out.synth = synth_results[1]
  -- The server says the suggestions changed; the plugin redraws them as virtual lines.
  wait(10000, 'dlmls/suggestionsChanged', function() return #changed > 0 end)
  wait(10000, 'the virtual lines', function() return #virtual_lines(buf) > 0 end)
  out.virtual_lines = virtual_lines(buf)
  out.listed = listing()
  out.text_before = lines(buf)
  -- :DlmAccept <Tab> completes the pending ids.
  out.completed_ids = vim.fn.getcompletion('DlmAccept ', 'cmdline')
  step('synthesized')

  accept_then_reject(buf, 2)
  wait(10000, 'the virtual lines to go', function() return #virtual_lines(buf) == 0 end)
  step('rejected')

  vim.cmd('DlmSuggestions')
  local list = vim.fn.bufnr('dlmls://suggestions')
  wait(10000, 'the suggestions buffer', function()
    list = vim.fn.bufnr('dlmls://suggestions')
    return list ~= -1 and #lines(list) > 1
  end)
  out.suggestions_buffer = lines(list)

  -- The whole document: only the implicit section's pair is new (the accepted and the rejected
  -- ones count as duplicates); :DlmSuggestions lists it; :DlmAccept with an unknown id is refused,
  -- :DlmReject ID (completed) rejects it, then :DlmReject! all of the document's (none left).
  vim.cmd('DlmSynth!')
  wait(30000, 'the whole-document synthesis', function() return #synth_results > 1 end)
  out.synth_document = synth_results[2]
  out.listed_document = listing()
  vim.cmd('DlmSuggestions')
  wait(10000, 'the suggestions buffer to list it', function() return #lines(list) > 3 end)
  out.suggestions_buffer_document = lines(list)
  vim.cmd('DlmAccept nosuchid')
  wait(15000, 'the refused accept', function() return #review_results > 2 end)
  out.accepted_unknown = review_results[3]
  out.completed_document = vim.fn.getcompletion('DlmReject ', 'cmdline')
  vim.cmd('DlmReject ' .. (out.completed_document[1] or 'none-completed'))
  wait(15000, 'the reject by id', function() return #review_results > 3 end)
  out.rejected_by_id = review_results[4]
  vim.cmd('DlmReject!')
  wait(15000, 'the reject of all', function() return #review_results > 4 end)
  out.rejected_all = review_results[5]
  out.listed_end = listing()
  out.text_end = lines(buf)
  step('whole document')
end

function scenarios.synth_real()
  -- The real worker and the embedded model: synthesize for the prose section under the cursor (the
  -- synthesis settings come from DLMLS_E2E_SETTINGS), see the previews, accept one, reject one.
  local buf = open_document()
  vim.api.nvim_win_set_cursor(0, { tonumber(env.DLMLS_E2E_PROSE_LINE) + 1, 0 })
  vim.cmd('DlmSynth')
  wait(tonumber(env.DLMLS_E2E_SYNTH_MS), 'the synthesis to finish', function() return #synth_results > 0 end)
  out.synth = synth_results[1]
  step('synthesized')
  if not (out.synth.result and out.synth.result.ok) then
    error('the synthesis failed: ' .. vim.inspect(out.synth.result), 0)
  end
  out.listed = listing()
  local n = #out.listed.suggestions
  wait(10000, 'the virtual lines', function() return n > 0 and #virtual_lines(buf) == n end)
  out.virtual_lines = virtual_lines(buf)
  out.text_before = lines(buf)

  accept_then_reject(buf, 1)
  wait(10000, 'the virtual lines to be redrawn', function()
    return #virtual_lines(buf) == #out.listed_after.suggestions
  end)
  out.virtual_lines_after = virtual_lines(buf)
  step('rejected')
end

function scenarios.synth_cancel()
  open_document()
  vim.api.nvim_win_set_cursor(0, { tonumber(env.DLMLS_E2E_PROSE_LINE) + 1, 0 })
  vim.cmd('DlmSynth')
  wait(20000, 'a synthesis progress report', function()
    return require('dlmls').status():find('Synthesizing instructions for .-: %d+%% %d+/%d+') ~= nil
      or #synth_results > 0
  end)
  if #synth_results > 0 then
    error('the synthesis ended before any step: ' .. vim.inspect(synth_results[1].result), 0)
  end
  step('progress seen')
  local cancelled_at = elapsed()
  vim.cmd('DlmCancel')
  wait(20000, 'the synthesis to stop', function() return #synth_results > 0 end)
  out.synth = synth_results[1]
  out.stop_seconds = synth_results[1].t - cancelled_at
  out.listed = listing()
  step('stopped')
  local n = #out.notifications
  vim.cmd('DlmCancel')
  wait(10000, 'the second cancel', function() return notified('no retrain or synthesis', n + 1) ~= nil end)
end

local ok, err = xpcall(function()
  local scenario = scenarios[env.DLMLS_E2E_SCENARIO]
  assert(scenario, 'unknown scenario ' .. tostring(env.DLMLS_E2E_SCENARIO))
  scenario()
end, debug.traceback)
out.ok = ok
out.error = not ok and tostring(err) or nil
local f = assert(io.open(env.DLMLS_E2E_OUT, 'w'))
f:write(vim.json.encode(out))
f:close()
vim.cmd(ok and 'qall!' or 'cquit 1')
