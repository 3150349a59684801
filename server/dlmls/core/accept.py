"""Where an accepted suggestion goes, and the exact text that puts it there.

A synthesized pair becomes its own `::instruction::` section with a
`dlm-auto-synth` marker (format §4, §6), inserted right after its source
prose section — after any synth sections already written from that source,
so accepted pairs keep their order. The insertion point is always the
start of the next section's fence line (or the end of the file), which is
what keeps every existing section id unchanged: a section's id hashes the
lines between its fence and the next one, and inserting a whole new
section *at* the next fence adds no line to any existing section. (At the
end of the file no blank line is added before the new fence for the same
reason: it would become part of the source section.)

Suggestions are placed against the document as it is now:

- `ready`: the source section (same id) is there;
- `reanchored`: that id is gone, but a prose section with the same text up
  to whitespace is there (the marker then names the new id);
- `stale`: the source text changed, so the pair may no longer fit it — it
  is never inserted, the writer can synthesize again;
- `accepted`: the pair is already in the document.

`check_insertion` re-parses the result and refuses an edit that would
change an existing section id, add a problem, or not read back as the
pair — the last guard before anything touches the writer's text. Pure: no
LSP, no torch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dlmls.core.document import Document, Model
from dlmls.core.problems import Range, Severity
from dlmls.core.text import decode
from dlmls.scores import normalise, pair_key
from dlmls.suggestions import Suggestion


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one suggestion stands in the current text."""

    suggestion: Suggestion
    status: str  # ready | reanchored | stale | accepted
    section_id: str | None  # the source section's id now (None when stale)
    section_line: int | None  # 0-based first line of the source section
    at: Range | None  # empty range where its block is inserted (None: stale or accepted)
    trailing_blank: bool  # a section follows the insertion point (the block ends with a blank line)

    @property
    def placeable(self) -> bool:
        """Whether it can be inserted now."""
        return self.at is not None


@dataclass(frozen=True, slots=True)
class Insertion:
    """One text edit: `text` inserted at the empty range `at`."""

    at: Range
    text: str
    ids: tuple[str, ...]


def _clean_attr(value: str) -> str:
    return " ".join(value.replace('"', "'").split())


def marker_line(s: Suggestion, source_section_id: str) -> str:
    """The `dlm-auto-synth` marker of a suggestion (exactly DLM's four keys)."""
    return (f'<!-- dlm-auto-synth: synth_teacher="{_clean_attr(s.teacher) or "self"}" '
            f'synth_strategy="{_clean_attr(s.strategy) or "extraction"}" synth_at="{_clean_attr(s.synth_at)}" '
            f'source_section_id="{source_section_id}" -->')


def block(s: Suggestion, source_section_id: str, nl: str = "\n", trailing_blank: bool = True) -> str:
    """The section text of one suggestion."""
    lines = ["::instruction::", marker_line(s, source_section_id), "### Q", s.question.strip(), "### A",
             s.answer.strip()]
    return nl.join(lines) + nl + (nl if trailing_blank else "")


def newline_of(model: Model) -> str:
    """The document's line terminator (its first one; LF when it has none)."""
    src = model.source
    nl = src.find(b"\n")
    cr = src.find(b"\r")
    if cr >= 0 and (nl < 0 or cr < nl):
        return "\r\n" if src[cr + 1:cr + 2] == b"\n" else "\r"
    return "\n"


def document_pair_keys(model: Model) -> set[str]:
    """Content keys of every pair the document holds."""
    return {pair_key(p.question, p.answer) for s in model.live_sections if s.type == "instruction"
            for p in s.core.pairs}


