"""The engine end to end on a tiny random model: versions, continuation, cancel, replay,
multi-adapter stores, prompting, and the errors a user can fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dlmls import protocol
from dlmls.store import Store
from dlmls.worker import train as train_mod
from dlmls.worker.engine import Engine
from dlmls.worker.errors import JobError

pytestmark = pytest.mark.usefixtures("no_network")

DLM_ID = "01KPM5CXB51GRX86Q25AKERN6E"


def make_doc(base: Path | str, body: str | None = None, training: str = "", extra: str = "") -> str:
    if body is None:
        body = "Decorators wrap functions. The @ syntax applies them at definition time.\n\n" + pairs(6)
    lr = "" if "adapters:" in training else "  learning_rate: 0.01\n"  # per adapter there
    block = f"training:\n  sequence_len: 128\n  num_epochs: 2\n{lr}{training}"
    return f"---\ndlm_id: {DLM_ID}\nbase_model: {base}\nsystem_prompt: Be brief.\n{extra}{block}---\n{body}"


def pairs(n: int, start: int = 0, adapter: str = "") -> str:
    fence = f"::instruction#{adapter}::" if adapter else "::instruction::"
    return fence + "\n" + "\n".join(f"### Q\nWhat is fact {i}?\n### A\nFact {i} is {i * 7}.\n"
                                    for i in range(start, start + n))


class Run:
    """One job's progress events and result."""

    def __init__(self) -> None:
        self.events: list[protocol.Progress] = []

    def report(self, p: protocol.Progress) -> None:
        self.events.append(p)

    def stages(self) -> set[str]:
        return {e.stage for e in self.events}


def train(engine: Engine, text: str, home: Path, cancel_after: int | None = None, **options) -> tuple:
    run = Run()
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return cancel_after is not None and calls["n"] > cancel_after

    job = protocol.TrainJob(job=7, path="", text=text, dlm_home=str(home),
                            options=protocol.TrainOptions(**options))
    return engine.train(job, run.report, cancelled), run


def train1(engine: Engine, text: str, home: Path, **kw) -> tuple:
    """Train a single-adapter document: (its one AdapterVersion, the run)."""
    result, run = train(engine, text, home, **kw)
    (version,) = result.versions
    return version, run


