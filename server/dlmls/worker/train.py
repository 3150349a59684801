"""LoRA training of one adapter: hyperparameters, tokenisation, batching, the loop, held-out loss.

A plain PyTorch loop over a peft model rather than TRL's SFTTrainer: on
this CPU-only setting it is at least as fast (no dataset `map` passes,
no accelerate wrapping; see benchmarks/bench_train.py), and it gives exactly
what a job needs — a cancel check before every micro-batch, a progress
event after every optimizer step, loss on answer tokens only, and an
answer-token-weighted loss across gradient accumulation.

Batches are length-grouped: examples are sorted by length into micro-batches
(each padded only to its own longest row), and the order of the batches is
shuffled per epoch with the run's seed. Prose longer than `sequence_len` is
cut into consecutive windows; a chat example is cut at `sequence_len` (and
dropped if no answer token is left). The same seed and data give the same
adapter.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from dlmls.worker.data import Example
from dlmls.worker.errors import JobError

IGNORE = -100

# Where the frontmatter leaves a setting unset, these replace DLM's defaults (3 epochs at 2e-4, r 8),
# which on a small document run a handful of steps and leave the adapter where the base model was
# (measured: 3 steps, loss 3.36 → 3.36, closed-book answer NLL 4.19 vs the base model's 4.23).
AUTO_LORA_R = 16
AUTO_LORA_ALPHA = 32
AUTO_LEARNING_RATE = 1e-3  # LoRA on a 135M model memorises a page in tens of steps at this rate, not at 2e-4
MIN_AUTO_EPOCHS = 3
MAX_AUTO_EPOCHS = 20
COST_BUDGET = 30_000  # tokens through the model in all (≈ 3–4 minutes on two CPU cores) caps the passes
PATIENCE = 3  # auto epochs stop after this many held-out evaluations without improvement
MIN_HELD_OUT_TO_JUDGE = 8  # held-out pairs needed before their loss may stop training, pick an epoch or
# hold a new version back (engine.py)
# Below that it is the loss of a few facts the adapter never saw, and noise: on the vellmora quality document
# (2 held-out pairs) it picked epoch 2 of 18, whose adapter answered none of its own 20 training questions
# right and 1 of 22 held-out questions, against 7 of 22 with the last epoch's weights (benchmarks/RESULTS.md).
AUTO_MICRO_BATCH = 4  # CPU: big enough to keep both cores' matmuls busy, small enough to pad little
TARGET_EFFECTIVE_BATCH = 8  # DLM's `grad_accum: auto` aims at micro_batch × grad_accum = 8
EVAL_BATCH = 8

# Attention and MLP projections across the architectures in the registry.
_PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj",
                "qkv_proj", "gate_up_proj", "query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h",
                "c_attn", "c_proj", "c_fc", "w1", "w2", "w3", "fc1", "fc2", "out_proj", "wqkv", "wo")


@dataclass(slots=True)
class Hyper:
    """The hyperparameters of one adapter's run (the document's, with the job's overrides)."""

    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    target_modules: Any = "auto"  # "auto" or a list of module names
    use_dora: bool = False
    learning_rate: float = 2e-4
    num_epochs: int = 3
    sequence_len: int = 2048
    micro_batch_size: Any = "auto"
    grad_accum: Any = "auto"
    lr_scheduler: str = "cosine"
    warmup_ratio: float = 0.1
    seed: int = 42
    max_steps: int | None = None
    auto_epochs: bool = False  # num_epochs unset: passes from the token budget, stopping on held-out loss
    bf16: bool = False  # bf16 autocast (fp32 weights): `precision` null or bf16, on CPUs with native bf16

    def to_json(self) -> dict[str, Any]:
        """JSON-able dict."""
        return asdict(self)


