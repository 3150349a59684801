"""Helpers for driving `dlmls serve` the way an editor does (pytest-lsp).

The test client records every publishDiagnostics notification with its
version, so a test can wait for the diagnostics of one exact document
version and can check which versions were never published (debouncing).
"""

from __future__ import annotations

import asyncio
import sys
from collections import defaultdict
from typing import Any, Union

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from problem_doc import DOC

SERVER_COMMAND = [sys.executable, "-m", "dlmls.cli", "serve"]
TIMEOUT = 10.0



def read_code_actions_as_editors_do(client: LanguageClient) -> None:
    """Tell a `Command` from a `CodeAction` in `textDocument/codeAction` results by the type of "command".

    lsprotocol 2025.0.0 reads any object with a "command" key as a Command, so a CodeAction that runs a
    command loses its kind; editors tell them apart by the key's type (a string in a Command).
    """
    converter = client.protocol._converter

    def structure(obj: Any, _: type) -> types.Command | types.CodeAction:
        return converter.structure(obj, types.Command if isinstance(obj.get("command"), str) else types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007 - the key


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every published diagnostics message."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = defaultdict(list)


def _record(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published[params.uri].append(params)


def make_client() -> RecordingClient:
    """A test client whose diagnostics handler records versions too."""
    client = RecordingClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record})
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)


async def wait_published(client: RecordingClient, uri: str, version: int | None) -> list[types.Diagnostic]:
    """The diagnostics published for `uri` at `version` (None: a clearing publish)."""

    async def poll() -> list[types.Diagnostic]:
        while True:
            for params in client.published.get(uri, ()):
                if params.version == version:
                    return list(params.diagnostics)
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(poll(), TIMEOUT)


async def wait_for(predicate, timeout: float = 30.0):
    """The first truthy value of `predicate()`, polled (timeout: a worker job's time, not a request's)."""

    async def poll():
        while not (value := predicate()):
            await asyncio.sleep(0.02)
        return value

    return await asyncio.wait_for(poll(), timeout)


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    """Send didOpen for a `.dlm` document."""
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="dlm", version=version, text=text)))


def change_document(client: LanguageClient, uri: str, version: int,
                    *edits: tuple[tuple[int, int, int, int], str]) -> None:
    """Send one didChange holding incremental edits ((l1, c1, l2, c2), text), applied in order."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=a, character=b),
                                  end=types.Position(line=c, character=d)),
                text=text)
            for (a, b, c, d), text in edits]))


def spans(diagnostics: list[types.Diagnostic]) -> list[tuple[str, str]]:
    """(code, "line:col-line:col") of each diagnostic, 0-based, in the client's units."""
    out = []
    for d in diagnostics:
        start, end = d.range.start, d.range.end
        out.append((str(d.code), f"{start.line}:{start.character}-{end.line}:{end.character}"))
    return out


def plain(value: Any) -> Any:
    """A custom request's or command's result as plain JSON values (pygls hands results of unknown types
    over as named tuples)."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
