"""`dlmls train` and `dlmls prompt` as real subprocesses, with the worker on the fake engine (no torch).

They pin what a terminal user and a script see: results on stdout, progress
on stderr (plain lines when stderr is not a terminal; the redrawn bar is
checked on the formatter), the exit codes the README documents, refusing a
document with errors before any worker starts, and Ctrl-C ending the job
cleanly (exit 130, the worker gone, the store unchanged).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dlmls import cli, protocol
from fake_engine import document, worker_env

ROOT = Path(__file__).resolve().parent.parent

DLM_ID = "01KPM5CXB51GRX86Q25AKERN6E"


def dlmls(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dlmls.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env or worker_env(), timeout=60, check=False)


@pytest.fixture
def doc(tmp_path: Path):
    def write(*directives: str) -> str:
        path = tmp_path / "notes.dlm"
        path.write_text(document(*directives, dlm_id=DLM_ID))
        return str(path)

    return write


def current(home: Path) -> str | None:
    pointer = home / "store" / DLM_ID / "adapter" / "current.txt"
    return Path(pointer.read_text().strip()).name if pointer.exists() else None


def test_train_prints_the_new_version_and_progress_lines(doc, tmp_path: Path):
    home = tmp_path / "home"
    r = dlmls("train", doc("fake-steps: 3"), "--dlm-home", str(home))
    assert r.returncode == 0, r.stderr
    expected = f"{tmp_path / 'notes.dlm'}: adapter v0001: 3 steps, train loss 0.667, 192 tokens, 0:00"
    assert r.stdout.splitlines() == [expected]
    lines = r.stderr.splitlines()
    assert "load: starting the engine" in lines
    assert "train: step 1/3 · loss 2.00 · 100 tok/s · ETA 0:00" in lines
    assert lines[-1] == "train: step 3/3 · loss 0.67 · 100 tok/s · ETA 0:00"  # the last step is always shown
    assert "\r" not in r.stderr and "\x1b" not in r.stderr  # not a terminal: no bar
    assert current(home) == "v0001"
    again = dlmls("train", doc(), "--dlm-home", str(home), "--max-steps", "2")
    assert again.returncode == 0 and "adapter v0002: 2 steps," in again.stdout  # --max-steps reached the engine
    assert current(home) == "v0002"


def test_train_refuses_a_document_with_errors_before_starting_a_worker(tmp_path: Path):
    bad = tmp_path / "bad.dlm"
    bad.write_text("---\nbase_model: smollm2-135m\nbogus: 1\n---\nProse.\n")
    pidfile = tmp_path / "pid"
    r = dlmls("train", str(bad), env=worker_env(FAKE_ENGINE_PIDFILE=str(pidfile)))
    assert r.returncode == cli.EXIT_DOCUMENT == 1
    assert r.stdout.startswith(f"{bad}:") and ": error: " in r.stdout  # printed as `dlmls check` prints
    assert r.stdout == dlmls("check", str(bad)).stdout
    assert "fix the error(s) above first" in r.stderr
    assert not pidfile.exists()


def test_usage_errors_and_unreadable_files_exit_2(tmp_path: Path):
    assert dlmls("train", str(tmp_path / "missing.dlm")).returncode == cli.EXIT_USAGE == 2
    r = dlmls("prompt", str(tmp_path / "x.dlm"), "q", "--version", "3")
    assert r.returncode == 2 and "expected vNNNN" in r.stderr
    assert dlmls("train").returncode == 2


@pytest.mark.parametrize(("directive", "status", "words"), [
    ("fake-fail: missing_model", 4, "missing_model: fake failure of kind missing_model"),
    ("fake-fail: invalid_document", 1, "invalid_document: fake failure"),
    ("fake-fail: busy", 3, "busy: fake failure of kind busy"),
    ("fake-raise: kaput", 3, "error: RuntimeError: kaput"),
    ("fake-crash-at: 1", 3, "crashed: the worker exited with status 3"),
])
def test_failed_jobs_exit_with_their_kinds_status(doc, tmp_path: Path, directive: str, status: int, words: str):
    home = tmp_path / "home"
    r = dlmls("train", doc(directive), "--dlm-home", str(home))
    assert r.returncode == status, r.stderr
    assert words in r.stderr and r.stdout == ""
    assert current(home) is None
    if "crash" in directive:
        assert "fake engine crashing at step 1" in r.stderr  # the worker's last words


def test_prompt_prints_only_the_answer_on_stdout(doc):
    r = dlmls("prompt", doc(), "What is a decorator?", "--version", "v0002", "--max-new-tokens", "4")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("fake answer to 'What is a decorator?' (engine 1, job 1, pid ")
    assert r.stdout.count("\n") == 1
    assert "generate: token 4/4" in r.stderr and "(adapter v0002, 4 new tokens" in r.stderr


def test_the_worker_command_comes_from_the_flag_or_the_environment(doc):
    r = dlmls("prompt", doc(), "q", "--worker-cmd", "/nonexistent/worker --flag")
    assert r.returncode == cli.EXIT_JOB == 3
    assert "cannot start the worker `/nonexistent/worker --flag`" in r.stderr
    r = dlmls("prompt", doc(), "q", env=worker_env(DLMLS_WORKER_CMD="/nonexistent/from-env"))
    assert r.returncode == 3 and "/nonexistent/from-env" in r.stderr
    wrapped = f"env DLMLS_MARK=1 {sys.executable} -m dlmls.worker"
    r = dlmls("prompt", doc(), "q", "--worker-cmd", wrapped, env=worker_env(DLMLS_WORKER_CMD="/nonexistent"))
    assert r.returncode == 0, r.stderr  # the flag wins over the environment


def test_ctrl_c_cancels_the_job_and_leaves_the_store_alone(doc, tmp_path: Path):
    home, pidfile = tmp_path / "home", tmp_path / "pid"
    proc = subprocess.Popen([sys.executable, "-m", "dlmls.cli", "train", doc("fake-steps: 400", "fake-delay: 0.05"),
                             "--dlm-home", str(home)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=worker_env(FAKE_ENGINE_PIDFILE=str(pidfile)))
    seen = []
    for line in proc.stderr:  # wait until training runs
        seen.append(line)
        if line.startswith("train: step 1/"):
            break
    began = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == cli.EXIT_CANCELLED == 130, "".join(seen) + err
    assert time.monotonic() - began < 10
    assert "cancelling" in err and "cancelled" in err and out == ""
    assert current(home) is None
    worker_pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)  # the worker ended with the CLI


def test_the_terminal_view_redraws_one_line_with_a_bar():
    stream = io.StringIO()
    now = [100.0]  # the view's clock, in seconds: a redraw at most every TTY_INTERVAL (0.1 s)
    view = cli.ProgressView(stream, tty=True, clock=lambda: now[0])
    view.update(protocol.Progress(job=1, stage="train", step=12, total=40, loss=1.934, tokens_per_s=140.2,
                                  eta_s=32))
    assert stream.getvalue() == ("\r\x1b[K   train [######--------------] step 12/40 · loss 1.93 · 140 tok/s · "
                                 "ETA 0:32")
    now[0] += 0.09
    view.update(protocol.Progress(job=1, stage="train", step=13, total=40))  # within 0.1 s: skipped
    assert "13/40" not in stream.getvalue()
    now[0] += 0.02
    view.update(protocol.Progress(job=1, stage="train", step=14, total=40))  # 0.11 s after the last draw
    assert stream.getvalue().endswith("\r\x1b[K   train [#######-------------] step 14/40")
    view.update(protocol.Progress(job=1, stage="train", step=40, total=40))  # the last step: always drawn
    assert stream.getvalue().endswith("step 40/40")
    view.note("cancelling")
    assert stream.getvalue().endswith("\r\x1b[Kcancelling\n")


def test_a_held_back_version_exits_5_and_keep_worse_makes_it_current(doc, tmp_path: Path):
    home = tmp_path / "home"
    path = doc("fake-held-back: its held-out loss rose from 2.000 to 2.500, so v0001 stays current")
    first = dlmls("train", path, "--dlm-home", str(home), "--keep-worse")
    assert first.returncode == 0, first.stderr
    assert current(home) == "v0001"
    r = dlmls("train", path, "--dlm-home", str(home))
    assert r.returncode == 5, r.stderr
    assert "adapter v0002: " in r.stdout and "not made current: its held-out loss rose" in r.stdout
    assert "pass --keep-worse" in r.stderr
    assert current(home) == "v0001"
    r = dlmls("train", path, "--dlm-home", str(home), "--keep-worse")
    assert r.returncode == 0 and current(home) == "v0003"
