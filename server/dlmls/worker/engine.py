"""The training engine the worker process keeps warm: train and prompt jobs.

`Engine.train` turns a document into new adapter versions: parse, lock the
store, build the data (with replay of the previous version), load the base
model (cached across jobs), continue from the current adapter unless the
job asks for a fresh start or the LoRA shape changed, measure the held-out
loss before and after, stage every trained adapter completely, and only
when all are written commit them and move `current.txt`. Cancelling, or
any failure, before that point leaves the store exactly as it was.

A retrain that makes things worse is not made current: when a version
continued from or replacing a current one ends with a held-out loss more
than 1 % above where it started, measured on at least
`train.MIN_HELD_OUT_TO_JUDGE` held-out pairs (fewer are noise), it is
committed (complete, inspectable, promptable by name) but `current.txt`
stays where it was, and the result says why (`AdapterVersion.held_back`);
`TrainOptions.keep_worse` makes it current anyway. A first version always
becomes current (there is nothing better to keep), with a note when it is
worse than the base model.

`Engine.prompt` answers a question with the current adapter (a named
version, or the bare base model) through the model's chat template.

One loaded base model serves every job that names it: adapters are
attached to it by name (a peft model with several adapters, only one
active), so a second job on the same base loads nothing, and prompting a
version that was prompted before loads nothing either. torch and friends
are imported on the first job, keeping `import dlmls.worker.engine` cheap.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import tempfile
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dlmls import protocol
from dlmls.store import DATA_FILE, RUN_FILE, Store, StoreBusy, StoreError, VersionInfo, document_sha256, utc_now
from dlmls.worker import data as datamod
from dlmls.worker import models, train
from dlmls.worker.errors import JobError

MAX_BASES = 2  # loaded base models kept (each holds its weights in memory)
MAX_ADAPTERS = 8  # prompt adapters kept attached per base
TRAIN_ADAPTER = "dlmls_training"
RUN_FORMAT = 1

Report = Callable[[protocol.Progress], None]
Cancelled = Callable[[], bool]


def dlmls_version() -> str:
    """The installed dlmls version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dlmls")
    except PackageNotFoundError:
        return "0+unknown"


class _Host:
    """A loaded base model and the adapters attached to it."""

    def __init__(self, resolved: models.ResolvedModel, model: Any, tokenizer: Any) -> None:
        self.resolved = resolved
        self.model = model
        self.tokenizer = tokenizer
        self.peft: Any = None
        self.adapters: OrderedDict[str, str] = OrderedDict()  # cache key → adapter name

    def attach(self, name: str, path: Path | None = None, config: Any = None, trainable: bool = False) -> None:
        """Attach adapter `name`: loaded from `path`, or new from a LoraConfig."""
        from peft import PeftModel, get_peft_model

        if self.peft is None:
            if path is not None:
                self.peft = PeftModel.from_pretrained(self.model, str(path), adapter_name=name,
                                                      is_trainable=trainable)
            else:
                self.peft = get_peft_model(self.model, config, adapter_name=name)
        elif path is not None:
            self.peft.load_adapter(str(path), adapter_name=name, is_trainable=trainable)
        else:
            self.peft.add_adapter(name, config)
        self.peft.set_adapter(name)

    def detach(self, name: str) -> None:
        """Remove adapter `name`; the base model is left exactly as loaded."""
        if self.peft is None or name not in self.peft.peft_config:
            return
        for key, value in list(self.adapters.items()):
            if value == name:
                del self.adapters[key]
        if len(self.peft.peft_config) == 1:
            self.peft.unload()
            self.peft = None
        else:
            with warnings.catch_warnings():
                # peft warns that the deleted adapter was active; every job activates the one it uses.
                warnings.filterwarnings("ignore", message="Adapter .* was active which is now deleted")
                self.peft.delete_adapter(name)

    def trainable_parameters(self, name: str) -> list[Any]:
        """Only the parameters of adapter `name` require grad (returned)."""
        params = []
        for pname, p in self.peft.named_parameters():
            mine = f".{name}." in pname
            p.requires_grad_(mine)
            if mine:
                params.append(p)
        return params

    @contextlib.contextmanager
    def active(self, name: str | None) -> Iterator[Any]:
        """The model to call with adapter `name` active (None: the bare base model)."""
        if name is None:
            if self.peft is None:
                yield self.model
            else:
                with self.peft.disable_adapter():
                    yield self.peft
        else:
            self.peft.set_adapter(name)
            yield self.peft


