"""textDocument/publishDiagnostics: every problem the core finds, while typing.

A run publishes the model's problems (parse, train-time and lint, kept with
each section and reused across edits) merged with the cross-checks that need
the whole document or the disk (`dlmls.core.crosscheck`): undeclared
adapters, dangling source section ids, missing files, unknown base models
(merged by `dlmls.core.checks`, as `dlmls check` and `dlmls train` see them:
an Error here is exactly what makes training refuse the document); and a
hint (DLM500) when the text has moved on from what the current adapter
version was trained on, read (cached, read-only) from the store; and a
warning (DLM501, lsp/duplicates.py) when another `.dlm` file around uses
the same `dlm_id`.
Paths resolve against the document's directory for `file:` URIs only; file
existence is remembered for a couple of seconds so a burst of edits does not
stat the same files again and again.

Publishing is debounced per document by cancelling the pending asyncio task
and starting a new one (as esbonio does). The default delay is zero: a run
starts as soon as the server has handled the changes already waiting, so
every keystroke the server keeps up with gets its diagnostics at once
(an incremental run costs a few milliseconds even on a 1 MB document) and a
burst that arrives faster than that costs one run. The `diagnosticsDelay`
setting adds a quiet period for writers who prefer less churn. Each run is
tagged with the document version it was computed from and is dropped if the
document has moved on.

Columns are converted from the core's code points to the negotiated
position encoding; the problem's stage (parse, train, lint) and any
machine-readable extras travel in `data` for later quick fixes. Problems
the core reuses across an edit (every section the edit did not touch) are
the same objects, on unchanged lines, so their JSON is reused too, and the
notification is encoded with msgspec rather than through lsprotocol's
converter: on a document with a thousand warnings that is the difference
between ~17 ms and ~2 ms a keystroke.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import to_fs_path

from dlmls.core.problems import Problem, Range, Severity, Stage
from dlmls.core.text import REPLACEMENT, file_encoding_problem
from dlmls.lsp.positions import RangeConverter

if TYPE_CHECKING:
    from dlmls.core.crosscheck import CrossCache
    from dlmls.core.document import Model
    from dlmls.lsp.context import ServerContext
    from dlmls.lsp.workspace import Entry
    from dlmls.store_reader import StoreReader

log = logging.getLogger(__name__)

SOURCE = "dlmls"
EXISTS_TTL = 2.0  # seconds a file-existence answer is reused


def document_dir(uri: str) -> str | None:
    """The directory of a `file:` URI (None for untitled and other schemes)."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.dirname(path) if path else None


def adapter_problems(model: Model, reader: StoreReader, home: str | None) -> list[Problem]:
    """DLM500 on the frontmatter opener when a current adapter was trained from other text.

    A hint, not a warning: the document is fine, the adapter is behind it.
    It names each stale adapter's version, and goes away when a retrain (or
    an undo back to the trained text) makes the adapter current again. The
    document is hashed only when the store has a version with a recorded hash.
    """
    info = model.frontmatter.info if model.frontmatter is not None else None
    dlm_id = info.dlm_id if info is not None else None
    store = reader.store(home, dlm_id) if isinstance(dlm_id, str) else None
    if store is None:
        return []
    from dlmls.core.completion import declared_adapters

    digest = None
    stale = []
    for adapter in list(declared_adapters(model)) or [None]:
        status = reader.status(store, adapter)
        if status.version is None or not status.document_sha256:
            continue
        digest = digest or reader.document_sha256(model.source)
        if status.document_sha256 != digest:
            stale.append(f"{adapter} {status.version}" if adapter else status.version)
    if not stale:
        return []
    which = "adapter " + ", ".join(stale)
    return [Problem("DLM500", Severity.HINT, Range(0, 0, 0, 3),
                    f"the document changed since {which} was trained; Retrain to include the changes",
                    Stage.LINT, {"versions": stale})]


