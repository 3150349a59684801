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

Accepting changes a buffer, not the file, so the store records the pairs
as `applied`, not `accepted` (a writer who quits without saving must not
lose them for good: the engine never suggests an accepted pair again).
This server remembers which buffer each applied pair went into and settles
it later:

- saved (`textDocument/didSave`, with the text: the server asks for it)
  with the pair in the saved text: `accepted`. Any other suggestion still
  pending whose pair the saved text holds (the "Accept: …" code action's
  edit, a pair typed by hand) is `accepted` too;
- the edit undone or the block deleted (a change after which the buffer no
  longer holds the pair, once it had): `pending` again, listed and
  placeable again (and `dlmls/suggestionsChanged`);
- saved without the pair, or the buffer closed without saving (or the
  client shut down with it unsaved): `pending`.

An `applied` record this server does not hold (another editor's buffer, or
a server that ended before the save) counts as pending everywhere, and
becomes `pending` or `accepted` at the next save of the document.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
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


@dataclass(slots=True)
class Applied:
    """A suggestion `dlmls.accept` inserted into an open buffer that has not been saved with it yet."""

    store: Store
    seen: bool  # whether the buffer has held the pair since (the edit's didChange may come after the reply)


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
        self._applied: dict[str, dict[str, Applied]] = {}  # by URI, then suggestion id
        server.documents.subscribe(self._on_change)
        server.documents.subscribe_save(self._on_save)

    def pending(self, entry: Entry) -> Pending:
        """Where each pending suggestion of `entry` stands now (cheap when nothing changed)."""
        model = entry.document.model
        store = store_of(self.server, model)
        table = self.server.store_reader.suggestions(store) if store is not None else empty_table()
        slot = self._cache[entry.uri]
        if slot and slot[0].version == entry.version and slot[0].table is table and \
                _root(slot[0].store) == _root(store):
            return slot[0]
        if table.pending():
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
        # In the buffer, not yet in the file: `applied` until the document is saved with it (see above).
        review.record(store.root, plan.ids, "applied")
        held = self._applied.setdefault(uri, {})
        absent = self._absent(uri, store)
        for ident in plan.ids:
            held[ident] = Applied(store, seen=absent is not None and ident not in absent)
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

    # ------------------------------------------------------------------ applied → accepted or pending

    def _absent(self, uri: str, store: Store) -> set[str] | None:
        """Ids of the undecided suggestions of `store` the open buffer `uri` does not hold (None: the
        buffer is not open or no longer names that store)."""
        entry = self.server.documents.get(uri)
        if entry is None or _root(store_of(self.server, entry.document.model)) != store.root:
            return None
        return {p.suggestion.id for p in self.pending(entry).placements}

    def _on_change(self, uri: str, entry: Entry | None) -> None:
        """Document listener: an applied pair that left its buffer, or whose buffer closed unsaved, is
        pending again."""
        held = self._applied.get(uri)
        if not held:
            return
        if entry is None:  # closed without saving it
            del self._applied[uri]
            self._back_to_pending(held)
            return
        gone: dict[str, Applied] = {}
        stores = {a.store.root: a.store for a in held.values()}
        absent = {root: self._absent(uri, st) for root, st in stores.items()}
        for ident, a in list(held.items()):
            missing = absent[a.store.root]
            if missing is None:
                continue  # the frontmatter names another store (being edited?): wait for the save
            if ident not in missing:
                a.seen = True
            elif a.seen:
                gone[ident] = held.pop(ident)
        if not held:
            self._applied.pop(uri, None)
        if gone and self._back_to_pending(gone):
            self.changed(uri)

    def _back_to_pending(self, items: dict[str, Applied]) -> bool:
        """Record those of `items` still `applied` as `pending` again; whether any was."""
        by_root: dict[Path, tuple[Store, list[str]]] = {}
        for ident, a in items.items():
            by_root.setdefault(a.store.root, (a.store, []))[1].append(ident)
        done = False
        for st, ids in by_root.values():
            table = self.server.store_reader.suggestions(st)
            still = [i for i in ids if (s := table.by_id.get(i)) is not None and s.state == "applied"]
            if still and _record(st.root, still, "pending"):
                done = True
        return done

    def _on_save(self, uri: str, entry: Entry | None, text: str | None) -> None:
        """Save listener: the applied (and pending) pairs the saved text holds are `accepted`; the applied
        ones it lacks are `pending` again."""
        held = self._applied.pop(uri, {})
        if entry is None:
            self._back_to_pending(held)
            return
        own = store_of(self.server, entry.document.model)
        if not held and (own is None or not self.server.store_reader.suggestions(own).pending()):
            return  # nothing to settle: the usual save
        model, is_buffer = self._saved_model(uri, entry, text)
        store = store_of(self.server, model)
        back: list[str] = []
        if store is not None:
            table = self.server.store_reader.suggestions(store)
            undecided = table.pending()
            if undecided:
                if is_buffer:
                    missing = {p.suggestion.id for p in self.pending(entry).placements}
                    present = {s.id for s in undecided if s.id not in missing}
                else:
                    from dlmls.core import accept

                    keys = accept.document_pair_keys(model)
                    present = {s.id for s in undecided if s.key in keys}
                elsewhere = {i for u, ids in self._applied.items() if u != uri
                             for i, a in ids.items() if a.store.root == store.root}
                accepted = [s.id for s in undecided if s.id in present]
                back = [s.id for s in undecided
                        if s.state == "applied" and s.id not in present and s.id not in elsewhere]
                if accepted:
                    _record(store.root, accepted, "accepted")
                if back and not _record(store.root, back, "pending"):
                    back = []
            held = {i: a for i, a in held.items() if a.store.root != store.root}
        if self._back_to_pending(held) or back:
            self.changed(uri)

    def shutdown(self) -> None:
        """The client is going away (an editor quit without saving may not close its buffers first): what
        it holds applied and unsaved is pending again."""
        held = {i: a for ids in self._applied.values() for i, a in ids.items()}
        self._applied.clear()
        self._back_to_pending(held)

    def _saved_model(self, uri: str, entry: Entry, text: str | None) -> tuple[Model, bool]:
        """The model of the text saved (the client's, else the file's) and whether it is the buffer's own."""
        from dlmls.core.document import Document

        buffer = entry.document
        if text is not None:
            data = text.encode("utf-8", "surrogatepass")
        else:
            try:
                with open(to_fs_path(uri) or "", "rb") as f:
                    data = f.read()
            except OSError:
                return buffer.model, True  # no file to read: the buffer is what was saved
        if data == buffer.source:
            return buffer.model, True
        return Document(data).model, False

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
        # Titled over all of the document's placeable ones, so a title is the same wherever the menu opens.
        shown = [p for p in found.placements if p.placeable and p.section_line is not None]
        titles = review_titles([(p.suggestion.question, p.suggestion.answer) for p in shown])
        for p, question in zip(shown, titles, strict=True):
            section = model.section_at_line(p.section_line)
            if section is None or last < section.start_line or first > section.end_line:
                continue
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


