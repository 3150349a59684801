"""The quality benchmark's scorer and its pure helpers (no model): fixtures of their own, not the corpus."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

# benchmarks/*.py are scripts, not a package: import them by name. (No conftest.py here: the suite's modules
# import tests/conftest.py as `conftest`, and a second one would shadow it.)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from quality_scoring import (collapse, contains, fact_groups, is_correct, is_sentence, judge,  # noqa: E402
                             norm, reference, sentence_share)

# An invented question in the corpus's format.
BRIDGE = {"question": "Who designed the Lorrisk footbridge?",
          "reference": "The engineer Tarquil Neame designed the Lorrisk footbridge in 1911.",
          "answer": "Tarquil Neame", "accept": ["Neame"], "distractors": ["Corvina Mesk"]}
TWO_FACTS = {"question": "Who designed the Lorrisk footbridge, and when?",
             "answer": "Tarquil Neame", "facts": [["Tarquil Neame", "Neame"], ["1911"]],
             "distractors": ["1912"]}


# ---------------------------------------------------------------------- norm


@pytest.mark.parametrize(("text", "want"), [
    ("Tarquil  NEAME.", "tarquil neame"),
    ("62,000 units", "62000 units"),
    ("1,234,567", "1234567"),
    ("1.4 litres", "1.4 litres"),
    ("end.", "end"),
    ("Neame's bridge", "neame s bridge"),
    ("well-known_name", "well known name"),
    ("3,14", "3 14"),  # not a thousands comma
])
def test_norm(text: str, want: str):
    assert norm(text) == want


def test_contains_is_whole_words():
    assert contains("It was Neame.", "neame")
    assert not contains("Neamesworth built it", "Neame")
    assert not contains("anything", "—")  # an alias that normalises to nothing never matches


# ---------------------------------------------------------------------- facts and distractors


def test_fact_groups_default_to_answer_and_accept():
    assert fact_groups(BRIDGE) == [["Tarquil Neame", "Neame"]]
    assert fact_groups({"answer": "Bexlow"}) == [["Bexlow"]]
    assert fact_groups(TWO_FACTS) == [["Tarquil Neame", "Neame"], ["1911"]]
    assert fact_groups({"answer": "x", "facts": ["Bexlow", ["1911", "nineteen eleven"]]}) == \
        [["Bexlow"], ["1911", "nineteen eleven"]]


def test_reference_falls_back_to_the_answer():
    assert reference(BRIDGE).startswith("The engineer")
    assert reference({"answer": "Bexlow"}) == "Bexlow"


@pytest.mark.parametrize(("answer", "ok"), [
    ("Tarquil Neame", True),
    ("It was designed by Neame.", True),  # an alias
    ("tarquil neame!", True),
    ("Neamesworth", False),  # not as whole words
    ("Corvina Mesk", False),
    ("Tarquil Neame or Corvina Mesk", False),  # a hedge naming a distractor
    ("Corvina Mesk, then Neame", False),
    ("", False),
])
def test_one_fact_with_a_distractor(answer: str, ok: bool):
    assert is_correct(answer, BRIDGE) is ok


def test_every_fact_group_must_be_stated():
    assert is_correct("Neame designed it in 1911.", TWO_FACTS)
    assert not is_correct("Neame designed it.", TWO_FACTS)
    assert not is_correct("It opened in 1911.", TWO_FACTS)
    assert not is_correct("Neame, in 1911 or 1912.", TWO_FACTS)


def test_verdict_says_what_it_found():
    v = judge("Tarquil Neame, not Corvina Mesk", BRIDGE)
    assert not v.correct
    assert v.facts == ["Tarquil Neame"]  # the longest alias stated
    assert v.distractors == ["Corvina Mesk"]
    v = judge("In 1911", TWO_FACTS)
    assert v.facts == [None, "1911"] and v.distractors == [] and not v.correct


def test_a_distractor_inside_a_stated_alias_is_not_stated():
    q = {"question": "Which ship?", "answer": "Cobbet Star II", "accept": [], "distractors": ["Cobbet Star"]}
    assert is_correct("The Cobbet Star II.", q)
    assert not is_correct("The Cobbet Star.", q)
    # Only aliases the answer states excuse a distractor.
    q2 = {"question": "Which ship?", "facts": [["Cobbet Star II", "the second Star"]],
          "answer": "Cobbet Star II", "distractors": ["Cobbet Star"]}
    assert is_correct("the second Star", q2)
    assert not is_correct("the second Star, the Cobbet Star", q2)


def test_numbers_match_after_normalisation():
    q = {"question": "How many?", "answer": "62,000", "accept": [], "distractors": ["6,200"]}
    assert is_correct("About 62000 of them.", q)
    assert not is_correct("6200", q)
    assert not is_correct("62,000 or 6,200", q)


# ---------------------------------------------------------------------- collapse


def test_collapse_is_the_share_of_the_most_common_answer():
    assert collapse(["Bexlow", "bexlow.", "Neame", "BEXLOW", "1911"]) == (0.6, "bexlow")
    assert collapse(["a b", "c", "d"]) == (0.0, None)  # nothing repeats
    assert collapse([]) == (0.0, None)
    assert collapse(["", "", "x"]) == (pytest.approx(2 / 3), "")  # empty answers collapse too


# ---------------------------------------------------------------------- sentences


@pytest.mark.parametrize(("answer", "sentence"), [
    ("Tarquil Neame", False),
    ("Tarquil Neame.", False),
    ("It was Neame.", False),  # 3 words
    ("Neame designed the footbridge.", True),
    ("The engineer Tarquil Neame designed it.", True),
    ("Tarquil Neame Tarquil Neame", False),  # 4 words, all fact
    ("Tarquil Neame, yes Neame", False),  # one word outside the fact
])
def test_is_sentence(answer: str, sentence: bool):
    assert is_sentence(answer, BRIDGE) is sentence


def test_is_sentence_counts_every_fact_group():
    assert not is_sentence("Tarquil Neame in 1911", TWO_FACTS)
    assert is_sentence("Neame built it in 1911.", TWO_FACTS)


def test_sentence_share():
    assert sentence_share(["Neame", "Neame designed the footbridge."], [BRIDGE, BRIDGE]) == 0.5
    assert sentence_share([], []) == 0.0
    with pytest.raises(ValueError):
        sentence_share(["one"], [])


# ---------------------------------------------------------------------- bench_quality's pure parts


def test_parse_variant_and_seeds():
    from bench_quality import parse_seeds, parse_variant

    assert parse_variant("fast:DLMLS_A=1,DLMLS_B=x=y") == ("loop@fast", {"DLMLS_A": "1", "DLMLS_B": "x=y"})
    assert parse_variant("v2.b:DLMLS_C=") == ("loop@v2.b", {"DLMLS_C": ""})
    for bad in ("fast", "fast:", ":DLMLS_A=1", "fast:DLMLS_A", "a/b:X=1", "fast:1X=2"):
        with pytest.raises(ValueError):
            parse_variant(bad)
    assert parse_seeds("1,2,3") == [1, 2, 3]
    assert parse_seeds(" 3, 1,3 ") == [3, 1]
    for bad in ("", "a", "-1", "1.5"):
        with pytest.raises(ValueError):
            parse_seeds(bad)


def test_equal_compute():
    from bench_quality import equal_compute

    # 60,000 tokens at 3,000 per epoch of 5 steps: 20 epochs, 100 steps.
    assert equal_compute(60_000, 3_000, 5) == (20, 100)
    # 10,000 at 3,000 per epoch of 4 steps: 4 epochs, the last cut at step 13 of 16.
    assert equal_compute(10_000, 3_000, 4) == (4, 13)
    assert equal_compute(10, 3_000, 4) == (1, 1)
    with pytest.raises(ValueError):
        equal_compute(0, 3_000, 4)


def test_row_order_puts_variants_after_the_loop():
    from bench_quality import row_order

    rows = ["dlm", "loop@b", "prose", "loop", "base_open", "prose_eq", "loop@a", "base_closed"]
    assert sorted(rows, key=row_order) == ["base_closed", "base_open", "prose", "prose_eq", "loop", "loop@a",
                                           "loop@b", "dlm"]


def _entry(doc: str, row: str, seed: int | None, correct: int, n: int = 10, **kw):
    e = {"split": "dev", "doc": doc, "row": row, "seed": seed, "digest": "d", "commit": "abc1234+dirty",
         "date": "2026-12-08", "threads": 2, "n": n, "correct": correct, "nll": 1.0, "nll_reference": 2.0,
         "collapse": 0.0, "sentences": 0, "wall": 60.0, "train_tokens": None, "trains": []}
    e.update(kw)
    return e


def test_aggregate_means_over_seeds_of_totals_over_documents():
    from bench_quality import aggregate

    es = [_entry("a", "loop", 1, 5, nll=1.0), _entry("b", "loop", 1, 7, nll=3.0, collapse=0.5),
          _entry("a", "loop", 2, 9, nll=2.0, sentences=4),
          _entry("b", "loop", 2, 9, nll=2.0, train_tokens=100)]
    a = aggregate(es)
    assert a["seeds"] == [1, 2] and a["docs"] == ["a", "b"] and a["runs"] == 4
    assert a["acc"] == pytest.approx(75.0)  # seed 1: 12/20 = 60 %, seed 2: 18/20 = 90 %
    assert (a["acc_min"], a["acc_max"]) == (pytest.approx(60.0), pytest.approx(90.0))
    assert a["acc_sd"] == pytest.approx(math.sqrt(450))
    assert a["nll"] == pytest.approx(2.0) and a["nll_sd"] == pytest.approx(0.0)
    assert a["collapse"] == pytest.approx(0.125)
    assert a["collapse_max"] == 0.5 and a["collapse_worst"] == ("b", 1)
    assert a["sentence_share"] == pytest.approx(10.0)  # seed 1: 0 %, seed 2: 4/20
    assert a["train_tokens"] == 100
    b = aggregate([_entry("a", "base_closed", None, 1)])
    assert b["seeds"] == [None] and b["acc"] == pytest.approx(10.0) and b["acc_sd"] == 0.0


def test_render_and_merge():
    from bench_quality import merge, render

    es = [_entry("a", "base_closed", None, 0), _entry("b", "base_closed", None, 1),
          _entry("a", "loop", 1, 5, train_tokens=1000), _entry("b", "loop", 1, 7, train_tokens=3000),
          _entry("a", "loop", 2, 6, train_tokens=1000), _entry("b", "loop", 2, 8, train_tokens=3000,
                                                               collapse=0.3),
          _entry("a", "loop@x", 1, 4, variant={"DLMLS_X": "1"}),
          _entry("a", "base_closed", None, 3, split="test")]
    out = render("dev", es)
    assert "dev split" in out and "test split" not in out
    lines = out.splitlines()
    loop = next(line for line in lines if line.startswith("| `loop` "))
    assert "65.0 % (60.0–70.0)" in loop and "2,000" in loop and "2 × 2" in loop
    assert "8 % (max 30 %, b s2)" in loop
    assert "abc1234+dirty, 2026-12-08, 2 threads" in loop
    variant = next(line for line in lines if line.startswith("| `loop@x` "))
    assert "DLMLS_X=1" in variant and "incomplete" in variant
    assert lines.index(loop) < lines.index(variant)
    doc_a = next(line for line in lines if line.startswith("| a (10) "))
    assert doc_a.split(" | ")[1:3] == ["0 %", "55 % (50–60)"]  # base_closed, loop

    old = [{"doc": "a", "row": "loop", "digest": "d"}, _entry("a", "loop", 1, 1), _entry("a", "loop", 3, 1)]
    merged = merge(old, [_entry("a", "loop", 1, 9)])
    assert [(e["seed"], e["correct"]) for e in merged] == [(3, 1), (1, 9)]


def test_record_places_a_new_block_after_another(tmp_path, monkeypatch):
    import results

    path = tmp_path / "RESULTS.md"
    path.write_text("# R\n\n<!-- a:start -->\nA\n<!-- a:end -->\n\n<!-- z:start -->\nZ\n<!-- z:end -->\n")
    monkeypatch.setattr(results, "RESULTS", path)
    results.record("b", "B", after=("missing", "a"))
    results.record("c", "C", after=("missing",))
    results.record("b", "B2", after=("z",))
    text = path.read_text()
    assert text.index("<!-- a:end -->") < text.index("B2") < text.index("<!-- z:start -->")
    assert text.rstrip().endswith("<!-- c:end -->") and "\nB\n" not in text
