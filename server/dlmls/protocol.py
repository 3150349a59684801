"""The messages between the server (or CLI) and the worker process.

Both sides import only this module from each other, so the language server
never imports torch and the worker never imports pygls. Messages are tagged
msgspec Structs sent as one JSON object per line: the worker's stdout
carries nothing but these frames (its logs go to stderr), and a frame can
be read, logged and replayed by hand when debugging.

A session opens with a handshake: the client sends `Hello` with its
`PROTOCOL_VERSION`; the worker answers `Ready` (same version) or `Refused`
and exits. Then the client sends jobs (`TrainJob`, `PromptJob`, `SynthJob`) one
at a time and may `Cancel` the running one; the worker answers each job with any
number of `Progress` events and exactly one `Done` or `Failed`. `Shutdown`
ends the session. A job carries the document's text as the editor has it
(unsaved changes included) and its path (for relative paths and the store).
"""

from __future__ import annotations

from typing import Literal

import msgspec

PROTOCOL_VERSION = 2  # 2: synthesis jobs


class Message(msgspec.Struct, tag_field="type", forbid_unknown_fields=False, omit_defaults=True):
    """Base of every frame; `type` on the wire is the class's tag."""


# ---------------------------------------------------------------- client → worker


class Hello(Message, tag="hello"):
    """First frame from the client."""

    protocol: int
    client: str = ""


class TrainOptions(msgspec.Struct, omit_defaults=True):
    """Overrides for one training run; None means "as the document says"."""

    max_steps: int | None = None  # stop after this many optimizer steps (smoke runs, tests)
    num_epochs: int | None = None
    seed: int | None = None
    allow_download: bool = False  # fetch a missing base model from the Hugging Face Hub
    adapters: list[str] | None = None  # train only these adapters of a multi-adapter document
    fresh: bool = False  # start from the base model instead of the current adapter
    keep_worse: bool = False  # make a retrain current even when its held-out loss got worse


class TrainJob(Message, tag="train"):
    """Train the document's adapter(s) and make the new version current."""

    job: int
    path: str  # the document's file path ("" for an unsaved buffer)
    text: str  # the document as the client has it
    dlm_home: str | None = None  # the store root; None: $DLM_HOME or ~/.dlm
    options: TrainOptions = msgspec.field(default_factory=TrainOptions)


class PromptJob(Message, tag="prompt"):
    """Answer a question with the document's current adapter."""

    job: int
    path: str
    text: str
    question: str
    dlm_home: str | None = None
    adapter: str | None = None  # which adapter of a multi-adapter document (None: the default one)
    version: str | None = None  # e.g. "v0003"; None: current; "base": no adapter at all
    max_new_tokens: int = 256
    temperature: float = 0.0  # 0: greedy
    top_p: float = 1.0
    seed: int = 0
    allow_download: bool = False


class SynthOptions(msgspec.Struct, omit_defaults=True):
    """How to synthesize instruction pairs; None means "the default the quality benchmark chose"."""

    teacher: str = "self"  # "self" (the current adapter, else the base model), "hf:<id>", or a model directory
    strategy: str = "extraction"  # extraction | expansion | both
    per_section: int | None = None  # accepted pairs per prose section
    max_pairs: int | None = None  # accepted pairs for the whole job
    filter: str = "sway"  # sway | dedup-only | none
    threshold: float | None = None  # minimum sway (nats/token) a pair needs (filter sway)
    sections: list[str] | None = None  # section ids of the prose sections to use (None: every prose section)
    seed: int = 0
    temperature: float = 0.7  # for the sampled candidates (the first per target is greedy)
    allow_download: bool = False


class SynthJob(Message, tag="synth"):
    """Write new instruction pairs for prose sections, judge them, and stage the keepers in the store."""

    job: int
    path: str
    text: str
    dlm_home: str | None = None
    options: SynthOptions = msgspec.field(default_factory=SynthOptions)


class Cancel(Message, tag="cancel"):
    """Stop job `job` as soon as possible; it then ends with `Failed(kind="cancelled")`."""

    job: int


class Shutdown(Message, tag="shutdown"):
    """End the session; the worker exits after the running job (cancel it first)."""


ClientMessage = Hello | TrainJob | PromptJob | SynthJob | Cancel | Shutdown


# ---------------------------------------------------------------- worker → client


class Ready(Message, tag="ready"):
    """The worker's answer to `Hello`: it speaks this protocol and takes jobs."""

    protocol: int
    version: str  # dlmls version of the worker
    pid: int
    python: str = ""


class Refused(Message, tag="refused"):
    """The worker's answer to a `Hello` it cannot serve (then it exits)."""

    protocol: int
    reason: str


