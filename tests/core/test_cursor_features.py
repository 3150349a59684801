"""Completion, definition and selection ranges in the core, on any text.

The editor asks for these at every keystroke and click, on whatever the
writer has typed so far, so they must never raise; selection chains must
always nest strictly around the cursor (LSP requires each parent to contain
its child). Documents are conformance documents with structural pieces
spliced in at random places, plus a few exact cases.
"""

from __future__ import annotations

import itertools

from conftest import CONFORMANCE
from dlmls.core.completion import complete, plain_text
from dlmls.core.document import Document
from dlmls.core.navigation import definition, nest, selection_ranges
from dlmls.core.problems import Range
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEEDS = sorted(p.read_bytes() for p in (CONFORMANCE / "cases").glob("*.dlm"))[:40]
PIECES = [
    "::instruction::\n", "::preference#a::\n", "::", "```\n", "### Q\n", "### A\n", "---\n", "\n", "\r\n",
    "training:\n  adapters:\n    a: {}\n", "  lo", "- ", "{", ": ", "😀", "𝔘", "#",
    ('<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="x" synth_at="2026-04-24T10:18:42Z" '
     'source_section_id="'), '" -->\n', "|\n",
]


@st.composite
def documents(draw) -> str:
    text = draw(st.sampled_from(SEEDS)).decode("utf-8", "replace")
    for piece in draw(st.lists(st.sampled_from(PIECES), max_size=6)):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + piece + text[at:]
    return text


def _inside(outer: Range, inner: Range) -> bool:
    return ((outer.start_line, outer.start_col) <= (inner.start_line, inner.start_col)
            and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_every_cursor_feature_answers_anywhere(text: str, data):
    doc = Document(text)
    model = doc.model
    lines = text.replace("\r\n", "\n").split("\n")
    for _ in range(8):
        line = data.draw(st.integers(0, len(lines) - 1))
        col = data.draw(st.integers(0, len(model.line_text(line))))
        point = Range(line, col, line, col)
        chain = selection_ranges(model, line, col)
        assert chain and _inside(chain[0], point)
        for inner, outer in itertools.pairwise(chain):
            assert _inside(outer, inner) and outer != inner
        found = complete(model, line, col)
        if found is not None:
            assert found.line == line and found.start <= col <= found.end <= len(model.line_text(line))
            assert found.items
        definition(model, line, col)


def test_nest_keeps_a_strict_chain_around_the_point():
    word, line, other = Range(0, 2, 0, 5), Range(0, 0, 0, 9), Range(0, 4, 1, 3)
    whole, elsewhere, empty = Range(0, 0, 3, 0), Range(2, 0, 2, 4), Range(0, 3, 0, 3)
    # `other` overlaps the line without containing it; `elsewhere` misses the point.
    assert nest([whole, line, word, other, Range(0, 2, 0, 5), elsewhere, empty], 0, 3) == [word, line, whole]
    assert nest([], 0, 0) == []


def test_selection_of_an_empty_document_is_its_one_empty_range():
    assert selection_ranges(Document("").model, 0, 0) == [Range(0, 0, 0, 0)]


def test_unclosed_frontmatter_still_completes_keys():
    doc = Document("---\ndlm_id: x\ntraining:\n  lo")
    found = complete(doc.model, 3, 4)
    assert (found.start, found.end) == (2, 4) and "lora_r" in [c.label for c in found.items]


def test_invalid_yaml_still_selects_lines_and_frontmatter():
    doc = Document("---\ntraining: [\n  lo\n---\nText.\n")
    assert [str(r) for r in selection_ranges(doc.model, 2, 3)] == ["3:3-3:5", "3:1-3:5", "2:1-3:5", "1:1-4:4",
                                                                   "1:1-6:1"]


def test_crlf_lines():
    doc = Document("---\r\ndlm_id: x\r\ntraining:\r\n  lo\r\n---\r\n::\r\n")
    found = complete(doc.model, 3, 4)
    assert (found.start, found.end) == (2, 4) and "lora_r" in [c.label for c in found.items]
    fences = complete(doc.model, 5, 2)
    assert (fences.start, fences.end) == (0, 2) and fences.items[0].label == "::prose::"


def test_definition_of_a_fence_adapter_needs_a_declaration():
    text = "---\ndlm_id: x\nbase_model: y\ntraining:\n  adapters:\n    tone: {}\n---\n::prose#tone::\nx\n"
    target = definition(Document(text).model, 7, 9)
    assert (str(target.origin), str(target.selection), str(target.target)) == ("8:9-8:13", "6:5-6:9", "6:5-6:13")
    assert definition(Document(text.replace("tone: {}", "other: {}")).model, 7, 9) is None


def test_plain_text_drops_tab_stops_keeps_placeholders():
    assert plain_text("a:\n  ${1:name}:\n    $0") == "a:\n  name:\n    "
    assert plain_text('::image path="$1" alt="$2"::') == '::image path="" alt=""::'
