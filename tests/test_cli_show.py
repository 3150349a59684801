"""`dlmls show`: a document's adapter history, from a store built here the way the engine writes it
(`dlmls.store`: staged, committed, pointed at by current.txt; `dlmls_run.json` per version) and the
way DLM writes it (a version directory with no `dlmls_run.json`, its run in manifest.json)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from dlmls import cli
from dlmls.store import RUN_FILE, Store, VersionInfo, document_sha256

DLM_ID = "01KPM5CXB51GRX86Q25AKERN6E"
TEXT = f"""---
dlm_id: {DLM_ID}
dlm_version: 1
base_model: smollm2-135m
---

# Notes

The brass tolk is divided into twelve pennets.
"""
MULTI = f"""---
dlm_id: {DLM_ID}
dlm_version: 1
base_model: smollm2-135m
training:
  adapters:
    tone: {{}}
    facts: {{}}
---
shared prose
::instruction#facts::
### Q
How many pennets?
### A
Twelve.
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home: Path) -> Store:
    return Store.for_id(DLM_ID, home)


def write_doc(tmp_path: Path, text: str = TEXT) -> Path:
    path = tmp_path / "notes.dlm"
    path.write_text(text, encoding="utf-8")
    return path


def train(store: Store, text: str, *, adapter: str | None = None, steps: int = 40, loss: float = 0.5,
          before: float | None = 2.0, after: float | None = 1.0, held_back: str | None = None,
          when: str = "2026-03-04T05:06:07") -> VersionInfo:
    """One version as the engine writes it: staged, its files and dlmls_run.json, committed, made current
    unless held back, recorded in the manifest."""
    with store.lock():
        staged = store.stage(adapter)
        (staged.path / "adapter_config.json").write_text("{}")
        (staged.path / "adapter_model.safetensors").write_bytes(b"weights")
        parent = store.current(adapter).version
        meta = {
            "format": 1, "dlmls_version": "0.1.0", "created_at": when, "started_at": "2026-03-04T05:00:00",
            "dlm_id": DLM_ID, "adapter": adapter, "version": staged.name,
            "parent_version": parent.name if parent else None, "fresh": parent is None,
            "base_model": {"spec": "smollm2-135m", "source": "gguf-cache"},
            "document": {"path": "/somewhere/notes.dlm", "sha256": document_sha256(text)},
            "data": {"hash": "2d435a8f3cb18ec8", "train": 10, "held_out": 2, "text": 4, "chat": 3,
                     "augmented": 3, "replayed": 1, "rows": 10, "eval_rows": 2, "tokens_per_epoch": 642},
            "hyperparameters": {"seed": 7, "epochs": 4, "learning_rate": 0.001},
            "steps": steps, "losses": [loss] * steps, "train_loss": loss,
            "eval_loss_before": before, "eval_loss_after": after, "held_back": held_back,
            "tokens": 2568, "notes": ["unset in the frontmatter, chosen to learn a document of this size"],
        }
        (staged.path / RUN_FILE).write_text(json.dumps(meta, indent=2))
        version = store.commit(staged)
        if held_back is None:
            store.set_current(version)
        at = datetime.fromisoformat(when)
        run = {"adapter": adapter, "version": version.number, "seed": 7, "steps": steps,
               "final_train_loss": loss, "final_val_loss": after, "started_at": at, "ended_at": at,
               "current": held_back is None}
        store.record_runs(dlm_id=DLM_ID, base_model="smollm2-135m", section_ids=[], source_path=None,
                          pinned_versions={}, runs=[run])
    return version


def dlm_version(store: Store, *, steps: int = 30, loss: float = 1.25, val: float | None = 1.5) -> None:
    """A version DLM's own `dlm train` made: weights, no dlmls_run.json; its run in manifest.json."""
    path = store.versions_dir(None) / "v0001"
    path.mkdir(parents=True)
    (path / "adapter_config.json").write_text("{}")
    (path / "adapter_model.safetensors").write_bytes(b"weights")
    (path / "training_state.pt").write_bytes(b"")
    store.set_current(VersionInfo(None, "v0001", 1, path))
    store.write_manifest({
        "dlm_id": DLM_ID, "schema_version": 1, "base_model": "smollm2-135m", "adapter_version": 1,
        "training_runs": [{"run_id": 1, "started_at": "2026-02-01T10:00:00",
                           "ended_at": "2026-02-01T10:02:00", "adapter_version": 1, "seed": 42,
                           "steps": steps, "final_train_loss": loss, "final_val_loss": val,
                           "status": "completed", "adapter_name": None}],
    })


def show(capsys, path: Path, home: Path, *extra: str) -> tuple[int, str, str]:
    status = cli.main(["show", str(path), "--dlm-home", str(home), *extra])
    out, err = capsys.readouterr()
    return status, out, err


def show_json(capsys, path: Path, home: Path) -> dict[str, Any]:
    status, out, _ = show(capsys, path, home, "--json")
    assert status == 0
    return json.loads(out)


