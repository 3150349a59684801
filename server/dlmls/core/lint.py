"""Lint: lines DLM accepts but almost certainly reads differently than the writer meant.

DLM never complains about these, so nothing else would tell the writer:

- **near-miss fences** (DLM220–DLM223): a line that would be a section fence
  but for surrounding whitespace, single-quoted attribute values, upper-case
  letters in the type or attribute names, or a missing/extra colon. DLM's
  fence expressions (`fences._FENCE_RE`, `fences._ATTR_FENCE_RE`) reject it,
  so it is plain text of the current section. A line is flagged only when
  repairing exactly those defects gives a line that DLM reads as a fence of
  a known type, so a real fence is never flagged (it is not content at all)
  and ordinary text with `::` in it (`std::vector`) is left alone.
- **provenance markers DLM does not lift** (DLM320–DLM322): DLM lifts marker
  lines only while they are the first lines of an `::instruction::` /
  `::preference::` section, exactly as written (synth markers only in
  instruction sections, mined markers only in preference sections). A marker
  after a blank line, in another kind of section, further down, or with
  surrounding whitespace is text that DLM trains on.
- **body headers inside code blocks** (DLM420): DLM's Q/A and preference
  body readers do not know about code blocks, so a `### A` (or `### Q`,
  `### Prompt`, ...) line inside a ``` block still starts a new part, and
  the pair is split there.
- **a heading absorbed into the last answer** (DLM421): text after the last
  `### A` (or `### Rejected`) belongs to that answer up to the next fence;
  Markdown headings do not end a section. The rule is deliberately narrow:
  the first Markdown ATX heading of the section's bodies (a line starting
  with `#` to `######` then a space or the end of the line, at column 0,
  outside a code block, not itself a body header) when it comes after the
  section's last header, directly after a blank line, with some answer text
  before it. That is the shape of "the next chapter of prose" written
  without `::prose::`. Sections whose bodies use headings before that point
  (answers formatted with "## Decisions", as in DLM's own gallery) are never
  flagged, nor is a heading followed by more pairs.

All of this is per section and position-independent, so it is computed
with the rest of a section's analysis and reused with it across edits.
Lines here are section-relative; columns are code points.
"""

from __future__ import annotations

import re

from dlmls.core.bodies import CHOSEN, PROMPT, REJECTED, A, Q
from dlmls.core.fences import (
    _ATTR_FENCE_RE,
    _FENCE_RE,
    _HARVEST_RE,
    _MINED_RE,
    _SYNTH_RE,
    parse_fence,
)
from dlmls.core.problems import Problem, Range, warning

# Which markers DLM lifts under which fence.
MARKER_SECTIONS = {"harvest": ("instruction", "preference"), "synth": ("instruction",),
                   "mined": ("preference",)}
MARKER_LABELS = {"harvest": "dlm-auto-harvest", "synth": "dlm-auto-synth", "mined": "dlm-auto-mined"}

_NEAR_FENCE = re.compile(r"(:{1,3})(?!:)(.+?)(?<!:)(:{0,3})")
_SINGLE_QUOTED = re.compile(r"""=\s*'([^'"\n]*)'""")
_ATTRS = re.compile(r'(?:\s+[A-Za-z][A-Za-z0-9_]*="[^"\n]*")+\s*')
_ATTR_KEY = re.compile(r'(\s+)([A-Za-z][A-Za-z0-9_]*)(="[^"\n]*")')
_BLANK_THEN_HASH = re.compile(r"\n\s*\n#")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_INSTRUCTION_HEADERS = frozenset((Q, A, "### Q !probe"))
_PREFERENCE_HEADERS = frozenset((PROMPT, CHOSEN, REJECTED))

# Reason -> code, in the order a line's code is chosen when several apply.
NEAR_MISS_CODES = {"whitespace": "DLM220", "quotes": "DLM221", "case": "DLM222", "colons": "DLM223"}
_REASON_TEXT = {
    "whitespace": "surrounding whitespace",
    "quotes": "single-quoted attribute values",
    "case": "upper-case letters in a name",
    "colons": "a missing or extra colon",
}


def lint_section(kind: str, content: str, first: int) -> list[Problem]:
    """Lint problems of one section's content; `first` is the relative line of
    the content's first line."""
    fence_like = "::" in content
    marker_like = "dlm-auto-" in content
    code = "```" in content
    tail_heading = kind in ("instruction", "preference") and _BLANK_THEN_HASH.search(content) is not None
    if not (fence_like or marker_like or code or tail_heading):
        return []
    lines = content.split("\n")
    out: list[Problem] = []
    if fence_like or marker_like or code:
        in_code = False
        leading_blank = True  # only blank lines so far
        for i, line in enumerate(lines):
            if line.startswith("```"):
                in_code = not in_code
                leading_blank = False
                continue
            if in_code:
                if code and kind in ("instruction", "preference"):
                    p = _header_in_code(kind, line, first + i)
                    if p is not None:
                        out.append(p)
            else:
                if fence_like and "::" in line:
                    p = near_miss_fence(line, first + i)
                    if p is not None:
                        out.append(p)
                if marker_like and "dlm-auto-" in line:
                    p = _unlifted_marker(kind, line, i, leading_blank, first)
                    if p is not None:
                        out.append(p)
            if leading_blank and line.strip():
                leading_blank = False
    if tail_heading:
        p = _absorbed_heading(kind, lines, first)
        if p is not None:
            out.append(p)
    return out


# Near-miss fences ---------------------------------------------------------------

