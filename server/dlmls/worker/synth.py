"""Synthesis on the model: batched generation of candidate pairs and the teacher-forced judge.

`synth_plan` decides what to ask and what to keep; this module runs the
model. Generation is batched (left padding, batches of `GEN_BATCH` sorted by
prompt length) because one token for eight rows costs little more than one
token for one row on this CPU; every target gets one greedy question and
`SAMPLES_PER_TARGET - 1` sampled ones (paraphrases: the adapter is later
asked in words it was not trained on). A row stops at the end of its line;
the batch stops when every row has. The prompt prefix all rows share (the
few-shot block of the rewrite prompts; a section's prose in the judge's
open-book rows) runs through the model once and its key/value cache is lent
to every batch (`_Prefix`): on two CPU cores the model reads about 500
prompt tokens a second, and those shared tokens were most of what it read.

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
PREFIX_CACHE = True  # off: every row runs its whole prompt (the naive loop bench_synth.py compares with)
TOP_P = 0.95  # sampled rewrites draw from the smallest set of tokens holding this much probability
JUDGE_BATCH = 8

Progress = Callable[[int, int], None]


def _check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise JobError("cancelled", "synthesis cancelled")


def _shared_prefix(seqs: Sequence[Sequence[int]], limit: int) -> int:
    """The length of the token prefix every sequence starts with, at most `limit`."""
    if not seqs:
        return 0
    n = min(limit, *(len(x) for x in seqs))
    first = seqs[0]
    for other in seqs[1:]:
        k = 0
        while k < n and other[k] == first[k]:
            k += 1
        n = k
    return max(0, n)


class _Prefix:
    """The key/value cache of a token prefix many rows share, computed once and lent to every batch.

    Rewrite prompts all open with the same few-shot block and the judge's open-book rows with the same
    section prose: on this CPU the forward pass over those shared tokens was most of synthesis time
    (about 500 tokens/s), so it runs once per job (per section for the judge) instead of once per row.
    """

    def __init__(self, model: Any, ids: Sequence[int]) -> None:
        import torch

        self.length = len(ids) if PREFIX_CACHE else 0
        self.kv: list[tuple[Any, Any]] = []
        if self.length:
            with torch.no_grad():
                out = model(input_ids=torch.tensor([list(ids)]), use_cache=True, **_last_logits(model))
            self.kv = [(layer.keys, layer.values) for layer in out.past_key_values.layers]

    def cache(self, batch: int) -> Any:
        """A fresh cache holding the prefix for `batch` rows (None without a prefix)."""
        from transformers import DynamicCache

        if not self.length:
            return None
        return DynamicCache([(k.expand(batch, -1, -1, -1), v.expand(batch, -1, -1, -1)) for k, v in self.kv])

    def mask(self, suffix_mask: Any) -> Any:
        """The attention mask of prefix + suffix rows."""
        import torch

        ones = torch.ones((suffix_mask.shape[0], self.length), dtype=suffix_mask.dtype)
        return torch.cat([ones, suffix_mask], dim=1)


def _last_logits(model: Any) -> dict[str, Any]:
    """Ask a causal LM for the last position's logits only (decoders alone have no logits)."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    return {"logits_to_keep": 1} if head is not None else {}


def _pick(logits: Any, sample: bool, temperature: float, generator: Any) -> Any:
    """The next token of each row: greedy, or sampled at `temperature` from the top-p nucleus."""
    import torch

    if not sample:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits / max(temperature, 1e-5), dim=-1)
    ranked, order = probs.sort(dim=-1, descending=True)
    drop = ranked.cumsum(dim=-1) - ranked > TOP_P  # keep the smallest set reaching TOP_P
    ranked = ranked.masked_fill(drop, 0.0)
    choice = torch.multinomial(ranked, 1, generator=generator)
    return order.gather(-1, choice).squeeze(-1)


