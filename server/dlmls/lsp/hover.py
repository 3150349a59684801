"""textDocument/hover: what a frontmatter key, a fence or a marker means.

- On a frontmatter key or value: the schema field's documentation, type,
  default, limits and allowed values (from `dlmls.core.schema`).
- On a fence line: the section's type, adapter, id, number of pairs or
  triples and a rough token count (a quarter of the content's characters).
- On a provenance marker: its attributes, and for a synthesized section the
  source section it names and the line that section starts on, if it is in
  this document.

Hover only reads the open document's model: it writes nothing anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.core import schema
from dlmls.core.document import Document, Model
from dlmls.core.problems import Range
from dlmls.core.sections import Section
from dlmls.core.text import decode
from dlmls.lsp.positions import RangeConverter

if TYPE_CHECKING:
    from dlmls.lsp.server import DlmLanguageServer

MARKER_LABELS = {"synth": "dlm-auto-synth", "mined": "dlm-auto-mined", "harvest": "dlm-auto-harvest"}
MARKER_FIELDS = {
    "synth": (("synth_teacher", "Teacher"), ("synth_strategy", "Strategy"), ("synth_at", "Synthesized at")),
    "mined": (("judge_name", "Judge"), ("judge_score_chosen", "Score (chosen)"),
              ("judge_score_rejected", "Score (rejected)"), ("mined_at", "Mined at"), ("mined_run_id", "Run id")),
    "harvest": (("source", "Source"),),
}


def hover(doc: Document, line: int, character: int, encoding: str) -> types.Hover | None:
    """The hover at an LSP position (`character` counted in `encoding`)."""
    model = doc.model
    start, _ = model.line_span(line)
    col = len(decode(model.source[start:doc.offset_at(line, character, encoding)]))
    convert = RangeConverter(model, encoding)
    found = _frontmatter_hover(model, line, col) or _section_hover(model, line)
    if found is None:
        return None
    text, rng = found
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=convert.range(rng))


# Frontmatter ------------------------------------------------------------------

def _contains(rng: Range, line: int, col: int) -> bool:
    return (rng.start_line, rng.start_col) <= (line, col) <= (rng.end_line, rng.end_col)


def _frontmatter_hover(model: Model, line: int, col: int) -> tuple[str, Range] | None:
    block = model.frontmatter
    info = block.info if block is not None else None
    if info is None or not (block.start_byte <= model.line_span(line)[0] < block.end_byte):
        return None
    best: tuple[int, int, tuple[Any, ...], Range] | None = None
    for path, pos in info.positions.items():
        if not path:
            continue
        for is_key, rng in ((1, pos.key), (0, pos.value)):
            if rng is not None and _contains(rng, line, col):
                rank = (len(path), is_key)
                if best is None or rank > best[:2]:
                    best = (*rank, path, rng)
    if best is None:
        return None
    path, rng = best[2], best[3]
    version = 1 if info.written_version == 1 else schema.CURRENT_SCHEMA_VERSION
    spec = schema.field_at(path, version=version)
    if spec is None:
        return f"`{_dotted(path)}`: not a key DLM knows (it will be rejected).", rng
    return field_markdown(path, spec), rng


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    return str(value)


def field_markdown(path: tuple[Any, ...], spec: schema.FieldSpec) -> str:
    """A schema field as hover Markdown: name and type, doc, default, limits."""
    lines = [f"**{_dotted(path)}**: {spec.type}", "", spec.doc]
    facts = []
    if spec.required:
        facts.append("Required.")
    elif spec.kind is not schema.Kind.MODEL and spec.kind is not schema.Kind.MAP:
        facts.append(f"Default: `{_yaml(spec.default)}`")
    limits = spec.constraint_text
    if limits:
        facts.append(f"Limits: {limits}")
    if spec.enum and spec.kind is schema.Kind.ENUM:
        facts.append("Allowed: " + ", ".join(f"`{v}`" for v in spec.enum) + (" or `null`" if spec.nullable else ""))
    if spec.pattern:
        facts.append(f"Pattern: `{spec.pattern}`")
    if facts:
        lines += ["", "  \n".join(facts)]
    return "\n".join(lines)


# Sections ---------------------------------------------------------------------

def _section_hover(model: Model, line: int) -> tuple[str, Range] | None:
    section = model.section_at_line(line)
    if section is None:
        return None
    core = section.core
    whole_line = Range(line, 0, line, len(model.line_text(line)))
    if core.fence is not None and line == section.start_line:
        return fence_markdown(section), whole_line
    for info in core.markers:
        if section.line(info.line) == line:
            return marker_markdown(model, info.marker), whole_line
    return None


def fence_markdown(section: Section) -> str:
    """A fence as hover Markdown: type, adapter, id, items and size."""
    core = section.core
    if core.kind == "unknown":
        return f"**Unknown section fence** `{core.fence.text.strip()}`: DLM rejects the document."
    head = f"**{core.kind}** section" + (f" · adapter `{core.adapter}`" if core.adapter else "")
    facts = [f"Section id: `{core.section_id}`"]
    if core.kind == "instruction":
        facts.append(f"Q/A pairs: {len(core.pairs)}")
    elif core.kind == "preference":
        facts.append(f"Preference triples: {len(core.triples)}")
    if core.kind in ("image", "audio") and core.fence is not None:
        facts += [f"{k.capitalize()}: `{v}`" for k, v in core.fence.attrs.items()]
    facts.append(f"Approx. tokens: {len(core.content) // 4}")
    return head + "\n\n" + "\n".join(f"- {f}" for f in facts)


def marker_markdown(model: Model, marker: Any) -> str:
    """A provenance marker as hover Markdown: its attributes and source section."""
    label = MARKER_LABELS.get(marker.kind)
    if label is None:
        return "**Provenance marker** that DLM cannot read."
    facts = [f"{name}: `{marker.attrs[key]}`" for key, name in MARKER_FIELDS[marker.kind] if key in marker.attrs]
    sid = marker.attrs.get("source_section_id")
    if sid is not None:
        source = next((s for s in model.live_sections if s.core.section_id == sid), None)
        first = source.line(source.core.content_line) if source is not None and source.core.implicit else (
            source.start_line if source is not None else 0)
        where = (f"line {first + 1} ({source.core.kind})" if source is not None
                 else "not in this document")
        facts.append(f"Source section: `{sid}`, {where}")
    return f"**{label}** provenance marker\n\n" + "\n".join(f"- {f}" for f in facts)


def register(server: DlmLanguageServer) -> None:
    """Serve hovers."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        entry = server.documents.get(params.text_document.uri)
        if entry is None:
            return None
        pos = params.position
        return hover(entry.document, pos.line, pos.character, server.position_encoding)
