; The frontmatter is YAML; prose is Markdown. Lines of one prose section are
; combined into one Markdown document so paragraphs and lists parse as such.

((yaml) @injection.content
  (#set! injection.language "yaml"))

((prose_section (text_line) @injection.content)
  (#set! injection.language "markdown")
  (#set! injection.combined))

((prose_section (code_block) @injection.content)
  (#set! injection.language "markdown")
  (#set! injection.combined))
