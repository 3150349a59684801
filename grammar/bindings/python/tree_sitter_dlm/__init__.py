"""tree-sitter grammar for `.dlm` documents: `language()` and the query files."""

from importlib.resources import files as _files

from ._binding import language


def query(name: str) -> str:
    """The text of `queries/<name>.scm` (highlights, injections, folds)."""
    path = _files(__package__) / "queries" / f"{name}.scm"
    return path.read_text() if path.is_file() else ""


__all__ = ["language", "query"]
