"""The layers stay apart: the core (and the CLI) never pull in an LSP library
or the ML stack, and the language server never pulls in the ML stack. Each
check runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

ML = ("torch", "transformers", "peft", "trl")
FORBIDDEN = (*ML, "pygls", "lsprotocol")
LAYERS = {
    "dlmls.core.document": FORBIDDEN,
    "dlmls.core.frontmatter": FORBIDDEN,
    "dlmls.core.completion": FORBIDDEN,
    "dlmls.core.navigation": FORBIDDEN,
    "dlmls.core.crosscheck": FORBIDDEN,
    "dlmls.cli": FORBIDDEN,
    "dlmls.jobs": FORBIDDEN,  # the CLI's train/prompt and the server run jobs through it
    "dlmls.jobs.format": FORBIDDEN,
    "dlmls.store": FORBIDDEN,  # read by hovers
    "dlmls.store_reader": FORBIDDEN,
    "dlmls.scores": FORBIDDEN,
    "dlmls.review": FORBIDDEN,  # accepting and rejecting suggestions: shared by the CLI and the server
    "dlmls.synth_cli": FORBIDDEN,
    "dlmls.worker.loop": FORBIDDEN,  # the engine (and torch) load at the first job: the handshake stays fast
    "dlmls.lsp.server": ML,
}


@pytest.mark.parametrize("module", list(LAYERS))
def test_no_forbidden_imports(module: str):
    forbidden = LAYERS[module]
    code = (f"import sys, {module}\n"
            f"bad = [m for m in {forbidden!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_only_the_lsp_package_imports_lsp_libraries():
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "server" / "dlmls"
    offenders = [str(p.relative_to(package)) for p in package.rglob("*.py")
                 if "lsp" not in p.relative_to(package).parts[:1]
                 and re.search(r"^\s*(from|import)\s+(pygls|lsprotocol)\b", p.read_text(), re.MULTILINE)]
    assert offenders == []


def test_every_emitted_code_is_catalogued_and_documented():
    import re
    from pathlib import Path

    from dlmls.core.codes import CODES, markdown

    root = Path(__file__).resolve().parent.parent
    used = set()
    for path in (root / "server" / "dlmls" / "core").glob("*.py"):
        used |= set(re.findall(r'"((?:DLM|FM)\d{3})"', path.read_text()))
    assert used - set(CODES) == set()
    assert (root / "docs" / "problems.md").read_text() == markdown()
