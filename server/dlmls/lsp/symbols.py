"""textDocument/documentSymbol: the outline of a `.dlm` document.

The frontmatter comes first (its top-level keys as children), then every
section DLM keeps (whitespace-only prose is dropped, as DLM drops it), named
by type and adapter ("instruction#knowledge", "prose"), with the first
question, prompt or prose words as detail. Instruction and preference
sections list their Q/A pairs or preference triples as children. A section's
range is the whole section; its selection range is the fence line.

Editors ask for the outline after nearly every change (outline view,
breadcrumbs, sticky scroll), so it is built as plain JSON and each section's
symbol is cached, already encoded, by its core object, start line and
position encoding: a section the edit did not touch keeps its core, so after
a keystroke only the edited section is rebuilt and encoded, and the answer
joins the pieces (`raw.array`). A 1 MB document has ~5,000 sections and
~15,000 ranges: as lsprotocol objects they took ~0.4 s, encoding them all
again ~16 ms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.core.problems import Range
from dlmls.core.text import LineIndex
from dlmls.lsp.positions import RangeConverter
from dlmls.lsp.raw import LineTemplate, RawJson, array, encode
from dlmls.lsp.workspace import PerDocument, unchanged_sections

if TYPE_CHECKING:
    from dlmls.core.document import Model
    from dlmls.core.sections import Section
    from dlmls.lsp.context import ServerContext

DETAIL_CHARS = 60

SECTION_KINDS = {
    "prose": types.SymbolKind.String,
    "instruction": types.SymbolKind.Class,
    "preference": types.SymbolKind.Struct,
    "image": types.SymbolKind.File,
    "audio": types.SymbolKind.File,
    "unknown": types.SymbolKind.Null,
}


def _short(text: str, limit: int = DETAIL_CHARS) -> str:
    """The first words of `text` on one line, cut at `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _line_range(model: Model, first: int, last: int) -> Range:
    """Whole lines `first`..`last` as a core range."""
    return Range(first, 0, last, len(model.line_text(last)))


def _trim(model: Model, first: int, last: int) -> int:
    """`last`, moved up past trailing blank lines (not above `first`)."""
    while last > first and not model.line_text(last).strip():
        last -= 1
    return last


def section_name(section: Section) -> str:
    """"instruction#knowledge", "prose", ... (the fence text for an unknown fence)."""
    core = section.core
    if core.kind == "unknown" and core.fence is not None:
        return core.fence.text.strip()
    return core.kind + (f"#{core.adapter}" if core.adapter else "")


def section_detail(section: Section) -> str:
    """A short description: the first question, prompt, caption or prose words."""
    core = section.core
    if core.pairs:
        return _short(core.pairs[0].question)
    if core.triples:
        return _short(core.triples[0].prompt)
    if core.fence is not None and core.kind in ("image", "audio"):
        attrs = core.fence.attrs
        return _short(attrs.get("alt") or attrs.get("transcript") or attrs.get("path") or "")
    return _short(core.content)


Symbol = dict[str, Any]  # an LSP DocumentSymbol as JSON


def _symbol(name: str, kind: types.SymbolKind, rng: Range, selection: Range, convert: RangeConverter,
            detail: str | None = None, children: list[Symbol] | None = None) -> Symbol:
    out: Symbol = {"name": name, "kind": int(kind), "range": convert.range_json(rng),
                   "selectionRange": convert.range_json(selection)}
    if detail is not None:
        out["detail"] = detail
    if children:
        out["children"] = children
    return out


class OutlineCache:
    """The last outline's section symbols, encoded, and each section's symbol by its core."""

    __slots__ = ("_encoding", "_ids", "_rows", "_pieces", "_by_id")

    def __init__(self) -> None:
        self._encoding = ""
        self._ids: list[int] = []  # the sections of the last outline: ids of their cores, first lines, symbols
        self._rows: list[int] = []
        self._pieces: list[bytes] = []
        # id(core) -> (core, its symbol's template (None: re-encode when it moves), its first line, its symbol
        # there); holding the core keeps its id unique
        self._by_id: dict[int, tuple[Any, LineTemplate | None, int, bytes]] = {}

    def encoded(self, model: Model, encoding: str) -> bytes:
        """The outline of `model` as the JSON of `DocumentSymbol[]`, reusing unchanged sections' symbols.

        Sections at both ends that the edit left alone, on the same lines, keep their pieces wholesale;
        moved ones are rendered from their template; only new ones are built."""
        if encoding != self._encoding:
            self.__init__()  # type: ignore[misc]
            self._encoding = encoding
        convert = RangeConverter(model, encoding)
        cores, rows = model.cores, model.rows
        ids = list(map(id, cores))
        head, same_tail = unchanged_sections(self._ids, self._rows, ids, rows)
        by_id, fresh = self._by_id, {}
        middle = []
        for i in range(head, len(cores) - same_tail):
            core, row = cores[i], rows[i]
            hit = by_id.get(id(core))
            if hit is None or hit[0] is not core or (hit[2] != row and hit[1] is None):
                if core.dropped:  # whitespace-only prose DLM drops: no symbol
                    hit = (core, None, row, b"")
                else:
                    symbol = _section_symbol(model, model.section(i), convert)
                    hit = (core, LineTemplate.make(symbol, row), row, encode(symbol))
            elif hit[2] != row:
                hit = (core, hit[1], row, hit[1].at(row))  # type: ignore[union-attr]
            fresh[id(core)] = hit
            middle.append(hit[3])
        for key in self._ids[head:len(self._ids) - same_tail]:
            by_id.pop(key, None)
        by_id.update(fresh)
        pieces = self._pieces[:head] + middle + self._pieces[len(self._pieces) - same_tail:]
        self._ids, self._rows, self._pieces = ids, rows, pieces
        fm = _frontmatter_symbol(model, convert)
        return array([encode(fm) if fm is not None else b"", *pieces])


def document_symbols(model: Model, encoding: str) -> list[Symbol]:
    """The outline of `model` as JSON, ranges in `encoding` (computed afresh)."""
    convert = RangeConverter(model, encoding)
    fm = _frontmatter_symbol(model, convert)
    sections = [_section_symbol(model, s, convert) for s in model.live_sections]
    return ([fm] if fm is not None else []) + sections


def _frontmatter_symbol(model: Model, convert: RangeConverter) -> Symbol | None:
    block = model.frontmatter
    if block is None:
        return None
    # Counted in the frontmatter's own bytes: an index of the whole text costs ~10 ms on 1 MB.
    last = LineIndex(model.source[: block.end_byte]).line_of(max(block.start_byte, block.end_byte - 1))
    children: list[Symbol] = []
    info = block.info
    if info is not None:
        for path, pos in info.positions.items():
            if len(path) != 1 or pos.key is None:
                continue
            key, value = pos.key, pos.value
            end = value if (value.end_line, value.end_col) > (key.end_line, key.end_col) else key
            children.append(_symbol(str(path[0]), types.SymbolKind.Property,
                                    Range(key.start_line, key.start_col, end.end_line, end.end_col), key,
                                    convert, detail=_detail_of(info.raw, path[0])))
    return _symbol("frontmatter", types.SymbolKind.Module, _line_range(model, 0, last), Range(0, 0, 0, 3),
                   convert, children=children or None)


def _detail_of(raw: Any, key: Any) -> str | None:
    if not isinstance(raw, dict) or key not in raw:
        return None
    value = raw[key]
    if isinstance(value, (dict, list)):
        return None
    return _short(str(value))


def _section_symbol(model: Model, section: Section, convert: RangeConverter) -> Symbol:
    core = section.core
    first = section.start_line
    last = max(first, section.end_line)
    if core.implicit:
        first = section.line(core.content_line)  # the first content line, as DLM counts
        last = max(first, last)
    children: list[Symbol] = []
    for i, pair in enumerate(core.pairs, 1):
        q = section.line(core.body_row(pair.q_line))
        end = _trim(model, q, min(last, section.line(core.body_row(pair.end_line))))
        children.append(_symbol(f"Q{i}" + (" (probe)" if pair.probe else ""), types.SymbolKind.Object,
                                _line_range(model, q, max(q, end)), _line_range(model, q, q), convert,
                                detail=_short(pair.question)))
    for i, triple in enumerate(core.triples, 1):
        p = section.line(core.body_row(triple.prompt_line))
        end = _trim(model, p, min(last, section.line(core.body_row(triple.end_line))))
        children.append(_symbol(f"Prompt {i}", types.SymbolKind.Object, _line_range(model, p, max(p, end)),
                                _line_range(model, p, p), convert, detail=_short(triple.prompt)))
    return _symbol(section_name(section), SECTION_KINDS.get(core.kind, types.SymbolKind.Null),
                   _line_range(model, first, last), _line_range(model, first, first), convert,
                   detail=section_detail(section), children=children or None)


def register(server: ServerContext) -> None:
    """Serve the document outline."""
    caches = PerDocument(server.documents, OutlineCache)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(params: types.DocumentSymbolParams) -> RawJson | None:
        uri = params.text_document.uri
        entry = server.documents.get(uri)
        if entry is None:
            return None
        return RawJson.encoded(caches[uri].encoded(entry.document.model, server.position_encoding))