Stage = Literal["queued", "load", "data", "train", "eval", "save", "generate", "synth", "judge"]


class Progress(Message, tag="progress"):
    """How far a job is. `step`/`total` are in the stage's unit (optimizer steps
    while training, tokens while generating); `total` 0 means unknown."""

    job: int
    stage: str
    message: str = ""
    step: int = 0
    total: int = 0
    loss: float | None = None
    tokens_per_s: float | None = None
    eta_s: float | None = None
    adapter: str | None = None  # which adapter is training (multi-adapter documents)


class AdapterVersion(msgspec.Struct, omit_defaults=True):
    """One adapter version written by a training run."""

    adapter: str | None  # None for a single-adapter document
    version: str  # "v0003"
    path: str  # absolute path of the version directory
    steps: int
    train_loss: float | None = None
    eval_loss: float | None = None  # mean loss on the held-out pairs, if any
    base_eval_loss: float | None = None  # the same held-out loss before this run
    tokens: int = 0
    seconds: float = 0.0
    held_back: str | None = None  # why this complete version was not made current (None: it is current)


class TrainResult(msgspec.Struct, tag="train_result", omit_defaults=True):
    """What a training run produced; every listed version is complete, and current unless `held_back`."""

    dlm_id: str
    versions: list[AdapterVersion]


class PromptResult(msgspec.Struct, tag="prompt_result", omit_defaults=True):
    """The adapter's answer."""

    answer: str
    adapter_version: str | None  # None when answered by the base model
    new_tokens: int = 0
    seconds: float = 0.0


class SynthPair(msgspec.Struct, omit_defaults=True):
    """One synthesized pair and what the judge made of it."""

    id: str  # the suggestion's id in the store (12 hex of its pair key)
    section_id: str  # the prose section it was written from
    question: str
    answer: str
    strategy: str  # extraction | expansion
    target: str = ""  # the sentence(s) of the prose it was asked about
    sway: float | None = None  # nats/token: how much likelier the answer is with the prose in context
    answerability: float | None = None  # nats/token: likelier after its own question than after another
    judge: float | None = None  # 0..1, the combined score hovers show
    verdict: str = "accepted"  # accepted | duplicate | artifact | ungrounded | below_threshold | over_cap


class SynthResult(msgspec.Struct, tag="synth_result", omit_defaults=True):
    """What a synthesis produced: the staged pairs, the filter counts, and how they were made."""

    dlm_id: str
    teacher: str  # as the marker records it ("self", "hf:…", a path)
    teacher_model: str  # what actually wrote: "v0003", "base model (no adapter trained yet)", an id
    strategy: str
    pairs: list[SynthPair]  # the accepted pairs, staged as suggestions
    counts: dict[str, int]  # generated, artifacts, duplicates, inconsistent, ungrounded, below_threshold,
    # over_cap, accepted (`jobs.format.SYNTH_COUNTS`)
    rejected: list[SynthPair] = msgspec.field(default_factory=list)  # every other candidate, with its verdict
    decoding: dict[str, object] = msgspec.field(default_factory=dict)
    sections: int = 0  # prose sections used
    candidates: int = 0  # candidates generated
    seconds: float = 0.0
    generate_s: float = 0.0
    judge_s: float = 0.0
    notes: list[str] = msgspec.field(default_factory=list)


class Done(Message, tag="done"):
    """Job `job` finished."""

    job: int
    result: TrainResult | PromptResult | SynthResult


ErrorKind = Literal[
    "cancelled",  # the client cancelled it
    "invalid_document",  # the document has errors that stop training
    "missing_model",  # the base model is not on disk and downloads are off
    "busy",  # the document's store is locked by another training
    "crashed",  # the worker process died (set by the client, never sent)
    "protocol",  # an unexpected frame
    "error",  # anything else
]


class Failed(Message, tag="failed"):
    """Job `job` ended without a result; nothing in the store changed."""

    job: int
    kind: str  # one of ErrorKind
    message: str


WorkerMessage = Ready | Refused | Progress | Done | Failed

_encoder = msgspec.json.Encoder()
_client_decoder = msgspec.json.Decoder(ClientMessage)
_worker_decoder = msgspec.json.Decoder(WorkerMessage)


def encode(message: Message) -> bytes:
    """One frame: the message as JSON plus a newline."""
    return _encoder.encode(message) + b"\n"


def decode_client(line: bytes) -> ClientMessage:
    """A frame the client sent (raises msgspec.DecodeError/ValidationError on garbage)."""
    return _client_decoder.decode(line)


def decode_worker(line: bytes) -> WorkerMessage:
    """A frame the worker sent (raises msgspec.DecodeError/ValidationError on garbage)."""
    return _worker_decoder.decode(line)
