"""End to end: retraining and asking from the editor, with the worker on the fake engine (no torch).

One server process serves the whole module (module-scoped client and event
loop), as in test_features.py. The server gets the fake engine through
$DLMLS_WORKER_ENGINE, and the fake engine writes its pid to a file, so a
test can see whether a worker was started at all. The client declares
work-done progress support; pytest-lsp records every progress token and
`$/progress` value, and every `window/showMessage`.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from fake_engine import document, worker_env
from lsp_support import (SERVER_COMMAND, change_document, make_client, open_document,
                         read_code_actions_as_editors_do, wait_for, wait_published)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRATCH = Path(tempfile.mkdtemp(prefix="dlmls-training-test-"))
PIDFILE = SCRATCH / "worker.pid"
HOME = SCRATCH / "home"
CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client,
                            server_env=worker_env(FAKE_ENGINE_PIDFILE=str(PIDFILE)))
TIMEOUT = 30.0

IDS = iter(f"01KPM5CXB51GRX86Q25AKERN{n:02d}" for n in range(10, 99))


def uri(name: str) -> str:
    return f"file:///tmp/dlmls-training/{name}.dlm"


def opened(client: LanguageClient, name: str, *directives: str) -> tuple[str, str]:
    """Open a fresh document with its own dlm_id; its URI and dlm_id."""
    dlm_id = next(IDS)
    open_document(client, uri(name), document(*directives, dlm_id=dlm_id))
    return uri(name), dlm_id


def current(dlm_id: str) -> str | None:
    pointer = HOME / "store" / dlm_id / "adapter" / "current.txt"
    return Path(pointer.read_text().strip()).name if pointer.exists() else None


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    read_code_actions_as_editors_do(lsp_client)
    capabilities = types.ClientCapabilities(window=types.WindowClientCapabilities(work_done_progress=True))
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities,
        initialization_options={"dlmls": {"dlmHome": str(HOME), "allowDownload": "yes", "trace": {}}}))
    yield
    await lsp_client.shutdown_session()


async def execute(client: LanguageClient, command: str, *arguments):
    return await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))), TIMEOUT)


def new_tokens(client: LanguageClient, before: set) -> list:
    return [t for t in client.progress_reports if t not in before]


async def test_a_bad_setting_is_reported_and_the_others_apply(client: LanguageClient):
    messages = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert len(messages) == 1
    assert "dlmls.allowDownload = 'yes': expected true or false; using the default" in messages[0].message


def tree(root: Path) -> list[tuple[str, int, int]]:
    """Every path under `root` with its mtime and size."""
    return sorted((str(p.relative_to(root)), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*"))


async def test_opening_and_hovering_start_nothing_and_write_nothing(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "quiet", "::instruction::", "### Q", "Why?", "### A", "Because.")

    async def hover(line: int, character: int) -> str:
        found = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            position=types.Position(line=line, character=character)))
        assert found is not None
        return found.contents.value

    positions = [(0, 0), (1, 2), (1, 12), (6, 3), (7, 1), (8, 1)]  # opener, dlm_id key and value, fence, pair
    assert "No adapter trained yet" in await hover(0, 0)
    for line, character in positions[1:4]:
        await hover(line, character)
    assert not PIDFILE.exists() and not HOME.exists()
    # The same hovers over a populated store (a version and scores, as a training and synthesis leave
    # them) show it, and still create, change and start nothing.
    from dlmls import scores
    from dlmls.store import RUN_FILE, Store

    store = Store.for_id(dlm_id, HOME)
    with store.lock():
        staged = store.stage()
        (staged.path / RUN_FILE).write_text('{"steps": 3, "train_loss": 0.5}')
        store.set_current(store.commit(staged))
    scores.append_scores(store.scores_path, [scores.Score(scores.pair_key("Why?", "Because."), judge=0.25)])
    before = tree(HOME)
    texts = [await hover(line, character) for line, character in positions]
    assert "**Adapter**: `v0001` (current)" in texts[0] and "- Steps: 3" in texts[2]
    assert "- Scored pairs: 1 of 1 (mean judge 0.250)" in texts[3] and "- Judge: 0.250" in texts[5]
    assert tree(HOME) == before and not PIDFILE.exists()


async def test_retrain_is_offered_as_a_source_action_anywhere(client: LanguageClient):
    doc_uri, _ = opened(client, "offered")
    doc_id = types.TextDocumentIdentifier(uri=doc_uri)
    for line in (0, 5):
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=doc_id, range=types.Range(start=types.Position(line=line, character=0),
                                                    end=types.Position(line=line, character=0)),
            context=types.CodeActionContext(diagnostics=[])))
        retrain = [a for a in actions or [] if a.title == "Retrain adapter"]
        assert len(retrain) == 1
        assert retrain[0].kind == types.CodeActionKind.Source
        assert retrain[0].command.command == "dlmls.retrain" and list(retrain[0].command.arguments) == [doc_uri]
    only_fixes = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id, range=types.Range(start=types.Position(line=0, character=0),
                                                end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.QuickFix])))
    assert not [a for a in only_fixes or [] if a.title == "Retrain adapter"]


async def test_retrain_reports_progress_and_uses_the_current_text(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "retrain", "fake-steps: 3")
    # Edit the text: the job must see version 2 ("fake-steps: 4"), not what was opened.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=6, character=12), end=types.Position(line=6, character=13)),
            text="4")]))
    before = set(client.progress_reports)
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is True and result["dlmId"] == dlm_id and result["documentVersion"] == 2
    assert [(v["version"], v["steps"]) for v in result["versions"]] == [("v0001", 4)]
    assert current(dlm_id) == "v0001"  # dlmHome from initializationOptions reached the worker
    [token] = new_tokens(client, before)
    values = client.progress_reports[token]
    begin, *reports, end = values
    assert isinstance(begin, types.WorkDoneProgressBegin)
    assert begin.title == "Retraining retrain.dlm" and begin.cancellable is True
    assert all(isinstance(r, types.WorkDoneProgressReport) for r in reports)
    percentages = [r.percentage for r in reports]
    assert percentages == sorted(percentages) and percentages[-1] == 100
    assert "step 2/4 · loss 1.00 · 100 tok/s · ETA 0:00" in [r.message for r in reports]
    assert isinstance(end, types.WorkDoneProgressEnd) and end.message == "v0001 is current"
    info = await wait_for(lambda: [m for m in client.messages if "retrain.dlm: adapter v0001" in m.message])
    assert info[0].type == types.MessageType.Info


async def test_cancel_from_the_progress_ui_stops_the_job_and_changes_nothing(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "cancelled", "fake-steps: 400", "fake-delay: 0.05")
    before = set(client.progress_reports)
    task = asyncio.create_task(execute(client, "dlmls.retrain", doc_uri))
    token = (await wait_for(lambda: [t for t in new_tokens(client, before)
                                     if any(isinstance(v, types.WorkDoneProgressReport) and "step" in (v.message or "")
                                            for v in client.progress_reports[t])]))[0]
    # A second retrain of the same document while this one runs is refused, with a message.
    busy = await execute(client, "dlmls.retrain", doc_uri)
    assert busy["ok"] is False and busy["kind"] == "busy" and "cancel it or wait" in busy["message"]
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await asyncio.wait_for(task, TIMEOUT)
    assert result["ok"] is False and result["kind"] == "cancelled"
    assert client.progress_reports[token][-1] == types.WorkDoneProgressEnd(message="cancelled")
    assert any(m.message == "cancelled.dlm: retraining was cancelled; nothing changed." for m in client.messages)
    assert current(dlm_id) is None


async def test_cancel_command_for_clients_without_a_progress_ui(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "cancel-command", "fake-steps: 400", "fake-delay: 0.05")
    assert await execute(client, "dlmls.cancel", doc_uri) is False  # nothing to cancel yet
    before = set(client.progress_reports)
    task = asyncio.create_task(execute(client, "dlmls.retrain", doc_uri))
    await wait_for(lambda: [t for t in new_tokens(client, before) if len(client.progress_reports[t]) > 2])
    assert await execute(client, "dlmls.cancel", doc_uri) is True
    result = await asyncio.wait_for(task, TIMEOUT)
    assert result["kind"] == "cancelled" and current(dlm_id) is None


async def test_ask_returns_and_shows_the_answer(client: LanguageClient):
    doc_uri, _ = opened(client, "ask")
    answer = await execute(client, "dlmls.ask", doc_uri, "What is a decorator?")
    assert answer.startswith("fake answer to 'What is a decorator?' (engine 1,")
    assert int(PIDFILE.read_text()) > 0  # one warm worker: started by the first retrain, still serving
    shown = await wait_for(lambda: [m for m in client.messages if answer in m.message])
    assert shown[0].message.startswith("ask.dlm (v0001): ") and shown[0].type == types.MessageType.Info


async def test_a_document_with_errors_is_refused_without_a_job(client: LanguageClient):
    doc_uri = uri("broken")
    open_document(client, doc_uri, "---\nbase_model: smollm2-135m\nbogus: 1\n---\nProse.\n")
    before = set(client.progress_reports)
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is False and result["kind"] == "invalid_document"
    assert "broken.dlm has" in result["message"] and "fix them before retraining" in result["message"]
    assert new_tokens(client, before) == []
    assert await execute(client, "dlmls.ask", doc_uri, "q") is None


async def test_a_misspelled_base_model_is_refused_as_check_refuses_it(client: LanguageClient):
    # A cross-check error (not in the model's own problems): refused before a job, as `dlmls check` fails it.
    doc_uri = uri("typo")
    open_document(client, doc_uri, document(dlm_id=next(IDS)).replace("smollm2-135m", "smollm2-135mm"))
    before = set(client.progress_reports)
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is False and result["kind"] == "invalid_document"
    assert "base_model 'smollm2-135mm' is not in the base-model registry" in result["message"]
    assert new_tokens(client, before) == []


async def test_a_crash_is_shown_and_the_next_job_gets_a_fresh_worker(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "crash", "fake-crash-at: 1")
    first_pid = int(PIDFILE.read_text())
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is False and result["kind"] == "crashed"
    error = [m for m in client.messages if m.type == types.MessageType.Error and "crash.dlm" in m.message]
    assert "retraining failed (crashed)" in error[0].message and "fake engine crashing at step 1" in error[0].message
    assert current(dlm_id) is None
    ok_uri, ok_id = opened(client, "after-crash")
    assert (await execute(client, "dlmls.retrain", ok_uri))["ok"] is True
    assert int(PIDFILE.read_text()) != first_pid and current(ok_id) == "v0001"


async def test_a_changed_configuration_applies_to_the_next_job(client: LanguageClient):
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"dlmls": {"workerCommand": "/nonexistent/dlmls-worker --x"}}))
    doc_uri, dlm_id = opened(client, "reconfigured")
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is False and "cannot start the worker `/nonexistent/dlmls-worker --x`" in result["message"]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"dlmls": {"workerCommand": ""}}))
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is True  # back to the default; dlmHome kept from initializationOptions
    assert current(dlm_id) == "v0001"


def _opener_hover(client: LanguageClient, doc_uri: str):
    return client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri), position=types.Position(line=0, character=1)))


def _stale(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [d.message for d in diagnostics if d.code == "DLM500"]


async def test_after_a_retrain_hover_and_diagnostics_follow_the_new_version(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "follow")
    assert _stale(await wait_published(client, doc_uri, 1)) == []
    assert "No adapter trained yet" in (await _opener_hover(client, doc_uri)).contents.value

    assert (await execute(client, "dlmls.retrain", doc_uri))["ok"] is True
    hover = (await _opener_hover(client, doc_uri)).contents.value
    assert "`v0001` (current)" in hover and "Trained on the document as it is now" in hover

    # Type into the prose: the adapter is now behind the text, as a hint on the opener.
    change_document(client, doc_uri, 2, ((4, 0, 4, 0), "More notes. "))
    (message,) = _stale(await wait_published(client, doc_uri, 2))
    assert "changed since adapter v0001 was trained" in message
    hint = next(d for d in client.published[doc_uri][-1].diagnostics if d.code == "DLM500")
    assert hint.severity == types.DiagnosticSeverity.Hint and (hint.range.start.line, hint.range.end.character) == (0, 3)
    assert "The document changed since this version was trained" in (await _opener_hover(client, doc_uri)).contents.value

    # Retrain the edited text: the hint goes (republished for the same version) and hover shows v0002.
    published = len(client.published[doc_uri])
    assert (await execute(client, "dlmls.retrain", doc_uri))["ok"] is True
    await wait_for(lambda: len(client.published[doc_uri]) > published)
    latest = client.published[doc_uri][-1]
    assert latest.version == 2 and _stale(list(latest.diagnostics)) == []
    assert "`v0002` (current)" in (await _opener_hover(client, doc_uri)).contents.value
    assert current(dlm_id) == "v0002"


async def test_a_held_back_retrain_warns_and_keep_worse_makes_it_current(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "held-back", "fake-held-back: its held-out loss rose from 2.000 to 2.500, "
                                                  "so v0001 stays current")
    first = await execute(client, "dlmls.retrain", doc_uri, {"keepWorse": True})
    assert first["ok"] is True and current(dlm_id) == "v0001"
    result = await execute(client, "dlmls.retrain", doc_uri)
    assert result["ok"] is True and result["versions"][0]["held_back"].startswith("its held-out loss rose")
    assert current(dlm_id) == "v0001"
    warning = [m for m in client.messages if m.type == types.MessageType.Warning and "held-back.dlm" in m.message]
    assert "not made current" in warning[-1].message and "keepWorse" in warning[-1].message
    again = await execute(client, "dlmls.retrain", doc_uri, {"keepWorse": True})
    assert again["ok"] is True and current(dlm_id) == "v0003"
