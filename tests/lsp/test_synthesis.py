"""End to end: the synthesis loop from the editor, with the worker on the fake engine (no torch).

Code action → `dlmls.synthesize` (progress, cancel) → `dlmls/suggestions`
(positions, previews) → code lenses → accept (the `workspace/applyEdit` the
client receives, applied here and sent back as a didChange, as an editor
does) or reject; hovers on the prose and on the accepted section. One
server serves the module (module-scoped client and loop), as in
test_training.py. The client keeps each document's text, applies edits
only to the version they name, and records `dlmls/suggestionsChanged` and
`workspace/codeLens/refresh`. Accepting in the editor changes the buffer, not
the file: the store says `applied` until a didSave with the pair, `pending`
again after an undo, a save without it or a close without saving.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from dlmls import suggestions as sugmod
from dlmls.core.document import Document
from dlmls.store import Store
from fake_engine import worker_env
from lsp_support import SERVER_COMMAND, make_client, plain, read_code_actions_as_editors_do, wait_for
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRATCH = Path(tempfile.mkdtemp(prefix="dlmls-synthesis-test-"))
HOME = SCRATCH / "home"
TIMEOUT = 30.0
IDS = iter(f"01KPM5CXB51GRX86Q25AKERN{n:02d}" for n in range(10, 99))

TEXTS: dict[str, str] = {}
VERSIONS: dict[str, int] = {}
EDITS: list[types.ApplyWorkspaceEditParams] = []
CHANGED: list[str] = []
REFRESHES: list[None] = []


def _offset(text: str, pos: types.Position) -> int:
    """The string index of an LSP position (UTF-16 columns)."""
    lines = text.split("\n")
    head = sum(len(line) + 1 for line in lines[:pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return head + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return head + len(line)


def _apply_edit(client: LanguageClient, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
    EDITS.append(params)
    for change in params.edit.document_changes or []:
        uri, version = change.text_document.uri, change.text_document.version
        if VERSIONS.get(uri) != version:
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="version mismatch")
        text = TEXTS[uri]
        for e in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            text = text[:_offset(text, e.range.start)] + e.new_text + text[_offset(text, e.range.end):]
        replace(client, uri, text)
    return types.ApplyWorkspaceEditResult(applied=True)


def make_synthesis_client() -> LanguageClient:
    client = make_client()
    client.feature(types.WORKSPACE_APPLY_EDIT)(lambda params: _apply_edit(client, params))
    client.feature("dlmls/suggestionsChanged")(lambda params: CHANGED.append(params.uri if hasattr(params, "uri")
                                                                                else params["uri"]))
    client.feature(types.WORKSPACE_CODE_LENS_REFRESH)(lambda params: REFRESHES.append(None))
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_synthesis_client,
                            server_env=worker_env())


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    read_code_actions_as_editors_do(lsp_client)
    capabilities = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True, workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            code_lens=types.CodeLensWorkspaceClientCapabilities(refresh_support=True)))
    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"dlmls": {"dlmHome": str(HOME)}}))
    yield
    await lsp_client.shutdown_session()


# helpers ------------------------------------------------------------------------------------


def uri(name: str) -> str:
    return f"file:///tmp/dlmls-synthesis/{name}.dlm"


def opened(client: LanguageClient, name: str, body: str) -> tuple[str, str]:
    """Open a fresh document (its own dlm_id) with `body` after the frontmatter; its URI and dlm_id."""
    dlm_id = next(IDS)
    doc_uri = uri(name)
    TEXTS[doc_uri], VERSIONS[doc_uri] = f"---\ndlm_id: {dlm_id}\nbase_model: smollm2-135m\n---\n{body}", 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=doc_uri, language_id="dlm", version=1, text=TEXTS[doc_uri])))
    return doc_uri, dlm_id


def replace(client: LanguageClient, doc_uri: str, text: str) -> None:
    """Send the whole new text as the next version (as the test editor does after an edit)."""
    TEXTS[doc_uri] = text
    VERSIONS[doc_uri] += 1
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=VERSIONS[doc_uri]),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def save(client: LanguageClient, doc_uri: str, text: str | None = None, *, with_text: bool = True) -> None:
    """didSave of the buffer (or of `text`), with the saved text as the server asks (`with_text`)."""
    saved = TEXTS[doc_uri] if text is None else text
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri), text=saved if with_text else None))


def close(client: LanguageClient, doc_uri: str) -> None:
    """didClose (the editor's buffer is gone: nothing was saved unless `save` said so)."""
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri)))
    del TEXTS[doc_uri], VERSIONS[doc_uri]


