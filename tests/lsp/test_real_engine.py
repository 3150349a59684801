"""The editor's loop on the real engine: `dlmls serve` with its real worker process and SmolLM2-135M-Instruct,
no fake anywhere.

What the fake-engine tests (`test_training.py`, `test_synthesis.py`) assert about the worker's side is
checked here against the real thing, on a small document of invented facts:

- Retrain: progress while it runs; the training loss falls; the new version becomes current; and what
  the version's `dlmls_run.json` says is what the status bar (`dlmls/status`), the hover on `---` and
  DLM500 report — read from that real file, not a hand-written one.
- Synthesize with the judge on (`filter: sway`) and the trained adapter as the `self` teacher: every
  suggestion carries its scores, the scores agree with the verdicts (kept pairs a teacher wrote reach the
  threshold; the counts add up), and a rejected suggestion is not suggested again by the real engine.
- Cancel mid-retrain: the job stops, nothing becomes current, and the worker serves the next job.

One server for the module (a module-scoped client), so the model loads once. Minutes on 2 cores;
`tests/README.md` says how to run the real-model tests alone.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from dlmls.worker import synth_plan as plan
from lsp_support import SERVER_COMMAND, make_client, plain, wait_for, wait_published
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parent.parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="dlmls-real-engine-test-"))
HOME = SCRATCH / "home"
REQUEST = 30.0  # an LSP request the server answers at once
JOB = 1800.0  # a training or synthesis job on 2 loaded cores
DLM_ID = "01KQ9V2T6N4D8R3X5Z7C1B0MHF"
DOC_URI = (SCRATCH / "tessaly.dlm").as_uri()

TEXT = f"""\
---
dlm_id: {DLM_ID}
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
training:
  num_epochs: 2
---

# The Tessaly observatory

