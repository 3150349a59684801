"""Property tests: any bytes give a model, and incremental equals full.

Random and mutated documents must never make the core raise or hang, and
after any sequence of edits the incrementally maintained model must equal a
model built from scratch from the same text (sections with their spans,
lines and analysis, and every problem).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlmls.core.document import Document, build_model, new_parser

from conftest import CONFORMANCE

SEEDS = sorted(p.read_bytes() for p in (CONFORMANCE / "cases").glob("*.dlm")) + sorted(
    p.read_bytes() for p in (CONFORMANCE / "corpus").glob("*.dlm")
)

# Pieces that change the structure: fences, code toggles, headers, markers,
# frontmatter delimiters, every kind of line break, multi-byte and bad bytes.
SNIPPETS = [
    b"::instruction::\n", b"::preference::\n", b"::prose::\n", b"::std::\n", b"::instruction#a::\n",
    b'::image path="a.png" alt="x"::\n', b'::audio path="a.wav" transcript="t"::\n', b"::image::\n",
    b"```\n", b"```py\n", b"~~~\n", b"### Q\n", b"### A\n", b"### Q !probe\n", b"### Prompt\n",
    b"### Chosen\n", b"### Rejected\n", b"---\n", b"--- \n", b"\n", b"\r\n", b"\r", b" ", b"\t", b"x",
    b'<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z" '
    b'source_section_id="b6b7d8a2f4b3f9c0" -->\n',
    b'<!-- dlm-auto-harvest: source="x" -->\n', b"<!-- dlm-auto-mined: bad -->\n", b"\xc3\xa9", b"\xff",
    b"\xef\xbb\xbf", b"\x00", b"\x0c", b"\xe2\x80\xa8", b"dlm_id: 01KPM5CXB51GRX86Q25AKERN6E\n",
    b"training:\n  lora_r: 999\n", b": :\n", b"&a [*a]\n", b"::",
]


def model_signature(model):
    """Everything observable about a model, in comparable form."""
    return (
        [(s.start_byte, s.end_byte, s.start_line, s.end_line, s.core) for s in model.sections],
        model.frontmatter.yaml_text if model.frontmatter else None,
        [(p.code, p.range, p.message, p.severity, p.stage) for p in model.problems],
        model.to_json(),
    )


def full_model(src: bytes):
    return build_model(src, new_parser().parse(src))


@st.composite
def documents(draw):
    base = draw(st.sampled_from(SEEDS))
    pieces = draw(st.lists(st.sampled_from(SNIPPETS) | st.binary(max_size=8), max_size=6))
    for piece in pieces:
        at = draw(st.integers(0, len(base)))
        cut = draw(st.integers(0, 8))
        base = base[:at] + piece + base[at + cut :]
    return base


@st.composite
def edits(draw, size: int):
    start = draw(st.integers(0, size))
    end = draw(st.integers(start, min(size, start + 40)))
    text = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=12) | st.just(b""))
    return start, end, text


# A blow-up guard, not a benchmark (speed: benchmarks/bench_frontmatter.py and bench_core.py): an
# example takes milliseconds (the slowest conformance document, ~27 KB, builds in under 10 ms; these
# are at most ~30 KB), so a 30 s deadline holds on a loaded 2-core machine a thousand times over and
# fails only on something pathological. (Hypothesis times an example once it returns: a true hang is
# left to the CI job's own time limit.)
@settings(max_examples=300, deadline=timedelta(seconds=30), suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | documents())
def test_any_bytes_give_a_model(src: bytes):
    doc = Document(src)
    doc.model.to_json()
    # Every problem lies inside the document.
    lines = doc.model.lines.line_count
    for p in doc.model.problems:
        assert 0 <= p.range.start_line <= p.range.end_line <= lines
    # Sections tile the body in order.
    for a, b in zip(doc.model.sections, doc.model.sections[1:]):
        assert a.end_byte == b.start_byte and a.end_line < b.start_line + 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_equals_full(data):
    src = data.draw(documents())
    doc = Document(src)
    for _ in range(data.draw(st.integers(1, 6))):
        start, end, text = data.draw(edits(len(doc.source)))
        doc.edit(start, end, text)
        fresh = new_parser().parse(doc.source)
        assert str(doc.tree.root_node) == str(fresh.root_node)
        assert model_signature(doc.model) == model_signature(full_model(doc.source))


def test_tree_matches_a_fresh_parse_after_edits():
    # Incremental re-parsing must give the same tree a fresh parse gives.
    src = (CONFORMANCE / "corpus" / "gallery-domain-kb.dlm").read_bytes()
    doc = Document(src)
    for at in range(0, len(src), max(1, len(src) // 25)):
        doc.edit(at, at, b"```\n")
        assert str(doc.tree.root_node) == str(new_parser().parse(doc.source).root_node)
        doc.edit(at, at + 4, b"")
        assert str(doc.tree.root_node) == str(new_parser().parse(doc.source).root_node)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.data())
def test_utf8_validity_is_tracked_across_edits(text, data):
    doc = Document(text.encode("utf-8", "surrogatepass"))
    _ = doc.model.problems  # establishes validity
    for _ in range(3):
        start, end, new = data.draw(edits(len(doc.source)))
        doc.edit(start, end, new)
        has_error = any(p.code == "DLM001" for p in doc.model.problems)
        try:
            doc.source.decode("utf-8")
            valid = True
        except UnicodeDecodeError:
            valid = False
        assert has_error == (not valid)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab::\n\r\té😀#-"), max_size=60), st.data())
def test_positions_round_trip(text, data):
    # offset_at and line_span agree with a plain line index on any text.
    from dlmls.core.text import LineIndex

    doc = Document("---\n---\n" + text)
    index = LineIndex(doc.source)
    line = data.draw(st.integers(0, index.line_count + 1))
    assert doc.model.line_span(line) == (index.line_span(line) if line < index.line_count
                                         else (len(doc.source), len(doc.source)))
    if line < index.line_count:
        chars = index.line_text(line)
        col = data.draw(st.integers(0, len(chars) + 2))
        expected = index.offset(line, col)
        utf16 = len(chars[:col].encode("utf-16-le")) // 2
        assert doc.offset_at(line, utf16) == expected
        assert doc.offset_at(line, col, "utf-32") == expected
        assert doc.model.line_text(line) == chars