def reopen(client: LanguageClient, doc_uri: str, text: str) -> None:
    TEXTS[doc_uri], VERSIONS[doc_uri] = text, 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=doc_uri, language_id="dlm", version=1, text=text)))


async def execute(client: LanguageClient, command: str, *arguments):
    return await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))), TIMEOUT)


async def suggestions(client: LanguageClient, doc_uri: str) -> dict[str, Any]:
    result = await asyncio.wait_for(client.protocol.send_request_async(
        "dlmls/suggestions", {"textDocument": {"uri": doc_uri}}), TIMEOUT)
    return plain(result)



async def code_actions(client: LanguageClient, doc_uri: str, line: int) -> list:
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri),
        range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0)),
        context=types.CodeActionContext(diagnostics=[])))
    return list(found or [])


def section_ids(text: str) -> list[str]:
    return [s.section_id for s in Document(text).model.live_sections]


def table(dlm_id: str) -> sugmod.SuggestionTable:
    return sugmod.read_suggestions(sugmod.suggestions_path(Store.for_id(dlm_id, HOME).root))


FACTS = """\
Zorbia is a small island nation. Its capital is Quux.

::prose::
# Rivers
fake-fact: What is the longest river of Zorbia? | The Blorb, at 212 km.
fake-fact: Where does the Blorb rise? | In the Quux hills.
fake-steps: 2

::prose::
Trailing notes about bridges without a final newline."""


# tests ---------------------------------------------------------------------------------------


