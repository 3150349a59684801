/*
 * External scanner for tree-sitter-dlm.
 *
 * DLM reads a document line by line with regular expressions and one bit of
 * state (inside a triple-backtick code block or not). This scanner does the
 * same: at the start of every line it reads the whole line once, feeding each
 * character to small automata that are exact translations of DLM's regexes,
 * and then decides what the line is. The parse state tells it the context
 * (which tokens are valid): at the top of the document, right under an
 * instruction or preference fence (markers allowed), inside an instruction
 * section (`### Q`/`### A` headers) or a preference section (`### Prompt`,
 * `### Chosen`, `### Rejected`).
 *
 * Whole-line tokens end after the line terminator (LF, CRLF or a lone CR,
 * all of which DLM reads as one line break). Fence and marker lines are
 * announced by a zero-width token; the grammar then tokenizes their inside.
 *
 * Streaming matters: lines can be arbitrarily long and no line is ever
 * buffered, so every input is scanned in linear time and constant memory.
 */

#include "tree_sitter/parser.h"

#include <stdlib.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum TokenType {
  FRONTMATTER_OPEN,
  YAML,
  FRONTMATTER_CLOSE,
  MARKER_START,
  MARKER_RAW_START,
  MARKER_TEXT,
  LINE_END,
  TEXT_LINE,
  BLANK_LINE,
  CODE_FENCE_OPEN,
  CODE_FENCE_CLOSE,
  CODE_LINE,
  Q_HEADER,
  A_HEADER,
  PROMPT_HEADER,
  CHOSEN_HEADER,
  REJECTED_HEADER,
};

typedef struct {
  bool in_code;
} Scanner;