def hyperparameters(training: dict[str, Any], adapter: str | None, options: Any,
                    written: dict[str, Any] | None = None) -> tuple[Hyper, list[str]]:
    """The run's hyperparameters from the `training` block (+ named adapter) and TrainOptions; plus notes.

    `written` is the `training` mapping as the frontmatter spells it (None: treat every value as
    written). What it leaves unset gets this engine's choices for learning a document (`AUTO_*`);
    what it sets always wins.
    """
    t = training or {}
    h = Hyper()
    notes: list[str] = []
    if written is not None:
        per = ((written.get("adapters") or {}).get(adapter) or {}) if adapter is not None else {}
        set_keys = {k for k in written if k != "adapters"} | set(per)
        chosen = []
        if "lora_r" not in set_keys and "lora_alpha" not in set_keys:
            t = {**t, "lora_r": AUTO_LORA_R, "lora_alpha": AUTO_LORA_ALPHA}
            chosen.append(f"lora_r {AUTO_LORA_R}, lora_alpha {AUTO_LORA_ALPHA}")
        if "learning_rate" not in set_keys:
            t = {**t, "learning_rate": AUTO_LEARNING_RATE}
            chosen.append(f"learning_rate {AUTO_LEARNING_RATE:g}")
        if "num_epochs" not in set_keys:
            h.auto_epochs = True
            chosen.append(f"epochs from a budget of {COST_BUDGET} tokens through the model ({MIN_AUTO_EPOCHS}–"
                          f"{MAX_AUTO_EPOCHS}), and, with at least {MIN_HELD_OUT_TO_JUDGE} held-out pairs, "
                          f"stopping when their loss stops improving and keeping the best epoch")
        if chosen:
            notes.append("unset in the frontmatter, chosen to learn a document of this size: " + "; ".join(chosen))
    for name in ("lora_r", "lora_alpha", "lora_dropout", "target_modules", "learning_rate", "num_epochs",
                 "sequence_len", "micro_batch_size", "grad_accum", "lr_scheduler", "warmup_ratio", "seed"):
        if t.get(name) is not None:
            setattr(h, name, t[name])
    kind = t.get("adapter", "lora")
    if adapter is not None:
        per = (t.get("adapters") or {}).get(adapter) or {}
        for name in ("lora_r", "lora_alpha", "lora_dropout", "target_modules", "learning_rate"):
            if per.get(name) is not None:
                setattr(h, name, per[name])
        kind = per.get("adapter", kind)
    if kind == "dora":
        h.use_dora = True
    elif kind == "qlora":
        notes.append("adapter: qlora needs CUDA with bitsandbytes; trained a plain LoRA on the fp32 base")
    if t.get("optimizer", "adamw_torch") != "adamw_torch":
        notes.append(f"optimizer {t['optimizer']} needs CUDA; used adamw_torch")
    precision = t.get("precision")
    if precision in (None, "bf16"):
        # Like DLM's planner picking bf16 on GPUs that have it: bf16 autocast
        # (fp32 master weights) where the CPU runs bf16 natively, ≈1.6× faster here.
        h.bf16 = cpu_bf16()
        if precision == "bf16" and not h.bf16:
            notes.append("precision bf16 ignored: this CPU has no native bf16; trained in fp32")
    elif precision == "fp16":
        notes.append("precision fp16 ignored: CPU training runs in fp32 (or bf16)")
    if (t.get("preference") or {}).get("enabled"):
        notes.append("training.preference is enabled, but preference (DPO/ORPO) training is not implemented")
    if t.get("sources"):
        notes.append("training.sources is not ingested by dlmls yet")
    if options is not None:
        if options.num_epochs is not None:
            h.num_epochs = int(options.num_epochs)
            h.auto_epochs = False
        if options.seed is not None:
            h.seed = int(options.seed)
        if options.max_steps is not None:
            h.max_steps = int(options.max_steps)
    return h, notes


