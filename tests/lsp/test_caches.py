"""The outline, diagnostics, folding and semantic-token caches give exactly what a fresh computation gives.

All four reuse per-section results across edits (`symbols.OutlineCache`,
`diagnostics.JsonCache`, `folding.FoldingCache`, `semantic_tokens.TokenCache`); a stale entry would
show a wrong range. Each edit
below is applied to one document with warm caches and compared with a cold
computation on the same text, in UTF-16 (where astral characters make
code-point and editor columns differ).
"""

from __future__ import annotations

import heapq
import json

import pytest
from dlmls.core.crosscheck import CrossCache, crosscheck
from dlmls.core.document import Document
from dlmls.lsp.diagnostics import JsonCache
from dlmls.lsp.folding import FoldingCache, folding_ranges
from dlmls.lsp.positions import RangeConverter
from dlmls.lsp.semantic_tokens import TokenCache, delta, piece_delta
from dlmls.lsp.symbols import OutlineCache, document_symbols

TEXT = """\
---
dlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7
base_model: smollm2-135m
---
Prose 😀 about 𝔘 things.

::instruction#nope::
### Q
😀 What is it?
### A
A thing.

::instruction::
### Q
### A
Empty question above.

<!-- dlm-auto-synth synth_teacher="self" synth_strategy="extraction" synth_at="2026-01-01T00:00:00Z" source_section_id="0123456789abcdef" -->
::instruction::
### Q
Why?
### A
Because.
"""

EDITS = [
    ("type in prose", "about", 0, "x"),
    ("emoji before a problem", "😀 What", 0, "𝔘"),
    ("delete an emoji", "😀 What", len("😀"), ""),
    ("insert a line above everything", "Prose", 0, "New line.\n"),
    ("remove a fence", "::instruction#nope::\n", len("::instruction#nope::\n"), ""),
    ("fix the empty question", "### Q\n### A\nEmpty", len("### Q\n"), "Filled?\n"),
    ("break the frontmatter", "base_model", 0, "bogus: 1\n"),
]


def _diagnostics(doc: Document, cache: JsonCache, cross: CrossCache) -> list[dict]:
    model = doc.model
    problems = heapq.merge(model.problems, crosscheck(model, None, None, cross),
                           key=lambda p: (p.range.start_line, p.range.start_col))
    return cache.convert(problems, RangeConverter(model, "utf-16"))


@pytest.mark.parametrize(("name", "anchor", "offset", "text"), EDITS, ids=[e[0] for e in EDITS])
def test_warm_caches_match_a_cold_run(name: str, anchor: str, offset: int, text: str):
    doc = Document(TEXT)
    outline, diags, cross, toks = OutlineCache(), JsonCache(), CrossCache(), TokenCache()
    before = json.loads(outline.encoded(doc.model, "utf-16"))
    before_pieces = toks.result(doc, "utf-16")
    before_tokens = [n for p in before_pieces for n in p]
    folds = FoldingCache()
    folds.encoded(doc.model)
    before_diags = _diagnostics(doc, diags, cross)
    assert before_diags, "the document has problems to cache"
    at = len(TEXT[: TEXT.index(anchor)].encode("utf-8"))
    start = at + len(anchor[:offset].encode("utf-8")) if offset else at
    end = start
    if text == "" and offset:  # a deletion of anchor[:offset]
        start, end = at, start
    doc.edit(start, end, text)
    cold = Document(doc.model.source)
    assert json.loads(outline.encoded(doc.model, "utf-16")) == document_symbols(cold.model, "utf-16")
    assert _diagnostics(doc, diags, cross) == _diagnostics(cold, JsonCache(), CrossCache())
    assert json.loads(folds.encoded(doc.model)) == folding_ranges(cold.model)
    after_pieces = toks.result(doc, "utf-16")
    after_tokens = [n for p in after_pieces for n in p]
    assert after_tokens == TokenCache().full(cold, "utf-16")
    assert apply(before_tokens, delta(before_tokens, after_tokens)) == after_tokens
    assert apply(before_tokens, piece_delta(before_pieces, after_pieces)) == after_tokens
    assert json.loads(outline.encoded(doc.model, "utf-16")) != before or name == "type in prose"