/* Python's str.isspace() / re `\s` for str patterns (DLM uses both). */
static bool is_py_space(int32_t c) {
  switch (c) {
    case '\t': case '\n': case 0x0B: case 0x0C: case '\r': case ' ':
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

static bool is_lower(int32_t c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }
static bool is_ident_tail(int32_t c) { return is_lower(c) || is_digit(c) || c == '_'; }
static bool is_fence_name(int32_t c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '#' || c == '-';
}

/* ---- automata: one per DLM regex, fed one code point at a time ---------- */

#define DEAD -1

/* ^::([A-Za-z0-9_#-]+)::$ */
static int bare_fence_step(int s, int32_t c) {
  switch (s) {
    case 0: return c == ':' ? 1 : DEAD;
    case 1: return c == ':' ? 2 : DEAD;
    case 2: return is_fence_name(c) ? 3 : DEAD;
    case 3: return is_fence_name(c) ? 3 : (c == ':' ? 4 : DEAD);
    case 4: return c == ':' ? 5 : DEAD;
    default: return DEAD; /* 5 accepts only at end of line */
  }
}
#define BARE_FENCE_ACCEPT 5

/* ^::([a-z][a-z0-9_]*)((?:\s+[a-z][a-z0-9_]*="[^"\n]*")+)\s*::$ */
static int attr_fence_step(int s, int32_t c) {
  switch (s) {
    case 0: return c == ':' ? 1 : DEAD;
    case 1: return c == ':' ? 2 : DEAD;
    case 2: return is_lower(c) ? 3 : DEAD;                       /* type */
    case 3: return is_ident_tail(c) ? 3 : (is_py_space(c) ? 4 : DEAD);
    case 4: return is_py_space(c) ? 4 : (is_lower(c) ? 5 : DEAD); /* before 1st attr */
    case 5: return is_ident_tail(c) ? 5 : (c == '=' ? 6 : DEAD);  /* attr name */
    case 6: return c == '"' ? 7 : DEAD;
    case 7: return c == '"' ? 8 : 7;                              /* value */
    case 8: return is_py_space(c) ? 9 : (c == ':' ? 10 : DEAD);   /* after value */
    case 9: return is_py_space(c) ? 9 : (is_lower(c) ? 5 : (c == ':' ? 10 : DEAD));
    case 10: return c == ':' ? 11 : DEAD;
    default: return DEAD; /* 11 accepts only at end of line */
  }
}
#define ATTR_FENCE_ACCEPT 11

/* (?:\s+[a-z][a-z0-9_]*="[^"\n]*")+  -- the attribute blob of a marker */
static int blob_step(int s, int32_t c) {
  switch (s) {
    case 0: return is_py_space(c) ? 1 : DEAD;
    case 1: return is_py_space(c) ? 1 : (is_lower(c) ? 2 : DEAD);
    case 2: return is_ident_tail(c) ? 2 : (c == '=' ? 3 : DEAD);
    case 3: return c == '"' ? 4 : DEAD;
    case 4: return c == '"' ? 5 : 4;
    case 5: return is_py_space(c) ? 1 : DEAD;
    default: return DEAD;
  }
}
#define BLOB_ACCEPT 5

/*
 * Markers:  ^<!-- dlm-auto-harvest: source="([^"]*)" -->$
 *           ^<!-- dlm-auto-mined:(.*) -->$      (preference sections)
 *           ^<!-- dlm-auto-synth:(.*) -->$      (instruction sections)
 * The common prefix is matched literally; then the harvest tail, or the
 * (.*) blob, whose last four characters must be " -->". The blob is fed to
 * blob_step four characters late so that those four are not part of it.
 */
typedef enum { MK_NONE, MK_HARVEST, MK_MINED, MK_SYNTH } MarkerKind;

static const char MARKER_PREFIX[] = "<!-- dlm-auto-";
static const char HARVEST_REST[] = "harvest: source=\"";
static const char MINED_REST[] = "mined:";
static const char SYNTH_REST[] = "synth:";

typedef struct {
  int pos;            /* characters of the line consumed so far */
  MarkerKind kind;    /* decided once the kind word has been read */
  bool dead;
  /* harvest tail: value chars, then exactly `" -->` */
  int harvest_tail;   /* -1 while in the value, 0..5 chars of `" -->` matched */
  /* mined/synth: delayed blob automaton */
  int32_t delay[4];
  int delayed;
  int blob_state;
} MarkerMatch;

static void marker_init(MarkerMatch *m) {
  memset(m, 0, sizeof *m);
  m->harvest_tail = -1;
}

static void marker_step(MarkerMatch *m, int32_t c) {
  if (m->dead) return;
  int p = m->pos++;
  int prefix_len = (int)sizeof(MARKER_PREFIX) - 1;
  if (p < prefix_len) {
    if (c != (unsigned char)MARKER_PREFIX[p]) m->dead = true;
    return;
  }
  if (m->kind == MK_NONE) {
    /* Still reading the kind word: it must match one of the three. */
    int q = p - prefix_len;
    bool h = q < (int)sizeof(HARVEST_REST) - 1 && c == HARVEST_REST[q];
    bool mi = q < (int)sizeof(MINED_REST) - 1 && c == MINED_REST[q];
    bool sy = q < (int)sizeof(SYNTH_REST) - 1 && c == SYNTH_REST[q];
    /* The three words differ from their first letter, so the candidate is
       the one whose first letter matched; track it through `delayed`. */
    if (q == 0) {
      if (h) m->delayed = 1; else if (mi) m->delayed = 2; else if (sy) m->delayed = 3;
      else m->dead = true;
      return;
    }
    const char *rest = m->delayed == 1 ? HARVEST_REST : m->delayed == 2 ? MINED_REST : SYNTH_REST;
    int rest_len = (int)strlen(rest);
    if (q >= rest_len || c != (unsigned char)rest[q]) { m->dead = true; return; }
    (void)h; (void)mi; (void)sy;
    if (q == rest_len - 1) {
      m->kind = m->delayed == 1 ? MK_HARVEST : m->delayed == 2 ? MK_MINED : MK_SYNTH;
      m->delayed = 0;
    }
    return;
  }
  if (m->kind == MK_HARVEST) {
    static const char tail[] = "\" -->";
    if (m->harvest_tail < 0) {
      if (c == '"') m->harvest_tail = 1;
      return;
    }
    if (m->harvest_tail < 5 && c == (unsigned char)tail[m->harvest_tail]) {
      m->harvest_tail++;
    } else {
      m->dead = true;
    }
    return;
  }
  /* mined / synth: push c into the 4-char delay line, feed what falls out. */
  if (m->delayed == 4) {
    int32_t out = m->delay[0];
    m->delay[0] = m->delay[1];
    m->delay[1] = m->delay[2];
    m->delay[2] = m->delay[3];
    m->delay[3] = c;
    if (m->blob_state != DEAD) m->blob_state = blob_step(m->blob_state, out);
  } else {
    m->delay[m->delayed++] = c;
  }
}

/* Returns 0 (not a marker), 1 (well-formed marker) or 2 (lifted by DLM but
   with an attribute blob it rejects). */
static int marker_result(const MarkerMatch *m) {
  if (m->dead) return 0;
  if (m->kind == MK_HARVEST) return m->harvest_tail == 5 ? 1 : 0;
  if (m->kind != MK_MINED && m->kind != MK_SYNTH) return 0;
  if (m->delayed != 4 || m->delay[0] != ' ' || m->delay[1] != '-' || m->delay[2] != '-' ||
      m->delay[3] != '>')
    return 0;
  return m->blob_state == BLOB_ACCEPT ? 1 : 2;
}

/* ---- header lines: line.strip() == "### Q" and friends ------------------- */

#define CORE_MAX 16

typedef struct {
  int32_t core[CORE_MAX]; /* the line without leading whitespace (capped) */
  int core_len;           /* characters stored, up to the last non-space */
  int seen;               /* characters seen after leading whitespace */
  bool started;           /* a non-space character has been seen */
  bool overflow;
} HeaderMatch;

static void header_step(HeaderMatch *h, int32_t c) {
  if (!h->started) {
    if (is_py_space(c)) return;
    h->started = true;
  }
  if (h->seen < CORE_MAX) {
    h->core[h->seen] = c;
  } else if (!is_py_space(c)) {
    h->overflow = true;
  }
  h->seen++;
  if (!is_py_space(c) && h->seen <= CORE_MAX) h->core_len = h->seen;
}

static bool header_is(const HeaderMatch *h, const char *text) {
  int n = (int)strlen(text);
  if (h->overflow || h->core_len != n) return false;
  for (int i = 0; i < n; i++) {
    if (h->core[i] != (unsigned char)text[i]) return false;
  }
  return true;
}

/* ---- the scanner --------------------------------------------------------- */

void *tree_sitter_dlm_external_scanner_create(void) {
  Scanner *s = (Scanner *)calloc(1, sizeof(Scanner));
  return s;
}

void tree_sitter_dlm_external_scanner_destroy(void *payload) { free(payload); }

unsigned tree_sitter_dlm_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *s = (Scanner *)payload;
  buffer[0] = (char)s->in_code;
  return 1;
}

void tree_sitter_dlm_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  Scanner *s = (Scanner *)payload;
  s->in_code = length > 0 && buffer[0];
}