async def test_synthesize_from_the_code_action_then_list_accept_and_parse(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "loop", FACTS)
    rivers = TEXTS[doc_uri].split("\n").index("# Rivers")
    actions = await code_actions(client, doc_uri, rivers)
    titles = [a.title for a in actions]
    assert "Synthesize instructions for this section" in titles and "Synthesize instructions for the document" in titles
    section = next(a for a in actions if a.title == "Synthesize instructions for this section")
    assert section.kind == types.CodeActionKind.Source and section.command.command == "dlmls.synthesize"
    rivers_id = Document(TEXTS[doc_uri]).model.section_at_line(rivers).section_id
    assert list(section.command.arguments) == [doc_uri, {"sectionId": rivers_id}]

    before_tokens, changed = set(client.progress_reports), len(CHANGED)
    result = await execute(client, "dlmls.synthesize", *section.command.arguments)
    assert result["ok"] is True and result["staged"] == 2, result
    assert result["counts"]["accepted"] == 2 and result["teacherModel"] == "base model (no adapter trained yet)"
    assert result["notes"] == ["no adapter is trained yet: the base model wrote these pairs"]
    [token] = [t for t in client.progress_reports if t not in before_tokens]
    begin, *reports, end = client.progress_reports[token]
    assert isinstance(begin, types.WorkDoneProgressBegin) and begin.title == "Synthesizing instructions for loop.dlm"
    assert begin.cancellable is True and reports and isinstance(end, types.WorkDoneProgressEnd)
    assert any("2/2" in (r.message or "") for r in reports)
    await wait_for(lambda: len(CHANGED) > changed and CHANGED[-1] == doc_uri)
    assert REFRESHES
    shown = await wait_for(lambda: [m for m in client.messages if m.message.startswith("loop.dlm: 2 suggested pairs")])
    assert "2 generated" in shown[0].message and "2 accepted" in shown[0].message

    listed = await suggestions(client, doc_uri)
    assert listed["uri"] == doc_uri and listed["version"] == VERSIONS[doc_uri]
    pairs = listed["suggestions"]
    assert [p["question"] for p in pairs] == ["What is the longest river of Zorbia?", "Where does the Blorb rise?"]
    next_fence = TEXTS[doc_uri].split("\n").index("::prose::", rivers)
    for p in pairs:
        assert p["status"] == "ready" and p["sectionId"] == rivers_id and p["teacher"] == "self"
        assert p["position"] == {"line": next_fence, "character": 0}
        assert p["scores"] == {"sway": 1.2, "answerability": 0.6, "judge": 0.8}
        assert p["preview"].startswith("::instruction::\n<!-- dlm-auto-synth: synth_teacher=\"self\" ")
        assert f'source_section_id="{rivers_id}" -->\n### Q\n{p["question"]}\n### A\n{p["answer"]}\n\n' in p["preview"]

    lenses = await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri)))
    # The section's lenses on its fence; each suggestion's own Accept / Reject at its insertion point.
    assert [(lens.range.start.line, lens.command.title) for lens in lenses] == [
        (rivers - 1, "2 suggested pairs"), (rivers - 1, "Accept all"), (rivers - 1, "Reject all"),
        (next_fence, "Accept: What is the longest river of Zorbia?"), (next_fence, "Reject"),
        (next_fence, "Accept: Where does the Blorb rise?"), (next_fence, "Reject")]
    assert list(lenses[1].command.arguments) == [doc_uri, {"all": True, "sectionId": rivers_id}]
    assert [(lens.command.command, list(lens.command.arguments)) for lens in lenses[3:]] == [
        (command, [doc_uri, {"ids": [p["id"]]}]) for p in pairs for command in ("dlmls.accept", "dlmls.reject")]
    assert lenses[4].command.tooltip == "Reject (never suggest again): What is the longest river of Zorbia?"

    # Accept the first through its code action: the edit itself, tied to the current version.
    actions = await code_actions(client, doc_uri, rivers)
    accept = next(a for a in actions if a.title == "Accept: What is the longest river of Zorbia?")
    assert accept.command is None and accept.kind == types.CodeActionKind.RefactorRewrite
    [change] = accept.edit.document_changes
    assert change.text_document.version == VERSIONS[doc_uri]
    assert [e.new_text for e in change.edits] == [pairs[0]["preview"]]
    # … and the second with the command, as an editor's "accept" key would.
    before = TEXTS[doc_uri]
    result = await execute(client, "dlmls.accept", doc_uri, {"ids": [pairs[1]["id"]]})
    assert result == {"ok": True, "applied": 1, "stale": [],
                      "message": "loop.dlm: 1 pair written into the document"}
    assert EDITS[-1].edit.document_changes[0].text_document.version == VERSIONS[doc_uri] - 1
    after = TEXTS[doc_uri]
    assert pairs[1]["preview"] in after and after.replace(pairs[1]["preview"], "", 1) == before
    assert set(section_ids(before)) < set(section_ids(after))  # no existing id changed, one added
    marker = re.search(r'<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" '
                       r'synth_at="[0-9T:Z-]+" source_section_id="([0-9a-f]{16})" -->', after)
    assert marker and marker.group(1) == rivers_id
    from dlm.doc.parser import parse_text  # DLM's own parser (installed by scripts/setup.sh)

    parsed = parse_text(after)
    synth = [s for s in parsed.sections if s.auto_synth]
    assert len(synth) == 1 and synth[0].source_section_id == rivers_id
    assert [s.section_id for s in parsed.sections if not s.auto_synth] == [s.section_id
                                                                            for s in parse_text(before).sections]
    listed = await suggestions(client, doc_uri)
    assert [p["question"] for p in listed["suggestions"]] == ["What is the longest river of Zorbia?"]
    assert listed["version"] == VERSIONS[doc_uri]
    # In the buffer, not the file: `applied` until the document is saved with it.
    assert table(dlm_id).by_id[pairs[1]["id"]].state == "applied"
    save(client, doc_uri)
    await suggestions(client, doc_uri)  # the server has handled the save
    assert table(dlm_id).by_id[pairs[1]["id"]].state == "accepted"

    # Accept all of the section from its lens: the remaining one goes before the first accepted block.
    result = await execute(client, "dlmls.accept", doc_uri, {"all": True, "sectionId": rivers_id})
    assert result["ok"] is True and result["applied"] == 1
    assert (await suggestions(client, doc_uri))["suggestions"] == []
    parsed = parse_text(TEXTS[doc_uri])
    assert [s.source_section_id for s in parsed.sections if s.auto_synth] == [rivers_id, rivers_id]
    assert not await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri)))

    # Hover on the prose section and on the accepted synth section's fence.
    lines = TEXTS[doc_uri].split("\n")
    prose = (await hover(client, doc_uri, rivers - 1)).contents.value
    assert f"Section id: `{rivers_id}`" in prose and "Words:" in prose
    fence = next(i for i, line in enumerate(lines) if line == "::instruction::")
    synth_hover = (await hover(client, doc_uri, fence)).contents.value
    assert "Synthesized by `self`" in synth_hover and "judge 0.800" in synth_hover
    assert f"[line {rivers}]({doc_uri}#L{rivers})" in synth_hover


