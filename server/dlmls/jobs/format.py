"""Progress events as short human text, shared by the CLI's progress bar and the editor's progress UI.

One formatter for both front ends keeps them saying the same thing:
`step 12/40 · loss 1.93 · 140 tok/s · ETA 0:32`, prefixed by the worker's
own message for stages that have one ("loading smollm2-135m").
"""

from __future__ import annotations

from dlmls import protocol

UNITS = {"train": "step", "eval": "step", "generate": "token"}
STAGE_NAMES = {"queued": "queued", "load": "loading", "data": "preparing data", "train": "training",
               "eval": "evaluating", "save": "saving", "generate": "generating", "synth": "synthesizing",
               "judge": "judging"}
# A synthesis's filter counts (`SynthResult.counts`), in the order a candidate meets the filters.
SYNTH_COUNTS = (("generated", "generated"), ("artifacts", "artifacts"), ("duplicates", "duplicates"),
                ("inconsistent", "inconsistent"), ("ungrounded", "ungrounded"),
                ("below_threshold", "below threshold"), ("over_cap", "over the caps"),
                ("accepted", "accepted"))


def duration(seconds: float) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour up."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def counts(p: protocol.Progress) -> str:
    """The numbers of a progress event: position (unless the worker's message says it), loss, speed and
    time left."""
    parts = []
    unit = UNITS.get(p.stage, "")
    if p.total > 0:
        if f"{p.step}/{p.total}" not in p.message:  # synthesis says "12/40 candidates" itself
            parts.append(f"{unit} {p.step}/{p.total}".strip())
    elif p.step > 0:
        parts.append(f"{unit} {p.step}".strip())
    if p.loss is not None:
        parts.append(f"loss {p.loss:.2f}")
    if p.tokens_per_s is not None:
        parts.append(f"{p.tokens_per_s:.0f} tok/s")
    if p.eta_s is not None:
        parts.append(f"ETA {duration(p.eta_s)}")
    return " · ".join(parts)


def describe(p: protocol.Progress) -> str:
    """The event as one line: adapter, the worker's message, then the numbers."""
    parts = [text for text in (p.message, counts(p)) if text] or [STAGE_NAMES.get(p.stage, p.stage)]
    line = " · ".join(parts)
    return f"[{p.adapter}] {line}" if p.adapter else line


def fraction(p: protocol.Progress) -> float | None:
    """How far the stage is, 0..1, when the worker knows the total."""
    if p.total <= 0:
        return None
    return min(1.0, max(0.0, p.step / p.total))


def bar(p: protocol.Progress, width: int = 20) -> str:
    """A text progress bar for the stage, `[#####-----]` (empty when the total is unknown)."""
    done = fraction(p)
    if done is None:
        return ""
    filled = round(done * width)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def synth_counts(counts: dict[str, int]) -> str:
    """A synthesis's filter counts as one phrase ("12 generated, 0 artifacts, 3 duplicates, …, 5 accepted"):
    every stage, then any count this list does not know yet."""
    known = dict(SYNTH_COUNTS)
    parts = [f"{counts.get(key, 0)} {label}" for key, label in SYNTH_COUNTS]
    parts += [f"{value} {key.replace('_', ' ')}" for key, value in counts.items() if key not in known]
    return ", ".join(parts)


def train_summary(result: protocol.TrainResult) -> list[str]:
    """One line per adapter version a training run wrote (and whether it was made current)."""
    lines = []
    for v in result.versions:
        name = f"adapter {v.adapter} " if v.adapter else "adapter "
        facts = [f"{v.steps} steps"]
        if v.train_loss is not None:
            facts.append(f"train loss {v.train_loss:.3f}")
        if v.eval_loss is not None:
            held_out = f"held-out loss {v.eval_loss:.3f}"
            if v.base_eval_loss is not None:
                held_out += f" (was {v.base_eval_loss:.3f})"
            facts.append(held_out)
        if v.tokens:
            facts.append(f"{v.tokens} tokens")
        if v.seconds:
            facts.append(duration(v.seconds))
        line = f"{name}{v.version}: " + ", ".join(facts)
        if v.held_back:
            line += f" — not made current: {v.held_back}"
        lines.append(line)
    return lines
