"""Settings from initializationOptions / didChangeConfiguration: defaults, both shapes, soft failure, merging."""

from __future__ import annotations

import pytest
from dlmls.lsp.settings import Settings, parse_settings


def test_defaults_and_both_shapes():
    assert parse_settings(None) == (Settings(), [])
    flat = {"workerCommand": "ssh box 'python -m dlmls.worker'", "dlmHome": "/srv/dlm", "allowDownload": True}
    expected = Settings(worker_command=("ssh", "box", "python -m dlmls.worker"), dlm_home="/srv/dlm",
                        allow_download=True)
    assert parse_settings(flat) == (expected, [])
    assert parse_settings({"dlmls": flat, "other": {"x": 1}}) == (expected, [])
    assert parse_settings({"diagnosticsDelay": 250})[0].diagnostics_delay == 0.25
    assert Settings().diagnostics_delay == 0.0  # publish as soon as the server has caught up
    assert parse_settings({"workerCommand": ["/opt/py", "-m", "dlmls.worker"]})[0].worker_command == (
        "/opt/py", "-m", "dlmls.worker")


@pytest.mark.parametrize(("raw", "words"), [
    ({"allowDownload": "yes"}, "dlmls.allowDownload = 'yes': expected true or false"),
    ({"workerCommand": ["python", 3]}, "dlmls.workerCommand = ['python', 3]: expected a string or a list"),
    ({"workerCommand": "python 'unclosed"}, "cannot split it as a shell command"),
    ({"dlmHome": 7}, "dlmls.dlmHome = 7: expected a string"),
    ({"diagnosticsDelay": -1}, "dlmls.diagnosticsDelay = -1: expected a number of milliseconds"),
    ({"diagnosticsDelay": "fast"}, "expected a number of milliseconds from 0 to 5000"),
    ({"diagnosticsDelay": True}, "expected a number of milliseconds"),
    ([1, 2], "settings must be an object, got list"),
])
def test_bad_values_fall_back_with_a_message(raw, words: str):
    base = Settings(dlm_home="/kept", allow_download=True)
    settings, problems = parse_settings(raw, base)
    assert len(problems) == 1 and words in problems[0]
    assert settings.dlm_home == "/kept"  # a bad value keeps the old one
    assert settings.allow_download is True


def test_a_change_overrides_only_what_it_names():
    base = Settings(worker_command=("w",), dlm_home="/home", allow_download=True)
    assert parse_settings({}, base) == (base, [])  # e.g. Neovim's empty settings after initializationOptions
    assert parse_settings({"dlmls": {"workerCommand": ""}}, base)[0] == Settings(None, "/home", True)
    assert parse_settings({"trace": {"server": "verbose"}, "unknown": 1}, base) == (base, [])
