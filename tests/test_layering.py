"""The core is pure: importing it (or the CLI) never pulls in an LSP library
or the ML stack. Each check runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("torch", "transformers", "peft", "trl", "pygls", "lsprotocol")


@pytest.mark.parametrize("module", ["dlmls.core.document", "dlmls.core.frontmatter", "dlmls.cli"])
def test_no_forbidden_imports(module: str):
    code = (f"import sys, {module}\n"
            f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


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
