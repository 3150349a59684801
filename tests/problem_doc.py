"""The document the end-to-end tests of every client open: problems after astral characters.

Line 3 (0-based) puts an emoji, an astral letter and an accented letter
before two frontmatter problems, so code-point, UTF-16 and byte columns all
differ there; line 8 is an empty question. The pytest-lsp tests
(`lsp/lsp_support.py`), Neovim and VS Code check the same ranges on it.
"""

DOC = """\
---
dlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7
base_model: smollm2-135m
training: {seed: 3, adapter: "😀𝔘é", bogus: 2}
---
Prose.

::instruction::
### Q
### A
A letter.
"""
