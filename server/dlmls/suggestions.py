"""Staged synthesis suggestions: the store's `dlmls/suggestions.jsonl` sidecar.

A synthesis job writes the pairs its judge kept as *suggestions* — not into
the document, which changes only through edits the writer sees or an
explicit `--apply`. Each suggestion records where it came from (the prose
section's id and the exact text it was made from, so it can be re-anchored
or found stale after edits), how (teacher, strategy, time) and its scores.
They survive restarts because they live in the store, next to the adapter
versions, under `$DLM_HOME/store/<dlm_id>/dlmls/suggestions.jsonl`::

    {"id": "3f2a9c01b7de", "key": "<pair_key>", "state": "pending", "question": "…", "answer": "…",
     "section_id": "…", "source_text": "…", "teacher": "self", "teacher_model": "v0002",
     "strategy": "extraction", "synth_at": "2026-04-24T10:18:42Z", "sway": 1.4, "answerability": 0.6,
     "judge": 0.82}
    {"id": "3f2a9c01b7de", "state": "rejected", "at": "2026-04-24T10:20:00Z"}

The file is append-only; a later line for an id updates its state:

- `pending`: staged, waiting for the writer;
- `applied`: accepted in an editor (the language server's `dlmls.accept`
  inserted it into an open buffer) that has not saved it yet. It becomes
  `accepted` when the document is saved holding the pair, and `pending`
  again when the edit is undone or the buffer is closed without saving.
  Until then it counts as pending everywhere it matters (`pending()`: the
  engine never suggests it again, and listed where the text lacks it);
- `accepted`: in the saved document (`dlmls synth accept` and `--apply`
  write the file, so they record it at once);
- `rejected`: never suggested again.

A pair whose content is already in the document counts as accepted whatever
the file says. A reader that does not know a state skips its line as
unreadable, so to an older reader an `applied` one stays pending. The id is the first
12 hex digits of `scores.pair_key`, so the same pair always gets the same
id and scores follow content. Readers never raise: unreadable lines are
counted and skipped. Pure Python: the worker, the CLI and the language
server share it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dlmls.scores import SIDECAR_DIR, append_jsonl, pair_key

SUGGESTIONS_FILE = "suggestions.jsonl"
STATES = ("pending", "applied", "rejected", "accepted")
UNDECIDED = ("pending", "applied")


def suggestion_id(question: str, answer: str) -> str:
    """The id of the suggestion for a pair: 12 hex digits of its content key."""
    return pair_key(question, answer)[:12]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One staged pair with its provenance, scores and state."""

    id: str
    question: str
    answer: str
    section_id: str
    source_text: str = ""  # the prose section's content when the pair was made
    teacher: str = "self"
    teacher_model: str = ""
    strategy: str = "extraction"
    synth_at: str = ""  # ISO 8601, UTC, "Z"
    sway: float | None = None
    answerability: float | None = None
    judge: float | None = None
    target: str = ""
    state: str = "pending"

    @property
    def key(self) -> str:
        """The pair's content key (`scores.pair_key`)."""
        return pair_key(self.question, self.answer)

    def to_json(self) -> dict[str, Any]:
        """The record as the sidecar's first line for this id holds it."""
        return {"id": self.id, "key": self.key, "state": self.state, "question": self.question,
                "answer": self.answer, "section_id": self.section_id, "source_text": self.source_text,
                "teacher": self.teacher, "teacher_model": self.teacher_model, "strategy": self.strategy,
                "synth_at": self.synth_at, "sway": self.sway, "answerability": self.answerability,
                "judge": self.judge, "target": self.target}


@dataclass(slots=True)
class SuggestionTable:
    """Every suggestion's latest state, in the order they were first written."""

    by_id: dict[str, Suggestion] = field(default_factory=dict)
    bad_lines: int = 0
    problem: str | None = None

    def pending(self) -> list[Suggestion]:
        """Suggestions still waiting for the writer's decision: `pending` ones, and `applied` ones (in an
        editor's buffer, not saved yet), which count as pending until the save."""
        return [s for s in self.by_id.values() if s.state in UNDECIDED]

    def rejected_keys(self) -> set[str]:
        """Content keys the writer rejected (never suggested again)."""
        return {s.key for s in self.by_id.values() if s.state == "rejected"}

    def get(self, ident: str) -> Suggestion | None:
        """A suggestion by id, or by a unique id prefix of at least 4 digits."""
        if ident in self.by_id:
            return self.by_id[ident]
        if len(ident) >= 4:
            found = [s for i, s in self.by_id.items() if i.startswith(ident)]
            if len(found) == 1:
                return found[0]
        return None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def parse_suggestions(data: bytes) -> SuggestionTable:
    """The table a sidecar's bytes hold."""
    table = SuggestionTable()
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            table.bad_lines += 1
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or obj.get("state") not in STATES:
            table.bad_lines += 1
            continue
        ident = obj["id"]
        if isinstance(obj.get("question"), str) and isinstance(obj.get("answer"), str):
            text = {k: obj[k] for k in ("section_id", "source_text", "teacher", "teacher_model", "strategy",
                                        "synth_at", "target") if isinstance(obj.get(k), str)}
            if "section_id" not in text:
                table.bad_lines += 1
                continue
            table.by_id[ident] = Suggestion(
                id=ident, question=obj["question"], answer=obj["answer"], state=obj["state"],
                sway=_float(obj.get("sway")), answerability=_float(obj.get("answerability")),
                judge=_float(obj.get("judge")), **text)
        elif ident in table.by_id:
            table.by_id[ident] = replace(table.by_id[ident], state=obj["state"])
        else:
            table.bad_lines += 1
    return table


def read_suggestions(path: Path) -> SuggestionTable:
    """The sidecar at `path`; an empty table when there is none. Never raises."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return SuggestionTable()
    except OSError as exc:
        return SuggestionTable(problem=f"cannot read {path}: {exc.strerror or exc}")
    return parse_suggestions(data)


def suggestions_path(store_root: Path) -> Path:
    """Where a document store keeps its suggestions."""
    return store_root / SIDECAR_DIR / SUGGESTIONS_FILE


def _append(path: Path, records: Iterable[dict[str, Any]]) -> None:
    records = list(records)
    if records:
        append_jsonl(path, records)


def stage(path: Path, suggestions: Iterable[Suggestion]) -> None:
    """Append new pending suggestions (a pair staged again replaces its earlier record)."""
    _append(path, (s.to_json() for s in suggestions))


def set_state(path: Path, ids: Iterable[str], state: str, at: str) -> None:
    """Record that suggestions `ids` were rejected, applied or accepted (or are pending again)."""
    if state not in STATES:
        raise ValueError(f"unknown suggestion state {state!r}")
    _append(path, ({"id": i, "state": state, "at": at} for i in ids))
