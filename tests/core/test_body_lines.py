"""Q/A and preference bodies are split exactly as DLM splits them
(str.splitlines(), which also breaks at \\v \\f \\x1c-\\x1e \\x85 \\u2028
\\u2029), compared with DLM's own body parser where both grammars agree
(no blank lines inside bodies)."""

from __future__ import annotations

import pytest
from dlm.data.instruction_parser import parse_instruction_body
from dlm.data.preference_parser import parse_preference_body

from dlmls.core.bodies import parse_instruction, parse_preference


@pytest.mark.parametrize("content", [
    "### Q\nq\nx\x0c### A\na",
    "### Q\x0bq\n### A\na",
    "### Q\nq\u2028### A\u2029a",
    "### Q\x1cfoo\nq\n### A\na",
])
def test_instruction_lines_like_dlm(content):
    ours = [(p.question, p.answer) for p in parse_instruction(content).items]
    theirs = [(p.question, p.answer) for p in parse_instruction_body(content, section_id="x")]
    assert ours == theirs and ours


def test_preference_lines_like_dlm():
    content = "### Prompt\np\x85### Chosen\nc\n### Rejected\x1cr"
    ours = [(t.prompt, t.chosen, t.rejected) for t in parse_preference(content).items]
    theirs = [(t.prompt, t.chosen, t.rejected) for t in parse_preference_body(content, section_id="x")]
    assert ours == theirs == [("p", "c", "r")]


def test_rows_map_split_lines_to_document_lines():
    parsed = parse_instruction("### Q\nq\nx\x0c### A\na")
    assert parsed.rows == (0, 1, 2, 2, 3)
    (pair,) = parsed.items
    assert (pair.q_line, pair.a_line) == (0, 3)
