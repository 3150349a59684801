"""Judge and sway scores of instruction pairs: the store's `dlmls/scores.jsonl` sidecar.

Synthesis scores each pair it writes (a judge score, and the "sway": how much
more likely the answer is with the section's prose in context than without)
and appends one JSON object per pair to
`$DLM_HOME/store/<dlm_id>/dlmls/scores.jsonl`::

    {"key": "<sha256 hex>", "section_id": "…", "judge": 0.82, "sway": 1.4,
     "scored_at": "2026-04-24T10:18:42", "teacher": "self"}

Scores are keyed by the pair's content (`pair_key`), not by where the pair
sits, so a pair keeps its scores when it is moved, when its section gains
other pairs (which changes the section id), or when only its whitespace
changes. The writer and the reader (hovers) share this module, so they
cannot disagree on the key. The file is append-only: a later line for the
same key replaces an earlier one. Readers tolerate anything: a line that is
not such an object (a torn last line, a hand edit) is counted and skipped.
Pure Python, no torch, no LSP.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SIDECAR_DIR = "dlmls"
"""Our own data in a document's store (next to DLM's `adapter/` and `manifest.json`)."""
SCORES_FILE = "scores.jsonl"

_KEY_RE = re.compile(r"^[0-9a-f]{64}$")


def normalise(text: str) -> str:
    """Text as the key sees it: NFC, every run of whitespace (newlines included) one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def pair_key(question: str, answer: str) -> str:
    """The key of a pair's scores: sha256 hex of normalise(question) + "\\n" + normalise(answer)."""
    payload = normalise(question) + "\n" + normalise(answer)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Score:
    """The recorded scores of one pair (any of them may be missing)."""

    key: str
    section_id: str | None = None
    judge: float | None = None
    sway: float | None = None
    scored_at: str | None = None
    teacher: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as one line of the sidecar holds it."""
        return {"key": self.key, "section_id": self.section_id, "judge": self.judge, "sway": self.sway,
                "scored_at": self.scored_at, "teacher": self.teacher}


@dataclass(frozen=True, slots=True)
class ScoreTable:
    """Every pair's latest scores, and how many lines could not be read."""

    by_key: dict[str, Score] = field(default_factory=dict)
    bad_lines: int = 0
    problem: str | None = None  # set when the file exists but cannot be read at all

    def get(self, key: str) -> Score | None:
        """The scores recorded under `key`, if any."""
        return self.by_key.get(key)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("not a finite number")
    return float(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def parse_line(line: str) -> Score | None:
    """One sidecar line as a `Score`; None when it is not a valid record."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("key"), str) or not _KEY_RE.match(obj["key"]):
        return None
    try:
        return Score(obj["key"], _text(obj.get("section_id")), _number(obj.get("judge")),
                     _number(obj.get("sway")), _text(obj.get("scored_at")), _text(obj.get("teacher")))
    except ValueError:
        return None


def parse_scores(data: bytes) -> ScoreTable:
    """The table a sidecar's bytes hold (later lines win; blank lines are ignored)."""
    by_key: dict[str, Score] = {}
    bad = 0
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        score = parse_line(raw.decode("utf-8", "replace"))
        if score is None:
            bad += 1
        else:
            by_key[score.key] = score
    return ScoreTable(by_key, bad)


def read_scores(path: Path) -> ScoreTable:
    """The sidecar at `path`; an empty table when there is none. Never raises."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ScoreTable()
    except OSError as exc:
        return ScoreTable(problem=f"cannot read {path}: {exc.strerror or exc}")
    return parse_scores(data)


def append_scores(path: Path, scores: Iterable[Score]) -> None:
    """Append records (for the writer; readers never call this). Creates the sidecar directory."""
    append_jsonl(path, (s.to_json() for s in scores))


def append_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Append JSON objects, one per line, flushed to disk (the sidecars' one writer). Creates the directory."""
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", newline="\n") as f:
        f.write(lines)
        f.flush()
        os.fsync(f.fileno())