def place(model: Model, suggestions: Iterable[Suggestion]) -> list[Placement]:
    """Where each suggestion stands against `model` (see the module docstring)."""
    sections = model.sections
    by_id: dict[str, int] = {}
    by_text: dict[str, int] = {}
    for i, s in enumerate(sections):
        if s.type == "prose" and not s.core.dropped:
            by_id.setdefault(s.section_id, i)
            by_text.setdefault(normalise(s.content), i)
    present = document_pair_keys(model)
    out = []
    for sug in suggestions:
        if sug.key in present:
            out.append(Placement(sug, "accepted", None, None, None, False))
            continue
        status, index = "ready", by_id.get(sug.section_id)
        if index is None and sug.source_text.strip():
            status, index = "reanchored", by_text.get(normalise(sug.source_text))
        if index is None:
            out.append(Placement(sug, "stale", None, None, None, False))
            continue
        source = sections[index]
        at, following = _insertion_point(model, sections, index)
        out.append(Placement(sug, status, source.section_id, source.start_line, at, following))
    return out


def _insertion_point(model: Model, sections: Sequence, index: int) -> tuple[Range, bool]:
    """After the source section and the synth sections already written from it."""
    source_id = sections[index].section_id
    j = index + 1
    while j < len(sections):
        marker = sections[j].core.marker("synth") if sections[j].type == "instruction" else None
        if marker is None or marker.values.get("source_section_id") != source_id:
            break
        j += 1
    if j < len(sections):
        line = sections[j].start_line
        return Range(line, 0, line, 0), True
    return _end_of_text(model), False


def _end_of_text(model: Model) -> Range:
    last = model.lines.line_count - 1
    text = model.line_text(last)
    return Range(last, len(text), last, len(text))


def insertions(model: Model, placements: Iterable[Placement]) -> list[Insertion]:
    """The text edits that insert every placeable suggestion, one per insertion point, in order."""
    nl = newline_of(model)
    groups: dict[tuple[int, int], list[Placement]] = {}
    for p in placements:
        if p.at is not None:
            groups.setdefault((p.at.start_line, p.at.start_col), []).append(p)
    out = []
    for (line, col), group in sorted(groups.items()):
        parts = []
        for k, p in enumerate(group):
            last = k == len(group) - 1
            parts.append(block(p.suggestion, p.section_id or "", nl, trailing_blank=not last or p.trailing_blank))
        text = "".join(parts)
        if col > 0:  # the end of a file without a final newline: start the fence on a line of its own
            text = nl + text
        out.append(Insertion(Range(line, col, line, col), text, tuple(p.suggestion.id for p in group)))
    return out


def apply(model: Model, edits: Sequence[Insertion]) -> str:
    """The model's text with the insertions made (for the CLI's --apply and for checking)."""
    src = model.source
    for e in sorted(edits, key=lambda e: (e.at.start_line, e.at.start_col), reverse=True):
        line_start, _end = model.line_span(e.at.start_line)
        head = model.line_text(e.at.start_line)[:e.at.start_col]
        offset = line_start + len(head.encode("utf-8", "surrogatepass"))
        src = src[:offset] + e.text.encode("utf-8", "surrogatepass") + src[offset:]
    return decode(src)


def check_insertion(before: Model, after_text: str, added: Iterable[Suggestion]) -> str | None:
    """Why the edited text is not what accepting `added` must give (None: it is)."""
    after = Document(after_text).model
    old_ids = Counter(s.section_id for s in before.sections)
    new_ids = Counter(s.section_id for s in after.sections)
    lost = old_ids - new_ids
    if lost:
        return f"the edit would change the id of section(s) {', '.join(sorted(lost))}"
    keys = document_pair_keys(after)
    missing = [s.id for s in added if s.key not in keys]
    if missing:
        return f"suggestion(s) {', '.join(missing)} would not read back as a pair"
    old_errors = sum(p.severity == Severity.ERROR for p in before.problems)
    new_errors = sum(p.severity == Severity.ERROR for p in after.problems)
    if new_errors > old_errors:
        first = next(p for p in after.problems if p.severity == Severity.ERROR)
        return f"the edit would add an error (line {first.range.start_line + 1}: {first.message})"
    return None
