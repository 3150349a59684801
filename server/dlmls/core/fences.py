"""Fence and provenance-marker lines: what they say and what is wrong with them.

The tree tells us which lines are fences and markers; this module reads one
such line with the same regular expressions DLM uses, so values and
accept/reject decisions match DLM's exactly, and reports every problem on
the part of the line it concerns (DLM reports only the first, at column 1).
Positions here are columns in the line; the caller adds the line number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

SECTION_TYPES = ("prose", "instruction", "preference", "image", "audio")
MEDIA_TYPES = ("image", "audio")

_FENCE_RE = re.compile(r"^::([A-Za-z0-9_#-]+)::$")
_ATTR_FENCE_RE = re.compile(r'^::([a-z][a-z0-9_]*)((?:\s+[a-z][a-z0-9_]*="[^"\n]*")+)\s*::$')
_ATTR_KV_RE = re.compile(r'([a-z][a-z0-9_]*)="([^"\n]*)"')
ADAPTER_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# type -> (required, allowed) attributes, as DLM's _FENCE_ATTR_SPEC.
ATTR_SPEC = {
    "image": (frozenset({"path"}), frozenset({"path", "alt"})),
    "audio": (frozenset({"path", "transcript"}), frozenset({"path", "transcript"})),
}

_HARVEST_RE = re.compile(r'^<!-- dlm-auto-harvest: source="([^"]*)" -->$')
_MINED_RE = re.compile(r"^<!-- dlm-auto-mined:(.*) -->$")
_SYNTH_RE = re.compile(r"^<!-- dlm-auto-synth:(.*) -->$")
_BLOB_RE = re.compile(r'(?:\s+[a-z][a-z0-9_]*="[^"\n]*")+')
MINED_KEYS = ("judge_name", "judge_score_chosen", "judge_score_rejected", "mined_at", "mined_run_id")
SYNTH_KEYS = ("synth_teacher", "synth_strategy", "synth_at", "source_section_id")
_HEX16 = re.compile(r"[0-9a-f]{16}")


@dataclass(slots=True)
class LineIssue:
    """A problem on one line: code, columns [start, end), message, stage."""

    code: str
    start: int
    end: int
    message: str
    stage: str = "parse"
    data: dict[str, Any] | None = None


@dataclass(slots=True)
class Fence:
    """A fence line as DLM reads it. `type` is None when DLM would not know it."""

    text: str
    type: str | None
    adapter: str | None
    attrs: dict[str, str]
    issues: tuple[LineIssue, ...]
    # column spans, for hovers and quick fixes
    type_span: tuple[int, int]
    adapter_span: tuple[int, int] | None
    attr_spans: dict[str, tuple[int, int]] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def parse_fence(line: str) -> Fence:
    """Read a fence line (the scanner already decided it is shaped like one).

    Cached: documents repeat the same few fence lines thousands of times, and
    results are never mutated."""
    # DLM tries the attribute form first; the two forms cannot both match
    # (one needs whitespace, the other forbids it), so the common bare form
    # goes first here.
    m = _FENCE_RE.match(line)
    if m:
        return _bare_fence(line, m)
    m = _ATTR_FENCE_RE.match(line)
    if m:
        return _attr_fence(line, m)
    # Not a fence by DLM's rules; the grammar and DLM disagree. Say so rather
    # than guess (never expected: the scanner uses the same automata).
    return Fence(line, None, None, {}, (LineIssue("DLM200", 0, len(line), "not a valid section fence"),),
                 (0, len(line)), None)


def _bare_fence(line: str, m: re.Match[str]) -> Fence:
    name = m.group(1)
    issues: list[LineIssue] = []
    base, hash_, adapter = name.partition("#")
    type_span = (2, 2 + len(base))
    adapter_span = (type_span[1] + 1, type_span[1] + 1 + len(adapter)) if hash_ else None
    if hash_ and not adapter:
        issues.append(LineIssue("DLM201", type_span[1], type_span[1] + 1,
                                f"fence '::{name}::' has an empty adapter suffix after '#'"))
    elif hash_ and not ADAPTER_NAME_RE.fullmatch(adapter):
        issues.append(LineIssue("DLM202", adapter_span[0], adapter_span[1],  # type: ignore[index]
                                f"fence '::{name}::' has an invalid adapter name {adapter!r} "
                                f"(must match {ADAPTER_NAME_RE.pattern})"))
    type_: str | None = base if base in SECTION_TYPES else None
    if type_ is None:
        start, end = type_span if base else (0, len(line))
        issues.append(LineIssue("DLM200", start, end,
                                f"unknown section fence '::{name}::'; valid types are {list(SECTION_TYPES)}",
                                data=_did_you_mean(base)))
    elif type_ in ATTR_SPEC:
        issues.append(LineIssue("DLM209", 0, len(line),
                                f"fence '::{name}::' requires attributes "
                                f'(expected e.g. `::{type_} path="..."::`)'))
    return Fence(line, type_, adapter or None, {}, tuple(issues), type_span, adapter_span)


def _attr_fence(line: str, m: re.Match[str]) -> Fence:
    name = m.group(1)
    type_span = (2, 2 + len(name))
    issues: list[LineIssue] = []
    attrs: dict[str, str] = {}
    spans: dict[str, tuple[int, int]] = {}
    type_: str | None = name if name in SECTION_TYPES else None
    if type_ is None:
        issues.append(LineIssue("DLM204", *type_span,
                                f"unknown attribute fence '::{name}...::'; attribute form is only valid "
                                f"for types {sorted(ATTR_SPEC)}", data=_did_you_mean(name)))
    elif type_ not in ATTR_SPEC:
        issues.append(LineIssue("DLM203", m.start(2), m.end(2),
                                f"fence '::{name}...::' does not take attributes"))
    required, allowed = ATTR_SPEC.get(type_ or "", (frozenset(), frozenset()))
    checked = type_ in ATTR_SPEC
    offset = m.start(2)
    for kv in _ATTR_KV_RE.finditer(m.group(2)):
        key, value = kv.group(1), kv.group(2)
        kspan = (offset + kv.start(1), offset + kv.end(1))
        vspan = (offset + kv.start(2) - 1, offset + kv.end(2) + 1)
        if checked:
            if key in attrs:
                issues.append(LineIssue("DLM205", kspan[0], vspan[1],
                                        f"fence '::{name}...::' repeats attribute {key!r}"))
                continue
            if key not in allowed:
                issues.append(LineIssue("DLM206", kspan[0], vspan[1],
                                        f"fence '::{name}...::' has unknown attribute {key!r} "
                                        f"(allowed: {sorted(allowed)})"))
                continue
            if not value.isascii():
                issues.append(LineIssue("DLM207", *vspan,
                                        f"fence '::{name}...::' attribute {key!r} contains non-ASCII characters"))
        if key not in attrs:
            attrs[key] = value
            spans[key] = vspan
    missing = sorted(required - attrs.keys()) if checked else []
    if missing:
        issues.append(LineIssue("DLM208", 0, len(line),
                                f"fence '::{name}...::' is missing required attribute(s) {missing}"))
    return Fence(line, type_, None, attrs, tuple(issues), type_span, None, spans)


def _did_you_mean(name: str) -> dict[str, Any] | None:
    lowered = name.lower()
    matches = [t for t in SECTION_TYPES if t == lowered]
    if not matches:
        import difflib

        matches = difflib.get_close_matches(lowered, SECTION_TYPES, n=2, cutoff=0.6)
    return {"suggestions": matches} if matches else None


@dataclass(slots=True)
class Marker:
    """A provenance marker lifted out of a section, with typed values."""

    kind: str  # "synth" | "mined" | "harvest"
    text: str
    attrs: dict[str, str]
    values: dict[str, Any]
    issues: tuple[LineIssue, ...]
    spans: dict[str, tuple[int, int]]


@lru_cache(maxsize=4096)
def parse_marker(line: str) -> Marker:
    """Read a marker line (the scanner already decided DLM lifts it). Cached
    like `parse_fence`."""
    m = _HARVEST_RE.match(line)
    if m:
        span = (m.start(1) - 1, m.end(1) + 1)
        return Marker("harvest", line, {"source": m.group(1)}, {"source": m.group(1)}, (), {"source": span})
    m = _SYNTH_RE.match(line)
    if m:
        return _attr_marker(line, m, "synth", "dlm-auto-synth", SYNTH_KEYS)
    m = _MINED_RE.match(line)
    if m:
        return _attr_marker(line, m, "mined", "dlm-auto-mined", MINED_KEYS)
    return Marker("unknown", line, {}, {}, (LineIssue("DLM300", 0, len(line), "not a provenance marker"),), {})


def _attr_marker(line: str, m: re.Match[str], kind: str, label: str, keys: tuple[str, ...]) -> Marker:
    blob, offset = m.group(1), m.start(1)
    whole = (0, len(line))
    if not _BLOB_RE.fullmatch(blob):
        return Marker(kind, line, {}, {}, (LineIssue("DLM300", offset, max(m.end(1), offset + 1),
                                                     f"invalid {label} marker syntax: expected "
                                                     'space-separated key="value" attributes'),), {})
    issues: list[LineIssue] = []
    attrs: dict[str, str] = {}
    spans: dict[str, tuple[int, int]] = {}
    for kv in _ATTR_KV_RE.finditer(blob):
        key, value = kv.group(1), kv.group(2)
        kspan = (offset + kv.start(1), offset + kv.end(2) + 1)
        if key in attrs:
            issues.append(LineIssue("DLM301", *kspan, f"{label} marker repeats attribute {key!r}"))
            continue
        if key not in keys:
            issues.append(LineIssue("DLM302", *kspan,
                                    f"{label} marker has unknown attribute {key!r} (allowed: {sorted(keys)})"))
            continue
        attrs[key] = value
        spans[key] = (offset + kv.start(2) - 1, offset + kv.end(2) + 1)
    missing = sorted(set(keys) - attrs.keys())
    if missing:
        issues.append(LineIssue("DLM303", *whole, f"{label} marker is missing required attribute(s) {missing}"))
    values: dict[str, Any] = dict(attrs)

    def bad(key: str, code: str, message: str) -> None:
        issues.append(LineIssue(code, *spans.get(key, whole), message))

    def iso(key: str) -> None:
        if key in attrs:
            try:
                datetime.fromisoformat(attrs[key].replace("Z", "+00:00"))
            except ValueError:
                bad(key, "DLM304", f"{label} marker {key} must be ISO-8601 (e.g. 2026-04-24T10:18:42Z)")

    if kind == "synth":
        iso("synth_at")
        sid = attrs.get("source_section_id")
        if sid is not None and not (len(sid) == 16 and _HEX16.fullmatch(sid)):
            bad("source_section_id", "DLM305",
                f"{label} marker source_section_id must be a 16-char lowercase hex section id")
        for key in ("synth_teacher", "synth_strategy"):
            if key in attrs and not attrs[key]:
                bad(key, "DLM311", f"{key} must be non-empty")
    else:
        for key in ("judge_score_chosen", "judge_score_rejected"):
            if key in attrs:
                try:
                    score = float(attrs[key])
                except ValueError:
                    bad(key, "DLM306", f"{label} marker judge scores must be floats")
                    continue
                if not math.isfinite(score):
                    bad(key, "DLM307", f"{label} marker judge scores must be finite")
                values[key] = score
        iso("mined_at")
        if "mined_run_id" in attrs:
            try:
                run_id = int(attrs["mined_run_id"])
            except ValueError:
                bad("mined_run_id", "DLM309", f"{label} marker mined_run_id must be an integer")
            else:
                values["mined_run_id"] = run_id
                if run_id < 1:
                    bad("mined_run_id", "DLM310", f"{label} marker mined_run_id must be >= 1")
    return Marker(kind, line, attrs, values, tuple(issues), spans)
