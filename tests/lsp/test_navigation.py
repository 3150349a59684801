"""End to end: textDocument/definition and textDocument/selectionRange.

One server process serves the whole module. The client offers no position
encoding (so columns are UTF-16 code units) and accepts definition links.
Astral characters (two UTF-16 units each) stand before the names and ranges
checked on their lines: in the marker, the adapter declaration, the Q body
and the image fence.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from dlmls.core.document import Document
from dlmls.core.sections import section_id
from dlmls.lsp.definition import find_definition
from lsp_support import CONFIG, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROSE = "Notes on 😀 emoji.\n\nMore prose."
PROSE_ID = section_id("prose", PROSE)
DOC = f"""\
---
dlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7
base_model: smollm2-135m
training:
  seed: 7
  adapters:
    knowledge: {{target_modules: ["😀"]}}
    style:
      lora_r: 8
  sources:
  - path: "𝔘"
---
{PROSE}
::instruction#knowledge::
<!-- dlm-auto-synth: synth_teacher="😀" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z" source_section_id="{PROSE_ID}" -->
### Q
What is 😀 here?
And why?

### A
An emoji.

::preference#style::
### Prompt
Pick 𝔘 one.
### Chosen
This.
### Rejected
That.
::image path="𝔘.png" alt="pic"::
A caption.
"""
URI = "file:///tmp/navigation.dlm"
DOC_ID = types.TextDocumentIdentifier(uri=URI)
CAPS = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
    definition=types.DefinitionClientCapabilities(link_support=True)))


@pytest_lsp.fixture(scope="module", loop_scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(capabilities=CAPS))
    open_document(lsp_client, URI, DOC)
    yield
    await lsp_client.shutdown_session()


def span(rng: types.Range) -> str:
    return f"{rng.start.line}:{rng.start.character}-{rng.end.line}:{rng.end.character}"


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_capabilities_advertise_the_features(client: LanguageClient):
    caps = client.initialize_result.capabilities
    assert caps.definition_provider and caps.selection_range_provider


# Definition ---------------------------------------------------------------------------

DEFINITIONS = {
    # (line, UTF-16 column) -> (origin, target range, target selection range)
    "section-id-to-prose-section": ((16, 125), ("16:119-16:135", "12:0-14:11", "12:0-12:18")),
    "section-id-opening-quote": ((16, 118), ("16:119-16:135", "12:0-14:11", "12:0-12:18")),
    "fence-adapter-to-flow-declaration": ((15, 18), ("15:14-15:23", "6:4-6:39", "6:4-6:13")),
    "fence-hash-to-declaration": ((15, 13), ("15:14-15:23", "6:4-6:39", "6:4-6:13")),
    "fence-adapter-to-block-declaration": ((24, 15), ("24:13-24:18", "7:4-8:15", "7:4-7:9")),
}


@pytest.mark.parametrize("name", list(DEFINITIONS))
async def test_definition(client: LanguageClient, name: str):
    (line, character), (origin, target, selection) = DEFINITIONS[name]
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=DOC_ID, position=types.Position(line=line, character=character)))
    assert [(type(r).__name__, r.target_uri, span(r.origin_selection_range), span(r.target_range),
             span(r.target_selection_range)) for r in result] == [("LocationLink", URI, origin, target, selection)]


@pytest.mark.parametrize(("line", "character"), [
    (12, 3),  # prose text
    (15, 4),  # the fence's type, not its adapter
    (16, 37),  # another attribute of the marker
    (18, 2),  # a Q body
    (6, 6),  # the declaration itself
])
async def test_no_definition(client: LanguageClient, line: int, character: int):
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=DOC_ID, position=types.Position(line=line, character=character)))
    assert not result


async def test_definition_of_an_undeclared_adapter_or_unknown_id():
    doc = Document(DOC.replace("::preference#style::", "::preference#other::").replace(PROSE_ID, "0" * 16))
    assert find_definition(doc, URI, 24, 15, "utf-16") is None
    assert find_definition(doc, URI, 16, 125, "utf-16") is None


async def test_definition_without_link_support_is_the_target_line():
    (location,) = find_definition(Document(DOC), URI, 16, 125, "utf-16", links=False)
    assert isinstance(location, types.Location)
    assert (location.uri, span(location.range)) == (URI, "12:0-12:18")


# Selection ranges ----------------------------------------------------------------------

def chain(result: types.SelectionRange) -> list[str]:
    out = []
    node: types.SelectionRange | None = result
    while node is not None:
        out.append(span(node.range))
        node = node.parent
    return out


SELECTIONS = {
    "word-in-q-body-after-astral": ((18, 13), [
        "18:11-18:15",  # here (😀 before it counts two)
        "18:0-18:16",  # the line
        "18:0-19:8",  # the Q body
        "17:0-22:9",  # the pair (### Q to the answer)
        "15:0-22:9",  # the section up to its last text
        "15:0-23:0",  # the whole section, trailing blank line included
        "0:0-33:0",  # the document
    ]),
    "yaml-value-in-block-mapping": ((8, 14), [
        "8:14-8:15",  # 8
        "8:6-8:15",  # lora_r: 8 (also the whole mapping under `style`)
        "8:0-8:15",  # the line
        "7:4-8:15",  # style: ...
        "6:0-8:15",  # the adapters mapping
        "5:2-8:15",  # adapters: ...
        "4:0-10:14",  # the training mapping (𝔘 counts two)
        "3:0-10:14",  # training: ...
        "1:0-10:14",  # the frontmatter's mapping
        "0:0-11:3",  # the frontmatter with its delimiters
        "0:0-33:0",
    ]),
    "flow-value-after-astral": ((6, 36), [
        "6:33-6:37",  # "😀" (not a word)
        "6:32-6:38",  # the list [...]
        "6:16-6:38",  # target_modules: [...]
        "6:15-6:39",  # {...}
        "6:4-6:39",  # knowledge: {...}
        "6:0-6:39",  # the line
        "6:0-8:15",
        "5:2-8:15",
        "4:0-10:14",
        "3:0-10:14",
        "1:0-10:14",
        "0:0-11:3",
        "0:0-33:0",
    ]),
    "fence-attribute-value": ((31, 18), [
        "31:17-31:20",  # png
        "31:14-31:20",  # 𝔘.png
        "31:13-31:21",  # "𝔘.png"
        "31:0-31:33",  # the fence line
        "31:0-32:10",  # the image section
        "0:0-33:0",
    ]),
}


@pytest.mark.parametrize("name", list(SELECTIONS))
async def test_selection_range(client: LanguageClient, name: str):
    (line, character), expected = SELECTIONS[name]
    (result,) = await client.text_document_selection_range_async(types.SelectionRangeParams(
        text_document=DOC_ID, positions=[types.Position(line=line, character=character)]))
    assert chain(result) == expected


def _pos(p: types.Position) -> tuple[int, int]:
    return p.line, p.character


async def test_selection_ranges_nest_strictly_at_every_position(client: LanguageClient):
    positions = []
    for line, text in enumerate(DOC.split("\n")):
        column = 0
        positions.append(types.Position(line=line, character=0))
        for ch in text:
            column += units(ch)
            positions.append(types.Position(line=line, character=column))
    results = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=DOC_ID, positions=positions))
    assert len(results) == len(positions)
    for position, result in zip(positions, results, strict=True):
        assert _pos(result.range.start) <= _pos(position) <= _pos(result.range.end), position
        node = result
        while node.parent is not None:
            inner, outer = node.range, node.parent.range
            assert _pos(outer.start) <= _pos(inner.start) and _pos(inner.end) <= _pos(outer.end), position
            assert outer != inner, position
            node = node.parent
        assert span(node.range) == "0:0-33:0"  # every chain ends at the whole document