def fence_repair(line: str) -> tuple[str, list[str]] | None:
    """The fence a text line was probably meant to be, and what was wrong
    (reasons among NEAR_MISS_CODES), or None when it is not a near miss."""
    stripped = line.strip()
    m = _NEAR_FENCE.fullmatch(stripped)
    if m is None:
        return None
    lead, inner, trail = m.groups()
    reasons: list[str] = []
    if stripped != line:
        reasons.append("whitespace")
    if lead != "::" or trail != "::":
        # Only shapes a writer plausibly meant as a fence: three or more
        # colons in all, or `::name` with the closing pair forgotten.
        if len(lead) + len(trail) < 3 and not (lead == "::" and not trail):
            return None
        reasons.append("colons")
    if "=" in inner:
        # Attribute form: DLM allows whitespace before the closing `::` only.
        if inner != inner.lstrip():
            reasons.append("whitespace")
        inner = inner.lstrip()
        quoted = _SINGLE_QUOTED.sub(lambda q: f'="{q.group(1)}"', inner)
        if quoted != inner:
            reasons.append("quotes")
        name_end = re.match(r"[A-Za-z0-9_]*", quoted).end()  # type: ignore[union-attr]
        rest = quoted[name_end:]
        if _ATTRS.fullmatch(rest):
            rest = _ATTR_KEY.sub(lambda k: k.group(1) + k.group(2).lower() + k.group(3), rest)
        fixed = quoted[:name_end].lower() + rest
        if fixed != quoted:
            reasons.append("case")
    else:
        if inner != inner.strip():
            reasons.append("whitespace")
        base, hash_, adapter = inner.strip().partition("#")
        fixed = base.lower() + hash_ + adapter
        if base != base.lower():
            reasons.append("case")
    candidate = f"::{fixed}::"
    if not reasons or not (_FENCE_RE.match(candidate) or _ATTR_FENCE_RE.match(candidate)):
        return None
    if parse_fence(candidate).type is None:
        return None
    order = list(NEAR_MISS_CODES)
    return candidate, sorted(set(reasons), key=order.index)


def near_miss_fence(line: str, row: int) -> Problem | None:
    """A warning for a text line that is almost a fence (DLM220–DLM223)."""
    found = fence_repair(line)
    if found is None:
        return None
    candidate, reasons = found
    why = ", ".join(_REASON_TEXT[r] for r in reasons)
    return warning(NEAR_MISS_CODES[reasons[0]], Range(row, 0, row, len(line)),
                   f"not a section fence ({why}): DLM reads this line as text of the section above; "
                   f"write `{candidate}`", fix=candidate, line=line, reasons=reasons)


# Markers --------------------------------------------------------------------

def marker_kind(line: str) -> str | None:
    """The kind of provenance marker `line` is written as (exactly), if any."""
    if _HARVEST_RE.match(line):
        return "harvest"
    if _SYNTH_RE.match(line):
        return "synth"
    if _MINED_RE.match(line):
        return "mined"
    return None


def _unlifted_marker(kind: str, line: str, index: int, leading_blank: bool, first: int) -> Problem | None:
    stripped = line.strip()
    marker = marker_kind(stripped)
    if marker is None:
        return None
    row = first + index
    rng = Range(row, 0, row, len(line))
    label = MARKER_LABELS[marker]
    where = MARKER_SECTIONS[marker]
    if kind not in where:
        fences = " or ".join(f"::{k}::" for k in where)
        return warning("DLM321", rng, f"{label} markers are read only directly under a {fences} fence; "
                                      f"in this {kind} section DLM trains on this line as text")
    if index > 0 and leading_blank:
        return warning("DLM320", rng, f"{label} marker separated from its fence by a blank line: DLM reads "
                                      "markers only directly under the fence, so this line is text "
                                      "(remove the blank line)", blank_lines=index)
    if index == 0 and stripped != line:
        return warning("DLM322", rng, f"{label} marker with surrounding whitespace: DLM reads it as text; "
                                      "remove the whitespace", fix=stripped, line=line)
    if index > 0:
        return warning("DLM321", rng, f"{label} markers are read only directly under the section's fence; "
                                      "here DLM trains on this line as text")
    return None


# Bodies ---------------------------------------------------------------------

def _header_in_code(kind: str, line: str, row: int) -> Problem | None:
    stripped = line.strip()
    headers = _INSTRUCTION_HEADERS if kind == "instruction" else _PREFERENCE_HEADERS
    if stripped not in headers:
        return None
    what = "pair" if kind == "instruction" else "triple"
    return warning("DLM420", Range(row, 0, row, len(line)),
                   f"`{stripped}` inside a code block still starts a new part: DLM's {kind} reader ignores "
                   f"code blocks, so the {what} is split here (reword the line, e.g. `#{stripped}`)")


def _absorbed_heading(kind: str, lines: list[str], first: int) -> Problem | None:
    headers = _INSTRUCTION_HEADERS if kind == "instruction" else _PREFERENCE_HEADERS
    last_part = A if kind == "instruction" else REJECTED
    last = -1
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip() in headers:
            last = i
            break
    if last < 0 or lines[last].strip() != last_part:
        return None
    in_code = False
    seen_text = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
            seen_text = seen_text or i > last
            continue
        if in_code or line.strip() in headers:
            continue
        if _HEADING.match(line):
            # Bodies that already use headings are formatted that way on
            # purpose (e.g. an answer with "## Decisions"): never flag those.
            if i <= last or not seen_text or lines[i - 1].strip():
                return None
            row = first + i
            part = "answer" if kind == "instruction" else "rejected response"
            return warning("DLM421", Range(row, 0, row, len(line)),
                           f"this heading and everything after it up to the next fence belong to the last "
                           f"{part} above (headings do not end a section); put `::prose::` before it if it "
                           "starts new prose")
        if i > last and line.strip():
            seen_text = True
    return None
