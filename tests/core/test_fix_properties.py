"""Property: a quick fix never makes the document worse.

The guarantee every offered fix gives (`dlmls.core.fixes.improves` checks it
before offering one), tested here from the outside by applying the fix's
edits to the text and reading the result from scratch: with P the problem
fixed,

- the document never has more error-severity problems than before;
- if P is an error: strictly fewer errors;
- if P is a warning (lint: text DLM reads otherwise than it looks): strictly
  fewer problems of P's code, so P is gone and nothing like it took its
  place. Strictly fewer warnings is not promised: a repaired fence can bring
  to light what DLM now reads (an image fence whose file is missing, DLM240).

"The targeted problem gone" alone would not do for errors: `### Aswer` where
`### A` was meant gave DLM404, whose fix inserted an empty `### A` and traded
the error for another (DLM405). Strictly fewer errors is possible for every
error fix because one is offered only where the text says what it should be
(a misspelled header, an answer already written under the question).

Checked for every problem of every conformance document, and for mutated
valid documents: a header or fence line dropped, duplicated, misspelled or
mangled, a blank line inserted, a frontmatter key or the base model
misspelled, an adapter suffix added.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlmls.core.crosscheck import crosscheck
from dlmls.core.document import Document
from dlmls.core.fixes import fixes
from dlmls.core.problems import Severity

from conftest import CONFORMANCE

DOCS = sorted((CONFORMANCE / "cases").glob("*.dlm")) + sorted((CONFORMANCE / "corpus").glob("*.dlm"))

HEAD = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: smollm2-135m\n---\n"
CRAFTED = [
    HEAD + "Intro prose.\n::instruction::\n### Q\nWhat is it?\n### A\nA thing.\n\n### Q\nAnd this?\n### A\nThat.\n"
    "::preference::\n### Prompt\nSay hi.\n### Chosen\nHi!\n### Rejected\nGo away.\n"
    '::image path="a.png" alt="x"::\nA caption.\n::prose::\n# Notes\nMore prose.\n',
    HEAD.replace("---\n", "---\ntraining:\n  adapters:\n    knowledge: {}\n    tone: {}\n", 1)
    + "::instruction#knowledge::\n### Q\nq1?\n### A\na1\n::prose#tone::\nTone.\n",
    HEAD + "::instruction::\n"
    '<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z" '
    'source_section_id="b6b7d8a2f4b3f9c0" -->\n### Q\nWhy?\n### A\nBecause.\n',
]


def problems(model) -> list:
    """Every problem of the model and its cross-checks (no file system), as `dlmls check -` sees them."""
    return [*model.problems, *crosscheck(model)]


def errors(found: list) -> int:
    return sum(p.severity == Severity.ERROR for p in found)


def apply(source: bytes, model, fix) -> bytes:
    out = source
    for edit in sorted(fix.edits, key=lambda e: (e.range.start_line, e.range.start_col), reverse=True):
        r = edit.range
        a, b = model.lines.offset(r.start_line, r.start_col), model.lines.offset(r.end_line, r.end_col)
        out = out[:a] + edit.text.encode() + out[b:]
    return out


def check_fixes(source: bytes) -> int:
    """Assert the guarantee for every fix of every problem of `source`; the number of fixes checked."""
    model = Document(source).model
    before = problems(model)
    checked = 0
    for p in before:
        for fix in fixes(model, p.code, p.range, p.data):
            after = problems(Document(apply(source, model, fix)).model)
            why = (f"{fix.title!r} for {p.code} {p.range} ({p.severity.name}): "
                   f"{[(q.code, str(q.range)) for q in before]} -> {[(q.code, str(q.range)) for q in after]}")
            if p.severity == Severity.ERROR:
                assert errors(after) < errors(before), "not fewer errors: " + why
            else:
                assert errors(after) <= errors(before), "more errors: " + why
                same = [q for q in after if q.code == p.code]
                assert len(same) < len([q for q in before if q.code == p.code]), "the problem is still there: " + why
            checked += 1
    return checked


def test_fixes_on_the_conformance_documents():
    checked = sum(check_fixes(path.read_bytes()) for path in DOCS)
    assert checked >= 5  # the corpus has fixable problems: the property is not vacuous


def test_a_misspelled_answer_header():
    text = HEAD + "::instruction::\n### Q\nWhat is it?\n### Aswer\nIt is a thing.\n\n### Q\nNext?\n### A\nok\n"
    model = Document(text).model
    (p,) = model.problems
    assert p.code == "DLM404" and p.range.start_line == 5
    assert "got '### Aswer'" in p.message and "'### Q'" not in p.message
    (fix,) = fixes(model, p.code, p.range, p.data)
    assert fix.title == "Replace `### Aswer` with `### A`" and fix.preferred
    fixed = Document(apply(text.encode(), model, fix)).model
    assert problems(fixed) == [] and [q.answer for q in fixed.live_sections[0].core.pairs] == ["It is a thing.", "ok"]
    assert check_fixes(text.encode()) == 1


def test_no_fix_where_the_answer_is_not_written():
    # Inserting `### A` would leave an empty answer (DLM405): nothing to offer.
    for text in (HEAD + "::instruction::\n### Q\nq1\n\n### Q\nq2\n### A\na\n",
                 HEAD + "::instruction::\n### Q\nOnly a question\n"):
        model = Document(text).model
        (p,) = model.problems
        assert p.code in ("DLM403", "DLM404") and fixes(model, p.code, p.range, p.data) == []


def test_an_answer_written_under_the_question_gets_its_header():
    text = HEAD + "::instruction::\n### Q\nWhat is it?\nA thing.\n"
    model = Document(text).model
    (p,) = model.problems
    (fix,) = fixes(model, p.code, p.range, p.data)
    assert fix.title == "Insert `### A` after 'What is it?'"
    assert apply(text.encode(), model, fix).decode() == text.replace("it?\n", "it?\n### A\n")


# Fuzzed documents ------------------------------------------------------------------

VALID = [p.read_bytes().decode() for p in DOCS if not problems(Document(p.read_bytes()).model)]
SEEDS = VALID + CRAFTED

MISSPELLINGS = {
    "### A": ["### Aswer", "### a", "###A", "## A", "### A:", "### Answer", "### A It is."],
    "### Q": ["### q", "### Question", "###Q", "### Q What?", "### Qestion"],
    "### Prompt": ["### prompt", "### Promt"],
    "### Chosen": ["### chosen", "### Chosen:"],
    "### Rejected": ["### Rejeted", "### rejected"],
}


def _mangle_fence(line: str, how: int) -> str:
    if how == 0:
        return " " + line  # surrounding whitespace
    if how == 1:
        return line.replace("::", ":", 1)  # a colon missing
    if how == 2:
        return line[:2] + line[2:].capitalize()  # upper case
    if how == 3:
        return line.replace('"', "'")  # single-quoted attributes
    if how == 4:
        return line[:3] + line[4:]  # a letter of the type missing
    if line.endswith("::") and "#" not in line and " " not in line:
        return line[:-2] + "#extra::"  # an adapter nothing declares
    return line


def _frontmatter_line(line: str) -> bool:
    key = line.partition(":")[0]
    return ":" in line and key.isidentifier() and len(key) > 3


@st.composite
def mutated(draw) -> bytes:
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "duplicate", "blank", "misspell", "fence", "frontmatter"]))
        which = {
            "misspell": lambda line: line.strip() in MISSPELLINGS,
            "fence": lambda line: line.startswith("::"),
            "frontmatter": _frontmatter_line,
        }.get(op, lambda line: True)
        candidates = [k for k, line in enumerate(lines) if which(line)]
        if not candidates:
            continue
        k = draw(st.sampled_from(candidates))
        line = lines[k]
        if op == "drop":
            del lines[k]
        elif op == "duplicate":
            lines.insert(k, line)
        elif op == "blank":
            lines.insert(k, "")
        elif op == "misspell":
            lines[k] = draw(st.sampled_from(MISSPELLINGS[line.strip()]))
        elif op == "fence":
            lines[k] = _mangle_fence(line, draw(st.integers(0, 5)))
        else:
            key, _, value = line.partition(":")
            lines[k] = f"base_model:{value}x" if key == "base_model" else f"{key[:2]}{key[3:]}:{value}"
    return "\n".join(lines).encode()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fixes_on_mutated_documents(source: bytes):
    check_fixes(source)
