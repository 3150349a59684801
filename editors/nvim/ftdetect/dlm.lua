-- The `dlm` filetype. In ftdetect/ so plugin managers that lazy-load on a filetype
-- (lazy.nvim's `ft = 'dlm'`, packer) know it before the plugin is loaded.
vim.filetype.add({ extension = { dlm = 'dlm' } })
