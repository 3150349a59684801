"""What a synthesis asks the teacher, and which of its answers survive: the pure half of synthesis.

No torch here, so every decision is unit-tested without a model:

- **Targets.** A 135M model writes usable questions only when it is given
  one concrete thing to ask about. Prose is cut into sentences (code
  blocks, headings and fragments left out); for `extraction` each sentence
  yields up to one *answer span* per `WORDS_PER_SPAN` words — quoted strings,
  numbers with their unit, dates, names, then short noun phrases — and each
  (sentence, span) is one target. `expansion` targets are two neighbouring
  sentences (a follow-up that needs both) with the span taken from the second.
- **Questions.** Measured here on SmolLM2-135M: asked for a question and
  an answer about a sentence, the model (base or adapter) mostly wrote
  questions about other places and answers it made up (4 of 20 kept on a
  180-word document, half of them wrong); told the answer span in a
  few-shot prompt or a chat request, it put the span into the question
  ("What is Stanmere?"). So each question is first *drafted by rule*
  (`draft_question`: the span replaced by question words — "how many
  metres", "what year", "who", "what sea" — the clause cut after it and
  before it, an opening "It"/"He" replaced by its antecedent, "they" by the
  group it names), with a second wording that puts the question words in
  front where a simple rule can ("How many barrels does the Quorl press hold?",
  `fronted`); spans are looked for per clause, so a fact in a later clause
  is asked about too. The teacher then rewrites the draft in plain words
  from a few-shot `Sentence / Draft → Question` prompt (not a chat request,
  and not DLM's "write a JSON list", which yields no parseable pair from
  this model). Drafts and rewrites are all candidates; the filters and the
  judge choose.
- **Answers** (`fact_answer`): the fact first, then the clause that states
  it, made from the prose ("Nine bits — the iron groat is split into nine
  bits."): the first token decides a small model's answer, and a
  sentence after it is what a user wants to read. The teacher answers each
  rewritten question with its target sentence in front of it (`synth.py`);
  a rewrite whose answer misses the span is dropped (*inconsistent*: the
  rewrite lost the draft's meaning — "What is barley?" for a draft whose
  answer is "tugboats").
- **Filters** (in order, each counted): parse failures and *artifacts*
  (non-questions, "the text"/"the passage", echoes of the prompt format,
  lines that would read as `### Q`/fences in a `.dlm`, answers that only
  restate the question), *duplicates* (normalised text, or a near-duplicate
  ratio against each other, the document's own pairs, and pairs the writer
  rejected), *ungrounded* answers (content words the prose never uses:
  the hallucinations the judge's likelihoods miss most easily), rewrites
  that fail the round trip (*inconsistent*), then the judge's threshold
  (`synth.py`), then the caps.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import random
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dlmls.scores import normalise

STRATEGIES = ("extraction", "expansion", "both")
FILTERS = ("sway", "dedup-only", "none")

DEFAULT_THRESHOLD = 0.25
"""Minimum sway (nats/token) of a kept pair: its answer must be clearly likelier with the prose in context."""
MIN_ANSWERABILITY = 0.05
"""Minimum answerability (nats/token): the answer must be likelier after its own question than another."""
SAMPLES_PER_TARGET = 2  # teacher rewrites per drafted question (the first greedy, later ones sampled)
MAX_PER_TARGET = 2  # kept pairs per target: two wordings help the adapter, ten about one fact do not
NEAR_DUPLICATE = 0.88  # difflib ratio of normalised questions above which two pairs say the same
MAX_NEW_TOKENS = 40  # a question (the few-shot line ends at its newline)
ANSWER_TOKENS = 40  # a brief answer
MIN_WORDS = 5
WORDS_PER_SPAN = 4  # a sentence of n words is asked about up to max(4, n / 4) spans (quotes, numbers, names first)
MIN_SPANS = 4

REWRITE_SHOTS = """\
Sentence: The Eiffel Tower was completed in 1889 for the World's Fair.
Draft: The Eiffel Tower was completed in what year?
Question: When was the Eiffel Tower finished?

Sentence: Honey bees tell each other where flowers are with a waggle dance.
Draft: Honey bees tell each other where flowers are with what?
Question: How do honey bees show each other where flowers are?

Sentence: Marie Curie's first laboratory was a converted shed on Rue Lhomond.
Draft: Marie Curie's first laboratory was a converted shed on what street?
Question: On which street was Marie Curie's first laboratory?

Sentence: The Nile flows north into the Mediterranean Sea, and its longest tributary is the White Nile.
Draft: The Nile flows north into what sea?
Question: Which sea does the Nile flow into?

"""

_STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from into onto over under about as is are was were be been
being it its it's this that these those there their they them he she his her him we our you your i me my
what which who whom whose when where why how do does did done has have had not no yes so than then very
can could would should will shall may might must also only just each every any some more most much many
one two first called named same such other another own up down out off again once here all both
""".split())
PREPOSITIONS = ("about", "above", "across", "after", "against", "along", "among", "around", "at", "before",
                "behind", "below", "beneath", "beside", "between", "beyond", "by", "during", "for", "from", "in",
                "inside", "into", "near", "of", "off", "on", "onto", "outside", "over", "past", "since", "through",
                "throughout", "to", "toward", "towards", "under", "underneath", "until", "upon", "via", "with",
                "within", "without")
"""English prepositions. A drafted question may open with one and its question words ("Over what does the
kite fly?", `fronted`), and so may a question `natural` counts as asked the way a reader asks: both read
this one list."""
_LOCATIVE = frozenset(PREPOSITIONS) - {"about", "after", "against", "among", "before", "between", "by", "during",
                                        "for", "of", "since", "until", "with", "without"}
"""Prepositions of place and direction: a name after one is a place ("on Brask Moor"), never asked for by "who"."""
_PREPOSITION = "(?:" + "|".join(PREPOSITIONS) + ")"
_WORD = re.compile(r"[^\W_][\w'’-]*")  # a word in any script ("Zürich", "café"), an identifier ("rollup_state")
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
                 "million").split()
_NUMBER_TOKEN = re.compile(r"\d[\d,.]*\d|\d")  # "3,075", "2.5", "7": numbers as written
_MONTHS = frozenset("January February March April May June July August September October November December".split())
_NUMBER = re.compile(r"(?:\d[\d,]*(?:\.\d+)?|(?:{0})(?:-(?:{0}))?)".format("|".join(_NUMBER_WORDS)))
_TOKEN = re.compile(
    r'"[^"]+"|“[^”]+”|`[^`]+`'  # a quoted string, a code span
    # A flag ("--dry-run"), a decorator or handle ("@cache"), a path or dotfile ("/var/log", "~/.cache", ".env").
    r"|(?:-{1,2}(?=[^\W\d_])|@(?=[^\W_])|(?<![.\w])(?:(?:\.{1,2}/|~/|/)\.?|\.)(?=[^\W_]))?"
    # Letters and digits of any script, and what joins them inside one word or identifier: "_" ("rollup_state"),
    # an apostrophe or hyphen before a letter ("Tennick's", "moss-green"), "." before a letter or digit
    # ("functools.wraps", "2.5", "3.12.1"), "," and ":" between digits ("3,075", "12:30"), "::", "://", "@",
    # "/" inside or closing a path ("/var/log/app/"), and a closing "+"/"#" after a letter ("C++", "F#").
    r"_*[^\W_](?:[\w\u0300-\u036f]|['’-](?=[^\W_])|\.(?=[^\W_])|(?<=\d)[,:](?=\d)|::(?=[^\W_])|://(?=[^\W_])"
    r"|@(?=[^\W_])|/(?=[\w.~])|/(?=[\s,;:.)\]]|$))*(?:(?<=[^\W\d_])[+#]+)?")
