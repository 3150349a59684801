"""Sections of the document model, built from section nodes of the tree.

A section's analysis (content, id, markers, pairs, problems) does not depend
on where the section sits in the file, so it lives in a position-independent
`SectionCore` with section-relative line numbers. A `Section` is a core plus
its place in the current text. When the writer edits one section, the other
sections keep their cores and only move, which is what makes re-analysis
after a keystroke cheap on large documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from dlmls.core.bodies import BodyError, Pair, Triple, parse_instruction, parse_preference
from dlmls.core.fences import Fence, LineIssue, Marker, parse_fence, parse_marker
from dlmls.core.lint import lint_section
from dlmls.core.problems import Problem, Range, Severity, Stage, error
from dlmls.core.text import decode, normalize_newlines, strip_terminator

_STAGES = {"parse": Stage.PARSE, "train": Stage.TRAIN, "lint": Stage.LINT}


@dataclass(slots=True)
class MarkerInfo:
    """A lifted provenance marker and its line (relative to the section)."""

    marker: Marker
    line: int


@dataclass(slots=True)
class SectionCore:
    """Everything about a section that does not depend on its position.

    Lines are relative to the section's first line (the fence line, or the
    first content line of the implicit prose section before any fence).
    """

    kind: str  # prose | instruction | preference | image | audio | unknown
    implicit: bool
    fence: Fence | None
    markers: tuple[MarkerInfo, ...]
    content: str
    content_line: int  # relative line of the first content line
    content_rows: tuple[int, ...] | None  # body line index -> relative row offset
    section_id: str
    dropped: bool  # whitespace-only prose: DLM drops it
    pairs: tuple[Pair, ...]
    triples: tuple[Triple, ...]
    body_error: BodyError | None
    problems: tuple[Problem, ...]
    line_count: int

    @property
    def type(self) -> str:
        """DLM's section type ("unknown" for a fence DLM would reject)."""
        return self.kind

    @property
    def adapter(self) -> str | None:
        """The `#adapter` suffix of the fence, if any."""
        return self.fence.adapter if self.fence else None

    @property
    def media(self) -> dict[str, str | None] | None:
        """Image/audio attributes as DLM reports them."""
        if self.kind not in ("image", "audio") or self.fence is None:
            return None
        a = self.fence.attrs
        return {"path": a.get("path"), "alt": a.get("alt"), "transcript": a.get("transcript")}

    def marker(self, kind: str) -> Marker | None:
        """The last lifted marker of `kind` (DLM keeps the last one)."""
        found = None
        for info in self.markers:
            if info.marker.kind == kind:
                found = info.marker
        return found

    def body_row(self, index: int) -> int:
        """Relative line of content line `index` (as split by DLM)."""
        rows = self.content_rows
        offset = rows[index] if rows is not None and 0 <= index < len(rows) else index
        return self.content_line + offset


class Section:
    """A section core placed in the text: byte span and first line."""

    __slots__ = ("core", "start_byte", "end_byte", "start_line")

    def __init__(self, core: SectionCore, start_byte: int, end_byte: int, start_line: int) -> None:
        self.core = core
        self.start_byte = start_byte
        self.end_byte = end_byte
        self.start_line = start_line

    def moved(self, delta_bytes: int, delta_lines: int) -> Section:
        """The same section after text before it grew by the given amounts."""
        return Section(self.core, self.start_byte + delta_bytes, self.end_byte + delta_bytes,
                       self.start_line + delta_lines)

    # Convenience views in document coordinates -------------------------------

    @property
    def type(self) -> str:
        return self.core.kind

    @property
    def adapter(self) -> str | None:
        return self.core.adapter

    @property
    def section_id(self) -> str:
        return self.core.section_id

    @property
    def content(self) -> str:
        return self.core.content

    @property
    def end_line(self) -> int:
        """Last line of the section (inclusive)."""
        return self.start_line + self.core.line_count - 1

    @property
    def dlm_start_line(self) -> int:
        """DLM's 1-based `start_line`: the fence line, or the first content line."""
        return self.start_line + 1

    @property
    def problems(self) -> list[Problem]:
        return [p.shifted(self.start_line) for p in self.core.problems]

    def line(self, relative: int) -> int:
        """Document line of a section-relative line."""
        return self.start_line + relative

    def __repr__(self) -> str:
        return f"Section({self.core.kind}, line {self.start_line + 1}, id {self.core.section_id})"


