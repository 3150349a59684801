"""A document's adapter history, read from its store: what `dlmls show` prints.

`history(source, path, home)` returns one JSON-able object (the `--json`
output of `dlmls show`, shape below) describing every committed version of
every adapter of the document's store (`dlmls.store` layout): when it was
trained, its steps and losses, what data went in, which version is current,
and whether the current one was trained on the document as it is now (the
`document.sha256` its `dlmls_run.json` records against
`dlmls.store.document_sha256` of the text, as hovers compare them).

Versions written by DLM itself have no `dlmls_run.json`; what DLM's
`manifest.json` records of their run (`training_runs`: times, steps, final
train and validation loss, seed) is shown instead, and nothing is guessed.

Shape (`"format": 1`; every key is always present, unknown values are null):

    {"format": 1,
     "path": str, "dlm_id": str, "base_model": str|null,   # the document's frontmatter
     "document_sha256": str,                                # of the text as a retrain would send it
     "store": str, "store_exists": bool,
     "adapters": [                                          # single-adapter documents: one, name null
       {"name": str|null,
        "declared": bool,          # the document trains it (named in training.adapters, or the flat
                                   # adapter of a document without training.adapters)
        "current": "v0002"|null,   # what current.txt names
        "current_problem": str|null,   # current.txt exists but names no usable version
        "up_to_date": bool|null,   # the current version was trained on this exact text (null: unknown)
        "versions": [              # oldest first
          {"version": "v0001", "number": 1, "current": bool,
           "trained_by": "dlmls"|"dlm",   # "dlm": no dlmls_run.json (DLM or another tool made it)
           "facts_from": "dlmls_run.json"|"manifest.json"|null,
           "complete": bool,              # the directory holds adapter weights
           "started_at": str|null, "trained_at": str|null,   # ISO 8601, UTC, as recorded
           "steps": int|null, "seed": int|null, "epochs": int|null,
           "train_loss": float|null,
           "held_out_loss_before": float|null, "held_out_loss_after": float|null,
           "held_back": str|null,         # why it was kept but not made current
           "parent_version": str|null, "fresh": bool|null,
           "base_model": str|null,
           "document_sha256": str|null, "trained_on_this_text": bool|null,
           "data": {"train", "held_out", "text", "chat", "augmented", "replayed",
                    "tokens_per_epoch": int|null} | null,
           "tokens": int|null,            # tokens through the model in training
           "notes": [str],
           "problem": str|null}]}]}

With `limit=N` (the hover on the frontmatter opener) only the newest N
versions of each adapter are read and listed, newest first (not oldest
first), and each adapter also has `"older": int`, how many versions were
left out; the current version is always listed (last, in place of the
oldest of the N, when it is older than all of them).

Pure Python and read-only: nothing is created on disk, torch is never imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dlmls.store import RUN_FILE, Store, StoreError, VersionInfo, document_sha256

FORMAT = 1
DATA_KEYS = ("train", "held_out", "text", "chat", "augmented", "replayed", "tokens_per_epoch")


class HistoryError(Exception):
    """The document names no store (no valid `dlm_id`)."""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _blank(v: VersionInfo, current: VersionInfo | None) -> dict[str, Any]:
    is_current = current is not None and current.number == v.number
    return {"version": v.name, "number": v.number, "current": is_current,
            "trained_by": "dlm", "facts_from": None, "complete": v.complete,
            "started_at": None, "trained_at": None, "steps": None, "seed": None, "epochs": None,
            "train_loss": None, "held_out_loss_before": None, "held_out_loss_after": None, "held_back": None,
            "parent_version": None, "fresh": None, "base_model": None,
            "document_sha256": None, "trained_on_this_text": None, "data": None, "tokens": None,
            "notes": [], "problem": None}


def _from_run(entry: dict[str, Any], meta: dict[str, Any], digest: str) -> None:
    hyper = _dict(meta.get("hyperparameters"))
    data = meta.get("data")
    recorded = _str(_dict(meta.get("document")).get("sha256"))
    notes = meta.get("notes")
    entry.update({
        "trained_by": "dlmls", "facts_from": RUN_FILE,
        "started_at": _str(meta.get("started_at")), "trained_at": _str(meta.get("created_at")),
        "steps": _int(meta.get("steps")), "seed": _int(hyper.get("seed")),
        "epochs": _int(hyper.get("epochs")),
        "train_loss": _float(meta.get("train_loss")),
        "held_out_loss_before": _float(meta.get("eval_loss_before")),
        "held_out_loss_after": _float(meta.get("eval_loss_after")),
        "held_back": _str(meta.get("held_back")),
        "parent_version": _str(meta.get("parent_version")),
        "fresh": meta.get("fresh") if isinstance(meta.get("fresh"), bool) else None,
        "base_model": _str(_dict(meta.get("base_model")).get("spec")),
        "document_sha256": recorded,
        "trained_on_this_text": None if recorded is None else recorded == digest,
        "data": {k: _int(data.get(k)) for k in DATA_KEYS} if isinstance(data, dict) else None,
        "tokens": _int(meta.get("tokens")),
        "notes": [n for n in notes if isinstance(n, str)] if isinstance(notes, list) else [],
    })


def _from_manifest(entry: dict[str, Any], run: dict[str, Any]) -> None:
    entry.update({
        "facts_from": "manifest.json",
        "started_at": _str(run.get("started_at")), "trained_at": _str(run.get("ended_at")),
        "steps": _int(run.get("steps")), "seed": _int(run.get("seed")),
        "train_loss": _float(run.get("final_train_loss")),
        "held_out_loss_after": _float(run.get("final_val_loss")),
    })


def _manifest_runs(store: Store) -> dict[tuple[str | None, int], dict[str, Any]]:
    """The manifest's completed training runs by (adapter, version); the last run wins."""
    manifest = store.manifest()
    runs = manifest.get("training_runs") if isinstance(manifest, dict) else None
    out: dict[tuple[str | None, int], dict[str, Any]] = {}
    for run in runs if isinstance(runs, list) else ():
        if not isinstance(run, dict) or _int(run.get("adapter_version")) is None:
            continue
        if run.get("status", "completed") != "completed":
            continue
        out[(_str(run.get("adapter_name")), run["adapter_version"])] = run
    return out


