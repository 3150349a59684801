"""Results and notifications that are already plain JSON, sent without lsprotocol's converter.

pygls turns every result into lsprotocol attrs objects and back through
cattrs and `json`; for the few messages that are large and frequent (the
outline and diagnostics of a big document) that costs more than computing
them, so those features build plain JSON values, cache them per section or
problem, and hand them over wrapped in `RawJson`; `DlmProtocol` encodes them
with msgspec. The largest (outline, folding ranges) are cached per section
as already encoded JSON (`encode`) and sent as one `array` of those pieces,
so a keystroke re-encodes one section, not the whole document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import msgspec


class RawJson:
    """A handler result that is already plain JSON values (dicts, lists, str, int, ...).

    Returned by handlers whose results are large (the outline of a 1 MB
    document has ~15,000 ranges): it goes out encoded by msgspec, skipping
    lsprotocol's attrs objects and cattrs converter, which cost more than
    computing the result.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    @classmethod
    def encoded(cls, data: bytes) -> RawJson:
        """A result whose JSON is already encoded (`data`), sent as it is."""
        return cls(msgspec.Raw(data))


def encode(value: Any) -> bytes:
    """The JSON of plain values (a lone surrogate, which UTF-8 cannot hold, is escaped as `json` does)."""
    try:
        return msgspec.json.encode(value)
    except UnicodeEncodeError:
        return json.dumps(value).encode("ascii")


def array(items: Iterable[bytes]) -> bytes:
    """A JSON array from pieces that are each the encoded JSON of zero or more items, comma-separated."""
    return b"[" + b",".join(filter(None, items)) + b"]"


LINE_KEYS = frozenset({"line", "startLine", "endLine"})
_SENTINEL = 7_340_031_977_000_000  # line numbers no document has; each template numbers its own from here


class LineTemplate:
    """The encoded JSON of a value whose line numbers (`line`, `startLine`, `endLine`) are relative to one
    first line, ready to be rendered at any first line by one `bytes % tuple`.

    An edit that adds or removes a line moves every later section: its
    outline symbol or folds are the same but for their line numbers.
    Rebuilding and re-encoding them costs ~0.1 ms a section (more than a
    second after Enter near the top of a 5,000-section document, for the
    outline); rendering a template costs a microsecond or two.
    """

    __slots__ = ("template", "lines")

    def __init__(self, template: bytes, lines: tuple[int, ...]) -> None:
        self.template = template
        self.lines = lines

    @classmethod
    def make(cls, value: Any, base: int) -> LineTemplate | None:
        """The template of `value` (plain JSON values with absolute lines) relative to line `base`;
        None when its text happens to hold one of the markers used to find the numbers."""
        lines: list[int] = []

        def mark(v: Any) -> Any:
            if isinstance(v, dict):
                out = {}
                for k, x in v.items():
                    if k in LINE_KEYS and type(x) is int:
                        lines.append(x - base)
                        out[k] = _SENTINEL + len(lines) - 1
                    else:
                        out[k] = mark(x)
                return out
            if isinstance(v, list):
                return [mark(x) for x in v]
            return v

        data = encode(mark(value))
        markers = [str(_SENTINEL + i).encode() for i in range(len(lines))]
        if any(data.count(m) != 1 for m in markers):
            return None
        order = sorted(range(len(lines)), key=lambda i: data.index(markers[i]))
        data = data.replace(b"%", b"%%")
        for m in markers:
            data = data.replace(m, b"%d")
        return cls(data, tuple(lines[i] for i in order))

    def at(self, base: int) -> bytes:
        """The encoded JSON with its first line at `base`."""
        return self.template % tuple(base + line for line in self.lines)