def generate(model: Any, tok: Any, prompts: Sequence[str], *, sample: bool, temperature: float, seed: int,
             max_new_tokens: int, cancelled: Callable[[], bool], on_batch: Progress,
             stop: str = "\n") -> list[str]:
    """Each prompt's continuation, up to where it first holds `stop` or ends.

    Batched: rows sorted by length in batches of `GEN_BATCH`, each batch's own part left-padded after
    the prefix every prompt shares (`_Prefix`, run once); a row stops at `stop` or the end of turn, the
    batch when every row has. Greedy, or sampled at `temperature` with top-p `TOP_P` (seeded per batch).
    """
    import torch

    out: list[str] = [""] * len(prompts)
    if not prompts:
        return out
    encoded = [tok(p, add_special_tokens=False)["input_ids"] for p in prompts]
    order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    ends = {tok.eos_token_id} - {None}
    stops: dict[int, bool] = {}

    def stops_at(t: int) -> bool:
        if t not in stops:
            stops[t] = t in ends or stop in tok.decode([t], skip_special_tokens=False)
        return stops[t]

    with torch.no_grad():
        prefix = _Prefix(model, encoded[0][:_shared_prefix(encoded, min(len(x) for x in encoded) - 1)])
        done_rows = 0
        for start in range(0, len(order), GEN_BATCH):
            _check(cancelled)
            idx = order[start:start + GEN_BATCH]
            rows = [encoded[i][prefix.length:] for i in idx]
            width = max(len(r) for r in rows)
            ids = torch.full((len(idx), width), pad, dtype=torch.long)
            suffix_mask = torch.zeros((len(idx), width), dtype=torch.long)
            for r, row in enumerate(rows):
                ids[r, width - len(row):] = torch.tensor(row)
                suffix_mask[r, width - len(row):] = 1
            mask = prefix.mask(suffix_mask)
            positions = prefix.length + (suffix_mask.cumsum(dim=1) - 1).clamp(min=0)
            generator = torch.Generator().manual_seed(seed + start)
            result = model(input_ids=ids, attention_mask=mask, position_ids=positions,
                           past_key_values=prefix.cache(len(idx)), use_cache=True, **_last_logits(model))
            new: list[list[int]] = [[] for _ in idx]
            finished = [False] * len(idx)
            following = positions[:, -1:] + 1
            for step in range(max_new_tokens):
                tokens = _pick(result.logits[:, -1].float(), sample, temperature, generator)
                for r, t in enumerate(tokens.tolist()):
                    if not finished[r]:
                        new[r].append(t)
                        finished[r] = stops_at(t)
                if all(finished) or step == max_new_tokens - 1:
                    break
                _check(cancelled)
                mask = torch.cat([mask, torch.ones((len(idx), 1), dtype=mask.dtype)], dim=1)
                result = model(input_ids=tokens[:, None], attention_mask=mask, position_ids=following,
                               past_key_values=result.past_key_values, use_cache=True)
                following = following + 1
            for r, i in enumerate(idx):
                out[i] = tok.decode(new[r], skip_special_tokens=True)
            done_rows += len(idx)
            on_batch(done_rows, len(prompts))
    return out