def _version(v: VersionInfo, current: VersionInfo | None, digest: str,
             runs: dict[tuple[str | None, int], dict[str, Any]]) -> dict[str, Any]:
    entry = _blank(v, current)
    run_path = v.path / RUN_FILE
    try:
        meta = json.loads(run_path.read_bytes())
    except FileNotFoundError:
        meta = None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        entry["trained_by"] = "dlmls"
        entry["problem"] = f"{run_path} cannot be read: {getattr(exc, 'strerror', None) or exc}"
        meta = None
    if isinstance(meta, dict):
        _from_run(entry, meta, digest)
        return entry
    if meta is not None:
        entry["trained_by"] = "dlmls"
        entry["problem"] = f"{run_path} does not hold a JSON object"
    run = runs.get((v.adapter, v.number))
    if run is not None:
        _from_manifest(entry, run)
    return entry


def _adapter(store: Store, name: str | None, declared: bool, digest: str,
             runs: dict[tuple[str | None, int], dict[str, Any]], limit: int | None = None) -> dict[str, Any]:
    cur = store.current(name)
    found = store.versions(name)
    older = 0
    if limit is not None:  # the newest `limit`, newest first, and the current one wherever it is
        newest = found[::-1][:max(limit, 0)]
        if cur.version is not None and all(v.number != cur.version.number for v in newest):
            newest = [*newest[:-1], cur.version] if newest else [cur.version]
        older = len(found) - len(newest)
        found = newest
    versions = [_version(v, cur.version, digest, runs) for v in found]
    current_entry = next((e for e in versions if e["current"]), None)
    out = {
        "name": name, "declared": declared,
        "current": cur.version.name if cur.version is not None else None,
        "current_problem": cur.problem,
        "up_to_date": current_entry["trained_on_this_text"] if current_entry is not None else None,
        "versions": versions,
    }
    if limit is not None:
        out["older"] = older
    return out


