"""Synthesis on the model: batched generation of candidate pairs and the teacher-forced judge.

`synth_plan` decides what to ask and what to keep; this module runs the
model. Generation is batched (left padding, batches of `GEN_BATCH` sorted by
prompt length) because one token for eight rows costs little more than one
token for one row on this CPU; every target gets one greedy question and
`SAMPLES_PER_TARGET - 1` sampled ones (paraphrases: the adapter is later
asked in words it was not trained on). A row stops at the end of its line;
the batch stops when every row has.

Then the answers are *shaped*: the teacher answers each question with the
target sentence in front of it, in the document's chat format and system
prompt (exactly as a user asks the adapter), greedily, one line, and the
first sentence is kept when it states the span the question was written
for and stays brief; otherwise the span itself is the answer (measured
here: the adapter teacher, right after training on the prose, stated the
span in about one answer in four, and half its other answers were wrong).
A rewritten question whose answer misses its span lost the draft's meaning
and is dropped ("inconsistent"); whether a question leads to its answer is
also the judge's *answerability*.

The judge scores every surviving candidate by teacher forcing — three
forward passes, no generation — with the teacher's base weights (for
`self`, the adapter switched off: an adapter trained on the prose already
half-knows every fact, so its closed-book likelihood measured its own
memory rather than what the prose adds, and it scored correct pairs such
as "…founded in what year? — 2009." below zero):

- **sway** = NLL(answer | question) − NLL(answer | prose + question), in
  nats per answer token: how much the prose makes this answer likelier. A
  pair whose answer the model would give without the prose teaches the
  adapter nothing; one the prose does not support has no sway either.
- **answerability** = NLL(answer | prose + another question) −
  NLL(answer | prose + its question): the question leads to this answer,
  rather than the answer being likely after anything.

Both use the document's system prompt and chat template, exactly as the
pair will be trained and asked.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, ContextManager

from dlmls.worker import synth_plan as plan
from dlmls.worker import train
from dlmls.worker.data import Example
from dlmls.worker.errors import JobError

GEN_BATCH = 8
JUDGE_BATCH = 8

Progress = Callable[[int, int], None]


def _check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise JobError("cancelled", "synthesis cancelled")


def generate(model: Any, tok: Any, prompts: Sequence[str], *, sample: bool, temperature: float, seed: int,
             max_new_tokens: int, cancelled: Callable[[], bool], on_batch: Progress,
             stop: str = "\n") -> list[str]:
    """Each prompt's continuation, up to where it first holds `stop` or ends (batched, left-padded)."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    out: list[str] = [""] * len(prompts)
    encoded = [tok(p, add_special_tokens=False)["input_ids"] for p in prompts]
    order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    eos = tok.eos_token_id
    done_rows = 0

    class StopAt(StoppingCriteria):
        def __init__(self, width: int) -> None:
            self.width = width
            self.cancelled = False

        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            if cancelled():
                self.cancelled = True
                return torch.ones((input_ids.shape[0],), dtype=torch.bool)
            new = input_ids[:, self.width:]
            flags = [(stop in tok.decode(row, skip_special_tokens=True)) for row in new]
            return torch.tensor(flags, dtype=torch.bool)

    for start in range(0, len(order), GEN_BATCH):
        _check(cancelled)
        idx = order[start:start + GEN_BATCH]
        width = max(len(encoded[i]) for i in idx)
        ids = torch.full((len(idx), width), pad, dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for r, i in enumerate(idx):
            n = len(encoded[i])
            ids[r, width - n:] = torch.tensor(encoded[i])
            mask[r, width - n:] = 1
        criteria = StopAt(width)
        kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "pad_token_id": pad, "eos_token_id": eos,
                                  "stopping_criteria": StoppingCriteriaList([criteria])}
        if sample:
            torch.manual_seed(seed + start)
            kwargs.update(do_sample=True, temperature=temperature, top_p=0.95, top_k=0)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        with torch.no_grad():
            result = model.generate(input_ids=ids, attention_mask=mask, **kwargs)
        if criteria.cancelled:
            raise JobError("cancelled", "synthesis cancelled")
        for r, i in enumerate(idx):
            out[i] = tok.decode(result[r, width:], skip_special_tokens=True)
        done_rows += len(idx)
        on_batch(done_rows, len(prompts))
    return out


