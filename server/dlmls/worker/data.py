"""From the document model to training examples: routing, held-out split, replay.

Pure Python (no torch), so every decision about *what* is trained can be
unit-tested without a model:

- **Examples.** A prose section becomes one continued-pretraining text; each
  `### Q`/`### A` pair becomes a chat example (the frontmatter's
  `system_prompt` as its system message) trained with loss on the answer
  only. Preference triples are not trained by SFT (DPO/ORPO are not
  implemented here; the run's notes say how many were skipped), and
  image/audio sections need a multimodal base, so they are skipped too.
- **Knowledge augmentation.** Every prose section also yields question–answer
  pairs drafted by rule from its sentences (`augmented`, `synth_plan.drafted_pairs`):
  each fact asked as a sentence with its fact blanked, with the question words in
  front where a rule can, and as short questions that name only a few of the
  sentence's words (`synth_plan.cue_questions`); every answer the fact first, then
  the clause that states it. They are made at training time, never written into
  the document, never held out and never replayed (a retrain makes them again from
  the prose as it is); the run's notes count them; `DLMLS_AUGMENT=0` turns them off.
  Measured on the untuned dev documents, prose alone taught SmolLM2-135M almost none
  of a document's facts in a form it could answer (1 of 26 questions on tarrowin).
- **Routing** follows DLM's router (`dlm/train/multi_adapter/router.py`):
  a single-adapter document trains everything into its one adapter and
  rejects `#name` suffixes; with `training.adapters`, prose without a
  suffix trains every adapter, instruction/preference sections without a
  suffix train the first declared adapter, and `#name` routes to `name`.
- **Held-out pairs.** Whether a pair is held out depends only on its own
  text (a hash of question and answer), never on the seed or on the other
  pairs, so adding a pair does not reshuffle the others and the held-out
  loss of successive versions is measured on comparable sets. About one
  pair in ten is held out; a document with at least `MIN_PAIRS_FOR_EVAL`
  pairs always keeps one back (the pair with the smallest hash), a smaller
  one keeps none, and never more than a quarter of the pairs are held out.
- **Replay.** Each version stores the examples it was trained on
  (`dlmls_data.jsonl`). A retrain uses every current example plus a sample
  of the previous version's examples that are no longer in the document
  (edited or deleted material), so a retrain does not abruptly forget it:
  at most `max(REPLAY_MIN, REPLAY_SHARE × current examples)` of them, picked
  by a seeded hash so the choice is deterministic. Replayed examples are
  stored again only if they were picked, so removed material fades out over
  a few versions instead of accumulating forever. Held-out pairs are never
  replayed into training. `fresh` runs replay nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MIN_PAIRS_FOR_EVAL = 5
"""Documents with fewer pairs than this hold none out (every pair is needed for training)."""
HELD_OUT_FRACTION = 0.1
HELD_OUT_MAX_FRACTION = 0.25
REPLAY_MIN = 8
REPLAY_SHARE = 0.5

DEFAULT_ADAPTER = "default"  # DLM's implicit name for the one adapter of a flat document


class DataError(Exception):
    """The document cannot be turned into training data as written."""


@dataclass(frozen=True, slots=True)
class Example:
    """One training example: `text` (continued pretraining) or `chat` (SFT, loss on the answer)."""

    kind: str  # "text" | "chat"
    text: str = ""
    prompt: str = ""
    answer: str = ""
    system: str | None = None
    section_id: str = ""
    origin: str = "document"  # "document" | "replay" | "augment"

    @property
    def key(self) -> str:
        """Identity of the content (origin, section and system prompt aside), for dedup and replay."""
        payload = json.dumps([self.kind, self.text, self.prompt, self.answer], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def pair_key(self) -> str:
        """Identity of a pair's question and answer alone (the held-out split hashes this)."""
        payload = json.dumps([self.prompt, self.answer], ensure_ascii=False)
        return hashlib.sha256(b"dlmls-split\x00" + payload.encode("utf-8", "surrogatepass")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """A compact JSON object (empty fields left out)."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Example | None:
        """The example of a JSON object, or None when it is not one."""
        if not isinstance(data, dict) or data.get("kind") not in ("text", "chat"):
            return None
        fields = {k: data[k] for k in ("kind", "text", "prompt", "answer", "system", "section_id", "origin")
                  if isinstance(data.get(k), str)}
        ex = cls(**fields)
        if (ex.kind == "text" and not ex.text) or (ex.kind == "chat" and not (ex.prompt and ex.answer)):
            return None
        return ex


@dataclass(slots=True)
class AdapterData:
    """Everything one adapter is trained and evaluated on."""

    adapter: str | None  # None for a single-adapter document
    train: list[Example]
    held_out: list[Example]
    replayed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def data_hash(self) -> str:
        """sha256 of the examples (train order and held-out set), 16 hex digits."""
        return data_hash(self.train, self.held_out)

    def counts(self) -> dict[str, int]:
        """How many examples of each sort."""
        return {
            "train": len(self.train),
            "held_out": len(self.held_out),
            "text": sum(e.kind == "text" for e in self.train),
            "chat": sum(e.kind == "chat" for e in self.train),
            "augmented": sum(e.origin == "augment" for e in self.train),
            "replayed": self.replayed,
        }


def declared_adapters(training: dict[str, Any] | None) -> list[str] | None:
    """Names in `training.adapters`, in declaration order; None for a single-adapter document."""
    adapters = (training or {}).get("adapters")
    if not adapters or not isinstance(adapters, dict):
        return None
    return list(adapters)


def route(sections: Sequence[Any], names: list[str] | None) -> dict[str | None, list[Any]]:
    """Sections per adapter, as DLM's router assigns them (key None: the single adapter)."""
    if names is None:
        for s in sections:
            if s.adapter is not None and s.adapter != DEFAULT_ADAPTER:
                raise DataError(
                    f"line {s.start_line + 1}: section routes to adapter '#{s.adapter}', but the document "
                    "declares no `training.adapters`; declare it there or remove the suffix")
        return {None: list(sections)}
    plan: dict[str | None, list[Any]] = {n: [] for n in names}
    for s in sections:
        target = s.adapter
        if target is not None and target not in plan:
            raise DataError(
                f"line {s.start_line + 1}: section routes to adapter '#{target}', which is not declared in "
                f"training.adapters (declared: {', '.join(names)})")
        if target is None:
            if s.type == "prose":
                for n in names:
                    plan[n].append(s)
            else:
                plan[names[0]].append(s)
        else:
            plan[target].append(s)
    return plan


def section_examples(section: Any, system: str | None) -> tuple[list[Example], str | None]:
    """The examples of one section, and a note when the section is skipped."""
    sid = section.section_id
    kind = section.type
    if kind == "prose":
        return [Example("text", text=t, section_id=sid) for t in passages(section.content)], None
    if kind == "instruction":
        return [Example("chat", prompt=p.question, answer=p.answer, system=system or None, section_id=sid)
                for p in section.core.pairs if p.question and p.answer], None
    if kind == "preference":
        n = len(section.core.triples)
        return [], f"{n} preference triple{'s' if n != 1 else ''} not trained (SFT trains prose and pairs only)"
    if kind in ("image", "audio"):
        return [], f"{kind} section skipped (needs a multimodal base model)"
    return [], f"{kind} section skipped"


PASSAGE_WORDS = 80
"""Prose is trained as passages of about this many words (whole paragraphs, never split)."""


def passages(prose: str) -> list[str]:
    """A prose section cut at blank lines into passages of about `PASSAGE_WORDS` words.

    One long example per section gives a small document one or two rows, so an
    epoch is a single optimizer step; passages give the optimizer several
    shuffled rows per epoch. Paragraphs are never split, and a code block
    stays whole (a blank line inside it is not a paragraph break).
    """
    paragraphs: list[str] = []
    current: list[str] = []
    in_code = False
    for line in prose.strip().splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if not line.strip() and not in_code:
            if current:
                paragraphs.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append("\n".join(current))
    out: list[str] = []
    group: list[str] = []
    words = 0
    for para in paragraphs:
        n = len(para.split())
        if group and words + n > PASSAGE_WORDS:
            out.append("\n\n".join(group))
            group, words = [], 0
        group.append(para)
        words += n
    if group:
        out.append("\n\n".join(group))
    return out


def split_held_out(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, held_out): pairs held out by a hash of their own text (see the module docstring)."""
    chats = {}
    for e in examples:
        if e.kind == "chat" and e.origin != "augment":
            chats.setdefault(e.pair_key, e)
    n = len(chats)
    held: set[str] = set()
    if n >= MIN_PAIRS_FOR_EVAL:
        ranked = sorted(chats)
        threshold = int(HELD_OUT_FRACTION * (1 << 64))
        held = {k for k in ranked if int(k[:16], 16) < threshold}
        cap = max(1, math.floor(n * HELD_OUT_MAX_FRACTION))
        if len(held) > cap:
            held = set(sorted(held)[:cap])
        if not held:
            held = {ranked[0]}
    train = [e for e in examples if not (e.kind == "chat" and e.pair_key in held)]
    held_out = [chats[k] for k in sorted(held)]
    return train, held_out


def replay_sample(current: Sequence[Example], previous: Iterable[Example], held_out: Sequence[Example],
                  seed: int, system: str | None = None) -> list[Example]:
    """Examples of the previous version that are no longer in the document, capped and seeded
    (chat examples get the document's current system prompt)."""
    present = {e.key for e in current}
    held = {e.pair_key for e in held_out}
    pool: dict[str, Example] = {}
    for e in previous:
        if (e.key in present or e.key in pool or (e.kind == "chat" and e.pair_key in held)
                or e.origin == "augment"):  # made again from the prose as it is now
            continue
        pool[e.key] = e
    cap = max(REPLAY_MIN, math.ceil(REPLAY_SHARE * len(current)))

    def rank(key: str) -> str:
        return hashlib.sha256(f"{seed}\x00{key}".encode()).hexdigest()

    chosen = sorted(pool, key=rank)[:cap]
    return [_replayed(pool[k], system) for k in chosen]


def _replayed(e: Example, system: str | None) -> Example:
    return Example(e.kind, e.text, e.prompt, e.answer, system if e.kind == "chat" else None, e.section_id, "replay")


def dedup(examples: Iterable[Example]) -> list[Example]:
    """The examples with exact repeats (same key) dropped, first occurrence kept."""
    seen: set[str] = set()
    out = []
    for e in examples:
        if e.key not in seen:
            seen.add(e.key)
            out.append(e)
    return out


def data_hash(train: Sequence[Example], held_out: Sequence[Example]) -> str:
    """sha256 over the training examples in order and the held-out keys, 16 hex digits."""
    h = hashlib.sha256()
    for split, rows in ((b"T", train), (b"H", held_out)):
        for e in rows:
            h.update(split + json.dumps([e.key, e.system]).encode() + b"\n")
    return h.hexdigest()[:16]


def augmented(section: Any, system: str | None) -> list[Example]:
    """Question–answer pairs drafted by rule from a prose section's sentences (`synth_plan.drafted_pairs`),
    each answer the fact first and then the sentence that states it: the knowledge augmentation a run
    adds to the prose. They are made at training time and never written into the document."""
    from dlmls.worker import synth_plan

    return [Example("chat", prompt=q, answer=a, system=system or None, section_id=section.section_id,
                    origin="augment")
            for q, a in synth_plan.drafted_pairs(section.section_id, section.content)]


def build(model: Any, *, only: list[str] | None = None,
          previous: dict[str | None, list[Example]] | None = None, seed: int = 0,
          augment: bool = True) -> list[AdapterData]:
    """Training data per adapter of a document model (`Document(text).model`).

    `only` restricts a multi-adapter document to some adapters; `previous`
    maps an adapter to the examples of its current version (the replay
    pool; None or missing: no replay); `augment` adds `augmented` pairs for
    every prose section.
    """
    info = model.frontmatter.info if model.frontmatter else None
    values = info.values if info is not None else {}
    training = values.get("training") or {}
    system = values.get("system_prompt") or None
    names = declared_adapters(training)
    plan = route(model.live_sections, names)
    if only is not None:
        if names is None:
            bad = [n for n in only if n != DEFAULT_ADAPTER]
            if bad:
                raise DataError(f"this document has a single adapter; it has no adapter named {bad[0]!r}")
        else:
            unknown = [n for n in only if n not in plan]
            if unknown:
                raise DataError(f"adapter {unknown[0]!r} is not declared in training.adapters "
                                f"(declared: {', '.join(names)})")
            plan = {n: plan[n] for n in names if n in only}
    out = []
    for adapter, sections in plan.items():
        examples: list[Example] = []
        notes: list[str] = []
        extra: list[Example] = []
        for s in sections:
            ex, note = section_examples(s, system)
            examples.extend(ex)
            if note:
                notes.append(note)
            if augment and s.type == "prose":
                extra.extend(augmented(s, system))
        present = {e.key for e in examples}
        extra = dedup(e for e in extra if e.key not in present)
        if extra:
            notes.append(f"knowledge augmentation: {len(extra)} question–answer pair(s) drafted from the prose's "
                         f"sentences, trained with it and not written into the document (DLMLS_AUGMENT=0: none)")
        examples = dedup(examples) + extra
        train, held_out = split_held_out(examples)
        replayed: list[Example] = []
        if previous and previous.get(adapter):
            replayed = replay_sample(train, previous[adapter], held_out, seed, system)
        data = AdapterData(adapter, train + replayed, held_out, len(replayed), _merge_notes(notes))
        if not data.train:
            name = f"adapter {adapter!r}" if adapter else "the document"
            raise DataError(f"{name} has nothing to train on: add prose or `::instruction::` pairs")
        out.append(data)
    return out


def _merge_notes(notes: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for n in notes:
        counts[n] = counts.get(n, 0) + 1
    return [n if c == 1 else f"{n} (×{c})" for n, c in counts.items()]


def write_examples(path: Path, data: AdapterData) -> None:
    """Write the examples of a run as JSON lines (`split`: train or held_out)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for split, rows in (("train", data.train), ("held_out", data.held_out)):
            f.writelines(json.dumps({**e.to_json(), "split": split}, ensure_ascii=False) + "\n" for e in rows)


def read_examples(path: Path, split: str = "train") -> list[Example]:
    """The examples of one split of a version's data file (missing or bad lines are skipped)."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("split", "train") == split:
            ex = Example.from_json(row)
            if ex is not None:
                out.append(ex)
    return out
