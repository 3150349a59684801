"""Benchmark: the small, per-keystroke work — a typical frontmatter, and each conformance document.

Reports
  * parse_frontmatter on a typical frontmatter (anchors and aliases, nested mappings, a
    list, a block scalar): median and slowest of N runs, wall time and CPU time;
  * Document → model → JSON for every conformance document (tests/conformance/cases and
    corpus): median over the files, and the slowest file.
Target: a typical frontmatter ≤ 20 ms (formerly an assertion in
tests/core/test_frontmatter.py; performance goals live here, the tests check behaviour).
Run: `.venv/bin/python benchmarks/bench_frontmatter.py [--runs N] [--write]`; `--write`
replaces the block in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from results import machine, record, table  # noqa: E402

from dlmls.core.document import Document  # noqa: E402
from dlmls.core.frontmatter import parse_frontmatter  # noqa: E402
from dlmls.core.problems import Range  # noqa: E402

CONFORMANCE = Path(__file__).resolve().parent.parent / "tests" / "conformance"

# The frontmatter of tests/core/test_frontmatter.py's VALID (between the --- lines), plus a block scalar.
TYPICAL = """dlm_id: 01KPM5CXB51GRX86Q25AKERN6E
base_model: smollm2-135m
dlm_version: 1
training:
  adapters: {a: &x {lora_r: 4}, b: *x}
  gate: {enabled: true}
  dpo: {beta: 0.1}
  sources:
    - path: ./src
export: {default_quant: Q8_0}
system_prompt: |
  Answer briefly.
"""
OPENER = Range(0, 0, 0, 3)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def bench_frontmatter(runs: int) -> tuple[list[float], list[float]]:
    parse_frontmatter(TYPICAL, 1, OPENER)  # warm-up: imports, caches
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fm = parse_frontmatter(TYPICAL, 1, OPENER)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        assert fm.ok, [p.message for p in fm.problems]
    return wall, cpu


def bench_documents(runs: int) -> dict[str, float]:
    """Per file, the median of `runs` builds of Document → model → JSON."""
    files = sorted((CONFORMANCE / "cases").glob("*.dlm")) + sorted((CONFORMANCE / "corpus").glob("*.dlm"))
    result = {}
    for path in files:
        src = path.read_bytes()
        Document(src).model.to_json()  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            Document(src).model.to_json()
            times.append(time.perf_counter() - t0)
        result[path.relative_to(CONFORMANCE).as_posix()] = statistics.median(times)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--write", action="store_true", help="record the figures in benchmarks/RESULTS.md")
    args = ap.parse_args()
    load_start = os.getloadavg()[0]
    gc.collect()
    wall, cpu = bench_frontmatter(args.runs)
    docs = bench_documents(max(5, args.runs // 20))
    load_end = os.getloadavg()[0]
    slowest = max(docs, key=docs.__getitem__)
    median_wall = statistics.median(wall)
    rows = [
        (f"typical frontmatter ({len(TYPICAL.splitlines())} lines): parse_frontmatter, median of {args.runs}",
         f"{ms(median_wall)} wall, {ms(statistics.median(cpu))} CPU "
         f"(target ≤ 20 ms: {'met' if median_wall <= 0.02 else 'NOT met'})"),
        ("typical frontmatter: slowest run", f"{ms(max(wall))} wall, {ms(max(cpu))} CPU"),
        (f"conformance documents ({len(docs)}): Document → model → JSON, median over files",
         ms(statistics.median(docs.values()))),
        ("conformance documents: slowest file", f"{ms(docs[slowest])} ({slowest}, "
                                                f"{(CONFORMANCE / slowest).stat().st_size:,} bytes)"),
    ]
    body = table(("measure", "result"), rows)
    where = (f"{time.strftime('%Y-%m-%d')}, {machine()}, 1-minute load average {load_start:.1f} at the start "
             f"and {load_end:.1f} at the end")
    print(body)
    print(f"\n{where}")
    if args.write:
        record("frontmatter", f"## Frontmatter and small documents (`benchmarks/bench_frontmatter.py`)\n\n"
                              f"{where}.\n\n{body}", after=("core",))


if __name__ == "__main__":
    main()
