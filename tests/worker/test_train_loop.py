"""The training loop's use of the held-out loss (tiny random Llama, scripted held-out losses): with
`choose` it stops early and keeps the best epoch's weights; without, every epoch runs and the last stays."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("no_network")


def run(tiny_model: Path, losses: list[float], choose: bool):
    import torch
    from transformers import AutoModelForCausalLM

    from dlmls.worker import train

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    params = [model.lm_head.weight] if not model.config.tie_word_embeddings else [model.model.norm.weight]
    for p in model.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    rows = [train.Row([1, 2, 3, 4, 5, 6], [-100, -100, 3, 4, 5, 6]) for _ in range(4)]
    h = train.Hyper(num_epochs=8, learning_rate=0.05, micro_batch_size=4, grad_accum=1, warmup_ratio=0.0)
    p = train.plan(len(rows), h)
    scripted = iter(losses)
    snapshots: list[torch.Tensor] = []

    def evaluate() -> float:
        snapshots.append(params[0].detach().clone())  # the weights this evaluation measured
        return next(scripted)

    stats = train.run(model, params, rows, h, p, 0, lambda *a: None, lambda: False, evaluate, choose=choose)
    return stats, params[0].detach(), snapshots


def test_without_choose_all_epochs_run_and_the_last_stays(tiny_model: Path):
    stats, final, snapshots = run(tiny_model, [3.0, 1.0, 2.0, 2.5, 2.6, 2.7, 2.8, 2.9], choose=False)
    assert stats.steps == 8 and not stats.stopped_early and not stats.restored_best
    assert stats.eval_losses == [3.0, 1.0, 2.0, 2.5, 2.6, 2.7, 2.8, 2.9] and stats.final_eval == 2.9
    assert final.equal(snapshots[-1]) and not final.equal(snapshots[1])


def test_with_early_stop_patience_ends_training(tiny_model: Path):
    from dlmls.worker import train

    stats, final, snapshots = run(tiny_model, [3.0, 1.0, 2.0, 2.5, 2.6, 2.7, 2.8, 2.9], choose=True)
    assert stats.stopped_early and stats.steps == 2 + train.PATIENCE
    assert stats.restored_best and final.equal(snapshots[1])


def test_the_last_epoch_stays_when_it_is_the_best(tiny_model: Path):
    stats, final, snapshots = run(tiny_model, [3.0, 2.0, 1.5, 1.4, 1.3, 1.2, 1.1, 0.5], choose=True)
    assert stats.steps == 8 and not stats.restored_best and stats.final_eval == 0.5
    assert final.equal(snapshots[-1])
