"""Benchmark: synthesis throughput, batched (as `dlmls synth` runs) against a naive one-at-a-time loop.

The same synthesis job (`Engine.synth` on a copy of a quality document, the
base model as teacher so both runs start from the same weights) runs twice
in one process: once as shipped (generation in left-padded batches of
`synth.GEN_BATCH`, the judge in batches of `synth.JUDGE_BATCH`, the prompt
prefix all rows share — the few-shot block, a section's prose — run once and
its KV cache reused), once with both batch sizes set to 1 and no shared
prefix — the loop one would write first: one whole prompt, one generation,
one scoring pass at a time. Throughput is candidates generated
and judged per minute of the job (questions written, answers shaped and the
three teacher-forced passes of the judge all inside it). Greedy outputs are
the same in both runs; sampled rewrites differ (the seed is per batch), so
the counts are reported for both.

Run: `.venv/bin/python benchmarks/bench_synth.py [--doc vellmora] [--threads 2] [--write]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from results import machine, record, table

ROOT = Path(__file__).resolve().parent.parent


def run(doc: Path, batch: int | None, threads: int) -> dict:
    """One synthesis job; batch None = as shipped, else both batch sizes forced to `batch`."""
    from dlmls import protocol
    from dlmls.worker import synth
    from dlmls.worker.engine import Engine

    shipped = (synth.GEN_BATCH, synth.JUDGE_BATCH, synth.PREFIX_CACHE)
    if batch is not None:
        synth.GEN_BATCH = synth.JUDGE_BATCH = batch
        synth.PREFIX_CACHE = False
    try:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / doc.name
            shutil.copy(doc, copy)
            engine = Engine()
            # Load the model before the clock starts: both runs pay the same load.
            engine.prompt(protocol.PromptJob(job=0, path=str(copy), text=copy.read_text(), question="Hi.",
                                             dlm_home=tmp, version="base", max_new_tokens=1),
                          lambda p: None, lambda: False)
            t0 = time.perf_counter()
            r = engine.synth(protocol.SynthJob(job=1, path=str(copy), text=copy.read_text(), dlm_home=tmp),
                             lambda p: None, lambda: False)
            seconds = time.perf_counter() - t0
    finally:
        synth.GEN_BATCH, synth.JUDGE_BATCH, synth.PREFIX_CACHE = shipped
    judged = r.counts.get("accepted", 0) + r.counts.get("below_threshold", 0) + r.counts.get("over_cap", 0)
    return {"seconds": seconds, "generated": r.counts["generated"], "judged": judged,
            "accepted": r.counts["accepted"], "generate_s": r.generate_s, "judge_s": r.judge_s,
            "per_min": 60.0 * r.counts["generated"] / seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc", default="vellmora")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="record the table in benchmarks/RESULTS.md")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    doc = ROOT / "benchmarks" / "quality" / "dev" / f"{args.doc}.dlm"
    batched = run(doc, None, args.threads)
    print("batched", batched, flush=True)
    naive = run(doc, 1, args.threads)
    print("naive", naive, flush=True)

    def row(name: str, r: dict) -> tuple[str, ...]:
        return (name, f"{r['generated']}", f"{r['judged']}", f"{r['accepted']}", f"{r['generate_s']:.0f} s",
                f"{r['judge_s']:.0f} s", f"{r['seconds']:.0f} s", f"{r['per_min']:.1f}")

    from dlmls.worker import synth

    body = (f"## Synthesis throughput (`benchmarks/bench_synth.py`)\n\n"
            f"{time.strftime('%Y-%m-%d')}, {machine()}, torch {torch.__version__} ({args.threads} threads), "
            f"`dlmls synth instructions` defaults on `benchmarks/quality/dev/{args.doc}.dlm`, base model as teacher. "
            "Candidates: questions written (drafts and the teacher's rewrites); judged: candidates that reached "
            "the teacher-forced judge (three passes each). Generation includes answer shaping.\n\n"
            + table(("loop", "candidates", "judged", "accepted", "generate", "judge", "whole job",
                     "candidates / min"),
                    [row(f"batched (generate ×{synth.GEN_BATCH}, judge ×{synth.JUDGE_BATCH}, left padding, "
                             "shared prefix cached)",
                         batched), row("naive: one whole prompt / one pass at a time", naive)])
            + f"\n\nBatched is **{batched['per_min'] / naive['per_min']:.1f}×** the naive loop's throughput.\n")
    print(body)
    if args.write:
        record("synth", body)


if __name__ == "__main__":
    main()
