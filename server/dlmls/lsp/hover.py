"""textDocument/hover: what a frontmatter key, a fence, a marker or a pair means, and what the store knows.

- On a frontmatter key or value: the schema field's documentation, type,
  default, limits and allowed values (from `dlmls.core.schema`). On
  `base_model`, first its registry card (`dlmls.core.registry`: Hugging Face
  id, size, context, licence), or what kind of name it is (`hf:` id, local
  path) or a "did you mean" for a name DLM does not know.
- On the frontmatter's `---` opener and on the `dlm_id` value: the current
  adapter version of each adapter (when trained, steps, final train loss,
  held-out loss before → after, whether the text changed since), read from
  the store `$DLM_HOME/store/<dlm_id>/` (the `dlmHome` setting, else
  $DLM_HOME, else ~/.dlm). On the opener also, for an adapter with more
  than one version (or one that is not current), its versions newest first
  (`HISTORY_LIMIT` of them, then how many older ones there are: the
  `dlmls.history` command and `dlmls show` list them all), each with when,
  steps, losses and which is current (`dlmls.history`).
- On a fence line: the section's type, adapter, id, number of pairs or
  triples and a rough token count (a quarter of the content's characters),
  the current version of the adapter(s) the section trains (DLM's routing,
  with when it was trained), and for an instruction section how many of its
  pairs have recorded scores. A prose section also shows its size (words,
  lines) and the synthesis suggestions pending for it with their scores
  (the implicit prose section before any fence has no fence line: its first
  line shows this when suggestions are pending). An auto-synth instruction
  section also shows its teacher, strategy and time and links its source.
- On a pair's lines: its judge/sway scores, when the store has any
  (`dlmls.scores`, keyed by the pair's content).
- On a provenance marker: its attributes, and for a synthesized section the
  source section it names, linked to its line in this document.

Hover reads the open document's model and, through `dlmls.store_reader`
(cached, never raising), the store: it creates and writes nothing anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import to_fs_path

from dlmls.core import registry, schema
from dlmls.core.completion import declared_adapters, yaml_scalar
from dlmls.core.problems import Range
from dlmls.core.text import decode
from dlmls.lsp.positions import RangeConverter

if TYPE_CHECKING:
    from dlmls.core.document import Document, Model
    from dlmls.core.sections import Section
    from dlmls.lsp.context import ServerContext
    from dlmls.scores import ScoreTable
    from dlmls.store import Store
    from dlmls.store_reader import AdapterStatus, StoreReader

MARKER_LABELS = {"synth": "dlm-auto-synth", "mined": "dlm-auto-mined", "harvest": "dlm-auto-harvest"}
MARKER_FIELDS = {
    "synth": (("synth_teacher", "Teacher"), ("synth_strategy", "Strategy"), ("synth_at", "Synthesized at")),
    "mined": (("judge_name", "Judge"), ("judge_score_chosen", "Score (chosen)"),
              ("judge_score_rejected", "Score (rejected)"), ("mined_at", "Mined at"), ("mined_run_id", "Run id")),
    "harvest": (("source", "Source"),),
}
NO_ADAPTER = "No adapter trained yet — run Retrain"
HISTORY_LIMIT = 5  # versions per adapter the opener's hover lists
RULE = "\n\n---\n\n"


@dataclass(slots=True)
class Context:
    """What a hover may know beyond the document: its URI and where the store lives (None: no store facts)."""

    uri: str = ""
    home: str | None = None  # the dlmHome setting; None: $DLM_HOME or ~/.dlm
    reader: StoreReader | None = None
    pending: Callable[[], Sequence[Any]] | None = None  # the document's pending `core.accept.Placement`s
    _store: Any = field(default=False, init=False)  # False: not looked up yet (None: there is none)

    def store(self, model: Model) -> Store | None:
        """The document's store (None without a valid dlm_id or without a reader)."""
        if self._store is False:
            info = model.frontmatter.info if model.frontmatter is not None else None
            dlm_id = info.dlm_id if info is not None else None
            self._store = self.reader.store(self.home, dlm_id) if self.reader and dlm_id else None
        return self._store


def hover(doc: Document, line: int, character: int, encoding: str,
          context: Context | None = None) -> types.Hover | None:
    """The hover at an LSP position (`character` counted in `encoding`)."""
    model = doc.model
    ctx = context or Context()
    start, _ = model.line_span(line)
    col = len(decode(model.source[start:doc.offset_at(line, character, encoding)]))
    convert = RangeConverter(model, encoding)
    found = _frontmatter_hover(model, line, col, ctx) or _section_hover(model, line, ctx)
    if found is None:
        return None
    text, rng = found
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=convert.range(rng))


