"""What to offer at a cursor: completion candidates for a `.dlm` document.

The language server's textDocument/completion handler turns these into LSP
items; everything that decides *what* to offer lives here, as plain data, so
it can be tested without a server and stays free of any LSP library.

- Frontmatter: the keys the schema allows in the mapping at the cursor (the
  one table in `schema.py`, which validation and hover also read), minus
  those already written; after `key: `, the values of enumerations and
  booleans, and the registry's base models for `base_model`. Where we are
  is read from the text (`yaml_cursor`), since YAML being typed is rarely
  valid.
- Body, at a line start: section fences (also `#adapter` fences for every
  adapter declared in `training.adapters`), and in instruction or
  preference sections the `### ...` headers, the expected one first.
- Provenance markers: attribute names, and for `source_section_id="` the
  ids of the document's prose sections.

Each completion replaces one span of the cursor's line (`start`..`end`,
code-point columns): the partial word typed so far and the rest of that
word after the cursor. Insert texts use LSP snippet syntax when `snippet`
is set (`plain_text` gives the text for clients without snippets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from dlmls.core import registry, schema
from dlmls.core.bodies import CHOSEN, PROMPT, REJECTED, A, Q
from dlmls.core.fences import ADAPTER_NAME_RE, MINED_KEYS, SYNTH_KEYS
from dlmls.core.text import LineIndex, decode, normalize_newlines
from dlmls.core.yaml_cursor import YamlContext, yaml_context

if TYPE_CHECKING:  # only annotations: the language server imports this module before any document is open
    from dlmls.core.document import Model
    from dlmls.core.sections import Section

DETAIL_CHARS: Final[int] = 60

_FENCE_TOKEN_RE: Final = re.compile(r"[:A-Za-z0-9_#-]*")
_FENCE_PREFIX_RE: Final = re.compile(r"(?:::?[A-Za-z0-9_#-]*:{0,2})?")
_HEADER_PREFIX_RE: Final = re.compile(r"(?:#{1,3}(?: [A-Za-z]*)?)?")
_HEADER_TOKEN_RE: Final = re.compile(r"[#A-Za-z]*")
_SECTION_ID_RE: Final = re.compile(r'^<!-- dlm-auto-synth:.*\bsource_section_id="([0-9a-f]*)$')
_HEX_RE: Final = re.compile(r"[0-9a-f]*")
_MARKER_KEY_RE: Final = re.compile(
    r'^<!-- dlm-auto-(synth|mined|harvest):((?:\s+[a-z_]+="[^"]*")*)\s+([a-z_]*)$'
)
_ATTR_NAME_RE: Final = re.compile(r'([a-z_]+)="')
_KEY_CHARS_RE: Final = re.compile(r"[a-z_]*")
_V1_RE: Final = re.compile(r"dlm_version\s*:\s*1\s*(?:#.*)?")
_SNIPPET_TABSTOP_RE: Final = re.compile(r"\$\{\d+:([^}]*)\}|\$\d+")

MARKER_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "synth": SYNTH_KEYS,
    "mined": MINED_KEYS,
    "harvest": ("source",),
}

INSTRUCTION_BODY: Final[str] = f"{Q}\n$1\n{A}\n$2"
PREFERENCE_BODY: Final[str] = f"{PROMPT}\n$1\n{CHOSEN}\n$2\n{REJECTED}\n$3"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One thing to offer. `kind` is one of: property, module, enum, value,
    snippet, keyword, reference. `field` is (path, spec) when the candidate
    is a schema key or one of its values (its documentation comes from there)."""

    label: str
    kind: str
    insert: str
    snippet: bool = False
    detail: str | None = None
    doc: str | None = None  # Markdown
    sort: str | None = None
    preselect: bool = False
    description: str | None = None  # shown after the label, e.g. the first words of a section
    field: tuple[tuple[Any, ...], schema.FieldSpec] | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    """Candidates that all replace columns `start`..`end` of `line`."""

    line: int
    start: int
    end: int
    items: list[Candidate]


