"""Where in the YAML frontmatter a cursor is, read from the text alone.

Completion runs while the writer types, when the frontmatter is usually not
valid YAML (`  lo` under `training:` is a syntax error), so the parsed
frontmatter and its positions cannot tell us where we are. This module reads
the lines the way a person does: indentation for block mappings, `- ` for
list items (also at the same indentation as their key), and a small scanner
for a flow mapping or list on the cursor's line (`training: {seed: 3, lo`).
The result is the schema path of the mapping the cursor is in (key
position) or of the key whose value is being typed (value position), plus
the partial word to replace and the keys the mapping already has.

Lines are the frontmatter lines only (without the `---` delimiters);
columns are code points. Nothing here raises: a shape we cannot read gives
None, and completion simply offers nothing there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

Path = tuple[str | int, ...]

_KEY_RE: Final = re.compile(r"""("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"{\[\]}][^:#]*?)\s*:(?=\s|$)""")
_PARTIAL_KEY_RE: Final = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_-]*)?")
_KEY_CHARS_RE: Final = re.compile(r"[A-Za-z0-9_-]*")
_VALUE_RE: Final = re.compile(r"""[^\s#,\[\]{}"']*""")
_BLOCK_SCALAR_RE: Final = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?")
_NODE_PROPS_RE: Final = re.compile(r"(?:[&!]\S*\s*)+")


@dataclass(frozen=True, slots=True)
class YamlContext:
    """What the cursor is typing in the frontmatter.

    At a key position `path` is the mapping the new key goes into; at a
    value position it is the key whose value is typed (`key` is its last
    part). `start`..`end` is the partial word to replace (it may run past
    the cursor); `indent` is the column of the keys of that mapping.
    """

    path: Path
    at_value: bool
    start: int
    end: int
    indent: int
    present: frozenset[str] = field(default_factory=frozenset)
    colon_follows: bool = False  # key position: a `:` already follows the word
    needs_space: bool = False  # value position right after the `:`: insert " value"
    flow: bool = False  # inside `{...}` / `[...]`: no multi-line insertions


@dataclass(frozen=True, slots=True)
class _Line:
    indent: int  # column of the first character (the first dash, for list items)
    dash: int | None  # column of the last `- ` indicator, if any
    key_col: int  # column of the key (or of the content after the dashes)
    key: str | None
    value: str  # text after `key:` (comment-only values are empty)

    @property
    def opens_block(self) -> bool:
        """A `key:` whose value continues on the following, deeper lines."""
        return self.key is not None and (not self.value or bool(_NODE_PROPS_RE.fullmatch(self.value)))


