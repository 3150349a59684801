"""A fake training engine with the real engine's interface and no torch, for the process-side tests.

The worker loads it through `DLMLS_WORKER_ENGINE=fake_engine:FakeEngine`
(with `tests/` on PYTHONPATH). Lines in the document text (or the question)
steer it, so one test document says what should happen:

    fake-steps: 5          optimizer steps (tokens for a prompt), default 3 (--max-steps and
                           --max-new-tokens win)
    fake-delay: 0.05       seconds per step, slept in small slices checking cancelled()
    fake-fail: KIND        raise JobError(KIND, ...) at the first step
    fake-raise: TEXT       raise RuntimeError(TEXT) (not a JobError)
    fake-crash-at: N       write to stderr, then os._exit(3) at step N
    fake-print             print() and write to fd 1 before working (must not reach the protocol)
    fake-ignore-cancel     never look at cancelled() (the client must kill the worker)
    fake-held-back: TEXT   write the version but leave the pointer, as the real engine does when
                           the held-out loss got worse (AdapterVersion.held_back = TEXT)

Synthesis (`synth`) works on the prose sections the job names (every one by
default) after `fake-steps` progress steps in stage "synth" (so `fake-delay`
and cancel behave as in training; a cancelled job stages nothing):

    fake-fact: Q | A       in a prose section: that section's pairs are exactly these lines (one
                           pair per line); a prose section without one gets a single pair made
                           from its first sentence (not a `fake-` line, not a heading):
                           Q "What do the notes say about <its first words>?", A the sentence
    fake-judge: F          the judge score every pair gets (default 0.8; sway 1.2, answerability 0.6)

Like the real engine it skips pairs already in the document, already pending
or rejected (counted as duplicates), obeys per_section / max_pairs (over_cap),
stages the rest in `<dlm_home>/store/<dlm_id>/dlmls/suggestions.jsonl` with
`dlmls.suggestions` (id, source section id and text, teacher, strategy, time,
scores) and appends their scores to `dlmls/scores.jsonl`. The teacher model is
the current adapter version for teacher "self" (else "base model (no adapter
trained yet)", with a note), or the teacher string itself.

A successful training makes `<dlm_home>/store/<dlm_id>/adapter/versions/vNNNN/`
(empty) and points `adapter/current.txt` at it at the very end, as the real store moves its
pointer only after a complete version; a cancelled or failed one writes
nothing. Answers name the engine instance and job count, so tests can see
that one engine serves a worker's whole life; with $FAKE_ENGINE_PIDFILE set,
the engine writes its process id there.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

from dlmls import protocol
from dlmls import scores as scoresmod
from dlmls import suggestions as sugmod
from dlmls.core.document import Document
from dlmls.store import Store, StoreError, document_sha256, utc_now
from dlmls.worker import synth_plan as plan
from dlmls.worker.errors import JobError


def directive(text: str, name: str, default: str | None = None) -> str | None:
    match = re.search(rf"^{re.escape(name)}(?::[ \t]*(.*))?$", text, re.MULTILINE)
    if match is None:
        return default
    return (match.group(1) or "").strip()


class FakeEngine:
    """Reports progress, sleeps in small slices, obeys cancel; steered by `fake-*` lines."""

    instances = 0

    def __init__(self, cache_dir: Path | None = None) -> None:
        FakeEngine.instances += 1
        self.instance = FakeEngine.instances
        self.jobs = 0
        if pidfile := os.environ.get("FAKE_ENGINE_PIDFILE"):
            Path(pidfile).write_text(str(os.getpid()))

    def _work(self, job_id: int, text: str, stage: str, report, cancelled, steps: int | None = None) -> int:
        self.jobs += 1
        steps = steps or int(directive(text, "fake-steps", "3"))
        delay = float(directive(text, "fake-delay", "0.01"))
        crash_at = directive(text, "fake-crash-at")
        ignore_cancel = directive(text, "fake-ignore-cancel") is not None
        if directive(text, "fake-print") is not None:
            print("stray print from the engine")
            os.write(1, b"stray write to fd 1\n")
        if self.jobs == 1:
            report(protocol.Progress(job=job_id, stage="load", message="loading the fake model"))
        for step in range(1, steps + 1):
            if (kind := directive(text, "fake-fail")) is not None:
                raise JobError(kind, f"fake failure of kind {kind}")
            if (message := directive(text, "fake-raise")) is not None:
                raise RuntimeError(message)
            if crash_at is not None and step == int(crash_at):
                print(f"fake engine crashing at step {step}", file=sys.stderr, flush=True)
                os._exit(3)
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                if not ignore_cancel and cancelled():
                    raise JobError("cancelled", f"cancelled at step {step}")
                time.sleep(min(0.01, delay))
            if not ignore_cancel and cancelled():
                raise JobError("cancelled", f"cancelled at step {step}")
            report(protocol.Progress(job=job_id, stage=stage, step=step, total=steps, loss=2.0 / step,
                                     tokens_per_s=100.0, eta_s=(steps - step) * delay))
        return steps

    def train(self, job: protocol.TrainJob, report, cancelled) -> protocol.TrainResult:
        steps = self._work(job.job, job.text, "train", report, cancelled, job.options.max_steps)
        dlm_id = directive(job.text, "dlm_id", "unknown")
        version = "v0001"
        path = ""
        held_back = None
        if job.dlm_home:
            adapter = Path(job.dlm_home) / "store" / dlm_id / "adapter"
            current = adapter / "current.txt"
            existing = [int(p.name[1:]) for p in (adapter / "versions").glob("v[0-9]*")]
            number = max(existing, default=0) + 1
            version = f"v{number:04d}"
            held_back = None if job.options.keep_worse else directive(job.text, "fake-held-back")
            (adapter / "versions" / version).mkdir(parents=True, exist_ok=True)
            # The run metadata hovers and the stale-adapter hint read (a subset of the real engine's).
            (adapter / "versions" / version / "dlmls_run.json").write_text(json.dumps({
                "created_at": "2026-01-02T03:04:05Z", "steps": steps, "train_loss": 2.0 / steps,
                "document": {"sha256": document_sha256(job.text)}}))
            if held_back is None:
                current.write_text(f"adapter/versions/{version}\n")  # the real store's pointer
            path = str(adapter / "versions" / version)
        return protocol.TrainResult(dlm_id=dlm_id, versions=[protocol.AdapterVersion(
            adapter=None, version=version, path=path, steps=steps, train_loss=2.0 / steps, tokens=steps * 64,
            seconds=0.5, held_back=held_back)])

    def prompt(self, job: protocol.PromptJob, report, cancelled) -> protocol.PromptResult:
        tokens = self._work(job.job, job.text + "\n" + job.question, "generate", report, cancelled,
                            job.max_new_tokens if job.max_new_tokens != 256 else None)
        return protocol.PromptResult(
            answer=f"fake answer to {job.question!r} (engine {self.instance}, job {self.jobs}, pid {os.getpid()})",
            adapter_version=job.version or "v0001", new_tokens=tokens)

    def synth(self, job: protocol.SynthJob, report, cancelled) -> protocol.SynthResult:
        """Stage `fake-fact` pairs (or one first-sentence pair) per prose section, as the real engine stages."""
        started = time.monotonic()
        opts = job.options
        model = Document(job.text).model
        info = model.frontmatter.info if model.frontmatter else None
        if info is None or not info.dlm_id:
            raise JobError("invalid_document", "the frontmatter has no dlm_id")
        try:
            store = Store.for_id(info.dlm_id, job.dlm_home)
        except StoreError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        try:
            prose = plan.prose_sections(model, opts.sections)
        except ValueError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        self._work(job.job, job.text, "synth", report, cancelled)
        notes: list[str] = []
        if opts.teacher == "self":
            current = store.current(None)
            if current.version is not None and current.problem is None:
                teacher_model = current.version.name
            else:
                teacher_model = "base model (no adapter trained yet)"
                notes.append("no adapter is trained yet: the base model wrote these pairs")
        else:
            teacher_model = opts.teacher
        judge = float(directive(job.text, "fake-judge", "0.8"))
        where = sugmod.suggestions_path(store.root)
        table = sugmod.read_suggestions(where)
        seen = {scoresmod.pair_key(p.question, p.answer) for s in model.live_sections if s.type == "instruction"
                for p in s.core.pairs}
        seen |= {s.key for s in table.pending()} | table.rejected_keys()  # pending (and applied), rejected
        counts = dict.fromkeys(("generated", "artifacts", "duplicates", "inconsistent", "ungrounded",
                                "below_threshold", "over_cap", "accepted"), 0)
        at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        kept: list[sugmod.Suggestion] = []
        for section in prose:
            in_section = 0
            for question, answer, target in _fake_pairs(section.content):
                counts["generated"] += 1
                key = scoresmod.pair_key(question, answer)
                if key in seen:
                    counts["duplicates"] += 1
                    continue
                if (opts.per_section is not None and in_section >= opts.per_section) or \
                        (opts.max_pairs is not None and len(kept) >= opts.max_pairs):
                    counts["over_cap"] += 1
                    continue
                seen.add(key)
                in_section += 1
                kept.append(sugmod.Suggestion(
                    id=sugmod.suggestion_id(question, answer), question=question, answer=answer,
                    section_id=section.section_id, source_text=section.content, teacher=opts.teacher,
                    teacher_model=teacher_model, strategy="extraction" if opts.strategy == "both" else opts.strategy,
                    synth_at=at, sway=1.2, answerability=0.6, judge=judge, target=target))
        counts["accepted"] = len(kept)
        if cancelled():  # the last moment a cancel can still leave the store untouched
            raise JobError("cancelled", "cancelled before staging")
        report(protocol.Progress(job=job.job, stage="save", message=f"staging {len(kept)} suggestion(s)"))
        sugmod.stage(where, kept)
        if kept:
            scoresmod.append_scores(store.scores_path, [scoresmod.Score(s.key, s.section_id, s.judge, s.sway, at,
                                                                        s.teacher) for s in kept])
        pairs = [protocol.SynthPair(id=s.id, section_id=s.section_id, question=s.question, answer=s.answer,
                                    strategy=s.strategy, target=s.target, sway=s.sway,
                                    answerability=s.answerability, judge=s.judge) for s in kept]
        return protocol.SynthResult(dlm_id=info.dlm_id, teacher=opts.teacher, teacher_model=teacher_model,
                                    strategy=opts.strategy, pairs=pairs, counts=counts, sections=len(prose),
                                    candidates=counts["generated"], seconds=time.monotonic() - started,
                                    notes=notes)


def _fake_pairs(content: str) -> list[tuple[str, str, str]]:
    """(question, answer, target) for one prose section: its `fake-fact` lines, else its first sentence."""
    facts = []
    for match in re.finditer(r"^fake-fact:[ \t]*(.*?)[ \t]*\|[ \t]*(.*?)[ \t]*$", content, re.MULTILINE):
        if match.group(1) and match.group(2):
            facts.append((match.group(1), match.group(2), match.group(0)))
    if facts:
        return facts
    lines = [ln.strip() for ln in content.splitlines()
             if ln.strip() and not ln.lstrip().startswith(("fake-", "#", "<!--", "```"))]
    if not lines:
        return []
    sentence = re.split(r"(?<=[.!?])\s+", " ".join(lines))[0].strip()
    words = re.sub(r"[^\w\s'-]", "", sentence).split()
    if not words:
        return []
    topic = " ".join(words[:6]).lower()
    return [(f"What do the notes say about {topic}?", sentence, sentence)]


TESTS = Path(__file__).resolve().parent
ENGINE = "fake_engine:FakeEngine"


def worker_env(**extra: str) -> dict[str, str]:
    """The environment for a worker (or a CLI or server that starts one) that uses this fake engine."""
    env = {k: v for k, v in os.environ.items() if k != "DLMLS_WORKER_CMD"}
    env.update({"DLMLS_WORKER_ENGINE": ENGINE, "DLMLS_WORKER_LOG": "info", **extra})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p)
    return env


def document(*directives: str, dlm_id: str = "01KPM5CXB51GRX86Q25AKERN6E") -> str:
    """A valid .dlm document whose prose carries `fake-*` directives."""
    return (f"---\ndlm_id: {dlm_id}\nbase_model: smollm2-135m\n---\n"
            "Notes for the fake engine.\n\n" + "".join(d + "\n" for d in directives))
