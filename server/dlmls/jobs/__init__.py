"""Running jobs on the worker process, for the language server and the CLI alike (asyncio, no torch).

`WorkerClient` is one worker process and the protocol spoken with it;
`Jobs` numbers jobs, runs them one at a time on a warm worker, applies the
one-job-per-document policy and replaces a worker that died. `format`
turns progress events into the one-line summaries both front ends show.
"""

from dlmls.jobs.client import DEFAULT_COMMAND, JobFailed, WorkerClient, WorkerState, worker_command
from dlmls.jobs.queue import JobHandle, Jobs

__all__ = ["DEFAULT_COMMAND", "JobFailed", "JobHandle", "Jobs", "WorkerClient", "WorkerState", "worker_command"]
