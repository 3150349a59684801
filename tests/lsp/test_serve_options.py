"""`dlmls serve --dlm-home DIR`: the store a server's jobs use when the editor sets no `dlmHome`.

A server started with the option (and no dlmHome setting) retrains into DIR; the worker is the
fake engine, as in test_training.py.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from fake_engine import document, worker_env
from lsp_support import SERVER_COMMAND, make_client, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRATCH = Path(tempfile.mkdtemp(prefix="dlmls-serve-options-test-"))
HOME = SCRATCH / "given home"
DLM_ID = "01KPM5CXB51GRX86Q25AKERN7A"
# $DLM_HOME points elsewhere: the option wins over the environment.
CONFIG = ClientServerConfig(server_command=[*SERVER_COMMAND, "--dlm-home", str(HOME)], client_factory=make_client,
                            server_env=worker_env(DLM_HOME=str(SCRATCH / "environment home")))


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


async def test_retrain_uses_the_dlm_home_given_on_the_command_line(client: LanguageClient):
    uri = "file:///tmp/dlmls-serve-options/notes.dlm"
    open_document(client, uri, document("fake-steps: 2", dlm_id=DLM_ID))
    result = await asyncio.wait_for(client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="dlmls.retrain", arguments=[uri])), 60)
    assert result["ok"] is True, result
    pointer = HOME / "store" / DLM_ID / "adapter" / "current.txt"
    assert pointer.read_text().strip() == "adapter/versions/v0001"
    assert not (SCRATCH / "environment home").exists()
