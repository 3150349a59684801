"""textDocument/semanticTokens/full, full/delta and range.

Tokens come from the tree-sitter tree (the node kinds the grammar's
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

Editors ask for the whole document's tokens after nearly every edit, so
they are found with a tree-sitter query (matched in C, not by walking nodes
in Python) and kept per section: a section the edit did not touch keeps its
core object, and its tokens, relative to its first line, are reused (a
keystroke in a 1 MB document re-tokenises one section instead of ~5,000),
as already encoded integers (see `TokenCache`). `full/delta` answers with the
one changed span of the integer list, found by comparing the sections'
pieces by identity, so neither the server nor the editor goes through the
whole list again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.core.text import decode
from dlmls.lsp.positions import column
from dlmls.lsp.raw import RawJson
from dlmls.lsp.workspace import PerDocument, unchanged_ends

if TYPE_CHECKING:
    import tree_sitter

    from dlmls.core.document import Document, Model
    from dlmls.lsp.context import ServerContext

TOKEN_TYPES = ["keyword", "decorator", "property", "string", "operator", "comment"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=[])
_INDEX = {name: i for i, name in enumerate(TOKEN_TYPES)}

# Capture names are token types.
_QUERY = """
(section_type) @keyword
[(q_header) (a_header) (prompt_header) (chosen_header) (rejected_header)] @keyword
(adapter_name) @decorator
(attribute_name) @property
(attribute_value) @string
(marker_kind) @comment
(attribute "=" @operator)
(marker ["<!--" " -->"] @comment)
"""
_IN_FENCE = {"section_type", "adapter_name", "attribute_name", "attribute_value", "="}
_query: tree_sitter.Query | None = None

Token = tuple[int, int, int, int]  # line, code-point column, code-point length, type index


def _compiled() -> tree_sitter.Query:
    global _query
    if _query is None:
        import tree_sitter

        from dlmls.core.document import LANGUAGE

        _query = tree_sitter.Query(LANGUAGE, _QUERY)
    return _query


def _in_unknown_section(node: tree_sitter.Node) -> bool:
    """Whether a fence token belongs to an unknown section's fence (DLM rejects it; the diagnostic says so)."""
    while node is not None and node.type != "fence":
        node = node.parent
    return node is not None and node.parent is not None and node.parent.type == "unknown_section"


