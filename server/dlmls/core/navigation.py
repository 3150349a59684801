"""Moving around a `.dlm` document: where a name points, and what to select next.

Two editor features read the document model the same way and share this
module: go-to-definition (a synthesized section's `source_section_id` leads
to the prose section it was made from; a fence's `#adapter` leads to that
adapter's declaration in `training.adapters`) and expand-selection (from a
word outwards through the line, a Q or A body, the pair, the section, to the
whole document; in the frontmatter through each YAML value, key-value pair
and mapping). Results are core `Range`s in code points; the LSP layer
converts them to the client's position encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from dlmls.core.completion import closing_line, in_frontmatter
from dlmls.core.document import Model
from dlmls.core.problems import Range
from dlmls.core.sections import Section

_SOURCE_ID_RE: Final = re.compile(r'\bsource_section_id="([^"]*)"')
_WORD_RE: Final = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a name at the cursor points: `origin` is the name itself, `target`
    the whole thing it names and `selection` the part to reveal (a fence line,
    a key)."""

    origin: Range
    target: Range
    selection: Range


def _line_range(model: Model, first: int, last: int) -> Range:
    return Range(first, 0, last, len(model.line_text(last)))


def _trim_end(model: Model, first: int, last: int) -> int:
    """`last`, moved up past blank lines (not above `first`)."""
    while last > first and not model.line_text(last).strip():
        last -= 1
    return last


def _first_line(section: Section) -> int:
    """The fence line, or for the implicit prose section its first content line."""
    core = section.core
    return section.line(core.content_line) if core.implicit else section.start_line


def section_extent(model: Model, section: Section) -> tuple[Range, Range]:
    """(the section up to its last non-blank line, its first line)."""
    first = _first_line(section)
    last = _trim_end(model, first, max(first, section.end_line))
    return _line_range(model, first, last), _line_range(model, first, first)


# Definition -------------------------------------------------------------------------


def definition(model: Model, line: int, col: int) -> Target | None:
    """What the name at (`line`, code-point `col`) refers to, if anything."""
    text = model.line_text(line)
    if text.startswith("<!-- dlm-auto-synth:"):
        for m in _SOURCE_ID_RE.finditer(text):
            if m.start(1) - 1 <= col <= m.end(1) + 1:
                return _source_section(model, m.group(1), Range(line, m.start(1), line, m.end(1)))
        return None
    section = model.section_at_line(line)
    if section is None or line != section.start_line:
        return None
    fence = section.core.fence
    if fence is None or fence.adapter is None or fence.adapter_span is None:
        return None
    a, b = fence.adapter_span
    if not a - 1 <= col <= b:
        return None
    return _adapter_declaration(model, fence.adapter, Range(line, a, line, b))


def _source_section(model: Model, sid: str, origin: Range) -> Target | None:
    for section in model.live_sections:
        if section.core.section_id == sid:
            whole, first = section_extent(model, section)
            return Target(origin, whole, first)
    return None


def _adapter_declaration(model: Model, name: str, origin: Range) -> Target | None:
    block = model.frontmatter
    info = block.info if block is not None else None
    pos = info.positions.get(("training", "adapters", name)) if info is not None else None
    if pos is None or pos.key is None:
        return None
    key, value = pos.key, pos.value
    end = value if (value.end_line, value.end_col) > (key.end_line, key.end_col) else key
    return Target(origin, Range(key.start_line, key.start_col, end.end_line, end.end_col), key)


# Selection ranges ---------------------------------------------------------------------


def _contains(outer: Range, inner: Range) -> bool:
    return ((outer.start_line, outer.start_col) <= (inner.start_line, inner.start_col)
            and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col))


def _empty(rng: Range) -> bool:
    return rng.start_line == rng.end_line and rng.start_col == rng.end_col