static bool at_eol(TSLexer *lx) {
  return lx->eof(lx) || lx->lookahead == '\n' || lx->lookahead == '\r';
}

/* Consume one line terminator (LF, CRLF or lone CR), if any. */
static void eat_terminator(TSLexer *lx) {
  if (lx->eof(lx)) return;
  if (lx->lookahead == '\r') {
    lx->advance(lx, false);
    if (!lx->eof(lx) && lx->lookahead == '\n') lx->advance(lx, false);
  } else if (lx->lookahead == '\n') {
    lx->advance(lx, false);
  }
}

/*
 * After a token that ends a line, read (without taking) enough of the next
 * line to know whether it can be a fence. That makes it part of the token's
 * lookahead, so tree-sitter re-lexes a line whenever the line after it
 * changes from or to a fence: whether a line ends a section depends on
 * exactly that, and a section is reused after an edit only if it still holds.
 */
static void peek_next_line(TSLexer *lx) {
  /* Only a line starting with `::` can be a fence: peek at two characters,
     and at the whole line only when they are `::`. */
  for (int i = 0; i < 2; i++) {
    if (at_eol(lx) || lx->lookahead != ':') return;
    lx->advance(lx, false);
  }
  while (!at_eol(lx)) lx->advance(lx, false);
}

/* End the token after the line terminator at the current position. */
static void end_line_token(TSLexer *lx) {
  eat_terminator(lx);
  lx->mark_end(lx);
  peek_next_line(lx);
}