def _record(root: Path, ids: list[str], state: str) -> bool:
    """`review.record` from a notification handler: a store that cannot be written is logged, not raised
    (the other listeners of the change or save still run); whether it was written."""
    from dlmls import review

    try:
        review.record(root, ids, state)
    except OSError as exc:
        log.warning("cannot record suggestions %s as %s in %s: %s", ", ".join(ids), state, root, exc)
        return False
    return True


def _root(store: Store | None) -> Path | None:
    return store.root if store is not None else None


def _name(uri: str) -> str:
    path = to_fs_path(uri)
    return PurePath(path).name if path else uri


TITLE_CHARS = 80  # a longer question is cut at a word boundary in the review code actions' titles
HEAD_CHARS = 40  # how much of the shared start a title keeps when the part that tells questions apart follows
ANSWER_CHARS = 40  # how much of the answer tells apart two suggestions with the same question


def _cut(text: str, limit: int) -> str:
    """`text` (on one line) in at most `limit` characters: whole, or cut at a word boundary and ended with "…"
    (inside a word only when the text's first `limit` characters hold no space past their middle)."""
    if len(text) <= limit:
        return text
    room = text[:limit - 1]
    if text[limit - 1] != " ":
        space = room.rfind(" ")
        if space > limit // 2:
            room = room[:space]
    return room.rstrip() + "…"


def review_titles(pairs: list[tuple[str, str]], limit: int = TITLE_CHARS) -> list[str]:
    """The question part of the "Accept: …" / "Reject: …" titles of (question, answer) suggestions: never two alike.

    A question is shown on one line, whole up to `limit` characters, else cut at a word boundary. Different
    questions that would be cut alike (a long shared start) show their start up to `HEAD_CHARS`, "…", and
    the words from the one where each differs from the others; the same question twice shows the answer too
    ("→ …"); whatever is still alike after that gets " (2)", " (3)" … in order."""
    flat = [" ".join(question.split()) for question, _ in pairs]
    titles = [_cut(question, limit) for question in flat]
    for group in _alike(titles):
        for i in group:
            others = [flat[j] for j in group if flat[j] != flat[i]]
            if not others:
                continue
            shared = max(len(os.path.commonprefix([flat[i], other])) for other in others)
            start = flat[i].rfind(" ", 0, shared) + 1  # the word where it parts from the closest other
            head = flat[i][:start].rstrip()
            head = head if len(head) <= HEAD_CHARS else _cut(head, HEAD_CHARS)
            head = head + " " if head else ""
            titles[i] = head + _cut(flat[i][start:], max(limit - len(head), HEAD_CHARS))
    for group in _alike(titles):
        for i in group:
            titles[i] += " → " + _cut(" ".join(pairs[i][1].split()), ANSWER_CHARS)
    seen: set[str] = set()
    for i, title in enumerate(titles):
        n, distinct = 1, title
        while distinct in seen:
            n += 1
            distinct = f"{title} ({n})"
        seen.add(distinct)
        titles[i] = distinct
    return titles


def _alike(titles: list[str]) -> list[list[int]]:
    """The indices of titles shown more than once, grouped by title."""
    groups: dict[str, list[int]] = {}
    for i, title in enumerate(titles):
        groups.setdefault(title, []).append(i)
    return [group for group in groups.values() if len(group) > 1]


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