def _whole_line(model: Model, line: int) -> Range:
    return Range(line, 0, line, len(model.line_text(line)))


# Frontmatter ------------------------------------------------------------------

def _contains(rng: Range, line: int, col: int) -> bool:
    return (rng.start_line, rng.start_col) <= (line, col) <= (rng.end_line, rng.end_col)


def _frontmatter_hover(model: Model, line: int, col: int, ctx: Context) -> tuple[str, Range] | None:
    block = model.frontmatter
    info = block.info if block is not None else None
    if info is None or not (block.start_byte <= model.line_span(line)[0] < block.end_byte):
        return None
    if line == 0:
        return opener_markdown(model, ctx), _whole_line(model, 0)
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
    is_key, path, rng = best[1], best[2], best[3]
    version = 1 if info.written_version == 1 else schema.CURRENT_SCHEMA_VERSION
    spec = schema.field_at(path, version=version)
    if spec is None:
        return f"`{_dotted(path)}`: not a key DLM knows (it will be rejected).", rng
    text = field_markdown(path, spec)
    if path == ("base_model",):
        written = info.raw.get("base_model") if isinstance(info.raw, dict) else None
        if isinstance(written, str) and written.strip():
            text = base_model_markdown(written.strip()) + RULE + text
    elif path == ("dlm_id",) and not is_key and (store := ctx.store(model)) is not None:
        text = adapters_markdown(model, ctx, store, _all_adapters(model)) + RULE + text
    return text, rng


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def field_markdown(path: tuple[Any, ...], spec: schema.FieldSpec) -> str:
    """A schema field as hover Markdown: name and type, doc, default, limits."""
    lines = [f"**{_dotted(path)}**: {spec.type}", "", spec.doc]
    facts = []
    if spec.required:
        facts.append("Required.")
    elif spec.kind is not schema.Kind.MODEL and spec.kind is not schema.Kind.MAP:
        facts.append(f"Default: `{yaml_scalar(spec.default)}`")
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


def _count(n: int) -> str:
    for size, unit in ((10**9, "B"), (10**6, "M"), (10**3, "K")):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return str(n)


def base_model_markdown(spec: str) -> str:
    """What a `base_model` value names: its registry card, an `hf:` id, a path, or a "did you mean"."""
    found = registry.classify(spec)
    if found.kind == "registry" and found.entry is not None:
        m = found.entry
        rows = [("Hugging Face id", f"[`{m.hf_id}`](https://huggingface.co/{m.hf_id})"),
                ("Architecture", f"`{m.architecture}`"),
                ("Parameters", _count(m.params)),
                ("Context length", f"{m.context_length:,} tokens"),
                ("Size (fp16)", f"{m.size_gb_fp16:g} GB"),
                ("Licence", m.license_spdx + (" (accept it on the Hub first)" if m.requires_acceptance
                                              else "")),
                ("Modality", m.modality + ("" if m.modality in ("text", "text-moe")
                                           else " (dlmls trains text models only)"))]
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        return f"**`{m.key}`** · base-model registry\n\n| | |\n|---|---|\n{table}"
    if found.kind == "hf":
        same = (f"\n\nThe registry key `{found.suggestions[0]}` names the same model."
                if found.suggestions else "")
        return (f"**`{spec}`**: a Hugging Face id, used as-is: "
                f"[`{found.hf_id}`](https://huggingface.co/{found.hf_id}) (not in the registry).{same}")
    if found.kind == "bad-hf":
        return f"**`{spec}`**: after `hf:` DLM needs a Hugging Face id `org/name`."
    if found.kind == "path":
        hint = (" — or did you mean " + " or ".join(f"`{s}`" for s in found.suggestions) + "?"
                if found.suggestions else "")
        return (f"**`{spec}`**: a local model path (relative to the document's folder), "
                f"a directory saved with `save_pretrained` or a `.gguf` file{hint}")
    hint = ("Did you mean " + " or ".join(f"`{s}`" for s in found.suggestions) + "?"
            if found.suggestions else "Use a registry key, `hf:org/name` or a local model directory.")
    return f"**`{spec}`** is not in the base-model registry. {hint}"


