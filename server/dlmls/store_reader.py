"""Read-only, cached views of a document's store: what hovers show about its adapters and scores.

A hover runs on every mouse move, so it must answer in a few milliseconds,
must never fail because the store is odd, and must never create anything on
disk (opening a document in the editor creates nothing: docs/dlm-format.md
§7). `StoreReader` reads through `dlmls.store`, `dlmls.scores` and
`dlmls.suggestions` only, turns
every problem into a message, and caches what it read keyed by the stat of
the file that changes when the data does: a new adapter version becomes
visible only through a new `current.txt` (versions are immutable once
committed, and the pointer is replaced with `os.replace`), and the score
sidecar only grows. Entries also expire after a few seconds, which bounds
how long a change the stat cannot see (a file rewritten in place within one
timestamp tick, a hand-edited `dlmls_run.json`) stays hidden. A hover
therefore costs one `stat` per adapter and one for the sidecar once the
cache is warm. Pure Python, no torch, no LSP.
"""

from __future__ import annotations

import json
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlmls.scores import ScoreTable, read_scores
from dlmls.store import RUN_FILE, Store, StoreError, document_sha256, dlm_home
from dlmls.suggestions import SuggestionTable, read_suggestions, suggestions_path

Signature = tuple[int, int, int] | None  # (mtime_ns, size, inode), None: no such file


@dataclass(frozen=True, slots=True)
class AdapterStatus:
    """The current version of one adapter, as far as the store tells (`problem` set: it does not)."""

    adapter: str | None  # None: the single adapter of a flat store
    version: str | None = None  # "v0003"; None: nothing trained (or unreadable)
    problem: str | None = None
    has_metadata: bool = False  # whether the version has our dlmls_run.json (DLM's own versions do not)
    created_at: str | None = None
    steps: int | None = None
    train_loss: float | None = None
    eval_before: float | None = None
    eval_after: float | None = None
    document_sha256: str | None = None
    base_model: str | None = None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def read_status(store: Store, adapter: str | None) -> AdapterStatus:
    """What `current.txt` and the version's `dlmls_run.json` say; never raises."""
    try:
        current = store.current(adapter)
        if current.problem is not None:
            return AdapterStatus(adapter, problem=current.problem)
        version = current.version
        if version is None:
            return AdapterStatus(adapter)
        run = version.path / RUN_FILE
        try:
            meta = json.loads(run.read_bytes())
        except FileNotFoundError:
            return AdapterStatus(adapter, version.name)
        except (ValueError, UnicodeDecodeError):
            return AdapterStatus(adapter, version.name, f"{run} is not valid JSON")
        if not isinstance(meta, dict):
            return AdapterStatus(adapter, version.name, f"{run} does not hold a JSON object")
        document = meta.get("document") if isinstance(meta.get("document"), dict) else {}
        base = meta.get("base_model") if isinstance(meta.get("base_model"), dict) else {}
        steps = meta.get("steps")
        return AdapterStatus(
            adapter, version.name, None, True,
            created_at=_text(meta.get("created_at")),
            steps=steps if isinstance(steps, int) and not isinstance(steps, bool) else None,
            train_loss=_number(meta.get("train_loss")),
            eval_before=_number(meta.get("eval_loss_before")),
            eval_after=_number(meta.get("eval_loss_after")),
            document_sha256=_text(document.get("sha256")),
            base_model=_text(base.get("spec")),
        )
    except (OSError, StoreError) as exc:
        return AdapterStatus(adapter, problem=str(exc))
    except Exception as exc:  # noqa: BLE001 - a hover must survive any store; say what went wrong instead
        return AdapterStatus(adapter, problem=f"{type(exc).__name__}: {exc}")


def _signature(path: Path) -> Signature:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size, st.st_ino


class StoreReader:
    """Cached `read_status` and `read_scores` per store, plus the document hash to compare with."""

    def __init__(self, max_entries: int = 64, ttl_s: float = 5.0) -> None:
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self._cache: OrderedDict[tuple[Any, ...], tuple[Signature, float, Any]] = OrderedDict()
        self._hashes: OrderedDict[int, tuple[bytes, str]] = OrderedDict()

    @staticmethod
    def store(home: str | os.PathLike[str] | None, dlm_id: Any) -> Store | None:
        """The store of `dlm_id` under `home` (None: $DLM_HOME or ~/.dlm); None if the id is not a ULID."""
        try:
            return Store.for_id(dlm_id, dlm_home(home))
        except StoreError:
            return None

    def status(self, store: Store, adapter: str | None) -> AdapterStatus:
        """The current version of `adapter` (cached until its `current.txt` changes)."""
        try:
            pointer = store.pointer_path(adapter)
        except StoreError as exc:
            return AdapterStatus(adapter, problem=str(exc))
        return self._cached(("status", pointer), pointer, lambda: read_status(store, adapter),
                            lambda exc: AdapterStatus(adapter, problem=f"cannot read {pointer}: {exc}"))

    def scores(self, store: Store) -> ScoreTable:
        """The store's score sidecar (cached until the file changes)."""
        path = store.scores_path
        return self._cached(("scores", path), path, lambda: read_scores(path),
                            lambda exc: ScoreTable(problem=f"cannot read {path}: {exc}"))

    def suggestions(self, store: Store) -> SuggestionTable:
        """The store's staged suggestions (cached until the file changes; it is append-only)."""
        path = suggestions_path(store.root)
        return self._cached(("suggestions", path), path, lambda: read_suggestions(path),
                            lambda exc: SuggestionTable(problem=f"cannot read {path}: {exc}"))

    def document_sha256(self, source: bytes) -> str:
        """`dlmls.store.document_sha256` of a document's text, computed once per source buffer."""
        hit = self._hashes.get(id(source))
        if hit is not None and hit[0] is source:  # the held reference keeps the id from being reused
            return hit[1]
        digest = document_sha256(source.decode("utf-8", "replace"))  # the text a retrain sends
        self._hashes[id(source)] = (source, digest)
        while len(self._hashes) > 8:
            self._hashes.popitem(last=False)
        return digest

    def _cached(self, key: tuple[Any, ...], path: Path, read: Any, failed: Any) -> Any:
        try:
            sig = _signature(path)
        except FileNotFoundError:
            sig = None
        except OSError as exc:
            return failed(exc.strerror or exc)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] == sig and now - hit[1] < self.ttl_s:
            self._cache.move_to_end(key)
            return hit[2]
        value = read()
        self._cache[key] = (sig, now, value)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
        return value
