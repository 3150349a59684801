"""Benchmark: `dlmls serve` against the authors' `dlm-lsp` 0.1.1, side by side.

Both servers are driven over stdio, in the same run, by the same minimal
JSON-RPC client (Content-Length frames; server→client requests answered with
null), as an editor would drive them: each gets the text-sync kind it asks
for (dlmls: incremental changes; dlm-lsp: full text on every change, which
is what it advertises). Measured:

  * initialize: process spawn → `initialize` result (interpreter start and
    imports included; median of several spawns), and spawn → the first
    diagnostics of a small document (what start-up defers to the first
    document is paid there);
  * didOpen → first publishDiagnostics for the document;
  * one-character didChange → the diagnostics published for that change
    (type a character into a prose line, then delete it, alternately), with
    the sync the server asks for, and for dlmls also with whole-text changes
    (as a client syncing full text sends them);
  * hover on a section fence, and documentSymbol;
  * after each of a run of keystrokes (and of Enter / Backspace): semantic
    tokens full, full/delta (from the previous result) and range (80 lines
    around the edit), folding ranges and document symbols;
  * resident memory (VmRSS at the end, VmHWM peak) of the server process;
  * files the server created under DLM_HOME just by opening documents.

Times end when the last byte of the answer has arrived (the client's own
JSON decoding, which for a 2 MB outline costs a Python client more than the
server's work, is not counted). Before timing, dlmls's package is compiled
to `.pyc` (as `pip install` does; this machine sets PYTHONDONTWRITEBYTECODE,
so an editable checkout would otherwise compile every module at every
start). `--before DIR` adds a column for another checkout's `server/`
(e.g. an older commit), run the same way.

Documents: a generated 1 MB document (about 5,000 sections; benchmarks/
generate.py) and every document of the conformance corpus. dlm-lsp runs
from its own virtual environment (build/bench/dlm-lsp-venv, created on first
use with `pip install --no-deps dlm-lsp==0.1.1 document-language-model==0.10.0`
plus `pygls lsprotocol pyyaml pydantic python-ulid`), with DLM_HOME set to a
temporary directory, as is dlmls's.

Targets (issue 4): keystroke → diagnostics median ≤ 20 ms on the 1 MB
document and at least 5× faster than dlm-lsp; resident memory ≤ 120 MB.
Issue 11: initialize ≤ 450 ms (median); full-text keystroke → diagnostics
near the incremental figure; semantic tokens, folding ranges and document
symbols after a keystroke ≤ 10 ms each. Run:
`.venv/bin/python benchmarks/bench_lsp.py [--keystrokes N] [--write] [--only dlmls] [--before DIR]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from results import machine, record, table  # noqa: E402

BASELINE_VENV = ROOT / "build" / "bench" / "dlm-lsp-venv"
BASELINE_PACKAGES = ["dlm-lsp==0.1.1", "document-language-model==0.10.0"]
BASELINE_DEPS = ["pygls", "lsprotocol", "pyyaml", "pydantic", "python-ulid"]
CORPUS = ROOT / "tests" / "conformance" / "corpus"
TIMEOUT = 120.0


def ensure_baseline() -> Path:
    """The Python of a virtual environment holding dlm-lsp 0.1.1 (created once)."""
    python = BASELINE_VENV / "bin" / "python"
    stamp = BASELINE_VENV / ".ready"
    if not stamp.exists():
        print("bench: creating the dlm-lsp environment (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BASELINE_VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "--no-deps", *BASELINE_PACKAGES], check=True)
        subprocess.run([*pip, *BASELINE_DEPS], check=True)
        stamp.write_text("ok\n")
    return python


@dataclass
class Server:
    """One server process and the JSON-RPC plumbing to talk to it."""

    name: str
    command: list[str]
    env: dict[str, str]
    proc: asyncio.subprocess.Process | None = None
    next_id: int = 0
    pending: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    diagnostics: asyncio.Queue[tuple[float, dict[str, Any]]] = field(default_factory=asyncio.Queue)
    sync_kind: int = 1
    reader: asyncio.Task[None] | None = None
    capabilities: dict[str, Any] = field(default_factory=dict)
    arrived: float = 0.0  # when the last response's final byte arrived

    async def start(self) -> float:
        """Spawn and initialize; the seconds from spawn to the initialize result."""
        t0 = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            *self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=self.env, limit=1 << 26)
        self.reader = asyncio.create_task(self._read())
        result = await self.request("initialize", {
            "processId": os.getpid(), "rootUri": None,
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                                              "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                                              "publishDiagnostics": {"versionSupport": True},
                                              "semanticTokens": {"requests": {"full": {"delta": True},
                                                                              "range": True},
                                                                 "tokenTypes": [], "tokenModifiers": [],
                                                                 "formats": ["relative"]}},
                             "window": {"workDoneProgress": False}},
        })
        elapsed = self.arrived - t0
        self.capabilities = result["capabilities"]
        sync = result["capabilities"].get("textDocumentSync", 1)
        self.sync_kind = sync.get("change", 1) if isinstance(sync, dict) else sync
        self.notify("initialized", {})
        return elapsed

    async def stop(self) -> None:
        """Shut down politely, then make sure the process is gone."""
        try:
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            await asyncio.wait_for(self.proc.wait(), 10)
        except (TimeoutError, ConnectionError):
            self.proc.kill()
        if self.reader:
            self.reader.cancel()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (clock ticks: 10 ms steps)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        """(VmRSS, VmHWM) of the server process in MiB."""
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
        return fields["VmRSS"], fields["VmHWM"]

    def _send(self, payload: dict[str, Any]) -> None:
        self.proc.stdin.write(self.frame(payload))

    @staticmethod
    def frame(payload: dict[str, Any]) -> bytes:
        """A message as sent (encoding a 1 MB text is the client's time, not the server's: encode first)."""
        body = json.dumps(payload).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    def notify(self, method: str, params: Any) -> None:
        """Send a notification."""
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        """Send a request and wait for its result."""
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, TIMEOUT)

    async def _read(self) -> None:
        out = self.proc.stdout
        while True:
            header = await out.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in header.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            body = await out.readexactly(length)
            now = time.perf_counter()  # before decoding: the client's JSON parse is not the server's time
            message = json.loads(body)
            if "id" in message and "method" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                future = self.pending.pop(message["id"], None)
                self.arrived = now
                if future and not future.done():
                    if "error" in message:
                        future.set_exception(RuntimeError(f"{self.name}: {message['error']}"))
                    else:
                        future.set_result(message.get("result"))
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put_nowait((now, message["params"]))

    async def diagnostics_for(self, uri: str, version: int | None) -> float:
        """Wait for diagnostics of `uri` (of `version`, when the server says versions)."""
        while True:
            when, params = await asyncio.wait_for(self.diagnostics.get(), TIMEOUT)
            if params["uri"] != uri:
                continue
            got = params.get("version")
            if got is None or version is None or got == version:
                return when

    def drain(self) -> None:
        """Forget diagnostics published so far."""
        while not self.diagnostics.empty():
            self.diagnostics.get_nowait()


def text_line(text: str, where: float) -> tuple[int, int]:
    """(line, column at its end) of a plain prose/answer line near `where` (0..1) of the text."""
    lines = text.split("\n")
    i = int(len(lines) * where)
    while i < len(lines):
        s = lines[i]
        if s and s[:1].isalpha() and not s.startswith(("::", "###", "<!--", "```", "---")):
            return i, len(s)
        i += 1
    raise ValueError("no prose line")


def fence_line(text: str) -> int:
    """The line of a section fence in the middle of the text."""
    lines = text.split("\n")
    for i in range(len(lines) // 2, len(lines)):
        if lines[i].startswith("::") and lines[i].rstrip().endswith("::"):
            return i
    return 0


class Typist:
    """Keystrokes on one line of one open document: a character typed then deleted (or Enter then
    Backspace), alternately, each sent as the server's sync kind or as the whole text."""

    def __init__(self, server: Server, uri: str, text: str) -> None:
        self.server, self.uri = server, uri
        self.lines = text.split("\n")
        self.line, self.col = text_line(text, 0.5)
        self.version = 1
        self.typed = False

    async def stroke(self, newline: bool = False, full_text: bool | None = None) -> float:
        """One keystroke; seconds until the diagnostics of the new version arrived."""
        full = self.server.sync_kind != 2 if full_text is None else full_text
        insert = not self.typed
        char = "\n" if newline else "x"
        line, col = self.line, self.col
        if full:
            if newline and insert:
                self.lines.insert(line + 1, "")
            elif newline:
                del self.lines[line + 1]
            else:
                self.lines[line] = self.lines[line] + "x" if insert else self.lines[line][:-1]
            change: dict[str, Any] = {"text": "\n".join(self.lines)}
        else:  # the typed character (or line break) is at the end of the line
            start = {"line": line, "character": col}
            end = start if insert else ({"line": line + 1, "character": 0} if newline else
                                        {"line": line, "character": col + 1})
            change = {"range": {"start": start, "end": end}, "text": char if insert else ""}
        self.typed = insert
        self.version += 1
        self.server.drain()
        message = self.server.frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]}})
        t0 = time.perf_counter()
        self.server.proc.stdin.write(message)
        return await self.server.diagnostics_for(self.uri, self.version) - t0