"""A token of a sentence: a word, a number as written, an identifier or path, or a quoted string. Every
character between two tokens is one no span runs on across unless it is white space (`spans`)."""
_NOT_IN_SPAN = _STOPWORDS | frozenset(
    "still until while since because among whose year years like after before later made found born minus below "
    "above near around during".split())
_UNITS_CAPITALISED = frozenset("Celsius Fahrenheit Kelvin".split())
_SPAN_RANK = {"quote": 0, "number": 1, "name": 2, "phrase": 3, "subject": 4}  # lower is asked first
_PRONOUNS = re.compile(r"\b(its|their|his|her|it|they|them|he|she)\b", re.IGNORECASE)
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
    text: str  # the sentence (or two) the question is about
    index: int  # position among the section's targets (for caps and for picking "another" question)
    span: str = ""  # the answer the question must lead to (a span of `text`); "" asks for question and answer
    topic: str = ""  # what the section is about (its heading, else its first name), for "it"/"its"
    group: str = ""  # who "they" are ("the miners"), for "they"/"their"


@dataclass(slots=True)
class Candidate:
    """One generated pair on its way through the filters."""

    target: Target
    question: str
    answer: str
    # accepted | artifact | duplicate | inconsistent | ungrounded | below_threshold | over_cap
    verdict: str = "pending"
    sway: float | None = None
    answerability: float | None = None
    judge: float | None = None
    drafted: bool = False  # the rule-drafted question (its span is its answer by construction), not a rewrite
    draft: str = ""  # for a rewrite, the draft it rewrote


def prose_sections(model: Any, sections: Sequence[str] | None) -> list[Any]:
    """The document model's non-empty prose sections to synthesize from (only `sections`, when given).

    Raises ValueError saying why there is nothing to synthesize from.
    """
    prose = [s for s in model.live_sections if s.type == "prose" and s.content.strip()]
    if sections is not None:
        wanted = set(sections)
        prose = [s for s in prose if s.section_id in wanted]
        if not prose:
            raise ValueError("none of the requested sections is a prose section of the document now (it may "
                             "have changed): synthesize again")
    if not prose:
        raise ValueError("the document has no prose to write questions about")
    return prose


def sentences(prose: str) -> list[str]:
    """The prose's sentences: paragraphs joined up, code blocks, headings and short fragments left out."""
    paragraphs: list[str] = []
    current: list[str] = []
    in_code = False
    in_list = False
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
            in_list = False
            continue
        # A list item starts its own sentence run; "2017. It holds ..." inside a paragraph is not one
        # (as in CommonMark, only "1." may interrupt a paragraph).
        item = re.match(r"([-*+]|(\d+)[.)])\s+", stripped)
        if item and (not current or in_list or item.group(1) in "-*+" or item.group(2) == "1"):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            in_list = True
            stripped = stripped[item.end():]
        current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    out = []
    for p in paragraphs:
        for s in _SENTENCE_END.split(" ".join(p.split())):
            s = s.strip()
            if len(_WORD.findall(s)) >= MIN_WORDS:
                out.append(s)
    return out


def _identifier(token: str) -> bool:
    """Whether a token is code, a path or a version rather than a word ("rollup_state", "functools.wraps",
    "`make test`", "/var/log/app/", "--dry-run", "@cache", "3.12.1", "12:30", "C++", "getUser"): the whole
    token is one answer, never part of a run of words. Abbreviations ("e.g", "U.S") and numbers ("2.5",
    "3,075") are not identifiers."""
    if token[0] in "`-@./~" or "_" in token or "::" in token or "@" in token or token[-1] in "+#":
        return True
    if "." in token or ":" in token:
        return not _NUMBER.fullmatch(token.lower()) and not re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", token)
    if "/" in token:  # a path ("src/app/main", "docs/index.md"), not "km/h" or "and/or"
        return token.count("/") >= 2
    return token[0].islower() and any(c.isupper() for c in token[1:])  # camelCase


def _stop(token: str) -> bool:
    """Whether a word is no part of an answer span: a function word, or one made of them or of single
    letters ("and/or", "e.g")."""
    parts = [p for p in re.split(r"[/.]", token.lower()) if p]
    if len(parts) <= 1:
        return token.lower() in _NOT_IN_SPAN
    return all(p in _NOT_IN_SPAN or len(p) == 1 for p in parts)


def _capitalised(text: str) -> str:
    """The text with its first letter upper-case, as a sentence or question opens, unless it opens with an
    identifier: code keeps its case ("rollup_state holds ...", not "Rollup_state holds ...")."""
    first = _TOKEN.match(text)
    if first is not None and first.group()[0] not in "\"“" and _identifier(first.group()):
        return text
    return text[:1].upper() + text[1:]


