"""textDocument/didOpen, didChange, didClose, didSave: the open documents as core `Document`s.

Each open URI keeps one `dlmls.core.document.Document`, so a keystroke is an
incremental re-parse and re-analysis rather than a rebuild: with incremental
sync every change range is turned into byte offsets (in the negotiated
position encoding) and handed to `Document.edit`; a whole-text change (clients
that sync full text send one per keystroke) goes to `Document.update`, which
diffs it against the current text and makes the same single ranged edit.
Each entry remembers the LSP version it reflects, so results computed from
it can be tagged and dropped when stale. Other
features learn about changes and saves by subscribing here rather than
registering the same notifications (pygls allows one handler per method).
The server asks for saves with their text (`textDocumentSync.save.includeText`),
so a listener knows what the file now holds (a client that leaves the text
out gets `None` there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from lsprotocol import types

from dlmls.lsp.positions import UTF16

if TYPE_CHECKING:
    from dlmls.core.document import Document
    from dlmls.lsp.context import ServerContext

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Entry:
    """One open document and the client version its text is at."""

    uri: str
    version: int
    document: Document


Listener = Callable[[str, "Entry | None"], None]
SaveListener = Callable[[str, "Entry | None", "str | None"], None]


class DocumentStore:
    """The open documents by URI; tells listeners after every open, change and close."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._listeners: list[Listener] = []
        self._save_listeners: list[SaveListener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(uri, entry)` after each change (`entry` is None on close)."""
        self._listeners.append(listener)

    def subscribe_save(self, listener: SaveListener) -> None:
        """Call `listener(uri, entry, text)` after each save (`entry` None: not open; `text` None: the
        client did not send the saved text)."""
        self._save_listeners.append(listener)

    def get(self, uri: str) -> Entry | None:
        """The open document at `uri`, if any."""
        return self._entries.get(uri)

    def __len__(self) -> int:
        return len(self._entries)

    def open(self, uri: str, version: int, text: str) -> Entry:
        """Start tracking `uri` with its full text."""
        from dlmls.core.document import Document  # the parser and the model load with the first document

        entry = self._entries[uri] = Entry(uri, version, Document(text))
        self._notify(uri, entry)
        return entry

    def change(self, uri: str, version: int, changes: list[types.TextDocumentContentChangeEvent],
               encoding: str = UTF16) -> Entry | None:
        """Apply the client's changes in order (each range is relative to the
        text after the previous change, as LSP specifies)."""
        entry = self._entries.get(uri)
        if entry is None:
            log.warning("didChange for %s, which is not open", uri)
            return None
        doc = entry.document
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = doc.offset_at(change.range.start.line, change.range.start.character, encoding)
                end = doc.offset_at(change.range.end.line, change.range.end.character, encoding)
                doc.edit(start, max(start, end), change.text)
            else:
                doc.update(change.text)
        entry.version = version
        self._notify(uri, entry)
        return entry

    def close(self, uri: str) -> None:
        """Stop tracking `uri`."""
        if self._entries.pop(uri, None) is not None:
            self._notify(uri, None)

    def saved(self, uri: str, text: str | None) -> None:
        """The client saved `uri` (with `text`, when it sent it)."""
        entry = self._entries.get(uri)
        for listener in self._save_listeners:
            listener(uri, entry, text)

    def _notify(self, uri: str, entry: Entry | None) -> None:
        for listener in self._listeners:
            listener(uri, entry)


T = TypeVar("T")


class PerDocument(Generic[T]):
    """One object per open document (a feature's cache), made on first use and dropped when it closes."""

    def __init__(self, store: DocumentStore, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._items: dict[str, T] = {}
        store.subscribe(self._forget)

    def __getitem__(self, uri: str) -> T:
        item = self._items.get(uri)
        if item is None:
            item = self._items[uri] = self._factory()
        return item

    def _forget(self, uri: str, entry: Entry | None) -> None:
        if entry is None:
            self._items.pop(uri, None)


def register(server: ServerContext) -> None:
    """Keep `server.documents` in step with the client."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        server.documents.open(doc.uri, doc.version, doc.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        doc = params.text_document
        server.documents.change(doc.uri, doc.version, params.content_changes, server.position_encoding)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.documents.close(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=True))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.documents.saved(params.text_document.uri, params.text)


def unchanged_ends(old: list, new: list) -> tuple[int, int]:
    """(head, tail): how many leading and trailing items `old` and `new` share (equal).

    After an edit the model keeps the section objects before and after the
    edited ones, so a feature that caches per section can take its previous
    answers for both ends wholesale and look only at the middle (callers
    compare the sections' ids: the same objects, not merely equal ones, so
    that what they cached by id stays right). Found by a
    binary search of slice comparisons (C loops that stop at identical
    items): a 5,000-section document costs microseconds, not a Python loop.
    """
    n = min(len(old), len(new))
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[lo:mid] == new[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    head = lo
    lo, hi = 0, n - head
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:len(old) - lo] == new[len(new) - mid:len(new) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return head, lo


def unchanged_sections(old_ids: list[int], old_rows: list[int], ids: list[int],
                       rows: list[int]) -> tuple[int, int]:
    """(head, tail): how many leading and trailing sections are the same objects on the same lines as in
    the last answer (whose section ids and first lines were `old_ids`, `old_rows`)."""
    head, tail = unchanged_ends(old_ids, ids)
    head = min(head, unchanged_ends(old_rows, rows)[0])
    a, b = old_rows[len(old_rows) - tail:], rows[len(rows) - tail:]
    return head, tail if a == b else min(tail, unchanged_ends(a, b)[1])
