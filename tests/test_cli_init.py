"""`dlmls init` and `dlmls templates`: a new document gets a fresh ULID, never replaces a file
without --force, and every starter template makes a document that `dlmls check` and DLM's own
parser accept."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dlm.doc.parser import parse_text
from dlmls import cli, templates
from dlmls.core.document import Document
from dlmls.core.schema import ULID_RE
from ulid import ULID

TEMPLATES = templates.names()


def init(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["init", *args])
    out, err = capsys.readouterr()
    return status, out, err


def dlm_id_of(path: Path) -> str:
    info = Document(path.read_bytes()).model.frontmatter.info
    assert info is not None
    return info.dlm_id


def test_init_writes_a_valid_document_with_a_fresh_ulid_each_time(tmp_path: Path, capsys):
    a, b = tmp_path / "a.dlm", tmp_path / "b.dlm"
    before = int(time.time() * 1000)
    assert init(capsys, str(a))[0] == 0
    status, out, err = init(capsys, str(b))
    assert status == 0 and out == ""
    assert f"wrote {b}" in err and "dlmls train" in err
    ids = [dlm_id_of(a), dlm_id_of(b)]
    assert ids[0] != ids[1]
    for dlm_id in ids:
        assert ULID_RE.fullmatch(dlm_id)
        ms = ULID.from_str(dlm_id).milliseconds  # a real ULID: its time is now
        assert before - 1000 <= ms <= int(time.time() * 1000) + 1000
    assert Document(a.read_bytes()).model.frontmatter.info.base_model == "smollm2-135m"
    # Without --template: DLM's `dlm init` scaffold (one prose paragraph, one Q&A pair).
    parsed = parse_text(a.read_text())
    assert [s.type.value for s in parsed.sections] == ["prose", "instruction"]
    assert parsed.frontmatter.dlm_id == ids[0]


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, capsys):
    path = tmp_path / "notes.dlm"
    path.write_text("my precious notes\n")
    status, out, err = init(capsys, str(path))
    assert status == cli.EXIT_USAGE == 2
    assert "already exists" in err and "--force" in err
    assert path.read_text() == "my precious notes\n"
    assert init(capsys, str(path), "--template", "changelog")[0] == 2
    assert path.read_text() == "my precious notes\n"


def test_force_replaces_the_file_with_a_new_id(tmp_path: Path, capsys):
    path = tmp_path / "notes.dlm"
    assert init(capsys, str(path))[0] == 0
    old = dlm_id_of(path)
    status, _, err = init(capsys, str(path), "--force", "--template", "regex-buddy")
    assert status == 0
    assert dlm_id_of(path) != old
    assert old in err  # says which store the replaced document had
    assert "# Regex buddy" in path.read_text()


def test_usage_errors_write_nothing(tmp_path: Path, capsys):
    path = tmp_path / "notes.dlm"
    status, _, err = init(capsys, str(path), "--template", "nope")
    assert status == 2 and "no template named 'nope'" in err and "changelog" in err
    status, _, err = init(capsys, str(path), "--base-model", "smolm2-135m")
    assert status == 2 and "did you mean smollm2-135m" in err
    status, _, err = init(capsys, str(path), "--base-model", "hf:nothing")
    assert status == 2 and "org/name" in err
    status, _, err = init(capsys, str(tmp_path / "missing" / "notes.dlm"))
    assert status == 2 and "does not exist" in err
    status, _, err = init(capsys, str(tmp_path))
    assert status == 2 and "is a directory" in err
    assert not path.exists() and not (tmp_path / "missing").exists()


@pytest.mark.parametrize("spec", ["smollm2-135m", "qwen2.5-1.5b", "hf:HuggingFaceTB/SmolLM2-360M-Instruct",
                                  "llama-3.2-1b"])
def test_base_model(tmp_path: Path, capsys, spec: str):
    path = tmp_path / "notes.dlm"
    status, _, err = init(capsys, str(path), "--base-model", spec)
    assert status == 0
    assert parse_text(path.read_text()).frontmatter.base_model == spec
    assert Document(path.read_bytes()).model.frontmatter.info.base_model == spec
    if spec == "llama-3.2-1b":
        assert "gated" in err  # a license to accept before it can be downloaded


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_passes_check_and_dlms_parser(tmp_path: Path, capsys, name: str):
    path = tmp_path / f"{name}.dlm"
    assert init(capsys, str(path), "--template", name)[0] == 0
    text = path.read_text()
    model = Document(text.encode()).model
    assert model.problems == [], [p.message for p in model.problems]
    assert cli.main(["check", str(path)]) == 0
    capsys.readouterr()
    parsed = parse_text(text)  # DLM 0.10's own parser (raises on what it rejects)
    template = templates.load(name)
    assert parsed.frontmatter.dlm_id == dlm_id_of(path) != dlm_id_of_text(template.text)
    assert parsed.frontmatter.base_model == "smollm2-135m"
    # Only the two lines change: the body is the template's, byte for byte.
    assert text.split("\n---\n", 1)[1] == template.text.split("\n---\n", 1)[1]
    assert len(parsed.sections) >= 1


def dlm_id_of_text(text: str) -> str:
    m = re.search(r"^dlm_id: (\S+)$", text, re.MULTILINE)
    assert m
    return m.group(1)


def test_the_templates_are_dlms_gallery():
    """DLM 0.10's gallery, with only the hyperparameters it tuned for bigger bases removed (NOTICE.md)."""
    from dlm.templates import list_bundled

    dropped = re.compile(r"^  (lora_r|lora_alpha|lora_dropout|learning_rate|num_epochs): .*\n", re.MULTILINE)
    gallery = {t.name: t for t in list_bundled()}
    assert set(TEMPLATES) == {"default", *gallery}
    for name, theirs in gallery.items():
        ours = templates.load(name)
        assert ours.text == dropped.sub("", theirs.dlm_text)
        assert (ours.title, ours.recommended_base) == (theirs.meta.title, theirs.meta.recommended_base)
    notice = Path(templates.__file__).with_name("NOTICE.md").read_text()
    assert "MIT License" in notice and "Matt Wolffe" in notice