def spans(sentence: str, *, in_order: bool = False, subjects: bool = True) -> list[str]:
    """Short spans of a sentence a question could have as its answer, best kinds first (or in sentence order).

    Quoted strings, numbers with their unit or month ("3,075 metres", "14 May",
    "June 1998"), identifiers and paths ("rollup_state", "/var/log/app/"), runs of
    capitalised words ("Carn Dubh", "College of Wistran"), then runs of up to three
    lower-case content words ("pale barley"), with a leading or trailing
    verb-looking word ("turns amber", "barley harvested") trimmed. No tagger: the
    round-trip check after answer shaping drops spans that make no question.

    Every span is the sentence's own text, whole tokens of it: a run of words goes on only across white
    space, never across a comma, semicolon, colon, bracket, dash or quote mark ("Pellow, Stanmere and Brask"
    is three names, "in May, Ann said" is no "May Ann").
    """
    matches = list(_TOKEN.finditer(sentence))
    toks = [m.group() for m in matches]
    n = len(toks)
    # joined[k]: only white space between token k and the next, so a span may run on from one to the other.
    joined = [sentence[a.end():b.start()].isspace() for a, b in zip(matches, matches[1:], strict=False)] + [False]
    found: list[tuple[str, str]] = []
    i = 0

    def text(start: int, end: int) -> str:  # tokens start..end-1 as the sentence spells them
        return sentence[matches[start].start():matches[end - 1].end()]

    while i < n:
        t = toks[i]
        if t[0] in "\"“":
            found.append(("quote", t.strip("\"“”").rstrip(".,;:").strip()))
            i += 1
        elif _identifier(t):
            found.append(("name" if i > 0 else "subject", t))
            i += 1
        elif _NUMBER.fullmatch(t.lower()) or (t in _MONTHS and joined[i] and re.fullmatch(r"\d{4}", toks[i + 1])):
            j = i + 1
            if t in _MONTHS:
                j = i + 2
            elif joined[i] and toks[j] in _MONTHS:
                j += 1
            elif (joined[i] and toks[j][0].islower() and not _stop(toks[j]) and not _identifier(toks[j])
                  and not _NUMBER.fullmatch(toks[j].lower())):
                j += 1  # its unit or what it counts
                if joined[j - 1] and toks[j] in _UNITS_CAPITALISED:
                    j += 1
            start = i - 1 if i > 0 and joined[i - 1] and toks[i - 1].lower() == "minus" else i
            found.append(("number", text(start, j)))
            i = j
        elif t[0].isupper():
            if t.lower() in PREPOSITIONS and joined[i] and toks[i + 1][0].isupper():
                i += 1  # "In Pellow the mill stands": a preposition is no part of the name after it
                continue
            j = i + 1
            while joined[j - 1] and not _identifier(toks[j]) and (
                    toks[j][0].isupper() or (toks[j] in ("of", "de", "van", "von") and joined[j]
                                             and toks[j + 1][0].isupper() and not _identifier(toks[j + 1]))):
                j += 1
            name = text(i, j)
            if name.lower() not in _NOT_IN_SPAN or (i > 0 and name in _MONTHS):  # "in May", not "may"
                found.append(("name" if i > 0 else "subject", re.sub(r"['’]s$", "", name)))
            i = j
        elif not _stop(t) and not _NUMBER.fullmatch(t.lower()):
            j = i + 1
            while (j - i < 3 and joined[j - 1] and toks[j][0].islower() and not _stop(toks[j])
                   and not _identifier(toks[j]) and not _NUMBER.fullmatch(toks[j].lower())):
                j += 1
            a, b = i, j  # the words kept: toks[a:b]
            if (b - a > 1 and re.search(r"(ed|es|s)$", toks[a]) and not toks[a].endswith("ss")
                    and "-" not in toks[a]):  # "moss-green ground" is no verb and its object
                a += 1  # "turns amber", "painted grey"
            if b - a > 1 and toks[b - 1].endswith("ed"):
                b -= 1  # "pale barley harvested", "iron press launched"
            following = toks[j].lower() if joined[j - 1] else ""
            if b - a > 1 and following in ("a", "an", "the"):
                b -= 1  # "choir won the shield": a verb before its object
            previous = toks[a - 1].lower() if a > 0 else ""
            ends_clause = not joined[j - 1]  # "described greywort, a dark lichen": no verb before its object
            verb = b - a == 1 and (re.search(r"(ed|s)$", toks[a])  # lone "holds", "founded"
                                   # "took 48,500 orders", "won the shield"
                                   or (not ends_clause and (bool(_NUMBER.fullmatch(following))
                                                            or following in ("a", "an", "the")))
                                   # "they pay", "we celebrate"
                                   or previous in ("they", "we", "he", "she", "it", "i", "you")
                                   # "27 miles long": how a number is measured, not a thing
                                   or bool(found and found[-1][0] == "number" and a > 0 and joined[a - 1]
                                           and toks[a - 1] == found[-1][1].split()[-1]))
            # A noun that only classifies the name, number or identifier after it ("the market town of
            # Pellow", "a forge in Brask", "the age of 81", "a book called The Long Weir", "a database named
            # rollup_state") is not the fact; the name is.
            after = toks[b:b + 2]
            classifier = ((len(after) == 2 and joined[b - 1] and joined[b]
                           and after[0].lower() in ("of", "in", "called", "named")
                           and (after[1][:1].isupper() or bool(_NUMBER.fullmatch(after[1].lower()))
                                or _identifier(after[1])))
                          # "the engineer Cosmo Pritchard", "the Kafka topic `events.raw`": a title before the name
                          or (len(after) >= 1 and joined[b - 1] and (after[0][:1].isupper() or _identifier(after[0]))
                              and toks[b - 1][:1].islower()))
            # "while heating", "at night": circumstances, not facts anyone asks for by this word.
            circumstance = b - a == 1 and (toks[a].endswith("ing") or previous in ("at", "while"))
            if not verb and not classifier and not circumstance:
                # A phrase that opens the sentence ("The highest point is ...") is its subject, not an answer.
                opening = all(w.lower() in _NOT_IN_SPAN or re.search(r"['’]s$", w) for w in toks[:i])
                found.append(("subject" if opening else "phrase", text(a, b)))
            i = j
        else:
            i += 1
    out: list[str] = []
    # sorted() is stable: sentence order within a kind.
    for kind, span in (found if in_order else sorted(found, key=lambda f: _SPAN_RANK[f[0]])):
        if span and span.lower() not in (o.lower() for o in out) and (subjects or kind != "subject"):
            out.append(span)
    return out


