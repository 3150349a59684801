"""`WorkerClient` and `Jobs` against real worker processes running the fake engine (no torch).

They pin the client's state machine, the handshake and its failures (no
answer, refusal, a command that does not exist, a worker that dies first),
progress and results, cancelling (and killing a worker that ignores the
cancel), crashes reported with the worker's last stderr lines, and the job
manager's policy: one warm worker, FIFO order, one job per document key,
a fresh worker after a crash or a changed command.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest
from dlmls import protocol
from dlmls.jobs import DEFAULT_COMMAND, JobFailed, Jobs, WorkerClient, WorkerState, worker_command
from dlmls.jobs.client import spawn
from fake_engine import document, worker_env

pytestmark = pytest.mark.asyncio

WORKER = [sys.executable, "-m", "dlmls.worker"]


def train(*directives: str, dlm_id: str = "01KPM5CXB51GRX86Q25AKERN6E") -> protocol.TrainJob:
    return protocol.TrainJob(job=1, path="", text=document(*directives, dlm_id=dlm_id))


def prompt(question: str, *directives: str) -> protocol.PromptJob:
    return protocol.PromptJob(job=1, path="", text=document(*directives), question=question)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


async def started(command: list[str] = WORKER, **kwargs) -> WorkerClient:
    client = WorkerClient(command, env=worker_env(), **kwargs)
    await client.start()
    return client


async def test_lifecycle_progress_result_and_log():
    states, logs, spawned = [], [], []

    async def factory(command, env):
        spawned.append(list(command))
        process = await spawn(command, env)
        states.append(client.state)
        return process

    client = WorkerClient(WORKER, env=worker_env(), factory=factory, on_log=logs.append)
    assert client.state is WorkerState.STOPPED
    ready = await client.start()
    assert client.state is WorkerState.READY and states == [WorkerState.STARTING] and spawned == [WORKER]
    assert ready.pid == client.pid and ready.protocol == protocol.PROTOCOL_VERSION
    seen = []

    def on_progress(p: protocol.Progress) -> None:
        seen.append((p.stage, p.step, client.state))

    result = await client.run(protocol.TrainJob(job=9, path="", text=document("fake-steps: 2")), on_progress)
    assert isinstance(result, protocol.TrainResult) and result.versions[0].steps == 2
    assert [s for s in seen if s[0] == "train"] == [("train", 1, WorkerState.BUSY), ("train", 2, WorkerState.BUSY)]
    assert client.state is WorkerState.READY
    process = client._process
    await client.stop()
    assert client.state is WorkerState.STOPPED and process.returncode == 0
    assert any("handshake with dlmls" in line for line in logs)  # stderr reached the log callback


async def test_a_job_error_is_raised_typed_and_the_worker_stays_ready():
    client = await started()
    try:
        with pytest.raises(JobFailed) as failed:
            await client.run(train("fake-fail: missing_model"))
        assert failed.value.kind == "missing_model" and "missing_model" in failed.value.message
        assert client.state is WorkerState.READY
        assert isinstance(await client.run(prompt("again?")), protocol.PromptResult)
    finally:
        await client.stop()


async def test_a_crash_fails_the_job_as_crashed_with_the_last_stderr_lines():
    client = await started()
    with pytest.raises(JobFailed) as failed:
        await client.run(train("fake-steps: 5", "fake-crash-at: 2"))
    assert failed.value.kind == "crashed"
    assert "exited with status 3" in failed.value.message
    assert "fake engine crashing at step 2" in failed.value.message
    assert client.state is WorkerState.DEAD
    with pytest.raises(RuntimeError, match="dead"):
        await client.run(train())


async def test_cancel_ends_the_running_job_as_cancelled():
    client = await started()
    try:
        job = train("fake-steps: 500", "fake-delay: 0.05")
        first_step = asyncio.Event()
        task = asyncio.create_task(client.run(job, lambda p: p.stage == "train" and first_step.set()))
        await asyncio.wait_for(first_step.wait(), 20)
        assert client.cancel(999) is False  # not the running job
        assert client.cancel(job.job) is True
        with pytest.raises(JobFailed) as failed:
            await asyncio.wait_for(task, 10)
        assert failed.value.kind == "cancelled"
        assert client.state is WorkerState.READY
        assert client.cancel(job.job) is False  # finished
    finally:
        await client.stop()


async def test_a_worker_that_ignores_cancel_is_killed_after_the_grace_period():
    client = await started(cancel_grace=0.5)
    job = train("fake-steps: 500", "fake-delay: 0.05", "fake-ignore-cancel")
    first_step = asyncio.Event()
    task = asyncio.create_task(client.run(job, lambda p: p.stage == "train" and first_step.set()))
    await asyncio.wait_for(first_step.wait(), 20)
    began = time.monotonic()
    client.cancel(job.job)
    with pytest.raises(JobFailed) as failed:
        await asyncio.wait_for(task, 10)
    assert failed.value.kind == "cancelled"
    assert 0.4 < time.monotonic() - began < 5
    assert client.state is WorkerState.DEAD


@pytest.mark.parametrize(("command", "kind", "words"), [
    (python("import time; time.sleep(30)"), "crashed", "did not answer the handshake within 0.5 s"),
    (python("import sys; print('1%\\r50%\\rno torch here', file=sys.stderr); sys.exit(5)"), "crashed",
     "exited with status 5"),
    (python("import sys; sys.stdin.readline(); "
            "print('{\"type\":\"refused\",\"protocol\":2,\"reason\":\"too new\"}', flush=True)"),
     "protocol", "refused the handshake: too new"),
    (["/nonexistent/dlmls-worker"], "crashed", "cannot start the worker"),
])
async def test_handshake_failures(command: list[str], kind: str, words: str):
    client = WorkerClient(command, env=worker_env(), handshake_timeout=0.5 if "sleep" in command[-1] else 10)
    with pytest.raises(JobFailed) as failed:
        await client.start()
    assert failed.value.kind == kind and words in failed.value.message
    if "no torch here" in command[-1]:
        assert "no torch here" in failed.value.message  # the last stderr lines say why
        assert failed.value.message.endswith("its last words:\nno torch here")  # of a redrawn (\r) line, only its last state
    assert client.state is WorkerState.DEAD
    assert client._process is None or client._process.returncode is not None  # nothing left running


async def test_lines_that_are_not_frames_are_logged_and_skipped():
    logs = []
    banner = ["sh", "-c", 'echo "Welcome to the GPU box"; exec "$@"', "sh", *WORKER]  # like an ssh login banner
    client = WorkerClient(banner, env=worker_env(), on_log=logs.append)
    await client.start()
    try:
        assert isinstance(await client.run(prompt("hi")), protocol.PromptResult)
    finally:
        await client.stop()
    assert any("not a protocol frame" in line and "Welcome to the GPU box" in line for line in logs)


async def test_worker_command_sources(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DLMLS_WORKER_CMD", raising=False)
    assert worker_command() == list(DEFAULT_COMMAND) == [sys.executable, "-m", "dlmls.worker"]
    monkeypatch.setenv("DLMLS_WORKER_CMD", "ssh gpu-box 'cd ~/dlmls && .venv/bin/python -m dlmls.worker'")
    assert worker_command() == ["ssh", "gpu-box", "cd ~/dlmls && .venv/bin/python -m dlmls.worker"]
    assert worker_command("  ") == worker_command()  # blank means "not set"
    assert worker_command("/opt/py/bin/python -m dlmls.worker") == ["/opt/py/bin/python", "-m", "dlmls.worker"]
    assert worker_command(["a b", "c"]) == ["a b", "c"]


# ---------------------------------------------------------------------- Jobs


async def test_jobs_keep_one_warm_worker_and_number_the_jobs():
    jobs = Jobs(WORKER, env=worker_env())
    try:
        first = jobs.submit(train())
        second = jobs.submit(prompt("warm?"))
        assert (first.id, second.id) == (1, 2)
        assert isinstance(await first, protocol.TrainResult)
        answer = await second
        assert "(engine 1, job 2," in answer.answer
        assert jobs.workers_started == 1
    finally:
        await jobs.shutdown()
    assert jobs.worker is None


async def test_after_a_crash_the_next_job_starts_a_fresh_worker():
    jobs = Jobs(WORKER, env=worker_env())
    try:
        with pytest.raises(JobFailed) as failed:
            await jobs.run(train("fake-crash-at: 1"))
        assert failed.value.kind == "crashed"
        dead_pid = jobs.worker.pid
        answer = await jobs.run(prompt("still there?"))
        assert jobs.workers_started == 2
        assert f"pid {dead_pid})" not in answer.answer and "(engine 1, job 1," in answer.answer
    finally:
        await jobs.shutdown()


async def test_one_job_per_document_key_others_queue_in_order():
    jobs = Jobs(WORKER, env=worker_env())
    order = []
    try:
        running = jobs.submit(train("fake-steps: 30", "fake-delay: 0.02"), key="file:///a.dlm",
                              on_progress=lambda p: order.append(("a", p.stage)))
        with pytest.raises(JobFailed) as busy:
            jobs.submit(train(), key="file:///a.dlm")
        assert busy.value.kind == "busy" and f"job {running.id}" in busy.value.message
        other = jobs.submit(train(dlm_id="01KPM5CXB51GRX86Q25AKERN7G"), key="file:///b.dlm",
                            on_progress=lambda p: order.append(("b", p.stage)))
        question = jobs.submit(prompt("q"), on_progress=lambda p: order.append(("q", p.stage)))
        assert isinstance(await running, protocol.TrainResult)
        assert isinstance(await other, protocol.TrainResult)
        assert isinstance(await question, protocol.PromptResult)
        assert ("b", "queued") in order and ("q", "queued") in order
        worked = [who for who, stage in order if stage in ("train", "generate")]
        assert worked == sorted(worked)  # a's steps, then b's, then q's: one at a time, FIFO
        assert jobs.active("file:///a.dlm") is None
        again = jobs.submit(train(), key="file:///a.dlm")  # finished: the key is free again
        assert isinstance(await again, protocol.TrainResult)
    finally:
        await jobs.shutdown()


async def test_cancelling_a_queued_job_never_sends_it():
    jobs = Jobs(WORKER, env=worker_env())
    try:
        running = jobs.submit(train("fake-steps: 20", "fake-delay: 0.02"))
        queued = jobs.submit(prompt("never asked"))
        await asyncio.sleep(0.1)
        assert queued.cancel() is True
        with pytest.raises(JobFailed) as failed:
            await queued
        assert failed.value.kind == "cancelled" and "waiting for its turn" in failed.value.message
        await running
        answer = await jobs.run(prompt("asked"))
        assert "job 2," in answer.answer  # the worker saw the training and this question only
    finally:
        await jobs.shutdown()


async def test_a_changed_command_replaces_the_idle_worker():
    command = list(WORKER)
    jobs = Jobs(lambda: command, env=worker_env())
    try:
        await jobs.run(prompt("one"))
        first = jobs.worker
        command[:] = ["env", "DLMLS_MARK=1", *WORKER]
        await jobs.run(prompt("two"))
        assert jobs.worker is not first and first.state is WorkerState.STOPPED
        assert jobs.worker.command[:2] == ["env", "DLMLS_MARK=1"] and jobs.workers_started == 2
    finally:
        await jobs.shutdown()


async def test_shutdown_cancels_the_running_job_and_ends_the_worker():
    jobs = Jobs(WORKER, env=worker_env())
    handle = jobs.submit(train("fake-steps: 500", "fake-delay: 0.05"))
    while handle.state != "running":
        await asyncio.sleep(0.01)
    pid = jobs.worker.pid
    await jobs.shutdown()
    with pytest.raises(JobFailed) as failed:
        await handle
    assert failed.value.kind == "cancelled"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