def _unquote(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        return key[1:-1]
    return key


def _parse_line(text: str) -> _Line | None:
    """A line's shape; None for blank and comment lines."""
    s = text.rstrip()
    rest = s.lstrip(" ")
    if not rest or rest.startswith("#"):
        return None
    indent = col = len(s) - len(rest)
    dash = None
    while rest.startswith("-") and (len(rest) == 1 or rest[1] in " \t"):
        dash = col
        after = rest[1:]
        rest = after.lstrip(" \t")
        col += 1 + len(after) - len(rest)
    m = _KEY_RE.match(rest)
    if m is None:
        return _Line(indent, dash, col, None, rest)
    value = rest[m.end():].strip()
    if value.startswith("#"):
        value = ""
    return _Line(indent, dash, col, _unquote(m.group(1).strip()), value)


class _Lines:
    """The frontmatter lines, parsed once, with block-scalar content blanked."""

    def __init__(self, lines: list[str]) -> None:
        self.text = lines
        self.lines: list[_Line | None] = []
        scalar_col = -1  # inside a `|` / `>` block scalar of a key at this column
        for text in lines:
            ln = _parse_line(text)
            if scalar_col >= 0:
                if ln is None or ln.indent > scalar_col:
                    self.lines.append(None)
                    continue
                scalar_col = -1
            if ln is not None and ln.key is not None and _BLOCK_SCALAR_RE.fullmatch(ln.value):
                scalar_col = ln.key_col if ln.dash is None else ln.dash
            self.lines.append(ln)

    def mapping_at(self, j: int, col: int) -> Path | None:
        """Path of the mapping holding the key at `col` on line `j`."""
        ln = self.lines[j]
        if ln is not None and ln.dash is not None and ln.key_col == col:
            return self.item_path(j, ln.dash)
        return self.mapping_above(j, col)

    def key_path(self, j: int) -> Path | None:
        """Path of the key written on line `j`."""
        ln = self.lines[j]
        if ln is None or ln.key is None:
            return None
        base = self.mapping_at(j, ln.key_col)
        return None if base is None else (*base, ln.key)

    def mapping_above(self, i: int, col: int) -> Path | None:
        """Path of the mapping whose keys sit at `col`, read from the lines above `i`."""
        for j in range(i - 1, -1, -1):
            ln = self.lines[j]
            if ln is None:
                continue
            if ln.key is not None and ln.key_col == col:
                if ln.dash is not None:  # the first key of a list item
                    return self.item_path(j, ln.dash)
                continue  # a sibling key
            if ln.indent < col:
                if ln.key is not None and ln.key_col < col:
                    return self.key_path(j)
                if ln.dash is not None:  # a bare `-`: the item's keys follow on deeper lines
                    return self.item_path(j, ln.dash)
                return None
        return ()

    def item_path(self, j: int, dash: int) -> Path | None:
        """Path of the list item whose `- ` is at column `dash` on line `j`."""
        index = 0
        for k in range(j - 1, -1, -1):
            ln = self.lines[k]
            if ln is None or ln.indent > dash:
                continue
            if ln.dash is not None and ln.indent == dash:
                index += 1
                continue
            if ln.opens_block and ln.key_col <= dash:
                base = self.key_path(k)
                return None if base is None else (*base, index)
            return None
        return None

    def present(self, i: int, col: int, new_item: bool) -> frozenset[str]:
        """Keys at `col` in the mapping around line `i` (line `i` itself excluded)."""
        keys: set[str] = set()
        if not new_item:
            for j in range(i - 1, -1, -1):
                ln = self.lines[j]
                if ln is None or (ln.indent > col and ln.key_col != col):
                    continue
                if ln.key is not None and ln.key_col == col:
                    keys.add(ln.key)
                    if ln.dash is not None:
                        break
                    continue
                break
        for j in range(i + 1, len(self.lines)):
            ln = self.lines[j]
            if ln is None or ln.indent > col:
                continue
            if ln.key is not None and ln.key_col == col and ln.dash is None:
                keys.add(ln.key)
                continue
            break
        return frozenset(keys)


def yaml_context(lines: list[str], line: int, col: int) -> YamlContext | None:
    """The completion context at (`line`, `col`) of the frontmatter `lines`, or None."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    col = max(0, min(col, len(text)))
    try:
        ctx = _context(_Lines(lines), line, col)
    except RecursionError:  # absurdly deep nesting: offer nothing
        return None
    if ctx is None:
        return None
    # The word to replace runs on past the cursor, so that completing in the
    # middle of `lo|ra_r` does not leave `ra_r` behind.
    if ctx.at_value:
        if ctx.needs_space and text[col:].strip():
            return None
        end = _VALUE_RE.match(text, col).end()
        return replace(ctx, end=end)
    end = _KEY_CHARS_RE.match(text, col).end()
    return replace(ctx, end=end, colon_follows=text[end:].lstrip().startswith(":"))


def _context(doc: _Lines, line: int, col: int) -> YamlContext | None:
    if doc.lines[line] is None and doc.text[line].strip() and not doc.text[line].lstrip().startswith("#"):
        return None  # inside a block scalar
    prefix = doc.text[line][:col]
    if "#" in prefix and prefix.lstrip(" -").startswith("#"):
        return None  # in a comment
    # Leading indentation and list dashes.
    rest = prefix.lstrip(" ")
    at = len(prefix) - len(rest)
    dash = None
    while len(rest) > 1 and rest[0] == "-" and rest[1] in " \t":
        dash = at
        after = rest[1:]
        rest = after.lstrip(" \t")
        at += 1 + len(after) - len(rest)
    if rest.startswith(("{", "[")):
        base = doc.item_path(line, dash) if dash is not None else None
        return None if base is None else _flow(prefix, at, base)

    if _PARTIAL_KEY_RE.fullmatch(rest):  # a key (or nothing yet)
        path = doc.item_path(line, dash) if dash is not None else doc.mapping_above(line, at)
        if path is None:
            return None
        return YamlContext(path, False, at, col, at, doc.present(line, at, dash is not None))

    m = _KEY_RE.match(rest)
    if m is None:
        return None
    key = _unquote(m.group(1).strip())
    key_path = doc.item_path(line, dash) if dash is not None else doc.mapping_above(line, at)
    if key_path is None:
        return None
    key_path = (*key_path, key)
    after_colon = at + m.end()
    value = prefix[after_colon:]
    typed = value.lstrip(" ")
    if typed.startswith(("{", "[")):
        return _flow(prefix, col - len(typed), key_path)
    if not _VALUE_RE.fullmatch(typed) or (typed and not value.startswith((" ", "\t"))):
        return None
    return YamlContext(key_path, True, col - len(typed), col, at, needs_space=not value)


@dataclass(slots=True)
class _Frame:
    kind: str  # "{" or "["
    path: Path
    token: int  # column where the current key or item starts
    key: str | None = None
    value: int = 0  # column just after the key's `:`
    index: int = 0
    present: set[str] = field(default_factory=set)


def _flow(prefix: str, start: int, base: Path) -> YamlContext | None:
    """The context inside a flow collection opening at column `start` of the cursor line."""
    stack: list[_Frame] = []
    i = start
    n = len(prefix)
    while i < n:
        ch = prefix[i]
        top = stack[-1] if stack else None
        if ch in "\"'":
            close = prefix.find(ch, i + 1)
            if close < 0:
                return None  # inside a quoted string
            i = close + 1
            continue
        if ch in "{[":
            if top is None:
                path = base
            else:
                part = top.key if top.kind == "{" else top.index
                if part is None:
                    return None
                path = (*top.path, part)
            stack.append(_Frame(ch, path, i + 1))
        elif ch in "}]":
            if top is None:
                return None
            stack.pop()
            if not stack:
                return None  # the collection is closed before the cursor
        elif top is not None and ch == ",":
            if top.kind == "{":
                if top.key:
                    top.present.add(top.key)
                top.key = None
            else:
                top.index += 1
            top.token = i + 1
        elif top is not None and ch == ":" and top.kind == "{" and top.key is None and (
            i + 1 >= n or prefix[i + 1] in " ,}]"
        ):
            top.key = _unquote(prefix[top.token : i].strip())
            top.value = i + 1
        i += 1
    if not stack:
        return None
    top = stack[-1]
    if top.kind == "{" and top.key is None:
        typed = prefix[top.token :].lstrip()
        if not _PARTIAL_KEY_RE.fullmatch(typed):
            return None
        at = n - len(typed)
        return YamlContext(top.path, False, at, n, at, frozenset(top.present), flow=True)
    if top.kind == "{":
        value = prefix[top.value :]
        path = (*top.path, top.key)
    else:
        value = prefix[top.token :]
        path = (*top.path, top.index)
    typed = value.lstrip()
    if not _VALUE_RE.fullmatch(typed):
        return None
    at = n - len(typed)
    return YamlContext(path, True, at, n, at, flow=True, needs_space=top.kind == "{" and not value)