async def hover(client: LanguageClient, doc_uri: str, line: int) -> types.Hover:
    found = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=doc_uri), position=types.Position(line=line, character=0)))
    assert found is not None, f"no hover on line {line}"
    return found


async def test_whole_document_at_end_of_file_and_the_pending_hover(client: LanguageClient):
    doc_uri, _ = opened(client, "whole", FACTS)
    result = await execute(client, "dlmls.synthesize", doc_uri)
    assert result["ok"] is True and result["staged"] == 4  # one first-sentence pair, two facts, one trailing
    listed = (await suggestions(client, doc_uri))["suggestions"]
    assert [p["status"] for p in listed] == ["ready"] * 4
    first = TEXTS[doc_uri].split("\n").index("Zorbia is a small island nation. Its capital is Quux.")
    text = (await hover(client, doc_uri, first)).contents.value
    assert "Pending suggestions: 1" in text and "What do the notes say about zorbia is a small island nation?" in text
    result = await execute(client, "dlmls.accept", doc_uri, {"all": True})
    assert result["ok"] is True and result["applied"] == 4
    from dlm.doc.parser import parse_text

    parsed = parse_text(TEXTS[doc_uri])
    assert sum(1 for s in parsed.sections if s.auto_synth) == 4
    assert (await suggestions(client, doc_uri))["suggestions"] == []


async def test_reject_is_remembered_even_when_the_pair_is_synthesized_again(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "reject", FACTS)
    assert (await execute(client, "dlmls.synthesize", doc_uri))["staged"] == 4
    listed = (await suggestions(client, doc_uri))["suggestions"]
    gone = listed[1]
    actions = await code_actions(client, doc_uri, TEXTS[doc_uri].split("\n").index("# Rivers"))
    reject = next(a for a in actions if a.title == f"Reject: {gone['question']}")
    assert reject.command.command == "dlmls.reject"
    changed = len(CHANGED)
    result = await execute(client, reject.command.command, *reject.command.arguments)
    assert result["ok"] is True and result["rejected"] == 1
    assert len(CHANGED) > changed
    assert gone["id"] not in [p["id"] for p in (await suggestions(client, doc_uri))["suggestions"]]
    again = await execute(client, "dlmls.synthesize", doc_uri)
    assert again["ok"] is True and again["staged"] == 0 and again["counts"]["duplicates"] == 4
    assert gone["id"] not in [p["id"] for p in (await suggestions(client, doc_uri))["suggestions"]]
    assert table(dlm_id).by_id[gone["id"]].state == "rejected"
    # Reject all of one section, then all the rest.
    first_id = listed[0]["sectionId"]
    result = await execute(client, "dlmls.reject", doc_uri, {"all": True, "sectionId": first_id})
    assert result["rejected"] == 1
    result = await execute(client, "dlmls.reject", doc_uri, {"all": True})
    assert result["rejected"] == 2 and (await suggestions(client, doc_uri))["suggestions"] == []


