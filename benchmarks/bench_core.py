"""Benchmark: document model on a generated 1 MB `.dlm` (about 5,000 sections).

Reports medians over repeated runs of
  * full parse → model (tree-sitter parse + model build, problems included),
  * one-line edit → incremental re-parse → model, for edits at the top, in
    the middle and at the end of the document, typing one character into a
    line of prose/answer text.
Targets (issue 3): full ≤ 150 ms, one-line edit ≤ 10 ms on the 2-core CI
machine. Run: `.venv/bin/python benchmarks/bench_core.py [--runs N] [--write]`;
`--write` replaces the table in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate  # noqa: E402
from results import record  # noqa: E402

from dlmls.core.document import Document, build_model, new_parser  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_full(src: bytes, runs: int) -> tuple[float, int, int]:
    parser = new_parser()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        tree = parser.parse(src)
        model = build_model(src, tree)
        _ = model.problems
        times.append(time.perf_counter() - t0)
    return median_ms(times), len(model.sections), len(model.problems)


def bench_edit(src: bytes, where: float, runs: int) -> float:
    """Type one character at the end of a text line near `where` (0..1)."""
    doc = Document(src)
    pos = int(len(src) * where)
    # A line that is plain text (not a fence, header or marker).
    while True:
        line_end = src.index(b"\n", pos)
        line_start = src.rfind(b"\n", 0, line_end) + 1
        line = src[line_start:line_end]
        if line and not line.startswith((b"::", b"###", b"<!--", b"```", b"---")) and line[:1].isalpha():
            break
        pos = line_end + 1
    times = []
    for i in range(runs):  # insert a character, then delete it again
        t0 = time.perf_counter()
        if i % 2 == 0:
            doc.edit(line_end, line_end, b"x")
        else:
            doc.edit(line_end, line_end + 1, b"")
        _ = doc.model.problems
        times.append(time.perf_counter() - t0)
    assert doc.source == src
    return median_ms(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--write", action="store_true", help="record the figures in benchmarks/RESULTS.md")
    args = ap.parse_args()
    src = generate(1_000_000)
    full, n_sections, n_problems = bench_full(src, args.runs)
    edits = {name: bench_edit(src, where, args.runs * 4) for name, where in
             (("top", 0.001), ("middle", 0.5), ("end", 0.999))}
    n_lines = src.count(b"\n")
    rows = [
        ("document", f"{len(src):,} bytes, {n_lines:,} lines, {n_sections:,} sections, "
                     f"{n_problems} problems"),
        ("full parse → model (median)", f"{full:.1f} ms (target ≤ 150 ms)"),
    ]
    rows += [(f"one-line edit → incremental model, {k} (median)", f"{v:.2f} ms (target ≤ 10 ms)")
             for k, v in edits.items()]
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    table = "\n".join(["| measure | result |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows]])
    print(table)
    print(f"\nmachine: {machine}")
    if args.write:
        record("core", f"## Document model (`benchmarks/bench_core.py`)\n\n"
                       f"{time.strftime('%Y-%m-%d')}, {machine}, medians of {args.runs} full runs and "
                       f"{args.runs * 4} edits each.\n\n{table}")

if __name__ == "__main__":
    main()