class Engine:
    """Kept warm in the worker process: caches loaded base models (and tokenizers) so a second job loads nothing."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = models.cache_root(cache_dir)
        self._hosts: OrderedDict[str, _Host] = OrderedDict()
        self._ready = False
        self._counter = 0

    # ------------------------------------------------------------------ jobs

    def train(self, job: protocol.TrainJob, report: Report, cancelled: Cancelled) -> protocol.TrainResult:
        """Train the document's adapter(s); every returned version is complete and current."""
        t_start = time.perf_counter()
        started_at = utc_now()
        say = _Say(job.job, report)
        model = _parse(job.text, for_training=True)
        info = model.frontmatter.info
        values = info.values
        training = values.get("training") or {}
        try:
            store = Store.for_id(info.dlm_id, job.dlm_home)
        except StoreError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        # Where the base model comes from is settled before the store is touched.
        resolved = models.resolve(values["base_model"], doc_dir=_doc_dir(job.path), cache_dir=self.cache_dir,
                                  allow_download=job.options.allow_download)
        try:
            with store.lock():
                return self._train_locked(job, model, values, training, store, resolved, say, cancelled,
                                          t_start, started_at)
        except StoreBusy as exc:
            raise JobError("busy", f"{exc} — wait for it to finish or cancel it") from exc

    def prompt(self, job: protocol.PromptJob, report: Report, cancelled: Cancelled) -> protocol.PromptResult:
        """Answer `job.question` with the chosen adapter version (or the base model)."""
        t0 = time.perf_counter()
        say = _Say(job.job, report)
        model = _parse(job.text, for_training=False)
        info = model.frontmatter.info
        values = info.values
        names = datamod.declared_adapters(values.get("training"))
        adapter = _prompt_adapter(job.adapter, names)
        try:
            store = Store.for_id(info.dlm_id, job.dlm_home)
        except StoreError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        version = _prompt_version(store, adapter, job.version, say)
        resolved = models.resolve(info.base_model, doc_dir=_doc_dir(job.path), cache_dir=self.cache_dir,
                                  allow_download=job.allow_download)
        host = self._host(resolved, say, cancelled)
        if version is not None:
            meta = version.metadata() or {}
            trained_on = (meta.get("base_model") or {}).get("spec")
            if trained_on and trained_on != info.base_model:
                say("generate", f"note: {version.name} was trained on {trained_on}, not {info.base_model}")
        name = self._prompt_adapter_name(host, info.dlm_id, version)
        answer, new_tokens = self._generate(host, name, job, values.get("system_prompt"), say, cancelled)
        return protocol.PromptResult(answer=answer, adapter_version=version.name if version else None,
                                     new_tokens=new_tokens, seconds=time.perf_counter() - t0)

    def synth(self, job: protocol.SynthJob, report: Report, cancelled: Cancelled) -> protocol.SynthResult:
        """Write instruction pairs for the document's prose, judge them, stage the keepers as suggestions."""
        from dlmls import scores as scoresmod
        from dlmls import suggestions as sugmod
        from dlmls.worker import synth as synthmod
        from dlmls.worker import synth_plan as plan

        t0 = time.perf_counter()
        say = _Say(job.job, report)
        opts = job.options
        if opts.strategy not in plan.STRATEGIES:
            raise JobError("error", f"unknown strategy {opts.strategy!r} (use {', '.join(plan.STRATEGIES)})")
        if opts.filter not in plan.FILTERS:
            raise JobError("error", f"unknown filter {opts.filter!r} (use {', '.join(plan.FILTERS)})")
        model = _parse(job.text, for_training=True)
        info = model.frontmatter.info
        values = info.values
        try:
            store = Store.for_id(info.dlm_id, job.dlm_home)
        except StoreError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        try:
            prose = plan.prose_sections(model, opts.sections)
        except ValueError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        targets = [t for s in prose for t in plan.targets(s.section_id, s.content, opts.strategy)]
        if not targets:
            raise JobError("invalid_document", "the prose has no full sentences to ask about (code, headings and "
                                               f"fragments under {plan.MIN_WORDS} words are skipped)")
        prose_of = {s.section_id: s.content for s in prose}
        table = sugmod.read_suggestions(sugmod.suggestions_path(store.root))
        existing = [(p.question, p.answer) for s in model.live_sections if s.type == "instruction"
                    for p in s.core.pairs]
        existing += [(s.question, s.answer) for s in table.pending()]
        rejected = table.rejected_keys()
        existing += [(s.question, s.answer) for s in table.by_id.values() if s.state == "rejected"]

        # The teacher: the current adapter ("self"; the base model before any training) or another model.
        names = datamod.declared_adapters(values.get("training"))
        teacher_version: VersionInfo | None = None
        notes: list[str] = []
        if opts.teacher == "self":
            resolved = models.resolve(info.base_model, doc_dir=_doc_dir(job.path), cache_dir=self.cache_dir,
                                      allow_download=opts.allow_download)
            adapter = names[0] if names else None
            cur = store.current(adapter)
            if cur.problem:
                notes.append(f"{cur.problem}; the base model wrote instead")
            elif cur.version is not None and cur.version.complete:
                teacher_version = cur.version
            teacher_model = teacher_version.name if teacher_version else "base model (no adapter trained yet)"
            if teacher_version is None and not cur.problem:
                notes.append("no adapter is trained yet: the base model wrote these pairs")
        else:
            spec = opts.teacher[3:] if opts.teacher.startswith("hf:") and "/" not in opts.teacher[3:] else \
                opts.teacher
            resolved = models.resolve(spec, doc_dir=_doc_dir(job.path), cache_dir=self.cache_dir,
                                      allow_download=opts.allow_download)
            teacher_model = resolved.hf_id or str(resolved.path or resolved.gguf or spec)
        host = self._host(resolved, say, cancelled)
        name = self._prompt_adapter_name(host, info.dlm_id, teacher_version)
        n_targets = {s.section_id: 0 for s in prose}
        for t in targets:
            n_targets[t.section_id] += 1
        per_section = opts.per_section if opts.per_section is not None else \
            plan.default_per_section(max(n_targets.values()))
        max_pairs = opts.max_pairs if opts.max_pairs is not None else plan.DEFAULT_MAX_PAIRS
        threshold = opts.threshold if opts.threshold is not None else plan.DEFAULT_THRESHOLD
        with host.active(name) as m:
            cands, timing = synthmod.run(
                m, host.tokenizer, targets, prose_of, system=values.get("system_prompt") or None,
                existing=existing, rejected=rejected, filter=opts.filter, threshold=threshold,
                per_section=max(0, per_section), max_pairs=max(0, max_pairs), temperature=opts.temperature,
                seed=opts.seed, cancelled=cancelled, say=say, judge_with=lambda: host.active(None))
        _check(cancelled)
        at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        teacher = opts.teacher

        def pair(c: Any) -> protocol.SynthPair:
            return protocol.SynthPair(id=sugmod.suggestion_id(c.question, c.answer) if c.answer else "",
                                      section_id=c.target.section_id, question=c.question, answer=c.answer,
                                      strategy=c.target.strategy, target=c.target.text, sway=c.sway,
                                      answerability=c.answerability, judge=c.judge, verdict=c.verdict)

        accepted = [c for c in cands if c.verdict == "accepted"]
        staged = [sugmod.Suggestion(
            id=sugmod.suggestion_id(c.question, c.answer), question=c.question, answer=c.answer,
            section_id=c.target.section_id, source_text=prose_of[c.target.section_id], teacher=teacher,
            teacher_model=teacher_model, strategy=c.target.strategy, synth_at=at, sway=c.sway,
            answerability=c.answerability, judge=c.judge, target=c.target.text) for c in accepted]
        say("save", f"staging {len(staged)} suggestion(s)")
        sugmod.stage(sugmod.suggestions_path(store.root), staged)
        scored = [scoresmod.Score(s.key, s.section_id, s.judge, s.sway, at, teacher) for s in staged
                  if s.judge is not None]
        if scored:
            scoresmod.append_scores(store.scores_path, scored)
        counts = {"generated": timing["generated"]}
        for key, verdict in (("artifacts", "artifact"), ("duplicates", "duplicate"),
                             ("inconsistent", "inconsistent"), ("ungrounded", "ungrounded"),
                             ("below_threshold", "below_threshold"), ("over_cap", "over_cap"),
                             ("accepted", "accepted")):
            counts[key] = sum(c.verdict == verdict for c in cands)
        if timing.get("span_answers"):
            notes.append(f"{timing['span_answers']} answer(s) are the bare span the question was drafted for: "
                         "no sentence stating it could be cut from the prose")
        seconds = time.perf_counter() - t0
        say("save", f"{len(staged)} of {timing['generated']} candidates kept; job took {seconds:.1f}s in all")
        return protocol.SynthResult(
            dlm_id=info.dlm_id, teacher=teacher, teacher_model=teacher_model, strategy=opts.strategy,
            pairs=[pair(c) for c in accepted], counts=counts,
            rejected=[pair(c) for c in cands if c.verdict != "accepted"],
            decoding={"questions": "drafted by rule, rewritten by the teacher (few-shot completion)",
                      "rewrites_per_draft": plan.SAMPLES_PER_TARGET, "first": "greedy",
                      "others": {"temperature": opts.temperature, "top_p": 0.95, "seed": opts.seed},
                      "max_new_tokens": plan.MAX_NEW_TOKENS,
                      "answers": "greedy, chat format, target sentence in context",
                      "answer_max_new_tokens": plan.ANSWER_TOKENS, "batch": synthmod.GEN_BATCH,
                      "padding": "left",
                      "filter": opts.filter, "threshold": threshold, "per_section": per_section,
                      "max_pairs": max_pairs},
            sections=len(prose), candidates=timing["generated"], seconds=seconds,
            generate_s=timing["generate_s"], judge_s=timing["judge_s"], notes=notes)

    # ------------------------------------------------------------------ training

    def _train_locked(self, job: protocol.TrainJob, model: Any, values: dict[str, Any],
                      training: dict[str, Any], store: Store, resolved: models.ResolvedModel, say: _Say,
                      cancelled: Cancelled, t_start: float, started_at: Any) -> protocol.TrainResult:
        options = job.options
        names = datamod.declared_adapters(training)
        targets: list[str | None] = [None] if names is None else list(names)
        for a in targets:
            removed = store.clean_staging(a)
            if removed:
                say("data", f"removed {removed} unfinished version(s) left by an interrupted run")
        # The replay pool and the starting point: each adapter's current version.
        currents: dict[str | None, VersionInfo | None] = {}
        previous: dict[str | None, list[datamod.Example]] = {}
        for a in targets:
            cur = store.current(a)
            if cur.problem:
                say("data", f"warning: {cur.problem}; training starts from the base model")
            currents[a] = cur.version if cur.version is not None and cur.version.complete else None
            if currents[a] is not None and not options.fresh:
                previous[a] = datamod.read_examples(currents[a].path / DATA_FILE)
        seed = int(options.seed if options.seed is not None else training.get("seed", 42))
        say("data", "building training data")
        t_data = time.perf_counter()
        try:
            per_adapter = datamod.build(model, only=options.adapters, previous=previous, seed=seed,
                                        augment=os.environ.get("DLMLS_AUGMENT", "1") != "0")
        except datamod.DataError as exc:
            raise JobError("invalid_document", str(exc)) from exc
        data_s = time.perf_counter() - t_data
        for d in per_adapter:
            c = d.counts()
            say("data", f"{_label(d.adapter)}{c['train']} examples ({c['text']} prose, {c['chat']} pairs, "
                        f"{c['replayed']} replayed), {c['held_out']} held out", adapter=d.adapter)
        _check(cancelled)

        t_load = time.perf_counter()
        host = self._host(resolved, say, cancelled)
        load_s = time.perf_counter() - t_load

        staged: list[tuple[Any, dict[str, Any], protocol.AdapterVersion]] = []
        try:
            for d in per_adapter:
                _check(cancelled)
                start = None if options.fresh else currents.get(d.adapter)
                stage, meta, result = self._train_adapter(
                    host, store, d, training, options, start, job, host.resolved, say, cancelled,
                    data_s=data_s, load_s=load_s, started_at=started_at, current=currents.get(d.adapter),
                    written=_written_training(model))
                staged.append((stage, meta, result))
            _check(cancelled)
            # Commit: every version is complete on disk; now rename them into
            # place, then move the pointers. Nothing below polls for cancel.
            committed = [store.commit(stage) for stage, _m, _r in staged]
        except BaseException:
            for stage, _m, _r in staged:
                store.discard(stage)
            raise
        for v, (_s, _m, r) in zip(committed, staged, strict=True):
            if r.held_back is None:
                store.set_current(v)
            else:
                say("save", f"{_label(v.adapter)}{v.name} not made current: {r.held_back}", adapter=v.adapter)
        try:
            self._record(store, values, job, model, committed, staged, started_at)
        except (OSError, ValueError, TypeError) as exc:
            say("save", f"warning: the versions are current, but manifest.json could not be updated: {exc}")
        results = []
        for v, (_s, _m, r) in zip(committed, staged, strict=True):
            r.path = str(v.path)
            results.append(r)
        say("save", f"saved; the whole job took {time.perf_counter() - t_start:.1f}s: "
                    + ", ".join(f"{_label(r.adapter)}{r.version}" for r in results))
        return protocol.TrainResult(dlm_id=values["dlm_id"], versions=results)

    def _record(self, store: Store, values: dict[str, Any], job: protocol.TrainJob, model: Any,
                committed: list[VersionInfo], staged: list[Any], started_at: Any) -> None:
        store.record_runs(
            dlm_id=values["dlm_id"], base_model=values["base_model"],
            runs=[{"adapter": v.adapter, "version": v.number, "seed": meta["hyperparameters"]["seed"],
                   "steps": meta["steps"], "final_train_loss": meta["train_loss"],
                   "final_val_loss": meta["eval_loss_after"], "started_at": started_at, "ended_at": utc_now(),
                   "current": r.held_back is None}
                  for v, (_s, meta, r) in zip(committed, staged, strict=True)],
            section_ids=[s.section_id for s in model.live_sections],
            source_path=os.path.abspath(job.path) if job.path else None,
            pinned_versions=_pinned_versions())

    def _train_adapter(self, host: _Host, store: Store, d: datamod.AdapterData, training: dict[str, Any],
                       options: protocol.TrainOptions, start: VersionInfo | None, job: protocol.TrainJob,
                       resolved: models.ResolvedModel, say: _Say, cancelled: Cancelled, *,
                       data_s: float, load_s: float, started_at: Any,
                       current: VersionInfo | None, written: dict[str, Any]) -> tuple[Any, dict[str, Any],
                                                                               protocol.AdapterVersion]:
        import torch

        t0 = time.perf_counter()
        adapter = d.adapter
        h, notes = train.hyperparameters(training, adapter, options, written)
        notes = [*d.notes, *notes]
        tok = host.tokenizer
        rows, dropped = train.tokenize(d.train, tok, int(h.sequence_len))
        eval_rows, _ = train.tokenize(d.held_out, tok, int(h.sequence_len))
        if dropped:
            notes.append(f"{dropped} pair(s) dropped: the question alone fills sequence_len={h.sequence_len}")
        if not rows:
            raise JobError("invalid_document", f"{_label(adapter)}nothing left to train after tokenisation")
        if h.auto_epochs:
            h.num_epochs = train.auto_epochs(rows)
        p = train.plan(len(rows), h)
        pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id

        # Start from the current adapter when its LoRA shape still fits.
        parent = None
        if start is not None:
            why = self._incompatible(host, start, h)
            if why is None:
                parent = start
            else:
                notes.append(f"started a fresh adapter: {why}")
        torch.manual_seed(h.seed)
        self._counter += 1
        name = f"{TRAIN_ADAPTER}_{self._counter}"
        if parent is not None:
            host.attach(name, path=parent.path, trainable=True)
        else:
            host.attach(name, config=train.lora_config(host.model, h))
        stage = None
        try:
            params = host.trainable_parameters(name)
            say("eval", f"{_label(adapter)}held-out loss before training", adapter=adapter)
            t_eval = time.perf_counter()
            with host.active(name) as m:
                before = train.eval_loss(m, eval_rows, pad_id, cancelled)
            eval_s = time.perf_counter() - t_eval
            start_msg = f"continuing {parent.name}" if parent else "fresh adapter"
            say("train", f"{_label(adapter)}{start_msg}: {p.total_steps} steps, micro-batch {p.micro_batch_size}"
                         f" × accumulation {p.grad_accum}", step=0, total=p.total_steps, adapter=adapter)

            def on_step(step: int, total: int, loss: float, tps: float, eta: float) -> None:
                say("train", "", step=step, total=total, loss=loss, tokens_per_s=tps, eta_s=eta, adapter=adapter)

            with host.active(name) as m:
                evaluate = None
                if h.auto_epochs and eval_rows:
                    def evaluate() -> float | None:
                        return train.eval_loss(m, eval_rows, pad_id, cancelled)
                # A few held-out pairs make the per-epoch loss noise: stopping on it cut a retrain on 19 new
                # pairs to 12 of its steps, and keeping its best epoch left a retrain unable to answer its own
                # training questions (benchmarks/RESULTS.md); then the budget alone decides.
                stats = train.run(m, params, rows, h, p, pad_id, on_step, cancelled, evaluate,
                                  choose=len(eval_rows) >= train.MIN_HELD_OUT_TO_JUDGE)
                if stats.stopped_early:
                    notes.append(f"stopped after {stats.steps} of {p.total_steps} steps: the held-out loss "
                                 f"stopped improving")
                if stats.restored_best:
                    notes.append("kept the weights of the epoch with the best held-out loss")
                say("eval", f"{_label(adapter)}held-out loss after training", adapter=adapter)
                t_eval = time.perf_counter()
                # The loop measured the weights it returns when it evaluated per epoch.
                after = stats.final_eval if stats.final_eval is not None else \
                    train.eval_loss(m, eval_rows, pad_id, cancelled)
                eval_s += time.perf_counter() - t_eval
            _check(cancelled)
            held_back = _held_back(before, after, current, options, notes, len(eval_rows))
            say("save", f"{_label(adapter)}writing the new version", adapter=adapter)
            t_save = time.perf_counter()
            stage = store.stage(adapter)
            self._save_adapter(host, name, stage.path, resolved)
            meta = {
                "format": RUN_FORMAT,
                "dlmls_version": dlmls_version(),
                "created_at": utc_now().isoformat(),
                "started_at": started_at.isoformat(),
                "dlm_id": store.root.name,
                "adapter": adapter,
                "version": stage.name,
                "parent_version": parent.name if parent else None,
                "fresh": parent is None,
                "base_model": {**resolved.describe(), "identity": resolved.identity},
                "document": {"path": os.path.abspath(job.path) if job.path else None,
                             "sha256": document_sha256(job.text)},
                "data": {"hash": d.data_hash, **d.counts(), "rows": len(rows), "eval_rows": len(eval_rows),
                         "tokens_per_epoch": sum(len(r.input_ids) for r in rows)},
                "hyperparameters": {**h.to_json(), "target_modules": list(host.peft.peft_config[name].target_modules),
                                    "micro_batch_size": p.micro_batch_size, "grad_accum": p.grad_accum,
                                    "epochs": p.epochs, "steps_per_epoch": p.steps_per_epoch},
                "steps": stats.steps,
                "losses": [round(x, 6) for x in stats.losses],
                "epoch_eval_losses": [None if x is None else round(x, 6) for x in stats.eval_losses],
                "train_loss": stats.final_loss(p.steps_per_epoch),
                "eval_loss_before": before,
                "eval_loss_after": after,
                "held_back": held_back,
                "tokens": stats.tokens,
                "trained_tokens": stats.trained_tokens,
                "tokens_per_s": stats.tokens_per_s,
                "timings": {"data_s": data_s, "load_s": load_s, "eval_s": eval_s, "train_s": stats.seconds,
                            "adapter_s": time.perf_counter() - t0},
                "threads": torch.get_num_threads(),
                "versions": _pinned_versions(),
                "notes": notes,
            }
            datamod.write_examples(stage.path / DATA_FILE, d)
            meta["timings"]["save_s"] = time.perf_counter() - t_save
            _write_json(stage.path / RUN_FILE, meta)
        except BaseException:
            if stage is not None:
                store.discard(stage)
            raise
        finally:
            host.detach(name)
        result = protocol.AdapterVersion(adapter=adapter, version=stage.name, path=str(stage.path),
                                         steps=stats.steps, train_loss=meta["train_loss"], eval_loss=after,
                                         base_eval_loss=before, tokens=stats.tokens,
                                         seconds=time.perf_counter() - t0, held_back=held_back)
        return stage, meta, result

    def _incompatible(self, host: _Host, start: VersionInfo, h: train.Hyper) -> str | None:
        from peft import PeftConfig

        meta = start.metadata() or {}
        spec = (meta.get("base_model") or {}).get("spec")
        if spec and spec != host.resolved.spec:
            return f"base_model changed ({spec} → {host.resolved.spec})"
        try:
            saved = PeftConfig.from_pretrained(str(start.path))
        except (OSError, ValueError, TypeError) as exc:  # an unreadable adapter config
            return f"cannot read {start.name}'s adapter config ({exc})"
        return train.compatible(saved, h, host.model)

    def _save_adapter(self, host: _Host, name: str, dest: Path, resolved: models.ResolvedModel) -> None:
        where = resolved.path if resolved.source == "local" else resolved.gguf
        host.peft.peft_config[name].base_model_name_or_path = resolved.hf_id or str(where or resolved.spec)
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".save-") as tmp:
            # save_embedding_layers=False: "auto" asks the Hub whether the vocabulary changed.
            host.peft.save_pretrained(tmp, selected_adapters=[name], save_embedding_layers=False)
            src = Path(tmp) / name if (Path(tmp) / name).is_dir() else Path(tmp)
            for f in src.iterdir():
                if f.is_file() and f.name != "README.md":
                    shutil.move(str(f), dest / f.name)

    # ------------------------------------------------------------------ prompting

    def _prompt_adapter_name(self, host: _Host, dlm_id: str, version: VersionInfo | None) -> str | None:
        if version is None:
            return None
        weights = version.path / "adapter_model.safetensors"
        stamp = weights.stat().st_mtime_ns if weights.exists() else 0
        key = f"{dlm_id}\x00{version.adapter}\x00{version.name}\x00{version.path}\x00{stamp}"
        name = host.adapters.get(key)
        if name is not None:
            host.adapters.move_to_end(key)
            return name
        name = "v_" + hashlib.sha256(key.encode()).hexdigest()[:12]
        try:
            host.attach(name, path=version.path)
        except (OSError, ValueError, RuntimeError) as exc:
            raise JobError("error", f"cannot load adapter {version.path}: {exc}") from exc
        host.adapters[key] = name
        while len(host.adapters) > MAX_ADAPTERS:
            host.detach(next(iter(host.adapters.values())))
        return name

    def _generate(self, host: _Host, name: str | None, job: protocol.PromptJob, system: str | None,
                  say: _Say, cancelled: Cancelled) -> tuple[str, int]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        tok = host.tokenizer
        messages = train.chat_messages(datamod.Example("chat", prompt=job.question, system=system or None))
        text = train.render_prompt(tok, messages)
        enc = tok(text, add_special_tokens=False, return_tensors="pt")
        total = max(1, int(job.max_new_tokens))

        class Watch(StoppingCriteria):
            def __init__(self) -> None:
                self.n = 0
                self.cancelled = False

            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                self.n += 1
                if self.n % 8 == 0:
                    say("generate", "", step=self.n, total=total)
                if cancelled():
                    self.cancelled = True
                return torch.full((input_ids.shape[0],), self.cancelled, dtype=torch.bool)

        watch = Watch()
        eos = {tok.eos_token_id} - {None}
        gen_eos = host.model.generation_config.eos_token_id
        eos |= set(gen_eos if isinstance(gen_eos, list) else [gen_eos] if gen_eos is not None else [])
        kwargs: dict[str, Any] = {
            "max_new_tokens": total,
            "pad_token_id": tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
            "eos_token_id": sorted(eos) or None,
            "stopping_criteria": StoppingCriteriaList([watch]),
        }
        if job.temperature and job.temperature > 0:
            torch.manual_seed(int(job.seed))
            kwargs.update(do_sample=True, temperature=float(job.temperature), top_p=float(job.top_p), top_k=0)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        say("generate", "generating", step=0, total=total)
        with host.active(name) as m, torch.no_grad():
            out = m.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], **kwargs)
        if watch.cancelled:
            raise JobError("cancelled", "prompt cancelled")
        new = out[0, enc["input_ids"].shape[1]:]
        n_new = int(new.shape[0])
        while n_new and int(new[n_new - 1]) in eos:
            n_new -= 1
        return tok.decode(new[:n_new], skip_special_tokens=True).strip(), int(new.shape[0])

    # ------------------------------------------------------------------ models

    def _host(self, resolved: models.ResolvedModel, say: _Say, cancelled: Cancelled) -> _Host:
        """The loaded base model for `resolved` (loaded now unless cached)."""
        self._setup()
        host = self._hosts.get(resolved.identity)
        if host is not None:
            self._hosts.move_to_end(resolved.identity)
            say("load", f"base model {resolved.spec} already loaded")
            return host
        _check(cancelled)
        say("load", f"loading base model {resolved.spec} ({resolved.source})")
        model, tokenizer, timings = models.load(resolved, cache_dir=self.cache_dir,
                                                say=lambda m: say("load", m))
        if resolved.source == "gguf" and resolved.gguf is not None:
            resolved = dataclasses.replace(resolved, source="gguf-cache",
                                           path=models.converted_dir(resolved.gguf, self.cache_dir))
        host = _Host(resolved, model, tokenizer)
        self._hosts[resolved.identity] = host
        while len(self._hosts) > MAX_BASES:
            self._hosts.popitem(last=False)
        say("load", f"loaded {resolved.spec} in {timings['load_s']:.1f}s")
        return host

    def _setup(self) -> None:
        if self._ready:
            return
        import torch

        threads = os.environ.get("DLMLS_THREADS")
        n = int(threads) if threads else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else (os.cpu_count() or 1)
        torch.set_num_threads(max(1, n))
        # peft calls a transformers API deprecated in 5.x on every adapter it attaches.
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        with contextlib.suppress(Exception):
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # tqdm bars on stderr only clutter the worker's log
        self._ready = True


