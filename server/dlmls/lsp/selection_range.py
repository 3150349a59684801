"""textDocument/selectionRange: what "expand selection" grows to, step by step.

For each requested position: the word, the line, then in the body the Q or
A (Prompt, Chosen, Rejected) body, the pair or triple, the section, the
whole document; in the frontmatter each YAML value, its key-value pair and
the enclosing mappings, then the frontmatter and the document. Quoted
attribute values of fences and markers come before their line. The chain is
built in `dlmls.core.navigation.selection_ranges`, where each range strictly
contains the previous one, as LSP requires of a parent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.lsp.positions import RangeConverter, code_point_column

if TYPE_CHECKING:
    from dlmls.core.document import Document
    from dlmls.lsp.context import ServerContext


def selection_range(doc: Document, line: int, character: int, encoding: str,
                    convert: RangeConverter | None = None) -> types.SelectionRange:
    """The selection chain at an LSP position, innermost range first (parents outward)."""
    from dlmls.core.navigation import selection_ranges

    model = doc.model
    convert = convert or RangeConverter(model, encoding)
    chain = selection_ranges(model, line, code_point_column(doc, line, character, encoding))
    result = types.SelectionRange(range=convert.range(chain[-1]))
    for rng in reversed(chain[:-1]):
        result = types.SelectionRange(range=convert.range(rng), parent=result)
    return result


def register(server: ServerContext) -> None:
    """Serve selection ranges."""

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    def on_selection_range(params: types.SelectionRangeParams) -> list[types.SelectionRange] | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        doc = entry.document
        encoding = server.position_encoding
        convert = RangeConverter(doc.model, encoding)
        return [selection_range(doc, p.line, p.character, encoding, convert) for p in params.positions]
