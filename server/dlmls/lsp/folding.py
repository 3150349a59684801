"""textDocument/foldingRange: foldable regions of a `.dlm` document.

The frontmatter, every section (up to its last non-blank line), every Q/A
pair and preference triple, and every triple-backtick code block. Ranges
are whole lines, so no column conversion is needed. Code blocks are found
the way DLM finds them: a line starting with ``` at column 0 toggles; a
section always starts outside a block (fences inside one are text), so each
section's content is scanned on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.core.document import Model
from dlmls.core.sections import Section

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

REGION = types.FoldingRangeKind.Region


def folding_ranges(model: Model) -> list[types.FoldingRange]:
    """Every foldable region of `model`, in document order, without duplicates."""
    found: dict[tuple[int, int], str | None] = {}

    def add(start: int, end: int, kind: str | None = None) -> None:
        if end > start and (start, end) not in found:
            found[(start, end)] = kind

    block = model.frontmatter
    if block is not None and block.closed:
        add(0, model.lines.line_of(max(block.start_byte, block.end_byte - 1)), REGION)
    for section in model.sections:
        core = section.core
        if core.dropped:
            continue
        first = section.line(core.content_line) if core.implicit else section.start_line
        add(first, _last_text_line(model, section, first), REGION)
        for pair in core.pairs:
            q = section.line(core.body_row(pair.q_line))
            add(q, _trim(model, q, min(section.end_line, section.line(core.body_row(pair.end_line)))))
        for triple in core.triples:
            p = section.line(core.body_row(triple.prompt_line))
            add(p, _trim(model, p, min(section.end_line, section.line(core.body_row(triple.end_line)))))
        _code_blocks(section, add)
    return [types.FoldingRange(start_line=a, end_line=b, kind=k) for (a, b), k in sorted(found.items())]


def _trim(model: Model, first: int, last: int) -> int:
    """`last`, moved up past blank lines (not above `first`)."""
    while last > first and not model.line_text(last).strip():
        last -= 1
    return last


def _last_text_line(model: Model, section: Section, first: int) -> int:
    return _trim(model, first, section.end_line)


def _code_blocks(section: Section, add) -> None:
    core = section.core
    if "```" not in core.content:
        return
    opener = -1
    for i, text in enumerate(core.content.split("\n")):
        if text.startswith("```"):
            line = section.line(core.content_line + i)
            if opener < 0:
                opener = line
            else:
                add(opener, line)
                opener = -1


def register(server: DlmLanguageServer) -> None:
    """Serve folding ranges."""

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        return folding_ranges(entry.document.model)