async def test_a_stale_suggestion_is_listed_but_never_inserted(client: LanguageClient):
    doc_uri, _ = opened(client, "stale", FACTS)
    assert (await execute(client, "dlmls.synthesize", doc_uri))["staged"] == 4
    replace(client, doc_uri, TEXTS[doc_uri].replace("Its capital is Quux.", "Its capital is Frob."))
    listed = (await suggestions(client, doc_uri))["suggestions"]
    stale = [p for p in listed if p["status"] == "stale"]
    assert len(stale) == 1 and stale[0]["position"] is None and stale[0]["preview"] is None
    before = TEXTS[doc_uri]
    result = await execute(client, "dlmls.accept", doc_uri, {"ids": [stale[0]["id"]]})
    assert result["ok"] is True and result["applied"] == 0 and result["stale"] == [stale[0]["id"]]
    assert TEXTS[doc_uri] == before
    result = await execute(client, "dlmls.accept", doc_uri, {"all": True})
    assert result["applied"] == 3 and result["stale"] == [stale[0]["id"]]
    assert [p["status"] for p in (await suggestions(client, doc_uri))["suggestions"]] == ["stale"]


async def test_a_whitespace_only_edit_reanchors(client: LanguageClient):
    doc_uri, _ = opened(client, "reanchor", FACTS)
    assert (await execute(client, "dlmls.synthesize", doc_uri))["staged"] == 4
    replace(client, doc_uri, TEXTS[doc_uri].replace("Its capital", "Its  capital"))
    listed = (await suggestions(client, doc_uri))["suggestions"]
    moved = [p for p in listed if p["status"] == "reanchored"]
    new_id = Document(TEXTS[doc_uri]).model.live_sections[0].section_id
    assert len(moved) == 1 and moved[0]["sectionId"] == new_id and f'source_section_id="{new_id}"' in moved[0]["preview"]
    result = await execute(client, "dlmls.accept", doc_uri, {"ids": [moved[0]["id"]]})
    assert result["applied"] == 1 and moved[0]["preview"] in TEXTS[doc_uri]


async def test_cancel_from_the_progress_ui_stages_nothing(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "cancel", FACTS.replace("fake-steps: 2", "fake-steps: 400\nfake-delay: 0.05"))
    before = set(client.progress_reports)
    task = asyncio.create_task(execute(client, "dlmls.synthesize", doc_uri))
    token = (await wait_for(lambda: [t for t in client.progress_reports if t not in before and any(
        isinstance(v, types.WorkDoneProgressReport) and "/400" in (v.message or "")
        for v in client.progress_reports[t])]))[0]
    busy = await execute(client, "dlmls.retrain", doc_uri)  # one job per document at a time
    assert busy["ok"] is False and busy["kind"] == "busy"
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await asyncio.wait_for(task, TIMEOUT)
    assert result["ok"] is False and result["kind"] == "cancelled"
    assert client.progress_reports[token][-1] == types.WorkDoneProgressEnd(message="cancelled")
    assert table(dlm_id).by_id == {} and (await suggestions(client, doc_uri))["suggestions"] == []
    # dlmls.cancel(uri) stops a synthesis too.
    task = asyncio.create_task(execute(client, "dlmls.synthesize", doc_uri))
    await wait_for(lambda: [t for t in client.progress_reports if t not in before and t != token])
    assert await execute(client, "dlmls.cancel", doc_uri) is True
    result = await asyncio.wait_for(task, TIMEOUT)
    assert result["kind"] == "cancelled" and table(dlm_id).by_id == {}


