"""The adapter store of a document: where trained versions live, and how they get there safely.

Layout, shared with DLM's own tools (`dlm/store/layout.py`)::

    $DLM_HOME/store/<dlm_id>/
        manifest.json                  DLM's manifest (same keys, so DLM still reads it)
        .dlmls.lock                    our training lock (fcntl.flock; DLM's own is `.lock`)
        adapter/                       single-adapter documents
            current.txt                "adapter/versions/v0003"
            versions/v0001/ ...        PEFT adapter + dlmls_run.json + dlmls_data.jsonl
        adapter/<name>/                multi-adapter documents, one tree per named adapter
            current.txt                "adapter/<name>/versions/v0002"
            versions/v0001/ ...
        dlmls/scores.jsonl             judge/sway scores of pairs, keyed by content (`dlmls.scores`)

A training run writes each new version into a staging directory inside
`versions/` (`.staging-*`, a name that never parses as a version), fsyncs it,
renames it to the next `vNNNN`, and only then replaces `current.txt`
(temp file + `os.replace`). A crash or cancel at any point leaves the old
version current; a staging directory left by a killed run is ignored by
readers and removed by the next training under the lock.

This module is pure Python (no torch): the language server reads it for
hovers, and reading never creates anything on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlmls.scores import SCORES_FILE, SIDECAR_DIR

RUN_FILE = "dlmls_run.json"
"""Our metadata of one version: what produced it (base model, data, hyperparameters, metrics)."""
DATA_FILE = "dlmls_data.jsonl"
"""A compact copy of the examples a version was trained on (the replay pool of the next run)."""
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".dlmls.lock"
DLM_LOCK_FILE = ".lock"  # DLM's own PID lock file (held while `dlm train` runs)
POINTER_FILE = "current.txt"
STAGING_PREFIX = ".staging-"
MANIFEST_SCHEMA_VERSION = 1

_VERSION_RE = re.compile(r"^v(\d{4,})$")
_ULID_RE = re.compile(r"^[0-9A-HJ-KM-NP-TV-Z]{26}$")
_ADAPTER_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class StoreError(Exception):
    """The store cannot be used as asked (bad id, unreadable files)."""


class StoreBusy(StoreError):
    """Another training holds the document's store."""


def dlm_home(override: str | os.PathLike[str] | None = None) -> Path:
    """The DLM home: `override`, else $DLM_HOME, else ~/.dlm (never created here)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("DLM_HOME")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".dlm"


def version_name(number: int) -> str:
    """`v0003` for 3 (versions are 1-based, at least four digits)."""
    if number < 1:
        raise ValueError(f"adapter versions are 1-based, got {number}")
    return f"v{number:04d}"


def parse_version(name: str) -> int | None:
    """3 for `v0003`; None for anything else (staging dirs, `v0003-rejected`, ...)."""
    m = _VERSION_RE.match(name)
    return int(m.group(1)) if m else None


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One committed adapter version on disk."""

    adapter: str | None  # None: the single adapter of a flat store
    name: str  # "v0003"
    number: int
    path: Path

    def metadata(self) -> dict[str, Any] | None:
        """Our run metadata (`dlmls_run.json`), or None when absent or unreadable."""
        return _read_json(self.path / RUN_FILE)

    @property
    def complete(self) -> bool:
        """Whether the directory holds a loadable PEFT adapter."""
        return (self.path / "adapter_config.json").is_file() and any(
            (self.path / f).is_file() for f in ("adapter_model.safetensors", "adapter_model.bin")
        )


@dataclass(frozen=True, slots=True)
class CurrentVersion:
    """What `current.txt` says: the version, or why it names none."""

    version: VersionInfo | None
    pointer: str | None  # the text of current.txt (stripped); None when there is no file
    problem: str | None = None  # set when current.txt exists but does not name a usable version


@dataclass(frozen=True, slots=True)
class StagedVersion:
    """A version being written, to be committed as `version_name(number)`."""

    adapter: str | None
    path: Path
    number: int

    @property
    def name(self) -> str:
        """The name it will have once committed ("v0003")."""
        return version_name(self.number)


