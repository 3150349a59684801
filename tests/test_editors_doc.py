"""The editor docs say what the code does.

docs/editors.md: every configuration snippet parses, has the keys its editor reads, sends only
settings the server reads (it ignores unknown ones silently), and starts `dlmls serve`; the settings
it lists are the server's. editors/vscode/README.md: its settings table has exactly package.json's
settings with their defaults, its commands table exactly the palette commands with their titles (and
package.json's commands are the ones extension.ts registers). editors/nvim/README.md: its setup
options are the plugin's defaults (lua/dlmls/init.lua) key for key, their `settings` the server's,
and its commands table the commands plugin/dlmls.lua creates, with their `!` and arguments. Every
relative link of these pages leads to a file.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from dlmls.lsp.settings import NAMES, SECTION, Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "editors.md"
VSCODE = ROOT / "editors" / "vscode"
NVIM = ROOT / "editors" / "nvim"
TOP_LEVEL = {name.split(".")[0] for name in NAMES}  # workerCommand, ..., synthesis


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


def flat(settings: dict, prefix: str = "") -> dict[str, object]:
    """Nested settings by dotted name ({"synthesis": {"teacher": x}} → {"synthesis.teacher": x})."""
    out: dict[str, object] = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def snippet_settings() -> dict[str, dict]:
    [zed] = snippets("jsonc")
    return {"helix": helix()["language-server"]["dlmls"]["config"],
            "zed": json.loads(strip_jsonc(zed))["lsp"]["dlmls"]["initialization_options"]}


@pytest.mark.parametrize("editor", ["helix", "zed"])
def test_the_snippets_send_settings_the_server_reads(editor: str):
    sent = snippet_settings()[editor]
    assert set(sent) == {SECTION}
    # The server ignores a name it does not know (no problem reported): that is what to catch here.
    assert set(flat(sent[SECTION])) <= set(NAMES), flat(sent[SECTION])
    assert parse_settings(sent)[1] == []  # and it accepts every value


def test_the_settings_listed_are_the_servers():
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    listed = re.search(r'Server settings go in `initializationOptions` under `"dlmls"`: (.*?) \(see', text)
    assert listed, "the sentence that lists the server settings"
    assert set(re.findall(r"`(\w+)`", listed[1])) == TOP_LEVEL


# ---------------------------------------------------------------------------------------------------
# editors/vscode/README.md against package.json and src/extension.ts

PACKAGE = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))


def readme_section(path: Path, heading: str) -> str:
    """The text of `## heading` up to the next `## `."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"{path.name}: no section '## {heading}'"
    return match[1]


def table_rows(section: str) -> list[list[str]]:
    """The body rows of the Markdown tables in `section` (not their header rows), as cells."""
    lines = section.splitlines()
    rows = []
    for i, line in enumerate(lines):
        header = i + 1 < len(lines) and re.fullmatch(r"\|(---\|)+", lines[i + 1].strip())
        if line.startswith("| ") and not header:
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def json_or_word(text: str) -> object:
    """A default as the README writes it: JSON (`""`, `[]`, `0`, `null`), or a bare word (`off`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def test_vscode_readme_lists_every_setting_with_its_default():
    properties = PACKAGE["contributes"]["configuration"]["properties"]
    documented = {}
    for row in table_rows(readme_section(VSCODE / "README.md", "Settings")):
        name, default = re.fullmatch(r"`([\w.]+)`", row[0]), re.fullmatch(r"`(.*)`", row[1])
        assert name and default, row
        documented[name[1]] = json_or_word(default[1])
    assert documented == {name: schema["default"] for name, schema in properties.items()}


def palette_commands() -> dict[str, str]:
    """The commands package.json puts in the palette (not hidden with `when: false`): id → title."""
    hidden = {item["command"] for item in PACKAGE["contributes"]["menus"]["commandPalette"]
              if item.get("when") == "false"}
    commands = PACKAGE["contributes"]["commands"]
    assert all(c["category"] == "DLM" for c in commands)
    return {c["command"]: c["title"] for c in commands if c["command"] not in hidden}


def test_vscode_readme_lists_every_palette_command_with_its_title():
    documented = {}
    for row in table_rows(readme_section(VSCODE / "README.md", "Commands")):
        titles = re.findall(r"\*\*DLM: (.+?)\*\*", row[0])
        ids = re.findall(r"`([\w.]+)`", row[0])
        # "(`dlmls.client.acceptAll` / `rejectAll`)": a second id may leave out the first one's prefix.
        ids = [i if i.startswith("dlmls.") else ids[0].rpartition(".")[0] + "." + i for i in ids]
        assert titles and len(titles) == len(ids), row[0]
        documented.update(zip(ids, titles, strict=True))
    assert documented == palette_commands()


def test_vscode_package_commands_are_the_ones_the_extension_registers():
    source = (VSCODE / "src" / "extension.ts").read_text(encoding="utf-8")
    registered = re.findall(r"registerCommand\('([\w.]+)'", source)
    assert len(registered) == len(set(registered))
    assert set(registered) == {c["command"] for c in PACKAGE["contributes"]["commands"]}


# ---------------------------------------------------------------------------------------------------
# editors/nvim/README.md against the Lua plugin


def lua_value(text: str) -> object:
    """A Lua literal of the docs and the plugin's defaults: nil, booleans, numbers, 'strings', flat tables."""
    text = text.strip()
    if text == "nil":
        return None
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return json.loads(text)
    if re.fullmatch(r"'[^']*'", text):
        return text[1:-1]
    if text.startswith("{") and text.endswith("}"):
        inner = text[1:-1].strip()
        if not inner:
            return {}
        items = [item.strip() for item in inner.split(",") if item.strip()]
        if all("=" in item for item in items):
            return {k.strip(): lua_value(v) for k, v in (item.split("=", 1) for item in items)}
        return [lua_value(item) for item in items]
    raise ValueError(f"not a literal this test reads: {text}")


