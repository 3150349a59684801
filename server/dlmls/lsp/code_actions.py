"""textDocument/codeAction: quick fixes for the diagnostics dlmls publishes.

The client sends back the diagnostics under the cursor; each fix is computed
by the core (`dlmls.core.fixes`) from a diagnostic's code, range and `data`
plus the document as it is now, and only when the text there still is what
the check saw. Every edit is a `TextDocumentEdit` tied to the document
version the fix was computed from, so a client never applies it to text the
writer has changed since. The single best fix of a diagnostic is marked
preferred (what "auto fix" applies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.core import fixes as core_fixes
from dlmls.core.problems import Range
from dlmls.lsp.diagnostics import SOURCE
from dlmls.lsp.positions import RangeConverter, code_point_column
from dlmls.lsp.workspace import Entry

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

KIND = types.CodeActionKind.QuickFix


def code_actions(entry: Entry, diagnostics: list[types.Diagnostic], encoding: str) -> list[types.CodeAction]:
    """Quick fixes for `diagnostics` (as the client sent them) on the open document `entry`."""
    doc = entry.document
    model = doc.model
    convert = RangeConverter(model, encoding)
    ident = types.OptionalVersionedTextDocumentIdentifier(uri=entry.uri, version=entry.version)
    out: list[types.CodeAction] = []
    for diagnostic in diagnostics:
        if diagnostic.source != SOURCE or diagnostic.code is None:
            continue
        r = diagnostic.range
        rng = Range(r.start.line, code_point_column(doc, r.start.line, r.start.character, encoding),
                    r.end.line, code_point_column(doc, r.end.line, r.end.character, encoding))
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        for fix in core_fixes.fixes(model, str(diagnostic.code), rng, data):
            edits = [types.TextEdit(range=convert.range(e.range), new_text=e.text) for e in fix.edits]
            out.append(types.CodeAction(
                title=fix.title,
                kind=KIND,
                diagnostics=[diagnostic],
                is_preferred=fix.preferred or None,
                edit=types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=ident,
                                                                                  edits=edits)]),
            ))
    return out


def _covers(requested: str, kind: str) -> bool:
    """Whether a requested code action kind includes `kind` (kinds are dotted hierarchies)."""
    return requested in ("", kind) or kind.startswith(f"{requested}.")


def register(server: DlmLanguageServer) -> None:
    """Serve quick fixes."""

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[KIND], resolve_provider=False))
    def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        only = params.context.only
        if only and not any(_covers(getattr(k, "value", k), KIND.value) for k in only):
            return None
        return code_actions(entry, list(params.context.diagnostics), server.position_encoding) or None