The Tessaly observatory sits on Mount Orrin, above the village of Calder Ford. Its main telescope was
built in 1903 by the optician Maren Holt. The dome is painted dark blue. Since 1988 the observatory has
been run by the astronomer Piet Lanning.
"""

STATE: dict[str, Any] = {"text": TEXT, "version": 1}


def cache_dir() -> Path:
    """The persistent converted-model cache the worker tests use (tests/worker/conftest.py)."""
    path = Path(os.environ.get("DLMLS_TEST_CACHE") or ROOT / "build" / "test-cache" / "dlmls")
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLMLS_WORKER")}
    env.update({"DLMLS_CACHE": str(cache_dir()), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    return env


def make_recording_client() -> LanguageClient:
    client = make_client()
    # Accept whatever work-done progress the server creates (pytest-lsp records its values).
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_recording_client,
                            server_env=server_env())


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    capabilities = types.ClientCapabilities(window=types.WindowClientCapabilities(work_done_progress=True))
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"dlmls": {"dlmHome": str(HOME)}}))
    Path(SCRATCH / "tessaly.dlm").write_text(TEXT)
    lsp_client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=DOC_URI, language_id="dlm", version=1, text=TEXT)))
    yield
    await lsp_client.shutdown_session()


# helpers ------------------------------------------------------------------------------------



async def execute(client: LanguageClient, command: str, *arguments: Any, timeout: float = REQUEST) -> Any:
    return plain(await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))), timeout))


async def request(client: LanguageClient, method: str) -> Any:
    return plain(await asyncio.wait_for(client.protocol.send_request_async(
        method, {"textDocument": {"uri": DOC_URI}}), REQUEST))


def edit(client: LanguageClient, text: str) -> int:
    """Send the whole new text as the next version; the version number."""
    STATE["text"], STATE["version"] = text, STATE["version"] + 1
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=DOC_URI, version=STATE["version"]),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    return STATE["version"]


def version_dir(name: str) -> Path:
    return HOME / "store" / DLM_ID / "adapter" / "versions" / name


def current() -> str | None:
    pointer = HOME / "store" / DLM_ID / "adapter" / "current.txt"
    return Path(pointer.read_text().strip()).name if pointer.exists() else None


async def hover_on_opener(client: LanguageClient) -> str:
    found = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=DOC_URI), position=types.Position(line=0, character=1))),
        REQUEST)
    assert found is not None
    return found.contents.value


def dlm500(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == "DLM500"]


# the tests, in order (one server, one document) ----------------------------------------------


async def test_retrain_on_the_real_engine_and_what_the_editor_shows_of_it(client: LanguageClient):
    [adapter] = (await request(client, "dlmls/status"))["adapters"]
    assert adapter["version"] is None and current() is None
    before = set(client.progress_reports)
    result = await execute(client, "dlmls.retrain", DOC_URI, timeout=JOB)
    assert result["ok"] is True and result["dlmId"] == DLM_ID, result
    assert [v["version"] for v in result["versions"]] == ["v0001"] and current() == "v0001"
    # Progress came while it ran: steps with a loss, then the end.
    [token] = [t for t in client.progress_reports if t not in before]
    values = client.progress_reports[token]
    assert isinstance(values[0], types.WorkDoneProgressBegin)
    assert any(isinstance(v, types.WorkDoneProgressReport) and "loss" in (v.message or "") for v in values)
    assert values[-1] == types.WorkDoneProgressEnd(message="v0001 is current")

    meta = json.loads((version_dir("v0001") / "dlmls_run.json").read_text())
    losses = meta["losses"]
    # It learned: two epochs over the prose and its drafted pairs take the loss well down.
    assert len(losses) == meta["steps"] >= 4 and all(math.isfinite(x) for x in losses)
    assert sum(losses[-2:]) / 2 < 0.8 * sum(losses[:2]) / 2, losses
    assert meta["data"]["augmented"] > 0 and meta["data"]["text"] == 1

    # The status bar, the hover and DLM500 read that file.
    [adapter] = (await request(client, "dlmls/status"))["adapters"]
    assert adapter == {"adapter": None, "version": "v0001", "trainedAt": meta["created_at"], "steps": meta["steps"],
                       "upToDate": True, "problem": None}
    hover = await hover_on_opener(client)
    assert "`v0001` (current)" in hover and f"Steps: {meta['steps']}" in hover
    assert f"Final train loss: {meta['train_loss']:.3f}" in hover
    assert "Trained on the document as it is now" in hover
    assert not dlm500(await wait_published(client, DOC_URI, STATE["version"]))

    # An edit puts the adapter behind the text: all three say so; undoing it makes it current again.
    changed = edit(client, TEXT + "\nThe observatory opens to visitors on Sundays.\n")
    [hint] = dlm500(await wait_published(client, DOC_URI, changed))
    assert hint.severity == types.DiagnosticSeverity.Hint and "v0001" in hint.message
    [adapter] = (await request(client, "dlmls/status"))["adapters"]
    assert adapter["upToDate"] is False
    assert "The document changed since this version was trained" in await hover_on_opener(client)
    back = edit(client, TEXT)
    assert not dlm500(await wait_published(client, DOC_URI, back))


async def test_synthesis_with_the_judge_and_the_trained_adapter_as_teacher(client: LanguageClient):
    assert current() == "v0001"  # the previous test trained it
    options = {"teacher": "self", "filter": "sway", "seed": 7}
    result = await execute(client, "dlmls.synthesize", DOC_URI, options, timeout=JOB)
    assert result["ok"] is True, result
    counts = result["counts"]
    assert result["teacherModel"] == "v0001" and result["teacher"] == "self"
    # Every candidate has exactly one verdict.
    assert sum(v for k, v in counts.items() if k != "generated") == counts["generated"] > 0, counts
    assert counts["accepted"] == result["staged"] >= 2, counts
    found = (await request(client, "dlmls/suggestions"))["suggestions"]
    assert len(found) == result["staged"]
    threshold = plan.DEFAULT_THRESHOLD
    for s in found:
        scores = s["scores"]
        assert s["teacher"] == "self" and s["teacherModel"] == "v0001"
        assert s["question"].endswith("?") and s["answer"].strip()
        # The judge scored every kept pair, and its score is the one hovers show for those margins.
        assert set(scores) == {"sway", "answerability", "judge"}, s
        # (The store keeps scores to 4 decimals.)
        assert math.isclose(scores["judge"], plan.judge_score(scores["sway"], scores["answerability"]),
                            abs_tol=1e-3), s
        # The answer is the prose's: no number the prose does not state.
        assert not plan.ungrounded(s["answer"], TEXT)
        # A kept pair whose answer is not the fact answer drafted from its own sentence was written by the
        # teacher: the judge let it through only at the threshold.
        if not any(s["answer"] == plan.answer_for(t) for t in plan.targets(s["sectionId"], body(), "extraction")):
            assert scores["sway"] >= threshold and scores["answerability"] >= plan.MIN_ANSWERABILITY, s

    # Reject one, accept another (its preview inserted where the server says, as an editor applies it): a
    # second synthesis (same seed, same teacher) suggests neither again, nor what is still pending.
    rejected, accepted = found[0], found[1]
    assert (await execute(client, "dlmls.reject", DOC_URI, {"ids": [rejected["id"]]}))["ok"] is True
    lines = STATE["text"].split("\n")
    at = accepted["position"]["line"]
    assert accepted["position"]["character"] == 0
    edit(client, "\n".join(lines[:at]) + ("\n" if at else "") + accepted["preview"] + "\n".join(lines[at:]))
    still = [s["id"] for s in found[2:]]
    again = await execute(client, "dlmls.synthesize", DOC_URI, options, timeout=JOB)
    assert again["ok"] is True, again
    assert again["counts"]["duplicates"] >= 2, again["counts"]
    pending = (await request(client, "dlmls/suggestions"))["suggestions"]
    questions = [s["question"] for s in pending]
    assert rejected["question"] not in questions and accepted["question"] not in questions
    assert len(set(questions)) == len(questions)
    assert set(still) <= {s["id"] for s in pending}


def body() -> str:
    """The document's one prose section, as the engine reads it."""
    from dlmls.core.document import Document

    [prose] = [s for s in Document(TEXT).model.live_sections if s.type == "prose"]
    return prose.content


async def test_cancel_a_real_retrain_and_the_worker_serves_on(client: LanguageClient):
    before = set(client.progress_reports)
    task = asyncio.create_task(execute(client, "dlmls.retrain", DOC_URI, timeout=JOB))
    # Wait for a training step (the model loaded and the loop running), then cancel from the progress UI.
    token = (await wait_for(lambda: [t for t in client.progress_reports if t not in before and any(
        isinstance(v, types.WorkDoneProgressReport) and "loss" in (v.message or "")
        for v in client.progress_reports[t])], timeout=JOB))[0]
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await asyncio.wait_for(task, 120)
    assert result["ok"] is False and result["kind"] == "cancelled", result
    assert client.progress_reports[token][-1] == types.WorkDoneProgressEnd(message="cancelled")
    assert current() == "v0001" and not version_dir("v0002").exists()
    # The same worker answers the next job.
    answer = await execute(client, "dlmls.ask", DOC_URI, "Who built the main telescope of the Tessaly observatory?",
                           timeout=JOB)
    assert isinstance(answer, str) and answer.strip()