def answer_nll(model: Any, tok: Any, examples: Sequence[Example], cancelled: Callable[[], bool],
               on_batch: Progress | None = None, groups: Sequence[Sequence[int]] | None = None) -> list[float]:
    """Mean NLL per answer token (the assistant turn and its end) of each chat example, batched.

    `groups` (indices into `examples`) are rows that share a long prompt prefix — the judge's open-book
    rows of one section — whose cache `_Prefix` computes once per group; by default all rows are one.
    """
    import torch
    import torch.nn.functional as F

    rows, _ = train.tokenize(examples, tok, 4096)
    if len(rows) != len(examples):
        raise JobError("error", "a synthesized pair could not be tokenised")
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    out = [0.0] * len(rows)
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    head = inner.get_output_embeddings()
    plain = train._plain_head(inner, head)
    scorer = inner.get_decoder() if plain else model
    done = 0
    for group in (groups if groups is not None else [range(len(rows))]):
        members = sorted(group, key=lambda i: len(rows[i].input_ids))
        if not members:
            continue
        # The prefix ends before the first labelled token's predecessor: every label is predicted in a batch.
        first_label = min(next(k for k, x in enumerate(rows[i].labels) if x != train.IGNORE) for i in members)
        seqs = [rows[i].input_ids for i in members]
        with torch.no_grad():
            prefix = _Prefix(scorer, seqs[0][:_shared_prefix(seqs, first_label - 1)])
        for start in range(0, len(members), JUDGE_BATCH):
            _check(cancelled)
            idx = members[start:start + JUDGE_BATCH]
            batch = [train.Row(rows[i].input_ids[prefix.length:], rows[i].labels[prefix.length:]) for i in idx]
            ids, suffix_mask, labels = train.collate(batch, pad)
            targets = F.pad(labels[:, 1:], (0, 1), value=train.IGNORE)  # targets[t] = labels[t + 1]
            keep = targets != train.IGNORE
            positions = prefix.length + torch.arange(ids.shape[1]).expand(ids.shape[0], -1)
            with torch.no_grad():
                result = scorer(input_ids=ids, attention_mask=prefix.mask(suffix_mask), position_ids=positions,
                                past_key_values=prefix.cache(len(idx)), use_cache=prefix.length > 0)
                # The vocabulary projection only where an answer token is predicted (as training does).
                logits = head(result.last_hidden_state[keep]).float() if plain else result.logits.float()[keep]
            losses = F.cross_entropy(logits, targets[keep], reduction="none")
            sums = torch.zeros(len(idx)).index_add_(0, keep.nonzero()[:, 0], losses)
            counts = keep.sum(1).clamp(min=1)
            for r, i in enumerate(idx):
                out[i] = float(sums[r] / counts[r])
            done += len(idx)
            if on_batch is not None:
                on_batch(done, len(rows))
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
        # A question about another sentence of the same section (another section's when it has one).
        # Not one about the same sentence, whose words point at the same place in the prose: drawn from
        # the whole section, "Vellmora is a crescent-shaped island in what sea?" → "Sorrel Sea" (sway
        # 3.3) failed answerability at -0.24, and its fact had no pair.
        pool = [d.question for d in pending if d.target.section_id == c.target.section_id
                and d.target.index != c.target.index and c.target.text not in d.target.text
                and d.target.text not in c.target.text] \
            or [d.question for d in pending if d.target != c.target]
        return rng.choice(pool) if pool else "What is this about?"

    closed = [Example("chat", prompt=c.question, answer=c.answer, system=system) for c in pending]
    opened = [Example("chat", prompt=open_book(prose_of[c.target.section_id], c.question),
                      answer=c.answer, system=system) for c in pending]
    others = [Example("chat", prompt=open_book(prose_of[c.target.section_id], other_question(c)),
                      answer=c.answer, system=system) for c in pending]
    total = 3 * len(pending)
    done = [0]

    def step(n: int, _total: int) -> None:
        on_batch(done[0] + n, total)

    # The open-book rows of one section share its prose: one prefix cache per section.
    by_section: dict[str, list[int]] = {}
    for i, c in enumerate(pending):
        by_section.setdefault(c.target.section_id, []).append(i)
    nll_closed = answer_nll(model, tok, closed, cancelled, step)
    done[0] += len(pending)
    nll_open = answer_nll(model, tok, opened, cancelled, step, list(by_section.values()))
    done[0] += len(pending)
    nll_other = answer_nll(model, tok, others, cancelled, step, list(by_section.values()))
    for c, nc, no, nx in zip(pending, nll_closed, nll_open, nll_other, strict=True):
        c.sway = round(nc - no, 4)
        c.answerability = round(nx - no, 4)
        c.judge = round(plan.judge_score(c.sway, c.answerability), 4)


def candidates_for(model: Any, tok: Any, drafted: Sequence[tuple[plan.Target, list[str]]], *, temperature: float,
                   seed: int, cancelled: Callable[[], bool],
                   on_progress: Progress) -> tuple[list[plan.Candidate], int]:
    """Questions for every target (answers come later); (candidates, candidates generated).

    Each target comes with its wordings drafted by rule (`plan.drafts`: the draft, and its fronted form
    where a rule gives one); the teacher rewrites the draft in plain words, greedily and
    `SAMPLES_PER_TARGET - 1` more times sampled; the drafted wordings stay candidates of their own (the
    judge decides between them).
    """
    out = [plan.Candidate(t, q, "", drafted=True) for t, qs in drafted for q in qs]
    prompts = [plan.prompt(t, qs[0]) for t, qs in drafted]
    total = len(prompts) * plan.SAMPLES_PER_TARGET
    for k in range(plan.SAMPLES_PER_TARGET):
        base = k * len(prompts)
        got = generate(model, tok, prompts, sample=k > 0, temperature=temperature, seed=seed + 1000 * k,
                       max_new_tokens=plan.MAX_NEW_TOKENS, cancelled=cancelled,
                       on_batch=lambda n, _t, base=base: on_progress(base + n, total))
        for (target, qs), text in zip(drafted, got, strict=True):
            question = plan.parse(text)
            if question is None:
                out.append(plan.Candidate(target, text.strip()[:200], "", verdict="artifact", draft=qs[0]))
            else:
                out.append(plan.Candidate(target, question, "", draft=qs[0]))
    return out, len(out)