class _Lines:
    """Each line's bytes and text, found from a node's own position and read once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._cache: dict[int, tuple[int, bytes, str]] = {}

    def at(self, line: int, start: int) -> tuple[int, bytes, str]:
        """Line `line`, which begins at byte `start` (known from a tree node: no search)."""
        hit = self._cache.get(line)
        if hit is None:
            src = self.model.source
            end = src.find(b"\n", start)
            end = len(src) if end < 0 else end
            raw = src[start:end]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            hit = self._cache[line] = (start, raw, decode(raw))
        return hit

    def get(self, line: int) -> tuple[int, bytes, str]:
        """Line `line`, found through the model."""
        hit = self._cache.get(line)
        if hit is None:
            a, b = self.model.line_span(line)
            raw = self.model.source[a:b]
            hit = self._cache[line] = (a, raw, decode(raw))
        return hit


def _tree_tokens(doc: Document, lines: _Lines, start_byte: int, end_byte: int) -> list[Token]:
    """Tokens of the tree nodes in bytes [start_byte, end_byte), unsorted."""
    import tree_sitter

    model = doc.model
    cursor = tree_sitter.QueryCursor(_compiled())
    cursor.set_byte_range(start_byte, end_byte)
    out: list[Token] = []
    for kind, nodes in cursor.captures(doc.tree.root_node).items():
        index = _INDEX[kind]
        for node in nodes:
            if node.type in _IN_FENCE and _in_unknown_section(node):
                continue
            if model.lone_cr:  # tree-sitter counts only LF as a line break; DLM counts a lone CR too
                line = model.lines.line_of(node.start_byte)
                line_start, raw, _ = lines.get(line)
            else:
                line, bcol = node.start_point
                line_start, raw, _ = lines.at(line, node.start_byte - bcol)
            a = node.start_byte - line_start
            b = min(node.end_byte - line_start, len(raw))
            if b <= a:
                continue
            text = decode(raw[a:b])
            stripped = text.strip()
            if not stripped:
                continue
            col = len(decode(raw[:a])) + len(text) - len(text.lstrip())
            out.append((line, col, len(stripped), index))
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


def _clean(found: list[Token]) -> list[Token]:
    """`found` sorted, without tokens that overlap the one before."""
    found.sort()
    out: list[Token] = []
    for tok in found:
        if out and out[-1][0] == tok[0] and tok[1] < out[-1][1] + out[-1][2]:
            continue
        out.append(tok)
    return out


def _byte_range(model: Model, first: int, last: int) -> tuple[int, int]:
    start = model.line_span(first)[0]
    return start, model.line_span(last)[1] + 1


def tokens(doc: Document, first: int = 0, last: int | None = None) -> list[Token]:
    """Sorted, non-overlapping tokens on lines `first`..`last` in code points."""
    model = doc.model
    if last is None:
        start, end = 0, len(model.source) + 1
        last = 1 << 62
    else:
        start, end = _byte_range(model, first, last)
    lines = _Lines(model)
    found = [t for t in _tree_tokens(doc, lines, start, end) if first <= t[0] <= last]
    return _clean(found + _frontmatter_tokens(model, first, last))


def _in_units(toks: list[Token], lines: _Lines, encoding: str) -> Iterator[Token]:
    """`toks` with columns and lengths counted in `encoding`."""
    for line, col, length, kind in toks:
        text = lines.get(line)[2]
        start = column(text, col, encoding)
        yield line, start, column(text, col + length, encoding) - start, kind


def encode(toks: list[Token]) -> list[int]:
    """LSP's relative encoding of sorted `toks` (columns already in the client's units)."""
    data: list[int] = []
    prev_line = prev_col = 0
    for line, start, length, kind in toks:
        delta_line = line - prev_line
        data += [delta_line, start - prev_col if delta_line == 0 else start, length, kind, 0]
        prev_line, prev_col = line, start
    return data


class Encoded:
    """One section's tokens, encoded: the integers with the first line delta relative to the section's
    first line, that line and the last token's (relative too), and the piece last sent for it."""

    __slots__ = ("core", "ints", "first", "last", "piece")

    def __init__(self, core: Any, ints: list[int], first: int, last: int) -> None:
        self.core, self.ints, self.first, self.last = core, ints, first, last
        self.piece: list[int] = []

    def at(self, line_delta: int) -> list[int]:
        """The section's integers with its first token `line_delta` lines after the previous token:
        the same list as last time when that did not change."""
        if self.ints and (not self.piece or self.piece[0] != line_delta):
            self.piece = [line_delta, *self.ints[1:]]
        return self.piece