def opener_markdown(model: Model, ctx: Context) -> str:
    """The frontmatter opener: the document's identity and the current version of each adapter."""
    info = model.frontmatter.info
    head = "**Frontmatter**"
    if isinstance(info.dlm_id, str):
        head += f" · `dlm_id` `{info.dlm_id}`"
    if isinstance(info.base_model, str):
        head += f" · base model `{info.base_model}`"
    store = ctx.store(model)
    if store is None:
        if ctx.reader is None:
            return head
        return head + "\n\nNo valid `dlm_id`, so no adapter store."
    assert ctx.reader is not None
    digest = ctx.reader.document_sha256(model.source)
    recent = _recent_versions(model, ctx, digest)
    parts = []
    for adapter in _all_adapters(model):
        text = status_markdown(ctx.reader.status(store, adapter), digest)
        listed = recent.get(adapter)
        if listed is not None and (len(listed["versions"]) > 1 or listed["older"]
                                   or any(not v["current"] for v in listed["versions"])):
            text += "\n\n" + versions_markdown(listed)
        parts.append(text)
    return f"{head}\n\nStore: `{store.root}`\n\n" + "\n\n".join(parts)


def _recent_versions(model: Model, ctx: Context, digest: str) -> dict[str | None, dict[str, Any]]:
    """The newest `HISTORY_LIMIT` versions of each adapter with a tree in the store (`dlmls.history`'s
    adapter entries, by name; empty when the store cannot be read)."""
    from dlmls.history import HistoryError, history
    from dlmls.store import StoreError

    path = (to_fs_path(ctx.uri) if ctx.uri.startswith("file:") else None) or ctx.uri
    try:
        found = history(model.source, path, ctx.home, model=model, digest=digest, limit=HISTORY_LIMIT)
    except (HistoryError, OSError, ValueError, StoreError):
        return {}  # the current versions above say what can be said
    return {a["name"]: a for a in found["adapters"]}


def versions_markdown(adapter: dict[str, Any]) -> str:
    """An adapter's versions as `dlmls.history` lists them (newest first, with `older`), one line each."""
    from dlmls.history import version_facts

    rows = []
    for v in adapter["versions"]:
        name = f"**`{v['version']}`** (current)" if v["current"] else f"`{v['version']}`"
        facts = [name, *version_facts(v)]
        if v["trained_by"] == "dlm":
            facts.append("trained by DLM")
        if v["held_back"]:
            facts.append(f"held back: {v['held_back']}")
        if not v["complete"]:
            facts.append("incomplete (no weights)")
        rows.append("- " + " · ".join(facts))
    if adapter.get("older"):
        n = adapter["older"]
        rows.append(f"- … {n} older version{'s' if n != 1 else ''} "
                    "(the adapter history command and `dlmls show` list them all)")
    label = f"`{adapter['name']}` versions" if adapter["name"] else "Versions"
    return f"{label}, newest first:\n\n" + "\n".join(rows)


# The store ------------------------------------------------------------------------

def _all_adapters(model: Model) -> list[str | None]:
    return list(declared_adapters(model)) or [None]


def _routed_adapters(model: Model, section: Section) -> list[str | None]:
    """The adapters a section trains, as DLM's router assigns them (docs/engine.md, Data)."""
    kind = section.core.kind
    if kind not in ("prose", "instruction", "preference"):
        return []  # media is not trained; an unknown fence is an error
    declared = declared_adapters(model)
    if not declared:
        return [None]
    if section.core.adapter:
        return [section.core.adapter]
    return list(declared) if kind == "prose" else [declared[0]]


def _when(text: str) -> str:
    from dlmls.history import utc_text

    return utc_text(text, "%Y-%m-%d %H:%M:%S UTC")


def _bullets(facts: list[str]) -> str:
    return "\n\n" + "\n".join(f"- {f}" for f in facts) if facts else ""


def status_markdown(status: AdapterStatus, document_sha256: str | None) -> str:
    """One adapter's current version: when trained, steps, losses, and whether the text changed since."""
    label = f"Adapter `{status.adapter}`" if status.adapter else "Adapter"
    if status.problem is not None:
        return f"**{label}**: store unreadable: {status.problem}"
    if status.version is None:
        return f"**{label}**: {NO_ADAPTER}"
    facts = []
    if not status.has_metadata:
        facts.append("No dlmls run metadata (`dlmls_run.json`): trained by another tool?")
    if status.created_at:
        facts.append(f"Trained: {_when(status.created_at)}")
    if status.steps is not None:
        facts.append(f"Steps: {status.steps}")
    if status.train_loss is not None:
        facts.append(f"Final train loss: {status.train_loss:.3f}")
    if status.eval_after is not None:
        before = f"{status.eval_before:.3f} → " if status.eval_before is not None else ""
        facts.append(f"Held-out loss: {before}{status.eval_after:.3f}")
    if status.document_sha256 and document_sha256:
        facts.append("The document changed since this version was trained"
                     if status.document_sha256 != document_sha256 else "Trained on the document as it is now")
    return f"**{label}**: `{status.version}` (current)" + _bullets(facts)


