"""workspace/executeCommand `dlmls.retrain`, `dlmls.ask`, `dlmls.cancel`, and the "Retrain adapter"
source code action: training and prompting from the editor.

The commands hand a job to the shared `dlmls.jobs.Jobs` (one warm worker
process, jobs one at a time; asyncio only, so the event loop never waits on
the worker) and show it as work-done progress: `window/workDoneProgress/create`,
then `$/progress` begin / report (percentage and "step 12/40 · loss 1.93 ·
140 tok/s · ETA 0:32") / end. Cancelling the progress in the editor
(`window/workDoneProgress/cancel`), or `dlmls.cancel` with the document URI
(for clients without a progress UI; it also stops a `dlmls.synthesize`, which
runs on the same jobs: lsp/synthesis.py), sends `Cancel` to the worker.

A job uses the document's text at the version the server has when the
command runs (the file on disk if it is not open) and is refused while that
text has errors. Only one retrain per document at a time: a second one is
refused with a message (see `dlmls.jobs.queue`); questions queue. A failure
shows an error message and changes nothing; a successful retrain shows the
new version and is recorded in `Training.adapters` (with the document version
it was trained from), and `Training.subscribe` listeners hear of it, so
hover and diagnostics can refresh. Nothing here touches the disk until a
command runs: opening or hovering a document starts no worker.

`dlmls.retrain(uri[, {"keepWorse": true}])` returns `{"ok": true, "dlmId",
"versions", "documentVersion"}` or `{"ok": false, "kind", "message"}`; a
version whose held-out loss got worse is kept but not made current (its
`held_back` says why, and the message says so as a warning) unless
`keepWorse` is set; `dlmls.ask(uri, question)` returns the
answer (null on failure, which is shown as a message).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import msgspec
from lsprotocol import types
from pygls.uris import to_fs_path

from dlmls import protocol
from dlmls.jobs import JobFailed, Jobs, format, worker_command
from dlmls.lsp import code_actions as actions

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

log = logging.getLogger(__name__)

RETRAIN = "dlmls.retrain"
ASK = "dlmls.ask"
CANCEL = "dlmls.cancel"
RETRAIN_TITLE = "Retrain adapter"


@dataclass(frozen=True, slots=True)
class AdapterRecord:
    """The adapter a retrain from this server made current, and the document version it was trained from."""

    uri: str
    dlm_id: str
    versions: tuple[protocol.AdapterVersion, ...]
    document_version: int | None  # None: trained from the file on disk (the document was not open)
    finished_at: float  # time.time()

    @property
    def version(self) -> str:
        """The new version's name (the first adapter's, for a multi-adapter document)."""
        return self.versions[0].version if self.versions else ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A document's text at one version, as a job is built from it."""

    uri: str
    name: str  # the file name, for messages
    path: str  # "" for a buffer that is not a file
    text: str
    version: int | None
    errors: list[str]  # "line N: message" of each error-severity problem


Listener = Callable[[str, AdapterRecord], None]


class WorkProgress:
    """Server-initiated work-done progress for one job; a no-op if the client does not support it."""

    def __init__(self, server: ServerContext, title: str, stage: str) -> None:
        self.server = server
        self.title = title
        self.stage = stage  # the stage whose step/total drives the percentage
        self.token: str | None = None
        self.percentage = 0

    async def begin(self, message: str, on_cancel: Callable[[], Any]) -> None:
        """Create the token, send `begin`, and call `on_cancel` when the user cancels."""
        window = self.server.client_capabilities.window
        if window is None or not window.work_done_progress:
            return
        token = f"dlmls/{uuid.uuid4()}"
        try:
            await self.server.work_done_progress.create_async(token)
        except Exception as exc:  # noqa: BLE001 - no progress UI is not a reason to fail the job
            log.info("the client refused a progress token: %s", exc)
            return
        self.token = token
        self.server.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title=self.title, message=message, percentage=0, cancellable=True))
        loop = asyncio.get_running_loop()
        future = self.server.work_done_progress.tokens[token]
        future.add_done_callback(lambda f: f.cancelled() and loop.call_soon_threadsafe(on_cancel))

    def report(self, p: protocol.Progress) -> None:
        """One worker event as a `report` (the percentage never goes back)."""
        if self.token is None:
            return
        done = format.fraction(p)
        if p.stage == self.stage and done is not None:
            self.percentage = max(self.percentage, int(done * 100))
        self.server.work_done_progress.report(self.token, types.WorkDoneProgressReport(
            message=format.describe(p), percentage=self.percentage))

    def end(self, message: str) -> None:
        """Send `end` and forget the token."""
        if self.token is None:
            return
        self.server.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
        self.server.work_done_progress.tokens.pop(self.token, None)
        self.token = None


