"""textDocument/codeLens: "N suggested pairs · Accept all · Reject all" on each source section.

A prose section with pending (ready or re-anchored) synthesis suggestions
gets three lenses on its first line (its fence, or the first line of the
implicit section before any fence): a count, which is only a label (its
command id is empty, which VS Code shows as plain text), and `dlmls.accept` /
`dlmls.reject` with `{"all": true, "sectionId": …}` for that section.
Stale suggestions have no section to sit on; `dlmls/suggestions` lists
them. The lenses come from the per-version cache in `lsp/suggestions.py`,
so asking after every keystroke costs a stat of the sidecar when nothing
is pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from dlmls.lsp.suggestions import ACCEPT, REJECT

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

LABEL_COMMAND = ""  # a lens that only shows its title


def lenses(server: ServerContext, uri: str) -> list[types.CodeLens]:
    """The lenses of the open document `uri`."""
    entry = server.documents.get(uri)
    if entry is None:
        return []
    found = server.suggestions.pending(entry)
    by_section: dict[str, tuple[int, int]] = {}  # section id -> (line, count), in document order
    for p in found.placements:
        if p.placeable and p.section_id is not None and p.section_line is not None:
            line, count = by_section.get(p.section_id, (p.section_line, 0))
            by_section[p.section_id] = (line, count + 1)
    out = []
    for section_id, (line, count) in sorted(by_section.items(), key=lambda item: item[1][0]):
        rng = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
        label = f"{count} suggested pair{'s' if count != 1 else ''}"
        spec = {"all": True, "sectionId": section_id}
        out += [types.CodeLens(range=rng, command=types.Command(title=label, command=LABEL_COMMAND)),
                types.CodeLens(range=rng, command=types.Command(title="Accept all", command=ACCEPT,
                                                                arguments=[uri, spec])),
                types.CodeLens(range=rng, command=types.Command(title="Reject all", command=REJECT,
                                                                arguments=[uri, spec]))]
    return out


def register(server: ServerContext) -> None:
    """Serve code lenses (after `suggestions`, whose cache they read)."""

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        return lenses(server, params.text_document.uri) or None
