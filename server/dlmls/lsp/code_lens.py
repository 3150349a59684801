"""textDocument/codeLens: the review of staged synthesis suggestions, right where they go.

Two kinds of lenses, both from the per-version cache in `lsp/suggestions.py`
(asking after every keystroke costs a stat of the sidecar when nothing is
pending):

- On the first line of each prose section with pending (ready or
  re-anchored) suggestions (its fence, or the first line of the implicit
  section before any fence): a count, which is only a label (its command id
  is empty, which VS Code shows as plain text), and `dlmls.accept` /
  `dlmls.reject` with `{"all": true, "sectionId": …}` for that section.
- On the line of each suggestion's insertion point (where accepting puts its
  block: the next section's fence line, or the end of the file), per
  suggestion in staging order: "Accept: <question>" and "Reject", which run
  `dlmls.accept` / `dlmls.reject` with `{"ids": [id]}` (the Reject lens's
  tooltip names the question). A client that draws the suggestion's preview
  there (`dlmls/suggestions` gives its text) has its buttons next to it.

Where a section's first line is also an insertion point (a prose section
right after another with suggestions), the insertion point's lenses come
first. Stale suggestions have no place; `dlmls/suggestions` lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.lsp.suggestions import ACCEPT, REJECT

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

LABEL_COMMAND = ""  # a lens that only shows its title
QUESTION_CHARS = 60  # a longer question is cut with "…" in the Accept lens (the tooltip has it whole)


def short(text: str, limit: int = QUESTION_CHARS) -> str:
    """`text` on one line, at most `limit` characters."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[:limit - 1] + "…"


def lenses(server: ServerContext, uri: str) -> list[types.CodeLens]:
    """The lenses of the open document `uri`."""
    entry = server.documents.get(uri)
    if entry is None:
        return []
    found = server.suggestions.pending(entry)
    if not found.placements:
        return []
    by_section: dict[str, tuple[int, int]] = {}  # section id -> (line, count), in document order
    out: list[tuple[int, int, int, types.CodeLens]] = []  # (line, 0 insertion | 1 section, order, lens)
    for order, p in enumerate(found.placements):
        if not p.placeable or p.section_id is None or p.section_line is None or p.at is None:
            continue
        line, count = by_section.get(p.section_id, (p.section_line, 0))
        by_section[p.section_id] = (line, count + 1)
        at = p.at.start_line
        rng = types.Range(start=types.Position(line=at, character=0), end=types.Position(line=at, character=0))
        question, whole = short(p.suggestion.question), " ".join(p.suggestion.question.split())
        spec = {"ids": [p.suggestion.id]}
        out.append((at, 0, 2 * order, types.CodeLens(range=rng, command=types.Command(
            title=f"Accept: {question}", command=ACCEPT, arguments=[uri, spec],
            tooltip=f"Insert this pair here as an ::instruction:: section: {whole}"))))
        out.append((at, 0, 2 * order + 1, types.CodeLens(range=rng, command=types.Command(
            title="Reject", command=REJECT, arguments=[uri, spec],
            tooltip=f"Reject (never suggest again): {whole}"))))
    for order, (section_id, (line, count)) in enumerate(by_section.items()):
        rng = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
        label = f"{count} suggested pair{'s' if count != 1 else ''}"
        spec_all = {"all": True, "sectionId": section_id}
        out += [(line, 1, 3 * order, types.CodeLens(range=rng, command=types.Command(title=label,
                                                                                      command=LABEL_COMMAND))),
                (line, 1, 3 * order + 1, types.CodeLens(range=rng, command=types.Command(
                    title="Accept all", command=ACCEPT, arguments=[uri, spec_all]))),
                (line, 1, 3 * order + 2, types.CodeLens(range=rng, command=types.Command(
                    title="Reject all", command=REJECT, arguments=[uri, spec_all])))]
    return [lens for *_, lens in sorted(out, key=lambda item: item[:3])]


def register(server: ServerContext) -> None:
    """Serve code lenses (after `suggestions`, whose cache they read)."""

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        return lenses(server, params.text_document.uri) or None
