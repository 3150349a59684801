"""Quick fixes: small text edits that repair one problem, computed from the text.

A fix is derived from a problem's code, range and `data` (what the check
recorded: suggestions, the repaired fence line, the adapter name) plus the
current model, and is offered only when the text at the problem still is
what the check saw, so a fix computed for an older diagnostic never lands on
text the writer has since changed. Edits are minimal: a key, a value, a line,
an inserted line; the frontmatter is never re-serialised (its comments,
order and quoting stay as written). Ranges are core ranges (0-based lines,
code-point columns); the LSP layer converts them.

Every fix offered makes the document better, checked by applying it (an
incremental re-parse of a copy) before it is offered (`improves`): the
document has no more errors than before; a fix for an error leaves strictly
fewer errors, a fix for a warning strictly fewer problems of its code. So a
fix never trades its error for another, e.g. an empty `### A` (DLM405) for a
missing one (DLM404); where the text does not say what the fix should be
(the answer is not written yet), none is offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dlmls.core import checks
from dlmls.core.bodies import A, Q, misspelled_header
from dlmls.core.crosscheck import Exists
from dlmls.core.document import Document, Model
from dlmls.core.lint import marker_kind
from dlmls.core.problems import Problem, Range, Severity
from dlmls.core.schema import FLAT_ADAPTER_KEYS


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text in `range` with `text`."""

    range: Range
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """One way to repair a problem; `preferred` marks the single best one."""

    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False


Handler = Callable[[Model, Range, dict[str, Any]], list[Fix]]
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_PROBE = "### Q !probe"


def fixes(model: Model, code: str, rng: Range, data: dict[str, Any] | None, *, document: Document | None = None,
          base_dir: str | None = None, exists: Exists | None = None) -> list[Fix]:
    """The fixes for a problem with `code` at `rng` (with its `data`) in `model`, each one
    checked to leave the document better (`improves`). `document` (whose model is `model`) makes
    that check an incremental re-parse; `base_dir` and `exists` are the cross-checks' (see
    `dlmls.core.checks`), as the problem was found with them."""
    handler = HANDLERS.get(code)
    if handler is None:
        return []
    try:
        found = handler(model, rng, data or {})
    except (KeyError, IndexError, TypeError, ValueError):
        return []  # data from an older or foreign diagnostic: offer nothing
    if not found:
        return []
    before = checks.document_problems(model, base_dir, exists)
    target = next((p for p in before if p.code == code and p.range == rng), None)
    if target is None:
        return []  # the problem is not (or no longer) there
    if document is None or document.model is not model:
        document = Document(model.source)
    return [f for f in found if improves(document, f, target, before, base_dir, exists)]


def improves(document: Document, fix: Fix, target: Problem, before: list[Problem], base_dir: str | None = None,
             exists: Exists | None = None) -> bool:
    """Whether applying `fix` (for `target`, one of `before`, the problems of `document`) leaves the
    document better: never more errors; for an error, strictly fewer errors; for a lesser problem,
    strictly fewer of its code (it is gone, and no other like it came in its place). A fix that trades
    its error for another (an inserted `### A` with no answer: DLM405) is no fix. A fix for a warning
    may bring a warning of another kind to light (a repaired image fence whose file is missing: DLM240)."""
    lines = document.model.lines
    edited = document.edited([(lines.offset(e.range.start_line, e.range.start_col),
                               lines.offset(e.range.end_line, e.range.end_col), e.text) for e in fix.edits])
    after = checks.document_problems(edited.model, base_dir, exists)
    errors_before, errors_after = len(checks.errors(before)), len(checks.errors(after))
    if target.severity == Severity.ERROR:
        return errors_after < errors_before
    same = lambda problems: sum(p.code == target.code for p in problems)  # noqa: E731
    return errors_after <= errors_before and same(after) < same(before)


def _text(model: Model, rng: Range) -> str | None:
    """The text of a one-line range, or None when the range is not on one line."""
    if rng.start_line != rng.end_line:
        return None
    return model.line_text(rng.start_line)[rng.start_col : rng.end_col]


def _scalar_edits(model: Model, rng: Range, old: str, new: str) -> Edit | None:
    """Replace the YAML scalar `old` written at `rng` by `new`, keeping its quotes."""
    text = _text(model, rng)
    if text == old:
        return Edit(rng, new)
    if text is not None and len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" and text[1:-1] == old:
        return Edit(Range(rng.start_line, rng.start_col + 1, rng.end_line, rng.end_col - 1), new)
    return None


