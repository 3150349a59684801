"""Read and check the YAML frontmatter of a `.dlm` document.

DLM loads the block with `yaml.safe_load`, migrates it to schema version
15 and validates it with pydantic, stopping at the first failure and
reporting every schema error at line 2. An editor needs more: every problem
at once, each on the exact key or value it concerns, and never an
exception, whatever the writer has typed so far. So this module

- parses with PyYAML's own pure-Python `SafeLoader` machinery (the same
  scanner, parser, resolver and constructor as `yaml.safe_load`, so YAML 1.1
  typing, merge keys and last-wins duplicates behave exactly as in DLM), but
  composes the node graph itself, iteratively, to keep every key's and
  value's position (aliases included) and to bound nesting depth and
  merge-key expansion;
- migrates v1 documents in memory exactly as DLM does;
- validates against the table in `schema.py` with coercions that reproduce
  pydantic's lax mode, so the accept/reject decision is DLM's
  (`tests/core/test_schema_differential.py` checks that against DLM).

Problems that DLM would only report once other errors are fixed (its
cross-field checks run only after every field is valid, and schema errors
are never reached after a version error) carry `data["deferred"] = True`.
`data["path"]` is DLM's pydantic `loc` joined with "."; the member labels
pydantic adds inside unions (`literal['auto']`, `int`, `list[str]`) are left
out, since we report one problem per value rather than one per union branch.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import difflib
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Final

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dlmls.core.problems import Problem, Range, Severity, Stage, error, warning
from dlmls.core.schema import (
    ADAPTER_NAME_RE,
    CURRENT_SCHEMA_VERSION,
    DPO_MIGRATION,
    FLAT_ADAPTER_KEYS,
    ROOT,
    ULID_RE,
    FieldSpec,
    Kind,
    iter_fields,
)

CODES: Final[dict[str, str]] = {
    "FM100": "invalid YAML syntax",
    "FM101": "YAML value cannot be constructed (unknown tag, bad !!binary/!!timestamp, unhashable key, ...)",
    "FM102": "YAML too deeply nested or merge keys expand too far",
    "FM103": "frontmatter is not a mapping",
    "FM110": "unknown key",
    "FM111": "key is not a string",
    "FM112": "missing required key",
    "FM120": "wrong type",
    "FM121": "value out of range",
    "FM122": "value not one of the allowed values",
    "FM123": "dlm_id is not a valid ULID",
    "FM124": "invalid adapter name",
    "FM125": "training.adapters is empty",
    "FM130": "training.gate.enabled needs two or more named adapters",
    "FM131": "flat per-adapter key set while training.adapters is declared",
    "FM140": "dlm_version is not an integer",
    "FM141": "dlm_version is newer than DLM supports",
    "FM142": "dlm_version is below 1 (no migration exists)",
    "FM150": "duplicate key (the later one wins)",
    "FM151": "key silently dropped by the v1 -> v2 migration",
    "FM199": "internal error while checking the frontmatter",
}

MAX_DEPTH: Final[int] = 400
"""Deepest YAML nesting we compose. DLM's recursive composer dies with a
RecursionError at roughly 490 levels (the exact depth depends on the call
stack), so anything deeper is rejected by DLM too."""

MAX_MERGED_PAIRS: Final[int] = 100_000
"""Budget for pairs copied by `<<` merge keys; nested merges can otherwise
grow exponentially (a "billion laughs" that hangs DLM)."""

MAX_PROBLEMS: Final[int] = 500
"""Alias-heavy documents can yield quadratically many problems; the rest are
dropped (the accept/reject decision is unaffected)."""


@dataclass(frozen=True, slots=True)
class KeyPosition:
    """Where a key and its value are written. `key` is None for list items
    and the root; an empty value is a zero-width range right after the `:`."""

    key: Range | None
    value: Range


@dataclass(frozen=True, slots=True)
class Frontmatter:
    """The result of `parse_frontmatter`."""

    raw: Any  # the constructed YAML after migration (last duplicate wins); None on a YAML error
    values: dict[str, Any]  # validated values, defaults filled in, invalid values replaced by defaults
    dlm_id: str | None
    dlm_version: int | None  # after migration (15 for an accepted document)
    base_model: str | None
    positions: dict[tuple[Any, ...], KeyPosition]
    problems: list[Problem]
    written_version: int | None = None  # `dlm_version` as written (1 when absent), None if not an int
    ok: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ok", not any(p.severity is Severity.ERROR for p in self.problems))


class _TooComplex(Exception):
    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


# --------------------------------------------------------------------------
# YAML: PyYAML's SafeLoader, with our own composer and a few guards.


class _Loader(yaml.SafeLoader):
    """`yaml.SafeLoader` that keeps what it constructed and never leaks a
    non-YAML exception (DLM would crash on those; we report them)."""

    merged_pairs = 0

    def construct_document(self, node: Node) -> Any:
        # Same as SafeConstructor's, minus clearing `constructed_objects`,
        # which we need to map nodes to the keys they became.
        data = self.construct_object(node)
        while self.state_generators:
            state_generators = self.state_generators
            self.state_generators = []
            for generator in state_generators:
                for _ in generator:
                    pass
        return data

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, _TooComplex, RecursionError, MemoryError):
            raise
        except Exception as exc:  # e.g. `!!int x`, a 5000-digit int, `2020-13-45`
            raise ConstructorError(
                None, None, f"cannot read this {_tag_name(node.tag)} value: {exc}", node.start_mark
            ) from None

    def flatten_mapping(self, node: MappingNode) -> None:
        # PyYAML's algorithm unchanged (same mutation order, same errors), plus
        # a budget on the pairs it copies.
        merge: list[Any] = []
        index = 0
        while index < len(node.value):
            key_node, value_node = node.value[index]
            if key_node.tag == "tag:yaml.org,2002:merge":
                del node.value[index]
                if isinstance(value_node, MappingNode):
                    self.flatten_mapping(value_node)
                    self._spend(len(value_node.value), key_node)
                    merge.extend(value_node.value)
                elif isinstance(value_node, SequenceNode):
                    submerge = []
                    for subnode in value_node.value:
                        if not isinstance(subnode, MappingNode):
                            raise ConstructorError(
                                "while constructing a mapping",
                                node.start_mark,
                                f"expected a mapping for merging, but found {subnode.id}",
                                subnode.start_mark,
                            )
                        self.flatten_mapping(subnode)
                        submerge.append(subnode.value)
                    submerge.reverse()
                    for value in submerge:
                        self._spend(len(value), key_node)
                        merge.extend(value)
                else:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"expected a mapping or list of mappings for merging, but found {value_node.id}",
                        value_node.start_mark,
                    )
            elif key_node.tag == "tag:yaml.org,2002:value":
                key_node.tag = "tag:yaml.org,2002:str"
                index += 1
            else:
                index += 1
        if merge:
            self._spend(len(node.value), node)
            node.value = merge + node.value

    def _spend(self, n: int, node: Node) -> None:
        self.merged_pairs += n
        if self.merged_pairs > MAX_MERGED_PAIRS:
            raise _TooComplex(
                f"merge keys (`<<`) expand to more than {MAX_MERGED_PAIRS} entries", node.start_mark.index
            )


def _tag_name(tag: str) -> str:
    return tag.removeprefix("tag:yaml.org,2002:")


@dataclass(slots=True)
class _Composed:
    root: Node | None
    # (id(sequence), index) or (id(pair), "k"/"v") -> (start, end) of the alias text
    aliases: dict[tuple[int, Any], tuple[int, int]]
    tight_end: dict[int, int]  # id(node) -> end index without trailing blank lines
    own_pairs: dict[int, list[tuple[Node, Node]]]  # id(mapping) -> pairs as written (before merges)


def _compose(loader: _Loader, text: str) -> _Composed:
    """PyYAML's `get_single_node`, iterative, keeping alias occurrences."""
    aliases: dict[tuple[int, Any], tuple[int, int]] = {}
    tight: dict[int, int] = {}
    own: dict[int, list[tuple[Node, Node]]] = {}
    anchors: dict[str, Node] = {}
    loader.get_event()  # StreamStart
    root: Node | None = None
    if not loader.check_event(StreamEndEvent):
        loader.get_event()  # DocumentStart
        root = _compose_node(loader, text, anchors, aliases, tight, own)
        loader.get_event()  # DocumentEnd
    if not loader.check_event(StreamEndEvent):
        event = loader.get_event()
        raise yaml.composer.ComposerError(
            "expected a single document in the stream",
            root.start_mark if root is not None else None,
            "but found another document",
            event.start_mark,
        )
    loader.get_event()
    return _Composed(root, aliases, tight, own)


