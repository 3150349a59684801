"""The document model: problems with exact ranges and codes, and sections.

Data-driven: each case is a document (the frontmatter header is added unless
the case starts with `---` or is marked raw) and the problems expected, as
`"line:col-line:col CODE"` with 1-based lines and columns as `dlmls check`
prints them.
"""

from __future__ import annotations

import pytest

from dlmls.core.document import Document
from dlmls.core.problems import Severity, Stage

HEADER = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\ndlm_version: 15\nbase_model: smollm2-135m\n---\n"
BODY = 6  # first body line (1-based) after HEADER


def check(body: str, expected: list[str], *, raw: bool = False) -> Document:
    """Assert the problems of HEADER + body (or body alone when raw)."""
    doc = Document(body if raw else HEADER + body)
    got = [f"{p.range} {p.code}" for p in doc.model.problems]
    assert got == expected, "\n".join(f"{p.range} {p.code} {p.message}" for p in doc.model.problems)
    return doc


L = BODY  # shorthand for line numbers in expectations


@pytest.mark.parametrize(
    "body, expected",
    [
        # Clean documents.
        ("Some prose.\n::instruction::\n### Q\nq\n### A\na\n", []),
        ('::image path="a.png" alt="x"::\ncaption\n', []),
        ('::audio path="a.wav" transcript="hi"::\n', []),
        # Unknown fences: on the type name, even in prose.
        ("text\n::std::\n", [f"{L+1}:3-{L+1}:6 DLM200"]),
        ("::Instruction::\n", [f"{L}:3-{L}:14 DLM200"]),
        ("::#a::\n", [f"{L}:1-{L}:7 DLM200"]),
        # Adapter suffixes.
        ("::instruction#::\n### Q\nq\n### A\na\n", [f"{L}:14-{L}:15 DLM201"]),
        ("::instruction#Bad::\n### Q\nq\n### A\na\n", [f"{L}:15-{L}:18 DLM202"]),
        # Attribute fences: each problem on its attribute.
        ('::image path="a.png" size="3"::\n', [f"{L}:22-{L}:30 DLM206"]),
        ('::image path="caf\u00e9.png"::\n', [f"{L}:14-{L}:24 DLM207"]),
        ('::image path="a" path="b"::\n', [f"{L}:18-{L}:26 DLM205"]),
        ('::image alt="x"::\n', [f"{L}:1-{L}:18 DLM208"]),
        ('::audio path="a.wav"::\n', [f"{L}:1-{L}:23 DLM208"]),
        ('::widget path="x"::\n', [f"{L}:3-{L}:9 DLM204"]),
        ('::instruction path="x"::\n### Q\nq\n### A\na\n', [f"{L}:14-{L}:23 DLM203"]),
        ("::image::\n", [f"{L}:1-{L}:10 DLM209"]),
        # Near misses are text (DLM's parse): no fence error, a lint warning.
        ("prose\n::instruction:: \n", [f"{L+1}:1-{L+1}:17 DLM220"]),
        ("prose\n  ::instruction::\n", [f"{L+1}:1-{L+1}:18 DLM220"]),
        ("::image path='a.png'::\n", [f"{L}:1-{L}:23 DLM221"]),
        # Code blocks: fences inside are text; unterminated → at the opener.
        ("intro\n```\n::std::\n```\n", []),
        ("intro\n```py\nx\n", [f"{L+1}:1-{L+1}:4 DLM210"]),
        ("::instruction::\n### Q\nq\n### A\n```\ncode\n", [f"{L+4}:1-{L+4}:4 DLM210"]),
        # Markers: each error on the attribute concerned.
        ('::instruction::\n<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" '
         'synth_at="yesterday" source_section_id="b6b7d8a2f4b3f9c0" -->\n### Q\nq\n### A\na\n',
         [f"{L+1}:80-{L+1}:91 DLM304"]),
        ('::instruction::\n<!-- dlm-auto-synth: synth_teacher="" synth_strategy="" '
         'synth_at="2026-01-01" source_section_id="B6B7" -->\n### Q\nq\n### A\na\n',
         [f"{L+1}:36-{L+1}:38 DLM311", f"{L+1}:54-{L+1}:56 DLM311", f"{L+1}:97-{L+1}:103 DLM305"]),
        ('::preference::\n<!-- dlm-auto-mined: judge_name="j" judge_score_chosen="high" '
         'judge_score_rejected="inf" mined_at="2026-01-01" mined_run_id="0" -->\n'
         "### Prompt\np\n### Chosen\nc\n### Rejected\nr\n",
         [f"{L+1}:56-{L+1}:62 DLM306", f"{L+1}:84-{L+1}:89 DLM307", f"{L+1}:125-{L+1}:128 DLM310"]),
        ("::instruction::\n<!-- dlm-auto-synth: oops -->\n### Q\nq\n### A\na\n", [f"{L+1}:21-{L+1}:26 DLM300"]),
        ('::instruction::\n<!-- dlm-auto-synth: synth_teacher="self" -->\n### Q\nq\n### A\na\n',
         [f"{L+1}:1-{L+1}:46 DLM303"]),
        # Bodies (train-time): every broken pair, each on its line.
        ("::instruction::\n### Q\nq\n", [f"{L+1}:1-{L+1}:6 DLM403"]),
        ("::instruction::\nstray\n### Q\nq\n### A\na\n", [f"{L+1}:1-{L+1}:6 DLM401"]),
        ("::instruction::\n### Q\n### A\na\n", [f"{L+1}:1-{L+1}:6 DLM402"]),
        ("::instruction::\n### Q\nq\n### A\n\n### Q\nq2\n### A\na2\n### Q\nq3\n",
         [f"{L+3}:1-{L+3}:6 DLM405", f"{L+9}:1-{L+9}:6 DLM403"]),
        ("::instruction::\n### Q\nq\n### Q\nq2\n### A\na\n", [f"{L+1}:1-{L+1}:6 DLM404"]),
        ("::instruction::\n\n::prose::\nx\n", [f"{L}:1-{L}:16 DLM400"]),
        ("::preference::\n### Prompt\np\n### Chosen\nc\n", [f"{L+1}:1-{L+1}:11 DLM413"]),
        ("::preference::\n### Chosen\nc\n", [f"{L+1}:1-{L+1}:11 DLM411"]),
        ("::preference::\n### Prompt\n### Chosen\nc\n### Rejected\nr\n", [f"{L+1}:1-{L+1}:11 DLM412"]),
    ],
)
def test_problems(body, expected):
    check(body, expected)