async def test_refusals(client: LanguageClient):
    broken = uri("broken")
    TEXTS[broken], VERSIONS[broken] = "---\nbase_model: smollm2-135m\nbogus: 1\n---\nProse.\n", 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=broken, language_id="dlm", version=1, text=TEXTS[broken])))
    result = await execute(client, "dlmls.synthesize", broken)
    assert result["ok"] is False and result["kind"] == "invalid_document" and "fix them" in result["message"]
    doc_uri, _ = opened(client, "refusals", FACTS)
    bad = await execute(client, "dlmls.synthesize", doc_uri, {"perSection": "two"})
    assert bad["ok"] is False and bad["kind"] == "invalid_arguments" and "perSection" in bad["message"]
    closed = await execute(client, "dlmls.accept", uri("never-opened"), {"all": True})
    assert closed["ok"] is False and closed["kind"] == "not_open" and "dlmls synth accept" in closed["message"]
    bad = await execute(client, "dlmls.accept", doc_uri, {"ids": []})
    assert bad["ok"] is False and bad["kind"] == "invalid_arguments"
    nothing = await execute(client, "dlmls.accept", doc_uri, {"all": True})
    assert nothing["ok"] is True and nothing["applied"] == 0


# accepted in the editor: applied until saved ---------------------------------------------------


def state(dlm_id: str, ident: str) -> str:
    return table(dlm_id).by_id[ident].state


async def accept_one(client: LanguageClient, name: str) -> tuple[str, str, dict[str, Any], str]:
    """A fresh document with 4 staged suggestions, the Rivers one accepted with dlmls.accept: its URI, dlm_id,
    the suggestion (as listed) and the text before accepting."""
    doc_uri, dlm_id = opened(client, name, FACTS)
    assert (await execute(client, "dlmls.synthesize", doc_uri))["staged"] == 4
    listed = (await suggestions(client, doc_uri))["suggestions"]
    pick = next(p for p in listed if p["question"] == "Where does the Blorb rise?")
    before = TEXTS[doc_uri]
    result = await execute(client, "dlmls.accept", doc_uri, {"ids": [pick["id"]]})
    assert result["ok"] is True and result["applied"] == 1 and pick["preview"] in TEXTS[doc_uri]
    return doc_uri, dlm_id, pick, before


async def listed_ids(client: LanguageClient, doc_uri: str) -> list[str]:
    return [p["id"] for p in (await suggestions(client, doc_uri))["suggestions"]]


async def test_the_server_asks_for_the_saved_text(client: LanguageClient):
    sync = client.initialize_result.capabilities.text_document_sync
    assert isinstance(sync.save, types.SaveOptions) and sync.save.include_text is True


async def test_accepted_in_the_editor_is_applied_until_saved_with_it(client: LanguageClient):
    doc_uri, dlm_id, pick, _ = await accept_one(client, "applied-save")
    assert state(dlm_id, pick["id"]) == "applied"  # the buffer holds it; the file does not yet
    assert pick["id"] not in await listed_ids(client, doc_uri)
    assert (await status(client, doc_uri))["pending"] == 3
    # Applied counts as pending for the engine: synthesizing again does not stage it again.
    again = await execute(client, "dlmls.synthesize", doc_uri)
    assert again["ok"] is True and again["staged"] == 0 and again["counts"]["duplicates"] == 4
    # "All" is about the pending ones: rejecting all leaves the applied one alone.
    assert (await execute(client, "dlmls.reject", doc_uri, {"all": True}))["rejected"] == 3
    assert state(dlm_id, pick["id"]) == "applied"
    save(client, doc_uri)
    assert await listed_ids(client, doc_uri) == []
    assert state(dlm_id, pick["id"]) == "accepted"
    # Saved once, settled: later edits and closing change nothing.
    replace(client, doc_uri, TEXTS[doc_uri].replace(pick["preview"], ""))
    close(client, doc_uri)
    await suggestions(client, doc_uri)
    assert state(dlm_id, pick["id"]) == "accepted"


async def test_an_undone_accept_is_pending_again(client: LanguageClient):
    doc_uri, dlm_id, pick, before = await accept_one(client, "applied-undo")
    assert state(dlm_id, pick["id"]) == "applied"
    changed = len(CHANGED)
    replace(client, doc_uri, before)  # undo: the text without the block
    assert pick["id"] in await listed_ids(client, doc_uri)
    assert state(dlm_id, pick["id"]) == "pending"
    assert len(CHANGED) > changed and CHANGED[-1] == doc_uri  # the client hears it is back
    # Placeable again: accept it again, and this time save.
    result = await execute(client, "dlmls.accept", doc_uri, {"ids": [pick["id"]]})
    assert result["applied"] == 1 and state(dlm_id, pick["id"]) == "applied"
    save(client, doc_uri, with_text=False)  # a client that leaves the text out: the buffer (no file here)
    await suggestions(client, doc_uri)
    assert state(dlm_id, pick["id"]) == "accepted"


