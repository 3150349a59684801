"""End to end: lint warnings, cross-checks and quick fixes as an editor sees them.

One server process serves the whole module (module-scoped client and event
loop), as in test_diagnostics.py; each test uses its own document URI. The
client offers no position encoding, so columns are UTF-16 code units. The
cross-checks look at real files: the documents live in a temporary folder
made for this module. A quick fix is checked by applying its edits the way a
client does and comparing the whole resulting document.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from dlmls.core.sections import section_id
from lsp_support import CONFIG, change_document, open_document, spans, wait_published
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEAD = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: smollm2-135m\n---\n"
QA = "### Q\nq\n### A\na\n"
SYNTH = ('<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" '
         'synth_at="2026-04-24T10:18:42Z" source_section_id="{}" -->')
WARNING, ERROR = types.DiagnosticSeverity.Warning, types.DiagnosticSeverity.Error


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder with the files the cross-check documents refer to."""
    root = tmp_path_factory.mktemp("notes")
    (root / "figs").mkdir()
    (root / "figs" / "a.png").write_bytes(b"\x89PNG")
    (root / "src").mkdir()
    return root


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    lsp_client.initialize_result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


_uris = iter(range(10_000))


def new_uri(folder: Path | None = None) -> str:
    """A fresh document URI (in `folder` when given)."""
    name = f"doc{next(_uris)}.dlm"
    return (folder / name).as_uri() if folder is not None else f"file:///tmp/code-actions/{name}"


async def publish(client: LanguageClient, text: str, uri: str | None = None) -> tuple[str, list]:
    """Open `text` and return its URI and published diagnostics."""
    uri = uri or new_uri()
    open_document(client, uri, text)
    return uri, await wait_published(client, uri, 1)


def offset(text: str, pos: types.Position) -> int:
    """The string index of an LSP position (UTF-16 columns)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line, units = lines[pos.line] if pos.line < len(lines) else "", 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply non-overlapping text edits as a client does (all against the original text)."""
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(text, e.range.start)] + e.new_text + text[offset(text, e.range.end):]
    return text


async def actions(client: LanguageClient, uri: str, diagnostics: list[types.Diagnostic],
                  only: list[types.CodeActionKind] | None = None) -> list[types.CodeAction]:
    """The quick fixes the server offers for `diagnostics`."""
    rng = diagnostics[0].range if diagnostics else types.Range(start=types.Position(line=0, character=0),
                                                               end=types.Position(line=0, character=0))
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only)))
    # Other features add their own kinds of action (e.g. "Retrain adapter"): keep the quick fixes.
    return [a for a in result or () if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]


# Lint -----------------------------------------------------------------------------

LINT_DOC = HEAD + f"""\
Prose.
::instruction:: 
  ::prose::
::image alt='😀' path='a.png'::
::Image path="a.png"::
::instruction:
::instruction::

{SYNTH.format("b6b7d8a2f4b3f9c0")}
### Q
q
### A
```
### A
```

# Next chapter
::preference::
{SYNTH.format("b6b7d8a2f4b3f9c0")}
### Prompt
p
### Chosen
c
### Rejected
r
"""


async def test_lint_warnings_on_their_lines(client: LanguageClient):
    _, diagnostics = await publish(client, LINT_DOC)
    warnings = [d for d in diagnostics if d.severity == WARNING]
    assert spans(warnings) == [
        ("DLM220", "5:0-5:16"),
        ("DLM220", "6:0-6:11"),
        ("DLM221", "7:0-7:31"),  # 30 code points: 😀 is two UTF-16 units
        ("DLM222", "8:0-8:22"),
        ("DLM223", "9:0-9:14"),
        ("DLM320", "12:0-12:142"),
        ("DLM420", "17:0-17:5"),
        ("DLM421", "20:0-20:14"),
        ("DLM321", "22:0-22:142"),
    ]
    assert all(d.data["stage"] == "lint" for d in warnings)
    # The markers that stay text, and the split pair, are what DLM's trainer refuses.
    assert [(c, r) for c, r in spans(diagnostics) if c.startswith("DLM4") and c != "DLM420"
            and c != "DLM421"] == [("DLM401", "12:0-12:142"), ("DLM401", "17:0-17:5"),
                                   ("DLM411", "22:0-22:142")]


# Cross-checks -------------------------------------------------------------------------

SOURCES = "training:\n  sources:\n    - path: src\n    - path: nope\n"