def plain_text(snippet: str) -> str:
    """A snippet's text without its tab stops (placeholders keep their default text)."""
    return _SNIPPET_TABSTOP_RE.sub(lambda m: m.group(1) or "", snippet)


def complete(model: Model, line: int, col: int, base_models: list[Any] | None = None) -> Completion | None:
    """What to offer at (`line`, code-point `col`) of `model`, or None.

    `base_models` are registry records (each with a `.key`) offered as
    `base_model` values; by default those of `dlmls.core.registry`.
    """
    text = model.line_text(line)
    col = max(0, min(col, len(text)))
    if in_frontmatter(model, line):
        closing = closing_line(model)
        if line == 0 or line == closing:
            return None
        return _frontmatter(model, frontmatter_lines(model) or [], line, col, base_models)
    return _marker(model, text, line, col) or _line_start(model, text, line, col)


# Frontmatter ---------------------------------------------------------------------


def in_frontmatter(model: Model, line: int) -> bool:
    """Whether `line` belongs to the frontmatter, delimiters included (all lines when it is unclosed)."""
    block = model.frontmatter
    if block is None:
        return False
    return not block.closed or model.line_span(line)[0] < block.end_byte


def closing_line(model: Model) -> int | None:
    """The line of the closing `---`, if the frontmatter has one."""
    block = model.frontmatter
    if block is None or not block.closed:
        return None
    # Counted in the frontmatter's own bytes: no index of the whole document needed.
    return LineIndex(model.source[: block.end_byte]).line_of(max(block.start_byte, block.end_byte - 1))


def frontmatter_lines(model: Model) -> list[str] | None:
    """The YAML lines between the `---` delimiters (to the end when unclosed), or None."""
    block = model.frontmatter
    if block is None:
        return None
    # One decode of the block, not a line lookup per line (an unclosed block is the whole file).
    lines = normalize_newlines(decode(model.source[block.start_byte : block.end_byte])).split("\n")
    closing = closing_line(model)
    return lines[1:closing] if closing is not None else lines[1:]


def _version(lines: list[str]) -> int:
    """The schema version whose keys to offer: 1 only when written as 1 (legacy keys)."""
    return 1 if any(_V1_RE.fullmatch(t.rstrip()) for t in lines) else schema.CURRENT_SCHEMA_VERSION


def _frontmatter(model: Model, lines: list[str], line: int, col: int,
                 base_models: list[Any] | None) -> Completion | None:
    ctx = yaml_context(lines, line - 1, col)
    if ctx is None:
        return None
    version = _version(lines)
    items = _values(ctx, version, base_models) if ctx.at_value else _keys(ctx, version)
    if not items:
        return None
    return Completion(line, ctx.start, ctx.end, items)


