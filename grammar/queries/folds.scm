; Foldable regions: the frontmatter, every section, every Q/A or preference
; block, and code blocks in prose.

[
  (frontmatter)
  (prose_section)
  (instruction_section)
  (preference_section)
  (image_section)
  (audio_section)
  (unknown_section)
  (question)
  (answer)
  (prompt)
  (chosen)
  (rejected)
  (code_block)
] @fold
