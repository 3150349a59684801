"""The `dlmls/suggestions` request, the `dlmls.accept` / `dlmls.reject` commands, and the
"Accept: …" / "Reject: …" code actions: reviewing staged synthesis pairs in the editor.

A synthesis job stages the pairs its judge kept in the document's store
(`dlmls.suggestions`); nothing reaches the text until the writer accepts.
Editors ask for the pending ones on every change (to show them inline), so
answering must be cheap: the table is read through the server's
`StoreReader` (cached by the sidecar's stat), and where each suggestion
stands against the text (`core.accept.place`, which hashes every pair of
the document) is computed once per document version and table, and not at
all when nothing is pending. Accepting sends one `workspace/applyEdit` with
a `TextDocumentEdit` tied to the document version the placement was
computed on — exactly the text `core.accept` produces, checked by
`core.accept.check_insertion` first — so the client refuses it if the
writer typed in between; stale suggestions are never inserted. Rejecting
records the state in the store, so neither the engine nor this server
offers the pair again. Both tell the client `dlmls/suggestionsChanged`.
The decisions themselves live in `dlmls.review`, shared with the CLI.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import to_fs_path

from dlmls.lsp import code_actions
from dlmls.lsp.positions import RangeConverter
from dlmls.lsp.workspace import PerDocument

if TYPE_CHECKING:  # the rest loads with the first document that asks (start-up imports only what initialize needs)
    from dlmls.core import accept
    from dlmls.core.document import Model
    from dlmls.lsp.context import ServerContext
    from dlmls.lsp.workspace import Entry
    from dlmls.store import Store
    from dlmls.suggestions import SuggestionTable

log = logging.getLogger(__name__)

REQUEST = "dlmls/suggestions"
CHANGED = "dlmls/suggestionsChanged"
ACCEPT = "dlmls.accept"
REJECT = "dlmls.reject"
REVIEW_KIND = types.CodeActionKind.RefactorRewrite


@dataclass(frozen=True, slots=True)
class Pending:
    """The pending suggestions of one document version, placed against its text."""

    version: int
    table: SuggestionTable
    store: Store | None
    placements: tuple[accept.Placement, ...]

    def in_section(self, section_id: str) -> list[accept.Placement]:
        """The placeable ones whose source is section `section_id` now."""
        return [p for p in self.placements if p.placeable and p.section_id == section_id]


@cache
def empty_table() -> SuggestionTable:
    """The table of a document without a store: one object, so the per-version cache sees it unchanged."""
    from dlmls.suggestions import SuggestionTable

    return SuggestionTable()


def store_of(server: ServerContext, model: Model) -> Store | None:
    """The document's store (None without a valid dlm_id); creates nothing."""
    info = model.frontmatter.info if model.frontmatter is not None else None
    dlm_id = info.dlm_id if info is not None else None
    return server.store_reader.store(server.dlm_home, dlm_id) if dlm_id else None