def yaml_scalar(value: Any) -> str:
    """A default value as YAML would spell it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    return str(value)


def key_detail(spec: schema.FieldSpec) -> str:
    """Type and default of a key, e.g. "integer 1..256 · default 8"."""
    if spec.required:
        return f"{spec.type} · required"
    if spec.kind in (schema.Kind.MODEL, schema.Kind.MAP) or (spec.kind is schema.Kind.LIST and spec.nullable):
        return spec.type
    return f"{spec.type} · default {yaml_scalar(spec.default)}"


def _insert_key(ctx: YamlContext, spec: schema.FieldSpec) -> tuple[str, bool]:
    """The text for a key: `key: ` for scalars, `key:` and an indented next line for mappings."""
    name = spec.name
    if ctx.colon_follows:
        return name, False
    if ctx.flow:
        return f"{name}: ", False
    inner = " " * (ctx.indent + 2)
    if spec.kind is schema.Kind.MODEL:
        return f"{name}:\n{inner}$0", True
    if spec.kind is schema.Kind.MAP:
        return f"{name}:\n{inner}${{1:name}}:\n{inner}  $0", True
    if spec.kind is schema.Kind.LIST and spec.item is not None and spec.item.kind is schema.Kind.MODEL:
        first = next((f.name for f in spec.item.fields if f.required), spec.item.fields[0].name)
        return f"{name}:\n{inner}- {first}: $0", True
    return f"{name}: ", False


def _keys(ctx: YamlContext, version: int) -> list[Candidate]:
    out = []
    for i, spec in enumerate(schema.children(ctx.path, version=version)):
        if spec.name in ctx.present:
            continue
        insert, snippet = _insert_key(ctx, spec)
        nested = spec.kind in (schema.Kind.MODEL, schema.Kind.MAP) or (
            spec.kind is schema.Kind.LIST and spec.item is not None and spec.item.kind is schema.Kind.MODEL)
        out.append(Candidate(spec.name, "module" if nested else "property", insert, snippet,
                             detail=key_detail(spec), sort=f"{i:03d}", field=((*ctx.path, spec.name), spec)))
    return out


def _values(ctx: YamlContext, version: int, base_models: list[Any] | None) -> list[Candidate]:
    lead = " " if ctx.needs_space else ""
    spec = schema.field_at(ctx.path, version=version)
    if spec is None:
        return []
    if ctx.path == ("base_model",):
        return _base_models(lead, base_models, spec)
    default = None if spec.required else yaml_scalar(spec.default_value())
    out = []
    for i, value in enumerate(schema.enum_values(ctx.path, version=version)):
        kind = "value" if value in ("true", "false", "null") else "enum"
        out.append(Candidate(value, kind, lead + value, detail="default" if value == default else None,
                             sort=f"{i:03d}", preselect=value == default, field=(ctx.path, spec)))
    return out


def _base_models(lead: str, records: list[Any] | None, spec: schema.FieldSpec) -> list[Candidate]:
    if records is None:
        records = load_base_models()
    out = []
    for i, rec in enumerate(records):
        key = getattr(rec, "key", None)
        if not key:
            continue
        facts = [f"{name}: `{getattr(rec, attr)}`" for attr, name in (
            ("hf_id", "Hugging Face id"), ("params", "Parameters"), ("context_length", "Context length"),
            ("license_spdx", "License"), ("modality", "Modality")) if getattr(rec, attr, None) not in (None, "")]
        doc = f"**{key}**" + ("\n\n" + "\n".join(f"- {f}" for f in facts) if facts else "")
        hf_id = getattr(rec, "hf_id", None)
        out.append(Candidate(key, "enum", lead + key, detail=str(hf_id) if hf_id else None, doc=doc,
                             sort=f"{i:03d}"))
    return out


def load_base_models() -> list[Any]:
    """The registry's base models, in registry order."""
    return list(registry.models().values())


# Provenance markers ---------------------------------------------------------------


