-- The `dlm` filetype. In ftdetect/ so plugin managers that lazy-load on a filetype
-- (lazy.nvim's `ft = 'dlm'`, packer) know it before the plugin is loaded, so this file
-- requires nothing from the plugin's lua/ (not on the runtimepath yet then).
vim.filetype.add({ extension = { dlm = 'dlm' } })
if vim.fn.has('nvim-0.8') == 0 then
  -- Neovim 0.7 uses vim.filetype.add only with g:do_filetype_lua; this file is sourced inside
  -- the filetypedetect augroup.
  vim.cmd('autocmd BufRead,BufNewFile *.dlm setfiletype dlm')
end
