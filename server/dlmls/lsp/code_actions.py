"""textDocument/codeAction: one handler for every feature's actions, and the quick fixes for the
diagnostics dlmls publishes.

pygls keeps one handler per method, so features do not register
textDocument/codeAction themselves: they `add_provider(server, kind,
provider)` and the handler here asks each provider whose kind the request's
`only` covers (retrain and synthesize are `source` actions, accepting and
rejecting suggestions `refactor.rewrite`, fixes `quickfix`).

The client sends back the diagnostics under the cursor; each fix is computed
by the core (`dlmls.core.fixes`) from a diagnostic's code, range and `data`
plus the document as it is now, and only when the text there still is what
the check saw and applying it leaves the document better (never more
errors, and fewer problems like the one fixed: `dlmls.core.fixes.improves`,
with the cross-checks run as the diagnostics run them). Every edit is a
`TextDocumentEdit` tied to the document version the fix was computed from,
so a client never applies it to text the writer has changed since. The single best fix of a diagnostic is marked
preferred (what "auto fix" applies).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.core.problems import Range
from dlmls.lsp.diagnostics import SOURCE, document_dir
from dlmls.lsp.positions import RangeConverter, code_point_column

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext
    from dlmls.lsp.workspace import Entry

KIND = types.CodeActionKind.QuickFix
KINDS = [KIND, types.CodeActionKind.Source, types.CodeActionKind.RefactorRewrite]  # advertised at initialize
# A provider may be a coroutine function (lsp/duplicates.py waits for a workspace scan in progress).
Provider = Callable[[types.CodeActionParams], "list[types.CodeAction] | Awaitable[list[types.CodeAction]]"]


def code_actions(entry: Entry, diagnostics: list[types.Diagnostic], encoding: str) -> list[types.CodeAction]:
    """Quick fixes for `diagnostics` (as the client sent them) on the open document `entry`."""
    from dlmls.core import fixes as core_fixes

    doc = entry.document
    model = doc.model
    base_dir = document_dir(entry.uri)  # the cross-checks as the diagnostics ran them
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
        for fix in core_fixes.fixes(model, str(diagnostic.code), rng, data, document=doc, base_dir=base_dir,
                                    exists=os.path.exists):
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


def add_provider(server: ServerContext, kind: types.CodeActionKind, provider: Provider) -> None:
    """Offer `provider`'s actions (all of kind `kind`) through the one code-action handler."""
    providers: list[tuple[types.CodeActionKind, Provider]] | None = getattr(server, "code_action_providers", None)
    if providers is None:
        providers = server.code_action_providers = []
    providers.append((kind, provider))


def register(server: ServerContext) -> None:
    """Serve code actions from every provider; quick fixes are the first."""

    def quick_fixes(params: types.CodeActionParams) -> list[types.CodeAction]:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return []
        return code_actions(entry, list(params.context.diagnostics), server.position_encoding)

    add_provider(server, KIND, quick_fixes)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False))
    async def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        only = [getattr(k, "value", k) for k in params.context.only or []]
        out: list[types.CodeAction] = []
        for kind, provider in server.code_action_providers:
            if only and not any(_covers(k, kind.value) for k in only):
                continue
            found = provider(params)
            out += await found if inspect.isawaitable(found) else found
        return out or None
