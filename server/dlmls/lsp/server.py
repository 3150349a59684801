"""The dlmls language server: one pygls `LanguageServer` and the features it serves.

Adding a feature is one module with a `register(server)` function plus one
line in `FEATURES`. The server holds the open documents (`documents`) and
reads the position encoding pygls negotiated at `initialize` (the client's
first choice among UTF-8, UTF-16 and UTF-32; UTF-16 when it offers none).
Nothing here, or in what it imports, loads torch: the server must start fast
and stay small; heavy work belongs to the worker process.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

import msgspec
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from dlmls import __version__
from dlmls.lsp import (
    code_actions,
    completion,
    definition,
    diagnostics,
    folding,
    hover,
    selection_range,
    semantic_tokens,
    settings,
    symbols,
    training,
    workspace,
)
from dlmls.lsp.positions import encoding_name
from dlmls.lsp.raw import RawJson
from dlmls.store_reader import StoreReader

log = logging.getLogger(__name__)

FEATURES = (workspace, diagnostics, symbols, folding, semantic_tokens, hover, completion, definition,
            selection_range, code_actions, settings, training)  # training chains onto code_actions' handler


class DlmProtocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of every open document.

    pygls keeps each open text in its workspace and splices every change
    into it (a few milliseconds per keystroke on a 1 MB document, and a
    second copy in memory). dlmls keeps the text in its core `Document`s
    (`workspace.DocumentStore`), so these three notifications go straight to
    the registered handlers. Large results (`RawJson`) and diagnostics go
    out encoded by msgspec.
    """

    def _send_response(self, msg_id, result=None, error=None):  # type: ignore[no-untyped-def,override]
        if error is None and isinstance(result, RawJson):
            self._result_types.pop(msg_id, None)
            self._send_json({"jsonrpc": "2.0", "id": msg_id, "result": result.value})
            return
        super()._send_response(msg_id, result, error)

    def notify_json(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification whose params are already plain JSON values.

        pygls serialises through lsprotocol's cattrs converter and `json`,
        which on a large document's diagnostics costs more than computing
        them; `publishDiagnostics` is sent on every keystroke, so it is
        built as plain dicts (cached per problem) and encoded with msgspec.
        """
        self._send_json({"jsonrpc": "2.0", "method": method, "params": params})

    def _send_json(self, message: dict[str, Any]) -> None:
        if self.writer is None:
            log.error("cannot send a message: no transport")
            return
        if not self._include_headers:  # a websocket transport: pygls's own framing
            self._send_data(message)
            return
        body = msgspec.json.encode(message)
        header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset=utf-8\r\n\r\n"
        res = self.writer.write(header.encode("ascii") + body)
        if inspect.isawaitable(res):
            asyncio.ensure_future(res)

    def _user_handler(self, method: str):  # type: ignore[no-untyped-def]
        return self.fm.features.get(method)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):  # type: ignore[override]
        if (handler := self._user_handler(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):  # type: ignore[override]
        if (handler := self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):  # type: ignore[override]
        if (handler := self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class DlmLanguageServer(LanguageServer):
    """pygls's server plus the state dlmls features share."""

    def __init__(self) -> None:
        super().__init__("dlmls", __version__, protocol_cls=DlmProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents = workspace.DocumentStore()
        self.diagnostics: diagnostics.Publisher | None = None
        self.store_reader = StoreReader()  # cached, read-only views of adapter stores (hover, diagnostics)

    @property
    def dlm_home(self) -> str | None:
        """The `dlmHome` setting (None: $DLM_HOME or ~/.dlm)."""
        return getattr(getattr(self, "settings", None), "dlm_home", None)

    @property
    def position_encoding(self) -> str:
        """The negotiated position encoding as `Document.offset_at` names it."""
        return encoding_name(self.workspace.position_encoding)


def create_server() -> DlmLanguageServer:
    """A server with every feature registered."""
    server = DlmLanguageServer()
    for feature in FEATURES:
        feature.register(server)
    return server
