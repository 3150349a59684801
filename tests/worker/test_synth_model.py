"""Synthesis on a model (tiny random Llama): the prefix-cached batched generation and scoring give what
running every prompt whole, one at a time, gives — the cache is a speed-up, never a change of output."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("no_network")

SHOTS = "Sentence: a cat sat.\nDraft: a cat did what?\nQuestion: What did the cat do?\n\n"


@pytest.fixture(scope="module")
def tiny(tiny_model: Path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    model.eval()
    return model, AutoTokenizer.from_pretrained(tiny_model)


@pytest.fixture(params=[True, False], ids=["prefix-cache", "no-cache"])
def prefix_cache(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    from dlmls.worker import synth

    monkeypatch.setattr(synth, "PREFIX_CACHE", request.param)
    return request.param


def hf_greedy(model, tok, prompt: str, max_new_tokens: int) -> list[int]:
    import torch

    ids = torch.tensor([tok(prompt, add_special_tokens=False)["input_ids"]])
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                         do_sample=False, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
    return out[0, ids.shape[1]:].tolist()


def test_batched_greedy_generation_matches_one_prompt_at_a_time(tiny, prefix_cache, monkeypatch):
    from dlmls.worker import synth

    model, tok = tiny
    monkeypatch.setattr(synth, "GEN_BATCH", 3)  # two batches, rows of different lengths in each
    prompts = [f"{SHOTS}Sentence: {s}\nDraft: {d}\nQuestion:" for s, d in [
        ("the sun is hot.", "the sun is what?"), ("a long sentence about rivers and seas.", "rivers and what?"),
        ("x.", "what?"), ("dogs bark at night in the town of Lisk.", "dogs bark where?")]]
    progress: list[tuple[int, int]] = []
    got = synth.generate(model, tok, prompts, sample=False, temperature=0.0, seed=0, max_new_tokens=12,
                         cancelled=lambda: False, on_batch=lambda n, t: progress.append((n, t)), stop="\n")
    for prompt, text in zip(prompts, got, strict=True):
        expected = tok.decode(hf_greedy(model, tok, prompt, 12), skip_special_tokens=True)
        # Rows stop at their first newline; the one-at-a-time run goes on to max_new_tokens.
        cut = expected.index("\n") + 1 if "\n" in expected else len(expected)
        assert text == expected[:cut]
    assert progress == [(3, 4), (4, 4)]


def test_sampling_is_seeded_and_differs_from_greedy(tiny, prefix_cache):
    from dlmls.worker import synth

    model, tok = tiny
    prompts = [f"{SHOTS}Sentence: item {i}.\nDraft: item what?\nQuestion:" for i in range(4)]

    def run(sample: bool, seed: int) -> list[str]:
        return synth.generate(model, tok, prompts, sample=sample, temperature=1.0, seed=seed, max_new_tokens=16,
                              cancelled=lambda: False, on_batch=lambda n, t: None, stop="\n")

    assert run(True, 7) == run(True, 7)
    assert run(True, 7) != run(False, 0)


def test_prefix_cached_scoring_equals_whole_rows(tiny, monkeypatch):
    from dlmls.worker import synth
    from dlmls.worker.data import Example

    model, tok = tiny
    prose = "Notes about the town of Lisk, its river and its bridge."
    examples = [Example("chat", prompt=synth.open_book(prose, q), answer=a, system="Be brief.")
                for q, a in [("Which town?", "Lisk"), ("What crosses the river?", "the bridge"),
                             ("What else?", "a river, and more words here")]]
    examples.append(Example("chat", prompt="Closed question?", answer="yes", system="Be brief."))
    monkeypatch.setattr(synth, "JUDGE_BATCH", 2)
    monkeypatch.setattr(synth, "PREFIX_CACHE", False)
    whole = synth.answer_nll(model, tok, examples, lambda: False)
    monkeypatch.setattr(synth, "PREFIX_CACHE", True)
    cached = synth.answer_nll(model, tok, examples, lambda: False, groups=[[0, 1, 2], [3]])
    assert cached == pytest.approx(whole, rel=1e-4, abs=1e-5)
    assert len(set(round(x, 4) for x in whole)) == 4  # the rows really differ


def test_generation_stops_when_cancelled(tiny):
    from dlmls.worker import synth
    from dlmls.worker.errors import JobError

    model, tok = tiny
    calls = iter(range(100))
    with pytest.raises(JobError, match="cancelled"):
        synth.generate(model, tok, ["a", "b"], sample=False, temperature=0.0, seed=0, max_new_tokens=50,
                       cancelled=lambda: next(calls) >= 3, on_batch=lambda n, t: None, stop="\x00never")
