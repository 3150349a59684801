"""End to end: hovers that read the base-model registry and the adapter store.

One server process serves the whole module (module-scoped client and event
loop), as in test_features.py. The store root comes from the `dlmHome`
setting; the server's $DLM_HOME points at a decoy directory that must never
appear (the setting wins, and hovering creates nothing). Each test opens its
own document with its own dlm_id and builds that document's store on disk
with `dlmls.store` (a version directory with `dlmls_run.json`, committed and
made current the way a training does) and `dlmls.scores`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from dlmls import scores
from dlmls.store import RUN_FILE, Store, document_sha256
from lsp_support import SERVER_COMMAND, change_document, make_client, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRATCH = Path(tempfile.mkdtemp(prefix="dlmls-hover-test-"))
HOME = SCRATCH / "home"
DECOY = SCRATCH / "env-home"
CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client,
                            server_env={**os.environ, "DLM_HOME": str(DECOY)})
IDS = iter(f"01KPM5CXB51GRX86Q25AKERN{n:02d}" for n in range(10, 99))
OPENED: dict[str, str] = {}  # uri -> text, for the final no-writes sweep

BODY = """\
Prose about decorators.

::instruction::
### Q
What is a decorator?
### A
A function that wraps another.

### Q
Why use one?
### A
To reuse behaviour.

