"""A file that is not valid UTF-8, opened in an editor.

The editor decodes it with U+FFFD in place of each bad byte sequence and
sends that text, so the buffer is valid and `dlmls check`'s DLM001 never
appears by itself; saving would write the U+FFFD characters back for good.
The server notices the U+FFFD, reads the file, and reports where its first
bad byte is; a save that makes the file valid clears the error.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsp_support import CONFIG, open_document, spans, wait_for, wait_published
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

GOOD = b"---\ndlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7\nbase_model: smollm2-135m\n---\nProse.\n"
BAD = GOOD + b"Caf\xe9 au lait, na\xefve.\n"  # Latin-1 bytes: the first bad one is line 6, column 4


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


def utf8_errors(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == "DLM001"]


async def test_a_file_that_is_not_utf8_gets_an_error_where_its_first_bad_byte_is(client, tmp_path):
    path = tmp_path / "latin1.dlm"
    path.write_bytes(BAD)
    uri = path.as_uri()
    open_document(client, uri, BAD.decode("utf-8", "replace"))
    found = utf8_errors(await wait_published(client, uri, 1))
    assert spans(found) == [("DLM001", "5:3-5:4")]
    d = found[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert "not valid UTF-8" in d.message and "line 6, column 4" in d.message and "0xe9" in d.message
    assert "saving will replace" in d.message

    # The editor saves: the U+FFFD characters are now what the file holds, valid UTF-8. The error goes.
    path.write_bytes(BAD.decode("utf-8", "replace").encode())
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    # (Other features may publish again meanwhile, e.g. the workspace scan for duplicate dlm_ids: wait for
    # the publish that follows the save, not for any second one.)
    await wait_for(lambda: not utf8_errors(client.published[uri][-1].diagnostics), timeout=10)


async def test_replacement_characters_in_a_valid_file_are_just_text(client, tmp_path):
    text = GOOD.decode() + "A literal \ufffd in the prose.\n"
    path = tmp_path / "valid.dlm"
    path.write_text(text, encoding="utf-8")
    open_document(client, path.as_uri(), text)
    assert utf8_errors(await wait_published(client, path.as_uri(), 1)) == []


async def test_a_buffer_without_a_file_is_not_checked(client):
    uri = "untitled:Untitled-1"
    open_document(client, uri, GOOD.decode() + "\ufffd\n")
    assert utf8_errors(await wait_published(client, uri, 1)) == []
