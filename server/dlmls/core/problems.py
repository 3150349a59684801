"""Problems: what is wrong with a document, where, and how DLM would react.

Every check in the core reports through these values instead of raising.
A problem has a stable `code` (documented in `docs/problems.md`), a
`severity`, an exact `range`, a message, and a `stage` that says when DLM
itself would object: `parse` (DLM's parser rejects the document), `train`
(DLM parses it but refuses at training time) or `lint` (DLM accepts it and
silently does something the writer probably did not mean). Keeping the
stage separate from the severity lets the conformance tests compare our
accept/reject decision with DLM's exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Severity(IntEnum):
    """Same numbering as LSP's DiagnosticSeverity, so conversion is trivial."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    HINT = 4


class Stage(StrEnum):
    """When DLM itself would notice the problem."""

    PARSE = "parse"
    TRAIN = "train"
    LINT = "lint"


@dataclass(frozen=True, slots=True)
class Range:
    """A span of text: 0-based lines, 0-based columns counted in code points.

    The end is exclusive. Code points (not bytes, not UTF-16 units) keep the
    core independent of any one editor; the LSP layer converts.
    """

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def shifted(self, lines: int) -> Range:
        """The same range moved down by `lines` lines."""
        if not lines:
            return self
        return Range(self.start_line + lines, self.start_col, self.end_line + lines, self.end_col)

    def contains_line(self, line: int) -> bool:
        """True when 0-based `line` is one of the lines this range touches."""
        return self.start_line <= line <= self.end_line

    def __str__(self) -> str:  # 1-based, as printed by `dlmls check`
        return f"{self.start_line + 1}:{self.start_col + 1}-{self.end_line + 1}:{self.end_col + 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One diagnostic. `data` carries machine-readable extras (e.g. the schema
    path of a frontmatter value, or suggestions for a quick fix)."""

    code: str
    severity: Severity
    range: Range
    message: str
    stage: Stage
    data: dict[str, Any] | None = field(default=None, compare=False)

    def shifted(self, lines: int) -> Problem:
        """The same problem moved down by `lines` lines."""
        if not lines:
            return self
        return Problem(self.code, self.severity, self.range.shifted(lines), self.message, self.stage, self.data)

    def to_json(self) -> dict[str, Any]:
        """The shape printed by `dlmls check --json` (1-based lines and columns)."""
        r = self.range
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.name.lower(),
            "stage": self.stage.value,
            "range": {
                "start": {"line": r.start_line + 1, "column": r.start_col + 1},
                "end": {"line": r.end_line + 1, "column": r.end_col + 1},
            },
            "message": self.message,
        }
        if self.data:
            out["data"] = self.data
        return out


def error(code: str, rng: Range, message: str, stage: Stage = Stage.PARSE, **data: Any) -> Problem:
    """An error-severity problem (by default one DLM's parser also rejects)."""
    return Problem(code, Severity.ERROR, rng, message, stage, data or None)


def warning(code: str, rng: Range, message: str, **data: Any) -> Problem:
    """A warning: DLM accepts this but probably not the way the writer meant."""
    return Problem(code, Severity.WARNING, rng, message, Stage.LINT, data or None)