def test_all_problems_at_once():
    doc = check("::std::\n::instruction#::\n### Q\nq\n::image::\n",
                [f"{L}:3-{L}:6 DLM200", f"{L+1}:14-{L+1}:15 DLM201", f"{L+2}:1-{L+2}:6 DLM403",
                 f"{L+4}:1-{L+4}:10 DLM209"])
    stages = {p.code: p.stage for p in doc.model.problems}
    assert stages["DLM200"] == Stage.PARSE and stages["DLM403"] == Stage.TRAIN


def test_frontmatter_delimiters():
    check("no frontmatter\n", ["1:1-1:15 FM001"], raw=True)
    check("--- \nx: 1\n---\n", ["1:1-1:5 FM001"], raw=True)
    check("---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: x\n", ["1:1-1:4 FM002"], raw=True)


def test_encoding():
    doc = Document(b"\xef\xbb\xbf" + HEADER.encode() + b"ok\ncaf\xff\n")
    codes = [(str(p.range), p.code, p.severity) for p in doc.model.problems]
    assert codes == [("1:1-1:2", "DLM002", Severity.WARNING), (f"{L+1}:4-{L+1}:5", "DLM001", Severity.ERROR)]
    assert not doc.model.ok


def test_sections_and_positions():
    doc = check("\nintro\n::instruction#knowledge::\n"
                '<!-- dlm-auto-harvest: source="probe" -->\n### Q !probe\nWhat?\n\n### A\nThis.\n'
                "::prose::\n\n\n::prose::\nlast", [])
    model = doc.model
    kinds = [(s.type, s.start_line + 1, s.end_line + 1, s.core.dropped) for s in model.sections]
    assert kinds == [("prose", L, L + 1, False), ("instruction", L + 2, L + 8, False),
                     ("prose", L + 9, L + 11, True), ("prose", L + 12, L + 13, False)]
    instr = model.live_sections[1]
    assert instr.adapter == "knowledge"
    assert instr.core.marker("harvest").values == {"source": "probe"}
    (pair,) = instr.core.pairs
    assert (pair.question, pair.answer, pair.probe) == ("What?", "This.", True)
    assert instr.line(instr.core.body_row(pair.q_line)) == L + 3
    assert instr.line(instr.core.body_row(pair.a_line)) == L + 6
    assert model.section_at_line(L + 4).type == "instruction"
    assert model.section_at_line(0) is None
    # DLM's start line for the implicit section skips the dropped empty line.
    assert model.to_json()["sections"][0]["start_line"] == L + 1


def test_line_endings_count_like_dlm():
    crlf = Document((HEADER + "a\n::std::\n").replace("\n", "\r\n"))
    lone_cr = Document((HEADER + "a\n::std::\n").replace("\n", "\r"))
    for doc in (crlf, lone_cr):
        assert [f"{p.range} {p.code}" for p in doc.model.problems] == [f"{L+1}:3-{L+1}:6 DLM200"]
        assert doc.model.live_sections[0].content == "a"


def test_edits_keep_untouched_sections():
    doc = Document(HEADER + "::prose::\none\n::prose::\ntwo\n::prose::\nthree\n")
    before = doc.model.cores
    at = doc.source.index(b"two")
    doc.edit(at, at + 3, b"2\nmore")
    after = doc.model.cores
    assert after[0] is before[0] and after[2] is before[2] and after[1] is not before[1]
    assert [s.start_line for s in doc.model.sections] == [L - 1, L + 1, L + 4]
    assert doc.model.sections[1].content == "2\nmore"


def test_reported_error_is_never_a_deferred_problem():
    """`dlm_version: 0` fails before DLM validates the schema, so the missing
    `base_model` (shown to the writer, marked deferred) is not DLM's error."""
    doc = Document("---\ndlm_id: 01HZ4X7TGZM3J1A2B3C4D5E6F7\ndlm_version: 0\n---\nhello\n")
    codes = {p.code: bool((p.data or {}).get("deferred")) for p in doc.model.problems}
    assert codes.get("FM142") is False and True in codes.values()
    error = doc.model.to_json()["error"]
    assert (error["kind"], error["line"]) == ("UnsupportedMigrationError", 3)