def lua_fields(lines: list[str], indent: int) -> dict[str, str]:
    """`key = value,` lines at exactly `indent` spaces (comments dropped): key → value text.
    A `key = {` line opening a table over several lines gives the text of its lines, braces included."""
    out: dict[str, str] = {}
    open_key = None
    for line in lines:
        code = re.sub(r"\s*--.*$", "", line)
        if open_key is not None:
            out[open_key] += "\n" + code
            if re.fullmatch(" " * indent + r"\},?", code):
                open_key = None
            continue
        match = re.fullmatch(" " * indent + r"(\w+) = (.*?),?", code)
        if match:
            out[match[1]] = match[2]
            if match[2] == "{":
                open_key = match[1]
    return out


def plugin_defaults() -> dict[str, str]:
    source = (NVIM / "lua" / "dlmls" / "init.lua").read_text(encoding="utf-8")
    block = re.search(r"^local defaults = \{\n(.*?)^\}", source, re.MULTILINE | re.DOTALL)
    assert block, "init.lua: local defaults = { ... }"
    return lua_fields(block[1].splitlines(), 2)


def readme_setup() -> tuple[dict[str, str], list[str]]:
    """The README's setup() example: its options (value text) and the lines of its `settings` table."""
    section = readme_section(NVIM / "README.md", "Setup options")
    [block] = re.findall(r"^```lua\nrequire\('dlmls'\)\.setup\(\{\n(.*?)^\}\)\n```", section,
                         re.MULTILINE | re.DOTALL)
    lines = block.splitlines()
    return lua_fields(lines, 2), lines


def test_nvim_readme_setup_options_are_the_plugins_defaults():
    documented, _ = readme_setup()
    defaults = plugin_defaults()
    assert set(documented) == set(defaults)
    for key, value in defaults.items():
        if key != "settings":  # the README shows the server's settings there (below); the plugin sends none
            assert lua_value(documented[key]) == lua_value(value), key
    assert lua_value(defaults["settings"]) == {}


def test_nvim_readme_settings_are_the_servers_with_their_defaults():
    _, lines = readme_setup()
    start = next(i for i, line in enumerate(lines) if re.match(r"  settings = \{", line))
    end = next(i for i in range(start, len(lines)) if re.match(r"  \},", lines[i]))
    settings = lua_fields(lines[start + 1:end], 4)
    assert set(settings) == TOP_LEVEL
    # nil is "not sent" (the server's default); any other value shown must be the server's default.
    for name, text in settings.items():
        value = lua_value(text)
        if value is not None:
            assert parse_settings({SECTION: {name: value}}) == (Settings(), []), name
    # The synthesis comment spells out the group's keys and defaults.
    [synthesis] = [line for line in lines[start + 1:end] if line.strip().startswith("synthesis =")]
    shown = lua_value(re.search(r"(\{[^{}]*\})\s*$", synthesis)[1])
    group = {name.split(".", 1)[1] for name in NAMES if name.startswith("synthesis.")}
    assert set(shown) == group
    defaults = {key: value for key, value in shown.items() if value is not None}
    assert parse_settings({SECTION: {"synthesis": defaults}}) == (Settings(), [])


def plugin_commands() -> dict[str, dict[str, object]]:
    """plugin/dlmls.lua's user commands: name → {bang, nargs}."""
    source = (NVIM / "plugin" / "dlmls.lua").read_text(encoding="utf-8")
    out = {}
    for chunk in source.split("nvim_create_user_command(")[1:]:
        name = re.match(r"'(\w+)'", chunk)[1]
        nargs = re.search(r"nargs = '(.)'", chunk)
        out[name] = {"bang": "bang = true" in chunk, "nargs": nargs[1] if nargs else "0"}
    return out


def test_nvim_readme_lists_every_command_with_its_bang_and_arguments():
    documented: dict[str, dict[str, object]] = {}
    for row in table_rows(readme_section(NVIM / "README.md", "Commands")):
        forms = re.findall(r"`:(\w+)(!?)(?: (\{\w+\}|\[\w+\]))?`", row[0])
        assert forms, row[0]
        for name, bang, argument in forms:
            entry = documented.setdefault(name, {"bang": False, "nargs": "0"})
            entry["bang"] = entry["bang"] or bang == "!"
            if argument:  # {required} / [optional]
                entry["nargs"] = "+" if argument.startswith("{") else "?"
    assert documented == plugin_commands()


# ---------------------------------------------------------------------------------------------------
# Links


@pytest.mark.parametrize("page", ["README.md", "docs/editors.md", "editors/nvim/README.md",
                                  "editors/vscode/README.md"])
def test_relative_links_lead_to_files(page: str):
    path = ROOT / page
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
               if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    missing = [t for t in targets if not (path.parent / t.split("#")[0]).exists()]
    assert missing == []


@pytest.mark.parametrize("readme", ["README.md", "editors/nvim/README.md"])
def test_linked(readme: str):
    path = ROOT / readme
    links = re.findall(r"\]\(([^)\s]*editors\.md)\)", path.read_text(encoding="utf-8"))
    assert links and all((path.parent / link).resolve() == DOC for link in links), links
