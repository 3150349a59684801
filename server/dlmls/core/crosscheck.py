"""Cross-checks: problems that need the whole document, or the files around it.

The section analysis in the model looks at one section at a time and never
at the disk, which is what lets it be reused across edits. What remains is
here, run over a finished model:

- a fence's `#adapter` that `training.adapters` does not declare (DLM230,
  an error: DLM's trainer refuses the document). Without `training.adapters`
  DLM's only adapter is the implicit `default`, so any other suffix fails.
- a synth marker's `source_section_id` naming no section of the document
  (DLM330). Skipped when `training.sources` is set: sections made from those
  files at training time have ids too.
- inline `::image`/`::audio` paths (DLM240) and `training.sources` paths
  (FM162) that do not exist: `~` expanded, relative paths against the
  document's directory (for sources, as DLM does it, against the folder
  holding it when that directory is a `.dlm/` metadata folder).
- a `base_model` that is not a registry key, a well-formed `hf:org/name`, or
  an existing local directory (FM160, with "did you mean" suggestions; an
  `org/name` without `hf:` suggests the `hf:` spelling), a local path
  that does not exist (FM161), and a registry model that is not a text
  model (FM163).

A `base_model` that cannot name a model anywhere (a bare name that is
neither a registry key nor a directory next to the document, `hf:` without
`org/name`) or names one dlmls cannot train is an error: `dlmls train`
refuses it whatever is on the machine (the same registry decides). What
depends on the machine is a warning: a missing file may be about to be
created, and a local model directory or `org/name` may be put in place (the
worker then says "missing model"). The file system is injected (`exists`),
so this module stays pure; with no base directory (an untitled buffer) or no
`exists`, the path checks are skipped. `dlmls.core.checks` merges these with
the model's own problems for `check`, the editor and `train` alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from dlmls.core import registry
from dlmls.core.document import Model
from dlmls.core.problems import Problem, Range, Severity, Stage

Exists = Callable[[str], bool]


class CrossCache:
    """What one run found per section, for the next run on a later model.

    Sections keep their `SectionCore` objects across edits, so a section
    whose core, line and outcome are unchanged reuses its problems instead
    of making new ones (a keystroke then costs a pass over the sections and
    a few set and dict lookups, even with thousands of warnings)."""

    __slots__ = ("by_core", "context")

    def __init__(self) -> None:
        self.context: tuple[Any, ...] | None = None
        # id(core) -> (core, outcome, row, problems at that row)
        self.by_core: dict[int, tuple[Any, tuple[Any, ...], int, list[Problem]]] = {}


def crosscheck(model: Model, base_dir: str | None = None, exists: Exists | None = None,
               cache: CrossCache | None = None) -> list[Problem]:
    """Every cross-check problem of `model`, in document order."""
    block = model.frontmatter
    info = block.info if block is not None else None
    raw = info.raw if info is not None and isinstance(info.raw, dict) else None
    training = raw.get("training") if raw is not None else None
    training = training if isinstance(training, dict) else {}
    fs = exists if base_dir is not None else None
    out: list[Problem] = []
    declared = _declared_adapters(training) if raw is not None else None
    has_sources = bool(training.get("sources"))
    ids: set[str] | None = None

    context = (declared, base_dir, fs, has_sources)
    cache = cache if cache is not None else CrossCache()
    previous = cache.by_core if cache.context == context else {}
    current: dict[int, tuple[Any, tuple[Any, ...], int, list[Problem]]] = {}
    rows = model.rows
    for i, core in enumerate(model.cores):
        fence = core.fence
        if fence is None or core.dropped or (fence.adapter is None and not core.markers
                                             and fence.type not in _MEDIA):
            continue  # (DLM drops whitespace-only prose, so never routes it)
        # What this section's problems depend on besides itself.
        bad_adapter = (fence.adapter is not None and declared is not None and fence.adapter not in declared[0]
                       and fence.adapter_span is not None and not fence.issues)
        missing = None
        if fs is not None and fence.type in _MEDIA and "path" in fence.attrs:
            resolved = _resolve(fence.attrs["path"], base_dir)  # type: ignore[arg-type]
            missing = resolved if not fs(resolved) else None
        dangling: tuple[int, ...] = ()
        if core.markers and not has_sources:
            if ids is None:
                ids = {c.section_id for c in model.cores if not c.dropped}
            for k, m in enumerate(core.markers):
                if m.marker.kind == "synth" and _dangling(m.marker, ids):
                    dangling += (k,)
        if not bad_adapter and missing is None and not dangling:
            continue
        key = (bad_adapter, missing, dangling)
        row = rows[i]
        hit = previous.get(id(core))
        if hit is not None and hit[0] is core and hit[1] == key:
            problems = hit[3] if hit[2] == row else [p.shifted(row - hit[2]) for p in hit[3]]
        else:
            problems = [p.shifted(row) for p in
                        _section_problems(core, declared if bad_adapter else None, missing, dangling)]
        current[id(core)] = (core, key, row, problems)
        out.extend(problems)
    cache.context, cache.by_core = context, current

    # The frontmatter comes before every section, so this keeps document order.
    head: list[Problem] = []
    if info is not None and raw is not None:
        head.extend(_base_model(info, base_dir, fs))
        if fs is not None:
            head.extend(_sources(info, training, base_dir, fs))  # type: ignore[arg-type]
        head.sort(key=lambda p: (p.range.start_line, p.range.start_col))
    return head + out


_MEDIA = frozenset(("image", "audio"))


def _dangling(marker: Any, ids: set[str]) -> bool:
    if marker.kind != "synth":
        return False
    sid = marker.attrs.get("source_section_id")
    if sid is None or sid in ids:
        return False
    return not (marker.issues and any(x.code == "DLM305" for x in marker.issues))


def _section_problems(core: Any, declared: tuple[frozenset[str], bool] | None, missing: str | None,
                      dangling: tuple[int, ...]) -> list[Problem]:
    fence = core.fence
    out: list[Problem] = []
    if declared is not None:
        out.append(_undeclared(fence.adapter, declared, 0, fence.adapter_span))
    if missing is not None:
        path = fence.attrs["path"]
        a, b = fence.attr_spans["path"]
        out.append(_problem("DLM240", Severity.WARNING, Stage.TRAIN, Range(0, a, 0, b),
                            f"{core.kind} file {path!r} not found (looked for {missing})",
                            path=path, resolved=missing))
    for k in dangling:
        info = core.markers[k]
        sid = info.marker.attrs["source_section_id"]
        a, b = info.marker.spans["source_section_id"]
        r = info.line
        out.append(_problem("DLM330", Severity.WARNING, Stage.LINT, Range(r, a, r, b),
                            f"source_section_id {sid} names no section of this document "
                            "(its source prose was edited or removed)", section_id=sid))
    return out


def _problem(code: str, severity: Severity, stage: Stage, rng: Range, message: str, **data: Any) -> Problem:
    return Problem(code, severity, rng, message, stage, data or None)


# Adapters -----------------------------------------------------------------------

def _declared_adapters(training: dict[str, Any]) -> tuple[frozenset[str], bool] | None:
    """(declared names, whether `training.adapters` declares them), or None
    when the block is malformed (the frontmatter checker reports that)."""
    adapters = training.get("adapters")
    if adapters is None:
        return frozenset({"default"}), False
    if not isinstance(adapters, dict) or not adapters:
        return None
    return frozenset(k for k in adapters if isinstance(k, str)), True


def _undeclared(adapter: str, declared: tuple[frozenset[str], bool], row: int,
                span: tuple[int, int]) -> Problem:
    names, explicit = declared
    if explicit:
        message = (f"adapter {adapter!r} is not declared in training.adapters "
                   f"(declared: {', '.join(sorted(names))}); DLM refuses to train this document")
    else:
        message = (f"adapter {adapter!r} is not declared: without training.adapters the only adapter is "
                   "'default', and DLM refuses to train this document; declare it under training.adapters")
    return _problem("DLM230", Severity.ERROR, Stage.TRAIN, Range(row, span[0], row, span[1]), message,
                    adapter=adapter, declared=sorted(names), explicit=explicit)


# Paths -------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _resolve(path: str, base_dir: str, source: bool = False) -> str:
    """`path` resolved against the document's directory; for a `training.sources`
    path, as DLM does it (from the folder holding a `.dlm/` metadata folder)."""
    if path.startswith("~"):
        return os.path.expanduser(path)
    if os.path.isabs(path):
        return path
    base = base_dir
    if source and os.path.basename(base_dir) == ".dlm":
        base = os.path.dirname(base_dir)
    return os.path.normpath(os.path.join(base, path))


def _sources(info: Any, training: dict[str, Any], base_dir: str, exists: Exists) -> list[Problem]:
    out: list[Problem] = []
    sources = training.get("sources")
    if not isinstance(sources, list):
        return out
    for k, item in enumerate(sources):
        path = item.get("path") if isinstance(item, dict) else None
        pos = info.positions.get(("training", "sources", k, "path"))
        if not isinstance(path, str) or not path or pos is None:
            continue
        resolved = _resolve(path, base_dir, source=True)
        if not exists(resolved):
            out.append(_problem("FM162", Severity.WARNING, Stage.TRAIN, pos.value,
                                f"training.sources path {path!r} does not exist (looked for {resolved}); "
                                "DLM stops training on it", path=f"training.sources.{k}.path",
                                resolved=resolved))
    return out


# Base model --------------------------------------------------------------------

def _base_model(info: Any, base_dir: str | None, exists: Exists | None) -> list[Problem]:
    spec = info.base_model
    pos = info.positions.get(("base_model",))
    if not isinstance(spec, str) or not spec or pos is None:
        return []
    rng = pos.value
    entry = registry.lookup(spec)
    if entry is not None:
        if entry.modality in registry.TRAINABLE_MODALITIES:
            return []
        return [_problem("FM163", Severity.ERROR, Stage.TRAIN, rng,
                         f"base_model {spec!r} is a {entry.modality} model; dlmls trains text models only",
                         path="base_model", value=spec, modality=entry.modality)]
    if spec.startswith(registry.HF_PREFIX):
        if registry.hf_id_ok(spec):
            return []
        return [_problem("FM160", Severity.ERROR, Stage.TRAIN, rng,
                         f"base_model {spec!r}: after `hf:` DLM needs a Hugging Face id `org/name`",
                         path="base_model", value=spec, suggestions=[])]
    if registry.looks_like_path(spec) or "/" in spec or "\\" in spec:
        resolved = _resolve(spec, base_dir) if base_dir is not None or os.path.isabs(spec) else None
        if resolved is None or exists is None or exists(resolved):
            return []  # a local model directory (or one we cannot check)
        if registry.looks_like_path(spec):
            return [_problem("FM161", Severity.WARNING, Stage.TRAIN, rng,
                             f"base_model {spec!r} is not a registry key and no such local directory exists "
                             f"(looked for {resolved})", path="base_model", value=spec, resolved=resolved)]
        # `org/name`: almost certainly a Hugging Face id written without `hf:`.
        found = registry.suggestions(spec)
        found.append(registry.HF_PREFIX + spec)
        return [_unknown_model(spec, rng, found, Severity.WARNING)]
    # A bare name: a model directory of that name beside the document, or (far likelier) a
    # misspelled registry key, which `dlmls train` refuses on any machine.
    if base_dir is not None and exists is not None and exists(_resolve(spec, base_dir)):
        return []
    return [_unknown_model(spec, rng, registry.suggestions(spec), Severity.ERROR)]


def _unknown_model(spec: str, rng: Range, found: list[str], severity: Severity) -> Problem:
    hint = f" (did you mean {' or '.join(found)}?)" if found else ""
    return _problem("FM160", severity, Stage.TRAIN, rng,
                    f"base_model {spec!r} is not in the base-model registry{hint}; use a registry key, "
                    "`hf:org/name` or a local model directory", path="base_model", value=spec,
                    suggestions=found)