/* Consume the rest of the line and its terminator; end the token there. */
static void finish_line(TSLexer *lx) {
  while (!at_eol(lx)) lx->advance(lx, false);
  end_line_token(lx);
}

/* The `---` delimiter test for the line at the current position. Consumes
   the line (and terminator) only when it matches, via mark_end. */
static bool read_delimiter_line(TSLexer *lx) {
  for (int i = 0; i < 3; i++) {
    if (lx->eof(lx) || lx->lookahead != '-') return false;
    lx->advance(lx, false);
  }
  if (!at_eol(lx)) return false;
  end_line_token(lx);
  return true;
}

/* Frontmatter body: every line up to (not including) the next `---` line.
   `consumed` says the caller already read part of the first line. */
static bool scan_yaml(TSLexer *lx, bool consumed) {
  bool any = false;
  for (;;) {
    if (!consumed) {
      if (lx->eof(lx)) break;
      /* Is this line exactly `---`? Then stop before it. */
      int i = 0;
      while (i < 3 && !lx->eof(lx) && lx->lookahead == '-') {
        lx->advance(lx, false);
        i++;
      }
      if (i == 3 && at_eol(lx)) break;
    }
    consumed = false;
    while (!at_eol(lx)) lx->advance(lx, false);
    eat_terminator(lx);
    lx->mark_end(lx);
    any = true;
  }
  return any;
}

/* What one body line turned out to be. */
typedef struct {
  bool blank;
  bool backticks;
  bool bare_fence;
  bool attr_fence;
  int marker;        /* 0 none, 1 well-formed, 2 lifted but malformed */
  MarkerKind marker_kind;
  HeaderMatch header;
} LineInfo;

static void read_line(TSLexer *lx, LineInfo *info, bool want_marker) {
  int bare = 0, attr = 0, n = 0;
  MarkerMatch mm;
  marker_init(&mm);
  memset(info, 0, sizeof *info);
  info->blank = true;
  int backticks = 0;
  while (!at_eol(lx)) {
    int32_t c = lx->lookahead;
    if (n < 3 && c == '`' && backticks == n) backticks++;
    if (!is_py_space(c)) info->blank = false;
    if (bare != DEAD) bare = bare_fence_step(bare, c);
    if (attr != DEAD) attr = attr_fence_step(attr, c);
    if (want_marker) marker_step(&mm, c);
    header_step(&info->header, c);
    n++;
    lx->advance(lx, false);
  }
  info->backticks = backticks == 3;
  info->bare_fence = bare == BARE_FENCE_ACCEPT;
  info->attr_fence = attr == ATTR_FENCE_ACCEPT;
  if (want_marker) {
    info->marker = marker_result(&mm);
    info->marker_kind = mm.kind;
  }
}

static bool scan_marker_text(TSLexer *lx) {
  /* Everything up to the space that starts the final " -->". The line was
     validated to end in " -->", and "-->" has no space, so that space is
     the last one on the line. */
  bool moved = false;
  bool marked = false;
  while (!at_eol(lx)) {
    if (lx->lookahead == ' ') {
      lx->mark_end(lx);
      marked = moved;
    }
    lx->advance(lx, false);
    moved = true;
  }
  /* An empty blob: leave " -->" to the grammar. */
  return marked;
}

