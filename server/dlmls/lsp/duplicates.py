"""Copies of a document share its adapter store: DLM501 and the "Give this document a new dlm_id" fix.

A `.dlm` file copied by hand (`cp notes.dlm notes-2.dlm`) keeps its
`dlm_id`, and the `dlm_id` names the adapter store: training either copy
makes a new version of the one adapter both documents show. The server
therefore knows the `dlm_id` of every `.dlm` file around the open documents
(`WorkspaceIds`): the files under the workspace folders (recursively) and
those next to each open document. A scan reads the first
`HEAD_BYTES` of each file (the frontmatter's `dlm_id:` line) and is cached
by the file's modification time and size, so a rescan reads only what
changed; it is bounded (`MAX_FILES` `.dlm` files, `MAX_DIRS` directories,
hidden directories, `node_modules`, `__pycache__` and `site-packages`
skipped; symbolic links to directories not followed) and runs on a
thread, never on a keystroke: when a document opens or is saved, when
asked for code actions on the `dlm_id` line (if the last scan is
`ACTION_RESCAN_S` old, or of other folders). A scan asked for while one
runs follows it (once).

An open document's own text is what counts for it (not its file), and
only documents whose files exist (the last scan saw them) are compared: two
unsaved buffers with one id are not yet two documents. While typing, the
check is a dictionary lookup in the last scan: a warning DLM501 on the `dlm_id` value
names the other file(s), and a quick fix, "Give this document a new
dlm_id", replaces the value with a fresh ULID (`dlmls.templates.new_dlm_id`,
what `dlmls init` writes) in a versioned edit. A code action request waits
(up to `WAIT_S`) for a scan in progress, so the fix is offered even right
after the server starts. Nothing here writes anything or creates a store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import to_fs_path

from dlmls.core.problems import Problem, Range, Severity, Stage
from dlmls.lsp import code_actions
from dlmls.lsp.diagnostics import SOURCE
from dlmls.lsp.positions import RangeConverter

if TYPE_CHECKING:
    from dlmls.core.document import Model
    from dlmls.lsp.context import ServerContext
    from dlmls.lsp.workspace import Entry

log = logging.getLogger(__name__)

CODE = "DLM501"
TITLE = "Give this document a new dlm_id"
MAX_FILES = 2000  # `.dlm` files indexed per scan
MAX_DIRS = 5000  # directories looked into per scan
HEAD_BYTES = 4096  # of each file: the frontmatter's first lines
WAIT_S = 2.0  # how long a code action request waits for a scan in progress
ACTION_RESCAN_S = 5.0  # a code action on the dlm_id line rescans when the last scan is older than this
SKIP_DIRS = frozenset(("node_modules", "__pycache__", "site-packages"))
_ID_LINE = re.compile(rb"^dlm_id:[ \t]*(['\"]?)([0-9A-HJ-KM-NP-TV-Z]{26})\1[ \t]*(?:#.*)?\r?$", re.MULTILINE)
_CLOSE = re.compile(rb"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)

Signature = tuple[int, int]  # (mtime_ns, size)


def head_id(head: bytes) -> str | None:
    """The `dlm_id` the frontmatter at the start of `head` names (None: none, or not a ULID)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not re.match(rb"---[ \t]*\r?\n", head):
        return None
    body = head[head.index(b"\n") + 1:]
    close = _CLOSE.search(body)
    found = _ID_LINE.search(body, 0, close.start() if close else len(body))
    return found.group(2).decode("ascii") if found else None


