"""textDocument/definition: from a name to what it names.

- `source_section_id="…"` in a `dlm-auto-synth` marker → the prose section
  with that id (the whole section; its first line is what gets revealed).
- `#adapter` in a fence → the adapter's key in `training.adapters`.

The lookup is `dlmls.core.navigation.definition`. Clients that support links
get a `LocationLink` (origin: the name under the cursor, so the editor
underlines exactly it); others get a `Location` of the target's first line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.lsp.positions import RangeConverter, code_point_column

if TYPE_CHECKING:
    from dlmls.core.document import Document
    from dlmls.lsp.context import ServerContext


def find_definition(doc: Document, uri: str, line: int, character: int, encoding: str,
                    links: bool = True) -> list[types.LocationLink] | list[types.Location] | None:
    """Where the name at an LSP position points (`character` counted in `encoding`)."""
    from dlmls.core.navigation import definition

    model = doc.model
    target = definition(model, line, code_point_column(doc, line, character, encoding))
    if target is None:
        return None
    convert = RangeConverter(model, encoding)
    if not links:
        return [types.Location(uri=uri, range=convert.range(target.selection))]
    return [types.LocationLink(target_uri=uri, target_range=convert.range(target.target),
                               target_selection_range=convert.range(target.selection),
                               origin_selection_range=convert.range(target.origin))]


def link_support(caps: types.ClientCapabilities | None) -> bool:
    """Whether the client takes `LocationLink`s for definitions."""
    document = caps.text_document if caps is not None else None
    definition_caps = document.definition if document is not None else None
    return bool(definition_caps is not None and definition_caps.link_support)


def register(server: ServerContext) -> None:
    """Serve go-to-definition."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(params: types.DefinitionParams) -> list[types.LocationLink] | list[types.Location] | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        pos = params.position
        return find_definition(entry.document, params.text_document.uri, pos.line, pos.character,
                               server.position_encoding, link_support(server.client_capabilities))