def test_a_change_of_encoding_is_not_served_from_the_cache():
    doc = Document(TEXT)
    cache = OutlineCache()
    utf16 = json.loads(cache.encoded(doc.model, "utf-16"))
    assert json.loads(cache.encoded(doc.model, "utf-32")) == document_symbols(doc.model, "utf-32") != utf16


def apply(data: list[int], edits: list[dict]) -> list[int]:
    """A client applying SemanticTokensEdits (sorted, non-overlapping) to its previous data."""
    out = list(data)
    for e in sorted(edits, key=lambda e: e["start"], reverse=True):
        out[e["start"]:e["start"] + e["deleteCount"]] = e["data"]
    return out


def test_a_large_change_refills_the_token_cache_in_one_query():
    # More than 64 sections missing from the cache: one query over the whole tree, same result.
    text = TEXT + "".join(f"\n::instruction::\n### Q\nQ{i}?\n### A\nA{i}.\n" for i in range(80))
    doc = Document(text)
    cache = TokenCache()
    cache.full(doc, "utf-16")
    doc.replace("---\ndlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7\n---\n" + text.split("---\n", 2)[2].replace("Q", "K"))
    assert cache.full(doc, "utf-16") == TokenCache().full(Document(doc.model.source), "utf-16")


def test_delta_is_empty_when_nothing_changed_and_one_edit_otherwise():
    assert delta([1, 2, 3], [1, 2, 3]) == []
    assert delta([0, 0, 5, 0, 0], [0, 0, 5, 0, 0, 1, 0, 3, 1, 0]) == [
        {"start": 5, "deleteCount": 0, "data": [1, 0, 3, 1, 0]}]
    assert delta([1, 2, 3, 4], [1, 9, 4]) == [{"start": 1, "deleteCount": 2, "data": [9]}]


@pytest.mark.parametrize("seed", range(6))
def test_many_edits_in_a_row_match_a_cold_run(seed: int):
    # Random typing, deletions, new lines and fences (which shift or reshape later sections), one cache
    # warm across all of them; after each edit every result equals a cold computation, and each token
    # delta applied to the previous data gives the new data.
    import random

    rng = random.Random(seed)
    doc = Document(TEXT * 3)
    outline, folds, toks = OutlineCache(), FoldingCache(), TokenCache()
    pieces = toks.result(doc, "utf-16")
    for _ in range(25):
        src = doc.model.source
        at = rng.randrange(len(src) + 1)
        while at < len(src) and 0x80 <= src[at] < 0xC0:  # a character start
            at += 1
        if rng.random() < 0.3 and at < len(src):
            end = at + 1
            while end < len(src) and 0x80 <= src[end] < 0xC0:
                end += 1
            doc.edit(at, end, "")
        else:
            doc.edit(at, at, rng.choice(["x", "😀", "\n", "\n::instruction::\n### Q\nq?\n### A\na\n", "```\n", "### Q\n"]))
        cold = Document(doc.model.source)
        assert json.loads(outline.encoded(doc.model, "utf-16")) == document_symbols(cold.model, "utf-16")
        assert json.loads(folds.encoded(doc.model)) == folding_ranges(cold.model)
        new = toks.result(doc, "utf-16")
        data = [n for p in new for n in p]
        assert data == TokenCache().full(cold, "utf-16")
        assert apply([n for p in pieces for n in p], piece_delta(pieces, new)) == data
        pieces = new


def test_the_token_cache_holds_only_the_sections_of_the_last_result():
    # Edits in the frontmatter restart the cache's bookkeeping; sections edited meanwhile must not stay
    # behind (the cache keeps every section core it holds alive).
    doc = Document(TEXT * 3)
    cache = TokenCache()
    cache.result(doc, "utf-16")
    for i in range(5):
        at = len(TEXT.encode()) + 5  # in the second copy's prose... and a frontmatter key each time
        doc.edit(at, at, "y")
        doc.edit(4, 4, f"k{i}: 1\n")
        cache.result(doc, "utf-16")
    assert set(cache._by_id) == {id(core) for core in doc.model.cores}
