"""End to end: `dlmls serve` publishes the core's problems as an editor sees them.

One server process serves the whole module (module-scoped client and event
loop); each test uses its own document URI. The client offers no position
encoding, so columns are UTF-16 code units: the document below puts an
emoji and an astral letter before problems on the same line.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import CONFIG, DOC, change_document, open_document, spans, wait_published
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONFORMANCE = Path(__file__).resolve().parent.parent / "conformance"

# Code points: the adapter value spans 29-34, 'bogus' 36-41. In UTF-16 the
# emoji and 𝔘 take two units each, so 'bogus' is at 38-43.
EXPECTED = [("FM122", "3:29-3:36"), ("FM110", "3:38-3:43"), ("DLM402", "8:0-8:5")]


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    lsp_client.initialize_result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


async def test_initialize_negotiates_incremental_sync_and_utf16(client: LanguageClient):
    result: types.InitializeResult = client.initialize_result
    assert result.server_info.name == "dlmls"
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    sync = result.capabilities.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental and sync.open_close


async def test_open_publishes_exact_utf16_ranges(client: LanguageClient):
    uri = "file:///tmp/open.dlm"
    open_document(client, uri, DOC)
    diagnostics = await wait_published(client, uri, 1)
    assert spans(diagnostics) == EXPECTED
    d = diagnostics[0]
    assert d.source == "dlmls"
    assert d.severity == types.DiagnosticSeverity.Error
    assert "😀𝔘é" in d.message
    assert d.data["stage"] == "parse"


async def test_incremental_changes_fix_and_introduce_problems(client: LanguageClient):
    uri = "file:///tmp/change.dlm"
    open_document(client, uri, DOC)
    await wait_published(client, uri, 1)

    # Replace the bad adapter value (a UTF-16 range after astral characters)
    # and give the empty question a body, in one didChange.
    change_document(client, uri, 2, ((3, 29, 3, 36), "lora"), ((8, 5, 8, 5), "\nWhat?"))
    diagnostics = await wait_published(client, uri, 2)
    assert spans(diagnostics) == [("FM110", "3:35-3:40")]

    # Append a fence with an empty adapter suffix: a new problem.
    change_document(client, uri, 3, ((12, 0, 12, 0), "\n::instruction#::\n### Q\nq\n### A\na\n"))
    diagnostics = await wait_published(client, uri, 3)
    assert spans(diagnostics) == [("FM110", "3:35-3:40"), ("DLM201", "13:13-13:14")]


def _configure(client: LanguageClient, **settings) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"dlmls": settings}))


# The quiet period of the burst test: far longer than a request's round trip, even on a loaded machine.
QUIET_MS = 2000


async def test_changes_within_the_quiet_period_publish_once(client: LanguageClient):
    uri = "file:///tmp/burst.dlm"
    _configure(client, diagnosticsDelay=QUIET_MS)
    try:
        open_document(client, uri, DOC)
        await wait_published(client, uri, 1)
        # Type "What?" after "### Q" one keystroke at a time, each its own version. After each, the
        # client waits for the answer to a request sent behind it, so each change has been read and
        # applied on its own (the server handles messages in order) before the next is sent: only
        # the quiet period can merge them, and each gap is one round trip, far shorter than it.
        sent = []

        async def type_(version: int, *edits: tuple[tuple[int, int, int, int], str]) -> None:
            change_document(client, uri, version, *edits)
            await client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
            sent.append(time.monotonic())

        await type_(2, ((8, 5, 8, 5), "\n"))
        for i, ch in enumerate("What?"):
            await type_(3 + i, ((9, i, 9, i), ch))
        diagnostics = await wait_published(client, uri, 7)
        assert spans(diagnostics) == EXPECTED[:2]
        gaps = [f"{b - a:.3f} s" for a, b in zip(sent, sent[1:])]
        assert [p.version for p in client.published[uri]] == [1, 7], f"gaps between the changes: {gaps}"
    finally:
        _configure(client, diagnosticsDelay=0)


async def test_every_keystroke_the_server_keeps_up_with_is_published(client: LanguageClient):
    uri = "file:///tmp/typing.dlm"
    open_document(client, uri, DOC)
    await wait_published(client, uri, 1)
    # No delay by default: each keystroke, typed after the last one was
    # answered, gets its own diagnostics, and a stale version never follows a newer one.
    change_document(client, uri, 2, ((8, 5, 8, 5), "\n"))
    assert spans(await wait_published(client, uri, 2)) == EXPECTED
    for i, ch in enumerate("Why?"):
        change_document(client, uri, 3 + i, ((9, i, 9, i), ch))
        assert spans(await wait_published(client, uri, 3 + i)) == EXPECTED[:2]
    versions = [p.version for p in client.published[uri]]
    assert versions == sorted(versions) and versions[-1] == 6


async def test_whole_text_change_and_close(client: LanguageClient):
    uri = "file:///tmp/close.dlm"
    open_document(client, uri, DOC)
    await wait_published(client, uri, 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="no frontmatter\n")]))
    assert spans(await wait_published(client, uri, 2)) == [("FM001", "0:0-0:14")]
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await wait_published(client, uri, None) == []


async def test_whole_text_changes_match_a_fresh_open(client: LanguageClient):
    # A client syncing full text sends the whole document per keystroke; the server diffs it into
    # one ranged edit. Whatever the change, the diagnostics (UTF-16 ranges included) must be those
    # of the same text opened fresh.
    uri = "file:///tmp/full-sync.dlm"
    open_document(client, uri, DOC)
    await wait_published(client, uri, 1)
    texts = [
        DOC,  # the same text
        DOC.replace("bogus", "bogux"),  # one character, after astral characters
        "x" + DOC,  # at the start
        DOC + "\n::instruction#::\n### Q\nq\n### A\na\n",  # at the end
        DOC.replace("😀", "😁"),  # an astral character sharing three of its four bytes
        DOC.replace("\n", "\r\n"),
        "",
        DOC,
    ]
    for i, text in enumerate(texts):
        version = i + 2
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        got = spans(await wait_published(client, uri, version))
        fresh = f"file:///tmp/full-sync-fresh-{i}.dlm"
        open_document(client, fresh, text)
        assert got == spans(await wait_published(client, fresh, 1)), repr(text[:40])


def _cases(accepted: bool) -> list[Path]:
    out = []
    for case in sorted((CONFORMANCE / "expected").glob("*.json")):
        exp = json.loads(case.read_text())
        if accepted and exp["ok"] and not any("body_error" in s for s in exp["sections"]):
            out.append(case)
        # Rejections DLM pins to one line (schema errors it reports on "line 2",
        # marker errors on the fence line: the core tests cover those).
        if (not accepted and not exp["ok"] and exp["error"]["kind"] in ("FenceError", "FrontmatterError")
                and "marker" not in exp["error"]["message"]):
            out.append(case)
    return out


def _source(name: str) -> str:
    for folder in ("cases", "corpus"):
        p = CONFORMANCE / folder / f"{name}.dlm"
        if p.exists():
            return p.read_bytes().decode("utf-8", "replace")
    raise FileNotFoundError(name)


@pytest.mark.parametrize("case", _cases(accepted=False), ids=lambda p: p.stem)
async def test_rejected_document_has_error_on_dlms_line(client: LanguageClient, case: Path):
    uri = f"file:///tmp/rejected/{case.stem}.dlm"
    open_document(client, uri, _source(case.stem))
    diagnostics = await wait_published(client, uri, 1)
    line = json.loads(case.read_text())["error"]["line"] - 1
    assert any(d.severity == types.DiagnosticSeverity.Error and d.range.start.line == line
               for d in diagnostics), spans(diagnostics)


@pytest.mark.parametrize("case", _cases(accepted=True), ids=lambda p: p.stem)
async def test_accepted_document_has_no_error(client: LanguageClient, case: Path):
    uri = f"file:///tmp/accepted/{case.stem}.dlm"
    open_document(client, uri, _source(case.stem))
    diagnostics = await wait_published(client, uri, 1)
    errors = [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
    # DLM's parser accepts it: no parse-stage error. The only train-time
    # errors left are an adapter suffix training.adapters does not declare
    # (DLM's router refuses those) and a base_model that names no model
    # (frontmatter-duplicate-keys ends up with `b`); the reference parse cannot show either.
    assert [d for d in errors if d.data["stage"] == "parse"] == []
    assert {str(d.code) for d in errors} <= {"DLM230", "FM160"}, spans(errors)


async def test_a_lone_surrogate_in_the_text_still_gets_its_diagnostics(client: LanguageClient):
    # JSON can carry "\ud800", which is no character: the text as a file would not be UTF-8.
    uri = "file:///tmp/surrogate.dlm"
    open_document(client, uri, DOC.replace("bogus", "bo\ud800gus"))
    diagnostics = await wait_published(client, uri, 1)
    codes = {d.code for d in diagnostics}
    assert {"DLM001", "FM110"} <= codes
    assert "bo\ufffd" in next(d for d in diagnostics if d.code == "FM110").message