class SuggestionService:
    """Pending suggestions per open document, cached per version and sidecar state."""

    def __init__(self, server: ServerContext) -> None:
        self.server = server
        self._cache: PerDocument[list[Pending]] = PerDocument(server.documents, list)

    def pending(self, entry: Entry) -> Pending:
        """Where each pending suggestion of `entry` stands now (cheap when nothing changed)."""
        model = entry.document.model
        store = store_of(self.server, model)
        table = self.server.store_reader.suggestions(store) if store is not None else empty_table()
        slot = self._cache[entry.uri]
        if slot and slot[0].version == entry.version and slot[0].table is table and slot[0].store == store:
            return slot[0]
        if any(s.state == "pending" for s in table.by_id.values()):
            from dlmls import review

            placements = tuple(review.pending_placements(model, table))
        else:
            placements = ()  # nothing to place: skip hashing every pair of the document
        found = Pending(entry.version, table, store, placements)
        slot[:] = [found]
        return found

    # ------------------------------------------------------------------ the request

    def listing(self, uri: str) -> dict[str, Any] | None:
        """The `dlmls/suggestions` result for an open document (None: it is not open)."""
        entry = self.server.documents.get(uri)
        if entry is None:
            return None
        model = entry.document.model
        found = self.pending(entry)
        convert = RangeConverter(model, self.server.position_encoding)
        return {"uri": uri, "version": entry.version,
                "suggestions": [suggestion_json(model, p, convert) for p in found.placements]}

    # ------------------------------------------------------------------ commands

    async def accept(self, uri: str, spec: Any) -> dict[str, Any]:
        """Insert the chosen suggestions into the open document with one versioned `workspace/applyEdit`."""
        from dlmls import review

        picked = _parse_spec(spec)
        if isinstance(picked, str):
            return self._refuse("invalid_arguments", picked)
        ids, section_id = picked
        entry = self.server.documents.get(uri)
        name = _name(uri)
        if entry is None:
            return self._refuse("not_open", f"{name} is not open in the editor; accept into a file with "
                                            f"`dlmls synth accept {to_fs_path(uri) or name} ID…|--all`")
        model, version = entry.document.model, entry.version
        store = store_of(self.server, model)
        if store is None:
            return self._refuse("invalid_document", f"{name} has no valid dlm_id, so no staged suggestions")
        choice = review.choose(self.server.store_reader.suggestions(store), ids, for_accept=True)
        try:
            plan = review.plan_accept(model, choice.chosen, section_id)
        except ValueError as exc:
            return self._refuse("error", f"{name}: nothing accepted: {exc}")
        stale = [p.suggestion.id for p in plan.stale]
        notes = choice.notes + plan.notes()
        if not plan.ready:
            message = f"{name}: no suggestion to accept" + (f" ({'; '.join(notes)})" if notes else "")
            self.server.show_message(types.MessageType.Info, message)
            self.changed(uri)
            return {"ok": True, "applied": 0, "stale": stale, "message": message}
        edit = workspace_edit(entry.uri, version, model, plan.edits, self.server.position_encoding)
        count = len(plan.ready)
        label = f"Accept {count} suggested pair{'s' if count != 1 else ''}"
        try:
            result = await self.server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit,
                                                                                                 label=label))
        except Exception as exc:  # noqa: BLE001 - a client error is an outcome to report, not a crash
            return self._refuse("not_applied", f"{name}: the editor did not apply the edit: {exc}")
        if not getattr(result, "applied", False):
            why = getattr(result, "failure_reason", None) or "the document changed meanwhile?"
            self.changed(uri)
            return self._refuse("not_applied", f"{name}: the editor did not apply the edit ({why}); nothing "
                                               "was accepted")
        review.record(store.root, plan.ids, "accepted")
        message = f"{name}: {count} pair{'s' if count != 1 else ''} written into the document"
        if notes:
            message += f" ({'; '.join(notes)})"
        self.server.show_message(types.MessageType.Info, message)
        self.changed(uri)
        return {"ok": True, "applied": count, "stale": stale, "message": message}

    def reject(self, uri: str, spec: Any) -> dict[str, Any]:
        """Record the chosen suggestions as rejected: never suggested again."""
        from dlmls import review
        from dlmls.core.document import Document

        picked = _parse_spec(spec)
        if isinstance(picked, str):
            return self._refuse("invalid_arguments", picked)
        ids, section_id = picked
        name = _name(uri)
        entry = self.server.documents.get(uri)
        if entry is not None:
            model = entry.document.model
        else:
            path = to_fs_path(uri)
            try:
                with open(path or "", "rb") as f:
                    model = Document(f.read()).model
            except OSError as exc:
                return self._refuse("error", f"cannot read {path or uri}: {exc.strerror or exc}")
        store = store_of(self.server, model)
        if store is None:
            return self._refuse("invalid_document", f"{name} has no valid dlm_id, so no staged suggestions")
        choice = review.choose(self.server.store_reader.suggestions(store), ids, for_accept=False)
        done = review.plan_reject(model, choice.chosen, section_id)
        if done:
            review.record(store.root, done, "rejected")
        self.changed(uri)
        return {"ok": True, "rejected": len(done), "ids": done, "notes": choice.notes}

    def changed(self, uri: str) -> None:
        """Tell the client the suggestions of `uri` changed, and refresh its code lenses."""
        self.server.notify(CHANGED, {"uri": uri})
        refresh_code_lenses(self.server)

    def _refuse(self, kind: str, message: str) -> dict[str, Any]:
        self.server.show_message(types.MessageType.Error, message)
        return {"ok": False, "kind": kind, "message": message}

    # ------------------------------------------------------------------ code actions

    def review_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """"Accept: <question>" (the edit itself) and "Reject: <question>" for suggestions of sections in range."""
        entry = self.server.documents.get(params.text_document.uri)
        if entry is None:
            return []
        found = self.pending(entry)
        if not found.placements:
            return []
        from dlmls.core import accept

        model = entry.document.model
        first, last = params.range.start.line, params.range.end.line
        out: list[types.CodeAction] = []
        for p in found.placements:
            if not p.placeable or p.section_line is None:
                continue
            section = model.section_at_line(p.section_line)
            if section is None or last < section.start_line or first > section.end_line:
                continue
            question = _short(p.suggestion.question)
            edits = accept.insertions(model, [p])
            out.append(types.CodeAction(
                title=f"Accept: {question}", kind=REVIEW_KIND,
                edit=workspace_edit(entry.uri, entry.version, model, edits, self.server.position_encoding)))
            out.append(types.CodeAction(
                title=f"Reject: {question}", kind=REVIEW_KIND,
                command=types.Command(title=f"Reject: {question}", command=REJECT,
                                      arguments=[entry.uri, {"ids": [p.suggestion.id]}])))
        return out