def _read_id(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return head_id(f.read(HEAD_BYTES))
    except OSError:
        return None


def scan(roots: Iterable[str], shallow: Iterable[str], known: dict[str, tuple[Signature, str | None]],
         max_files: int = MAX_FILES, max_dirs: int = MAX_DIRS) -> dict[str, tuple[Signature, str | None]]:
    """The `.dlm` files under `roots` (recursively) and in `shallow` (those directories only): real path →
    (signature, dlm_id). A file whose signature is the one in `known` is not read again."""
    out: dict[str, tuple[Signature, str | None]] = {}
    dirs = 0
    seen: set[str] = set()
    stack = [(d, True) for d in roots] + [(d, False) for d in shallow]
    stack.reverse()
    while stack and dirs < max_dirs and len(out) < max_files:
        folder, deep = stack.pop()
        if folder in seen:
            continue
        seen.add(folder)
        dirs += 1
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        below = []
        for e in entries:
            try:
                if e.name.endswith(".dlm") and e.is_file():
                    path = os.path.realpath(e.path) if e.is_symlink() else e.path
                    st = os.stat(path)
                    sig = (st.st_mtime_ns, st.st_size)
                    hit = known.get(path)
                    out[path] = hit if hit is not None and hit[0] == sig else (sig, _read_id(path))
                    if len(out) >= max_files:
                        break
                elif deep and e.is_dir(follow_symlinks=False) and not e.name.startswith(".") \
                        and e.name not in SKIP_DIRS:
                    below.append(e.path)
            except OSError:
                continue
        stack.extend((d, True) for d in reversed(below))
    return out


class WorkspaceIds:
    """The `dlm_id`s of the `.dlm` files around the open documents, from the last scan (see the module)."""

    def __init__(self, server: ServerContext) -> None:
        self.server = server
        self.files: dict[str, tuple[Signature, str | None]] = {}  # real path -> (signature, dlm_id)
        self.by_id: dict[str, set[str]] = {}
        self.scanned_at: float | None = None  # time.monotonic() of the last finished scan
        self._roots: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # of the last scan
        self._scan: asyncio.Future[Any] | None = None
        self._again = False  # asked for while a scan ran: one more when it ends
        self._paths: dict[str, str | None] = {}  # open uri -> real path of its file (None: not a file)
        self._ids: dict[str, str | None] = {}  # open uri -> the dlm_id its text had last time

    # ---------------------------------------------------------------- where to look

    def roots(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(workspace folders, the other folders of open documents), as real paths."""
        try:
            ws = self.server.workspace
        except (AttributeError, RuntimeError):  # pygls: none before `initialize`
            ws = None
        uris = [f.uri for f in getattr(ws, "folders", {}).values()] if ws is not None else []
        root = getattr(ws, "root_uri", None)
        if isinstance(root, str) and root not in uris:
            uris.append(root)
        deep = []
        for uri in uris:
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path and os.path.isdir(path):
                deep.append(os.path.realpath(path))
        shallow = set()
        for path in self._paths.values():
            if path is None or not os.path.isfile(path):
                continue
            folder = os.path.dirname(path)
            if not any(folder == d or folder.startswith(d.rstrip(os.sep) + os.sep) for d in deep):
                shallow.add(folder)
        return tuple(sorted(set(deep))), tuple(sorted(shallow))

    def path_of(self, uri: str) -> str | None:
        """The real path of an open document's file (None: not a `file:` URI)."""
        if uri not in self._paths:
            path = to_fs_path(uri) if uri.startswith("file:") else None
            self._paths[uri] = os.path.realpath(path) if path else None
        return self._paths[uri]

    # ---------------------------------------------------------------- scanning

    def stale(self, age: float) -> bool:
        """Whether the last scan is missing, older than `age` seconds, or of other folders than now."""
        return self.scanned_at is None or time.monotonic() - self.scanned_at > age \
            or self._roots != self.roots()

    def refresh(self, force: bool = False, age: float = ACTION_RESCAN_S) -> asyncio.Future[Any] | None:
        """Start a scan in the background unless one runs or the last is fresher than `age` seconds
        (`force`: rescan anyway); the scan in progress (None: none). Asked for while one runs, with
        `force` or for other folders, one more follows it."""
        if self._scan is not None and not self._scan.done():
            self._again = self._again or force or self._roots != self.roots()
            return self._scan
        if not force and not self.stale(age):
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        roots = self._roots = self.roots()
        known = dict(self.files)
        self._scan = loop.run_in_executor(None, scan, roots[0], roots[1], known)
        self._scan.add_done_callback(self._scanned)
        return self._scan

    def _scanned(self, future: asyncio.Future[Any]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            log.warning("scanning the workspace for .dlm files failed: %s", exc)
            return
        files: dict[str, tuple[Signature, str | None]] = future.result()
        by_id: dict[str, set[str]] = {}
        for path, (_, dlm_id) in files.items():
            if dlm_id is not None:
                by_id.setdefault(dlm_id, set()).add(path)
        changed = {i for i in set(by_id) | set(self.by_id) if by_id.get(i) != self.by_id.get(i)}
        # Open documents whose file the scan sees now, or no longer, are compared (or not) from now on.
        appeared = {uri for uri, path in self._paths.items() if (path in files) != (path in self.files)}
        self.files, self.by_id, self.scanned_at = files, by_id, time.monotonic()
        if changed:
            self._republish(changed)
        publisher = self.server.diagnostics
        for uri in appeared:
            if publisher is not None and self._ids.get(uri) not in changed:
                publisher.refresh(uri)
        if self._again:
            self._again = False
            self.refresh(force=True)

    async def fresh(self, timeout: float = WAIT_S) -> None:
        """Wait (up to `timeout`) for a scan in progress, starting one if the last is `ACTION_RESCAN_S`
        old."""
        pending = self.refresh(age=ACTION_RESCAN_S)
        if pending is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(pending), timeout)
        except (TimeoutError, asyncio.TimeoutError, OSError):
            pass

    # ---------------------------------------------------------------- answers

    def others(self, uri: str, dlm_id: str | None) -> list[str]:
        """The files other than `uri`'s that use `dlm_id` (their open text, for open ones), sorted; none when
        `uri` is not a file the last scan saw."""
        own = self.path_of(uri)
        if not dlm_id or own is None or own not in self.files:
            return []
        open_paths = {}
        for other, path in self._paths.items():
            if path is not None and other != uri:
                open_paths[path] = other
        found = set()
        for path in self.by_id.get(dlm_id, ()):
            if path != own and path not in open_paths:
                found.add(path)
        for path, other in open_paths.items():
            # An open document counts when its file exists (the last scan saw it) and its text has the id.
            if path != own and path in self.files and self._ids.get(other) == dlm_id:
                found.add(path)
        return sorted(found)

    def problems(self, uri: str, model: Model) -> list[Problem]:
        """DLM501 on the `dlm_id` value when another file uses this document's `dlm_id`."""
        dlm_id = _dlm_id(model)
        rng = _id_range(model)
        others = self.others(uri, dlm_id)
        if not others or rng is None:
            return []
        here = os.path.dirname(self.path_of(uri) or "") or None
        names = [_shown(p, here) for p in others]
        listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        verb = "uses" if len(names) == 1 else "use"
        message = (f"{listed} {verb} the same dlm_id: copies of a document share one adapter store, so "
                   "training one replaces the other's adapter; give this document a new dlm_id")
        return [Problem(CODE, Severity.WARNING, rng, message, Stage.LINT, {"others": others[:20]})]

    # ---------------------------------------------------------------- keeping up

    def on_change(self, uri: str, entry: Entry | None) -> None:
        """Document listener: remember each open document's id; when it changes, the documents that shared
        the old one or share the new one are published again."""
        if entry is None:
            old = self._ids.pop(uri, None)
            self._paths.pop(uri, None)
            if old is not None:
                self._republish({old}, skip=uri)
            return
        opened = uri not in self._ids
        self.path_of(uri)
        new = _dlm_id(entry.document.model)
        old = self._ids.get(uri)
        self._ids[uri] = new
        if opened:  # a file copied since the last scan is most likely the one being opened now
            self.refresh(force=True)
        if new != old:
            self._republish({i for i in (old, new) if i}, skip=uri)

    def on_save(self, uri: str, _entry: Entry | None, _text: str | None) -> None:
        """A document was saved: its file may be new (Save As) or have another id on disk now."""
        self.refresh(force=True)

    def _republish(self, ids: set[str], skip: str | None = None) -> None:
        publisher = self.server.diagnostics
        if publisher is None:
            return
        for other, dlm_id in list(self._ids.items()):
            if other != skip and dlm_id in ids:
                publisher.refresh(other)

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """"Give this document a new dlm_id" on the `dlm_id` line, when another file shares the id."""
        uri = params.text_document.uri
        entry = self.server.documents.get(uri)
        if entry is None:
            return []
        model = entry.document.model
        rng = _id_range(model)
        if rng is None or not (params.range.start.line <= rng.start_line <= params.range.end.line
                               or any(d.code == CODE for d in params.context.diagnostics)):
            return []
        await self.fresh()
        entry = self.server.documents.get(uri)  # the text may have changed while waiting
        if entry is None:
            return []
        model = entry.document.model
        rng = _id_range(model)
        others = self.others(uri, _dlm_id(model))
        if rng is None or not others:
            return []
        from dlmls.templates import new_dlm_id

        convert = RangeConverter(model, self.server.position_encoding)
        ident = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=entry.version)
        edit = types.TextEdit(range=convert.range(rng), new_text=new_dlm_id())
        fixed = [d for d in params.context.diagnostics if d.code == CODE and d.source == SOURCE]
        change = types.TextDocumentEdit(text_document=ident, edits=[edit])
        return [types.CodeAction(title=TITLE, kind=code_actions.KIND, is_preferred=True,
                                 diagnostics=fixed or None, edit=types.WorkspaceEdit(document_changes=[change]))]


def _dlm_id(model: Model) -> str | None:
    info = model.frontmatter.info if model.frontmatter is not None else None
    dlm_id = info.dlm_id if info is not None else None
    return dlm_id if isinstance(dlm_id, str) and dlm_id else None


def _id_range(model: Model) -> Range | None:
    """The range of the `dlm_id` value (quotes included), on one line; None without one."""
    info = model.frontmatter.info if model.frontmatter is not None else None
    pos = info.positions.get(("dlm_id",)) if info is not None else None
    rng = pos.value if pos is not None else None
    return rng if rng is not None and rng.start_line == rng.end_line else None


def _shown(path: str, here: str | None) -> str:
    if here:
        rel = os.path.relpath(path, here)
        if not rel.startswith(".."):
            return rel
    return path


def register(server: ServerContext) -> None:
    """Index the workspace's `dlm_id`s, add DLM501 to the diagnostics and offer the fix."""
    ids = server.workspace_ids = WorkspaceIds(server)
    server.documents.subscribe(ids.on_change)
    server.documents.subscribe_save(ids.on_save)
    if server.diagnostics is not None:
        server.diagnostics.checks.append(ids.problems)
    code_actions.add_provider(server, code_actions.KIND, ids.code_actions)
