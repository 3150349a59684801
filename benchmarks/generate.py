"""Generate a large, realistic `.dlm` document for benchmarks.

About `size` bytes of mixed sections: prose (with markdown and code blocks),
instruction sections (some with several pairs and synth markers, some routed
to adapters), preference sections, image sections. Deterministic for a seed.
"""

from __future__ import annotations

import random

HEADER = """---
dlm_id: 01KPM5CXB51GRX86Q25AKERN6E
dlm_version: 15
base_model: smollm2-135m
system_prompt: You answer questions about the notes.
training:
  num_epochs: 2
  sequence_len: 512
  adapters:
    knowledge: {lora_r: 16, learning_rate: 1e-4}
    tone: {lora_r: 4}
---

"""

WORDS = ("adapter gradient token section prose corpus decoder window cache layer answer question "
         "training schedule epoch batch memory latency sample judge teacher student replay").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 11))]
    return " ".join(words).capitalize() + "."


def section(rng: random.Random, i: int) -> str:
    kind = rng.random()
    if kind < 0.35:
        body = "\n".join(sentence(rng) for _ in range(rng.randint(1, 2)))
        if rng.random() < 0.2:
            body += f"\n\n```python\ndef f_{i}(x):\n    return x * {i}\n```"
        return f"::prose::\n## Part {i}\n\n{body}\n"
    if kind < 0.8:
        adapter = rng.choice(["", "", "#knowledge", "#tone"])
        marker = ""
        if rng.random() < 0.3:
            marker = ('<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" '
                      'synth_at="2026-04-24T10:18:42Z" source_section_id="b6b7d8a2f4b3f9c0" -->\n')
        pairs = "\n".join(f"### Q\n{sentence(rng)[:-1]}?\n### A\n{sentence(rng)}\n"
                          for _ in range(rng.randint(1, 2)))
        return f"::instruction{adapter}::\n{marker}{pairs}"
    if kind < 0.95:
        return (f"::preference::\n### Prompt\n{sentence(rng)}\n### Chosen\n{sentence(rng)}\n"
                f"### Rejected\n{sentence(rng)}\n")
    return f'::image path="figures/fig{i}.png" alt="figure {i}"::\n{sentence(rng)}\n'


def generate(size: int = 1_000_000, seed: int = 7) -> bytes:
    """A document of at least `size` bytes."""
    rng = random.Random(seed)
    parts = [HEADER, "Introduction to the notes.\n\n"]
    total = sum(map(len, parts))
    i = 0
    while total < size:
        s = section(rng, i)
        parts.append(s)
        total += len(s)
        i += 1
    return "".join(parts).encode("utf-8")


if __name__ == "__main__":
    import sys

    sys.stdout.buffer.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
