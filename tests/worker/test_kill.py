"""SIGKILL of a real worker (the real engine, a tiny random model) in the middle of a retrain.

Whatever moment the worker dies at — between optimizer steps, or while the
new version is being written — the version that was current stays current
(or, at the very end of a save, the new one is, complete),
every version on disk is complete, the store reads without problems, and the
next training (a fresh worker) cleans up and makes the next version.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from dlmls import protocol
from dlmls.store import Store
from test_engine import DLM_ID, make_doc
from test_loop import TERMINAL, Worker

pytestmark = pytest.mark.usefixtures("no_network")


def real_worker(cache: Path) -> Worker:
    # The real engine (the default), not the fake one the other loop tests use.
    return Worker(DLMLS_WORKER_ENGINE="dlmls.worker.engine:Engine", DLMLS_CACHE=str(cache))


def train_job(job: int, text: str, home: Path, **options) -> protocol.TrainJob:
    return protocol.TrainJob(job=job, path="", text=text, dlm_home=str(home),
                             options=protocol.TrainOptions(**options))


def run_to_end(worker: Worker, job: protocol.TrainJob) -> protocol.WorkerMessage:
    worker.send(job)
    return worker.until_end(job.job)[-1]


def complete(version_dir: Path) -> bool:
    return all((version_dir / name).is_file()
               for name in ("adapter_config.json", "adapter_model.safetensors", "dlmls_run.json"))


@pytest.mark.parametrize("kill_at", ["train", "save"])
def test_killing_the_worker_mid_retrain_keeps_the_previous_version(tiny_model: Path, tmp_path: Path,
                                                                    kill_at: str):
    text = make_doc(tiny_model)
    home = tmp_path / "home"
    worker = real_worker(tmp_path / "cache")
    try:
        worker.hello()
        first = run_to_end(worker, train_job(1, text, home))
        assert isinstance(first, protocol.Done), first
        store = Store.for_id(DLM_ID, home)
        assert store.current().version.name == "v0001"

        # A long retrain; die at the first event of the chosen stage.
        worker.send(train_job(2, text, home, num_epochs=200))
        while True:
            frame = worker.next()
            assert frame is not None and not isinstance(frame, TERMINAL), frame
            if isinstance(frame, protocol.Progress) and frame.stage == kill_at and (
                    kill_at != "train" or frame.step >= 2):
                break
        os.kill(worker.proc.pid, signal.SIGKILL)
        assert worker.proc.wait(timeout=20) == -signal.SIGKILL
    finally:
        if worker.proc.poll() is None:
            worker.proc.kill()

    current = store.current()
    assert current.problem is None and complete(current.version.path)
    # Killed between steps: the previous version. Killed while saving: the
    # previous one, or — if the kill landed after the pointer moved — the new
    # one, complete; never a half-written version.
    assert current.version.name == "v0001" or (kill_at == "save" and current.version.name == "v0002")
    assert all(complete(v.path) for v in store.versions())
    assert [v.name for v in store.versions()] in (["v0001"], ["v0001", "v0002"])  # a rename is atomic

    again = real_worker(tmp_path / "cache")
    try:
        again.hello()
        done = run_to_end(again, train_job(3, text, home))
        assert isinstance(done, protocol.Done), done
        assert again.close() == 0
    finally:
        if again.proc.poll() is None:
            again.proc.kill()
    current = store.current()
    assert current.version.name != "v0001" and complete(current.version.path)
    assert store.staging_dirs() == []