def prompt(engine: Engine, text: str, home: Path, **kw) -> protocol.PromptResult:
    kw.setdefault("max_new_tokens", 8)
    return engine.prompt(protocol.PromptJob(job=8, path="", text=text, question="What is fact 1?",
                                            dlm_home=str(home), **kw), lambda p: None, lambda: False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def weights(path: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(path / "adapter_model.safetensors"))


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(cache_dir=tmp_path / "cache")


def test_train_then_retrain_continues_from_current(engine: Engine, tiny_model: Path, tmp_path: Path):
    text = make_doc(tiny_model)
    r1, run1 = train(engine, text, tmp_path)
    assert r1.dlm_id == DLM_ID
    (v1,) = r1.versions
    assert (v1.adapter, v1.version) == (None, "v0001")
    assert v1.steps > 0 and v1.tokens > 0 and v1.train_loss is not None
    assert v1.base_eval_loss is not None and v1.eval_loss is not None
    assert v1.eval_loss < v1.base_eval_loss  # lr 0.01 on a random model: the held-out loss drops
    assert {"data", "load", "eval", "train", "save"} <= run1.stages()
    steps = [e for e in run1.events if e.stage == "train" and e.step > 0]
    assert [e.step for e in steps] == list(range(1, v1.steps + 1))
    assert all(e.total == v1.steps and e.loss is not None and e.tokens_per_s and e.eta_s is not None
               for e in steps)
    assert all(e.job == 7 for e in run1.events)

    r2, run2 = train(engine, text, tmp_path)
    (v2,) = r2.versions
    assert v2.version == "v0002"
    assert any("already loaded" in e.message for e in run2.events)  # the warm engine loads nothing
    # Continued: the starting loss of v0002 is v0001's final held-out loss.
    assert v2.base_eval_loss == pytest.approx(v1.eval_loss, rel=1e-5)
    store = Store.for_id(DLM_ID, tmp_path)
    assert store.current().version.name == "v0002"
    meta = store.current().version.metadata()
    assert meta["parent_version"] == "v0001" and meta["fresh"] is False
    assert meta["base_model"]["source"] == "local"
    assert meta["document"]["sha256"] and meta["data"]["hash"] and meta["data"]["held_out"] == 1
    assert meta["hyperparameters"]["lora_r"] == train_mod.AUTO_LORA_R and meta["hyperparameters"]["learning_rate"] == 0.01
    assert set(meta["hyperparameters"]["target_modules"]) == {"q_proj", "k_proj", "v_proj", "o_proj",
                                                               "gate_proj", "up_proj", "down_proj"}
    assert meta["eval_loss_before"] == v2.base_eval_loss and len(meta["losses"]) == v2.steps
    assert meta["versions"]["torch"] and meta["dlmls_version"]
    manifest = store.manifest()
    assert manifest["adapter_version"] == 2 and len(manifest["training_runs"]) == 2
    # The adapter loads with plain peft, and it is not v0001's.
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    loaded = PeftModel.from_pretrained(base, v2.path)
    assert loaded.peft_config["default"].r == train_mod.AUTO_LORA_R
    w1, w2 = weights(Path(v1.path)), weights(Path(v2.path))
    assert w1.keys() == w2.keys() and any((w1[k] != w2[k]).any() for k in w1)


def test_fresh_starts_from_the_base(engine: Engine, tiny_model: Path, tmp_path: Path):
    text = make_doc(tiny_model)
    v1, _ = train1(engine, text, tmp_path)
    v2, _ = train1(engine, text, tmp_path, fresh=True)
    assert v2.version == "v0002"
    assert v2.base_eval_loss == pytest.approx(v1.base_eval_loss, rel=1e-5)
    meta = Store.for_id(DLM_ID, tmp_path).current().version.metadata()
    assert meta["parent_version"] is None and meta["fresh"] is True
    # Same seed, same data, from the base: the same adapter.
    w1, w2 = weights(Path(v1.path)), weights(Path(v2.path))
    assert all((w1[k] == w2[k]).all() for k in w1)


def test_changed_lora_shape_starts_fresh(engine: Engine, tiny_model: Path, tmp_path: Path):
    train(engine, make_doc(tiny_model), tmp_path)
    v2, _ = train1(engine, make_doc(tiny_model, training="  lora_r: 4\n"), tmp_path)
    meta = Store.for_id(DLM_ID, tmp_path).current().version.metadata()
    assert meta["parent_version"] is None
    assert any("lora_r changed (16 → 4)" in n for n in meta["notes"])
    assert json.loads((Path(v2.path) / "adapter_config.json").read_text())["r"] == 4


def test_seed_and_max_steps_overrides(engine: Engine, tiny_model: Path, tmp_path: Path):
    v, _ = train1(engine, make_doc(tiny_model), tmp_path, max_steps=1, seed=3, num_epochs=5)
    meta = Store.for_id(DLM_ID, tmp_path).current().version.metadata()
    assert v.steps == 1 and meta["hyperparameters"]["seed"] == 3 and meta["hyperparameters"]["num_epochs"] == 5


@pytest.mark.parametrize("cancel_after", [0, 3, 8])
def test_cancel_leaves_the_store_as_it_was(engine: Engine, tiny_model: Path, tmp_path: Path, cancel_after: int):
    text = make_doc(tiny_model)
    train(engine, text, tmp_path)
    root = Store.for_id(DLM_ID, tmp_path).root
    before = snapshot(root)
    base_answer = prompt(engine, text, tmp_path, version="base").answer
    events: list[protocol.Progress] = []
    polls = iter(range(1000))
    job = protocol.TrainJob(job=1, path="", text=text, dlm_home=str(tmp_path))
    with pytest.raises(JobError) as info:
        engine.train(job, events.append, lambda: next(polls) >= cancel_after)
    assert info.value.kind == "cancelled"
    trained_steps = [e.step for e in events if e.stage == "train" and e.step > 0]
    assert bool(trained_steps) == (cancel_after == 8)  # 8 polls: cancelled between optimizer steps
    after = snapshot(root)
    after.pop(".dlmls.lock", None)
    before.pop(".dlmls.lock", None)
    assert after == before
    assert Store.for_id(DLM_ID, tmp_path).staging_dirs() == []
    # The warm engine is unharmed: the base model answers as before and training works.
    assert prompt(engine, text, tmp_path, version="base").answer == base_answer
    v, _ = train1(engine, text, tmp_path)
    assert v.version == "v0002"


def test_prompt_cancel(engine: Engine, tiny_model: Path, tmp_path: Path):
    text = make_doc(tiny_model)
    job = protocol.PromptJob(job=1, path="", text=text, question="q", dlm_home=str(tmp_path), max_new_tokens=50)
    with pytest.raises(JobError) as info:
        engine.prompt(job, lambda p: None, lambda: True)
    assert info.value.kind == "cancelled"


def test_replay_keeps_removed_material(engine: Engine, tiny_model: Path, tmp_path: Path):
    train(engine, make_doc(tiny_model, "Old prose to remember.\n\n" + pairs(3)), tmp_path)
    train(engine, make_doc(tiny_model, pairs(2)), tmp_path)
    version = Store.for_id(DLM_ID, tmp_path).current().version
    rows = [json.loads(line) for line in (version.path / "dlmls_data.jsonl").read_text().splitlines()]
    replayed = {r.get("text") or r.get("prompt") for r in rows if r.get("origin") == "replay"}
    assert replayed == {"Old prose to remember.", "What is fact 2?"}
    assert version.metadata()["data"]["replayed"] == 2
    # A fresh run replays nothing.
    train(engine, make_doc(tiny_model, pairs(2)), tmp_path, fresh=True)
    assert Store.for_id(DLM_ID, tmp_path).current().version.metadata()["data"]["replayed"] == 0


MULTI = "  adapters:\n    knowledge: {learning_rate: 0.01}\n    tone: {lora_r: 4, learning_rate: 0.01}\n"


def test_multi_adapter_writes_one_adapter_per_name(engine: Engine, tiny_model: Path, tmp_path: Path):
    body = "Shared prose about facts.\n\n" + pairs(2) + pairs(2, 10, adapter="tone")
    text = make_doc(tiny_model, body, training=MULTI)
    result, run = train(engine, text, tmp_path)
    assert [(v.adapter, v.version) for v in result.versions] == [("knowledge", "v0001"), ("tone", "v0001")]
    assert {e.adapter for e in run.events if e.stage == "train"} == {"knowledge", "tone"}
    store = Store.for_id(DLM_ID, tmp_path)
    assert (store.root / "adapter" / "knowledge" / "current.txt").read_text() == \
        "adapter/knowledge/versions/v0001\n"
    assert json.loads((store.root / "adapter/tone/versions/v0001/adapter_config.json").read_text())["r"] == 4
    tone = store.current("tone").version.metadata()
    assert tone["adapter"] == "tone" and tone["data"]["chat"] == 2 and tone["data"]["text"] == 1
    assert store.manifest()["adapter_versions"] == {"knowledge": 1, "tone": 1}
    # Only one adapter, on request.
    result, _ = train(engine, text, tmp_path, adapters=["tone"])
    assert [(v.adapter, v.version) for v in result.versions] == [("tone", "v0002")]
    assert store.current("knowledge").version.name == "v0001"
    # Prompting picks the first declared adapter unless told.
    assert prompt(engine, text, tmp_path).adapter_version == "v0001"
    assert prompt(engine, text, tmp_path, adapter="tone").adapter_version == "v0002"
    with pytest.raises(JobError) as info:
        train(engine, text, tmp_path, adapters=["nope"])
    assert info.value.kind == "invalid_document"


def test_prompt_versions(engine: Engine, tiny_model: Path, tmp_path: Path):
    text = make_doc(tiny_model)
    untrained = prompt(engine, text, tmp_path)
    assert untrained.adapter_version is None and isinstance(untrained.answer, str)
    train(engine, text, tmp_path)
    train(engine, text, tmp_path)
    res = prompt(engine, text, tmp_path)
    assert res.adapter_version == "v0002" and res.new_tokens >= 1 and res.seconds > 0
    assert prompt(engine, text, tmp_path, version="v0001").adapter_version == "v0001"
    assert prompt(engine, text, tmp_path, version="base").adapter_version is None
    # Greedy answers are reproducible, and cached adapters are reused.
    host = next(iter(engine._hosts.values()))
    n = len(host.adapters)
    assert prompt(engine, text, tmp_path).answer == res.answer
    assert len(host.adapters) == n
    sampled = prompt(engine, text, tmp_path, temperature=0.9, top_p=0.9, seed=1)
    assert sampled.answer == prompt(engine, text, tmp_path, temperature=0.9, top_p=0.9, seed=1).answer
    with pytest.raises(JobError, match="no adapter version 'v0009'") as info:
        prompt(engine, text, tmp_path, version="v0009")
    assert info.value.kind == "error"
    Store.for_id(DLM_ID, tmp_path).pointer_path(None).write_text("rubbish")
    with pytest.raises(JobError, match="rubbish") as info:
        prompt(engine, text, tmp_path)
    assert info.value.kind == "error"


def test_invalid_documents(engine: Engine, tiny_model: Path, tmp_path: Path):
    cases = [
        make_doc(tiny_model, "::instruction::\n### Q\nquestion without answer\n"),
        make_doc(tiny_model, "::instruction#tone::\n### Q\nq\n### A\na\n"),
        make_doc(tiny_model, "::preference::\n### Prompt\np\n### Chosen\nc\n### Rejected\nr\n"),
        make_doc("smollm2-135", "text"),
        "no frontmatter at all\n",
        f"---\ndlm_id: {DLM_ID}\n---\nbody\n",
    ]
    for text in cases:
        with pytest.raises(JobError) as info:
            train(engine, text, tmp_path)
        assert info.value.kind == "invalid_document", (text, info.value)
    with pytest.raises(JobError, match="did you mean smollm2-135m"):
        train(engine, make_doc("smollm2-135", "text"), tmp_path)
    assert not (tmp_path / "store" / DLM_ID / "adapter").exists()


def test_missing_model_offline(engine: Engine, tmp_path: Path):
    for base, needle in (("hf:nobody-dlmls/not-a-model", "--allow-download"),
                         ("./no/such/dir", "no model directory")):
        with pytest.raises(JobError, match=needle) as info:
            train(engine, make_doc(base), tmp_path)
        assert info.value.kind == "missing_model"
    assert not (tmp_path / "store").exists()  # a job that cannot start leaves no trace
    with pytest.raises(JobError) as info:
        prompt(engine, make_doc("hf:nobody-dlmls/not-a-model"), tmp_path)
    assert info.value.kind == "missing_model"


def test_busy_while_another_training_holds_the_store(engine: Engine, tiny_model: Path, tmp_path: Path):
    with Store.for_id(DLM_ID, tmp_path).lock(), pytest.raises(JobError) as info:
        train(engine, make_doc(tiny_model), tmp_path)
    assert info.value.kind == "busy"
    v, _ = train1(engine, make_doc(tiny_model), tmp_path)
    assert v.version == "v0001"


def test_relative_base_model_is_resolved_from_the_document(engine: Engine, tiny_model: Path, tmp_path: Path):
    doc_path = tiny_model.parent / "notes.dlm"
    text = make_doc("./tiny")
    job = protocol.TrainJob(job=1, path=str(doc_path), text=text, dlm_home=str(tmp_path),
                            options=protocol.TrainOptions(max_steps=1))
    result = engine.train(job, lambda p: None, lambda: False)
    meta = Store.for_id(DLM_ID, tmp_path).current().version.metadata()
    assert meta["base_model"]["path"] == str(tiny_model.resolve())
    assert meta["document"]["path"] == str(doc_path)
    assert Store.for_id(DLM_ID, tmp_path).manifest()["source_path"] == str(doc_path)
    assert result.versions[0].steps == 1


def test_training_repairs_a_garbage_pointer(engine: Engine, tiny_model: Path, tmp_path: Path):
    text = make_doc(tiny_model)
    train1(engine, text, tmp_path)
    store = Store.for_id(DLM_ID, tmp_path)
    store.pointer_path(None).write_bytes(b"\xff not a path")
    v, run = train1(engine, text, tmp_path)
    assert v.version == "v0002"
    assert any("not UTF-8" in e.message for e in run.events)
    assert store.current().version.name == "v0002"
    assert store.current().version.metadata()["parent_version"] is None


def test_leftover_staging_is_cleaned_by_the_next_training(engine: Engine, tiny_model: Path, tmp_path: Path):
    text = make_doc(tiny_model)
    train1(engine, text, tmp_path)
    store = Store.for_id(DLM_ID, tmp_path)
    leftover = store.versions_dir(None) / ".staging-1-dead"
    leftover.mkdir()
    (leftover / "adapter_config.json").write_text("{half")
    assert [v.name for v in store.versions()] == ["v0001"]
    v, run = train1(engine, text, tmp_path)
    assert v.version == "v0002" and not leftover.exists()
    assert any("unfinished" in e.message for e in run.events)


@pytest.fixture
def held_out_losses(monkeypatch: pytest.MonkeyPatch):
    """Make the held-out loss of the next runs what a test says: `[before, after]` pairs, in order."""
    from dlmls.worker import train as trainmod

    queue: list[float] = []
    real = trainmod.eval_loss

    def fake(model, rows, pad_id, cancelled):
        real(model, rows, pad_id, cancelled)  # still runs the real evaluation
        return queue.pop(0)

    monkeypatch.setattr(trainmod, "eval_loss", fake)
    return queue


def test_a_retrain_that_makes_things_worse_is_kept_but_not_made_current(engine: Engine, tiny_model: Path,
                                                                         tmp_path: Path, held_out_losses):
    from dlmls.worker import data as datamod
    from dlmls.worker import train as trainmod

    # Enough pairs that at least MIN_HELD_OUT_TO_JUDGE of them are held out.
    body = "Decorators wrap functions.\n\n" + pairs(120)
    text = make_doc(tiny_model, body)
    examples = [datamod.Example("chat", prompt=f"What is fact {i}?", answer=f"Fact {i} is {i * 7}.")
                for i in range(120)]
    assert len(datamod.split_held_out(examples)[1]) >= trainmod.MIN_HELD_OUT_TO_JUDGE
    held_out_losses += [3.0, 2.0]  # v0001: better than the base
    v1, _ = train1(engine, text, tmp_path)
    assert v1.held_back is None
    store = Store.for_id(DLM_ID, tmp_path)
    held_out_losses += [2.0, 2.5]  # v0002: worse than v0001
    v2, run = train1(engine, text, tmp_path)
    assert v2.version == "v0002" and v2.held_back == (
        "its held-out loss rose from 2.000 to 2.500, so v0001 stays current")
    assert store.current().version.name == "v0001"  # the pointer did not move
    assert [v.name for v in store.versions()] == ["v0001", "v0002"] and store.version(None, "v0002").complete
    assert store.version(None, "v0002").metadata()["held_back"] == v2.held_back
    manifest = store.manifest()
    assert manifest["adapter_version"] == 1 and len(manifest["training_runs"]) == 2
    assert any("v0002 not made current" in e.message for e in run.events)
    assert prompt(engine, text, tmp_path).adapter_version == "v0001"

    held_out_losses += [2.0, 2.02]  # within the 1 % tolerance: not worse
    v3, _ = train1(engine, text, tmp_path)
    assert v3.held_back is None and store.current().version.name == "v0003"

    held_out_losses += [2.0, 9.0]  # worse, but asked for: current, with a note
    v4, _ = train1(engine, text, tmp_path, keep_worse=True)
    assert v4.held_back is None and store.current().version.name == "v0004"
    assert any("made current as asked" in n for n in store.current().version.metadata()["notes"])


def test_a_few_held_out_pairs_cannot_hold_a_retrain_back(engine: Engine, tiny_model: Path, tmp_path: Path,
                                                         held_out_losses):
    text = make_doc(tiny_model)  # 6 pairs: one held out
    held_out_losses += [3.0, 2.0, 2.0, 2.5]
    train1(engine, text, tmp_path)
    v2, _ = train1(engine, text, tmp_path)
    current = Store.for_id(DLM_ID, tmp_path).current().version
    assert v2.held_back is None and current.name == "v0002"
    assert any("too few to judge by" in n for n in current.metadata()["notes"])


def test_a_first_version_is_made_current_even_when_worse(engine: Engine, tiny_model: Path, tmp_path: Path,
                                                         held_out_losses):
    held_out_losses += [2.0, 3.0]
    v1, _ = train1(engine, make_doc(tiny_model), tmp_path)
    assert v1.held_back is None
    current = Store.for_id(DLM_ID, tmp_path).current().version
    assert current.name == "v0001"
    assert any("no earlier version to keep" in n for n in current.metadata()["notes"])


def test_a_retrain_after_a_prompt_on_the_same_warm_engine(engine: Engine, tiny_model: Path, tmp_path: Path):
    # A prompted version stays attached to the warm model (its LoRA layers wrap the projections);
    # the next training must still find the projections by their own names.
    text = make_doc(tiny_model)
    train1(engine, text, tmp_path)
    assert prompt(engine, text, tmp_path).adapter_version == "v0001"
    v2, _ = train1(engine, text, tmp_path, fresh=True)
    meta = Store.for_id(DLM_ID, tmp_path).version(None, "v0002").metadata()
    assert v2.version == "v0002" and set(meta["hyperparameters"]["target_modules"]) == {
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
