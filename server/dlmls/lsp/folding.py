"""textDocument/foldingRange: foldable regions of a `.dlm` document.

The frontmatter, every section (up to its last non-blank line), every Q/A
pair and preference triple, and every triple-backtick code block. Ranges
are whole lines, so no column conversion is needed. Code blocks are found
the way DLM finds them: a line starting with ``` at column 0 toggles; a
section always starts outside a block (fences inside one are text), so each
section's content is scanned on its own.

Editors ask again after edits, so each section's ranges are kept, relative
to its first line, by its core object (unchanged sections keep theirs across
an edit), together with their encoded JSON at the line the section was last
at; the answer joins those pieces (`raw.array`). On a 1 MB document (~5,000
sections, ~9,500 ranges) a keystroke scans and encodes one section; an edit
that moves later sections re-encodes their kept ranges, without a rescan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.core.text import LineIndex
from dlmls.lsp.raw import LineTemplate, RawJson, array, encode
from dlmls.lsp.workspace import PerDocument, unchanged_sections

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


def _frontmatter_fold(model: Model) -> list[Fold]:
    block = model.frontmatter
    if block is not None and block.closed:
        last = _last_line_of(model, block)
        if last > 0:
            return [(0, last, REGION)]
    return []


def _last_line_of(model: Model, block: Any) -> int:
    """The frontmatter's last line, counted in its own bytes (an index of the whole text: ~10 ms on 1 MB)."""
    return LineIndex(model.source[: block.end_byte]).line_of(max(block.start_byte, block.end_byte - 1))


class FoldingCache:
    """The last answer's folds, encoded per section, and each section's folds by its core."""

    __slots__ = ("_cores", "_ids", "_rows", "_pieces", "_by_id")

    def __init__(self) -> None:
        # the sections of the last answer: their cores, ids, first lines and encoded folds
        self._cores: list[Any] = []
        self._ids: list[int] = []
        self._rows: list[int] = []
        self._pieces: list[bytes] = []
        # id(core) -> (core, its folds' template relative to its first line, or the folds themselves when no
        # template could be made); holding the core keeps its id unique
        self._by_id: dict[int, tuple[Any, LineTemplate | list[Fold]]] = {}

    def encoded(self, model: Model) -> bytes:
        """Every foldable region of `model` as the JSON of an LSP `FoldingRange[]`, in document order.

        The sections at both ends that the edit left alone, on the same lines, keep their pieces
        wholesale; the ones between are rendered from their template (moved) or scanned (new)."""
        cores, rows = model.cores, model.rows
        ids = list(map(id, cores))
        head, same_tail = unchanged_sections(self._ids, self._rows, ids, rows)
        by_id, fresh = self._by_id, {}
        middle = []
        for i in range(head, len(cores) - same_tail):
            core, row = cores[i], rows[i]
            hit = by_id.get(id(core))
            if hit is None or hit[0] is not core:
                folds = [(a - row, b - row, k) for a, b, k in section_folds(model, model.section(i))]
                hit = (core, LineTemplate.make([_json(a, b, k) for a, b, k in folds], 0) or folds)
            fresh[id(core)] = hit
            shape = hit[1]
            middle.append(shape.at(row)[1:-1] if isinstance(shape, LineTemplate)
                          else encode([_json(a + row, b + row, k) for a, b, k in shape])[1:-1])
        for key in self._ids[head:len(self._ids) - same_tail]:
            by_id.pop(key, None)
        by_id.update(fresh)
        pieces = self._pieces[:head] + middle + self._pieces[len(self._pieces) - same_tail:]
        self._cores, self._ids, self._rows, self._pieces = cores, ids, rows, pieces
        head_folds = encode([_json(a, b, k) for a, b, k in _frontmatter_fold(model)])[1:-1]
        return array([head_folds, *pieces])


def folding_ranges(model: Model) -> list[dict[str, Any]]:
    """Every foldable region of `model` as LSP JSON, in document order (computed afresh)."""
    out = [_json(a, b, k) for a, b, k in _frontmatter_fold(model)]
    for section in model.sections:
        out += [_json(a, b, k) for a, b, k in section_folds(model, section)]
    return out


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
        return RawJson.encoded(caches[uri].encoded(entry.document.model))