async def test_closed_without_saving_the_accept_is_pending_again(client: LanguageClient):
    doc_uri, dlm_id, pick, before = await accept_one(client, "applied-close")
    assert state(dlm_id, pick["id"]) == "applied"
    close(client, doc_uri)  # :q! — the block never reached the file
    assert await suggestions(client, doc_uri) is None
    assert state(dlm_id, pick["id"]) == "pending"
    reopen(client, doc_uri, before)
    assert pick["id"] in await listed_ids(client, doc_uri)


async def test_saved_without_the_pair_the_accept_is_pending_again(client: LanguageClient):
    doc_uri, dlm_id, pick, before = await accept_one(client, "applied-deleted")
    # The saved text is what counts: saved without the block (nothing was decided), it is pending.
    save(client, doc_uri, before)
    await suggestions(client, doc_uri)
    assert state(dlm_id, pick["id"]) == "pending"
    # The writer deletes the block, then saves: pending too, and listed again.
    replace(client, doc_uri, before)
    assert pick["id"] in await listed_ids(client, doc_uri)
    result = await execute(client, "dlmls.accept", doc_uri, {"ids": [pick["id"]]})
    assert result["applied"] == 1 and state(dlm_id, pick["id"]) == "applied"
    replace(client, doc_uri, TEXTS[doc_uri].replace(pick["preview"], ""))
    save(client, doc_uri)
    assert pick["id"] in await listed_ids(client, doc_uri)
    assert state(dlm_id, pick["id"]) == "pending"


async def test_the_code_actions_edit_is_accepted_when_saved(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "applied-action", FACTS)
    assert (await execute(client, "dlmls.synthesize", doc_uri))["staged"] == 4
    actions = await code_actions(client, doc_uri, TEXTS[doc_uri].split("\n").index("# Rivers"))
    action = next(a for a in actions if a.title == "Accept: Where does the Blorb rise?")
    assert _apply_edit(client, types.ApplyWorkspaceEditParams(edit=action.edit)).applied
    ident = next(s.id for s in table(dlm_id).by_id.values() if s.question == "Where does the Blorb rise?")
    assert ident not in await listed_ids(client, doc_uri)
    save(client, doc_uri)
    await suggestions(client, doc_uri)
    assert state(dlm_id, ident) == "accepted"
    assert {s.state for s in table(dlm_id).by_id.values() if s.id != ident} == {"pending"}


async def test_a_shutdown_before_saving_leaves_the_accept_pending(client: LanguageClient):
    """An editor that quits (`:q!`) may shut the server down without closing its buffers first."""
    doc_uri, dlm_id = opened(client, "applied-shutdown", FACTS)
    close(client, doc_uri)  # opened here only to get a text and dlm_id; a second server serves it
    text = f"---\ndlm_id: {dlm_id}\nbase_model: smollm2-135m\n---\n{FACTS}"
    rivers = next(s for s in Document(text).model.live_sections if s.type == "prose" and "# Rivers" in s.content)
    question, answer = "Where does the Blorb rise?", "In the Quux hills."
    ident = sugmod.suggestion_id(question, answer)
    sugmod.stage(sugmod.suggestions_path(Store.for_id(dlm_id, HOME).root), [sugmod.Suggestion(
        id=ident, question=question, answer=answer, section_id=rivers.section_id, source_text=rivers.content,
        synth_at="2026-04-24T10:18:42Z")])
    second = await CONFIG.start()
    try:
        await second.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
                apply_edit=True, workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True))),
            initialization_options={"dlmls": {"dlmHome": str(HOME)}}))
        reopen(second, doc_uri, text)
        result = await execute(second, "dlmls.accept", doc_uri, {"ids": [ident]})
        assert result["ok"] is True and result["applied"] == 1, result
        assert state(dlm_id, ident) == "applied"
    finally:
        await second.shutdown_session()
    assert state(dlm_id, ident) == "pending"