# ---------------------------------------------------------------------- helpers


class _Say:
    """Progress events for one job."""

    def __init__(self, job: int, report: Report) -> None:
        self.job = job
        self.report = report

    def __call__(self, stage: str, message: str = "", **kw: Any) -> None:
        self.report(protocol.Progress(job=self.job, stage=stage, message=message, **kw))


def _check(cancelled: Cancelled) -> None:
    if cancelled():
        raise JobError("cancelled", "cancelled")


WORSE_TOLERANCE = 0.01  # a held-out loss this much (relative) above its start counts as worse


def _held_back(before: float | None, after: float | None, current: VersionInfo | None,
               options: protocol.TrainOptions, notes: list[str], n_held_out: int) -> str | None:
    """Why a new version must not replace `current` (None: make it current); notes what was let through.

    Only `train.MIN_HELD_OUT_TO_JUDGE` held-out pairs or more can say a version is worse: the loss of one
    or two facts the adapter never saw is noise. Held back on one pair (5.25 → 5.70), the ossery quality
    document's retrain on 38 accepted pairs never became current, and the writer's Retrain did nothing.
    """
    if before is None or after is None or after <= before * (1 + WORSE_TOLERANCE):
        return None
    if current is None:
        notes.append(f"held-out loss rose from {before:.3f} to {after:.3f}; made current anyway "
                             "(there was no earlier version to keep)")
        return None
    if n_held_out < train.MIN_HELD_OUT_TO_JUDGE:
        notes.append(f"held-out loss rose from {before:.3f} to {after:.3f} on {n_held_out} held-out pair(s), too "
                     f"few to judge by ({train.MIN_HELD_OUT_TO_JUDGE} needed); made current")
        return None
    if options.keep_worse:
        notes.append(f"held-out loss rose from {before:.3f} to {after:.3f}; made current as asked")
        return None
    return f"its held-out loss rose from {before:.3f} to {after:.3f}, so {current.name} stays current"


