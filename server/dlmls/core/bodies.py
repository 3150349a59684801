"""Instruction and preference section bodies, read as DLM's trainer reads them.

DLM checks these bodies only when it trains; we check them as the writer
types. The reading follows DLM's current body grammar exactly (a header is a
line whose stripped text is `### Q`, `### A`, ... ; a body runs to the next
header or the end of the section, keeps blank lines and is stripped; lines
come from `str.splitlines()`), so the first error we find is the one DLM
would raise, with DLM's message and section-relative line (`BodyError`).
Unlike DLM we then recover at the next opening header and keep going, so
every broken pair is reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dlmls.core.fences import LineIssue

Q, A = "### Q", "### A"
PROMPT, CHOSEN, REJECTED = "### Prompt", "### Chosen", "### Rejected"
_PROBE_HEADER = "### Q !probe"
# Characters other than LF at which str.splitlines() also breaks a line.
_EXOTIC_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\r]")


@dataclass(slots=True)
class BodyError:
    """The error DLM's trainer would raise for this body (its first one)."""

    kind: str
    section_line: int
    message: str


@dataclass(slots=True)
class Pair:
    """One `### Q` / `### A` pair. Lines are relative to the content's first line."""

    question: str
    answer: str
    q_line: int
    a_line: int
    end_line: int  # last line of the answer body (inclusive)
    probe: bool


@dataclass(slots=True)
class Triple:
    """One preference triple. Lines are relative to the content's first line."""

    prompt: str
    chosen: str
    rejected: str
    prompt_line: int
    chosen_line: int
    rejected_line: int
    end_line: int


@dataclass(slots=True)
class BodyIssue:
    """A body problem on a content-relative line (columns span that line)."""

    code: str
    line: int
    message: str
    severity: str = "error"


def split_lines(content: str) -> tuple[list[str], list[int] | None]:
    """`content.splitlines()` plus, where they differ, each line's line number
    in the document relative to the content start (None when line i is
    simply row i, i.e. splitlines broke only at LF)."""
    if not _EXOTIC_BREAKS.search(content):
        lines = content.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines, None
    lines = content.splitlines(keepends=True)
    rows, row = [], 0
    for piece in lines:
        rows.append(row)
        if piece.endswith("\n"):
            row += 1
    return [piece.splitlines()[0] if piece.splitlines() else "" for piece in lines], rows


_HEADER_LIKE = re.compile(r"(#{1,6})[ \t]*([A-Za-z]+)[:.]?(?:[ \t]+(\S.*))?")
_HEADER_WORDS = {Q: "question", A: "answer"}


def misspelled_header(line: str, header: str) -> str | None:
    """What `line` was meant to be when it looks like a misspelled `### Q` or `### A` (`header`):
    the header (`### Aswer`, `## A`, `###A`, `### a`, `### Answer:`), or the header and the text
    written after it on the next line (`### A It is.`); None when it does not look like one.

    DLM's reader takes only the exact header, so such a line is body text to it: the
    question runs on, and the error shows up later (DLM403, DLM404) or here (DLM401)."""
    stripped = line.strip()
    if stripped in (header, _PROBE_HEADER) or not stripped.startswith("#"):
        return None
    m = _HEADER_LIKE.fullmatch(stripped)
    if m is None:
        return None
    word, rest = m[2].lower(), m[3]
    letter, full = header[-1].lower(), _HEADER_WORDS[header]
    if word == letter or word == full or (rest is None and len(word) >= 2 and full.startswith(word)):
        pass  # `### a`, `### Answer: text`, `### Ans` (but `### An example` is a heading)
    elif len(word) >= 4 and rest is None:
        import difflib  # only for lines that are already suspects

        if difflib.SequenceMatcher(None, word, full).ratio() < 0.75:
            return None  # `### Notes`, `### About`: a heading, not a header
    else:
        return None
    return header if rest is None else f"{header}\n{rest}"


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.stripped = [line.strip() for line in lines]
        self.i = 0

    def peek(self) -> str | None:
        return self.lines[self.i] if self.i < len(self.lines) else None

    def eof(self) -> bool:
        return self.i >= len(self.lines)

    def skip_blank(self) -> None:
        while self.i < len(self.lines) and self.stripped[self.i] == "":
            self.i += 1

    def read_body(self, headers: tuple[str, ...]) -> tuple[str, int]:
        """Read to the next header; return (stripped body, last body line)."""
        start = self.i
        while self.i < len(self.lines) and self.stripped[self.i] not in headers:
            self.i += 1
        return "\n".join(self.lines[start : self.i]).strip(), self.i - 1


@dataclass(slots=True)
class ParsedBody:
    """Result of reading one instruction or preference body."""

    items: tuple[Pair, ...] | tuple[Triple, ...]
    error: BodyError | None
    issues: tuple[BodyIssue, ...]
    rows: tuple[int, ...] | None  # content line index -> row offset, if not the identity


