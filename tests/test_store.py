"""The adapter store: layout, atomic commits, pointer problems reported, the lock, DLM's manifest shape."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dlmls import store as st
from dlmls.store import Store, StoreBusy, StoreError

DLM_ID = "01KPM5CXB51GRX86Q25AKERN6E"


def _write_version(staged: st.StagedVersion, marker: str = "x") -> None:
    (staged.path / "adapter_config.json").write_text(json.dumps({"r": 8, "marker": marker}))
    (staged.path / "adapter_model.safetensors").write_bytes(b"weights-" + marker.encode())
    (staged.path / st.RUN_FILE).write_text(json.dumps({"version": staged.name, "marker": marker}))


def _train(s: Store, adapter: str | None = None, marker: str = "x") -> st.VersionInfo:
    with s.lock():
        staged = s.stage(adapter)
        _write_version(staged, marker)
        v = s.commit(staged)
        s.set_current(v)
    return v


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.for_id(DLM_ID, tmp_path)


def test_home_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DLM_HOME", str(tmp_path / "env"))
    assert st.dlm_home() == tmp_path / "env"
    assert st.dlm_home(str(tmp_path / "job")) == tmp_path / "job"
    monkeypatch.delenv("DLM_HOME")
    assert st.dlm_home() == Path.home() / ".dlm"
    assert Store.for_id(DLM_ID, tmp_path).root == tmp_path / "store" / DLM_ID


def test_bad_ids_are_refused(tmp_path: Path):
    for bad in ("../../etc", "", "01kpm5cxb51grx86q25akern6e"):
        with pytest.raises(StoreError):
            Store.for_id(bad, tmp_path)
    with pytest.raises(StoreError):
        Store.for_id(DLM_ID, tmp_path).adapter_dir("../x")


def test_version_names():
    assert st.version_name(3) == "v0003"
    assert st.version_name(12345) == "v12345"
    assert st.parse_version("v0003") == 3
    for other in ("v0003-rejected", ".staging-1-ab", "v12", "x0001"):
        assert st.parse_version(other) is None


def test_reading_creates_nothing(store: Store, tmp_path: Path):
    assert store.current().version is None and store.current().problem is None
    assert store.versions() == [] and store.adapters() == [] and store.manifest() is None
    assert st.current_version(DLM_ID, tmp_path).version is None
    assert not store.root.exists()
    assert list(tmp_path.iterdir()) == []


def test_flat_layout_and_pointer(store: Store):
    v1 = _train(store, marker="one")
    v2 = _train(store, marker="two")
    assert (v1.name, v2.name) == ("v0001", "v0002")
    assert (store.root / "adapter" / "current.txt").read_text() == "adapter/versions/v0002\n"
    cur = store.current()
    assert cur.version == v2 and cur.problem is None and cur.version.complete
    assert cur.version.metadata()["marker"] == "two"
    assert [v.name for v in store.versions()] == ["v0001", "v0002"]
    assert store.version(None, "v0001") == v1 and store.version(None, "1") == v1
    assert store.version(None, "v0009") is None
    assert store.adapters() == [None]


def test_named_adapters_follow_dlm_layout(store: Store):
    _train(store, "knowledge")
    _train(store, "tone")
    _train(store, "tone")
    assert (store.root / "adapter" / "tone" / "current.txt").read_text() == "adapter/tone/versions/v0002\n"
    assert (store.root / "adapter" / "knowledge" / "versions" / "v0001" / "adapter_config.json").is_file()
    assert store.current("knowledge").version.name == "v0001"
    assert store.current("tone").version.name == "v0002"
    assert store.current().version is None  # no flat tree
    assert store.adapters() == ["knowledge", "tone"]


def test_crash_between_stage_and_switch_keeps_old_version(store: Store):
    v1 = _train(store, marker="one")
    with store.lock():
        staged = store.stage()
        _write_version(staged, "two")
        # killed here: staged but never committed
    assert store.current().version == v1
    assert [v.name for v in store.versions()] == ["v0001"]  # the staging dir is not a version
    assert len(store.staging_dirs()) == 1
    with store.lock():
        staged = store.stage()
        _write_version(staged, "three")
        v = store.commit(staged)
        # killed here: committed but current.txt not switched
    assert store.current().version == v1
    assert v.name == "v0002"
    # The next training cleans the leftovers and numbers past the orphan.
    with store.lock():
        assert store.clean_staging() == 1
    v3 = _train(store, marker="four")
    assert v3.name == "v0003" and store.current().version == v3
    assert store.staging_dirs() == []


@pytest.mark.parametrize("content, problem", [
    (b"", "is empty"),
    (b"\xff\xfe garbage", "not UTF-8"),
    (b"adapter/versions/v0007\n", "does not exist"),
    (b"../../elsewhere/v0001", "not a version of this adapter"),
    (b"/etc/passwd", "not a version of this adapter"),
    (b"adapter/versions/latest", "not a version name"),
    (b"adapter/versions/v0001\nadapter/versions/v0002", "not several lines"),
    (b"adapter/tone/versions/v0001", "not a version of this adapter"),
])
def test_garbage_pointer_is_reported(store: Store, content: bytes, problem: str):
    _train(store)
    store.pointer_path(None).write_bytes(content)
    cur = store.current()
    assert cur.version is None
    assert problem in cur.problem
    assert problem in st.current_version(DLM_ID, store.root.parent.parent).problem


def test_set_current_replaces_garbage(store: Store):
    _train(store)
    store.pointer_path(None).write_text("nonsense")
    v = _train(store)
    assert store.current().version == v and store.current().problem is None


def test_lock_is_exclusive(store: Store):
    with store.lock(), pytest.raises(StoreBusy, match="another training"), Store(store.root).lock():
        pass
    with store.lock():  # released
        pass


def test_dlm_lock_with_live_pid_is_busy(store: Store):
    import socket

    store.root.mkdir(parents=True)
    (store.root / ".lock").write_text(f"{os.getpid()}\n{socket.gethostname()}\n0.0\n")
    with pytest.raises(StoreBusy, match="DLM is training"), store.lock():
        pass
    (store.root / ".lock").write_text(f"999999999\n{socket.gethostname()}\n0.0\n")  # stale: no such pid
    with store.lock():
        pass


def test_atomic_write_leaves_no_temp(tmp_path: Path):
    target = tmp_path / "a" / "current.txt"
    st.atomic_write_text(target, "one\n")
    st.atomic_write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["current.txt"]


def _run(adapter, version):
    return {"adapter": adapter, "version": version, "seed": 42, "steps": 3, "final_train_loss": 1.5,
            "final_val_loss": None, "started_at": st.utc_now(), "ended_at": st.utc_now()}


def test_manifest_has_dlms_shape(store: Store):
    store.record_runs(dlm_id=DLM_ID, base_model="smollm2-135m", runs=[_run(None, 1)], section_ids=["a" * 16],
                      source_path="/x/notes.dlm", pinned_versions={"torch": "2"})
    data = store.record_runs(dlm_id=DLM_ID, base_model="smollm2-135m", runs=[_run(None, 2)],
                             section_ids=["b" * 16], source_path=None, pinned_versions={"torch": "2"})
    assert data["adapter_version"] == 2
    assert [r["run_id"] for r in data["training_runs"]] == [1, 2]
    assert data["content_hashes"] == {"b" * 16: "b" * 16}
    assert data["source_path"] == "/x/notes.dlm"
    text = store.manifest_path.read_text()
    assert text.endswith("}\n") and json.loads(text) == data
    expected = {"dlm_id", "schema_version", "created_at", "updated_at", "base_model", "base_model_revision",
                "base_model_sha256", "adapter_version", "adapter_sha256", "adapter_config_sha256",
                "adapter_versions", "training_runs", "exports", "content_hashes", "pinned_versions",
                "source_path", "license_acceptance"}
    assert set(data) == expected
    # DLM's own loader (its pydantic model forbids unknown keys) reads it back byte-identically.
    from dlm.store.manifest import load_manifest, to_canonical_json

    assert to_canonical_json(load_manifest(store.manifest_path)) == text


def test_manifest_multi_adapter_and_foreign_keys(store: Store):
    store.root.mkdir(parents=True)
    store.manifest_path.write_text(json.dumps({"dlm_id": DLM_ID, "base_model": "x", "exports": [{"quant": "Q4"}],
                                               "training_runs": [{"run_id": 4}]}))
    data = store.record_runs(dlm_id=DLM_ID, base_model="smollm2-135m",
                             runs=[_run("knowledge", 1), _run("tone", 3)], section_ids=[], source_path=None,
                             pinned_versions={})
    assert data["adapter_versions"] == {"knowledge": 1, "tone": 3}
    assert data["adapter_version"] == 0
    assert data["exports"] == [{"quant": "Q4"}]
    assert [r["run_id"] for r in data["training_runs"]] == [4, 5, 6]
    assert [r["adapter_name"] for r in data["training_runs"][1:]] == ["knowledge", "tone"]


def test_corrupt_manifest_is_kept_aside(store: Store):
    store.root.mkdir(parents=True)
    store.manifest_path.write_text("{not json")
    assert store.manifest() is None
    store.record_runs(dlm_id=DLM_ID, base_model="m", runs=[_run(None, 1)], section_ids=[], source_path=None,
                      pinned_versions={})
    assert (store.root / "manifest.json.corrupt").read_text() == "{not json"
    assert store.manifest()["adapter_version"] == 1


# ---------------------------------------------------------------------- score sidecar (dlmls.scores)


def test_pair_key_is_sha256_of_normalised_question_and_answer():
    import hashlib

    from dlmls.scores import normalise, pair_key

    assert pair_key("What is X?", "A thing.") == hashlib.sha256(b"What is X?\nA thing.").hexdigest()
    # Whitespace runs, line breaks, surrounding space and Unicode composition do not change the key...
    assert normalise("  What\r\n is\tX? ") == "What is X?"
    assert pair_key("What  is\nX?", " A thing.\n") == pair_key("What is X?", "A thing.")
    assert pair_key("Caf\u0065\u0301?", "Yes.") == pair_key("Caf\u00e9?", "Yes.")
    # ...but the words, their case and which side of the pair they are on do.
    assert pair_key("What is x?", "A thing.") != pair_key("What is X?", "A thing.")
    assert pair_key("What is X? A", "thing.") != pair_key("What is X?", "A thing.")


def test_scores_round_trip_and_later_lines_win(tmp_path: Path):
    from dlmls.scores import Score, append_scores, pair_key, read_scores

    path = Store.for_id(DLM_ID, tmp_path).scores_path
    assert path == tmp_path / "store" / DLM_ID / "dlmls" / "scores.jsonl"
    a, b = pair_key("Q1", "A1"), pair_key("Q2", "A2")
    append_scores(path, [Score(a, "0123456789abcdef", 0.8, 1.25, "2026-04-24T10:18:42", "self"), Score(b, judge=0.1)])
    append_scores(path, [Score(b, judge=0.6, sway=-0.5, teacher="hf:org/t")])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert set(lines[0]) == {"key", "section_id", "judge", "sway", "scored_at", "teacher"}
    table = read_scores(path)
    assert table.bad_lines == 0 and table.problem is None
    assert table.get(a) == Score(a, "0123456789abcdef", 0.8, 1.25, "2026-04-24T10:18:42", "self")
    assert table.get(b) == Score(b, None, 0.6, -0.5, None, "hf:org/t")
    assert table.get(pair_key("Q3", "A3")) is None


def test_bad_score_lines_are_counted_and_skipped(tmp_path: Path):
    from dlmls.scores import pair_key, parse_scores, read_scores

    key = pair_key("Q", "A")
    good = json.dumps({"key": key, "judge": 1, "sway": 0.5, "extra": "kept out"})
    bad = [
        "{torn",
        "[1, 2]",
        json.dumps({"judge": 0.5}),  # no key
        json.dumps({"key": "abc", "judge": 0.5}),  # not a sha256
        json.dumps({"key": key.upper(), "judge": 0.5}),
        json.dumps({"key": key, "judge": "high"}),
        json.dumps({"key": key, "judge": True}),
        '{"key": "' + key + '", "sway": NaN}',
        json.dumps({"key": key, "teacher": 3}),
    ]
    data = ("\n".join([good, *bad, "", "   "]) + "\n").encode() + b"\xff\xfe\n"
    table = parse_scores(data)
    assert table.bad_lines == len(bad) + 1  # and the undecodable last line; blank lines are not bad
    assert table.get(key).judge == 1.0 and table.get(key).sway == 0.5
    assert read_scores(tmp_path / "missing.jsonl").by_key == {}
    assert not (tmp_path / "missing.jsonl").exists()
    (tmp_path / "dir.jsonl").mkdir()
    unreadable = read_scores(tmp_path / "dir.jsonl")
    assert unreadable.by_key == {} and unreadable.problem.startswith("cannot read")


# ---------------------------------------------------------------------- cached reads for hovers


def test_store_reader_status_is_cached_until_the_pointer_moves(store: Store, tmp_path: Path):
    from dlmls.store_reader import AdapterStatus, StoreReader

    reader = StoreReader()
    assert reader.status(store, None) == AdapterStatus(None)
    assert not store.root.exists()  # reading created nothing
    with store.lock():
        staged = store.stage()
        (staged.path / st.RUN_FILE).write_text(json.dumps({
            "created_at": "2026-04-24T10:18:42", "steps": 12, "train_loss": 1.5, "eval_loss_before": 2,
            "eval_loss_after": None, "document": {"sha256": "ab"}, "base_model": {"spec": "smollm2-135m"}}))
        store.set_current(store.commit(staged))
    status = reader.status(store, None)
    assert (status.version, status.steps, status.train_loss, status.eval_before, status.eval_after) == \
        ("v0001", 12, 1.5, 2.0, None)
    assert status.has_metadata and status.document_sha256 == "ab" and status.base_model == "smollm2-135m"
    # Edited in place without moving the pointer: still the cached read (versions are immutable)...
    (store.versions_dir(None) / "v0001" / st.RUN_FILE).write_text("{}")
    assert reader.status(store, None).steps == 12
    # ...until the pointer changes, or the entry expires.
    assert StoreReader(ttl_s=0).status(store, None).steps is None
    store.pointer_path(None).write_text("nonsense\n")
    assert "not a version of this adapter" in reader.status(store, None).problem


def test_store_reader_never_raises(store: Store):
    from dlmls.store_reader import StoreReader, read_status

    reader = StoreReader()
    assert reader.store(None, "not-a-ulid") is None
    assert "adapter name" in reader.status(store, "Bad-Name").problem
    with store.lock():
        staged = store.stage()
        (staged.path / st.RUN_FILE).write_text('["a list"]')
        store.set_current(store.commit(staged))
    assert "does not hold a JSON object" in read_status(store, None).problem
    (store.versions_dir(None) / "v0001" / st.RUN_FILE).write_bytes(b"\xff{")
    assert "is not valid JSON" in read_status(store, None).problem
    (store.versions_dir(None) / "v0001" / st.RUN_FILE).unlink()
    bare = read_status(store, None)  # a version DLM's own trainer made: no dlmls_run.json
    assert bare.version == "v0001" and not bare.has_metadata and bare.problem is None


def test_document_hash_matches_what_a_training_records():
    from dlmls.core.document import Document
    from dlmls.store_reader import StoreReader

    reader = StoreReader()
    for text in ("---\nbase_model: x\n---\nProse 😀\r\n", "\ufeffBOM first\n"):
        doc = Document(text)
        # A retrain sends Document.text; the engine records document_sha256 of it.
        assert reader.document_sha256(doc.model.source) == st.document_sha256(doc.text) == st.document_sha256(text)
    broken = Document(b"caf\xe9\n")  # not UTF-8: the retrain sends (and hashes) the U+FFFD text
    assert reader.document_sha256(broken.model.source) == st.document_sha256("caf\ufffd\n")