def answer_nll(model: Any, tok: Any, examples: Sequence[Example], cancelled: Callable[[], bool],
               on_batch: Progress | None = None) -> list[float]:
    """Mean NLL per answer token (the assistant turn and its end) of each chat example, batched."""
    import torch
    import torch.nn.functional as F

    rows, _ = train.tokenize(examples, tok, 4096)
    if len(rows) != len(examples):
        raise JobError("error", "a synthesized pair could not be tokenised")
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    out = [0.0] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i].input_ids))
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    head = inner.get_output_embeddings()
    for start in range(0, len(order), JUDGE_BATCH):
        _check(cancelled)
        idx = order[start:start + JUDGE_BATCH]
        ids, mask, labels = train.collate([rows[i] for i in idx], pad)
        targets = F.pad(labels[:, 1:], (0, 1), value=train.IGNORE)  # targets[t] = labels[t + 1]
        keep = targets != train.IGNORE
        with torch.no_grad():
            if train._plain_head(inner, head):
                # The vocabulary projection only where an answer token is predicted (as training does).
                hidden = inner.get_decoder()(input_ids=ids, attention_mask=mask).last_hidden_state
                logits = head(hidden[keep]).float()
            else:
                logits = model(input_ids=ids, attention_mask=mask).logits.float()[keep]
        losses = F.cross_entropy(logits, targets[keep], reduction="none")
        row_of = keep.nonzero()[:, 0]
        sums = torch.zeros(len(idx)).index_add_(0, row_of, losses)
        counts = keep.sum(1).clamp(min=1)
        for r, i in enumerate(idx):
            out[i] = float(sums[r] / counts[r])
        if on_batch is not None:
            on_batch(min(start + JUDGE_BATCH, len(order)), len(order))
    return out


def open_book(prose: str, question: str) -> str:
    """The user turn that puts the section's prose in front of a question."""
    return f"Notes:\n{prose.strip()}\n\nQuestion: {question}"


def judge(model: Any, tok: Any, candidates: Sequence[plan.Candidate], prose_of: dict[str, str],
          system: str | None, cancelled: Callable[[], bool], on_batch: Progress) -> None:
    """Set sway, answerability and judge on every pending candidate (three teacher-forced passes)."""
    pending = [c for c in candidates if c.verdict == "pending"]
    if not pending:
        return
    rng = random.Random(0)

    def other_question(c: plan.Candidate) -> str:
        # A question about another target of the same section (another section's when it has one target).
        pool = [d.question for d in pending if d.target.section_id == c.target.section_id
                and d.target.index != c.target.index] or [d.question for d in pending if d.target != c.target]
        return rng.choice(pool) if pool else "What is this about?"

    closed = [Example("chat", prompt=c.question, answer=c.answer, system=system) for c in pending]
    opened = [Example("chat", prompt=open_book(prose_of[c.target.section_id], c.question), answer=c.answer,
                      system=system) for c in pending]
    others = [Example("chat", prompt=open_book(prose_of[c.target.section_id], other_question(c)), answer=c.answer,
                      system=system) for c in pending]
    total = 3 * len(pending)
    done = [0]

    def step(n: int, _total: int) -> None:
        on_batch(done[0] + n, total)

    nll_closed = answer_nll(model, tok, closed, cancelled, step)
    done[0] += len(pending)
    nll_open = answer_nll(model, tok, opened, cancelled, step)
    done[0] += len(pending)
    nll_other = answer_nll(model, tok, others, cancelled, step)
    for c, nc, no, nx in zip(pending, nll_closed, nll_open, nll_other, strict=True):
        c.sway = round(nc - no, 4)
        c.answerability = round(nx - no, 4)
        c.judge = round(plan.judge_score(c.sway, c.answerability), 4)


def candidates_for(model: Any, tok: Any, drafted: Sequence[tuple[plan.Target, str]], *, temperature: float,
                   seed: int, cancelled: Callable[[], bool],
                   on_progress: Progress) -> tuple[list[plan.Candidate], int]:
    """Questions for every target (answers come later); (candidates, candidates generated).

    Each target comes with its question drafted by rule (`plan.draft_question`); the teacher rewrites the
    draft in plain words, greedily and `SAMPLES_PER_TARGET - 1` more times sampled; the draft stays a
    candidate of its own (the judge decides between them).
    """
    out = [plan.Candidate(t, d, "", drafted=True) for t, d in drafted]
    prompts = [plan.prompt(t, d) for t, d in drafted]
    total = len(prompts) * plan.SAMPLES_PER_TARGET
    for k in range(plan.SAMPLES_PER_TARGET):
        base = k * len(prompts)
        got = generate(model, tok, prompts, sample=k > 0, temperature=temperature, seed=seed + 1000 * k,
                       max_new_tokens=plan.MAX_NEW_TOKENS, cancelled=cancelled,
                       on_batch=lambda n, _t, base=base: on_progress(base + n, total))
        for (target, _d), text in zip(drafted, got, strict=True):
            question = plan.parse(text)
            if question is None:
                out.append(plan.Candidate(target, text.strip()[:200], "", verdict="artifact"))
            else:
                out.append(plan.Candidate(target, question, ""))
    return out, len(out)