def utc_text(text: str, fmt: str) -> str:
    """An ISO time (naive ones read as UTC) formatted in UTC with `fmt`; a text that is not ISO as it is."""
    from datetime import UTC, datetime

    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime(fmt)


def trained_when(text: str | None) -> str | None:
    """An ISO time as "YYYY-MM-DD HH:MM UTC" (a text that is not ISO as it is; None stays None)."""
    return utc_text(text, "%Y-%m-%d %H:%M UTC") if text else None


def loss_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def version_facts(v: dict[str, Any]) -> list[str]:
    """A listed version's training facts, in the words both `dlmls show` and the hover on `---` use: when,
    steps, final train loss, and the held-out loss before → after (DLM's validation loss for its versions)."""
    facts = []
    when = trained_when(v["trained_at"])
    if when:
        facts.append(when)
    if v["steps"] is not None:
        facts.append(f"{v['steps']} steps")
    if v["train_loss"] is not None:
        facts.append(f"train loss {loss_text(v['train_loss'])}")
    before, after = v["held_out_loss_before"], v["held_out_loss_after"]
    if v["trained_by"] == "dlm":
        if after is not None:
            facts.append(f"validation loss {loss_text(after)}")
    elif before is not None or after is not None:
        facts.append(f"held-out loss {loss_text(before)} → {loss_text(after)}")
    return facts


def history(source: bytes, path: str, home: str | None = None, *, model: Any = None,
            digest: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """The adapter history of the document `source` (read from `path`) in the store under `home`
    (None: $DLM_HOME or ~/.dlm). Raises `HistoryError` when the document has no valid `dlm_id`.

    `model` (the parsed `source`, when the caller has it: an open document) and `digest` (its
    `document_sha256`) save parsing and hashing it again; `limit`: see the module docstring."""
    from dlmls.core.completion import declared_adapters

    if model is None:
        from dlmls.core.document import Document

        model = Document(source).model
    info = model.frontmatter.info if model.frontmatter is not None else None
    dlm_id = info.dlm_id if info is not None else None
    if not isinstance(dlm_id, str) or not dlm_id:
        raw = info.raw.get("dlm_id") if info is not None and isinstance(info.raw, dict) else None
        if raw is not None:
            raise HistoryError(f"dlm_id {raw!r} is not a 26-character ULID, so it names no adapter store")
        raise HistoryError("the document has no dlm_id, so no adapter store")
    try:
        store = Store.for_id(dlm_id, home)
    except StoreError as exc:
        raise HistoryError(str(exc)) from exc
    base_model = info.base_model if info is not None else None
    if digest is None:
        digest = document_sha256(source.decode("utf-8", "replace"))  # the text `dlmls train` would send
    out: dict[str, Any] = {
        "format": FORMAT, "path": path, "dlm_id": dlm_id,
        "base_model": base_model if isinstance(base_model, str) else None,
        "document_sha256": digest, "store": str(store.root), "store_exists": store.exists(), "adapters": [],
    }
    if not store.exists():
        return out
    declared: list[str | None] = list(declared_adapters(model)) or [None]
    on_disk = store.adapters()
    runs = _manifest_runs(store)
    names = [n for n in declared if n in on_disk] + [n for n in on_disk if n not in declared]
    # A declared adapter nothing was trained for yet is listed too (with no versions).
    names += [n for n in declared if n not in names]
    order = {n: i for i, n in enumerate(declared)}
    names.sort(key=lambda n: (order.get(n, len(order)), "" if n is None else n))
    for n in names:
        try:
            out["adapters"].append(_adapter(store, n, n in declared, digest, runs, limit))
        except (OSError, StoreError) as exc:  # an unreadable directory: say so, show the rest
            out["adapters"].append({"name": n, "declared": n in declared, "current": None,
                                    "current_problem": f"cannot read the adapter's tree: {exc}",
                                    "up_to_date": None, "versions": [],
                                    **({"older": 0} if limit is not None else {})})
    return out


def read(path: str | Path, home: str | None = None) -> dict[str, Any]:
    """`history` of the document at `path` (raises OSError when it cannot be read)."""
    source = Path(path).read_bytes()
    return history(source, str(path), home)