def parse_instruction(content: str) -> ParsedBody:
    """Q/A pairs of an instruction section body."""
    lines, rows = split_lines(content)
    if "!probe" in content and any(line.strip() == _PROBE_HEADER for line in lines):
        probes = {i for i, line in enumerate(lines) if line.strip() == _PROBE_HEADER}
        lines = [Q if i in probes else line for i, line in enumerate(lines)]
    else:
        probes = set()
    it = _Lines(lines)
    pairs: list[Pair] = []
    issues: list[BodyIssue] = []
    error: BodyError | None = None

    def fail(code: str, line: int, dlm_line: int, message: str, shown: str | None = None) -> None:
        # `message` is DLM's own (the body error); `shown`, where given, says more to the writer.
        nonlocal error
        if error is None:
            error = BodyError("InstructionParseError", dlm_line, message)
        issues.append(BodyIssue(code, line, shown or message))

    def answer_lookalike(start: int, end: int) -> str | None:
        # A line of the question body [start, end) that was meant as `### A`.
        for i in range(start, end):
            if it.stripped[i].startswith("#") and misspelled_header(it.stripped[i], A) is not None:
                return lines[i]
        return None

    def recover() -> None:
        # Resume at the next `### Q` so later pairs are still checked.
        it.i += 1
        while not it.eof() and it.stripped[it.i] != Q:
            it.i += 1

    it.skip_blank()
    while not it.eof():
        q_line = it.i
        if it.stripped[q_line] != Q:
            fail("DLM401", q_line, q_line + 1, f"expected `{Q}` header alone on its line, got {it.peek()!r}")
            recover()
            it.skip_blank()
            continue
        it.i += 1
        question, _ = it.read_body((Q, A))
        if not question:
            fail("DLM402", q_line, it.i + 1, "### Q body is empty")
            if it.eof() or it.stripped[it.i] != A:
                it.skip_blank()
                continue
        if it.eof():
            meant = answer_lookalike(q_line + 1, it.i)
            fail("DLM403", q_line, it.i + 1, f"### Q without matching `{A}` at end of section",
                 None if meant is None else f"### Q without matching `{A}` at end of section; got {meant!r} "
                                            f"(a misspelled `{A}`?)")
            break
        if it.stripped[it.i] != A:
            # DLM quotes the line after the question body: the next `### Q`. Where a line in the
            # body was meant as the `### A`, that is the line to show.
            meant = answer_lookalike(q_line + 1, it.i)
            fail("DLM404", q_line, it.i + 1,
                 f"### Q must be followed by `{A}` alone on its line, got {it.peek()!r}",
                 None if meant is None else f"### Q must be followed by `{A}` alone on its line, got {meant!r} "
                                            f"(a misspelled `{A}`?)")
            continue  # the next line is a `### Q`: start the next pair there
        a_line = it.i
        it.i += 1
        answer, last = it.read_body((Q, A))
        if not answer:
            fail("DLM405", a_line, it.i + 1, "### A body is empty")
        elif question:
            pairs.append(Pair(question, answer, q_line, a_line, max(last, a_line), q_line in probes))
        if not it.eof() and it.stripped[it.i] == A:
            fail("DLM401", it.i, it.i + 1, f"expected `{Q}` header alone on its line, got {it.peek()!r}")
            recover()
        it.skip_blank()
    if not pairs and error is None:
        fail("DLM400", 0, 1, "instruction block has no ### Q / ### A pairs")
    return ParsedBody(tuple(pairs), error, tuple(issues), tuple(rows) if rows is not None else None)


def parse_preference(content: str) -> ParsedBody:
    """Prompt/Chosen/Rejected triples of a preference section body."""
    lines, rows = split_lines(content)
    it = _Lines(lines)
    headers = (PROMPT, CHOSEN, REJECTED)
    triples: list[Triple] = []
    issues: list[BodyIssue] = []
    error: BodyError | None = None

    def fail(code: str, line: int, dlm_line: int, message: str) -> None:
        nonlocal error
        if error is None:
            error = BodyError("PreferenceParseError", dlm_line, message)
        issues.append(BodyIssue(code, line, message))

    it.skip_blank()
    while not it.eof():
        parts: list[str] = []
        at: list[int] = []
        last = it.i
        for expected in headers:
            line = it.peek()
            if line is None:
                fail("DLM413", at[0] if at else max(len(lines) - 1, 0), it.i + 1,
                     f"expected `{expected}` header, got end of section")
                break
            if it.stripped[it.i] != expected:
                fail("DLM411", it.i, it.i + 1, f"expected `{expected}` header alone on its line, got {line!r}")
                break
            at.append(it.i)
            it.i += 1
            body, last = it.read_body(headers)
            if not body:
                fail("DLM412", at[-1], it.i + 1, f"`{expected}` body is empty")
                break
            parts.append(body)
        if len(parts) == 3:
            triples.append(Triple(*parts, *at, max(last, at[-1])))
        else:
            # Resume at the next `### Prompt` after the line that failed.
            it.i = max(it.i, (at[-1] + 1) if at else it.i + 1)
            while not it.eof() and it.stripped[it.i] != PROMPT:
                it.i += 1
        it.skip_blank()
    if not triples and error is None:
        fail("DLM410", 0, 1, "preference block has no ### Prompt / ### Chosen / ### Rejected triples")
    return ParsedBody(tuple(triples), error, tuple(issues), tuple(rows) if rows is not None else None)


def as_line_issue(issue: BodyIssue, width: int) -> LineIssue:
    """A body issue as a whole-line issue (the caller places the line)."""
    return LineIssue(issue.code, 0, width, issue.message, stage="train")
