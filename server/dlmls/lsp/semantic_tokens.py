"""textDocument/semanticTokens/full and textDocument/semanticTokens/range.

Tokens come from the tree-sitter tree (the same node kinds the grammar's
`highlights.scm` captures) plus the frontmatter keys the YAML reader located:

- `keyword`: section types in fences, and Q/A / Prompt / Chosen / Rejected headers
- `decorator`: the `#adapter` name of a fence
- `property`: attribute names (fences and markers) and frontmatter keys
- `string`: attribute values
- `operator`: the `=` of an attribute
- `comment`: provenance markers (`<!--`, the marker kind, `-->`)

Tokens never span lines and never overlap. tree-sitter columns are bytes;
each is turned into a code-point column from the line's text and then into
the negotiated position encoding, and the list is encoded relative to the
previous token as LSP requires (five integers per token).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import tree_sitter
from lsprotocol import types

from dlmls.core.document import Document, Model
from dlmls.core.text import decode
from dlmls.lsp.positions import column

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

TOKEN_TYPES = ["keyword", "decorator", "property", "string", "operator", "comment"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=[])
_INDEX = {name: i for i, name in enumerate(TOKEN_TYPES)}

# Named node types and the anonymous tokens (by parent type) that get a token.
_NAMED = {
    "section_type": "keyword",
    "q_header": "keyword",
    "a_header": "keyword",
    "prompt_header": "keyword",
    "chosen_header": "keyword",
    "rejected_header": "keyword",
    "adapter_name": "decorator",
    "attribute_name": "property",
    "attribute_value": "string",
    "marker_kind": "comment",
}
_ANONYMOUS = {
    ("attribute", "="): "operator",
    ("marker", "<!--"): "comment",
    ("marker", " -->"): "comment",
}
# Subtrees that hold nothing to colour.
_SKIP = {"text_line", "blank_line", "code_line", "code_fence", "yaml", "frontmatter_delimiter"}

Token = tuple[int, int, int, int]  # line, code-point column, code-point length, type index


class _Lines:
    """Byte spans and text of lines, read once each."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._cache: dict[int, tuple[int, bytes, str]] = {}

    def get(self, line: int) -> tuple[int, bytes, str]:
        hit = self._cache.get(line)
        if hit is None:
            a, b = self.model.line_span(line)
            raw = self.model.source[a:b]
            hit = self._cache[line] = (a, raw, decode(raw))
        return hit


def _tree_tokens(doc: Document, lines: _Lines, first: int, last: int) -> list[Token]:
    model = doc.model
    out: list[Token] = []

    def emit(node: tree_sitter.Node, kind: str) -> None:
        line = model.lines.line_of(node.start_byte) if model.lone_cr else node.start_point[0]
        if line < first or line > last:
            return
        start, raw, _ = lines.get(line)
        a = node.start_byte - start
        b = min(node.end_byte - start, len(raw))
        if b <= a:
            return
        text = decode(raw[a:b])
        stripped = text.strip()
        if not stripped:
            return
        col = len(decode(raw[:a])) + len(text) - len(text.lstrip())
        out.append((line, col, len(stripped), _INDEX[kind]))

    def walk(node: tree_sitter.Node, parent_type: str) -> None:
        for child in node.children:
            if not model.lone_cr and (child.end_point[0] < first or child.start_point[0] > last):
                continue
            t = child.type
            if t in _SKIP:
                continue
            if t == "fence" and parent_type == "unknown_section":
                continue  # DLM rejects it; the diagnostic says so
            kind = _NAMED.get(t) if child.is_named else _ANONYMOUS.get((parent_type, t))
            if kind is not None:
                emit(child, kind)
            elif child.child_count:
                walk(child, t)

    walk(doc.tree.root_node, "document")
    return out


def _frontmatter_tokens(model: Model, first: int, last: int) -> list[Token]:
    block = model.frontmatter
    info = block.info if block is not None else None
    if info is None:
        return []
    out: list[Token] = []
    for pos in info.positions.values():
        key = pos.key
        if key is None or key.start_line != key.end_line or key.end_col <= key.start_col:
            continue
        if first <= key.start_line <= last:
            out.append((key.start_line, key.start_col, key.end_col - key.start_col, _INDEX["property"]))
    return out


def tokens(doc: Document, first: int = 0, last: int | None = None) -> list[Token]:
    """Sorted, non-overlapping tokens on lines `first`..`last` in code points."""
    if last is None:
        last = doc.tree.root_node.end_point[0] + 1 if not doc.model.lone_cr else doc.model.lines.line_count
    lines = _Lines(doc.model)
    found = _tree_tokens(doc, lines, first, last) + _frontmatter_tokens(doc.model, first, last)
    found.sort()
    out: list[Token] = []
    for tok in found:
        if out and out[-1][0] == tok[0] and tok[1] < out[-1][1] + out[-1][2]:
            continue  # overlaps the previous token
        out.append(tok)
    return out


def encode(doc: Document, toks: list[Token], encoding: str) -> list[int]:
    """LSP's relative encoding of `toks`, columns and lengths in `encoding`."""
    data: list[int] = []
    prev_line = prev_col = 0
    lines = _Lines(doc.model)
    for line, col, length, kind in toks:
        text = lines.get(line)[2]
        start = column(text, col, encoding)
        end = column(text, col + length, encoding)
        delta_line = line - prev_line
        delta_col = start - prev_col if delta_line == 0 else start
        data += [delta_line, delta_col, end - start, kind, 0]
        prev_line, prev_col = line, start
    return data


def full(doc: Document, encoding: str) -> types.SemanticTokens:
    """Tokens for the whole document."""
    return types.SemanticTokens(data=encode(doc, tokens(doc), encoding))


def for_range(doc: Document, rng: types.Range, encoding: str) -> types.SemanticTokens:
    """Tokens on the lines `rng` touches (clients accept tokens a little beyond the range)."""
    last = rng.end.line - (1 if rng.end.character == 0 and rng.end.line > rng.start.line else 0)
    return types.SemanticTokens(data=encode(doc, tokens(doc, rng.start.line, last), encoding))


def register(server: DlmLanguageServer) -> None:
    """Serve semantic tokens for whole documents and ranges."""

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def semantic_tokens_full(params: types.SemanticTokensParams) -> types.SemanticTokens | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        return full(entry.document, server.position_encoding)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    def semantic_tokens_range(params: types.SemanticTokensRangeParams) -> types.SemanticTokens | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        return for_range(entry.document, params.range, server.position_encoding)