class CachedExists:
    """`os.path.exists` with answers remembered for `ttl` seconds."""

    def __init__(self, ttl: float = EXISTS_TTL, clock=time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._seen: dict[str, tuple[bool, float]] = {}

    def __call__(self, path: str) -> bool:
        now = self.clock()
        hit = self._seen.get(path)
        if hit is not None and now - hit[1] < self.ttl:
            return hit[0]
        if len(self._seen) > 50_000:
            self._seen.clear()
        found = os.path.exists(path)
        self._seen[path] = (found, now)
        return found


def diagnostic_json(p: Problem, convert: RangeConverter) -> dict[str, Any]:
    """One problem as the JSON of an LSP `Diagnostic`."""
    return {
        "range": convert.range_json(p.range),
        "severity": int(p.severity),
        "code": p.code,
        "source": SOURCE,
        "message": p.message,
        "data": {"stage": p.stage.value, **(p.data or {})},
    }


class JsonCache:
    """The JSON of the problems published last time, by problem object.

    A problem object the core kept across an edit sits on lines the edit
    did not touch (a changed section, or a shifted one, gets new problem
    objects), so its converted JSON is still right. Each run keeps only what
    it used, so the cache never outgrows one document's problems.
    """

    __slots__ = ("encoding", "_by_id")

    def __init__(self) -> None:
        self.encoding = ""
        self._by_id: dict[int, tuple[Problem, dict[str, Any]]] = {}

    def convert(self, problems: Iterable[Problem], convert: RangeConverter) -> list[dict[str, Any]]:
        """The JSON of each problem, in order."""
        previous = self._by_id if convert.encoding == self.encoding else {}
        current: dict[int, tuple[Problem, dict[str, Any]]] = {}
        out = []
        for p in problems:
            hit = previous.get(id(p))
            if hit is None or hit[0] is not p:
                hit = (p, diagnostic_json(p, convert))
            current[id(p)] = hit  # keeps `p` alive, so its id is not reused while cached
            out.append(hit[1])
        self._by_id, self.encoding = current, convert.encoding
        return out


class Publisher:
    """Schedules, debounces and publishes diagnostics for each open document."""

    def __init__(self, server: ServerContext, delay: float | None = None) -> None:
        self.server = server
        self.delay = delay  # None: the `diagnosticsDelay` setting
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._cross: dict[str, CrossCache] = {}
        self._json: dict[str, JsonCache] = {}
        self.exists = CachedExists()
        self._files: dict[str, tuple[tuple[int, int], Problem | None]] = {}  # uri -> ((mtime, size), DLM001)
        # More checks of other features, `check(uri, model) -> [Problem]`, run on every publish (so cheap:
        # lsp/duplicates.py's DLM501 is a lookup in its last scan).
        self.checks: list[Callable[[str, Model], list[Problem]]] = []

    def file_problems(self, uri: str, model: Model) -> list[Problem]:
        """DLM001 when the buffer shows U+FFFD because the file behind it is not valid UTF-8.

        The client decodes the file, so the buffer never holds the bad bytes
        `dlmls check` reports; a U+FFFD in the text is the trace they leave.
        Only then is the file read, and its answer kept until its size or
        modification time changes (a save that writes the U+FFFD back makes
        it valid, and the error goes).
        """
        if REPLACEMENT not in model.source:
            return []
        path = to_fs_path(uri) if uri.startswith("file:") else None
        try:
            st = os.stat(path or "")
        except OSError:
            return []
        key = (st.st_mtime_ns, st.st_size)
        hit = self._files.get(uri)
        if hit is None or hit[0] != key:
            try:
                with open(path or "", "rb") as f:
                    hit = (key, file_encoding_problem(f.read()))
            except OSError:
                return []
            self._files[uri] = hit
        return [hit[1]] if hit[1] is not None else []

    def problems(self, uri: str, model: Model, extra: Iterable[Problem] = ()) -> list[Problem]:
        """The problems of the open document `uri` at `model` with its cross-checks (and `extra`), in
        document order: `dlmls.core.checks`, as `dlmls check` and `dlmls train` see them."""
        from dlmls.core import checks
        from dlmls.core.crosscheck import CrossCache

        cache = self._cross.get(uri)
        if cache is None:
            cache = self._cross[uri] = CrossCache()
        return checks.document_problems(model, document_dir(uri), self.exists, cache, extra)

    def current_delay(self) -> float:
        """Seconds of quiet to wait after a change before a run."""
        if self.delay is not None:
            return self.delay
        settings = getattr(self.server, "settings", None)
        return getattr(settings, "diagnostics_delay", 0.0)

    def refresh(self, uri: str) -> None:
        """Publish again for an open document whose surroundings changed (e.g. a new adapter version)."""
        entry = self.server.documents.get(uri)
        if entry is not None:
            self.on_change(uri, entry)

    def on_change(self, uri: str, entry: Entry | None) -> None:
        """Store listener: (re)schedule a run, or clear diagnostics on close."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if entry is None:
            self._cross.pop(uri, None)
            self._files.pop(uri, None)
            self._json.pop(uri, None)
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            return
        # A freshly opened document has no earlier diagnostics to flicker: no wait.
        delay = self.current_delay() if uri in self._json else 0.0
        self._json.setdefault(uri, JsonCache())
        task = asyncio.get_running_loop().create_task(self._publish_later(uri, entry.version, delay))
        self._pending[uri] = task

    async def _publish_later(self, uri: str, version: int, delay: float) -> None:
        # A newer change cancels us while we wait; with no delay the wait is
        # one turn of the event loop, so changes already read come first.
        await asyncio.sleep(delay)
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]
        entry = self.server.documents.get(uri)
        if entry is None or entry.version != version:
            return  # stale: a newer run is (or was) scheduled
        self.publish(uri, entry)

    def publish(self, uri: str, entry: Entry) -> None:
        """Publish the diagnostics of `entry` now.

        Runs on the event loop, so no edit can land between computing and
        sending; were it moved to a thread, the version check would go after it.
        """
        model = entry.document.model
        convert = RangeConverter(model, self.server.position_encoding)
        extra = adapter_problems(model, self.server.store_reader, self.server.dlm_home)
        extra += self.file_problems(uri, model)
        for check in self.checks:
            extra += check(uri, model)
        problems = self.problems(uri, model, extra)
        diagnostics = self._json.setdefault(uri, JsonCache()).convert(problems, convert)
        self.server.protocol.notify_json(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                                         {"uri": uri, "version": entry.version, "diagnostics": diagnostics})


def register(server: ServerContext) -> None:
    """Publish diagnostics whenever an open document changes."""
    publisher = server.diagnostics = Publisher(server)
    server.documents.subscribe(publisher.on_change)

    # On save the file on disk changed: what the buffer says about it (DLM001 for a file that was not
    # UTF-8, missing files) may have too.
    server.documents.subscribe_save(lambda uri, _entry, _text: publisher.refresh(uri))