@dataclass(slots=True)
class _Frame:
    node: Node
    key: Node | None = None
    key_alias: tuple[int, int] | None = None
    last_end: int = 0


def _compose_node(
    loader: _Loader,
    text: str,
    anchors: dict[str, Node],
    aliases: dict[tuple[int, Any], tuple[int, int]],
    tight: dict[int, int],
    own: dict[int, list[tuple[Node, Node]]],
) -> Node:
    stack: list[_Frame] = []
    while True:
        done: Node | None = None
        alias_span: tuple[int, int] | None = None
        if loader.check_event(AliasEvent):
            event = loader.get_event()
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            done = anchors[event.anchor]
            alias_span = (event.start_mark.index, event.end_mark.index)
        else:
            event = loader.peek_event()
            anchor = event.anchor
            if anchor is not None and anchor in anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {anchor!r}; first occurrence",
                    anchors[anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            if loader.check_event(ScalarEvent):
                event = loader.get_event()
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(ScalarNode, event.value, event.implicit)
                done = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
                end = event.end_mark.index
                if event.style in ("|", ">"):
                    # Block scalars own their trailing blank lines; a range
                    # should stop at the last visible character.
                    start = event.start_mark.index
                    end = start + len(text[start:end].rstrip())
                tight[id(done)] = end
                if anchor is not None:
                    anchors[anchor] = done
            else:
                event = loader.get_event()
                tag = event.tag
                is_seq = isinstance(event, SequenceStartEvent)
                if not is_seq and not isinstance(
                    event, MappingStartEvent
                ):  # pragma: no cover - parser guarantees
                    raise yaml.composer.ComposerError(None, None, "unexpected event", event.start_mark)
                cls = SequenceNode if is_seq else MappingNode
                if tag is None or tag == "!":
                    tag = loader.resolve(cls, None, event.implicit)
                node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
                if anchor is not None:
                    anchors[anchor] = node
                if len(stack) >= MAX_DEPTH:
                    raise _TooComplex(f"nested more than {MAX_DEPTH} levels deep", event.start_mark.index)
                stack.append(_Frame(node, last_end=event.end_mark.index))
        # Attach finished nodes to their parents, closing collections as they end.
        while True:
            if done is not None:
                end = alias_span[1] if alias_span else tight[id(done)]
                if not stack:
                    return done
                frame = stack[-1]
                parent = frame.node
                if isinstance(parent, SequenceNode):
                    if alias_span:
                        aliases[(id(parent), len(parent.value))] = alias_span
                    parent.value.append(done)
                    frame.last_end = max(frame.last_end, end)
                elif frame.key is None:
                    frame.key = done
                    frame.key_alias = alias_span
                    frame.last_end = max(frame.last_end, end)
                else:
                    pair = (frame.key, done)
                    if frame.key_alias:
                        aliases[(id(pair), "k")] = frame.key_alias
                    if alias_span:
                        aliases[(id(pair), "v")] = alias_span
                    parent.value.append(pair)
                    frame.key = None
                    frame.key_alias = None
                    frame.last_end = max(frame.last_end, end)
                done = None
                alias_span = None
            if not stack:  # pragma: no cover - the root is returned above
                raise yaml.composer.ComposerError(None, None, "empty document", None)
            frame = stack[-1]
            end_cls = SequenceEndEvent if isinstance(frame.node, SequenceNode) else MappingEndEvent
            if frame.key is None and loader.check_event(end_cls):
                event = loader.get_event()
                node = frame.node
                node.end_mark = event.end_mark
                tight[id(node)] = event.end_mark.index if node.flow_style else frame.last_end
                if isinstance(node, MappingNode):
                    own[id(node)] = list(node.value)
                stack.pop()
                done = node
                continue
            break


# --------------------------------------------------------------------------
# Positions


class _Text:
    """Maps string indexes of the YAML text to document positions."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line
        self.starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self.starts.append(i + 1)
            i = find("\n", i + 1)

    def pos(self, index: int) -> tuple[int, int]:
        index = max(0, min(index, len(self.text)))
        line = bisect_right(self.starts, index) - 1
        return line + self.first_line, index - self.starts[line]

    def range(self, start: int, end: int) -> Range:
        end = max(start, end)
        sl, sc = self.pos(start)
        el, ec = self.pos(end)
        return Range(sl, sc, el, ec)

    def point(self, index: int) -> Range:
        """One character at `index` (zero width at a line end or the end of text)."""
        if index >= len(self.text.rstrip()) and self.text.strip():
            # Errors at the end of input point at the last visible character,
            # not at the closing `---` line.
            index = len(self.text.rstrip()) - 1
        if 0 <= index < len(self.text) and self.text[index] != "\n":
            return self.range(index, index + 1)
        return self.range(index, index)


def _empty(r: Range) -> bool:
    return r.start_line == r.end_line and r.start_col == r.end_col


# A duplicate key: (path, the key as written, range of an ignored occurrence, range of the winner).
_Dup = tuple[tuple[Any, ...], str, Range, Range]


def _walk_positions(
    comp: _Composed, constructed: dict[Node, Any], tx: _Text
) -> tuple[dict[tuple[Any, ...], KeyPosition], list[_Dup]]:
    """Positions of every key and value reachable without following an alias,
    plus the duplicate keys."""
    positions: dict[tuple[Any, ...], KeyPosition] = {}
    dups: list[_Dup] = []
    root = comp.root
    if root is None:
        return positions, dups
    tight = comp.tight_end
    aliases = comp.aliases

    def span(node: Node, alias: tuple[int, int] | None) -> Range:
        if alias:
            return tx.range(*alias)
        return tx.range(node.start_mark.index, tight.get(id(node), node.end_mark.index))

    positions[()] = KeyPosition(None, span(root, None))
    visited = {id(root)}
    stack: list[tuple[tuple[Any, ...], Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, MappingNode):
            seen: dict[Any, list[Node]] = {}
            for key_node, _ in comp.own_pairs.get(id(node), ()):
                if key_node.tag != "tag:yaml.org,2002:merge" and key_node in constructed:
                    seen.setdefault(constructed[key_node], []).append(key_node)
            for key, nodes in seen.items():
                winner = span(nodes[-1], None)
                for earlier in nodes[:-1]:
                    written = tx.text[earlier.start_mark.index : tight[id(earlier)]]
                    dups.append(((*path, key), written, span(earlier, None), winner))
            effective: dict[Any, tuple[Node, Node]] = {}
            for pair in node.value:
                if pair[0] in constructed:
                    effective[constructed[pair[0]]] = pair
            for key, pair in effective.items():
                key_node, value_node = pair
                kalias = aliases.get((id(pair), "k"))
                valias = aliases.get((id(pair), "v"))
                child = (*path, key)
                positions[child] = KeyPosition(span(key_node, kalias), span(value_node, valias))
                if valias is None and id(value_node) not in visited:
                    visited.add(id(value_node))
                    stack.append((child, value_node))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                ialias = aliases.get((id(node), i))
                child = (*path, i)
                positions[child] = KeyPosition(None, span(item, ialias))
                if ialias is None and id(item) not in visited:
                    visited.add(id(item))
                    stack.append((child, item))
    return positions, dups


# --------------------------------------------------------------------------
# Coercions: pydantic v2 lax mode, as DLM's models get it.

# Rust's `char::is_whitespace` (Unicode White_Space): what pydantic-core trims
# from numeric strings. Unlike `str.strip()` it leaves \x1c-\x1f alone.
_RUST_WS: Final[str] = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_I64_TEXT_RE: Final[re.Pattern[str]] = re.compile(r"[+-]?[0-9]+", re.ASCII)
_JSON_INT_RE: Final[re.Pattern[str]] = re.compile(r"-?(?:0|[1-9][0-9]*)", re.ASCII)
_FLOAT_RE: Final[re.Pattern[str]] = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)", re.ASCII | re.IGNORECASE
)
_BOOL_STR: Final[dict[str, bool]] = {
    "0": False,
    "f": False,
    "n": False,
    "no": False,
    "off": False,
    "false": False,
    "1": True,
    "t": True,
    "y": True,
    "on": True,
    "yes": True,
    "true": True,
}
_I64: Final[float] = 2.0**63


class _Bad(Exception):
    """A value pydantic would reject; `why` completes "must be <type>, got ..."."""

    def __init__(self, why: str = "") -> None:
        super().__init__(why)
        self.why = why


def _text_of(value: Any) -> str:
    """The str pydantic sees for str/bytes input; _Bad for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise _Bad("binary data that is not valid UTF-8") from None
    raise _Bad()


def _rust_str(s: str) -> str:
    # pydantic-core hands numeric parsers a Rust &str; lone surrogates cannot be one.
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad("a string with an invalid surrogate character") from None
    return s


def _to_str(value: Any) -> str:
    if isinstance(value, (str, bytes, bytearray)):
        return _text_of(value)
    raise _Bad()


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise _Bad("a non-finite number")
        if value % 1:
            raise _Bad("a number with a fractional part")
        if not -_I64 < value < _I64:
            raise _Bad("a number too large for an integer")
        return int(value)
    if isinstance(value, (str, bytes, bytearray)):
        return _int_from_text(_rust_str(_text_of(value)).strip(_RUST_WS))
    raise _Bad()


def _int_from_text(s: str) -> int:
    # pydantic-core's str -> int, reconstructed from its behaviour: a plain
    # i64 first; then an all-zero fraction is dropped, the sign split off,
    # leading zeros *and underscores* skipped (so "0-5" is -5 and "0__5" is
    # 5), remaining underscores removed Python-style, and what is left read
    # as a JSON integer (no "+", no leading zeros, at most 4300 digits).
    if _I64_TEXT_RE.fullmatch(s):
        digits = s.lstrip("+-").lstrip("0") or "0"
        if len(digits) <= 19:
            n = -int(digits) if s.startswith("-") else int(digits)
            if -(2**63) <= n < 2**63:
                return n
    x = s
    dot = x.find(".")
    if dot >= 0 and dot + 1 < len(x) and not x[dot + 1 :].strip("0"):
        x = x[:dot]
    neg = x.startswith("-")
    if x[:1] in ("+", "-"):
        x = x[1:]
    if x.startswith("0"):
        rest = x.lstrip("0_")
        x = rest if rest else x[-1]
    elif x[:1] in ("+", "-"):
        raise _Bad()
    if "_" in x and not x.startswith("_") and not x.endswith("_") and "__" not in x:
        x = x.replace("_", "")
    if neg:
        x = "-" + x
    if not _JSON_INT_RE.fullmatch(x):
        raise _Bad()
    if len(x.lstrip("-")) > 4300:
        raise _Bad("a string with more than 4300 digits")
    return int(x)


def _parse_float(s: str) -> float | None:
    if _FLOAT_RE.fullmatch(s):
        return float(s)
    return None


def _to_float(value: Any) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, int):  # bool included
        try:
            return float(value)
        except OverflowError:
            raise _Bad("an integer too large for a number") from None
    if isinstance(value, (str, bytes, bytearray)):
        raw = _rust_str(_text_of(value))
        f = _parse_float(raw.strip(_RUST_WS))
        # pydantic-core retries without underscores on the *untrimmed* text,
        # so " 1_0" is rejected while " 10" and "1_0" are accepted.
        if f is None and "_" in raw and not raw.startswith("_") and not raw.endswith("_") and "__" not in raw:
            f = _parse_float(raw.replace("_", ""))
        if f is None:
            raise _Bad()
        return f
    raise _Bad()


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value in (0, 1):
            return bool(value)
        raise _Bad()
    if isinstance(value, float):
        if value == 0.0 or value == 1.0:
            return bool(value)
        raise _Bad()
    if isinstance(value, (str, bytes, bytearray)):
        s = _rust_str(_text_of(value))
        if s.isascii():
            b = _BOOL_STR.get(s.lower())
            if b is not None:
                return b
        raise _Bad()
    raise _Bad()


