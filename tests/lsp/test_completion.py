"""End to end: textDocument/completion.

One server process serves the whole module; the client announces snippet
support and no position encoding, so every column is in UTF-16 code units.
Each case is a document with its cursor marked `$0`; several put astral
characters (two UTF-16 units each) before the cursor on its line, so a
range counted in code points or bytes would be off.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from dlmls.core.sections import section_id
from dlmls.lsp.completion import completions
from lsp_support import CONFIG, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEAD = "---\ndlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7\nbase_model: smollm2-135m\n"
PROSE = "Notes on 😀 emoji."
PROSE_ID = section_id("prose", PROSE)
SYNTH = '<!-- dlm-auto-synth: synth_teacher="😀" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z"'
CAPS = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
    completion=types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(
            snippet_support=True, documentation_format=[types.MarkupKind.Markdown]))))


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(capabilities=CAPS))
    yield
    await lsp_client.shutdown_session()


def at_cursor(text: str) -> tuple[str, int, int]:
    """The text without its `$0` marker, and the marker's line and UTF-16 column."""
    before, after = text.split("$0")
    prefix = before[before.rfind("\n") + 1 :]
    return before + after, before.count("\n"), len(prefix.encode("utf-16-le")) // 2


def span(rng: types.Range) -> str:
    return f"{rng.start.line}:{rng.start.character}-{rng.end.line}:{rng.end.character}"


async def complete(client: LanguageClient, name: str, text: str) -> types.CompletionList | None:
    clean, line, character = at_cursor(text)
    uri = f"file:///tmp/completion-{name}.dlm"
    open_document(client, uri, clean)
    return await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character)))


