"""End to end: the commands about whole documents, and copies that share a `dlm_id`.

- `dlmls.history`: the object `dlmls show --json` prints, for an open document (its buffer's text)
  and for a file that is not open; with `{"lines": true}` also the text `dlmls show` prints.
- The hover on the frontmatter opener lists an adapter's versions newest first (five, then "… N older").
- `dlmls.templates` and `dlmls.newDocument`: a new document with a fresh `dlm_id`, never over an
  existing file unless asked.
- DLM501 and "Give this document a new dlm_id": another `.dlm` file of the workspace with the same
  `dlm_id` (found by the server's scan of the workspace folder).

One server process serves the module; its workspace folder is a temporary directory made here, and
its store root the `dlmHome` setting.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from dlmls import history as dlmls_history
from dlmls.show_cli import render
from dlmls.store import RUN_FILE, Store, document_sha256
from lsp_support import SERVER_COMMAND, make_client, open_document, plain, wait_for
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRATCH = Path(tempfile.mkdtemp(prefix="dlmls-documents-test-"))
HOME = SCRATCH / "home"
WORKSPACE = SCRATCH / "workspace"
WORKSPACE.mkdir()
CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client,
                            server_env={**os.environ, "DLM_HOME": str(SCRATCH / "decoy")})
IDS = iter(f"01KPM5CXB51GRX86Q25AKERP{n:02d}" for n in range(10, 99))
ULID = re.compile(r"[0-9A-HJ-KM-NP-TV-Z]{26}")
TIMEOUT = 10.0

BODY = "Prose about decorators.\n\n::instruction::\n### Q\nWhat is a decorator?\n### A\nA wrapper.\n"


def document(dlm_id: str, body: str = BODY) -> str:
    return f"---\ndlm_id: {dlm_id}\nbase_model: smollm2-135m\n---\n{body}"


def train(dlm_id: str, text: str, current: bool = True, **meta: Any) -> str:
    """Commit a new version (made current unless `current` is false) trained on `text`; its name."""
    store = Store.for_id(dlm_id, HOME)
    with store.lock():
        staged = store.stage(None)
        (staged.path / "adapter_config.json").write_text("{}")
        (staged.path / "adapter_model.safetensors").write_bytes(b"weights")
        n = staged.number
        run = {"format": 1, "created_at": f"2026-04-{n:02d}T10:18:42", "version": staged.name,
               "steps": 10 * n, "train_loss": 1.0 + n / 100, "eval_loss_before": 2.5,
               "eval_loss_after": 2.0 - n / 100,
               "document": {"path": None, "sha256": document_sha256(text)}}
        (staged.path / RUN_FILE).write_text(json.dumps({**run, **meta}))
        version = store.commit(staged)
        if current:
            store.set_current(version)
    return version.name



@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=WORKSPACE.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="workspace")],
        initialization_options={"dlmls": {"dlmHome": str(HOME)}}))
    yield
    await lsp_client.shutdown_session()


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return plain(await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))), TIMEOUT))


async def hover_text(client: LanguageClient, uri: str, line: int, character: int = 0) -> str:
    position = types.Position(line=line, character=character)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    assert result is not None
    return result.contents.value


# dlmls.history and the opener's hover ---------------------------------------------------------


async def test_history_is_what_dlmls_show_json_prints(client: LanguageClient):
    dlm_id = next(IDS)
    path = SCRATCH / "history.dlm"
    text = document(dlm_id)
    path.write_text(text)
    for _ in range(3):
        train(dlm_id, text)
    expected = dlmls_history.history(text.encode(), str(path), str(HOME))
    # Not open: the file is read.
    assert await execute(client, "dlmls.history", path.as_uri()) == expected
    assert [v["version"] for v in expected["adapters"][0]["versions"]] == ["v0001", "v0002", "v0003"]
    # Open and edited: the buffer counts (the current version was trained on other text now).
    edited = text.replace("decorators", "closures")
    open_document(client, path.as_uri(), edited)
    result = await execute(client, "dlmls.history", path.as_uri(), {"lines": True})
    lines = result.pop("lines")
    assert result == dlmls_history.history(edited.encode(), str(path), str(HOME))
    assert result["adapters"][0]["up_to_date"] is False
    assert lines == render(result, str(path))
    assert any(line.startswith("  * v0003") for line in lines)


async def test_history_refusals(client: LanguageClient):
    path = SCRATCH / "no-id.dlm"
    path.write_text("---\nbase_model: smollm2-135m\n---\nProse.\n")
    result = await execute(client, "dlmls.history", path.as_uri())
    assert result["ok"] is False and result["kind"] == "no_dlm_id" and "no dlm_id" in result["message"]
    missing = await execute(client, "dlmls.history", (SCRATCH / "missing.dlm").as_uri())
    assert missing["ok"] is False and missing["kind"] == "unreadable"
    assert (await execute(client, "dlmls.history", 3))["kind"] == "invalid_arguments"


async def test_opener_hover_lists_the_versions_newest_first(client: LanguageClient):
    dlm_id = next(IDS)
    uri = "file:///tmp/dlmls-documents/versions.dlm"
    text = document(dlm_id)
    open_document(client, uri, text)
    train(dlm_id, text)
    single = await hover_text(client, uri, 0)
    assert "Versions, newest first" not in single  # one version: the current one's paragraph says it all
    for n in range(2, 8):
        train(dlm_id, text, current=n != 7, **({"held_back": "held-out loss got worse"} if n == 7 else {}))
    opener = await hover_text(client, uri, 0)
    assert "**Adapter**: `v0006` (current)" in opener
    listing = opener[opener.index("Versions, newest first:"):]
    rows = [line for line in listing.splitlines() if line.startswith("- ")]
    assert rows == [
        "- `v0007` · 2026-04-07 10:18 UTC · 70 steps · train loss 1.070 · held-out loss 2.500 → 1.930 · "
        "held back: held-out loss got worse",
        "- **`v0006`** (current) · 2026-04-06 10:18 UTC · 60 steps · train loss 1.060 · "
        "held-out loss 2.500 → 1.940",
        "- `v0005` · 2026-04-05 10:18 UTC · 50 steps · train loss 1.050 · held-out loss 2.500 → 1.950",
        "- `v0004` · 2026-04-04 10:18 UTC · 40 steps · train loss 1.040 · held-out loss 2.500 → 1.960",
        "- `v0003` · 2026-04-03 10:18 UTC · 30 steps · train loss 1.030 · held-out loss 2.500 → 1.970",
        "- … 2 older versions (the adapter history command and `dlmls show` list them all)",
    ]
    # The current version is listed even when older than the five newest.
    Store.for_id(dlm_id, HOME).set_current(Store.for_id(dlm_id, HOME).version(None, "v0001"))
    opener = await hover_text(client, uri, 0)
    rows = [line for line in opener.splitlines() if line.startswith("- `") or line.startswith("- **`")
            or line.startswith("- …")]
    older = "- … 2 older versions (the adapter history command and `dlmls show` list them all)"
    assert [r.split(" · ")[0] for r in rows] == ["- `v0007`", "- `v0006`", "- `v0005`", "- `v0004`",
                                                  "- **`v0001`** (current)", older]


# dlmls.templates and dlmls.newDocument --------------------------------------------------------


async def test_templates_lists_default_first(client: LanguageClient):
    listed = await execute(client, "dlmls.templates")
    names = [t["name"] for t in listed]
    assert names[0] == "default" and "personal-assistant" in names and len(names) == len(set(names))
    assert all(isinstance(t["title"], str) and t["title"] for t in listed)


async def test_new_document_writes_a_fresh_id_and_never_over_a_file_unless_asked(client: LanguageClient):
    path = SCRATCH / "new" / "notes.dlm"
    path.parent.mkdir()
    first = await execute(client, "dlmls.newDocument", path.as_uri(), {"template": "personal-assistant"})
    assert first["ok"] is True, first
    assert first["path"] == str(path) and first["template"] == "personal-assistant"
    assert ULID.fullmatch(first["dlmId"]) and f"dlm_id: {first['dlmId']}" in path.read_text()
    assert first["message"].startswith("wrote notes.dlm from template personal-assistant")
    assert not HOME.joinpath("store", first["dlmId"]).exists()  # nothing in the store until a retrain
    before = path.read_text()
    refused = await execute(client, "dlmls.newDocument", path.as_uri())
    assert refused == {"ok": False, "kind": "exists", "message": refused["message"]}
    assert "already exists" in refused["message"] and path.read_text() == before
    again = await execute(client, "dlmls.newDocument", path.as_uri(), {"overwrite": True})
    assert again["ok"] is True and again["template"] == "default"
    assert again["dlmId"] != first["dlmId"] and again["replacedDlmId"] == first["dlmId"]
    assert f"dlm_id: {again['dlmId']}" in path.read_text()
    # A template by name as the second argument; an unknown one writes nothing.
    named = await execute(client, "dlmls.newDocument", (SCRATCH / "new" / "log.dlm").as_uri(), "changelog")
    assert named["ok"] is True and named["template"] == "changelog"
    unknown = await execute(client, "dlmls.newDocument", (SCRATCH / "new" / "x.dlm").as_uri(), "nope")
    assert unknown["ok"] is False and unknown["kind"] == "failed" and "nope" in unknown["message"]
    assert not (SCRATCH / "new" / "x.dlm").exists()
    untitled = await execute(client, "dlmls.newDocument", "untitled:Untitled-1")
    assert untitled["kind"] == "invalid_arguments"


# Copies that share a dlm_id -------------------------------------------------------------------


async def code_actions(client: LanguageClient, uri: str, line: int,
                       diagnostics: list[types.Diagnostic] | None = None) -> list[types.CodeAction]:
    position = types.Position(line=line, character=0)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=position, end=position),
        context=types.CodeActionContext(diagnostics=diagnostics or [])))
    title = "Give this document a new dlm_id"
    return [a for a in result or () if isinstance(a, types.CodeAction) and a.title == title]


def apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert e.range.start.line == e.range.end.line
        line = lines[e.range.start.line]
        lines[e.range.start.line] = line[:e.range.start.character] + e.new_text + line[e.range.end.character:]
    return "\n".join(lines)


def dlm501(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(uri, []) if d.code == "DLM501"]


async def test_a_copy_in_the_workspace_gets_a_warning_and_a_new_id_fix(client: LanguageClient):
    dlm_id = next(IDS)
    text = document(dlm_id)
    original, copy = WORKSPACE / "notes.dlm", WORKSPACE / "drafts" / "notes copy.dlm"
    copy.parent.mkdir()
    original.write_text(text)
    copy.write_text(text)  # not open: the server finds it by scanning the workspace folder
    uri = original.as_uri()
    open_document(client, uri, text)
    [warning] = await wait_for(lambda: dlm501(client, uri), TIMEOUT)
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert warning.message.startswith("drafts/notes copy.dlm uses the same dlm_id")
    start, end = warning.range.start, warning.range.end
    assert (start.line, start.character, end.line, end.character) == (1, 8, 1, 34)

    [action] = await code_actions(client, uri, 1, [warning])
    assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
    [change] = action.edit.document_changes
    assert change.text_document.uri == uri and change.text_document.version == 1
    fixed = apply(text, change.edits)
    new_id = fixed.split("\n")[1].removeprefix("dlm_id: ")
    assert ULID.fullmatch(new_id) and new_id != dlm_id
    assert fixed == text.replace(dlm_id, new_id)
    # Offered on the dlm_id line without the diagnostic too, and nowhere else.
    assert len(await code_actions(client, uri, 1)) == 1
    assert await code_actions(client, uri, 4) == []

    # The writer applies it: the warning goes (the copy on disk keeps the old id).
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    await wait_for(lambda: any(p.version == 2 for p in client.published[uri]), TIMEOUT)
    assert dlm501(client, uri) == []
    assert await code_actions(client, uri, 1) == []


async def test_open_documents_count_by_their_text_and_only_when_their_file_exists(client: LanguageClient):
    dlm_id, other_id = next(IDS), next(IDS)
    a, b = WORKSPACE / "a.dlm", WORKSPACE / "b.dlm"
    a.write_text(document(dlm_id))
    b.write_text(document(other_id))
    open_document(client, a.as_uri(), document(dlm_id))
    # b is opened with a's id in its buffer (not saved): both are warned about the other.
    await wait_for(lambda: any(p.version == 1 for p in client.published[a.as_uri()]), TIMEOUT)
    assert dlm501(client, a.as_uri()) == []
    open_document(client, b.as_uri(), document(dlm_id))
    [on_b] = await wait_for(lambda: dlm501(client, b.as_uri()), TIMEOUT)
    assert on_b.message.startswith("a.dlm uses the same dlm_id")
    [on_a] = await wait_for(lambda: dlm501(client, a.as_uri()), TIMEOUT)
    assert on_a.message.startswith("b.dlm uses the same dlm_id")
    # A buffer whose file does not exist is not a document yet: neither warned nor counted.
    ghost = (WORKSPACE / "ghost.dlm").as_uri()
    open_document(client, ghost, document(dlm_id))
    await wait_for(lambda: any(p.version == 1 for p in client.published[ghost]), TIMEOUT)
    await asyncio.sleep(0.5)  # the scan its opening started
    assert dlm501(client, ghost) == [] and await code_actions(client, ghost, 1) == []
    assert dlm501(client, a.as_uri())[0].message.startswith("b.dlm uses")
