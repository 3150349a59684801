"""`dlmls check`, the editor's diagnostics and `dlmls train` agree on what an error is.

One definition (`dlmls.core.checks`) says which problems stop training: every
error-severity problem of the document and of its cross-checks (the base-model
registry, undeclared adapters, ...). Here, for every conformance document and
for crafted ones (a misspelled `base_model`, a missing `dlm_id`, an undeclared
adapter, an empty answer, ...):

- `dlmls check FILE` exits nonzero exactly when the document has an error, and
  its summary line says "ok" only then;
- `dlmls train`'s pre-flight (`cli._load_for_job`, run before any worker
  starts; no training here) refuses exactly those documents;
- the language server publishes an Error-severity diagnostic for exactly those.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dlmls import cli
from dlmls.core.document import Document
from dlmls.core.problems import Severity
from dlmls.lsp.diagnostics import Publisher
from dlmls.lsp.workspace import Entry
from dlmls.store_reader import StoreReader

from conftest import CONFORMANCE

HEAD = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: {base}\n{fm}---\n"
QA = "::instruction::\n### Q\nWhat is it?\n### A\nA thing.\n"

CONFORMANCE_DOCS = sorted((CONFORMANCE / "cases").glob("*.dlm")) + sorted((CONFORMANCE / "corpus").glob("*.dlm"))

# name -> (text, whether it has errors)
CRAFTED: dict[str, tuple[str, bool]] = {
    "valid": (HEAD.format(base="smollm2-135m", fm="") + "Some prose.\n" + QA, False),
    "misspelled-base-model": (HEAD.format(base="smollm2-135mm", fm="") + "Some prose.\n", True),
    "unknown-base-model": (HEAD.format(base="gpt-5", fm="") + "Some prose.\n", True),
    "hf-without-org": (HEAD.format(base="hf:gpt2", fm="") + "Some prose.\n", True),
    "hf-model": (HEAD.format(base="hf:acme/tiny", fm="") + "Some prose.\n", False),
    "vision-language-model": (HEAD.format(base="qwen2-vl-2b-instruct", fm="") + "Some prose.\n", True),
    # Not on this machine: the worker says "missing model" (exit 4), a warning here.
    "missing-local-model": (HEAD.format(base="./models/none-here", fm="") + "Some prose.\n", False),
    "org-name-without-hf": (HEAD.format(base="acme/tiny", fm="") + "Some prose.\n", False),
    "local-model-by-bare-name": (HEAD.format(base="mymodel", fm="") + "Some prose.\n", False),
    "missing-dlm-id": ("---\nbase_model: smollm2-135m\n---\nSome prose.\n", True),
    "missing-base-model": ("---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\n---\nSome prose.\n", True),
    "undeclared-adapter": (HEAD.format(base="smollm2-135m", fm="")
                           + QA.replace("::instruction::", "::instruction#tone::"), True),
    "empty-answer": (HEAD.format(base="smollm2-135m", fm="") + "::instruction::\n### Q\nWhat?\n### A\n\n", True),
    "misspelled-answer-header": (HEAD.format(base="smollm2-135m", fm="")
                                 + "::instruction::\n### Q\nWhat?\n### Aswer\nThis.\n\n### Q\nNext?\n### A\nok\n",
                                 True),
    "unknown-key": (HEAD.format(base="smollm2-135m", fm="bogus: 1\n") + "Some prose.\n", True),
    "missing-image": (HEAD.format(base="smollm2-135m", fm="") + '::image path="nowhere.png"::\ncap\n', False),
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.dlm"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "mymodel").mkdir(exist_ok=True)  # a local model directory named by a bare `base_model`
    return path


def check_status(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`dlmls check PATH` in process: its exit status and summary line."""
    capsys.readouterr()
    status = cli.main(["check", str(path)])
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    return status, summary


def train_refuses(path: Path, capsys: pytest.CaptureFixture[str]) -> bool:
    """Whether `dlmls train PATH` refuses the document before it starts a worker."""
    loaded = cli._load_for_job(str(path))
    capsys.readouterr()
    if isinstance(loaded, int):
        assert loaded == cli.EXIT_DOCUMENT
        return True
    return False


class _Protocol:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def notify_json(self, method: str, params: dict[str, Any]) -> None:
        self.sent.append(params)


class _Server:
    """What `Publisher.publish` needs of the server."""

    def __init__(self, home: Path) -> None:
        self.protocol = _Protocol()
        self.store_reader = StoreReader()
        self.dlm_home = str(home)
        self.position_encoding = "utf-16"


def editor_severities(path: Path, home: Path) -> set[int]:
    """The severities the language server publishes for `path` open in an editor."""
    server = _Server(home)
    publisher = Publisher(server)  # type: ignore[arg-type]
    uri = path.as_uri()
    publisher.publish(uri, Entry(uri, 1, Document(path.read_bytes())))
    (params,) = server.protocol.sent
    return {d["severity"] for d in params["diagnostics"]}


def _agree(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> bool:
    status, summary = check_status(path, capsys)
    has_errors = status != 0
    assert status in (0, 1)
    assert train_refuses(path, capsys) == has_errors, f"check says {summary!r}"
    assert (int(Severity.ERROR) in editor_severities(path, tmp_path / "home")) == has_errors, summary
    # The summary says "ok" exactly when there is no error, and counts them.
    assert (": ok;" in summary) == (not has_errors), summary
    assert (" 0 error(s)" in summary) == (not has_errors), summary
    return has_errors


@pytest.mark.parametrize("path", CONFORMANCE_DOCS, ids=lambda p: p.stem)
def test_conformance_documents(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    _agree(path, tmp_path, capsys)


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_documents(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    text, errors = CRAFTED[name]
    assert _agree(_write(tmp_path, name, text), tmp_path, capsys) == errors


def test_a_misspelled_base_model_is_an_error_with_the_fix_in_view(tmp_path: Path, capsys):
    path = _write(tmp_path, "typo", CRAFTED["misspelled-base-model"][0])
    assert cli.main(["check", str(path)]) == cli.EXIT_DOCUMENT
    out = capsys.readouterr().out
    assert f"{path}:3:13: error: base_model 'smollm2-135mm' is not in the base-model registry" in out
    assert "did you mean smollm2-135m" in out and "[FM160]" in out