# (document with $0, the range every item replaces, {label: inserted text} that must be offered,
#  labels that must not be, and the exact labels in order where the whole list matters)
CASES = {
    "key-under-training": (
        HEAD + "training:\n  seed: 3\n  lo$0\n---\nProse.\n", "5:2-5:4",
        {"lora_r": "lora_r: ", "adapter": "adapter: ", "preference": "preference:\n    $0"},
        ["seed", "dlm_id", "base_model", "dpo", "export"], None),
    "key-mid-word-before-colon": (
        HEAD + "training:\n  lo$0ra_r: 4\n---\n", "4:2-4:8", {"lora_r": "lora_r", "lora_alpha": "lora_alpha"},
        [], None),
    "nested-mapping": (
        HEAD + "training:\n  preference:\n    method: dpo\n    $0\n---\n", "6:4-6:4",
        {"hyperparams": "hyperparams:\n      $0", "loss_type": "loss_type: "}, ["method", "lora_r"], None),
    "list-item-mapping": (
        HEAD + "training:\n  sources:\n  - path: docs\n    in$0\n---\n", "6:4-6:6",
        {"include": "include: ", "exclude": "exclude: "}, ["path", "lora_r"], None),
    "map-and-list-snippets": (
        HEAD + "training:\n  $0\n---\n", "4:2-4:2",
        {"adapters": "adapters:\n    ${1:name}:\n      $0", "sources": "sources:\n    - path: $0"}, [], None),
    "named-adapter-keys": (
        HEAD + "training:\n  adapters:\n    knowledge:\n      lora_r: 4\n      $0\n---\n", "7:6-7:6",
        {"learning_rate": "learning_rate: "}, ["lora_r", "seed"], None),
    "v1-document-offers-dpo": (
        "---\ndlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7\ndlm_version: 1\nbase_model: x\ntraining:\n  d$0\n---\n",
        "5:2-5:3", {"dpo": "dpo:\n    $0"}, [], None),
    "flow-mapping-after-astral": (  # 😀 is one code point but two UTF-16 units
        HEAD + 'training: {adapter: "😀", lo$0}\n---\n', "3:26-3:28", {"lora_r": "lora_r: "}, ["adapter"], None),
    "enum-value": (
        HEAD + "training:\n  adapter: q$0\n---\n", "4:11-4:12", {"qlora": "qlora"}, [], ["lora", "qlora", "dora"]),
    "bool-value-at-depth": (
        HEAD + "training:\n  preference:\n    enabled: $0\n---\n", "5:13-5:13", {}, [], ["true", "false"]),
    "nullable-enum": (
        HEAD + "training: {precision: $0}\n---\n", "3:22-3:22", {"null": "null"}, [], ["bf16", "fp16", "fp32", "null"]),
    "value-right-after-colon": (
        HEAD + "export:\n  default_quant:$0\n---\n", "4:16-4:16", {"Q8_0": " Q8_0"}, [],
        ["Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"]),
    "base-model-registry": (
        "---\ndlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7\nbase_model: smo$0\n---\n", "2:12-2:15",
        {"smollm2-135m": "smollm2-135m", "qwen2.5-1.5b": "qwen2.5-1.5b"}, [], None),
    "fences-with-adapters": (
        HEAD + "training:\n  adapters:\n    knowledge: {}\n    style: {lora_r: 4}\n---\nProse.\n::$0\n", "9:0-9:2",
        {"::instruction#knowledge::": "::instruction#knowledge::\n### Q\n$1\n### A\n$2",
         "::prose#style::": "::prose#style::\n$0",
         "::preference::": "::preference::\n### Prompt\n$1\n### Chosen\n$2\n### Rejected\n$3",
         '::image path="" alt=""::': '::image path="$1" alt="$2"::',
         '::audio path="" transcript=""::': '::audio path="$1" transcript="$2"::'},
        ["::image#knowledge::", "### Q"], None),
    "adapter-fence-after-hash": (
        HEAD + "training:\n  adapters:\n    knowledge: {}\n---\n::instruction#$0\n", "7:0-7:14",
        {"::instruction#knowledge::": "::instruction#knowledge::\n### Q\n$1\n### A\n$2"}, [], None),
    "expected-header-first": (
        HEAD + "---\n::instruction::\n### Q\nWhat?\n$0\n", "7:0-7:0", {"### A": "### A", "::prose::": "::prose::\n$0"},
        [], None),
    "headers-only-after-hash": (
        HEAD + "---\n::preference::\n### Prompt\nPick.\n##$0\n", "7:0-7:2", {}, [],
        ["### Chosen", "### Rejected", "### Prompt"]),
    "source-section-ids-after-astral": (
        HEAD + f"---\n{PROSE}\n::instruction::\n{SYNTH} source_section_id=\"$0\n### Q\nq\n### A\na\n",
        "6:119-6:119", {PROSE_ID: PROSE_ID + '"'}, [], [PROSE_ID]),
    "marker-attribute-names": (
        HEAD + '---\n::instruction::\n<!-- dlm-auto-synth: synth_teacher="😀" syn$0\n', "5:40-5:43",
        {"synth_at": 'synth_at="$1"'}, ["synth_teacher"], ["synth_strategy", "synth_at", "source_section_id"]),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_completion(client: LanguageClient, name: str):
    text, edit_range, offered, absent, exact = CASES[name]
    result = await complete(client, name, text)
    assert result is not None and not result.is_incomplete
    labels = [item.label for item in result.items]
    if exact is not None:
        assert labels == exact
    by_label = {item.label: item for item in result.items}
    for label, inserted in offered.items():
        assert label in by_label, label
        assert by_label[label].text_edit.new_text == inserted
        snippet = "$" in inserted
        assert by_label[label].insert_text_format == (
            types.InsertTextFormat.Snippet if snippet else types.InsertTextFormat.PlainText)
    for label in absent:
        assert label not in by_label
    assert {span(item.text_edit.range) for item in result.items} == {edit_range}


NOTHING = {
    "prose-text": HEAD + "---\nSome te$0xt here.\n",
    "start-of-a-text-line": HEAD + "---\n$0Some text.\n",
    "fence-inside-code-block": HEAD + "---\nProse.\n```\n::$0\n```\n",
    "frontmatter-opener": "--$0-\ndlm_id: x\n---\n",
    "frontmatter-closer": HEAD + "--$0-\n",
    "block-scalar": HEAD + "system_prompt: |\n  Be brief.\n  lo$0\n---\n",
    "free-text-value": HEAD + "system_prompt: be brie$0\n---\n",
    "header-in-prose": HEAD + "---\nProse.\n##$0\n",
    "marker-line-under-fence": HEAD + "---\n::instruction::\n<!-- dlm-auto-harvest: source=\"x\" -->$0\n",
}


@pytest.mark.parametrize("name", list(NOTHING))
async def test_no_completion(client: LanguageClient, name: str):
    result = await complete(client, name, NOTHING[name])
    assert result is None or result.items == []


async def test_key_items_are_documented(client: LanguageClient):
    result = await complete(client, "documented", HEAD + "training:\n  $0\n---\n")
    item = next(i for i in result.items if i.label == "lora_r")
    assert item.kind == types.CompletionItemKind.Property
    assert item.detail == "integer 1..256 · default 8"
    assert item.documentation.kind == types.MarkupKind.Markdown
    assert item.documentation.value.startswith("**training.lora_r**: integer 1..256")
    assert "LoRA rank" in item.documentation.value
    nested = next(i for i in result.items if i.label == "preference")
    assert nested.kind == types.CompletionItemKind.Module
    assert nested.insert_text_mode == types.InsertTextMode.AsIs  # the indentation is already right


async def test_default_value_is_preselected(client: LanguageClient):
    result = await complete(client, "preselect", HEAD + "training:\n  lr_scheduler: $0\n---\n")
    assert [(i.label, i.preselect, i.detail) for i in result.items] == [
        ("cosine", True, "default"), ("linear", None, None), ("constant", None, None)]


async def test_section_id_items_show_the_section(client: LanguageClient):
    text = HEAD + f"---\n{PROSE}\n::instruction::\n{SYNTH} source_section_id=\"$0\n"
    (item,) = (await complete(client, "section-detail", text)).items
    assert item.label_details.description == PROSE
    assert item.detail == "prose section, line 5"
    assert item.kind == types.CompletionItemKind.Reference


async def test_capabilities_advertise_trigger_characters(client: LanguageClient):
    options = client.initialize_result.capabilities.completion_provider
    assert set(options.trigger_characters) == {":", "#", " ", '"'}


async def test_plain_text_for_clients_without_snippets():
    from dlmls.core.document import Document

    clean, line, character = at_cursor(HEAD + "training:\n  adapters:\n    knowledge: {}\n---\n::$0\n")
    result = completions(Document(clean), line, character, "utf-16", snippets=False)
    by_label = {item.label: item for item in result.items}
    assert by_label["::instruction#knowledge::"].text_edit.new_text == "::instruction#knowledge::\n### Q\n\n### A\n"
    assert by_label['::image path="" alt=""::'].text_edit.new_text == '::image path="" alt=""::'
    assert {i.insert_text_format for i in result.items} == {types.InsertTextFormat.PlainText}


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "3:28-3:30"), ("utf-16", "3:26-3:28"),
                                                    ("utf-32", "3:25-3:27")])
async def test_ranges_follow_the_position_encoding(encoding: str, expected: str):
    from dlmls.core.document import Document

    clean, line, _ = at_cursor(HEAD + 'training: {adapter: "😀", lo$0}\n---\n')
    character = {"utf-8": 30, "utf-16": 28, "utf-32": 27}[encoding]  # the cursor, after `lo`
    result = completions(Document(clean), line, character, encoding)
    assert {span(item.text_edit.range) for item in result.items} == {expected}