def refresh_code_lenses(server: ServerContext) -> None:
    """Ask the client to re-request code lenses, if it said it can."""
    workspace = server.client_capabilities.workspace
    lens = workspace.code_lens if workspace is not None else None
    if lens is None or not lens.refresh_support:
        return
    async def refresh() -> None:
        try:
            await server.workspace_code_lens_refresh_async(None)
        except Exception as exc:  # noqa: BLE001 - a refresh the client refuses changes nothing
            log.info("codeLens/refresh failed: %s", exc)

    asyncio.get_running_loop().create_task(refresh())


def workspace_edit(uri: str, version: int, model: Model, edits: list[accept.Insertion],
                   encoding: str) -> types.WorkspaceEdit:
    """The insertions as one `TextDocumentEdit` tied to document version `version`."""
    convert = RangeConverter(model, encoding)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
        edits=[types.TextEdit(range=convert.range(e.at), new_text=e.text) for e in edits])])


def suggestion_json(model: Model, p: accept.Placement, convert: RangeConverter) -> dict[str, Any]:
    """One suggestion as `dlmls/suggestions` lists it (docs/lsp-api.md)."""
    from dlmls.core import accept

    s = p.suggestion
    position = preview = None
    if p.at is not None:
        pos = convert.position(p.at.start_line, p.at.start_col)
        position = {"line": pos.line, "character": pos.character}
        preview = accept.insertions(model, [p])[0].text
    scores = {k: v for k, v in (("sway", s.sway), ("answerability", s.answerability), ("judge", s.judge))
              if v is not None}
    return {"id": s.id, "sectionId": p.section_id or s.section_id, "question": s.question, "answer": s.answer,
            "status": p.status, "position": position, "preview": preview, "teacher": s.teacher,
            "teacherModel": s.teacher_model, "strategy": s.strategy, "synthAt": s.synth_at, "scores": scores}


def _parse_spec(spec: Any) -> tuple[list[str] | None, str | None] | str:
    """(ids or None for all, section id or None) from `{"ids": [...]}` / `{"all": true[, "sectionId"]}`."""
    if not isinstance(spec, dict):
        return 'expected {"ids": [...]} or {"all": true} (optionally with "sectionId")'
    section = spec.get("sectionId")
    if section is not None and not isinstance(section, str):
        return '"sectionId" must be a string'
    ids = spec.get("ids")
    if spec.get("all") is True:
        if ids:
            return 'give "ids" or "all", not both'
        return None, section
    if isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids):
        return list(ids), section
    return 'expected {"ids": [...]} (a non-empty list of suggestion ids) or {"all": true}'


def _name(uri: str) -> str:
    path = to_fs_path(uri)
    return PurePath(path).name if path else uri


def _short(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[:limit - 1] + "…"


def register(server: ServerContext) -> None:
    """`dlmls/suggestions`, `dlmls.accept`, `dlmls.reject` and the review code actions."""
    service = server.suggestions = SuggestionService(server)

    @server.feature(REQUEST)
    def suggestions(params: Any) -> dict[str, Any] | None:
        uri = _uri_of(params)
        return service.listing(uri) if uri else None

    @server.command(ACCEPT)
    async def accept_command(uri: str, *spec: Any) -> dict[str, Any]:
        return await service.accept(uri, spec[0] if spec else None)

    @server.command(REJECT)
    def reject_command(uri: str, *spec: Any) -> dict[str, Any]:
        return service.reject(uri, spec[0] if spec else None)

    code_actions.add_provider(server, REVIEW_KIND, service.review_actions)


def _uri_of(params: Any) -> str | None:
    doc = params.get("textDocument") if isinstance(params, dict) else getattr(params, "textDocument", None)
    uri = doc.get("uri") if isinstance(doc, dict) else getattr(doc, "uri", None)
    return uri if isinstance(uri, str) else None
