"""End to end: document symbols, folding ranges, semantic tokens and hover.

One server process serves the whole module (module-scoped client and event
loop), as in test_diagnostics.py. The client offers no position encoding, so
every column is in UTF-16 code units; the document puts astral characters
before tokens on the same line (line 11) and inside a section's detail.
"""

from __future__ import annotations

import itertools
import os
import tempfile

import pytest
import pytest_lsp
from dlmls.core.sections import section_id
from lsp_support import SERVER_COMMAND, change_document, make_client, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROSE = "Notes on 😀 emoji.\n\n```\n::instruction::\n```"
SOURCE_ID = section_id("prose", PROSE)
DOC = f"""\
---
dlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7
base_model: smollm2-135m
training:
  lora_r: 16
---
{PROSE}
::image path="𝔘😀.png" alt="pic"::
A caption.
::instruction#knowledge::
<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z" source_section_id="{SOURCE_ID}" -->
### Q
What is 😀?
### A
An emoji.

### Q
Why?
### A
Because.
::preference::
### Prompt
Pick one.
### Chosen
This.
### Rejected
That.
"""
URI = "file:///tmp/features.dlm"
DOC_ID = types.TextDocumentIdentifier(uri=URI)
# An empty store root, so hovers do not depend on the ~/.dlm of whoever runs the tests.
CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client,
                            server_env={**os.environ, "DLM_HOME": tempfile.mkdtemp(prefix="dlmls-features-")})


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    lsp_client.initialize_result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities()))
    open_document(lsp_client, URI, DOC)
    yield
    await lsp_client.shutdown_session()


def span(rng: types.Range) -> str:
    return f"{rng.start.line}:{rng.start.character}-{rng.end.line}:{rng.end.character}"


def outline(symbols: list[types.DocumentSymbol]) -> list[tuple]:
    return [(s.name, s.detail, s.kind, span(s.range), span(s.selection_range), outline(s.children or []))
            for s in symbols]


def decode(data: list[int], legend: types.SemanticTokensLegend) -> list[tuple[int, int, int, str]]:
    """LSP's relative token encoding back to (line, start, length, type)."""
    out, line, start = [], 0, 0
    for i in range(0, len(data), 5):
        d_line, d_start, length, kind, _mods = data[i : i + 5]
        line += d_line
        start = start + d_start if d_line == 0 else d_start
        out.append((line, start, length, legend.token_types[kind]))
    return out


async def test_capabilities_advertise_the_features(client: LanguageClient):
    caps = client.initialize_result.capabilities
    assert caps.document_symbol_provider and caps.folding_range_provider and caps.hover_provider
    tokens = caps.semantic_tokens_provider
    assert tokens.full and tokens.range
    assert {"keyword", "property", "string", "comment", "decorator"} <= set(tokens.legend.token_types)


async def test_document_symbols(client: LanguageClient):
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=DOC_ID))
    K = types.SymbolKind
    assert outline(result) == [
        ("frontmatter", None, K.Module, "0:0-5:3", "0:0-0:3", [
            ("dlm_id", "01HZ4X7TGZM3J1A2B3C4D5E6F7", K.Property, "1:0-1:34", "1:0-1:6", []),
            ("base_model", "smollm2-135m", K.Property, "2:0-2:24", "2:0-2:10", []),
            ("training", None, K.Property, "3:0-4:12", "3:0-3:8", []),
        ]),
        # 😀 is two UTF-16 units: the prose line is 17 code points, 18 units.
        ("prose", "Notes on 😀 emoji. ``` ::instruction:: ```", K.String, "6:0-10:3", "6:0-6:18", []),
        ("image", "pic", K.File, "11:0-12:10", "11:0-11:35", []),
        ("instruction#knowledge", "What is 😀?", K.Class, "13:0-23:8", "13:0-13:25", [
            ("Q1", "What is 😀?", K.Object, "15:0-18:9", "15:0-15:5", []),
            ("Q2", "Why?", K.Object, "20:0-23:8", "20:0-20:5", []),
        ]),
        ("preference", "Pick one.", K.Struct, "24:0-30:5", "24:0-24:14", [
            ("Prompt 1", "Pick one.", K.Object, "25:0-30:5", "25:0-25:10", []),
        ]),
    ]


async def test_folding_ranges(client: LanguageClient):
    result = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=DOC_ID))
    region = types.FoldingRangeKind.Region
    assert [(f.start_line, f.end_line, f.kind) for f in result] == [
        (0, 5, region),  # frontmatter
        (6, 10, region),  # prose (the fence inside the code block is text)
        (8, 10, None),  # the code block
        (11, 12, region),  # image
        (13, 23, region),  # instruction
        (15, 18, None),  # first pair (trailing blank line left out)
        (20, 23, None),  # second pair
        (24, 30, region),  # preference
        (25, 30, None),  # the triple
    ]