def section_id(kind: str, content: str, media_path: str | None = None) -> str:
    """DLM's section identity: sha256(type + "\\n" + content or media path)[:16]."""
    h = hashlib.sha256(kind.encode("utf-8"))
    h.update(b"\n")
    if kind in ("image", "audio"):
        h.update((media_path or "").encode("utf-8"))
    else:
        if content.startswith("\ufeff"):
            content = content[1:]
        h.update(content.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def _line_problem(issue: LineIssue, line: int, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(issue.code, severity, Range(line, issue.start, line, issue.end), issue.message,
                   _STAGES[issue.stage], issue.data)


def build_core(
    kind: str,
    src: bytes,
    fence_span: tuple[int, int] | None,
    marker_spans: list[tuple[int, int]],
    content_start: int,
    end: int,
    drop_first_empty: bool,
) -> SectionCore:
    """Analyse one section from byte spans the tree gave us.

    `fence_span` and `marker_spans` are the spans of the fence and marker
    lines without terminators; the content runs from `content_start` to
    `end` (the section's end, including its final terminator).
    """
    problems: list[Problem] = []
    fence: Fence | None = None
    line = 0
    if fence_span is not None:
        fence = parse_fence(decode(src[fence_span[0] : fence_span[1]]))
        if fence.issues:
            problems.extend(_line_problem(i, 0) for i in fence.issues)
        if fence.type is None:
            kind = "unknown"
        line = 1
    markers: list[MarkerInfo] = []
    for a, b in marker_spans:
        m = parse_marker(decode(src[a:b]))
        markers.append(MarkerInfo(m, line))
        if m.issues:
            problems.extend(_line_problem(i, line) for i in m.issues)
        line += 1
    raw = src[content_start:end]
    if drop_first_empty and (raw.startswith(b"\n") or raw.startswith(b"\r")):
        # DLM drops exactly one empty line between the frontmatter and the body.
        raw = raw[2:] if raw.startswith(b"\r\n") else raw[1:]
        line += 1
    content = normalize_newlines(decode(strip_terminator(raw)))
    line_count = line + (content.count("\n") + 1 if raw else 0)
    if fence_span is not None and not raw:
        line_count = max(line_count, line)

    media_path = fence.attrs.get("path") if fence is not None and fence.attrs else None
    sid = section_id(kind, content, media_path)
    dropped = kind == "prose" and not content.strip()

    pairs: tuple[Pair, ...] = ()
    triples: tuple[Triple, ...] = ()
    body_error: BodyError | None = None
    rows: tuple[int, ...] | None = None

    if kind in ("instruction", "preference"):
        parsed = parse_instruction(content) if kind == "instruction" else parse_preference(content)
        body_error = parsed.error
        rows = parsed.rows
        if kind == "instruction":
            pairs = parsed.items  # type: ignore[assignment]
        else:
            triples = parsed.items  # type: ignore[assignment]
        if parsed.issues:
            content_lines = content.split("\n")
            for issue in parsed.issues:
                if issue.code in ("DLM400", "DLM410") and fence is not None:
                    rel, width = 0, len(fence.text)
                else:
                    offset = rows[issue.line] if rows is not None and issue.line < len(rows) else issue.line
                    rel = line + offset
                    i = rel - line
                    width = len(content_lines[i]) if 0 <= i < len(content_lines) else 0
                problems.append(error(issue.code, Range(rel, 0, rel, width), issue.message, Stage.TRAIN))

    if "```" in content:
        problems.extend(_code_block_problems(content.split("\n"), line))
    if content:
        # Lint is per section too, so it is cached and reused with the section.
        problems.extend(lint_section(kind, content, line))

    return SectionCore(kind, fence_span is None, fence, tuple(markers), content, line, rows, sid, dropped,
                       pairs, triples, body_error, tuple(problems), max(line_count, 1))


def _code_block_problems(lines: list[str], first: int) -> list[Problem]:
    """An unterminated ``` block: DLM refuses the file; we point at the opener.

    Sections always start outside a code block (fences inside one are text),
    so an odd number of toggles means the last one is never closed.
    """
    opener = -1
    for i, text in enumerate(lines):
        if text.startswith("```"):
            opener = -1 if opener >= 0 else i
    if opener < 0:
        return []
    rel = first + opener
    return [error("DLM210", Range(rel, 0, rel, 3),
                  "unterminated triple-backtick code block: it runs to the end of the file "
                  "(DLM rejects the document); close it with a line starting with ```")]


def dlm_json(section: Section) -> dict[str, Any]:
    """The section in the shape of DLM's reference parse (conformance JSON)."""
    core = section.core
    out: dict[str, Any] = {
        "type": core.kind,
        "adapter": core.adapter,
        "start_line": section.start_line + 1 + (core.content_line if core.implicit else 0),
        "section_id": core.section_id,
        "content": core.content,
    }
    synth, mined, harvest = core.marker("synth"), core.marker("mined"), core.marker("harvest")
    if synth is not None:
        out["auto_synth"] = {k: synth.values.get(k) for k in
                             ("synth_teacher", "synth_strategy", "synth_at", "source_section_id")}
    if mined is not None:
        out["auto_mined"] = {k: mined.values.get(k) for k in
                             ("judge_name", "judge_score_chosen", "judge_score_rejected", "mined_at", "mined_run_id")}
    if harvest is not None:
        out["auto_harvest"] = {"source": harvest.values.get("source")}
    media = core.media
    if media is not None:
        out["media"] = media
    if core.kind in ("instruction", "preference"):
        if core.body_error is not None:
            out["body_error"] = {"kind": core.body_error.kind, "section_line": core.body_error.section_line,
                                 "message": core.body_error.message}
        elif core.kind == "instruction":
            out["pairs"] = [{"q": p.question, "a": p.answer} for p in core.pairs]
        else:
            out["triples"] = [{"prompt": t.prompt, "chosen": t.chosen, "rejected": t.rejected}
                              for t in core.triples]
    return out