def test_no_store_yet(tmp_path: Path, home: Path, capsys):
    path = write_doc(tmp_path)
    status, out, err = show(capsys, path, home)
    assert status == 0 and err == ""
    assert "No adapter store yet" in out and f"dlmls train {path}" in out
    assert DLM_ID in out and "smollm2-135m" in out
    h = show_json(capsys, path, home)
    assert h["store_exists"] is False and h["adapters"] == []
    assert not home.exists()  # read-only: nothing created


def test_one_version_current_and_up_to_date(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path)
    train(store, TEXT)
    status, out, _ = show(capsys, path, home)
    assert status == 0
    assert "adapter: current v0001, trained on the document as it is now" in out
    assert "* v0001  2026-03-04 05:06 UTC  40 steps  train loss 0.500  held-out loss 2.000 → 1.000" in out
    assert "data: 10 examples (4 text, 3 chat, 3 augmented, 1 replayed) + 2 held out, 642 tokens/epoch, " \
           "2568 tokens trained" in out
    h = show_json(capsys, path, home)
    (a,) = h["adapters"]
    assert (a["name"], a["declared"], a["current"], a["up_to_date"]) == (None, True, "v0001", True)
    (v,) = a["versions"]
    assert v["trained_by"] == "dlmls" and v["facts_from"] == "dlmls_run.json" and v["complete"]
    assert (v["steps"], v["train_loss"]) == (40, 0.5)
    assert (v["held_out_loss_before"], v["held_out_loss_after"]) == (2.0, 1.0)
    assert v["data"] == {"train": 10, "held_out": 2, "text": 4, "chat": 3, "augmented": 3, "replayed": 1,
                         "tokens_per_epoch": 642}
    assert (v["seed"], v["epochs"], v["tokens"], v["fresh"], v["parent_version"]) == (7, 4, 2568, True, None)
    assert v["document_sha256"] == h["document_sha256"] == document_sha256(TEXT)


def test_two_versions_with_the_older_current(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path)
    train(store, TEXT, when="2026-03-04T05:06:07")
    reason = "its held-out loss rose from 1.000 to 1.500, so v0001 stays current"
    train(store, TEXT, before=1.0, after=1.5, held_back=reason, when="2026-03-05T08:00:00")
    status, out, _ = show(capsys, path, home)
    lines = out.splitlines()
    assert "adapter: current v0001, trained on the document as it is now" in out
    first = next(i for i, line in enumerate(lines) if "v0001" in line and "UTC" in line)
    second = next(i for i, line in enumerate(lines) if "v0002" in line)
    assert first < second  # oldest first
    assert lines[first].startswith("  * v0001") and lines[second].startswith("    v0002")
    assert "held-out loss 1.000 → 1.500" in lines[second]
    assert f"held back: {reason}" in out
    a = show_json(capsys, path, home)["adapters"][0]
    assert a["current"] == "v0001"
    assert [(v["version"], v["current"], v["held_back"]) for v in a["versions"]] == \
           [("v0001", True, None), ("v0002", False, reason)]
    assert a["versions"][1]["parent_version"] == "v0001" and a["versions"][1]["fresh"] is False


def test_the_document_changed_since_training(tmp_path: Path, home: Path, store: Store, capsys):
    train(store, TEXT)
    path = write_doc(tmp_path, TEXT + "\nA new paragraph the adapter has not seen.\n")
    status, out, _ = show(capsys, path, home)
    assert status == 0
    assert "adapter: current v0001, the document changed since it was trained" in out
    h = show_json(capsys, path, home)
    a = h["adapters"][0]
    assert a["up_to_date"] is False and a["versions"][0]["trained_on_this_text"] is False
    # Back to the trained text: up to date again.
    path.write_text(TEXT)
    assert show_json(capsys, path, home)["adapters"][0]["up_to_date"] is True


def test_a_version_dlm_trained(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path)
    dlm_version(store)
    status, out, _ = show(capsys, path, home)
    assert status == 0
    assert "adapter: current v0001, not known whether it was trained on the document as it is now" in out
    assert "* v0001  2026-02-01 10:02 UTC  30 steps  train loss 1.250  validation loss 1.500" in out
    assert "trained by DLM (no dlmls_run.json): what DLM's manifest.json records" in out
    v = show_json(capsys, path, home)["adapters"][0]["versions"][0]
    assert (v["trained_by"], v["facts_from"], v["steps"], v["seed"], v["train_loss"]) == \
           ("dlm", "manifest.json", 30, 42, 1.25)
    assert v["held_out_loss_after"] == 1.5 and v["held_out_loss_before"] is None
    assert v["data"] is None and v["trained_on_this_text"] is None and v["complete"]
    # Then dlmls retrains it: both listed, each with what is known.
    train(store, TEXT, when="2026-03-04T05:06:07")
    a = show_json(capsys, path, home)["adapters"][0]
    assert [(v["version"], v["trained_by"], v["current"]) for v in a["versions"]] == \
           [("v0001", "dlm", False), ("v0002", "dlmls", True)]
    assert a["up_to_date"] is True


