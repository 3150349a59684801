"""The worker process's main loop: protocol frames in, one job at a time, frames out.

The worker is a subprocess so that torch never enters the language server, a
crash never takes the editor down, and the model loads once and stays warm.
Its stdout is the protocol channel and nothing else: before anything can
print, the real stdout descriptor is kept private and fd 1 (and `sys.stdout`)
are pointed at stderr, so a stray `print` or a C library writing to fd 1 ends
up in the log instead of corrupting a frame. stdin is kept private the same
way (fd 0 becomes /dev/null), so a child process of a library cannot steal
frames.

Two threads: a reader thread decodes frames from stdin so that a `Cancel`
is seen while a job runs (it sets that job's cancel flag), and the main
thread runs the jobs, in order, against one engine object kept for the
process's lifetime. Every job ends with exactly one `Done` or `Failed`;
a frame that cannot be decoded is answered with `Failed(job=0, kind="protocol")`
and the loop goes on. `Shutdown` ends the process after the running job; EOF
on stdin means the client is gone, so the running job and any queued one are
cancelled (to replay frames by hand, keep stdin open: `(cat frames; sleep 1d) |`).
SIGINT is ignored: the client decides when to cancel (a Ctrl-C in a
terminal could reach the worker too; the default client also starts it in
a session of its own).

The engine class is `dlmls.worker.engine:Engine` unless `DLMLS_WORKER_ENGINE`
names another `module:Class` (the tests' fake engine, which needs no torch).
It is imported and built at the first job, so the handshake stays fast.
"""

from __future__ import annotations

import importlib
import logging
import os
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

import msgspec

from dlmls import __version__, protocol

log = logging.getLogger("dlmls.worker")

ENGINE_ENV = "DLMLS_WORKER_ENGINE"
DEFAULT_ENGINE = "dlmls.worker.engine:Engine"


def claim_stdio() -> tuple[IO[bytes], IO[bytes]]:
    """Keep private copies of fds 0 and 1 for frames; point fd 1 and sys.stdout at stderr, fd 0 at /dev/null."""
    sys.stdout.flush()
    frames_in = os.fdopen(os.dup(0), "rb")  # os.dup: not inherited by child processes
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdout = sys.stderr
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    return frames_in, frames_out


def load_engine_class(spec: str | None = None) -> type:
    """The engine class named by `spec` or $DLMLS_WORKER_ENGINE (`module:Class`)."""
    spec = spec or os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"{ENGINE_ENV} wants module:Class, got {spec!r}")
    return getattr(importlib.import_module(module), name)


@dataclass(slots=True)
class _Running:
    job: int
    cancel: threading.Event = field(default_factory=threading.Event)


_EOF = object()
_SHUTDOWN = object()


