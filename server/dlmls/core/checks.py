"""A document's problems, and which of them stop training: the one definition
that `dlmls check`, the editor's diagnostics and `dlmls train` share.

A document's problems are the model's own (parse, train and lint stage,
kept per section) merged with the cross-checks that need the whole document,
the base-model registry or the files around it (`crosscheck`). Every problem
of severity error stops training: `dlmls check` exits 1 on it, the language
server publishes it as an Error, and `dlmls train` (and the editor's Retrain)
refuse the document before a worker starts. Warnings never do: they are text
DLM reads otherwise than it looks, or what depends on this machine rather
than on the document (an image, a `training.sources` folder or a local model
directory that is not there yet; the worker then says "missing model").

With a `base_dir` (the document's directory) and an `exists` the path checks
run too; without them (standard input, an untitled buffer) they are skipped.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dlmls.core.crosscheck import CrossCache, Exists, crosscheck
from dlmls.core.problems import Problem, Severity

if TYPE_CHECKING:
    from dlmls.core.document import Model


def _position(p: Problem) -> tuple[int, int]:
    return (p.range.start_line, p.range.start_col)


def document_problems(model: Model, base_dir: str | None = None, exists: Exists | None = None,
                      cache: CrossCache | None = None, extra: Iterable[Problem] = ()) -> list[Problem]:
    """Every problem of `model` and its cross-checks (plus `extra`), in document order."""
    more = crosscheck(model, base_dir, exists, cache)
    extra = list(extra)
    if extra:
        more = sorted([*more, *extra], key=_position)
    if not more:
        return list(model.problems)
    return list(heapq.merge(model.problems, more, key=_position))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop training: every error."""
    return [p for p in problems if p.severity == Severity.ERROR]


def blocking_problems(model: Model, base_dir: str | None = None, exists: Exists | None = None) -> list[Problem]:
    """The problems of `model` that stop training (empty: the document may be trained)."""
    return errors(document_problems(model, base_dir, exists))


def verdict(model: Model, n_errors: int) -> str:
    """One word or two for a summary line: never "ok" while there is an error."""
    if n_errors == 0:
        return "ok"
    return "rejected by DLM" if not model.ok else "not trainable"