def test_a_dlm_version_the_manifest_does_not_mention(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path)
    dlm_version(store)
    store.manifest_path.unlink()
    status, out, _ = show(capsys, path, home)
    assert status == 0
    assert "* v0001\n" in out and "manifest.json records nothing of its run" in out


def test_a_multi_adapter_document(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path, MULTI)
    train(store, MULTI, adapter="facts", steps=12, loss=0.25)
    train(store, MULTI, adapter="facts", steps=13, loss=0.2, when="2026-03-06T00:00:00")
    train(store, "an older text", adapter="old", steps=5)  # no longer declared
    status, out, _ = show(capsys, path, home)
    assert status == 0
    blocks = out.split("\n\n")
    assert blocks[1] == "adapter tone: not trained yet"
    assert blocks[2].startswith("adapter facts: current v0002, trained on the document as it is now\n")
    assert "    v0001  2026-03-04 05:06 UTC  12 steps" in blocks[2]
    assert "  * v0002  2026-03-06 00:00 UTC  13 steps" in blocks[2]
    assert blocks[3].startswith("adapter old (not trained by this document: not in training.adapters): "
                                "current v0001, the document changed since it was trained")
    h = show_json(capsys, path, home)
    assert [(a["name"], a["declared"], a["current"], a["up_to_date"], len(a["versions"]))
            for a in h["adapters"]] == [("tone", True, None, None, 0), ("facts", True, "v0002", True, 2),
                                        ("old", False, "v0001", False, 1)]


def test_json_shape(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path)
    train(store, TEXT)
    h = show_json(capsys, path, home)
    assert set(h) == {"format", "path", "dlm_id", "base_model", "document_sha256", "store", "store_exists",
                      "adapters"}
    assert h["format"] == 1 and h["path"] == str(path.resolve()) and h["store"] == str(store.root)
    assert (h["dlm_id"], h["base_model"], h["store_exists"]) == (DLM_ID, "smollm2-135m", True)
    (a,) = h["adapters"]
    assert set(a) == {"name", "declared", "current", "current_problem", "up_to_date", "versions"}
    (v,) = a["versions"]
    assert set(v) == {"version", "number", "current", "trained_by", "facts_from", "complete", "started_at",
                      "trained_at", "steps", "seed", "epochs", "train_loss", "held_out_loss_before",
                      "held_out_loss_after", "held_back", "parent_version", "fresh", "base_model",
                      "document_sha256", "trained_on_this_text", "data", "tokens", "notes", "problem"}
    assert v["trained_at"] == "2026-03-04T05:06:07" and v["number"] == 1 and v["base_model"] == "smollm2-135m"
    assert v["notes"] == ["unset in the frontmatter, chosen to learn a document of this size"]
    # A DLM-made version has every key too.
    other = tmp_path / "other"
    other.mkdir()
    dlm_version(Store.for_id(DLM_ID, other / "home"))
    (w,) = show_json(capsys, path, other / "home")["adapters"][0]["versions"]
    assert set(w) == set(v)


def test_odd_stores_are_reported_not_raised(tmp_path: Path, home: Path, store: Store, capsys):
    path = write_doc(tmp_path)
    version = train(store, TEXT)
    (version.path / RUN_FILE).write_text("{not json")
    store.pointer_path(None).write_text("adapter/versions/v0009\n")
    status, out, _ = show(capsys, path, home)
    assert status == 0
    assert "adapter: no current version:" in out and "v0009" in out
    assert "problem:" in out and "cannot be read" in out
    # A store with a manifest but no versions (as `dlm init` leaves it).
    fresh = tmp_path / "fresh"
    Store.for_id(DLM_ID, fresh).write_manifest({"dlm_id": DLM_ID, "training_runs": []})
    status, out, _ = show(capsys, path, fresh)
    assert status == 0 and "The store has no adapter versions yet" in out


def test_exit_statuses(tmp_path: Path, home: Path, capsys):
    status, _, err = show(capsys, tmp_path / "missing.dlm", home)
    assert status == 2 and "cannot read" in err
    bad = tmp_path / "bad.dlm"
    bad.write_text("---\ndlm_version: 1\nbase_model: smollm2-135m\n---\nprose\n")
    status, _, err = show(capsys, bad, home)
    assert status == 1 and "no dlm_id" in err
    bad.write_text("---\ndlm_id: not-a-ulid\nbase_model: smollm2-135m\n---\nprose\n")
    status, _, err = show(capsys, bad, home)
    assert status == 1 and "ULID" in err


def test_show_help_is_clear(capsys):
    with pytest.raises(SystemExit):
        cli.main(["show", "--help"])
    out = capsys.readouterr().out
    assert "--json" in out and "--dlm-home" in out and "Exit status" in out
