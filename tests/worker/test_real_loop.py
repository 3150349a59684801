"""The self-teaching loop for real: the `dlmls` commands as a user runs them, on the real worker with
SmolLM2-135M-Instruct, no fake anywhere.

`train → synth instructions --teacher self --apply → train` on a small document of invented facts,
then the adapter is asked questions worded unlike every pair in the file: the base model cannot
state those facts, the adapter after the loop must. And `scripts/main.sh` must answer its own
question after its loop. These take minutes (two trainings each); `tests/README.md` says how to
run them alone.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dlmls.core import bodies
from dlmls.core.document import Document

pytestmark = pytest.mark.usefixtures("no_network")

ROOT = Path(__file__).resolve().parent.parent.parent

LIGHTHOUSE = """\
---
dlm_id: 01KQ3T7W2M8C5R9Z6X4B1N0VHD
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about these notes, briefly.
---

# The Brellin lighthouse

The Brellin lighthouse stands on Kesh Point, at the north end of Marrow Bay. It was built in 1871 by
the engineer Ottilie Vance. Its lamp flashes amber every nine seconds. The last keeper, Joss Ferrand,
left the tower in 1962.
"""

# Worded as a user asks, not as any sentence or drafted pair is: (question, the fact it must state).
QUESTIONS = [
    ("Who was the engineer behind the Brellin lighthouse?", "Ottilie Vance"),
    ("What colour is the light of the Brellin lighthouse?", "amber"),
    ("What was the name of the final keeper at Brellin?", "Joss Ferrand"),
]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    r = subprocess.run([sys.executable, "-m", "dlmls.cli", *args], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=1800, check=False)
    assert r.returncode in (0, 5), f"dlmls {args[0]} exited {r.returncode}:\n{r.stdout}\n{r.stderr[-3000:]}"
    return r


def ask(path: Path, question: str, version: str, env: dict[str, str]) -> str:
    return run("prompt", str(path), question, "--version", version, "--max-new-tokens", "40", env=env).stdout


def states(answer: str, fact: str) -> bool:
    return re.search(rf"\b{re.escape(fact.lower())}\b", answer.lower()) is not None


def plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


@pytest.fixture
def env(smollm_cache: Path, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DLMLS_CACHE": str(smollm_cache), "DLM_HOME": str(tmp_path / "home"),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def test_one_loop_round_teaches_facts_the_base_model_cannot_state(env: dict[str, str], tmp_path: Path):
    path = tmp_path / "brellin.dlm"
    path.write_text(LIGHTHOUSE)
    before = [ask(path, q, "base", env) for q, _ in QUESTIONS]
    assert not any(states(a, fact) for a, (_, fact) in zip(before, QUESTIONS, strict=True)), before

    run("train", str(path), env=env)
    synth = json.loads(run("synth", "instructions", str(path), "--teacher", "self", "--apply", "--json",
                           env=env).stdout)
    assert synth["counts"]["accepted"] >= 1, synth
    model = Document(path.read_text()).model
    pairs = [item for s in model.sections if s.type == "instruction"
             for item in bodies.parse_instruction(s.content).items]
    assert len(pairs) == synth["counts"]["accepted"]
    for p in pairs:  # what was accepted is a question and an answer that states a fact of the prose
        assert p.question.strip().endswith("?") and p.answer.strip()
    # The questions asked below are none of the file's questions.
    asked = {plain(p.question) for p in pairs}
    assert not asked & {plain(q) for q, _ in QUESTIONS}

    run("train", str(path), env=env)
    after = [ask(path, q, "v0002", env) for q, _ in QUESTIONS]
    learned = [fact for a, (_, fact) in zip(after, QUESTIONS, strict=True) if states(a, fact)]
    assert len(learned) >= 2, after
    # Answers are sentences that state the fact, not the same bare span for every question.
    assert len({plain(a) for a in after}) == len(after), after
    assert all(len(a.split()) >= 4 for a in after), after


def test_main_job_answers_its_question_after_the_loop(env: dict[str, str]):
    r = subprocess.run(["bash", "scripts/main.sh"], capture_output=True, text=True, env=env, cwd=ROOT,
                       timeout=3000, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = r.stdout
    assert "Accepted into the document:" in out and "### Q" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("after the loop ("))
    answer = line.split(":", 1)[1].lower()
    # "What does functools.wraps copy onto the wrapper?": the wrapped function's name and docstring.
    assert "name" in answer and "docstring" in answer, out
    for who in ("base model (no adapter):", "first adapter ("):
        assert any(x.strip().startswith(who) for x in out.splitlines()), out


def workers_for(home: Path) -> list[int]:
    """Pids of live `dlmls.worker` processes started for the store at `home`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
            state = next((x for x in (proc / "status").read_text().splitlines() if x.startswith("State:")), "")
        except OSError:
            continue
        if b"dlmls.worker" in cmdline and f"DLM_HOME={home}".encode() in environ.split(b"\0") \
                and "zombie" not in state:
            found.append(int(proc.name))
    return found


def wait_until(predicate, timeout: float, what: str):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := predicate()):
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def start_training(path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`dlmls train` on the real engine, returned once a training step (with its loss) is on stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "dlmls.cli", "train", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # plain progress lines: stderr is not a terminal
        seen.append(line)
        if line.startswith("train:") and "loss" in line:
            return proc
    raise AssertionError(f"no training step before dlmls train ended ({proc.wait()}):\n{''.join(seen)}")


def test_ctrl_c_cancels_a_real_training_and_a_killed_cli_leaves_no_worker(env: dict[str, str], tmp_path: Path):
    import signal

    from dlmls.cli import EXIT_CANCELLED

    home = Path(env["DLM_HOME"])
    path = tmp_path / "brellin.dlm"
    path.write_text(LIGHTHOUSE)
    store = home / "store" / "01KQ3T7W2M8C5R9Z6X4B1N0VHD" / "adapter"

    # Ctrl-C: the job is cancelled through the protocol, nothing becomes current, the worker exits.
    proc = start_training(path, env)
    assert workers_for(home), "the CLI's worker is not running"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_CANCELLED and "cancelled" in err, err[-2000:]
    assert not (store / "current.txt").exists() and not list(store.glob("versions/v*"))
    wait_until(lambda: not workers_for(home), 60, "the worker to exit after Ctrl-C")

    # A CLI killed outright (kill -9: no handler runs): its worker sees the pipe close, cancels, exits.
    proc = start_training(path, env)
    [worker] = workers_for(home)
    proc.kill()
    proc.wait(timeout=30)
    wait_until(lambda: worker not in workers_for(home), 60, f"the orphaned worker {worker} to exit")
    assert not (store / "current.txt").exists()