### Q
Is it fast?
### A
Mostly.
"""
TRAINED_AT = "2026-04-24T10:18:42"


def document(dlm_id: str, base_model: str = "smollm2-135m", frontmatter: str = "", body: str = BODY) -> str:
    return f"---\ndlm_id: {dlm_id}\nbase_model: {base_model}\n{frontmatter}---\n{body}"


def opened(client: LanguageClient, name: str, **kwargs) -> tuple[str, str, str]:
    """Open a fresh document with its own dlm_id: its URI, dlm_id and text."""
    dlm_id = next(IDS)
    uri = f"file:///tmp/dlmls-hover/{name}.dlm"
    text = document(dlm_id, **kwargs)
    open_document(client, uri, text)
    OPENED[uri] = text
    return uri, dlm_id, text


def line_of(text: str, needle: str, after: int = 0) -> int:
    """The 0-based line of the first line at or after `after` that is exactly `needle`."""
    lines = text.split("\n")
    return next(i for i in range(after, len(lines)) if lines[i] == needle)


def train(dlm_id: str, text: str | None, adapter: str | None = None, **meta) -> str:
    """Commit a new version of `adapter` whose run metadata says it was trained on `text`; its name."""
    store = Store.for_id(dlm_id, HOME)
    with store.lock():
        staged = store.stage(adapter)
        (staged.path / "adapter_config.json").write_text("{}")
        (staged.path / "adapter_model.safetensors").write_bytes(b"weights")
        run = {"format": 1, "created_at": TRAINED_AT, "adapter": adapter, "version": staged.name, "steps": 12,
               "train_loss": 1.25, "eval_loss_before": 2.5, "eval_loss_after": 1.75,
               "document": {"path": None, "sha256": document_sha256(text) if text is not None else None}}
        (staged.path / RUN_FILE).write_text(json.dumps({**run, **meta}))
        version = store.commit(staged)
        store.set_current(version)
    return version.name


def snapshot(root: Path) -> list[tuple[str, int, int]] | None:
    """Every path under `root` with its mtime and size (None: `root` does not exist)."""
    if not root.exists():
        return None
    return sorted((str(p.relative_to(root)), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*"))


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), initialization_options={"dlmHome": str(HOME)}))
    yield
    await lsp_client.shutdown_session()


async def hover_at(client: LanguageClient, uri: str, line: int, character: int = 1) -> types.Hover | None:
    return await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character)))


async def hover_text(client: LanguageClient, uri: str, line: int, character: int = 1) -> str:
    result = await hover_at(client, uri, line, character)
    assert result is not None, f"no hover at {line}:{character}"
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


# base_model ----------------------------------------------------------------------


async def test_base_model_card_for_a_registry_key(client: LanguageClient):
    uri, _, _ = opened(client, "card", base_model="gemma-2-2b-it")
    on_value = await hover_text(client, uri, 2, 15)
    assert on_value.startswith("**`gemma-2-2b-it`** · base-model registry")
    for fact in ("| Hugging Face id | [`google/gemma-2-2b-it`](https://huggingface.co/google/gemma-2-2b-it) |",
                 "| Architecture | `Gemma2ForCausalLM` |", "| Parameters | 2.6B |",
                 "| Context length | 8,192 tokens |", "| Size (fp16) | 5.2 GB |",
                 "| Licence | Gemma (accept it on the Hub first) |", "| Modality | text |"):
        assert fact in on_value
    # The schema documentation stays, below the card.
    assert on_value.index("| Modality |") < on_value.index("**base_model**: non-empty string")
    assert await hover_text(client, uri, 2, 3) == on_value  # on the key


async def test_base_model_card_differs_per_key(client: LanguageClient):
    uri, _, _ = opened(client, "card-smollm", base_model="smollm2-135m")
    text = await hover_text(client, uri, 2, 15)
    assert "| Parameters | 135M |" in text and "| Licence | Apache-2.0 |" in text
    assert "google/gemma" not in text and "accept it on the Hub" not in text


async def test_base_model_hf_id_is_used_as_is(client: LanguageClient):
    uri, _, _ = opened(client, "hf", base_model="hf:acme/tiny-model")
    text = await hover_text(client, uri, 2, 15)
    assert text.startswith("**`hf:acme/tiny-model`**: a Hugging Face id, used as-is: "
                           "[`acme/tiny-model`](https://huggingface.co/acme/tiny-model) (not in the registry).")
    assert "names the same model" not in text and "**base_model**" in text
    same_uri, _, _ = opened(client, "hf-registry", base_model="hf:HuggingFaceTB/SmolLM2-360M-Instruct")
    same = await hover_text(client, same_uri, 2, 15)
    assert "The registry key `smollm2-360m` names the same model." in same


async def test_base_model_typo_gets_did_you_mean(client: LanguageClient):
    uri, _, _ = opened(client, "typo", base_model="smolm2-135m")
    text = await hover_text(client, uri, 2, 15)
    assert text.startswith("**`smolm2-135m`** is not in the base-model registry. Did you mean `smollm2-135m`")
    assert "**base_model**" in text


async def test_base_model_local_path(client: LanguageClient):
    uri, _, _ = opened(client, "local", base_model="./models/tiny")
    text = await hover_text(client, uri, 2, 15)
    assert text.startswith("**`./models/tiny`**: a local model path (relative to the document's folder)")
    assert "registry" not in text.split("---")[0]


# Adapter versions ------------------------------------------------------------------


async def test_no_adapter_yet(client: LanguageClient):
    uri, dlm_id, text = opened(client, "untrained")
    opener = await hover_text(client, uri, 0, 1)
    assert opener.startswith(f"**Frontmatter** · `dlm_id` `{dlm_id}` · base model `smollm2-135m`")
    assert f"Store: `{HOME / 'store' / dlm_id}`" in opener
    assert "**Adapter**: No adapter trained yet — run Retrain" in opener
    fence = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert fence.endswith("**Adapter**: No adapter trained yet — run Retrain")
    assert not (HOME / "store" / dlm_id).exists()


async def test_populated_store_on_opener_dlm_id_and_fence(client: LanguageClient):
    uri, dlm_id, text = opened(client, "trained")
    assert train(dlm_id, text, steps=40, train_loss=1.2468, eval_loss_before=2.5, eval_loss_after=1.75) == "v0001"
    expected = ("**Adapter**: `v0001` (current)\n\n"
                "- Trained: 2026-04-24 10:18:42 UTC\n"
                "- Steps: 40\n"
                "- Final train loss: 1.247\n"
                "- Held-out loss: 2.500 → 1.750\n"
                "- Trained on the document as it is now")
    opener = await hover_text(client, uri, 0, 0)
    assert opener.endswith(expected)
    assert "No adapter trained yet" not in opener
    dlm_id_value = await hover_text(client, uri, 1, 12)
    assert dlm_id_value.startswith(expected + "\n\n---\n\n**dlm_id**: ULID")
    fence = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert fence.startswith("**instruction** section") and fence.endswith(expected)
    # A new version: the cached read is replaced once current.txt moves.
    train(dlm_id, text, steps=7)
    assert "**Adapter**: `v0002` (current)\n\n- Trained: 2026-04-24 10:18:42 UTC\n- Steps: 7\n" in \
        await hover_text(client, uri, 0, 0)


async def test_held_out_loss_only_when_recorded(client: LanguageClient):
    uri, dlm_id, text = opened(client, "no-eval")
    train(dlm_id, text, eval_loss_before=None, eval_loss_after=None)
    opener = await hover_text(client, uri, 0, 0)
    assert "- Steps: 12" in opener and "Held-out" not in opener


async def test_changed_since_after_an_edit_and_not_before(client: LanguageClient):
    uri, dlm_id, text = opened(client, "edited")
    train(dlm_id, text)
    fence_line = line_of(text, "::instruction::")
    before = await hover_text(client, uri, fence_line)
    assert "Trained on the document as it is now" in before and "changed since" not in before
    prose = line_of(text, "Prose about decorators.")
    change_document(client, uri, 2, ((prose, 0, prose, 5), "Notes"))
    for line in (0, fence_line):
        after = await hover_text(client, uri, line, 0)
        assert "- The document changed since this version was trained" in after
        assert "as it is now" not in after
    change_document(client, uri, 3, ((prose, 0, prose, 5), "Prose"))  # back to the trained text
    assert "Trained on the document as it is now" in await hover_text(client, uri, 0, 0)


async def test_multi_adapter_routing(client: LanguageClient):
    body = BODY + "::instruction#tone::\n### Q\nHow do you sound?\n### A\nCalm.\n::prose::\nMore prose.\n"
    uri, dlm_id, text = opened(client, "multi", body=body,
                               frontmatter="training:\n  adapters:\n    knowledge: {}\n    tone: {}\n")
    train(dlm_id, text, "knowledge", steps=5)
    train(dlm_id, text, "tone", steps=6)
    train(dlm_id, text, "tone", steps=7)
    unsuffixed = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert "**Adapter `knowledge`**: `v0001` (current)\n\n- Trained: 2026-04-24 10:18:42 UTC\n- Steps: 5" in unsuffixed
    assert "tone" not in unsuffixed
    tone = await hover_text(client, uri, line_of(text, "::instruction#tone::"))
    assert "**Adapter `tone`**: `v0002` (current)\n\n- Trained: 2026-04-24 10:18:42 UTC\n- Steps: 7" in tone
    assert "knowledge" not in tone
    for everything in (await hover_text(client, uri, line_of(text, "::prose::")), await hover_text(client, uri, 0)):
        assert "**Adapter `knowledge`**: `v0001`" in everything and "**Adapter `tone`**: `v0002`" in everything
        assert everything.index("`knowledge`") < everything.index("`tone`")  # declaration order
        assert "**Adapter**:" not in everything  # no flat adapter in a multi-adapter document


async def test_corrupt_store_gives_a_message_not_an_error(client: LanguageClient):
    uri, dlm_id, text = opened(client, "corrupt")
    train(dlm_id, text)
    store = Store.for_id(dlm_id, HOME)
    store.pointer_path(None).write_bytes(b"\xff\xfe garbage")
    opener = await hover_text(client, uri, 0, 0)
    assert "**Adapter**: store unreadable: " in opener and "is not UTF-8 text" in opener
    store.pointer_path(None).write_text("adapter/versions/latest\n")
    fence = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert "**Adapter**: store unreadable: " in fence and "not a version name" in fence
    store.pointer_path(None).write_text("adapter/versions/v0001\n")
    (store.versions_dir(None) / "v0001" / RUN_FILE).write_text("{not json")
    assert "is not valid JSON" in await hover_text(client, uri, 0, 0)
    store.scores_path.mkdir(parents=True)  # a directory where the sidecar should be
    fence = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert "- Scores: store unreadable: cannot read" in fence


# Scores ----------------------------------------------------------------------------


async def test_scores_on_a_pair_and_the_fence_summary(client: LanguageClient):
    uri, dlm_id, text = opened(client, "scored")
    path = Store.for_id(dlm_id, HOME).scores_path
    scores.append_scores(path, [
        scores.Score(scores.pair_key("What is a decorator?", "A function that wraps another."), "abc",
                     0.9, 1.5, TRAINED_AT, "self"),
        # Whitespace differences do not change the key.
        scores.Score(scores.pair_key("Why  use\none?", " To reuse behaviour. "), None, 0.5, None, None, None),
        scores.Score(scores.pair_key("Something", "else"), None, 0.1, 9.0, None, None),  # no longer in the text
    ])
    with open(path, "a") as f:
        f.write("{torn line\n")
    first_q = line_of(text, "### Q")
    pair = await hover_at(client, uri, first_q, 2)
    assert pair.contents.value == ("**Pair Q1 of 3** · recorded scores\n\n"
                                   "- Judge: 0.900\n- Sway: 1.500\n- Teacher: `self`\n"
                                   "- Scored at: 2026-04-24 10:18:42 UTC")
    assert (pair.range.start.line, pair.range.end.line) == (first_q, first_q + 3)  # the whole pair
    second_answer = line_of(text, "To reuse behaviour.")
    assert (await hover_text(client, uri, second_answer)) == "**Pair Q2 of 3** · recorded scores\n\n- Judge: 0.500"
    assert await hover_at(client, uri, line_of(text, "Is it fast?")) is None  # not scored
    fence = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert "- Q/A pairs: 3\n- Scored pairs: 2 of 3 (mean judge 0.700, mean sway 1.500)\n" in fence
    # A later line for the same pair replaces the earlier one.
    scores.append_scores(path, [scores.Score(scores.pair_key("Is it fast?", "Mostly."), judge=0.3, sway=0.5)])
    assert "- Scored pairs: 3 of 3 (mean judge 0.567, mean sway 1.000)\n" in \
        await hover_text(client, uri, line_of(text, "::instruction::"))


async def test_no_scores_recorded_shows_no_summary(client: LanguageClient):
    uri, _, text = opened(client, "unscored")
    fence = await hover_text(client, uri, line_of(text, "::instruction::"))
    assert "- Q/A pairs: 3\n- Approx. tokens:" in fence and "Scored" not in fence
    assert await hover_at(client, uri, line_of(text, "### Q")) is None


# Markers ---------------------------------------------------------------------------


async def test_marker_links_to_the_source_section(client: LanguageClient):
    from dlmls.core.sections import section_id

    prose = "Prose about decorators."
    body = (f"{prose}\n::instruction::\n<!-- dlm-auto-synth: synth_teacher=\"self\" synth_strategy=\"extraction\" "
            f"synth_at=\"2026-04-24T10:18:42Z\" source_section_id=\"{section_id('prose', prose)}\" -->\n"
            "### Q\nWhat?\n### A\nThat.\n")
    uri, _, text = opened(client, "marker", body=body)
    marker = await hover_text(client, uri, line_of(text, "::instruction::") + 1, 10)
    assert marker.endswith(f"- Source section: `{section_id('prose', prose)}`, [line 5]({uri}#L5) (prose)")
    assert text.split("\n")[4] == prose  # line 5, 1-based


# Nothing written -------------------------------------------------------------------


async def test_hovering_everything_creates_nothing(client: LanguageClient):
    uri, dlm_id, text = opened(client, "sweep")
    before = snapshot(HOME)
    assert before is not None  # earlier tests populated stores under HOME
    for doc_uri, doc_text in OPENED.items():
        for line in range(doc_text.count("\n") + 1):
            for character in (0, 12):
                await hover_at(client, doc_uri, line, character)
    assert snapshot(HOME) == before
    assert not (HOME / "store" / dlm_id).exists()
    assert not DECOY.exists()  # the dlmHome setting wins over $DLM_HOME, and nothing is made there either
