"""textDocument/completion: frontmatter keys and values, fences, headers, marker attributes.

What to offer is decided in `dlmls.core.completion` (see there); this module
only converts. Every item carries a `textEdit` whose range is the partial
word on the cursor's line, in the negotiated position encoding, so clients
never have to guess word boundaries (they differ around `::`, `#` and `-`).
Snippets (fence bodies, nested mappings) are sent as snippets only to
clients that support them, and as plain text otherwise. Multi-line
insertions carry their own indentation (`insertTextMode: asIs`).

Trigger characters: `:` (fences, and values after `key:`), `#` (headers and
adapter fences), space (values after `key: `) and `"` (section ids in
markers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.core import completion
from dlmls.core.problems import Range
from dlmls.lsp.hover import field_markdown
from dlmls.lsp.positions import RangeConverter, code_point_column

if TYPE_CHECKING:
    from dlmls.core.document import Document
    from dlmls.lsp.context import ServerContext

TRIGGER_CHARACTERS = [":", "#", " ", '"']

KINDS = {
    "property": types.CompletionItemKind.Property,
    "module": types.CompletionItemKind.Module,
    "enum": types.CompletionItemKind.EnumMember,
    "value": types.CompletionItemKind.Value,
    "snippet": types.CompletionItemKind.Snippet,
    "keyword": types.CompletionItemKind.Keyword,
    "reference": types.CompletionItemKind.Reference,
}


def completions(doc: Document, line: int, character: int, encoding: str,
                snippets: bool = True) -> types.CompletionList | None:
    """The completion list at an LSP position (`character` counted in `encoding`)."""
    model = doc.model
    found = completion.complete(model, line, code_point_column(doc, line, character, encoding))
    if found is None:
        return None
    rng = RangeConverter(model, encoding).range(Range(found.line, found.start, found.line, found.end))
    return types.CompletionList(is_incomplete=False, items=[_item(c, rng, snippets) for c in found.items])


def _item(c: completion.Candidate, rng: types.Range, snippets: bool) -> types.CompletionItem:
    text = c.insert if snippets or not c.snippet else completion.plain_text(c.insert)
    doc = field_markdown(*c.field) if c.field is not None else c.doc
    return types.CompletionItem(
        label=c.label,
        kind=KINDS.get(c.kind),
        detail=c.detail,
        label_details=types.CompletionItemLabelDetails(description=c.description) if c.description else None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc) if doc else None,
        sort_text=c.sort,
        preselect=c.preselect or None,
        text_edit=types.TextEdit(range=rng, new_text=text),
        insert_text_format=(types.InsertTextFormat.Snippet if c.snippet and snippets
                            else types.InsertTextFormat.PlainText),
        insert_text_mode=types.InsertTextMode.AsIs if "\n" in text else None,
    )


def snippet_support(caps: types.ClientCapabilities | None) -> bool:
    """Whether the client accepts snippet insert texts in completion items."""
    document = caps.text_document if caps is not None else None
    completion_caps = document.completion if document is not None else None
    item = completion_caps.completion_item if completion_caps is not None else None
    return bool(item is not None and item.snippet_support)


def register(server: ServerContext) -> None:
    """Serve completions."""

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS))
    def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        pos = params.position
        return completions(entry.document, pos.line, pos.character, server.position_encoding,
                           snippet_support(server.client_capabilities))