_SEQUENCE_TYPES: Final = (list, tuple, set, frozenset)


# --------------------------------------------------------------------------
# Descriptions for messages


def _int_text(v: int) -> str:
    if v.bit_length() > 200:
        return f"an integer with about {int(v.bit_length() * 0.30103) + 1} digits"
    return str(v)


def _short(s: str, n: int = 40) -> str:
    r = repr(s)
    return r if len(r) <= n else r[: n - 4] + "...'"


def _describe(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return _int_text(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return "an empty string" if not v else f"the string {_short(v)}"
    if isinstance(v, (bytes, bytearray)):
        return "binary data"
    if isinstance(v, _dt.datetime):
        return f"the timestamp {v.isoformat()}"
    if isinstance(v, _dt.date):
        return f"the date {v.isoformat()}"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, (set, frozenset)):
        return "a set"
    if isinstance(v, tuple):
        return "a key/value pair"
    if isinstance(v, list):
        return "a list"
    return type(v).__name__


def _loc_part(k: Any) -> Any:
    """How pydantic renders a key in an error `loc`: str as is, int (and
    bool) as int, anything else as its repr."""
    if isinstance(k, str):
        return k
    if isinstance(k, int):
        return int(k)
    return repr(k)


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(_int_text(p) if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in loc)


def _num(x: float | int) -> str:
    return _int_text(x) if isinstance(x, int) else repr(x)


def _range_phrase(spec: FieldSpec) -> str:
    lo = (f"greater than {_num(spec.gt)}" if spec.gt is not None else None) or (
        f"at least {_num(spec.ge)}" if spec.ge is not None else None
    )
    if spec.ge is not None and spec.le is not None:
        return f"between {_num(spec.ge)} and {_num(spec.le)}"
    if lo and spec.le is not None:
        return f"{lo} and at most {_num(spec.le)}"
    if lo:
        return lo
    if spec.le is not None:
        return f"at most {_num(spec.le)}"
    return "in range"


def _in_range(spec: FieldSpec, x: Any) -> bool:
    # NaN fails every comparison, exactly as in pydantic.
    if spec.gt is not None and not x > spec.gt:
        return False
    if spec.ge is not None and not x >= spec.ge:
        return False
    return not (spec.le is not None and not x <= spec.le)


def _quote_hint(value: Any) -> str:
    if isinstance(value, (bool, int, float, _dt.date)) or value is None:
        return " (YAML read it as that; put it in quotes to make it a string)"
    return ""


_ALL_PATHS: Final[dict[str, list[str]]] = {}
for _path, _spec in iter_fields():
    if "<name>" not in _path and "[]" not in _path and not _spec.legacy:
        _ALL_PATHS.setdefault(_path[-1], []).append(".".join(_path))


# --------------------------------------------------------------------------
# Validation


@dataclass(slots=True)
class _Err:
    loc: tuple[Any, ...]  # pydantic-style, for data["path"]
    at: tuple[Any, ...]  # path into `positions`
    part: str  # "key", "value" or "opener"
    code: str
    message: str
    deferred: bool = False
    extra: dict[str, Any] | None = None


class _Enough(Exception):
    """Raised once so many errors are collected that the rest cannot matter."""


class _Validator:
    def __init__(self, deferred: bool) -> None:
        self.errors: list[_Err] = []
        self.base_deferred = deferred
        # id(list) -> validated copy, for string lists already found valid:
        # YAML aliases can repeat one long list thousands of times.
        self.valid_lists: dict[int, list[Any]] = {}

    def err(
        self,
        loc: tuple[Any, ...],
        at: tuple[Any, ...],
        part: str,
        code: str,
        msg: str,
        *,
        deferred: bool = False,
        **extra: Any,
    ) -> None:
        self.errors.append(_Err(loc, at, part, code, msg, deferred or self.base_deferred, extra or None))
        if len(self.errors) > 2 * MAX_PROBLEMS:
            # A deferred error always comes with a non-deferred one, so the
            # document is rejected whatever the remaining values hold.
            raise _Enough

    # Each check returns (valid, value-or-default).

    def check(
        self, spec: FieldSpec, value: Any, loc: tuple[Any, ...], at: tuple[Any, ...]
    ) -> tuple[bool, Any]:
        label = _dotted(loc)
        kind = spec.kind
        if value is None and spec.nullable:
            return True, None
        if kind is Kind.MODEL:
            if spec is ROOT.child("training"):
                return self.check_training(spec, value, loc, at)
            return self.check_model(spec, value, loc, at)[:2]
        if kind is Kind.MAP:
            return self.check_map(spec, value, loc, at)
        if kind is Kind.LIST:
            return self.check_list(spec, value, loc, at)
        if kind is Kind.AUTO_OR_LIST:
            if isinstance(value, str) and value == "auto":
                return True, value
            if isinstance(value, _SEQUENCE_TYPES):
                return self.check_list(spec, value, loc, at)
            self.err(
                loc,
                at,
                "value",
                "FM120",
                f'{label} must be "auto" or a list of module names, got {_describe(value)}',
            )
            return False, spec.default_value()
        if kind is Kind.AUTO_OR_INT:
            if isinstance(value, str) and value == "auto":
                return True, value
            try:
                n = _to_int(value)
            except _Bad as bad:
                got = bad.why or _describe(value)
                self.err(
                    loc, at, "value", "FM120", f'{label} must be "auto" or a positive integer, got {got}'
                )
                return False, spec.default_value()
            if n < 1:
                self.err(
                    loc,
                    at,
                    "value",
                    "FM121",
                    f'{label} must be "auto" or a positive integer, got {_int_text(n)}',
                )
                return False, spec.default_value()
            return True, n
        if kind is Kind.ENUM:
            if isinstance(value, str) and value in spec.enum:
                return True, value
            allowed = ", ".join(spec.enum) + (", null" if spec.nullable else "")
            hint = ""
            if isinstance(value, str):
                folded = [e for e in spec.enum if e.lower() == value.strip().lower()]
                if folded:
                    hint = f" (values are case- and space-sensitive: write {folded[0]})"
            self.err(
                loc,
                at,
                "value",
                "FM122",
                f"{label} must be one of {allowed}; got {_describe(value)}{hint}",
                allowed=list(spec.enum),
            )
            return False, spec.default_value()
        try:
            if kind is Kind.STR:
                out: Any = _to_str(value)
                if spec.min_length:
                    # A length constraint sends the str through Rust, which
                    # cannot hold a lone surrogate; a plain `str` keeps it.
                    _rust_str(out)
            elif kind is Kind.INT:
                out = _to_int(value)
            elif kind is Kind.FLOAT:
                out = _to_float(value)
            elif kind is Kind.BOOL:
                out = _to_bool(value)
            else:  # pragma: no cover - every kind is handled
                raise _Bad()
        except _Bad as bad:
            self.type_error(spec, value, loc, at, bad.why)
            return False, spec.default_value()
        if kind is Kind.STR:
            if spec.min_length and len(out) < spec.min_length:
                self.err(loc, at, "value", "FM121", f"{label} must not be empty")
                return False, spec.default_value()
            if spec.pattern and not ULID_RE.fullmatch(out):
                hint = " (ULIDs use uppercase letters)" if ULID_RE.fullmatch(out.upper()) else ""
                self.err(
                    loc,
                    at,
                    "value",
                    "FM123",
                    f"{label} must be a 26-character ULID (digits and uppercase letters except I, L, O, U), "
                    f"got {_describe(out)}{hint}",
                )
                return False, spec.default_value()
            return True, out
        if kind in (Kind.INT, Kind.FLOAT) and not _in_range(spec, out):
            self.err(
                loc, at, "value", "FM121", f"{label} must be {_range_phrase(spec)}, got {_describe(value)}"
            )
            return False, spec.default_value()
        return True, out

    def type_error(
        self, spec: FieldSpec, value: Any, loc: tuple[Any, ...], at: tuple[Any, ...], why: str
    ) -> None:
        label = _dotted(loc)
        got = why or _describe(value)
        kind = spec.kind
        if kind is Kind.STR:
            what = "a string" + (" or null" if spec.nullable else "")
            msg = f"{label} must be {what}, got {got}{'' if why else _quote_hint(value)}"
        elif kind is Kind.BOOL:
            msg = f"{label} must be true or false, got {got}"
        elif kind is Kind.INT:
            what = "an integer" + (" or null" if spec.nullable else "")
            msg = f"{label} must be {what}, got {got}"
        else:
            what = "a number" + (" or null" if spec.nullable else "")
            msg = f"{label} must be {what}, got {got}"
        self.err(loc, at, "value", "FM120", msg, expected=spec.type)

    def check_model(
        self, spec: FieldSpec, value: Any, loc: tuple[Any, ...], at: tuple[Any, ...]
    ) -> tuple[bool, Any, dict[str, bool]]:
        label = _dotted(loc) or "the frontmatter"
        if not isinstance(value, dict):
            extra = " (an empty value is null: remove the key or give it keys)" if value is None else ""
            self.err(loc, at, "value", "FM120", f"{label} must be a mapping, got {_describe(value)}{extra}")
            return False, spec.default_value(), {}
        ok = True
        out: dict[str, Any] = {}
        status: dict[str, bool] = {}
        for f in spec.fields:
            if f.legacy:
                continue
            if f.name in value:
                fok, fv = self.check(f, value[f.name], (*loc, f.name), (*at, f.name))
            elif f.required:
                where = (at, "value") if loc else ((), "opener")
                what = f" ({f.type})" if f.type else ""
                self.err(
                    (*loc, f.name),
                    where[0],
                    where[1],
                    "FM112",
                    f"missing required key {f.name!r}{what} in {label}",
                )
                fok, fv = False, None
            else:
                fok, fv = True, f.default_value()
            status[f.name] = fok
            ok = ok and fok
            out[f.name] = fv
        names = spec.field_names
        for k in value:
            if isinstance(k, str):
                if k in names and not spec.child(k).legacy:  # type: ignore[union-attr]
                    continue
                ok = False
                self.unknown_key(spec, k, loc, at)
            else:
                ok = False
                self.err(
                    (*loc, _loc_part(k)),
                    (*at, k),
                    "key",
                    "FM111",
                    f"keys must be strings, got {_describe(k)} (put the key in quotes)",
                )
        return ok, out, status

    def unknown_key(self, spec: FieldSpec, k: str, loc: tuple[Any, ...], at: tuple[Any, ...]) -> None:
        allowed = sorted(n for n in spec.field_names if not spec.child(n).legacy)  # type: ignore[union-attr]
        suggestions = difflib.get_close_matches(k, allowed, n=3, cutoff=0.6)
        if not suggestions:
            suggestions = [a for a in allowed if a.lower() == k.strip().lower()]
        where = f"in {_dotted(loc)}" if loc else "at the top level"
        msg = f"unknown key {_short(k)} {where}"
        if k == "dpo" and loc == ("training",):
            suggestions = ["preference"]
            msg += (
                " (training.dpo was renamed training.preference in dlm_version 2;"
                " only version-1 documents may use it)"
            )
        elif suggestions:
            msg += f" (did you mean {' or '.join(suggestions)}?)"
        elif k in _ALL_PATHS:
            msg += f" (it belongs at {' or '.join(_ALL_PATHS[k])})"
        self.err((*loc, k), (*at, k), "key", "FM110", msg, suggestions=suggestions)

    def check_map(
        self, spec: FieldSpec, value: Any, loc: tuple[Any, ...], at: tuple[Any, ...]
    ) -> tuple[bool, Any]:
        label = _dotted(loc)
        if not isinstance(value, dict):
            self.err(
                loc,
                at,
                "value",
                "FM120",
                f"{label} must be a mapping of adapter names to settings, got {_describe(value)}",
            )
            return False, None
        assert spec.item is not None
        ok = True
        out: dict[str, Any] = {}
        originals: dict[str, Any] = {}
        for key, item in value.items():
            kloc = _loc_part(key)
            try:
                name = _to_str(key)
            except _Bad as bad:
                ok = False
                self.err(
                    (*loc, kloc, "[key]"),
                    (*at, key),
                    "key",
                    "FM111",
                    f"adapter names must be strings, got {bad.why or _describe(key)}",
                )
                name = None
            iok, iv = self.check(spec.item, item, (*loc, kloc), (*at, key))
            ok = ok and iok
            if name is not None:
                out[name] = iv
                originals[name] = key
        if not value:
            self.err(
                loc,
                at,
                "value",
                "FM125",
                f"{label} is empty: declare at least one adapter, "
                "or remove the key for the single-adapter shorthand",
            )
            return False, None
        # DLM checks the names only once every entry validated.
        names_ok = True
        for name, key in originals.items():
            if not ADAPTER_NAME_RE.fullmatch(name):
                names_ok = False
                self.err(
                    loc,
                    (*at, key),
                    "key",
                    "FM124",
                    f"{_short(name)} is not a valid adapter name: use a lowercase letter, then lowercase "
                    f"letters, digits or _ (at most 32 characters)",
                    deferred=not ok,
                )
        return ok and names_ok, out

    def check_list(
        self, spec: FieldSpec, value: Any, loc: tuple[Any, ...], at: tuple[Any, ...]
    ) -> tuple[bool, Any]:
        label = _dotted(loc)
        if not isinstance(value, _SEQUENCE_TYPES):
            what = "list of source directives" if spec.item and spec.item.kind is Kind.MODEL else "list"
            self.err(loc, at, "value", "FM120", f"{label} must be a {what}, got {_describe(value)}")
            return False, spec.default_value()
        assert spec.item is not None
        plain = spec.item.kind is Kind.STR
        if plain and id(value) in self.valid_lists:
            return True, self.valid_lists[id(value)]
        ok = True
        out = []
        for i, item in enumerate(value):
            iok, iv = self.check(spec.item, item, (*loc, i), (*at, i))
            ok = ok and iok
            if iok or isinstance(iv, dict):
                out.append(iv)
        if plain and ok:
            self.valid_lists[id(value)] = out
        return ok, out

    def check_training(
        self, spec: FieldSpec, value: Any, loc: tuple[Any, ...], at: tuple[Any, ...]
    ) -> tuple[bool, Any]:
        ok, out, status = self.check_model(spec, value, loc, at)
        if not isinstance(value, dict):
            return ok, out
        # DLM's model validators run only once every training field is valid;
        # the gate rule runs first and hides the flat-key rule.
        gate_failed = False
        adapters_raw = value.get("adapters")
        if _gate_enabled(value.get("gate")):
            if adapters_raw is None:
                count: int | None = 0
            elif isinstance(out.get("adapters"), dict):
                count = len(out["adapters"])
            elif isinstance(adapters_raw, dict):
                count = len(adapters_raw)
            else:  # not a map at all: that error comes first
                count = None
            if count is not None and count < 2:
                gate_failed = True
                self.err(
                    loc,
                    (*at, "gate", "enabled"),
                    "value",
                    "FM130",
                    f"training.gate.enabled is true but training.adapters declares {count} adapter"
                    f"{'' if count == 1 else 's'}: the gate routes between two or more named adapters",
                    deferred=not ok,
                )
        if "adapters" in value and adapters_raw is not None:
            for key in FLAT_ADAPTER_KEYS:
                if key not in value or not status.get(key):
                    continue
                f = spec.child(key)
                assert f is not None
                if out[key] != f.default:
                    shown = _describe(out[key]) if not isinstance(out[key], list) else "a list"
                    self.err(
                        loc,
                        (*at, key),
                        "key",
                        "FM131",
                        f"training.{key} is {shown}, but training.adapters is declared: the flat per-adapter "
                        f"keys must stay at their defaults ({key}: {_yaml_default(f)}); set it inside each "
                        f"adapter instead",
                        deferred=not ok or gate_failed,
                    )
        return ok, out


def _gate_enabled(gate: Any) -> bool:
    if isinstance(gate, dict) and "enabled" in gate:
        try:
            return _to_bool(gate["enabled"])
        except _Bad:
            return False
    return False


def _yaml_default(f: FieldSpec) -> str:
    d = f.default
    return repr(d) if isinstance(d, float) else str(d)


# --------------------------------------------------------------------------
# Migration (DLM's dlm.doc.migrations.v1, plus position bookkeeping)


def _migrate_v1(
    raw: dict[Any, Any],
    positions: dict[tuple[Any, ...], KeyPosition],
    lints: list[tuple[tuple[Any, ...], Range | None, str]],
) -> dict[Any, Any]:
    out = dict(raw)
    training = out.get("training")
    if not isinstance(training, dict):
        return out
    t = dict(training)
    dpo = t.pop("dpo", None)
    if dpo is None:
        out["training"] = t
        return out
    if "preference" in t:
        lints.append(
            (
                ("training", "preference"),
                _key_range(positions, ("training", "preference")),
                "training.preference is replaced by the migrated training.dpo block in this version-1 "
                "document (DLM ignores it); keep only one of them",
            )
        )
    dpo_pos = positions.get(("training", "dpo"))
    if dpo_pos is not None:
        positions[("training", "preference")] = dpo_pos
    if not isinstance(dpo, dict):
        t["preference"] = dpo
        out["training"] = t
        return out
    preference: dict[str, Any] = {"method": "dpo"}
    if "enabled" in dpo:
        preference["enabled"] = dpo["enabled"]
    hyperparams = {k: dpo[k] for k in ("beta", "learning_rate", "num_epochs") if k in dpo}
    if hyperparams:
        preference["hyperparams"] = hyperparams
    if "loss_type" in dpo:
        preference["loss_type"] = dpo["loss_type"]
    if "reference" in dpo:
        ref = dpo["reference"]
        preference["reference"] = "pre_adapter" if ref == "pre_dpo_adapter" else ref
    for key in dpo:
        src = ("training", "dpo", key)
        if key in DPO_MIGRATION:
            pos = positions.get(src)
            if pos is not None:
                positions[("training", "preference", *DPO_MIGRATION[key])] = pos
        else:
            lints.append(
                (
                    src,
                    _key_range(positions, src),
                    f"training.dpo.{key} is dropped when DLM migrates this version-1 document "
                    f"(only {', '.join(DPO_MIGRATION)} are carried over to training.preference)",
                )
            )
    t["preference"] = preference
    out["training"] = t
    return out


# --------------------------------------------------------------------------
# Entry point


def parse_frontmatter(yaml_text: str, first_line: int = 1, opener: Range | None = None) -> Frontmatter:
    """Parse and check frontmatter text (between the `---` lines); never raises."""
    if opener is None:
        opener = Range(max(first_line - 1, 0), 0, max(first_line - 1, 0), 3)
    try:
        return _parse(yaml_text, first_line, opener)
    except Exception as exc:  # pragma: no cover - a bug; keep the editor alive
        p = error(
            "FM199", opener, f"internal error while checking the frontmatter: {type(exc).__name__}: {exc}"
        )
        return Frontmatter(None, ROOT.default_value(), None, None, None, {}, [p])


def _parse(text: str, first_line: int, opener: Range) -> Frontmatter:
    tx = _Text(text, first_line)
    problems: list[Problem] = []

    def fail(p: Problem) -> Frontmatter:
        return Frontmatter(None, ROOT.default_value(), None, None, None, {}, [p])

    positions: dict[tuple[Any, ...], KeyPosition] = {}
    dups: list[_Dup] = []
    # DLM: `yaml.safe_load(t) if t.strip() else {}`, with str.strip's idea of blank, not YAML's.
    if not text.strip():
        raw: Any = {}
    else:
        loader: _Loader | None = None
        try:
            loader = _Loader(text)
            comp = _compose(loader, text)
            raw = loader.construct_document(comp.root) if comp.root is not None else None
            positions, dups = _walk_positions(comp, loader.constructed_objects, tx)
        except yaml.reader.ReaderError as exc:
            ch = exc.character
            shown = f"U+{ch:04X}" if isinstance(ch, int) else repr(ch)
            return fail(
                error(
                    "FM100",
                    tx.point(exc.position),
                    f"invalid YAML: character {shown} is not allowed in YAML text",
                )
            )
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            rng = tx.point(mark.index) if mark is not None else opener
            code = "FM101" if isinstance(exc, ConstructorError) else "FM100"
            return fail(error(code, rng, _yaml_message(exc)))
        except yaml.YAMLError as exc:
            return fail(error("FM100", opener, f"invalid YAML: {exc}"))
        except _TooComplex as exc:
            return fail(error("FM102", tx.point(exc.index), f"YAML too complex: {exc.message}"))
        except (RecursionError, MemoryError):
            return fail(error("FM102", opener, "YAML too complex: nesting or merge keys go too deep"))
        finally:
            if loader is not None:
                loader.dispose()
    if not isinstance(raw, dict):
        rng = positions[()].value if () in positions else opener
        got = "nothing (only comments or an empty document)" if raw is None else _describe(raw)
        return fail(error("FM103", rng, f"the frontmatter must be a mapping of keys to values, got {got}"))

    for path, written, earlier, later in dups:
        problems.append(
            warning(
                "FM150",
                earlier,
                f"duplicate key {_short(written)}: this one is ignored, the one on line "
                f"{later.start_line + 1} wins",
                path=_dotted(tuple(map(_loc_part, path))),
            )
        )

    # --- dlm_version, exactly as dlm.doc.versioned.validate_versioned ---
    version = raw.get("dlm_version", 1)
    written_version: int | None = None
    deferred = False
    skip_schema = False
    vat = ("dlm_version",)
    vrange = _find_range(positions, vat, "value", opener)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(
            error(
                "FM140",
                vrange,
                f"dlm_version must be an integer, got {type(version).__name__} "
                f"({_describe(version)}); write e.g. dlm_version: {CURRENT_SCHEMA_VERSION}",
                path="dlm_version",
            )
        )
        deferred = True
    else:
        written_version = version
        if version > CURRENT_SCHEMA_VERSION:
            problems.append(
                error(
                    "FM141",
                    vrange,
                    f"dlm_version {_int_text(version)} is newer than this parser supports "
                    f"({CURRENT_SCHEMA_VERSION}): upgrade dlm",
                    path="dlm_version",
                )
            )
            skip_schema = True
        elif version < 1:
            problems.append(
                error(
                    "FM142",
                    vrange,
                    f"dlm_version {_int_text(version)} is not supported: versions start at 1 "
                    f"(DLM has no migration from it)",
                    path="dlm_version",
                )
            )
            deferred = True

    lints: list[tuple[tuple[Any, ...], Range | None, str]] = []
    migrated: dict[Any, Any] = raw
    if written_version == 1:
        migrated = _migrate_v1(raw, positions, lints)
    if not skip_schema and not deferred:
        migrated = {**migrated, "dlm_version": CURRENT_SCHEMA_VERSION}
    for at, rng, msg in lints:
        problems.append(warning("FM151", rng or opener, msg, path=_dotted(tuple(map(_loc_part, at)))))

    values: dict[str, Any] = ROOT.default_value()
    if not skip_schema:
        v = _Validator(deferred)
        to_check = migrated
        if deferred:  # the version already failed; check the rest as if current
            to_check = {k: val for k, val in migrated.items() if k != "dlm_version"}
        with contextlib.suppress(_Enough):
            _, values, _ = v.check_model(ROOT, to_check, (), ())
        for e in v.errors:
            data: dict[str, Any] = {"path": _dotted(e.loc)}
            if e.extra:
                data.update(e.extra)
            if e.deferred:
                data["deferred"] = True
            problems.append(
                Problem(
                    e.code,
                    Severity.ERROR,
                    _find_range(positions, e.at, e.part, opener),
                    e.message,
                    Stage.PARSE,
                    data,
                )
            )
    ok_version = not deferred and not skip_schema
    values["dlm_version"] = CURRENT_SCHEMA_VERSION if ok_version else written_version

    problems.sort(key=lambda p: (p.range.start_line, p.range.start_col, p.code))
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS]
    return Frontmatter(
        raw=migrated,
        values=values,
        dlm_id=values.get("dlm_id"),
        dlm_version=values["dlm_version"],
        base_model=values.get("base_model"),
        positions=positions,
        problems=problems,
        written_version=written_version,
    )


def _key_range(positions: dict[tuple[Any, ...], KeyPosition], at: tuple[Any, ...]) -> Range | None:
    pos = positions.get(at)
    return pos.key if pos is not None else None


def _find_range(
    positions: dict[tuple[Any, ...], KeyPosition], at: tuple[Any, ...], part: str, opener: Range
) -> Range:
    if part == "opener":
        return opener
    path = at
    while True:
        try:
            pos = positions.get(path)
        except TypeError:  # pragma: no cover - keys are hashable by construction
            pos = None
        if pos is not None:
            if path == at and part == "key" and pos.key is not None:
                return pos.key
            if not _empty(pos.value) or pos.key is None:
                return pos.value
            return pos.key
        if not path:
            return opener
        path = path[:-1]


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    context = exc.context or ""
    if context == "expected a single document in the stream":
        return "invalid YAML: the frontmatter must be a single YAML document, but a second one starts here"
    if isinstance(exc, ConstructorError):
        msg = problem or context
        return f"invalid YAML value: {msg}" + (f" ({context})" if context and problem else "")
    if problem and context:
        return f"invalid YAML: {problem} ({context})"
    return f"invalid YAML: {problem or context or 'syntax error'}"
