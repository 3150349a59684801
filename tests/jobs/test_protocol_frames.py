"""The worker protocol's frames: every message survives encode → decode on the side that reads it,
a frame is exactly one line, unknown fields from a newer peer are tolerated, and garbage raises."""

from __future__ import annotations

import json

import msgspec
import pytest
from dlmls import protocol

CLIENT_FRAMES = [
    protocol.Hello(protocol=protocol.PROTOCOL_VERSION, client="dlmls 0.1.0"),
    protocol.TrainJob(job=3, path="/tmp/notes.dlm", text="---\nline one\nline two ✓\n", dlm_home="/tmp/home",
                      options=protocol.TrainOptions(max_steps=2, num_epochs=1, seed=7, allow_download=True,
                                                    adapters=["a", "b"], fresh=True)),
    protocol.TrainJob(job=4, path="", text=""),
    protocol.PromptJob(job=5, path="/x.dlm", text="t", question="What is 😀?", version="base", adapter="knowledge",
                       max_new_tokens=16, temperature=0.7, top_p=0.9, seed=2, allow_download=True),
    protocol.Cancel(job=5),
    protocol.Shutdown(),
]

WORKER_FRAMES = [
    protocol.Ready(protocol=protocol.PROTOCOL_VERSION, version="0.1.0", pid=123, python="3.11.7"),
    protocol.Refused(protocol=protocol.PROTOCOL_VERSION, reason="client speaks protocol 2"),
    protocol.Progress(job=3, stage="train", message="", step=12, total=40, loss=1.93, tokens_per_s=140.0,
                      eta_s=32.0, adapter="knowledge"),
    protocol.Done(job=3, result=protocol.TrainResult(dlm_id="01KPM5CXB51GRX86Q25AKERN6E", versions=[
        protocol.AdapterVersion(adapter=None, version="v0003", path="/s/v0003", steps=40, train_loss=1.2,
                                eval_loss=1.5, base_eval_loss=2.1, tokens=9000, seconds=61.5)])),
    protocol.Done(job=5, result=protocol.PromptResult(answer="line\nline ✓", adapter_version=None, new_tokens=4,
                                                      seconds=0.4)),
    protocol.Failed(job=0, kind="protocol", message="cannot decode frame"),
]


@pytest.mark.parametrize("message", CLIENT_FRAMES, ids=lambda m: type(m).__name__)
def test_client_frames_round_trip(message: protocol.Message):
    frame = protocol.encode(message)
    assert frame.endswith(b"\n") and frame.count(b"\n") == 1  # one frame, one line, whatever the text holds
    assert protocol.decode_client(frame) == message


@pytest.mark.parametrize("message", WORKER_FRAMES, ids=lambda m: type(m).__name__)
def test_worker_frames_round_trip(message: protocol.Message):
    frame = protocol.encode(message)
    assert frame.endswith(b"\n") and frame.count(b"\n") == 1
    assert protocol.decode_worker(frame) == message


def test_the_tag_is_the_type_field_and_defaults_are_left_out():
    assert json.loads(protocol.encode(protocol.Cancel(job=2))) == {"type": "cancel", "job": 2}
    assert json.loads(protocol.encode(protocol.TrainJob(job=1, path="p", text="t"))) == {
        "type": "train", "job": 1, "path": "p", "text": "t", "options": {}}


def test_unknown_fields_from_a_newer_peer_are_ignored():
    frame = b'{"type": "progress", "job": 1, "stage": "train", "step": 2, "gpu_temp": 71}\n'
    assert protocol.decode_worker(frame) == protocol.Progress(job=1, stage="train", step=2)


@pytest.mark.parametrize("frame", [b"", b"nonsense\n", b'{"type": "launch", "job": 1}\n',
                                   b'{"type": "cancel"}\n', b'{"type": "cancel", "job": "1"}\n',
                                   b'{"type": "ready", "protocol": 1}\n'])
def test_garbage_raises_on_the_client_side_reader(frame: bytes):
    with pytest.raises((msgspec.DecodeError, msgspec.ValidationError)):
        protocol.decode_client(frame)


def test_each_side_reads_only_the_other_sides_frames():
    with pytest.raises(msgspec.ValidationError):
        protocol.decode_worker(protocol.encode(protocol.Cancel(job=1)))
    with pytest.raises(msgspec.ValidationError):
        protocol.decode_client(protocol.encode(protocol.Failed(job=1, kind="error", message="x")))
