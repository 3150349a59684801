"""One worker process seen from the server or the CLI: start it, handshake, run jobs, cancel, stop.

All I/O is asyncio, so the language server's event loop is never blocked
while a model trains. The class keeps an explicit state (stopped → starting
→ ready ⇄ busy, or dead when the process is gone) and takes the process
factory as an argument, so tests can watch or replace how the worker is
spawned (esbonio's `client_subprocess.py` is the model). The command is a
plain argv list: the default runs the worker in this interpreter, but any
command that speaks the protocol on stdin/stdout works — another
interpreter, a container, `ssh host python -m dlmls.worker`.

The worker's stderr is its log: every line goes to the `on_log` callback,
and the last lines are kept so that a crash (stdout closing while a job
runs) can say why. Cancelling sends `Cancel`; if the worker has not ended
the job after a grace period (it may be inside a long C call), the process
is killed and the job still ends as cancelled — adapter versions are
written completely before the active pointer moves, so this is safe.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

import msgspec

from dlmls import __version__, protocol

log = logging.getLogger(__name__)

DEFAULT_COMMAND = (sys.executable, "-m", "dlmls.worker")
HANDSHAKE_TIMEOUT = 60.0  # seconds; generous for a worker reached over ssh
CANCEL_GRACE = 20.0  # seconds a cancelled job may take before the worker is killed
STDERR_TAIL = 20  # lines of stderr kept for crash messages
LINE_LIMIT = 64 * 1024 * 1024  # a frame is one line; answers and results can be long

ProcessFactory = Callable[[Sequence[str], Mapping[str, str] | None], Awaitable[asyncio.subprocess.Process]]
ProgressCallback = Callable[[protocol.Progress], None]
Result = protocol.TrainResult | protocol.PromptResult | protocol.SynthResult
Job = protocol.TrainJob | protocol.PromptJob | protocol.SynthJob


class JobFailed(Exception):
    """A job ended without a result; `kind` is one of `protocol.ErrorKind`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class WorkerState(enum.Enum):
    """Where a `WorkerClient` is in its life."""

    STOPPED = "stopped"  # no process (not started yet, or stopped on purpose)
    STARTING = "starting"  # spawned, waiting for Ready
    READY = "ready"  # idle, takes a job
    BUSY = "busy"  # running a job
    DEAD = "dead"  # the process exited or broke the protocol; start a new client


async def spawn(command: Sequence[str], env: Mapping[str, str] | None) -> asyncio.subprocess.Process:
    """The default process factory: the command with piped stdin, stdout and stderr."""
    # A session of its own: a Ctrl-C in the terminal reaches only the CLI, which cancels the job
    # through the protocol (an `ssh` worker command would otherwise die of the SIGINT).
    return await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=dict(env) if env is not None else None, limit=LINE_LIMIT,
        start_new_session=os.name == "posix")


@dataclass(slots=True)
class _Pending:
    job: int
    future: asyncio.Future[Result]
    on_progress: ProgressCallback | None
    cancel_requested: bool = False
    killer: asyncio.TimerHandle | None = field(default=None)


