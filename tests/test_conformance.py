"""Every conformance file must read as DLM reads it.

For each document in tests/conformance (copied from ../shared/conformance:
DLM's own documents and edge cases with the reference parse made by DLM's
parser): the same accept/reject decision; for accepted documents the same
frontmatter basics and the same sections (type, adapter, start line, id,
content, markers, media, pairs/triples or body error); for rejected
documents a problem where DLM reports its error — on the reported line, or,
where DLM can only say "line 2" (schema errors) or "the fence line" (marker
errors), on the exact key or marker attribute DLM names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlmls.core.document import Document
from dlmls.core.problems import Severity, Stage

from conftest import CONFORMANCE

CASES = sorted((CONFORMANCE / "expected").glob("*.json"))


def _source(name: str) -> Path:
    for folder in ("cases", "corpus"):
        p = CONFORMANCE / folder / f"{name}.dlm"
        if p.exists():
            return p
    raise FileNotFoundError(name)


def _parse_errors(model):
    return [p for p in model.problems if p.stage == Stage.PARSE and p.severity == Severity.ERROR]


def test_every_expected_file_has_a_document():
    assert len(CASES) >= 75
    for case in CASES:
        assert _source(case.stem).exists()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_conformance(case: Path):
    expected = json.loads(case.read_text())
    doc = Document(_source(case.stem).read_bytes())
    model = doc.model
    got = model.to_json()
    errors = _parse_errors(model)

    if expected["ok"]:
        assert errors == [], f"DLM accepts this document; we report {errors}"
        assert got["ok"] is True
        assert got["frontmatter"] == expected["frontmatter"]
        assert got["sections"] == expected["sections"]
        # A body DLM's trainer rejects gives a train-stage error inside that section.
        for section, exp in zip(model.live_sections, expected["sections"]):
            train = [p for p in section.problems if p.stage == Stage.TRAIN and p.severity == Severity.ERROR]
            if "body_error" in exp:
                assert train, f"no problem for body error {exp['body_error']}"
                assert all(section.start_line <= p.range.start_line <= section.end_line for p in train)
            else:
                assert not train
        return

    assert got["ok"] is False and errors, "DLM rejects this document; we report no parse error"
    err = expected["error"]
    kind, line, message = err["kind"], err["line"], err["message"]
    if kind == "SchemaValidationError" and line == 2 and not message.startswith("dlm_version"):
        # "loc: msg; loc: msg" — each loc must have its own problem, on that key or value.
        locs = [part.split(":", 1)[0] for part in message.split("; ")]
        paths = {(p.data or {}).get("path") for p in errors}
        for loc in locs:
            assert loc in paths, f"no problem for {loc!r}; have {sorted(map(str, paths))}"
        # ...and every one lies in the frontmatter: from the opening `---` (a missing key sits there)
        # to the closing one, a range that does not run backwards.
        closing = len((model.frontmatter.yaml_text or "").splitlines()) + 1
        for p in errors:
            r = p.range
            assert 0 <= r.start_line <= r.end_line <= closing, (p.code, str(r), p.message)
            assert (r.start_line, r.start_col) <= (r.end_line, r.end_col), (p.code, str(r))
        return
    if kind == "FenceError" and "marker" in message:
        # DLM puts marker errors on the fence line; ours sit on the marker attribute.
        section = model.section_at_line(line - 1)
        assert section is not None and section.start_line == line - 1
        marker_lines = {section.line(m.line) for m in section.core.markers}
        assert any(p.range.start_line in marker_lines and p.code.startswith("DLM3") for p in errors)
        return
    if line is None:
        # DLM gives no line (version errors, section validation): match by meaning.
        if kind == "UnsupportedMigrationError" or message.startswith("dlm_version"):
            assert any((p.data or {}).get("path") == "dlm_version" for p in errors), errors
        else:
            assert any(p.message == message for p in errors), errors
        return
    if message.startswith("dlm_version"):
        assert any((p.data or {}).get("path") == "dlm_version" for p in errors), errors
        return
    on_line = [p for p in errors if p.range.start_line == line - 1]
    assert on_line, f"DLM reports line {line}: {message!r}; ours: {[(p.range, p.message) for p in errors]}"
    # Where DLM names the offending text, so do we.
    quoted = re.findall(r"'(::[^']*::)'", message)
    if quoted:
        assert any(q in p.message for p in on_line for q in quoted)


@pytest.mark.parametrize("case", [c for c in CASES if not json.loads(c.read_text())["ok"]], ids=lambda p: p.stem)
def test_rejected_documents_name_dlms_error_kind(case: Path):
    expected = json.loads(case.read_text())["error"]
    got = Document(_source(case.stem).read_bytes()).model.to_json()["error"]
    assert got["kind"] == expected["kind"]