def adapters_markdown(model: Model, ctx: Context, store: Store, adapters: list[str | None]) -> str:
    """The current version of each of `adapters`, one paragraph each."""
    assert ctx.reader is not None
    digest = ctx.reader.document_sha256(model.source)
    return "\n\n".join(status_markdown(ctx.reader.status(store, a), digest) for a in adapters)


# Sections ---------------------------------------------------------------------

def _section_hover(model: Model, line: int, ctx: Context) -> tuple[str, Range] | None:
    section = model.section_at_line(line)
    if section is None:
        return None
    core = section.core
    if core.fence is not None and line == section.start_line:
        return _fence_hover(model, section, ctx), _whole_line(model, line)
    if core.fence is None and core.kind == "prose" and line == section.start_line and _pending_for(section, ctx):
        return _fence_hover(model, section, ctx), _whole_line(model, line)
    for info in core.markers:
        if section.line(info.line) == line:
            return marker_markdown(model, info.marker, ctx.uri), _whole_line(model, line)
    if core.kind == "instruction" and core.pairs:
        return _pair_hover(model, section, line, ctx)
    return None


def _pending_for(section: Section, ctx: Context) -> list[Any]:
    """The placeable pending suggestions whose source is `section` now."""
    if ctx.pending is None or section.core.kind != "prose":
        return []
    return [p for p in ctx.pending() if p.at is not None and p.section_id == section.section_id]


def _fence_hover(model: Model, section: Section, ctx: Context) -> str:
    store = ctx.store(model)
    extra = ""
    if section.core.kind == "instruction" and (marker := section.core.marker("synth")) is not None:
        extra = synth_markdown(model, marker, ctx.uri)
    elif section.core.kind == "prose":
        extra = pending_markdown(_pending_for(section, ctx))
    if store is None or ctx.reader is None:
        return fence_markdown(section) + extra
    scores = ctx.reader.scores(store) if section.core.kind == "instruction" else None
    text = fence_markdown(section, scores) + extra
    adapters = _routed_adapters(model, section)
    if adapters:
        text += "\n\n" + adapters_markdown(model, ctx, store, adapters)
    return text


def _mean(values: list[float]) -> str:
    return f"{sum(values) / len(values):.3f}"


def scores_summary(section: Section, table: ScoreTable) -> str | None:
    """How many of the section's pairs have scores, and their means; None when the store has no scores."""
    if table.problem is not None:
        return f"Scores: store unreadable: {table.problem}"
    if not table.by_key:
        return None
    from dlmls.scores import pair_key

    found = [s for p in section.core.pairs if (s := table.get(pair_key(p.question, p.answer))) is not None]
    means = [f"mean {name} {_mean(vals)}" for name, vals in (
        ("judge", [s.judge for s in found if s.judge is not None]),
        ("sway", [s.sway for s in found if s.sway is not None])) if vals]
    counted = f"Scored pairs: {len(found)} of {len(section.core.pairs)}"
    return counted + (f" ({', '.join(means)})" if means else "")


def fence_markdown(section: Section, scores: ScoreTable | None = None) -> str:
    """A fence as hover Markdown: type, adapter, id, items, recorded scores and size."""
    core = section.core
    if core.kind == "unknown":
        return f"**Unknown section fence** `{core.fence.text.strip()}`: DLM rejects the document."
    head = f"**{core.kind}** section" + (f" · adapter `{core.adapter}`" if core.adapter else "")
    facts = [f"Section id: `{core.section_id}`"]
    if core.kind == "instruction":
        facts.append(f"Q/A pairs: {len(core.pairs)}")
        summary = scores_summary(section, scores) if scores is not None else None
        if summary:
            facts.append(summary)
    elif core.kind == "preference":
        facts.append(f"Preference triples: {len(core.triples)}")
    elif core.kind == "prose":
        lines = core.content.rstrip("\n").count("\n") + 1 if core.content.strip() else 0
        facts.append(f"Words: {len(core.content.split())} · lines: {lines}")
    if core.kind in ("image", "audio") and core.fence is not None:
        facts += [f"{k.capitalize()}: `{v}`" for k, v in core.fence.attrs.items()]
    facts.append(f"Approx. tokens: {len(core.content) // 4}")
    return head + "\n\n" + "\n".join(f"- {f}" for f in facts)


