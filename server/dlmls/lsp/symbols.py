"""textDocument/documentSymbol: the outline of a `.dlm` document.

The frontmatter comes first (its top-level keys as children), then every
section DLM keeps (whitespace-only prose is dropped, as DLM drops it), named
by type and adapter ("instruction#knowledge", "prose"), with the first
question, prompt or prose words as detail. Instruction and preference
sections list their Q/A pairs or preference triples as children. A section's
range is the whole section; its selection range is the fence line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.core.document import Model
from dlmls.core.problems import Range
from dlmls.core.sections import Section
from dlmls.lsp.positions import RangeConverter

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

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


def document_symbols(model: Model, encoding: str) -> list[types.DocumentSymbol]:
    """The outline of `model`, ranges in `encoding`."""
    convert = RangeConverter(model, encoding)
    out: list[types.DocumentSymbol] = []
    fm = _frontmatter_symbol(model, convert)
    if fm is not None:
        out.append(fm)
    for section in model.live_sections:
        out.append(_section_symbol(model, section, convert))
    return out


def _frontmatter_symbol(model: Model, convert: RangeConverter) -> types.DocumentSymbol | None:
    block = model.frontmatter
    if block is None:
        return None
    last = model.lines.line_of(max(block.start_byte, block.end_byte - 1))
    whole = convert.range(_line_range(model, 0, last))
    children: list[types.DocumentSymbol] = []
    info = block.info
    if info is not None:
        for path, pos in info.positions.items():
            if len(path) != 1 or pos.key is None:
                continue
            key, value = pos.key, pos.value
            end = value if (value.end_line, value.end_col) > (key.end_line, key.end_col) else key
            children.append(types.DocumentSymbol(
                name=str(path[0]),
                detail=_detail_of(info.raw, path[0]),
                kind=types.SymbolKind.Property,
                range=convert.range(Range(key.start_line, key.start_col, end.end_line, end.end_col)),
                selection_range=convert.range(key),
            ))
    return types.DocumentSymbol(name="frontmatter", kind=types.SymbolKind.Module, range=whole,
                                selection_range=convert.range(Range(0, 0, 0, 3)), children=children)


def _detail_of(raw: Any, key: Any) -> str | None:
    if not isinstance(raw, dict) or key not in raw:
        return None
    value = raw[key]
    if isinstance(value, (dict, list)):
        return None
    return _short(str(value))


def _section_symbol(model: Model, section: Section, convert: RangeConverter) -> types.DocumentSymbol:
    core = section.core
    first = section.start_line
    last = max(first, section.end_line)
    if core.implicit:
        first = section.line(core.content_line)  # the first content line, as DLM counts
        last = max(first, last)
    selection = _line_range(model, first, first)
    children: list[types.DocumentSymbol] = []
    for i, pair in enumerate(core.pairs, 1):
        q = section.line(core.body_row(pair.q_line))
        end = _trim(model, q, min(last, section.line(core.body_row(pair.end_line))))
        children.append(types.DocumentSymbol(
            name=f"Q{i}" + (" (probe)" if pair.probe else ""),
            detail=_short(pair.question),
            kind=types.SymbolKind.Object,
            range=convert.range(_line_range(model, q, max(q, end))),
            selection_range=convert.range(_line_range(model, q, q)),
        ))
    for i, triple in enumerate(core.triples, 1):
        p = section.line(core.body_row(triple.prompt_line))
        end = _trim(model, p, min(last, section.line(core.body_row(triple.end_line))))
        children.append(types.DocumentSymbol(
            name=f"Prompt {i}",
            detail=_short(triple.prompt),
            kind=types.SymbolKind.Object,
            range=convert.range(_line_range(model, p, max(p, end))),
            selection_range=convert.range(_line_range(model, p, p)),
        ))
    return types.DocumentSymbol(
        name=section_name(section),
        detail=section_detail(section),
        kind=SECTION_KINDS.get(core.kind, types.SymbolKind.Null),
        range=convert.range(_line_range(model, first, last)),
        selection_range=convert.range(selection),
        children=children or None,
    )


def register(server: DlmLanguageServer) -> None:
    """Serve the document outline."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        return document_symbols(entry.document.model, server.position_encoding)
