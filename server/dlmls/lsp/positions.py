"""Columns between the core and the client.

The core counts columns in code points; an LSP client counts them in the
position encoding negotiated at `initialize` (UTF-16 unless the client offers
UTF-8 or UTF-32). Converting one line at a time, and only lines that carry a
result, keeps a diagnostics run independent of the document's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.core.text import decode

if TYPE_CHECKING:
    from dlmls.core.document import Document, Model
    from dlmls.core.problems import Range

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def encoding_name(kind: object) -> str:
    """The unit name `Document.offset_at` takes, from a negotiated encoding."""
    name = str(getattr(kind, "value", kind) or UTF16).lower()
    return name if name in (UTF8, UTF16, UTF32) else UTF16


def column(text: str, col: int, encoding: str) -> int:
    """Code-point column `col` of a line with `text` counted in `encoding`.

    Columns past the end of the line (an error marker just after the last
    character) keep their excess: clients clamp, and the range stays visible.
    """
    if encoding == UTF32 or text.isascii():
        return col
    head = text[:col]
    extra = max(0, col - len(text))
    if encoding == UTF8:
        return len(head.encode("utf-8", "surrogatepass")) + extra
    return len(head.encode("utf-16-le", "surrogatepass")) // 2 + extra


class RangeConverter:
    """Converts core ranges of one model, reading each line's text once."""

    def __init__(self, model: Model, encoding: str) -> None:
        self.model = model
        self.encoding = encoding
        self._lines: dict[int, str] = {}

    def _line(self, line: int) -> str:
        text = self._lines.get(line)
        if text is None:
            text = self._lines[line] = self.model.line_text(line)
        return text

    def position(self, line: int, col: int) -> types.Position:
        """An LSP position from a 0-based line and a code-point column."""
        if self.encoding != UTF32 and col:
            col = column(self._line(line), col, self.encoding)
        return types.Position(line=line, character=col)

    def range(self, rng: Range) -> types.Range:
        """An LSP range from a core range."""
        return types.Range(start=self.position(rng.start_line, rng.start_col),
                           end=self.position(rng.end_line, rng.end_col))

    def range_json(self, rng: Range) -> dict[str, dict[str, int]]:
        """An LSP range as its JSON object (for messages built without lsprotocol's converter)."""
        start, end = rng.start_col, rng.end_col
        if self.encoding != UTF32:
            if start:
                start = column(self._line(rng.start_line), start, self.encoding)
            if end:
                end = column(self._line(rng.end_line), end, self.encoding)
        return {"start": {"line": rng.start_line, "character": start},
                "end": {"line": rng.end_line, "character": end}}


def code_point_column(doc: Document, line: int, character: int, encoding: str) -> int:
    """The code-point column of an LSP position (`character` counted in `encoding`), clamped to the line."""
    model = doc.model
    start, _ = model.line_span(line)
    return len(decode(model.source[start : doc.offset_at(line, character, encoding)]))