def cross_doc(base: str = "smollm2-135", training: str = SOURCES) -> str:
    prose = "Source prose."
    return f"""\
---
dlm_id: 01KPM5CXB51GRX86Q25AKERN6E
base_model: {base}
{training}---
{prose}
::instruction#tone::
{SYNTH.format(section_id("prose", prose))}
{QA}::image path="figs/a.png"::
cap
::image path="figs/missing.png"::
cap
"""


async def test_cross_checks_on_their_values(client: LanguageClient, folder: Path):
    _, diagnostics = await publish(client, cross_doc(), new_uri(folder))
    assert [(str(d.code), s, d.severity) for d, (_, s) in zip(diagnostics, spans(diagnostics))] == [
        ("FM160", "2:12-2:23", ERROR),  # a misspelled registry key: `dlmls train` refuses it
        ("FM162", "6:12-6:16", WARNING),
        ("DLM230", "9:14-9:18", ERROR),
        ("DLM240", "17:13-17:31", WARNING),
    ]
    by_code = {str(d.code): d for d in diagnostics}
    assert by_code["FM160"].data["suggestions"][0] == "smollm2-135m"
    assert by_code["DLM240"].data["resolved"] == str(folder / "figs" / "missing.png")
    assert by_code["DLM230"].data["stage"] == "train"


async def test_cross_checks_follow_edits(client: LanguageClient, folder: Path):
    uri, diagnostics = await publish(client, cross_doc(training=""), new_uri(folder))
    assert "DLM330" not in {str(d.code) for d in diagnostics}
    # Edit the source prose: the synthesized section's source id now dangles.
    change_document(client, uri, 2, ((4, 0, 4, 6), "Edited"))
    diagnostics = await wait_published(client, uri, 2)
    assert ("DLM330", "6:120-6:138") in spans(diagnostics)
    # ... and no longer once the prose reads as before.
    change_document(client, uri, 3, ((4, 0, 4, 6), "Source"))
    diagnostics = await wait_published(client, uri, 3)
    assert "DLM330" not in {str(d.code) for d in diagnostics}


async def test_untitled_documents_skip_path_checks(client: LanguageClient):
    _, diagnostics = await publish(client, cross_doc("hf:acme/tiny"), "untitled:Untitled-7")
    assert [str(d.code) for d in diagnostics] == ["DLM230"]


# Quick fixes --------------------------------------------------------------------------

FIXES = [
    # (code, document, the document after the preferred fix)
    ("FM110", HEAD.replace("---\n", "---\ntrainng:\n  seed: 3\n", 1) + "x\n",
     HEAD.replace("---\n", "---\ntraining:\n  seed: 3\n", 1) + "x\n"),
    ("FM160", HEAD.replace("smollm2-135m", '"smollm2-135"') + "x\n",
     HEAD.replace("smollm2-135m", '"smollm2-135m"') + "x\n"),
    ("DLM200", HEAD + "::Instruction::\n" + QA, HEAD + "::instruction::\n" + QA),
    ("DLM220", HEAD + "x\n  ::instruction:: \n" + QA, HEAD + "x\n::instruction::\n" + QA),
    ("DLM221", HEAD + "::image path='a.png'::\n", HEAD + '::image path="a.png"::\n'),
    # (Not `Path="😀.png"`: DLM refuses a non-ASCII path (DLM207), so that repair is not offered.)
    ("DLM222", HEAD + '::IMAGE Path="a.png"::\n', HEAD + '::image path="a.png"::\n'),
    ("DLM223", HEAD + "x\n::instruction:\n" + QA, HEAD + "x\n::instruction::\n" + QA),
    ("DLM320", HEAD + "::instruction::\n\n\n" + SYNTH.format("b6b7d8a2f4b3f9c0") + "\n" + QA,
     HEAD + "::instruction::\n" + SYNTH.format("b6b7d8a2f4b3f9c0") + "\n" + QA),
    ("DLM322", HEAD + "::instruction::\n  " + SYNTH.format("b6b7d8a2f4b3f9c0") + "\n" + QA,
     HEAD + "::instruction::\n" + SYNTH.format("b6b7d8a2f4b3f9c0") + "\n" + QA),
    ("DLM421", HEAD + "::instruction::\n" + QA + "\n# Part two\ntext\n",
     HEAD + "::instruction::\n" + QA + "\n::prose::\n# Part two\ntext\n"),
    # A question with no `### A`: the answer written under it gets its header ...
    ("DLM403", HEAD + "::instruction::\n### Q\nWhy 😀?\nBecause.\n\n",
     HEAD + "::instruction::\n### Q\nWhy 😀?\n### A\nBecause.\n\n"),
    # ... and a misspelled `### A` is spelled right (never an empty `### A`: see below).
    ("DLM404", HEAD + "::instruction::\n### Q\nq1\n### Aswer\na1\n\n### Q\nq2\n### A\na\n",
     HEAD + "::instruction::\n### Q\nq1\n### A\na1\n\n### Q\nq2\n### A\na\n"),
    # Declaring an adapter: under the existing block, a new block, or a new
    # `training` mapping, never re-serialising the YAML (the comment stays).
    ("DLM230", HEAD.replace("---\n", "---\ntraining:  # knobs\n  adapters:\n    tone: {}\n", 1)
     + "::instruction#knowledge::\n" + QA,
     HEAD.replace("---\n", "---\ntraining:  # knobs\n  adapters:\n    tone: {}\n    knowledge: {}\n", 1)
     + "::instruction#knowledge::\n" + QA),
    ("DLM230", HEAD.replace("---\n", "---\ntraining:\n  seed: 1\n", 1) + "::instruction#knowledge::\n" + QA,
     HEAD.replace("---\n", "---\ntraining:\n  seed: 1\n  adapters:\n    knowledge: {}\n", 1)
     + "::instruction#knowledge::\n" + QA),
    ("DLM230", HEAD + "::instruction#knowledge::\n" + QA,
     HEAD.replace("smollm2-135m\n", "smollm2-135m\ntraining:\n  adapters:\n    knowledge: {}\n")
     + "::instruction#knowledge::\n" + QA),
]


