"""textDocument/publishDiagnostics: every problem the core finds, while typing.

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
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.core.document import Model
from dlmls.core.problems import Problem
from dlmls.lsp.positions import RangeConverter
from dlmls.lsp.workspace import Entry

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

log = logging.getLogger(__name__)

SOURCE = "dlmls"
DEFAULT_DELAY = 0.1  # seconds of quiet after a change before publishing


def to_diagnostics(model: Model, encoding: str) -> list[types.Diagnostic]:
    """The model's problems as LSP diagnostics with ranges in `encoding`."""
    convert = RangeConverter(model, encoding)
    return [_diagnostic(p, convert) for p in model.problems]


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

    def on_change(self, uri: str, entry: Entry | None) -> None:
        """Store listener: (re)schedule a run, or clear diagnostics on close."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if entry is None:
            self._known.discard(uri)
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
        diagnostics = to_diagnostics(entry.document.model, self.server.position_encoding)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics))


def register(server: DlmLanguageServer) -> None:
    """Publish diagnostics whenever an open document changes."""
    server.diagnostics = Publisher(server)
    server.documents.subscribe(server.diagnostics.on_change)