class Training:
    """The server's jobs: retrain and ask, their progress, and the adapters retrained in this session."""

    def __init__(self, server: ServerContext) -> None:
        self.server = server
        self.jobs = Jobs(self._worker_command, on_log=self._worker_log)
        self.adapters: dict[str, AdapterRecord] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(uri, record)` after each successful retrain."""
        self._listeners.append(listener)

    def _worker_command(self) -> list[str]:
        settings = getattr(self.server, "settings", None)
        return worker_command(settings.worker_command if settings is not None else None)

    def _setting(self, name: str, default: Any) -> Any:
        settings = getattr(self.server, "settings", None)
        return getattr(settings, name, default) if settings is not None else default

    def _dlm_home(self) -> str | None:
        """The store root a job uses: the dlmHome setting, else the server's $DLM_HOME (which
        `dlmls serve --dlm-home` sets), else None (the worker's default, ~/.dlm)."""
        return self._setting("dlm_home", None) or os.environ.get("DLM_HOME") or None

    def _worker_log(self, line: str) -> None:
        log.debug("worker: %s", line)
        self.server.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=f"worker: {line}"))

    def _show(self, kind: types.MessageType, message: str) -> None:
        self.server.window_show_message(types.ShowMessageParams(type=kind, message=message))

    # ------------------------------------------------------------------ snapshots

    def snapshot(self, uri: str) -> Snapshot | str:
        """The document's text now (the open buffer, else the file), or why there is none."""
        from dlmls.core import checks
        from dlmls.core.document import Document
        from dlmls.lsp.diagnostics import document_dir

        path = to_fs_path(uri) or ""
        name = PurePath(path).name if path else uri
        entry = self.server.documents.get(uri)
        if entry is not None:
            document, version = entry.document, entry.version
        else:
            if not path:
                return f"{uri} is not open and not a file"
            try:
                with open(path, "rb") as f:
                    document, version = Document(f.read()), None
            except OSError as exc:
                return f"cannot read {path}: {exc.strerror or exc}"
        # The errors `dlmls check` and the diagnostics show (`dlmls.core.checks`), cross-checks included.
        blocking = checks.blocking_problems(document.model, document_dir(uri), os.path.exists)
        errors = [f"line {p.range.start_line + 1}: {p.message}" for p in blocking]
        return Snapshot(uri, name, path, document.text, version, errors)

    def job_snapshot(self, uri: str, doing: str) -> Snapshot | dict[str, Any]:
        """The snapshot a job runs on, or the refusal (shown to the writer) when there is none or it has
        errors (`doing`: "retraining", … for the message)."""
        snap = self.snapshot(uri)
        if isinstance(snap, str):
            return self._refuse("error", snap)
        if snap.errors:
            return self._refuse("invalid_document", f"{snap.name} has {len(snap.errors)} error(s) "
                                f"({snap.errors[0]}); fix them before {doing}")
        return snap

    # ------------------------------------------------------------------ commands

    async def retrain(self, uri: str, keep_worse: bool = False) -> dict[str, Any]:
        """Train the document's adapter from its current text; the outcome as a JSON object."""
        snap = self.job_snapshot(uri, "retraining")
        if isinstance(snap, dict):
            return snap
        job = protocol.TrainJob(job=0, path=snap.path, text=snap.text, dlm_home=self._dlm_home(),
                                options=protocol.TrainOptions(allow_download=self._setting("allow_download", False),
                                                              keep_worse=keep_worse))
        progress = WorkProgress(self.server, f"Retraining {snap.name}", "train")
        try:
            result = await self._run(job, progress, key=uri)
        except JobFailed as exc:
            return self._failed(snap.name, "retraining", exc)
        assert isinstance(result, protocol.TrainResult)
        record = AdapterRecord(uri, result.dlm_id, tuple(result.versions), snap.version, time.time())
        self.adapters[uri] = record
        summary = "; ".join(format.train_summary(result)) or "no adapter was trained"
        if any(v.held_back for v in result.versions):
            # Trained fine, but worse: the writer must hear it, and how to take it anyway.
            self._show(types.MessageType.Warning, f"{snap.name}: {summary}. To use it anyway, run "
                       f"{RETRAIN} with {{\"keepWorse\": true}} or `dlmls train --keep-worse`.")
        else:
            self._show(types.MessageType.Info, f"{snap.name}: {summary}")
        for listener in self._listeners:
            try:
                listener(uri, record)
            except Exception:
                log.exception("retrain listener failed")
        return {"ok": True, "dlmId": result.dlm_id, "documentVersion": snap.version,
                "versions": msgspec.to_builtins(result.versions)}

    async def ask(self, uri: str, question: str) -> str | None:
        """The adapter's answer to `question` (also shown as a message); None when it fails."""
        snap = self.job_snapshot(uri, "asking its adapter")
        if isinstance(snap, dict):
            return None
        job = protocol.PromptJob(job=0, path=snap.path, text=snap.text, question=question,
                                 dlm_home=self._dlm_home(),
                                 allow_download=self._setting("allow_download", False))
        progress = WorkProgress(self.server, f"Asking the adapter of {snap.name}", "generate")
        try:
            result = await self._run(job, progress, key=None)
        except JobFailed as exc:
            self._failed(snap.name, "the question", exc)
            return None
        assert isinstance(result, protocol.PromptResult)
        by = result.adapter_version or "the base model"
        self._show(types.MessageType.Info, f"{snap.name} ({by}): {result.answer}")
        return result.answer

    def cancel(self, uri: str) -> bool:
        """Cancel the retrain or synthesis of `uri` that is queued or running; False if there is none."""
        handle = self.jobs.active(uri)
        return handle.cancel() if handle is not None else False

    async def _run(self, job: protocol.TrainJob | protocol.PromptJob | protocol.SynthJob, progress: WorkProgress,
                   key: str | None) -> protocol.TrainResult | protocol.PromptResult | protocol.SynthResult:
        handle = self.jobs.submit(job, on_progress=progress.report, key=key)  # JobFailed("busy") before any UI
        await progress.begin("starting", handle.cancel)
        try:
            result = await handle
        except JobFailed as exc:
            progress.end("cancelled" if exc.kind == "cancelled" else f"failed: {exc.kind}")
            raise
        except BaseException:
            progress.end("stopped")
            raise
        if isinstance(result, protocol.TrainResult) and result.versions:
            progress.end(f"{result.versions[0].version} is current")
        elif isinstance(result, protocol.SynthResult):
            progress.end(f"{len(result.pairs)} pair(s) staged")
        else:
            progress.end("done")
        return result

    def _refuse(self, kind: str, message: str) -> dict[str, Any]:
        self._show(types.MessageType.Error, message)
        return {"ok": False, "kind": kind, "message": message}

    def _failed(self, name: str, what: str, exc: JobFailed) -> dict[str, Any]:
        if exc.kind == "cancelled":
            message, level = f"{name}: {what} was cancelled; nothing changed.", types.MessageType.Info
        elif exc.kind == "busy":
            message, level = f"{name}: {exc.message}", types.MessageType.Warning
        elif exc.kind == "missing_model":
            message = (f"{name}: {exc.message} (allow downloads with the dlmls.allowDownload setting, or run "
                       "`dlmls train --allow-download` once)")
            level = types.MessageType.Error
        else:
            message, level = f"{name}: {what} failed ({exc.kind}): {exc.message}", types.MessageType.Error
        self._show(level, message)
        return {"ok": False, "kind": exc.kind, "message": message}

    async def shutdown(self) -> None:
        """Cancel every job and stop the worker."""
        await self.jobs.shutdown()


def code_actions(params: types.CodeActionParams) -> list[types.CodeAction]:
    """The "Retrain adapter" source action, on any position of a `.dlm` document."""
    only = params.context.only
    if only is not None and not any(types.CodeActionKind.Source.value.startswith(str(k)) for k in only):
        return []
    if not params.text_document.uri.endswith(".dlm"):
        return []
    uri = params.text_document.uri
    return [types.CodeAction(title=RETRAIN_TITLE, kind=types.CodeActionKind.Source,
                             command=types.Command(title=RETRAIN_TITLE, command=RETRAIN, arguments=[uri]))]


def register(server: ServerContext) -> None:
    """The training commands, the Retrain code action, and stopping the worker (and settling the
    suggestions accepted into buffers that were never saved) at shutdown."""
    training = server.training = Training(server)
    if server.diagnostics is not None:  # DLM500 (adapter behind the text) depends on the new version
        training.subscribe(lambda uri, record: server.diagnostics.refresh(uri))

    @server.command(RETRAIN)
    async def retrain(uri: str, *options: Any) -> dict[str, Any]:  # pygls wants *args for optional ones
        keep_worse = bool(options) and isinstance(options[0], dict) and options[0].get("keepWorse") is True
        return await training.retrain(uri, keep_worse=keep_worse)

    @server.command(ASK)
    async def ask(uri: str, question: str) -> str | None:
        return await training.ask(uri, question)

    @server.command(CANCEL)
    def cancel(uri: str) -> bool:
        return training.cancel(uri)

    @server.feature(types.SHUTDOWN)
    async def shutdown(params: None) -> None:
        suggestions = getattr(server, "suggestions", None)  # registered after this module
        if suggestions is not None:
            suggestions.shutdown()  # suggestions accepted into buffers never saved: pending again
        await training.shutdown()

    actions.add_provider(server, types.CodeActionKind.Source, code_actions)