@pytest.mark.parametrize("code, before, after", FIXES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(FIXES)])
async def test_preferred_fix_gives_the_expected_document(client: LanguageClient, code: str, before: str,
                                                         after: str):
    uri, diagnostics = await publish(client, before)
    mine = [d for d in diagnostics if d.code == code]
    assert mine, spans(diagnostics)
    found = await actions(client, uri, mine[:1])
    preferred = [a for a in found if a.is_preferred]
    assert len(preferred) == 1, [a.title for a in found]
    action = preferred[0]
    assert list(action.diagnostics) == mine[:1]
    (change,) = action.edit.document_changes
    assert change.text_document.uri == uri and change.text_document.version == 1
    fixed = apply(before, change.edits)
    assert fixed == after
    # The fixed document no longer has the problem.
    _, again = await publish(client, fixed)
    assert code not in {str(d.code) for d in again}, spans(again)


async def test_every_suggestion_is_offered_best_first(client: LanguageClient):
    text = HEAD.replace("smollm2-135m", "smollm2-135") + "x\n"
    uri, diagnostics = await publish(client, text)
    found = await actions(client, uri, diagnostics)
    assert [(a.title, bool(a.is_preferred)) for a in found] == [
        ("Change value to 'smollm2-135m'", True),
        ("Change value to 'smollm2-360m'", False),
        ("Change value to 'smollm2-1.7b'", False),
    ]


async def test_no_fix_that_leaves_an_empty_answer(client: LanguageClient):
    # Inserting `### A` here would trade DLM404 for DLM405 (an empty answer): nothing is offered.
    uri, diagnostics = await publish(client, HEAD + "::instruction::\n### Q\nq1\n\n### Q\nq2\n### A\na\n")
    assert [str(d.code) for d in diagnostics] == ["DLM404"]
    assert await actions(client, uri, diagnostics) == []


async def test_undeclared_adapter_can_also_lose_its_suffix(client: LanguageClient):
    text = HEAD + "::instruction#knowledge::\n" + QA
    uri, diagnostics = await publish(client, text)
    found = await actions(client, uri, diagnostics)
    other = [a for a in found if not a.is_preferred]
    assert [a.title for a in other] == ["Remove the '#knowledge' suffix"]
    assert apply(text, other[0].edit.document_changes[0].edits) == HEAD + "::instruction::\n" + QA


async def test_fix_never_lands_on_changed_text(client: LanguageClient):
    text = HEAD + "x\n::instruction: \n" + QA
    uri, diagnostics = await publish(client, text)
    # The writer retypes the line before asking for the fix of the old diagnostic.
    change_document(client, uri, 2, ((5, 0, 5, 15), "::prose:"))
    await wait_published(client, uri, 2)
    assert await actions(client, uri, diagnostics) == []
    # A fresh diagnostic gets a fix tied to the new version.
    fresh = await wait_published(client, uri, 2)
    (action,) = await actions(client, uri, fresh)
    assert action.edit.document_changes[0].text_document.version == 2
    assert action.edit.document_changes[0].edits[0].new_text == "::prose::"


