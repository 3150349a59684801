"""textDocument/publishDiagnostics: every problem the core finds, while typing.

A run publishes the model's problems (parse, train-time and lint, kept with
each section and reused across edits) merged with the cross-checks that need
the whole document or the disk (`dlmls.core.crosscheck`): undeclared
adapters, dangling source section ids, missing files, unknown base models.
Paths resolve against the document's directory for `file:` URIs only; file
existence is remembered for a couple of seconds so a burst of edits does not
stat the same files again and again.

Publishing is debounced per document by cancelling the pending asyncio task
and starting a new one (as esbonio does), so a burst of keystrokes costs one
conversion. Opening a document publishes at once. Each run is tagged with
the document version it was computed from and is dropped if the document has
moved on. Columns are converted from the core's code points to the
negotiated position encoding; the problem's stage (parse, train, lint) and
any machine-readable extras travel in `data` for later quick fixes.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from dlmls.core.crosscheck import CrossCache, crosscheck
from dlmls.core.document import Model
from dlmls.core.problems import Problem
from dlmls.lsp.positions import RangeConverter
from dlmls.lsp.workspace import Entry

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

log = logging.getLogger(__name__)

SOURCE = "dlmls"
DEFAULT_DELAY = 0.1  # seconds of quiet after a change before publishing


EXISTS_TTL = 2.0  # seconds a file-existence answer is reused


def to_diagnostics(model: Model, encoding: str, extra: Iterable[Problem] = ()) -> list[types.Diagnostic]:
    """The model's problems (and `extra` ones, in document order) as LSP
    diagnostics with ranges in `encoding`."""
    convert = RangeConverter(model, encoding)
    problems = heapq.merge(model.problems, extra, key=lambda p: (p.range.start_line, p.range.start_col))
    return [_diagnostic(p, convert) for p in problems]


def document_dir(uri: str) -> str | None:
    """The directory of a `file:` URI (None for untitled and other schemes)."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.dirname(path) if path else None


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


def _diagnostic(p: Problem, convert: RangeConverter) -> types.Diagnostic:
    return types.Diagnostic(
        range=convert.range(p.range),
        severity=types.DiagnosticSeverity(int(p.severity)),
        code=p.code,
        source=SOURCE,
        message=p.message,
        data={"stage": p.stage.value, **(p.data or {})},
    )


class Publisher:
    """Schedules, debounces and publishes diagnostics for each open document."""

    def __init__(self, server: DlmLanguageServer, delay: float = DEFAULT_DELAY) -> None:
        self.server = server
        self.delay = delay
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._known: set[str] = set()  # URIs scheduled at least once since they were opened
        self._cross: dict[str, CrossCache] = {}
        self.exists = CachedExists()

    def cross_problems(self, uri: str, model: Model) -> list[Problem]:
        """The cross-check problems of the open document `uri` at `model`."""
        cache = self._cross.setdefault(uri, CrossCache())
        return crosscheck(model, document_dir(uri), self.exists, cache)

    def on_change(self, uri: str, entry: Entry | None) -> None:
        """Store listener: (re)schedule a run, or clear diagnostics on close."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if entry is None:
            self._known.discard(uri)
            self._cross.pop(uri, None)
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            return
        # A freshly opened document has no earlier diagnostics to flicker: no wait.
        delay = self.delay if uri in self._known else 0.0
        self._known.add(uri)
        task = asyncio.get_running_loop().create_task(self._publish_later(uri, entry.version, delay))
        self._pending[uri] = task

    async def _publish_later(self, uri: str, version: int, delay: float) -> None:
        await asyncio.sleep(delay)  # a newer change cancels us here
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]
        entry = self.server.documents.get(uri)
        if entry is None or entry.version != version:
            return  # stale: a newer run is (or was) scheduled
        # Converting runs on the event loop, so no edit can land before the
        # publish; were it moved to a thread, the version check would go after it.
        model = entry.document.model
        diagnostics = to_diagnostics(model, self.server.position_encoding, self.cross_problems(uri, model))
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics))


def register(server: DlmLanguageServer) -> None:
    """Publish diagnostics whenever an open document changes."""
    server.diagnostics = Publisher(server)
    server.documents.subscribe(server.diagnostics.on_change)