def shape_answers(model: Any, tok: Any, candidates: Sequence[plan.Candidate], system: str | None,
                  cancelled: Callable[[], bool], on_progress: Progress, *, round_trip: bool = True) -> int:
    """Answer every pending candidate's question briefly with its target sentence in front of the
    teacher. Where that answer rambles, or misses the span of a drafted question, the span itself is
    the answer; a rewritten question whose answer misses its span is "inconsistent" (with
    `round_trip`; without, it too gets the span).

    Returns how many answers are the span.
    """
    pending = [c for c in candidates if c.verdict == "pending"]
    if not pending:
        return 0
    # The target sentence(s), not the whole section, in front of the teacher: measured here, the 135M
    # model given the whole section mostly repeated its first sentence whatever was asked.
    prompts = [train.render_prompt(tok, train.chat_messages(Example(
        "chat", prompt=open_book(c.target.text, c.question), answer="-", system=system)))
        for c in pending]
    got = generate(model, tok, prompts, sample=False, temperature=0.0, seed=0, max_new_tokens=plan.ANSWER_TOKENS,
                   cancelled=cancelled, on_batch=on_progress)
    fallback = 0
    for c, text in zip(pending, got, strict=True):
        answer = plan.brief_answer(plan.shape(text), c.target.span, c.target.text)
        if answer is None and not c.drafted and round_trip:
            c.verdict = "inconsistent"
            c.answer = plan.shape(text)
            continue
        c.answer = answer or plan.span_answer(c.target.span)
        fallback += c.answer == plan.span_answer(c.target.span)
    return fallback


def run(model: Any, tok: Any, targets: Sequence[plan.Target], prose_of: dict[str, str], *, system: str | None,
        existing: Sequence[str], rejected: set[str], filter: str, threshold: float, per_section: int,
        max_pairs: int, temperature: float, seed: int, cancelled: Callable[[], bool],
        say: Callable[..., None],
        judge_with: Callable[[], ContextManager[Any]] | None = None) -> tuple[list[plan.Candidate], dict[str, Any]]:
    """Generate, filter, judge and select; every candidate with its verdict, and timings.

    `judge_with` gives the model the judge scores with (default: `model`); the engine passes the base
    weights when the teacher is an adapter (see `judge`).
    """
    from dlmls.scores import pair_key

    t0 = time.perf_counter()
    drafted = [(t, d) for t in targets if (d := plan.draft_question(t.text, t.span, t.topic))]
    say("synth", f"rewriting {len(drafted)} drafted question(s) ({len(targets)} answer spans)", step=0,
        total=len(drafted) * plan.SAMPLES_PER_TARGET)
    cands, generated = candidates_for(
        model, tok, drafted, temperature=temperature, seed=seed, cancelled=cancelled,
        on_progress=lambda n, total: say("synth", f"{n}/{total} rewrites", step=n, total=total))
    if filter != "none":
        # What the question alone gives away is filtered before answers cost generation time.
        for c in cands:
            if c.verdict == "pending" and plan.question_artifact(c.question) is not None:
                c.verdict = "artifact"
        plan.mark_duplicates(cands, existing)
    n = sum(c.verdict == "pending" for c in cands)
    say("synth", f"answering {n} question(s) with their sentence in front of the teacher", step=0, total=n)
    fallback = shape_answers(model, tok, cands, system, cancelled,
                             lambda k, total: say("synth", f"{k}/{total} answers", step=k, total=total),
                             round_trip=filter != "none")
    gen_s = time.perf_counter() - t0
    if filter != "none":
        for c in cands:
            if c.verdict == "pending" and plan.artifact(c.question, c.answer) is not None:
                c.verdict = "artifact"
            elif c.verdict == "pending" and pair_key(c.question, c.answer) in rejected:
                c.verdict = "duplicate"
    if filter == "sway":
        for c in cands:
            prose = prose_of[c.target.section_id]
            if c.verdict == "pending" and (plan.ungrounded(c.answer, prose)
                                           or plan.ungrounded_question(c.question, prose)):
                c.verdict = "ungrounded"
    t1 = time.perf_counter()
    if filter == "sway":
        n = sum(c.verdict == "pending" for c in cands)
        say("judge", f"judging {n} candidate(s)", step=0, total=3 * n)
        with (judge_with() if judge_with is not None else contextlib.nullcontext(model)) as scorer:
            judge(scorer, tok, cands, prose_of, system, cancelled,
                  lambda k, total: say("judge", f"{k}/{total} scored", step=k, total=total))
        plan.apply_threshold(cands, threshold)
    judge_s = time.perf_counter() - t1
    plan.select(cands, per_section, max_pairs)
    return cands, {"generated": generated, "generate_s": gen_s, "judge_s": judge_s, "span_answers": fallback}