def _label(adapter: str | None) -> str:
    return f"[{adapter}] " if adapter else ""


def _doc_dir(path: str) -> Path | None:
    return Path(path).expanduser().resolve().parent if path else None


def _parse(text: str, *, for_training: bool) -> Any:
    """The document model, or JobError("invalid_document") naming what stops the job."""
    from dlmls.core.document import Document
    from dlmls.core.problems import Severity, Stage

    model = Document(text).model
    info = model.frontmatter.info if model.frontmatter else None
    stages = (Stage.PARSE, Stage.TRAIN) if for_training else (Stage.PARSE,)
    blocking = [p for p in model.problems if p.severity == Severity.ERROR and p.stage in stages]
    if not for_training:
        # Prompting needs only a readable frontmatter.
        blocking = [p for p in blocking if p.code.startswith(("FM", "DLM0"))]
    if blocking or info is None or not info.dlm_id or not info.base_model:
        if blocking:
            shown = "; ".join(f"line {p.range.start_line + 1}: {p.message} [{p.code}]" for p in blocking[:3])
            more = f" (and {len(blocking) - 3} more)" if len(blocking) > 3 else ""
            what = "training" if for_training else "prompting"
            raise JobError("invalid_document", f"the document has errors that stop {what}: {shown}{more} "
                                               "— fix them (see `dlmls check`) and try again")
        raise JobError("invalid_document", "the frontmatter needs `dlm_id` and `base_model`")
    return model


