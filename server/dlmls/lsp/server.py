"""The dlmls language server: one pygls `LanguageServer` and the features it serves.

Adding a feature is one module with a `register(server)` function plus one
line in `FEATURES`; features see the server only as a
`dlmls.lsp.context.ServerContext` and never import this module. The server holds the open documents (`documents`) and
reads the position encoding pygls negotiated at `initialize` (the client's
first choice among UTF-8, UTF-16 and UTF-32; UTF-16 when it offers none).
Nothing here, or in what it imports, loads torch: the server must start fast
and stay small; heavy work belongs to the worker process.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import stat
import sys
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec
from lsprotocol import types
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from dlmls import __version__
from dlmls.lsp import (
    code_actions,
    code_lens,
    completion,
    definition,
    diagnostics,
    documents,
    duplicates,
    folding,
    hover,
    selection_range,
    semantic_tokens,
    settings,
    status,
    suggestions,
    symbols,
    synthesis,
    training,
    workspace,
)
from dlmls.lsp.positions import encoding_name
from dlmls.lsp.raw import RawJson

if TYPE_CHECKING:
    from dlmls.store_reader import StoreReader

log = logging.getLogger(__name__)

FEATURES = (workspace, diagnostics, symbols, folding, semantic_tokens, hover, completion, definition,
            selection_range, code_actions, settings, training, suggestions, synthesis, code_lens, status,
            documents, duplicates)
# code_actions first (the other features add providers to its handler); synthesis, code_lens and status
# use suggestions, which uses training's jobs; duplicates adds a check to diagnostics' publisher.


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
            if isinstance(result.value, msgspec.Raw) and self._include_headers and self.writer is not None:
                self._send_framed(msg_id, result.value)
                return
            self._send_json({"jsonrpc": "2.0", "id": msg_id, "result": result.value})
            return
        super()._send_response(msg_id, result, error)

    def _send_framed(self, msg_id: Any, result: msgspec.Raw) -> None:
        """A response whose result is already encoded JSON, written around it rather than copied into a
        new message (an outline of a 1 MB document is ~2.4 MB: each copy of it costs about a millisecond)."""
        head = b'{"jsonrpc":"2.0","id":' + msgspec.json.encode(msg_id) + b',"result":'
        length = len(head) + len(result) + 1
        header = f"Content-Length: {length}\r\nContent-Type: {self.CONTENT_TYPE}; charset=utf-8\r\n\r\n"
        for part in (header.encode("ascii") + head, result, b"}"):
            res = self.writer.write(part)
            if inspect.isawaitable(res):
                asyncio.ensure_future(res)

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
        try:
            body = msgspec.json.encode(message)
        except UnicodeEncodeError:
            # A lone surrogate (a client may send one in a document's text) is not UTF-8;
            # json escapes it as `\udXXX`, which is valid JSON.
            body = json.dumps(message).encode("ascii")
        if not self._include_headers:  # a websocket transport: pygls's own framing (of plain values)
            self._send_data(json.loads(body))
            return
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

    @cached_property
    def store_reader(self) -> StoreReader:
        """Cached, read-only views of adapter stores (hover, diagnostics), made when first needed."""
        from dlmls.store_reader import StoreReader

        return StoreReader()

    def _start_io_async(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve stdio with stdin read by the event loop itself.

        pygls reads stdin on a thread pool, one executor round trip per header
        line and per body, so every message waits on thread hand-offs and a
        burst of changes already in the pipe is read one yield at a time. An
        asyncio pipe reader takes whatever the pipe holds in one go. It needs
        a pipe or socket of its own (it makes the descriptor non-blocking, so
        not one shared with stdout); anything else gets pygls's reader.
        """
        source = stdin or sys.stdin.buffer
        sink = stdout or sys.stdout.buffer
        if not _own_pipe(source, sink):
            super()._start_io_async(stdin, stdout)
            return
        self._stop_event = threading.Event()
        _grow_pipe(sink)
        self.protocol.set_writer(StdoutWriter(sink))

        async def serve() -> None:
            loop = asyncio.get_running_loop()
            reader = asyncio.StreamReader()
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), source)
            await run_async(stop_event=self._stop_event, reader=reader, protocol=self.protocol,
                            logger=log, error_handler=self.report_server_error)

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def show_message(self, kind: types.MessageType, message: str) -> None:
        """`window/showMessage`."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """A notification whose params are plain JSON values (custom `dlmls/…` ones included)."""
        self.protocol.notify_json(method, params)

    @property
    def dlm_home(self) -> str | None:
        """The `dlmHome` setting (None: $DLM_HOME or ~/.dlm)."""
        return getattr(getattr(self, "settings", None), "dlm_home", None)

    @property
    def position_encoding(self) -> str:
        """The negotiated position encoding as `Document.offset_at` names it."""
        return encoding_name(self.workspace.position_encoding)


def _own_pipe(source: BinaryIO, sink: BinaryIO) -> bool:
    """Whether `source` is a pipe or socket that is not also `sink`."""
    try:
        st, out = os.fstat(source.fileno()), os.fstat(sink.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    if not (stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)):
        return False
    return (st.st_dev, st.st_ino) != (out.st_dev, out.st_ino)


def _grow_pipe(sink: BinaryIO, size: int = 1 << 20) -> None:
    """Give the pipe to the client room for a large answer (Linux; elsewhere nothing happens).

    A 1 MB document's outline is ~2.4 MB of JSON; through a pipe's default
    64 KB the server and the client take turns ~40 times per answer, and on
    a busy machine each turn waits for the scheduler. A 1 MB pipe (the
    unprivileged maximum) makes that a few turns.
    """
    import fcntl

    try:
        if stat.S_ISFIFO(os.fstat(sink.fileno()).st_mode):
            fcntl.fcntl(sink.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (OSError, ValueError, AttributeError):
        pass


def create_server() -> DlmLanguageServer:
    """A server with every feature registered."""
    server = DlmLanguageServer()
    for feature in FEATURES:
        feature.register(server)
    return server
