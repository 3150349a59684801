"""How `bench_quality.py` judges a greedy answer: pure Python, no model (unit-tested in tests/benchmarks/).

A question entry of `benchmarks/quality/<split>/<doc>.questions.json`::

    {"question": "...", "reference": "a short sentence that answers it",
     "answer": "the key fact", "accept": ["aliases of it"],
     "facts": [["alias", "alias"], ["alias"]],      # optional; default: one group [answer, *accept]
     "distractors": ["a wrong candidate"]}          # optional

* `norm`: case-folded, thousands commas dropped ("62,000" → "62000"), decimal points kept, every other
  punctuation mark read as a space, whitespace collapsed.
* `judge` / `is_correct`: an answer is correct when every fact group has an alias stated in it as whole
  words (after `norm`) and no distractor is stated, except a distractor that is itself contained (as whole
  words) in one of the aliases the answer states ("Star" is not stated by "Star II"). So a hedge that
  names the fact and a distractor ("Neame or Mesk") is wrong.
* `collapse`: the share of a document's answers equal (after `norm`) to its most common answer; 0 when no
  answer occurs twice (all answers differ: nothing collapsed).
* `is_sentence` / `sentence_share`: an answer is a sentence when it has at least 4 words and at least 2 of
  them are outside the question's fact aliases ("Tarquil Neame" or "Tarquil Neame in 1911" are bare spans;
  "Neame designed the footbridge" is a sentence).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SENTENCE_MIN_WORDS = 4
SENTENCE_MIN_OTHER_WORDS = 2


def norm(s: str) -> str:
    """Case-folded, thousands commas dropped, decimal points kept, other punctuation as spaces."""
    s = s.casefold()
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    s = re.sub(r"(?!(?<=\d)\.(?=\d))[^\w]|_", " ", s)
    return " ".join(s.split())


def contains(hay: str, needle: str) -> bool:
    """Whether `needle` appears in `hay` as whole words, both compared after `norm`."""
    n = norm(needle)
    return bool(n) and f" {n} " in f" {norm(hay)} "


def fact_groups(q: Mapping[str, Any]) -> list[list[str]]:
    """The question's fact groups: `facts` (a group may be a bare string), else [[answer, *accept]]."""
    facts = q.get("facts")
    if facts:
        return [[g] if isinstance(g, str) else [str(a) for a in g] for g in facts]
    return [[str(q["answer"]), *(str(a) for a in q.get("accept") or [])]]


def reference(q: Mapping[str, Any]) -> str:
    """The sentence reference answer; old entries without one fall back to the short `answer`."""
    return str(q.get("reference") or q["answer"])


@dataclass(frozen=True)
class Verdict:
    """What `judge` found in one answer."""

    correct: bool
    facts: list[str | None] = field(default_factory=list)  # per group: the longest alias stated, or None
    distractors: list[str] = field(default_factory=list)  # distractors stated (and not excused)


def judge(answer: str, q: Mapping[str, Any]) -> Verdict:
    """Every fact group stated, and no distractor (unless inside a stated alias)."""
    hay = f" {norm(answer)} "
    stated: list[str] = []  # every alias the answer states, of any group
    found: list[str | None] = []
    for group in fact_groups(q):
        hits = [a for a in group if (n := norm(a)) and f" {n} " in hay]
        stated += hits
        found.append(max(hits, key=lambda a: len(norm(a))) if hits else None)
    wrong = []
    for d in q.get("distractors") or []:
        nd = norm(str(d))
        if not nd or f" {nd} " not in hay:
            continue
        if any(f" {nd} " in f" {norm(a)} " for a in stated):
            continue
        wrong.append(str(d))
    return Verdict(all(f is not None for f in found) and not wrong, found, wrong)


def is_correct(answer: str, q: Mapping[str, Any]) -> bool:
    """`judge(answer, q).correct`."""
    return judge(answer, q).correct


def is_sentence(answer: str, q: Mapping[str, Any]) -> bool:
    """At least 4 words, of which at least 2 lie outside the question's fact aliases."""
    text = norm(answer)
    if len(text.split()) < SENTENCE_MIN_WORDS:
        return False
    aliases = sorted({norm(a) for g in fact_groups(q) for a in g} - {""}, key=len, reverse=True)
    for n in aliases:
        text = re.sub(rf"(?<!\S){re.escape(n)}(?!\S)", " ", text)
    return len(text.split()) >= SENTENCE_MIN_OTHER_WORDS


def sentence_share(answers: Sequence[str], questions: Sequence[Mapping[str, Any]]) -> float:
    """The share of `answers` that are sentences (0 for none)."""
    if not answers:
        return 0.0
    return sum(is_sentence(a, q) for a, q in zip(answers, questions, strict=True)) / len(answers)


def collapse(answers: Iterable[str]) -> tuple[float, str | None]:
    """(share of answers equal to the most common one, that answer normalised); (0, None): none repeats."""
    normed = [norm(a) for a in answers]
    if not normed:
        return 0.0, None
    top, k = Counter(normed).most_common(1)[0]
    if k < 2:
        return 0.0, None
    return k / len(normed), top