async def after_strokes(typist: Typist, runs: int, method: str, params: Any, newline: bool = False,
                        chain: bool = False) -> float | None:
    """Median seconds of `method` right after each of `runs` keystrokes (None: not offered). With
    `chain`, params get the previous answer's resultId (semantic tokens deltas)."""
    samples = []
    try:  # the first answer (an editor asks on open) fills the server's caches; not counted
        previous = await typist.server.request("textDocument/semanticTokens/full" if chain else method, params)
    except RuntimeError:
        return None
    for _ in range(runs + runs % 2):  # an even number: the text ends as it began
        await typist.stroke(newline=newline)
        p = dict(params, previousResultId=previous["resultId"]) if chain and previous else params
        t0 = time.perf_counter()
        try:
            previous = await typist.server.request(method, p)
        except RuntimeError:
            return None
        samples.append(typist.server.arrived - t0)
    return statistics.median(samples)


async def bench_document(server: Server, uri: str, text: str, keystrokes: int,
                         after: int = 0) -> dict[str, float | None]:
    """Open → diagnostics, keystrokes → diagnostics, hover, symbols on one document; with `after`, the
    requests an editor sends after each keystroke."""
    out: dict[str, float | None] = {}
    server.drain()
    t0 = time.perf_counter()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "dlm", "version": 1, "text": text}})
    out["open"] = await server.diagnostics_for(uri, 1) - t0
    typist = Typist(server, uri, text)
    if keystrokes:
        keystrokes += keystrokes % 2  # an even number: the text ends as it began
        samples = [await typist.stroke() for _ in range(keystrokes)]
        out["keystroke"] = statistics.median(samples)
        out["keystroke_p90"] = sorted(samples)[int(len(samples) * 0.9)]
        full = [await typist.stroke(full_text=True) for _ in range(keystrokes)]
        out["keystroke_full"] = statistics.median(full)
    pos = {"line": fence_line(text), "character": 3}
    out["hover"] = await timed(server, 9, "textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
    out["symbols"] = await timed(server, 5, "textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    if after:
        ident = {"textDocument": {"uri": uri}}
        tokens = "textDocument/semanticTokens/full"
        out["tokens_first"] = await timed(server, 1, tokens, ident)
        out["tokens"] = await after_strokes(typist, after, tokens, ident)
        out["tokens_delta"] = await after_strokes(typist, after, tokens + "/delta", ident, chain=True)
        window = {"start": {"line": max(0, typist.line - 40), "character": 0},
                  "end": {"line": typist.line + 40, "character": 0}}
        out["tokens_range"] = await after_strokes(typist, after, "textDocument/semanticTokens/range",
                                                  dict(ident, range=window))
        out["folds"] = await after_strokes(typist, after, "textDocument/foldingRange", ident)
        out["symbols_after"] = await after_strokes(typist, after, "textDocument/documentSymbol", ident)
        out["tokens_delta_enter"] = await after_strokes(typist, after, tokens + "/delta", ident, newline=True,
                                                        chain=True)
        out["folds_enter"] = await after_strokes(typist, after, "textDocument/foldingRange", ident, newline=True)
        out["symbols_enter"] = await after_strokes(typist, after, "textDocument/documentSymbol", ident,
                                                   newline=True)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return out


async def timed(server: Server, runs: int, method: str, params: Any) -> float | None:
    """Median seconds of a request, or None when the server does not offer the method."""
    samples = []
    for _ in range(runs):
        t1 = time.perf_counter()
        try:
            await server.request(method, params)
        except RuntimeError:
            return None
        samples.append(server.arrived - t1)
    return statistics.median(samples)


def count_files(root: Path) -> int:
    """Files under `root`."""
    return sum(len(files) for _, _, files in os.walk(root))


def import_floor(python: str, runs: int = 5, env: dict[str, str] | None = None) -> float:
    """Fastest of `runs` spawns of `python` that import pygls's server (and with it lsprotocol) and exit:
    a lower bound on what any pygls 2 server pays before it can answer `initialize`."""
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", "import pygls.lsp.server"], check=True, env=env)
        samples.append(time.perf_counter() - t0)
    return min(samples)


SMALL = CORPUS / "gallery-domain-kb.dlm"


async def startup(name: str, command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(spawn → initialize result, the server's CPU time by then, spawn → first diagnostics of a small
    document) of one fresh process."""
    t0 = time.perf_counter()
    server = Server(name, command, env)
    init = await server.start()
    cpu = server.cpu_seconds()  # robust to other jobs on the machine, unlike the wall-clock figure
    uri = SMALL.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "dlm", "version": 1, "text": SMALL.read_text(encoding="utf-8")}})
    first = await server.diagnostics_for(uri, 1) - t0
    await server.stop()
    return init, cpu, first


async def startups(servers: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, dict[str, float]]:
    """Start-up figures of every server, their spawns interleaved so that a change of load hits all alike."""
    got: dict[str, dict[str, list[float]]] = {n: {"initialize": [], "cpu": [], "first": [], "floor": []}
                                              for n in servers}
    for _ in range(runs):
        for name, (command, env) in servers.items():
            init, cpu, first = await startup(name, command, env)
            got[name]["initialize"].append(init)
            got[name]["cpu"].append(cpu)
            got[name]["first"].append(first)
            got[name]["floor"].append(import_floor(command[0], 1, env))
    return {n: {"initialize": statistics.median(g["initialize"]), "initialize_cpu": statistics.median(g["cpu"]),
                "first": statistics.median(g["first"]), "floor": min(g["floor"])} for n, g in got.items()}


async def run_server(name: str, command: list[str], env: dict[str, str], big: str, keystrokes: int, after: int,
                     corpus: bool) -> dict[str, Any]:
    """Every measurement for one server but start-up."""
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as docs:
        env = {**env, "DLM_HOME": home}
        res: dict[str, Any] = {}
        server = Server(name, command, env)
        await server.start()
        big_path = Path(docs) / "big.dlm"
        big_path.write_text(big)
        res["big"] = await bench_document(server, big_path.as_uri(), big, keystrokes, after)
        if corpus:
            per_file = []
            for path in sorted(CORPUS.glob("*.dlm")):
                copy = Path(docs) / path.name
                copy.write_bytes(path.read_bytes())
                text = copy.read_text(encoding="utf-8", errors="replace")
                per_file.append(await bench_document(server, copy.as_uri(), text, 4))
            res["corpus"] = {key: statistics.median(d[key] for d in per_file)
                             for key in ("open", "keystroke", "hover", "symbols")
                             if all(d[key] is not None for d in per_file)}
            res["corpus_files"] = len(per_file)
        res["rss"], res["hwm"] = server.memory_mb()
        await server.stop()
        res["created_files"] = count_files(Path(home))
        return res


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


TEN_MS = [("tokens", "semanticTokens/full"), ("tokens_delta", "semanticTokens/full/delta"),
          ("tokens_range", "semanticTokens/range"), ("folds", "foldingRange"), ("symbols_after", "documentSymbol")]


def report(results: dict[str, dict[str, Any]], runs: int, keystrokes: int, after: int) -> str:
    """The side-by-side table and the verdicts on the targets (for the first server)."""
    names = list(results)
    rows: list[tuple[str, ...]] = []

    def row(label: str, get, fmt=ms) -> None:
        values = []
        for n in names:
            try:
                values.append(fmt(get(results[n])))
            except (KeyError, TypeError):
                values.append("not offered")
        rows.append((label, *values))

    big = lambda key: lambda r: r["big"][key]  # noqa: E731
    row(f"initialize (spawn → result, median of {runs})", lambda r: r["initialize"])
    row(f"initialize: the server's CPU time by then (median of {runs}; less sensitive to load)",
        lambda r: r["initialize_cpu"])
    row(f"floor: spawn, `import pygls.lsp.server`, exit (fastest of {runs})", lambda r: r["floor"])
    row(f"spawn → first diagnostics of a 4 KB document (median of {runs})", lambda r: r["first"])
    row("1 MB: didOpen → diagnostics", big("open"))
    row(f"1 MB: keystroke → diagnostics, the sync the server asks for (median of {keystrokes})", big("keystroke"))
    row("1 MB: keystroke → diagnostics (p90)", big("keystroke_p90"))
    row(f"1 MB: keystroke → diagnostics, whole-text changes (median of {keystrokes})", big("keystroke_full"))
    row("1 MB: hover on a fence (median)", big("hover"))
    row("1 MB: documentSymbol, no edit (median)", big("symbols"))
    row("1 MB: semanticTokens/full, first request", big("tokens_first"))
    for key, method in TEN_MS:
        row(f"1 MB: {method} after a keystroke (median of {after})", big(key))
    row(f"1 MB: semanticTokens/full/delta after Enter / Backspace (median of {after})", big("tokens_delta_enter"))
    row(f"1 MB: foldingRange after Enter / Backspace (median of {after})", big("folds_enter"))
    row(f"1 MB: documentSymbol after Enter / Backspace (median of {after})", big("symbols_enter"))
    row("corpus: didOpen → diagnostics (median over files)", lambda r: r["corpus"]["open"])
    row("corpus: keystroke → diagnostics (median over files)", lambda r: r["corpus"]["keystroke"])
    row("corpus: hover (median over files)", lambda r: r["corpus"]["hover"])
    row("corpus: documentSymbol (median over files)", lambda r: r["corpus"]["symbols"])
    row("resident memory at the end (VmRSS)", lambda r: r["rss"], lambda v: f"{v:.0f} MiB")
    row("peak resident memory (VmHWM)", lambda r: r["hwm"], lambda v: f"{v:.0f} MiB")
    row("files created under DLM_HOME by opening", lambda r: r["created_files"], str)
    text = table(("measure", *names), rows)
    ours = results[names[0]]
    b = ours["big"]
    verdicts = [_verdict("keystroke → diagnostics ≤ 20 ms on 1 MB", b["keystroke"] <= 0.020, ms(b["keystroke"])),
                _verdict("initialize ≤ 450 ms (median)", ours["initialize"] <= 0.450,
                         f"{ms(ours['initialize'])}; importing pygls alone takes {ms(ours['floor'])} here"),
                _verdict("whole-text keystroke → diagnostics near the incremental figure (≤ 1.5×)",
                         b["keystroke_full"] <= 1.5 * b["keystroke"],
                         f"{ms(b['keystroke_full'])} against {ms(b['keystroke'])}"),
                *(_verdict(f"{method} after a keystroke ≤ 10 ms", b[key] is not None and b[key] <= 0.010,
                           ms(b[key]) if b[key] is not None else "not offered") for key, method in TEN_MS),
                _verdict("resident memory ≤ 120 MB", ours["hwm"] <= 120, f"peak {ours['hwm']:.0f} MiB")]
    other = next((n for n in names[1:] if n.startswith("dlm-lsp")), None)
    if other:
        a, c = ours["big"].get("keystroke"), results[other]["big"].get("keystroke")
        if a and c:
            verdicts.insert(1, _verdict(f"≥ 5× faster than {other} on 1 MB", c / a >= 5, f"{c / a:.1f}×"))
    return text + "\n\n" + "\n".join(verdicts)


def _verdict(target: str, met: bool, detail: str) -> str:
    return f"- {target}: {'met' if met else 'NOT met'} ({detail})"


def compile_package(source: Path) -> None:
    """Write the `.pyc` files of dlmls under `source` (what `pip install` does)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "dlmls")], check=True)


