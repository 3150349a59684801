"""Text helpers shared by the core: decoding, line breaks and line indexes.

DLM reads a document as strict UTF-8 with a leading BOM dropped and CRLF or a
lone CR read as LF. We keep the original bytes (tree-sitter parses them, and
edits arrive against them) and apply DLM's rules wherever text is extracted,
so every line number agrees with DLM's while byte offsets still address the
buffer the editor holds.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from dlmls.core.problems import Problem, Range, Severity, Stage, warning

BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"\r\n?|\n")
MAX_ENCODING_PROBLEMS = 50


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR → LF, as DLM's reader does."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_terminator(raw: bytes) -> bytes:
    """Drop one trailing line terminator (LF, CRLF or CR) from `raw`."""
    if raw.endswith(b"\n"):
        return raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    if raw.endswith(b"\r"):
        return raw[:-1]
    return raw


def skip_terminator(src: bytes, pos: int) -> int:
    """The offset just after the line terminator that starts at `pos`, if any."""
    if src[pos : pos + 2] == b"\r\n":
        return pos + 2
    if src[pos : pos + 1] in (b"\n", b"\r"):
        return pos + 1
    return pos


def has_lone_cr(src: bytes) -> bool:
    """True when a CR not followed by LF occurs (tree-sitter rows ignore those)."""
    if b"\r" not in src:
        return False
    return src.count(b"\r") != src.count(b"\r\n")


def decode(raw: bytes) -> str:
    """Decode for display and analysis; invalid bytes become U+FFFD (reported
    separately by `encoding_problems`)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


class LineIndex:
    """Maps byte offsets to (line, column) the way DLM counts lines.

    Columns are code points. Built once per source in linear time; lookups
    are a bisection plus the decode of one line prefix.
    """

    __slots__ = ("src", "starts")

    def __init__(self, src: bytes) -> None:
        self.src = src
        self.starts = [0]
        self.starts.extend(m.end() for m in _LINE_BREAK.finditer(src))

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing terminator opens one more, empty line)."""
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """0-based line containing byte `offset`."""
        return bisect_right(self.starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, code-point column) of byte `offset`."""
        line = self.line_of(offset)
        start = self.starts[line]
        return line, len(decode(self.src[start:offset]))

    def line_span(self, line: int) -> tuple[int, int]:
        """Byte span of `line` without its terminator."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.src)
        return start, start + len(strip_terminator(self.src[start:end]))

    def line_text(self, line: int) -> str:
        """Text of `line` without its terminator."""
        if line < 0 or line >= len(self.starts):
            return ""
        a, b = self.line_span(line)
        return decode(self.src[a:b])

    def offset(self, line: int, col: int) -> int:
        """Byte offset of (line, code-point column), clamped to the line."""
        if line >= len(self.starts):
            return len(self.src)
        a, b = self.line_span(max(line, 0))
        text = decode(self.src[a:b])
        return a + len(text[: max(col, 0)].encode("utf-8"))

    def range(self, start: int, end: int) -> Range:
        """The `Range` of the byte span [start, end)."""
        sl, sc = self.position(start)
        el, ec = self.position(end)
        return Range(sl, sc, el, ec)


def encoding_problems(src: bytes, index: LineIndex) -> list[Problem]:
    """Invalid UTF-8 (an error where DLM refuses the file) and a leading BOM."""
    problems: list[Problem] = []
    if src.startswith(BOM):
        problems.append(
            warning("DLM002", Range(0, 0, 0, 1), "UTF-8 byte order mark at the start of the file; DLM drops it")
        )
    pos = 0
    while len(problems) < MAX_ENCODING_PROBLEMS:
        try:
            src[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            line, col = index.position(start)
            problems.append(
                Problem(
                    "DLM001",
                    Severity.ERROR,
                    Range(line, col, line, col + 1),
                    f"invalid UTF-8 at byte {start} ({exc.reason}); DLM reads .dlm files as strict UTF-8",
                    Stage.PARSE,
                    {"byte": start},
                )
            )
            pos = end
    return problems


REPLACEMENT = "\ufffd".encode()  # U+FFFD, what editors show for bytes they cannot decode


def file_encoding_problem(file_bytes: bytes) -> Problem | None:
    """DLM001 for an editor buffer read from a file that is not valid UTF-8; None when the file is valid.

    An editor opening such a file shows each undecodable byte sequence as
    U+FFFD and sends the server that text, so the buffer itself is valid and
    the model never sees the bad bytes; and saving writes the U+FFFD
    characters back in their place. The language server calls this, with the
    bytes on disk, only when the buffer holds a U+FFFD. The range is where
    the first bad byte is in the file (the same place in the buffer until an
    edit above it moves it).
    """
    try:
        file_bytes.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        start, reason = exc.start, exc.reason
    line, col = LineIndex(file_bytes).position(start)
    bad = file_bytes[start:start + 1].hex()
    return Problem(
        "DLM001", Severity.ERROR, Range(line, col, line, col + 1),
        f"the file on disk is not valid UTF-8: its first bad byte (0x{bad}, {reason}) is at line {line + 1}, "
        f"column {col + 1} (byte {start}); the editor shows undecodable bytes as U+FFFD, and saving will "
        "replace them with U+FFFD for good. DLM reads .dlm files as strict UTF-8",
        Stage.PARSE, {"byte": start, "file": True},
    )