def _suggestions(what: str) -> Handler:
    """Replace the key or value at the range by each suggestion, best first."""

    def handler(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
        old = data.get("value") if what == "value" else str(data.get("path", "")).rsplit(".", 1)[-1]
        out = []
        for k, suggestion in enumerate(data.get("suggestions") or ()):
            edit = _scalar_edits(model, rng, old, suggestion)
            if edit is not None:
                out.append(Fix(f"Change {what} to '{suggestion}'", (edit,), preferred=k == 0))
        return out

    return handler


def _fence_type(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
    text = _text(model, rng)
    line = model.line_text(rng.start_line)
    if text is None or not _NAME.fullmatch(text) or not line.startswith("::"):
        return []
    found = data.get("suggestions") or ()
    return [Fix(f"Change fence type to '{s}'", (Edit(rng, s),), preferred=k == 0 and len(found) == 1)
            for k, s in enumerate(found)]


def _replace_line(title: str) -> Handler:
    """Replace the whole line by `data["fix"]` if it still reads `data["line"]`."""

    def handler(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
        line = model.line_text(rng.start_line)
        if line != data["line"]:
            return []
        fix = data["fix"]
        return [Fix(title.format(fix=fix), (Edit(Range(rng.start_line, 0, rng.start_line, len(line)), fix),),
                    preferred=True)]

    return handler


def _join_marker(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
    n, row = int(data["blank_lines"]), rng.start_line
    if n < 1 or row - n < 0 or marker_kind(model.line_text(row).strip()) is None:
        return []
    if any(model.line_text(r).strip() for r in range(row - n, row)):
        return []
    return [Fix("Remove the blank line between the fence and the marker",
                (Edit(Range(row - n, 0, row, 0), ""),), preferred=True)]


def _prose_before(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
    row = rng.start_line
    if not _HEADING.match(model.line_text(row)):
        return []
    return [Fix("Start a ::prose:: section at this heading", (Edit(Range(row, 0, row, 0), "::prose::\n"),),
                preferred=True)]


def _question_rows(model: Model, row: int) -> list[int] | None:
    """The rows of the question body after the `### Q` at `row` (up to the next header or the
    section's end), or None when `row` is not a `### Q` line any more."""
    section = model.section_at_line(row)
    if section is None or model.line_text(row).strip() not in (Q, _PROBE):
        return None
    rows = []
    for r in range(row + 1, section.end_line + 1):
        if model.line_text(r).strip() in (Q, A, _PROBE):
            break
        rows.append(r)
    return rows


def _question_end(model: Model, rows: list[int]) -> int | None:
    """The last row of the question where the body also holds its answer: the first line that ends
    with `?`, else the end of the first paragraph, with more text after it (outside code blocks);
    None when the body is all question (an answer has to be written, not marked)."""
    texts = [model.line_text(r).strip() for r in rows]
    in_code, outside = False, []
    for k, text in enumerate(texts):
        if text.startswith("```"):
            in_code = not in_code
        elif not in_code:
            outside.append(k)
    last_text = max((k for k, t in enumerate(texts) if t), default=-1)
    candidates = [k for k in outside if texts[k] and k < last_text]
    for k in candidates:
        if texts[k].endswith("?"):
            return rows[k]
    for k in candidates:
        if k + 1 in outside and not texts[k + 1]:
            return rows[k]
    return None


def _quote(text: str, width: int = 40) -> str:
    text = text.strip()
    return f"'{text}'" if len(text) <= width else f"'{text[: width - 1]}…'"


def _answer_header(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
    """DLM403/DLM404, a question with no `### A`: write the `### A` the writer misspelled, or mark
    where the answer already written in the question body starts. Never an empty answer (DLM405)."""
    rows = _question_rows(model, rng.start_line)
    if rows is None:
        return []
    for r in rows:
        line = model.line_text(r)
        meant = misspelled_header(line, A)
        if meant is not None:
            title = (f"Replace `{line.strip()}` with `{A}`" if meant == A
                     else f"Replace `{line.strip()}` with `{A}` and the text on the next line")
            return [Fix(title, (Edit(Range(r, 0, r, len(line)), meant),), preferred=True)]
    split = _question_end(model, rows)
    if split is None:
        return []
    end = len(model.line_text(split))
    return [Fix(f"Insert `{A}` after {_quote(model.line_text(split))}",
                (Edit(Range(split, end, split, end), "\n" + A),), preferred=True)]


def _question_header(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
    """DLM401 on a line that looks like a misspelled `### Q` (`### q`, `### Question: text`)."""
    row = rng.start_line
    line = model.line_text(row)
    meant = misspelled_header(line, Q)
    if meant is None or model.section_at_line(row) is None:
        return []
    title = (f"Replace `{line.strip()}` with `{Q}`" if meant == Q
             else f"Replace `{line.strip()}` with `{Q}` and the text on the next line")
    return [Fix(title, (Edit(Range(row, 0, row, len(line)), meant),), preferred=True)]


# Adapters ------------------------------------------------------------------------

def _declare_adapter(model: Model, rng: Range, data: dict[str, Any]) -> list[Fix]:
    name = data["adapter"]
    if _text(model, rng) != name:
        return []
    out = []
    edit = declare_adapter_edit(model, name)
    if edit is not None:
        out.append(Fix(f"Declare adapter '{name}' in training.adapters", (edit,), preferred=True))
    # The other way out: drop the suffix (the section then trains the default adapter).
    line = model.line_text(rng.start_line)
    if rng.start_col >= 1 and line[rng.start_col - 1] == "#":
        out.append(Fix(f"Remove the '#{name}' suffix",
                       (Edit(Range(rng.start_line, rng.start_col - 1, rng.end_line, rng.end_col), ""),)))
    return out


def declare_adapter_edit(model: Model, name: str) -> Edit | None:
    """One insertion that declares adapter `name` (with default settings) in
    `training.adapters`, or None where no safe minimal edit exists."""
    block = model.frontmatter
    info = block.info if block is not None else None
    raw = info.raw if info is not None else None
    if not isinstance(raw, dict) or info is None:
        return None
    positions = info.positions
    training = raw.get("training")
    entry = f"{name}: {{}}"
    if "training" not in raw:
        close = _closing_line(model)
        if close is None:
            return None
        return Edit(Range(close, 0, close, 0), f"training:\n  adapters:\n    {entry}\n")
    if not isinstance(training, dict):
        return None
    if any(k in training for k in FLAT_ADAPTER_KEYS):
        return None  # declaring adapters would make these flat keys an error (FM131)
    adapters = training.get("adapters")
    if "adapters" in training:
        if not isinstance(adapters, dict) or name in adapters:
            return None
        return _add_to_mapping(model, positions, ("training", "adapters"), entry)
    return _add_to_mapping(model, positions, ("training",), f"adapters: {{{entry}}}", block_text=(
        "adapters:", entry))


def _add_to_mapping(model: Model, positions: dict[tuple[Any, ...], Any], path: tuple[str, ...], entry: str,
                    block_text: tuple[str, str] | None = None) -> Edit | None:
    """Add `entry` to the mapping at `path`: before the `}` of a flow mapping,
    or as a new last line of a block mapping (indented like its keys).
    `block_text` is (key line, child line) for adding a nested block."""
    pos = positions.get(path)
    if pos is None:
        return None
    value = pos.value
    children = [p for k, p in positions.items() if len(k) == len(path) + 1 and k[: len(path)] == path
                and p.key is not None]
    first = model.line_text(value.start_line)[value.start_col : value.start_col + 1]
    last = model.line_text(value.end_line)[value.end_col - 1 : value.end_col]
    if first == "{":
        if last != "}":
            return None
        at = value.end_col - 1
        return Edit(Range(value.end_line, at, value.end_line, at), (", " if children else "") + entry)
    if not children or value.start_col == 0:
        return None
    indent = min(p.key.start_col for p in children)
    if any(p.key.start_line == pos.key.start_line for p in children if pos.key is not None):
        return None  # keys on the parent's line: not a plain block mapping
    row = value.end_line + 1
    pad = " " * indent
    if block_text is None:
        new = f"{pad}{entry}\n"
    else:
        step = indent - (pos.key.start_col if pos.key is not None else 0)
        new = f"{pad}{block_text[0]}\n{pad}{' ' * max(step, 2)}{block_text[1]}\n"
    return Edit(Range(row, 0, row, 0), new)


def _closing_line(model: Model) -> int | None:
    block = model.frontmatter
    if block is None or not block.closed:
        return None
    row = model.lines.line_of(max(block.end_byte - 1, 0))
    for r in (row, row - 1):
        if r > 0 and model.line_text(r) == "---":
            return r
    return None


HANDLERS: dict[str, Handler] = {
    "FM110": _suggestions("key"),
    "FM160": _suggestions("value"),
    "DLM200": _fence_type,
    "DLM204": _fence_type,
    "DLM220": _replace_line("Write the fence as `{fix}`"),
    "DLM221": _replace_line("Write the fence as `{fix}`"),
    "DLM222": _replace_line("Write the fence as `{fix}`"),
    "DLM223": _replace_line("Write the fence as `{fix}`"),
    "DLM322": _replace_line("Remove the whitespace around the marker"),
    "DLM320": _join_marker,
    "DLM230": _declare_adapter,
    "DLM401": _question_header,
    "DLM403": _answer_header,
    "DLM404": _answer_header,
    "DLM421": _prose_before,
}
