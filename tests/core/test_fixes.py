"""Quick fixes in the core: each problem's preferred fix applied to the text.

Data-driven: a document, the code of the problem to fix, and the document
after its preferred fix (None when no fix is offered). The LSP tests check
the same fixes end to end; these pin the edge cases of the minimal edits.
"""

from __future__ import annotations

import pytest
from dlmls.core.crosscheck import crosscheck
from dlmls.core.document import Document
from dlmls.core.fixes import fixes
from dlmls.core.problems import Range

HEAD = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: smollm2-135m\n{fm}---\n"
QA = "### Q\nq\n### A\na\n"
BODY = "::instruction#x::\n" + QA


def preferred(text: str, code: str) -> str | None:
    """`text` after the preferred fix of its first `code` problem (None: no fix)."""
    doc = Document(text)
    model = doc.model
    (problem, *_) = [p for p in [*model.problems, *crosscheck(model)] if p.code == code]
    best = [f for f in fixes(model, code, problem.range, problem.data) if f.preferred]
    if not best:
        return None
    assert len(best) == 1
    out = doc.source
    for edit in sorted(best[0].edits, key=lambda e: (e.range.start_line, e.range.start_col), reverse=True):
        r = edit.range
        a, b = model.lines.offset(r.start_line, r.start_col), model.lines.offset(r.end_line, r.end_col)
        out = out[:a] + edit.text.encode() + out[b:]
    return out.decode()


@pytest.mark.parametrize("fm, after", [
    ("", "training:\n  adapters:\n    x: {}\n"),
    ("training:\n  seed: 3\n", "training:\n  seed: 3\n  adapters:\n    x: {}\n"),
    ("training:\n    seed: 3\n", "training:\n    seed: 3\n    adapters:\n        x: {}\n"),
    ("training:\n  adapters:\n    a: {}\n    b:\n      lora_r: 4\n  # end\n",
     "training:\n  adapters:\n    a: {}\n    b:\n      lora_r: 4\n    x: {}\n  # end\n"),
    ("training: {seed: 3}\n", "training: {seed: 3, adapters: {x: {}}}\n"),
    ("training: {}\n", "training: {adapters: {x: {}}}\n"),
    ("training:\n  adapters: {a: {}}  # two\n", "training:\n  adapters: {a: {}, x: {}}  # two\n"),
    # Declaring adapters would turn flat per-adapter keys into an error: no fix.
    ("training:\n  lora_r: 16\n", None),
])
def test_declare_adapter(fm, after):
    text = HEAD.format(fm=fm) + BODY
    got = preferred(text, "DLM230")
    assert got == (HEAD.format(fm=after) + BODY if after is not None else None)
    if got is not None:
        fixed = Document(got).model
        assert [p.code for p in [*fixed.problems, *crosscheck(fixed)]] == []


def test_fixes_check_the_text_is_unchanged():
    doc = Document(HEAD.format(fm="") + "x\n::instruction:\n" + QA)
    (p,) = doc.model.problems
    assert fixes(doc.model, p.code, p.range, p.data)
    assert fixes(doc.model, p.code, p.range, {**p.data, "line": "::prose:"}) == []
    assert fixes(doc.model, p.code, p.range, {}) == []  # foreign data: nothing, no exception
    assert fixes(doc.model, "DLM999", p.range, p.data) == []


def test_keys_keep_their_quotes():
    text = HEAD.format(fm='"trainng": {seed: 3}\n') + "x\n"
    assert preferred(text, "FM110") == HEAD.format(fm='"training": {seed: 3}\n') + "x\n"


def test_insert_answer_at_the_end_of_the_file():
    text = HEAD.format(fm="") + "::instruction::\n### Q\nlast question?\nits answer"
    assert preferred(text, "DLM403") == text.replace("?\n", "?\n### A\n")
    # With no answer written there is nothing to mark: an empty `### A` would be DLM405.
    assert preferred(HEAD.format(fm="") + "::instruction::\n### Q\nlast question", "DLM403") is None


@pytest.mark.parametrize("body, after", [
    ("### Q\nq?\n### Aswer\na\n", "### Q\nq?\n### A\na\n"),
    ("### Q\nq?\n## A\na\n", "### Q\nq?\n### A\na\n"),
    ("### Q\nq?\n### A: a\n", "### Q\nq?\n### A\na\n"),
    ("### Q\nq?\na\n", "### Q\nq?\n### A\na\n"),
    ("### Q\nExplain it.\n\nLike so.\n", "### Q\nExplain it.\n### A\n\nLike so.\n"),
    ("### Q\nq?\n```\ncode\n```\n", "### Q\nq?\n### A\n```\ncode\n```\n"),
    ("### Q\nRun this:\n```\nwhy?\n\nx\n```\n", None),  # the question's own code: no answer in sight
    ("### Q\n### Notes\nq\n", None),  # a heading, not a misspelled header
])
def test_answer_header(body, after):
    text = HEAD.format(fm="") + "::instruction::\n" + body
    got = preferred(text, "DLM403")
    assert got == (None if after is None else HEAD.format(fm="") + "::instruction::\n" + after)
    if got is not None:
        assert [p.code for p in Document(got).model.problems] == []


@pytest.mark.parametrize("line, after", [("### q", "### Q"), ("### Question: why?", "### Q\nwhy?"), ("###Q", "### Q")])
def test_misspelled_question_header(line, after):
    text = HEAD.format(fm="") + f"::instruction::\n{line}\nwhy?\n### A\nbecause\n"
    assert preferred(text, "DLM401") == text.replace(line, after)


def test_fence_type_fix_needs_a_fence_name_at_the_range():
    doc = Document(HEAD.format(fm="") + "::instructon::\n" + QA)
    (p,) = doc.model.problems
    found = fixes(doc.model, p.code, p.range, p.data)
    assert [(f.title, f.preferred) for f in found] == [("Change fence type to 'instruction'", True)]
    assert fixes(doc.model, p.code, Range(p.range.start_line, 0, p.range.start_line, 2), p.data) == []