def cpu_bf16() -> bool:
    """Whether this CPU runs bf16 matmuls natively (then bf16 autocast is faster than fp32)."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def linear_names(model: Any) -> set[str]:
    """The last name part of every linear layer of the base model.

    The warm engine's model may already carry LoRA layers (an adapter a
    prompt attached stays loaded): a wrapped projection counts under its own
    name, not as its `base_layer` or its `lora_A`/`lora_B` parts.
    """
    import torch
    from peft.tuners.tuners_utils import BaseTunerLayer

    names: set[str] = set()
    wrapped: list[str] = []
    for name, module in model.named_modules():
        if any(name.startswith(w + ".") for w in wrapped[-1:]):
            continue
        if isinstance(module, BaseTunerLayer):
            wrapped.append(name)
            names.add(name.rsplit(".", 1)[-1])
        elif isinstance(module, torch.nn.Linear):
            names.add(name.rsplit(".", 1)[-1])
    return names


def target_modules(model: Any, wanted: Any) -> list[str]:
    """The module names LoRA attaches to: the document's list, or the model's attention/MLP projections."""
    names = linear_names(model)
    if wanted != "auto" and wanted:
        missing = [w for w in wanted if w not in names]
        if missing:
            raise JobError("invalid_document", f"training.target_modules: the base model has no linear layer named "
                                               f"{', '.join(map(repr, missing))} (it has {', '.join(sorted(names))})")
        return list(wanted)
    found = [p for p in _PROJECTIONS if p in names]
    if not found:
        raise JobError("error", "cannot find attention/MLP projections for target_modules: auto; list them in "
                                f"training.target_modules (linear layers: {', '.join(sorted(names))})")
    return found


def lora_config(model: Any, h: Hyper) -> Any:
    """The peft LoraConfig of a run."""
    from peft import LoraConfig

    return LoraConfig(r=int(h.lora_r), lora_alpha=int(h.lora_alpha), lora_dropout=float(h.lora_dropout),
                      target_modules=target_modules(model, h.target_modules), bias="none",
                      task_type="CAUSAL_LM", use_dora=bool(h.use_dora))


def compatible(saved: Any, h: Hyper, model: Any) -> str | None:
    """Why an adapter saved with config `saved` cannot be continued with `h` (None: it can)."""
    want = lora_config(model, h)
    if int(saved.r) != want.r:
        return f"lora_r changed ({saved.r} → {want.r})"
    if float(saved.lora_alpha) != float(want.lora_alpha):
        return f"lora_alpha changed ({saved.lora_alpha} → {want.lora_alpha})"
    if set(saved.target_modules or ()) != set(want.target_modules):
        return "target_modules changed"
    if bool(getattr(saved, "use_dora", False)) != want.use_dora:
        return "the adapter kind changed (lora/dora)"
    return None


# ---------------------------------------------------------------------- tokenisation


@dataclass(slots=True)
class Row:
    """One tokenised training row."""

    input_ids: list[int]
    labels: list[int]

    @property
    def trained_tokens(self) -> int:
        """Tokens with a loss."""
        return sum(1 for x in self.labels[1:] if x != IGNORE)


def chat_messages(e: Example) -> list[dict[str, str]]:
    """The chat messages of a chat example (without the answer)."""
    msgs = [{"role": "system", "content": e.system}] if e.system else []
    return [*msgs, {"role": "user", "content": e.prompt}]


def render_prompt(tokenizer: Any, messages: list[dict[str, str]]) -> str:
    """The model's input up to where the assistant answers (chat template, or a plain fallback)."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    parts = [m["content"] for m in messages if m["role"] == "system"]
    user = "\n\n".join(m["content"] for m in messages if m["role"] == "user")
    return "".join(p + "\n\n" for p in parts) + f"### Q\n{user}\n### A\n"


def _answer_text(tokenizer: Any, messages: list[dict[str, str]], prompt: str, answer: str) -> str:
    if getattr(tokenizer, "chat_template", None):
        full = tokenizer.apply_chat_template([*messages, {"role": "assistant", "content": answer}],
                                             tokenize=False)
        if full.startswith(prompt):
            return full[len(prompt):]
    return answer + (tokenizer.eos_token or "")


def tokenize(examples: Sequence[Example], tokenizer: Any, sequence_len: int) -> tuple[list[Row], int]:
    """Rows for the examples (prose windowed, chats cut at sequence_len); and how many chats were dropped."""
    rows: list[Row] = []
    dropped = 0
    eos = tokenizer.eos_token_id
    for e in examples:
        if e.kind == "text":
            ids = tokenizer(e.text, add_special_tokens=False)["input_ids"]
            if eos is not None:
                ids = [*ids, eos]
            for start in range(0, len(ids), sequence_len):
                window = ids[start:start + sequence_len]
                if len(window) >= 2:
                    rows.append(Row(window, list(window)))
        else:
            messages = chat_messages(e)
            prompt = render_prompt(tokenizer, messages)
            p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            a_ids = tokenizer(_answer_text(tokenizer, messages, prompt, e.answer),
                              add_special_tokens=False)["input_ids"]
            ids = (p_ids + a_ids)[:sequence_len]
            labels = ([IGNORE] * len(p_ids) + a_ids)[:sequence_len]
            row = Row(ids, labels)
            if row.trained_tokens == 0:
                dropped += 1
                continue
            rows.append(row)
    return rows, dropped


def micro_batches(rows: Sequence[Row], size: int, rng: random.Random) -> list[list[int]]:
    """Indices of length-grouped micro-batches, in a seeded random order."""
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i].input_ids), rng.random()))
    batches = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


