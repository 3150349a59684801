-- dlmls for Neovim: what is set up as soon as the plugin is on the runtimepath.
-- The filetype and the commands cost nothing until used; the language server
-- starts only after require('dlmls').setup() (it needs to know the command).

if vim.g.loaded_dlmls then
  return
end
vim.g.loaded_dlmls = true

-- Also in ftdetect/dlm.lua; here too for a runtimepath extended after filetype
-- detection was set up, when ftdetect/ is not sourced again. Adding it twice is harmless.
-- (On Neovim 0.7 also a BufRead/BufNewFile autocmd: its filetype.lua is opt-in.)
require('dlmls.compat').add_filetype()

-- The commands act on the current buffer's dlmls client; they load the
-- module lazily so startup stays free.
local function dlmls() return require('dlmls') end

vim.api.nvim_create_user_command('DlmRetrain', function(opts)
  dlmls().retrain(0, { keep_worse = opts.bang })
end, { bang = true, desc = 'dlmls: retrain the adapter of this .dlm document (!: keep it even if worse)' })
vim.api.nvim_create_user_command('DlmCancel', function() dlmls().cancel() end,
  { desc = "dlmls: cancel this document's retrain or synthesis" })
vim.api.nvim_create_user_command('DlmAsk', function(opts) dlmls().ask(opts.args) end,
  { nargs = '+', desc = "dlmls: ask this document's adapter a question" })
vim.api.nvim_create_user_command('DlmHistory', function() dlmls().history() end,
  { desc = "dlmls: show this document's adapter history (every version, which is current)" })
vim.api.nvim_create_user_command('DlmNew', function(opts)
  if #opts.fargs > 2 then
    return vim.notify('dlmls: :DlmNew {file} [template]', vim.log.levels.ERROR)
  end
  dlmls().new_document(opts.fargs[1], opts.fargs[2], { overwrite = opts.bang })
end, { bang = true, nargs = '+', complete = 'file',
  desc = 'dlmls: write a new .dlm document (fresh dlm_id) from a template, then edit it (!: replace a file)' })
vim.api.nvim_create_user_command('DlmBuildParser', function(opts)
  dlmls().build_parser({ dir = opts.args ~= '' and opts.args or nil })
end, { nargs = '?', complete = 'dir', desc = 'dlmls: compile the tree-sitter parser for .dlm' })
vim.api.nvim_create_user_command('DlmSynth', function(opts)
  dlmls().synthesize(0, { document = opts.bang })
end, { bang = true,
  desc = 'dlmls: synthesize instructions for the prose section under the cursor (!: the whole document)' })
vim.api.nvim_create_user_command('DlmSuggestions', function() dlmls().show_suggestions() end,
  { desc = "dlmls: list this document's pending suggestions" })
-- :DlmAccept / :DlmReject: the suggestion under the cursor (a picker when several are there), ID
-- (completed from the pending ones), or with ! all of the document's.
local function suggestion_ids(arglead) return dlmls().complete_ids(arglead) end
vim.api.nvim_create_user_command('DlmAccept', function(opts)
  dlmls().review('accept', 0, { all = opts.bang, ids = opts.fargs })
end, { bang = true, nargs = '?', complete = suggestion_ids,
  desc = "dlmls: accept the suggestion under the cursor (several: pick one; ID: that one; !: all of the document's)" })
vim.api.nvim_create_user_command('DlmReject', function(opts)
  dlmls().review('reject', 0, { all = opts.bang, ids = opts.fargs })
end, { bang = true, nargs = '?', complete = suggestion_ids,
  desc = "dlmls: reject the suggestion under the cursor (several: pick one; ID: that one; !: all of the document's)" })