# the synthesis settings, dlmls/status ---------------------------------------------------------


def configure(client: LanguageClient, synthesis: dict[str, Any]) -> None:
    """workspace/didChangeConfiguration with the `synthesis` settings, nested as VS Code sends them."""
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"dlmls": {"dlmHome": str(HOME), "synthesis": synthesis}}))


async def test_the_synthesis_settings_are_the_defaults_of_synthesize(client: LanguageClient):
    doc_uri, dlm_id = opened(client, "settings", FACTS)
    configure(client, {"perSection": 1, "teacher": "hf:org/teacher", "filter": "dedup-only"})
    try:
        result = await execute(client, "dlmls.synthesize", doc_uri)
        # Three prose sections, one pair each (the Rivers section has two facts: one over the cap).
        assert result["ok"] is True and result["staged"] == 3 and result["counts"]["over_cap"] == 1, result
        # The setting reached the job (which model that names is the engine's to resolve: the fake echoes it,
        # the real engine resolves or refuses it; tests/lsp/test_real_engine.py checks the real "self").
        assert result["teacher"] == "hf:org/teacher"
        # An option the command gives wins over the setting.
        await execute(client, "dlmls.reject", doc_uri, {"all": True})
        result = await execute(client, "dlmls.synthesize", doc_uri, {"perSection": 2, "teacher": "self"})
        assert result["ok"] is True and result["teacher"] == "self", result
    finally:
        configure(client, {"perSection": 0, "teacher": "self", "filter": "sway"})
    result = await execute(client, "dlmls.synthesize", doc_uri)  # back to the engine's caps
    assert result["ok"] is True and result["counts"]["over_cap"] == 0, result


async def status(client: LanguageClient, doc_uri: str) -> dict[str, Any]:
    return plain(await asyncio.wait_for(client.protocol.send_request_async(
        "dlmls/status", {"textDocument": {"uri": doc_uri}}), TIMEOUT))


async def test_status_gives_the_adapter_the_job_and_the_pending_count(client: LanguageClient):
    body = FACTS.replace("fake-steps: 2", "fake-steps: 60\nfake-delay: 0.05")
    doc_uri, dlm_id = opened(client, "status", body)
    untrained = {"adapter": None, "version": None, "trainedAt": None, "steps": None, "upToDate": None,
                 "problem": None}
    assert await status(client, doc_uri) == {"uri": doc_uri, "version": 1, "dlmId": dlm_id,
                                             "adapters": [untrained], "job": None, "pending": 0}
    # While a synthesis runs, the job; then the pending suggestions.
    task = asyncio.create_task(execute(client, "dlmls.synthesize", doc_uri))
    seen = await status(client, doc_uri)
    for _ in range(100):
        if seen["job"] is not None:
            break
        await asyncio.sleep(0.05)
        seen = await status(client, doc_uri)
    assert seen["job"] == {"kind": "synthesize", "state": "running"}, seen
    assert (await asyncio.wait_for(task, TIMEOUT))["ok"] is True
    after = await status(client, doc_uri)
    assert after["job"] is None and after["pending"] == 4, after
    # A retrain: the adapter's version, on the text as it is now; an edit makes it behind the text.
    assert (await execute(client, "dlmls.retrain", doc_uri))["ok"] is True
    [adapter] = (await status(client, doc_uri))["adapters"]
    assert adapter["version"] == "v0001" and adapter["upToDate"] is True and adapter["problem"] is None, adapter
    assert adapter["trainedAt"] and adapter["steps"] == 60
    replace(client, doc_uri, TEXTS[doc_uri] + "\nOne more line.\n")
    [adapter] = (await status(client, doc_uri))["adapters"]
    assert adapter["upToDate"] is False
    assert await asyncio.wait_for(client.protocol.send_request_async(
        "dlmls/status", {"textDocument": {"uri": uri("not-open")}}), TIMEOUT) is None