def collate(rows: Sequence[Row], pad_id: int) -> tuple[Any, Any, Any]:
    """(input_ids, attention_mask, labels) tensors, right-padded to the longest row."""
    import torch

    width = max(len(r.input_ids) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r.input_ids)
        ids[i, :n] = torch.tensor(r.input_ids)
        mask[i, :n] = 1
        labels[i, :n] = torch.tensor(r.labels)
    return ids, mask, labels


def loss_sum(model: Any, ids: Any, mask: Any, labels: Any) -> tuple[Any, int]:
    """Summed next-token loss over labelled tokens, and their count.

    The output projection (for SmolLM2 a fifth of the parameters) is applied
    only at positions that have a label, so the prompt part of chat rows
    costs no vocabulary-sized logits; models whose head does more than a
    linear map (logit soft-capping, scaling) take the ordinary path.
    """
    import torch.nn.functional as F

    targets = F.pad(labels[:, 1:], (0, 1), value=IGNORE)  # targets[t] = labels[t + 1]
    keep = targets != IGNORE
    n = int(keep.sum())
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    head = inner.get_output_embeddings()
    if _plain_head(inner, head):
        hidden = inner.get_decoder()(input_ids=ids, attention_mask=mask).last_hidden_state
        logits = head(hidden[keep]).float()
        return F.cross_entropy(logits, targets[keep], reduction="sum"), n
    logits = model(input_ids=ids, attention_mask=mask).logits.float()
    return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=IGNORE,
                           reduction="sum"), n


def _plain_head(model: Any, head: Any) -> bool:
    import torch

    config = getattr(model, "config", None)
    special = any(getattr(config, a, None) not in (None, 1, 1.0)
                  for a in ("final_logit_softcapping", "logit_scale", "logits_scaling"))
    return (not special and isinstance(head, torch.nn.Linear) and hasattr(model, "get_decoder")
            and model.get_decoder() is not None)


def eval_loss(model: Any, rows: Sequence[Row], pad_id: int, cancelled: Callable[[], bool]) -> float | None:
    """Mean loss per answer token on `rows` (None without rows)."""
    import torch

    if not rows:
        return None
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    order = sorted(range(len(rows)), key=lambda i: len(rows[i].input_ids))
    with torch.no_grad():
        for i in range(0, len(order), EVAL_BATCH):
            if cancelled():
                raise JobError("cancelled", "cancelled")
            batch = [rows[j] for j in order[i:i + EVAL_BATCH]]
            loss, n = loss_sum(model, *collate(batch, pad_id))
            total += float(loss)
            count += n
    if was_training:
        model.train()
    return total / count if count else None


# ---------------------------------------------------------------------- the loop


@dataclass(slots=True)
class Plan:
    """Batch shape and step counts of a run."""

    micro_batch_size: int
    grad_accum: int
    steps_per_epoch: int
    epochs: int
    total_steps: int


