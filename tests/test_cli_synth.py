"""`dlmls synth instructions|list|accept|reject` as real subprocesses (no model: the fake engine, or
suggestions staged directly with `dlmls.suggestions.stage`), and the synthesis progress and counts text.

The review commands decide through `dlmls.review`, as the language server
does: these tests pin the CLI's side of it (what reaches the file, the
notes for stale / rejected / already accepted / unknown ids, the states
recorded in the store, exit codes) and the file write (atomic, mode kept,
refused when the file changed meanwhile).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dlmls import cli, protocol, synth_cli
from dlmls import suggestions as sugmod
from dlmls.core.document import Document
from dlmls.jobs import format
from dlmls.store import Store
from dlmls.suggestions import Suggestion, suggestion_id
from fake_engine import document, worker_env

ROOT = Path(__file__).resolve().parent.parent
DLM_ID = "01KPM5CXB51GRX86Q25AKERN6E"
FACTS = ("fake-fact: What is the capital of Quux? | Its capital is Frob.\n"
         "fake-fact: Who founded Quux? | Ada Lind founded Quux.")


def dlmls(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dlmls.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=worker_env(), timeout=60, check=False)


def table(home: Path) -> sugmod.SuggestionTable:
    return sugmod.read_suggestions(sugmod.suggestions_path(Store.for_id(DLM_ID, str(home)).root))


def synth_sections(text: str) -> list[tuple[str, str]]:
    return [(s.core.pairs[0].question, s.core.pairs[0].answer) for s in Document(text).model.live_sections
            if s.core.marker("synth") is not None]


@pytest.fixture
def staged(tmp_path: Path) -> tuple[Path, Path, list[Suggestion]]:
    """A document (mode 0640) and three suggestions staged in its store by hand, about its one prose section."""
    path = tmp_path / "notes.dlm"
    path.write_text(document("Quux is a small island. Its capital is Frob.", dlm_id=DLM_ID))
    path.chmod(0o640)
    home = tmp_path / "home"
    section = Document(path.read_text()).model.live_sections[0]
    pairs = [("What is the capital of Quux?", "Frob."), ("What is Quux?", "A small island."),
             ("Is Quux large?", "No, it is small.")]
    new = [Suggestion(id=suggestion_id(q, a), question=q, answer=a, section_id=section.section_id,
                      source_text=section.content, synth_at="2026-01-02T03:04:05Z", sway=1.5, judge=0.9)
           for q, a in pairs]
    sugmod.stage(sugmod.suggestions_path(Store.for_id(DLM_ID, str(home)).root), new)
    return path, home, new


def test_list_accept_reject_through_review(staged):
    path, home, (capital, what, large) = staged
    r = dlmls("synth", "list", str(path), "--dlm-home", str(home), "--json")
    assert r.returncode == 0, r.stderr
    assert [(row["id"], row["status"], row["source"]) for row in json.loads(r.stdout)] == [
        (capital.id, "ready", "line 5"), (what.id, "ready", "line 5"), (large.id, "ready", "line 5")]

    # Accept one by a unique id prefix: it is written after its source, the mode is kept, the store says so.
    r = dlmls("synth", "accept", str(path), capital.id[:8], "--dlm-home", str(home))
    assert r.returncode == 0, r.stderr
    assert f"{path}: 1 pair(s) written into the file: {capital.id}" in r.stderr
    assert synth_sections(path.read_text()) == [(capital.question, capital.answer)]
    assert path.stat().st_mode & 0o777 == 0o640
    assert not list(path.parent.glob(".notes.dlm.*.tmp"))
    assert table(home).by_id[capital.id].state == "accepted"

    # Reject one; accepting it (and an unknown id, and the accepted one) afterwards writes nothing.
    r = dlmls("synth", "reject", str(path), large.id, "nosuchid", "--dlm-home", str(home))
    assert r.returncode == 0, r.stderr
    assert f"{path}: nosuchid: no such suggestion" in r.stderr
    assert f"{path}: 1 suggestion(s) rejected" in r.stderr
    assert table(home).by_id[large.id].state == "rejected"
    before = path.read_bytes()
    r = dlmls("synth", "accept", str(path), large.id, "nosuchid", "--dlm-home", str(home))
    assert r.returncode == 1
    assert f"{large.id}: was rejected; not accepted" in r.stderr and "nosuchid: no such suggestion" in r.stderr
    assert f"{path}: 0 pair(s) written into the file" in r.stderr
    assert path.read_bytes() == before
    r = dlmls("synth", "reject", str(path), large.id, "--dlm-home", str(home))
    assert r.returncode == 0 and "0 suggestion(s) rejected (1 already were)" in r.stderr

    # `list` shows the one still pending; `--all` shows every state.
    r = dlmls("synth", "list", str(path), "--dlm-home", str(home))
    assert r.returncode == 0 and r.stdout.startswith(f"[{what.id}] ready")
    assert f"{path}: 1 suggestion(s)" in r.stderr
    r = dlmls("synth", "list", str(path), "--all", "--json", "--dlm-home", str(home))
    assert {row["id"]: row["status"] for row in json.loads(r.stdout)} == {
        capital.id: "accepted", what.id: "ready", large.id: "rejected"}

    # --all accepts what is pending; nothing is left.
    r = dlmls("synth", "accept", str(path), "--all", "--dlm-home", str(home))
    assert r.returncode == 0, r.stderr
    assert synth_sections(path.read_text()) == [(capital.question, capital.answer), (what.question, what.answer)]
    assert table(home).pending() == []
    assert not [p for p in Document(path.read_text()).model.problems if p.severity.name == "ERROR"]


def test_a_stale_suggestion_is_noted_and_never_written(staged):
    path, home, (capital, what, _large) = staged
    path.write_text(path.read_text().replace("Its capital is Frob.", "Its capital is Grell."))
    before = path.read_bytes()
    r = dlmls("synth", "list", str(path), "--dlm-home", str(home))
    assert r.stdout.startswith(f"[{capital.id}] stale      source -")
    r = dlmls("synth", "accept", str(path), capital.id, what.id, "--dlm-home", str(home))
    assert r.returncode == 1
    assert f"{capital.id}: its source section changed since it was written (stale); synthesize again" in r.stderr
    assert path.read_bytes() == before
    assert table(home).by_id[capital.id].state == "pending"


def test_accept_is_refused_without_a_dlm_id_or_ids(tmp_path: Path, staged):
    path, home, _ = staged
    r = dlmls("synth", "accept", str(path), "--dlm-home", str(home))
    assert r.returncode == 2 and "give suggestion ids" in r.stderr
    r = dlmls("synth", "reject", str(path), "x", "--all", "--dlm-home", str(home))
    assert r.returncode == 2 and "not both" in r.stderr
    bare = tmp_path / "bare.dlm"
    bare.write_text("---\nbase_model: smollm2-135m\n---\nSome prose.\n")
    r = dlmls("synth", "list", str(bare), "--dlm-home", str(home))
    assert r.returncode == 1 and "no valid dlm_id" in r.stderr
    r = dlmls("synth", "accept", str(tmp_path / "missing.dlm"), "--all")
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_accept_into_file_returns_ids_and_notes(staged):
    path, home, (capital, what, large) = staged
    done, notes = synth_cli.accept_into_file(path, [capital.id, "nosuchid"], str(home))
    assert done == [capital.id] and notes == ["nosuchid: no such suggestion"]
    done, notes = synth_cli.accept_into_file(path, [capital.id, what.id], str(home))
    assert done == [what.id] and notes == [f"{capital.id}: already in the document"]
    done, notes = synth_cli.accept_into_file(path, None, str(home))
    assert done == [large.id] and notes == []
    assert [q for q, _ in synth_sections(path.read_text())] == [capital.question, what.question, large.question]


def test_the_file_is_not_written_when_it_changed_meanwhile(tmp_path: Path):
    path = tmp_path / "doc.dlm"
    path.write_text("old\n")
    with pytest.raises(OSError, match="changed while this command ran"):
        synth_cli.write_document(path, b"older\n", "new\n")
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["doc.dlm"]


def test_instructions_prints_progress_counts_and_pairs_then_apply(tmp_path: Path):
    path = tmp_path / "notes.dlm"
    path.write_text(document("Quux is an island. Its capital is Frob.", FACTS, "fake-steps: 3", dlm_id=DLM_ID))
    home = tmp_path / "home"
    r = dlmls("synth", "instructions", str(path), "--dlm-home", str(home))
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert "synth: 1/3 · loss 2.00 · 100 tok/s · ETA 0:00" in lines
    assert "synth: 3/3 · loss 0.67 · 100 tok/s · ETA 0:00" in lines
    assert "\r" not in r.stderr  # not a terminal: plain lines
    summary = next(line for line in lines if "teacher self" in line)
    assert ("2 generated, 0 artifacts, 0 duplicates, 0 inconsistent, 0 ungrounded, 0 below threshold, "
            "0 over the caps, 2 accepted") in summary
    assert r.stdout.count("  Q: ") == 2 and "  A: Ada Lind founded Quux." in r.stdout
    assert f"accept with `dlmls synth accept {path} ID…|--all`" in r.stderr
    assert len(table(home).pending()) == 2
    assert synth_sections(path.read_text()) == []

    # Again: the staged pairs are duplicates now; --per-section and --apply write what is new.
    path.write_text(path.read_text() + "::prose::\nOther notes. They say more about Quux and Frob.\n")
    r = dlmls("synth", "instructions", str(path), "--dlm-home", str(home), "--apply", "--per-section", "1")
    assert r.returncode == 0, r.stderr
    assert "3 generated, 0 artifacts, 2 duplicates" in r.stderr and "1 accepted" in r.stderr
    assert f"{path}: 1 pair(s) written into the file" in r.stderr
    assert synth_sections(path.read_text()) == [("What do the notes say about other notes?", "Other notes.")]


def progress(stage: str, message: str = "", step: int = 0, total: int = 0) -> protocol.Progress:
    return protocol.Progress(job=1, stage=stage, message=message, step=step, total=total)


def test_synthesis_progress_and_counts_text():
    assert format.describe(progress("synth", "12/40 candidates", 12, 40)) == "12/40 candidates"
    assert format.bar(progress("judge", "10/20 scored", 10, 20), width=4) == "[##--]"
    assert format.describe(progress("train", "", 3, 10)) == "step 3/10"
    assert format.describe(progress("judge")) == "judging"
    counts = dict.fromkeys(("generated", "artifacts", "duplicates", "inconsistent", "ungrounded",
                            "below_threshold", "over_cap", "accepted"), 1)
    assert format.synth_counts({**counts, "new_filter": 2}) == (
        "1 generated, 1 artifacts, 1 duplicates, 1 inconsistent, 1 ungrounded, 1 below threshold, "
        "1 over the caps, 1 accepted, 2 new filter")


def test_progress_view_one_line_per_stage_change_when_plain_one_redrawn_line_on_a_tty():
    plain = io.StringIO()
    now = [100.0]  # the view's clock, in seconds: the same stage is printed again after PLAIN_INTERVAL (5 s)
    view = cli.ProgressView(plain, tty=False, clock=lambda: now[0])
    for n in range(1, 5):
        view.update(progress("synth", f"{n * 10}/40 candidates", n * 10, 40))
        now[0] += 1.0
    view.update(progress("judge", "judging 8 candidate(s)", 0, 24))
    now[0] += 4.5  # the same stage within 5 s: no line
    view.update(progress("judge", "judging 8 candidate(s)", 6, 24))
    now[0] += 0.5  # 5 s after the last line: a line again
    view.update(progress("judge", "judging 8 candidate(s)", 12, 24))
    assert plain.getvalue().splitlines() == ["synth: 10/40 candidates", "synth: 40/40 candidates",
                                             "judge: judging 8 candidate(s) · 0/24",
                                             "judge: judging 8 candidate(s) · 12/24"]
    tty = io.StringIO()
    view = cli.ProgressView(tty, tty=True)
    view.update(progress("synth", "10/40 candidates", 10, 40))
    view.clear()
    assert tty.getvalue() == "\r\x1b[K   synth [#####---------------] 10/40 candidates\r\x1b[K"