bool tree_sitter_dlm_external_scanner_scan(void *payload, TSLexer *lx, const bool *valid) {
  Scanner *s = (Scanner *)payload;

  if (valid[MARKER_TEXT]) {
    lx->result_symbol = MARKER_TEXT;
    return scan_marker_text(lx);
  }

  if (valid[LINE_END]) {
    if (lx->eof(lx) || lx->lookahead == '\n' || lx->lookahead == '\r') {
      end_line_token(lx);
      lx->result_symbol = LINE_END;
      return true;
    }
    return false;
  }

  /* (A UTF-8 BOM at byte 0 is skipped by tree-sitter's own lexer, and DLM
     drops exactly one: nothing to do here.) */

  if (lx->eof(lx)) return false;

  if (valid[FRONTMATTER_OPEN] && lx->lookahead == '-') {
    lx->result_symbol = FRONTMATTER_OPEN;
    if (read_delimiter_line(lx)) return true;
    /* Not a delimiter: the characters read so far belong to a body line. */
    if (!valid[TEXT_LINE]) return false;
    finish_line(lx);
    lx->result_symbol = TEXT_LINE;
    return true;
  }

  if (valid[FRONTMATTER_CLOSE] || valid[YAML]) {
    if (valid[FRONTMATTER_CLOSE] && lx->lookahead == '-') {
      lx->result_symbol = FRONTMATTER_CLOSE;
      if (read_delimiter_line(lx)) return true;
      /* A line starting with '-' that is not the delimiter: YAML text. */
      if (!valid[YAML]) return false;
      scan_yaml(lx, true);
      lx->result_symbol = YAML;
      return true;
    }
    if (valid[YAML]) {
      lx->result_symbol = YAML;
      return scan_yaml(lx, false);
    }
    return false;
  }

  bool instruction = valid[Q_HEADER];
  bool preference = valid[PROMPT_HEADER];
  bool want_marker = (valid[MARKER_START] || valid[MARKER_RAW_START]) && (instruction || preference);

  /* Zero-width by default (fences, markers); whole-line tokens move the end. */
  lx->mark_end(lx);
  LineInfo info;
  read_line(lx, &info, want_marker);

  if (info.backticks) {
    bool close = s->in_code;
    TSSymbol sym = close ? CODE_FENCE_CLOSE : CODE_FENCE_OPEN;
    if (valid[sym]) {
      end_line_token(lx);
      s->in_code = !close;
      lx->result_symbol = sym;
      return true;
    }
  }

  if (instruction) {
    TSSymbol sym = 0;
    bool found = true;
    if (header_is(&info.header, "### Q") || header_is(&info.header, "### Q !probe")) sym = Q_HEADER;
    else if (header_is(&info.header, "### A")) sym = A_HEADER;
    else found = false;
    if (found && valid[sym]) {
      end_line_token(lx);
      lx->result_symbol = sym;
      return true;
    }
  } else if (preference) {
    TSSymbol sym = 0;
    bool found = true;
    if (header_is(&info.header, "### Prompt")) sym = PROMPT_HEADER;
    else if (header_is(&info.header, "### Chosen")) sym = CHOSEN_HEADER;
    else if (header_is(&info.header, "### Rejected")) sym = REJECTED_HEADER;
    else found = false;
    if (found && valid[sym]) {
      end_line_token(lx);
      lx->result_symbol = sym;
      return true;
    }
  }

  if (s->in_code) {
    if (valid[CODE_LINE]) {
      end_line_token(lx);
      lx->result_symbol = CODE_LINE;
      return true;
    }
    return false;
  }

  if (info.bare_fence || info.attr_fence) {
    /* A fence: decline, so the grammar's `::` token starts the section. */
    return false;
  }

  if (want_marker && info.marker != 0) {
    bool lifted = info.marker_kind == MK_HARVEST ||
                  (info.marker_kind == MK_MINED && preference) ||
                  (info.marker_kind == MK_SYNTH && instruction);
    TSSymbol sym = info.marker == 1 ? MARKER_START : MARKER_RAW_START;
    if (lifted && valid[sym]) {
      lx->result_symbol = sym;
      return true;
    }
  }

  TSSymbol sym = info.blank ? BLANK_LINE : TEXT_LINE;
  if (!valid[sym]) return false;
  end_line_token(lx);
  lx->result_symbol = sym;
  return true;
}
