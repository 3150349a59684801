-- What differs between the Neovim versions the plugin supports (0.7 to 0.11+), in one place.
-- Everything else in the plugin uses API that 0.7 already has (nvim_create_user_command,
-- nvim_create_autocmd, nvim_buf_set_extmark with virt_lines, vim.diagnostic, vim.json).
local M = {}

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end
M.has = has

-- vim.uv from 0.10 on, vim.loop before.
M.uv = vim.uv or vim.loop

--- The clients attached to `bufnr` named `name` (vim.lsp.get_clients is 0.10; before it,
--- vim.lsp.buf_get_clients, a map from id to client).
function M.get_clients(bufnr, name)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = name })
  end
  local found = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == name then
      found[#found + 1] = client
    end
  end
  table.sort(found, function(a, b) return a.id < b.id end)
  return found
end

--- Client methods: `client.request(...)` up to 0.10, `client:request(...)` from 0.11 on.
function M.call(client, method, ...)
  if has('0.11') then
    return client[method](client, ...)
  end
  return client[method](...)
end

-- 0.7: clients started here with vim.lsp.start_client, by name and root directory, for reuse.
local started = {}

--- Start (or reuse) a client for `config` and attach it to `bufnr`: vim.lsp.start from 0.8 on
--- (it reuses a client with the same name and root_dir); on 0.7 vim.lsp.start_client and
--- vim.lsp.buf_attach_client with the same reuse rule. Returns the client id.
function M.start(config, bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local key = config.name .. '\0' .. tostring(config.root_dir)
  local id = started[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if id == nil then
      return nil
    end
    started[key] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The directory of `path` and its last component (vim.fs is 0.8+).
function M.dirname(path)
  return vim.fs and vim.fs.dirname(path) or vim.fn.fnamemodify(path, ':h')
end
function M.basename(path)
  return vim.fs and vim.fs.basename(path) or vim.fn.fnamemodify(path, ':t')
end
--- An absolute path with `~` expanded.
function M.absolute(path)
  return (vim.fn.fnamemodify(vim.fn.expand(path), ':p'):gsub('/$', ''))
end

--- The nearest directory, from the buffer's file upwards, holding one of `markers`, or nil
--- (vim.fs.root is 0.10).
function M.root(bufnr, markers)
  if vim.fs and vim.fs.root then
    return vim.fs.root(bufnr, markers)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil
  end
  local dir = M.dirname(M.absolute(name))
  while true do
    for _, marker in ipairs(markers) do
      if M.uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = M.dirname(dir)
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- Run `cmd` (a list) to completion: {code, stderr} (vim.system is 0.10; before it, vim.fn.system,
--- whose output holds stderr too).
function M.system(cmd)
  if vim.system then
    local done = vim.system(cmd):wait()
    return { code = done.code, stderr = done.stderr }
  end
  local output = vim.fn.system(cmd)
  return { code = vim.v.shell_error, stderr = output }
end

-- The data of the `User` event being fired, for 0.7 (whose nvim_exec_autocmds has no `data`):
-- handlers read `ev.data or require('dlmls').event_data`.
M.event_data = nil

--- Fire `User <pattern>` with `data` (ev.data from 0.8 on; on 0.7 in require('dlmls').event_data).
function M.fire(pattern, data, holder)
  holder.event_data = data
  local ok, err = pcall(vim.api.nvim_exec_autocmds, 'User',
    { pattern = pattern, modeline = false, data = has('0.8') and data or nil })
  holder.event_data = nil
  if not ok then
    error(err, 0)
  end
end

--- Follow `$/progress` of this plugin's clients: `on_progress({client_id, params})`. From 0.10 on
--- through the LspProgress event (autocmd in `group`); before it through the client's own
--- `$/progress` handler, which then calls Neovim's (looked up when called, so a user's
--- replacement of vim.lsp.handlers['$/progress'] is called too). Returns handlers for the client
--- config.
function M.progress(group, on_progress)
  if has('0.10') then
    vim.api.nvim_create_autocmd('LspProgress', { group = group, callback = function(ev)
      on_progress(ev.data)
    end })
    return {}
  end
  return { ['$/progress'] = function(err, result, ctx, config)
    local ok, msg = pcall(on_progress, { client_id = ctx.client_id, params = result })
    if not ok then
      vim.notify('dlmls: progress: ' .. tostring(msg), vim.log.levels.ERROR)
    end
    return vim.lsp.handlers['$/progress'](err, result, ctx, config)
  end }
end

--- Start tree-sitter highlighting of `bufnr` with the `lang` parser (vim.treesitter.start is 0.8+;
--- on 0.7 a highlighter on the buffer's parser). Errors when there is no parser.
function M.treesitter_start(bufnr, lang)
  if vim.treesitter.start then
    return vim.treesitter.start(bufnr, lang)
  end
  local parser = vim.treesitter.get_parser(bufnr, lang)
  vim.treesitter.highlighter.new(parser)
  vim.bo[bufnr].syntax = ''
end

--- Filetype detection for `*.dlm`: vim.filetype.add (used from 0.8 on; on 0.7 only with
--- g:do_filetype_lua), plus on 0.7 a BufRead/BufNewFile autocmd.
function M.add_filetype()
  vim.filetype.add({ extension = { dlm = 'dlm' } })
  if not has('0.8') then
    local group = vim.api.nvim_create_augroup('dlmls_filetype', { clear = true })
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, { group = group, pattern = '*.dlm',
      command = 'setfiletype dlm' })
  end
end

return M