def _pair_hover(model: Model, section: Section, line: int, ctx: Context) -> tuple[str, Range] | None:
    core = section.core
    for i, pair in enumerate(core.pairs):
        first, last = section.line(core.body_row(pair.q_line)), section.line(core.body_row(pair.end_line))
        while last > first and not model.line_text(last).strip():
            last -= 1  # the blank lines between pairs belong to neither
        if first <= line <= last:
            break
    else:
        return None
    store = ctx.store(model)
    if store is None or ctx.reader is None:
        return None
    table = ctx.reader.scores(store)
    label = f"Pair Q{i + 1} of {len(core.pairs)}"
    if table.problem is not None:
        text = f"**{label}** · scores: store unreadable: {table.problem}"
    else:
        from dlmls.scores import pair_key

        score = table.get(pair_key(pair.question, pair.answer))
        if score is None:
            return None  # nothing recorded: plain text keeps no hover
        facts = [f"{name}: {value:.3f}" for name, value in (("Judge", score.judge), ("Sway", score.sway))
                 if value is not None]
        if score.teacher:
            facts.append(f"Teacher: `{score.teacher}`")
        if score.scored_at:
            facts.append(f"Scored at: {_when(score.scored_at)}")
        text = f"**{label}** · recorded scores" + _bullets(facts)
    return text, Range(first, 0, last, len(model.line_text(last)))


def pending_markdown(placements: Sequence[Any]) -> str:
    """The suggestions pending for a prose section, with their scores (empty when there are none)."""
    if not placements:
        return ""
    rows = []
    for p in placements:
        s = p.suggestion
        scores = [f"{name} {value:.2f}" for name, value in (("sway", s.sway), ("answerability", s.answerability),
                                                             ("judge", s.judge)) if value is not None]
        moved = " (re-anchored)" if p.status == "reanchored" else ""
        rows.append(f"- `{s.id}` {s.question}{moved}" + (f" · {', '.join(scores)}" if scores else ""))
    return f"\n\n**Pending suggestions: {len(placements)}** (accept or reject them with the code actions)\n\n" + \
        "\n".join(rows)


def _source_link(model: Model, sid: str, uri: str) -> str:
    source = next((s for s in model.live_sections if s.core.section_id == sid), None)
    if source is None:
        return "not in this document"
    first = source.line(source.core.content_line) if source.core.implicit else source.start_line
    link = f"line {first + 1}"
    if uri:
        link = f"[{link}]({uri}#L{first + 1})"
    return f"{link} ({source.core.kind})"


def synth_markdown(model: Model, marker: Any, uri: str = "") -> str:
    """One line on an auto-synth section's fence: who wrote it, how, when, and from which section."""
    attrs = marker.attrs
    when = _when(attrs["synth_at"]) if attrs.get("synth_at") else "an unknown time"
    sid = attrs.get("source_section_id")
    source = f" from `{sid}`, {_source_link(model, sid, uri)}" if sid else ""
    return (f"\n\nSynthesized by `{attrs.get('synth_teacher', '?')}` ({attrs.get('synth_strategy', '?')}) "
            f"at {when}{source}")


def marker_markdown(model: Model, marker: Any, uri: str = "") -> str:
    """A provenance marker as hover Markdown: its attributes and source section (linked, given `uri`)."""
    label = MARKER_LABELS.get(marker.kind)
    if label is None:
        return "**Provenance marker** that DLM cannot read."
    facts = [f"{name}: `{marker.attrs[key]}`" for key, name in MARKER_FIELDS[marker.kind] if key in marker.attrs]
    sid = marker.attrs.get("source_section_id")
    if sid is not None:
        facts.append(f"Source section: `{sid}`, {_source_link(model, sid, uri)}")
    return f"**{label}** provenance marker\n\n" + "\n".join(f"- {f}" for f in facts)


def register(server: ServerContext) -> None:
    """Serve hovers (store reads go through the server's cached `store_reader`)."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        entry = server.documents.get(uri)
        if entry is None:
            return None
        pos = params.position
        service = getattr(server, "suggestions", None)
        pending = (lambda: service.pending(entry).placements) if service is not None else None
        return hover(entry.document, pos.line, pos.character, server.position_encoding,
                     Context(uri, server.dlm_home, server.store_reader, pending))