def short(text: str, limit: int = DETAIL_CHARS) -> str:
    """The first words of `text` on one line, cut at `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _marker(model: Model, text: str, line: int, col: int) -> Completion | None:
    prefix = text[:col]
    if not prefix.startswith("<!-- dlm-auto-"):
        return None
    m = _SECTION_ID_RE.match(prefix)
    if m is not None:
        end = _HEX_RE.match(text, col).end()
        close = "" if text[end:].startswith('"') else '"'
        items = []
        for i, section in enumerate(s for s in model.live_sections if s.core.kind == "prose"):
            sid = section.core.section_id
            first = section.line(section.core.content_line) if section.core.implicit else section.start_line
            items.append(Candidate(sid, "reference", sid + close, detail=f"prose section, line {first + 1}",
                                   description=short(section.core.content, 40), sort=f"{i:05d}"))
        return Completion(line, col - len(m.group(1)), end, items) if items else None
    m = _MARKER_KEY_RE.match(prefix)
    if m is None:
        return None
    written = set(_ATTR_NAME_RE.findall(text))
    end = _KEY_CHARS_RE.match(text, col).end()
    items = [Candidate(key, "property", f'{key}="$1"', snippet=True, sort=f"{i:02d}")
             for i, key in enumerate(MARKER_KEYS[m.group(1)]) if key not in written]
    return Completion(line, col - len(m.group(3)), end, items) if items else None


# Line starts in the body -----------------------------------------------------------


def declared_adapters(model: Model) -> list[str]:
    """Names declared in `training.adapters`, in the order written."""
    block = model.frontmatter
    info = block.info if block is not None else None
    raw = info.raw if info is not None else None
    training = raw.get("training") if isinstance(raw, dict) else None
    adapters = training.get("adapters") if isinstance(training, dict) else None
    if not isinstance(adapters, dict):
        return []
    return [name for name in adapters if isinstance(name, str) and ADAPTER_NAME_RE.fullmatch(name)]


def fence_candidates(adapters: list[str]) -> list[Candidate]:
    """Every section fence, as snippets, including `#adapter` variants."""
    bodies = (("prose", "$0"), ("instruction", INSTRUCTION_BODY), ("preference", PREFERENCE_BODY))
    out = [Candidate(f"::{kind}::", "snippet", f"::{kind}::\n{body}", True, detail=f"{kind} section")
           for kind, body in bodies]
    out.append(Candidate('::image path="" alt=""::', "snippet", '::image path="$1" alt="$2"::', True,
                         detail="image section (path required, alt optional)", doc="The content is the caption."))
    out.append(Candidate('::audio path="" transcript=""::', "snippet", '::audio path="$1" transcript="$2"::',
                         True, detail="audio section (path and transcript required)"))
    for name in adapters:
        for kind, body in bodies:
            out.append(Candidate(f"::{kind}#{name}::", "snippet", f"::{kind}#{name}::\n{body}", True,
                                 detail=f"{kind} section for adapter {name}"))
    return [Candidate(c.label, c.kind, c.insert, c.snippet, c.detail, c.doc, f"1{i:03d}") for i, c in enumerate(out)]


def _in_code_block(section: Section, line: int) -> bool:
    """Whether `line` of `section` lies inside a triple-backtick block (fences there are text)."""
    core = section.core
    index = line - section.line(core.content_line)
    if index <= 0 or "```" not in core.content:
        return False
    inside = False
    for text in core.content.split("\n")[:index]:
        if text.startswith("```"):
            inside = not inside
    return inside


def _next_headers(model: Model, section: Section, line: int) -> tuple[str, ...]:
    """The headers of the section's kind, the one expected at `line` first."""
    order = (Q, A) if section.core.kind == "instruction" else (PROMPT, CHOSEN, REJECTED)
    for j in range(line - 1, section.start_line, -1):
        stripped = model.line_text(j).strip()
        if stripped == "### Q !probe":
            stripped = Q
        if stripped in order:
            k = order.index(stripped) + 1
            return order[k:] + order[:k]
    return order


def _line_start(model: Model, text: str, line: int, col: int) -> Completion | None:
    prefix = text[:col]
    if not prefix and text.strip():
        return None  # the start of a line of text: nothing to complete
    section = model.section_at_line(line)
    if section is not None and _in_code_block(section, line):
        return None
    if _FENCE_PREFIX_RE.fullmatch(prefix):
        end = _FENCE_TOKEN_RE.match(text, col).end()
        if text[end:].strip():
            return None
        items = fence_candidates(declared_adapters(model))
        if not prefix and section is not None and _takes_headers(section, line):
            items = _headers(model, section, line) + items
        return Completion(line, 0, end, items)
    if _HEADER_PREFIX_RE.fullmatch(prefix) and section is not None and _takes_headers(section, line):
        end = _HEADER_TOKEN_RE.match(text, col).end()
        if text[end:].strip():
            return None
        return Completion(line, 0, end, _headers(model, section, line))
    return None


def _takes_headers(section: Section, line: int) -> bool:
    """Whether `line` is in the body of an instruction or preference section."""
    core = section.core
    return core.kind in ("instruction", "preference") and line - section.start_line > len(core.markers)


def _headers(model: Model, section: Section, line: int) -> list[Candidate]:
    headers = _next_headers(model, section, line)
    return [Candidate(h, "keyword", h, sort=f"0{i}", preselect=i == 0) for i, h in enumerate(headers)]
