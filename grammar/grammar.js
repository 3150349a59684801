/**
 * tree-sitter grammar for `.dlm` trainable documents (DocumentLanguageModel,
 * schema version 15).
 *
 * The format is line oriented and stateful (a frontmatter block, fences that
 * only count outside triple-backtick code blocks, provenance markers that
 * only count directly under a fence), so the external scanner (src/scanner.c)
 * classifies every line exactly as DLM's parser does and emits one token per
 * plain line. Fence and marker lines, which have inner structure, are
 * announced by a zero-width token from the scanner after it has validated
 * the whole line, and are then tokenized by the grammar below; a fence line
 * is announced by the scanner declining it (a line that starts with `::` but
 * is not a fence is always claimed by the scanner as text), so that a
 * section begins with an ordinary token, which tree-sitter can reuse
 * wholesale after an edit elsewhere.
 *
 * Whole-line tokens include their line terminator; fence and marker nodes do
 * not (the terminator follows as a hidden `_line_end`).
 */

// Python's `\s` for str patterns: DLM's fence and marker regexes use it.
const PY_WS = '[\\t\\n\\x0B\\x0C\\r \\x1C-\\x1F\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]';


/** A fence line whose type is the keyword `type` (or any other name). */
function fence($, type) {
  return seq(
    '::',
    type,
    optional(choice(
      seq('#', optional(field('adapter', $.adapter_name))),
      seq(repeat1(seq($._ws, $.attribute)), optional($._ws)),
    )),
    '::',
  );
}

module.exports = grammar({
  name: 'dlm',

  // Nothing is skipped silently: every byte belongs to a token.
  extras: _ => [],

  externals: $ => [
    $._frontmatter_open,
    $.yaml,
    $._frontmatter_close,
    $._marker_start,
    $._marker_raw_start,
    $.marker_text,
    $._line_end,
    $.text_line,
    $.blank_line,
    $._code_fence_open,
    $._code_fence_close,
    $.code_line,
    $.q_header,
    $.a_header,
    $.prompt_header,
    $.chosen_header,
    $.rejected_header,
  ],

  conflicts: _ => [],

  rules: {
    document: $ => seq(
      optional($.frontmatter),
      optional(alias($._implicit_prose, $.prose_section)),
      repeat($._section),
    ),

    frontmatter: $ => seq(
      alias($._frontmatter_open, $.frontmatter_delimiter),
      optional($.yaml),
      optional(alias($._frontmatter_close, $.frontmatter_delimiter)),
    ),

    _implicit_prose: $ => repeat1($._prose_line),

    _section: $ => choice(
      $.prose_section,
      $.instruction_section,
      $.preference_section,
      $.image_section,
      $.audio_section,
      $.unknown_section,
    ),

    prose_section: $ => seq(
      field('fence', alias($._prose_fence, $.fence)), $._line_end,
      repeat($._prose_line),
    ),

    image_section: $ => seq(
      field('fence', alias($._image_fence, $.fence)), $._line_end,
      repeat($._prose_line),
    ),

    audio_section: $ => seq(
      field('fence', alias($._audio_fence, $.fence)), $._line_end,
      repeat($._prose_line),
    ),

    unknown_section: $ => seq(
      field('fence', alias($._unknown_fence, $.fence)), $._line_end,
      repeat($._prose_line),
    ),

    instruction_section: $ => seq(
      field('fence', alias($._instruction_fence, $.fence)), $._line_end,
      repeat(seq($.marker, $._line_end)),
      repeat($._body_line),
      repeat(choice($.question, $.answer)),
    ),

    preference_section: $ => seq(
      field('fence', alias($._preference_fence, $.fence)), $._line_end,
      repeat(seq($.marker, $._line_end)),
      repeat($._body_line),
      repeat(choice($.prompt, $.chosen, $.rejected)),
    ),

    question: $ => seq($.q_header, repeat($._body_line)),
    answer: $ => seq($.a_header, repeat($._body_line)),
    prompt: $ => seq($.prompt_header, repeat($._body_line)),
    chosen: $ => seq($.chosen_header, repeat($._body_line)),
    rejected: $ => seq($.rejected_header, repeat($._body_line)),

    // Lines before the first header are stray text (a body error); after a
    // header every line belongs to that header's block until the next one.
    // Keeping the stray lines in front avoids a precedence-resolved conflict,
    // which would make nodes "fragile" and defeat incremental reuse.
    //
    // Inside instruction and preference bodies DLM does not respect code
    // blocks (a `### A` in a code block starts a new pair), so code fences
    // are plain lines there rather than a `code_block` node.
    _body_line: $ => choice(
      $.text_line,
      $.blank_line,
      $.code_line,
      alias($._code_fence_open, $.code_fence),
      alias($._code_fence_close, $.code_fence),
    ),

    _prose_line: $ => choice($.text_line, $.blank_line, $.code_block),

    code_block: $ => seq(
      alias($._code_fence_open, $.code_fence),
      repeat($.code_line),
      optional(alias($._code_fence_close, $.code_fence)),
    ),

    _prose_fence: $ => fence($, field('type', alias('prose', $.section_type))),
    _instruction_fence: $ => fence($, field('type', alias('instruction', $.section_type))),
    _preference_fence: $ => fence($, field('type', alias('preference', $.section_type))),
    _image_fence: $ => fence($, field('type', alias('image', $.section_type))),
    _audio_fence: $ => fence($, field('type', alias('audio', $.section_type))),
    _unknown_fence: $ => fence($, optional(field('type', alias($.fence_name, $.section_type)))),

    fence_name: _ => /[A-Za-z0-9_-]+/,
    adapter_name: _ => /[A-Za-z0-9_#-]+/,

    attribute: $ => seq(
      field('name', $.attribute_name),
      '=',
      field('value', $.attribute_value),
    ),
    attribute_name: _ => /[a-z][a-z0-9_]*/,
    attribute_value: _ => /"[^"\n\r]*"/,

    marker: $ => choice(
      seq($._marker_start, $._marker_head, repeat1(seq($._ws, $.attribute)), ' -->'),
      seq($._marker_raw_start, $._marker_head, optional($.marker_text), ' -->'),
    ),
    _marker_head: $ => seq('<!--', ' ', field('kind', $.marker_kind), ':'),
    marker_kind: _ => choice('dlm-auto-synth', 'dlm-auto-mined', 'dlm-auto-harvest'),

    _ws: _ => token(new RegExp(PY_WS + '+')),
  },
});

