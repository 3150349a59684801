"""Results and notifications that are already plain JSON, sent without lsprotocol's converter.

pygls turns every result into lsprotocol attrs objects and back through
cattrs and `json`; for the few messages that are large and frequent (the
outline and diagnostics of a big document) that costs more than computing
them, so those features build plain JSON values, cache them per section or
problem, and hand them over wrapped in `RawJson`; `DlmProtocol` encodes them
with msgspec.
"""

from __future__ import annotations

from typing import Any


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
