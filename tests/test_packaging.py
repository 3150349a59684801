"""`pip install .` builds one distribution from source: the dlmls package
(with its data files), the compiled grammar extension and its query files,
and the `dlmls` command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_contains_package_extension_queries_and_command(tmp_path: Path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("dlmls-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "dlmls/core/document.py" in names and "dlmls/cli.py" in names
    assert "dlmls/core/base_models.tsv" in names  # the base-model registry the cross-checks read
    assert any(n.startswith("tree_sitter_dlm/_binding") and n.endswith(".so") for n in names)
    for query in ("highlights", "injections", "folds"):
        assert f"tree_sitter_dlm/queries/{query}.scm" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "dlmls = dlmls.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