class Store:
    """The store of one document (`$DLM_HOME/store/<dlm_id>/`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def for_id(cls, dlm_id: str, home: str | os.PathLike[str] | None = None) -> Store:
        """The store of `dlm_id` under `home` (see `dlm_home`)."""
        if not isinstance(dlm_id, str) or not _ULID_RE.match(dlm_id):
            raise StoreError(f"dlm_id {dlm_id!r} is not a 26-character ULID")
        return cls(dlm_home(home) / "store" / dlm_id)

    # ------------------------------------------------------------------ paths

    def adapter_dir(self, adapter: str | None) -> Path:
        """`adapter/` for a flat store, `adapter/<name>/` for a named adapter."""
        if adapter is None:
            return self.root / "adapter"
        if not _ADAPTER_RE.match(adapter):
            raise StoreError(f"adapter name {adapter!r} is not valid (must match {_ADAPTER_RE.pattern})")
        return self.root / "adapter" / adapter

    def versions_dir(self, adapter: str | None) -> Path:
        """Where the versions of `adapter` live."""
        return self.adapter_dir(adapter) / "versions"

    def pointer_path(self, adapter: str | None) -> Path:
        """The `current.txt` of `adapter`."""
        return self.adapter_dir(adapter) / POINTER_FILE

    @property
    def manifest_path(self) -> Path:
        """`manifest.json`."""
        return self.root / MANIFEST_FILE

    @property
    def scores_path(self) -> Path:
        """`dlmls/scores.jsonl`, the pairs' judge/sway scores (format: `dlmls.scores`)."""
        return self.root / SIDECAR_DIR / SCORES_FILE

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        """Whether anything was ever stored for this document."""
        return self.root.is_dir()

    def adapters(self) -> list[str | None]:
        """Adapters with a tree on disk: None for the flat layout, then names, sorted."""
        out: list[str | None] = []
        base = self.root / "adapter"
        if (base / "versions").is_dir() or (base / POINTER_FILE).is_file():
            out.append(None)
        if base.is_dir():
            for entry in sorted(base.iterdir()):
                if entry.name != "versions" and entry.is_dir() and _ADAPTER_RE.match(entry.name):
                    out.append(entry.name)
        return out

    def versions(self, adapter: str | None = None) -> list[VersionInfo]:
        """Committed versions of `adapter`, oldest first (staging dirs are skipped)."""
        base = self.versions_dir(adapter)
        if not base.is_dir():
            return []
        found = []
        for entry in base.iterdir():
            n = parse_version(entry.name)
            if n is not None and entry.is_dir():
                found.append(VersionInfo(adapter, entry.name, n, entry))
        return sorted(found, key=lambda v: v.number)

    def version(self, adapter: str | None, name: str) -> VersionInfo | None:
        """Version `name` ("v0003", or "3") of `adapter`, if it is on disk."""
        n = parse_version(name) if not name.isdigit() else int(name)
        if n is None or n < 1:
            return None
        path = self.versions_dir(adapter) / version_name(n)
        return VersionInfo(adapter, path.name, n, path) if path.is_dir() else None

    def current(self, adapter: str | None = None) -> CurrentVersion:
        """The version `current.txt` names. Garbage in the pointer is reported in
        `problem`, never raised."""
        pointer = self.pointer_path(adapter)
        try:
            raw = pointer.read_bytes()
        except FileNotFoundError:
            return CurrentVersion(None, None)
        except OSError as exc:
            return CurrentVersion(None, None, f"cannot read {pointer}: {exc.strerror or exc}")
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            return CurrentVersion(None, repr(raw[:80]), f"{pointer} is not UTF-8 text")
        if not text:
            return CurrentVersion(None, text, f"{pointer} is empty")
        if "\n" in text or "\x00" in text:
            return CurrentVersion(None, text[:200], f"{pointer} should hold one relative path, not several lines")
        rel = Path(text)
        expected = self.versions_dir(adapter).relative_to(self.root)
        if rel.is_absolute() or ".." in rel.parts or rel.parent != expected:
            return CurrentVersion(None, text, f"{pointer} holds {text!r}, which is not a version of this adapter "
                                              f"(expected {expected}/vNNNN)")
        n = parse_version(rel.name)
        if n is None:
            return CurrentVersion(None, text, f"{pointer} holds {text!r}, which is not a version name (vNNNN)")
        path = self.root / rel
        if not path.is_dir():
            return CurrentVersion(None, text, f"{pointer} names {text}, which does not exist")
        return CurrentVersion(VersionInfo(adapter, rel.name, n, path), text)

    def manifest(self) -> dict[str, Any] | None:
        """The manifest as plain JSON data, or None when absent or unreadable."""
        return _read_json(self.manifest_path)

    def staging_dirs(self, adapter: str | None = None) -> list[Path]:
        """Staging directories (left by a killed run, or in use by a running one)."""
        base = self.versions_dir(adapter)
        if not base.is_dir():
            return []
        return sorted(p for p in base.iterdir() if p.name.startswith(STAGING_PREFIX))

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store for one training (raises `StoreBusy` at once if it is held)."""
        self.root.mkdir(parents=True, exist_ok=True)
        _check_dlm_lock(self.root / DLM_LOCK_FILE)
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                holder = _read_small(self.root / LOCK_FILE)
                raise StoreBusy(f"another training of this document is running ({holder or 'unknown process'})")
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                _unlock(fd)
        finally:
            os.close(fd)

    def clean_staging(self, adapter: str | None = None) -> int:
        """Remove staging dirs left by killed runs (call only under `lock`); the count removed."""
        removed = 0
        for path in self.staging_dirs(adapter):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        return removed

    def stage(self, adapter: str | None = None) -> StagedVersion:
        """A new empty staging directory for the next version of `adapter` (call under `lock`)."""
        base = self.versions_dir(adapter)
        base.mkdir(parents=True, exist_ok=True)
        path = base / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        path.mkdir()
        return StagedVersion(adapter, path, self.next_number(adapter))

    def discard(self, staged: StagedVersion) -> None:
        """Remove a staging directory that will not be committed."""
        shutil.rmtree(staged.path, ignore_errors=True)

    def next_number(self, adapter: str | None = None) -> int:
        """The number the next committed version of `adapter` gets."""
        existing = self.versions(adapter)
        return (existing[-1].number if existing else 0) + 1

    def commit(self, staged: StagedVersion) -> VersionInfo:
        """Make a fully written staged version permanent as its vNNNN (not yet current)."""
        fsync_tree(staged.path)
        n = staged.number
        final = self.versions_dir(staged.adapter) / version_name(n)
        if final.exists():
            raise StoreError(f"{final} appeared while this version was being written (is the store locked?)")
        os.rename(staged.path, final)
        fsync_dir(final.parent)
        return VersionInfo(staged.adapter, final.name, n, final)

    def set_current(self, version: VersionInfo) -> None:
        """Point `current.txt` of the version's adapter at it, atomically."""
        rel = version.path.relative_to(self.root)
        atomic_write_text(self.pointer_path(version.adapter), f"{rel.as_posix()}\n")

    def write_manifest(self, data: dict[str, Any]) -> None:
        """Write `manifest.json` atomically, in DLM's canonical form (sorted keys, indent 2, LF)."""
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, separators=(",", ": ")) + "\n"
        atomic_write_text(self.manifest_path, text)

    def record_runs(self, *, dlm_id: str, base_model: str, runs: list[dict[str, Any]],
                    section_ids: list[str], source_path: str | None,
                    pinned_versions: dict[str, str]) -> dict[str, Any]:
        """Append training runs to the manifest (DLM's shape) and write it; the new manifest.

        Each run is a dict with `adapter` (None or a name), `version` (int),
        `seed`, `steps`, `final_train_loss`, `final_val_loss`, `started_at`,
        `ended_at` (datetimes), and optionally `current` (False: the version
        was held back, so the manifest's current version does not move). Keys
        of an existing manifest that we do not know are kept as they are.
        """
        now = utc_now()
        old = self.manifest()
        if old is None and self.manifest_path.exists():
            # Unreadable: keep it for inspection rather than silently losing it.
            with contextlib.suppress(OSError):
                os.replace(self.manifest_path, self.manifest_path.with_name(f"{MANIFEST_FILE}.corrupt"))
        data: dict[str, Any] = dict(old) if isinstance(old, dict) else {}
        data.setdefault("created_at", _iso(now))
        for key, default in (("adapter_version", 0), ("adapter_versions", {}), ("training_runs", []),
                             ("exports", []), ("content_hashes", {}), ("pinned_versions", {}),
                             ("base_model_revision", None), ("base_model_sha256", None),
                             ("adapter_sha256", None), ("adapter_config_sha256", None),
                             ("source_path", None), ("license_acceptance", None)):
            data.setdefault(key, default)
        data["dlm_id"] = dlm_id
        data["schema_version"] = data.get("schema_version", MANIFEST_SCHEMA_VERSION)
        data["base_model"] = base_model
        data["updated_at"] = _iso(now)
        prior = [r for r in data["training_runs"] if isinstance(r, dict)]
        run_id = max((int(r.get("run_id", 0)) for r in prior if isinstance(r.get("run_id"), int)), default=0)
        for run in runs:
            run_id += 1
            prior.append({
                "run_id": run_id,
                "started_at": _iso(run["started_at"]),
                "ended_at": _iso(run["ended_at"]),
                "adapter_version": int(run["version"]),
                "base_model_revision": run.get("base_model_revision"),
                "seed": int(run["seed"]),
                "steps": int(run["steps"]),
                "final_train_loss": run.get("final_train_loss"),
                "final_val_loss": run.get("final_val_loss"),
                "status": "completed",
                "pinned_versions": dict(pinned_versions),
                "summary_path": None,
                "adapter_name": run.get("adapter"),
                "weight_distribution": None,
            })
            if run.get("current") is False:  # kept on disk, but the pointer stayed where it was
                continue
            if run.get("adapter") is None:
                data["adapter_version"] = int(run["version"])
            else:
                data["adapter_versions"] = {**data["adapter_versions"], run["adapter"]: int(run["version"])}
        data["training_runs"] = prior
        data["content_hashes"] = {sid: sid for sid in section_ids}
        data["pinned_versions"] = dict(pinned_versions)
        if source_path:
            data["source_path"] = source_path
        self.write_manifest(data)
        return data