def topic(prose: str) -> str:
    """What a section is about: its first Markdown heading, else the first name of its first sentence."""
    for line in prose.splitlines():
        m = re.match(r"\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
        if m:
            return m.group(1)
    first = sentences(prose)[:1]
    names = [t for t in spans(first[0]) if t[:1].isupper()] if first else []
    return names[0] if names else ""


def _names(sentence: str) -> list[str]:
    return [x for x in spans(sentence, in_order=True) if x[:1].isupper() and x not in _UNITS_CAPITALISED
            and x.split()[0] not in _MONTHS and not _NUMBER.fullmatch(x.split()[0].lower().rstrip(","))]


def antecedents(sents: Sequence[str], fallback: str) -> list[str]:
    """For each sentence, what an opening "It"/"Its" refers to and, for "He"/"She", who.

    "It" is the first name of the nearest earlier sentence that named something new: one that does not
    itself open with a pronoun, or that does and introduces a name with a copula ("Its best seller is
    the Corvex R4"). "He"/"She" is the nearest earlier name of two or more words that opened a
    sentence.
    """
    out: list[str] = []
    last = person = fallback
    for s in sents:
        out.append(person if re.match(r"(He|She|His|Her)\b", s) else last)
        names = _names(s)
        if not names:
            continue
        if not re.match(r"(It|Its|He|She|His|Her|They|Their)\b", s):
            last = names[0]
            if s.startswith(names[0]) and len(names[0].split()) >= 2:
                person = names[0]
        elif re.search(r"\b(is|was|are|were)\s+(the\s+|an?\s+)?" + re.escape(names[0]), s):
            last = names[0]
    return out


_PLURAL_OPENING = re.compile(
    r"(?:The|the)\s+((?:[a-z][a-z-]+\s+)?(?!(?:was|is|has|does|goes)\b)[a-z][a-z-]*[^s\W]s)\s+(?!of\b)[a-z]")


def plural_subjects(sents: Sequence[str]) -> list[str]:
    """For each sentence, who a "they"/"their" refers to: the plural subject that opened the nearest
    sentence so far ("The miners speak Corrish, ..." → "the miners"), or ""."""
    out: list[str] = []
    last = ""
    for s in sents:
        m = _PLURAL_OPENING.match(s)
        if m:
            last = "the " + m.group(1)
        out.append(last)
    return out


_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?:and|but)\s+(?=(?:they|their|he|his|she|her|it|its|the|a|an|in|on|at|by"
                           r"|after|during|since)\b)"
                           r"|(?<=[a-z]),\s+which\s+(?=is|are|was|were|has|had)"
                           r"|(?<=[a-z]),\s+who\s+(?=[a-z]+s\b|is\b|was\b|has\b|had\b)")
_NAME_HEAD = re.compile(r"\b((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*)$")
_RELATIVE_HEAD = re.compile(r"\b(?:the|a|an)\s+((?:[A-Za-z'’-]+\s+){0,2}[A-Za-z'’-]+)$", re.IGNORECASE)


def clauses(sentence: str) -> list[str]:
    """A sentence cut at its clause breaks (see `clause_of`), each clause as written (spans are looked
    for per clause, so a fact in a later clause is not crowded out by the first clause's)."""
    out, start = [], 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        out.append(sentence[start:m.start()])
        start = m.end()
    out.append(sentence[start:])
    return [c for c in out if c.strip()]


def clause_of(sentence: str, at: int) -> tuple[str, int]:
    """The clause of a sentence that holds position `at`, on its own, with `at` moved into it.

    A clause after "; " or ", and they/its/the ..." stands alone (its opening pronoun is resolved by
    the caller); one after ", which is ..." gets the noun it describes as its subject ("... pay with
    the iron groat, which is split into nine bits" → "The iron groat is split into nine bits").
    Measured on the quality documents: a draft that kept the whole sentence in front of a
    later clause was too long for the teacher to rewrite, and the ones with "they" were all dropped.
    """
    breaks = [m for m in _CLAUSE_BREAK.finditer(sentence) if m.end() <= at]
    if not breaks:
        return sentence, at
    m = breaks[-1]
    rest = sentence[m.end():]
    head = ""
    if "which" in m.group():
        h = _RELATIVE_HEAD.search(sentence[:m.start()])
        if h is None:
            return sentence, at
        head = "the " + h.group(1) + " "
    elif "who" in m.group():  # "... is Oskar Lindqvist, who keeps three dogs" → "Oskar Lindqvist keeps ..."
        h = _NAME_HEAD.search(sentence[:m.start()])
        if h is None:
            return sentence, at
        head = h.group(1) + " "
    clause = head + rest
    return _capitalised(clause), at - m.end() + len(head)


def targets(section_id: str, prose: str, strategy: str) -> list[Target]:
    """The targets of one prose section for a strategy (extraction, expansion or both)."""
    sents = sentences(prose)
    about = antecedents(sents, topic(prose))
    groups = plural_subjects(sents)
    out: list[Target] = []
    if strategy in ("extraction", "both"):
        for s, subject, group in zip(sents, about, groups, strict=True):
            picked: list[str] = []
            parts = clauses(s)
            for part in parts:
                # What the sentence is about is the questions' subject, seldom their answer: asked last.
                # A clause's own subject makes a reverse question ("Tennick Forge's what is a black stag?"
                # → "badge") whose answer the adapter then gives to anything about the topic: on one quality
                # document it answered such a word to three held-out questions. Those are not asked.
                ranked = sorted(spans(part, subjects=False), key=lambda x: x.lower() in subject.lower())
                cap = max(MIN_SPANS // len(parts) or 1, round(len(_WORD.findall(part)) / WORDS_PER_SPAN))
                picked.extend(x for x in ranked[:cap] if x.lower() not in (p.lower() for p in picked))
            out.extend(Target(section_id, "extraction", s, 0, span, subject, group) for span in picked)
    if strategy in ("expansion", "both"):
        for (a, b), subject, group in zip(zip(sents, sents[1:], strict=False), about[1:], groups[1:], strict=False):
            picked = [x for x in spans(b) if x.lower() not in a.lower()][:1]
            out.extend(Target(section_id, "expansion", f"{a} {b}", 0, span, subject, group) for span in picked)
    return [Target(t.section_id, t.strategy, t.text, i, t.span, t.topic, t.group) for i, t in enumerate(out)]


def prompt(target: Target, draft: str) -> str:
    """The few-shot completion prompt asking the teacher to rewrite a drafted question in plain words."""
    return f"{REWRITE_SHOTS}Sentence: {target.text}\nDraft: {draft}\nQuestion:"


def parse(generated: str) -> str | None:
    """The question from the text generated after "Question:" (its first line), or None."""
    line = generated.strip().split("\n", 1)[0].strip()
    if not line:
        return None
    if "?" in line:
        line = line[:line.index("?") + 1]
    return " ".join(line.split())


def faithful(rewrite: str, draft: str) -> bool:
    """Whether a rewrite still asks the draft's question: it names nothing the draft does not (names,
    numbers), keeps at least one of the draft's names when the draft has any, and keeps half of its
    content words.

    Measured on a quality document: the teacher's rewrites that passed every other filter included a
    question about a place the draft never named, answered with a compass direction, and one asking for
    a person's birth year, answered with the year the draft asked about (when the person surveyed the
    place); the adapter then answered a held-out question about the place with the direction.
    """
    def names(text: str) -> set[str]:
        words = [re.sub(r"['’]s$", "", w) for w in _WORD.findall(text)]
        return ({w.lower() for i, w in enumerate(words) if w[:1].isupper()
                 and (i > 0 or w.lower() not in _STOPWORDS)}
                | {n.replace(",", "") for n in _NUMBER_TOKEN.findall(text)})
    mine, theirs = names(rewrite), names(draft)
    if mine - theirs or (theirs and not mine & theirs):
        return False
    keep = {_stem(re.sub(r"['’]s$", "", w)) for w in content_words(draft)}
    got = {_stem(re.sub(r"['’]s$", "", w)) for w in content_words(rewrite)}
    return bool(got & keep) and len(got - keep) <= 1 and 2 * len(got & keep) >= min(len(keep), 4)


def _plain(text: str) -> str:
    """Lower-cased words and numbers of a text, one space apart (punctuation and thousands commas aside)."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    return " ".join(re.findall(r"[^\W_]+(?:\.\d+)?", text))


def find_whole(text: str, span: str) -> int:
    """Where the span first occurs in the text as whole words, or -1: not inside a longer word or number
    ("Ost" is not in "Ostwick", "4 minutes" is not in "14 minutes", "rollup_state" is not in
    "rollup_state_v2")."""
    if not span:
        return -1
    left = r"(?<!\w)" if re.match(r"\w", span) else ""
    right = r"(?!\w)" if re.search(r"\w$", span) else ""
    m = re.search(left + re.escape(span) + right, text)
    return m.start() if m else -1


def contains_span(answer: str, span: str) -> bool:
    """Whether an answer states the span (case, punctuation and thousands commas aside)."""
    def norm(text: str) -> str:
        return f" {_plain(text)} "
    words = span.split()
    if not words:
        return False  # a blank span is stated by no answer
    key = words[0] if _NUMBER.fullmatch(words[0].lower().rstrip(",")) else span
    return norm(key).strip() != "" and norm(key) in norm(answer)  # a number's unit may be left out


_PERSON_CUES = re.compile(r"\b(by|founder|founded|engineer|chemist|navigator|assistant|named after|who|"
                          r"chief|director|inventor|he|she)\b", re.IGNORECASE)
_HEAD_NOUNS = {"sea": "sea", "lake": "lake", "mount": "mountain", "mountain": "mountain", "river": "river",
               "lane": "street", "street": "street", "road": "street", "avenue": "street", "vale": "village",
               "point": "place", "medal": "medal", "prize": "prize", "award": "award", "institute": "institute",
               "university": "university", "college": "college", "school": "school", "labs": "company",
               "island": "island", "bay": "bay", "bridge": "bridge", "hall": "hall", "park": "park"}


def wh_phrase(span: str, before: str) -> str:
    """The question words that stand in for a span ("how many metres", "what year", "who", "what sea")."""
    words = span.split()
    low = span.lower()
    m = _NUMBER.fullmatch(words[0].lower().rstrip(",")) if words else None
    if words and words[0].lower() == "minus":
        return "what temperature" if "degree" in low else "how much"
    if m and len(words) == 1:
        if re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", words[0]):
            return "what year"
        return "how many"
    if m and words[1].rstrip(".,") in _MONTHS:
        return "what date"
    if words and words[0] in _MONTHS:
        return "when"
    if m:
        return "how many " + " ".join(words[1:])
    if span[:1].isupper():
        last = words[-1].lower()
        first = words[0].lower()
        for w in (last, first):
            if w in _HEAD_NOUNS:
                return f"what {_HEAD_NOUNS[w]}"
        # A name after a preposition of place is a place ("described greywort on Brask Moor"), whatever
        # person a "she" or "founder" nearby names; elsewhere such a cue says the name is a person's.
        place = re.search(rf"\b(\w+)\s+(?:the\s+)?$", before)
        if place and place.group(1).lower() in _LOCATIVE:
            return "what"
        if len(words) >= 2 and all(w[:1].isupper() for w in words) and _PERSON_CUES.search(before[-40:]):
            return "who"
        return "what"
    return "what"


def draft_question(sentence: str, span: str, topic: str, group: str = "") -> str | None:
    """A question drafted from the sentence by rule: the span replaced by question words, the clause cut
    after it (and before it, see `clause_of`), a leading "It"/"Its" replaced by the topic ("Its county seat
    is the market town of what?"), "they"/"their" by the group they name ("the miners"), and a name in
    apposition asked for by what it names ("A lone tugboat, the Hardy Petrel, ..." → "What is the lone
    tugboat called?").

    The teacher then rewrites the draft in plain words; the draft stays a candidate of its own.
    """
    return _draft(sentence, span, topic, group)[0]


def drafts(sentence: str, span: str, topic: str, group: str = "") -> list[str]:
    """The rule-drafted wordings of a target: the draft and, where a rule applies, its fronted form
    (`fronted`); none when there is no draft."""
    draft, front, _ = _draft(sentence, span, topic, group)
    if draft is None:
        return []
    return [draft] if front in (None, draft) else [draft, front]


@functools.lru_cache(maxsize=4096)
def _draft(sentence: str, span: str, topic: str, group: str) -> tuple[str | None, str | None, str | None]:
    """(the draft, its fronted wording, the fact as a statement) of `draft_question`, from one pass over
    the sentence; the statement is the draft's clause with the span in place ("Corrandale is a
    horseshoe-shaped valley in the Pennick Hills."). Cached: `drafts`, `statement` and `answer_for` each ask
    for a target's pass, and the judge's `grounded_by_construction` asks again per candidate."""
    for quoted in (f'"{span}', f"“{span}"):
        if quoted in sentence:  # the quote marks go with the quoted span
            end = sentence.find('"' if quoted[0] == '"' else "”", sentence.index(quoted) + 1)
            span = sentence[sentence.index(quoted):end + 1] if end > 0 else span
    # The span's first whole-word occurrence: a target's span is found in its sentence by whole tokens
    # (`spans`), and an expansion target's span is one its first sentence does not have.
    at = find_whole(sentence, span)
    if at < 0:
        return None, None, None
    start = max(sentence.rfind(". ", 0, at), sentence.rfind("? ", 0, at), sentence.rfind("! ", 0, at))
    if start >= 0:  # an expansion target: the question is about the later sentence
        sentence, at = sentence[start + 2:], at - start - 2
    whole = sentence
    sentence, at = clause_of(sentence, at)
    in_clause = sentence is not whole
    sentence, at = _adverbial_moved(sentence, at, span) or (sentence, at)
    if in_clause and re.match(r"(It|Its)\b", sentence) and not re.match(r"(It|Its)\b", whole):
        # "Corrandale's chief crop is a pale barley; its main export is ...": "its" is the sentence's own subject.
        names = _names(whole)
        topic = re.sub(r"['’]s$", "", names[0]) if names and whole.startswith(names[0]) else topic
    before, after = sentence[:at], sentence[at + len(span):]
    cut = re.search(rf"{_PHRASE_END}|\s(and|but|which|who|where|when|while|because)\s", after)
    tail = after[:cut.start()] if cut else after
    # The statement keeps what is coordinated with the span ("copies the wrapped function's name and
    # docstring onto the wrapper"): an answer that stops at "and" states half the fact.
    stop = _MAIN_CLAUSE_END.search(after)
    said_tail = after[:stop.start()] if stop else after
    wh = wh_phrase(span, before)
    before = re.sub(r"\b(a|an|the)\s+$", "", plain_before := before, flags=re.IGNORECASE)
    article = plain_before[len(before):]  # "the " of "in the Pennick Hills": the statement keeps it
    if before.rstrip().endswith(","):
        # An appositive ("A lone tugboat, the Hardy Petrel, ..."): ask what the noun before it is called.
        named = _RELATIVE_HEAD.search(before.rstrip().rstrip(","))
        if named and span[:1].isupper():
            return f"What is the {named.group(1)} called?", None, None
        thing = re.search(r"((?:[A-Z][\w'’-]*\s+){0,3}[A-Za-z][\w'’-]*),\s*$", before)
        common = thing is not None and not thing.group(1)[:1].isupper() and re.search(
            r"\b(?:a|an|the)\s+(?:\S+\s+)?$", before[:thing.start()], re.IGNORECASE) is not None
        if thing and not common and not span[:1].isupper() and thing.group(1).lower() not in _STOPWORDS:
            # a name, or a bare noun ("... described greywort, a dark green lichen"), not "a cheaper model"
            return f"What is {thing.group(1)}?", None, None
        return None, None, None
    # The sentence's opening pronoun, or the whole sentence's when this is a later clause of it ("He
    # studied at ..., and in 1926 he discovered ..."), or a "he"/"she" further on with no name before it
    # ("For the discovery he received ...").
    opening = re.match(r"(It|Its|He|His|She|Her)\b", sentence)
    if opening is None and in_clause:
        opening = re.match(r"(He|His|She|Her)\b", whole)
    if opening is None:
        later = re.search(r"\b(he|she)\b", sentence)
        if later and not re.search(r"[A-Z]", sentence[1:later.start()]):
            opening = re.match(r"(He|She)", later.group(1).capitalize())
    if topic and opening:
        # A sentence that opens with a pronoun is about the antecedent, and so is every later pronoun of
        # the same kind ("He found it": "he" is the person, "it" is not).
        pronouns = (r"\b(It|Its|it|its)\b" if opening.group(1) in ("It", "Its")
                    else r"\b(He|His|She|Her|he|his|she|her)\b")
        def name(m: re.Match[str]) -> str:
            return f"{topic}'s" if m.group(1).lower() in ("its", "his", "her") else topic
        before, tail, said_tail = (re.sub(pronouns, name, x) for x in (before, tail, said_tail))
    else:
        # Elsewhere a possessive refers back to the sentence's own subject ("The R4 took ... in its first month").
        before, tail, said_tail = (re.sub(r"\b(its|his|her|their)\b", "the", x) for x in (before, tail, said_tail))
    if group:
        possessive = group + ("'" if group.endswith("s") else "'s")
        before, tail, said_tail = (re.sub(r"\b(they|They|their|Their)\b",
                                          lambda m: possessive if m.group(1).lower() == "their" else group, x)
                                   for x in (before, tail, said_tail))
    # "when" stands for a whole phrase of time, its preposition too ("was opened in June 1998" → "was opened
    # when?", not "in when?"); the statement keeps the preposition.
    ask = re.sub(r"\b(?:in|on|at|during)\s+$", "", before, flags=re.IGNORECASE) if wh == "when" else before
    text = (ask + wh + tail).strip()
    text = re.sub(r"\s+", " ", text).rstrip(" ,;:")
    text = _closed(text)
    front = fronted(ask, wh, tail)
    said = re.sub(r"\s+", " ", before + article + span + said_tail).strip().rstrip(" ,;:")
    said = _closed(_capitalised(said)) + "."
    if len(_WORD.findall(text)) < 3:
        return None, None, None  # "What?": no question, and so no statement of what it asks
    return _capitalised(text) + "?", front, said


_PHRASE_END = r"[,.](?=\s|$|[\"'’”)\]])|[;!?—(\[]|:(?=\s|$)|\s[–-]+\s"
"""Punctuation that ends a phrase: a comma or full stop before a space (not "3,075", "2.5" or "functools.wraps"),
a semicolon, a colon before a space (not "https://"), an opening bracket, a dash. A closing bracket is not
one: its opening one is either before the span, and the question keeps both, or cut off already."""
_MAIN_CLAUSE_END = re.compile(rf"{_PHRASE_END}|\s(but|which|who|where|when|while|because|so)\s")
_SUBJECT_WORDS = frozenset("i you he she it we they the a an its his her their our my your this these those each every "
                           "some many most all both".split())
_ADVERBIAL_WORDS = r"(?:(?!(?:he|she|they|we|i)\b)[^\W\d_][\w'’-]*\s+)"  # words of a phrase, no subject pronoun
_TIME_NOUNS = ("day night week weekend month year decade century season spring summer autumn fall winter morning "
               "afternoon evening hour minute time term Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
               ).split() + sorted(_MONTHS)
_TIME_LEAD = (rf"(?:(?:each|every|last|next|this|that|one|some)\s+(?:{'|'.join(_TIME_NOUNS)})s?"
              r"|later|then|now|today|tonight|yesterday|tomorrow|once|soon|afterwards|meanwhile)\b")
"""A time phrase that can open a clause before its subject ("Each autumn", "Last year", "Later")."""
_ADVERBIAL_OPENING = re.compile(
    # A time phrase, an adverb or a preposition phrase ("Each autumn", "Usually", "After the war"), then the
    # span's preposition phrase up to the span ("on ", "in the spring of "), all in front of the subject.
    rf"(?P<lead>(?:{_TIME_LEAD}|[^\W\d_]+ly|{_PREPOSITION}\s+{_ADVERBIAL_WORDS}{{0,2}}[^\W\d_][\w'’-]*),?\s+)?"
    rf"(?P<pp>(?!of\b){_PREPOSITION}\s+{_ADVERBIAL_WORDS}{{0,3}})", re.IGNORECASE)
_OPENING_ADVERBIAL = re.compile(rf"(?P<adverbial>(?:{_TIME_LEAD}|(?:{_PREPOSITION}|[^\W\d_]+ly)\b[^,;]*?),)\s+"
                                rf"|(?P<time>{_TIME_LEAD})\s+(?!{_PREPOSITION}\b)", re.IGNORECASE)


def _closed(text: str) -> str:
    """The text with the brackets it opens closed: a span inside brackets is cut off with the rest of its
    phrase ("approved the new roof (cost: 12,000 pounds)" → "approved the new roof (what)?")."""
    return text + ")" * (text.count("(") - text.count(")")) + "]" * (text.count("[") - text.count("]"))


def _adverbial_moved(clause: str, at: int, span: str) -> tuple[str, int] | None:
    """The clause with the adverbial that opens it and holds the span moved after its main clause, and the
    span's position there ("Each autumn on 21 October they light the fires." → "They light the fires on
    21 October each autumn."); None where the clause does not open so or no subject follows the adverbial.

    Drafted in place, a span in front of the subject makes a question with a wh-phrase in front and no
    inversion ("Each autumn on what date the miners light the fires?", "In what year she described
    greywort?"), which is not English. Moved, the draft is the in-place question ("The miners light the
    fires on what date each autumn?") and `fronted` inverts it where its rules apply ("In what year was
    the mill rebuilt?"). Past tenses other than "was"/"were" get no inverted wording: their base form
    ("described" → "describe", "opened" → "open", "stopped" → "stop") is not reliable by rule.
    """
    m = _ADVERBIAL_OPENING.fullmatch(clause[:at])
    if m is None:
        return None
    after = clause[at + len(span):]
    gap = re.match(r",?\s+", after)
    first = _WORD.match(after, gap.end()) if gap else None
    if first is None or not (first.group()[0].isupper() or first.group().lower() in _SUBJECT_WORDS):
        return None  # "On the hill stands a mill": no subject next, nothing to move
    rest = after[gap.end():]
    end = _MAIN_CLAUSE_END.search(rest)
    main, remainder = (rest[:end.start()], rest[end.start():]) if end else (rest, "")
    lead = " ".join((m["lead"] or "").replace(",", " ").split())
    pp = m["pp"]
    moved = f"{_capitalised(main)} {pp[:1].lower()}{pp[1:]}"
    return moved + span + (f" {lead[:1].lower()}{lead[1:]}" if lead else "") + remainder, len(moved)


_FRONT_COPULA = re.compile(
    rf"(?P<subj>[^,;]+?) (?P<verb>is|are|was|were) (?P<mid>[^,;]*?)(?P<prep>\b{_PREPOSITION} )?$")
_FRONT_VERB = re.compile(rf"(?P<subj>[^,;]+?) (?P<verb>[a-z]+(?<![su])s) (?P<mid>[^,;]*?)(?P<prep>\b{_PREPOSITION} )?$")


def _lower_opening(subject: str) -> str:
    first, _, rest = subject.partition(" ")
    lower = ("The", "A", "An", "Every", "Each", "It", "Its", "He", "His", "She", "Her", "We", "Our", "They", "Their")
    return (first.lower() if first in lower else first) + (" " + rest if rest else "")


def fronted(before: str, wh: str, tail: str) -> str | None:
    """The drafted question with its question words in front, as people ask ("The bridge was first
    opened in what year by Cosmo Pritchard?" → "In what year was the bridge first opened by Cosmo
    Pritchard?", "Corvex R4 carries how many metres of cord?" → "How many metres of cord does Corvex R4
    carry?", "The museum director is who?" → "Who is the museum director?"), or None where no simple rule
    applies (past tenses other than "was"/"were", subjects with commas, a clause that opens with a
    preposition phrase before its subject).

    A second wording of the same fact by rule, beside the draft and the teacher's rewrites: people ask
    with the question words in front, and the teacher's own rewrites lose the draft's meaning more
    often than not (about two in three on the quality documents).
    """
    before = " ".join(before.split()) + " "
    tail = " ".join(tail.split()).rstrip(" ,;:")
    tail = f" {tail}" if tail else ""
    # An adverbial in front of the subject goes after the question ("Each spring the shop holds what?" →
    # "What does the shop hold each spring?"), where its end is plain: a comma, or a time phrase with no
    # preposition phrase after it. Otherwise the subject is not known ("On 2 April the builders start
    # what?" is no "What does on 2 April the builders start?") and there is no fronted wording.
    opening = _OPENING_ADVERBIAL.match(before)
    if opening:
        moved = (opening["adverbial"] or opening["time"]).rstrip(",")
        before, tail = before[opening.end():], f"{tail} {moved[:1].lower()}{moved[1:]}"
    if re.match(rf"(?:{_PREPOSITION}|{_TIME_LEAD})\s", before, re.IGNORECASE):
        return None
    if wh.startswith("how many") and re.match(r" of \w+$", tail):
        wh, tail = wh + tail, ""  # "holds how many litres of water" → "How many litres of water does ..."
    m = _FRONT_COPULA.fullmatch(before) or _FRONT_VERB.fullmatch(before)
    if m is None or m["verb"] in ("has", "does", "this", "its", "his", "us"):
        return None
    verb, mid, prep = m["verb"], m["mid"].strip(), (m["prep"] or "").strip()
    if prep.lower() == "of":  # "the market town of what": "of" belongs to the noun before it
        mid, prep = f"{mid} {prep}".strip(), ""
    subj = _lower_opening(m["subj"])
    if (subj.lower() in ("the", "a", "an", "every", "each") or re.search(r"\b(and|that|which|who)\b", mid)
            or re.search(r"\s(?:and|or|but)$", subj)):
        # "The miners ..." is no subject and its verb; a second clause in the middle; "Logs go to /var/log
        # and" is a first predicate, not a subject
        return None
    if mid and not prep and not re.search(r"\b(?:of|called|named)$", mid) and wh not in ("when", "where"):
        return None  # the question words are neither an object nor a complement ("by the surveyor who")
    if verb in ("is", "are", "was", "were"):
        if not mid and not prep:
            if tail:
                return None  # "Corrandale is what in the Pennick Hills?": the tail belongs to the answer
            text = f"{wh} {verb} {subj}"  # "The museum director is who?" → "Who is ...?"
        elif re.search(r"\b(?:of|called|named)$", mid):
            if wh not in ("what", "who") or not re.fullmatch(
                    rf"(?:the|a|an)\s+(?:(?!{_PREPOSITION}\b|born\b)[\w'’-]+\s+){{0,3}}(?:of|called|named)", mid):
                return None  # "... was a botanist born in 1871 in the village of what?" is no "What was X?"
            # "Corrandale's county seat is the market town of what on the west bank?" → "What is Corrandale's
            # county seat?"
            text = f"{wh} {verb} {subj}"
        elif re.match(r"(?:the|a|an)\b", mid):
            return None  # "... is a workshop founded in 1998 by who?"
        else:
            text = f"{prep} {wh} {verb} {subj} {mid}{tail}"  # "In what year was the bridge first opened?"
    else:
        if not prep and re.search(r"\b(?:called|named)$", mid):
            return None  # "sells a cake called what?" is no "What does it sell a cake called?"
        # "carries" → "carry", "lies" → "lie", "washes" → "wash", "holds" → "hold"
        base = (verb[:-3] + "y" if re.search(r"[^aeiou]ies$", verb) and len(verb) > 4
                else verb[:-2] if re.search(r"(?:sh|ch|x|ss|o)es$", verb) else verb[:-1])
        text = f"{prep} {wh} does {subj} {base}" + (f" {mid}" if mid else "") + tail
    text = re.sub(r"\s+", " ", text).strip()
    if len(_WORD.findall(text)) < 3:
        return None
    return text[:1].upper() + text[1:] + "?"


def span_answer(span: str) -> str:
    """The span as an answer on its own, verbatim as the prose spells it ("Stanmere", "weir gate"):
    the brief answer a user of "answer briefly" wants, in the prose's own tokens."""
    return span


def _starts_with(answer: str, span: str) -> bool:
    """Whether the answer's first words are the span's words (whole words: "1234 people" does not open with
    "12")."""
    return _plain(span) != "" and (_plain(answer) + " ").startswith(_plain(span) + " ")


def shape(answer: str) -> str:
    """A generated answer made brief: its first line, and its first sentence when that holds enough."""
    line = answer.strip().split("\n", 1)[0].strip()
    line = re.sub(r"^(the answer is|answer)\s*:?\s*", "", line, flags=re.IGNORECASE)
    first = _SENTENCE_END.split(line, 1)[0].strip() or line
    if first and first[-1] not in ".!?\"'":
        # Cut off at the token limit: end at the last complete clause.
        head = re.split(r",\s|\s(?:which|who|and|where)\s", first)
        first = (", ".join(head[:-1]) if len(head) > 1 else first).rstrip(" ,;:") + "."
    return first


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning (stop words and one-letter words left out)."""
    return [w for w in (x.lower().strip("'’-") for x in _WORD.findall(text)) if len(w) > 1 and w not in _STOPWORDS]


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def question_artifact(question: str) -> str | None:
    """Why a question is an artifact of the prompt rather than one a user would ask (None: it is fine)."""
    if not question.endswith("?"):
        return "not a question"
    if len(_WORD.findall(question)) < 3:
        return "question too short"
    if (_PRONOUNS.search(question) and not re.match(r"(?i)how (long|much|many)\b.*\bit take", question)) \
            or re.search(r"(?i)\b(this|that|these|those)\?$", question):
        return "a pronoun with nothing to refer to"
    if _ARTIFACTS.search(question):
        return "talks about the text instead of its content"
    if _DLM_SYNTAX.search(question):
        return "would read as .dlm syntax"
    return None


_WH = r"(?:what|which|who|whom|whose|when|where|why|how)"
_ASKS = re.compile(rf"(?:{_PREPOSITION}\s+{_WH}|{_WH}|is|are|was|were|does|do|did|can|could|should|will|would|has|have"
                   r"|had)\b", re.IGNORECASE)
"""How a natural question opens: question words, a preposition and question words (any of `PREPOSITIONS`,
the list `fronted` draws from), or a verb."""
MAX_QUESTION_WORDS = 18


def natural(question: str) -> bool:
    """Whether a question is asked the way a reader asks: question words (or a verb) in front, and short
    ("How many barrels does the Quorl press hold?"), not a sentence of the prose with its fact replaced
    by "what" ("The Quorl press holds how many barrels?"). Only natural questions are suggested to the
    writer; the rest still teach the adapter through a run's knowledge augmentation."""
    return _ASKS.match(question.strip()) is not None and len(_WORD.findall(question)) <= MAX_QUESTION_WORDS


def artifact(question: str, answer: str) -> str | None:
    """Why a pair is an artifact of the prompt rather than a question a user would ask (None: it is fine)."""
    why = question_artifact(question)
    if why is not None:
        return why
    if _ARTIFACTS.search(answer):
        return "talks about the text instead of its content"
    if _DLM_SYNTAX.search(answer):
        return "would read as .dlm syntax"
    if len(answer) > 400:
        return "answer too long"
    a, q = normalise(answer).lower().rstrip(".?!"), normalise(question).lower().rstrip(".?!")
    if a == q or a in q:
        return "answer restates the question"
    aw = set(map(_stem, content_words(answer))) | set(_NUMBER_TOKEN.findall(answer))
    if not aw:
        return "answer has no content"
    if aw <= set(map(_stem, content_words(question))) | set(_NUMBER_TOKEN.findall(question)):
        return "answer restates the question"
    return None


def _new_numbers(text: str, prose: str) -> bool:
    """Whether `text` states a number the prose does not (thousands commas aside)."""
    numbers = {n.replace(",", "") for n in _NUMBER_TOKEN.findall(prose)}
    return any(n.replace(",", "") not in numbers for n in _NUMBER_TOKEN.findall(text))


def ungrounded_question(question: str, prose: str) -> bool:
    """Whether a question states a number the prose does not ("Which model holds 1.7 litres?"), has
    no content word at all ("What happened on what day?"), or more than a third of its content words
    are not the prose's ("What is the corresponding heraldic colour for the black stag?": the
    teacher's rewrite drifted off the document; a synonym or two in a rewrite is fine)."""
    if _new_numbers(question.rstrip("?"), prose):
        return True
    words = content_words(question)
    vocab = {_stem(w) for w in content_words(prose)}
    missing = [w for w in words if _stem(w) not in vocab]
    return not words or len(missing) > len(words) // 3


def ungrounded(answer: str, prose: str) -> bool:
    """Whether the answer uses content words the prose does not (numbers must match exactly)."""
    if _new_numbers(answer.rstrip("."), prose):
        return True  # "2.5 hours" when the prose says six
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


def _same_answer(a: str, b: str) -> bool:
    x, y = (" " + " ".join(normalise(t).lower().strip(" .!?").split()) + " " for t in (a, b))
    return x.strip() != "" and y.strip() != "" and (x in y or y in x)


def mark_duplicates(candidates: Sequence[Candidate], existing: Iterable[tuple[str, str]]) -> None:
    """Mark candidates that repeat another's pair, an existing pair, or a rejected one (`existing`:
    (question, answer) pairs).

    Equal questions (normalised) are duplicates; a near-duplicate wording only when it asks for the
    same answer (a candidate's is its span: answers come later). Drafts of one sentence differ by a
    word or two and ask for different facts: "... tows barges from Pellow to the wharf of what in three
    hours?" is not "... of Stanmere in how many hours?", and counted as its duplicate it left three
    facts of one quality document without a pair.
    """
    seen: list[tuple[str, str]] = list(existing)
    for c in candidates:
        if c.verdict != "pending":
            continue
        key = c.target.span or c.answer
        if any(normalise(c.question).lower().rstrip("?") == normalise(q).lower().rstrip("?")
               or (_same_answer(key, a) and similar(c.question, q)) for q, a in seen):
            c.verdict = "duplicate"
        else:
            seen.append((c.question, key))


def judge_score(sway: float, answerability: float) -> float:
    """The 0..1 score hovers show: a logistic of the weaker of the two margins."""
    return 1.0 / (1.0 + math.exp(-3.0 * min(sway, answerability)))


def grounded_by_construction(c: Candidate) -> bool:
    """Whether a pair's question was drafted by rule from its sentence and its answer is the fact answer
    made from that sentence (`fact_answer`): nothing in it was written by the teacher, so the prose
    supports it whatever the judge's likelihoods say."""
    return c.drafted and c.answer == answer_for(c.target)


def apply_threshold(candidates: Sequence[Candidate], threshold: float) -> None:
    """Mark judged candidates below the sway threshold or not answerable by their own question.

    The judge checks what the teacher wrote: whether the prose supports its answer (sway) and whether
    its question leads there (answerability). A pair grounded by construction has neither written by
    the teacher, and the judge only ranks it: on short verbatim spans the base model's likelihoods
    over a whole section are noise. Measured on the quality documents: a drafted question for an
    appliance's capacity in litres had sway 0.10 (an appliance's size is easy to guess), one for the
    language a people speak answerability 0.0498, one for the colour some boats are painted
    answerability -1.08 — true facts of the document that no pair then taught.
    """
    for c in candidates:
        if c.verdict != "pending" or c.sway is None or c.answerability is None or grounded_by_construction(c):
            continue
        if c.sway < threshold or c.answerability < MIN_ANSWERABILITY:
            c.verdict = "below_threshold"


def select(candidates: Sequence[Candidate], per_section: int, max_pairs: int) -> list[Candidate]:
    """Accept the best pending candidates within the caps (per target, per section, overall)."""
    pending = [c for c in candidates if c.verdict == "pending"]
    pending.sort(key=lambda c: -(c.judge if c.judge is not None else 0.0))
    # In rounds: every target's best candidate before any target's second, so a cap leaves whole facts
    # out only after every fact has one pair (a fact with no pair is one the adapter never learns to
    # answer; the held-out questions of the quality benchmark ask about every fact).
    rank: dict[int, int] = {}
    seen: dict[tuple[str, int], int] = {}
    for c in pending:
        tkey = (c.target.section_id, c.target.index)
        rank[id(c)] = seen.get(tkey, 0)
        seen[tkey] = rank[id(c)] + 1
    pending.sort(key=lambda c: rank[id(c)])  # stable: by score within a round
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


DEFAULT_PER_SECTION = 6


def default_per_section(n_targets: int) -> int:
    """Suggested pairs per section when the job does not say: a section's best few, which a writer reads
    in under a minute (`--per-section` asks for more). A run's knowledge augmentation teaches the adapter
    every fact of the prose whatever the writer accepts, so the suggestions need not cover them all."""
    return min(DEFAULT_PER_SECTION, max(1, n_targets))


DEFAULT_MAX_PAIRS = 96


def statement(sentence: str, span: str, topic: str, group: str = "") -> str | None:
    """The fact a drafted question asks for, as a short sentence that states it: the draft's clause with
    the span in place and its pronouns resolved ("Its county seat is the market town of Pellow" →
    "Corrandale's county seat is the market town of Pellow."); None where there is no draft."""
    return _draft(sentence, span, topic, group)[2]


def fact_answer(span: str, said: str | None) -> str:
    """The answer a pair about `span` teaches: the fact first, then the sentence that states it ("Nine
    bits — the iron groat is split into nine bits."); the statement alone when it already opens with the
    span's words ("12 people came.", not "1234 people came." for "12"), the span alone when there is no
    statement.

    Measured on the dev documents at equal training tokens: bare spans and these answers both taught the
    adapter 10 of one document's 22 held-out questions, the statement alone 6 (its answers opened by echoing
    the question and went on to a made-up fact); these read as a person's answer, not a bare span.
    """
    if not said:
        return span
    if _starts_with(said, span):
        return said
    first, _, rest = said.partition(" ")
    if first.lower() in _STOPWORDS or first in ("It", "Its"):
        first = first.lower()
    return f"{_capitalised(span)} — {first}{' ' + rest if rest else ''}"


CUES = int(os.environ.get("DLMLS_AUG_CUES", "2"))
"""Cue questions per fact in a run's knowledge augmentation (`DLMLS_AUG_CUES` sets it, for comparisons).
Measured on the untuned dev documents at the same training tokens: 0 → 2 took one from 1 to 5 of 26
held-out questions and another from 2 to 3 of 28."""


def cue_questions(said: str, span: str, n: int) -> list[str]:
    """`n` short questions that name only a few words of the statement besides the question words
    ("How many seconds lease Brask lapses?"): a user's question shares a few words with the sentence that
    answers it, never the whole sentence with a blank, and an adapter taught only whole-sentence cues
    does not find the fact from a few. Training data only, never suggested (they are not English)."""
    at = find_whole(said, span)
    if at < 0:
        return []
    wh = wh_phrase(span, said[:at])
    # Content words with their distance from the span: the words next to a fact say which fact it is
    # ("... a lease on the Brask queue that lapses after 90 seconds"); the statement's first name says whose.
    found = [(m.group(), m.start()) for m in _WORD.finditer(said)
             if not (at <= m.start() < at + len(span)) and m.group().lower() not in _STOPWORDS
             and len(m.group()) > 1 and m.group().lower() not in wh.split()]
    if len(found) < 2:
        return []
    near = sorted(found, key=lambda x: abs(x[1] - at))[:5]
    names = [x for x in found if x[0][:1].isupper()][:1]
    rng = random.Random(zlib.crc32(f"{said}\x00{span}".encode()))
    out: list[str] = []
    for _ in range(n):
        k = min(len(near), rng.randint(2, 3))
        picked = set(rng.sample(near, k)) | (set(names) if rng.random() < 0.7 else set())
        q = f"{wh} {' '.join(w for w, _ in sorted(picked, key=lambda x: x[1]))}?"
        q = q[:1].upper() + q[1:]
        if q not in out:
            out.append(q)
    return out


MAX_SENTENCE_ANSWER_WORDS = 30


def answer_for(t: Target) -> str:
    """The answer every pair about target `t` teaches (`fact_answer`): the fact, then its statement, or
    the target sentence itself where no statement is drafted (an appositive: "The last keeper, Joss
    Ferrand, left in 1962.") and it is short enough to read; the bare span only past that."""
    said = statement(t.text, t.span, t.topic, t.group)
    if said is None and len(_WORD.findall(t.text)) <= MAX_SENTENCE_ANSWER_WORDS and find_whole(t.text, t.span) >= 0:
        said = " ".join(t.text.split())
    return fact_answer(t.span, said)


def drafted_pairs(section_id: str, prose: str) -> list[tuple[str, str]]:
    """(question, answer) pairs drafted by rule from a prose section, every wording of every fact once,
    with the same pure filters a synthesis applies to its drafts (artifacts, duplicates, ungrounded):
    the knowledge augmentation a training run adds (see `dlmls.worker.data`)."""
    cands = []
    for t in targets(section_id, prose, "extraction"):
        said = statement(t.text, t.span, t.topic, t.group)
        answer = answer_for(t)
        for q in drafts(t.text, t.span, t.topic, t.group):
            cands.append(Candidate(t, q, answer, drafted=True))
        if said:
            cands.extend(Candidate(t, q, answer, drafted=True) for q in cue_questions(said, t.span, CUES))
    for c in cands:
        if artifact(c.question, c.answer) is not None or ungrounded(c.answer, prose):
            c.verdict = "artifact"
    mark_duplicates(cands, ())
    return [(c.question, c.answer) for c in cands if c.verdict == "pending"]
