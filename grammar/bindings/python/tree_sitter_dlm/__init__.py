"""tree-sitter grammar for `.dlm` documents: `language()` and the query files."""

from pathlib import Path as _Path

from ._binding import language

# The queries are installed next to this module (a real directory in a wheel, a
# symlink into grammar/queries in an editable install). A plain path, not
# importlib.resources: that import alone costs ~30 ms of the server's start.
_QUERIES = _Path(__file__).parent / "queries"


def query(name: str) -> str:
    """The text of `queries/<name>.scm` (highlights, injections, folds)."""
    path = _QUERIES / f"{name}.scm"
    return path.read_text() if path.is_file() else ""


__all__ = ["language", "query"]
