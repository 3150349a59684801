"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

# In CI an un-allow-listed skip fails (tests/ci_skips.py, tests/skip-allowlist.txt).
from ci_skips import pytest_configure, pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "tests" / "conformance"
