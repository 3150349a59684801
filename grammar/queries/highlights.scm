; Highlights for .dlm documents (capture names follow nvim-treesitter's).

(frontmatter_delimiter) @punctuation.delimiter

(fence "::" @punctuation.delimiter)
(fence "#" @punctuation.special)
(fence type: (section_type) @keyword)
(fence adapter: (adapter_name) @label)

(attribute name: (attribute_name) @property)
(attribute "=" @operator)
(attribute value: (attribute_value) @string)

(marker ["<!--" " -->"] @comment)
(marker kind: (marker_kind) @keyword.directive)
(marker ":" @punctuation.delimiter)
(marker_text) @string.special

[
  (q_header)
  (a_header)
  (prompt_header)
  (chosen_header)
  (rejected_header)
] @markup.heading

(code_fence) @punctuation.delimiter
(code_line) @markup.raw.block

(unknown_section fence: (fence) @error)