def shape_answers(model: Any, tok: Any, candidates: Sequence[plan.Candidate], system: str | None,
                  cancelled: Callable[[], bool], on_progress: Progress, *, round_trip: bool = True) -> int:
    """Answer every pending candidate: the fact first, then the sentence that states it
    (`plan.fact_answer`: "Twelve pennets — the brass tolk is divided into twelve pennets.").

    A rewritten question is first answered by the teacher with its target sentence in front of it; when
    that answer misses the span, the rewrite asks something else than its draft and is "inconsistent"
    (with `round_trip`; without, it gets the fact answer too). Returns how many answers are the bare
    span (a fact with no statement drafted for it).
    """
    pending = [c for c in candidates if c.verdict == "pending"]
    if not pending:
        return 0
    rewrites = [c for c in pending if not c.drafted] if round_trip else []
    # The target sentence(s), not the whole section, in front of the teacher: measured here, the 135M
    # model given the whole section mostly repeated its first sentence whatever was asked.
    prompts = [train.render_prompt(tok, train.chat_messages(Example(
        "chat", prompt=open_book(c.target.text, c.question), answer="-", system=system)))
        for c in rewrites]
    got = generate(model, tok, prompts, sample=False, temperature=0.0, seed=0, max_new_tokens=plan.ANSWER_TOKENS,
                   cancelled=cancelled, on_batch=on_progress) if prompts else []
    for c, text in zip(rewrites, got, strict=True):
        if not plan.contains_span(plan.shape(text), c.target.span):
            c.verdict = "inconsistent"
            c.answer = plan.shape(text)
    bare = 0
    for c in pending:
        if c.verdict != "pending":
            continue
        c.answer = plan.answer_for(c.target)
        bare += c.answer == plan.span_answer(c.target.span)
    return bare


def run(model: Any, tok: Any, targets: Sequence[plan.Target], prose_of: dict[str, str], *, system: str | None,
        existing: Sequence[tuple[str, str]], rejected: set[str], filter: str, threshold: float, per_section: int,
        max_pairs: int, temperature: float, seed: int, cancelled: Callable[[], bool],
        say: Callable[..., None],
        judge_with: Callable[[], ContextManager[Any]] | None = None) -> tuple[list[plan.Candidate], dict[str, Any]]:
    """Generate, filter, judge and select; every candidate with its verdict, and timings.

    `judge_with` gives the model the judge scores with (default: `model`); the engine passes the base
    weights when the teacher is an adapter (see `judge`).
    """
    from dlmls.scores import pair_key

    t0 = time.perf_counter()
    drafted = [(t, qs) for t in targets if (qs := plan.drafts(t.text, t.span, t.topic, t.group))]
    say("synth", f"rewriting {len(drafted)} drafted question(s) ({len(targets)} answer spans)", step=0,
        total=len(drafted) * plan.SAMPLES_PER_TARGET)
    cands, generated = candidates_for(
        model, tok, drafted, temperature=temperature, seed=seed, cancelled=cancelled,
        on_progress=lambda n, total: say("synth", f"{n}/{total} rewrites", step=n, total=total))
    if filter != "none":
        # What the question alone gives away is filtered before answers cost generation time.
        for c in cands:
            if c.verdict == "pending" and (plan.question_artifact(c.question) is not None
                                           or not plan.natural(c.question)):
                c.verdict = "artifact"
            elif c.verdict == "pending" and c.draft and not plan.faithful(c.question, c.draft):
                c.verdict = "inconsistent"  # the rewrite asks something else than its draft
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