async def test_semantic_tokens_full(client: LanguageClient):
    legend = client.initialize_result.capabilities.semantic_tokens_provider.legend
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=DOC_ID))
    tokens = decode(result.data, legend)
    assert len(result.data) == 5 * len(tokens)
    # The image fence: 𝔘 and 😀 take two UTF-16 units each, shifting what follows.
    assert [t for t in tokens if t[0] == 11] == [
        (11, 2, 5, "keyword"),  # image
        (11, 8, 4, "property"),  # path
        (11, 12, 1, "operator"),  # =
        (11, 13, 10, "string"),  # "𝔘😀.png": 8 code points, 10 units
        (11, 24, 3, "property"),  # alt
        (11, 27, 1, "operator"),
        (11, 28, 5, "string"),  # "pic"
    ]
    for token in [
        (1, 0, 6, "property"),  # dlm_id (frontmatter key)
        (4, 2, 6, "property"),  # lora_r (nested key)
        (13, 2, 11, "keyword"),  # instruction
        (13, 14, 9, "decorator"),  # knowledge
        (14, 0, 4, "comment"),  # <!--
        (14, 5, 14, "comment"),  # dlm-auto-synth
        (14, 21, 13, "property"),  # synth_teacher
        (14, 35, 6, "string"),  # "self"
        (14, 139, 3, "comment"),  # -->
        (15, 0, 5, "keyword"),  # ### Q
        (17, 0, 5, "keyword"),  # ### A
        (29, 0, 12, "keyword"),  # ### Rejected
    ]:
        assert token in tokens
    # Nothing in prose, code blocks or Q/A bodies: the fence in the code block is text.
    assert not [t for t in tokens if t[0] in (6, 8, 9, 10, 12, 16, 18)]
    # Sorted, and no two tokens overlap.
    for a, b in itertools.pairwise(tokens):
        assert (a[0], a[1] + a[2]) <= (b[0], b[1])


async def test_semantic_tokens_range(client: LanguageClient):
    legend = client.initialize_result.capabilities.semantic_tokens_provider.legend
    rng = types.Range(start=types.Position(line=11, character=0), end=types.Position(line=13, character=0))
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(text_document=DOC_ID, range=rng))
    tokens = decode(result.data, legend)
    assert {t[0] for t in tokens} == {11}  # line 12 is caption text
    assert tokens[0] == (11, 2, 5, "keyword") and tokens[3] == (11, 13, 10, "string")


async def test_semantic_tokens_delta_sends_only_what_changed(client: LanguageClient):
    provider = client.initialize_result.capabilities.semantic_tokens_provider
    assert provider.full.delta is True and provider.range is True
    uri = "file:///tmp/tokens-delta.dlm"
    ident = types.TextDocumentIdentifier(uri=uri)
    open_document(client, uri, DOC)
    first = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=ident))
    assert first.result_id and first.data

    same = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=ident, previous_result_id=first.result_id))
    assert list(same.edits) == [] and same.result_id != first.result_id

    # Rename the image fence's alt attribute: one edit, and applying it gives the new full result.
    change_document(client, uri, 2, ((11, 24, 11, 27), "altx"))
    changed = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=ident, previous_result_id=same.result_id))
    (edit,) = changed.edits
    data = list(first.data)
    data[edit.start:edit.start + edit.delete_count] = list(edit.data or [])
    fresh = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=ident))
    assert data == list(fresh.data) != list(first.data) and len(edit.data or []) < 10

    # An unknown previous result gets the whole list.
    stale = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=ident, previous_result_id="nope"))
    assert list(stale.data) == list(fresh.data)


async def hover_at(client: LanguageClient, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(types.HoverParams(
        text_document=DOC_ID, position=types.Position(line=line, character=character)))


async def test_hover_on_frontmatter_key_and_value(client: LanguageClient):
    hover = await hover_at(client, 4, 4)  # on `lora_r`
    assert span(hover.range) == "4:2-4:8"
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert text.startswith("**training.lora_r**: integer 1..256")
    assert "LoRA rank" in text and "Default: `8`" in text and "Limits: >= 1 and <= 256" in text
    value = await hover_at(client, 4, 11)  # on `16`
    assert span(value.range) == "4:10-4:12" and value.contents.value == text
    required = await hover_at(client, 1, 2)
    assert "**dlm_id**" in required.contents.value and "Required." in required.contents.value


async def test_hover_on_fence(client: LanguageClient):
    hover = await hover_at(client, 13, 5)
    assert span(hover.range) == "13:0-13:25"
    text = hover.contents.value
    content = "What is 😀?\n### A\nAn emoji.\n\n### Q\nWhy?\n### A\nBecause."
    instruction_id = section_id("instruction", "### Q\n" + content)
    assert text == (
        "**instruction** section · adapter `knowledge`\n\n"
        f"- Section id: `{instruction_id}`\n"
        "- Q/A pairs: 2\n"
        f"- Approx. tokens: {len('### Q' + chr(10) + content) // 4}\n\n"
        f"Synthesized by `self` (extraction) at 2026-04-24 10:18:42 UTC from `{SOURCE_ID}`, [line 7]({URI}#L7) "
        "(prose)\n\n"
        "**Adapter**: No adapter trained yet — run Retrain"  # a suffix without training.adapters: the flat store
    )


async def test_hover_on_marker(client: LanguageClient):
    hover = await hover_at(client, 14, 30)
    text = hover.contents.value
    assert text == (
        "**dlm-auto-synth** provenance marker\n\n"
        "- Teacher: `self`\n"
        "- Strategy: `extraction`\n"
        "- Synthesized at: `2026-04-24T10:18:42Z`\n"
        f"- Source section: `{SOURCE_ID}`, [line 7]({URI}#L7) (prose)"
    )


async def test_no_hover_in_plain_text(client: LanguageClient):
    assert await hover_at(client, 16, 2) is None
    assert await hover_at(client, 6, 3) is None
