"""Shared by the benchmarks: record a table between markers in RESULTS.md.

Each benchmark owns one block (`<!-- name:start -->` … `<!-- name:end -->`),
so running one benchmark with `--write` replaces only its own figures.
"""

from __future__ import annotations

import platform
from pathlib import Path

RESULTS = Path(__file__).parent / "RESULTS.md"


def machine() -> str:
    """A one-line description of where the figures were taken."""
    import os

    return (f"{platform.machine()}, {os.cpu_count()} cores, "
            f"{platform.python_implementation()} {platform.python_version()}")


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def record(name: str, body: str, after: tuple[str, ...] = ()) -> None:
    """Replace (or add) block `name` of RESULTS.md with `body`.

    A new block goes right after the first of the blocks named in `after` that exists (in that order),
    else at the end of the file.
    """
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        for other in after:
            mark = f"<!-- {other}:end -->"
            if mark in text:
                cut = text.index(mark) + len(mark)
                text = text[:cut] + "\n\n" + block + text[cut:]
                break
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
