"""docs/editors.md: every configuration snippet parses, has the keys its editor reads, and starts
`dlmls serve`."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "editors.md"


def snippets(language: str) -> list[str]:
    """The fenced blocks of docs/editors.md whose info string is `language`."""
    return re.findall(rf"^```{re.escape(language)}\n(.*?)^```$", DOC.read_text(encoding="utf-8"),
                      re.MULTILINE | re.DOTALL)


def strip_jsonc(text: str) -> str:
    """JSON with // comments (Zed's settings.json) as plain JSON; `//` inside strings is kept."""
    return re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*', lambda m: m.group(1) or "", text)


def test_every_fence_is_one_of_the_checked_kinds():
    fences = re.findall(r"^```(\S*)$", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    opening = fences[0::2]
    assert set(opening) <= {"toml", "jsonc", "rust"}, opening
    assert all(f == "" for f in fences[1::2]), fences


def helix() -> dict:
    [config] = [tomllib.loads(s) for s in snippets("toml") if "[language-server.dlmls]" in s]
    return config


def test_helix_languages_toml():
    config = helix()
    server = config["language-server"]["dlmls"]
    assert [server["command"], *server["args"]] == ["dlmls", "serve"]
    assert set(server["config"]) == {"dlmls"}  # initializationOptions: {"dlmls": {...}}
    [language] = config["language"]
    assert language["name"] == "dlm" and language["file-types"] == ["dlm"]
    assert language["language-servers"] == ["dlmls"]
    assert set(language) <= {"name", "scope", "file-types", "roots", "block-comment-tokens",
                             "language-servers"}
    assert language["block-comment-tokens"] == {"start": "<!--", "end": "-->"}


def test_zed_extension_manifest_and_language():
    tomls = [tomllib.loads(s) for s in snippets("toml") if "[language-server.dlmls]" not in s]
    [manifest] = [t for t in tomls if "language_servers" in t]
    [language] = [t for t in tomls if "path_suffixes" in t]
    assert {"id", "name", "version", "schema_version"} <= set(manifest)
    assert manifest["language_servers"]["dlmls"]["languages"] == [language["name"]] == ["DLM"]
    assert language["path_suffixes"] == ["dlm"]
    assert language["grammar"] in manifest["grammars"]
    assert manifest["grammars"][language["grammar"]]["path"] == "grammar"  # the grammar/ of this repository
    assert (ROOT / "grammar" / "grammar.js").exists()


def test_zed_extension_starts_dlmls_serve():
    [rust] = snippets("rust")
    assert 'worktree.which("dlmls")' in rust and 'vec!["serve".into()]' in rust
    assert "fn language_server_command" in rust and "register_extension!" in rust


def test_zed_settings_json():
    [text] = snippets("jsonc")
    settings = json.loads(strip_jsonc(text))
    binary = settings["lsp"]["dlmls"]["binary"]
    assert [binary["path"], *binary["arguments"]] == ["dlmls", "serve"]
    assert set(settings["lsp"]["dlmls"]["initialization_options"]) == {"dlmls"}
    assert settings["file_types"] == {"DLM": ["dlm"]}
    assert settings["languages"]["DLM"]["language_servers"] == ["dlmls"]


def test_the_server_settings_named_exist():
    """The settings the snippets send are ones the server reads."""
    from dlmls.lsp import settings as settingsmod

    source = Path(settingsmod.__file__).read_text()
    assert "diagnosticsDelay" in source
    assert helix()["language-server"]["dlmls"]["config"]["dlmls"] == {"diagnosticsDelay": 0}


@pytest.mark.parametrize("readme", ["README.md", "editors/nvim/README.md"])
def test_linked(readme: str):
    assert "docs/editors.md" in (ROOT / readme).read_text()  # ../../docs/editors.md from editors/nvim
