"""The base-model registry: the keys `base_model` may name, with what they stand for.

DLM resolves `base_model` against its curated registry (a key such as
`smollm2-135m`), or takes `hf:org/name` for any Hugging Face model. The
registry is a data file shipped with the package (`base_models.tsv`, one row
per model, every column DLM's registry card has), read once on first use, so
checks and hovers never need DLM or the network.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

HF_PREFIX = "hf:"
TRAINABLE_MODALITIES = frozenset({"text", "text-moe"})  # what dlmls trains (the worker refuses the rest)


@dataclass(frozen=True, slots=True)
class BaseModel:
    """One registry entry (a row of base_models.tsv)."""

    key: str
    hf_id: str
    architecture: str
    params: int
    context_length: int
    size_gb_fp16: float
    license_spdx: str
    requires_acceptance: bool
    modality: str


@lru_cache(maxsize=1)
def models() -> dict[str, BaseModel]:
    """Every registry entry by key, in file order."""
    import csv  # with importlib.resources, ~10 ms of imports: paid when the registry is first read, not at start-up
    from importlib import resources

    text = resources.files("dlmls.core").joinpath("base_models.tsv").read_text(encoding="utf-8")
    out: dict[str, BaseModel] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        out[row["key"]] = BaseModel(
            key=row["key"],
            hf_id=row["hf_id"],
            architecture=row["architecture"],
            params=int(row["params"]),
            context_length=int(row["context_length"]),
            size_gb_fp16=float(row["size_gb_fp16"]),
            license_spdx=row["license_spdx"],
            requires_acceptance=row["requires_acceptance"].strip().lower() == "true",
            modality=row["modality"],
        )
    return out


def lookup(key: str) -> BaseModel | None:
    """The registry entry for `key`, if it is one."""
    return models().get(key)


def hf_id_ok(spec: str) -> bool:
    """Whether `spec` is an `hf:org/name` DLM accepts the shape of."""
    if not spec.startswith(HF_PREFIX):
        return False
    hf_id = spec[len(HF_PREFIX):]
    return "/" in hf_id and not hf_id.startswith("/") and not hf_id.endswith("/")


def suggestions(spec: str, n: int = 3) -> list[str]:
    """Registry keys (or an `hf:` spelling) the writer probably meant by `spec`."""
    table = models()
    by_hf = [m.key for m in table.values() if m.hf_id.lower() == spec.removeprefix(HF_PREFIX).lower()]
    if by_hf:
        return by_hf[:n]
    keys = list(table)
    lowered = spec.strip().lower()
    if lowered in table:
        return [lowered]  # only the case (or surrounding space) differs
    return difflib.get_close_matches(lowered, keys, n=n, cutoff=0.6)


def looks_like_path(spec: str) -> bool:
    """Whether `spec` is written as a filesystem path (`./m`, `/m`, `~/m`, `..`), as DLM reads it."""
    return spec.startswith(("/", "./", "../", "~", ".\\", "..\\")) or spec in (".", "..")


@dataclass(frozen=True, slots=True)
class Spec:
    """What a `base_model` value names: `kind` is registry | hf | bad-hf | path | unknown."""

    spec: str
    kind: str
    entry: BaseModel | None = None  # the registry entry (kind "registry")
    hf_id: str | None = None  # the Hugging Face id (kinds "registry" and "hf")
    suggestions: tuple[str, ...] = ()  # what the writer probably meant (kinds "unknown", "path", "hf")


def classify(spec: str) -> Spec:
    """How DLM reads a `base_model` value: a registry key, `hf:org/name`, a local path, or none of those."""
    entry = lookup(spec)
    if entry is not None:
        return Spec(spec, "registry", entry, entry.hf_id)
    if spec.startswith(HF_PREFIX):
        if not hf_id_ok(spec):
            return Spec(spec, "bad-hf")
        return Spec(spec, "hf", hf_id=spec[len(HF_PREFIX):], suggestions=tuple(suggestions(spec)))
    if looks_like_path(spec):
        return Spec(spec, "path")
    if "/" in spec or "\\" in spec:
        # A relative directory, or (more likely for `org/name`) a Hugging Face id without `hf:`.
        return Spec(spec, "path", suggestions=(*suggestions(spec), HF_PREFIX + spec))
    return Spec(spec, "unknown", suggestions=tuple(suggestions(spec)))