def _written_training(model: Any) -> dict[str, Any]:
    """The `training` mapping as the frontmatter writes it (unset keys absent)."""
    info = model.frontmatter.info
    raw = info.raw if isinstance(info.raw, dict) else {}
    training = raw.get("training")
    return training if isinstance(training, dict) else {}


def _prompt_adapter(requested: str | None, names: list[str] | None) -> str | None:
    if names is None:
        if requested not in (None, datamod.DEFAULT_ADAPTER):
            raise JobError("invalid_document", f"this document has a single adapter; it has no adapter "
                                               f"named {requested!r}")
        return None
    if requested is None:
        return names[0]
    if requested not in names:
        raise JobError("invalid_document", f"adapter {requested!r} is not declared in training.adapters "
                                           f"(declared: {', '.join(names)})")
    return requested


def _prompt_version(store: Store, adapter: str | None, requested: str | None, say: _Say) -> VersionInfo | None:
    if requested == "base":
        return None
    if requested:
        found = store.version(adapter, requested)
        if found is None or not found.complete:
            have = ", ".join(v.name for v in store.versions(adapter)) or "none"
            raise JobError("error", f"{_label(adapter)}there is no adapter version {requested!r} "
                                    f"(versions: {have})")
        return found
    cur = store.current(adapter)
    if cur.problem:
        raise JobError("error", f"{cur.problem} — train the document again to repair it, or ask for a "
                                "version explicitly")
    if cur.version is None:
        say("generate", f"{_label(adapter)}no trained adapter yet: answering with the base model")
        return None
    if not cur.version.complete:
        raise JobError("error", f"{cur.version.path} is not a complete adapter — train the document again")
    return cur.version


def _pinned_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"dlmls": dlmls_version()}
    for name in ("torch", "transformers", "peft"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def _write_json(path: Path, data: Any) -> None:
    import json

    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