# ---------------------------------------------------------------------- helpers


def current_version(dlm_id: str, home: str | os.PathLike[str] | None = None,
                    adapter: str | None = None) -> CurrentVersion:
    """The current version of a document's adapter (for hovers); never raises on a bad store."""
    try:
        return Store.for_id(dlm_id, home).current(adapter)
    except StoreError as exc:
        return CurrentVersion(None, None, str(exc))


def document_sha256(text: str) -> str:
    """The document hash a version records (`dlmls_run.json` → document.sha256): of the text as trained."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def utc_now() -> datetime:
    """Now, in UTC, to the second, without tzinfo (the form DLM's manifest uses)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _iso(value: datetime | str) -> str:
    return value if isinstance(value, str) else value.replace(microsecond=0).isoformat()


def atomic_write_text(path: Path, text: str) -> None:
    """Write `path` so readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries to disk (no-op where directories cannot be opened)."""
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file and directory under `path` (before it is renamed into place)."""
    for dirpath, _dirs, files in os.walk(path, topdown=False):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_small(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:200]
    except OSError:
        return ""


def _check_dlm_lock(path: Path) -> None:
    """Refuse while DLM's own trainer holds the store (its lock names a live local pid)."""
    text = _read_small(path)
    if not text:
        return
    parts = text.split("\n")
    try:
        pid = int(parts[0])
    except ValueError:
        return
    host = parts[1] if len(parts) > 1 else ""
    if host and host != socket.gethostname():
        raise StoreBusy(f"DLM holds this store from {host} (pid {pid}); wait for it or remove {path}")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return  # a stale DLM lock: DLM itself will complain, we need not
    except PermissionError:
        pass
    raise StoreBusy(f"DLM is training this document (pid {pid}, lock {path}); wait for it to finish")


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)
