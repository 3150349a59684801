"""The VS Code extension's package.json and the server's settings cannot drift apart.

editors/vscode/package.json is the one place that names the settings and their
defaults: the extension sends every `dlmls.<name>` property that is not its own
(`dlmls.server.*`, `dlmls.trace.*`) to the server, under `"dlmls"`. These
tests read package.json and check each of those against
`dlmls.lsp.settings`: the same names as `NAMES`, defaults that parse to
`Settings()`'s defaults, and JSON schema types, enums and bounds that accept
what the server's converters accept and nothing they reject. Dotted names
(`synthesis.teacher`) travel nested (`{"synthesis": {"teacher": …}}`): which
names the extension sends and the payload it builds come from running its own
code (editors/vscode/src/settings.js, which extension.ts bundles) with node, and
what node prints is fed to the server's parser. No editor, no build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest
from dlmls.lsp import settings as server_settings
from dlmls.lsp.settings import NAMES, SECTION, Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
PACKAGE = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
PROPERTIES = PACKAGE["contributes"]["configuration"]["properties"]
CLIENT_PREFIXES = ("server.", "trace.")  # the extension's own settings; checked against src/settings.js below
SERVER = {key.removeprefix(f"{SECTION}."): schema for key, schema in PROPERTIES.items()
          if key.startswith(f"{SECTION}.") and not key.removeprefix(f"{SECTION}.").startswith(CLIENT_PREFIXES)}

# One value of each JSON type, as VS Code would send it (numbers inside every setting's bounds).
SAMPLES = {"string": "python3 -m dlmls.worker", "array": ["python3", "-m", "dlmls.worker"], "boolean": True,
           "number": 2.5, "integer": 2, "object": {"a": "b"}, "null": None}
PYTHON_TYPES = {"string": str, "array": list, "boolean": bool, "number": (int, float), "integer": int,
                "object": dict, "null": type(None)}


def types_of(schema: dict) -> set[str]:
    kind = schema["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def accepts(name: str, value: object) -> bool:
    _, problems = parse_settings({SECTION: {name: value}})
    return not problems


# Runs editors/vscode/src/settings.js as the extension does: the server setting names it finds in
# package.json, and the payload it builds when the configuration's get(name) answers from argv[2] (the
# names set there) or, as VS Code does for an unset name, from package.json's default.
NODE_SCRIPT = """
const settings = require(process.argv[1]);
const packageJSON = require(process.argv[2]);
const configured = JSON.parse(process.argv[3]);
const properties = packageJSON.contributes.configuration.properties;
const names = settings.settingNames(packageJSON);
const get = (name) => (name in configured ? configured[name] : properties[`${settings.SECTION}.${name}`].default);
process.stdout.write(JSON.stringify({ names, payload: settings.settingsPayload(names, get) }));
"""


def extension_settings(configured: dict[str, object]) -> tuple[list[str], dict]:
    """(the server setting names, the settings payload) as the extension's code computes them."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (it runs the extension's src/settings.js)")
    done = subprocess.run([node, "-e", NODE_SCRIPT, str(EXTENSION / "src" / "settings.js"),
                           str(EXTENSION / "package.json"), json.dumps(configured)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    return got["names"], got["payload"]


GROUPS = {name.rpartition(".")[0] for name in NAMES if "." in name}  # "synthesis"


def leaves(payload: dict, prefix: str = "") -> dict[str, object]:
    """A nested payload's values by dotted name (the groups' objects opened, other values as they are)."""
    out: dict[str, object] = {}
    for key, value in payload.items():
        if isinstance(value, dict) and f"{prefix}{key}" in GROUPS:
            out.update(leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_every_property_is_namespaced_and_the_extension_reads_the_same_split():
    assert all(key.startswith(f"{SECTION}.") for key in PROPERTIES), list(PROPERTIES)
    names, _ = extension_settings({})
    # The extension's split (src/settings.js settingNames) is this file's: every dlmls.* property but its own.
    assert sorted(names) == sorted(SERVER)
    assert {"server.command", "server.env", "trace.server"} <= {k.removeprefix("dlmls.") for k in PROPERTIES}
    assert not {"server.command", "server.env", "trace.server"} & set(names)


def test_the_server_settings_are_exactly_the_servers_names():
    assert sorted(SERVER) == sorted(NAMES)
    assert sorted(NAMES.values()) == sorted(f.name for f in fields(Settings))


@pytest.mark.parametrize("name", sorted(NAMES))
def test_default_is_the_servers_default(name: str):
    schema = SERVER[name]
    assert "default" in schema, name
    parsed, problems = parse_settings({SECTION: {name: schema["default"]}})
    assert problems == []
    assert getattr(parsed, NAMES[name]) == getattr(Settings(), NAMES[name])
    # The default is a value of the declared type (VS Code's settings editor checks it against the schema).
    assert any(isinstance(schema["default"], PYTHON_TYPES[t]) for t in types_of(schema))
    assert "enum" not in schema or schema["default"] in schema["enum"]


@pytest.mark.parametrize("name", sorted(NAMES))
def test_declared_types_are_what_the_server_accepts(name: str):
    schema = SERVER[name]
    declared = types_of(schema)
    for kind, value in SAMPLES.items():
        if kind == "null" and "null" not in declared:
            continue  # VS Code sends no null for these; the server reads null as the default
        if kind == "string" and "enum" in schema:
            continue  # below: exactly the enum's strings
        expected = kind in declared or (kind == "integer" and "number" in declared)
        assert accepts(name, value) == expected, (name, kind, value)
    if "enum" in schema:
        assert all(accepts(name, choice) for choice in schema["enum"])
        assert not accepts(name, "no-such-choice")
        assert len(schema.get("enumDescriptions", schema["enum"])) == len(schema["enum"])
    if "array" in declared:
        assert schema["items"] == {"type": "string"}
        assert not accepts(name, ["python3", 3])


@pytest.mark.parametrize("name", sorted(n for n, s in SERVER.items() if types_of(s) & {"number", "integer"}))
def test_numeric_bounds_match(name: str):
    schema = SERVER[name]
    low, high = schema["minimum"], schema["maximum"]
    assert accepts(name, low) and accepts(name, high)
    assert not accepts(name, low - 1) and not accepts(name, high + 1)
    assert not accepts(name, low - 0.001) and not accepts(name, high + 0.001)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_documented_on_both_sides(name: str):
    schema = SERVER[name]
    text = schema.get("markdownDescription") or schema.get("description") or ""
    assert len(text) > 40, name
    assert f"`{name}`" in server_settings.__doc__, name


def test_initialization_options_shape_round_trips():
    # What the extension sends: {"dlmls": {name: value}} with every server setting at its default.
    payload = {SECTION: {name: SERVER[name]["default"] for name in SERVER}}
    parsed, problems = parse_settings(payload)
    assert parsed == Settings() and problems == []
    # ...and a change of one keeps the others (didChangeConfiguration sends them all again).
    changed, problems = parse_settings({SECTION: {**payload[SECTION], "dlmHome": "/tmp/store"}}, parsed)
    assert changed.dlm_home == "/tmp/store" and changed.diagnostics_delay == 0.0 and problems == []


def test_the_extension_nests_dotted_names_and_the_server_reads_them():
    # Nothing configured: every server setting at package.json's default.
    _, payload = extension_settings({})
    assert set(payload) == {SECTION}
    values = payload[SECTION]
    assert not [key for key in values if "." in key], "dotted names travel nested"
    assert set(values["synthesis"]) == {"teacher", "strategy", "perSection", "maxPairs", "filter", "threshold"}
    assert leaves(values) == {name: SERVER[name]["default"] for name in SERVER}
    parsed, problems = parse_settings(payload)
    assert parsed == Settings() and problems == []
    # Some configured: they arrive as set, the others at their defaults.
    chosen = {"synthesis.teacher": "hf:org/name", "synthesis.strategy": "both", "synthesis.perSection": 2,
              "synthesis.maxPairs": 5, "synthesis.filter": "dedup-only", "synthesis.threshold": 0.1,
              "dlmHome": "/tmp/store"}
    _, payload = extension_settings(chosen)
    assert payload[SECTION]["synthesis"]["teacher"] == "hf:org/name"
    parsed, problems = parse_settings(payload)
    assert problems == []
    assert (parsed.synth_teacher, parsed.synth_strategy, parsed.synth_per_section, parsed.synth_max_pairs,
            parsed.synth_filter, parsed.synth_threshold, parsed.dlm_home) == (
        "hf:org/name", "both", 2, 5, "dedup-only", 0.1, "/tmp/store")
    assert parsed.allow_download == Settings().allow_download and parsed.diagnostics_delay == 0.0