async def test_only_other_kinds_gets_nothing(client: LanguageClient):
    uri, diagnostics = await publish(client, HEAD + "x\n::instruction:\n" + QA)
    assert await actions(client, uri, diagnostics, only=[types.CodeActionKind.Refactor]) == []
    assert len(await actions(client, uri, diagnostics, only=[types.CodeActionKind.QuickFix])) == 1


async def test_capability_advertises_quick_fixes(client: LanguageClient):
    provider = client.initialize_result.capabilities.code_action_provider
    assert types.CodeActionKind.QuickFix in provider.code_action_kinds


# Review actions: "Accept: …" / "Reject: …" of staged suggestions ----------------------------------------

WRAPS = ("What does functools.wraps copy onto the wrapper function from the function it wraps, "
         "so that a reader")
TAILS = ("its __name__", "its __doc__", "its __module__", "its __qualname__", "its __dict__ entries")
LONG_QUESTIONS = [f"{WRAPS} of help() sees {tail}?" for tail in TAILS]


async def test_review_titles_never_repeat(client: LanguageClient):
    """The titles' question part, pure: whole when short, cut at a word, never two alike."""
    from dlmls.lsp.suggestions import review_titles

    titles = review_titles([(q, "a") for q in LONG_QUESTIONS])
    assert len(set(titles)) == len(titles), titles
    for question, title in zip(LONG_QUESTIONS, titles, strict=True):
        tail = question.removeprefix(WRAPS + " of help() sees its ")
        assert title.startswith("What does functools.wraps copy onto") and title.endswith(tail), (title, tail)
        assert "… " in title and len(title) <= 80, title
    # Short ones stay whole; a long one alone is cut at a word boundary.
    assert review_titles([("Who?", "a"), (" Why\n not? ", "b")]) == ["Who?", "Why not?"]
    [alone] = review_titles([(LONG_QUESTIONS[0], "a")])
    assert alone.endswith("…") and LONG_QUESTIONS[0].startswith(alone[:-1] + " ") and len(alone) <= 80, alone
    # The same question with different answers: told apart by the answer; anything still alike is numbered.
    assert review_titles([("Who?", "Ann."), ("Who?", "Bob.")]) == ["Who? → Ann.", "Who? → Bob."]
    assert review_titles([("Who? → Ann.", "x"), ("Who?", "Ann."), ("Who?", "Ann. ")]) == [
        "Who? → Ann.", "Who? → Ann. (2)", "Who? → Ann. (3)"]


async def test_review_actions_have_distinct_titles_for_long_questions(tmp_path: Path):
    """Five suggestions whose questions share 100 characters: five Accept and five Reject titles, all
    different, each naming what its question asks about."""
    from dlmls import suggestions as sugmod
    from dlmls.core.document import Document
    from dlmls.store import Store
    from lsp_support import read_code_actions_as_editors_do

    dlm_id = "01KPM5CXB51GRX86Q25AKERN7A"
    text = (f"---\ndlm_id: {dlm_id}\nbase_model: smollm2-135m\n---\n"
            "::prose::\nfunctools.wraps copies the wrapped function's metadata.\n\n::instruction::\n" + QA)
    prose = next(s for s in Document(text).model.live_sections if s.type == "prose")
    answer = "An attribute."
    staged = [sugmod.Suggestion(id=sugmod.suggestion_id(q, answer), question=q, answer=answer,
                                section_id=prose.section_id, source_text=prose.content,
                                synth_at="2026-04-24T10:18:42Z") for q in LONG_QUESTIONS]
    sugmod.stage(sugmod.suggestions_path(Store.for_id(dlm_id, tmp_path).root), staged)
    second = await CONFIG.start()
    try:
        read_code_actions_as_editors_do(second)
        await second.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"dlmls": {"dlmHome": str(tmp_path)}}))
        uri = new_uri()
        open_document(second, uri, text)
        line = text.splitlines().index("::prose::") + 1
        position = types.Position(line=line, character=0)
        result = await second.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=position, end=position), context=types.CodeActionContext(diagnostics=[])))
    finally:
        await second.shutdown_session()
    titles = [a.title for a in result or () if a.title.startswith(("Accept: ", "Reject: "))]
    accepts = [t.removeprefix("Accept: ") for t in titles if t.startswith("Accept: ")]
    rejects = [t.removeprefix("Reject: ") for t in titles if t.startswith("Reject: ")]
    assert len(accepts) == len(set(accepts)) == 5 and sorted(rejects) == sorted(accepts), titles
    for question in LONG_QUESTIONS:
        tail = question.removeprefix(WRAPS + " of help() sees its ")
        assert sum(a.endswith(" " + tail) for a in accepts) == 1, (tail, accepts)
