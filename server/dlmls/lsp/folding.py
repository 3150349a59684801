"""textDocument/foldingRange: foldable regions of a `.dlm` document.

The frontmatter, every section (up to its last non-blank line), every Q/A
pair and preference triple, and every triple-backtick code block. Ranges
are whole lines, so no column conversion is needed. Code blocks are found
the way DLM finds them: a line starting with ``` at column 0 toggles; a
section always starts outside a block (fences inside one are text), so each
section's content is scanned on its own.

Editors ask again after edits, so each section's ranges are kept, relative
to its first line, by its core object (unchanged sections keep theirs across
an edit) and the answer is plain JSON (`RawJson`): on a 1 MB document a
keystroke costs one section's scan instead of ~5,000.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.lsp.raw import RawJson
from dlmls.lsp.workspace import PerDocument

if TYPE_CHECKING:
    from dlmls.core.document import Model
    from dlmls.core.sections import Section
    from dlmls.lsp.context import ServerContext

REGION = types.FoldingRangeKind.Region


Fold = tuple[int, int, str | None]  # first line, last line, kind


def _json(start: int, end: int, kind: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"startLine": start, "endLine": end}
    if kind is not None:
        out["kind"] = kind
    return out


def section_folds(model: Model, section: Section) -> list[Fold]:
    """The foldable regions of one section (itself, its pairs or triples, its code blocks), sorted."""
    found: dict[tuple[int, int], str | None] = {}

    def add(start: int, end: int, kind: str | None = None) -> None:
        if end > start and (start, end) not in found:
            found[(start, end)] = kind

    core = section.core
    if core.dropped:
        return []
    first = section.line(core.content_line) if core.implicit else section.start_line
    add(first, _last_text_line(model, section, first), REGION)
    for pair in core.pairs:
        q = section.line(core.body_row(pair.q_line))
        add(q, _trim(model, q, min(section.end_line, section.line(core.body_row(pair.end_line)))))
    for triple in core.triples:
        p = section.line(core.body_row(triple.prompt_line))
        add(p, _trim(model, p, min(section.end_line, section.line(core.body_row(triple.end_line)))))
    _code_blocks(section, add)
    return [(a, b, k) for (a, b), k in sorted(found.items())]


class FoldingCache:
    """Each section's folds from the last answer, by section core."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        # id(core) -> (core, folds relative to the section's first line); holding the core keeps its id unique.
        self._by_id: dict[int, tuple[Any, list[Fold]]] = {}

    def ranges(self, model: Model) -> list[dict[str, Any]]:
        """Every foldable region of `model` as LSP JSON, in document order."""
        out: list[dict[str, Any]] = []
        block = model.frontmatter
        if block is not None and block.closed:
            last = model.lines.line_of(max(block.start_byte, block.end_byte - 1))
            if last > 0:
                out.append(_json(0, last, REGION))
        previous, current = self._by_id, {}
        for section in model.sections:
            core, row = section.core, section.start_line
            hit = previous.get(id(core))
            if hit is None or hit[0] is not core:
                hit = (core, [(a - row, b - row, k) for a, b, k in section_folds(model, section)])
            current[id(core)] = hit
            out += [_json(a + row, b + row, k) for a, b, k in hit[1]]
        self._by_id = current
        return out


def folding_ranges(model: Model) -> list[dict[str, Any]]:
    """Every foldable region of `model` as LSP JSON, in document order."""
    return FoldingCache().ranges(model)


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


def register(server: ServerContext) -> None:
    """Serve folding ranges."""
    caches = PerDocument(server.documents, FoldingCache)

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(params: types.FoldingRangeParams) -> RawJson | None:
        uri = params.text_document.uri
        entry = server.documents.get(uri)
        if entry is None:
            return None
        return RawJson(caches[uri].ranges(entry.document.model))
