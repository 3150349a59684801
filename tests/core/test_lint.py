"""Lint: what DLM accepts but reads otherwise than it looks (DLM22x, DLM32x, DLM42x).

Data-driven like test_model.py: a body (after a valid frontmatter header)
and every problem expected, as `"line:col-line:col CODE"` with 1-based lines
and columns as `dlmls check` prints them. Lint problems are warnings that
never make DLM's accept/reject decision differ.
"""

from __future__ import annotations

import pytest
from dlmls.core.document import Document
from dlmls.core.lint import lint_section
from dlmls.core.problems import Severity, Stage
from hypothesis import given, settings
from hypothesis import strategies as st

HEADER = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\ndlm_version: 15\nbase_model: smollm2-135m\n---\n"
L = 6  # first body line (1-based)
SYNTH = ('<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" '
         'synth_at="2026-04-24T10:18:42Z" source_section_id="b6b7d8a2f4b3f9c0" -->')
MINED = ('<!-- dlm-auto-mined: judge_name="j" judge_score_chosen="0.8" judge_score_rejected="0.2" '
         'mined_at="2026-04-24T10:18:42Z" mined_run_id="7" -->')
HARVEST = '<!-- dlm-auto-harvest: source="probe" -->'
QA = "### Q\nq\n### A\na\n"
PREF = "### Prompt\np\n### Chosen\nc\n### Rejected\nr\n"


def check(body: str, expected: list[str]) -> Document:
    """Assert every problem of HEADER + body."""
    doc = Document(HEADER + body)
    got = [f"{p.range} {p.code}" for p in doc.model.problems]
    assert got == expected, "\n".join(f"{p.range} {p.code} {p.message}" for p in doc.model.problems)
    return doc


@pytest.mark.parametrize("body, expected", [
    # Near-miss fences: the whole line, one warning per line.
    ("prose\n::instruction:: \n", [f"{L+1}:1-{L+1}:17 DLM220"]),
    ("prose\n  ::prose::\n", [f"{L+1}:1-{L+1}:12 DLM220"]),
    ("prose\n::prose ::\n", [f"{L+1}:1-{L+1}:11 DLM220"]),
    ("::image path='a.png' alt='x'::\n", [f"{L}:1-{L}:31 DLM221"]),
    ('::Image path="a.png"::\n', [f"{L}:1-{L}:23 DLM222"]),
    ('::image PATH="a.png"::\n', [f"{L}:1-{L}:23 DLM222"]),
    ("prose\n::instruction:\n", [f"{L+1}:1-{L+1}:15 DLM223"]),
    ("prose\n:instruction::\n", [f"{L+1}:1-{L+1}:15 DLM223"]),
    ("prose\n::instruction\n", [f"{L+1}:1-{L+1}:14 DLM223"]),
    ("prose\n:::prose:::\n", [f"{L+1}:1-{L+1}:12 DLM223"]),
    # Several defects: the first in code order names the line.
    ("prose\n::Instruction: \n", [f"{L+1}:1-{L+1}:16 DLM220"]),
    # Not near misses: other text with colons, unknown types, code blocks,
    # real fences (attribute fences may end in whitespace before `::`).
    ("std::vector and a::b\n:prose:\n::\n::::\n:: ::\n", []),
    ("prose\n  ::widget::\n", []),
    ("intro\n```\n::instruction:: \n  ::prose::\n```\n", []),
    ('::image path="a.png" ::\ncaption\n', []),
    # A real but unknown fence is DLM's error, not lint.
    ("::Instruction::\n", [f"{L}:3-{L}:14 DLM200"]),
    # Markers DLM does not lift: the body error DLM's trainer raises there, and why.
    (f"::instruction::\n\n{SYNTH}\n{QA}", [f"{L+2}:1-{L+2}:143 DLM401", f"{L+2}:1-{L+2}:143 DLM320"]),
    (f"::instruction::\n{SYNTH}\n\n{HARVEST}\n{QA}", [f"{L+3}:1-{L+3}:42 DLM401", f"{L+3}:1-{L+3}:42 DLM320"]),
    (f"::preference::\n{SYNTH}\n{PREF}", [f"{L+1}:1-{L+1}:143 DLM411", f"{L+1}:1-{L+1}:143 DLM321"]),
    (f"::instruction::\n{MINED}\n{QA}", [f"{L+1}:1-{L+1}:141 DLM401", f"{L+1}:1-{L+1}:141 DLM321"]),
    (f"::instruction::\n{SYNTH} \n{QA}", [f"{L+1}:1-{L+1}:144 DLM401", f"{L+1}:1-{L+1}:144 DLM322"]),
    (f"Some prose.\n{HARVEST}\n", [f"{L+1}:1-{L+1}:42 DLM321"]),
    (f"::instruction::\n{QA}{HARVEST}\n", [f"{L+5}:1-{L+5}:42 DLM321"]),
    # Lifted markers are fine, stacked in any order.
    (f"::instruction::\n{HARVEST}\n{SYNTH}\n{QA}", []),
    (f"::preference::\n{MINED}\n{HARVEST}\n{PREF}", []),
    # Body headers inside code blocks: DLM splits there.
    ("::instruction::\n### Q\nq\n### A\n```\n### Q\nx\n### A\ny\n```\n",
     [f"{L+5}:1-{L+5}:6 DLM420", f"{L+7}:1-{L+7}:6 DLM420"]),
    ("::instruction::\n### Q\nq\n### A\na\n```\n  ### A\n```\n",
     [f"{L+6}:1-{L+6}:8 DLM401", f"{L+6}:1-{L+6}:8 DLM420"]),
    ("::preference::\n### Prompt\np\n### Chosen\n```\n### Rejected\n```\n### Rejected\nr\n",
     [f"{L+5}:1-{L+5}:13 DLM420", f"{L+7}:1-{L+7}:13 DLM411"]),
    ("intro\n```\n### Q\n```\n", []),  # prose has no body grammar
    # A heading after the last answer belongs to it.
    (f"::instruction::\n{QA}\n# Chapter two\nMore prose.\n", [f"{L+6}:1-{L+6}:14 DLM421"]),
    (f"::preference::\n{PREF}\n## Next\n", [f"{L+8}:1-{L+8}:8 DLM421"]),
    (f"::instruction::\n{QA}\n#\n", [f"{L+6}:1-{L+6}:2 DLM421"]),
    # ... but not without a blank line, not a non-heading, not inside code,
    # not when the bodies already use headings, not before another pair.
    (f"::instruction::\n{QA}# Chapter two\n", []),
    (f"::instruction::\n{QA}\n#hashtag\n\n  # indented\n", []),
    (f"::instruction::\n{QA}\n```\n\n# comment\n```\n", []),
    ("::instruction::\n### Q\nq\n### A\n## Decisions\n- x\n\n## Actions\n- y\n", []),
    (f"::instruction::\n### Q\nq\n### A\na\n\n# Heading\nx\n{QA}", []),
    ("::instruction::\n### Q\nq\n### A\n\n# Heading\n", []),  # the heading is the answer
])
def test_lint(body, expected):
    check(body, expected)


