"""The document model: bytes → tree-sitter tree → frontmatter, sections, problems.

`Document` holds the current bytes, the tree and the model, and takes edits.
An edit re-parses incrementally (tree-sitter reuses the untouched parts of
the tree) and then re-analyses only the sections the edit can have changed:
sections before the edited line keep their objects, sections after it that
the new tree still starts at the same (shifted) place keep their analysis
and just move. A full build and an incremental update always produce the
same model; the property tests check exactly that.

Nothing here raises on any input: problems are values.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import tree_sitter
import tree_sitter_dlm

from dlmls.core.frontmatter import Frontmatter, parse_frontmatter
from dlmls.core.problems import Problem, Range, Stage, error
from dlmls.core.sections import Section, SectionCore, build_core, dlm_json
from dlmls.core.text import (
    LineIndex,
    decode,
    encoding_problems,
    has_lone_cr,
    normalize_newlines,
    skip_terminator,
    strip_terminator,
)

LANGUAGE = tree_sitter.Language(tree_sitter_dlm.language())

_SECTION_KINDS = {
    "prose_section": "prose",
    "instruction_section": "instruction",
    "preference_section": "preference",
    "image_section": "image",
    "audio_section": "audio",
    "unknown_section": "unknown",
}


def new_parser() -> tree_sitter.Parser:
    """A parser for the dlm grammar (parsers are not thread-safe: one each)."""
    return tree_sitter.Parser(LANGUAGE)


@dataclass(frozen=True, slots=True)
class FrontmatterBlock:
    """Where the frontmatter is and what it says."""

    start_byte: int
    end_byte: int
    yaml_text: str | None  # None when there is no YAML block
    closed: bool
    info: Frontmatter | None  # None when DLM would not read it (unclosed)


class Document:
    """One `.dlm` document: text, tree and model, kept in step through edits."""

    def __init__(self, source: bytes | str, parser: tree_sitter.Parser | None = None) -> None:
        self.parser = parser or new_parser()
        self.replace(source)

    @property
    def text(self) -> str:
        """The document as text (invalid bytes shown as U+FFFD)."""
        return decode(self.source)

    def edit(self, start: int, old_end: int, new_text: bytes | str) -> None:
        """Replace bytes [start, old_end) with `new_text` and update everything."""
        data = new_text.encode("utf-8", "surrogatepass") if isinstance(new_text, str) else new_text
        old_src, old_tree, old_model = self.source, self.tree, self.model
        start = max(0, min(start, len(old_src)))
        old_end = max(start, min(old_end, len(old_src)))
        new_src = old_src[:start] + data + old_src[old_end:]
        new_end = start + len(data)
        start_point = self._point(old_src, start)
        old_end_point = _advance(old_src, start, old_end, start_point)
        new_end_point = _advance(new_src, start, new_end, start_point)
        old_tree.edit(
            start_byte=start,
            old_end_byte=old_end,
            new_end_byte=new_end,
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=new_end_point,
        )
        new_tree = self.parser.parse(new_src, old_tree)
        self.source, self.tree = new_src, new_tree
        if old_model.lone_cr or has_lone_cr(new_src):
            self.model = build_model(new_src, new_tree)
        else:
            self.model = update_model(old_model, new_src, new_tree, start, old_end, new_end)

    def edited(self, edits: list[tuple[int, int, bytes | str]]) -> Document:
        """A new document: this one after replacing each byte span [start, end) of the current text
        (spans that do not overlap) with its text, parsed incrementally; this one is unchanged."""
        out = Document.__new__(Document)
        out.parser, out.source, out.tree, out.model = self.parser, self.source, self.tree.copy(), self.model
        for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            out.edit(start, end, text)
        return out

    def update(self, source: bytes | str) -> None:
        """Take a new whole text by editing only the span where it differs from the current one.

        Clients with full-text sync send the whole document on every
        keystroke; a full re-parse of 1 MB costs ~80 ms, while the common
        prefix and suffix (found by memcmp, cut at character starts) leave
        one ranged edit that the incremental parse and model update handle
        in a few milliseconds. The result is the model `replace` would give.
        """
        new = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else bytes(source)
        start, old_end, new_end = changed_span(self.source, new)
        if start == old_end == new_end:
            return  # the same text
        self.edit(start, old_end, new[start:new_end])

    def replace(self, source: bytes | str) -> None:
        """Replace the whole text (a full re-parse)."""
        self.source = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else bytes(source)
        self.tree = self.parser.parse(self.source)
        self.model = build_model(self.source, self.tree)

    def offset_at(self, line: int, column: int, unit: str = "utf-16") -> int:
        """Byte offset of a position given as a 0-based line and a column
        counted in `unit` ("utf-16" as LSP clients use by default, "utf-8"
        or "utf-32"). Lines break at LF, CRLF and lone CR; positions past
        the end of a line or of the text are clamped, as LSP requires."""
        start, end = self.model.line_span(line)
        text = self.source[start:end]
        if unit == "utf-8":
            return start + min(max(column, 0), len(text))
        chars = decode(text)
        if unit == "utf-32":
            return start + len(chars[: max(column, 0)].encode("utf-8", "surrogatepass"))
        units = 0
        for i, ch in enumerate(chars):
            if units >= column:
                return start + len(chars[:i].encode("utf-8", "surrogatepass"))
            units += 2 if ord(ch) > 0xFFFF else 1
        return end

    def _point(self, src: bytes, offset: int) -> tuple[int, int]:
        """tree-sitter's point (row counted by LF, column in bytes) of `offset`,
        counted from the nearest section start rather than the top."""
        model = self.model
        base, row = 0, 0
        if not model.lone_cr:
            i = bisect_right(model.starts, offset) - 1
            if i >= 0:
                base, row = model.starts[i], model.rows[i]
        return _advance(src, base, offset, (row, base - (src.rfind(b"\n", 0, base) + 1)))


def changed_span(old: bytes, new: bytes) -> tuple[int, int, int]:
    """(start, old_end, new_end): `new` is `old` with bytes [start, old_end) replaced by
    new[start:new_end], the smallest such span whose ends are character starts in both.

    Each probe of the binary searches is one `startswith`/`endswith` on a
    memoryview (a memcmp, no copy), so a 1 MB text costs well under a millisecond.
    """
    view = memoryview(new)
    lo, hi = 0, min(len(old), len(new))
    while lo < hi:  # longest common prefix
        mid = (lo + hi + 1) // 2
        if old.startswith(view[:mid]):
            lo = mid
        else:
            hi = mid - 1
    start = lo
    while start and (_continues(old, start) or _continues(new, start)):
        start -= 1
    lo, hi = 0, min(len(old), len(new)) - start
    while lo < hi:  # longest common suffix that does not overlap the prefix
        mid = (lo + hi + 1) // 2
        if old.endswith(view[len(new) - mid:]):
            lo = mid
        else:
            hi = mid - 1
    tail = lo
    while tail and (_continues(old, len(old) - tail) or _continues(new, len(new) - tail)):
        tail -= 1
    return start, len(old) - tail, len(new) - tail


def _continues(src: bytes, i: int) -> bool:
    """Whether byte `i` of `src` is a UTF-8 continuation byte (not the start of a character)."""
    return i < len(src) and 0x80 <= src[i] < 0xC0


def _advance(src: bytes, base: int, offset: int, point: tuple[int, int]) -> tuple[int, int]:
    """The point of `offset`, given the point of an earlier offset `base`."""
    newlines = src.count(b"\n", base, offset)
    if not newlines:
        return point[0], point[1] + offset - base
    return point[0] + newlines, offset - (src.rfind(b"\n", base, offset) + 1)


class Model:
    """Frontmatter, sections and problems of one version of the text.

    Sections are stored as parallel lists (analysis, byte span, first line)
    so that moving every section after an edit is a few list operations;
    `Section` views are made on demand.
    """

    def __init__(self, source: bytes, frontmatter: FrontmatterBlock | None, cores: list[SectionCore],
                 starts: list[int], ends: list[int], rows: list[int], body_start: int, lone_cr: bool,
                 flagged: list[int] | None = None, utf8: bool | None = None) -> None:
        self.source = source
        self.frontmatter = frontmatter
        self.cores = cores
        self.starts = starts
        self.ends = ends
        self.rows = rows
        self.body_start = body_start
        self.lone_cr = lone_cr
        # Indices of sections with problems, and whether the source is valid
        # UTF-8 (None: not known yet); both kept up to date across edits so
        # that collecting problems after a keystroke does not scan everything.
        self.flagged = flagged if flagged is not None else [i for i, c in enumerate(cores) if c.problems]
        self.utf8 = utf8

    @cached_property
    def lines(self) -> LineIndex:
        """Line index of the source (built on first use)."""
        return LineIndex(self.source)

    def line_span(self, line: int) -> tuple[int, int]:
        """Byte span of 0-based `line` without its terminator, found from the
        nearest section start (no whole-buffer scan); clamped to the text."""
        src = self.source
        base, row = 0, 0
        if not self.lone_cr:
            i = bisect_right(self.rows, line) - 1
            if i >= 0:
                base, row = self.starts[i], self.rows[i]
        pos = base
        while row < line:
            nl = src.find(b"\n", pos)
            # Look for a CR only up to the next LF: an unbounded search would
            # scan the rest of the buffer on every line of a CR-free file.
            cr = src.find(b"\r", pos, nl if nl >= 0 else len(src))
            if nl < 0 and cr < 0:
                return len(src), len(src)
            if cr < 0:
                pos = nl + 1
            else:
                pos = cr + 2 if src[cr + 1 : cr + 2] == b"\n" else cr + 1
            row += 1
        nl = src.find(b"\n", pos)
        cr = src.find(b"\r", pos, nl if nl >= 0 else len(src))
        end = cr if cr >= 0 else (nl if nl >= 0 else len(src))
        return pos, end

    def line_text(self, line: int) -> str:
        """Text of 0-based `line` without its terminator."""
        a, b = self.line_span(line)
        return decode(self.source[a:b])

    def section(self, i: int) -> Section:
        """The i-th section (including dropped whitespace-only prose)."""
        return Section(self.cores[i], self.starts[i], self.ends[i], self.rows[i])

    @cached_property
    def sections(self) -> list[Section]:
        """All sections in order, including whitespace-only prose DLM drops."""
        return [Section(c, a, b, r) for c, a, b, r in zip(self.cores, self.starts, self.ends, self.rows)]

    @property
    def live_sections(self) -> list[Section]:
        """The sections DLM keeps (whitespace-only prose sections are dropped)."""
        return [s for s in self.sections if not s.core.dropped]

    def section_at_line(self, line: int) -> Section | None:
        """The section containing 0-based `line`, if any."""
        i = bisect_right(self.rows, line) - 1
        if i >= 0:
            s = self.section(i)
            if line <= s.end_line:
                return s
        return None

    @cached_property
    def problems(self) -> list[Problem]:
        """Every problem, in document order."""
        out: list[Problem] = []
        if self.utf8 is None:
            self.utf8 = _is_utf8(self.source)
        if self.source.startswith(b"\xef\xbb\xbf") or not self.utf8:
            out.extend(encoding_problems(self.source, self.lines))
        out.extend(self._frontmatter_problems())
        cores, rows = self.cores, self.rows
        for i in self.flagged:
            row = rows[i]
            out.extend(p.shifted(row) for p in cores[i].problems)
        out.sort(key=lambda p: (p.range.start_line, p.range.start_col))
        return out

    def _frontmatter_problems(self) -> list[Problem]:
        fm = self.frontmatter
        if fm is None:
            first = self.lines.line_text(0)
            return [error("FM001", Range(0, 0, 0, max(len(first), 1)),
                          f"expected '---' on line 1 to open frontmatter, got {first!r}")]
        if not fm.closed:
            return [error("FM002", Range(0, 0, 0, 3), "no closing '---' found for frontmatter block")]
        return list(fm.info.problems) if fm.info is not None else []

    @property
    def ok(self) -> bool:
        """True when DLM's parser would accept the document."""
        return not any(p.stage == Stage.PARSE and p.severity == 1 for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        """The model in the shape of DLM's reference parse, plus our problems."""
        out: dict[str, Any] = {"ok": self.ok}
        problems = self.problems
        if not out["ok"]:
            # The error DLM would stop at: it reads encoding, then the
            # frontmatter, then the body, and stops at the first failure.
            # Deferred problems (checks DLM never reaches after an earlier
            # failure, e.g. the schema behind a bad `dlm_version`) are shown
            # to the writer but are never the error DLM would report.
            fatal = [
                p for p in problems
                if p.stage == Stage.PARSE and p.severity == 1 and not (p.data or {}).get("deferred")
            ] or [p for p in problems if p.stage == Stage.PARSE and p.severity == 1]
            first = min(fatal, key=lambda p: (_dlm_phase(p.code), p.range.start_line, p.range.start_col))
            out["error"] = {"kind": dlm_error_kind(first.code), "code": first.code,
                            "line": first.range.start_line + 1, "col": first.range.start_col + 1,
                            "message": first.message}
        info = self.frontmatter.info if self.frontmatter else None
        out["frontmatter"] = (
            {"dlm_id": info.dlm_id, "dlm_version": info.dlm_version, "base_model": info.base_model}
            if info is not None else None
        )
        out["sections"] = [dlm_json(s) for s in self.live_sections]
        out["problems"] = [p.to_json() for p in problems]
        return out


def _dlm_phase(code: str) -> int:
    return 0 if code.startswith("DLM0") else 1 if code.startswith("FM") else 2


def dlm_error_kind(code: str) -> str:
    """The name of the exception DLM's parser raises for a problem code."""
    if code.startswith("DLM0"):
        return "DlmEncodingError"
    if code in ("FM001", "FM002") or code in ("FM100", "FM101", "FM102", "FM103"):
        return "FrontmatterError"
    if code == "FM141":
        return "DlmVersionError"
    if code == "FM142":
        return "UnsupportedMigrationError"
    if code.startswith("FM"):
        return "SchemaValidationError"
    if code == "DLM311":
        return "ValueError"
    return "FenceError"


def _edit_keeps_utf8(src: bytes, start: int, end: int) -> bool:
    """Whether text that was valid UTF-8 still is after bytes [start, end)
    were written: only the characters around the edit need decoding (from
    the start of the character before it to the next character start after
    it; the rest is unchanged text that was valid)."""
    a = start - 1 if start > 0 else 0
    while a > 0 and 0x80 <= src[a] < 0xC0:
        a -= 1
    b = end
    while b < len(src) and b - end < 4 and 0x80 <= src[b] < 0xC0:
        b += 1
    return _is_utf8(src[a:b])


def _is_utf8(src: bytes) -> bool:
    try:
        src.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _frontmatter(src: bytes, node: tree_sitter.Node) -> FrontmatterBlock:
    yaml_node = None
    closed = False
    for child in node.children:
        if child.type == "yaml":
            yaml_node = child
        elif child.type == "frontmatter_delimiter" and child.start_byte > node.start_byte:
            closed = True
    yaml_text = (
        normalize_newlines(decode(strip_terminator(src[yaml_node.start_byte : yaml_node.end_byte])))
        if yaml_node is not None else None
    )
    info = None
    if closed:
        opener = Range(0, 0, 0, 3)
        info = parse_frontmatter(yaml_text or "", 1, opener)
    return FrontmatterBlock(node.start_byte, node.end_byte, yaml_text, closed, info)


def _section_core(src: bytes, node: tree_sitter.Node, body_start: int) -> SectionCore:
    kind = _SECTION_KINDS[node.type]
    start, end = node.start_byte, node.end_byte
    first = node.child(0)
    fence_span = None
    markers: list[tuple[int, int]] = []
    content_start = start
    if first is not None and first.type == "fence":
        fence_span = (first.start_byte, first.end_byte)
        content_start = skip_terminator(src, first.end_byte)
        if kind in ("instruction", "preference"):
            # Markers are the children right after the fence.
            n = first.next_sibling
            while n is not None and n.type == "marker":
                markers.append((n.start_byte, n.end_byte))
                content_start = skip_terminator(src, n.end_byte)
                n = n.next_sibling
    return build_core(kind, src, fence_span, markers, content_start, end,
                      drop_first_empty=fence_span is None and start == body_start)


def _rows(src: bytes, lone_cr: bool):
    """Row of a node's start: tree-sitter's, unless lone CRs make it count wrong."""
    if not lone_cr:
        return lambda node: node.start_point[0]
    index = LineIndex(src)
    return lambda node: index.line_of(node.start_byte)


def build_model(src: bytes, tree: tree_sitter.Tree) -> Model:
    """The model of `src` from scratch."""
    lone_cr = has_lone_cr(src)
    row = _rows(src, lone_cr)
    root = tree.root_node
    frontmatter = None
    cores: list[SectionCore] = []
    starts: list[int] = []
    ends: list[int] = []
    rows: list[int] = []
    body_start = 0
    for child in root.children:
        t = child.type
        if t == "frontmatter":
            frontmatter = _frontmatter(src, child)
            body_start = child.end_byte
        elif t in _SECTION_KINDS:
            cores.append(_section_core(src, child, body_start))
            starts.append(child.start_byte)
            ends.append(child.end_byte)
            rows.append(row(child))
    return Model(src, frontmatter, cores, starts, ends, rows, body_start, lone_cr)


def update_model(old: Model, src: bytes, tree: tree_sitter.Tree, start: int, old_end: int, new_end: int) -> Model:
    """The model of `src` after the edit [start, old_end) → [start, new_end),
    reusing every section the edit cannot have changed."""
    delta = new_end - old_end
    root = tree.root_node
    row = _rows(src, False)

    # The frontmatter is small: re-read it whenever its node or text moved.
    frontmatter = old.frontmatter
    body_start = 0
    first = root.child(0) if root.child_count else None
    if first is not None and first.type == "frontmatter":
        body_start = first.end_byte
        if frontmatter is None or start <= frontmatter.end_byte or body_start != frontmatter.end_byte:
            frontmatter = _frontmatter(src, first)
        else:
            frontmatter = FrontmatterBlock(first.start_byte, first.end_byte, frontmatter.yaml_text,
                                           frontmatter.closed, frontmatter.info)
    else:
        frontmatter = None

    # Sections before the line of the edit are untouched: the first section
    # that can change is the one holding the end of the previous line. Its
    # fence line lies wholly before the edit, so the old tree has a section
    # starting there too, and everything before it is the same.
    line_start = max(src.rfind(b"\n", 0, start), src.rfind(b"\r", 0, start)) + 1
    probe = max(line_start - 1, body_start)
    # (py-tree-sitter crashes on first_child_for_byte past the last child.)
    node = root.first_child_for_byte(probe) if probe < root.end_byte and root.child_count else None
    while node is not None and node.type not in _SECTION_KINDS:
        node = node.next_sibling
    if node is None:
        return build_model(src, tree)
    old_starts = old.starts
    k = bisect_left(old_starts, node.start_byte) if node.start_byte < start else 0
    cores, starts, ends, rows = old.cores[:k], old_starts[:k], old.ends[:k], old.rows[:k]
    flagged = [i for i in old.flagged if i < k]
    utf8 = True if old.utf8 and _edit_keeps_utf8(src, start, new_end) else None

    while node is not None:
        s_start = node.start_byte
        if s_start >= new_end:
            # The text from here on is unchanged, and a section starting here
            # in both trees (so outside any code block in both) means every
            # later section is the same: reuse them, moved.
            j = bisect_left(old_starts, s_start - delta)
            if j < len(old_starts) and old_starts[j] == s_start - delta:
                dl = row(node) - old.rows[j]
                cores += old.cores[j:]
                if delta:
                    starts += [x + delta for x in old_starts[j:]]
                    ends += [x + delta for x in old.ends[j:]]
                else:
                    starts += old_starts[j:]
                    ends += old.ends[j:]
                rows += [x + dl for x in old.rows[j:]] if dl else old.rows[j:]
                shift = len(starts) - len(old_starts)
                flagged += [i + shift for i in old.flagged if i >= j]
                return Model(src, frontmatter, cores, starts, ends, rows, body_start, False, flagged, utf8)
        core = _section_core(src, node, body_start)
        if core.problems:
            flagged.append(len(cores))
        cores.append(core)
        starts.append(s_start)
        ends.append(node.end_byte)
        rows.append(row(node))
        node = node.next_sibling
    return Model(src, frontmatter, cores, starts, ends, rows, body_start, False, flagged, utf8)
