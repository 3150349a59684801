"""`Document.update`: a whole new text becomes one ranged edit, and the model is the one a fresh parse gives.

Clients that sync full text send the whole document on every keystroke;
the server diffs it against the text it has (common prefix and suffix,
cut at character starts) and reuses the incremental parse. These tests
check the diff itself and that the result never differs from parsing the
new text from scratch, on the edge cases (empty, identical, ends,
multi-byte and astral characters, bad bytes) and on random edits.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import SNIPPETS, documents, full_model, model_signature

from dlmls.core.document import Document, changed_span, new_parser

BASE = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\ndlm_version: 1\n---\nSome prose é.\n\n::instruction::\n### Q\nWhy?\n### A\nBecause.\n"


def check(old: bytes | str, new: bytes | str) -> Document:
    doc = Document(old)
    doc.update(new)
    data = new.encode("utf-8", "surrogatepass") if isinstance(new, str) else new
    assert doc.source == data
    assert str(doc.tree.root_node) == str(new_parser().parse(data).root_node)
    assert model_signature(doc.model) == model_signature(full_model(data))
    return doc


def test_span_is_the_differing_bytes():
    assert changed_span(b"abcdef", b"abXdef") == (2, 3, 3)
    assert changed_span(b"abc", b"abc") == (3, 3, 3)
    assert changed_span(b"", b"abc") == (0, 0, 3)
    assert changed_span(b"abc", b"") == (0, 3, 0)
    assert changed_span(b"aaaa", b"aaaaa") == (4, 4, 5)  # the prefix wins; the suffix never overlaps it
    assert changed_span(b"xabc", b"abc") == (0, 1, 0)


def test_span_ends_on_character_starts():
    # "é" (C3 A9) → "è" (C3 A8): the shared lead byte is not a boundary.
    old, new = "aé b".encode(), "aè b".encode()
    assert changed_span(old, new) == (1, 3, 3)
    # An astral character before and after the change is kept whole.
    old, new = "😀x😀".encode(), "😀y😀".encode()
    assert changed_span(old, new) == (4, 5, 5)
    # Same trailing bytes of different characters: "ä" (C3 A4) vs "Ĥ" (C4 A4).
    assert changed_span("ä".encode(), "Ĥ".encode()) == (0, 2, 2)


def test_identical_text_changes_nothing():
    doc = Document(BASE)
    model, tree = doc.model, doc.tree
    doc.update(BASE)
    assert doc.model is model and doc.tree is tree


def test_edge_cases_equal_a_fresh_parse():
    check("", BASE)
    check(BASE, "")
    check(BASE, "x" + BASE)  # at the start
    check(BASE, BASE[3:])  # the frontmatter opener goes
    check(BASE, BASE + "::prose::\nmore\n")  # at the end
    check(BASE, BASE[:-1])
    check(BASE, BASE.replace("é", "è"))  # one shared UTF-8 byte
    check(BASE, BASE.replace("é", "😀𝔘"))  # astral characters (two UTF-16 units each)
    check(BASE, BASE.replace("Why?", "Why? 😀"))
    check(BASE, BASE.replace("\n", "\r\n"))  # every line
    check(BASE, BASE.replace("Because.\n", "Because.\r"))  # a lone CR
    check(BASE, BASE.replace("::instruction::", "::instruction::\n```"))  # a code block swallows the rest
    check(BASE.encode() + b"\xff\xfe", BASE.encode() + b"\xfe")  # bytes that are not UTF-8
    check(BASE, BASE.replace("prose", "pro\ud800se"))  # a lone surrogate, as a client may send


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_new_text_equals_a_fresh_parse(data):
    src = data.draw(documents())
    doc = Document(src)
    for _ in range(data.draw(st.integers(1, 4))):
        new = doc.source
        for _ in range(data.draw(st.integers(1, 3))):  # a whole-text change may hold several edits
            at = data.draw(st.integers(0, len(new)))
            cut = data.draw(st.integers(0, 12))
            piece = data.draw(st.sampled_from(SNIPPETS) | st.binary(max_size=8))
            new = new[:at] + piece + new[at + cut:]
        doc.update(new)
        assert doc.source == new
        assert str(doc.tree.root_node) == str(new_parser().parse(new).root_node)
        assert model_signature(doc.model) == model_signature(full_model(new))
