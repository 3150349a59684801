"""The negotiated position encoding is honoured both ways: in the ranges of
incoming edits and in the ranges of published diagnostics.

A client that offers UTF-8 (or UTF-32) first gets it; the same document as in
test_diagnostics.py then has its columns counted in bytes (or code points).
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsp_support import CONFIG, DOC, change_document, open_document, spans, wait_published
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _start(client: LanguageClient, encoding: types.PositionEncodingKind) -> None:
    caps = types.ClientCapabilities(general=types.GeneralClientCapabilities(
        position_encodings=[encoding, types.PositionEncodingKind.Utf16]))
    result = await client.initialize_session(types.InitializeParams(capabilities=caps))
    assert result.capabilities.position_encoding == encoding


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def utf8_client(lsp_client: LanguageClient):
    await _start(lsp_client, types.PositionEncodingKind.Utf8)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def utf32_client(lsp_client: LanguageClient):
    await _start(lsp_client, types.PositionEncodingKind.Utf32)
    yield
    await lsp_client.shutdown_session()


async def test_utf8_columns_are_bytes(utf8_client: LanguageClient):
    client, uri = utf8_client, "file:///tmp/utf8.dlm"
    open_document(client, uri, DOC)
    # 😀 and 𝔘 are four bytes each, é two: 'bogus' moves from 36 to 43.
    assert spans(await wait_published(client, uri, 1)) == [
        ("FM122", "3:29-3:41"), ("FM110", "3:43-3:48"), ("DLM402", "8:0-8:5")]
    change_document(client, uri, 2, ((3, 29, 3, 41), "lora"))
    assert spans(await wait_published(client, uri, 2)) == [("FM110", "3:35-3:40"), ("DLM402", "8:0-8:5")]


async def test_utf32_columns_are_code_points(utf32_client: LanguageClient):
    client, uri = utf32_client, "file:///tmp/utf32.dlm"
    open_document(client, uri, DOC)
    assert spans(await wait_published(client, uri, 1)) == [
        ("FM122", "3:29-3:34"), ("FM110", "3:36-3:41"), ("DLM402", "8:0-8:5")]
    change_document(client, uri, 2, ((3, 29, 3, 34), "lora"))
    assert spans(await wait_published(client, uri, 2)) == [("FM110", "3:35-3:40"), ("DLM402", "8:0-8:5")]
