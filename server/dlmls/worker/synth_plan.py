"""What a synthesis asks the teacher, and which of its answers survive: the pure half of synthesis.

No torch here, so every decision is unit-tested without a model:

- **Targets.** A 135M model writes usable questions only when it is given
  one concrete thing to ask about, so prose is cut into sentences (code
  blocks, headings and fragments left out) and each sentence (`extraction`)
  or each pair of neighbouring sentences (`expansion`: a follow-up that
  needs both) becomes one target.
- **Prompts.** A plain few-shot completion, not a chat request and not
  "write a JSON list" (DLM's prompt, which yields no parseable pair from
  this model): three worked examples of `Sentence → Question → Answer`,
  then the target. The question and a brief answer come out of one
  generation, the answer written with its source sentence in front of the
  model — measured here, answers written with the whole section in context
  drifted to facts the prose never states ("Varnholm is 40 km north of the
  UK"), answers written from the sentence stayed faithful.
- **Filters** (in order, each counted): parse failures and *artifacts*
  (non-questions, "the text"/"the passage", echoes of the prompt format,
  lines that would read as `### Q`/fences in a `.dlm`, answers that only
  restate the question), *duplicates* (normalised text, or a near-duplicate
  ratio against each other, the document's own pairs, and pairs the writer
  rejected), *ungrounded* answers (content words the prose never uses:
  the hallucinations the judge's likelihoods miss most easily), then the
  judge's threshold (`synth.py`), then the caps.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dlmls.scores import normalise

STRATEGIES = ("extraction", "expansion", "both")
FILTERS = ("sway", "dedup-only", "none")

DEFAULT_THRESHOLD = 0.5
"""Minimum sway (nats/token) of a kept pair: its answer must be clearly likelier with the prose in context."""
MIN_ANSWERABILITY = 0.05
"""Minimum answerability (nats/token): the answer must be likelier after its own question than another."""
SAMPLES_PER_TARGET = 2  # one greedy candidate and one sampled
MAX_PER_TARGET = 2  # kept pairs per target sentence: paraphrases help, ten about one fact do not
NEAR_DUPLICATE = 0.88  # difflib ratio of normalised questions above which two pairs say the same
MAX_NEW_TOKENS = 64
MIN_WORDS = 5

EXTRACTION_SHOTS = """\
Sentence: The Eiffel Tower was completed in 1889 for the World's Fair.
Question: When was the Eiffel Tower completed?
Answer: The Eiffel Tower was completed in 1889.

Sentence: Honey bees tell each other where flowers are with a waggle dance.
Question: How do honey bees tell each other where flowers are?
Answer: With a waggle dance.

Sentence: The Nile flows north into the Mediterranean Sea, and its longest tributary is the White Nile.
Question: Into which sea does the Nile flow?
Answer: The Nile flows into the Mediterranean Sea.

"""

EXPANSION_SHOTS = """\
Sentence: The Eiffel Tower was completed in 1889 for the World's Fair. It was meant to stand for only twenty years.
Question: How long was the tower built for the 1889 World's Fair meant to stand?
Answer: Only twenty years.

Sentence: Honey bees dance to tell each other where flowers are. The angle of the dance points toward the food.
Question: What does the angle of a honey bee's dance show?
Answer: The direction of the flowers.

Sentence: The Nile flows north into the Mediterranean Sea. Its delta is one of the most fertile regions in Africa.
Question: Where is the fertile delta of the river that flows into the Mediterranean?
Answer: At the mouth of the Nile, in northern Africa.

"""

_STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from into onto over under about as is are was were be been
being it its it's this that these those there their they them he she his her him we our you your i me my
what which who whom whose when where why how do does did done has have had not no yes so than then very
can could would should will shall may might must also only just each every any some more most much many
one two first called named same such other another own up down out off again once here all both
""".split())
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[])")
_ARTIFACTS = re.compile(
    r"\b(the|this|that|above|given|following) (text|passage|sentence|paragraph|article|excerpt|notes?|document)\b"
    r"|\b(according to|based on) (the|this)\b|\bsentence:|\bquestion:|\banswer:|<\||\|>", re.IGNORECASE)
_DLM_SYNTAX = re.compile(r"^\s*(###|::[A-Za-z0-9_#-]+|```|<!--)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to ask about: a sentence (extraction) or two neighbouring ones (expansion)."""

    section_id: str
    strategy: str  # extraction | expansion
    text: str
    index: int  # position among the section's targets (for caps and for picking "another" question)


@dataclass(slots=True)
class Candidate:
    """One generated pair on its way through the filters."""

    target: Target
    question: str
    answer: str
    verdict: str = "pending"  # accepted | artifact | duplicate | ungrounded | below_threshold | over_cap
    sway: float | None = None
    answerability: float | None = None
    judge: float | None = None


def sentences(prose: str) -> list[str]:
    """The prose's sentences: paragraphs joined up, code blocks, headings and short fragments left out."""
    paragraphs: list[str] = []
    current: list[str] = []
    in_code = False
    for line in prose.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if in_code:
            continue
        if not stripped or stripped.startswith(("#", "|", "<!--")):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped))
    if current:
        paragraphs.append(" ".join(current))
    out = []
    for p in paragraphs:
        for s in _SENTENCE_END.split(" ".join(p.split())):
            s = s.strip()
            if len(_WORD.findall(s)) >= MIN_WORDS:
                out.append(s)
    return out


