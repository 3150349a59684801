"""Jobs for one warm worker: numbered, run one at a time in submission order, cancellable.

There is one worker process (the model loads once and stays loaded), so jobs
run one at a time; a job submitted while another runs waits in FIFO order
and hears a `queued` progress event meanwhile. Per document the policy is
stricter: a job submitted with a `key` (the language server uses the
document URI for retrains) is **refused** with `JobFailed("busy")` while
another job with the same key is queued or running. Training the same
document twice in a row costs minutes and the second run would start from a
version the first is about to replace, so the user is told to cancel or
wait instead; jobs without a key (questions to the adapter) just queue.

A worker that dies fails the running job with kind "crashed" (the client
adds its last stderr lines) and the next job starts a fresh worker. The
worker command is read when a worker starts, so a changed setting takes
effect at the next start; an idle worker started with an older command is
stopped first.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any

import msgspec

from dlmls import protocol
from dlmls.jobs.client import (
    Job,
    JobFailed,
    ProgressCallback,
    Result,
    WorkerClient,
    WorkerState,
    worker_command,
)

log = logging.getLogger(__name__)

ClientFactory = Callable[[list[str]], WorkerClient]


class JobHandle:
    """One submitted job: its number, where it is, a way to cancel it, and (awaited) its result."""

    def __init__(self, jobs: Jobs, job: Job, key: str | None, on_progress: ProgressCallback | None) -> None:
        self.jobs = jobs
        self.job = job
        self.key = key
        self.on_progress = on_progress
        self.state = "queued"  # queued → running → finished
        self.cancel_requested = False
        self.client: WorkerClient | None = None
        self.task: asyncio.Task[Result] | None = None

    @property
    def id(self) -> int:
        """The job number (as sent to the worker)."""
        return self.job.job

    def cancel(self) -> bool:
        """Stop the job (queued: at once; running: the worker is told); False once it has finished."""
        return self.jobs.cancel(self.id)

    def __await__(self) -> Generator[Any, None, Result]:
        assert self.task is not None
        return self.task.__await__()


class Jobs:
    """The job manager shared by every caller in a process (the language server, or one CLI run)."""

    def __init__(self, command: Callable[[], Sequence[str]] | Sequence[str] | str | None = None, *,
                 env: Mapping[str, str] | None = None, on_log: Callable[[str], None] | None = None,
                 client_factory: ClientFactory | None = None) -> None:
        self._command = command if callable(command) else (lambda: worker_command(command))
        self._env = env
        self._on_log = on_log
        self._client_factory = client_factory or (lambda cmd: WorkerClient(cmd, env=self._env, on_log=self._on_log))
        self._client: WorkerClient | None = None
        self._lock = asyncio.Lock()  # FIFO: waiters acquire in the order they asked
        self._ids = itertools.count(1)
        self._handles: dict[int, JobHandle] = {}
        self.workers_started = 0

    @property
    def worker(self) -> WorkerClient | None:
        """The current worker client, if one was started."""
        return self._client

    def active(self, key: str) -> JobHandle | None:
        """The queued or running job submitted with `key`, if any."""
        for handle in self._handles.values():
            if handle.key == key:
                return handle
        return None

    def get(self, job_id: int) -> JobHandle | None:
        """The queued or running job numbered `job_id`."""
        return self._handles.get(job_id)

    def submit(self, job: Job, on_progress: ProgressCallback | None = None, key: str | None = None) -> JobHandle:
        """Number the job and queue it; JobFailed("busy") if a job with the same `key` is unfinished."""
        if key is not None and (other := self.active(key)) is not None:
            raise JobFailed("busy", f"job {other.id} for the same document is still {other.state}; "
                                    "cancel it or wait for it to finish")
        job = msgspec.structs.replace(job, job=next(self._ids))
        handle = JobHandle(self, job, key, on_progress)
        self._handles[handle.id] = handle
        handle.task = asyncio.get_running_loop().create_task(self._run(handle))
        return handle

    async def run(self, job: Job, on_progress: ProgressCallback | None = None, key: str | None = None) -> Result:
        """Submit the job and wait for its result (JobFailed when it fails)."""
        return await self.submit(job, on_progress, key)

    def cancel(self, job_id: int) -> bool:
        """Cancel job `job_id` wherever it is; False if it is not queued or running."""
        handle = self._handles.get(job_id)
        if handle is None:
            return False
        handle.cancel_requested = True
        if handle.state == "running" and handle.client is not None:
            handle.client.cancel(job_id)
        elif handle.state == "queued" and handle.task is not None:
            handle.task.cancel()  # still waiting for its turn: it never reaches the worker
        # "starting": the worker is being started for it; it checks the flag before sending the job.
        return True

    async def _run(self, handle: JobHandle) -> Result:
        try:
            if self._lock.locked():
                self._notify(handle, protocol.Progress(job=handle.id, stage="queued",
                                                       message=self._waiting_for()))
            try:
                await self._lock.acquire()
            except asyncio.CancelledError:
                if handle.cancel_requested:
                    raise JobFailed("cancelled", "cancelled while waiting for its turn") from None
                raise
            try:
                handle.state = "starting"
                client = await self._ensure_worker()
                if handle.cancel_requested:
                    raise JobFailed("cancelled", "cancelled before it started")
                handle.client = client
                handle.state = "running"
                return await client.run(handle.job, handle.on_progress)
            finally:
                self._lock.release()
        finally:
            handle.state = "finished"
            self._handles.pop(handle.id, None)

    def _waiting_for(self) -> str:
        running = [h for h in self._handles.values() if h.state in ("starting", "running")]
        if not running:
            return "waiting for the worker"
        kind = "training" if isinstance(running[0].job, protocol.TrainJob) else "a question"
        return f"waiting for job {running[0].id} ({kind}) to finish"

    @staticmethod
    def _notify(handle: JobHandle, progress: protocol.Progress) -> None:
        if handle.on_progress is not None:
            try:
                handle.on_progress(progress)
            except Exception:
                log.exception("progress callback failed")

    async def _ensure_worker(self) -> WorkerClient:
        command = list(self._command())
        client = self._client
        if client is not None and client.state is WorkerState.READY and client.command != command:
            log.info("the worker command changed; stopping the old worker")
            await client.stop()
        if client is None or client.state is not WorkerState.READY:
            if client is not None and client.state is not WorkerState.STOPPED:
                await client.stop()
            client = self._client = self._client_factory(command)
            self.workers_started += 1
            await client.start()
        return client

    async def shutdown(self) -> None:
        """Cancel every job and stop the worker."""
        tasks = [h.task for h in self._handles.values() if h.task is not None]
        for job_id in list(self._handles):
            self.cancel(job_id)
        client, self._client = self._client, None
        if client is not None:
            await client.stop()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
