"""`python -m dlmls.worker` as a real subprocess, driven frame by frame, with the fake engine (no torch).

These pin the worker's side of the protocol: the handshake, exactly one
`Done` or `Failed` per job, one job at a time on one warm engine, cancelling
a running or a queued job, garbage frames, errors of every kind, EOF and
`Shutdown`, and that nothing but frames ever reaches its stdout.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time

import pytest
from dlmls import protocol
from dlmls.worker.loop import DEFAULT_ENGINE, load_engine_class
from fake_engine import FakeEngine, document, worker_env

TIMEOUT = 20.0
TERMINAL = (protocol.Done, protocol.Failed)


class Worker:
    """A worker subprocess; frames from its stdout are decoded on a thread (raw lines kept)."""

    def __init__(self, **env: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "dlmls.worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=worker_env(**env))
        self.frames: queue.Queue[protocol.WorkerMessage | None] = queue.Queue()
        self.raw: list[bytes] = []
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.raw.append(line)
            self.frames.put(protocol.decode_worker(line))  # raises (and ends the thread) on a non-frame
        self.frames.put(None)

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def send(self, message: protocol.Message | bytes) -> None:
        self.proc.stdin.write(message if isinstance(message, bytes) else protocol.encode(message))
        self.proc.stdin.flush()

    def next(self, timeout: float = TIMEOUT) -> protocol.WorkerMessage | None:
        return self.frames.get(timeout=timeout)

    def hello(self) -> protocol.Ready:
        self.send(protocol.Hello(protocol=protocol.PROTOCOL_VERSION, client="test"))
        ready = self.next()
        assert isinstance(ready, protocol.Ready), ready
        return ready

    def until_end(self, job: int) -> list[protocol.WorkerMessage]:
        """Frames up to and including the first Done/Failed of `job`."""
        out = []
        while True:
            frame = self.next()
            assert frame is not None, f"stdout closed; stderr:\n{''.join(self.stderr)}"
            out.append(frame)
            if isinstance(frame, TERMINAL) and frame.job == job:
                return out

    def close(self) -> int:
        if self.proc.poll() is None:
            self.proc.stdin.close()
        return self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def worker():
    w = Worker()
    yield w
    if w.proc.poll() is None:
        w.proc.kill()
    w.proc.wait()


def train(job: int, *directives: str) -> protocol.TrainJob:
    return protocol.TrainJob(job=job, path="", text=document(*directives))


def test_handshake_answers_ready_with_its_identity(worker: Worker):
    ready = worker.hello()
    assert ready.protocol == protocol.PROTOCOL_VERSION
    assert ready.pid == worker.proc.pid
    assert ready.python == sys.version.split()[0]
    assert worker.close() == 0


@pytest.mark.parametrize("first", [protocol.encode(protocol.Hello(protocol=protocol.PROTOCOL_VERSION + 1)),
                                   b"not json\n", protocol.encode(protocol.Shutdown())])
def test_handshake_refuses_and_exits(worker: Worker, first: bytes):
    worker.send(first)
    refused = worker.next()
    assert isinstance(refused, protocol.Refused)
    assert refused.protocol == protocol.PROTOCOL_VERSION and refused.reason
    assert worker.proc.wait(timeout=TIMEOUT) == 2


def test_jobs_run_one_at_a_time_on_one_engine_with_one_end_each(worker: Worker):
    worker.hello()
    worker.send(train(1, "fake-steps: 3"))
    worker.send(protocol.PromptJob(job=2, path="", text=document(), question="why?"))
    first = worker.until_end(1)
    second = worker.until_end(2)
    assert all(f.job == 1 for f in first) and all(f.job == 2 for f in second)
    steps = [f.step for f in first if isinstance(f, protocol.Progress) and f.stage == "train"]
    assert steps == [1, 2, 3]
    done = first[-1]
    assert isinstance(done, protocol.Done) and isinstance(done.result, protocol.TrainResult)
    assert done.result.versions[0].steps == 3
    answer = second[-1]
    assert isinstance(answer, protocol.Done) and isinstance(answer.result, protocol.PromptResult)
    assert "'why?'" in answer.result.answer
    assert "(engine 1, job 2," in answer.result.answer  # the same engine object served both jobs
    assert worker.close() == 0
    assert sum(isinstance(protocol.decode_worker(r), TERMINAL) for r in worker.raw) == 2


def test_stray_output_goes_to_stderr_not_the_protocol(worker: Worker):
    worker.hello()
    worker.send(train(1, "fake-print"))
    assert isinstance(worker.until_end(1)[-1], protocol.Done)
    worker.close()
    assert all(line.startswith(b'{"type":') for line in worker.raw)  # every stdout line decoded as a frame
    log = "".join(worker.stderr)
    assert "stray print from the engine" in log and "stray write to fd 1" in log


def test_cancel_stops_the_running_job_and_the_worker_goes_on(worker: Worker):
    worker.hello()
    worker.send(train(1, "fake-steps: 500", "fake-delay: 0.05"))
    while not (isinstance(frame := worker.next(), protocol.Progress) and frame.stage == "train"):
        pass
    started = time.monotonic()
    worker.send(protocol.Cancel(job=1))
    end = worker.until_end(1)[-1]
    assert isinstance(end, protocol.Failed) and end.kind == "cancelled"
    assert time.monotonic() - started < 20  # a step is 0.05 s: generous for a loaded 2-core machine
    worker.send(train(2))
    assert isinstance(worker.until_end(2)[-1], protocol.Done)


def test_cancel_of_a_queued_job_answers_it_once_without_running_it(worker: Worker):
    worker.hello()
    worker.send(train(1, "fake-steps: 500", "fake-delay: 0.05"))
    worker.send(train(2))
    worker.send(protocol.Cancel(job=2))
    worker.send(protocol.Cancel(job=1))
    frames = worker.until_end(1) + worker.until_end(2)
    ends = [(f.job, f.kind) for f in frames if isinstance(f, TERMINAL)]
    assert ends == [(1, "cancelled"), (2, "cancelled")]
    assert not any(isinstance(f, protocol.Progress) and f.job == 2 for f in frames)


def test_garbage_frames_are_answered_and_the_session_goes_on(worker: Worker):
    worker.hello()
    worker.send(b'{"type": "train", "job": "one"}\n')
    worker.send(b"\xff\xfe nonsense\n")
    worker.send(protocol.encode(protocol.Hello(protocol=1)))  # a second hello is out of place
    for _ in range(3):
        frame = worker.next()
        assert isinstance(frame, protocol.Failed) and frame.job == 0 and frame.kind == "protocol"
    worker.send(train(7))
    assert isinstance(worker.until_end(7)[-1], protocol.Done)


@pytest.mark.parametrize(("directive", "kind", "text"), [
    ("fake-fail: missing_model", "missing_model", "fake failure of kind missing_model"),
    ("fake-fail: busy", "busy", "fake failure of kind busy"),
    ("fake-raise: boom", "error", "RuntimeError: boom"),
])
def test_errors_become_one_failed_of_their_kind(worker: Worker, directive: str, kind: str, text: str):
    worker.hello()
    worker.send(train(1, directive))
    end = worker.until_end(1)[-1]
    assert isinstance(end, protocol.Failed) and (end.kind, end.message) == (kind, text)
    worker.send(train(2))
    assert isinstance(worker.until_end(2)[-1], protocol.Done)  # the worker survives
    worker.close()
    assert ("Traceback" in "".join(worker.stderr)) == (kind == "error")  # bugs are logged, user errors not


def test_an_engine_that_cannot_load_fails_each_job_but_not_the_worker():
    w = Worker(DLMLS_WORKER_ENGINE="no_such_module_here:Engine")
    try:
        w.hello()
        for job in (1, 2):
            w.send(train(job))
            end = w.until_end(job)[-1]
            assert isinstance(end, protocol.Failed) and end.kind == "error"
            assert "no_such_module_here" in end.message
        assert w.close() == 0
    finally:
        w.proc.kill()


def test_eof_cancels_the_running_job_and_exits(worker: Worker):
    worker.hello()
    worker.send(train(1, "fake-steps: 500", "fake-delay: 0.05"))
    while not isinstance(worker.next(), protocol.Progress):
        pass
    worker.proc.stdin.close()
    assert worker.proc.wait(timeout=10) == 0
    end = worker.until_end(1)[-1]
    assert isinstance(end, protocol.Failed) and end.kind == "cancelled"


def test_shutdown_exits_cleanly(worker: Worker):
    worker.hello()
    worker.send(protocol.Shutdown())
    assert worker.proc.wait(timeout=10) == 0
    assert worker.next() is None


def test_engine_class_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    assert DEFAULT_ENGINE == "dlmls.worker.engine:Engine"
    monkeypatch.setenv("DLMLS_WORKER_ENGINE", "fake_engine:FakeEngine")
    assert load_engine_class() is FakeEngine
    with pytest.raises(ValueError, match="module:Class"):
        load_engine_class("fake_engine.FakeEngine")