def targets(section_id: str, prose: str, strategy: str) -> list[Target]:
    """The targets of one prose section for a strategy (extraction, expansion or both)."""
    sents = sentences(prose)
    out: list[Target] = []
    if strategy in ("extraction", "both"):
        out.extend(Target(section_id, "extraction", s, 0) for s in sents)
    if strategy in ("expansion", "both"):
        out.extend(Target(section_id, "expansion", f"{a} {b}", 0) for a, b in zip(sents, sents[1:], strict=False))
    return [Target(t.section_id, t.strategy, t.text, i) for i, t in enumerate(out)]


def prompt(target: Target) -> str:
    """The few-shot completion prompt for a target (the model continues after "Question:")."""
    shots = EXPANSION_SHOTS if target.strategy == "expansion" else EXTRACTION_SHOTS
    return f"{shots}Sentence: {target.text}\nQuestion:"


def parse(generated: str) -> tuple[str, str] | None:
    """(question, answer) from the text generated after "Question:", or None."""
    head = generated.split("\n\n", 1)[0]
    m = re.match(r"\s*(.+?)\s*\n\s*Answer:\s*(.+?)\s*(?:\n|$)", head, re.S)
    if m is None:
        return None
    question, answer = " ".join(m.group(1).split()), " ".join(m.group(2).split())
    if not question or not answer:
        return None
    return question, answer


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning (stop words and one-letter words left out)."""
    return [w for w in (x.lower().strip("'’-") for x in _WORD.findall(text)) if len(w) > 1 and w not in _STOPWORDS]


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def artifact(question: str, answer: str) -> str | None:
    """Why a pair is an artifact of the prompt rather than a question a user would ask (None: it is fine)."""
    if not question.endswith("?"):
        return "not a question"
    if len(_WORD.findall(question)) < 3:
        return "question too short"
    if _ARTIFACTS.search(question) or _ARTIFACTS.search(answer):
        return "talks about the text instead of its content"
    if _DLM_SYNTAX.search(question) or _DLM_SYNTAX.search(answer):
        return "would read as .dlm syntax"
    if len(answer) > 400:
        return "answer too long"
    a, q = normalise(answer).lower().rstrip(".?!"), normalise(question).lower().rstrip(".?!")
    if a == q or a in q:
        return "answer restates the question"
    aw = set(map(_stem, content_words(answer)))
    if not aw:
        return "answer has no content"
    if aw <= set(map(_stem, content_words(question))):
        return "answer restates the question"
    return None


def ungrounded(answer: str, prose: str) -> bool:
    """Whether the answer uses content words the prose does not (numbers must match exactly)."""
    vocab = {_stem(w) for w in content_words(prose)}
    words = content_words(answer)
    if not words:
        return True
    missing = [w for w in words if _stem(w) not in vocab]
    if any(any(c.isdigit() for c in w) for w in missing):
        return True
    return len(missing) > max(1, math.floor(0.25 * len(words)))


def similar(a: str, b: str) -> bool:
    """Whether two questions say the same (equal when normalised, or a high difflib ratio)."""
    x, y = normalise(a).lower().rstrip("?"), normalise(b).lower().rstrip("?")
    if x == y:
        return True
    return difflib.SequenceMatcher(None, x, y, autojunk=False).ratio() >= NEAR_DUPLICATE


def mark_duplicates(candidates: Sequence[Candidate], existing: Iterable[str]) -> None:
    """Mark candidates whose question repeats another's, an existing pair's, or a rejected one's."""
    seen: list[str] = list(existing)
    for c in candidates:
        if c.verdict != "pending":
            continue
        if any(similar(c.question, s) for s in seen):
            c.verdict = "duplicate"
        else:
            seen.append(c.question)


def judge_score(sway: float, answerability: float) -> float:
    """The 0..1 score hovers show: a logistic of the weaker of the two margins."""
    return 1.0 / (1.0 + math.exp(-3.0 * min(sway, answerability)))


def apply_threshold(candidates: Sequence[Candidate], threshold: float) -> None:
    """Mark judged candidates below the sway threshold or not answerable by their own question."""
    for c in candidates:
        if c.verdict != "pending" or c.sway is None or c.answerability is None:
            continue
        if c.sway < threshold or c.answerability < MIN_ANSWERABILITY:
            c.verdict = "below_threshold"


def select(candidates: Sequence[Candidate], per_section: int, max_pairs: int) -> list[Candidate]:
    """Accept the best pending candidates within the caps (per target, per section, overall)."""
    pending = [c for c in candidates if c.verdict == "pending"]
    pending.sort(key=lambda c: -(c.judge if c.judge is not None else 0.0))
    per_target: dict[tuple[str, int], int] = {}
    per_sec: dict[str, int] = {}
    accepted: list[Candidate] = []
    for c in pending:
        tkey = (c.target.section_id, c.target.index)
        if (len(accepted) >= max_pairs or per_sec.get(c.target.section_id, 0) >= per_section
                or per_target.get(tkey, 0) >= MAX_PER_TARGET):
            c.verdict = "over_cap"
            continue
        c.verdict = "accepted"
        per_target[tkey] = per_target.get(tkey, 0) + 1
        per_sec[c.target.section_id] = per_sec.get(c.target.section_id, 0) + 1
        accepted.append(c)
    # Accepted pairs in document order (section, then target), not score order.
    order = {id(c): i for i, c in enumerate(candidates)}
    return sorted(accepted, key=lambda c: order[id(c)])


def default_per_section(n_targets: int) -> int:
    """Accepted pairs per section when the job does not say: about two per target sentence."""
    return max(4, min(32, 2 * n_targets))


DEFAULT_MAX_PAIRS = 96