def auto_epochs(rows: Sequence[Row]) -> int:
    """Passes over `rows` that put `COST_BUDGET` tokens through the model, within the epoch bounds.

    The budget counts every token through the model, not only the loss-bearing ones: measured on the
    dev documents, a budget of loss-bearing tokens gave pairs with sentence answers half the passes of
    the same pairs with one-word answers (6 epochs against 12 on vellmora), and the adapter then
    answered 3 held-out questions of 22 instead of 10; at the same tokens through the model both
    answered 10.
    """
    cost = max(1, sum(len(r.input_ids) for r in rows))
    return max(MIN_AUTO_EPOCHS, min(MAX_AUTO_EPOCHS, COST_BUDGET // cost))


def plan(n_rows: int, h: Hyper) -> Plan:
    """Resolve `auto` batch sizes (CPU) and count the optimizer steps."""
    mbs = int(h.micro_batch_size) if h.micro_batch_size != "auto" else AUTO_MICRO_BATCH
    mbs = max(1, min(mbs, n_rows))
    n_micro = math.ceil(n_rows / mbs)
    if h.grad_accum != "auto":
        ga = int(h.grad_accum)
    else:
        ga = max(1, min(math.ceil(TARGET_EFFECTIVE_BATCH / mbs), n_micro))
    spe = math.ceil(n_micro / ga)
    epochs = int(h.num_epochs)
    total = spe * epochs
    if h.max_steps is not None:
        total = min(total, max(1, int(h.max_steps)))
        epochs = math.ceil(total / spe)
    return Plan(mbs, ga, spe, epochs, total)


@dataclass(slots=True)
class TrainStats:
    """What the loop did."""

    steps: int = 0
    losses: list[float] = field(default_factory=list)
    tokens: int = 0  # non-pad tokens through the model
    trained_tokens: int = 0  # tokens with a loss
    seconds: float = 0.0
    eval_losses: list[float | None] = field(default_factory=list)  # held-out loss after each epoch
    stopped_early: bool = False
    restored_best: bool = False
    final_eval: float | None = None  # held-out loss of the weights `run` returns, when it measured it

    @property
    def tokens_per_s(self) -> float:
        """Throughput of the loop."""
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    def final_loss(self, steps_per_epoch: int) -> float | None:
        """Mean step loss over the last epoch (the last `steps_per_epoch` steps)."""
        tail = self.losses[-max(1, steps_per_epoch):]
        return sum(tail) / len(tail) if tail else None


StepReport = Callable[[int, int, float, float, float], None]  # step, total, loss, tokens/s, eta


def run(model: Any, params: list[Any], rows: Sequence[Row], h: Hyper, p: Plan, pad_id: int,
        on_step: StepReport, cancelled: Callable[[], bool],
        evaluate: Callable[[], float | None] | None = None, choose: bool = True) -> TrainStats:
    """Train `params` of `model` on `rows` for `p.total_steps` optimizer steps.

    With `evaluate` (the held-out loss), it runs after every epoch (recorded in `eval_losses`); with
    `choose` as well, training stops once `PATIENCE` evaluations in a row did not improve on the best,
    and the best epoch's weights are kept. Without `choose` the last epoch's weights are returned.
    """
    import torch
    from transformers import get_scheduler

    rng = random.Random(h.seed)
    torch.manual_seed(h.seed)
    optimizer = torch.optim.AdamW(params, lr=float(h.learning_rate), weight_decay=0.0)
    warmup = math.ceil(float(h.warmup_ratio) * p.total_steps)
    scheduler = get_scheduler(h.lr_scheduler, optimizer, num_warmup_steps=warmup,
                              num_training_steps=p.total_steps)
    stats = TrainStats()
    model.train()
    t0 = time.perf_counter()
    step = 0
    best: tuple[float, list[Any]] | None = None
    stale = 0
    try:
        for _epoch in range(p.epochs):
            if evaluate is not None and _epoch > 0:
                loss_now = evaluate()
                model.train()
                stats.eval_losses.append(loss_now)
                if loss_now is not None and (best is None or loss_now < best[0]):
                    best, stale = (loss_now, [x.detach().clone() for x in params]), 0
                elif loss_now is not None:
                    stale += 1
                    if choose and stale >= PATIENCE:
                        stats.stopped_early = True
                        break
            batches = micro_batches(rows, p.micro_batch_size, rng)
            for s in range(0, len(batches), p.grad_accum):
                if step >= p.total_steps:
                    break
                group = batches[s:s + p.grad_accum]
                n_labels = sum(rows[i].trained_tokens for b in group for i in b)
                step_loss = 0.0
                for b in group:
                    if cancelled():
                        raise JobError("cancelled", "training cancelled")
                    ids, mask, labels = collate([rows[i] for i in b], pad_id)
                    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=h.bf16):
                        loss, _n = loss_sum(model, ids, mask, labels)
                    (loss / max(1, n_labels)).backward()
                    step_loss += float(loss.detach())
                    stats.tokens += int(mask.sum())
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                stats.steps = step
                stats.trained_tokens += n_labels
                loss_value = step_loss / max(1, n_labels)
                stats.losses.append(loss_value)
                stats.seconds = time.perf_counter() - t0
                eta = stats.seconds / step * (p.total_steps - step)
                on_step(step, p.total_steps, loss_value, stats.tokens_per_s, eta)
        if evaluate is not None and best is not None:
            final = evaluate()
            stats.eval_losses.append(final)
            stats.final_eval = final
            if choose and (final is None or final > best[0]):
                with torch.no_grad():
                    for x, saved in zip(params, best[1], strict=True):
                        x.copy_(saved)
                stats.restored_best = True
                stats.final_eval = best[0]
    finally:
        model.eval()
        optimizer.zero_grad(set_to_none=True)
    stats.seconds = time.perf_counter() - t0
    if any(not math.isfinite(x) for x in stats.losses):
        raise JobError("error", "training diverged (the loss is not finite); lower training.learning_rate")
    return stats