class TokenCache:
    """The tokens of one open document, encoded per section, and the last result's pieces for deltas.

    LSP encodes each token relative to the one before it, and a section's
    first token is always on a later line than the previous section's last
    one; so a section's encoded integers depend on the rest of the document
    only through its first token's line delta. Each section keeps its
    integers (`Encoded`) by its core object; a result is those pieces, in
    order, with the first delta of each set. After an edit the sections at
    both ends are the same objects (`workspace.unchanged_ends`): those before
    keep their pieces; those after moved as a block, so only the first of
    them with tokens may need a new first delta; only the ones between are
    looked at. A piece that did not change is the same list object as last
    time, so `piece_delta` finds the edit by identity, without reading the
    integers.
    """

    __slots__ = ("_encoding", "_head", "_ids", "_rows", "_pieces", "_by_id", "result_id", "pieces", "_serial")

    def __init__(self) -> None:
        self._encoding = ""
        self._head: list[int] = []  # the frontmatter's piece
        self._ids: list[int] = []  # the sections of the last result: ids of their cores, first lines, pieces
        self._rows: list[int] = []
        self._pieces: list[list[int]] = []
        self._by_id: dict[int, Encoded] = {}  # by id(core); holding the core keeps its id unique
        self.result_id: str | None = None
        self.pieces: list[list[int]] = []  # the last result sent
        self._serial = 0

    def full(self, doc: Document, encoding: str) -> list[int]:
        """The whole document's encoded tokens (see `result`)."""
        return list(chain.from_iterable(self.result(doc, encoding)))

    def result(self, doc: Document, encoding: str) -> list[list[int]]:
        """The whole document's encoded tokens as pieces (their concatenation is the LSP data),
        reusing the sections the last edits left alone."""
        model = doc.model
        lines = _Lines(model)
        if model.lone_cr:  # line numbers come from the model's index there; not worth caching
            self._ids, self._rows, self._pieces, self._by_id = [], [], [], {}
            return [encode(list(_in_units(tokens(doc), lines, encoding)))]
        head_piece = encode(list(_in_units(_clean(_frontmatter_tokens(model, 0, 1 << 62)), lines, encoding)))
        restart = encoding != self._encoding or head_piece != self._head
        if restart:
            self._ids, self._rows, self._pieces = [], [], []  # start over (the sections' integers stay)
            if encoding != self._encoding:
                self._by_id = {}
            self._encoding, self._head = encoding, head_piece
        cores, rows, by_id = model.cores, model.rows, self._by_id
        ids = list(map(id, cores))
        head, tail = unchanged_ends(self._ids, ids)
        head = min(head, unchanged_ends(self._rows, rows)[0])
        end = len(cores) - tail  # the sections [head, end) are looked at
        missing = [i for i in range(head, end)
                   if (hit := by_id.get(ids[i])) is None or hit.core is not cores[i]]
        found: dict[int, list[Token]] = {}
        if len(missing) > 64:  # a first request, or a big change: one query over the whole tree
            found = _bucket(_tree_tokens(doc, lines, 0, len(model.source) + 1), rows)
        fresh: dict[int, Encoded] = {}
        for i in missing:
            section = model.section(i)
            toks = found.get(i)
            if toks is None:
                toks = [t for t in _tree_tokens(doc, lines, section.start_byte, section.end_byte)
                        if section.start_line <= t[0] <= section.end_line]
            rel = [(line - section.start_line, a, n, k)
                   for line, a, n, k in _in_units(_clean(toks), lines, encoding)]
            fresh[ids[i]] = Encoded(cores[i], encode(rel), rel[0][0] if rel else 0, rel[-1][0] if rel else 0)
        for i in range(head, end):  # the moved ones
            if ids[i] not in fresh:
                fresh[ids[i]] = by_id[ids[i]]
        for key in self._ids[head:len(self._ids) - tail]:
            by_id.pop(key, None)
        by_id.update(fresh)
        prev_line = self._last_line_before(head, cores, rows)
        middle = []
        for i in range(head, end):
            hit = by_id[ids[i]]
            middle.append(hit.at(rows[i] + hit.first - prev_line))
            if hit.ints:
                prev_line = rows[i] + hit.last
        after = self._pieces[len(self._pieces) - tail:]
        for j in range(end, len(cores)):  # the first section after the middle with tokens: its first delta
            hit = by_id[ids[j]]
            if hit.ints:
                after = list(after)
                after[j - end] = hit.at(rows[j] + hit.first - prev_line)
                break
        pieces = self._pieces[:head] + middle + after
        self._ids, self._rows, self._pieces = ids, rows, pieces
        if restart:  # what the last result held is not known: keep the sections of this one only
            self._by_id = {key: by_id[key] for key in ids}
        return [self._head, *filter(None, pieces)]  # the same head object while it is unchanged

    def _last_line_before(self, i: int, cores: list[Any], rows: list[int]) -> int:
        """The line of the last token before section `i` (the frontmatter's, or 0, when none)."""
        for k in range(i - 1, -1, -1):
            hit = self._by_id[id(cores[k])]
            if hit.ints:
                return rows[k] + hit.last
        return sum(self._head[0::5])

    def remember(self, pieces: list[list[int]]) -> str:
        """Keep `pieces` as the latest result sent; its result id."""
        self._serial += 1
        self.result_id, self.pieces = str(self._serial), pieces
        return self.result_id


