"""Reviewing staged suggestions: which ones a request means, and the edit that accepts them.

`dlmls synth accept|reject` (files) and the language server's
`dlmls.accept|reject` (open buffers) make the same decisions: pick
suggestions by id (or unique id prefix) or all pending ones, optionally only
those of one source section as the document is now; place them against the
current model (`core.accept.place`); never insert a stale one; build the
insertions and re-check the edited text before anything is written
(`core.accept.check_insertion`); record what was accepted or rejected. Keeping that here means the CLI and the
editor cannot disagree on what accepting does. Only when it is recorded differs: the CLI writes the
file, so its pairs are `accepted` at once; the editor only changes a buffer, so its pairs are `applied`
until the language server sees the document saved with them (`lsp/suggestions.py`). Pure: no LSP, no torch, no
file writes besides the store's append-only suggestion states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dlmls import suggestions as sugmod
from dlmls.core import accept
from dlmls.core.document import Model
from dlmls.store import utc_now


@dataclass(slots=True)
class Choice:
    """The suggestions a request names, and a message for each id it could not use."""

    chosen: list[sugmod.Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def choose(table: sugmod.SuggestionTable, ids: Iterable[str] | None, *, for_accept: bool) -> Choice:
    """Suggestions `ids` (None: every pending one); rejected ones are not accepted, unknown ids noted.

    "All" leaves out the `applied` ones: the writer accepted them in an editor whose buffer holds them
    unsaved, so neither accepting nor rejecting "everything pending" is about them (by id they can be).
    """
    out = Choice()
    if ids is None:
        out.chosen = [s for s in table.pending() if s.state == "pending"]
        return out
    for ident in ids:
        s = table.get(ident)
        if s is None:
            out.notes.append(f"{ident}: no such suggestion")
        elif for_accept and s.state == "rejected":
            out.notes.append(f"{s.id}: was rejected; not accepted")
        else:
            out.chosen.append(s)
    return out


def pending_placements(model: Model, table: sugmod.SuggestionTable) -> list[accept.Placement]:
    """Where every pending suggestion not yet in the document stands (ready, reanchored or stale)."""
    return [p for p in accept.place(model, table.pending()) if p.status != "accepted"]


@dataclass(slots=True)
class AcceptPlan:
    """What accepting a choice does to one version of the text."""

    ready: list[accept.Placement]  # inserted (ready or re-anchored)
    stale: list[accept.Placement]  # never inserted
    already: list[accept.Placement]  # already in the document
    edits: list[accept.Insertion]
    text: str | None  # the text after the edits (None: nothing to insert)

    @property
    def ids(self) -> list[str]:
        """The ids of the suggestions inserted."""
        return [p.suggestion.id for p in self.ready]

    def notes(self) -> list[str]:
        """A message for each suggestion that is not inserted."""
        out = [f"{p.suggestion.id}: its source section changed since it was written (stale); synthesize again"
               for p in self.stale]
        out += [f"{p.suggestion.id}: already in the document" for p in self.already]
        return out


def plan_accept(model: Model, chosen: Iterable[sugmod.Suggestion], section_id: str | None = None) -> AcceptPlan:
    """Place `chosen` (only those whose source is section `section_id` now, if given) and build the edit.

    Raises ValueError when the edited text would not be what accepting means
    (a changed section id, a new error, a pair that does not read back).
    """
    placements = accept.place(model, chosen)
    if section_id is not None:
        placements = [p for p in placements if p.section_id == section_id]
    ready = [p for p in placements if p.placeable]
    plan = AcceptPlan(ready, [p for p in placements if p.status == "stale"],
                      [p for p in placements if p.status == "accepted"], [], None)
    if ready:
        plan.edits = accept.insertions(model, ready)
        plan.text = accept.apply(model, plan.edits)
        why = accept.check_insertion(model, plan.text, [p.suggestion for p in ready])
        if why is not None:
            raise ValueError(why)
    return plan


def plan_reject(model: Model, chosen: Iterable[sugmod.Suggestion],
                section_id: str | None = None) -> list[str]:
    """The ids to record as rejected: `chosen` (only those whose source is section `section_id` now, if
    given) less the ones already rejected."""
    chosen = list(chosen)
    if section_id is not None:
        here = {p.suggestion.id for p in accept.place(model, chosen) if p.section_id == section_id}
        chosen = [s for s in chosen if s.id in here]
    return [s.id for s in chosen if s.state != "rejected"]


def now() -> str:
    """The time a state change is recorded with (ISO 8601, UTC, "Z")."""
    return utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")


def record(store_root: Path, ids: Iterable[str], state: str) -> None:
    """Record that suggestions `ids` were accepted, applied, rejected or are pending again (the store's
    append-only sidecar)."""
    sugmod.set_state(sugmod.suggestions_path(store_root), list(ids), state, now())
