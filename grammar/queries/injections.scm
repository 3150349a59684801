; The frontmatter is YAML; prose is Markdown. All lines of one prose section
; (blank lines included, so paragraphs stay apart) are combined into one
; Markdown document.

((yaml) @injection.content
  (#set! injection.language "yaml"))

((prose_section [(text_line) (blank_line) (code_block)] @injection.content)
  (#set! injection.language "markdown")
  (#set! injection.combined))