def test_lint_is_a_warning_and_never_rejects():
    doc = check("prose\n::instruction:: \n::image path='a.png'::\n",
                [f"{L+1}:1-{L+1}:17 DLM220", f"{L+2}:1-{L+2}:23 DLM221"])
    for p in doc.model.problems:
        assert (p.severity, p.stage) == (Severity.WARNING, Stage.LINT)
    assert doc.model.ok and "error" not in doc.model.to_json()


def test_near_miss_data_carries_the_repaired_line():
    doc = check("prose\n  ::IMAGE path='a.png'::\n", [f"{L+1}:1-{L+1}:25 DLM220"])
    (p,) = doc.model.problems
    assert p.data == {"fix": '::image path="a.png"::', "line": "  ::IMAGE path='a.png'::",
                      "reasons": ["whitespace", "quotes", "case"]}
    assert "write `::image path=\"a.png\"::`" in p.message


def test_marker_data_counts_the_blank_lines():
    doc = Document(HEADER + f"::instruction::\n\n\n{SYNTH}\n{QA}")
    (lint,) = [p for p in doc.model.problems if p.code == "DLM320"]
    assert lint.data == {"blank_lines": 2}


def test_lint_follows_edits_like_a_full_parse():
    doc = Document(HEADER + "::prose::\none\n::instruction::\n" + QA + "::prose::\nthree\n")
    at = doc.source.index(b"::instruction::") + len("::instruction::")
    doc.edit(at, at, b" ")  # the fence becomes text: a near miss in the prose above
    assert [p.code for p in doc.model.problems] == ["DLM220"]
    assert [p.code for p in doc.model.problems] == [p.code for p in Document(doc.source).model.problems]
    doc.edit(at, at + 1, b"")
    assert doc.model.problems == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["prose", "instruction", "preference", "image", "unknown"]),
       st.lists(st.one_of(st.sampled_from(["::instruction::", " ::prose:: ", "::image path='a'::", ":::x", "```",
                                           "### Q", "### A", "### Rejected", "", "# H", SYNTH, " " + MINED]),
                          st.text(alphabet=":#'\"= abcQA\t\u00a0😀", max_size=12)), max_size=12))
def test_lint_never_raises_and_stays_in_its_lines(kind, lines):
    content = "\n".join(lines)
    for p in lint_section(kind, content, 3):
        assert 3 <= p.range.start_line == p.range.end_line < 3 + len(content.split("\n"))
        assert p.severity == Severity.WARNING and p.range.end_col <= len(content.split("\n")[p.range.start_line - 3])