class WorkerClient:
    """A worker process and the protocol spoken with it; one job at a time."""

    def __init__(self, command: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None,
                 factory: ProcessFactory = spawn, on_log: Callable[[str], None] | None = None,
                 handshake_timeout: float = HANDSHAKE_TIMEOUT, cancel_grace: float = CANCEL_GRACE,
                 client_name: str = "dlmls") -> None:
        self.command = list(command or DEFAULT_COMMAND)
        self.env = env
        self.state = WorkerState.STOPPED
        self.ready: protocol.Ready | None = None  # the worker's handshake answer
        self._factory = factory
        self._on_log = on_log
        self._handshake_timeout = handshake_timeout
        self._cancel_grace = cancel_grace
        self._client_name = client_name
        self._process: asyncio.subprocess.Process | None = None
        self._stdout_task: asyncio.Task[None] | None = None
        self._stderr_task: asyncio.Task[None] | None = None
        self._hello: asyncio.Future[protocol.Ready] | None = None
        self._pending: _Pending | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL)
        self._stopping = False
        self._killed_for_cancel = False

    @property
    def pid(self) -> int | None:
        """The worker process's id, while there is one."""
        return self._process.pid if self._process is not None else None

    @property
    def stderr_tail(self) -> list[str]:
        """The last lines the worker wrote to stderr."""
        return list(self._stderr_tail)

    # ------------------------------------------------------------------ life cycle

    async def start(self) -> protocol.Ready:
        """Spawn the worker and handshake; raises JobFailed("crashed") if it does not answer."""
        if self.state is not WorkerState.STOPPED:
            raise RuntimeError(f"cannot start a worker that is {self.state.value}")
        self.state = WorkerState.STARTING
        try:
            self._process = await self._factory(self.command, self.env)
        except OSError as exc:
            self.state = WorkerState.DEAD
            raise JobFailed("crashed", f"cannot start the worker {_shell(self.command)}: "
                                       f"{exc.strerror or exc}") from exc
        loop = asyncio.get_running_loop()
        self._hello = loop.create_future()
        self._stdout_task = loop.create_task(self._read_stdout())
        self._stderr_task = loop.create_task(self._read_stderr())
        self._write(protocol.Hello(protocol=protocol.PROTOCOL_VERSION, client=f"{self._client_name} {__version__}"))
        try:
            ready = await asyncio.wait_for(asyncio.shield(self._hello), self._handshake_timeout)
        except TimeoutError:
            self._hello.cancel()
            await self._kill()
            raise JobFailed("crashed", f"the worker {_shell(self.command)} did not answer the handshake "
                                       f"within {self._handshake_timeout:g} s{self._tail_text()}") from None
        except JobFailed:
            await self._kill()
            raise
        self.ready = ready
        self.state = WorkerState.READY
        log.info("worker %s ready (pid %d, dlmls %s)", _shell(self.command), ready.pid, ready.version)
        return ready

    async def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to exit (Shutdown, then EOF); kill it if it does not within `timeout`."""
        process = self._process
        if process is None:
            self.state = WorkerState.STOPPED
            return
        self._stopping = True
        if self._pending is not None:
            self.cancel(self._pending.job)
        if process.returncode is None:
            with contextlib.suppress(Exception):
                self._write(protocol.Shutdown())
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                await self._kill()
        await self._join_readers()
        self.state = WorkerState.STOPPED

    async def kill(self) -> None:
        """Kill the worker at once (a running job ends as cancelled if it was cancelled, else crashed)."""
        await self._kill()

    async def _kill(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), 5.0)
        await self._join_readers()
        if self.state is not WorkerState.STOPPED:
            self.state = WorkerState.DEAD

    async def _join_readers(self) -> None:
        for task in (self._stdout_task, self._stderr_task):
            if task is not None and task is not asyncio.current_task():
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(task, 2.0)

    # ------------------------------------------------------------------ jobs

    async def run(self, job: Job, on_progress: ProgressCallback | None = None) -> Result:
        """Run one job to its end; its result, or JobFailed(kind, message)."""
        if self.state is not WorkerState.READY:
            raise RuntimeError(f"the worker is {self.state.value}, not ready")
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending = _Pending(job.job, future, on_progress)
        self.state = WorkerState.BUSY
        try:
            self._write(job)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the stdout reader sees the EOF and fails the job as crashed
        try:
            return await future
        finally:
            pending, self._pending = self._pending, None
            if pending is not None and pending.killer is not None:
                pending.killer.cancel()
            if self.state is WorkerState.BUSY:
                self.state = WorkerState.READY

    def cancel(self, job_id: int) -> bool:
        """Ask the worker to stop job `job_id`; False if that job is not running here."""
        pending = self._pending
        if pending is None or pending.job != job_id or pending.future.done():
            return False
        if not pending.cancel_requested:
            pending.cancel_requested = True
            try:
                self._write(protocol.Cancel(job=job_id))
            except (BrokenPipeError, ConnectionResetError):
                return True
            loop = asyncio.get_running_loop()
            pending.killer = loop.call_later(self._cancel_grace, lambda: loop.create_task(self._kill_for_cancel()))
        return True

    async def _kill_for_cancel(self) -> None:
        if self._pending is not None and not self._pending.future.done():
            log.warning("the worker did not stop job %d within %g s; killing it", self._pending.job,
                        self._cancel_grace)
            self._killed_for_cancel = True
            await self._kill()

    # ------------------------------------------------------------------ I/O

    def _write(self, message: protocol.Message) -> None:
        assert self._process is not None and self._process.stdin is not None
        if self._process.stdin.is_closing():
            raise BrokenPipeError("the worker's stdin is closed")
        self._process.stdin.write(protocol.encode(message))

    async def _read_stdout(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        while True:
            try:
                line = await stdout.readline()
            except (ValueError, asyncio.LimitOverrunError) as exc:
                self._log(f"[dlmls] unreadable frame from the worker: {exc}")
                continue
            except (ConnectionError, OSError):
                line = b""
            if not line:
                break
            if not line.strip():
                continue
            try:
                message = protocol.decode_worker(line)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                # Not ours: e.g. a login banner on an ssh connection. Log it and go on.
                self._log(f"[dlmls] not a protocol frame ({exc}): {line[:300]!r}")
                continue
            self._dispatch(message)
        await self._on_exit()

    def _dispatch(self, message: protocol.WorkerMessage) -> None:
        hello, pending = self._hello, self._pending
        if isinstance(message, protocol.Ready):
            if hello is not None and not hello.done():
                hello.set_result(message)
        elif isinstance(message, protocol.Refused):
            if hello is not None and not hello.done():
                hello.set_exception(JobFailed("protocol", f"the worker refused the handshake: {message.reason}"))
        elif isinstance(message, protocol.Progress):
            if pending is not None and pending.job == message.job and pending.on_progress is not None:
                try:
                    pending.on_progress(message)
                except Exception:
                    log.exception("progress callback failed")
        elif isinstance(message, protocol.Done | protocol.Failed):
            if pending is not None and pending.job == message.job and not pending.future.done():
                if isinstance(message, protocol.Done):
                    pending.future.set_result(message.result)
                else:
                    pending.future.set_exception(JobFailed(message.kind, message.message))
            elif isinstance(message, protocol.Failed) and message.job == 0:
                self._log(f"[dlmls] the worker rejected a frame: {message.message}")
            else:
                log.warning("ignoring %s for job %d, which is not running", type(message).__name__, message.job)

    async def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        stderr = self._process.stderr
        while True:
            try:
                line = await stderr.readline()
            except (ValueError, asyncio.LimitOverrunError):
                continue
            except (ConnectionError, OSError):
                return
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if "\r" in text:  # a redrawn progress bar (tqdm): keep its last state
                parts = [part for part in text.split("\r") if part.strip()]
                text = parts[-1] if parts else ""
            self._stderr_tail.append(text)
            self._log(text)

    def _log(self, text: str) -> None:
        if self._on_log is not None:
            try:
                self._on_log(text)
            except Exception:
                log.exception("log callback failed")
        else:
            log.info("worker: %s", text)

    async def _on_exit(self) -> None:
        """stdout closed: the process is gone (or going); fail whatever was waiting on it."""
        process = self._process
        assert process is not None
        status = None
        with contextlib.suppress(TimeoutError):
            status = await asyncio.wait_for(process.wait(), 5.0)
        if self._stderr_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._stderr_task, 2.0)
        if self.state is not WorkerState.STOPPED:
            self.state = WorkerState.DEAD
        how = f"exited with status {status}" if status is not None else "closed its output"
        if status is not None and status < 0:
            how = f"was killed by signal {-status}"
        if self._hello is not None and not self._hello.done():
            self._hello.set_exception(JobFailed("crashed", f"the worker {_shell(self.command)} {how} before "
                                                           f"the handshake{self._tail_text()}"))
        pending = self._pending
        if pending is not None and not pending.future.done():
            if pending.cancel_requested or self._stopping:
                error = JobFailed("cancelled", "cancelled (the worker was stopped)")
            else:
                error = JobFailed("crashed", f"the worker {how} during job {pending.job}{self._tail_text()}")
            pending.future.set_exception(error)
        if status not in (0, None) and not self._stopping and not self._killed_for_cancel:
            log.warning("worker %s %s", _shell(self.command), how)

    def _tail_text(self) -> str:
        lines = [line for line in self._stderr_tail if line.strip()][-8:]
        return ("; its last words:\n" + "\n".join(lines)) if lines else ""


def _shell(command: Sequence[str]) -> str:
    import shlex

    return "`" + " ".join(shlex.quote(part) for part in command) + "`"


def worker_command(value: str | Sequence[str] | None = None) -> list[str]:
    """The worker argv: `value` (a shell-style string or a list), else $DLMLS_WORKER_CMD, else the default."""
    import shlex

    if value is None or (isinstance(value, str) and not value.strip()):
        value = os.environ.get("DLMLS_WORKER_CMD") or None
    if value is None:
        return list(DEFAULT_COMMAND)
    if isinstance(value, str):
        return shlex.split(value)
    return [str(part) for part in value]