async def main_async(args: argparse.Namespace) -> None:
    big = generate(1_000_000).decode()
    base_env = dict(os.environ)
    compile_package(ROOT / "server")
    servers: dict[str, tuple[list[str], dict[str, str]]] = {
        "dlmls": ([sys.executable, "-m", "dlmls.cli", "serve"], base_env)}
    if args.before:
        before = Path(args.before).resolve()
        compile_package(before)
        label = f"dlmls before ({args.before_label})" if args.before_label else "dlmls before"
        servers[label] = ([sys.executable, "-m", "dlmls.cli", "serve"], {**base_env, "PYTHONPATH": str(before)})
    if args.only != "dlmls":
        servers["dlm-lsp 0.1.1"] = ([str(ensure_baseline()), "-m", "dlm_lsp"], base_env)
    load = [os.getloadavg()[0]]
    print("bench: start-up", file=sys.stderr)
    starts = await startups(servers, args.runs)
    if args.startup_only:  # e.g. again at a quieter moment: start-up figures swing most with the load
        rows = [(f"{label} (median of {args.runs})", *(ms(starts[n][key]) for n in servers))
                for label, key in (("initialize (spawn → result)", "initialize"),
                                   ("initialize: the server's CPU time by then", "initialize_cpu"),
                                   ("spawn → first diagnostics of a 4 KB document", "first"))]
        rows.append((f"floor: spawn, `import pygls.lsp.server`, exit (fastest of {args.runs})",
                     *(ms(starts[n]["floor"]) for n in servers)))
        print(table(("measure", *servers), rows))
        print(f"{time.strftime('%Y-%m-%d %H:%M')}, 1-minute load average {load[0]:.2f} → {os.getloadavg()[0]:.2f}")
        return
    results = {}
    for name, (command, env) in servers.items():
        print(f"bench: {name}", file=sys.stderr)
        results[name] = {**starts[name], **await run_server(name, command, env, big, args.keystrokes, args.after,
                                                            not args.no_corpus)}
    load.append(os.getloadavg()[0])
    text = report(results, args.runs, args.keystrokes, args.after)
    print(text)
    print(f"load average (1 min) at the start and end: {load[0]:.2f}, {load[1]:.2f}", file=sys.stderr)
    if args.write:
        record("lsp", f"## Language server vs dlm-lsp (`benchmarks/bench_lsp.py`)\n\n"
                      f"{time.strftime('%Y-%m-%d %H:%M')}, {machine()}, 1-minute load average "
                      f"{load[0]:.1f} at the start and {load[1]:.1f} at the end (other jobs share the 2 cores); "
                      f"1 MB document: {len(big.encode()):,} bytes; conformance corpus: "
                      f"{results['dlmls'].get('corpus_files', 0)} documents. Times end when the answer's last "
                      f"byte has arrived (the client's JSON decoding is not counted); dlmls's package is "
                      f"compiled to .pyc first, as an installed package is. Both servers run on pygls 2, whose "
                      f"import (lsprotocol's ~600 attrs classes) is the floor row.\n\n{text}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keystrokes", type=int, default=40)
    ap.add_argument("--after", type=int, default=8, help="keystrokes per request measured after a keystroke")
    ap.add_argument("--runs", type=int, default=7, help="spawns per server for the start-up figures")
    ap.add_argument("--only", choices=["dlmls"], help="skip the dlm-lsp baseline")
    ap.add_argument("--before", metavar="DIR", help="also run the dlmls in DIR (a checkout's server/ folder)")
    ap.add_argument("--before-label", metavar="TEXT", help="the column name's detail for --before (a commit)")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--startup-only", action="store_true", help="only the start-up figures (not recorded)")
    ap.add_argument("--write", action="store_true", help="record the table in benchmarks/RESULTS.md")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