def _bucket(toks: list[Token], starts: list[int]) -> dict[int, list[Token]]:
    """Tokens by the index of the section whose first line is at or before theirs."""
    out: dict[int, list[Token]] = {}
    for tok in toks:
        i = bisect_right(starts, tok[0]) - 1
        if i >= 0:
            out.setdefault(i, []).append(tok)
    for i in range(len(starts)):
        out.setdefault(i, [])
    return out


def delta(old: list[int], new: list[int], offset: int = 0) -> list[dict[str, Any]]:
    """The one edit (common prefix and suffix kept) that turns `old` into `new`, as LSP SemanticTokensEdits
    (`offset`: where `old` starts in the client's data)."""
    if old == new:
        return []
    n = min(len(old), len(new))
    head = 0
    while head < n and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < n - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    return [{"start": offset + head, "deleteCount": len(old) - head - tail,
             "data": new[head:len(new) - tail]}]


def piece_delta(old: list[list[int]], new: list[list[int]]) -> list[dict[str, Any]]:
    """The edit that turns the data of pieces `old` into that of `new` (see `TokenCache`): pieces that are
    the same objects at both ends are kept unread; the integers between them are diffed by `delta`."""
    n = min(len(old), len(new))
    head = 0
    while head < n and old[head] is new[head]:
        head += 1
    tail = 0
    while tail < n - head and old[len(old) - 1 - tail] is new[len(new) - 1 - tail]:
        tail += 1
    start = sum(map(len, old[:head]))
    return delta(list(chain.from_iterable(old[head:len(old) - tail])),
                 list(chain.from_iterable(new[head:len(new) - tail])), start)


def for_range(doc: Document, rng: types.Range, encoding: str) -> list[int]:
    """Encoded tokens on the lines `rng` touches (clients accept tokens a little beyond the range)."""
    last = rng.end.line - (1 if rng.end.character == 0 and rng.end.line > rng.start.line else 0)
    return encode(list(_in_units(tokens(doc, rng.start.line, max(rng.start.line, last)),
                                 _Lines(doc.model), encoding)))


def register(server: ServerContext) -> None:
    """Serve semantic tokens for whole documents (with deltas) and ranges."""
    caches = PerDocument(server.documents, TokenCache)

    def pieces(uri: str) -> tuple[TokenCache, list[list[int]]] | None:
        entry = server.documents.get(uri)
        if entry is None:
            return None
        cache = caches[uri]
        return cache, cache.result(entry.document, server.position_encoding)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def semantic_tokens_full(params: types.SemanticTokensParams) -> RawJson | None:
        found = pieces(params.text_document.uri)
        if found is None:
            return None
        cache, new = found
        return RawJson({"resultId": cache.remember(new), "data": list(chain.from_iterable(new))})

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA)
    def semantic_tokens_delta(params: types.SemanticTokensDeltaParams) -> RawJson | None:
        found = pieces(params.text_document.uri)
        if found is None:
            return None
        cache, new = found
        if cache.result_id is not None and params.previous_result_id == cache.result_id:
            edits = piece_delta(cache.pieces, new)
            return RawJson({"resultId": cache.remember(new), "edits": edits})
        return RawJson({"resultId": cache.remember(new), "data": list(chain.from_iterable(new))})

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    def semantic_tokens_range(params: types.SemanticTokensRangeParams) -> RawJson | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        return RawJson({"data": for_range(entry.document, params.range, server.position_encoding)})