def nest(candidates: list[Range], line: int, col: int) -> list[Range]:
    """The candidates around the position, innermost first, each strictly inside the next.

    Candidates that overlap the chain without containing it are left out.
    """
    point = Range(line, col, line, col)
    pool = {r for r in candidates if not _empty(r) and _contains(r, point)}
    chain: list[Range] = []
    while pool:
        # The innermost of what is left: latest start, then earliest end.
        inner = max(pool, key=lambda r: ((r.start_line, r.start_col), (-r.end_line, -r.end_col)))
        chain.append(inner)
        pool = {r for r in pool if r != inner and _contains(r, inner)}
    return chain


def selection_ranges(model: Model, line: int, col: int) -> list[Range]:
    """Ranges to select at (`line`, code-point `col`), innermost first, each strictly inside the next.

    Never empty: an empty document gives its one empty range.
    """
    text = model.line_text(line)
    col = max(0, min(col, len(text)))
    candidates: list[Range] = []
    for m in _WORD_RE.finditer(text):
        if m.start() <= col <= m.end():
            candidates.append(Range(line, m.start(), line, m.end()))
    candidates.append(Range(line, 0, line, len(text)))
    last = model.lines.line_count - 1
    candidates.append(_line_range(model, 0, last))
    if in_frontmatter(model, line):
        candidates += _frontmatter_ranges(model, last)
    else:
        section = model.section_at_line(line)
        if section is not None:
            candidates += _section_ranges(model, section, line)
    chain = nest(candidates, line, col)
    return chain or [Range(line, col, line, col)]


def _frontmatter_ranges(model: Model, last_line: int) -> list[Range]:
    block = model.frontmatter
    closing = closing_line(model)
    last = closing if closing is not None else last_line
    out = [_line_range(model, 0, last)]
    if last > 1:
        out.append(_line_range(model, 1, last - 1 if closing is not None else last))
    info = block.info
    if info is None:
        return out
    for path, pos in info.positions.items():
        value = pos.value
        if value.start_line != value.end_line and not model.line_text(value.start_line)[: value.start_col].strip():
            # A block mapping or list: take its first line whole, so that lines nest in it.
            value = Range(value.start_line, 0, value.end_line, value.end_col)
        out.append(value)
        if pos.key is not None and path:
            key = pos.key
            end = value if (value.end_line, value.end_col) > (key.end_line, key.end_col) else key
            out.append(Range(key.start_line, key.start_col, end.end_line, end.end_col))
    return out


def _section_ranges(model: Model, section: Section, line: int) -> list[Range]:
    core = section.core
    out = [_line_range(model, section.start_line, max(section.start_line, section.end_line)),
           section_extent(model, section)[0]]
    if core.fence is not None and line == section.start_line:
        for a, b in core.fence.attr_spans.values():
            out += [Range(line, a, line, b), Range(line, a + 1, line, b - 1)]
    for info in core.markers:
        if section.line(info.line) == line:
            for a, b in info.marker.spans.values():
                out += [Range(line, a, line, b), Range(line, a + 1, line, b - 1)]
    end = section.end_line

    def item(header_rows: list[int], end_row: int) -> None:
        """Ranges of one pair or triple: each header's body, and the whole item."""
        rows = [section.line(core.body_row(r)) for r in header_rows]
        stop = min(end, section.line(core.body_row(end_row)))
        last = _trim_end(model, rows[0], max(rows[0], stop))
        out.append(_line_range(model, rows[0], last))
        for i, header in enumerate(rows):
            body_end = rows[i + 1] - 1 if i + 1 < len(rows) else last
            first = header + 1
            while first <= body_end and not model.line_text(first).strip():
                first += 1
            body_end = _trim_end(model, first, body_end)
            if first <= body_end:
                out.append(_line_range(model, first, body_end))

    for pair in core.pairs:
        item([pair.q_line, pair.a_line], pair.end_line)
    for triple in core.triples:
        item([triple.prompt_line, triple.chosen_line, triple.rejected_line], triple.end_line)
    return out