def test_templates_list(capsys):
    assert cli.main(["templates"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == TEMPLATES
    assert "Changelog entry generator  (smollm2-360m)" in out
    assert "--template NAME" in err
    assert cli.main(["templates", "list"]) == 0
    assert capsys.readouterr().out == out


def test_templates_list_json_has_dlms_keys(capsys):
    assert cli.main(["templates", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [t["name"] for t in listed] == TEMPLATES
    keys = {"name", "title", "domain_tags", "recommended_base", "expected_steps", "expected_duration",
            "summary", "sample_prompts"}  # as `dlm templates list --json`
    assert all(set(t) == keys for t in listed)
    assert cli.main(["templates", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == listed


def test_new_dlm_id():
    ids = {templates.new_dlm_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(ULID_RE.fullmatch(i) for i in ids)
    fixed = templates.new_dlm_id(now_ms=1_700_000_000_123)
    assert ULID.from_str(fixed).milliseconds == 1_700_000_000_123
    assert templates.new_dlm_id(0).startswith("0000000000")
    with pytest.raises(ValueError):
        templates.new_dlm_id(1 << 48)


@pytest.mark.parametrize("value,expected", [("smollm2-135m", "smollm2-135m"), ("hf:org/name", "hf:org/name"),
                                            ("./models/m", '"./models/m"'), ("null", '"null"'),
                                            ("a: b", '"a: b"'), ("~", '"~"')])
def test_yaml_scalar_reads_back(value: str, expected: str):
    import yaml

    assert templates.yaml_scalar(value) == expected
    assert yaml.safe_load(f"k: {templates.yaml_scalar(value)}") == {"k": value}


def test_the_parser_defaults_are_the_template_modules():
    from dlmls import init_cli

    assert (init_cli.DEFAULT_TEMPLATE, init_cli.DEFAULT_BASE_MODEL) == \
           (templates.DEFAULT_TEMPLATE, templates.DEFAULT_BASE_MODEL)
    code = "import sys, dlmls.cli; dlmls.cli.build_parser(); print('dlmls.templates' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "False", r.stderr


def test_new_modules_stay_light():
    code = ("import sys, dlmls.init_cli, dlmls.show_cli, dlmls.history, dlmls.templates\n"
            "print([m for m in ('torch', 'transformers', 'peft', 'pygls', 'lsprotocol')"
            " if m in sys.modules])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