class WorkerLoop:
    """Reads frames from `frames_in`, runs jobs on an engine, writes frames to `frames_out`."""

    def __init__(self, frames_in: IO[bytes], frames_out: IO[bytes],
                 engine_factory: Callable[[], Any] | None = None) -> None:
        self._in = frames_in
        self._out = frames_out
        self._engine_factory = engine_factory or (lambda: load_engine_class()())
        self._engine: Any = None
        self._send_lock = threading.Lock()
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._state_lock = threading.Lock()
        self._running: _Running | None = None
        self._cancelled_early: set[int] = set()  # Cancel seen before the job started
        self._client_gone = False  # EOF on stdin: nobody is left to want results

    # ------------------------------------------------------------------ frames

    def send(self, message: protocol.Message) -> None:
        """Write one frame (thread-safe; the engine reports progress from its thread)."""
        data = protocol.encode(message)
        with self._send_lock:
            try:
                self._out.write(data)
                self._out.flush()
            except (BrokenPipeError, ValueError):
                pass  # the client is gone; EOF on stdin ends us

    def _read_frame(self) -> bytes | None:
        while True:
            line = self._in.readline()
            if not line:
                return None
            if line.strip():
                return line

    # ------------------------------------------------------------------ run

    def run(self) -> int:
        """Handshake, then serve jobs until Shutdown or EOF; the process's exit status."""
        if not self._handshake():
            return 2
        reader = threading.Thread(target=self._read_loop, name="dlmls-worker-reader", daemon=True)
        reader.start()
        while True:
            item = self._jobs.get()
            if item is _EOF or item is _SHUTDOWN:
                self._drain()
                return 0
            self._run_job(item)

    def _handshake(self) -> bool:
        line = self._read_frame()
        if line is None:
            return False
        try:
            hello = protocol.decode_client(line)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            self.send(protocol.Refused(protocol=protocol.PROTOCOL_VERSION, reason=f"expected hello: {exc}"))
            return False
        if not isinstance(hello, protocol.Hello):
            self.send(protocol.Refused(protocol=protocol.PROTOCOL_VERSION,
                                       reason=f"expected hello, got {type(hello).__name__}"))
            return False
        if hello.protocol != protocol.PROTOCOL_VERSION:
            self.send(protocol.Refused(
                protocol=protocol.PROTOCOL_VERSION,
                reason=f"client speaks protocol {hello.protocol}, this worker ({__version__}) speaks "
                       f"{protocol.PROTOCOL_VERSION}"))
            return False
        log.info("handshake with %s", hello.client or "a client")
        self.send(protocol.Ready(protocol=protocol.PROTOCOL_VERSION, version=__version__, pid=os.getpid(),
                                 python=sys.version.split()[0]))
        return True

    def _read_loop(self) -> None:
        while True:
            line = self._read_frame()
            if line is None:
                with self._state_lock:
                    self._client_gone = True
                self._cancel_running("the client went away")
                self._jobs.put(_EOF)
                return
            try:
                message = protocol.decode_client(line)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.warning("garbage frame %r: %s", line[:200], exc)
                self.send(protocol.Failed(job=0, kind="protocol", message=f"cannot decode frame: {exc}"))
                continue
            if isinstance(message, protocol.Cancel):
                self._cancel(message.job)
            elif isinstance(message, (protocol.TrainJob, protocol.PromptJob, protocol.SynthJob)):
                self._jobs.put(message)
            elif isinstance(message, protocol.Shutdown):
                self._jobs.put(_SHUTDOWN)
                return
            else:
                self.send(protocol.Failed(job=0, kind="protocol",
                                          message=f"unexpected {type(message).__name__} frame"))

    def _cancel(self, job: int) -> None:
        with self._state_lock:
            if self._running is not None and self._running.job == job:
                self._running.cancel.set()
            else:
                self._cancelled_early.add(job)  # queued (or unknown: then harmless)

    def _cancel_running(self, why: str) -> None:
        with self._state_lock:
            if self._running is not None:
                log.info("cancelling job %d: %s", self._running.job, why)
                self._running.cancel.set()

    def _drain(self) -> None:
        """Jobs still queued at Shutdown/EOF never start, but each still gets its one answer."""
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, (protocol.TrainJob, protocol.PromptJob, protocol.SynthJob)):
                self.send(protocol.Failed(job=item.job, kind="cancelled", message="the worker is shutting down"))

    # ------------------------------------------------------------------ jobs

    def _run_job(self, job: protocol.TrainJob | protocol.PromptJob | protocol.SynthJob) -> None:
        running = _Running(job.job)
        with self._state_lock:
            if job.job in self._cancelled_early or self._client_gone:
                self._cancelled_early.discard(job.job)
                running.cancel.set()
            self._running = running
        try:
            if running.cancel.is_set():
                raise _Cancelled
            result = self._dispatch(job, running)
        except _Cancelled:
            self.send(protocol.Failed(job=job.job, kind="cancelled", message="cancelled before it started"))
        except Exception as exc:  # noqa: BLE001 - every job gets exactly one answer, whatever happens
            self.send(self._failure(job.job, exc, running.cancel.is_set()))
        else:
            self.send(protocol.Done(job=job.job, result=result))
        finally:
            with self._state_lock:
                self._running = None

    def _dispatch(self, job: protocol.TrainJob | protocol.PromptJob | protocol.SynthJob, running: _Running) -> Any:
        def report(progress: protocol.Progress) -> None:
            if progress.job != job.job:
                progress = msgspec.structs.replace(progress, job=job.job)
            self.send(progress)

        engine = self._get_engine(job.job, report)
        if isinstance(job, protocol.TrainJob):
            return engine.train(job, report, running.cancel.is_set)
        if isinstance(job, protocol.SynthJob):
            return engine.synth(job, report, running.cancel.is_set)
        return engine.prompt(job, report, running.cancel.is_set)

    def _get_engine(self, job: int, report: Callable[[protocol.Progress], None]) -> Any:
        if self._engine is None:
            report(protocol.Progress(job=job, stage="load", message="starting the engine"))
            self._engine = self._engine_factory()
        return self._engine

    @staticmethod
    def _failure(job: int, exc: BaseException, cancelled: bool) -> protocol.Failed:
        kind = getattr(exc, "kind", None)
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(kind, str) and kind in protocol.ErrorKind.__args__:
            return protocol.Failed(job=job, kind=kind, message=message)
        if cancelled:
            # Whatever the engine raised on the way out, the client asked for this.
            return protocol.Failed(job=job, kind="cancelled", message=f"cancelled ({message})")
        traceback.print_exception(exc, file=sys.stderr)
        return protocol.Failed(job=job, kind="error", message=f"{type(exc).__name__}: {message}")


class _Cancelled(Exception):
    pass


def main() -> int:
    """`python -m dlmls.worker`: claim stdio, log to stderr, serve until Shutdown or EOF."""
    frames_in, frames_out = claim_stdio()
    logging.basicConfig(level=os.environ.get("DLMLS_WORKER_LOG", "INFO").upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    status = WorkerLoop(frames_in, frames_out).run()
    sys.stderr.flush()
    return status
